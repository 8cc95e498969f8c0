"""Indexer: bring the index in line with the articles folder, touching only what changed.

`sync()` compares each article's sha256 (and the indexing recipe: model, chunking) with the index's commit markers:
a new or changed article has its old chunks deleted and its new ones embedded; a removed one is
deleted; the rest is left alone, so running it twice changes nothing. An article's marker is written
after its chunks and deleted before them, so an indexer killed at any point leaves every article
either fully indexed or visibly uncommitted, and the next run finishes the job, saying so (a file
`.unfinished` in the index folder lives as long as a run). An embedded index is checked before use
(its database is there, and every collection can be searched, first in a child process because
damaged vector files can crash the process that reads them); an unreadable one is moved aside to
`chroma.broken` and rebuilt from the articles, and a missing one is built, each with a sentence saying so.

What it leaves out: searching (`retrieval.py`). One writer at a time: a lock file in the index folder
makes a second indexer wait, then refuse.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from .articles import Article, load_articles, require_folder
from .chunking import chunk_article
from .config import Settings
from .embedding import Embedder
from .errors import ChatbotError
from .lexical import ANALYZER, stored_terms
from .store import ArticleRows, IndexCorrupt, Store, StoredArticle, check_in_child, release, remember_checked

__all__ = ["SyncReport", "sync", "index_lock", "embed_text"]

_BATCH_TEXTS = 1024  # texts per model call and per Chroma write; each write call has a fixed cost
RECIPE_VERSION = 1  # bump when chunking or what is embedded changes, so old indexes re-embed


@dataclass
class SyncReport:
    """What a sync did: article ids per outcome, the chunk count after it, and any rebuild reason."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    chunks: int = 0
    embedded_texts: int = 0
    rebuilt: str | None = None
    resumed: bool = False
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        """True when the index was written to."""
        return bool(self.added or self.updated or self.removed or self.rebuilt)

    def summary(self) -> str:
        """One line for people, e.g. "Index up to date: 4 articles, 26 chunks (1 added) in 3.1 s".

        It starts "Index rebuilt (why)" when the old index was discarded, and "Index up to date after
        finishing an interrupted run" when the committed part of an interrupted run was kept.
        """
        parts = [f"{len(v)} {k}" for k, v in [("added", self.added), ("updated", self.updated),
                                              ("removed", self.removed)] if v]
        articles = self.unchanged + len(self.added) + len(self.updated)
        head = (f"Index rebuilt ({self.rebuilt})" if self.rebuilt else
                "Index up to date after finishing an interrupted run" if self.resumed else "Index up to date")
        line = f"{head}: {articles} articles, {self.chunks} chunks"
        return line + (f" ({', '.join(parts)})" if parts else "") + f" in {self.seconds:.1f} s."


def indexing_recipe(settings: Settings, embedder: Embedder) -> str:
    """What an article's vectors depend on besides its text; a different recipe re-indexes it.

    Example: "all-MiniLM-L6-v2|600|1|v1".
    """
    return f"{embedder.name}|{settings.chunk_chars}|{settings.overlap_sentences}|v{RECIPE_VERSION}"


def embed_text(article_title: str, chunk_text: str) -> str:
    """What a chunk is embedded as: its article's title gives the chunk its context."""
    return f"{article_title}\n{chunk_text}"


@contextmanager
def index_lock(settings: Settings, *, wait: float = 30.0, say=print):
    """Hold the index's writer lock, waiting up to `wait` seconds for another indexer to finish.

    Raises:
        ChatbotError: another indexer still holds the lock after `wait` seconds.
    """
    if settings.index_dir.exists() and not settings.index_dir.is_dir():
        raise ChatbotError(f"The index folder {settings.index_dir} is a file; move it away or set CHATBOT_INDEX "
                           "to a folder.")
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.index_dir / ".lock", "a+") as handle:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise ChatbotError(f"Another indexer is writing to {settings.index_dir}; wait for it to "
                                       "finish, then run the command again.") from None
                if not told:
                    say("Another indexer is writing to this index; waiting for it to finish…")
                    told = True
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def open_for_writing(settings: Settings, *, rebuild: bool = False, problem: str | None = None,
                     say=print) -> tuple[Store, str | None]:
    """Open the store for the indexer: wiped for `rebuild`, checked, and moved aside when unreadable.

    `problem` is what `_folder_problem` found in the embedded folder. A missing embedded index is
    created without a word: `sync` says so.

    Returns:
        The store and, when it was started afresh, why.
    """
    reason = None
    if rebuild:
        reason = "rebuild requested"
        _wipe(settings)
    elif not settings.chroma_url:
        _discard(settings.index_dir / "chroma.old")
        if problem == "missing":
            release(settings)  # this process may still hold Chroma's handles on a folder deleted since
    try:
        if not settings.chroma_url and not rebuild:
            if problem not in (None, "missing"):
                raise IndexCorrupt(problem)
            check_in_child(settings)
        store = Store(settings, create=True)
        store.check()
        return store, reason
    except IndexCorrupt:
        if settings.chroma_url:
            raise
    release(settings)
    broken = settings.index_dir / "chroma.broken"
    _discard(broken)
    settings.chroma_dir.rename(broken)
    say(f"The index in {settings.index_dir} could not be read; moved it to {broken} and rebuilding from the articles.")
    return Store(settings, create=True), "the index could not be read"


