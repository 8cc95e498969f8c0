"""The web chat's pure rendering: escaping, markers, sources, the article overlay, the copy text.

No server, model or browser: hand-made passages and answers, exact expected strings. What they
look like in a browser, and that nothing in them runs, is `test_ui_browser.py`.
"""

import pytest

from chatbot.answer import Answer, Citation
from chatbot.retrieval import Passage
from chatbot.ui import copy_text, escape_markdown, render_answer, render_article, render_articles, render_sources

pytestmark = [pytest.mark.filterwarnings("ignore:.*no_silent_downcasting")]

ARTICLE = "Intro. Judge <b>Clark</b> ruled. The end."
# The passage is ARTICLE[7:41], "Judge <b>Clark</b> ruled. The end.", and its sentence ARTICLE[7:32].
PASSAGE = Passage(text=ARTICLE[7:], score=0.9, doc_id="d1", title="A <i>title</i>", date=None, start=7,
                  end=41, highlight_start=7, highlight_end=32, chunk_id="c1")
ANSWER = Answer(question="Who ruled?", text="Judge <b>Clark</b> ruled. [1] [7]", citations=(Citation(1, PASSAGE),))


def test_passage_highlight_is_the_sentence():
    assert PASSAGE.highlight == "Judge <b>Clark</b> ruled."


def test_escape_markdown_turns_markup_into_entities():
    assert escape_markdown("*Not* <b>x</b>\n[a](javascript:x)") == (
        "&#42;Not&#42; &#60;b&#62;x&#60;&#47;b&#62; &#91;a&#93;&#40;javascript&#58;x&#41;")


def test_answer_markers_link_their_sources_and_unknown_numbers_stay_text():
    rendered = render_answer(2, ANSWER)
    assert rendered.startswith("Judge &#60;b&#62;Clark&#60;&#47;b&#62; ruled&#46; "
                               '<a class="cite" href="#cite-2-1" '
                               'title="Source 1: A &lt;i&gt;title&lt;/i&gt; (undated)">'
                               "&#91;1&#93;</a> &#91;7&#93;")
    assert '<div class="src-line">Sources: <a class="src" href="#cite-2-1"' in rendered
    assert "<b>" not in rendered and "<i>" not in rendered


def test_refusal_offers_suggestions_as_links():
    refused = Answer(question="?", text="I couldn't find that in the articles.", refused=True, suggestions=(PASSAGE,))
    rendered = render_answer(0, refused)
    assert rendered.startswith("I couldn&#39;t find that in the articles&#46;\n\n")
    assert 'You may mean:</div><ul class="maybe"><li><a class="suggest" href="#cite-0-1"' in rendered


def test_sources_panel_marks_the_sentence_and_escapes_everything():
    html = render_sources(0, ANSWER, active=1)
    assert '<li class="source active" id="source-1">' in html
    assert '<span class="title">A &lt;i&gt;title&lt;/i&gt;</span><span class="date">undated</span>' in html
    assert ('<blockquote class="passage"><mark class="hl">Judge &lt;b&gt;Clark&lt;/b&gt; ruled.</mark> The end.'
            "</blockquote>") in html
    assert 'data-cite="0-1">Open article</button>' in html
    assert "Sources" in render_sources(None, None)


def test_article_overlay_shades_the_passage_and_marks_the_sentence():
    html = render_article("T", "2024-01-02", "d1", ARTICLE, PASSAGE)
    assert ('<div class="article-body">Intro. <span class="passage-span"><mark class="hl" id="article-mark">'
            "Judge &lt;b&gt;Clark&lt;/b&gt; ruled.</mark> The end.</span></div>") in html
    assert 'role="dialog"' in html and "2024-01-02 · d1" in html


def test_article_overlay_finds_a_moved_passage_or_says_it_cannot():
    moved = render_article("T", None, "d1", "New first line. " + ARTICLE, PASSAGE)
    assert '<mark class="hl" id="article-mark">Judge &lt;b&gt;Clark&lt;/b&gt; ruled.</mark>' in moved
    gone = render_article("T", None, "d1", "Something else entirely.", PASSAGE)
    assert "cannot be marked" in gone and "<mark" not in gone


def test_articles_list_counts_passages():
    class Info:
        doc_id, title, date, passages = "d1", "<script>x</script>", None, 1

    html = render_articles([Info()])
    assert '<a class="article-link" href="#" data-doc="d1">&lt;script&gt;x&lt;/script&gt;</a>' in html
    assert "undated · 1 passage</span>" in html and "1 indexed" in html


def test_copy_text_lists_numbered_sources():
    assert copy_text("Who ruled?", ANSWER) == (
        "Q: Who ruled?\nA: Judge <b>Clark</b> ruled. [1] [7]\n\nSources:\n"
        "[1] A <i>title</i> (undated, d1)\n    “Judge <b>Clark</b> ruled.”")
    assert copy_text("Who ruled?", None) == ""
