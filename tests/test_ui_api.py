"""The web chat served for real and driven through its Gradio API, as a program or an MCP bridge would.

`create_app` runs on 127.0.0.1 (a free port) over an index of the seed articles built in tmp_path
with the real model, with Gradio's MCP server on; `gradio_client` asks through `/ask`, `/retrieve`
and the page's own `/chat`, whose history lives in per-session state, and an MCP client lists and
calls the `ask` and `retrieve` tools.
"""

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "localhost,127.0.0.1"
os.environ["HF_HUB_OFFLINE"] = "1"

import asyncio  # noqa: E402
import html  # noqa: E402
import json  # noqa: E402
import urllib.request  # noqa: E402

import pytest  # noqa: E402
from gradio_client import Client  # noqa: E402

from conftest import free_port, seeded_archive  # noqa: E402
from chatbot import Archive  # noqa: E402
from chatbot.answer import NOT_FOUND  # noqa: E402
from chatbot.ui import EXAMPLES, create_app  # noqa: E402

pytestmark = [pytest.mark.model,
              pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]

JUDGE = "Which judge threw out the primary?"
VOTES = "How many votes did Ganim win the September primary by?"
FOLLOW_UP = "Who nominated him?"


@pytest.fixture(scope="module")
def archive(tmp_path_factory, real_embedder) -> Archive:
    return seeded_archive(tmp_path_factory.mktemp("ui_api"), real_embedder)


@pytest.fixture(scope="module")
def url(archive):
    demo = create_app(archive)
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, mcp_server=True)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


def client(url: str) -> Client:
    return Client(url, verbose=False)


def chat(session: Client, message: str) -> tuple[list[dict], str]:
    """Send one chat message; returns the session's transcript and the answer's copy text."""
    messages, _sources, copied, _box = session.predict(message, api_name="/chat")
    return messages, copied


def user_texts(messages: list[dict]) -> list[str]:
    return [html.unescape(block["text"]) for m in messages if m["role"] == "user" for block in m["content"]]


def test_only_ask_and_retrieve_are_documented(url):
    endpoints = client(url).view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert set(endpoints) == {"/ask", "/retrieve"}


def test_answerable_question_returns_cited_sources(url):
    answer = client(url).predict("Who represented Gomes in court?", api_name="/ask")
    json.dumps(answer)
    assert not answer["refused"]
    assert "Bloss" in answer["text"] and "[1]" in answer["text"]
    first = answer["citations"][0]
    assert first["number"] == 1 and first["title"] and "date" in first and first["doc_id"]
    assert "Bloss" in first["highlight"]
    assert first["text"][first["highlight_start"] - first["start"]:first["highlight_end"] - first["start"]] \
        == first["highlight"]


def test_unanswerable_question_is_refused_with_suggestions(url):
    answer = client(url).predict("What is the capital of France?", api_name="/ask")
    assert answer["refused"]
    assert answer["text"] == NOT_FOUND == "I couldn't find that in the articles."
    assert answer["citations"] == []
    assert answer["suggestions"] and all(s["title"] for s in answer["suggestions"])


def test_examples_on_the_page_are_answered(url):
    session = client(url)
    for question in EXAMPLES:
        answer = session.predict(question, api_name="/ask")
        assert not answer["refused"], (question, answer["reason"])
        assert answer["citations"], question


def test_retrieve_returns_passages_best_first(url):
    found = client(url).predict(JUDGE, 3, api_name="/retrieve")
    passages = found["passages"]
    assert len(passages) == 3
    assert [p["score"] for p in passages] == sorted((p["score"] for p in passages), reverse=True)
    assert any("Clark" in p["highlight"] for p in passages)


def test_follow_up_is_answered_in_context(url):
    answer = client(url).predict(FOLLOW_UP, [JUDGE], api_name="/ask")
    assert not answer["refused"]
    assert "Lamont" in answer["text"]


def test_chat_follow_up_uses_the_sessions_own_history(url, archive):
    session = client(url)
    chat(session, JUDGE)
    messages, copied = chat(session, FOLLOW_UP)
    assert user_texts(messages) == [JUDGE, FOLLOW_UP]
    assert "Lamont" in copied
    assert f"A: {archive.ask(FOLLOW_UP, history=[JUDGE]).text}" in copied


def test_two_sessions_keep_separate_histories(url, archive):
    first, second = client(url), client(url)
    chat(first, JUDGE)
    chat(second, VOTES)
    first_messages, first_copy = chat(first, FOLLOW_UP)
    second_messages, second_copy = chat(second, FOLLOW_UP)
    assert user_texts(first_messages) == [JUDGE, FOLLOW_UP]
    assert user_texts(second_messages) == [VOTES, FOLLOW_UP]
    assert f"A: {archive.ask(FOLLOW_UP, history=[JUDGE]).text}" in first_copy
    assert f"A: {archive.ask(FOLLOW_UP, history=[VOTES]).text}" in second_copy


def test_empty_question_is_one_sentence_error(url):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="empty"):
        client(url).predict("   ", api_name="/ask")


def test_mcp_schema_lists_ask_and_retrieve(url):
    with urllib.request.urlopen(f"{url}gradio_api/mcp/schema", timeout=30) as response:
        tools = {tool["name"]: tool for tool in json.load(response)}
    assert set(tools) == {"ask", "retrieve"}
    assert tools["ask"]["inputSchema"]["required"] == ["question"]
    assert set(tools["ask"]["inputSchema"]["properties"]) == {"question", "history", "k"}
    assert "citations" in tools["ask"]["description"]
    assert set(tools["retrieve"]["inputSchema"]["properties"]) == {"question", "k", "history"}


def test_mcp_client_calls_the_tools(url):
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async def session_calls():
        async with streamable_http_client(f"{url}gradio_api/mcp/") as (read, write, _):
            async with ClientSession(read, write) as session:
                await session.initialize()
                listed = await session.list_tools()
                asked = await session.call_tool("ask", {"question": "Who represented Gomes in court?"})
                found = await session.call_tool("retrieve", {"question": JUDGE, "k": 2})
                return [tool.name for tool in listed.tools], asked, found

    names, asked, found = asyncio.run(session_calls())
    assert sorted(names) == ["ask", "retrieve"]
    assert not asked.isError and "Bloss" in asked.content[0].text and "[1]" in asked.content[0].text
    assert not found.isError and "Clark" in found.content[0].text
