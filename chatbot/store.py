"""Store: the Chroma index behind the pipeline, embedded on disk or on a `chroma run` server.

Three collections share a prefix: `<prefix>-chunks` (passages, with their text), `<prefix>-sentences`
(each sentence once, for sentence-level scoring without embedding at question time) and
`<prefix>-articles` (one record per article: its hash, title, date and indexing recipe, written last when the
article is indexed, so it doubles as the commit marker of that article). Chroma's result dicts never
leave this module: callers get `StoredArticle`, `StoredChunk` and `(id, similarity)` pairs. Chunks
are searched by the caller, exactly, in memory (see `retrieval.py`); Chroma searches sentences.
`Store.check()` searches each collection once, so damaged vector files are found before use;
`check_in_child()` does it in a child process, because such files can crash the process reading them.

What it leaves out: deciding what to (re)index (`indexer.py`), locking (the indexer holds the lock),
and embedding: vectors always come from the caller, so Chroma never downloads a model of its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from .chunking import Chunk
from .config import Settings
from .errors import ChatbotError

__all__ = ["Store", "StoredArticle", "StoredChunk", "ArticleRows", "IndexCorrupt", "encode_spans", "decode_spans",
           "release", "check_in_child", "remember_checked"]

_PAGE = 2000
_WRITE_ROWS = 2000  # rows per write call, well under Chroma's limit (5,461 embedded)
# ef_search: how many neighbours HNSW explores per query. Chroma's default of 100 missed up to 16% of
# the 160 true nearest sentences in a 1,000-article archive (2% on average); 400 missed 6% at worst,
# for 0.3-0.6 ms more per sentence query at 2,000 articles.
_EF_SEARCH = 400
_SPACE = {"hnsw": {"space": "cosine", "ef_search": _EF_SEARCH}}


class IndexCorrupt(ChatbotError):
    """The embedded index folder exists but Chroma cannot read it."""


@dataclass(frozen=True)
class StoredArticle:
    """The index's record of one article (its commit marker)."""

    doc_id: str
    sha256: str
    title: str
    date: str | None
    chunks: int
    recipe: str


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as the index holds it, with what retrieval needs to cite it."""

    id: str
    doc_id: str
    index: int
    start: int
    end: int
    text: str
    sentences: tuple[tuple[int, int], ...]
    terms: tuple[str, ...] | None = None  # the lexical terms of its title and text, when stored by this analyzer
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)  # when asked for


@dataclass(frozen=True)
class ArticleRows:
    """What the indexer stores for one article: its chunks and sentences with their vectors, and its marker.

    Attributes:
        record: the commit marker.
        vector: the marker's vector (the article's mean chunk vector, unit length).
        chunks, chunk_vectors: the chunks and one vector per chunk.
        sentences, sentence_texts, sentence_vectors: each sentence once, as article offsets, text and vector.
        chunk_terms, analyzer: each chunk's lexical terms (space-separated) and the analyzer that made
            them, stored so that opening the index does not analyse every chunk again.
    """

    record: StoredArticle
    vector: np.ndarray
    chunks: list[Chunk]
    chunk_vectors: np.ndarray
    sentences: list[tuple[int, int]]
    sentence_texts: list[str]
    sentence_vectors: np.ndarray
    chunk_terms: list[str]
    analyzer: str


def encode_spans(spans) -> str:
    """[(0, 5), (6, 9)] -> "0:5,6:9" (Chroma metadata holds only scalars)."""
    return ",".join(f"{start}:{end}" for start, end in spans)


def decode_spans(value: str) -> tuple[tuple[int, int], ...]:
    """"0:5,6:9" -> ((0, 5), (6, 9))."""
    return tuple(tuple(int(x) for x in part.split(":")) for part in value.split(",") if part)


def sentence_id(doc_id: str, start: int, end: int) -> str:
    """The id of a sentence record: its article and offsets."""
    return f"{doc_id}@{start}:{end}"


class Store:
    """One archive's collections in Chroma.

    Args:
        settings: `chroma_url` selects the server, else `chroma_dir` is opened in-process.
        create: create the folder and collections when missing (the indexer does; readers do not).
    """

    def __init__(self, settings: Settings, *, create: bool = True):
        self.settings = settings
        self.where = settings.chroma_url or str(settings.chroma_dir)
        self._client = _connect(settings, create=create)
        try:
            prefix = settings.collection
            self.chunks = self._collection(f"{prefix}-chunks", create)
            self.sentences = self._collection(f"{prefix}-sentences", create)
            self.articles_col = self._collection(f"{prefix}-articles", create)
        except ChatbotError:
            raise
        except Exception as error:
            raise self._failure(error) from None

    def _collection(self, name: str, create: bool):
        if not create:
            return self._client.get_collection(name, embedding_function=None)
        collection = self._client.get_or_create_collection(name, configuration=_SPACE, embedding_function=None)
        if (collection.configuration or {}).get("hnsw", {}).get("ef_search") != _EF_SEARCH:  # an older index
            collection.modify(configuration={"hnsw": {"ef_search": _EF_SEARCH}})
        return collection

    def _failure(self, error: Exception) -> ChatbotError:
        if self.settings.chroma_url:
            return ChatbotError(f"The Chroma server at {self.settings.chroma_url} is not answering "
                                f"({type(error).__name__}); start it or unset CHATBOT_CHROMA_URL, then try again.")
        if "does not exist" in str(error) or "NotFound" in type(error).__name__:
            return ChatbotError(f"The index in {self.settings.index_dir} is missing; run `chatbot index` to build it.")
        return IndexCorrupt(f"The index in {self.settings.index_dir} cannot be read ({type(error).__name__}); "
                            "run `chatbot index --rebuild` to rebuild it from the articles.")

    def _call(self, function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except ChatbotError:
            raise
        except Exception as error:
            raise self._failure(error) from None

    # -- articles (commit markers) ---------------------------------------------------------------
    def stored_articles(self) -> dict[str, StoredArticle]:
        """Every committed article, by doc_id."""
        found = {}
        for ids, metadatas, _, _ in self._pages(self.articles_col, ["metadatas"]):
            for doc_id, meta in zip(ids, metadatas):
                found[doc_id] = StoredArticle(doc_id, meta["sha256"], meta["title"], meta.get("date") or None,
                                              int(meta["chunks"]), meta.get("recipe", ""))
        return found

    def delete_articles(self, doc_ids: list[str]) -> None:
        """Remove several articles: all their markers first, then their sentences, then their chunks.

        One call per collection instead of three per article: each Chroma write is a transaction, and
        per-article calls made writing cost as much as embedding. Chunks go last because they are how
        `sync` finds what an interrupted run left behind: an article with sentences always has chunks.
        """
        doc_ids = list(dict.fromkeys(doc_ids))
        for start in range(0, len(doc_ids), _WRITE_ROWS):
            part = doc_ids[start:start + _WRITE_ROWS]
            where = {"doc_id": part[0]} if len(part) == 1 else {"doc_id": {"$in": part}}
            self._call(self.articles_col.delete, ids=part)
            self._call(self.sentences.delete, where=where)
            self._call(self.chunks.delete, where=where)

    def write_articles(self, rows: list[ArticleRows]) -> None:
        """Store several articles: all their chunks and sentences, then all their markers.

        Markers go last, so an interruption leaves every article of the batch either committed or
        visibly uncommitted (`sync` deletes and re-embeds those). Delete old rows first (`delete_articles`).
        """
        chunks = [(r, c, v, terms) for r in rows for c, v, terms in zip(r.chunks, r.chunk_vectors, r.chunk_terms)]
        if chunks:
            self._upsert(self.chunks, [c.id for _, c, _, _ in chunks], [v for _, _, v, _ in chunks],
                         [c.text for _, c, _, _ in chunks],
                         [{"doc_id": r.record.doc_id, "index": c.index, "start": c.start, "end": c.end,
                           "sentences": encode_spans(c.sentences), "terms": terms, "analyzer": r.analyzer}
                          for r, c, _, terms in chunks])
        sentences = [(r.record.doc_id, span, text, v) for r in rows
                     for span, text, v in zip(r.sentences, r.sentence_texts, r.sentence_vectors)]
        if sentences:
            # No documents: a sentence's text is its chunk's text at its offsets, and Chroma would build a
            # full-text index of them that nothing searches (it was 70% of the indexer's write time).
            self._upsert(self.sentences, [sentence_id(doc_id, s, e) for doc_id, (s, e), _, _ in sentences],
                         [v for *_, v in sentences], None,
                         [{"doc_id": doc_id, "start": s, "end": e} for doc_id, (s, e), _, _ in sentences])
        if rows:
            self._upsert(self.articles_col, [r.record.doc_id for r in rows], [r.vector for r in rows], None,
                         [_marker_meta(r.record) for r in rows])

    def _upsert(self, collection, ids: list[str], vectors, documents: list[str] | None, metadatas: list[dict]) -> None:
        for start in range(0, len(ids), _WRITE_ROWS):
            stop = start + _WRITE_ROWS
            extra = {} if documents is None else {"documents": documents[start:stop]}
            self._call(collection.upsert, ids=ids[start:stop], metadatas=metadatas[start:stop],
                       embeddings=np.asarray(vectors[start:stop], dtype=np.float32).tolist(), **extra)

    def chunk_doc_ids(self) -> set[str]:
        """doc_ids that have chunks, committed or not (to find leftovers of an interrupted run)."""
        return {meta["doc_id"] for _, metadatas, _, _ in self._pages(self.chunks, ["metadatas"]) for meta in metadatas}

    def all_chunks(self, analyzer: str = "", *, vectors: bool = False) -> list[StoredChunk]:
        """Every stored chunk with its text, for the lexical index and for citing.

        Args:
            analyzer: the lexical analyzer in use; stored terms made by another one are left out.
            vectors: also read each chunk's stored vector (in the same pages).
        """
        found = []
        include = ["metadatas", "documents"] + (["embeddings"] if vectors else [])
        for ids, metadatas, documents, embeddings in self._pages(self.chunks, include):
            for n, (chunk_id, meta, text) in enumerate(zip(ids, metadatas, documents)):
                terms = meta.get("terms")
                usable = isinstance(terms, str) and analyzer and meta.get("analyzer") == analyzer
                vector = np.asarray(embeddings[n], dtype=np.float32) if vectors else None
                found.append(StoredChunk(chunk_id, meta["doc_id"], int(meta["index"]), int(meta["start"]),
                                         int(meta["end"]), text, decode_spans(meta["sentences"]),
                                         tuple(terms.split()) if usable else None, vector))
        return found

    def count(self) -> int:
        """Number of chunks in the index."""
        return self._call(self.chunks.count)

    def check(self) -> None:
        """Read one stored vector of each collection and search with it, so damaged vector files fail here.

        Counting and listing read only Chroma's SQLite file; a search also loads the vector index.

        Raises:
            IndexCorrupt: the embedded index cannot be searched (ChatbotError when a server is down).
        """
        for collection in (self.chunks, self.sentences, self.articles_col):
            sample = self._call(collection.get, limit=1, include=["embeddings"])
            if len(sample["ids"]):
                vector = np.asarray(sample["embeddings"][0], dtype=np.float32)
                self._call(collection.query, query_embeddings=[vector.tolist()], n_results=1, include=["distances"])

    # -- search ------------------------------------------------------------------------------------
    def search_sentences(self, vector: np.ndarray, n: int) -> list[tuple[str, float]]:
        """The `n` sentences nearest to `vector`, as (sentence id, cosine similarity), best first."""
        return self._search(self.sentences, vector, n)

    def sentence_vectors(self, ids: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors of the given sentence ids (missing ids are left out)."""
        if not ids:
            return {}
        result = self._call(self.sentences.get, ids=ids, include=["embeddings"])
        return {i: np.asarray(v, dtype=np.float32) for i, v in zip(result["ids"], result["embeddings"])}

    def all_sentence_vectors(self, stop=None) -> tuple[dict[str, int], np.ndarray] | None:
        """Every stored sentence vector, as (sentence id -> row, matrix of rows); ~3 s at 50,000 sentences.

        Read in pages of 2,000; None when the event `stop` is set between two pages.
        """
        ids, blocks = [], []
        for page_ids, _, _, embeddings in self._pages(self.sentences, ["embeddings"]):
            if stop is not None and stop.is_set():
                return None
            ids += page_ids
            blocks.append(np.asarray(embeddings, dtype=np.float32))
        matrix = np.concatenate(blocks) if blocks else np.zeros((0, 0), dtype=np.float32)
        return {i: n for n, i in enumerate(ids)}, matrix

    def _search(self, collection, vector: np.ndarray, n: int) -> list[tuple[str, float]]:
        # No count() first: Chroma returns fewer than n when the collection is smaller, and every call
        # is a round trip to a server.
        if n <= 0:
            return []
        result = self._call(collection.query, query_embeddings=[vector.tolist()], n_results=n, include=["distances"])
        return [(i, 1.0 - float(d)) for i, d in zip(result["ids"][0], result["distances"][0])]

    def _pages(self, collection, include: list[str]):
        """(ids, metadatas, documents, embeddings) page by page; what `include` leaves out comes empty."""
        offset = 0
        while True:
            page = self._call(collection.get, include=include, limit=_PAGE, offset=offset)
            if not page["ids"]:
                return
            embeddings = page.get("embeddings")  # an array: no `or` on it
            yield (page["ids"], page.get("metadatas") or [], page.get("documents") or [None] * len(page["ids"]),
                   embeddings if embeddings is not None else [])
            offset += len(page["ids"])


