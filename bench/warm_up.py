"""What `Assistant.warm_up` (run by `isnad serve` in a background thread at start-up) saves the first question:
the first answer's time in fresh processes, with and without a warm-up, against a later answer in the same
process (the steady state); medians of several processes. A scripted generator writes fixed drafts (no model),
so "checked" measures what a language-model answer costs besides the model: retrieval and the support checker.

    python bench/warm_up.py --index DIR [--runs 3]

Each child process: `Assistant(DIR, generator=...)`, then (warm) `warm_up()`, then one question timed (the
first answer), then another (steady). The questions are not the warm-up's, so no cached embedding is reused.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIRST = (
    "How many ISIS fighters are in Afghanistan according to Shoigu?",
    "Shoigu said there are 4500 ISIS fighters in Afghanistan [1]. Lavrov visited Cairo [2].",
)
STEADY = (
    "How many drones did Shoigu say were destroyed in Syria?",
    "Shoigu said that 17 drones were destroyed in Syria [1]. Putin met Erdogan in Sochi [2].",
)


def child(index: str, checked: bool, warm: bool) -> dict:
    sys.path.insert(0, str(ROOT))
    from rag import Assistant
    from rag.generate import Generator

    drafts = dict([FIRST, STEADY])

    class Scripted(Generator):
        """Writes the fixed draft of the question (or nothing): the checker's work without a model's."""

        def stream(self, question, hits, language=None):
            yield drafts.get(question, "")

    assistant = Assistant(index, generator=Scripted(None, "scripted") if checked else None)
    out = {"warm_up_s": assistant.warm_up() if warm else 0.0}
    for name, (question, _) in (("first_s", FIRST), ("steady_s", STEADY)):
        t0 = time.perf_counter()
        answer = assistant.answer(question, top_k=3)
        out[name] = time.perf_counter() - t0
        out[name.replace("_s", "_refused")] = answer.refused
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", required=True, help="an index folder (e.g. built by `isnad ingest seeds --index DIR`)")
    ap.add_argument("--runs", type=int, default=3, help="fresh processes per configuration (default 3)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.child:
        checked, warm = args.child.split(",")
        print(json.dumps(child(args.index, checked == "checked", warm == "warm")))
        return 0
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the start")
    print("| answers | warm-up | first answer, median s | later answer, median s | first / later | warm-up, median s |")
    print("| --- | --- | --- | --- | --- | --- |")
    for checked in ("extractive", "checked"):
        for warm in ("cold", "warm"):
            rows = []
            for _ in range(args.runs):
                cmd = [sys.executable, __file__, "--index", args.index, "--child", f"{checked},{warm}"]
                rows.append(json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout))
            first, steady = (statistics.median(r[k] for r in rows) for k in ("first_s", "steady_s"))
            warm_s = statistics.median(r["warm_up_s"] for r in rows)
            print(
                f"| {checked} | {warm} | {first:.2f} | {steady:.2f} | {first / steady:.1f} | {warm_s:.2f} |", flush=True
            )
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
