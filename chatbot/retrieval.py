"""Retrieval: find the passages that answer a query, best first, each with its best sentence.

Three ranked lists are fused with reciprocal-rank fusion (RRF, k=60): chunks by vector similarity
(searched exactly, in memory), chunks holding the sentences nearest to the query (searched by
Chroma), and chunks by BM25 (with misspelt words repaired against the corpus); a chunk missing from
a list counts at the middle of the ranks below it (`_fuse`). The best fused candidates, and the
first two of each list, are then re-scored at the sentence level (`scoring.py`): a passage is as
good as its best sentence, blended with its fused rank; for a question wanting a kind of answer (a
date, a number, someone's words), a sentence giving one that scores nearly as well is the passage's
best (`_chosen`). A sentence's coverage weighs each question word by its rarity among the chunks of
the candidates' articles, not in the whole archive, so that names that are rare in the archive but
everywhere in the articles about them do not decide which sentence answers, and a sentence is chosen
the same way whether 4 or 10,000 articles surround it. A passage whose best sentence repeats a
better-ranked one's (the same wire copy in two articles, a template sentence in a hundred, filled
with other names and numbers: `scoring.shape`) scores half, which moves it behind the passages that
say something else: the first three are three different statements. People are read per article
(`people.py`): a sentence naming the holder of a title the question uses ("the mayor" in an article
about Mayor Joe Ganim, "Ganim won.") covers that title (a title the article gives nobody is taken
from another article naming the same person in full), and for "What did the judge say?" a quotation
attributed to someone else does not count as the quotation asked for, while a sentence reporting the
judge's words does ("Clark said the ballots ..."), and in a follow-up "what did he say" asks for the
words of the one person the earlier answer has speaking (`Query.names`); likewise a date or number
asked for "according to Ganim" is one Ganim gave. An article's month and year count as said by each
of its sentences ("in February" for an article dated 2024-02-27), and a question naming a year wants
its date, number or name from an article of that year or a sentence saying it: "in the February 2024
election" is not answered by the margin of a 2023 primary. No text is embedded here but the query:
sentence vectors were stored at indexing time, and are read into memory on a background thread from
the second search on (until then, those of the candidates are fetched from Chroma per question).

What it leaves out: conversation handling (`conversation.py`), the wording of answers and the
decision to refuse (`answer.py`).
"""

from __future__ import annotations

import atexit
import datetime
import re
import threading
from bisect import bisect_left
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np

from .conversation import Query, as_title
from .lexical import ANALYZER, STOPWORDS, Bm25, lexical_text, stem, terms, words
from .people import People, titled
from .scoring import (ANSWER_KINDS, IDENTITY, ROLE_OF, STRICT_TYPES, YEAR, coverage, named_noun, overlap,
                      question_type, question_words, sentence_score, shape, type_match)
from .store import Store, StoredArticle, StoredChunk, sentence_id

__all__ = ["Passage", "Evidence", "Retriever", "RRF_K"]

RRF_K = 60
_DEPTH = 80  # per list; 40 lost 1-2% of hit@3 with 1,000 distractor articles, 80 costs ~1 ms
_RERANK = 12
# The first two of each list are re-scored too, whatever their fused rank: in a large archive a
# hundred copies of one template sentence can crowd two lists and bury the passage the third ranks
# first (1,000 distractor articles: hit@3 103 -> 105 of 123; 4 articles: no change).
_LEADERS = 2
_BLEND = 0.5
# A follow-up usually asks for something new, so the sentence that answered the earlier turn counts a
# little less; only a little, because a news sentence often holds the next answer too ("won by 251
# votes, trailing him in the in-person voting"). 0.9 and 1.0 tied on the golden set; 0.5 was 2 answers worse.
_ANSWERED = 0.9
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_ACCORDING = re.compile(r"\baccording to ([^,?]+)", re.I)
_PRONOUN_SUBJECT = re.compile(r"\W*(he|she)\b", re.I)
_ROLE_ASKED = re.compile(r"\b(role|position|title)\b", re.I)
_WHO_ASKED = re.compile(r"\b(who|whom|whose)\b", re.I)  # a person asked for, not "which agency"
_TYPED_SHARE = 0.9  # see _chosen; 0.8 put one golden answer out of the top 3
# A passage none of whose sentences gives the kind of answer a strict question wants (a day for "what
# date", a number for "how many") ranks a little lower: "what date was the original primary held?" is
# answered by "a Sept. 12 primary", not passed over for three closer sentences giving no day and then
# refused. 0.93-0.97 alike on the golden, held-out and independent sets and the probes.
_UNTYPED = 0.95
_FUSION = (1.0, 1.0, 1.0)  # dense chunks, dense sentences, BM25
_REPEAT = 0.7  # share of terms at which a best sentence repeats a better passage's (0.6-0.9 alike on golden)
_REPEATED = 0.5  # a repeated statement's score is halved: it adds nothing to the passage it repeats
_NAME_SHARE = 0.8  # a word the articles capitalise this often, away from a sentence's start, is a name
_NAME_SAMPLE = 40  # passages read to tell (the first ones holding the word)
_WORD = re.compile(r"[A-Za-z][\w’'-]*")
# Words that say when a question is asked about, not what: "What's the weather this weekend?"
_CALENDAR = frozenset({"today", "tomorrow", "tonight", "yesterday", "weekend", "week", "month", "year", "morning",
                       "afternoon", "evening", "night", "monday", "tuesday", "wednesday", "thursday", "friday",
                       "saturday", "sunday", "next", "last", "this"})
