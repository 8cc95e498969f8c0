"""Faults: an indexer killed at random points, two indexers at once, a damaged index folder, bad article files.

The indexer runs as the real CLI (`chatbot.cli.main(["index"])`) in a child process with the conftest's
deterministic fake embedder swapped in for the model, so a build of a few dozen articles takes seconds
and can be SIGKILLed many times. Where the vector files on disk matter (some kills, the damaged
folders), the collections are created with a low `sync_threshold`, so Chroma writes its vector
(HNSW) files after every few dozen rows instead of after a thousand. After every kill the index is read back and checked article by
article against the two versions the article can be in (before and after the change): an article's
commit marker, its chunks and its sentences must all be exactly one version, never a mix. Then the
next `chatbot index` must finish the job, say whether it kept what was committed or rebuilt, and
leave exactly what a clean build leaves. The in-process crash test stops the indexer at every
single write call (not just where a random kill lands) and checks the same.

Kills use a seeded random generator (`FAULT_SEED`, printed with every failure), so a failure replays.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import signal
import struct
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from chatbot import Archive, ChatbotError, Settings
from chatbot.articles import parse_article
from chatbot.chunking import chunk_article
from chatbot.indexer import index_lock, sync
from chatbot.store import IndexCorrupt, Store, check_in_child, release, sentence_id
from conftest import SEEDS, FakeEmbedder

TESTS = Path(__file__).resolve().parent
SEED = int(os.environ.get("FAULT_SEED", "20261123"))
ARTICLES = 24
KILLS = {"build": 5, "update": 6, "rebuild": 4, "update, vector files written often": 4}
PERSIST = {"TEST_SYNC_THRESHOLD": "40"}  # Chroma writes its vector files every 40 rows (default 1,000)

# The real CLI, with the fake embedder in place of the model and an optional shorter lock wait.
DRIVER = f"""
import functools, os, sys
sys.path.insert(0, {str(TESTS)!r})
from conftest import FakeEmbedder
import chatbot.archive, chatbot.indexer
chatbot.archive.SentenceTransformerEmbedder = lambda *args, **kwargs: FakeEmbedder()
if os.environ.get("TEST_LOCK_WAIT"):
    chatbot.indexer.index_lock = functools.partial(chatbot.indexer.index_lock, wait=float(os.environ["TEST_LOCK_WAIT"]))
if os.environ.get("TEST_SYNC_THRESHOLD"):
    threshold = int(os.environ["TEST_SYNC_THRESHOLD"])
    chatbot.store._SPACE = {{"hnsw": {{"space": "cosine", "sync_threshold": threshold, "batch_size": threshold}}}}
from chatbot.cli import main
sys.exit(main(sys.argv[1:]))
"""


# -- corpus ----------------------------------------------------------------------------------------

def corpus(n: int) -> dict[str, str]:
    """n articles made from the seeds, each with its own opening sentence (so no two share a chunk)."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    return {f"a{i:03d}": f"Report number {i} from the city desk was filed today.\n{seeds[i % len(seeds)]}"
            for i in range(n)}


def changed(old: dict[str, str]) -> dict[str, str]:
    """The next version of a corpus: a third of the articles edited, some removed, three added."""
    new = {}
    for i, (doc_id, text) in enumerate(sorted(old.items())):
        if i % 3 == 0:
            new[doc_id] = text.replace("Report number", "Revised report number") + "\nThe council met again on Friday.\n"
        elif i % 7 != 1:
            new[doc_id] = text
    for j in range(3):
        new[f"new{j}"] = (f"The harbor commission number {j} approved a ferry terminal on Monday. "
                          "It will open next year, the commission said.")
    return new


def write_folder(folder: Path, texts: dict[str, str]) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for doc_id, text in texts.items():
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")


@dataclass(frozen=True)
class Version:
    """What one version of an article must look like in the index."""

    sha256: str
    chunks: frozenset
    sentences: frozenset


def expected(doc_id: str, text: str) -> Version:
    article = parse_article(doc_id, text, hashlib.sha256(text.encode("utf-8")).hexdigest())
    settings = Settings()
    chunks = chunk_article(article, max_chars=settings.chunk_chars, overlap=settings.overlap_sentences)
    spans = {s for chunk in chunks for s in chunk.sentences}
    return Version(article.sha256, frozenset(c.id for c in chunks),
                   frozenset(sentence_id(doc_id, s, e) for s, e in spans))


