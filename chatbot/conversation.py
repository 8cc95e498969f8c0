"""Conversation: turn a question and the earlier turns into one self-contained search query.

History is the list of the user's earlier questions, oldest first; Gradio-style messages
(`{"role": "user", "content": ...}`, content as a string or a list of blocks) are accepted and only the
user's turns are kept. A follow-up ("Who nominated him?", "What about Gomes?", "and when?") is searched
with the terms of the previous question and of the names in its answer added at a lower weight, so
the current question still decides what is asked while the earlier turn says what it is about.
A role the question describes rather than names ("the state's top election official", "a wire
service") is searched as the title news copy gives it (`ROLE_TITLES`: "Secretary of State",
"Associated Press"), and a common idiom in plain words (`IDIOMS`: "throw in the towel" as "concede",
"came out on top" as "win"), which the small model reads word by word.

What it leaves out: coreference resolution proper (no model for it here): what a follow-up gets is
context, not a rewritten question; and synonyms in general: the role titles and idioms are short
fixed lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import ChatbotError
from .lexical import terms

__all__ = ["Query", "normalize_history", "clean_question", "is_followup", "build_query", "as_title", "plainly",
           "CONTEXT_WEIGHT", "ROLE_TITLES", "IDIOMS"]

CONTEXT_WEIGHT = 0.4
_PRONOUNS = re.compile(r"\b(he|him|his|she|her|hers|they|them|their|it|its|that|this|those|these|there|then|"
                       r"the other|the same|former|latter)\b", re.I)
_OPENERS = re.compile(r"^\s*(and|but|so|also|what about|how about|what else|and what|or)\b", re.I)
# How questions describe a role that news copy names by its title, searched as the title: knowledge of
# US public life the one small embedding model lacks ("the state's top election official" is its
# Secretary of State). General to US news, not to these articles. One title each: a "wire service" is
# searched as the Associated Press, the largest, so a Reuters story is not found this way.
ROLE_TITLES = tuple((re.compile(pattern, re.I), title) for pattern, title in (
    (r"\b(top|chief|head)\s+(state\s+)?elections?\s+(official|officer|administrator|authority)\b",
     "Secretary of State"),
    (r"\b(wire service|news agency|newswire)\b", "Associated Press"),
    (r"\blaw enforcement(\s+(agency|agencies|officials?|officers?|authorities))?\b", "police"),
    (r"\btop\s+(state\s+|federal\s+|county\s+)?prosecutor\b", "attorney general"),
    (r"\btop cop\b", "police chief"),
    (r"\b(city|town)['’]s\s+(top|chief)\s+executive\b", "mayor"),
    (r"\bhigh court\b", "Supreme Court"),
))
# Idioms the small embedding model reads word by word ("throw in the towel" is near "towel", not
# "concede"), searched in plain words. Common English, not these articles' words.
IDIOMS = tuple((re.compile(pattern, re.I), plain) for pattern, plain in (
    (r"\b(throw|throws|threw|thrown|throwing)\s+in\s+the\s+towel\b", "concede"),
    (r"\b(call|calls|called|calling)\s+it\s+quits\b", "give up"),
    (r"\b(come|comes|came|coming)\s+out\s+(on\s+top|ahead)\b", "win"),
    (r"\b(throw|throws|threw|thrown|throwing|toss|tossed)\s+(his|her|their)\s+hats?\s+in(to)?\s+the\s+ring\b",
     "announce a run"),
    (r"\b(bow|bows|bowed|bowing)\s+out\b", "withdraw"),
    (r"\b(cry|cries|cried|crying)\s+foul\b", "complain"),
    (r"\bneck\s+and\s+neck\b", "close"),
    (r"\b(by\s+a\s+(hair|whisker|nose)|razor[- ]thin|paper[- ]thin)\b", "narrow"),
    (r"\bon\s+the\s+fence\b", "undecided"),
    (r"\bbehind\s+bars\b", "in prison"),
    (r"\b(head|heads|headed|heading|go|goes|went|going)\s+to\s+the\s+polls\b", "vote"),
    (r"\b(green[- ]?light|green[- ]?lit|signed\s+off\s+on|sign\s+off\s+on)\b", "approve"),
    (r"\bpull(s|ed|ing)?\s+the\s+plug\s+on\b", "stop"),
    (r"\b(weigh|weighs|weighed|weighing)\s+in\b", "comment"),
    (r"\b(broke|break|breaks|breaking)\s+(his|her|their)\s+silence\b", "speak"),
    (r"\b(under|came under|come under)\s+fire\b", "criticized"),
    (r"\bin\s+hot\s+water\b", "in trouble"),
    (r"\b(face|faces|faced|facing)\s+off\b", "compete"),
    (r"\bhead[- ]to[- ]head\b", "against each other"),
    (r"\b(threw|throw|throws|throwing)\s+(his|her|their)\s+(support|weight)\s+behind\b", "endorse"),
    (r"\bat\s+the\s+helm\s+of\b", "leading"),
    (r"\b(took|take|takes|taking)\s+the\s+helm\b", "take over"),
    (r"\b(step|steps|stepped|stepping)\s+aside\b", "resign"),
))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,300}>")


def as_title(text: str) -> str:
    """The text with the role descriptions of `ROLE_TITLES` written as titles.

    Example: "Who is the state's top election official?" -> "Who is the state's Secretary of State?".
    """
    for pattern, title in ROLE_TITLES:
        text = pattern.sub(title, text)
    return text


def plainly(text: str) -> str:
    """The text with its idioms (`IDIOMS`) in plain words.

    Example: "Did the mayor's rival throw in the towel?" -> "Did the mayor's rival concede?".
    """
    for pattern, plain in IDIOMS:
        text = pattern.sub(plain, text)
    return text


@dataclass(frozen=True)
class Query:
    """A question ready to search.

    Attributes:
        question: the user's question, cleaned.
        text: what is embedded (the question, plus context for a follow-up).
        weights: search term -> weight (1.0 for the question's own terms, CONTEXT_WEIGHT for context).
        followup: True when earlier turns were used.
        answered: `(doc_id, start, end)` of sentences that answered earlier turns; a follow-up asks
            for something new, so these rank lower.
        names: for a follow-up, the names in the earlier answers that "he" or "she" most likely means.
    """

    question: str
    text: str
    weights: dict[str, float] = field(hash=False)
    followup: bool = False
    answered: frozenset = frozenset()
    names: tuple[str, ...] = ()


def clean_question(question, *, limit: int = 1000) -> str:
    """Strip control characters, HTML tags and outer space, and cut to `limit` characters.

    Example: "<b>Who</b> won?\x00" -> "Who won?" (a pasted question keeps its words, not its markup).

    Raises:
        ChatbotError: the question is not text, or is empty once cleaned.
    """
    if not isinstance(question, str):
        raise ChatbotError("The question must be text; pass a string such as \"Who won the primary?\".")
    text = _TAG.sub(" ", _CONTROL.sub(" ", question[:limit * 4])).strip()
    text = re.sub(r"[ \t]{2,}", " ", text)
    if not text:
        raise ChatbotError("The question is empty; type a question about the articles.")
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return text


def normalize_history(history) -> list[str]:
    """Earlier user questions, oldest first, from strings or Gradio-style messages.

    Example: [{"role": "user", "content": "Hi?"}, {"role": "assistant", "content": "..."}, "Then?"]
    -> ["Hi?", "Then?"]
    """
    if not history:
        return []
    if isinstance(history, str):
        history = [history]
    found = []
    for turn in history:
        if isinstance(turn, dict):
            if turn.get("role", "user") != "user":
                continue
            turn = turn.get("content", "")
        if isinstance(turn, (list, tuple)):
            turn = " ".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in turn)
        if isinstance(turn, str) and turn.strip():
            found.append(_CONTROL.sub(" ", turn).strip()[:1000])
    return found


def is_followup(question: str) -> bool:
    """True when the question leans on an earlier turn (a pronoun, "what about", or almost no content).

    Example: "Who nominated him?" -> True; "Who nominated Judge Clark?" -> False.
    """
    return bool(_PRONOUNS.search(question) or _OPENERS.search(question) or len(terms(question)) <= 1)


def build_query(question: str, context: list[str] | None = None, *, names: list[str] | None = None,
                answered=()) -> Query:
    """The search query for a question, with earlier turns as context when it is a follow-up.

    Args:
        question: the cleaned question.
        context: earlier questions, oldest first; ignored when the question stands on its own.
        names: names found in the earlier answers (what "he" or "it" most likely points to).
        answered: `(doc_id, start, end)` of the sentences that answered earlier turns.

    Returns:
        The query. Example: "Who nominated him?" after "Which judge threw out the primary?" (answered
        by a sentence naming Judge William Clark) is embedded as "Who nominated him? (William Clark)"
        and searched with "nominat" at weight 1 and "judge", "threw", "primary", "clark" at 0.4.
        "Who is the state's top election official?" is searched as "Who is the state's Secretary of State?",
        "Did Gomes throw in the towel?" as "Did Gomes concede?".
    """
    searched = as_title(plainly(question))
    weights = {t: 1.0 for t in terms(searched)}
    if not (context or names) or not is_followup(question):
        return Query(question, searched, weights)
    for text in [*(context or []), *(names or [])]:
        for term in terms(text):
            weights.setdefault(term, CONTEXT_WEIGHT)
    hint = " ".join(names) if names else " ".join(context or [])
    return Query(question, f"{searched} ({hint})", weights, followup=True, answered=frozenset(answered),
                 names=tuple(names or ()))
