"""Run a question set through an assistant and score it: per-question results and aggregated metrics.

>>> from rag import Assistant
>>> from eval.run import evaluate
>>> from eval.sets import load_set
>>> result = evaluate(Assistant("my-index"), load_set("eval/seed_set.jsonl"))  # doctest: +SKIP
>>> result["metrics"]["overall"]["correctness"], result["metrics"]["by_language"]["en"]["recall@5"]  # doctest: +SKIP

`evaluate` needs only `assistant.retrieve(question, top_k)`, `assistant.answer(question, top_k)` and
`assistant.embedder`, so any configuration (another embedder, chunk size, answerer) is evaluated the
same way. The result is a plain dict (written as JSON by `eval.report`).
"""

from __future__ import annotations

import datetime as dt
import math
import platform
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from rag.assistant import BadQuestion
from rag.support import SupportChecker

from . import metrics as m
from .sets import EvalSet, Question

# (name, label, higher is better) in display order; names are the keys of floors.json.
METRICS: list[tuple[str, str, bool]] = [
    ("recall@1", "retrieval recall@1", True),
    ("recall@3", "retrieval recall@3", True),
    ("recall@5", "retrieval recall@5", True),
    ("recall@10", "retrieval recall@10", True),
    ("mrr", "retrieval MRR@10", True),
    ("ndcg@10", "retrieval nDCG@10", True),
    ("correctness", "answer correct (keys)", True),
    ("citation_recall", "citation recall (ALCE)", True),
    ("citation_precision", "citation precision (ALCE)", True),
    ("citation_gold", "citations on gold paragraphs", True),
    ("answer_support", "answers fully supported", True),
    ("language_match", "answer language = question's", True),
    ("refusal_precision", "refusal precision", True),
    ("refusal_recall", "refusal recall", True),
    ("false_refusal_rate", "false refusals (answerable)", False),
    ("refusal_accuracy", "refusal accuracy", True),
    ("pass_rate", "questions passed", True),
]
HIGHER_IS_BETTER = {name: up for name, _, up in METRICS}
RETRIEVAL_DEPTH = 10


def evaluate(
    assistant,
    eval_set: EvalSet,
    *,
    top_k: int = 5,
    checker: SupportChecker | None = None,
    progress: bool = False,
    on_question: Callable[[int, int], None] | None = None,
) -> dict:
    """Ask every question of the set; returns {"meta", "metrics", "questions"} (see eval/README.md)."""
    if checker is None:
        checker = SupportChecker(assistant.embedder)
    started, t0, commit = dt.datetime.now(dt.UTC), time.perf_counter(), _git_commit()
    rows = []
    questions = eval_set.questions
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(questions), desc=f"eval {eval_set.name}", unit=" questions", dynamic_ncols=True)
    for i, q in enumerate(questions, 1):
        rows.append(evaluate_question(assistant, q, top_k=top_k, checker=checker))
        if bar:
            bar.update()
        if on_question:
            on_question(i, len(questions))
    if bar:
        bar.close()
    seconds = time.perf_counter() - t0
    totals = sorted(r["timings_ms"].get("total", 0.0) for r in rows if r["timings_ms"])
    index = getattr(assistant, "index", None)
    meta = {
        "set": eval_set.name,
        "set_path": str(eval_set.path),
        "format": eval_set.format,
        "questions": len(rows),
        "index": str(getattr(index, "dir", "")),
        "embedder": getattr(assistant.embedder, "name", type(assistant.embedder).__name__),
        "answerer": type(getattr(assistant, "answerer", assistant)).__name__,
        "top_k": top_k,
        "support_checker": {
            "lexical_min": checker.lexical_min,
            "dense_min": checker.dense_min,
            "arabic_share_max": checker.arabic_share_max,
            "weights": "idf" if checker.weights else "uniform",
        },
        "commit": commit,
        "python": platform.python_version(),
        "started": started.isoformat(timespec="seconds"),
        "seconds": round(seconds, 1),
        "latency_ms": {
            "mean": round(sum(totals) / len(totals), 1) if totals else None,
            "p50": _percentile(totals, 50),
            "p95": _percentile(totals, 95),
        },
    }
    return {"meta": meta, "metrics": aggregate_groups(rows), "questions": rows}