# -- reading an index back -----------------------------------------------------------------------------

@dataclass
class Snapshot:
    markers: dict[str, str]  # doc_id -> sha256 of the committed version
    chunks: dict[str, set]  # doc_id -> chunk ids, committed or not
    sentences: dict[str, set]  # doc_id -> sentence ids, committed or not
    count: int

    def key(self):
        return self.markers, self.chunks, self.sentences, self.count


def snapshot(settings: Settings) -> Snapshot:
    """Everything the index holds, by article (reads every collection and searches each once)."""
    try:
        store = Store(settings, create=False)
        store.check()
        markers = {doc_id: record.sha256 for doc_id, record in store.stored_articles().items()}
        chunks: dict[str, set] = {}
        for chunk in store.all_chunks():
            chunks.setdefault(chunk.doc_id, set()).add(chunk.id)
        sentences: dict[str, set] = {}
        for ids, metadatas, _, _ in store._pages(store.sentences, ["metadatas"]):
            for sentence, meta in zip(ids, metadatas):
                sentences.setdefault(meta["doc_id"], set()).add(sentence)
        return Snapshot(markers, chunks, sentences, store.count())
    finally:
        release(settings)  # the next child process rewrites the folder; drop this process's handles


def mixed_articles(snap: Snapshot, allowed: dict[str, list[Version]]) -> list[str]:
    """Committed articles whose marker, chunks and sentences are not all exactly one allowed version."""
    problems = []
    for doc_id, sha in snap.markers.items():
        version = next((v for v in allowed.get(doc_id, []) if v.sha256 == sha), None)
        if version is None:
            problems.append(f"{doc_id}: marker of an unknown version")
        elif snap.chunks.get(doc_id, set()) != version.chunks:
            problems.append(f"{doc_id}: chunks are not those of its committed version")
        elif snap.sentences.get(doc_id, set()) != version.sentences:
            problems.append(f"{doc_id}: sentences are not those of its committed version")
    return problems


def run_cli(articles: Path, index: Path, *args: str, env: dict | None = None, timeout: float = 300):
    return subprocess.run([sys.executable, "-c", DRIVER, "--articles", str(articles), "--index", str(index), *args],
                          capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})


def notices(stderr: str) -> list[str]:
    """The lines a user reads on stderr (progress-bar redraws removed)."""
    lines = [line.strip() for line in stderr.replace("\r", "\n").splitlines()]
    return [line for line in lines if line and not line.startswith(("Indexing", "Loading"))]


def assert_clean(result, what: str) -> None:
    assert result.returncode == 0, f"{what}: exit {result.returncode}\n{result.stderr[-2000:]}"
    assert "Traceback" not in result.stderr, f"{what}:\n{result.stderr[-2000:]}"


