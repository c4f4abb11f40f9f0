"""A language-model generator evaluated beside the extractive baseline (`isnad eval --generator SPEC`).

>>> spec = "openai:m@http://127.0.0.1:8000/v1"
>>> result = compare_generator(assistant, load_set("eval/seed_set.jsonl"), spec, checker=checker)  # doctest: +SKIP
>>> print(format_side_by_side(result))  # doctest: +SKIP

Both runs ask the same questions over the same index with the same checker; the generator run also counts
the sentences the model wrote and those the support checker removed from its answers, by reason.
"""

from __future__ import annotations

from collections import Counter

from rag.schema import EXTRACTIVE, Answer
from rag.support import SupportChecker

from . import metrics as m
from .run import METRICS, evaluate
from .sets import EvalSet


class _Answering:
    """The assistant answering with one generator, keeping every answer by question."""

    def __init__(self, assistant, generator: str):
        self.assistant, self.generator_spec = assistant, generator
        self.answers: dict[str, Answer] = {}

    def __getattr__(self, name):
        return getattr(self.assistant, name)

    def answer(self, question: str, top_k: int = 5) -> Answer:
        result = self.assistant.answer(question, top_k=top_k, generator=self.generator_spec)
        self.answers[question] = result
        return result


def compare_generator(
    assistant, eval_set: EvalSet, generator: str, *, top_k: int = 5, checker: SupportChecker, progress: bool = False
) -> dict:
    """{"baseline": extractive result, "generator": the generator's result, "removed": removal statistics};
    each result as `eval.run.evaluate` returns it, the generator's rows with their `dropped` sentences."""
    baseline = evaluate(_Answering(assistant, EXTRACTIVE), eval_set, top_k=top_k, checker=checker, progress=progress)
    answering = _Answering(assistant, generator)
    result = evaluate(answering, eval_set, top_k=top_k, checker=checker, progress=progress)
    result["meta"]["generator"] = generator
    baseline["meta"]["generator"] = EXTRACTIVE
    for row in result["questions"]:
        a = answering.answers.get(row["question"])
        row["dropped"] = a.dropped if a else []
    return {"baseline": baseline, "generator": result, "removed": removal_stats(answering.answers.values())}


def removal_stats(answers) -> dict:
    """Sentences the model wrote (kept + removed), how many the checker removed, and why (by kind of reason),
    and how many it re-cited (kept under another retrieved paragraph than the one the model cited)."""
    kept = removed = recited = 0
    reasons: Counter[str] = Counter()
    for a in answers:
        kept += 0 if a.refused else len(m.statements(a.text))
        removed += len(a.dropped)
        recited += len(a.recited)
        reasons.update(d["code"] for d in a.dropped)  # by kind: a rag.verify.Reason
    written = kept + removed
    return {
        "written": written,
        "removed": removed,
        "removed_share": round(removed / written, 4) if written else None,
        "reasons": dict(reasons.most_common()),
        "recited": recited,
    }


def format_side_by_side(comparison: dict) -> str:
    """The overall metrics of both runs in two columns, then the checker's removals."""
    base, gen = comparison["baseline"], comparison["generator"]
    spec = gen["meta"]["generator"]
    rows = [("metric", EXTRACTIVE, spec)]
    for name, label, _ in METRICS:
        a, b = base["metrics"]["overall"].get(name), gen["metrics"]["overall"].get(name)
        rows.append((label, _fmt(a), _fmt(b)))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = ["  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    removed = comparison["removed"]
    share = "—" if removed["removed_share"] is None else f"{removed['removed_share']:.3f}"
    lines.append(
        f"\nsentences written by {spec}: {removed['written']}; removed by the support checker: "
        f"{removed['removed']} (share {share})"
    )
    lines += [f"  {n:>4}  {kind}" for kind, n in removed["reasons"].items()]
    lines.append(f"re-cited to another retrieved paragraph that supports them: {removed['recited']}")
    return "\n".join(lines)


def _fmt(value) -> str:
    return "—" if value is None else f"{value:.3f}"
