"""Load: many concurrent chat sessions against the served web app, checked answer by answer.

    .venv/bin/python bench/load.py            # standalone: indexes a copy of seeds/ in a temporary folder
    (run.py calls `run_load_test` over the 4-article index it has already built)

A child process serves the app exactly as `chatbot serve` does (`Archive`, `index()`, `create_app`,
`launch`) on a free 127.0.0.1 port, with the queue's concurrency the app sets for itself. N sessions
(default 16), each its own `gradio_client.Client`, run conversations drawn from the golden questions for
at least 60 seconds:

- answerable and unanswerable questions, alone, through `/ask` (the JSON API) or the page's `/chat`;
- follow-up conversations (one or two earlier questions, then the follow-up) through `/chat`, whose
  history lives in the session's state; half of them through `/ask` with the history passed explicitly.

Every reply is compared with the answer the same question, with the same history, gets alone: before the
load starts, this process asks each of them once through `Archive.ask` over the same index. A `/chat`
reply must carry the same copy text (answer, numbered sources, quoted sentences), and its transcript must
hold exactly the session's own questions of the current conversation, so a leak between sessions shows.

Bounded: no new conversation starts after `seconds`, at most `max_requests` requests are sent, every
request times out after 60 s, and the server is stopped at the end whatever happens. Loopback only.

Environment (standalone and under run.py): BENCH_LOAD_SESSIONS (16), BENCH_LOAD_SECONDS (60),
BENCH_LOAD_MAX_REQUESTS (20000), BENCH_LOAD_CONCURRENCY (unset: the app's own setting).

What it leaves out: browsers (the page's JavaScript is not run) and other machines (loopback only).
"""

from __future__ import annotations

import os

os.environ.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", HF_HUB_DISABLE_TELEMETRY="1",
                  GRADIO_ANALYTICS_ENABLED="False", ANONYMIZED_TELEMETRY="False", TOKENIZERS_PARALLELISM="false",
                  NO_PROXY="localhost,127.0.0.1", no_proxy="localhost,127.0.0.1")

import html  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
GOLDEN = REPO / "tests" / "golden" / "questions.jsonl"
SEEDS = REPO / "seeds"
LOGS = BENCH / "results" / "tmp"
REQUEST_TIMEOUT = 60.0

sys.path.insert(0, str(BENCH))
from probe import peak_rss_mb, rss_mb  # noqa: E402


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile, as `chatbot.evaluation` computes it: [1, 2, 3, 4] at 0.5 -> 3."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


# -- the conversations ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Conversation:
    """Questions asked in order in one session; each later one has the earlier ones as its history."""

    kind: str  # answerable, unanswerable, followup
    channel: str  # "chat" (the page's endpoint, history in session state) or "ask" (history passed along)
    turns: tuple[str, ...]


def conversations(golden: Path = GOLDEN) -> dict[str, list[Conversation]]:
    """The golden questions as conversations, by kind; every one exists once per channel."""
    rows = [json.loads(line) for line in golden.read_text(encoding="utf-8").splitlines() if line.strip()]
    found: dict[str, list[Conversation]] = {"answerable": [], "unanswerable": [], "followup": []}
    for row in rows:
        turns = tuple([*(row.get("history") or []), row["question"]])
        kind = "followup" if row.get("history") else ("answerable" if row.get("answerable", True) else "unanswerable")
        for channel in ("chat", "ask"):
            found[kind].append(Conversation(kind, channel, turns))
    return found


MIX = {"answerable": 0.45, "unanswerable": 0.2, "followup": 0.35}


def pick(rng: random.Random, pool: dict[str, list[Conversation]]) -> Conversation:
    kind = rng.choices(list(MIX), weights=list(MIX.values()))[0]
    return rng.choice(pool[kind])


# -- answers, as compared ------------------------------------------------------------------------------
def comparable(answer: dict) -> dict:
    """What must be identical between a reply under load and the answer alone (floats left out)."""
    return {"text": answer["text"], "refused": answer["refused"],
            "citations": [(c["number"], c["doc_id"], c["start"], c["end"], c["highlight_start"], c["highlight_end"])
                          for c in answer["citations"]],
            "suggestions": [(p["doc_id"], p["start"], p["end"]) for p in answer["suggestions"]]}