def _marker_meta(record: StoredArticle) -> dict:
    return {"sha256": record.sha256, "title": record.title, "date": record.date or "", "chunks": record.chunks,
            "recipe": record.recipe}


def release(settings: Settings) -> None:
    """Forget this process's cached Chroma system for the embedded folder (before it is moved or wiped).

    Chroma keeps one system per path for the life of the process; a folder replaced underneath it
    would otherwise be served from stale handles.
    """
    from chromadb.api.shared_system_client import SharedSystemClient

    identifier = str(settings.chroma_dir)
    system = SharedSystemClient._identifier_to_system.pop(identifier, None)
    SharedSystemClient._identifier_to_refcount.pop(identifier, None)
    if system is not None:
        try:
            system.stop()
        except Exception:  # a broken store may fail to stop; it is being discarded anyway
            pass


def check_in_child(settings: Settings, *, timeout: float = 600.0) -> None:
    """Run `Store.check()` on the embedded folder in a child process, when it holds persisted vector files.

    Chroma's vector index (hnswlib, native code) can crash the whole process on damaged files instead of
    raising, so the first look at an index that may have been tampered with happens in a child. It
    costs one Python start (a second or two), and only when a collection's vectors were persisted
    (`*/index_metadata.pickle`, written once a collection passes Chroma's `sync_threshold`, 1,000 rows
    by default); smaller collections are rebuilt from Chroma's SQLite log and checked in-process.
    A check that passed, or a sync that wrote the files and finished, is remembered (`.checked` in the
    index folder: the vector files' names, sizes and modification times) and the check is not repeated
    while those files are unchanged; reading never changes them.

    Raises:
        IndexCorrupt: the child could not read the index, crashed, or hung.
    """
    if not any(settings.chroma_dir.glob("*/index_metadata.pickle")):
        return
    remembered = settings.index_dir / ".checked"
    fingerprint = _vector_files_fingerprint(settings)
    try:
        if remembered.read_text(encoding="utf-8") == fingerprint:
            return
    except (OSError, UnicodeDecodeError):
        pass
    code = ("import sys; from pathlib import Path; from chatbot.config import Settings; from chatbot.store import Store; "
            "Store(Settings(index_dir=Path(sys.argv[1]), collection=sys.argv[2]), create=False).check()")
    package_root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
    try:
        result = subprocess.run([sys.executable, "-c", code, str(settings.index_dir), settings.collection],
                                capture_output=True, timeout=timeout, env=env)
        failed = f"exit code {result.returncode}" if result.returncode else None
    except subprocess.TimeoutExpired:
        failed = f"no answer in {timeout:.0f} s"
    if failed:
        remembered.unlink(missing_ok=True)
        raise IndexCorrupt(f"The index in {settings.index_dir} cannot be read ({failed} when searching it); "
                           "run `chatbot index --rebuild` to rebuild it from the articles.")
    remember_checked(settings, fingerprint)


