"""Ingestion throughput of the default embedder on real news: the first N ANT-corpus articles.

    python bench/ingest_throughput.py [--articles 1000] [--runs 1]

Each run ingests into a fresh index and prints articles, paragraphs, chunks, seconds and chunks/s;
the last line gives the median over runs. A baseline in the same process, embedding the same chunk
texts without the rest of the pipeline, shows what share of the time is the model itself.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rag import Assistant
from rag.ingest import passage_text
from rag.schema import Chunk

ANT = Path(__file__).resolve().parents[2] / "shared" / "data" / "ant_news.jsonl.gz"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args()
    if not ANT.exists():
        print(f"skipped: {ANT} is absent")
        return 0
    rates = []
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "ant.jsonl"
        with gzip.open(ANT, "rt", encoding="utf-8") as f, corpus.open("w", encoding="utf-8") as out:
            for _, line in zip(range(args.articles), f, strict=False):
                out.write(line)
        for run in range(args.runs):
            a = Assistant(Path(tmp) / f"index-{run}")
            r = a.ingest([corpus])
            rates.append(r.chunks / r.seconds)
            print(
                f"run {run + 1}: {r.articles} articles, {r.paragraphs} paragraphs, {r.chunks} chunks "
                f"in {r.seconds:.1f} s = {r.chunks / r.seconds:.1f} chunks/s ({len(r.skipped)} skipped)"
            )
        rows = a.index.catalog._read(
            "SELECT c.id, c.doc_id, a.title, c.paragraph, c.text, c.start, c.end"
            " FROM chunks c JOIN articles a USING (doc_id) LIMIT 2000"
        )
        texts = [passage_text(Chunk(*row)) for row in rows]  # exactly what the pipeline embeds
        t = time.perf_counter()
        a.embedder.embed_passages(texts)
        model_rate = len(texts) / (time.perf_counter() - t)
    print(
        f"median over {args.runs} run(s): {statistics.median(rates):.1f} chunks/s; "
        f"embedding alone (baseline, same process): {model_rate:.1f} chunks/s; "
        f"pipeline/baseline = {statistics.median(rates) / model_rate:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