# -- fixtures ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Two versions of a corpus and a clean index of each (the references), built by the CLI; and the
    old version again with its vector files written often (`index-persisted`)."""
    root = tmp_path_factory.mktemp("faults")
    old = corpus(ARTICLES)
    new = changed(old)
    refs = {}
    for name, texts in (("old", old), ("new", new)):
        write_folder(root / f"articles-{name}", texts)
        started = time.monotonic()
        result = run_cli(root / f"articles-{name}", root / f"index-{name}", "index")
        assert_clean(result, f"clean build of {name}")
        refs[name] = (snapshot(Settings(articles_dir=root / f"articles-{name}", index_dir=root / f"index-{name}")),
                      time.monotonic() - started)
    assert_clean(run_cli(root / "articles-old", root / "index-persisted", "index", env=PERSIST), "persisted build")
    assert sum(p.stat().st_size for p in (root / "index-persisted" / "chroma").glob("*/index_metadata.pickle")), \
        "the vector files should hold the vectors"
    versions = {"old": {d: expected(d, t) for d, t in old.items()}, "new": {d: expected(d, t) for d, t in new.items()}}
    return root, versions, refs


# -- SIGKILL at random moments -----------------------------------------------------------------------------

@pytest.mark.parametrize("scenario", list(KILLS))
def test_an_indexer_killed_at_random_moments_leaves_a_consistent_index(world, tmp_path, scenario):
    root, versions, refs = world
    rng = random.Random(f"{SEED}-{scenario}")
    env = {**os.environ, **(PERSIST if "often" in scenario else {})}
    base = root / ("index-persisted" if "often" in scenario else "index-old")
    target = "old" if scenario in ("build", "rebuild") else "new"
    articles = root / f"articles-{target}"
    reference, seconds = refs[target]
    old, new = versions["old"], versions["new"]
    allowed = {d: [v for v in (old.get(d), new.get(d) if target == "new" else None) if v] for d in {*old, *new}}
    args = ("index", "--rebuild") if scenario == "rebuild" else ("index",)
    killed_mid_run = 0
    for attempt in range(KILLS[scenario]):
        index = tmp_path / f"index-{attempt}"
        if scenario != "build":
            shutil.copytree(base, index)
        settings = Settings(articles_dir=articles, index_dir=index)
        delay = rng.uniform(0.1, seconds * 0.9)  # within the clean run's time, so most kills land mid-run
        where = f"{scenario} attempt {attempt}, kill after {delay:.2f} s (FAULT_SEED={SEED})"
        child = subprocess.Popen([sys.executable, "-c", DRIVER, "--articles", str(articles), "--index", str(index),
                                  *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        try:
            child.wait(delay)
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGKILL)
            killed_mid_run += 1
        child.wait(60)
        unfinished = (index / ".unfinished").exists()

        # What the killed run left: every committed article is exactly one version of itself.
        try:
            check_in_child(settings)  # a torn vector file could crash this process; look from a child first
            left = snapshot(settings)
        except ChatbotError as error:  # nothing built yet, or damaged: the next run must rebuild and say so
            left = None
            assert isinstance(error, IndexCorrupt) or "no index" in str(error) or "is missing" in str(error), \
                f"{where}: {error}"
        if left is not None:
            assert not mixed_articles(left, allowed), f"{where}: {mixed_articles(left, allowed)}"
            retriever_view = Archive(settings, embedder=FakeEmbedder(), auto_index=False, say=lambda m: None)
            visible = {p.doc_id for p in retriever_view.retrieve("ferry terminal harbor primary ballot", k=20)}
            assert visible <= set(left.markers), f"{where}: uncommitted articles were searchable"
            release(settings)

        # The next start finishes the job and says what it did.
        result = run_cli(articles, index, "index", env=env)
        assert_clean(result, where)
        told = notices(result.stderr)
        summary = result.stdout.strip()
        if left is None:
            assert any(said in line for line in told for said in
                       ("There is no index", "could not be read", "before it committed any article")), f"{where}: {told}"
        elif unfinished and left.markers:
            assert summary.startswith("Index up to date after finishing an interrupted run"), f"{where}: {summary}"
            assert any(f"kept the {len(left.markers)} articles it had committed" in line for line in told), told
        else:
            assert summary.startswith("Index up to date:"), f"{where}: {summary}"
        assert not (index / ".unfinished").exists()
        final = snapshot(settings)
        assert final.key() == reference.key(), f"{where}: the recovered index differs from a clean build"
        assert set(final.chunks) == set(final.sentences) == set(final.markers), f"{where}: orphaned rows"
    assert killed_mid_run >= 1, "no kill landed while the indexer ran: the test proved nothing"


class Crash(BaseException):
    """Stands for a kill: not an Exception, so nothing in the package can catch it."""


def test_an_indexer_stopped_at_every_write_call_recovers_exactly(tmp_path, monkeypatch):
    """Complements the random kills: the update is stopped before its 1st, 2nd, ... write call in turn."""
    old_texts = corpus(10)
    new_texts = changed(old_texts)
    old = {d: expected(d, t) for d, t in old_texts.items()}
    new = {d: expected(d, t) for d, t in new_texts.items()}
    allowed = {d: [v for v in (old.get(d), new.get(d)) if v] for d in {*old, *new}}
    write_folder(tmp_path / "old", old_texts)
    write_folder(tmp_path / "new", new_texts)
    base = Settings(articles_dir=tmp_path / "old", index_dir=tmp_path / "base")
    sync(base, FakeEmbedder(), progress=False, say=lambda m: None)
    release(base)
    clean = Settings(articles_dir=tmp_path / "new", index_dir=tmp_path / "clean")
    sync(clean, FakeEmbedder(), progress=False, say=lambda m: None)
    reference = snapshot(clean)

    original = Store._call
    stops = 0
    while True:
        index = tmp_path / f"index-{stops}"
        shutil.copytree(tmp_path / "base", index)
        settings = Settings(articles_dir=tmp_path / "new", index_dir=index)
        writes = 0

        def counting(self, function, *args, **kwargs):
            nonlocal writes
            if getattr(function, "__name__", "") in ("add", "upsert", "update", "delete"):
                if writes == stops:
                    raise Crash
                writes += 1
            return original(self, function, *args, **kwargs)

        monkeypatch.setattr(Store, "_call", counting)
        try:
            sync(settings, FakeEmbedder(), progress=False, say=lambda m: None)
            crashed = False
        except Crash:
            crashed = True
        monkeypatch.setattr(Store, "_call", original)
        release(settings)
        left = snapshot(settings)
        assert not mixed_articles(left, allowed), f"stopped before write {stops}: {mixed_articles(left, allowed)}"
        told = []
        report = sync(settings, FakeEmbedder(), progress=False, say=told.append)
        final = snapshot(settings)
        assert final.key() == reference.key(), f"stopped before write {stops}: differs from a clean build"
        assert set(final.chunks) == set(final.sentences) == set(final.markers), f"stopped before write {stops}"
        if crashed:
            assert report.resumed and any("stopped before it finished" in m for m in told), told
            stops += 1
        else:
            break
    assert stops >= 6  # deletes and writes in several batches: the loop really stopped at each of them


# -- two indexers ----------------------------------------------------------------------------------------------

def test_two_indexers_started_together_take_turns(world, tmp_path):
    root, _, refs = world
    articles, index = root / "articles-old", tmp_path / "index"
    command = [sys.executable, "-c", DRIVER, "--articles", str(articles), "--index", str(index), "index"]
    children = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [child.communicate(timeout=300) for child in children]
    for child, (out, err) in zip(children, results):
        assert child.returncode == 0 and "Traceback" not in err, err[-2000:]
    waited = [err for _, err in results if "Another indexer is writing to this index; waiting for it to finish" in err]
    assert len(waited) == 1, "the second indexer should have said it waits"
    outs = sorted(out.strip() for out, _ in results)
    assert any(f"({ARTICLES} added)" in out for out in outs)  # one built it ...
    assert any("added" not in out and out.startswith("Index up to date:") for out in outs)  # ... the other found it done
    assert snapshot(Settings(articles_dir=articles, index_dir=index)).key() == refs["old"][0].key()


def test_a_second_indexer_refuses_with_one_sentence_when_the_first_does_not_finish(world, tmp_path):
    root, _, _ = world
    settings = Settings(articles_dir=root / "articles-old", index_dir=tmp_path / "index")
    with index_lock(settings, say=lambda m: None):
        result = run_cli(settings.articles_dir, settings.index_dir, "index", env={"TEST_LOCK_WAIT": "1"})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert notices(result.stderr) == [
        "Another indexer is writing to this index; waiting for it to finish…",
        f"Error: Another indexer is writing to {settings.index_dir}; wait for it to finish, then run the command again."]
    assert not settings.chroma_dir.exists()  # it wrote nothing


# -- a damaged index folder (while the app is stopped) ---------------------------------------------------------

def _largest_vectors(chroma: Path) -> Path:
    return max(chroma.glob("*/data_level0.bin"), key=lambda p: p.stat().st_size)


def _garbage(path: Path, size: int | None = None) -> None:
    path.write_bytes(random.Random(path.name).randbytes(path.stat().st_size if size is None else size))


def _links_out_of_range(chroma: Path) -> None:
    """Point every level-0 neighbour link of the largest vector file past its end (the vectors stay).

    hnswlib's file as Chroma writes it: header.bin is an int32 version, then size_t offsetLevel0,
    max_elements, cur_element_count, size_data_per_element, ...; maxM0 is the size_t at byte 68. Each
    element of data_level0.bin starts with a 4-byte link count followed by maxM0 uint32 neighbour ids.
    """
    vectors = _largest_vectors(chroma)
    header = (vectors.parent / "header.bin").read_bytes()
    _, _, count, size, _, _ = struct.unpack_from("<6Q", header, 4)
    max_m0 = struct.unpack_from("<Q", header, 68)[0]
    data = bytearray(vectors.read_bytes())
    assert 0 < count and count * size <= len(data) and 4 + 4 * max_m0 <= size, "unexpected hnswlib layout"
    for element in range(count):
        for link in range(max_m0):
            struct.pack_into("<I", data, element * size + 4 + 4 * link, 0x7FFFFF00 + link)
    vectors.write_bytes(bytes(data))


FOLDER_FAULTS = {
    "index folder deleted": lambda index: shutil.rmtree(index),
    "chroma folder deleted": lambda index: shutil.rmtree(index / "chroma"),
    "database deleted": lambda index: (index / "chroma" / "chroma.sqlite3").unlink(),
    "database truncated to 0": lambda index: os.truncate(index / "chroma" / "chroma.sqlite3", 0),
    "database truncated by half": lambda index: os.truncate(index / "chroma" / "chroma.sqlite3",
                                                            (index / "chroma" / "chroma.sqlite3").stat().st_size // 2),
    "database garbage": lambda index: _garbage(index / "chroma" / "chroma.sqlite3"),
    "vector folder deleted": lambda index: shutil.rmtree(_largest_vectors(index / "chroma").parent),
    "vectors truncated to 0": lambda index: os.truncate(_largest_vectors(index / "chroma"), 0),
    "vectors garbage": lambda index: _garbage(_largest_vectors(index / "chroma")),
    "vector links out of range (crashes a reader)": lambda index: _links_out_of_range(index / "chroma"),
    "vector header garbage": lambda index: _garbage(_largest_vectors(index / "chroma").parent / "header.bin"),
    "every file garbage": lambda index: [_garbage(p) for p in (index / "chroma").rglob("*") if p.is_file()],
    "chroma folder replaced by a file": lambda index: (shutil.rmtree(index / "chroma"),
                                                       (index / "chroma").write_text("not an index")),
}
NOTICE = re.compile(r"^(There is no index in \S+ yet; building it from the articles\.|The index in \S+ could not be "
                    r"read; moved it to \S+ and rebuilding from the articles\.)$")


@pytest.mark.parametrize("fault", list(FOLDER_FAULTS))
def test_a_damaged_index_folder_is_noticed_in_one_sentence_and_rebuilt(world, tmp_path, fault):
    root, _, refs = world
    index = tmp_path / "index"
    shutil.copytree(root / "index-persisted", index)
    FOLDER_FAULTS[fault](index)
    result = run_cli(root / "articles-old", index, "index", env=PERSIST)
    assert_clean(result, fault)
    told = notices(result.stderr)
    assert len(told) == 1 and NOTICE.match(told[0]), told  # one sentence: what happened, and that it rebuilds
    assert result.stdout.startswith("Index rebuilt (the index could not be read):" if "could not" in told[0]
                                    else "Index up to date:"), result.stdout
    assert f"{ARTICLES} articles" in result.stdout
    assert snapshot(Settings(articles_dir=root / "articles-old", index_dir=index)).key() == refs["old"][0].key()


def test_the_crashing_fault_really_crashes_a_plain_reader(world, tmp_path):
    """So the fault above tests what it says: without the check in a child, opening this index kills the process."""
    root, _, _ = world
    shutil.copytree(root / "index-persisted", tmp_path / "index")
    _links_out_of_range(tmp_path / "index" / "chroma")
    reader = ("import sys; from pathlib import Path; from chatbot import Settings; from chatbot.store import Store; "
              "Store(Settings(index_dir=Path(sys.argv[1])), create=False).check()")
    result = subprocess.run([sys.executable, "-c", reader, str(tmp_path / "index")], capture_output=True, timeout=300)
    assert result.returncode < 0, f"expected a crash by a signal, got exit {result.returncode}"


def test_a_passed_check_is_remembered_until_the_vector_files_change(world, tmp_path, monkeypatch):
    root, _, _ = world
    shutil.copytree(root / "index-persisted", tmp_path / "index")
    (tmp_path / "index" / ".checked").unlink(missing_ok=True)
    settings = Settings(articles_dir=root / "articles-old", index_dir=tmp_path / "index")
    children = []
    run = subprocess.run
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: children.append(args) or run(*args, **kwargs))
    check_in_child(settings)
    check_in_child(settings)
    assert len(children) == 1  # the second look trusts the first: nothing changed
    _links_out_of_range(tmp_path / "index" / "chroma")  # same size, new modification time
    with pytest.raises(IndexCorrupt):
        check_in_child(settings)
    assert len(children) == 2 and not (tmp_path / "index" / ".checked").exists()


def test_vector_files_an_indexer_just_wrote_are_not_checked_again(world, tmp_path, monkeypatch):
    root, _, _ = world
    shutil.copytree(root / "index-persisted", tmp_path / "index")
    (tmp_path / "index" / ".checked").unlink(missing_ok=True)
    result = run_cli(root / "articles-new", tmp_path / "index", "index", env=PERSIST)  # changes -> writes
    assert_clean(result, "update")
    assert "updated" in result.stdout
    children = []
    run = subprocess.run
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: children.append(args) or run(*args, **kwargs))
    check_in_child(Settings(articles_dir=root / "articles-new", index_dir=tmp_path / "index"))
    assert children == []


@pytest.mark.parametrize("fault", ["vector links out of range (crashes a reader)", "database garbage",
                                   "chroma folder replaced by a file"])
def test_rebuild_always_recovers(world, tmp_path, fault):
    root, _, refs = world
    index = tmp_path / "index"
    shutil.copytree(root / "index-persisted", index)
    FOLDER_FAULTS[fault](index)
    result = run_cli(root / "articles-old", index, "index", "--rebuild", env=PERSIST)
    assert_clean(result, fault)
    assert notices(result.stderr) == [] and result.stdout.startswith("Index rebuilt (rebuild requested):")
    assert snapshot(Settings(articles_dir=root / "articles-old", index_dir=index)).key() == refs["old"][0].key()


def test_an_index_folder_that_is_a_file_is_one_sentence(tmp_path):
    (tmp_path / "index").write_text("not a folder")
    result = run_cli(SEEDS, tmp_path / "index", "index")
    assert result.returncode == 2 and notices(result.stderr) == [
        f"Error: The index folder {tmp_path / 'index'} is a file; move it away or set CHATBOT_INDEX to a folder."]


# -- article files that cannot be used ------------------------------------------------------------------------

def test_unusable_article_files_are_named_and_the_rest_indexed(tmp_path):
    articles = tmp_path / "articles"
    shutil.copytree(SEEDS, articles)
    (articles / "empty.txt").write_bytes(b"")
    (articles / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (articles / "latin1.txt").write_bytes("Le maire a gagn\xe9 l'\xe9lection.".encode("latin-1"))
    with open(articles / "enormous.txt", "w", encoding="utf-8") as handle:  # 50 MB of real text
        line = "The council met again on Friday and talked about the harbor for a long time.\n"
        handle.write(line * (50 * 1024 * 1024 // len(line) + 1))
    (articles / "gone.txt").symlink_to(tmp_path / "deleted-before-it-was-read.txt")
    result = run_cli(articles, tmp_path / "index", "index")
    assert_clean(result, "bad files")
    assert notices(result.stderr) == [
        "Skipped binary.txt: it is binary, not text.",
        "Skipped empty.txt: it has no text.",
        "Skipped enormous.txt: larger than 20 MB.",
        "Skipped gone.txt: it disappeared before it could be read.",
        "Skipped latin1.txt: it is not UTF-8 text.",
        f"There is no index in {tmp_path / 'index'} yet; building it from the articles."]
    assert result.stdout.startswith("Index up to date: 4 articles,") and "(4 added)" in result.stdout


def test_a_file_that_vanishes_between_listing_and_reading_is_skipped(tmp_path, monkeypatch):
    articles = tmp_path / "articles"
    shutil.copytree(SEEDS, articles)
    (articles / "vanishing.txt").write_text("The ferry terminal opens on Monday.", encoding="utf-8")
    read_bytes = Path.read_bytes

    def racing(path: Path) -> bytes:
        if path.name == "vanishing.txt":
            path.unlink()  # listed and measured already: it goes away just before it is read
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", racing)
    told = []
    report = sync(Settings(articles_dir=articles, index_dir=tmp_path / "index"), FakeEmbedder(), progress=False,
                  say=told.append)
    assert report.skipped == [("vanishing.txt", "it disappeared before it could be read")]
    assert told[0] == "Skipped vanishing.txt: it disappeared before it could be read." and len(report.added) == 4
