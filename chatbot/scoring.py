"""Scoring: pure functions that judge how well a sentence answers a question.

Three kinds of evidence, each explainable on its own:
- meaning: cosine similarity of question and sentence vectors (from the bi-encoder);
- coverage: the share of the question's content terms, weighted by IDF, that the sentence (or, at half
  credit, its neighbouring sentences) contains;
- answer type, read from the question's first wh-phrase: a "when" question wants a date or time,
  "how many" a number, "how long" a duration (said of whom "how long has X ..." names), "how old" an
  age, "who" (or "which station / agency") a name the question does not already contain (for "who",
  not the outlet a sentence is attributed to: "according to The Associated Press"), "what did she
  say" a quotation (a sentence about the speaker that quotes nothing is not what she said),
  "what party / what job / which college / is she married" a party, job, education or family said of
  the person asked about ("Republican David Herz" says nothing of the candidate named after him; a
  role, position or job title asked of someone may also be a title given with their name, which the
  retrieval reads with the article's people),
  "what penalty / has anyone been charged" a penalty or charge, "what is the name of the woman" a
  name given beside the noun asked about ("employee Jane Doe"), "where" a place the question does not
  already name ("outside the government center", "at his watch party", not "in Bridgeport" for
  "Where did the Bridgeport police chief speak?"), "what would happen if" a condition ("If Gomes
  wins, he would ..."), "why" a reason (a causal connective). All but person, quote, condition and
  reason are strict (`STRICT_TYPES`): an answer without one cannot be right. "How many votes" wants
  a number followed by "votes" within four words, not any number, and not a margin ("won by 251
  votes") unless the margin is asked; "how many more" a number of more ("1,000 more voters") or a
  margin; "what was his margin of victory" wants a margin ("by 251", "251 votes"); "what percentage"
  a share ("12%"); "how much did it cost" wants an amount of money; "what year" a year, "what time" a
  time of day, "what date" a day of the calendar or week (not "today"). "Who is the mayor?"
  (`IDENTITY`) wants the sentence that gives the title with the name, which the retrieval reads with
  the article's people (`people.py`).

What it leaves out: retrieval (which sentences to score) and the final wording (`answer.py`).
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from .lexical import STOPWORDS, stem, terms, words

__all__ = ["ANSWER_KINDS", "IDENTITY", "ROLE_OF", "STRICT_TYPES", "YEAR", "question_type", "question_words",
           "coverage", "type_match", "kind_words", "names", "name_spans", "named_noun", "sentence_score", "shape",
           "overlap", "WEIGHTS"]

WEIGHTS = {"dense": 0.55, "coverage": 0.35, "type": 0.10}

_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
           "jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec")
_DATE = re.compile(rf"\b({_MONTHS})\.?\b|\b(19|20)\d\d\b|\b(monday|tuesday|wednesday|thursday|friday|"
                   r"saturday|sunday|yesterday|today|tomorrow|week|month|year|morning|evening|night)\b", re.I)
_NUMBER = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
                     r"forty|fifty|hundred|thousand|million|dozen|first|second|third|fourth|fifth|eighth)\b", re.I)
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:[A-Z]\.\s*)?[A-Z][a-z]+)+")


_TIME = re.compile(r"\b\d{1,2}(:\d\d)?\s*(a\.m\.|p\.m\.|am\b|pm\b)|\b(hours?|minutes?|ago|noon|midnight|"
                   r"morning|afternoon|evening|night|earlier|later)\b", re.I)  # no \b after "p.m.": a dot ends no word
_DURATION = re.compile(r"\b(\d[\d,.]*|an?|one|two|three|four|five|six|seven|eight|nine|ten|few|several|many)\s+"
                       r"(seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)\b|"
                       r"\b(seconds|minutes|hours|days|weeks|months|years|decades)\b", re.I)
_AGE = re.compile(r"\b\d{1,3}(-year-old|\s+years?\s+old|-years-old)\b|\b(aged?|born)\b|[A-Z][a-z]+, \d{1,3},")
_QUOTE = re.compile(r'[“”"]')
_TENURE_ASKED = re.compile(r"\bhow long (has|have|had|did|was|were|is)\b", re.I)  # a person's time in a role or place
# "What year ...?" wants a year and "What time ...?" a time of day, not any date ("next week", "Tuesday").
# "On what exact date ...?" and "On what calendar date ...?" ask what "what date" does
_EXACT = r"(?:(?:exact|precise|specific|particular|calendar)\s+)?"
_THE = r"(?:\s+(?:is|was|were|are|will\s+be)\s+the|['’]s\s+the)?"  # "What was the date of ...?" asks "what date"
_YEAR_ASKED = re.compile(rf"\b(what|which){_THE}\s+{_EXACT}year\b", re.I)
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_CLOCK_ASKED = re.compile(rf"\bwhat{_THE}\s+{_EXACT}time\b", re.I)
# A time of day, for "What time ...?": "8 p.m.", "noon", "in the morning"; not "an hour after polls closed".
_CLOCK = re.compile(r"\b\d{1,2}(:\d\d)?\s*(a\.m\.|p\.m\.|am\b|pm\b|o'clock)|\b\d{1,2}:\d\d\b|"
                    r"\b(noon|midnight|morning|afternoon|evening|night|dawn|dusk)\b", re.I)
# "What date ...?" and "What day ...?" want a day: "Sept. 12", "12 September", "9/12", "Tuesday"; not "today",
# "this week" or "September's primary", which names the month only
_DAY_ASKED = re.compile(rf"\b(what|which){_THE}\s+{_EXACT}(date|day)\b", re.I)
_DAY = re.compile(rf"\b({_MONTHS})\.?\s+\d{{1,2}}\b|\b\d{{1,2}}(st|nd|rd|th)?\s+(of\s+)?({_MONTHS})\b"
                  r"|\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|\b\d{1,2}/\d{1,2}\b", re.I)
STRICT_TYPES = frozenset({"date", "number", "age", "duration", "party", "occupation", "education", "family",
                          "penalty", "name", "place"})
# The kinds a sentence must give to answer: the strict ones, someone's words for "What did X say?", a
# condition for "What would happen if ...?" and what someone can do for "Could the judge stop it?" (a
# question of another kind may take any sentence that answers it).
ANSWER_KINDS = STRICT_TYPES | {"quote", "condition", "ability"}
# The words a party, job, schooling, family or penalty is said with. The first four must be said of
# the person the question names, if it names one ("Republican David Herz", "Gomes, a former
# teacher"): an article names many people, and another's party is not theirs.
_PARTY = re.compile(r"\b(democrats?|democratic|republicans?|gop|independent|unaffiliated|libertarian|green party|"
                    r"working families|conservative party|party)\b", re.I)
_OCCUPATION = re.compile(r"\b(worked|works|working|work as|served as|serves as|employed|employee|employer|job|career|"
                         r"retired|formerly|former|profession|occupation|owner|owns|businessman|businesswoman|teacher|"
                         r"principal|lawyer|attorney|officer|official|administrator|director|manager|executive|"
                         r"engineer|nurse|doctor|professor|accountant|clerk|firefighter|police|pastor|reverend|"
                         r"consultant|staffer|aide|councilman|councilwoman|council member|commissioner|president|"
                         r"chairman|chairwoman|chair|founder|ceo)\b", re.I)
_EDUCATION = re.compile(r"\b(college|university|school|degree|graduat\w*|studied|studies|alumn\w*|educat\w*|"
                        r"diploma|majored|academy|institute)\b", re.I)
_FAMILY = re.compile(r"\b(married|marriage|wife|husband|spouse|widow\w*|divorced|children|child|kids|sons?|"
                     r"daughters?|family|mother|father|parents?|brother|sister|grand\w+)\b", re.I)
_SAID_OF = {"party": _PARTY, "occupation": _OCCUPATION, "education": _EDUCATION, "family": _FAMILY}
_PENALTY = re.compile(r"\b(fined?|fines|penalt(y|ies)|penalized|sentenced|jail|prison|probation|fired|suspended|"
                      r"suspension|disciplin\w*|arrest\w*|charged|charges|indicted|indictment|prosecut\w*|convicted|"
                      r"punish\w*|resigned|dismissed|terminated|on leave|censured|reprimand\w*)\b", re.I)
_NEAR = 6  # words from a name to a party or job said of it ("Gomes is running as an independent")
_POSSESSIVE = re.compile(r"['’]s?$")
_COUNTED = re.compile(r"\bhow many\s+(?:more\s+|fewer\s+|other\s+|different\s+|separate\s+)?(\w+)(?:\s+(\w+))?"
                      r"|\b(\w+)\s+(?:totals?|tall(?:y|ies)|counts?)\b", re.I)  # or "the vote totals"
_ANYONE = frozenset({"people", "persons", "individuals", "folks"})
_NUMBER_WORD = re.compile(r"^(\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                          r"dozens?|hundreds?|thousands?|millions?|twenty|thirty|forty|fifty|several|both)$")
# A count asked as a difference: "by how many votes", "won by how much", "what margin", "separated them".
_MARGIN_ASKED = re.compile(r"\bby how\b|\bby\W*$|\bmargin\b|\bseparat|\bdifference\b|\b(ahead|behind|trail\w*)\b|"
                           r"\b(won|win|wins|beat|beaten|defeated|lost|lose)\b.*\bby\b|\bhow (close|narrow)\b", re.I)
_MORE_ASKED = re.compile(r"\bhow (many|much) (more|fewer|less)\b", re.I)
_MORE = re.compile(r"\b(\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|dozens?|hundreds?|thousands?)\s+"
                   r"(more|fewer|less|additional|extra)\b", re.I)
_MARGIN_OF = re.compile(r"\bmargin\b", re.I)
_PERCENT_ASKED = re.compile(r"\b(percent|percentage|share of the vote)\b", re.I)
_PERCENT = re.compile(r"\d\s*%|\b\d[\d.]*\s*(percent|per cent)\b|\bpercentage points?\b"
                      r"|\b(half|third|quarter|majority)\b", re.I)
_MARGIN = re.compile(r"\bby\s+(about\s+|just\s+|only\s+|nearly\s+|more than\s+)?\d[\d,.]*|\b\d[\d,.]*\s*"
                     r"(votes?|points?|percent|%)|\bpercentage points?\b", re.I)
_MONEY_ASKED = re.compile(r"\bhow much\b.*\b(cost|costs|spend|spent|pay|paid|money|worth|price|fund|funds|budget|"
                          r"raise|raised|fine|fined|owe|owed)\b|\bhow much money\b", re.I)
# A place said in a sentence: "outside the government center", "at his watch party", "in Bridgeport",
# "into a drop box", "at City Hall" (not "at the end of the day", "at this point", "in September").
_PLACE_NOUN = (r"(box|boxes|center|centre|hall|office|offices|building|court|courthouse|courtroom|capitol|school|"
               r"church|park|street|avenue|road|station|headquarters|restaurant|hotel|home|house|stage|room|library|"
               r"city|town|state|country|county|district|neighborhood|ward|precinct|site|venue|lot|plaza|square|"
               r"campus|hospital|airport|prison|jail|party|polls|polling place|event|rally|club|bar|store|shop)")
_PLACE = re.compile(r"\b(outside|inside|near|nearby|beside|behind|across from|in front of|next to|located|"
                    r"headquartered|held at|held in)\b"
                    r"|\b[Aa]t\s+(his|her|their|its|a|an|the)\s+(?!(end|time|moment|least|most|start|beginning|same|"
                    r"outset|very)\b)[a-z]+"
                    rf"|\b(in|at|from|In|At|From)\s+(the\s+)?(?!(?i:{_MONTHS})\b)[A-Z][a-z]+"
                    rf"|\b(in|into|at|on|to|from|In|At|On)\s+((the|a|an|his|her|their|its|this|that)\s+)?"
                    rf"([\w-]+\s+){{0,2}}{_PLACE_NOUN}\b")
# An occasion says where someone did something ("Gomes discussed the video during an afternoon press
# conference" answers "Where did Gomes talk about the video?"), not where something is ("Where is her
# office?", "Where was the watch party held?": `_WHERE_IS`).
_OCCASION = re.compile(r"\b(at|during|in)\s+((the|a|an|his|her|their|its|this|that)\s+)?([\w-]+\s+){0,2}"
                       r"(conference|meeting|hearing|forum|debate|ceremony|gathering|vigil|speech|interview)\b", re.I)
_WHERE_IS = re.compile(r"\bwhere\s+(is|are|was|were|will)\b", re.I)
_MONEY = re.compile(r"\$\s?\d|\b\d[\d,.]*\s*(dollars|million|billion|thousand)\b|\bdollars\b", re.I)


# "Who is the mayor?", "Who was Rowena White?": answered by the sentence giving the title with the name.
# The group is who is asked about, up to a relative clause or a preposition ("the one that went to court").
# Not "Who is investigating ...?", which asks who does something.
IDENTITY = re.compile(r"\W*who\s*(?:is|was|are|were|'s)\s+(?!(?-i:[a-z]+ing)\b)(?:the\s+|an?\s+)?"
                      r"((?:(?!(?:who|that|which|whom|whose|in|at|on|for|with|to|from|by|during|after|before)\b)"
                      r"[\w'’.-]+\s*){1,4})", re.I)
# "Who is Connecticut's Secretary of the State?", "who is john gomes's campaign manager": whoever an
# article gives that title (the words after the possessive, up to a preposition), with a name.
ROLE_OF = re.compile(r"\W*who\s*(?:is|was|are|were|'s)\s+(?:the\s+)?(?:[\w.-]+\s+){0,2}[\w.-]+['’]s\s+"
                     r"((?:(?!(?:in|at|on|for|with|to|from|by|who|that|which)\b)[\w-]+\s*){1,4})[\w\s]*\??\s*$",
                     re.I)

_KINDS = (  # checked in this order when two start at the same word
    # "What is the name of the judge?", "What's the judge's name?", "judge name?"
    ("name", re.compile(r"\b(what|what's|whats)\b[\w\s'’]{0,12}\bname of\b"
                        r"|\b(what|what's|whats)\s+((is|was|are|were)\s+)?(the\s+)?[\w\s'’-]{1,40}?['’]s?\s+"
                        r"((full|first|last)\s+)?names?\b(?!\s+of)"
                        r"|^\W*(the\s+)?[\w'’-]+(\s+[\w'’-]+)?\s+names?\W*$")),
    ("party", re.compile(r"\b(what|which)\s+(political\s+)?part(y|ies)\b(?![\w\s'’]*\b(watch|victory|celebrat|"
                         r"held|hold|host|threw|throw|attend|night)\b)|\bparty affiliation\b"
                         r"|\b(under|on)\s+(what|which)\s+(party\s+)?(label|banner|line|ticket)\b"
                         r"|\b(is|was|are|were)\b[\w\s'’.-]{1,40}\ban?\s+(registered\s+)?(democrat|republican)\b")),
    ("occupation", re.compile(r"\b(what|which)\b[\w\s'’]*\b(job title|job|jobs|occupation|profession|"
                              r"line of work|for a living|career|role|position(?!\s+(on|about|regarding|towards?)\b))"
                              r"\b")),
    ("education", re.compile(r"\b(what|which|where|did|does|do|has|is|was)\b[\w\s'’]*\b(go|went|gone|attend\w*|"
                             r"graduat\w*|enroll\w*|stud(y|ied)|educated)\b[\w\s'’]{0,20}\b(college|university|"
                             r"school|academy)\b|\b(which|what) (college|university|school|law school)\b[\w\s'’]*"
                             r"\b(attend\w*|graduat\w*|go|went|stud\w*)\b|\bwhat degree\b|\balma mater\b")),
    ("family", re.compile(r"\b(is|was|are|does|did|has|have|what|who|how many)\b[\w\s'’]*\b(married|wife|"
                          r"husband|spouse|children|kids)\b")),
    ("penalty", re.compile(r"\b(what|which)\b[\w\s'’]*\b(penalty|penalties|punishment|disciplinary|discipline)\b"
                           r"|\b(has|have|had|was|were|is|are|will|did|does|do)\b[\w\s'’]*\b(charged|arrested|"
                           r"indicted|fined|fired|punished|disciplined|prosecuted|convicted|criminal(ly)? charges?|"
                           r"charges against|arrests?)\b")),
    ("age", re.compile(r"\bhow old\b|\bwhat age\b|\bwhat('s| is| was)\s+[\w\s'’]{0,40}?\bage\b")),
    ("duration", re.compile(r"\bhow (long|soon|quickly|fast)\b|\bfor how long\b|\bhow much time\b"
                            r"|\b(what|which)\s+(span|period|length|stretch|amount)\s+of\s+time\b")),
    ("date", re.compile(rf"\b(when|what{_THE} {_EXACT}(date|day|year|month|time)"
                        rf"|which {_EXACT}(date|day|year|month))\b")),
    # "How narrow was the margin?", "how large a jump in turnout": a size, given as a number
    ("number", re.compile(r"\bhow (many|much)\b|\bwhat ([\w-]+ )?(number|percentage|margin)\b|\bby how\b"
                          r"|\bhow (close|narrow|wide|big|large|small|tight|slim|thin|lopsided)\s+(an?|was|were|is|are)\b"
                          r"|\bwhat (was|is|were) [\w'’ ]{0,30}\bmargin\b"
                          r"|\bwhat (was|were|is|are) the (\w+ ){0,2}(totals?|tall(y|ies)|counts?)\b")),
    # "What would happen if ...?", and in a conversation "And if Ganim wins instead?"
    ("condition", re.compile(r"\bwhat\b[\w\s'’]*\bhappen\w*\b[\w\s'’,-]*\b(if|unless|should)\b|\bwhat if\b"
                             r"|^\W*(and|but|so)?\s*if\b")),
    # whether someone can do something: "Could the judge stop the election?", "Does her office have the power
    # to investigate?" (not "Can you recommend ...?", a request)
    ("ability", re.compile(r"^\W*(and\s+|so\s+|but\s+)?(can|could|cannot|can't|couldn't)\s+(?!(you|u|i|we)\b)"
                           r"|\b(is|are|was|were)\s+[\w\s'’]{1,40}\b(able|allowed|permitted|empowered)\s+to\b"
                           r"|\b(does|do|did)\s+[\w\s'’]{1,40}\bhave\s+(the\s+)?(power|authority|jurisdiction|"
                           r"right)\b")),
    ("person", re.compile(r"\b(who|whom|whose)\b"
                          r"|\bwhich (judge|person|candidate|lawyer|attorney|official|man|woman)\b"
                          r"|\b(which|what)\s+((?!(?:is|was|are|were|has|have|had|did|does|do|will|would|could|can|"
                          r"should|her|his|their|its|my|our|your|the|this|that)\b)[\w-]+\s+){0,2}(station|outlet|"
                          r"newspaper|paper|network|service|agency|body|commission|office|court|organi[sz]ation|group|"
                          r"firm|company|department)\b")),
    ("quote", re.compile(r"\b(what|how)\b.*\b(say|said|says|tell|told|declare|declared|announce|announced|claim|"
                         r"claimed|write|wrote|describe|described|call|called|promise|promised|pledge|pledged|vow|vowed|"
                         r"think|thinks|blame|blames|characterize|characterized|characterise|characterised)\b"
                         r"|\baccording to\b(?!\s+(which|what|whom|who)\b)")),
    ("place", re.compile(r"\bwhere\b")),
    ("reason", re.compile(r"\b(why|reason)\b")),
)


_SOURCE = re.compile(r"\W*according to [^,?]{1,60},\s*")


def question_type(question: str) -> str:
    """The kind of answer a question wants: date, age, duration, number, person, quote, place, condition,
    ability, reason, one of the other `STRICT_TYPES`, or other.

    The question's first wh-phrase decides: "What did Ganim declare when he won?" wants what he
    declared (a quote), not a date; "Why did the judge say who won?" wants a reason.

    Example: "How many votes separated them?" -> "number"; "How long could it take?" -> "duration";
    "Who nominated him?" -> "person"; "What did Gomes say would continue?" -> "quote".
    """
    return _asked_kind(question)[0]


def kind_words(question: str) -> tuple[str, ...]:
    """The words of the question that say what kind of answer it wants, not what it is about.

    Example: "What does Bill Bloss do for a living?" -> ("what", "does", "bill", "bloss", "do", "for", "a",
    "living"); "When was Gomes born?" -> ("when",).
    """
    return tuple(words(_asked_kind(question)[1]))


@lru_cache(maxsize=256)
def _asked_kind(question: str) -> tuple[str, str]:
    """`question_type`'s kind, with the words of the question that said it."""
    q = question.lower()
    source = _SOURCE.match(q)  # "According to the mayor, how many ...?" asks how many, not for a quote
    if source and (found := _asked_kind(q[source.end():]))[0] != "other":
        return found
    found = [(match.start(), order, kind, match.group()) for order, (kind, pattern) in enumerate(_KINDS)
             if (match := pattern.search(q))]
    return min(found)[2:] if found else ("other", "")


