"""Pure parts of retrieval: how far the answering span reaches, repeated statements ranked last, and
the exact nearest-chunk search."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import FakeEmbedder, seeded_archive

from chatbot.lexical import terms
from chatbot.retrieval import Evidence, Passage, _chosen, _distinct_first, _fuse, _nearest, _through_colon, _when
from chatbot.scoring import shape
from chatbot.store import StoredChunk


def chunk(text: str, start: int = 100) -> StoredChunk:
    first = text.index(":") + 1 if ":" in text else text.index(".") + 1
    sentences = ((start, start + first), (start + first + 2, start + len(text)))
    return StoredChunk("d:1", "d", 0, start, start + len(text), text, sentences)


def test_a_sentence_ending_in_a_colon_takes_the_next_one_with_it():
    c = chunk("He released this statement:\n\n“I do not condone it.”")
    assert _through_colon(c, *c.sentences[0]) == c.sentences[1][1]


def test_other_sentences_and_the_last_one_stay_alone():
    c = chunk("He spoke. Then he left.")
    assert _through_colon(c, *c.sentences[0]) == c.sentences[0][1]
    assert _through_colon(c, *c.sentences[1]) == c.sentences[1][1]


def ranked(*sentences: str) -> list[tuple[float, Evidence]]:
    """Passages that are each one sentence, scored 1.0, 0.9, ... in the order given."""
    results = []
    for n, sentence in enumerate(sentences):
        passage = Passage(sentence, 0.0, f"d{n}", "t", None, 0, len(sentence), 0, len(sentence), f"d{n}:0")
        results.append((1.0 - n / 10, Evidence(passage, 0.5, 0.5, 0.0, 0.5)))
    return results


def test_a_statement_repeated_by_another_article_moves_behind_the_distinct_ones():
    order = _distinct_first(ranked("Cox said cameras caught a sedan.", "Tran said cameras caught a sedan.",
                                   "The Gomes campaign released the video.", "Ganim won the primary."))
    assert [e.passage.doc_id for _, e in order] == ["d0", "d2", "d3", "d1"]
    assert [score for score, _ in order] == [1.0, 0.8, 0.7, 0.45]


def test_one_template_filled_with_other_names_and_numbers_is_a_repeated_statement():
    order = _distinct_first(ranked("A recount in the Shelton race confirmed Yolanda Sanchez's narrow victory on Saturday.",
                                   "A recount in the Putnam race confirmed Kathryn Nakamura's narrow victory on Friday.",
                                   "Officials said 12 ballots were counted by 9 p.m.",
                                   "Officials said 30 ballots were counted by 11 p.m.",
                                   "Ganim defeated Gomes by 251 votes, according to WNPR."))
    assert [e.passage.doc_id for _, e in order] == ["d0", "d2", "d4", "d1", "d3"]
    assert shape("A recount in the Shelton race confirmed Yolanda Sanchez's victory on Saturday.") == (
        "A recount in the race confirmed victory on.")


def test_a_chunk_missing_from_a_list_counts_at_the_middle_of_the_ranks_below_it():
    fused = _fuse(([0, 1], [1, 0], [0]), 3)
    assert fused[0] == pytest.approx(1 / 61 + 1 / 62 + 1 / 61)
    assert fused[1] == pytest.approx(1 / 62 + 1 / 61 + 1 / 62.5)  # BM25 did not list it: rank (1 + 1 + 3) / 2
    # Two dense lists rank it first but BM25 cannot see it (no shared word): it still beats a chunk that
    # shares a word but is far from the question in meaning.
    fused = _fuse(([0] + list(range(2, 30)) + [1], [0] + list(range(2, 30)) + [1], [1]), 30)
    assert fused[0] > fused[1]
    large = _fuse(([0], [0], [1]), 10_000)
    assert large[1] == pytest.approx(1 / 61 + 2 / (60 + 10_002 / 2))  # at scale, next to nothing


def test_distinct_statements_keep_their_order():
    order = _distinct_first(ranked("Clark tossed out the primary.", "Lamont nominated Clark in 2021.",
                                   "Gomes lost the primary."))
    assert [e.passage.doc_id for _, e in order] == ["d0", "d1", "d2"]


def test_a_sentence_giving_the_kind_of_answer_asked_for_is_chosen_when_nearly_as_good():
    # (score, start, end, dense, coverage, type_match)
    claims, declares, later = (0.66, 0, 10, 0.7, 0.8, 0.0), (0.65, 11, 20, 0.5, 0.8, 1.0), (0.40, 21, 30, 0.4, 0.1, 1.0)
    assert _chosen([claims, declares, later], typed=True) == declares
    assert _chosen([claims, declares, later], typed=False) == claims  # any sentence answers "why"
    assert _chosen([claims, later], typed=True) == claims  # 0.40 is too far behind: the passage is about something else
    assert _chosen([(0.5, 0, 5, 0.5, 0.5, 1.0), (0.5, 6, 9, 0.5, 0.5, 1.0)], typed=True)[1] == 0  # the first of equals


def test_an_articles_date_reads_as_its_month_and_year():
    assert _when("2024-02-27") == "February 2024"
    assert _when(None) == "" and _when("someday") == ""


def test_the_nearest_chunks_come_highest_first_and_ties_in_position_order():
    similarities = np.array([0.1, 0.9, 0.5, 0.9, -0.2], dtype=np.float32)
    assert _nearest(similarities, 3) == [1, 3, 2]
    assert _nearest(similarities, 10) == [1, 3, 2, 0, 4]
    assert _nearest(similarities[:0], 3) == []


def test_a_question_whose_only_known_words_are_names_names_what_the_articles_never_mention(fake_archive):
    unmentioned = fake_archive.retriever.unmentioned
    assert unmentioned("What is the population of Bridgeport?") == ("population",)
    assert unmentioned("What is Ganim's favorite food?") == ("favorite", "food")
    assert unmentioned("What are Ned Lamont's hobbies?") == ("hobbies",)  # "Gov. Ned Lamont": "Ned" starts none
    assert unmentioned("whats the weather gonna be in bridgeport this weekend") == ("weather",)  # "weekend" says when
    assert unmentioned("Why did Gomes sue?") == ()  # "sued" is in the articles
    assert unmentioned("What did Thomas urge?") == ()  # so is "urging"
    assert unmentioned("What was the woman in the footage doing?") == ()  # "woman" is no name
    assert unmentioned("What is the capital of France?") == ()  # nothing of it is known: another rule's job
    # a title the articles give someone names them as well as their name does; "name" itself asks for one
    assert unmentioned("What is the Bridgeport mayor's annual salary?") == ("annual", "salary")
    assert unmentioned("judge name?") == ()
    # a follow-up is about whom the earlier turn named: none of its own words need be a name
    assert unmentioned("where did he grow up?", followup=True) == ("grow",)
    assert unmentioned("where did he grow up?") == ()
    assert unmentioned("who nominated him?", followup=True) == ()


def test_a_lower_case_question_has_the_names_the_articles_capitalise_capitalised(fake_archive):
    cased = fake_archive.retriever.cased
    assert cased("where did bill bloss go to law school") == "where did Bill Bloss go to law school"
    assert cased("what party is gomes's rival?") == "what party is Gomes's rival?"
    assert cased("Who won?") == "Who won?"


def test_what_a_person_is_reported_to_have_said_is_what_they_said(fake_archive):
    found = fake_archive.evidence("What did Thomas say her office does not have?", k=10)
    reported = [e for e in found if "does not have jurisdiction" in e.passage.highlight]
    assert reported and reported[0].type_match == 1.0  # "Thomas said the ... Office does not have jurisdiction"
    found = fake_archive.evidence("What did Gomes say her office does not have?", k=10)
    assert all(e.type_match == 0.0 for e in found if "does not have jurisdiction" in e.passage.highlight)



def test_whose_words_are_asked_for_is_the_subject_of_the_verb_of_saying(fake_archive):
    def typed(question):
        return [e.passage.highlight for e in fake_archive.evidence(question, k=26) if e.type_match]
    # Clark's words describe his decision; asked for what Gomes called it, they are not Gomes's words
    clark = "“The volume of ballots so mishandled"
    assert any(h.startswith(clark) for h in typed("What did the judge call the volume of mishandled ballots?"))
    assert not any(h.startswith(clark) for h in typed("What did Gomes call the judge's decision?"))


def test_who_is_answered_by_a_sentence_naming_someone_by_surname_alone(fake_archive):
    def matches(question, sentence):
        return [e.type_match for e in fake_archive.evidence(question, k=26) if e.passage.highlight == sentence]
    assert matches("Who won the February election?", "And as of Tuesday, Ganim claims he has also won two "
                   "mayoral elections.") == [1.0]
    assert matches("Did Ganim win the February election?", "And as of Tuesday, Ganim claims he has also won two "
                   "mayoral elections.") == [0.0]  # not a "who" question


def test_who_holds_someones_title_is_answered_by_a_sentence_giving_it_or_naming_its_holder(fake_archive):
    def matches(question):
        return {e.type_match for e in fake_archive.evidence(question, k=26)}
    assert 1.0 in matches("Who is Ganim's communications director?")  # "Communications Director Rowena White"
    assert 0.5 in matches("Who is Bridgeport's mayor?")  # a sentence naming Ganim, whom an article calls mayor
    assert matches("Who is Bridgeport's police chief?") == {0.0}  # no article calls anyone that


def test_an_idiom_is_asked_in_plain_words(fake_archive):
    # "towel" is in no article; "concede" is in several, and what the question asks
    answer = fake_archive.ask("Has the runner-up thrown in the towel?")
    assert not answer.refused and "conced" in answer.text.lower()


@pytest.mark.parametrize("question", ["What is the name of the judge?", "What's the judge's name?", "judge name?"])
def test_the_name_asked_for_is_answered_by_a_sentence_giving_it(fake_archive, question):
    # "name" is what is wanted, not a word the answering sentence must hold
    answer = fake_archive.ask(question)
    assert not answer.refused and "William Clark" in answer.text


def test_a_misspelt_name_is_read_in_the_articles_spelling(fake_archive):
    spelt = fake_archive.retriever.spelt
    assert spelt("Who was Gomez's attorney?") == "Who was Gomes's attorney?"
    assert spelt("What did Stepanie Thomas say in Bridgport?") == "What did Stephanie Thomas say in Bridgeport?"
    assert spelt("Which policy areas?") == "Which policy areas?"  # one letter from "police", which is no name
    # and so the question asks about a person the articles name: what they never say of him is refused
    answer = fake_archive.ask("What is Gomez's favorite food?")
    assert answer.refused and "favorite" in answer.reason


def test_he_or_she_opening_a_sentence_is_whom_the_sentence_before_names(fake_archive):
    def covered(question):
        return [e.coverage for e in fake_archive.evidence(question, k=26) if e.passage.highlight.startswith("She's asking")]
    # "She's asking local leaders ..." follows "The Secretary of the State cites ...": Thomas is asking
    thomas, she = covered("What did Thomas ask local leaders to check?"), covered("What did she ask local leaders to check?")
    assert len(thomas) == len(she) == 1 and thomas[0] > she[0]  # naming her adds a term the sentence holds


def test_located_in_a_where_question_is_not_a_word_the_answer_must_hold(fake_archive):
    def covered(question):
        return max(e.coverage for e in fake_archive.evidence(question, k=26) if "government center" in e.passage.highlight)
    assert covered("Where was the ballot box located?") == covered("Where was the ballot box?")


def test_an_article_that_never_names_whom_a_question_quotes_holds_none_of_their_words(fake_archive):
    # Ned Lamont is named in one seed article only (he nominated the judge), and quoted in none
    found = fake_archive.evidence("What did Ned Lamont say about the ruling?", k=26)
    lamont = {e.passage.doc_id for e in found if "Lamont" in fake_archive.article_text(e.passage.doc_id)}
    assert len(lamont) == 1 and len({e.passage.doc_id for e in found}) > 1
    assert all(not e.type_match for e in found if e.passage.doc_id not in lamont)
    assert any(e.type_match for e in fake_archive.evidence("What did Gomes say about the ruling?", k=26))


def test_a_role_asked_of_someone_is_the_title_an_article_gives_them_but_not_a_living(fake_archive):
    def typed(question):
        return [e.passage.highlight for e in fake_archive.evidence(question, k=26) if e.type_match]
    assert any(h.startswith("Secretary of the State Stephanie Thomas") for h in typed(
        "What position does Stephanie Thomas hold?"))
    # "petitioning candidate Lamond Daniels" is his title on the ballot, not what he does for a living
    assert not any("Lamond Daniels" in h for h in typed("What does Lamond Daniels do for a living?"))
    assert any("Lamond Daniels" in h for h in typed("What is Lamond Daniels's role?"))


def test_a_number_asked_for_according_to_someone_is_one_they_gave(fake_archive):
    def matches(question):
        found = fake_archive.evidence(question, k=10)
        return [e.type_match for e in found if "1,000 more voters" in e.passage.highlight]
    assert matches("How many more voters came out, according to Ganim?") == [1.0]  # "Ganim said about 1,000 ..."
    assert matches("How many more voters came out, according to Gomes?") == [0.0]
    assert matches("How many more voters came out?") == [1.0]


def test_a_title_another_article_gives_a_person_holds_in_an_article_naming_them_in_full(fake_archive):
    retriever = fake_archive.retriever
    doc = next(d for d in retriever.by_doc if "mayor" not in retriever.people(d).titles
               and "Joe Ganim" in fake_archive.article_text(d))  # an article that never calls Ganim the mayor
    assert ("joe", "ganim") in retriever.title_holders()["mayor"]
    assert {"joe", "ganim"} <= retriever.people(doc, ("what", "did", "the", "mayor", "say")).meant(["mayor"])
    assert retriever.people(doc, ("what", "did", "the", "mayor", "say")) is not retriever.people(doc)


def test_a_question_naming_a_year_wants_its_answer_from_that_year(fake_archive):
    # the seed articles are dated 2023 and 2024, and no sentence of them says 2019
    assert all(not e.type_match for e in fake_archive.evidence("How many votes did Ganim win by in 2019?", k=10))
    assert any(e.type_match for e in fake_archive.evidence("How many votes did Ganim win by?", k=10))


def test_coverage_weighs_a_word_by_its_rarity_among_the_competing_articles_not_in_the_archive(tmp_path, fake_archive):
    # forty articles about elsewhere make "gomes" rare in the archive, but not among the articles about him,
    # where a sentence that only names him should not cover most of a question about him
    extra = {f"zz_{i:02d}.txt": f"Stamford council met on Monday.\n\nVoters in Stamford went to the polls {i} times."
             for i in range(40)}
    big = seeded_archive(tmp_path / "big", FakeEmbedder(), extra=extra).retriever
    small = fake_archive.retriever
    gomes, vote = terms("Gomes voted")
    weights = {gomes: 1.0, vote: 1.0}
    assert big.bm25.idf(gomes) > 2 * small.bm25.idf(gomes)
    about_gomes = [n for d, chunks in big.by_doc.items() if not d.startswith("zz") for n in chunks[:1]]
    assert big._local_idf(weights, about_gomes)(gomes) == pytest.approx(small.bm25.idf(gomes))
    everything = [chunks[0] for chunks in small.by_doc.values()]
    assert small._local_idf(weights, everything)(vote) == pytest.approx(small.bm25.idf(vote))  # 4 articles: the same


def test_sentence_vectors_read_into_memory_give_the_similarities_fetching_them_gives(fake_archive, monkeypatch):
    retriever = fake_archive.retriever
    fake_archive.evidence("Who won?")
    assert retriever.reading is None  # not for a process asking one question
    fake_archive.evidence("Who lost?")
    retriever.reading.join()
    rows, _ = retriever._sentence_vectors
    ids = sorted(rows)[::3]
    vector = retriever.embed(["How many votes did Ganim win the primary by?"])[0]
    fetched = []
    fetch = retriever.store.sentence_vectors
    monkeypatch.setattr(retriever.store, "sentence_vectors", lambda wanted: fetched.extend(wanted) or fetch(wanted))
    from_memory = retriever._sentence_similarities(ids, vector)
    assert not fetched and len(from_memory) == len(ids) > 10
    retriever._sentence_vectors = None  # as before the reading has finished
    assert retriever._sentence_similarities(ids, vector) == from_memory  # exactly
    assert fetched == ids


def test_a_process_exiting_while_sentence_vectors_are_read_exits_cleanly(fake_archive):
    # a reading thread left inside Chroma's native code at interpreter shutdown crashed the process
    settings = fake_archive.settings
    script = (f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
              "from conftest import FakeEmbedder\n"
              "from pathlib import Path\n"
              "from chatbot import Archive, Settings\n"
              f"archive = Archive(Settings(articles_dir=Path({str(settings.articles_dir)!r}), "
              f"index_dir=Path({str(settings.index_dir)!r})), embedder=FakeEmbedder(), say=lambda m: None)\n"
              "archive.evidence('Who won?'); archive.evidence('Who lost?')\n"
              "assert archive.retriever.reading is not None\n")
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
