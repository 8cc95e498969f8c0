"""The Python API with the real model, on an embedded Chroma and on a real `chroma run` server."""

import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import chatbot
from chatbot import Archive, ChatbotError, Settings

from conftest import SEEDS, free_port, seeded_archive

pytestmark = pytest.mark.model


def start_chroma(path: Path, port: int) -> subprocess.Popen:
    """Start `chroma run` on loopback and wait for its heartbeat."""
    binary = Path(sys.executable).parent / "chroma"
    process = subprocess.Popen([str(binary), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("chroma run did not start within 60 s")


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    port = free_port()
    process = start_chroma(tmp_path_factory.mktemp("chroma-server"), port)
    yield f"http://127.0.0.1:{port}", process, port
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="module", params=["embedded", "server"])
def archive(request, tmp_path_factory, real_embedder):
    server = {"chroma_url": request.getfixturevalue("chroma_server")[0]} if request.param == "server" else {}
    return seeded_archive(tmp_path_factory.mktemp(request.param), real_embedder, **server)


def test_retrieve_returns_exact_cited_passages_best_first(archive):
    passages = archive.retrieve("Which judge threw out the primary?", k=5)
    assert 1 <= len(passages) <= 5
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)
    assert "William Clark" in passages[0].text
    for passage in passages:
        text = (archive.settings.articles_dir / f"{passage.doc_id}.txt").read_text(encoding="utf-8")
        assert text[passage.start:passage.end] == passage.text and passage.title


def test_ask_quotes_the_answer_with_its_citation(archive):
    answer = archive.ask("By how many votes did Ganim defeat Gomes in the September primary?")
    assert not answer.refused and "251" in answer.text and "[1]" in answer.text
    assert answer.citations[0].number == 1 and "251" in answer.citations[0].passage.text


def test_a_followup_is_answered_in_context(archive):
    alone = archive.ask("Who nominated him?")
    answer = archive.ask("Who nominated him?", history=["Which judge threw out the primary?"])
    assert "Lamont" in answer.text and not answer.refused
    assert "Lamont" not in alone.text or alone.refused or alone.citations[0] != answer.citations[0]


def test_he_is_the_person_the_earlier_question_asked_for_not_anyone_its_answer_names(archive):
    # the answer to the first names Judge William Clark and Mayor Joe Ganim: "him" is the judge asked for
    turns = ["Which judge tossed out the September primary results?", "who nominated him?"]
    assert "Lamont" in archive.ask(turns[1], history=turns[:1]).text
    assert "2021" in archive.ask("what year was that?", history=turns).text


def test_he_is_read_from_the_sentence_the_earlier_answer_quoted(archive):
    # the best-ranked passage for the first names Gomes; the answer quotes the one naming Judge Clark
    turns = ["Who is the judge in the case?"]
    assert "Judge William Clark" in archive.ask(turns[0]).text
    assert "Lamont" in archive.ask("who nominated him?", history=turns).text


def test_after_who_won_he_is_the_first_person_the_answer_names_that_the_question_did_not(archive):
    # answered by a sentence naming Ganim by surname only ("... Ganim said", "Ganim defeated ...")
    turns = ["Who won the fourth round of voting in Bridgeport?"]
    first = archive.ask(turns[0]).text
    assert "Ganim" in first and "Joe Ganim" not in first
    assert "eighth term" in archive.ask("what term would he be starting now?", history=turns).text


def test_what_did_he_say_after_someone_spoke_asks_for_that_speakers_words(archive):
    # answered by "..., Gomes said he will not concede ...": "he" is Gomes, not his lawyer
    turns = ["What did Gomes say after Ganim declared victory in the primary do-over?"]
    answer = archive.ask("what did he say his campaign will do?", history=turns)
    assert "sit down and evaluate" in answer.text and "Bloss" not in answer.text


def test_gradio_style_history_works_too(archive):
    history = [{"role": "user", "content": "Which judge threw out the primary?"},
               {"role": "assistant", "content": "Superior Court Judge William Clark ... [1]"}]
    assert "Lamont" in archive.ask("Who nominated him?", history=history).text


def test_an_off_topic_question_is_refused_without_a_claim(archive):
    answer = archive.ask("What is a good recipe for banana bread?")
    assert answer.refused and answer.citations == () and "couldn't find" in answer.text


@pytest.mark.parametrize("question", ["", "   ", "\x00\x01"])
def test_empty_questions_are_one_clear_error(archive, question):
    with pytest.raises(ChatbotError, match="empty"):
        archive.ask(question)


def test_a_question_of_100000_characters_is_handled(archive):
    answer = archive.ask("Which judge threw out the primary? " + "x" * 100_000)
    assert isinstance(answer.text, str)


@pytest.mark.server
def test_server_down_is_one_sentence_and_the_archive_recovers(tmp_path, real_embedder):
    port = free_port()
    path = tmp_path / "server"
    process = start_chroma(path, port)
    shutil.copytree(SEEDS, tmp_path / "articles")
    settings = Settings(articles_dir=tmp_path / "articles", index_dir=tmp_path / "index",
                        chroma_url=f"http://127.0.0.1:{port}")
    archive = Archive(settings, embedder=real_embedder, say=lambda m: None)
    archive.index()
    assert archive.retrieve("Which judge threw out the primary?")
    process.terminate()
    process.wait(10)
    with pytest.raises(ChatbotError, match="Chroma server .* is not answering"):
        archive.retrieve("Which judge threw out the primary?")
    process = start_chroma(path, port)
    try:
        assert "William Clark" in archive.retrieve("Which judge threw out the primary?")[0].text
    finally:
        process.terminate()
        process.wait(10)


def test_module_level_functions_use_the_default_archive(tmp_path, monkeypatch, real_embedder):
    shutil.copytree(SEEDS, tmp_path / "articles")
    monkeypatch.setenv("CHATBOT_ARTICLES", str(tmp_path / "articles"))
    monkeypatch.setenv("CHATBOT_INDEX", str(tmp_path / "index"))
    monkeypatch.setattr(chatbot, "_default", Archive(embedder=real_embedder, say=lambda m: None))
    passages = chatbot.retrieve("Which judge threw out the primary?", k=2)
    answer = chatbot.ask("Who nominated him?", history=["Which judge threw out the primary?"])
    assert len(passages) == 2 and "Lamont" in answer.text