def references(archive, pool: dict[str, list[Conversation]]) -> tuple[dict, dict]:
    """Each (question, history) of the pool asked alone through `archive.ask`: reply dicts and copy texts.

    Returns:
        ({(question, history): {"answer": comparable dict, "copy": copy text}}, timing summary).
    """
    from chatbot.ui import answer_dict, copy_text

    wanted = dict.fromkeys((c.turns[i], c.turns[:i]) for convs in pool.values() for c in convs
                           for i in range(len(c.turns)))
    found, seconds = {}, []
    for question, history in wanted:
        started = time.perf_counter()
        answer = archive.ask(question, history=list(history) or None)
        seconds.append(time.perf_counter() - started)
        found[(question, history)] = {"answer": comparable(answer_dict(answer)), "copy": copy_text(question, answer)}
    return found, {"questions": len(found), "ask_alone_p50_ms": round(statistics.median(seconds) * 1000, 1),
                   "ask_alone_p95_ms": round(percentile(seconds, 0.95) * 1000, 1)}


def user_texts(messages) -> list[str]:
    """The user turns of a `/chat` transcript, unescaped (the page escapes Markdown as entities)."""
    found = []
    for message in messages or []:
        if message.get("role") != "user":
            continue
        content = message.get("content")
        blocks = content if isinstance(content, list) else [content]
        for block in blocks:
            text = block.get("text", "") if isinstance(block, dict) else str(block)
            found.append(html.unescape(text))
    return found


# -- the sessions --------------------------------------------------------------------------------------
class Tally:
    """Counts and samples shared by the session threads."""

    def __init__(self, max_requests: int):
        self.lock = threading.Lock()
        self.max_requests = max_requests
        self.sent = 0
        self.latencies: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self.mismatches: list[dict] = []
        self.leaks: list[dict] = []
        self.conversations = {"answerable": 0, "unanswerable": 0, "followup": 0}
        self.checked = 0

    def reserve(self) -> bool:
        with self.lock:
            if self.sent >= self.max_requests:
                return False
            self.sent += 1
            return True

    def record(self, key: str, seconds: float) -> None:
        with self.lock:
            self.latencies.setdefault(key, []).append(seconds)


def session(number: int, url: str, pool, refs: dict, tally: Tally, deadline: float, stop: threading.Event) -> None:
    """One client: conversations until the deadline, every reply checked against its reference."""
    from gradio_client import Client

    rng = random.Random(f"load-session-{number}")
    try:
        client = Client(url, verbose=False, httpx_kwargs={"timeout": REQUEST_TIMEOUT})
    except Exception as error:  # noqa: BLE001 - a client that cannot connect is an error of the run
        with tally.lock:
            tally.errors.append(f"session {number}: cannot connect: {type(error).__name__}: {error}"[:300])
        return
    try:
        while time.monotonic() < deadline and not stop.is_set():
            conversation = pick(rng, pool)
            if conversation.channel == "chat":
                client.reset_session()  # a fresh conversation: empty history in the server's session state
            with tally.lock:
                tally.conversations[conversation.kind] += 1
            for turn, question in enumerate(conversation.turns):
                if not tally.reserve():
                    stop.set()
                    return
                history = conversation.turns[:turn]
                expected = refs[(question, history)]
                key = f"{conversation.channel}:{conversation.kind}"
                started = time.perf_counter()
                try:
                    if conversation.channel == "ask":
                        reply = client.predict(question, list(history), 5, api_name="/ask")
                    else:
                        reply = client.predict(question, api_name="/chat")
                except Exception as error:  # noqa: BLE001 - every failure of a request is counted
                    with tally.lock:
                        tally.errors.append(f"{key}: {type(error).__name__}: {error}"[:300])
                    break
                tally.record(key, time.perf_counter() - started)
                _check(number, conversation, turn, reply, expected, tally)
    finally:
        client.close()