def evaluate_question(assistant, q: Question, *, top_k: int, checker: SupportChecker) -> dict:
    """One question: retrieval ranks, the answer, its statements and citations, and the verdicts."""
    gold = {(g.doc_id, g.paragraph) for g in q.gold}
    row: dict = {
        "id": q.id,
        "question": q.question,
        "language": q.language,
        "type": q.type,
        "answerable": q.answerable,
        "gold": [{"doc_id": g.doc_id, "paragraph": g.paragraph} for g in q.gold],
        "keys": list(q.keys),
        "keys_all": q.keys_all,
        "reference": q.reference,
        "timings_ms": {},
    }
    try:
        hits = assistant.retrieve(q.question, top_k=max(RETRIEVAL_DEPTH, top_k))
        answer = assistant.answer(q.question, top_k=top_k)
    except BadQuestion as e:
        row.update(error=str(e), retrieved=[], answer="", refused=True, citations=[], statements=[])
        hits, answer = [], None
    ranked = [(h.doc_id, h.paragraph) for h in hits][:RETRIEVAL_DEPTH]
    row["retrieved"] = [{"doc_id": h.doc_id, "paragraph": h.paragraph, "score": h.score} for h in hits]
    if q.answerable and gold:
        row["gold_ranks"] = [ranked.index(g) + 1 if g in ranked else None for g in sorted(gold)]
        row["recall_curve"] = [m.recall_at_k(ranked, gold, k) for k in range(1, RETRIEVAL_DEPTH + 1)]
        for k in m.K_VALUES:
            row[f"recall@{k}"] = m.recall_at_k(ranked, gold, k)
        row["rr"] = m.reciprocal_rank(ranked, gold)
        row["ndcg@10"] = m.ndcg_at_k(ranked, gold, 10)
    if answer is not None:
        row["answer"] = answer.text
        row["refused"] = answer.refused
        row["timings_ms"] = dict(answer.timings_ms)
        row["citations"] = [
            {
                "n": c.n,
                "doc_id": c.doc_id,
                "paragraph": c.paragraph,
                "title": c.title,
                "quote": c.quote,
                "gold": (c.doc_id, c.paragraph) in gold,
            }
            for c in answer.citations
        ]
        if answer.refused:
            row["statements"] = []
        else:
            stmts = m.statements(answer.text)
            cited = {c.n: c.text for c in answer.citations}
            recall, precision = m.score_citations(stmts, cited, checker)
            row["statements"] = [s.to_dict() for s in stmts]
            row["citation_recall"] = recall
            row["citation_precision"] = precision
            row["supported"] = bool(stmts) and all(s.supported for s in stmts)
            if q.answerable and answer.citations:
                row["citation_gold"] = sum(c["gold"] for c in row["citations"]) / len(answer.citations)
    row["answer_language"] = m.answer_language(row["answer"]) if row["answer"] else None
    row["language_match"] = row["answer_language"] == q.language
    if q.answerable:
        row["correct"] = not row["refused"] and m.keys_found(row["answer"], q.keys, q.keys_all)
        row["passed"] = row["correct"]
    else:
        row["passed"] = row["refused"]
    return row


