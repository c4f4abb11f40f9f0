"""Load on the web chat's `/answer` API: answers per second and latency for 1, 5 and 20 concurrent clients.

    python bench/load.py [--index DIR] [--questions 40] [--runs 3] [--clients 1 5 20]
    python bench/load.py --url http://127.0.0.1:7860/ [--auth USER:PASSWORD]   # a running `isnad serve`

Each client is its own `gradio_client.Client` (its own session) in its own thread; together they ask the
first N questions of eval/seed_set.jsonl, each once, as fast as answers come back. For every level of
concurrency the chat is launched afresh over the index (an empty vector cache: every answer is cold), so
the levels compare; with --url the server's cache stays warm between levels and runs. Prints, per level,
the median over the runs of answers/s, the median and 95th-percentile latency, and the errors (all runs).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

from gradio_client import Client

from eval.sets import SEED_SET, load_set
from rag import Assistant
from rag.assistant import SEEDS_DIR


def serve_fresh(index: Path):
    """The chat over a fresh assistant on a free port: (its URL, the Blocks to close)."""
    import socket

    from ui.app import build, launch

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    demo = build(Assistant(index))
    launch(demo, server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    return f"http://127.0.0.1:{port}/", demo


def one_run(url: str, auth, clients: int, questions: list[str]) -> tuple[float, list[float], int]:
    """(answers per second, latencies in seconds, errors) for `clients` clients sharing `questions`."""
    connections = [Client(url, auth=auth, verbose=False) for _ in range(clients)]
    todo = list(reversed(questions))
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]

    def client(connection: Client) -> None:
        while True:
            with lock:
                if not todo:
                    return
                question = todo.pop()
            start = time.perf_counter()
            try:
                connection.predict(question, 5, api_name="/answer")
            except Exception as e:  # counted and shown; a load test must not stop at the first failure
                print(f"  error: {type(e).__name__}: {str(e)[:200]}", file=sys.stderr)
                with lock:
                    errors[0] += 1
                continue
            with lock:
                latencies.append(time.perf_counter() - start)

    threads = [threading.Thread(target=client, args=(c,)) for c in connections]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    return len(latencies) / wall, latencies, errors[0]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, help="index folder (default: a fresh one built from seeds/)")
    ap.add_argument("--url", help="a running chat to load instead of launching one")
    ap.add_argument("--auth", metavar="USER:PASSWORD", help="its password, if it has one")
    ap.add_argument("--questions", type=int, default=40, help="questions per run (default 40)")
    ap.add_argument("--runs", type=int, default=3, help="runs per level of concurrency (default 3)")
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 5, 20], help="levels (default 1 5 20)")
    args = ap.parse_args()
    questions = [q.question for q in load_set(SEED_SET).questions][: args.questions]
    auth = tuple(args.auth.split(":", 1)) if args.auth else None
    index = args.index
    if not args.url and index is None:
        import tempfile

        index = Path(tempfile.mkdtemp(prefix="isnad-load-")) / "index"
        Assistant(index).ingest([SEEDS_DIR])

    print(f"{len(questions)} questions per run, {args.runs} runs per level; answers/s and latency are medians")
    print(f"{'clients':>7}  {'answers/s':>9}  {'p50 s':>7}  {'p95 s':>7}  {'errors':>6}")
    for clients in args.clients:
        rates, p50s, p95s, errors = [], [], [], 0
        for _ in range(args.runs):
            url, demo = (args.url, None) if args.url else serve_fresh(index)
            try:
                rate, latencies, failed = one_run(url, auth, clients, questions)
            finally:
                if demo is not None:
                    demo.close()
            rates.append(rate)
            errors += failed
            if latencies:
                p50s.append(statistics.median(latencies))
                p95s.append(p95(latencies))
        p50 = statistics.median(p50s) if p50s else float("nan")
        p95_ = statistics.median(p95s) if p95s else float("nan")
        print(f"{clients:>7}  {statistics.median(rates):>9.2f}  {p50:>7.2f}  {p95_:>7.2f}  {errors:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