def names(text: str) -> list[str]:
    """Runs of two or more capitalised words, less a capitalised function word that starts a sentence.

    Example: "Judge William Clark tossed it" -> ["Judge William Clark"]; "In Connecticut, it is." -> [].
    """
    return [name for _, _, name in name_spans(text) if name]


def name_spans(text: str) -> list[tuple[int, int, str | None]]:
    """Each run of two or more capitalised words: where it is, and the name it holds (as `names`
    gives it), or None when it is a capitalised function word and one word more ("In Connecticut")."""
    found = []
    for match in _NAME.finditer(text):
        run = match.group().split()
        while run and run[0].lower() in STOPWORDS:
            run = run[1:]
        found.append((match.start(), match.end(), " ".join(run) if len(run) > 1 else None))
    return found


def type_match(kind: str, sentence: str, question: str) -> float:
    """1.0 when the sentence holds the kind of thing the question asks for, else 0.0."""
    if kind == "date":
        if _YEAR_ASKED.search(question):
            return 1.0 if YEAR.search(sentence) else 0.0
        if _CLOCK_ASKED.search(question):
            return 1.0 if _CLOCK.search(sentence) else 0.0
        if _DAY_ASKED.search(question):
            return 1.0 if _DAY.search(sentence) else 0.0
        return 1.0 if _DATE.search(sentence) or _TIME.search(sentence) else 0.0
    if kind == "age":
        return 1.0 if _AGE.search(sentence) else 0.0
    if kind == "duration":
        if _TENURE_ASKED.search(question):  # "How long has Rowena White worked there?": a time said of her
            return 1.0 if _said_of(_DURATION, sentence, question) else 0.0
        return 1.0 if _DURATION.search(sentence) else 0.0
    if kind == "number":
        if _MONEY_ASKED.search(question):
            return 1.0 if _MONEY.search(sentence) else 0.0
        if _MORE_ASKED.search(question):  # "How many more voters came out?": "1,000 more", or a margin "by 251"
            return 1.0 if _MORE.search(sentence) or _MARGIN.search(sentence) else 0.0
        counted = _counted(question)
        if counted:
            return 1.0 if _counts(sentence, counted, margins=bool(_MARGIN_ASKED.search(question))) else 0.0
        if _MARGIN_OF.search(question):  # "What was his margin of victory?": won by how much, not any number
            return 1.0 if _MARGIN.search(sentence) else 0.0
        if _PERCENT_ASKED.search(question):  # "What percentage of the vote did Herz get?": a share, not a count
            return 1.0 if _PERCENT.search(sentence) else 0.0
        return 1.0 if _NUMBER.search(sentence) else 0.0
    if kind == "person":
        asked = question_words(question)
        if _WHO.match(question):  # "Who won?" is not answered by the outlet a sentence is attributed to
            sentence = _CITED.sub("", sentence)
        return 1.0 if any(words(n)[-1] not in asked for n in names(sentence)) else 0.0  # "Joe Ganim" is Ganim
    if kind == "quote":
        return 1.0 if _QUOTE.search(sentence) else 0.0
    if kind in _SAID_OF:
        return 1.0 if _said_of(_SAID_OF[kind], sentence, question) else 0.0
    if kind == "penalty":
        return 1.0 if _PENALTY.search(sentence) else 0.0
    if kind == "name":
        return 1.0 if _names_the(sentence, question) else 0.0
    if kind == "place":
        return 1.0 if _new_place(sentence, question) else 0.0
    if kind == "condition":  # "What would happen if Gomes won?": "If Gomes wins, he would withdraw the complaint."
        return 1.0 if re.search(r"\b(if|unless|in the event|otherwise)\b", sentence, re.I) else 0.0
    if kind == "ability":  # "The judge has no authority to halt an election", "does not have jurisdiction"
        return 1.0 if _ABILITY.search(sentence) else 0.0
    if kind == "reason":
        return 1.0 if _REASON.search(sentence) and not _REASON_BEFORE.match(sentence) else 0.0
    return 0.0


