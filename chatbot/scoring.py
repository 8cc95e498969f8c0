"""Scoring: pure functions that judge how well a sentence answers a question.

Three kinds of evidence, each explainable on its own:
- meaning: cosine similarity of question and sentence vectors (from the bi-encoder);
- coverage: the share of the question's content terms, weighted by IDF, that the sentence (or, at half
  credit, its neighbouring sentences) contains;
- answer type, read from the question's first wh-phrase: a "when" question wants a date or time,
  "how many" a number, "how long" a duration, "how old" an age, "who" a name the question does not
  already contain, "what did she say" a quotation (a sentence about the speaker that quotes nothing
  is not what she said). The first four are strict (`STRICT_TYPES`): an answer without one cannot
  be right. "How many votes" wants a number followed by "votes" within four words, not any number,
  and not a margin ("won by 251 votes") unless the margin is asked; "how much did it cost" wants an
  amount of money. "Who is the mayor?" (`IDENTITY`) wants the sentence that gives the title with
  the name, which the retrieval reads with the article's people (`people.py`).

What it leaves out: retrieval (which sentences to score) and the final wording (`answer.py`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .lexical import STOPWORDS, stem, terms, words

__all__ = ["IDENTITY", "STRICT_TYPES", "question_type", "question_words", "coverage", "type_match", "names",
           "sentence_score", "overlap", "WEIGHTS"]

WEIGHTS = {"dense": 0.55, "coverage": 0.35, "type": 0.10}

_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
           "jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec")
_DATE = re.compile(rf"\b({_MONTHS})\.?\b|\b(19|20)\d\d\b|\b(monday|tuesday|wednesday|thursday|friday|"
                   r"saturday|sunday|yesterday|today|tomorrow|week|month|year|morning|evening|night)\b", re.I)
_NUMBER = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
                     r"forty|fifty|hundred|thousand|million|dozen|first|second|third|fourth|fifth|eighth)\b", re.I)
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:[A-Z]\.\s*)?[A-Z][a-z]+)+")


_TIME = re.compile(r"\b(\d{1,2}(:\d\d)?\s*(a\.m\.|p\.m\.|am|pm)|hours?|minutes?|ago|noon|midnight|"
                   r"morning|afternoon|evening|night|earlier|later)\b", re.I)
_DURATION = re.compile(r"\b(\d[\d,.]*|an?|one|two|three|four|five|six|seven|eight|nine|ten|few|several|many)\s+"
                       r"(seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)\b|"
                       r"\b(seconds|minutes|hours|days|weeks|months|years|decades)\b", re.I)
_AGE = re.compile(r"\b\d{1,3}(-year-old|\s+years?\s+old|-years-old)\b|\b(aged?|born)\b|[A-Z][a-z]+, \d{1,3},")
_QUOTE = re.compile(r'[“”"]')
STRICT_TYPES = frozenset({"date", "number", "age", "duration"})
_COUNTED = re.compile(r"\bhow many\s+(?:more\s+|fewer\s+|other\s+|different\s+|separate\s+)?(\w+)(?:\s+(\w+))?", re.I)
_NUMBER_WORD = re.compile(r"^(\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                          r"dozens?|hundreds?|thousands?|millions?|twenty|thirty|forty|fifty|several|both)$")
# A count asked as a difference: "by how many votes", "won by how much", "what margin", "separated them".
_MARGIN_ASKED = re.compile(r"\bby how\b|\bby\W*$|\bmargin\b|\bseparat|\bdifference\b|\b(ahead|behind|trail\w*)\b|"
                           r"\b(won|win|wins|beat|beaten|defeated|lost|lose)\b.*\bby\b|\bhow (close|narrow)\b", re.I)
_MONEY_ASKED = re.compile(r"\bhow much\b.*\b(cost|costs|spend|spent|pay|paid|money|worth|price|fund|funds|budget|"
                          r"raise|raised|fine|fined|owe|owed)\b|\bhow much money\b", re.I)
_MONEY = re.compile(r"\$\s?\d|\b\d[\d,.]*\s*(dollars|million|billion|thousand)\b|\bdollars\b", re.I)


# "Who is the mayor?", "Who was Rowena White?": answered by the sentence giving the title with the name.
# The group is who is asked about, up to a relative clause or a preposition ("the one that went to court").
IDENTITY = re.compile(r"\W*who\s*(?:is|was|are|were|'s)\s+(?:the\s+|an?\s+)?((?:(?!(?:who|that|which|whom|whose|"
                      r"in|at|on|for|with|to|from|by|during|after|before)\b)[\w'’.-]+\s*){1,4})", re.I)

_KINDS = (  # checked in this order when two start at the same word
    ("age", re.compile(r"\bhow old\b|\bwhat age\b|\bwhat('s| is| was)\s+[\w\s'’]{0,40}?\bage\b")),
    ("duration", re.compile(r"\bhow (long|soon|quickly|fast)\b|\bfor how long\b")),
    ("date", re.compile(r"\b(when|what (date|day|year|month|time)|which (date|day|year|month))\b")),
    ("number", re.compile(r"\bhow (many|much)\b|\bwhat (number|percentage|margin)\b|\bby how\b")),
    ("person", re.compile(r"\b(who|whom|whose)\b|\bwhich (judge|person|candidate|lawyer|attorney|official|man|woman)\b")),
    ("quote", re.compile(r"\b(what|how)\b.*\b(say|said|says|tell|told|declare|declared|announce|announced|claim|"
                         r"claimed|write|wrote|describe|described|call|called|promise|promised|pledge|pledged|vow|vowed|"
                         r"think|thinks|blame|blames)\b|\baccording to\b")),
    ("place", re.compile(r"\bwhere\b")),
    ("reason", re.compile(r"\b(why|reason)\b")),
)


def question_type(question: str) -> str:
    """The kind of answer a question wants: date, age, duration, number, person, quote, place, reason, or other.

    The question's first wh-phrase decides: "What did Ganim declare when he won?" wants what he
    declared (a quote), not a date; "Why did the judge say who won?" wants a reason.

    Example: "How many votes separated them?" -> "number"; "How long could it take?" -> "duration";
    "Who nominated him?" -> "person"; "What did Gomes say would continue?" -> "quote".
    """
    q = question.lower()
    found = [(match.start(), order, kind) for order, (kind, pattern) in enumerate(_KINDS)
             if (match := pattern.search(q))]
    return min(found)[2] if found else "other"


def names(text: str) -> list[str]:
    """Runs of capitalised words, e.g. "Judge William Clark tossed it" -> ["Judge William Clark"]."""
    return [m.group() for m in _NAME.finditer(text)]


def type_match(kind: str, sentence: str, question: str) -> float:
    """1.0 when the sentence holds the kind of thing the question asks for, else 0.0."""
    if kind == "date":
        return 1.0 if _DATE.search(sentence) or _TIME.search(sentence) else 0.0
    if kind == "age":
        return 1.0 if _AGE.search(sentence) else 0.0
    if kind == "duration":
        return 1.0 if _DURATION.search(sentence) else 0.0
    if kind == "number":
        if _MONEY_ASKED.search(question):
            return 1.0 if _MONEY.search(sentence) else 0.0
        counted = _counted(question)
        if counted:
            return 1.0 if _counts(sentence, counted, margins=bool(_MARGIN_ASKED.search(question))) else 0.0
        return 1.0 if _NUMBER.search(sentence) else 0.0
    if kind == "person":
        asked = question_words(question)
        return 1.0 if any(not set(words(n)).issubset(asked) for n in names(sentence)) else 0.0
    if kind == "quote":
        return 1.0 if _QUOTE.search(sentence) else 0.0
    if kind == "reason":
        return 1.0 if re.search(r"\b(because|after|since|due to|so that|in order to|reason)\b", sentence, re.I) else 0.0
    return 0.0


@lru_cache(maxsize=256)
def question_words(question: str) -> tuple[str, ...]:
    """The question's words, read once per question rather than once per passage or sentence scored."""
    return tuple(words(question))


