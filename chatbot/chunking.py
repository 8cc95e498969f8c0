"""Chunking: split an article's news into sentences, then group sentences into overlapping chunks.

Every sentence and chunk is a `(start, end)` span of the article's text, so a chunk's text is always
`article.text[start:end]`. Chunks never cross boilerplate (they are built inside content spans) and
end on sentence boundaries; consecutive chunks share `overlap` sentences so that a fact split across
a boundary still sits whole in one chunk.

What it leaves out: tokenisation for search (`lexical.py`) and anything model-specific; the sentence
splitter is rule-based (abbreviations, initials, quotes), not a trained model.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from .articles import Article

__all__ = ["Chunk", "split_sentences", "chunk_article"]

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "capt", "st", "jr",
    "sr", "rev", "hon", "atty", "supt", "no", "vs", "etc", "inc", "co", "corp", "ltd", "dept", "univ",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue",
    "tues", "wed", "thu", "thurs", "fri", "sat", "sun", "a.m", "p.m", "u.s", "u.k", "d.c", "e.g", "i.e",
}
# A candidate boundary: end mark, optional closing quotes/brackets, whitespace, then the next start.
_MAX_QUOTED = 400
# '... Joe Ganim!" Communications Director Rowena White said.' -- the attribution belongs to the quote.
_ATTRIBUTION = re.compile(r"\s+[^.!?\n]{0,60}\b(said|says|told|wrote|added|asked|stated)\b[^.!?\n]{0,40}[.!?]")
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences of one article.

    Attributes:
        id: stable, content-derived id (same text at the same place -> same id).
        doc_id: the article's id.
        index: position among the article's chunks, from 0.
        start, end: offsets into the article's text.
        text: `article.text[start:end]`.
        sentences: the `(start, end)` article offsets of the chunk's sentences.
    """

    id: str
    doc_id: str
    index: int
    start: int
    end: int
    text: str
    sentences: tuple[tuple[int, int], ...]


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans of `text[start:end]`, as offsets into `text`.

    Example: "Gov. Ned Lamont spoke. He left." -> [(0, 22), (23, 31)] ("Gov." is an abbreviation).
    """
    end = len(text) if end is None else end
    spans, begin = [], start
    for match in _BOUNDARY.finditer(text, start, end):
        stop = match.end()
        word = re.search(r"([\w.]+)[.!?…]*[\"'”’)\]]*$", text[begin:stop])
        token = word.group(1).rstrip(".").lower() if word else ""
        if text[match.start()] == "." and (token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha())):
            continue
        if _inside_quote(text[begin:stop]) and stop - begin < _MAX_QUOTED:
            continue
        if text[stop - 1] in "\"”'’" and _ATTRIBUTION.match(text, stop, end):
            continue
        spans.append((begin, stop))
        begin = stop
        while begin < end and text[begin].isspace():
            begin += 1
    if begin < end and text[begin:end].strip():
        spans.append((begin, end))
    return spans


def _inside_quote(segment: str) -> bool:
    """True when a quotation opened in `segment` is still open at its end ("... say? Joe Ganim!" stays whole)."""
    return segment.count("“") > segment.count("”") or segment.count('"') % 2 == 1


def chunk_article(article: Article, *, max_chars: int = 600, overlap: int = 1) -> list[Chunk]:
    """Group an article's sentences into chunks of about `max_chars`, overlapping by `overlap` sentences.

    A single sentence longer than `max_chars` becomes a chunk of its own; chunks never span two
    content blocks separated by boilerplate.

    Args:
        article: the article to cut.
        max_chars: the length a chunk should not exceed when it has more than one sentence.
        overlap: how many sentences the next chunk repeats.

    Returns:
        The chunks in reading order.
    """
    groups: list[list[tuple[int, int]]] = []
    block: list[tuple[int, int]] = []
    for span_start, span_end in article.content:
        sentences = split_sentences(article.text, span_start, span_end)
        # Lines that run on (a paragraph per line) stay one block; boilerplate breaks it.
        if block and article.text[block[-1][1]:span_start].strip() == "":
            block.extend(sentences)
        else:
            if block:
                groups.append(block)
            block = list(sentences)
    if block:
        groups.append(block)

    chunks: list[Chunk] = []
    for sentences in groups:
        first = 0
        while first < len(sentences):
            last = first
            while last + 1 < len(sentences) and sentences[last + 1][1] - sentences[first][0] <= max_chars:
                last += 1
            chunks.append(_make_chunk(article, len(chunks), sentences[first:last + 1]))
            if last + 1 >= len(sentences):
                break
            first = max(first + 1, last + 1 - overlap)
    return chunks


def _make_chunk(article: Article, index: int, sentences: list[tuple[int, int]]) -> Chunk:
    start, end = sentences[0][0], sentences[-1][1]
    text = article.text[start:end]
    digest = hashlib.sha1(f"{article.doc_id}\0{start}\0{text}".encode()).hexdigest()[:16]
    return Chunk(f"{article.doc_id}:{digest}", article.doc_id, index, start, end, text, tuple(sentences))
