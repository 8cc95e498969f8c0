"""Web chat: a Gradio page over one `Archive`, with cited answers and the articles behind them.

`create_app(archive)` builds the page without serving it (tests launch it themselves); `serve(settings)`
brings the index up to date, builds the page and serves it. On the page:

- a chat whose answers stream in with `[n]` markers; each marker selects its numbered source;
- the sources of the selected answer (title, date, the passage with the answering sentence marked),
  each with "Open article", which shows the whole article in an overlay scrolled to that sentence;
- when the articles do not say, the plain refusal and the closest passages as "You may mean:";
- retry, clear, and copy (the answer with its numbered sources as plain text);
- a side panel of example questions and of the indexed articles (title, date, passages).

The conversation lives in per-session state (two tabs never share it); the earlier questions are
passed to `Archive.ask` as `history`, so follow-ups work. The Gradio API offers `ask` and `retrieve`,
which return JSON dicts; `serve` also offers them as MCP tools (Gradio's `mcp_server`, from `gradio[mcp]`).

Everything an article or a reader wrote is HTML-escaped before it reaches the page: `gr.HTML` does not
sanitise, and the chat's Markdown would otherwise read it as markup.

What it leaves out: wording and ranking (every answer is `Archive.ask`), accounts and stored
conversations, and anything fetched from elsewhere (no web fonts, CDNs, analytics or share links).
"""

from __future__ import annotations

import html
import importlib.util
import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict

# Gradio reads these when imported or launched; a user's own setting wins, except that analytics stay off.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
for _name, _value in [("HF_HUB_OFFLINE", "1"), ("HF_HUB_DISABLE_TELEMETRY", "1"),
                      ("NO_PROXY", "localhost,127.0.0.1"), ("no_proxy", "localhost,127.0.0.1")]:
    os.environ.setdefault(_name, _value)

import gradio as gr  # noqa: E402

from .answer import Answer, quoted  # noqa: E402
from .archive import Archive  # noqa: E402
from .config import Settings  # noqa: E402
from .errors import ChatbotError  # noqa: E402
from .retrieval import Passage  # noqa: E402

__all__ = ["create_app", "serve", "ChatApp", "EXAMPLES", "THEME", "CSS", "HEAD", "mcp_available"]

EXAMPLES = (
    "Which judge threw out the primary?",
    "How many votes did Ganim win the September primary by?",
    "Who represented Gomes in court?",
    "What did the Secretary of the State say about the investigation?",
    "What number can people call to report election fraud?",
)
# The model and the store are safe for concurrent reads and an answer takes tens of milliseconds of
# CPU; four at once keeps both cores busy without letting a burst of requests starve the page.
CONCURRENCY = 4
MAX_ARTICLES_LISTED = 200
MAX_ARTICLE_CHARS = 200_000
_STREAM_WORDS = 4
_STREAM_PAUSE = 0.02

_SYSTEM_FONTS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"]
_MONO_FONTS = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "Liberation Mono", "monospace"]
THEME = gr.themes.Default(font=_SYSTEM_FONTS, font_mono=_MONO_FONTS)

