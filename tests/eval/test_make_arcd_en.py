"""The English ARCD set's builder: chosen questions, splits, and the committed file matching its source."""

from __future__ import annotations

import json

import pytest

from eval.make_arcd_en import OUT, TRANSLATIONS, build

from .test_sets import ARCD, write


def test_build_takes_loader_fields_and_english_text(tmp_path, tiny_squad):
    squad = write(tmp_path, "tiny-dev.json", tiny_squad)
    tsv = tmp_path / "en.tsv"
    tsv.write_text("# id\tquestion\treference\nq1\tHow long is the Nile?\t6,650 km.\n", encoding="utf-8")
    out = tmp_path / "sets" / "en.jsonl"
    out.parent.mkdir()
    assert build(squad, tsv, out) == (1, 1)  # article 0 (even) is chosen: q1 and q2; q2 untranslated
    (r,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert (r["id"], r["question"], r["language"], r["reference"]) == (
        "arcd-en-q1",
        "How long is the Nile?",
        "en",
        "6,650 km.",
    )
    assert r["gold"] == [{"doc_id": "tiny-dev-0", "paragraph": 1}] and r["keys"] == ["6650 كيلومترا"]
    assert (r["source_id"], r["split"], r["corpus"]) == ("q1", "dev", "../tiny-dev.json")
    tsv.write_text("q3\tWhat is Everest?\tThe highest mountain.\n", encoding="utf-8")  # article 1: not chosen
    with pytest.raises(SystemExit, match="not chosen"):
        build(squad, tsv, out)


@pytest.mark.skipif(not ARCD.exists(), reason="../shared/data/arcd-train.json is absent")
def test_committed_set_is_what_its_translations_make(tmp_path):
    out = tmp_path / "arcd_en.jsonl"
    build(ARCD, TRANSLATIONS, out)
    made, committed = ([json.loads(line) for line in f.read_text(encoding="utf-8").splitlines()] for f in (out, OUT))
    for record in made + committed:
        record.pop("corpus")  # the path to ARCD depends on where the file is written
    assert made == committed
