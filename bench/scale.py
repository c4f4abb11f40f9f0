"""An index of 100k+ chunks from the ANT corpus, measured end to end.

    python bench/scale.py build   [--index DIR] [--articles 13500] [--real-chunks 20000]
    python bench/scale.py measure [--index DIR] [--questions 40] [--runs 3]
    python bench/scale.py server  [--index DIR] [--questions 40] [--workers 2]

build    ingests the first N ANT articles, streamed, printing every 1,000 articles the chunks so far, the
         rate and the resident memory (the ingestion holds one embedding batch at a time; what grows is
         Chroma's in-memory HNSW graph). Dense vectors past the first --real-chunks chunks come from a
         cheaper source of the same dimension, the mean of the model's own (4-bit) input embedding rows of
         the chunk's tokens, so the index has its full size without hours of embedding: the output says
         how many. Queries are always embedded by the real model.
measure  latency of `retrieve` and extractive `answer` (p50 / p95; every question asked once per run of
         a fresh assistant, so nothing is cached), the plain LlamaIndex route (`VectorStoreIndex` over
         the same Chroma collection, the same embedder wrapped as a llama-index `BaseEmbedding`) in the
         same run, cold start (a new process, from its start to its first answer) with its resident
         memory, and disk per 1,000 chunks.
server   the same index behind a Chroma server (`chroma run`), answered by one and then by --workers
         chat worker processes at once: latency per answer and answers per second.

Questions: titles of indexed articles (Arabic; BM25 and dense both live) and English questions (the
dense side and the sentence ranking). Run on an idle machine and check `uptime`; the output prints it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from rag import Assistant
from rag.embed import E5OnnxEmbedder, Embedder

ROOT = Path(__file__).resolve().parents[1]
ANT = ROOT.parent / "shared" / "data" / "ant_news.jsonl.gz"
ENGLISH = [
    "What did Russia say about the war in Syria?",
    "How many people were killed in the attack?",
    "What did the Egyptian president announce?",
    "Which team won the football match?",
    "What happened to oil prices?",
    "What did the United Nations say about Yemen?",
    "Who won the election?",
    "What did the singer say about her new album?",
]


class BudgetEmbedder(Embedder):
    """The real model for the first `real_chunks` passages, then a cheaper vector of the same dimension:
    the L2-normalized mean of the model's input embedding rows of the passage's tokens (no transformer)."""

    def __init__(self, real: E5OnnxEmbedder, real_chunks: int):
        self.real, self.left = real, real_chunks
        self.name, self.dim, self.max_tokens = real.name, real.dim, real.max_tokens
        self.embedded = {"real": 0, "cheap": 0}

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        n = min(self.left, len(texts))
        self.left -= n
        self.embedded["real"] += n
        self.embedded["cheap"] += len(texts) - n
        parts = [self.real.embed_passages(texts[:n])] if n else []
        if n < len(texts):
            model = self.real.model
            ids = model.tokenizer.content_ids(["passage: " + t for t in texts[n:]])
            means = np.stack([model.word_vectors(np.asarray(i)).mean(axis=0) for i in ids])
            parts.append((means / np.linalg.norm(means, axis=1, keepdims=True)).astype(np.float32))
        return np.concatenate(parts)

    def embed_query(self, text: str) -> np.ndarray:
        return self.real.embed_query(text)

    def count_tokens(self, text: str) -> int:
        return self.real.count_tokens(text)


def rss_mb() -> float:
    """This process's resident memory (Linux /proc), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def build(args) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "ant.jsonl"
        with gzip.open(ANT, "rt", encoding="utf-8") as f, corpus.open("w", encoding="utf-8") as out:
            for _, line in zip(range(args.articles), f, strict=False):
                out.write(line)
        embedder = BudgetEmbedder(E5OnnxEmbedder(), args.real_chunks)
        a = Assistant(args.index, embedder=embedder)
        started = time.perf_counter()
        print(f"{'articles':>8} {'chunks':>8} {'seconds':>8} {'chunks/s':>8} {'RSS MB':>8}", flush=True)

        def on_article(done: int, _title: str) -> None:
            if done % 1000 == 0:
                chunks = a.index.catalog.counts()["chunks"]
                seconds = time.perf_counter() - started
                print(f"{done:>8} {chunks:>8} {seconds:>8.0f} {chunks / seconds:>8.1f} {rss_mb():>8.0f}", flush=True)

        report = a.ingest([corpus], on_article=on_article)
    total = a.index.catalog.counts()
    info = {"articles": args.articles, **total, "embedded": embedder.embedded, "seconds": report.seconds}
    (Path(args.index) / "scale-build.json").write_text(json.dumps(info))
    print(
        f"{report.articles} articles, {report.chunks} chunks in {report.seconds:.0f} s; index: {total}; "
        f"dense vectors: {embedder.embedded['real']} from the model, {embedder.embedded['cheap']} from the cheaper "
        f"source (mean input embedding rows); peak RSS {peak_rss_mb():.0f} MB"
    )


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def questions(index: str, n: int) -> list[tuple[str, str]]:
    """(language, question): titles of n indexed articles spread over the index, and the English list."""
    a = Assistant(index)
    rows = a.index.catalog._read("SELECT title FROM articles ORDER BY doc_id")
    step = max(len(rows) // n, 1)
    titles = [("ar", r[0]) for r in rows[::step][:n] if r[0]]
    return titles + [("en", q) for q in ENGLISH]


def percentiles(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"p50 {statistics.median(ms):7.1f} ms  p95 {p95:7.1f} ms  (n={len(ms)})"


def llama_retriever(a: Assistant, top_k: int):
    """The plain LlamaIndex route over the same Chroma collection, with the same embedder."""
    from llama_index.core import Settings, VectorStoreIndex
    from llama_index.core.embeddings import BaseEmbedding
    from llama_index.vector_stores.chroma import ChromaVectorStore

    embedder = a.embedder

    class IsnadEmbedding(BaseEmbedding):
        def _get_query_embedding(self, query: str) -> list[float]:
            return embedder.embed_query(query).tolist()

        def _get_text_embedding(self, text: str) -> list[float]:
            return embedder.embed_passages([text])[0].tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

    Settings.llm = None
    Settings.embed_model = IsnadEmbedding(model_name=embedder.name)
    store = ChromaVectorStore(chroma_collection=a.index.vectors._collection)
    return VectorStoreIndex.from_vector_store(store, embed_model=Settings.embed_model).as_retriever(
        similarity_top_k=top_k
    )


COLD_START = """
import json, sys, time
t0 = time.perf_counter()
from rag import Assistant
a = Assistant(sys.argv[1])
r = a.answer(sys.argv[2])
t1 = time.perf_counter()
rss = [int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS:")][0] / 1024
print(json.dumps({"in_process_s": t1 - t0, "rss_mb": rss, "citations": len(r.citations)}))
"""


def cold_start(index: str, question: str) -> tuple[float, float, float]:
    """(seconds from process start to first answer, of which inside Python after start, RSS MB)."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", COLD_START, index, question], capture_output=True, text=True)
    wall = time.perf_counter() - start
    if out.returncode:
        raise RuntimeError(out.stderr)
    info = json.loads(out.stdout.strip().splitlines()[-1])
    return wall, info["in_process_s"], info["rss_mb"]


def measure(args) -> None:
    counts = Assistant(args.index).index.catalog.counts()
    log = Path(args.index) / "scale-build.json"  # absent when the build was interrupted (resumable)
    built = json.loads(log.read_text()) if log.exists() else {"embedded": {"real": "?", "cheap": "?"}}
    qs = questions(args.index, args.questions)
    print(
        f"index {args.index}: {counts['chunks']} chunks, {counts['paragraphs']} paragraphs, "
        f"{counts['articles']} articles"
    )
    print(
        f"dense vectors: {built['embedded']['real']} from the model, "
        f"{built['embedded']['cheap']} from the cheaper source (the build's output says when this is '?')"
    )
    print(f"questions: {sum(lang == 'ar' for lang, _ in qs)} Arabic titles, {len(ENGLISH)} English; runs: {args.runs}")
    Assistant(args.index).answer(qs[0][1])  # load the model, open the index
    times: dict[str, list[float]] = {}
    for _ in range(args.runs):
        retr, ans = Assistant(args.index), Assistant(args.index)  # fresh caches
        llama = llama_retriever(retr, 10)
        for lang, q in qs:
            for label, call, arguments in (
                (f"retrieve {lang}", retr.retrieve, (q, 10)),
                (f"answer {lang}", ans.answer, (q,)),
                (f"llama-index retrieve {lang}", llama.retrieve, (q,)),
            ):
                t = time.perf_counter()
                call(*arguments)
                times.setdefault(label, []).append(time.perf_counter() - t)
    for label in sorted(times):
        print(f"{label:<26} {percentiles(times[label])}")
    for lang in ("ar", "en"):
        ratio = statistics.median(times[f"retrieve {lang}"]) / statistics.median(times[f"llama-index retrieve {lang}"])
        print(f"retrieve / llama-index retrieve, {lang}, p50: {ratio:.2f}")
    colds = [cold_start(args.index, qs[i][1]) for i in range(3)]
    wall, inside, rss = (statistics.median(c[i] for c in colds) for i in range(3))
    print(
        f"cold start (process start to first answer, median of 3): {wall:.2f} s ({inside:.2f} s after imports "
        f"began); resident memory then {rss:.0f} MB"
    )
    index = Path(args.index)
    catalog = (index / "catalog.sqlite3").stat().st_size
    chroma = sum(p.stat().st_size for p in (index / "chroma").rglob("*") if p.is_file())
    k = counts["chunks"] / 1000
    print(
        f"disk: catalog {catalog / 1e6:.0f} MB + chroma {chroma / 1e6:.0f} MB = "
        f"{(catalog + chroma) / k / 1e6:.2f} MB per 1,000 chunks ({catalog / k / 1e6:.2f} + {chroma / k / 1e6:.2f})"
    )


WORKER = """
import json, sys, time
from rag import Assistant
a = Assistant(sys.argv[1], chroma_url=sys.argv[2])
qs = json.loads(sys.argv[3])
a.answer(qs[0])
print("ready", flush=True)
sys.stdin.readline()
out = []
for q in qs:
    t = time.perf_counter(); a.answer(q); out.append(time.perf_counter() - t)
print(json.dumps(out), flush=True)
"""


def server(args) -> None:
    import socket
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    chroma = Path(sys.executable).parent / "chroma"
    log = open(Path(tempfile.gettempdir()) / f"chroma-{port}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(Path(args.index) / "chroma"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        qs = [q for _, q in questions(args.index, args.questions)]
        for workers in (1, args.workers):
            procs = [
                subprocess.Popen(
                    [sys.executable, "-c", WORKER, args.index, url, json.dumps(qs[w::workers])],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                for w in range(workers)
            ]
            for p in procs:
                assert p.stdout.readline().strip() == "ready"
            start = time.perf_counter()
            for p in procs:
                p.stdin.write("go\n")
                p.stdin.flush()
            times = [t for p in procs for t in json.loads(p.stdout.readline())]
            wall = time.perf_counter() - start
            for p in procs:
                p.wait()
            print(
                f"Chroma server, {workers} chat worker(s): answer {percentiles(times)}; "
                f"{len(times) / wall:.1f} answers/s"
            )
    finally:
        proc.terminate()
        proc.wait()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["build", "measure", "server"])
    ap.add_argument("--index", default="/tmp/isnad-scale-index")
    ap.add_argument("--articles", type=int, default=13500, help="ANT articles to ingest (13,500 give ~100k chunks)")
    ap.add_argument("--real-chunks", type=int, default=20000, help="chunks embedded by the model; the rest cheaper")
    ap.add_argument("--questions", type=int, default=40, help="Arabic title questions (plus the English ones)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    if not ANT.exists():
        print(f"skipped: {ANT} is absent")
        return 0
    print(
        f"uptime: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (load, 1/5/15 min); "
        f"{os.cpu_count()} cores"
    )
    {"build": build, "measure": measure, "server": server}[args.command](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
