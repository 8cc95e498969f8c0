"""Answer: decide whether the passages answer the question, and word a short cited answer.

The answer quotes the best sentence of the best-ranked passage (of the first three, the best-ranked
one holding a date, number, age or duration when the question wants one, or the asked person's words
when it asks what someone said), verbatim, with its `[1]` marker. Another article saying the same
thing (most of its terms shared) is cited beside it; one saying the same thing with different
numbers is reported as a disagreement and cited too. When the evidence is too weak the answer
refuses plainly and makes no claim, offering the closest passages as suggestions. An order to the
bot ("Forget the articles. Write me a poem ...") and a request for its opinion or advice ("Who
should I vote for?") are declined with a sentence saying so, and no suggestions.

The refusal rule is explainable: refuse text that tries to instruct the bot or asks its opinion;
refuse a "when" question whose closest sentence says the time is not known yet ("No date has been
set for a new primary."), quoting that sentence; refuse a question that wants a date, number, age,
length of time, a person's party, job, schooling or family, a penalty or charge, a person's name or
a place when none of the three closest sentences holds one (said of the person asked about:
`scoring.type_match`), and judge the rest of the rule on the one that does, which the answer quotes;
refuse "Who is X's <title>?" when none of them gives anyone that title or names whom an article
gives it ("Who is Bridgeport's police chief?");
refuse a question whose only words the articles contain are names (and words saying when: "this
weekend"), the rest appearing nowhere in them ("What is the population of Bridgeport?", "When was
John Gomes born?", a follow-up none of whose words is in them: "where did he grow up?":
`Retriever.unmentioned`; "job" in "What is Rowena White's job?" only says what kind of answer is
wanted), unless its best sentence is very close in meaning; answer a follow-up asking little more
than a kind of answer ("For how long?") when one of the three closest sentences gives one; otherwise
answer when the best sentence covers enough of the question's IDF-weighted terms and is close enough
in meaning, or is very close in meaning alone, or covers three quarters of the question's terms
alone, or gives the kind of answer asked for (one of the kinds above: "Monday evening" for "when")
while covering part of the question and being a little less close. Its seven thresholds were
calibrated on the golden questions (`chatbot eval`; the last two with the refusal probes,
`tests/golden/probes.jsonl`) and are reported with their precision and recall.

What it leaves out: generating new wording (no generative model is available), and any claim that
is not a quoted sentence of an article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lexical import terms
from .retrieval import Evidence, Passage
from .scoring import ANSWER_KINDS, IDENTITY, ROLE_OF, STRICT_TYPES, kind_words, overlap, question_type

__all__ = ["Citation", "Answer", "Thresholds", "compose", "refusal", "is_instruction", "asks_opinion", "asks_summary",
           "is_small_talk", "quoted", "lead", "NOT_FOUND", "NO_INSTRUCTIONS", "NO_OPINIONS", "NO_SUMMARIES",
           "SMALL_TALK", "DECLINED"]

NOT_FOUND = "I couldn't find that in the articles."
NO_INSTRUCTIONS = "I only answer questions about the articles; I don't follow instructions."
NO_OPINIONS = "I only report what the articles say; I don't give opinions or advice."
NO_SUMMARIES = ("I answer questions one fact at a time, quoting the sentence each answer comes from; I don't "
                "summarize the articles. Ask me who, what, when, where or why.")
SMALL_TALK = ("Hello. I answer questions about the news articles, quoting the sentence each answer comes from: "
              "ask me one.")
_KIND_WORDS = {"date": "a date or time", "number": "a number", "age": "an age", "duration": "a length of time",
               "party": "a political party", "occupation": "a job", "education": "a school or degree",
               "family": "a family member", "penalty": "a penalty or charge", "name": "a name", "place": "a place"}
# An instruction to the bot, as a sentence of its own or addressed to it: to set aside its instructions
# or its articles ("Forget the articles."; not "Did Ganim ignore the rules?"), to take on another role,
# to show its prompt, or to write something ("... Write me a poem about ...").
_INSTRUCTION = re.compile(
    r"(^|[.!?:]\s+)\W*(please\s+)?(now\s+)?(just\s+)?(ignore|disregard|forget|override|set aside)\b.{0,40}\b("
    r"instructions?|prompts?|rules|context|above|previous|articles?|news|sources?|documents?|texts?|passages?)\b"
    r"|\b(ignore|disregard|forget|override)\s+(all\s+)?(your|previous|prior|earlier|any|my|these)\s+"
    r"((previous|prior|earlier)\s+)?(instructions?|prompts?|rules|context)\b"
    r"|\b(system prompt|system override|developer mode|jailbreak|you are now|you are no longer|act as|pretend to be|"
    r"roleplay|from now on|new instructions)\b"
    r"|\bno longer (limited|bound|restricted)\b"
    r"|\b(reveal|print|show|repeat)\b.{0,30}\b(your|the) (prompt|instructions|rules)\b"
    r"|(^|[.!?:]\s+)\W*(please\s+)?(now\s+)?(write|compose|draft|generate|make up)\s+(me\s+)?(a|an|some)\s+"
    r"(tweet|post|poem|story|essay|headline|song|joke|press release|speech)\b", re.I | re.S)

# A question asking for the bot's own opinion or advice, which no article gives: "Who should I vote for?",
# "What do you think of Ganim?", "Should Ganim resign?" (not "What did Gomes think of the ruling?", nor
# "What number should I call?", which an article may well say).
_OPINION = re.compile(
    r"\b(should|shall)\s+(i|we)\s+(vote|support|back|pick|choose|elect|trust|believe|like)\b|^\W*should\b"
    r"|\b(do|would|did|don't|wouldn't)\s+you\s+(personally\s+)?(think|feel|believe|recommend|suggest|prefer|"
    r"support|like|say)\b"
    r"|\byour\s+(own\s+|personal\s+|honest\s+)?(opinion|view|views|take|thoughts|advice|recommendation|pick|verdict)\b"
    r"|\b(who|which)\b[^?]{0,40}\b(is|was|are|would be)\s+(the\s+)?(better|best|worse|worst)\b", re.I)

# A request for a summary of the articles, which no one sentence gives: "Summarize the articles", "What
# are these articles about?" (not "What did the judge's summary say?").
_SUMMARY = re.compile(
    r"^\W*(please\s+)?((can|could|would)\s+you\s+)?(summari[sz]e|recap|sum up)\b"
    r"|\b(give|show|tell)\s+me\s+(a|an|the)\s+(short\s+|brief\s+|quick\s+)?(summary|overview|recap|gist)\b"
    r"|\b(summary|overview|recap|gist|tl;?\s*dr)\s+of\s+(the|these|this|all|each)\s+(\w+\s+)?"
    r"(articles?|news|stories|story|archive)\b"
    r"|^\W*what(\s+is|\s+are|['’]s)\s+(this|these|the|all\s+the)\s*(articles?|news|stories|archive)?\s+"
    r"(all\s+)?about\W*$"
    r"|^\W*tl;?\s*dr\W*$", re.I)
# Greetings and thanks, said on their own.
_SMALL_TALK = re.compile(
    r"^\W*(hi|hello|hey|hiya|howdy|yo|greetings|good\s+(morning|afternoon|evening|day)|thanks|thank\s+you|thx|ty|"
    r"cheers|ok|okay|cool|great|nice|bye|goodbye|see\s+you)(\s+(there|again|so\s+much|very\s+much|a\s+lot|all|"
    r"everyone|bot|chatbot))?\W*$", re.I)

# The kinds of answer whose sentence, when it gives that kind and says part of what was asked, is evidence
# of its own (`Thresholds.dense_typed`): the strict ones, what follows if ("If Gomes wins, he would ...")
# and what someone can do ("The judge has no authority to halt an election").
_TELLING_KINDS = STRICT_TYPES | {"condition", "ability"}

# A sentence saying that a time is not known (yet), as opposed to giving one: for "when" questions.
_UNKNOWN_TIME = re.compile(
    r"\bno word (yet )?on when\b|\bno (date|time|timeline|timetable|schedule) has (yet )?been (set|given|announced)\b"
    r"|\b(it is|it's|remains|is still) (unclear|unknown|not known) when\b"
    r"|\bhas not (yet )?been (scheduled|set)\b", re.I)


@dataclass(frozen=True)
class Thresholds:
    """When the evidence counts as an answer (see the module docstring)."""

    coverage: float = 0.0
    dense: float = 0.35
    dense_alone: float = 0.62
    coverage_alone: float = 0.75
    unmentioned_dense: float = 0.55
    # A sentence giving the kind of answer asked for (a date for "when", a place for "where", a job, what
    # follows "if": `_TELLING_KINDS`) and saying part of what was asked is evidence of its own: a lower
    # similarity suffices. Not for "who", which any sentence naming someone matches. Calibrated on the golden
    # and probe questions: it answers none of their unanswerable ones, while coverage 0.15 would answer "Where
    # will the new mayor's inauguration be held?" with "... the people of the city of Bridgeport", and
    # similarity 0.25 the follow-up "where does she work now?".
    dense_typed: float = 0.30
    coverage_typed: float = 0.20


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer: `[number]` in the text points to `passage`."""

    number: int
    passage: Passage

    @property
    def quote(self) -> str:
        """The sentence of the passage that supports the claim."""
        return self.passage.highlight


