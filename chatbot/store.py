"""Store: the Chroma index behind the pipeline, embedded on disk or on a `chroma run` server.

Three collections share a prefix: `<prefix>-chunks` (passages, with their text), `<prefix>-sentences`
(each sentence once, for sentence-level scoring without embedding at question time) and
`<prefix>-articles` (one record per article: its hash, title, date and indexing recipe, written last when the
article is indexed, so it doubles as the commit marker of that article). Chroma's result dicts never
leave this module: callers get `StoredArticle`, `StoredChunk` and `(id, similarity)` pairs.

What it leaves out: deciding what to (re)index (`indexer.py`), locking (the indexer holds the lock),
and embedding: vectors always come from the caller, so Chroma never downloads a model of its own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlparse

import numpy as np

from .chunking import Chunk
from .config import Settings
from .errors import ChatbotError

__all__ = ["Store", "StoredArticle", "StoredChunk", "IndexCorrupt", "encode_spans", "decode_spans", "release"]

_PAGE = 2000
_SPACE = {"hnsw": {"space": "cosine"}}


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
        if create:
            return self._client.get_or_create_collection(name, configuration=_SPACE, embedding_function=None)
        return self._client.get_collection(name, embedding_function=None)

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
        for ids, metadatas, _ in self._pages(self.articles_col, ["metadatas"]):
            for doc_id, meta in zip(ids, metadatas):
                found[doc_id] = StoredArticle(doc_id, meta["sha256"], meta["title"], meta.get("date") or None,
                                              int(meta["chunks"]), meta.get("recipe", ""))
        return found

    def commit_article(self, record: StoredArticle, vector: np.ndarray) -> None:
        """Write the article's marker; call after its chunks and sentences are stored."""
        meta = {"sha256": record.sha256, "title": record.title, "date": record.date or "",
                "chunks": record.chunks, "recipe": record.recipe}
        self._call(self.articles_col.upsert, ids=[record.doc_id], embeddings=[vector.tolist()], metadatas=[meta])

    def delete_article(self, doc_id: str) -> None:
        """Remove an article: marker first, so a crash midway leaves it visibly uncommitted."""
        self._call(self.articles_col.delete, ids=[doc_id])
        self._call(self.chunks.delete, where={"doc_id": doc_id})
        self._call(self.sentences.delete, where={"doc_id": doc_id})

    def add_chunks(self, doc_id: str, chunks: list[Chunk], chunk_vectors: np.ndarray,
                   sentences: list[tuple[int, int]], sentence_texts: list[str], sentence_vectors: np.ndarray) -> None:
        """Store an article's chunks and sentences with their vectors."""
        if chunks:
            self._call(self.chunks.upsert, ids=[c.id for c in chunks], embeddings=chunk_vectors.tolist(),
                       documents=[c.text for c in chunks],
                       metadatas=[{"doc_id": doc_id, "index": c.index, "start": c.start, "end": c.end,
                                   "sentences": encode_spans(c.sentences)} for c in chunks])
        if sentences:
            self._call(self.sentences.upsert, ids=[sentence_id(doc_id, s, e) for s, e in sentences],
                       embeddings=sentence_vectors.tolist(), documents=sentence_texts,
                       metadatas=[{"doc_id": doc_id, "start": s, "end": e} for s, e in sentences])

    def chunk_doc_ids(self) -> set[str]:
        """doc_ids that have chunks, committed or not (to find leftovers of an interrupted run)."""
        return {meta["doc_id"] for _, metadatas, _ in self._pages(self.chunks, ["metadatas"]) for meta in metadatas}

    def all_chunks(self) -> list[StoredChunk]:
        """Every stored chunk with its text, for the lexical index and for citing."""
        found = []
        for ids, metadatas, documents in self._pages(self.chunks, ["metadatas", "documents"]):
            for chunk_id, meta, text in zip(ids, metadatas, documents):
                found.append(StoredChunk(chunk_id, meta["doc_id"], int(meta["index"]), int(meta["start"]),
                                         int(meta["end"]), text, decode_spans(meta["sentences"])))
        return found

    def count(self) -> int:
        """Number of chunks in the index."""
        return self._call(self.chunks.count)

    # -- search ------------------------------------------------------------------------------------
    def search_chunks(self, vector: np.ndarray, n: int) -> list[tuple[str, float]]:
        """The `n` chunks nearest to `vector`, as (chunk id, cosine similarity), best first."""
        return self._search(self.chunks, vector, n)

    def search_sentences(self, vector: np.ndarray, n: int) -> list[tuple[str, float]]:
        """The `n` sentences nearest to `vector`, as (sentence id, cosine similarity), best first."""
        return self._search(self.sentences, vector, n)

    def sentence_vectors(self, ids: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors of the given sentence ids (missing ids are left out)."""
        if not ids:
            return {}
        result = self._call(self.sentences.get, ids=ids, include=["embeddings"])
        return {i: np.asarray(v, dtype=np.float32) for i, v in zip(result["ids"], result["embeddings"])}

    def _search(self, collection, vector: np.ndarray, n: int) -> list[tuple[str, float]]:
        total = self._call(collection.count)
        if total == 0 or n <= 0:
            return []
        result = self._call(collection.query, query_embeddings=[vector.tolist()], n_results=min(n, total),
                            include=["distances"])
        return [(i, 1.0 - float(d)) for i, d in zip(result["ids"][0], result["distances"][0])]

    def _pages(self, collection, include: list[str]):
        offset = 0
        while True:
            page = self._call(collection.get, include=include, limit=_PAGE, offset=offset)
            if not page["ids"]:
                return
            yield page["ids"], page.get("metadatas") or [], page.get("documents") or [None] * len(page["ids"])
            offset += len(page["ids"])


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
    if not create and not (path / "chroma.sqlite3").exists():
        raise ChatbotError(f"There is no index in {settings.index_dir}; run `chatbot index` to build it.")
    path.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as error:
        raise IndexCorrupt(f"The index in {settings.index_dir} cannot be read ({type(error).__name__}); "
                           "run `chatbot index --rebuild` to rebuild it from the articles.") from None