_INFORMAL = frozenset({"whats", "hows", "wheres", "whos", "whens", "whys", "thats", "theres", "gonna", "wanna", "gotta",
                       "u", "ur", "ya", "pls", "plz"})  # function words typed informally: never what is asked
# Terms that say what kind of answer is wanted, not what it is about: "name" in "What is the name of the
# judge?", "located" in "Where was the box located?" (the sentence answering says "outside the government
# center", not "located"). Left out of the terms searched and scored with.
_KIND_TERMS = {kind: frozenset(stem(w) for w in said.split()) for kind, said in (("place", "located location"),
                                                                                  ("name", "name"))}
_NAME_WORDS = frozenset({"name", "names", "named", "called"})  # "judge name?": a name is given without the word
_POSSESSIVE = re.compile(r"['’]s?$")
# Whose words a question asks for: the subject of its verb of saying. "What did Gomes call the judge's
# decision?" asks for Gomes's words, not the judge's; "What did he say after the judge ruled?" for the
# words of "he", whom the conversation names.
_SPEAKER_ASKED = re.compile(r"\b(?:did|does|do|has|had|will|would)\s+((?:[\w'’.-]+\s+){0,3}?[\w'’.-]+)\s+"
                            r"(?:\w+ly\s+)?(?:say|said|tell|told|claim|declare|announce|write|describe|call|promise|"
                            r"pledge|vow|think|blame|characterize|characterise|explain)\b", re.I)


@dataclass(frozen=True)
class _Asked:
    """What a question asks, read once per search and shared by every candidate passage's scoring.

    Attributes:
        question: the question, its names capitalised (`Retriever.cased`).
        kind: its answer type (`question_type`).
        words: its words (`question_words`).
        years: the years it names ("in the February 2024 election").
        identity: "Who is X?" (who someone is, not who did something).
        introduced: for "Who is X?", the words naming X (for "Who is X's <title>?", the title).
        role: "Who is X's <title>?".
        who: a person asked for by "who", "whom" or "whose" (not "Who is X?").
        role_asked: "What is X's role / position / title?".
        speaker: for a quotation, the words of whom it asks to have spoken ("What did Gomes call ...").
        source: "according to X": the words of X.
        names: the stems of the names it asks about (`Retriever._names_asked`).
        titled_as: for "What is the name of X?", the words describing X that are no names.
    """

    question: str
    kind: str
    words: tuple[str, ...]
    years: frozenset[str]
    identity: bool = False
    introduced: tuple[str, ...] = ()
    role: bool = False
    who: bool = False
    role_asked: bool = False
    speaker: tuple[str, ...] = ()
    source: tuple[str, ...] | None = None
    names: tuple[str, ...] = ()
    titled_as: tuple[str, ...] = ()


@dataclass(frozen=True)
class Passage:
    """A cited piece of an article.

    Attributes:
        text: the passage, exactly `article.text[start:end]`.
        score: how well it answers the question, in [0, 1] (higher is better).
        doc_id, title, date: the article it comes from (date may be None).
        start, end: offsets of the passage in the article's text.
        highlight_start, highlight_end: offsets, in the article's text, of the sentence that answers best.
        chunk_id: the index record it came from.
    """

    text: str
    score: float
    doc_id: str
    title: str
    date: str | None
    start: int
    end: int
    highlight_start: int
    highlight_end: int
    chunk_id: str

    @property
    def highlight(self) -> str:
        """The answering sentence."""
        return self.text[self.highlight_start - self.start:self.highlight_end - self.start]


@dataclass(frozen=True)
class Evidence:
    """Why a passage ranks where it does: its best sentence's signals (for answering and refusing).

    `type_match` is 1.0 when the sentence gives the kind of answer asked for, 0.0 when not, and 0.5
    when it gives it less plainly (it names the holder of the title "Who is Bridgeport's mayor?" asks
    about, but does not give the title with the name).
    """

    passage: Passage
    dense: float
    coverage: float
    type_match: float
    sentence_score: float


