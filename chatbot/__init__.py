"""chatbot: cited question answering over a folder of news articles.

    import chatbot
    passages = chatbot.retrieve("Which judge threw out the primary?", k=5)
    answer = chatbot.ask("Who nominated him?", history=["Which judge threw out the primary?"])

The module-level functions use one default `Archive` (the folders of `Settings.from_env()`), opened
on first call; build an `Archive(Settings(articles_dir=..., index_dir=...))` for another archive.
Importing this package is cheap: the model and Chroma load on first use.
"""

from __future__ import annotations

import threading

from .answer import Answer, Citation
from .archive import Archive, ArticleInfo
from .config import Settings
from .errors import ChatbotError
from .retrieval import Passage

__all__ = ["retrieve", "ask", "Archive", "ArticleInfo", "Settings", "Passage", "Citation", "Answer",
           "ChatbotError", "default_archive"]

_default: Archive | None = None
_default_lock = threading.Lock()


def default_archive() -> Archive:
    """The archive behind `chatbot.retrieve` and `chatbot.ask`, created on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Archive()
        return _default


def retrieve(question: str, k: int = 5, history=None) -> list[Passage]:
    """Up to `k` passages of the default archive that answer `question`, best first.

    Args:
        question: the question.
        k: how many passages.
        history: earlier user questions, oldest first (or Gradio-style messages).

    Returns:
        Passages with `text`, `score`, `doc_id`, `title`, `date`, `start`, `end` and the highlighted sentence.
    """
    return default_archive().retrieve(question, k=k, history=history)


def ask(question: str, history=None, k: int = 5) -> Answer:
    """A short cited answer from the default archive, or a refusal when the articles do not say.

    Args:
        question: the question.
        history: earlier user questions, oldest first (or Gradio-style messages).
        k: how many passages to consider.

    Returns:
        An `Answer` with `text`, `citations` and `refused`.
    """
    return default_archive().ask(question, history=history, k=k)