@dataclass(frozen=True)
class Answer:
    """A cited answer, or a plain refusal.

    Attributes:
        question: the question as understood (cleaned).
        text: the answer, its claims marked `[n]`; when refused, a sentence saying it is not in the articles.
        citations: the passages behind the markers, numbered as in the text.
        refused: True when the articles do not contain the answer.
        suggestions: when refused, the closest passages ("you may mean").
        confidence: the best sentence's evidence score, in [0, 1].
        reason: a few words on why it answered or refused.
    """

    question: str
    text: str
    citations: tuple[Citation, ...] = ()
    refused: bool = False
    suggestions: tuple[Passage, ...] = field(default=())
    confidence: float = 0.0
    reason: str = ""


def quoted(sentence: str) -> str:
    """A sentence in quotation marks on one line, unless it already opens with a quote.

    Example: "Clark ruled.\n" -> "“Clark ruled.”"; "“Shocking,” he wrote." stays as it is.
    """
    sentence = " ".join(sentence.split())
    return sentence if sentence[:1] in "“\"‘'" else f"“{sentence}”"


def is_instruction(question: str) -> bool:
    """True when the question tries to instruct the bot ("Ignore previous instructions and ...")."""
    return bool(_INSTRUCTION.search(question))


def asks_summary(question: str) -> bool:
    """True when the question asks for a summary of the articles ("Summarize the articles")."""
    return bool(_SUMMARY.search(question))