CSS = """
.gradio-container { max-width: 1200px !important; }
#chat { overflow-wrap: anywhere; }
#chat a.cite { font-weight: 600; text-decoration: none; padding: 0 1px; }
#chat a.cite:hover, #chat a.cite:focus { text-decoration: underline; }
#chat a.cite + a.cite { margin-left: 0.2em; }
#chat .src-line { font-size: 0.85em; opacity: 0.85; margin-top: 0.4em; }
#chat .src-line a { text-decoration: underline; text-underline-offset: 2px; }
#chat ul.maybe { margin: 0.3em 0 0 1.1em; }
.panel-title { font-weight: 600; margin: 0 0 0.4em; }
.muted { opacity: 0.75; font-size: 0.9em; }
#sources ol.sources { list-style: none; margin: 0; padding: 0; }
#sources li.source { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 0.6em 0.75em;
  margin: 0 0 0.6em; overflow-wrap: anywhere; }
#sources li.source.active { border-color: var(--color-accent); box-shadow: 0 0 0 2px var(--color-accent-soft); }
#sources .source-head { display: flex; flex-wrap: wrap; gap: 0.25em 0.5em; align-items: baseline; }
#sources .num { font-weight: 700; }
#sources .title { font-weight: 600; }
#sources .date { opacity: 0.75; font-size: 0.9em; }
#sources blockquote.passage { margin: 0.4em 0; padding: 0 0 0 0.6em; border-left: 3px solid var(--border-color-primary);
  font-size: 0.95em; white-space: pre-wrap; }
mark.hl { background: #ffe066; color: #111; padding: 0 1px; border-radius: 2px; }
#sources button.open, #articles a.article-link { cursor: pointer; }
#articles a.article-link { padding: 0; }
#sources button.open { font-size: 0.9em; padding: 0.2em 0.7em; border-radius: 6px;
  border: 1px solid var(--border-color-primary); background: var(--button-secondary-background-fill);
  color: var(--button-secondary-text-color); }
#articles ul.articles, #sources ol.sources { list-style: none; margin: 0; padding: 0; }
#articles ul.articles li { margin: 0 0 0.55em; padding: 0; overflow-wrap: anywhere; }
#articles ul.articles li::before, #sources ol.sources li::before { content: none; }
#articles .meta { display: block; opacity: 0.75; font-size: 0.85em; }
#examples button { justify-content: flex-start; text-align: left; white-space: normal; }
.article-backdrop { position: fixed; inset: 0; z-index: 10000; background: rgba(0, 0, 0, 0.45);
  display: flex; align-items: flex-start; justify-content: center; padding: 3vh 3vw; box-sizing: border-box; }
.article-dialog { background: var(--background-fill-primary); color: var(--body-text-color); width: 100%;
  max-width: 760px; max-height: 94vh; overflow: auto; border-radius: 10px; box-shadow: 0 8px 30px rgba(0,0,0,.3); }
.article-bar { position: sticky; top: 0; display: flex; gap: 0.5em; align-items: flex-start;
  justify-content: space-between; padding: 0.7em 1em; background: var(--background-fill-secondary);
  border-bottom: 1px solid var(--border-color-primary); }
.article-bar h2 { font-size: 1.05em; margin: 0; overflow-wrap: anywhere; }
.article-bar .date { opacity: 0.75; font-size: 0.85em; }
.article-close { flex: none; cursor: pointer; padding: 0.3em 0.8em; border-radius: 6px;
  border: 1px solid var(--border-color-primary); background: var(--button-secondary-background-fill);
  color: var(--button-secondary-text-color); }
.article-body { padding: 0.8em 1em 1.5em; white-space: pre-wrap; overflow-wrap: anywhere; line-height: 1.55; }
.article-body .passage-span { background: rgba(255, 224, 102, 0.25); }
.article-note { padding: 0.5em 1em 0; opacity: 0.8; font-size: 0.9em; }
@media (max-width: 640px) {
  .article-backdrop { padding: 0; }
  .article-dialog { max-height: 100vh; height: 100%; border-radius: 0; }
}
"""

# Gradio scopes `css` to the page's content; the frame around it (32 px of padding a side, too much
# on a phone) can only be reached from the document's head.
HEAD = """<style>
@media (max-width: 640px) { .gradio-container .main.fillable.app { padding: 12px 10px !important; } }
</style>"""