def _folder_problem(settings: Settings) -> str | None:
    """Why the embedded index folder is not a complete index: "missing", a damage, or None when it looks whole."""
    path = settings.chroma_dir
    if not path.exists() and not path.is_symlink():
        return "missing"
    if not path.is_dir():
        return f"{path.name} is not a folder"
    database = path / "chroma.sqlite3"
    if database.is_file() and database.stat().st_size > 0:
        return None
    return "its database is missing or empty" if any(path.iterdir()) else "missing"


def _discard(path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path, ignore_errors=True)


def _wipe(settings: Settings) -> None:
    if settings.chroma_url:
        store = Store(settings, create=True)
        for collection in (store.chunks, store.sentences, store.articles_col):
            store._client.delete_collection(collection.name)
    else:
        release(settings)
        # Renamed in one step before deleting: a kill leaves the whole old index or none, never part of one.
        trash = settings.index_dir / "chroma.old"
        _discard(trash)
        if settings.chroma_dir.exists() or settings.chroma_dir.is_symlink():
            settings.chroma_dir.rename(trash)
        _discard(trash)


def sync(settings: Settings, embedder: Embedder, *, rebuild: bool = False, progress: bool = True,
         say=print) -> SyncReport:
    """Make the index match the articles folder.

    Args:
        settings: where the articles and the index are.
        embedder: the model that embeds new chunks (only called when something changed).
        rebuild: start from an empty index.
        progress: show a progress bar on stderr while embedding.
        say: where one-line notices go (a rebuild, a skipped file, waiting for the lock).

    Returns:
        What was added, updated, removed and skipped.
    """
    started = time.perf_counter()
    require_folder(settings.articles_dir)  # before the lock creates the index folder
    report = SyncReport()
    with index_lock(settings, say=say), ThreadPoolExecutor(1, thread_name_prefix="open-index") as pool:
        journal = settings.index_dir / ".unfinished"
        interrupted = journal.exists()
        journal.write_text(f"{os.getpid()}\n")
        existed = settings.chroma_url is not None or settings.chroma_dir.exists()
        problem = None if rebuild or settings.chroma_url else _folder_problem(settings)
        missing = problem == "missing"
        # Opening the store (and checking it in a child process) overlaps reading the articles, and a
        # missing index is created while the first batch is embedded. Its notices are held back until the
        # store is needed, so the order of what is said never depends on timing.
        notices: list[str] = []
        opening = pool.submit(open_for_writing, settings, rebuild=rebuild, problem=problem, say=notices.append)

        def opened() -> tuple[Store, str | None]:
            result = opening.result()
            for notice in notices:
                say(notice)
            notices.clear()
            return result

        loaded = load_articles(settings.articles_dir, max_bytes=settings.max_article_bytes)
        report.skipped = loaded.skipped
        for name, why in loaded.skipped:
            say(f"Skipped {name}: {why}.")
        recipe = indexing_recipe(settings, embedder)
        if missing:
            say(f"There is no index in {settings.index_dir} yet; building it from the articles.")
            todo = list(loaded.articles)
            report.added.extend(article.doc_id for article in todo)
            report.embedded_texts = _index_articles(lambda: opened()[0], embedder, todo, settings, recipe,
                                                    progress=progress)
            store, report.rebuilt = opened()
        else:
            store, report.rebuilt = opened()
            todo = _plan(store, loaded.articles, recipe, report, interrupted=interrupted, existed=existed,
                         where=settings.index_dir, say=say)
            report.embedded_texts = _index_articles(lambda: store, embedder, todo, settings, recipe,
                                                    progress=progress)
        report.chunks = store.count()
        if report.changed:
            remember_checked(settings)  # the next open need not check, in a child, the files just written
        journal.unlink()
    report.seconds = time.perf_counter() - started
    return report


