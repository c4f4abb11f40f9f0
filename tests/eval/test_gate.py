"""The CI gate: the seed set over the seed index must keep every metric at or above eval/floors.json."""

from __future__ import annotations

import json
from pathlib import Path

from eval.run import HIGHER_IS_BETTER, check_floors, evaluate, format_table
from eval.sets import SEED_SET, load_set

FLOORS = Path(__file__).resolve().parents[2] / "eval" / "floors.json"


def floors() -> dict[str, float]:
    return {k: v for k, v in json.loads(FLOORS.read_text(encoding="utf-8")).items() if not k.startswith("_")}


def test_floors_name_known_metrics():
    assert floors(), "eval/floors.json sets no floor"
    for name, value in floors().items():
        assert name in HIGHER_IS_BETTER, f"eval/floors.json: unknown metric {name!r}"
        assert 0.0 <= value <= 1.0, f"eval/floors.json: {name} = {value} is not a share"


def test_seed_set_meets_the_floors(seed_index):
    from rag import Assistant

    result = evaluate(Assistant(seed_index), load_set(SEED_SET), top_k=5)
    failures = check_floors(result["metrics"]["overall"], floors())
    failing = [r["id"] for r in result["questions"] if not r["passed"]]
    assert not failures, (
        "metrics under their floor (eval/floors.json):\n  "
        + "\n  ".join(failures)
        + f"\n\n{format_table(result)}\n\nfailing questions: {', '.join(failing)}"
    )
