"""Interrupted work: `isnad ingest` killed with SIGKILL and run again, two ingestions of one index at once,
a Chroma server that stops in the middle of an ingestion. Each time the index ends up exactly like the one
an uninterrupted run builds, with no orphan vectors or rows.

The corpus: three seed articles cut into one small article per paragraph (38 files), so that an ingestion
writes many articles and takes a few seconds.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

from rag import Assistant, IndexBusy, StoreUnavailable
from rag.store import Vectors

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
ISNAD = Path(sys.executable).parent / "isnad"
KILL_SEED = 20261123  # the kill points are random, but the same on every run


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """One file per seed paragraph: TITLE (n) on the first line, the paragraph on the second."""
    folder = tmp_path_factory.mktemp("split-seeds")
    for seed in sorted(SEEDS.glob("*.txt"))[::2]:
        title, *body = [line for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
        for n, paragraph in enumerate(body, 1):
            (folder / f"{seed.stem[:3]}-{n:02d}.txt").write_text(f"{title} ({n})\n{paragraph}\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> dict:
    """The index an uninterrupted ingestion of the corpus builds, as a snapshot."""
    index = tmp_path_factory.mktemp("reference") / "index"
    Assistant(index).ingest([str(corpus)])
    return snapshot(index)


def snapshot(index: Path, chroma_url: str | None = None, collection: str = "isnad") -> dict:
    """Everything the index holds: catalog rows (articles, paragraphs, chunks, BM25 rows) and vectors."""
    with closing(sqlite3.connect(index / "catalog.sqlite3")) as db:
        rows = {t: sorted(db.execute(f"SELECT * FROM {t}")) for t in ("articles", "paragraphs", "chunks")}
        rows["lexical"] = sorted(db.execute("SELECT doc_id, paragraph, terms, title_terms FROM lexical"))
    got = Vectors(index, chroma_url, collection)._collection.get(include=["embeddings", "metadatas", "documents"])
    rows["vectors"] = {
        i: (np.asarray(e, dtype=np.float32), m, d)
        for i, e, m, d in zip(got["ids"], got["embeddings"], got["metadatas"], got["documents"], strict=True)
    }
    return rows


def assert_same_index(got: dict, expected: dict) -> None:
    """Same rows, same chunk ids, metadata and text in Chroma, same vectors (up to float rounding: a chunk
    embedded in another batch differs in the 8th decimal), and every chunk has exactly one vector."""
    assert {t: len(rows) for t, rows in got.items()} == {t: len(rows) for t, rows in expected.items()}
    for table in ("articles", "paragraphs", "chunks", "lexical"):
        assert got[table] == expected[table], table
    assert got["vectors"].keys() == expected["vectors"].keys() == {row[0] for row in got["chunks"]}
    for chunk_id, (vector, meta, text) in got["vectors"].items():
        want_vector, want_meta, want_text = expected["vectors"][chunk_id]
        assert (meta, text) == (want_meta, want_text), chunk_id
        assert np.allclose(vector, want_vector, atol=1e-5), chunk_id


def assert_consistent(index: Path) -> int:
    """The catalog never holds half an article: every stored article has all its paragraphs, chunks and
    BM25 rows, and nothing else is stored. Returns the number of articles."""
    with closing(sqlite3.connect(index / "catalog.sqlite3")) as db:
        articles = dict(db.execute("SELECT doc_id, paragraphs FROM articles"))
        paragraphs = dict(db.execute("SELECT doc_id, count(*) FROM paragraphs GROUP BY doc_id"))
        lexical = dict(db.execute("SELECT doc_id, count(*) FROM lexical GROUP BY doc_id"))
        chunked = {d for (d,) in db.execute("SELECT DISTINCT doc_id FROM chunks")}
    assert paragraphs == articles and lexical == articles and chunked == set(articles)
    return len(articles)


def stored_articles(index: Path) -> int:
    """How many articles the catalog holds now (read while another process writes; 0 before it exists)."""
    try:
        with closing(sqlite3.connect(f"file:{index / 'catalog.sqlite3'}?mode=ro", uri=True, timeout=1)) as db:
            return db.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return 0


def start_ingest(corpus: Path, index: Path) -> subprocess.Popen:
    """`isnad ingest` in a subprocess, storing two chunks at a time so that it can be killed between batches."""
    return subprocess.Popen(
        [str(ISNAD), "ingest", str(corpus), "--index", str(index), "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ | {"ISNAD_EMBED_BATCH": "2"},
    )


def kill_when(proc: subprocess.Popen, ready, then_wait: float = 0.0) -> bool:
    """SIGKILL `proc` `then_wait` seconds after `ready()` first holds; False if it finished first."""
    while proc.poll() is None and not ready():
        time.sleep(0.01)
    time.sleep(then_wait)
    if proc.poll() is not None:
        return False
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return True


def test_ingestion_killed_at_random_points_resumes_to_the_same_index(corpus, reference, tmp_path):
    index = tmp_path / "index"
    total = len(reference["articles"])
    rng = random.Random(KILL_SEED)
    # Kill points: once while it starts (nothing stored yet), then three times while it writes: when a
    # random number of articles are stored, plus a random pause within the time an article takes to store.
    # (A batch of two chunks takes well over 0.05 s to embed and store; the last kill leaves 8+ articles.)
    points = [(None, rng.uniform(0.05, 0.5))] + [
        (t, rng.uniform(0, 0.05)) for t in sorted(rng.sample(range(2, total - 8), 3))
    ]
    killed = []
    for target, pause in points:
        before = stored_articles(index)
        proc = start_ingest(corpus, index)
        if target is None:
            hit = kill_when(proc, lambda: True, pause)
        else:
            target = max(target, before + 1)
            hit = kill_when(proc, lambda: stored_articles(index) >= target, pause)  # noqa: B023
        assert proc.returncode in (-signal.SIGKILL, 0), proc.stderr.read()
        stored = assert_consistent(index) if (index / "catalog.sqlite3").exists() else 0
        killed.append({"after_articles": target, "pause_s": round(pause, 3), "killed": hit, "stored": stored})
    print(f"\n{total} articles; kill points: {killed}")
    assert all(k["killed"] for k in killed), killed
    assert 0 < killed[-1]["stored"] < total

    done = subprocess.run(
        [str(ISNAD), "ingest", str(corpus), "--index", str(index), "--quiet"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert_same_index(snapshot(index), reference)


def test_a_second_ingestion_of_the_same_index_fails_with_a_clear_message(corpus, tmp_path):
    index = tmp_path / "index"
    holder = Assistant(index)
    with holder.index.writing():  # as if another ingestion were running
        busy = subprocess.run(
            [str(ISNAD), "ingest", str(corpus), "--index", str(index), "--quiet"], capture_output=True, text=True
        )
        with pytest.raises(IndexBusy, match="another ingestion is writing to the index"):
            Assistant(index).ingest([corpus])
    assert busy.returncode == 2 and busy.stdout == ""
    assert busy.stderr.strip().splitlines() == [
        f"isnad: error: another ingestion is writing to the index at {index} (it holds {index / 'ingest.lock'}); "
        "run this again when it has finished"
    ]
    assert stored_articles(index) == 0
    assert holder.ingest([corpus]).articles > 0  # free again once the first one is done


def test_two_ingestions_at_once_leave_one_consistent_index(corpus, reference, tmp_path):
    index = tmp_path / "index"
    procs = [start_ingest(corpus, index) for _ in range(2)]
    results = [(p.wait(timeout=600), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes in ([0, 0], [0, 2]), results
    for code, err in results:
        assert code == 0 or "another ingestion is writing to the index" in err
    assert_same_index(snapshot(index), reference)


def start_chroma(data: Path, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "chroma"), "run", "--path", str(data), "--host", "127.0.0.1"]
        + ["--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for_chroma(url: str) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2)
            return
        except OSError:
            assert time.monotonic() < deadline, "chroma run did not start"
            time.sleep(0.3)


def test_chroma_server_stopping_mid_ingest_is_a_clear_error_and_resumes(corpus, reference, tmp_path, monkeypatch):
    port = unused_port()
    url = f"http://127.0.0.1:{port}"
    server = start_chroma(tmp_path / "chroma", port)
    try:
        wait_for_chroma(url)
        a = Assistant(tmp_path / "index", chroma_url=url)
        real_replace, calls = Vectors.replace, []

        def stop_at_the_fifth_article(self, *args, **kwargs):
            calls.append(1)
            if len(calls) == 5:
                server.terminate()
                server.wait(timeout=30)
            return real_replace(self, *args, **kwargs)

        monkeypatch.setattr(Vectors, "replace", stop_at_the_fifth_article)
        monkeypatch.setenv("ISNAD_EMBED_BATCH", "1")  # one article (one chunk or more) a batch
        t0 = time.monotonic()
        with pytest.raises(StoreUnavailable, match=f"the Chroma server at {url} failed during delete"):
            a.ingest([corpus])
        assert time.monotonic() - t0 < 60  # a few bounded retries, no hang
        monkeypatch.undo()
        assert assert_consistent(tmp_path / "index") == 4  # the four articles whose vectors were stored
    finally:
        server.terminate()
        server.wait(timeout=30)
    server = start_chroma(tmp_path / "chroma", port)
    try:
        wait_for_chroma(url)
        report = Assistant(tmp_path / "index", chroma_url=url).ingest([corpus])
        assert (report.articles, report.unchanged) == (len(reference["articles"]) - 4, 4)
        assert_same_index(snapshot(tmp_path / "index", url), reference)
    finally:
        server.terminate()
        server.wait(timeout=30)


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_chroma_server_that_never_answers_is_a_clear_error_not_a_hang(tmp_path):
    with socket.socket() as silent:  # accepts connections, never replies
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        t0 = time.monotonic()
        with pytest.raises(StoreUnavailable, match=f"cannot reach the Chroma server at {url}"):
            Assistant(tmp_path / "index", chroma_url=url)
        assert time.monotonic() - t0 < 30


def test_calls_to_an_unreachable_server_are_retried_a_bounded_number_of_times(monkeypatch):
    import httpx

    vectors = Vectors.__new__(Vectors)  # only what `_call` needs: a remote store
    vectors.remote, vectors.where = True, "http://127.0.0.1:9"
    monkeypatch.setattr("rag.store.RETRY_PAUSES", (0.01, 0.01))
    attempts = []

    def flaky(fail: int):
        attempts.append(1)
        if len(attempts) <= fail:
            raise httpx.ConnectError("connection refused")
        return "done"

    assert vectors._call("count", flaky, 2) == "done" and len(attempts) == 3
    attempts.clear()
    with pytest.raises(StoreUnavailable, match="http://127.0.0.1:9 failed during count"):
        vectors._call("count", flaky, 3)
    assert len(attempts) == 3  # never more
