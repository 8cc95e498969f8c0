"""Archive: one articles folder and its index, with the verbs `index`, `retrieve` and `ask`.

This is the library's front door; the CLI, the web app and `chatbot.retrieve`/`chatbot.ask` are thin
clients of it. An archive opens its store on first use and, unless told not to, first brings the
index in line with the articles (building it when missing, re-embedding only what changed).

What it leaves out: wording (`answer.py`), ranking (`retrieval.py`) and storage (`store.py`).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from .answer import Answer, Thresholds, compose, lead
from .config import Settings
from .conversation import Query, build_query, clean_question, is_followup, normalize_history, plainly
from .embedding import Embedder, SentenceTransformerEmbedder
from .errors import ChatbotError
from .indexer import SyncReport, sync
from .lexical import words
from .retrieval import Evidence, Passage, Retriever
from .scoring import name_spans, question_type
from .store import Store

__all__ = ["Archive", "ArticleInfo"]

_HISTORY_TURNS = 2
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class ArticleInfo:
    """An indexed article as listed to readers."""

    doc_id: str
    title: str
    date: str | None
    passages: int


class Archive:
    """A searchable archive of news articles.

    Args:
        settings: folders, server and tuning; default `Settings.from_env()`.
        embedder: the model; default the packaged all-MiniLM-L6-v2 (or `settings.model_path`).
        auto_index: bring the index up to date when first opened.
        progress: show a progress bar while indexing.
        thresholds: the refusal rule's thresholds.
        say: where one-line notices go (skipped files, rebuilds).
    """

    def __init__(self, settings: Settings | None = None, *, embedder: Embedder | None = None,
                 auto_index: bool = True, progress: bool = False, thresholds: Thresholds = Thresholds(),
                 say=print):
        self.settings = settings or Settings.from_env()
        self.embedder = embedder or SentenceTransformerEmbedder(self.settings.model_path)
        self.auto_index = auto_index
        self.progress = progress
        self.thresholds = thresholds
        self.say = say
        self.last_sync: SyncReport | None = None
        self._retriever: Retriever | None = None
        self._lock = threading.Lock()

    # -- indexing ----------------------------------------------------------------------------------
    def index(self, *, rebuild: bool = False) -> SyncReport:
        """Bring the index in line with the articles folder.

        Args:
            rebuild: discard the index and embed everything again.

        Returns:
            What changed.
        """
        report = sync(self.settings, self.embedder, rebuild=rebuild, progress=self.progress, say=self.say)
        self.last_sync = report
        with self._lock:
            if report.rebuilt:
                self._retriever = None  # the old store's handles point at a folder that was replaced
            elif self._retriever is not None and report.changed:
                self._retriever.refresh()
        return report

    @property
    def retriever(self) -> Retriever:
        """The search engine over the opened store (opened, and indexed if allowed, on first use)."""
        with self._lock:
            if self._retriever is None:
                if self.auto_index and self.last_sync is None:  # once: `index()` may have synced already
                    self.last_sync = sync(self.settings, self.embedder, progress=self.progress, say=self.say)
                store = Store(self.settings, create=False)
                self._retriever = Retriever(store, self.embedder.embed, _vocabulary(self.embedder))
            return self._retriever

    def reconnect(self) -> None:
        """Drop the open store so the next call opens it again (after a server came back)."""
        with self._lock:
            self._retriever = None

    def articles(self) -> list[ArticleInfo]:
        """The indexed articles, newest first where dated, then by id."""
        retriever = self.retriever
        counts: dict[str, int] = {}
        for chunk in retriever.chunks:
            counts[chunk.doc_id] = counts.get(chunk.doc_id, 0) + 1
        found = [ArticleInfo(a.doc_id, a.title, a.date, counts.get(a.doc_id, 0)) for a in retriever.articles.values()]
        return sorted(found, key=lambda a: (a.date is None, "" if a.date is None else _negate(a.date), a.doc_id))

    def article_text(self, doc_id: str) -> str:
        """The full text of an indexed article, read from the articles folder.

        Raises:
            ChatbotError: the article is unknown or its file is gone.
        """
        if doc_id not in self.retriever.articles or "/" in doc_id or doc_id.startswith("."):
            raise ChatbotError(f"There is no article {doc_id!r} in the index; pick one from the list of articles.")
        try:
            return (self.settings.articles_dir / f"{doc_id}.txt").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            raise ChatbotError(f"The file of article {doc_id} cannot be read any more; run `chatbot index`.") from None

    # -- questions ---------------------------------------------------------------------------------
    def warm(self) -> None:
        """Load the model, open the index and read what retrieval keeps in memory (otherwise read in
        the background from the second question on), so that the next question is answered at full
        speed (for timing: `chatbot eval`, the benchmarks)."""
        self.evidence("warm-up question", k=1)
        self.retriever.start_reading().join()

    def evidence(self, question: str, *, k: int = 5, history=None) -> list[Evidence]:
        """Ranked passages with the signals behind them (for developers and the evaluation).

        Args:
            question: the question.
            k: how many passages.
            history: earlier user questions, oldest first, or Gradio-style messages.

        Returns:
            Evidence per passage, best first.
        """
        return self._search(self._query(self._clean(question), history), k)

    def _clean(self, question: str) -> str:
        return clean_question(_scrub(question), limit=self.settings.max_question_chars)

    def _search(self, query: Query, k) -> list[Evidence]:
        return self.retriever.search(query, k=max(int(k), 1))

    def _query(self, question: str, history) -> Query:
        """The search query for a cleaned question: with the earlier turns when it is a follow-up."""
        turns = normalize_history(_scrub(history))[-_HISTORY_TURNS:]
        return self._followup_query(question, turns) if turns and is_followup(question) else build_query(question)

    def _followup_query(self, question: str, turns: list[str]):
        """Resolve the earlier turns oldest first, then search the question with their context."""
        context: list[str] = []
        found_names: list[str] = []
        answered = []
        for turn in turns:
            query = build_query(turn, context, names=found_names, answered=answered)
            found = self.retriever.search(query, k=3)
            context.append(turn)
            if found:  # the sentence its answer quotes ("Who is the judge?": the one naming the judge)
                passage = lead(turn, found).passage
                answered.append((passage.doc_id, passage.highlight_start, passage.highlight_end))
                people = self.retriever.people(passage.doc_id)
                everyone = _people_named(passage.highlight, people.persons)
                named = [n for n in everyone if len(n.split()) > 1]
                asked = set(words(turn))
                kind = question_type(turn)
                # "Who won?" answered by "Ganim defeated challenger John Gomes": "he" is Ganim, the first
                # person the question did not name
                new = [n for n in everyone if not set(words(n)) & asked] if kind == "person" else []
                # "What did Gomes say after Ganim won?" answered by "... Gomes said he will not concede":
                # "he" is the one it has speaking
                speaking = people.said_by(passage.highlight) if kind == "quote" else set()
                spoke = [n for n in everyone if set(words(n)) & speaking]
                # "Which judge ...?" answered by a sentence naming a judge and a mayor: "him" is the judge
                found_names = (spoke[:1] or [n for n in named if set(words(n)) & asked] or new[:1] or named
                               or found_names)
        return build_query(question, context, names=found_names, answered=answered)

    def retrieve(self, question: str, *, k: int = 5, history=None) -> list[Passage]:
        """Up to `k` passages that answer the question, best first.

        Args:
            question: the question (cut to `max_question_chars`).
            k: how many passages.
            history: earlier user questions, oldest first, or Gradio-style messages.

        Returns:
            Passages whose `text` equals `article.text[start:end]`.

        Raises:
            ChatbotError: empty question, or no usable index.
        """
        return [e.passage for e in self.evidence(question, k=k, history=history)]

    def ask(self, question: str, *, history=None, k: int = 5) -> Answer:
        """A short answer with numbered citations, or a plain refusal.

        Args:
            question: the question.
            history: earlier user questions, oldest first, or Gradio-style messages.
            k: how many passages to consider.

        Returns:
            The answer.

        Raises:
            ChatbotError: empty question, or no usable index.
        """
        cleaned = self._clean(question)
        query = self._query(cleaned, history)
        return compose(cleaned, self._search(query, k), self.thresholds,
                       self.retriever.unmentioned(self.retriever.spelt(plainly(cleaned)), followup=query.followup),
                       followup=query.followup)


def _people_named(sentence: str, persons) -> list[str]:
    """The people a sentence names, in order: runs of two or more capitalised words ("Judge William
    Clark"), and a single capitalised word the article names a person by ("Ganim", when it also
    writes "Mayor Joe Ganim"; `People.persons`).

    Example: "Ganim defeated challenger John Gomes, according to WNPR-FM in Connecticut." ->
    ["Ganim", "John Gomes"].
    """
    found, covered = {}, set()
    for start, end, name in name_spans(sentence):
        covered |= set(range(start, end))
        if name:  # not a function word opening a sentence and one word more: "In Connecticut"
            found[start] = name
    for match in _WORD.finditer(sentence):
        if match.start() not in covered and match.group().lower() in persons:
            found[match.start()] = match.group()
    return list(dict.fromkeys(found[start] for start in sorted(found)))


_WORD = re.compile(r"\b[A-Z][a-z]+\b")


def _scrub(value):
    """Lone surrogates replaced by U+FFFD, in a text or in the texts of a history.

    JSON escapes ("\\ud800") and undecodable command-line bytes put them into Python strings, but they
    are not Unicode text: the model's tokenizer and every UTF-8 output refuse them.
    Example: "caf\\udce9?" -> "caf\\ufffd?"; values that are not text pass through unchanged.
    """
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub(item) for item in value]
    return value


def _negate(date: str) -> str:
    return "".join(chr(ord("9") - ord(c) + ord("0")) if c.isdigit() else c for c in date)


def _vocabulary(embedder) -> frozenset[str]:
    """The words the model knows whole, when it can say (a test's fake model cannot)."""
    vocabulary = getattr(embedder, "vocabulary", None)
    return vocabulary() if vocabulary else frozenset()
