"""Answer latency over the seed index: the seed set's questions, Arabic and English, cold and warm.

    python bench/answer_latency.py [--index DIR] [--runs 3]

Each run asks every question of eval/seed_set.jsonl twice, each time from a fresh assistant (an empty
vector cache): the first answer is cold (question and sentences not yet embedded), the second, the same
question asked again, warm. The baseline, in the same process, switches the sentence ranking off. Prints
the median per language and the ratio of the default to the baseline.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from eval.sets import SEED_SET, load_set
from rag import Assistant
from rag.assistant import SEEDS_DIR
from rag.retrieve import Fusion

CONFIGS = {"baseline: no sentence ranking": Fusion(sentence_weight=0.0), "default": Fusion()}


def run(index: Path, fusion: Fusion, questions) -> dict[tuple[str, str], list[float]]:
    """Seconds per answer, keyed by (language, "cold" | "warm")."""
    times: dict[tuple[str, str], list[float]] = {}
    for q in questions:
        assistant = Assistant(index)
        assistant.retriever.fusion = fusion
        for state in ("cold", "warm"):
            start = time.perf_counter()
            assistant.answer(q.question)
            times.setdefault((q.language, state), []).append(time.perf_counter() - start)
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", default="/tmp/isnad-seed-index", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    assistant = Assistant(args.index)
    if assistant.is_empty():
        assistant.ingest([SEEDS_DIR])
    questions = load_set(SEED_SET).questions
    medians: dict[str, dict[tuple[str, str], float]] = {}
    for label, fusion in CONFIGS.items():
        runs = [run(args.index, fusion, questions) for _ in range(args.runs)]
        keys = sorted(runs[0])
        medians[label] = {k: statistics.median(t for r in runs for t in r[k]) for k in keys}
    print(f"seed set: {len(questions)} questions, {args.runs} runs; median seconds per answer")
    print(f"{'configuration':<32} " + " ".join(f"{lang + ' ' + state:>9}" for lang, state in keys))
    for label, m in medians.items():
        print(f"{label:<32} " + " ".join(f"{m[k]:>9.3f}" for k in keys))
    base, default = medians.values()
    print(f"{'ratio default / baseline':<32} " + " ".join(f"{default[k] / base[k]:>9.2f}" for k in keys))
    return 0


if __name__ == "__main__":
    sys.exit(main())
