"""Questions and history: cleaning, Gradio-style messages, follow-up detection."""

import pytest

from chatbot.archive import _people_named
from chatbot.conversation import build_query, clean_question, is_followup, normalize_history, plainly
from chatbot.errors import ChatbotError
from chatbot.lexical import stem, terms


@pytest.mark.parametrize("bad", ["", "   \n\t", "\x00\x07", None, 42])
def test_empty_or_non_text_questions_are_refused_with_one_sentence(bad):
    with pytest.raises(ChatbotError, match="question"):
        clean_question(bad)


def test_long_questions_are_cut_and_control_characters_removed():
    assert clean_question("Who\x00 won?") == "Who won?"
    assert len(clean_question("word " * 50_000, limit=1000)) <= 1000


def test_history_accepts_strings_and_gradio_messages():
    history = [{"role": "user", "content": "First?"}, {"role": "assistant", "content": "An answer."},
               {"role": "user", "content": [{"type": "text", "text": "Second?"}]}, "Third?"]
    assert normalize_history(history) == ["First?", "Second?", "Third?"]
    assert normalize_history(None) == []


def test_followups_are_detected():
    assert is_followup("Who nominated him?")
    assert is_followup("What about Gomes?")
    assert not is_followup("Who nominated Judge William Clark?")


def test_a_followup_carries_the_earlier_turn_at_a_lower_weight():
    query = build_query("Who nominated him?", ["Which judge threw out the primary?", "William Clark"])
    assert query.followup and query.weights[stem("nominated")] == 1.0 and query.weights[stem("judge")] < 1.0
    assert "William Clark" in query.text
    standalone = build_query("Who nominated Judge William Clark?", ["Something else entirely?"])
    assert not standalone.followup and "else" not in standalone.text


def test_markup_and_control_characters_are_dropped_from_questions():
    assert clean_question("<b>Who</b>  represented\x00 Gomes?") == "Who represented Gomes?"
    assert clean_question("Is 3 < 4 > 2?") == "Is 3 < 4 > 2?"
    with pytest.raises(ChatbotError, match="empty"):
        clean_question('<img src=x onerror="alert(1)">')


def test_the_people_a_sentence_names_include_those_named_by_surname_only():
    sentence = "Ganim defeated challenger John Gomes by 251 votes, according to WNPR-FM in Connecticut."
    assert _people_named(sentence, {"joe", "ganim", "john", "gomes"}) == ["Ganim", "John Gomes"]
    assert _people_named(sentence, {"john", "gomes"}) == ["John Gomes"]  # "Ganim" alone is no one known
    assert _people_named("In Connecticut, Superior Court Judge William Clark ruled.", set()) == [
        "Superior Court Judge William Clark"]


@pytest.mark.parametrize("question, searched", [
    ("Who is Connecticut's top state election official?", "Who is Connecticut's Secretary of State?"),
    ("How fast does the state's chief elections officer want it settled?",
     "How fast does the state's Secretary of State want it settled?"),
    ("Which wire service quoted him?", "Which Associated Press quoted him?"),
    ("Which law enforcement agency is investigating?", "Which police is investigating?"),
    ("Who won the election?", "Who won the election?"),
])
def test_a_role_described_is_searched_as_the_title_news_copy_gives_it(question, searched):
    query = build_query(question)
    assert query.question == question  # shown and typed as asked
    assert query.text == searched and set(query.weights) == set(terms(searched))


def test_a_role_described_in_a_followup_is_searched_as_its_title_with_the_earlier_turn():
    query = build_query("what did their top election official say?", ["Who won in Connecticut?"])
    assert query.text == "what did their Secretary of State say? (Who won in Connecticut?)"
    assert query.weights["secretary"] == 1.0 and query.weights["connecticut"] < 1.0


@pytest.mark.parametrize("question, searched", [
    ("Did the mayor's rival throw in the towel?", "Did the mayor's rival concede?"),
    ("What if the challenger came out on top in November?", "What if the challenger win in November?"),
    ("Who threw his hat into the ring?", "Who announce a run?"),
    ("Has Gomes called it quits?", "Has Gomes give up?"),
    ("Was it neck and neck?", "Was it close?"),
    ("Who took the hat off the towel rack?", "Who took the hat off the towel rack?"),  # no idiom: as asked
])
def test_an_idiom_is_searched_in_plain_words(question, searched):
    assert plainly(question) == searched
    query = build_query(question)
    assert query.question == question and query.text == searched and set(query.weights) == set(terms(searched))