def _check(number: int, conversation: Conversation, turn: int, reply, expected: dict, tally: Tally) -> None:
    question = conversation.turns[turn]
    problem = None
    if conversation.channel == "ask":
        got = comparable(reply)
        if got != expected["answer"]:
            problem = {"got": got["text"][:200], "expected": expected["answer"]["text"][:200]}
    else:
        messages, _sources, copied, _box = reply
        own = list(conversation.turns[:turn + 1])
        seen = user_texts(messages)
        if seen != own:
            with tally.lock:
                tally.leaks.append({"session": number, "expected_user_turns": own, "transcript_user_turns": seen})
        if copied != expected["copy"]:
            problem = {"got": str(copied)[:200], "expected": expected["copy"][:200]}
    with tally.lock:
        tally.checked += 1
        if problem:
            tally.mismatches.append({"session": number, "channel": conversation.channel, "question": question,
                                     "history": list(conversation.turns[:turn]), **problem})


# -- the server ----------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(articles: str, index: str, port: str, concurrency: str = "") -> None:
    """The child process: what `chatbot serve` does, on 127.0.0.1:`port` (optionally another queue limit)."""
    from chatbot import Archive, Settings
    from chatbot.ui import create_app

    settings = Settings.from_env(articles_dir=Path(articles), index_dir=Path(index), host="127.0.0.1", port=int(port))
    archive = Archive(settings, say=print)
    print(archive.index().summary(), flush=True)
    demo = create_app(archive)
    if concurrency:
        demo.queue(default_concurrency_limit=int(concurrency))
    demo.launch(server_name="127.0.0.1", server_port=int(port), quiet=True, show_error=False)


def start_server(folder: Path, *, concurrency: int | None = None, timeout: float = 240, log=print):
    """Start the app in a child process and wait until a client can connect; returns (process, url, seconds)."""
    from gradio_client import Client

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    LOGS.mkdir(parents=True, exist_ok=True)
    output = open(LOGS / "load-server.log", "w")
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "serve", str(folder / "articles"),
                                str(folder / "index"), str(port), str(concurrency or "")],
                               cwd=REPO, env=dict(os.environ), stdout=output, stderr=subprocess.STDOUT,
                               start_new_session=True)
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited with code {process.returncode}; see {LOGS / 'load-server.log'}")
        try:
            Client(url, verbose=False).close()
            return process, url, round(time.perf_counter() - started, 2)
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.3)
    stop_server(process)
    raise RuntimeError(f"the app did not answer within {timeout} s")


