"""Loading articles: ids, titles, dates, boilerplate, and files that cannot be used."""

import pytest

from chatbot.articles import content_spans, load_articles, parse_article
from chatbot.errors import ChatbotError

from conftest import SEEDS


def test_loads_every_seed_with_its_stem_as_id_and_text_as_read():
    result = load_articles(SEEDS)
    assert [a.doc_id for a in result.articles] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    for article in result.articles:
        assert article.text == (SEEDS / f"{article.doc_id}.txt").read_text(encoding="utf-8")
    assert result.skipped == []


def test_date_comes_from_the_leading_tag_and_title_from_the_first_sentence():
    article = parse_article("x", " date 2024-02-27 The fourth time might be the charm. More text here.\n")
    assert article.date == "2024-02-27"
    assert article.title == "The fourth time might be the charm"
    assert "date" not in article.text[article.content[0][0]:article.content[0][1]]


def test_boilerplate_lines_are_not_content():
    text = ("Ganim won the primary.\nGet news delivered to your inbox. Sign up for NBC Connecticut newsletters.\n"
            "U.S. & World\nThis is the video pic.twitter.com/XRUl52PtYZ — George (@Tweets) November 1, 2023\n"
            "Gomes did not concede.\n")
    kept = [text[s:e] for s, e in content_spans(text)]
    assert kept == ["Ganim won the primary.", "Gomes did not concede."]


@pytest.mark.parametrize("name, data, reason", [
    ("empty.txt", b"", "no text"),
    ("blank.txt", b"  \n\n ", "no text"),
    ("binary.txt", b"\x00\x01\x02PNG", "binary"),
    ("latin1.txt", "Café au lait for the mayor.".encode("latin-1"), "not UTF-8"),
])
def test_unusable_files_are_skipped_with_a_reason_and_the_rest_loads(tmp_path, name, data, reason):
    (tmp_path / "good.txt").write_text("The council voted on Tuesday.", encoding="utf-8")
    (tmp_path / name).write_bytes(data)
    result = load_articles(tmp_path)
    assert [a.doc_id for a in result.articles] == ["good"]
    assert len(result.skipped) == 1 and result.skipped[0][0] == name and reason in result.skipped[0][1]


def test_oversized_files_are_skipped(tmp_path):
    (tmp_path / "huge.txt").write_text("Words. " * 400_000, encoding="utf-8")
    result = load_articles(tmp_path, max_bytes=1024 * 1024)
    assert result.articles == [] and "larger than 1 MB" in result.skipped[0][1]


def test_missing_folder_is_one_clear_sentence(tmp_path):
    with pytest.raises(ChatbotError, match="does not exist; create it or set CHATBOT_ARTICLES"):
        load_articles(tmp_path / "nope")
