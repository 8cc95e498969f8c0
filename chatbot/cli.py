"""CLI: `chatbot index | ask | serve | eval`, a thin client of `Archive`.

Errors a user can cause end in one sentence on stderr and exit code 2, never a traceback. Heavy
libraries (torch, Chroma, Gradio) load only inside the command that needs them, so `chatbot --help`
answers at once.

What it leaves out: any logic of its own; every verb is one call into the library.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .config import REPO_ROOT, Settings
from .errors import ChatbotError

__all__ = ["main"]

DEFAULT_GOLDEN = REPO_ROOT / "tests" / "golden" / "questions.jsonl"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chatbot", description="Cited answers from a folder of news articles.")
    parser.add_argument("--articles", type=Path, help="articles folder (default: CHATBOT_ARTICLES or seeds/)")
    parser.add_argument("--index", type=Path, help="index folder (default: CHATBOT_INDEX or index/)")
    commands = parser.add_subparsers(dest="command", required=True)
    index = commands.add_parser("index", help="build or update the index (only changed articles are embedded)")
    index.add_argument("--rebuild", action="store_true", help="discard the index and embed everything again")
    ask = commands.add_parser("ask", help="answer one question with its sources")
    ask.add_argument("question")
    ask.add_argument("--history", action="append", default=[], metavar="QUESTION",
                     help="an earlier question of the conversation (repeat, oldest first)")
    ask.add_argument("-k", type=int, default=5, help="passages to consider (default 5)")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    serve = commands.add_parser("serve", help="serve the web chat (same as `python app.py`)")
    serve.add_argument("--host", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default 7860)")
    evaluate = commands.add_parser("eval", help="score the golden questions")
    evaluate.add_argument("files", nargs="*", type=Path, metavar="FILE",
                          help=f"JSONL golden files, each scored on its own (default {DEFAULT_GOLDEN.name})")
    evaluate.add_argument("-k", type=int, default=3, help="cut-off for hit@k (default 3)")
    evaluate.add_argument("--out", type=Path, help="where to write the JSON report of one FILE (default: next to it)")
    return parser


def _settings(args) -> Settings:
    overrides = {}
    if args.articles:
        overrides["articles_dir"] = args.articles
    if args.index:
        overrides["index_dir"] = args.index
    if getattr(args, "host", None):
        overrides["host"] = args.host
    if getattr(args, "port", None):
        overrides["port"] = args.port
    return Settings.from_env(**overrides)


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 2 a user error with its sentence on stderr)."""
    args = _parser().parse_args(argv)
    try:
        settings = _settings(args)
        if args.command == "serve":
            from .ui import serve

            serve(settings)
            return 0
        from .archive import Archive

        archive = Archive(settings, progress=args.command == "index", say=_say)
        if args.command == "index":
            print(archive.index(rebuild=args.rebuild).summary())
        elif args.command == "ask":
            _print_answer(archive.ask(args.question, history=args.history, k=args.k), as_json=args.json)
        elif args.command == "eval":
            _evaluate(archive, args)
        return 0
    except ChatbotError as error:
        _say(f"Error: {error}")
        return 2
    except KeyboardInterrupt:
        _say("Interrupted.")
        return 130


def _print_answer(answer, *, as_json: bool) -> None:
    from .answer import quoted

    if as_json:
        from dataclasses import asdict

        print(json.dumps(asdict(answer), indent=2, ensure_ascii=False))
        return
    print(answer.text)
    sources = answer.citations or answer.suggestions
    if sources:
        print("\nYou may mean:" if answer.refused else "\nSources:")
    for number, item in enumerate(sources, 1):
        passage = getattr(item, "passage", item)
        print(f"[{getattr(item, 'number', number)}] {passage.title} ({passage.date or 'undated'}, {passage.doc_id})")
        print(f"    {quoted(passage.highlight)}")


def _evaluate(archive, args) -> None:
    from .evaluation import evaluate, format_report, load_golden

    files = args.files or [DEFAULT_GOLDEN]
    if args.out and len(files) > 1:
        raise ChatbotError("--out names the report of one file; give one FILE with it, or leave it out to write "
                           "each report next to its file.")
    sets = [(path, load_golden(path)) for path in files]  # every file read before the first is scored

    def progress(done, total):
        if sys.stderr.isatty():
            print(f"\rEvaluating {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    for number, (path, questions) in enumerate(sets):
        if len(sets) > 1:
            count = f"{len(questions)} question{'' if len(questions) == 1 else 's'}"
            print(f"{chr(10) if number else ''}{path} ({count})")
        report = evaluate(archive, questions, k=args.k, progress=progress)
        out = args.out or path.with_suffix(".report.json")
        out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(format_report(report))
        print(f"\nPer-question results: {out}")


if __name__ == "__main__":
    sys.exit(main())
