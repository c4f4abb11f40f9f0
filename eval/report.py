"""The evaluation report: results.json, report.md and its plots; and the comparison of two runs.

>>> paths = write_report(result, "reports/eval-seed_set")   # doctest: +SKIP
>>> print(format_comparison(compare(load_result("a.json"), load_result("b.json"))))  # doctest: +SKIP
"""

from __future__ import annotations

import json
from pathlib import Path

from .metrics import refusal_curve
from .run import HIGHER_IS_BETTER, METRICS, format_table

THRESHOLDS = [i / 100 for i in range(0, 101)]

PLOTS = {
    "by_language": "by_language.png",
    "by_type": "by_type.png",
    "recall_at_k": "recall_at_k.png",
    "refusals": "refusals.png",
}
BAR_METRICS = [("correctness", "answer correct"), ("recall@5", "recall@5"), ("citation_recall", "citation recall")]


def write_report(result: dict, out_dir: str | Path) -> dict[str, Path]:
    """Write results.json, the plots and report.md into `out_dir`; returns their paths by name."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "results.json", "markdown": out / "report.md"}
    paths["json"].write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    for name, file in PLOTS.items():
        paths[name] = out / file
    _plot_groups(result["metrics"]["by_language"], "per question language", paths["by_language"])
    _plot_groups(result["metrics"]["by_type"], "per question type", paths["by_type"])
    _plot_recall_curve(result["metrics"], paths["recall_at_k"])
    _plot_refusals(refusal_curves(result), result["meta"].get("refusal_threshold"), paths["refusals"])
    paths["markdown"].write_text(markdown(result), encoding="utf-8")
    return paths


def load_result(path: str | Path) -> dict:
    """A results.json written by `write_report` (or `isnad eval`)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or "metrics" not in data or "questions" not in data:
        raise ValueError(f"{path} is not an isnad eval results file (no metrics/questions)")
    return data


# --- markdown ----------------------------------------------------------------------------------------


def markdown(result: dict) -> str:
    meta = {"set_path": "?", "format": "?", "questions": len(result["questions"]), "index": "?"} | result["meta"]
    meta.setdefault("answerer", "?")
    latency = meta.get("latency_ms") or {}
    failing = [r for r in result["questions"] if not r["passed"]]
    lines = [
        f"# isnad evaluation: {meta['set']}",
        "",
        "| setting | value |",
        "| --- | --- |",
        f"| question set | `{meta['set_path']}` ({meta['format']}, {meta['questions']} questions) |",
        f"| index | `{meta['index']}` |",
        f"| embedder | `{meta['embedder']}` |",
        f"| answerer | `{meta['answerer']}`, top-k {meta['top_k']} |",
        f"| English words in Arabic | {_lexicon(meta)} |",
        f"| support checker | {_checker(meta.get('support_checker') or {})} |",
        f"| commit | `{meta.get('commit') or '?'}` |",
        f"| run | {meta.get('started', '?')}, {meta.get('seconds', '?')} s; answer latency p50 "
        f"{_ms(latency.get('p50'))}, p95 {_ms(latency.get('p95'))} |",
        "",
        "## Metrics",
        "",
        "Retrieval metrics are over answerable questions (top 10 retrieved paragraphs); citation metrics over",
        "answered (not refused) questions, ALCE-style; definitions in `eval/README.md`.",
        "",
        format_table(result, markdown=True),
        "",
        "## Plots",
        "",
        f"![Answer correctness, recall@5 and citation recall per question language]({PLOTS['by_language']})",
        "",
        f"![Answer correctness, recall@5 and citation recall per question type]({PLOTS['by_type']})",
        "",
        f"![Retrieval recall@k for k = 1..10]({PLOTS['recall_at_k']})",
        "",
        *_refusal_md(result),
        f"## Failing questions ({len(failing)} of {len(result['questions'])})",
        "",
    ]
    if not failing:
        lines.append("None.")
    for r in failing:
        lines += _failure_md(r)
    unsupported = [
        (r, s) for r in result["questions"] if not r["refused"] for s in r.get("statements", []) if not s["supported"]
    ]
    lines += ["", f"## Statements not supported by their citations ({len(unsupported)})", ""]
    if not unsupported:
        lines.append("None.")
    else:
        lines += [
            "| question | statement | cites | lexical | dense | note |",
            "| --- | --- | --- | ---: | ---: | --- |",
        ]
        for r, s in unsupported:
            cites = ", ".join(f"[{n}]" for n in s["markers"]) or "none"
            note = "a figure is not in the cited paragraphs" if s.get("reason") == "number" else ""
            lines.append(
                f"| {r['id']} | {_cell(s['text'], 220)} | {cites} | {s['lexical']:.2f} | {_f(s['dense'], 2)} | {note} |"
            )
    return "\n".join(lines) + "\n"


