"""Evaluation: score an archive on a golden-question file and report it as a table and JSON.

The file is JSON Lines, one question per line:
`{"id", "question", "history": [...], "doc_ids": [...], "answers": [...], "answerable": true}` with an
optional `"type"` (factoid, paraphrase, followup, unanswerable) for per-type rows. `answers` are
acceptable substrings of a correct answer (matched case-insensitively, curly quotes folded).

Metrics, over answerable questions unless said otherwise:
- hit@k: a top-k passage contains an acceptable answer; MRR: mean of 1/rank of the first such passage;
- accuracy: the answer text contains an acceptable answer; first-sentence accuracy: its first sentence does;
- refusal precision/recall over all questions (a refusal is right when the question is unanswerable);
- latency p50/p95 of `ask` in milliseconds.

What it leaves out: judging wording or fluency; it only checks that the facts are there.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ChatbotError

__all__ = ["GoldenQuestion", "load_golden", "evaluate", "format_report"]


@dataclass(frozen=True)
class GoldenQuestion:
    """One line of a golden file."""

    id: str
    question: str
    history: list[str] = field(default_factory=list)
    doc_ids: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    answerable: bool = True
    type: str = ""


def load_golden(path: Path) -> list[GoldenQuestion]:
    """Read a golden file.

    Raises:
        ChatbotError: the file is missing or a line is not a valid question object (names the line).
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ChatbotError(f"Cannot read the golden file {path} ({type(error).__name__}); check the path.") from None
    questions = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            item = GoldenQuestion(id=str(data["id"]), question=data["question"], history=list(data.get("history") or []),
                                  doc_ids=list(data.get("doc_ids") or []), answers=list(data.get("answers") or []),
                                  answerable=bool(data.get("answerable", True)),
                                  type=data.get("type") or ("unanswerable" if not data.get("answerable", True) else ""))
        except (ValueError, KeyError, TypeError) as error:
            raise ChatbotError(f"Line {number} of {path} is not a golden question ({error}); "
                               "each line needs at least \"id\" and \"question\".") from None
        questions.append(item)
    if not questions:
        raise ChatbotError(f"The golden file {path} has no questions; add JSON lines to it.")
    return questions


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower().replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"'))


def _contains(text: str, answers: list[str]) -> bool:
    folded = _fold(text)
    return any(_fold(a) in folded for a in answers)


def _first_sentence(text: str) -> str:
    return text.split(" [1]")[0] + " [1]" if " [1]" in text else text


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def evaluate(archive, questions: list[GoldenQuestion], *, k: int = 3, progress=None) -> dict:
    """Run every question through `archive` and compute the metrics.

    Args:
        archive: an `Archive` (or anything with `evidence` and `ask`).
        questions: the golden questions.
        k: the cut-off of hit@k.
        progress: optional callable(done, total) after each question.

    Returns:
        {"overall": metrics, "by_type": {type: metrics}, "questions": per-question rows, "k": k}.
    """
    rows = []
    archive.warm()
    for done, item in enumerate(questions, 1):
        started = time.perf_counter()
        answer = archive.ask(item.question, history=item.history, k=max(k, 5))
        latency = (time.perf_counter() - started) * 1000
        passages = archive.retrieve(item.question, history=item.history, k=k)
        rank = next((n for n, p in enumerate(passages, 1) if _contains(p.text, item.answers)), None)
        rows.append({"id": item.id, "type": item.type, "question": item.question, "answerable": item.answerable,
                     "rank": rank, "refused": answer.refused, "correct": (not answer.refused) and _contains(answer.text, item.answers),
                     "first_correct": (not answer.refused) and _contains(_first_sentence(answer.text), item.answers),
                     "confidence": answer.confidence, "reason": answer.reason, "answer": answer.text,
                     "latency_ms": round(latency, 1)})
        if progress:
            progress(done, len(questions))
    types = sorted({r["type"] for r in rows if r["type"]})
    return {"k": k, "overall": _metrics(rows), "by_type": {t: _metrics([r for r in rows if r["type"] == t]) for t in types},
            "questions": rows}


def _metrics(rows: list[dict]) -> dict:
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    refused = [r for r in rows if r["refused"]]
    latencies = [r["latency_ms"] for r in rows]

    def share(part, whole):
        return round(len(part) / len(whole), 4) if whole else None

    return {
        "questions": len(rows),
        "hit@k": share([r for r in answerable if r["rank"]], answerable),
        "mrr": round(sum(1 / r["rank"] for r in answerable if r["rank"]) / len(answerable), 4) if answerable else None,
        "accuracy": share([r for r in answerable if r["correct"]], answerable),
        "first_sentence_accuracy": share([r for r in answerable if r["first_correct"]], answerable),
        "refusal_precision": share([r for r in refused if not r["answerable"]], refused),
        "refusal_recall": share([r for r in unanswerable if r["refused"]], unanswerable),
        "false_refusals": share([r for r in answerable if r["refused"]], answerable),
        "latency_p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "latency_p95_ms": round(_percentile(latencies, 0.95), 1) if latencies else None,
    }


def format_report(report: dict) -> str:
    """The metrics as a plain-text table, one row overall and one per question type."""
    k = report["k"]
    columns = [("questions", "n"), ("hit@k", f"hit@{k}"), ("mrr", "MRR"), ("accuracy", "acc"),
               ("first_sentence_accuracy", "acc@1st"), ("refusal_precision", "ref.P"), ("refusal_recall", "ref.R"),
               ("false_refusals", "false.ref"), ("latency_p50_ms", "p50 ms"), ("latency_p95_ms", "p95 ms")]

    def cell(key, value):
        if value is None:
            return "-"
        if key in ("questions", "latency_p50_ms", "latency_p95_ms"):
            return str(value)
        return f"{value:.2f}" if key == "mrr" else f"{value:.0%}"

    rows = [["overall", *[cell(key, report["overall"][key]) for key, _ in columns]]]
    rows += [[name, *[cell(key, m[key]) for key, _ in columns]] for name, m in report["by_type"].items()]
    header = ["", *[title for _, title in columns]]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(v).rjust(w) for v, w in zip(r, widths)) for r in [header, *rows]]
    return "\n".join(lines)