def _plan(store: Store, articles: list[Article], recipe: str, report: SyncReport, *, interrupted: bool,
          existed: bool, where, say) -> list[Article]:
    """Compare the articles with the index's commit markers: delete what left, return what to embed."""
    stored = store.stored_articles()
    if interrupted and stored and not report.rebuilt:
        report.resumed = True
        say(f"The last indexing run in {where} stopped before it finished; kept the "
            f"{len(stored)} articles it had committed and indexing the rest.")
    elif interrupted and existed and not report.rebuilt:
        say(f"The last indexing run in {where} stopped before it committed any article; "
            f"building the index from the articles.")
    wanted = {a.doc_id for a in articles}
    todo: list[Article] = []
    for article in articles:
        old = stored.get(article.doc_id)
        if old and old.sha256 == article.sha256 and old.recipe == recipe:
            report.unchanged += 1
            continue
        (report.updated if old else report.added).append(article.doc_id)
        todo.append(article)
    # Chunks without a marker are left only by a run that stopped midway, and such a run leaves the journal.
    orphans = store.chunk_doc_ids() if interrupted else set()
    leftovers = sorted((set(stored) | orphans) - wanted)
    store.delete_articles(leftovers)
    report.removed.extend(doc_id for doc_id in leftovers if doc_id in stored)
    return todo


def _index_articles(get_store, embedder: Embedder, articles: list[Article], settings: Settings, recipe: str,
                    *, progress: bool) -> int:
    """Embed and store articles in batches of about `_BATCH_TEXTS` texts: one model call, one delete and
    one write per collection per batch (a Chroma call per article cost as much as the model).

    A batch is written by a second thread while the next one is embedded, one write at a time and in
    order, so a kill still leaves each article committed or visibly not. `get_store()` returns the
    store, waiting for it to open: it is first called after the first batch is embedded."""
    bar = None
    if progress and articles:
        from tqdm import tqdm

        bar = tqdm(total=len(articles), unit="article", desc="Indexing", file=sys.stderr, leave=False)
    embedded = 0
    batch: list[tuple[Article, list, list[str], list[str]]] = []
    texts = 0
    writing = None

    def write(store: Store, rows: list[ArticleRows]) -> None:
        store.delete_articles([r.record.doc_id for r in rows])
        store.write_articles(rows)
        if bar:
            bar.update(len(rows))

    def flush(writer: ThreadPoolExecutor):
        nonlocal embedded, texts, writing
        flat = [t for _, _, chunk_texts, sentence_texts in batch for t in chunk_texts + sentence_texts]
        vectors = embedder.embed(flat) if flat else np.zeros((0, 0), np.float32)
        row = 0
        rows = []
        for article, chunks, chunk_texts, sentence_texts in batch:
            chunk_vectors = vectors[row:row + len(chunk_texts)]
            row += len(chunk_texts)
            sentence_vectors = vectors[row:row + len(sentence_texts)]
            row += len(sentence_texts)
            spans = sorted({s for chunk in chunks for s in chunk.sentences})
            mean = chunk_vectors.mean(axis=0)
            record = StoredArticle(article.doc_id, article.sha256, article.title, article.date, len(chunks), recipe)
            rows.append(ArticleRows(record, mean / (np.linalg.norm(mean) or 1.0), chunks, chunk_vectors, spans,
                                    sentence_texts, sentence_vectors,
                                    [stored_terms(article.title, c.text) for c in chunks], ANALYZER))
        store = get_store()
        if writing is not None:
            writing.result()  # the previous batch is written (or its error raised) before this one starts
        writing = writer.submit(write, store, rows)
        embedded += len(flat)
        batch.clear()
        texts = 0

    with ThreadPoolExecutor(1, thread_name_prefix="write-index") as writer:
        for article in articles:
            chunks = chunk_article(article, max_chars=settings.chunk_chars, overlap=settings.overlap_sentences)
            spans = sorted({s for chunk in chunks for s in chunk.sentences})
            chunk_texts = [embed_text(article.title, c.text) for c in chunks]
            sentence_texts = [article.text[s:e] for s, e in spans]
            batch.append((article, chunks, chunk_texts, sentence_texts))
            texts += len(chunk_texts) + len(sentence_texts)
            if texts >= _BATCH_TEXTS:
                flush(writer)
        if batch:
            flush(writer)
        if writing is not None:
            writing.result()
    if bar:
        bar.close()
    return embedded
