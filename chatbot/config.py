"""Settings: every tunable in one typed place, read from environment variables.

`Settings.from_env()` reads the variables below; anything not set keeps its documented default.
Tests and developers build `Settings(...)` directly instead of touching the environment.

| variable               | default                   | meaning                                         |
| ---------------------- | ------------------------- | ----------------------------------------------- |
| CHATBOT_ARTICLES       | <repo>/seeds              | folder of `*.txt` articles                      |
| CHATBOT_INDEX          | <repo>/index              | folder of the persisted index                   |
| CHATBOT_CHROMA_URL     | (unset: embedded store)   | `http://host:port` of a `chroma run` server     |
| CHATBOT_COLLECTION     | news                      | prefix of the Chroma collection names           |
| CHATBOT_MODEL          | (unset: packaged MiniLM)  | folder of another sentence-transformers model   |
| CHATBOT_HOST           | 127.0.0.1                 | address the web app binds to                    |
| CHATBOT_PORT           | 7860                      | port of the web app                             |
| CHATBOT_AUTH           | (unset: no login)         | `user:password` required by the web app         |
| CHATBOT_MAX_ARTICLE_MB | 20                        | larger article files are skipped with a warning |

What it leaves out: command-line parsing (see `cli.py`) and any validation that needs I/O.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

__all__ = ["Settings", "REPO_ROOT"]

REPO_ROOT = Path(__file__).resolve().parent.parent


def _default_dir(name: str) -> Path:
    # An editable install finds the repo's folders; an installed wheel falls back to the cwd.
    candidate = REPO_ROOT / name
    return candidate if (REPO_ROOT / "pyproject.toml").exists() else Path.cwd() / name


@dataclass(frozen=True)
class Settings:
    """Where the articles and the index live, and how the pipeline is tuned.

    Args:
        articles_dir: folder whose `*.txt` files are the articles.
        index_dir: folder holding the persisted Chroma index (embedded mode) and the index lock.
        chroma_url: `http://host:port` of a Chroma server; None uses the embedded store.
        collection: prefix of the collection names, so several archives can share one server.
        model_path: folder of a sentence-transformers model to use instead of the packaged, pinned one.
        chunk_chars: target length of a chunk; chunks end on sentence boundaries.
        overlap_sentences: sentences repeated at the start of the next chunk.
        max_question_chars: longer questions are cut to this many characters before searching.
        max_article_bytes: larger article files are skipped with a warning.
        host, port, auth: where the web app listens and the optional `user:password` it asks for.
    """

    articles_dir: Path = field(default_factory=lambda: _default_dir("seeds"))
    index_dir: Path = field(default_factory=lambda: _default_dir("index"))
    chroma_url: str | None = None
    collection: str = "news"
    model_path: str | None = None
    chunk_chars: int = 600
    overlap_sentences: int = 1
    max_question_chars: int = 1000
    max_article_bytes: int = 20 * 1024 * 1024
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str | None = None

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> "Settings":
        """Build settings from `CHATBOT_*` environment variables.

        Args:
            environ: the mapping to read (default `os.environ`).
            **overrides: fields that win over the environment, e.g. `index_dir=tmp_path`.

        Returns:
            The settings, with defaults for everything not given.
        """
        env = os.environ if environ is None else environ
        values: dict = {}
        if env.get("CHATBOT_ARTICLES"):
            values["articles_dir"] = Path(env["CHATBOT_ARTICLES"]).expanduser()
        if env.get("CHATBOT_INDEX"):
            values["index_dir"] = Path(env["CHATBOT_INDEX"]).expanduser()
        for key, name in [("CHATBOT_CHROMA_URL", "chroma_url"), ("CHATBOT_COLLECTION", "collection"),
                          ("CHATBOT_MODEL", "model_path"), ("CHATBOT_HOST", "host"), ("CHATBOT_AUTH", "auth")]:
            if env.get(key):
                values[name] = env[key]
        if env.get("CHATBOT_PORT"):
            values["port"] = _int(env, "CHATBOT_PORT")
        if env.get("CHATBOT_MAX_ARTICLE_MB"):
            values["max_article_bytes"] = _int(env, "CHATBOT_MAX_ARTICLE_MB") * 1024 * 1024
        return replace(cls(**values), **overrides)

    @property
    def chroma_dir(self) -> Path:
        """The folder the embedded Chroma store writes to."""
        return self.index_dir / "chroma"


def _int(env, key: str) -> int:
    from .errors import ChatbotError

    try:
        return int(env[key])
    except ValueError:
        raise ChatbotError(f"{key} must be a whole number, not {env[key]!r}; fix or unset it.") from None
