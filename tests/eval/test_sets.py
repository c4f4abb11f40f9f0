"""The question-set loaders: isnad JSON Lines, SQuAD (a tiny hand-written file and the real ARCD)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from eval.metrics import key_found
from eval.sets import SEED_SET, UNANSWERABLE, EvalSetError, Gold, load_set
from rag.clean import clean
from rag.load import read_articles

SHARED_DATA = Path(__file__).parents[2].parent / "shared" / "data"
ARCD = SHARED_DATA / "arcd-train.json"
ANT = SHARED_DATA / "ant_news.jsonl.gz"


def write(tmp_path: Path, name: str, data) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_tiny_squad_file(tmp_path, tiny_squad):
    s = load_set(write(tmp_path, "tiny-dev.json", tiny_squad))
    assert (s.name, s.format) == ("tiny-dev", "squad")
    assert [r["id"] for r in s.corpus] == ["tiny-dev-0", "tiny-dev-1"]
    assert s.corpus[0]["title"] == "نهر النيل" and s.corpus[1]["title"] == "Mount Everest"
    assert "\n" not in s.corpus[0]["text"]  # one article, one paragraph
    q = {x.id: x for x in s.questions}
    assert set(q) == {"q1", "q2", "q3", "q4"}  # q5's only answer has no letters or digits
    assert q["q1"].question == "كم يبلغ طول نهر النيل؟"  # ARCD-style dash and tail removed
    assert q["q1"].gold == (Gold("tiny-dev-0", 1),) and q["q1"].keys == ("6650 كيلومترا",)
    assert q["q1"].evidence == ("يبلغ طوله 6650 كيلومترا ويجري في أحد عشر بلدا.",)
    assert q["q2"].keys == ("أحد عشر", "أحد عشر بلدا") and not q["q2"].keys_all
    assert q["q3"].language == "en" and q["q3"].gold == (Gold("tiny-dev-1", 1),)
    assert q["q4"].type == UNANSWERABLE and not q["q4"].answerable and q["q4"].gold == ()
    assert s.paragraphs[Gold("tiny-dev-0", 1)] == s.corpus[0]["text"]


def test_format_is_detected_from_content_not_extension(tmp_path, tiny_squad):
    assert load_set(write(tmp_path, "squad.txt", tiny_squad)).format == "squad"
    records = [{"id": "x1", "question": "كم؟", "gold": [{"doc_id": "d", "paragraph": 2}], "keys": ["5"]}]
    as_list = load_set(write(tmp_path, "list.json", records))
    assert as_list.format == "isnad" and as_list.questions[0].gold == (Gold("d", 2),)
    lines = tmp_path / "set.json"
    lines.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records * 1) + "\n", encoding="utf-8")
    assert load_set(lines).questions[0].id == "x1"


def test_seed_set():
    s = load_set(SEED_SET)
    assert (s.name, s.format, len(s.questions), s.is_seed_set) == ("seed_set", "isnad", 89, True)
    assert sum(q.answerable for q in s.questions) == 76
    q = s.questions[0]
    assert q.id == "s001" and q.language == "en" and q.gold == (Gold("000_d5f7ec68f2725137", 2),)


def test_bad_sets_say_where(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "question": "q"}\n{"id": "b", "question": \n', encoding="utf-8")
    with pytest.raises(EvalSetError, match="bad.jsonl:2"):
        load_set(bad)
    dup = tmp_path / "dup.jsonl"
    dup.write_text('{"id": "a", "question": "q"}\n{"id": "a", "question": "r"}\n', encoding="utf-8")
    with pytest.raises(EvalSetError, match="duplicate"):
        load_set(dup)
    with pytest.raises(EvalSetError, match="cannot read"):
        load_set(tmp_path / "missing.jsonl")
    noid = write(tmp_path, "noid.jsonl", {"question": "q"})
    with pytest.raises(EvalSetError, match="id"):
        load_set(noid)


@pytest.mark.skipif(not ARCD.exists(), reason="../shared/data/arcd-train.json is absent")
def test_real_arcd():
    s = load_set(ARCD)
    assert s.format == "squad" and s.name == "arcd-train"
    assert len(s.corpus) == 231 and len(s.questions) == 692  # one question's only answer is "-)"
    assert s.corpus[0]["id"] == "arcd-train-0" and s.corpus[0]["title"] == "جمال خاشقجي"
    assert all(q.language == "ar" and q.answerable and len(q.gold) == 1 for q in s.questions)
    assert not any(q.question.startswith("-") for q in s.questions)
    for q in s.questions:
        paragraph = s.paragraphs[q.gold[0]]
        assert any(key_found(paragraph, k) for k in q.keys), q.id
        assert all(e in paragraph for e in q.evidence), q.id


def test_isnad_set_brings_the_corpus_it_names(tmp_path, tiny_squad):
    write(tmp_path, "tiny-dev.json", tiny_squad)
    (tmp_path / "sets").mkdir()
    record = {"id": "e1", "question": "How long is the Nile?", "gold": [{"doc_id": "tiny-dev-0", "paragraph": 1}]}
    english = write(tmp_path / "sets", "en.jsonl", {**record, "keys": ["6650 كيلومترا"], "corpus": "../tiny-dev.json"})
    s = load_set(english)
    assert s.format == "isnad" and [r["id"] for r in s.corpus] == ["tiny-dev-0", "tiny-dev-1"]
    assert s.paragraphs[Gold("tiny-dev-0", 1)] == s.corpus[0]["text"]
    assert load_set(write(tmp_path, "plain.jsonl", record)).corpus is None  # no `corpus`: none brought
    with pytest.raises(EvalSetError, match="not found"):
        load_set(write(tmp_path, "lost.jsonl", {**record, "corpus": "absent.json"}))
    with pytest.raises(EvalSetError, match="not a SQuAD file"):
        load_set(write(tmp_path, "self.jsonl", {**record, "corpus": "plain.jsonl"}))


def test_isnad_set_brings_the_news_articles_it_names(tmp_path):
    articles = [
        {"id": f"a{i}", "title": f"عنوان {i}", "text": f"الفقرة الأولى {i}\nالفقرة الثانية {i}", "source": "s"}
        for i in range(4)
    ]
    with gzip.open(tmp_path / "news.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write("\n".join(json.dumps(a, ensure_ascii=False) for a in articles) + "\n")
    (tmp_path / "ids.txt").write_text("a2\na0\n\na2\n", encoding="utf-8")
    record = {"id": "n1", "question": "ما الفقرة الثانية؟", "gold": [{"doc_id": "a2", "paragraph": 2}], "keys": ["2"]}
    news = {**record, "corpus": "news.jsonl.gz", "corpus_ids": "ids.txt"}
    s = load_set(write(tmp_path, "set.jsonl", news))
    assert s.corpus == [articles[2], articles[0]]  # the listed ones, in the list's order, once each
    (tmp_path / "ids.txt").write_text("a1\nmissing\n", encoding="utf-8")
    with pytest.raises(EvalSetError, match="1 article ids are not in .*missing"):
        load_set(tmp_path / "set.jsonl")
    (tmp_path / "broken.jsonl").write_text('{"id": "a1", "text": "x"}\n{"id": \n', encoding="utf-8")
    with pytest.raises(EvalSetError, match="broken.jsonl:2: invalid JSON"):
        load_set(write(tmp_path, "set2.jsonl", {**news, "corpus": "broken.jsonl"}))
    with pytest.raises(EvalSetError, match="cannot read its article ids"):
        load_set(write(tmp_path, "set3.jsonl", {**news, "corpus_ids": "absent.txt"}))


EVAL = Path(__file__).parents[2] / "eval"


@pytest.mark.skipif(not ANT.exists(), reason="../shared/data/ant_news.jsonl.gz is absent")
@pytest.mark.parametrize(("name", "split"), [("news_set", "test"), ("news_dev", "dev")])
def test_news_set_points_into_the_ant_corpus(tmp_path, name, split):
    """Every gold paragraph, numbered as ingestion numbers it (after cleaning), holds its evidence and a key."""
    s = load_set(EVAL / f"{name}.jsonl")
    assert len(s.corpus) == 150 and {q.language for q in s.questions} == {"ar", "en"}
    assert sum(not q.answerable for q in s.questions) >= 10 and all(q.split == split for q in s.questions)
    corpus = write(tmp_path, "news.json", s.corpus)
    articles = {a.doc_id: clean(a) for a in read_articles(corpus)}
    for q in s.questions:
        texts = [articles[g.doc_id].paragraphs[g.paragraph - 1] for g in q.gold]
        assert all(e in t for e, t in zip(q.evidence, texts, strict=True)), q.id
        assert all(any(key_found(t, k) for k in q.keys) for t in texts[:1]), q.id


def test_news_dev_and_test_sets_share_no_article():
    """Tuning on the dev set must not see the held-out set's articles."""
    dev, test = ((EVAL / f).read_text(encoding="utf-8").split() for f in ("news_dev_articles.txt", "news_articles.txt"))
    assert len(set(dev)) == len(set(test)) == 150 and not set(dev) & set(test)
    records = [json.loads(line) for line in (EVAL / "news_dev.jsonl").read_text(encoding="utf-8").splitlines()]
    assert records and all(r["split"] == "dev" and r["corpus_ids"] == "news_dev_articles.txt" for r in records)


ARCD_EN = Path(__file__).parents[2] / "eval" / "arcd_en.jsonl"


@pytest.mark.skipif(not ARCD.exists(), reason="../shared/data/arcd-train.json is absent")
def test_english_arcd_set_points_into_arcd():
    s = load_set(ARCD_EN)
    arcd = {q.id: q for q in load_set(ARCD).questions}
    records = [json.loads(line) for line in ARCD_EN.read_text(encoding="utf-8").splitlines()]
    assert len(s.questions) == len(records) >= 150 and len(s.corpus) == 231  # ARCD's paragraphs come along
    split_of: dict[str, str] = {}
    for q, r in zip(s.questions, records, strict=True):
        source = arcd[r["source_id"]]
        assert q.language == "en" and q.type == "squad" and q.reference and q.question != source.question
        assert q.gold == source.gold and q.keys == source.keys and q.evidence == source.evidence
        text = s.paragraphs[q.gold[0]]
        assert all(k in text for k in q.keys) and all(e in text for e in q.evidence)
        assert split_of.setdefault(s.corpus[int(q.gold[0].doc_id.rsplit("-", 1)[1])]["title"], r["split"]) == r["split"]
    assert set(split_of.values()) == {"dev", "test"}  # split by article: no article in both
