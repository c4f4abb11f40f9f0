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


class ScriptedChatServer:
    """An OpenAI-compatible chat server on 127.0.0.1 (`/v1/chat/completions`, streaming SSE included) whose
    replies are scripted: `reply(messages) -> str` decides each one. `requests` keeps every request body."""

    def __init__(self):
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        server = self
        self.requests: list[dict] = []
        self.reply = lambda messages: "..."
        self.pieces = 6  # a streamed reply comes in (at least) this many chunks
        self.delay = 0.0  # seconds between two chunks

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                server.requests.append(body)
                if not self.path.endswith("/chat/completions"):
                    self.send_error(404)
                    return
                text = server.reply(body.get("messages", []))
                head = {"id": "chatcmpl-1", "created": 0, "model": body.get("model", "scripted")}
                if not body.get("stream"):
                    data = head | {
                        "object": "chat.completion",
                        "choices": [
                            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
                        ],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                    }
                    raw = json.dumps(data).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                size = max(1, -(-len(text) // server.pieces))
                chunks = [text[i : i + size] for i in range(0, len(text), size)]
                for i, piece in enumerate(chunks):
                    delta = {"content": piece} | ({"role": "assistant"} if i == 0 else {})
                    event = head | {
                        "object": "chat.completion.chunk",
                        "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
                    }
                    self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                    self.wfile.flush()
                    time.sleep(server.delay)
                end = head | {
                    "object": "chat.completion.chunk",
                    "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                }
                self.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())
                self.wfile.flush()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session")
def chat_server():
    """A scripted OpenAI-compatible chat server (see `ScriptedChatServer`); set `chat_server.reply` per test."""
    server = ScriptedChatServer()
    yield server
    server.close()