# Chroma's sentence search (native code, without the GIL) runs on one of these threads while this
# one scores chunks and BM25: 2.8 ms (9%) less per retrieve at 10,004 articles, where that search takes
# 5 ms; 0.3-0.6 ms more at 4 and 1,004 articles, where it takes 1-2. Threads start as needed; 8 so
# that the web app's concurrent answers do not queue for them.
_POOL = ThreadPoolExecutor(8, thread_name_prefix="sentence-search")
_STARTING = threading.Lock()  # one reading of the sentence vectors per refresh, however many questions come at once
# Readings still running when the process exits are stopped at their next page and waited for: a thread
# left inside Chroma's native code while the interpreter shuts down crashes the process (a one-question
# `chatbot ask` ended in a segmentation fault 4 times in 5).
_EXITING = threading.Event()
_READINGS: list[threading.Thread] = []


@atexit.register
def _stop_readings() -> None:
    _EXITING.set()
    for thread in _READINGS:
        thread.join()


class Retriever:
    """Hybrid search over one store; holds the lexical index and chunk catalogue in memory.

    Args:
        store: the opened store.
        embed: function texts -> unit vectors (the same model the index was built with).
        vocabulary: words the model knows whole; spelling repair never turns them into another word.
    """

    def __init__(self, store: Store, embed, vocabulary=()):
        self.store = store
        self.embed = embed
        self.vocabulary = frozenset(vocabulary)
        self.refresh()

    def refresh(self) -> None:
        """Reload the catalogue and lexical index from the store (after indexing)."""
        self.articles: dict[str, StoredArticle] = self.store.stored_articles()
        chunks = [c for c in self.store.all_chunks(ANALYZER, vectors=True) if c.doc_id in self.articles]
        chunks.sort(key=lambda c: (c.doc_id, c.index))
        # Chunks are searched here, exactly (`_similarities`): 2-2.5 ms over 11,487 chunks, a Chroma query
        # 3-6 ms, and the catalogue is in memory anyway (17 MB more at 10,000 articles; reading the vectors
        # adds ~30 ms per 1,000 chunks to opening the index).
        self.vectors = np.stack([c.vector for c in chunks]) if chunks else np.zeros((0, 0), dtype=np.float32)
        chunks = [replace(c, vector=None) for c in chunks]  # one copy of each vector, in the matrix
        self.chunks: list[StoredChunk] = chunks
        self.by_id = {c.id: n for n, c in enumerate(chunks)}
        self.by_sentence: dict[str, list[int]] = {}
        self.by_doc: dict[str, list[int]] = {}
        self._people: dict[str, People] = {}
        self._holding: dict[str, frozenset[str]] = {}
        for n, chunk in enumerate(chunks):
            self.by_doc.setdefault(chunk.doc_id, []).append(n)
            for start, end in chunk.sentences:
                self.by_sentence.setdefault(sentence_id(chunk.doc_id, start, end), []).append(n)
        self.bm25 = Bm25([lexical_text(self.articles[c.doc_id].title, c.text) for c in chunks],
                         analysed=[c.terms for c in chunks], dictionary=self.vocabulary)
        self._names: dict[str, bool] = {}
        self._terms: list[str] | None = None
        self._holders: dict[str, set[tuple[str, ...]]] | None = None
        self._inherited: dict[tuple[str, tuple[str, ...]], People] = {}
        # Every stored sentence vector, (sentence id -> row, matrix), once read. The candidates' sentences
        # that Chroma's search did not return are scored from it: fetching them from Chroma took 2.6 ms of a
        # 22 ms retrieve at 10,004 articles (~44 sentences a question), the matrix 0.1 ms. It costs 77 MB
        # there (50,000 sentences) and 3 s of reading, done on a thread started by the second search: a
        # one-question `chatbot ask` never needs it, and the first answer does not share the cores with it.
        self._sentence_vectors: tuple[dict[str, int], np.ndarray] | None = None
        self._generation = object()
        self._searches = 0
        self.reading: threading.Thread | None = None

    def start_reading(self) -> threading.Thread:
        """Start reading every sentence vector into memory on a background thread (once per refresh)."""
        with _STARTING:
            if self.reading is None:
                self.reading = threading.Thread(target=self._read_sentence_vectors, args=(self._generation,),
                                                daemon=True, name="sentence-vectors")
                _READINGS[:] = [t for t in _READINGS if t.is_alive()] + [self.reading]
                self.reading.start()
            return self.reading

    def _read_sentence_vectors(self, generation: object) -> None:
        try:
            found = self.store.all_sentence_vectors(stop=_EXITING)
        except Exception:  # the store went away (rebuilt, server down): questions fetch what they need
            return
        if generation is self._generation:  # not refreshed meanwhile
            self._sentence_vectors = found

    def _sentence_similarities(self, ids: list[str], vector: np.ndarray) -> dict[str, float]:
        """Sentence id -> similarity to the query, from the vectors in memory, else fetched from Chroma.

        Both ways stack the vectors and compute alike, so a question gets the same scores before and
        after the vectors are read."""
        loaded = self._sentence_vectors
        rows, matrix = loaded or ({}, None)
        held = [i for i in ids if i in rows]
        fetched = self.store.sentence_vectors([i for i in ids if i not in rows])
        stacked = [matrix[[rows[i] for i in held]]] if held else []
        stacked += [np.stack(list(fetched.values()))] if fetched else []
        if not stacked:
            return {}
        similarities = _similarities(np.concatenate(stacked), vector).tolist()
        return dict(zip(held + list(fetched), similarities))

    def unmentioned(self, question: str, *, followup: bool = False) -> tuple[str, ...]:
        """The question's words that no article contains, when each word of it that the articles do
        contain is a name, a title they give someone ("the mayor") or says when ("this weekend"): it
        then asks something about a person or place that the articles never say ("name" asks for a
        name, which is given without the word). A follow-up gets whom it is about from the earlier turn,
        so one all of whose words are unknown asks the same ("where did he grow up?").

        A word counts as contained in any of its forms ("sue" for "sued", "urge" for "urging") or
        misspelt by one letter; a name is a word the articles capitalise (`_NAME_SHARE`).

        Example: "What is the population of Bridgeport?" -> ("population",); "Why did Gomes sue?" -> ();
        "What was the woman in the footage doing?" -> () ("woman" is not a name, so the articles may
        say it in other words).
        """
        asked = [w for w in dict.fromkeys(words(question))
                 if w not in STOPWORDS | _INFORMAL | _NAME_WORDS and not w.isdigit()]
        unknown = tuple(w for w in asked if not self._contains(stem(w)))
        known = [w for w in asked if w not in unknown]
        if not unknown or not (known or followup):
            return ()
        titles = self.title_holders()  # "the mayor" is whom an article calls Mayor Joe Ganim: named, too
        if not all(self._is_name(stem(w)) or w in _CALENDAR or w in titles for w in known):
            return ()
        return unknown

    def cased(self, question: str) -> str:
        """The question with the names the articles capitalise capitalised, as a careful writer would.

        Scoring reads a question's capitalised words as the people it asks about ("What party is
        Ganim?"); a question typed in lower case names them too. A question with a capital letter
        after its first word is left as written. Example: "where did bill bloss study" -> "where
        did Bill Bloss study".
        """
        if any(w[:1].isupper() for w in _WORD.findall(question)[1:]):
            return question  # the writer capitalises: take their names as written
        def case(match: re.Match) -> str:
            word = match.group()
            bare = _POSSESSIVE.sub("", word)
            if word.islower() and bare not in STOPWORDS and self._is_name(stem(bare)):
                return word[0].upper() + word[1:]
            return word
        return _WORD.sub(case, question)

    def _contains(self, term: str) -> bool:
        """True when some passage holds the term, a form of it, or it misspelt by one letter."""
        if self.bm25.known(term) or self.bm25.repair(term):
            return True
        if self._terms is None:
            self._terms = sorted(self.bm25.postings)
        root = term[:-1] if term.endswith("e") and len(term) > 3 else term  # "urge" -> "urging"
        at = bisect_left(self._terms, root)
        return at < len(self._terms) and self._terms[at].startswith(root)

    def _is_name(self, term: str) -> bool:
        """True when the articles write the word capitalised (away from a sentence's start): "Ganim"."""
        if term not in self._names:
            capitalised = seen = 0
            for n, _ in self.bm25.postings.get(term, ())[:_NAME_SAMPLE]:
                chunk = self.chunks[n]
                text = chunk.text
                starts = {start - chunk.start for start, _ in chunk.sentences}  # "Gov. Ned Lamont": one sentence
                for match in _WORD.finditer(text):
                    word = match.group()
                    if stem(_POSSESSIVE.sub("", word.lower())) != term:
                        continue
                    at = match.start()
                    while at and text[at - 1] in '"“‘(':
                        at -= 1
                    if at in starts or text[:at].rstrip()[-1:] in (":", '"', "“"):
                        continue  # a sentence's (or quotation's) first word is capitalised whatever it is
                    seen += 1
                    capitalised += word[0].isupper()
            self._names[term] = bool(seen) and capitalised >= _NAME_SHARE * seen
        return self._names[term]

    def lexical_weights(self, query: Query, leave_out=()) -> dict[str, float]:
        """The query's terms with unknown words repaired to their corpus spelling, less those `leave_out`
        (unless that leaves none)."""
        repaired: dict[str, float] = {}
        spelt = {stem(w): w for w in words(query.text)}  # the stemmer can cut a misspelling short: conced -> conc
        kept = {t: w for t, w in query.weights.items() if t not in leave_out} or query.weights
        for term, weight in kept.items():
            if not self.bm25.known(term):
                term = self.bm25.repair(term) or self.bm25.repair(spelt.get(term, term)) or term
            repaired[term] = max(weight, repaired.get(term, 0.0))
        return repaired

    def spelt(self, text: str) -> str:
        """The text with each misspelt name in the articles' spelling: a word they never hold, one letter
        away from a name they do. The model reads "Gomez" and "Stepanie" as other people than "Gomes" and
        "Stephanie". Only names: "chowder" is no misspelt "crowd"; and a word the model knows whole only
        when capitalised ("Gomez", not "policy")."""
        def spell(match: re.Match) -> str:
            word = _POSSESSIVE.sub("", match.group())  # "Gomez's": "Gomez", then the "'s" again
            term = stem(word.lower())
            if len(word) < 5 or self.bm25.known(term) or not (known := self.bm25.repair(term)):
                return match.group()
            if not self._is_name(known) or (word.lower() in self.vocabulary and not word[:1].isupper()):
                return match.group()
            chunk = self.chunks[self.bm25.postings[known][0][0]].text  # a passage holding it, for its spelling
            spelt = next((w for w in _WORD.findall(chunk) if stem(_POSSESSIVE.sub("", w).lower()) == known), word)
            spelt = _POSSESSIVE.sub("", spelt)
            spelt = spelt if word[:1].isupper() == spelt[:1].isupper() else spelt.lower()
            return spelt + match.group()[len(word):]
        return _WORD.sub(spell, text)

    def search(self, query: Query, k: int = 5) -> list[Evidence]:
        """The `k` best passages for a query, with the evidence of their best sentence.

        Args:
            query: the built query (see `conversation.build_query`).
            k: how many passages to return.

        Returns:
            Evidence per passage, best first (fewer than k when the index is small).
        """
        if not self.chunks or k <= 0:
            return []
        vector = self.embed([self.spelt(query.text)])[0]
        pending = _POOL.submit(self.store.search_sentences, vector, _DEPTH * 2)
        asked = self._asked(query.question)
        weights = self.lexical_weights(query, leave_out=_KIND_TERMS.get(asked.kind, ()))
        dense_chunks = _nearest(_similarities(self.vectors, vector), _DEPTH)
        lexical = self.bm25.best(weights, _DEPTH)
        sentence_hits = pending.result()
        sentence_sims = dict(sentence_hits)
        dense_sentences = list(dict.fromkeys(n for i, _ in sentence_hits for n in self.by_sentence.get(i, ())))
        rankings = (dense_chunks, dense_sentences, lexical)
        fused = _fuse(rankings, len(self.chunks))
        if not fused:
            return []
        candidates = sorted(fused, key=lambda n: -fused[n])[:max(_RERANK, k)]
        leaders = dict.fromkeys(n for ranking in rankings for n in ranking[:_LEADERS])
        candidates += [n for n in leaders if n not in candidates]
        best_fused = fused[candidates[0]]
        missing = [sentence_id(self.chunks[n].doc_id, s, e) for n in candidates for s, e in self.chunks[n].sentences]
        missing = [i for i in dict.fromkeys(missing) if i not in sentence_sims]
        sentence_sims.update(self._sentence_similarities(missing, vector))
        idf = self._local_idf(weights, candidates)
        results = []
        for n in candidates:
            evidence = self._best_sentence(n, weights, asked, sentence_sims, idf, query.answered, query.names)
            blended = _BLEND * fused[n] / (best_fused or 1.0) + (1 - _BLEND) * evidence.sentence_score
            if asked.kind in STRICT_TYPES and not evidence.type_match:
                blended *= _UNTYPED
            results.append((blended, evidence))
        results.sort(key=lambda item: -item[0])
        self._searches += 1
        if self._searches > 1 and self.reading is None:
            self.start_reading()
        return [_with_score(evidence, score) for score, evidence in _distinct_first(results)[:k]]

    def _asked(self, question: str) -> _Asked:
        """What the question asks (see `_Asked`), read once for all the passages scored."""
        question = self.cased(question)
        kind = question_type(question)
        asked = question_words(question)
        identity = IDENTITY.match(question) if kind == "person" else None  # "Who is the mayor?"
        role = ROLE_OF.match(question) if identity else None
        introduced = question_words(identity.group(1)) if identity else ()
        if role:  # "Who is Ganim's communications director?": the title, not Ganim, whom many sentences name
            introduced = question_words(as_title(role.group(1)))
        speaker = _SPEAKER_ASKED.search(question) if kind == "quote" else None
        according = _ACCORDING.search(question) if kind != "quote" else None
        return _Asked(
            question, kind, asked, frozenset(YEAR.findall(question)), bool(identity), introduced, bool(role),
            who=kind == "person" and not identity and bool(_WHO_ASKED.search(question)),
            role_asked=kind == "occupation" and bool(_ROLE_ASKED.search(question)),
            speaker=tuple(question_words(speaker.group(1))) if speaker else (),
            source=tuple(question_words(according.group(1))) if according else None,
            names=tuple(self._names_asked(question)) if kind == "quote" else (),
            # "What is the name of Bridgeport's incumbent mayor?" is "Who is the incumbent mayor?" (places aside)
            titled_as=tuple(w for w in named_noun(question) if not self._is_name(stem(w))) if kind == "name" else ())

    def _local_idf(self, weights: dict[str, float], candidates: list[int]):
        """Term -> inverse document frequency among the chunks of the candidates' articles, for `coverage`.

        Among the articles competing to answer, the names that found them are common and the words
        that tell their sentences apart are rare; in the whole archive the names are the rarest
        words of all, and with them a sentence that only names the people asked about would cover
        most of the question. At 4 articles this is the whole archive's IDF.
        """
        local = np.array(sorted({m for n in candidates for m in self.by_doc[self.chunks[n].doc_id]}), dtype=np.int64)
        return {term: self.bm25.idf_among(term, local) for term in weights}.__getitem__

    def _best_sentence(self, n: int, weights, q: _Asked, sims: dict[str, float], idf, answered=frozenset(),
                       referred=()) -> Evidence:
        chunk = self.chunks[n]
        article = self.articles[chunk.doc_id]
        whole = f"{article.title} {chunk.text}" if any(w < 1.0 for w in weights.values()) else ""
        kind, question, asked, years, dated_on = q.kind, q.question, q.words, q.years, article.date or ""
        people = self.people(chunk.doc_id, asked)
        dated = terms(_when(article.date))  # "in February" chooses the article dated February, not a sentence
        titled = [w for w in asked if w in people.titles]  # "the mayor" in an article naming Mayor Joe Ganim
        # "What is Rowena White's role?" is answered by the title an article gives her (not by "candidate"
        # for "What does Lamond Daniels do for a living?")
        role_of = [w for w in asked if w in people.persons] if q.role_asked else []
        quoted = set()
        elsewhere = False  # "What did Ned Lamont say?": an article that never names him quotes none of his words
        if kind == "quote":  # "What did the judge say" -> Clark's words; "what did he say" after Gomes spoke -> his
            he_said = len(referred) == 1 and q.speaker in (("he",), ("she",))
            quoted = (people.meant(question_words(" ".join(referred))) if he_said
                      else people.meant(q.speaker) or people.meant(asked))
            elsewhere = not quoted and not he_said and any(
                chunk.doc_id not in self._articles_with(term) for term in q.names)
        source = people.meant(q.source) if q.source is not None else set()
        scored = []
        opening = self._sentence_before(n)  # the sentence before the chunk's first, from the chunk before it
        for position, (start, end) in enumerate(chunk.sentences):
            dense = sims.get(sentence_id(chunk.doc_id, start, end), 0.0)
            if (joined := _through_colon(chunk, start, end)) != end:  # "the following statement:" is scored with it
                dense = max(dense, sims.get(sentence_id(chunk.doc_id, *chunk.sentences[position + 1]), 0.0))
                end = joined
            sentence = _slice(chunk, start, end)
            before = _slice(chunk, *chunk.sentences[position - 1]) if position else ""
            previous = before if position else opening  # the sentence before this one, in this chunk or not
            context = f"{article.title} {before}"
            held = [stem(w) for w in people.titles_named(titled, words(sentence))] if titled else []
            if _PRONOUN_SUBJECT.match(sentence):  # "She's asking local leaders ..." after "The Secretary ... cites"
                held += [stem(w) for w in people.last_named(previous)]
            cover = coverage(weights, sentence, context, idf, whole, held + dated)
            match = type_match(kind, sentence, question)
            if match and years and kind in STRICT_TYPES and not years & set(YEAR.findall(f"{dated_on} {sentence}")):
                match = 0.0  # "in the February 2024 election": a 2023 article's number is another event's
            if q.identity:
                match = float(people.introduces(sentence, q.introduced))
            if q.role and not match and people.titles_named(q.introduced, words(sentence)):
                match = 0.5  # '"...," Ganim said.' names Bridgeport's mayor, less plainly; nobody is its police chief
            if q.titled_as and not match:
                match = float(people.introduces(sentence, q.titled_as))
            if role_of and not match:  # "What position does Thomas hold?": "Secretary of the State Stephanie
                match = float(people.introduces(sentence, role_of))  # Thomas said", a title given with her name
            if q.who and not match:  # "Ganim claims he has won" names him, by surname; '"...," Ganim said' does not
                speaking = people.attributed(sentence) if type_match("quote", sentence, question) else set()
                match = float(bool(people.named(sentence) - speaking - set(asked)))
            if match and quoted:  # a quotation is what the asked person said only if it is theirs
                earlier = (_slice(chunk, *chunk.sentences[position - 2]) if position > 1
                           else opening if position else "")
                said_by = people.attributed(sentence, previous, earlier)
                if said_by and not said_by & quoted:
                    match = 0.0
            elif quoted:  # "Ganim said he is ...", "He went on to say ..." after Ganim spoke: his words too
                earlier = _slice(chunk, chunk.sentences[max(position - 2, 0)][0], start) if position else opening
                match = float(bool(people.reported(sentence, earlier) & quoted))
            if match and source:  # "How many more voters came out, according to Ganim?": by Ganim's account
                match = float(bool(people.said_by(sentence, before) & source))
            if elsewhere:
                match = 0.0
            score = sentence_score(dense, cover, match)
            if (chunk.doc_id, start, end) in answered:
                score *= _ANSWERED
            scored.append((score, start, end, dense, cover, match))
        score, start, end, dense, cover, match = _chosen(scored, kind in ANSWER_KINDS)
        passage = Passage(chunk.text, score, chunk.doc_id, article.title, article.date, chunk.start, chunk.end,
                          start, end, chunk.id)
        return Evidence(passage, dense, cover, match, score)

    def _names_asked(self, question: str) -> list[str]:
        """The stems of the names a question asks about: its capitalised words after the first that the
        articles write capitalised ("What did Ned Lamont say?" -> ["ned", "lamont"])."""
        return [t for w in re.findall(r"(?<=\s)[A-Z][\w'’]*", question)
                if (t := stem(_POSSESSIVE.sub("", w.lower()))) and self._is_name(t)]

    def _articles_with(self, term: str) -> frozenset[str]:
        """The articles whose chunks hold a term (read from the lexical index once per term)."""
        if term not in self._holding:
            if len(self._holding) > 10_000:
                self._holding.clear()
            self._holding[term] = frozenset(self.chunks[n].doc_id for n, _ in self.bm25.postings.get(term, ()))
        return self._holding[term]

    def people(self, doc_id: str, asked=()) -> People:
        """Who is who in an article (read at its first use, then kept until `refresh`).

        With the question's words `asked`, a title the question uses that this article gives nobody is
        taken from the other articles, for the people this article names in full: an article that
        only says "Joe Ganim" is still about the mayor when another article says "Mayor Joe Ganim".
        """
        if doc_id not in self._people:
            self._people[doc_id] = People.of(self._text(doc_id))
        own = self._people[doc_id]
        if not asked:
            return own
        holders = self.title_holders()
        wanted = tuple(w for w in dict.fromkeys(asked) if w not in own.titles and w in holders)
        if not wanted:
            return own
        if (doc_id, wanted) not in self._inherited:
            if len(self._inherited) > 10_000:  # a long-running app asks many questions
                self._inherited.clear()
            self._inherited[doc_id, wanted] = own.inherit({w: holders[w] for w in wanted}, self._text(doc_id))
        return self._inherited[doc_id, wanted]

    def title_holders(self) -> dict[str, set[tuple[str, ...]]]:
        """Title word -> the people (first and last name) any article gives it, read once on first use
        (about 1 s at 10,000 articles)."""
        if self._holders is None:
            holders: dict[str, set[tuple[str, ...]]] = {}
            for doc_id in self.by_doc:
                for title, person in titled(self._text(doc_id)):
                    holders.setdefault(title, set()).add(person)
            self._holders = holders
        return self._holders

    def _text(self, doc_id: str) -> str:
        return "\n".join(self.chunks[n].text for n in self.by_doc.get(doc_id, ()))

    def _sentence_before(self, n: int) -> str:
        """The sentence before chunk `n`'s first one, from the chunk before it in the same article."""
        chunk = self.chunks[n]
        if n and self.chunks[n - 1].doc_id == chunk.doc_id:
            earlier = [span for span in self.chunks[n - 1].sentences if span[1] <= chunk.start]
            if earlier:
                return _slice(self.chunks[n - 1], *earlier[-1])
        return ""