# What someone can or cannot do, said in a sentence.
_ABILITY = re.compile(r"\b(authority|power|powers|jurisdiction|unable|able to|cannot|can't|can not|could not|"
                      r"couldn't|allowed|permitted|barred|prohibited|forbidden|empowered)\b|\bonly\b[^.]{0,60}\bcan\b",
                      re.I)


# A reason said in a sentence: a causal connective ("because", ", so", "so mishandled ... that",
# "such that") or the word itself ("the reason was"). Not a sentence pointing back at a reason said
# before it: "And that was certainly a substantial reason why the judge ruled" says no reason.
_REASON = re.compile(r"\b(because|after|since|due to|so that|in order to|as a result|therefore|thus|led to|"
                     r"caused|such that|reasons?)\b|,\s*so\b|\bso\s+\w+\b[^.;]*\bthat\b", re.I)
_REASON_BEFORE = re.compile(r"\W*((and|but|so)\s+)?(that|this|it|which)\s+(was|is|were|are)\b(?![^.;]*\b(because|"
                            r"due to|since|so that)\b)", re.I)
_WHO = re.compile(r"\W*(who|whom)\b", re.I)
_CITED = re.compile(r"\baccording to\s+(the\s+)?([A-Z][\w.-]*\s*)+")


def _new_place(sentence: str, question: str) -> bool:
    """True when the sentence says a place the question does not already name.

    Example: "Where did the Bridgeport police chief speak?", "Police in Bridgeport said ..." -> False;
    "Where was the box?", "... a ballot box outside the government center." -> True; "Where did
    Gomes talk about the video?", "Gomes discussed it during an afternoon press conference." -> True.
    """
    asked = set(question_words(question))
    if not _WHERE_IS.search(question) and _OCCASION.search(sentence):
        return True
    for match in _PLACE.finditer(sentence):
        said = sentence[match.start():match.end() + (40 if match.group(1) else 0)]  # "outside" and what follows
        if {w for w in words(said) if w not in STOPWORDS and w not in _SPATIAL} - asked:
            return True
    return False


