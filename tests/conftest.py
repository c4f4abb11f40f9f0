"""Shared fixtures: the seed index (built once per test session) and real servers on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED_DATA = ROOT.parent / "shared" / "data"
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Poll `url` until it answers 200, failing early if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {proc.args}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


@pytest.fixture(scope="session")
def free_port():
    """A function giving a free TCP port on 127.0.0.1 (nothing listens there until a test starts a server)."""
    return _free_port


@pytest.fixture(scope="session")
def wait_for():
    """`wait_for(url, proc, timeout=60)`: poll a server started by a test until `url` answers 200."""
    return _wait_for


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    """An index folder with the five seed articles, built once; copy it before changing it."""
    from rag import Assistant

    path = tmp_path_factory.mktemp("seed-index")
    Assistant(path).ingest([SEEDS])
    return path


@pytest.fixture(scope="session")
def seed_assistant(seed_index):
    """A read-only assistant over the seed index (do not ingest into it)."""
    from rag import Assistant

    return Assistant(seed_index)


@pytest.fixture
def seed_index_copy(seed_index, tmp_path) -> Path:
    """A private copy of the seed index that a test may change."""
    dst = tmp_path / "index"
    shutil.copytree(seed_index, dst)
    return dst


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real Chroma server (`chroma run`) on 127.0.0.1; yields its URL."""
    port = _free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [str(BIN / "chroma"), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{url}/api/v2/heartbeat", proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