def _fuse(rankings: tuple[list[int], ...], size: int) -> dict[int, float]:
    """Reciprocal-rank fusion of ranked lists of chunk positions (weights `_FUSION`), over `size` chunks.

    A chunk missing from a list ranks somewhere below it, not nowhere: it counts at the middle of the
    ranks left, (len(list) + 1 + size) / 2. At 4 articles, where the similarity lists hold every chunk
    and BM25's only those sharing a word with the question, a passage saying it in other words ("a
    hotline" for "a phone line") is not sunk by the list that cannot see it (golden hit@3 91% -> 92%);
    at 10,000 articles the middle is ~5,800 and it counts next to nothing, as before.

    Example: lists [a, b], [b, a], [a] over 3 chunks: a = 1/61 + 1/62 + 1/61, b = 1/62 + 1/61 + 1/62.5.
    """
    fused: dict[int, float] = {}
    for weight, ranking in zip(_FUSION, rankings):
        for rank, n in enumerate(ranking):
            fused[n] = fused.get(n, 0.0) + weight / (RRF_K + rank + 1)
    for weight, ranking in zip(_FUSION, rankings):
        listed, below = set(ranking), weight / (RRF_K + (len(ranking) + 1 + size) / 2)
        for n in fused:
            if n not in listed:
                fused[n] += below
    return fused


