"""Lexical: words, stems and BM25 over the chunks, with spelling repair against the corpus.

`terms()` lower-cases, splits on non-word characters, drops stop words and strips common English
suffixes, so "nominated" meets "nominate" and "voting", "voted" and "votes" meet "vote"; abbreviated
months and titles read as their words ("Sept." is September, "Gov." governor). `Bm25` scores chunks
for a bag of weighted query terms (Okapi BM25, k1=1.2, b=0.75). A query word the corpus never uses
is repaired to the most frequent corpus word one edit away ("Bridgport" -> "bridgeport"), found
through a delete-neighbourhood table built on first need. A word the model's vocabulary knows whole
("change", "night") is spelt right even when the corpus never uses it: it is only matched to another
form of itself ("drops" -> "drop"), never to another word ("change" is not "hang", "night" not
"fight").

What it leaves out: phrase and proximity matching, languages other than English, and persistence:
the index is rebuilt in memory from the stored chunks when an archive is opened (about a second per
50,000 chunks).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from functools import lru_cache

import numpy as np

__all__ = ["STOPWORDS", "ANALYZER", "words", "stem", "terms", "lexical_text", "stored_terms", "Bm25"]

STOPWORDS = frozenset("""
a an and are as at be been being but by can could did do does doing done for from had has have having
he her hers herself him himself his how i if in into is it its itself just me my myself no nor not of
off on once only or other our ours ourselves out over own same she should so some such than that the
their theirs them themselves then there these they this those through to too under until up very was
we were what when where which while who whom whose why will with would you your yours yourself
yourselves about above after again against all am any because before below between both down during
each few further here more most s t d ll m o re ve y also did does tell say says said please
according get got let us may might must shall go goes going gone went
""".split())

_WORD = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)
# News style abbreviates months and titles ("Sept. 12", "Gov. Ned Lamont"); questions spell them out.
_ABBREVIATIONS = {"jan": "january", "feb": "february", "apr": "april", "jun": "june", "jul": "july", "aug": "august",
                  "sep": "september", "sept": "september", "oct": "october", "nov": "november", "dec": "december",
                  "gov": "governor", "sen": "senator", "atty": "attorney", "dept": "department",
                  "supt": "superintendent", "sgt": "sergeant", "lt": "lieutenant"}
# Irregular verb forms, read as the verb: "in his written decision" asks what "he wrote", "who won" what
# "Ganim wins" says. Not forms that are another common word ("left", "saw", "found", "lay"), nor "held",
# whose news sense ("the primary was held") is not "hold" ("I could not hold on to it").
_IRREGULAR = {form: verb for verb, forms in (
    ("write", "wrote written"), ("win", "won"), ("lose", "lost"), ("run", "ran"), ("begin", "began begun"),
    ("choose", "chose chosen"), ("take", "took taken"), ("give", "gave given"), ("make", "made"),
    ("send", "sent"), ("speak", "spoke spoken"), ("think", "thought"), ("bring", "brought"),
    ("buy", "bought"), ("keep", "kept"), ("meet", "met"), ("pay", "paid"), ("fight", "fought"),
    ("seek", "sought"), ("stand", "stood"), ("throw", "threw thrown"), ("know", "knew known"),
    ("come", "came"), ("become", "became"), ("fall", "fell fallen"), ("drive", "drove driven"),
    ("rise", "rose risen"), ("hide", "hid hidden"), ("catch", "caught"), ("teach", "taught"), ("feel", "felt"),
    ("hear", "heard"), ("sell", "sold"), ("build", "built"), ("spend", "spent"), ("swear", "swore sworn"),
    ("break", "broke broken"), ("steal", "stole stolen"), ("forget", "forgot forgotten"),
    ("shoot", "shot"), ("sit", "sat"), ("stick", "stuck"), ("strike", "struck"), ("tear", "tore torn"),
    ("wear", "wore worn"), ("draw", "drew drawn"), ("grow", "grew grown"), ("show", "shown"), ("bear", "bore"),
    ("sue", "sued sues suing"), ("use", "used uses using"),
) for form in forms.split()}
# (suffix, the shortest stem it may leave): "voting" -> "vot" (then "vote"), but "early" keeps its "ly" and
# "voter" its "er" (a voter is not a vote)
_SUFFIXES = (("ations", 4), ("ation", 4), ("ings", 3), ("ing", 3), ("edly", 4), ("ied", 2), ("ed", 3), ("ies", 2),
             ("es", 3), ("s", 3), ("ly", 4), ("ment", 4), ("ers", 4), ("er", 4))
_Y = {"ies": "y", "ied": "y"}  # "parties" -> "party", "carried" -> "carry"
_VERB_ENDINGS = ("ing", "ings", "ed", "er", "ers")
_SIBILANT = ("s", "x", "z", "ch", "sh")  # "boxes" -> "box", but "votes" is "vote" + "s"
_SHORT_E = re.compile(r"[^aeiouy][aeiouy][^aeiouwxy]$")  # "vot" of "voting" was "vote", "rul" of "ruled" "rule"
_VOWEL = re.compile(r"[aeiouy]")
_KEEP = frozenset({"news", "bias", "atlas", "alias", "canvas", "christmas"})  # not plurals


def words(text: str) -> list[str]:
    """Lower-cased words and numbers of `text`, possessives dropped.

    Example: "Ganim’s 251 votes, Sept. 12!" -> ["ganim", "251", "votes", "sept", "12"]
    """
    found = []
    for match in _WORD.finditer(text.lower()):
        word = match.group()
        if word.endswith(("'s", "’s")):
            word = word[:-2]
        found.append(word.replace("’", "'"))
    return found


def stem(word: str) -> str:
    """A light suffix stripper: "nominated" -> "nominat", "ballots" -> "ballot", "voting", "voted" and
    "votes" -> "vote", "winning" and "wins" -> "win".

    An abbreviated month or title is read as its word: "sept" -> "septemb" as "september", "gov" -> "governor";
    an irregular verb form as its verb: "wrote" and "written" -> "writ" as "write".
    """
    word = _ABBREVIATIONS.get(word, word)
    word = _IRREGULAR.get(word, word)
    if word.isdigit() or len(word) <= 3 or word in _KEEP:
        return word
    for suffix, shortest in _SUFFIXES:
        root = word[: -len(suffix)]
        if not word.endswith(suffix) or len(root) < shortest or not _VOWEL.search(root):
            continue
        if (suffix == "es" and not root.endswith(_SIBILANT)) or (suffix == "ed" and root.endswith("e") and len(root) < 4):
            continue  # "votes": the "s" only; "speed" is no verb "spe"
        if suffix == "s" and root.endswith(("s", "u", "i")):  # "process", "status", "crisis" are no plurals
            break
        if suffix in _VERB_ENDINGS and len(root) >= 4 and root[-1] == root[-2] and root[-1] not in "aeioulsz":
            root = root[:-1]  # "winning" -> "win", "planned" -> "plan"; not "calling" -> "cal"
        elif suffix in ("ing", "ings", "ed", "es") and len(root) == 3 and _SHORT_E.search(root):
            root += "e"  # "voting", "voted" -> "vote", "cases" -> "case"; "hoping" -> "hope", not "hopping" -> "hop"
        word = root + _Y.get(suffix, "")
        break
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


ANALYZER = "terms-v4"  # names what `terms` does; change it whenever `words`, `stem` or STOPWORDS change


def terms(text: str) -> list[str]:
    """Search terms of `text`: stems of its words that are not stop words.

    Remembered for the last 16,384 texts: every question re-scores the sentences of its candidate
    passages, and the same passages come back for many questions.
    """
    return list(_remembered_terms(text))


@lru_cache(maxsize=16384)
def _remembered_terms(text: str) -> tuple[str, ...]:
    return tuple(_terms(text))


def _terms(text: str) -> list[str]:
    return [stem(w) for w in words(text) if w not in STOPWORDS]


def lexical_text(title: str, text: str) -> str:
    """What a chunk is searched as by BM25: its article's title, then its text."""
    return f"{title}\n{text}"