def remember_checked(settings: Settings, fingerprint: str | None = None) -> None:
    """Record the vector files as sound: after a check passed, or after this process wrote them whole.

    A write that finished is as good a witness as a check: the files are what Chroma wrote, and a
    later change to any of them (a kill mid-write, a tool, a copy) changes a size or a time.
    """
    if settings.chroma_url:
        return
    try:
        (settings.index_dir / ".checked").write_text(fingerprint or _vector_files_fingerprint(settings),
                                                     encoding="utf-8")
    except OSError:  # a read-only index folder: check again next time
        pass


def _vector_files_fingerprint(settings: Settings) -> str:
    """One line per persisted vector file: "<folder>/<file> <size> <mtime_ns>", sorted."""
    lines = []
    for path in sorted(settings.chroma_dir.glob("*/*")):
        try:
            stat = path.stat()
        except OSError:
            continue
        lines.append(f"{path.parent.name}/{path.name} {stat.st_size} {stat.st_mtime_ns}")
    return "\n".join(lines) + "\n"


def _connect(settings: Settings, *, create: bool):
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url if "//" in settings.chroma_url else f"http://{settings.chroma_url}")
        if not url.hostname:
            raise ChatbotError(f"CHATBOT_CHROMA_URL={settings.chroma_url!r} is not a URL like http://127.0.0.1:8000; fix it.")
        try:
            client = chromadb.HttpClient(host=url.hostname, port=url.port or 8000, ssl=url.scheme == "https",
                                         settings=chroma_settings)
            client.heartbeat()
        except Exception as error:
            raise ChatbotError(f"The Chroma server at {settings.chroma_url} is not answering ({type(error).__name__}); "
                               "start it or unset CHATBOT_CHROMA_URL, then try again.") from None
        return client
    path = settings.chroma_dir
    if path.exists() and not path.is_dir():
        raise IndexCorrupt(f"The index in {settings.index_dir} cannot be read ({path.name} is not a folder); "
                           "run `chatbot index --rebuild` to rebuild it from the articles.")
    if not create and not (path / "chroma.sqlite3").exists():
        raise ChatbotError(f"There is no index in {settings.index_dir}; run `chatbot index` to build it.")
    path.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as error:
        raise IndexCorrupt(f"The index in {settings.index_dir} cannot be read ({type(error).__name__}); "
                           "run `chatbot index --rebuild` to rebuild it from the articles.") from None
