"""`isnad serve` as a user starts it: bound to 127.0.0.1, behind a password, uploads kept in the index."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from gradio_client import Client

pytestmark = pytest.mark.slow

ISNAD = Path(sys.executable).parent / "isnad"
QUESTION = "كم عدد الدول المشاركة في مؤتمر موسكو السابع للأمن الدولي؟"


def listening_addresses(port: int) -> set[str]:
    """The local addresses (hex, as in /proc/net/tcp) on which something listens on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


@pytest.fixture(scope="module")
def served(seed_index, tmp_path_factory, free_port):
    """`isnad serve` over a copy of the seed index with ISNAD_AUTH set: (its URL, the index folder)."""
    import shutil

    index = tmp_path_factory.mktemp("served") / "index"
    shutil.copytree(seed_index, index)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("GRADIO_TEMP_DIR", "ISNAD_CHROMA_URL")}
    env["ISNAD_AUTH"] = "reader:s3cret-pass"
    proc = subprocess.Popen(
        [str(ISNAD), "serve", "--index", str(index), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None, "isnad serve exited"
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "isnad serve did not start"
            time.sleep(0.5)
        yield url, index, port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux's /proc/net/tcp")
def test_it_listens_on_127_0_0_1_only(served):
    _, _, port = served
    assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1


def test_it_asks_for_the_password(served):
    url, _, _ = served
    with pytest.raises(Exception):  # noqa: B017 (gradio_client raises a plain ValueError or an HTTP error)
        Client(url, verbose=False)
    with pytest.raises(Exception):  # noqa: B017
        Client(url, auth=("reader", "wrong"), verbose=False)
    out = Client(url, auth=("reader", "s3cret-pass"), verbose=False).predict(QUESTION, 3, api_name="/answer")
    assert "95" in out["answer"]
    assert httpx.post(f"{url}gradio_api/upload", files={"files": ("a.txt", b"x")}).status_code in (401, 403)


def logged_in(url: str) -> httpx.Client:
    session = httpx.Client(timeout=30)
    session.post(f"{url}login", data={"username": "reader", "password": "s3cret-pass"}).raise_for_status()
    return session


def test_uploads_land_in_the_index_folder_under_their_base_name(served, tmp_path):
    url, index, _ = served
    session = logged_in(url)
    reply = session.post(f"{url}gradio_api/upload", files={"files": ("../../evil.txt", "عنوان\nنص".encode())})
    assert reply.status_code == 200, reply.text
    (stored,) = reply.json()
    assert Path(stored).name == "evil.txt"
    assert Path(stored).resolve().is_relative_to(index.resolve())
    assert not (index.parent / "evil.txt").exists() and not (index.parent.parent / "evil.txt").exists()


def test_an_upload_over_the_size_limit_is_refused(served):
    from ui.app import MAX_UPLOAD_MB

    url, index, _ = served
    session = logged_in(url)
    big = b"x" * ((MAX_UPLOAD_MB << 20) + 1024)
    reply = session.post(f"{url}gradio_api/upload", files={"files": ("big.txt", big)})
    assert reply.status_code == 413