def stop_server(process) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# -- the run -------------------------------------------------------------------------------------------
def run_load_test(folder: Path, *, reference_archive=None, sessions: int = 16, seconds: float = 60,
                  max_requests: int = 20000, concurrency: int | None = None, log=print) -> dict:
    """Serve the archive in `folder` (its `articles/` and built `index/`) and load it; returns the results.

    Args:
        folder: holds `articles/` and an up-to-date `index/` (default collection prefix from the environment).
        reference_archive: an opened `Archive` over the same index for the answers alone; default opens one.
        sessions: concurrent client sessions.
        seconds: how long new conversations are started.
        max_requests: the most requests sent in all.
        concurrency: the queue's concurrency limit; None keeps the app's own.
        log: where progress lines go.

    Returns:
        Counts, latencies (ms) per channel and kind, errors, mismatches, leaks and the server's memory.
    """
    import chatbot.ui

    pool = conversations()
    if reference_archive is None:
        from chatbot import Archive, Settings

        reference_archive = Archive(Settings.from_env(articles_dir=folder / "articles", index_dir=folder / "index"),
                                    auto_index=False, say=lambda message: None)
    log(f"Load test: the answers alone to {sum(len(c) for c in pool.values()) // 2} conversations…")
    refs, alone = references(reference_archive, pool)
    log(f"  {alone['questions']} (question, history) pairs; ask alone p50 {alone['ask_alone_p50_ms']} ms")
    process, url, up = start_server(folder, concurrency=concurrency, log=log)
    result: dict = {"sessions": sessions, "seconds_planned": seconds, "max_requests": max_requests,
                    "queue_concurrency": concurrency or chatbot.ui.CONCURRENCY,
                    "queue_concurrency_source": "BENCH_LOAD_CONCURRENCY" if concurrency else "chatbot.ui.CONCURRENCY",
                    "mix": MIX, "server_up_seconds": up, "reference": alone}
    try:
        from gradio_client import Client

        warm = Client(url, verbose=False, httpx_kwargs={"timeout": 120})
        started = time.perf_counter()
        warm.predict("Which judge threw out the primary?", [], 5, api_name="/ask")
        warm.close()
        result["first_answer_seconds"] = round(time.perf_counter() - started, 2)
        result["rss_mb_before_load"] = rss_mb(process.pid)
        log(f"  server up in {up} s, first answer {result['first_answer_seconds']} s; {sessions} sessions for "
            f"{seconds:.0f} s (queue concurrency {result['queue_concurrency']})…")
        tally = Tally(max_requests)
        stop = threading.Event()
        rss_samples: list[float] = []
        began = time.monotonic()
        deadline = began + seconds
        threads = [threading.Thread(target=session, args=(n, url, pool, refs, tally, deadline, stop), daemon=True)
                   for n in range(sessions)]
        for thread in threads:
            thread.start()
        hard_stop = deadline + 3 * REQUEST_TIMEOUT
        while any(t.is_alive() for t in threads) and time.monotonic() < hard_stop:
            rss = rss_mb(process.pid)
            if rss:
                rss_samples.append(rss)
            time.sleep(0.5)
        stop.set()
        for thread in threads:
            thread.join(timeout=5)
        elapsed = time.monotonic() - began
        result.update(_summary(tally, elapsed, [t for t in threads if t.is_alive()]))
        result["server_peak_rss_mb"] = peak_rss_mb(process.pid)
        result["server_rss_mb_max_sampled"] = max(rss_samples) if rss_samples else None
        result["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
        log(f"  {result['requests']} requests in {result['seconds']} s ({result['requests_per_second']}/s), "
            f"{result['errors']} errors, {result['mismatches']} answers differing from alone, {result['leaks']} "
            f"transcripts with another session's turns; p50 {result['latency_ms']['all']['p50']} ms, p95 "
            f"{result['latency_ms']['all']['p95']} ms; server peak RSS {result['server_peak_rss_mb']} MiB")
    finally:
        stop_server(process)
    return result


def _summary(tally: Tally, elapsed: float, stuck: list) -> dict:
    def stats(values: list[float]) -> dict:
        return {"n": len(values), "p50": round(statistics.median(values) * 1000, 1) if values else None,
                "p95": round(percentile(values, 0.95) * 1000, 1) if values else None,
                "max": round(max(values) * 1000, 1) if values else None}

    everything = [v for values in tally.latencies.values() for v in values]
    by_channel: dict[str, list[float]] = {}
    for key, values in tally.latencies.items():
        by_channel.setdefault(key.split(":")[0], []).extend(values)
    answered = len(everything)
    return {"requests": tally.sent, "answered": answered, "checked": tally.checked, "seconds": round(elapsed, 1),
            "requests_per_second": round(answered / elapsed, 2) if elapsed else None,
            "conversations": tally.conversations, "errors": len(tally.errors), "error_samples": tally.errors[:5],
            "mismatches": len(tally.mismatches), "mismatch_samples": tally.mismatches[:3],
            "leaks": len(tally.leaks), "leak_samples": tally.leaks[:3], "stuck_sessions": len(stuck),
            "latency_ms": {"all": stats(everything), **{k: stats(v) for k, v in sorted(by_channel.items())},
                           **{k: stats(v) for k, v in sorted(tally.latencies.items())}}}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def options() -> dict:
    """The load test's settings from BENCH_LOAD_* (sessions, seconds, max_requests, concurrency)."""
    return {"sessions": _env_int("BENCH_LOAD_SESSIONS", 16), "seconds": _env_int("BENCH_LOAD_SECONDS", 60),
            "max_requests": _env_int("BENCH_LOAD_MAX_REQUESTS", 20000),
            "concurrency": _env_int("BENCH_LOAD_CONCURRENCY", 0) or None}


def main() -> int:
    root = Path(tempfile.mkdtemp(prefix="chatbot-load-"))
    try:
        shutil.copytree(SEEDS, root / "articles")
        from chatbot import Archive, Settings

        archive = Archive(Settings.from_env(articles_dir=root / "articles", index_dir=root / "index"),
                          say=lambda message: None)
        print(archive.index().summary(), flush=True)
        result = run_load_test(root, reference_archive=archive, **options())
        print(json.dumps(result, indent=2, ensure_ascii=False))
        ok = not (result["errors"] or result["mismatches"] or result["leaks"] or result["stuck_sessions"])
        return 0 if ok else 1
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(*sys.argv[2:])
    else:
        sys.exit(main())