_SPATIAL = frozenset({"outside", "inside", "near", "nearby", "beside", "behind", "across", "front", "next", "located",
                      "headquartered", "held"})


def _said_of(pattern: re.Pattern, sentence: str, question: str) -> bool:
    """True when `pattern` occurs in the sentence said of whom the question names (its capitalised
    words; in a lower-case question, its words the sentence capitalises), or anywhere when it names nobody.

    Said of a person: before their name ("Democratic Mayor Joe Ganim"), or within `_NEAR` words after
    it ("Ganim is on the Democratic line", "Gomes, a former teacher"), unless another name follows the
    word ("his attorney William Bloss" says nothing of Gomes's job).

    Example: "What party is Lamond Daniels?", "Republican David Herz and petitioning candidate Lamond
    Daniels." -> False; "What party is Ganim?", "Ganim is on the Democratic line." -> True.
    """
    tokens = [_POSSESSIVE.sub("", t) for t in re.findall(r"[\w'’.-]+", sentence)]
    asked = [_POSSESSIVE.sub("", w) for w in re.findall(r"[\w'’.-]+", question)[1:] if w[:1].isupper()]
    named = {w.lower().strip(".") for w in asked} - STOPWORDS
    if not named:
        named = {t.lower() for t in tokens if t[:1].isupper()} & set(question_words(question)) - STOPWORDS
    if not named:
        return bool(pattern.search(sentence))
    at = [i for i, t in enumerate(tokens) if t.lower().strip(".") in named]
    for match in pattern.finditer(sentence):
        position = len(re.findall(r"[\w'’.-]+", sentence[:match.start()])) + len(match.group().split()) - 1
        following = list(itertools.takewhile(lambda t: t[:1].isupper(), tokens[position + 1:position + 5]))
        if following:
            if any(t.lower().strip(".") in named for t in following):
                return True
        elif any(0 < position - i <= _NEAR for i in at):
            return True
    return False