def refusal_curves(result: dict) -> dict[str, list[dict]]:
    """Per language (and overall): refusal precision/recall and false refusals at each threshold of the
    answerer's answerability probability (questions without one are left out)."""
    rows = [r for r in result["questions"] if r.get("answerability") is not None]
    groups = {"overall": rows} | {
        lang: [r for r in rows if r["language"] == lang] for lang in sorted({r["language"] for r in rows})
    }
    chosen = result["meta"].get("refusal_threshold")
    thresholds = sorted(set(THRESHOLDS) | ({chosen} if chosen is not None else set()))
    return {
        name: refusal_curve([(r["answerability"], r["answerable"]) for r in group], thresholds)
        for name, group in groups.items()
        if group
    }


def _refusal_md(result: dict) -> list[str]:
    """The refusal trade-off table: what other thresholds would have given."""
    curves = refusal_curves(result)
    if not curves:
        return []
    chosen = result["meta"].get("refusal_threshold")
    lines = [
        f"![Refusal precision against recall as the refusal threshold varies]({PLOTS['refusals']})",
        "",
        f"Refusals at other thresholds of the answerability probability (the answerer refuses below {_f(chosen)}):",
        "",
        "| threshold | " + " | ".join(f"{g} precision / recall / false refusals" for g in curves) + " |",
        "|---:|" + "---:|" * len(curves),
    ]
    shown = sorted({0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7} | ({chosen} if chosen is not None else set()))
    for t in shown:
        cells = []
        for curve in curves.values():
            point = min(curve, key=lambda c: abs(c["threshold"] - t))
            cells.append(f"{_f(point['precision'])} / {_f(point['recall'])} / {_f(point['false_refusal_rate'])}")
        lines.append(f"| {t:.3g}{' (chosen)' if t == chosen else ''} | " + " | ".join(cells) + " |")
    return lines + [""]


def failure_reason(r: dict) -> str:
    if r.get("error"):
        return f"error: {r['error']}"
    if not r["answerable"]:
        return "answered a question the articles do not answer"
    if r["refused"]:
        return "refused an answerable question"
    return "the answer lacks the expected keys"


def _failure_md(r: dict) -> list[str]:
    keys = ", ".join(f"`{k}`" for k in r["keys"]) or "—"
    gold = ", ".join(f"{g['doc_id']} ¶{g['paragraph']}" for g in r["gold"]) or "— (unanswerable)"
    ranks = r.get("gold_ranks")
    out = [
        f"### {r['id']} · {r['language']} · {r['type']}: {failure_reason(r)}",
        "",
        f"- **Question:** {r['question']}",
        f"- **Expected keys{' (all)' if r['keys_all'] else ''}:** {keys}",
        f"- **Gold:** {gold}"
        + (f" (retrieved at rank {', '.join(str(x) if x else '>10' for x in ranks)})" if ranks else ""),
        "- **Answer:**",
        "",
        *("  > " + line for line in (r["answer"] or "(empty)").splitlines()),
        "",
    ]
    for c in r.get("citations", []):
        mark = "gold" if c["gold"] else "not gold"
        out.append(f"- cited [{c['n']}] {c['doc_id']} ¶{c['paragraph']} ({mark}): “{_cell(c['quote'], 300)}”")
    out.append("")
    return out


def _lexicon(meta: dict) -> str:
    """Where the run's English-Arabic word list was read (rag.lexicon), or that it had none."""
    if "lexicon" not in meta:  # a report from before the word list
        return "?"
    folder = meta["lexicon"]
    return f"`{folder}`" if folder else "none: English questions ranked by meaning alone"


