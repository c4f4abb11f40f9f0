"""Run a question set through an assistant and score it: per-question results and aggregated metrics.

>>> from rag import Assistant
>>> from eval.run import evaluate
>>> from eval.sets import load_set
>>> result = evaluate(Assistant("my-index"), load_set("eval/seed_set.jsonl"))  # doctest: +SKIP
>>> result["metrics"]["overall"]["correctness"], result["metrics"]["by_language"]["en"]["recall@5"]  # doctest: +SKIP

`evaluate` needs only `assistant.retrieve(question, top_k, translation)`, `assistant.answer(question, top_k)` and
`assistant.embedder`, so any configuration (another embedder, chunk size, answerer) is evaluated the
same way. The result is a plain dict (written as JSON by `eval.report`).
"""

from __future__ import annotations

import datetime as dt
import math
import platform
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import replace
from functools import partial
from pathlib import Path

from rag import lexicon
from rag.assistant import BadQuestion
from rag.extract import ExtractiveAnswerer
from rag.support import SupportChecker

from . import metrics as m
from .sets import UNANSWERABLE, EvalSet, Question

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
    without_gold: bool = False,
    progress: bool = False,
    on_question: Callable[[int, int], None] | None = None,
) -> dict:
    """Ask every question of the set; returns {"meta", "metrics", "questions"} (see eval/README.md).

    `without_gold`: every answerable question becomes an unanswerable one, its gold articles hidden from
    retrieval (SQuAD 2.0's idea; `gold_articles`), to measure refusals on questions the index cannot answer.
    """
    if checker is None:
        checker = SupportChecker(assistant.embedder)
    started, t0, commit = dt.datetime.now(dt.UTC), time.perf_counter(), _git_commit()
    rows = []
    questions = eval_set.questions
    hidden: dict[str, set[str]] = {}
    if without_gold:
        articles = gold_articles(assistant.index.catalog)
        hidden = {q.id: set().union(*(articles(g.doc_id) for g in q.gold)) for q in questions if q.answerable}
        questions = [
            replace(q, type=UNANSWERABLE, gold=(), keys=(), reference="", evidence=()) if q.id in hidden else q
            for q in questions
        ]
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(questions), desc=f"eval {eval_set.name}", unit=" questions", dynamic_ncols=True)
    for i, q in enumerate(questions, 1):
        rows.append(evaluate_question(assistant, q, top_k=top_k, checker=checker, hidden=hidden.get(q.id)))
        if bar:
            bar.update()
        if on_question:
            on_question(i, len(questions))
    if bar:
        bar.close()
    seconds = time.perf_counter() - t0
    totals = sorted(r["timings_ms"].get("total", 0.0) for r in rows if r["timings_ms"])
    index = getattr(assistant, "index", None)
    calibration = getattr(assistant, "calibration", None)
    meta = {
        "set": eval_set.name + (" without gold" if without_gold else ""),
        "without_gold": without_gold,
        "set_path": str(eval_set.path),
        "format": eval_set.format,
        "questions": len(rows),
        "index": str(getattr(index, "dir", "")),
        "embedder": getattr(assistant.embedder, "name", type(assistant.embedder).__name__),
        "answerer": type(getattr(assistant, "answerer", assistant)).__name__,
        "top_k": top_k,
        "lexicon": str(lexicon.lexicon_folder()) if lexicon.available() else None,  # English words in Arabic
        "calibration": (calibration.fitted_on or "fitted") if calibration and calibration.fitted else None,
        "refusal_threshold": calibration.answerability.threshold if calibration else None,
        "splits": dict(sorted(Counter(q.split or "all" for q in questions).items())),
        "support_checker": {
            "lexical_min": checker.lexical_min,
            "dense_min": checker.dense_min,
            "late_min": checker.late_min,
            "figure_margin": checker.figure_margin,
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


def gold_articles(catalog) -> Callable[[str], set[str]]:
    """doc_id -> the doc_ids of its whole article: every record with the same title (a SQuAD set ingests
    each paragraph of a Wikipedia article as its own record, titled with the article's title)."""
    by_title: dict[str, set[str]] = {}
    titles = {}
    for a in catalog.articles():
        titles[a.doc_id] = a.title
        by_title.setdefault(a.title, set()).add(a.doc_id)
    return lambda doc_id: by_title.get(titles.get(doc_id, ""), set()) | {doc_id}


def evaluate_question(
    assistant, q: Question, *, top_k: int, checker: SupportChecker, hidden: set[str] | None = None
) -> dict:
    """One question: retrieval ranks, the answer, its statements and citations, and the verdicts.
    `hidden`: doc_ids retrieval must not return (the question's gold articles, for `without_gold`)."""
    gold = {(g.doc_id, g.paragraph) for g in q.gold}
    row: dict = {
        "id": q.id,
        "question": q.question,
        "language": q.language,
        "type": q.type,
        "split": q.split,
        "answerable": q.answerable,
        "gold": [{"doc_id": g.doc_id, "paragraph": g.paragraph} for g in q.gold],
        "keys": list(q.keys),
        "keys_all": q.keys_all,
        "reference": q.reference,
        "timings_ms": {},
    }
    try:
        if hidden:
            hits, answer = _without(assistant, q.question, hidden, top_k)
        else:
            answer = assistant.answer(q.question, top_k=top_k)
            # the ranking the answer was written from: with a language model, its translation blended in
            hits = assistant.retrieve(q.question, top_k=max(RETRIEVAL_DEPTH, top_k), translation=answer.translation)
        row["answerability"] = answerability(assistant, q.question, hits[:top_k], hidden)
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


def _without(assistant, question: str, hidden: set[str], top_k: int):
    """Retrieval and answer as if the `hidden` articles were not in the index: the ranking is read past them
    (each side fetches 100 candidates, so the next paragraphs are the same as after a removal, save for the
    min-max scaling of the fused scores), and the answerer weighs the question's terms by their rarity
    among the other articles (`answerer_without`)."""
    t0 = time.perf_counter()
    ranked = assistant.retrieve(question, top_k=max(RETRIEVAL_DEPTH, top_k) + len(hidden) * 3)
    hits = [h for h in ranked if h.doc_id not in hidden][: max(RETRIEVAL_DEPTH, top_k)]
    t1 = time.perf_counter()
    answer = answerer_without(assistant, hidden).answer(question, hits[:top_k])
    t2 = time.perf_counter()
    answer.timings_ms = {"retrieve": round((t1 - t0) * 1000, 1), "answer": round((t2 - t1) * 1000, 1)}
    answer.timings_ms["total"] = round((t2 - t0) * 1000, 1)
    return hits, answer


def answerer_without(assistant, hidden: Collection[str]) -> ExtractiveAnswerer:
    """The assistant's extractive answerer as over an index without the `hidden` articles: a term found only
    there weighs as a term the index never saw (what the question names that no article holds)."""
    a = assistant.answerer
    return ExtractiveAnswerer(a.embedder, partial(assistant.index.catalog.term_weights, without=hidden), a.calibration)


def answerability(assistant, question: str, hits, hidden: Collection[str] | None = None) -> float | None:
    """The answerer's probability that `hits` answer the question (None for an answerer without the model);
    `hidden`: articles taken as removed from the index (`answerer_without`)."""
    answerer = getattr(assistant, "answerer", None)
    if not hasattr(answerer, "assess") or not hits:
        return None
    if hidden:
        answerer = answerer_without(assistant, hidden)
    found = answerer.assess(question, hits)
    return round(answerer.calibration.answerability.probability(found.signals), 6) if found.evidence else 0.0


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
    """Metrics overall, per question language, per question type, and per split (overall and per language)."""
    langs = sorted({r["language"] for r in rows})
    types = list(dict.fromkeys(r["type"] for r in rows))
    splits = sorted({r.get("split") or "" for r in rows} - {""})

    def by_language(group: list[dict]) -> dict:
        return {lang: aggregate([r for r in group if r["language"] == lang]) for lang in langs}

    out = {
        "overall": aggregate(rows),
        "by_language": by_language(rows),
        "by_type": {t: aggregate([r for r in rows if r["type"] == t]) for t in types},
    }
    if len(splits) > 1:
        out["by_split"] = {
            s: {"overall": aggregate(part), "by_language": by_language(part)}
            for s in splits
            for part in [[r for r in rows if r.get("split") == s]]
        }
    return out


def check_floors(metrics: dict, floors: dict) -> list[str]:
    """The metrics under their floor (for `higher is better` metrics) or over it (the others), as lines.

    `metrics` is `aggregate_groups`' result; `floors` maps a group ("overall", or a language: "ar", "en") to
    {metric: floor}; keys starting with `_` are comments."""
    failures = []
    for group, group_floors in floors.items():
        if group.startswith("_"):
            continue
        values = metrics["overall"] if group == "overall" else metrics["by_language"].get(group, {})
        for name, floor in group_floors.items():
            if name.startswith("_"):
                continue
            value = values.get(name)
            up = HIGHER_IS_BETTER.get(name, True)
            where = f"{group} {name}"
            if value is None:
                failures.append(f"{where}: not measured (floor {floor})")
            elif (value < floor) if up else (value > floor):
                failures.append(f"{where}: {value:.3f} {'<' if up else '>'} {'floor' if up else 'ceiling'} {floor}")
    return failures


# Gated per language: the metrics an answerer that never refuses, or quotes the wrong sentence, fails.
PER_LANGUAGE = ("recall@5", "mrr", "correctness", "refusal_precision", "refusal_recall", "false_refusal_rate")


def floors_from(metrics: dict, margin: float = 0.02) -> dict[str, dict[str, float]]:
    """Floors for a measured run (`aggregate_groups`' result): every overall metric, and per language the
    metrics of `PER_LANGUAGE`, minus `margin`, rounded down to two decimals (lower-is-better metrics: plus
    `margin`, rounded up, as a ceiling). Metrics not measured, or at 0, get no floor."""

    def floors(values: dict, names) -> dict[str, float]:
        out: dict[str, float] = {}
        for name in names:
            value, up = values.get(name), HIGHER_IS_BETTER[name]
            if value is None or (up and value <= margin):
                continue
            if up:
                out[name] = math.floor(round((value - margin) * 100, 6)) / 100
            else:
                out[name] = min(1.0, math.ceil(round((value + margin) * 100, 6)) / 100)
        return out

    out = {"overall": floors(metrics["overall"], [name for name, _, _ in METRICS])}
    for lang, values in metrics["by_language"].items():
        out[lang] = floors(values, PER_LANGUAGE)
    return out


def format_table(result: dict, *, markdown: bool = False) -> str:
    """The metrics as a table: overall, per language, per type (columns)."""
    groups = result["metrics"]
    cols = [("overall", groups["overall"])]
    cols += [(lang, g) for lang, g in groups["by_language"].items()]
    if len(groups["by_type"]) > 1:
        cols += [(t, g) for t, g in groups["by_type"].items()]
    for split, g in groups.get("by_split", {}).items():
        cols += [(split, g["overall"])] + [(f"{split} {lang}", v) for lang, v in g["by_language"].items()]
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