# Nouns for people, whose name an article gives beside them ("employee Jane Doe"), unlike a thing's.
_PERSON_NOUN = re.compile(r"^(man|woman|men|women|person|people|girl|boy|child|wife|husband|son|daughter|mother|father|"
                          r"official|clerk|judge|staff|aide|chief|candidate|victim|spokesperson|spokeswoman|spokesman|"
                          r"\w+(er|or|ist|ee|ian|ant|ent))$")
_PHRASE_END = re.compile(r"\b(who|whom|that|which|in|on|at|for|of|from|with|by|to|during|after|before|seen|shown|"
                         r"caught|heard|named|called|known|filmed|recorded|involved|accused|\w+ed)\b")


# The noun phrase before "name" in "What's the judge's name?" and "judge name?".
_NAME_AFTER = re.compile(r"^\W*(?:(?:what|what's|whats)\s+(?:(?:is|was|are|were)\s+)?)?(?:the\s+)?"
                         r"([\w\s'’-]{1,40}?)(?:['’]s?|s)?\s+(?:(?:full|first|last)\s+)?names?\W*$", re.I)


def named_noun(question: str) -> list[str]:
    """The words of the noun phrase whose name "What is the name of ...?" asks for, its head last.

    Example: "What is the name of the woman seen in the video?" -> ["woman"]; "... of Bridgeport's
    incumbent mayor?" -> ["bridgeport", "incumbent", "mayor"]; "Who won?" -> [].
    """
    after = re.split(r"\bname of\s+(?:the\s+|an?\s+|this\s+|that\s+)?", question, maxsplit=1, flags=re.I)
    phrase = _PHRASE_END.split(after[-1].lower(), maxsplit=1)[0] if len(after) > 1 else ""
    if not phrase and (before := _NAME_AFTER.search(question)):  # "What's the judge's name?", "judge name?"
        phrase = before.group(1).lower()
    return [w for w in words(phrase) if w not in STOPWORDS]