def aggregate(rows: list[dict]) -> dict:
    """The metrics of a group of per-question results (None where a metric has no questions)."""
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    answered = [r for r in rows if not r["refused"]]
    refused = [r for r in rows if r["refused"]]
    ranked = [r for r in answerable if "rr" in r]
    out: dict = {
        "n": len(rows),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "answered": len(answered),
    }
    for k in m.K_VALUES:
        out[f"recall@{k}"] = m.mean(r[f"recall@{k}"] for r in ranked)
    out["mrr"] = m.mean(r["rr"] for r in ranked)
    out["ndcg@10"] = m.mean(r["ndcg@10"] for r in ranked)
    out["correctness"] = m.ratio(sum(r["correct"] for r in answerable), len(answerable))
    out["citation_recall"] = m.mean(r.get("citation_recall") for r in answered)
    out["citation_precision"] = m.mean(r.get("citation_precision") for r in answered)
    out["citation_gold"] = m.mean(r.get("citation_gold") for r in answered)
    out["answer_support"] = m.ratio(sum(bool(r.get("supported")) for r in answered), len(answered))
    out["language_match"] = m.ratio(sum(r["language_match"] for r in rows), len(rows))
    out["refusal_precision"] = m.ratio(sum(not r["answerable"] for r in refused), len(refused))
    out["refusal_recall"] = m.ratio(sum(r["refused"] for r in unanswerable), len(unanswerable))
    out["false_refusal_rate"] = m.ratio(sum(r["refused"] for r in answerable), len(answerable))
    out["refusal_accuracy"] = m.ratio(sum(r["refused"] != r["answerable"] for r in rows), len(rows))
    out["pass_rate"] = m.ratio(sum(r["passed"] for r in rows), len(rows))
    out["recall_curve"] = (
        [m.mean(r["recall_curve"][k] for r in ranked) for k in range(RETRIEVAL_DEPTH)] if ranked else []
    )
    return out


def aggregate_groups(rows: list[dict]) -> dict:
    """Metrics overall, per question language and per question type."""
    langs = sorted({r["language"] for r in rows})
    types = list(dict.fromkeys(r["type"] for r in rows))
    return {
        "overall": aggregate(rows),
        "by_language": {lang: aggregate([r for r in rows if r["language"] == lang]) for lang in langs},
        "by_type": {t: aggregate([r for r in rows if r["type"] == t]) for t in types},
    }


def check_floors(overall: dict, floors: dict[str, float]) -> list[str]:
    """The metrics under their floor (for `higher is better` metrics) or over it (the others), as lines."""
    failures = []
    for name, floor in floors.items():
        if name.startswith("_"):
            continue
        value = overall.get(name)
        up = HIGHER_IS_BETTER.get(name, True)
        if value is None:
            failures.append(f"{name}: not measured (floor {floor})")
        elif (value < floor) if up else (value > floor):
            failures.append(f"{name}: {value:.3f} {'<' if up else '>'} {'floor' if up else 'ceiling'} {floor}")
    return failures


def floors_from(overall: dict, margin: float = 0.02) -> dict[str, float]:
    """Floors for a measured run: each metric minus `margin`, rounded down to two decimals (lower-is-better
    metrics: plus `margin`, rounded up, as a ceiling). Metrics not measured, or at 0, get no floor."""
    out: dict[str, float] = {}
    for name, _, up in METRICS:
        value = overall.get(name)
        if value is None or (up and value <= margin):
            continue
        if up:
            out[name] = math.floor(round((value - margin) * 100, 6)) / 100
        else:
            out[name] = min(1.0, math.ceil(round((value + margin) * 100, 6)) / 100)
    return out


def format_table(result: dict, *, markdown: bool = False) -> str:
    """The metrics as a table: overall, per language, per type (columns)."""
    groups = result["metrics"]
    cols = [("overall", groups["overall"])]
    cols += [(lang, g) for lang, g in groups["by_language"].items()]
    if len(groups["by_type"]) > 1:
        cols += [(t, g) for t, g in groups["by_type"].items()]
    head = ["metric"] + [c for c, _ in cols]
    body = [["questions"] + [str(g.get("n", "—")) for _, g in cols]]
    body += [["answerable"] + [str(g.get("answerable", "—")) for _, g in cols]]
    for name, label, _ in METRICS:
        body.append([label] + [_fmt(g.get(name)) for _, g in cols])
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] + ["---:"] * len(cols)) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in body]
        return "\n".join(lines)
    widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]
    fmt = lambda row: "  ".join(  # noqa: E731
        cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
    )
    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(head), rule, *map(fmt, body)])


def _fmt(value) -> str:
    return "—" if value is None else f"{value:.3f}"


def _percentile(sorted_values: list[float], p: float) -> float | None:
    if not sorted_values:
        return None
    i = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return round(sorted_values[i], 1)


def _git_commit() -> str | None:
    """The checked-out commit, with "-dirty" when the working tree has changes (None outside git)."""
    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--abbrev=7"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None