# Clicks inside gr.HTML are turned into Gradio events with `trigger`. The chat's markers are caught at
# the document level: the Chatbot renders sanitised Markdown (no scripts, no data- attributes), so a
# marker is a link whose fragment, `#cite-<turn>-<number>`, names its source. A marker selects its
# source in the panel; the source's "Open article" button opens the overlay.
_SOURCES_JS = """
const pick = (event, selector, open) => {
  const target = event.target.closest(selector);
  if (!target) return;
  event.preventDefault();
  event.stopPropagation();
  window.__chatbotOpener = target;
  const cite = target.dataset.cite || (target.getAttribute('href') || '').replace('#cite-', '');
  trigger('click', {cite: cite, open: open});
};
element.addEventListener('click', (event) => pick(event, '[data-cite]', true));
document.addEventListener('click', (event) => pick(event, '#chat a[href^="#cite-"]', false), true);
watch('value', () => {
  const active = element.querySelector('li.source.active');
  if (!active) return;
  active.scrollIntoView({block: 'nearest'});
  const opener = window.__chatbotOpener;
  const open = active.querySelector('button.open');
  if (open && opener && opener.closest('#chat')) open.focus({preventScroll: true});
});
"""
_ARTICLES_JS = """
element.addEventListener('click', (event) => {
  const target = event.target.closest('[data-doc]');
  if (!target) return;
  event.preventDefault();
  window.__chatbotOpener = target;
  trigger('click', {doc: target.dataset.doc});
});
"""
_ARTICLE_JS = """
const show = () => {
  const close = element.querySelector('.article-close');
  if (!close) {
    let opener = window.__chatbotOpener;
    if (opener && !document.contains(opener) && opener.dataset.cite) {
      opener = document.querySelector(`#sources [data-cite="${opener.dataset.cite}"]`);
    }
    if (opener && document.contains(opener)) opener.focus({preventScroll: true});
    return;
  }
  close.focus({preventScroll: true});
  const mark = element.querySelector('mark.hl');
  if (mark) mark.scrollIntoView({block: 'center'});
};
watch('value', show);
show();
element.addEventListener('click', (event) => {
  if (event.target.closest('.article-close') || event.target.classList.contains('article-backdrop')) {
    trigger('click', {close: true});
  }
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && element.querySelector('.article-backdrop')) trigger('click', {close: true});
});
"""
_COPY_JS = """
async (text) => {
  const button = document.querySelector('#copy-btn');
  const flash = (message) => {
    if (!button) return;
    button.dataset.label = button.dataset.label || button.textContent;
    button.textContent = message;
    setTimeout(() => { button.textContent = button.dataset.label; }, 1500);
  };
  if (!text) { flash('Nothing to copy yet'); return text; }
  try {
    await navigator.clipboard.writeText(text);
  } catch (error) {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  flash('Copied');
  return text;
}
"""

_MARKER = re.compile(r"\[(\d+)\]")
_MARKDOWN_ENTITIES = {ord(c): f"&#{ord(c)};" for c in "\\`*_{}[]()#+-.!|~$<>&\"':/@=%^"}
_SOURCES_EMPTY = ('<p class="panel-title">Sources</p><p class="muted">The sources of an answer appear here. '
                  'Click a marker such as [1] to read the passage in its article.</p>')


class ChatApp(gr.Blocks):
    """The web chat's Blocks; `launch()` defaults to its system-font theme and stylesheet.

    Gradio 6 takes `theme`, `css` and `head` in `launch()`, not in the constructor, so every caller (serve,
    tests, a notebook) gets the page as designed unless it passes its own. Sharing links are refused.
    """

    def launch(self, **kwargs):
        """Serve the app; takes the keyword arguments of `gradio.Blocks.launch`, but never shares it."""
        if kwargs.get("share"):
            raise ChatbotError("The web chat is never shared through a public link; serve it on your own network.")
        kwargs["share"] = False
        kwargs.setdefault("theme", THEME)
        kwargs.setdefault("css", CSS)
        kwargs.setdefault("head", HEAD)
        kwargs.setdefault("footer_links", ["api"])
        return super().launch(**kwargs)


# -- escaping and rendering (pure functions) -------------------------------------------------------

def escape(text: str) -> str:
    """Text made safe to put inside HTML elements and attributes.

    Example: '<img src=x onerror="a()">' -> '&lt;img src=x onerror=&quot;a()&quot;&gt;'
    """
    return html.escape(text, quote=True)


def escape_markdown(text: str) -> str:
    """Text the Chatbot's Markdown shows literally: whitespace collapsed, markup characters as entities.

    Entities rather than backslashes, because they read the same inside the raw-HTML parts of a message.
    Example: "*Not* <b>bold</b>" -> "&#42;Not&#42; &#60;b&#62;bold&#60;&#47;b&#62;"
    """
    return re.sub(r"\s+", " ", text).translate(_MARKDOWN_ENTITIES)


def _date(passage) -> str:
    return passage.date or "undated"


