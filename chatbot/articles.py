"""Articles: read the `*.txt` files of a folder, derive title and date, mark the boilerplate.

An `Article` keeps its text exactly as read, so every offset elsewhere in the pipeline points into
the file a reader can open. Cleaning therefore never edits the text: it lists `content` spans (the
news) and leaves out the publisher's boilerplate (newsletter sign-ups, section labels such as
"U.S. & World", a pasted tweet, the leading `date YYYY-MM-DD` tag).

What it leaves out: sentence splitting and chunking (`chunking.py`); any format but UTF-8 text.
A file that cannot be used (empty, binary, not UTF-8, too large, gone) is skipped with a warning
that names it, and the rest of the folder still loads.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Article", "LoadResult", "load_articles", "parse_article", "content_spans"]

_DATE_TAG = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s*")
_BOILERPLATE = [
    re.compile(r"\bsign up for\b.*\bnewsletters?\b", re.I),
    re.compile(r"\bdelivered to your inbox\b", re.I),
    re.compile(r"pic\.twitter\.com/|\(@\w+\)\s+\w+ \d{1,2}, \d{4}\s*$"),
    re.compile(r"^\s*(click here|read more|related:|advertisement|watch:)", re.I),
]
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s*$")


@dataclass(frozen=True)
class Article:
    """One news article.

    Attributes:
        doc_id: the file's stem, e.g. `002_5b1ad8ac7f87ea22`.
        text: the file's text exactly as read.
        title: a headline derived from the first sentence of the news.
        date: `YYYY-MM-DD` when the text states it, else None.
        sha256: hash of the file's bytes; a change re-indexes the article.
        content: `(start, end)` spans of `text` that are news, in order; boilerplate lies between them.
    """

    doc_id: str
    text: str
    title: str
    date: str | None
    sha256: str
    content: tuple[tuple[int, int], ...] = field(repr=False)


@dataclass(frozen=True)
class LoadResult:
    """The articles of a folder and the files that were skipped, as `(file name, reason)`."""

    articles: list[Article]
    skipped: list[tuple[str, str]]


def content_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of `text` that are news: its lines minus date tag, blank lines and boilerplate.

    Example: "date 2024-02-27 Ganim won.\\nU.S. & World\\nGomes lost." -> ((16, 26), (40, 51))
    ("U.S. & World" is a section label: short and without an end mark).
    """
    spans = []
    position = 0
    for line in text.splitlines(keepends=True):
        start, end = position, position + len(line.rstrip("\r\n"))
        position += len(line)
        if start == 0 and (tag := _DATE_TAG.match(text[start:end])):
            start += tag.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end and not _is_boilerplate(text[start:end]):
            spans.append((start, end))
    return tuple(spans)


def _is_boilerplate(line: str) -> bool:
    if any(pattern.search(line) for pattern in _BOILERPLATE):
        return True
    # Section labels and bylines ("U.S. & World", "NBC Connecticut"): a few words, no end mark.
    return len(line.split()) <= 6 and not _SENTENCE_END.search(line)


def _title(text: str, content: tuple[tuple[int, int], ...], limit: int = 90) -> str:
    if not content:
        return "(untitled)"
    start, end = content[0]
    first = text[start:end]
    match = re.search(r"[.!?][\"”’]?\s", first + " ")
    sentence = first[: match.end()].strip() if match else first
    sentence = sentence.rstrip(".")
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def parse_article(doc_id: str, text: str, sha256: str | None = None) -> Article:
    """Build an `Article` from its id and text (pure: no I/O).

    Args:
        doc_id: the identifier, usually the file stem.
        text: the article text as read.
        sha256: hash of the source bytes; computed from `text` when not given.

    Returns:
        The article with its title, date and content spans.
    """
    tag = _DATE_TAG.match(text)
    content = content_spans(text)
    return Article(
        doc_id=doc_id,
        text=text,
        title=_title(text, content),
        date=tag.group(1) if tag else None,
        sha256=sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest(),
        content=content,
    )


def require_folder(folder: Path) -> Path:
    """The articles folder as a Path.

    Raises:
        ChatbotError: when the folder does not exist.
    """
    from .errors import ChatbotError

    folder = Path(folder)
    if not folder.is_dir():
        raise ChatbotError(f"The articles folder {folder} does not exist; create it or set CHATBOT_ARTICLES.")
    return folder


def load_articles(folder: Path, *, max_bytes: int = 20 * 1024 * 1024) -> LoadResult:
    """Load every `*.txt` file of `folder`, skipping unusable files with a reason.

    Args:
        folder: the articles folder.
        max_bytes: files larger than this are skipped.

    Returns:
        The loaded articles sorted by doc_id, and the skipped files with why.

    Raises:
        ChatbotError: when the folder does not exist.
    """
    folder = require_folder(folder)
    articles, skipped = [], []
    for path in sorted(folder.glob("*.txt")):
        try:
            if path.stat().st_size > max_bytes:
                skipped.append((path.name, f"larger than {max_bytes // (1024 * 1024)} MB"))
                continue
            data = path.read_bytes()
        except FileNotFoundError:
            skipped.append((path.name, "it disappeared before it could be read"))
            continue
        except OSError as error:
            skipped.append((path.name, f"it could not be read ({error.strerror or error})"))
            continue
        if b"\x00" in data:
            skipped.append((path.name, "it is binary, not text"))
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            skipped.append((path.name, "it is not UTF-8 text"))
            continue
        article = parse_article(path.stem, text, hashlib.sha256(data).hexdigest())
        if not article.content:
            skipped.append((path.name, "it has no text"))
            continue
        articles.append(article)
    return LoadResult(articles, skipped)