def stored_terms(title: str, text: str) -> str:
    """A chunk's terms as the index stores them, space-separated: "Bridgeport primary" -> "bridgeport primary"."""
    return " ".join(_terms(lexical_text(title, text)))


class Bm25:
    """BM25 over a fixed list of documents (the chunks of an archive).

    Args:
        documents: the texts, in the order their scores are returned.
        k1, b: the usual BM25 constants.
        analysed: each text's `terms` when already known (None for one analysed here).
        dictionary: words known to be spelt right (e.g. the model's vocabulary): repaired only to
            another form of themselves, never to another word.
    """

    def __init__(self, documents: list[str], *, k1: float = 1.2, b: float = 0.75,
                 analysed: list[tuple[str, ...] | None] | None = None, dictionary=()):
        self.k1, self.b = k1, b
        self.dictionary = frozenset(dictionary)
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.lengths: list[int] = []
        analysed = analysed or [None] * len(documents)
        for number, (text, known) in enumerate(zip(documents, analysed)):
            # Terms stored at indexing time are used as they are; the rest are analysed once here (not remembered).
            counts = Counter(known if known is not None else _terms(text))
            self.lengths.append(sum(counts.values()))
            for term, count in counts.items():
                self.postings[term].append((number, count))
        self.size = len(documents)
        self.average = (sum(self.lengths) / self.size) if self.size else 1.0
        self._neighbours: dict[str, list[str]] | None = None
        self._parts: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # term -> `_arrays`

    def idf(self, term: str) -> float:
        """Inverse document frequency; a term no document has gets the highest possible value."""
        return _idf(self.size, len(self.postings.get(term, ())))

    def idf_among(self, term: str, documents: np.ndarray) -> float:
        """The term's inverse document frequency counted among `documents` only (ascending numbers).

        Each term's documents are kept as an array on first use, so counting is a binary search per
        document asked about, not a scan of the term's postings (thousands for a common word).
        """
        holding, _ = self._arrays(term)
        frequency = 0
        if len(holding) and len(documents):
            at = np.minimum(np.searchsorted(holding, documents), len(holding) - 1)
            frequency = int(np.count_nonzero(holding[at] == documents))
        return _idf(len(documents), frequency)

    def known(self, term: str) -> bool:
        """True when some document contains `term`."""
        return term in self.postings

    def repair(self, term: str) -> str | None:
        """The most frequent corpus term one edit away from an unknown `term`, or None.

        Example: "bridgport" -> "bridgeport" when the corpus has "bridgeport"; "night", a word of the
        dictionary, -> None when the corpus has only "fight"; "drops" -> "drop" (one word's forms).
        """
        if len(term) < 5 or term.isdigit():
            return None
        if self._neighbours is None:
            # Built aside and published whole: a concurrent question must never see half a table.
            neighbours = defaultdict(list)
            for known in self.postings:
                if len(known) >= 4 and not known.isdigit():
                    for variant in _deletes(known):
                        neighbours[variant].append(known)
            self._neighbours = neighbours
        candidates = {c for variant in _deletes(term) for c in self._neighbours.get(variant, ())}
        candidates = {c for c in candidates if _edit_distance_at_most_one(term, c)}
        if term in _with_stems(self.dictionary):
            candidates = {c for c in candidates if c.startswith(term) or term.startswith(c)}
        if not candidates:
            return None
        return max(sorted(candidates), key=lambda c: len(self.postings[c]))

    def best(self, query: dict[str, float], n: int) -> list[int]:
        """The `n` documents with the highest BM25 scores for a bag of weighted terms, best first.

        Args:
            query: term -> weight (1.0 for the question's own words, less for context).
            n: how many.

        Returns:
            Document numbers; equal scores in document order, documents with no query term left out.
            Scored in numpy from each term's cached arrays: 0.2 ms at 11,500 chunks, where summing
            postings in a dict and sorting took 1.6 ms.
        """
        totals = np.zeros(self.size)
        for term, weight in query.items():
            documents, parts = self._arrays(term)
            if len(documents):
                totals[documents] += self.idf(term) * weight * parts
        matched = np.flatnonzero(totals)
        if len(matched) > n:
            matched = matched[np.argpartition(-totals[matched], n - 1)[:n]]
        return sorted(matched.tolist(), key=lambda d: (-totals[d], d))

    def _arrays(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """The documents holding `term` (ascending) and its BM25 term-frequency part in each."""
        if term not in self._parts:
            postings = self.postings.get(term, ())
            documents = np.array([d for d, _ in postings], dtype=np.int64)
            counts = np.array([c for _, c in postings], dtype=np.float64)
            lengths = np.array([self.lengths[d] for d in documents.tolist()], dtype=np.float64)
            norm = self.k1 * (1 - self.b + self.b * lengths / self.average)
            self._parts[term] = documents, counts * (self.k1 + 1) / (counts + norm)
        return self._parts[term]


def _idf(size: int, frequency: int) -> float:
    return math.log(1 + (size - frequency + 0.5) / (frequency + 0.5))


@lru_cache(maxsize=4)
def _with_stems(dictionary: frozenset[str]) -> frozenset[str]:
    """The words and their stems (built on the first repair, about 50 ms for 20,000 words, and kept)."""
    return dictionary | {stem(w) for w in dictionary}


def _deletes(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1:] for i in range(len(word))}


def _edit_distance_at_most_one(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diffs) == 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1
                                   and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))