def _numbered(answer: Answer | None) -> list[tuple[int, Passage]]:
    """The passages an answer shows: its citations, or when refused its suggestions numbered from 1."""
    if answer is None:
        return []
    if answer.refused:
        return list(enumerate(answer.suggestions, 1))
    return [(c.number, c.passage) for c in answer.citations]


def _cite_link(turn: int, number: int, label: str, passage: Passage, css: str = "cite") -> str:
    title = escape(f"Source {number}: {passage.title} ({_date(passage)})")
    return f'<a class="{css}" href="#cite-{turn}-{number}" title="{title}">{label}</a>'


def render_answer(turn: int, answer: Answer) -> str:
    """The Chatbot content of an answer: escaped text, clickable `[n]` markers and a line of sources.

    Args:
        turn: the answer's position in the conversation (markers name it, so old answers stay clickable).
        answer: the answer.

    Returns:
        Markdown with a little inline HTML; nothing from the article is left unescaped.
    """
    numbered = _numbered(answer)
    if answer.refused:
        text = escape_markdown(answer.text)
        items = "".join(f'<li>{_cite_link(turn, n, escape_markdown(quoted(p.highlight)), p, "suggest")} '
                        f'<span class="src-meta">— {_label(p)}</span></li>' for n, p in numbered)
        if not items:
            return text
        return f'{text}\n\n<div class="maybe-title">You may mean:</div><ul class="maybe">{items}</ul>'
    passages = dict(numbered)
    parts = _MARKER.split(answer.text)  # text, number, text, number, ..., text
    body = "".join(escape_markdown(part) if i % 2 == 0 else _marker(turn, int(part), passages.get(int(part)))
                   for i, part in enumerate(parts)).strip()
    sources = " · ".join(_cite_link(turn, n, f"&#91;{n}&#93; {_label(p)}", p, "src") for n, p in numbered)
    return f'{body}\n\n<div class="src-line">Sources: {sources}</div>' if sources else body


def _marker(turn: int, number: int, passage: Passage | None) -> str:
    if passage is None:
        return f"&#91;{number}&#93;"
    return _cite_link(turn, number, f"&#91;{number}&#93;", passage)


def _label(passage: Passage) -> str:
    return f"{escape_markdown(passage.title)} ({escape_markdown(_date(passage))})"


def render_passage(passage: Passage) -> str:
    """A passage as HTML with its answering sentence in `<mark>`, all of it escaped."""
    text = passage.text
    start = min(max(passage.highlight_start - passage.start, 0), len(text))
    end = min(max(passage.highlight_end - passage.start, start), len(text))
    return (f"{escape(text[:start])}<mark class=\"hl\">{escape(text[start:end])}</mark>{escape(text[end:])}")


def render_sources(turn: int | None, answer: Answer | None, active: int | None = None) -> str:
    """The sources panel for one answer: numbered cards with title, date, marked passage, "Open article".

    Args:
        turn: the answer's position in the conversation (None: nothing selected).
        answer: the answer (None, or one without sources: the panel explains itself).
        active: the number of the source to emphasise.

    Returns:
        Escaped HTML for the sources `gr.HTML`.
    """
    numbered = _numbered(answer)
    if turn is None or answer is None or not numbered:
        return _SOURCES_EMPTY
    heading = "You may mean:" if answer.refused else f"Sources of answer {turn + 1}"
    cards = []
    for number, passage in numbered:
        state = " active" if number == active else ""
        cards.append(
            f'<li class="source{state}" id="source-{number}">'
            f'<div class="source-head"><span class="num">[{number}]</span>'
            f'<span class="title">{escape(passage.title)}</span>'
            f'<span class="date">{escape(_date(passage))}</span></div>'
            f'<blockquote class="passage">{render_passage(passage)}</blockquote>'
            f'<button type="button" class="open" data-cite="{turn}-{number}">Open article</button></li>')
    return f'<p class="panel-title">{heading}</p><ol class="sources">{"".join(cards)}</ol>'