def _distinct_first(results: list[tuple[float, Evidence]]) -> list[tuple[float, Evidence]]:
    """The ranking with each repeated statement scored down (`_REPEATED`) and sorted again.

    A statement is repeated when most of its terms are a better one's, or when it is a better one with
    other names and numbers (`shape`): "A recount in the Putnam race confirmed Kathryn Nakamura's
    victory" repeats "A recount in the Shelton race confirmed Yolanda Sanchez's victory".

    Example: best sentences "Cox said cameras caught a sedan." (0.9), "Tran said cameras caught a
    sedan." (0.8), "The Gomes campaign released the video." (0.6) -> Cox 0.9, Gomes 0.6, Tran 0.4.
    """
    distinct, rescored = [], []  # (best sentence, its shape) of each statement kept
    for score, evidence in results:
        highlight = evidence.passage.highlight
        form = shape(highlight)  # once per passage: 11 µs each, and there are ~18 passages
        if any(overlap(highlight, other) >= _REPEAT or overlap(form, other_form) >= _REPEAT
               for other, other_form in distinct):
            score *= _REPEATED
        else:
            distinct.append((highlight, form))
        rescored.append((score, evidence))
    return sorted(rescored, key=lambda item: -item[0])


def _chosen(scored: list[tuple], typed: bool) -> tuple:
    """The passage's answering sentence among its `(score, start, end, dense, coverage, type_match)` rows.

    The best-scored one; but when the question wants a kind of answer (`typed`: a date, a number, what
    someone said...) and the best gives none, a sentence giving one and scoring at least
    `_TYPED_SHARE` of the best: the answer quotes it, and the passage is not passed over for another.
    Example: "What did Ganim declare when he claimed victory?" -> 'Ganim took to the stage ... to
    declare "Bridgeport has spoken."' (0.649), not "Ganim claims he has also won two mayoral
    elections." (0.662).
    """
    best = max(scored, key=lambda row: row[0])  # the first of equals
    if typed and not best[5]:
        giving = max((row for row in scored if row[5]), key=lambda row: row[0], default=None)
        if giving and giving[0] >= _TYPED_SHARE * best[0]:
            return giving
    return best