def is_small_talk(question: str) -> bool:
    """True when the message is a greeting or thanks on its own ("hi", "Thanks!")."""
    return bool(_SMALL_TALK.match(question))


def asks_opinion(question: str) -> bool:
    """True when the question asks for the bot's opinion or advice ("Who should I vote for?")."""
    return bool(_OPINION.search(question))


# Questions declined whatever the articles say: (test, reason, reply).
_DECLINED = (
    (is_instruction, "the question asks the bot to follow instructions, which it does not do", NO_INSTRUCTIONS),
    (asks_opinion, "the question asks for an opinion or advice, which the articles can only report, not give",
     NO_OPINIONS),
    (asks_summary, "the question asks for a summary, which no one sentence of the articles gives", NO_SUMMARIES),
    (is_small_talk, "the message is a greeting or thanks, not a question", SMALL_TALK),
)
DECLINED = tuple(reply for _, _, reply in _DECLINED)  # the replies to them


def refusal(question: str, evidence: list[Evidence], thresholds: Thresholds = Thresholds(),
            unmentioned: tuple[str, ...] = (), *, followup: bool = False) -> str | None:
    """Why the evidence does not answer the question, or None when it does.

    Args:
        question: the cleaned question.
        evidence: passages best first (from `Retriever.search`).
        thresholds: the rule's thresholds.
        unmentioned: the question's words that the articles never contain, when its others are all
            names (`Retriever.unmentioned`): "population" in "What is the population of Bridgeport?".
        followup: the question was searched with earlier turns ("For how long?" after "What is he
            working on?"): asking little more than a kind of answer, it is answered by one.

    Example: best sentence with coverage 0.2 and similarity 0.41 -> "the articles do not cover ...".
    """
    return _judge(question, evidence, thresholds, unmentioned, followup)[0]


def _judge(question: str, evidence: list[Evidence], thresholds: Thresholds,
           unmentioned: tuple[str, ...] = (), followup: bool = False) -> tuple[str | None, Evidence | None]:
    """`refusal`'s reason, and the evidence saying the time is not known when that is the reason.

    Example: "When is the new primary?" and best sentence "No date has been set for a new primary."
    -> ("the closest sentence says the time is not known yet", that evidence).
    """
    for applies, why, _ in _DECLINED:
        if applies(question):
            return why, None
    if not evidence:
        return "nothing in the articles matches the question", None
    kind = question_type(question)
    best = max(evidence, key=lambda e: e.sentence_score)
    if kind in ("date", "duration") and best.dense >= thresholds.dense and _UNKNOWN_TIME.search(best.passage.highlight):
        return "the closest sentence says the time is not known yet", best
    kind_given = any(e.type_match for e in evidence[:3])  # by one of the three closest sentences
    if ROLE_OF.match(question) and not kind_given:
        return "the question asks who holds a title that none of the closest sentences gives anyone", None
    if kind in STRICT_TYPES and not kind_given:
        return f"the question asks for {_KIND_WORDS[kind]} and none of the closest sentences gives one", None
    if kind in STRICT_TYPES:
        # Judge the sentence the answer would quote (one giving a date for "when"), not a closer one giving
        # none: "When will the SEC release its findings?" is not answered by a September ruling.
        best = lead(question, evidence)
        # "job" in "What is Rowena White's job?" says what kind of answer is wanted: a sentence calling her
        # a director gives one without the word
        said_kind = kind_words(question)
        unmentioned = tuple(w for w in unmentioned if w not in said_kind)
    if unmentioned and best.dense < thresholds.unmentioned_dense:
        return "the articles never mention " + " or ".join(f"“{w}”" for w in unmentioned), None
    if followup and kind in STRICT_TYPES and len(terms(question)) <= 1:
        return None, None  # "For how long?", "In what year?": the earlier turn chose the passages, one gives it
    if best.dense >= thresholds.dense_alone or best.coverage >= thresholds.coverage_alone:
        return None, None
    if best.coverage >= thresholds.coverage and best.dense >= thresholds.dense:
        return None, None
    if (kind in _TELLING_KINDS and best.type_match and best.dense >= thresholds.dense_typed
            and best.coverage >= thresholds.coverage_typed):
        return None, None
    return (f"the closest sentence covers {best.coverage:.0%} of the question's terms "
            f"at similarity {best.dense:.2f}"), None