def _names_the(sentence: str, question: str) -> bool:
    """For "What is the name of the X?": the sentence gives a name with X ("employee Jane Doe", "the
    Election Day Hotline", "Jane Doe, a city employee,"), a name the question does not already hold.

    Example: "What is the name of the woman seen in the video?", "We blurred the face of the woman." -> False.
    """
    head = (named_noun(question) or [""])[-1]
    asked = set(question_words(question))
    if not _PERSON_NOUN.match(head):  # the name of a station or a hotline: any new capitalised word may be it
        return any(w[:1].isupper() and w.lower() not in asked for w in re.findall(r"[\w-]+", sentence)[1:])
    for match in _NAME.finditer(sentence):
        run = [w.lower() for w in match.group().split()]
        if set(run) <= asked:
            continue
        before = sentence[max(0, match.start() - 40):match.start()].lower()
        after_run = sentence[match.end():match.end() + 40].lower()
        if (stem(head) in {stem(w) for w in run} or re.search(rf"\b{re.escape(head)}(\s+of(\s+the)?)?\W*$", before)
                or re.match(rf"\s*,\s*(an?\s+|the\s+)?([\w-]+\s+){{0,3}}{re.escape(head)}\b", after_run)):
            return True
    return False


@lru_cache(maxsize=256)
def question_words(question: str) -> tuple[str, ...]:
    """The question's words, read once per question rather than once per passage or sentence scored."""
    return tuple(words(question))


