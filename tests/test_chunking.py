"""Sentence splitting and chunking: exact offsets, sentence boundaries, overlap, no boilerplate."""

from chatbot.articles import load_articles, parse_article
from chatbot.chunking import chunk_article, split_sentences

from conftest import SEEDS


def test_abbreviations_and_initials_do_not_end_sentences():
    text = "Gov. Ned Lamont spoke on Sept. 12 in Bridgeport. He left. J. Smith stayed."
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Gov. Ned Lamont spoke on Sept. 12 in Bridgeport.", "He left.", "J. Smith stayed."]


def test_a_quote_keeps_its_attribution():
    text = '"What did they say? Joe Ganim!" Communications Director Rowena White said. Gomes left.'
    assert [text[s:e] for s, e in split_sentences(text)] == [
        '"What did they say? Joe Ganim!" Communications Director Rowena White said.', "Gomes left."]


def test_chunks_are_exact_slices_that_end_on_sentences_and_overlap():
    for article in load_articles(SEEDS).articles:
        chunks = chunk_article(article, max_chars=400, overlap=1)
        assert chunks
        for chunk in chunks:
            assert article.text[chunk.start:chunk.end] == chunk.text
            assert (chunk.start, chunk.end) == (chunk.sentences[0][0], chunk.sentences[-1][1])
            assert "newsletter" not in chunk.text and "pic.twitter.com" not in chunk.text
        for before, after in zip(chunks, chunks[1:]):
            if before.sentences[-1][1] > after.start:
                assert after.sentences[0] == before.sentences[-1]


def test_every_content_sentence_is_in_some_chunk():
    article = load_articles(SEEDS).articles[2]
    covered = {s for chunk in chunk_article(article) for s in chunk.sentences}
    for start, end in article.content:
        for sentence in split_sentences(article.text, start, end):
            assert sentence in covered


def test_chunk_ids_are_stable_and_change_with_the_text():
    article = parse_article("a", "One fact here. Two facts here. Three facts here.")
    again = parse_article("a", "One fact here. Two facts here. Three facts here.")
    changed = parse_article("a", "One fact here. Two facts changed. Three facts here.")
    assert [c.id for c in chunk_article(article)] == [c.id for c in chunk_article(again)]
    assert [c.id for c in chunk_article(article)] != [c.id for c in chunk_article(changed)]


def test_a_sentence_longer_than_the_limit_is_its_own_chunk():
    article = parse_article("a", "Short one. " + "Very long words " * 80 + "end. Another short one.")
    chunks = chunk_article(article, max_chars=100, overlap=0)
    assert len(chunks) == 3 and len(chunks[1].text) > 100