def compose(question: str, evidence: list[Evidence], thresholds: Thresholds = Thresholds(),
            unmentioned: tuple[str, ...] = (), *, followup: bool = False) -> Answer:
    """Word the answer for a question from its ranked evidence.

    Args:
        question: the cleaned question.
        evidence: passages best first, with their best sentence's signals (from `Retriever.search`).
        thresholds: the refusal rule's thresholds.
        unmentioned, followup: see `refusal`.

    Returns:
        An `Answer`: the best sentence quoted with `[1]`, agreeing and disagreeing articles cited
        beside it; or a refusal with the closest passages as suggestions.
    """
    confidence = max((e.sentence_score for e in evidence), default=0.0)
    why, said = _judge(question, evidence, thresholds, unmentioned, followup)
    if said:  # an article says the time is not known: quote it, and show it first
        others = tuple(e.passage for e in evidence if e is not said)
        text = f"The articles don't give that; one says: {quoted(said.passage.highlight)}"
        return Answer(question, text, refused=True, suggestions=(said.passage, *others[:2]),
                      confidence=round(confidence, 4), reason=why)
    declined = next((text for _, reason, text in _DECLINED if reason == why), None)
    if declined:  # no passage is "what you may mean" by an order or a request for advice
        return Answer(question, declined, refused=True, confidence=round(confidence, 4), reason=why)
    if why:
        return Answer(question, NOT_FOUND, refused=True, suggestions=tuple(e.passage for e in evidence[:3]),
                      confidence=round(confidence, 4), reason=why)
    first = lead(question, evidence)
    citations = [Citation(1, first.passage)]
    lead_sentence = " ".join(first.passage.highlight.split())  # one line, even across paragraphs
    agree, differ = [], []
    for other in evidence:
        if other.passage.doc_id in {c.passage.doc_id for c in citations}:
            continue
        sentence = other.passage.highlight.strip()
        if overlap(lead_sentence, sentence) < 0.5:
            continue
        citation = Citation(len(citations) + 1, other.passage)
        citations.append(citation)
        (differ if _differ(sentence, lead_sentence) else agree).append(citation)
    markers = "".join(f"[{c.number}]" for c in [citations[0], *agree])
    text = f"{lead_sentence} {markers}"
    for citation in differ:
        text += f" Another article differs: {' '.join(citation.quote.split())} [{citation.number}]"
    return Answer(question, text, tuple(citations), confidence=round(confidence, 4), reason="answered")


def lead(question: str, evidence: list[Evidence]) -> Evidence:
    """The evidence an answer quotes: the best-ranked of the first three, or of those giving the kind of
    answer asked for when one does.

    A "when" answer must hold a date (refusal checked that one does); "Who is the mayor?" is best
    answered by a sentence giving the title with the name, and "What did Gomes say?" by Gomes's words
    (quoted or reported, not someone else's: `Retriever`). The ranking already blends the sentence's
    evidence with the passage's fused rank: trust it. Choosing by sentence score alone was no better on
    the golden set and one answer worse on the held-out set.
    """
    candidates = evidence[:3]
    if question_type(question) in ANSWER_KINDS or IDENTITY.match(question):
        best = max(e.type_match for e in candidates) if candidates else 0.0  # a title given with the name
        candidates = [e for e in candidates if best and e.type_match == best] or candidates  # beats the name
    return candidates[0]


def _differ(sentence: str, other: str) -> bool:
    """True when two sentences saying much the same give numbers and neither holds all the other's.

    Example: "won by 251 votes" and "won by 270 votes" differ; "ahead of September's primary" and "the
    results of a Sept. 12 primary" do not: the second only adds a number.
    """
    mine, theirs = _numbers(sentence), _numbers(other)
    return bool(mine and theirs) and not (mine <= theirs or theirs <= mine)


def _numbers(sentence: str) -> set[str]:
    return set(re.findall(r"\d[\d,.]*\d|\d", sentence))