@lru_cache(maxsize=256)
def _counted(question: str) -> frozenset[str]:
    """The stems of what a "how many" question counts: "How many absentee ballots were..." -> {"absente", "ballot"};
    "What were the vote totals?" -> {"vote"}."""
    match = _COUNTED.search(question)
    if not match or (match.group(1) or "").lower() in _ANYONE:  # "how many people" are counted as voters too
        return frozenset()
    return frozenset(stem(w) for w in words(" ".join(g for g in match.groups() if g)) if w not in STOPWORDS)


_NOT_COUNTED_ACROSS = frozenset({"into", "in", "on", "at", "from", "to", "for", "by", "with", "after", "before"})


def _counts(sentence: str, counted: set[str], window: int = 4, *, margins: bool = True) -> bool:
    """True when a number in `sentence` is followed within `window` words by one of the counted stems.

    A number after "by" is a margin ("won by 251 votes"): it counts only when `margins` is true,
    since "How many votes did he get?" asks for a total that a margin does not give.

    Example: counted {"vote"}: "Ganim won by 251 votes." -> True (False without margins);
    "the Sept. 12 primary" -> False; counted {"ballot"}: "several drops into an absentee ballot box"
    -> False (the count is of drops: a preposition ends what a number counts).
    """
    tokens = words(sentence)
    stems = [stem(t) for t in tokens]
    for position, token in enumerate(tokens):
        if not margins and position and tokens[position - 1] == "by":
            continue
        if not _NUMBER_WORD.match(token):
            continue
        following = stems[position + 1:position + 1 + window]
        # "several absentee ballots", "dozens of ballots"; not "several drops into an absentee ballot box"
        following = list(itertools.takewhile(lambda t: t not in _NOT_COUNTED_ACROSS, following))
        if counted & set(following):
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
            "Ganim won." in an article about Mayor Joe Ganim), the name of whom its opening "he" or
            "she" is, its article's month and year.

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


_PARTICULAR = re.compile(r"(?<=\S)\s+[\"“‘'(]?[A-Z][\w’'-]*|\S*\d\S*")


def shape(sentence: str) -> str:
    """The sentence without its particulars: the capitalised words after its first one, and numbers.

    Two sentences of the same shape make one statement about different people, places or amounts
    (a template filled in a hundred articles). Example: "A recount in the Shelton race confirmed
    Yolanda Sanchez's victory on Saturday." -> "A recount in the race confirmed victory on."
    """
    return " ".join(_PARTICULAR.sub("", sentence).split())


def overlap(first: str, second: str) -> float:
    """Share of the shorter sentence's terms that the other sentence has too, in [0, 1].

    Example: "Billy Cox said cameras caught a sedan." and "Kevin Tran said cameras caught a sedan."
    share camera, caught and sedan of five terms each ("said" is a stopword) -> 0.6.
    """
    a, b = set(terms(first)), set(terms(second))
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))
