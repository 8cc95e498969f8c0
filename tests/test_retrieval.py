"""Pure parts of retrieval: how far the answering span reaches."""

from chatbot.retrieval import _through_colon
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