@lru_cache(maxsize=256)
def _counted(question: str) -> frozenset[str]:
    """The stems of what a "how many" question counts: "How many absentee ballots were..." -> {"absente", "ballot"}."""
    match = _COUNTED.search(question)
    if not match:
        return frozenset()
    return frozenset(stem(w) for w in words(" ".join(g for g in match.groups() if g)) if w not in STOPWORDS)


def _counts(sentence: str, counted: set[str], window: int = 4, *, margins: bool = True) -> bool:
    """True when a number in `sentence` is followed within `window` words by one of the counted stems.

    A number after "by" is a margin ("won by 251 votes"): it counts only when `margins` is true,
    since "How many votes did he get?" asks for a total that a margin does not give.

    Example: counted {"vote"}: "Ganim won by 251 votes." -> True (False without margins);
    "the Sept. 12 primary" -> False.
    """
    tokens = words(sentence)
    stems = [stem(t) for t in tokens]
    for position, token in enumerate(tokens):
        if not margins and position and tokens[position - 1] == "by":
            continue
        if _NUMBER_WORD.match(token) and counted & set(stems[position + 1:position + 1 + window]):
            return True
    return False


def coverage(query: dict[str, float], sentence: str, context: str, idf, passage: str = "", held=()) -> float:
    """IDF-weighted share of query terms found in `sentence`, with half credit for `context`.

    Terms from earlier turns (weight below 1) say what the conversation is about, not what this
    question asks: they count in full anywhere in `passage`, so they choose the passage and leave
    the choice of its sentence to the question's own terms.

    Args:
        query: term -> weight (the question's own terms weigh 1.0, terms from earlier turns less).
        sentence: the candidate sentence.
        context: neighbouring text of the same article (for "he", "it" and the like).
        idf: a function term -> inverse document frequency.
        passage: the whole passage with its title (for the earlier turns' terms).
        held: terms the sentence holds by reference: a title whose holder it names ("mayor" for
            "Ganim won." in an article about Mayor Joe Ganim), its article's month and year.

    Returns:
        A number in [0, 1]. Example: query {"judge": 1, "nominat": 1}, sentence "Clark was nominated
        by Lamont", context "Judge Clark ruled" -> (idf(nominat) + idf(judge)/2) / (idf(nominat) + idf(judge)).
    """
    if not query:
        return 0.0
    in_sentence, in_context = set(terms(sentence)) | set(held), set(terms(context))
    in_passage = set(terms(passage)) if passage else set()
    total = found = 0.0
    for term, weight in query.items():
        mass = idf(term) * weight
        total += mass
        if term in in_sentence or (weight < 1.0 and term in in_passage):
            found += mass
        elif term in in_context:
            found += mass / 2
    return found / total if total else 0.0


def sentence_score(dense: float, cover: float, kind_match: float) -> float:
    """The combined evidence that a sentence answers the question, in [0, 1]."""
    return WEIGHTS["dense"] * max(dense, 0.0) + WEIGHTS["coverage"] * cover + WEIGHTS["type"] * kind_match


def overlap(first: str, second: str) -> float:
    """Share of the shorter sentence's terms that the other sentence has too, in [0, 1].

    Example: "Billy Cox said cameras caught a sedan." and "Kevin Tran said cameras caught a sedan."
    share camera, caught and sedan of five terms each ("said" is a stopword) -> 0.6.
    """
    a, b = set(terms(first)), set(terms(second))
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))