def _checker(c: dict) -> str:
    if not c:
        return "?"
    return (
        f"figures and names must be in the cited paragraphs, a count said of what it counts there (margin "
        f"{c.get('figure_margin', '?')}), no figure said with another's words; Arabic: lexical ≥ "
        f"{c['lexical_min']} and each word they lack matched "
        f"≥ {c.get('late_min', '?')} by late interaction; English (under {c['arabic_share_max']:.0%} Arabic "
        f"terms): a fitted model of similarity, late interaction and its words in Arabic, similarity ≥ "
        f"{c['dense_min']:.3f} with no figure and no lead; "
        f"{c['weights']} term weights"
    )


def _ms(v) -> str:
    return "—" if v is None else f"{v:.0f} ms"


def _cell(text: str, limit: int) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- plots -------------------------------------------------------------------------------------------


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _plot_groups(groups: dict[str, dict], title: str, path: Path) -> None:
    """Grouped bars: correctness, recall@5 and citation recall of each group (n under the name)."""
    plt = _pyplot()
    names = list(groups)
    fig, ax = plt.subplots(figsize=(max(5.0, 1.4 * len(names) + 2), 3.8), dpi=110)
    width = 0.8 / len(BAR_METRICS)
    for i, (metric, label) in enumerate(BAR_METRICS):
        values = [groups[n].get(metric) for n in names]
        xs = [j + (i - (len(BAR_METRICS) - 1) / 2) * width for j in range(len(names))]
        bars = ax.bar(xs, [v or 0.0 for v in values], width, label=label)
        for bar, v in zip(bars, values, strict=True):
            ax.annotate(
                "n/a" if v is None else f"{v:.2f}",
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                ha="center",
                va="bottom",
                fontsize=7,
            )
    ax.set_xticks(range(len(names)), [f"{n}\n(n={groups[n]['n']})" for n in names])
    ax.set_ylim(0, 1.25)
    ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.set_ylabel("share")
    ax.set_title(f"Answers, retrieval and citations {title}")
    ax.legend(fontsize=8, loc="upper center", ncol=len(BAR_METRICS), frameon=False)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _plot_recall_curve(metrics: dict, path: Path) -> None:
    """Recall@k for k = 1..10: overall and per question language."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 3.8), dpi=110)
    series = [("overall", metrics["overall"])] + list(metrics["by_language"].items())
    for name, group in series:
        curve = group.get("recall_curve") or []
        if curve:
            ax.plot(range(1, len(curve) + 1), curve, marker="o", label=name, linewidth=2 if name == "overall" else 1)
    ax.set_xlabel("k (paragraphs retrieved)")
    ax.set_ylabel("recall@k")
    ax.set_xticks(range(1, 11))
    ax.set_ylim(0, 1.02)
    ax.set_title("Retrieval recall@k of the gold paragraphs")
    ax.grid(alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, loc="lower right")
    else:
        ax.text(5.5, 0.5, "no answerable questions", ha="center")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _plot_refusals(curves: dict[str, list[dict]], chosen: float | None, path: Path) -> None:
    """Refusal precision against refusal recall as the threshold varies, per language; the chosen one marked."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 3.8), dpi=110)
    for name, curve in curves.items():
        points = [c for c in curve if c["precision"] is not None and c["recall"] is not None]
        if not points:
            continue
        line = ax.plot(
            [c["recall"] for c in points],
            [c["precision"] for c in points],
            label=name,
            linewidth=2 if name == "overall" else 1,
        )[0]
        if chosen is not None:
            at = min(points, key=lambda c: abs(c["threshold"] - chosen))
            ax.plot([at["recall"]], [at["precision"]], marker="o", color=line.get_color())
    ax.set_xlabel("refusal recall (unanswerable questions refused)")
    ax.set_ylabel("refusal precision")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_title("Refusals as the threshold varies (dot: the calibrated one)")
    ax.grid(alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, loc="lower left")
    else:
        ax.text(0.5, 0.5, "no refusal probabilities, or one class only", ha="center")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


# --- comparing two runs ------------------------------------------------------------------------------

_CONFIG_KEYS = ("set", "questions", "index", "embedder", "answerer", "top_k", "lexicon", "support_checker", "commit")