def _through_colon(chunk: StoredChunk, start: int, end: int) -> int:
    """Where the answering span ends: a sentence ending in a colon introduces the next one, which goes with it.

    Example: 'Ganim released the following statement:' is quoted together with the statement after it.
    """
    following = [e for s, e in chunk.sentences if s >= end]
    if following and _slice(chunk, start, end).rstrip().endswith(":"):
        return following[0]
    return end


def _when(date: str | None) -> str:
    """An article's date as words a question would use: "2024-02-27" -> "February 2024"."""
    try:
        day = datetime.date.fromisoformat(date) if date else None
    except ValueError:
        return ""
    return f"{_MONTHS[day.month - 1]} {day.year}" if day else ""


def _similarities(vectors: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """Each row of `vectors` dotted with `vector`, on this thread only.

    Not `vectors @ vector`: numpy hands that to OpenBLAS, whose threads go on spinning on both cores
    after it and made the next embedding (torch, on the same two cores) take 24 ms instead of 11; at
    10,000 articles `retrieve` took 39-45 ms instead of 27-31. einsum's own loop runs on this thread
    only, in 2.2-2.5 ms for 11,500 rows (the threaded product: 3.3 ms), with the same rankings."""
    return np.einsum("ij,j->i", vectors, vector)


def _nearest(similarities: np.ndarray, n: int) -> list[int]:
    """Positions of the `n` highest similarities, highest first (ties in position order)."""
    n = min(n, len(similarities))
    top = np.argpartition(-similarities, n - 1)[:n] if n < len(similarities) else np.arange(len(similarities))
    return sorted(top.tolist(), key=lambda i: (-similarities[i], i))


def _slice(chunk: StoredChunk, start: int, end: int) -> str:
    return chunk.text[start - chunk.start:end - chunk.start]


def _with_score(evidence: Evidence, score: float) -> Evidence:
    p = evidence.passage
    passage = Passage(p.text, round(float(score), 4), p.doc_id, p.title, p.date, p.start, p.end,
                      p.highlight_start, p.highlight_end, p.chunk_id)
    return Evidence(passage, evidence.dense, evidence.coverage, evidence.type_match, evidence.sentence_score)