def render_article(title: str, date: str | None, doc_id: str, text: str, passage: Passage | None = None) -> str:
    """The whole article in an overlay, the passage shaded and its answering sentence marked.

    Args:
        title, date, doc_id: what the overlay's bar shows.
        text: the article's full text.
        passage: the passage to show; its offsets are checked against `text` (the file may have changed).

    Returns:
        Escaped HTML for the article `gr.HTML`.
    """
    spans = _locate(text, passage) if passage is not None else None
    note = "The article has changed since it was indexed, so the passage cannot be marked." \
        if passage is not None and spans is None else ""
    if len(text) > MAX_ARTICLE_CHARS:
        offset = max(0, min((spans[1] if spans else 0) - MAX_ARTICLE_CHARS // 2, len(text) - MAX_ARTICLE_CHARS))
        text = text[offset:offset + MAX_ARTICLE_CHARS]
        spans = tuple(min(max(p - offset, 0), len(text)) for p in spans) if spans else None
        note = "This article is long; only the part around the passage is shown."
    if spans:
        a, b, c, d = spans
        body = (f'{escape(text[:a])}<span class="passage-span">{escape(text[a:b])}<mark class="hl" '
                f'id="article-mark">{escape(text[b:c])}</mark>{escape(text[c:d])}</span>{escape(text[d:])}')
    else:
        body = escape(text)
    note_html = f'<p class="article-note">{escape(note)}</p>' if note else ""
    return (f'<div class="article-backdrop"><div class="article-dialog" role="dialog" aria-modal="true" '
            f'aria-labelledby="article-title"><div class="article-bar"><div><h2 id="article-title">'
            f'{escape(title)}</h2><span class="date">{escape(date or "undated")} · {escape(doc_id)}</span></div>'
            f'<button type="button" class="article-close" aria-label="Close the article">Close ✕</button></div>'
            f'{note_html}<div class="article-body">{body}</div></div></div>')


def _locate(text: str, passage: Passage) -> tuple[int, int, int, int] | None:
    """Offsets in `text` of (passage start, sentence start, sentence end, passage end), or None if gone.

    Example: text "A. B. C.", passage "B. C." at 3-8 with sentence 6-8 -> (3, 6, 8, 8).
    """
    start = passage.start
    if text[start:passage.end] != passage.text:
        start = text.find(passage.text)
        if start < 0:
            return None
    shift = start - passage.start
    end = start + len(passage.text)
    first = min(max(passage.highlight_start + shift, start), end)
    return start, first, min(max(passage.highlight_end + shift, first), end), end


def render_articles(articles) -> str:
    """The side panel's list of indexed articles (title, date, passages), newest first, escaped."""
    if not articles:
        return '<p class="panel-title">Articles</p><p class="muted">No articles are indexed yet.</p>'
    items = "".join(
        f'<li><a class="article-link" href="#" data-doc="{escape(a.doc_id)}">{escape(a.title)}</a>'
        f'<span class="meta">{escape(a.date or "undated")} · {a.passages} passage{"s" if a.passages != 1 else ""}'
        f'</span></li>' for a in articles[:MAX_ARTICLES_LISTED])
    more = len(articles) - MAX_ARTICLES_LISTED
    more_html = f'<p class="muted">… and {more} more; ask about them by topic.</p>' if more > 0 else ""
    return (f'<p class="panel-title">Articles</p><p class="muted">{len(articles)} indexed</p>'
            f'<ul class="articles">{items}</ul>{more_html}')


def copy_text(question: str, answer: Answer | None) -> str:
    """The answer with its numbered sources, as plain text for the clipboard.

    Example: 'Q: Who ...?\\nA: ... said lawyer Bill Bloss, who represented Gomes. [1]\\n\\nSources:\\n[1] A
    Bridgeport mayoral candidate ... (undated, 003_6a1b...)\\n    "... who represented Gomes."'
    """
    if answer is None:
        return ""
    lines = [f"Q: {question}", f"A: {answer.text}"]
    numbered = _numbered(answer)
    if numbered:
        lines += ["", "You may mean:" if answer.refused else "Sources:"]
        for number, passage in numbered:
            lines.append(f"[{number}] {passage.title} ({_date(passage)}, {passage.doc_id})")
            lines.append(f"    {quoted(passage.highlight)}")
    return "\n".join(lines)


def passage_dict(passage: Passage) -> dict:
    """A passage as a JSON-serialisable dict, with its answering sentence as `highlight`."""
    return {**asdict(passage), "highlight": passage.highlight}


def answer_dict(answer: Answer) -> dict:
    """An answer as a JSON-serialisable dict (citations and suggestions as passage dicts)."""
    return {
        "question": answer.question,
        "text": answer.text,
        "refused": answer.refused,
        "citations": [{"number": c.number, **passage_dict(c.passage)} for c in answer.citations],
        "suggestions": [passage_dict(p) for p in answer.suggestions],
        "confidence": answer.confidence,
        "reason": answer.reason,
    }


def _messages(turns: list[dict]) -> list[dict]:
    messages = []
    for number, turn in enumerate(turns):
        messages.append({"role": "user", "content": escape_markdown(turn["question"])})
        if turn.get("answer") is not None:
            messages.append({"role": "assistant", "content": render_answer(number, turn["answer"])})
        elif turn.get("error"):
            messages.append({"role": "assistant", "content": escape_markdown(turn["error"])})
    return messages


def _stream_steps(text: str) -> Iterator[str]:
    """Ever longer beginnings of `text`, a few words at a time (the last one is the whole text)."""
    words = text.split(" ")
    for end in range(_STREAM_WORDS, len(words), _STREAM_WORDS):
        yield " ".join(words[:end])
    yield text


def mcp_available() -> bool:
    """True when the `mcp` package (the `gradio[mcp]` extra) is installed, so Gradio can serve MCP."""
    return importlib.util.find_spec("mcp") is not None


# -- the app ---------------------------------------------------------------------------------------

def create_app(archive: Archive) -> ChatApp:
    """Build the web chat over an archive, without serving it.

    Args:
        archive: the archive to answer from; its index is opened (and brought up to date if it allows)
            on the first question or page load.

    Returns:
        The app; `launch()` it (its default theme and stylesheet are the page's own). Its queue runs
        `CONCURRENCY` events at once. API endpoints: `/ask` and `/retrieve` (public, also MCP tools),
        `/chat` (undocumented; the page's own, with per-session history).
    """

    def respond(message: str, turns: list[dict]):
        """Answer one chat message, streaming the text, and show its sources."""
        question = (message or "").strip()
        if not question:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        history = [t["question"] for t in turns]
        turns = [*turns, {"question": question, "answer": None, "error": None}]
        turn = len(turns) - 1
        yield _messages(turns), turns, gr.skip(), gr.skip(), "", gr.skip()
        try:
            answer = archive.ask(question, history=history)
        except ChatbotError as error:
            turns[-1] = {**turns[-1], "error": str(error)}
            yield _messages(turns), turns, _SOURCES_EMPTY, "", "", None
            return
        shown = _messages(turns)
        for partial in _stream_steps(_MARKER.sub("", answer.text).strip()):
            streamed = [*shown, {"role": "assistant", "content": escape_markdown(partial)}]
            yield streamed, turns, gr.skip(), gr.skip(), "", gr.skip()
            time.sleep(_STREAM_PAUSE)
        turns[-1] = {**turns[-1], "answer": answer}
        yield (_messages(turns), turns, render_sources(turn, answer), copy_text(question, answer), "", turn)

    def retry(turns: list[dict]):
        """Ask the last question again (after the archive changed, or to see it stream once more)."""
        if not turns:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        yield from respond(turns[-1]["question"], turns[:-1])

    def clear():
        return [], [], _SOURCES_EMPTY, "", "", None, ""

    def open_source(turns: list[dict], evt: gr.EventData):
        """A marker was clicked (select its source) or "Open article" (also show the article)."""
        try:
            turn, number = (int(part) for part in str(getattr(evt, "cite", "")).split("-", 1))
            answer = turns[turn]["answer"]
            passage = dict(_numbered(answer))[number]
        except (ValueError, IndexError, KeyError, TypeError):
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        if not getattr(evt, "open", False):
            return (render_sources(turn, answer, active=number), gr.skip(),
                    copy_text(turns[turn]["question"], answer), turn)
        try:
            article = render_article(passage.title, passage.date, passage.doc_id,
                                     archive.article_text(passage.doc_id), passage)
        except ChatbotError as error:
            article = _article_error(str(error))
        return (render_sources(turn, answer, active=number), article,
                copy_text(turns[turn]["question"], answer), turn)

    def open_document(evt: gr.EventData):
        """An article of the side panel was clicked: show it whole."""
        doc_id = str(getattr(evt, "doc", ""))
        info = next((a for a in archive.articles() if a.doc_id == doc_id), None)
        if info is None:
            return _article_error(f"There is no article {doc_id!r} in the index; pick one from the list.")
        try:
            return render_article(info.title, info.date, info.doc_id, archive.article_text(doc_id))
        except ChatbotError as error:
            return _article_error(str(error))

    def close_article():
        return ""

    def list_articles():
        try:
            return render_articles(archive.articles())
        except ChatbotError as error:
            return f'<p class="panel-title">Articles</p><p class="muted">{escape(str(error))}</p>'

    def ask(question: str, history: list[str] | None = None, k: int = 5) -> dict:
        """Answer a question from the news archive with numbered citations, or refuse when the articles do not say.

        Args:
            question: the question, e.g. "Who represented Gomes in court?".
            history: the conversation's earlier user questions, oldest first, so that follow-ups are understood.
            k: how many passages to consider, from 1 to 20.

        Returns:
            A dict: text (with [n] markers), refused, citations (numbered passages), suggestions, confidence, reason.
        """
        try:
            return answer_dict(archive.ask(question, history=history or None, k=_bounded(k)))
        except ChatbotError as error:
            raise gr.Error(str(error)) from None

    def retrieve(question: str, k: int = 5, history: list[str] | None = None) -> dict:
        """Find the passages of the news archive that best answer a question, best first.

        Args:
            question: the question, e.g. "Which judge threw out the primary?".
            k: how many passages, from 1 to 20.
            history: the conversation's earlier user questions, oldest first.

        Returns:
            A dict: passages, each with title, date, doc_id, text, highlight (the answering sentence) and score.
        """
        try:
            passages = archive.retrieve(question, k=_bounded(k), history=history or None)
        except ChatbotError as error:
            raise gr.Error(str(error)) from None
        return {"question": question, "passages": [passage_dict(p) for p in passages]}

    with ChatApp(title="News archive chat", analytics_enabled=False) as demo:
        turns = gr.State([])
        selected = gr.State(None)
        gr.Markdown("## News archive chat\nAsk about the indexed news articles. Every answer quotes an "
                    "article and cites it; click a marker such as **[1]** to read the passage in its article.")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=300):
                chat = gr.Chatbot(elem_id="chat", show_label=False, height="min(62vh, 640px)", min_height=260,
                                  latex_delimiters=[], buttons=[], feedback_options=None, layout="bubble",
                                  placeholder="Ask a question about the articles, or pick an example.")
                with gr.Row(equal_height=True):
                    box = gr.Textbox(label="Question", elem_id="question", show_label=False, lines=1, max_lines=4,
                                     scale=5, min_width=160, max_length=1000, autofocus=True,
                                     placeholder="Ask a question and press Enter")
                    send = gr.Button("Ask", elem_id="send", variant="primary", scale=1, min_width=70)
                with gr.Row():
                    retry_btn = gr.Button("Retry", elem_id="retry-btn", size="sm", min_width=70)
                    clear_btn = gr.Button("Clear", elem_id="clear-btn", size="sm", min_width=70)
                    copy_btn = gr.Button("Copy answer", elem_id="copy-btn", size="sm", min_width=100)
            with gr.Column(scale=2, min_width=260):
                sources = gr.HTML(_SOURCES_EMPTY, elem_id="sources", js_on_load=_SOURCES_JS, padding=True,
                                  container=True, max_height=620)
                with gr.Column(elem_id="examples"):
                    gr.Markdown("**Try asking**")
                    example_buttons = [gr.Button(text, size="sm") for text in EXAMPLES]
                articles = gr.HTML("", elem_id="articles", js_on_load=_ARTICLES_JS, padding=True, container=True)
        article = gr.HTML("", elem_id="article", js_on_load=_ARTICLE_JS)
        copied = gr.Textbox(label="Answer with sources", visible="hidden", elem_id="copy-text")

        chat_outputs = [chat, turns, sources, copied, box, selected]
        quiet = {"show_progress": "hidden", "api_visibility": "private"}
        box.submit(respond, [box, turns], chat_outputs, api_name="chat", api_visibility="undocumented",
                   show_progress="hidden")
        send.click(respond, [box, turns], chat_outputs, **quiet)
        for button in example_buttons:
            button.click(respond, [button, turns], chat_outputs, **quiet)
        retry_btn.click(retry, [turns], chat_outputs, **quiet)
        clear_btn.click(clear, None, [chat, turns, sources, copied, box, selected, article], **quiet)
        chat.clear(clear, None, [chat, turns, sources, copied, box, selected, article], **quiet)
        copy_btn.click(None, [copied], None, js=_COPY_JS, **quiet)
        sources.click(open_source, [turns], [sources, article, copied, selected], **quiet)
        articles.click(open_document, None, [article], **quiet)
        article.click(close_article, None, [article], **quiet)
        demo.load(list_articles, None, [articles], **quiet)
        gr.api(ask, api_name="ask")
        gr.api(retrieve, api_name="retrieve")
    demo.queue(default_concurrency_limit=CONCURRENCY)
    return demo


def _article_error(message: str) -> str:
    return render_article("Article unavailable", None, "-", message)


def _bounded(k) -> int:
    try:
        return min(max(int(k), 1), 20)
    except (TypeError, ValueError):
        raise gr.Error("k must be a whole number from 1 to 20.") from None


def _auth(settings: Settings) -> tuple[str, str] | None:
    if not settings.auth:
        return None
    user, sep, password = settings.auth.partition(":")
    if not sep or not user or not password:
        raise ChatbotError("CHATBOT_AUTH must look like user:password; fix or unset it.")
    return user, password


def _load_quietly(archive: Archive) -> None:
    try:
        archive.embedder.embed(["warm up"])
    except Exception:  # the same error reaches the reader, worded, with the first question
        pass


def serve(settings: Settings | None = None) -> None:
    """Bring the index up to date, then serve the web chat until interrupted.

    Args:
        settings: folders, and where to listen (`host`, `port`, optional `auth` as "user:password");
            default `Settings.from_env()`.

    Raises:
        ChatbotError: no usable articles or index, a bad `auth`, or the port is taken.
    """
    settings = settings or Settings.from_env()
    auth = _auth(settings)
    archive = Archive(settings, say=print)
    # The model loads while the index is brought up to date (a sync with nothing to do never needs it),
    # so the first question does not wait for both one after the other.
    threading.Thread(target=_load_quietly, args=(archive,), name="load-model", daemon=True).start()
    print(archive.index().summary())
    demo = create_app(archive)
    # Gradio's MCP tools call the app through a client that cannot log in, so behind a login they
    # would be listed but every call would fail; better to say so and leave them off.
    mcp = mcp_available() and auth is None
    if auth is not None:
        print("MCP server off: it cannot pass the CHATBOT_AUTH login; the page and the Gradio API need the login.")
    elif not mcp:
        print('MCP server off: the mcp package is missing; `make install` (or pip install "gradio[mcp]") adds it.')
    try:
        # quiet: Gradio's banner suggests `share=True`, which this app refuses; it says where it listens itself.
        demo.launch(server_name=settings.host, server_port=settings.port, auth=auth, mcp_server=mcp,
                    show_error=False, quiet=True, prevent_thread_lock=True)
    except OSError:
        raise ChatbotError(f"Cannot listen on {settings.host}:{settings.port} (the port is taken, or the address "
                           f"is not this machine's); pick another with CHATBOT_PORT or --port.") from None
    print(f"Serving the chat on {demo.local_url}" + (f" (MCP tools at {demo.local_url}gradio_api/mcp/)" if mcp else "")
          + "; press Ctrl+C to stop.", flush=True)
    try:
        demo.block_thread()
    finally:
        demo.close()
