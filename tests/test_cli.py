"""The CLI as a user runs it: one sentence and exit code 2 for their mistakes, never a traceback."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SEEDS

CHATBOT = Path(sys.executable).parent / "chatbot"


def run(*args, env=None, timeout=180):
    return subprocess.run([str(CHATBOT), *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def test_help_is_fast_and_lists_the_commands():
    started = time.perf_counter()
    result = run("--help")
    assert result.returncode == 0
    for command in ("index", "ask", "serve", "eval"):
        assert command in result.stdout
    assert time.perf_counter() - started < 30  # generous: it must not import torch, but CI machines vary


def test_a_missing_articles_folder_is_one_sentence(tmp_path):
    result = run("--articles", str(tmp_path / "nope"), "--index", str(tmp_path / "index"), "index")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("Error: The articles folder") and len(result.stderr.strip().splitlines()) == 1


def test_a_bad_golden_file_is_one_sentence(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    result = run("--articles", str(SEEDS), "--index", str(tmp_path / "index"), "eval", str(bad))
    assert result.returncode == 2 and "Line 1 of" in result.stderr and "Traceback" not in result.stderr


def test_one_report_path_for_several_files_is_one_sentence(tmp_path):
    golden = tmp_path / "a.jsonl"
    golden.write_text('{"id": "x", "question": "Who won?", "answers": ["Ganim"], "answerable": true}\n', encoding="utf-8")
    result = run("--articles", str(SEEDS), "--index", str(tmp_path / "index"), "eval", str(golden), str(golden),
                 "--out", str(tmp_path / "r.json"))
    assert result.returncode == 2 and "--out names the report of one file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "r.json").exists()


@pytest.mark.model
def test_eval_scores_each_file_on_its_own(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "articles")
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text('{"id": "a", "question": "Which judge threw out the primary?", "answers": ["Clark"], '
                     '"answerable": true}\n', encoding="utf-8")
    second.write_text('{"id": "b", "question": "How do I renew my passport?", "answerable": false}\n', encoding="utf-8")
    result = run("--articles", str(tmp_path / "articles"), "--index", str(tmp_path / "index"), "eval",
                 str(first), str(second))
    assert result.returncode == 0, result.stderr
    assert f"{first} (1 question)" in result.stdout and f"{second} (1 question)" in result.stdout
    assert first.with_suffix(".report.json").exists() and second.with_suffix(".report.json").exists()


@pytest.mark.model
def test_index_then_ask_prints_the_answer_and_its_sources(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "articles")
    (tmp_path / "articles" / "empty.txt").write_text("", encoding="utf-8")
    paths = ["--articles", str(tmp_path / "articles"), "--index", str(tmp_path / "index")]
    built = run(*paths, "index")
    assert built.returncode == 0, built.stderr
    assert "4 articles" in built.stdout and "Skipped empty.txt: it has no text." in built.stderr
    again = run(*paths, "index")
    assert "(" not in again.stdout.split("chunks")[1].split("in")[0]  # nothing added, updated or removed
    answer = run(*paths, "ask", "Who nominated him?", "--history", "Which judge threw out the primary?")
    assert answer.returncode == 0, answer.stderr
    assert "Lamont" in answer.stdout and "Sources:" in answer.stdout and "[1]" in answer.stdout
    empty = run(*paths, "ask", "   ")
    assert empty.returncode == 2 and empty.stderr.strip() == "Error: The question is empty; type a question about the articles."
