"""People: who is who in an article, and whom a quotation is attributed to.

News copy names a person once with a title ("Superior Court Judge William Clark", "challenger John
Gomes") and then by surname or pronoun, while questions often use the title alone ("What did the
judge say ...?"). Rule-based readings, cheap enough to run on an article at query time:
- `People.of(text)`: the article's people (names given a title, or quoted: "Clark said") and
  its titles, each mapped to the names it is given ("judge" -> {"william", "clark"});
- `People.meant(words)`: whom a question's words refer to, by name or by title;
- `People.attributed(sentence, before)`: whom a quotation is attributed to ("..., Clark said in
  his ruling." -> Clark; "..., he said." -> whoever the sentence before names);
- `People.reported(sentence, before)`: whom a sentence reports as saying something ("Clark said
  the ..."; "He went on to say ..." -> whoever the sentence before has speaking);
- `People.named(sentence)`: the article's people a sentence names, by surname too ("Ganim claims he
  has won" answers "Who won?", which a sentence naming nobody but "He" does not);
- `People.last_named(text)`: whom a text names last, by name or title, which is whom a "he" or
  "she" opening the next sentence is;
- `People.introduces(sentence, words)`: whether a sentence gives a title with a name, which is how
  "Who is the judge?" and "Who is Rowena White?" are answered;
- `People.titles_named(words, sentence_words)`: the question's titles whose holder a sentence names;
- `titled(text)` and `People.inherit(holders, text)`: titles read across articles, given to the
  people an article names in full but never titles itself.

What it leaves out: appositions ("Jordan Hunter, the judge, said"), pronouns beyond the sentence
before, and people named by one word only (a title is read only before a first and last name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lexical import STOPWORDS

__all__ = ["People", "speakers", "titled"]

# A title and the first and last name it precedes: capitalised words ("Democratic Mayor Joe Ganim",
# "Secretary of the State Stephanie Thomas", "Gov. Ned Lamont"), or one lower-case word shaped like a
# person's role ("challenger", "lawyer", "attorney", "candidate", "judge") right before the name.
_TITLED = re.compile(r"(?:\b([a-z]+(?:er|or|ist|ant|ent|ian|ary|ive|ee|ey|ate|judge|chief)) )?"
                     r"((?:(?:[A-Z][a-z]{1,3}\.|[A-Z][a-z]+)(?: of the| of)? )*[A-Z][a-z]+ [A-Z][a-z]+)\b")
# A name a statement is attributed to: "Clark said", "said lawyer Bill Bloss", "according to Thomas",
# "The Gomes campaign said" (a campaign or office speaks for the person it is named after).
_SAID = re.compile(r"\b([A-Z][a-z]+)(?:['’]s)?(?: campaign| camp| office)?,? "
                   r"(?:said|says|wrote|writes|told|added)\b|"
                   r"\b(?:said|says|wrote|told|added|[Aa]ccording to) (?:[a-z]+ )?(?:[A-Z][a-z]+ )?([A-Z][a-z]+)\b")
# Abbreviated titles, read as the word a question uses: "Gov. Ned Lamont" is the governor. Longer than
# the lexical analyzer's list: read only inside a title run, "Dr." or "Gen." cannot be another word.
_SHORT = {"gov": "governor", "sen": "senator", "rep": "representative", "atty": "attorney", "lt": "lieutenant",
          "sgt": "sergeant", "capt": "captain", "det": "detective", "supt": "superintendent", "pres": "president",
          "sec": "secretary", "dr": "doctor", "gen": "general", "col": "colonel", "insp": "inspector"}
_QUOTED = re.compile(r"“[^”]*(?:”|$)|\"[^\"]*(?:\"|$)")
_CAPITALISED = re.compile(r"\b[A-Z][A-Za-z]+")
# A sentence whose subject, a pronoun, says something: "He went on to say that ...", "She added that ...".
_PRONOUN_SAYS = re.compile(r"\s*(he|she)\s+(\w+\s+){0,3}?(said|says|say|told|tells|added|adds|wrote|noted|argued|"
                           r"claimed|stated|insisted|vowed|promised)\b", re.I)
_SAYING = re.compile(r",\s+(saying|adding|telling|noting|arguing|claiming)\b")


def speakers(sentence: str) -> set[str]:
    """Lower-cased capitalised words outside the sentence's quotations: whom its quotation is attributed to.

    Example: '“The videos don’t lie,” said lawyer Bill Bloss.' -> {"bill", "bloss"}; '“Yes,” he said.' -> set().
    """
    return {w.lower() for w in _CAPITALISED.findall(_QUOTED.sub(" ", sentence))} - STOPWORDS


def _title_and_name(match: re.Match) -> tuple[set[str], tuple[str, str]]:
    """The lower-cased title words and (first, last) name of a `_TITLED` match."""
    run = match.group(2).replace(".", "").split()
    titles = {_SHORT.get(w.lower(), w.lower()) for w in run[:-2]} | {match.group(1) or ""}
    return titles - STOPWORDS - {""}, (run[-2].lower(), run[-1].lower())


def _said_names(text: str) -> set[str]:
    """Lower-cased names an attribution verb gives as saying something: "Clark said" -> {"clark"}."""
    return {name.lower() for match in _SAID.finditer(text) for name in match.groups() if name}


def titled(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """(title word, lower-cased first and last name) for each title the text gives a person.

    Example: "Democratic Mayor Joe Ganim won." -> [("democratic", ("joe", "ganim")), ("mayor", ("joe", "ganim"))].
    """
    lower = set(re.findall(r"\b[a-z]+\b", text))
    found = []
    for match in _TITLED.finditer(text):
        title_words, person = _title_and_name(match)
        if set(person) & lower:  # "Election Day" is not a person: "day" is also written in lower case
            continue
        found += [(title, person) for title in sorted(title_words)]
    return found


@dataclass(frozen=True)
class People:
    """The people of one article.

    Attributes:
        persons: lower-cased names of people: given a title, or said to have said something.
        titles: lower-cased title word -> the lower-cased first and last names it is given.
    """

    persons: frozenset[str] = frozenset()
    titles: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str) -> "People":
        """Read the names and titles of an article's text.

        Example: "Superior Court Judge William Clark ruled. The judge said ..." ->
        titles {"superior": {"william", "clark"}, "court": ..., "judge": {"william", "clark"}}.
        """
        lower = set(re.findall(r"\b[a-z]+\b", text))
        titles: dict[str, set[str]] = {}
        for title, person in titled(text):
            titles.setdefault(title, set()).update(person)
        said = _said_names(text)
        persons = {name for holders in titles.values() for name in holders} | (said - STOPWORDS - lower)
        return cls(frozenset(persons), {t: frozenset(p) for t, p in titles.items()})

    def inherit(self, holders: dict[str, set[tuple[str, ...]]], text: str) -> "People":
        """These people with the titles other articles give them: each title of `holders` that this
        article gives nobody, given to the holders whose full name `text` (this article's) writes.

        Example: "Joe Ganim won." with {"mayor": {("joe", "ganim"), ("ann", "lee")}} -> "mayor" is Joe Ganim.
        """
        lowered = " ".join(text.lower().split())
        titles = {t: set(names) for t, names in self.titles.items()}
        for title, people in holders.items():
            if title not in titles:
                found = {w for person in people if " ".join(person) in lowered for w in person}
                if found:
                    titles[title] = found
        inherited = {w for t, names in titles.items() if t not in self.titles for w in names}
        return People(self.persons | inherited, {t: frozenset(names) for t, names in titles.items()})

    def meant(self, words) -> set[str]:
        """The people that `words` refer to: by name, or by a title they hold.

        Example: ["what", "did", "the", "judge", "say"] -> {"william", "clark"}.
        """
        found = {w for w in words if w in self.persons}
        for w in words:
            found |= self.titles.get(w, frozenset())
        return found

    def named(self, sentence: str) -> set[str]:
        """The article's people that the sentence names, by any one of their capitalised names.

        Example: "Ganim claims he has also won." -> {"ganim"}; "He won." -> set().
        """
        return {w.lower() for w in _CAPITALISED.findall(sentence)} & self.persons

    def last_named(self, text: str) -> set[str]:
        """Whom the text names last, by a name or a title: whom a "he" or "she" opening the next sentence is.

        Example: "The Secretary of the State cites bad actors." -> {"stephanie", "thomas"};
        "Clark ruled after Gomes sued." -> {"gomes"}; "It rained." -> set().
        """
        for word in reversed(re.findall(r"[A-Za-z]+", text)):
            lower = word.lower()
            if word[0].isupper() and lower in self.persons:
                return {lower}
            if lower in self.titles:
                return set(self.titles[lower])
        return set()

    def attributed(self, sentence: str, before: str = "", earlier: str = "") -> set[str]:
        """Whom the sentence's quotation is attributed to, by name and by title; `before` answers "he said",
        and `earlier`, the sentence before it, when `before` names nobody either.

        Example: '“It is shocking,” the judge wrote.' -> {"judge", "william", "clark"};
        '“It is,” he said.' -> whoever `before` names; '“And that was a reason,”' after '“The videos
        showed misconduct,” he said.' after '“The videos don't lie,” said lawyer Bill Bloss.' -> Bloss.
        """
        said_by = self._named_outside(sentence) or self._named_outside(before) or self._named_outside(earlier)
        return said_by | self.meant(said_by)

    def reported(self, sentence: str, before: str = "") -> set[str]:
        """The lower-cased names the sentence reports as saying something, outside any quotation;
        `before`, the text before it, answers "He went on to say ..." (whoever it last has speaking).

        Example: "Ganim said he is looking forward to the next four years." -> {"ganim"};
        "Ganim urged his supporters to vote." -> set(); "He went on to say that ..." after
        '"We are not defeated," Gomes said.' -> {"gomes"}.
        """
        quoted_out = _QUOTED.sub(" ", sentence)
        said = _said_names(quoted_out)
        saying = _SAYING.search(quoted_out)  # "Gomes discussed the video, saying ...": the subject says it
        if saying and (subject := _CAPITALISED.search(quoted_out[:saying.start()])):
            said.add(subject.group().lower())
        if before and _PRONOUN_SAYS.match(quoted_out):  # "He went on to say ...": whoever spoke last before
            spoke = list(_SAID.finditer(_QUOTED.sub(" ", before)))
            said |= {name.lower() for name in spoke[-1].groups() if name} if spoke else set()
        return said - STOPWORDS

    def said_by(self, sentence: str, before: str = "") -> set[str]:
        """Who the sentence gives as saying what it says: the names it reports as saying something,
        and when it quotes, the people the quotation is attributed to (`attributed`).

        Example: "Ganim said about 1,000 more voters came out." -> {"ganim"}; "Ganim won." -> set().
        """
        said = self.reported(sentence)
        if _QUOTED.search(sentence):
            said |= self.attributed(sentence, before)
        return said

    def _named_outside(self, sentence: str) -> set[str]:
        """Who the words outside the quotation name: the attribution ("said lawyer Bill Bloss") when
        there is one, so "..., who represented Gomes" does not make Gomes the speaker."""
        outside = _QUOTED.sub(" ", sentence)
        attributions = [m.group() for m in _SAID.finditer(outside)]
        if not attributions and not outside.strip(" ,.;:–—-"):  # all quotation: "... lawyer Bill Bloss said, ..."
            attributions = [m.group() for m in _SAID.finditer(sentence)]
        if attributions:
            outside = " ".join(attributions)
        return speakers(outside) | {w for w in re.findall(r"\b[a-z]+\b", outside) if w in self.titles}

    def introduces(self, sentence: str, words) -> bool:
        """True when the sentence gives a title with a name, and `words` hold either one.

        Answers "Who is the incumbent mayor?" and "Who is Rowena White?" alike: the sentence that
        says "Incumbent Joe Ganim ...", "... Communications Director Rowena White said."

        Example: words ["who", "is", "the", "mayor"], "Democratic Mayor Joe Ganim won." -> True.
        """
        asked = set(words)
        return any(set().union(*_title_and_name(match)) & asked for match in _TITLED.finditer(sentence))

    def titles_named(self, words, sentence_words) -> list[str]:
        """The title words among `words` whose holder the sentence names.

        Example: question words ["did", "the", "mayor", "win"], sentence "Ganim won." -> ["mayor"].
        """
        present = set(sentence_words)
        return [w for w in words if self.titles.get(w, frozenset()) & present]
