"""Shared fixtures: a deterministic fake embedder, copies of the seed articles, the real model once.

Every index is built under `tmp_path`; nothing is written to the working tree but screenshots
under `test-output/`. Nothing in this process may reach the network: an audit hook refuses every
connection, datagram and name lookup that is not for loopback, and the test during which one was
attempted fails (`test_offline.py` checks the CLI and the web app in child processes).
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import socket
import sys
from pathlib import Path

import numpy as np
import pytest

os.environ.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", HF_HUB_DISABLE_TELEMETRY="1",
                  GRADIO_ANALYTICS_ENABLED="False", ANONYMIZED_TELEMETRY="False",
                  NO_PROXY="localhost,127.0.0.1", no_proxy="localhost,127.0.0.1")

from chatbot import Archive, Settings  # noqa: E402
from chatbot.lexical import terms  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
GOLDEN = REPO / "tests" / "golden" / "questions.jsonl"
HELDOUT = REPO / "tests" / "golden" / "heldout.jsonl"
INDEPENDENT = REPO / "tests" / "golden" / "independent.jsonl"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (for apps and servers the tests start)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_OUTSIDE: list[str] = []  # network attempts refused so far, e.g. "socket.getaddrinfo huggingface.co"
_LOOPBACK = ("127.", "::1", "localhost", "0.0.0.0", "::ffff:127.")


def _refuse_outside_network(event: str, args: tuple) -> None:
    """Audit hook: refuse (and record) sockets and lookups for anything but this machine."""
    if event == "socket.getaddrinfo":
        host = args[0]
    elif event in ("socket.connect", "socket.sendto", "socket.sendmsg") and isinstance(args[1], tuple):
        host = args[1][0] if args[1] else None
    else:
        return
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host in (None, "", "::") or str(host).startswith(_LOOPBACK):
        return
    _OUTSIDE.append(f"{event} {host}")
    raise OSError(errno.ENETUNREACH, f"The test suite may not use the network (tried {host}).")


sys.addaudithook(_refuse_outside_network)


@pytest.fixture(autouse=True)
def no_outside_network():
    """Fail the test during which anything in this process tried to reach the network."""
    seen = len(_OUTSIDE)
    yield
    if len(_OUTSIDE) > seen:
        pytest.fail("Tried to reach the network: " + "; ".join(dict.fromkeys(_OUTSIDE[seen:])), pytrace=False)


class FakeEmbedder:
    """Bag-of-terms vectors hashed into 64 dimensions: same words -> same direction, exactly repeatable."""

    name = "fake-64"

    def __init__(self):
        self.calls = 0
        self.texts = 0

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        self.texts += len(texts)
        vectors = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            for term in terms(text) or ["empty"]:
                vectors[row, int(hashlib.md5(term.encode()).hexdigest(), 16) % 64] += 1.0
            vectors[row] /= np.linalg.norm(vectors[row])
        return vectors


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def articles_dir(tmp_path) -> Path:
    """A private copy of the seed articles."""
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder)
    return folder


@pytest.fixture
def fake_archive(tmp_path, articles_dir, fake_embedder) -> Archive:
    """An archive over the seed copies, indexed with the fake embedder."""
    archive = Archive(Settings(articles_dir=articles_dir, index_dir=tmp_path / "index"), embedder=fake_embedder,
                      say=lambda message: None)
    archive.index()
    return archive


@pytest.fixture(scope="session")
def real_embedder():
    """The packaged all-MiniLM-L6-v2, loaded once per test session."""
    from chatbot.embedding import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder()
    embedder.embed(["warm up"])
    return embedder


def seeded_archive(root: Path, embedder, *, extra: dict[str, str] | None = None, **settings) -> Archive:
    """The seed articles, plus `extra` files (name -> text), copied to `root/articles` and indexed in `root/index`.

    `settings` are further `Settings` fields (e.g. `chroma_url`).
    """
    shutil.copytree(SEEDS, root / "articles")
    for name, text in (extra or {}).items():
        (root / "articles" / name).write_text(text, encoding="utf-8")
    archive = Archive(Settings(articles_dir=root / "articles", index_dir=root / "index", **settings),
                      embedder=embedder, say=lambda message: None)
    archive.index()
    return archive


@pytest.fixture(scope="session")
def real_archive(tmp_path_factory, real_embedder) -> Archive:
    """The seed articles indexed with the real model in an embedded Chroma, shared by read-only tests."""
    return seeded_archive(tmp_path_factory.mktemp("real"), real_embedder)