def compare(a: dict, b: dict) -> dict:
    """What changed from run `a` to run `b`: settings, metric deltas (overall and per group), flips."""
    config = {k: (a["meta"].get(k), b["meta"].get(k)) for k in _CONFIG_KEYS if a["meta"].get(k) != b["meta"].get(k)}
    groups = {"overall": (a["metrics"]["overall"], b["metrics"]["overall"])}
    for kind in ("by_language", "by_type"):
        for name in dict.fromkeys([*a["metrics"][kind], *b["metrics"][kind]]):
            groups[name] = (a["metrics"][kind].get(name, {}), b["metrics"][kind].get(name, {}))
    deltas = {
        group: {name: _delta(ga.get(name), gb.get(name)) for name, _, _ in METRICS}
        for group, (ga, gb) in groups.items()
    }
    qa = {r["id"]: r for r in a["questions"]}
    qb = {r["id"]: r for r in b["questions"]}
    both = [i for i in qa if i in qb]
    fixed = [qb[i] for i in both if not qa[i]["passed"] and qb[i]["passed"]]
    broken = [qb[i] for i in both if qa[i]["passed"] and not qb[i]["passed"]]
    return {
        "config": config,
        "deltas": deltas,
        "fixed": [_brief(r) for r in fixed],
        "broken": [_brief(r) | {"reason": failure_reason(r)} for r in broken],
        "only_a": [i for i in qa if i not in qb],
        "only_b": [i for i in qb if i not in qa],
        "latency_ms": (a["meta"].get("latency_ms", {}).get("p50"), b["meta"].get("latency_ms", {}).get("p50")),
    }


def format_comparison(c: dict, a_name: str = "A", b_name: str = "B") -> str:
    lines = [f"A = {a_name}", f"B = {b_name}", ""]
    if c["config"]:
        lines.append("settings that differ:")
        lines += [f"  {k}: {va} -> {vb}" for k, (va, vb) in c["config"].items()]
    else:
        lines.append("settings: the same")
    lines += ["", f"{'metric (overall)':<32} {'A':>7} {'B':>7} {'change':>8}"]
    for name, label, up in METRICS:
        d = c["deltas"]["overall"][name]
        lines.append(f"{label:<32} {_f(d['a']):>7} {_f(d['b']):>7} {_signed(d['delta'], up):>8}")
    la, lb = c["latency_ms"]
    lines.append(f"{'answer latency p50 (ms)':<32} {_f(la, 0):>7} {_f(lb, 0):>7}")
    changed = [
        (group, name, d)
        for group, ds in c["deltas"].items()
        if group != "overall"
        for name, d in ds.items()
        if d["delta"] is not None and abs(d["delta"]) >= 0.0005
    ]
    if changed:
        lines += ["", "changes per language / question type:"]
        labels = {name: label for name, label, _ in METRICS}
        for group, name, d in changed:
            lines.append(
                f"  {group:<14} {labels[name]:<32} {_f(d['a'])} -> {_f(d['b'])} "
                f"({_signed(d['delta'], HIGHER_IS_BETTER[name])})"
            )
    lines += ["", f"fixed (failed in A, passed in B): {len(c['fixed'])}"]
    lines += [f"  + {r['id']} [{r['language']}/{r['type']}] {r['question']}" for r in c["fixed"]]
    lines += [f"broken (passed in A, failed in B): {len(c['broken'])}"]
    lines += [f"  - {r['id']} [{r['language']}/{r['type']}] {r['question']}  ({r['reason']})" for r in c["broken"]]
    if c["only_a"] or c["only_b"]:
        lines.append(f"questions only in A: {len(c['only_a'])}; only in B: {len(c['only_b'])}")
    return "\n".join(lines)


def _delta(a, b) -> dict:
    return {"a": a, "b": b, "delta": None if a is None or b is None else b - a}


def _brief(r: dict) -> dict:
    return {k: r[k] for k in ("id", "language", "type", "question")}


def _f(v, digits: int = 3) -> str:
    return "—" if v is None else f"{v:.{digits}f}"


def _signed(d, up: bool) -> str:
    if d is None:
        return "—"
    if abs(d) < 0.0005:
        return "="
    better = (d > 0) == up
    return f"{d:+.3f}{' ▲' if better else ' ▼'}"
