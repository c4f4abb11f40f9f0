"""The English ARCD set's builder: chosen questions, splits, and the committed file matching its source."""

from __future__ import annotations

import json

import pytest

from eval.make_arcd_en import OUT, TRANSLATIONS, build
from eval.sets import split_of

from .test_sets import ARCD, write


def test_build_takes_loader_fields_and_english_text(tmp_path, tiny_squad):
    squad = write(tmp_path, "tiny-dev.json", tiny_squad)
    tsv = tmp_path / "en.tsv"
    tsv.write_text(
        "# id\tquestion\treference\nq3\tWhat is Everest?\tThe highest mountain.\n"
        "q1\tHow long is the Nile?\t6,650 km.\n",
        encoding="utf-8",
    )
    out = tmp_path / "sets" / "en.jsonl"
    out.parent.mkdir()
    assert build(squad, tsv, out) == (2, 1)  # every question with an answer can be: q2 is not translated
    r, r3 = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]  # in ARCD's order
    assert (r["id"], r["question"], r["language"], r["reference"]) == (
        "arcd-en-q1",
        "How long is the Nile?",
        "en",
        "6,650 km.",
    )
    assert r["gold"] == [{"doc_id": "tiny-dev-0", "paragraph": 1}] and r["keys"] == ["6650 كيلومترا"]
    assert (r["source_id"], r["split"], r["corpus"]) == ("q1", "dev", "../tiny-dev.json")
    assert (r3["source_id"], r3["question"]) == ("q3", "What is Everest?")
    assert r3["gold"] == [{"doc_id": "tiny-dev-1", "paragraph": 1}]
    for unknown in ("q4", "q9"):  # unanswerable in ARCD, or not in it
        tsv.write_text(f"{unknown}\tWho climbed it first?\tNobody knows.\n", encoding="utf-8")
        with pytest.raises(SystemExit, match="not ARCD questions with an answer"):
            build(squad, tsv, out)


def test_a_translation_falls_on_its_originals_side_of_the_split(tmp_path, tiny_squad):
    tiny_squad["data"] = [tiny_squad["data"][0]] * 5 + [tiny_squad["data"][1]]  # article 5: test (split_of)
    tiny_squad["data"][5]["paragraphs"][0]["qas"][0]["id"] = "q3"
    squad = write(tmp_path, "tiny-dev.json", tiny_squad)
    tsv = tmp_path / "en.tsv"
    tsv.write_text("q3\tWhat is Everest?\tThe highest mountain.\n", encoding="utf-8")
    out = tmp_path / "en.jsonl"
    build(squad, tsv, out)
    (r,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert (r["source_id"], r["split"], split_of(5)) == ("q3", "test", "test")


@pytest.mark.skipif(not ARCD.exists(), reason="../shared/data/arcd-train.json is absent")
def test_committed_set_is_what_its_translations_make(tmp_path):
    out = tmp_path / "arcd_en.jsonl"
    build(ARCD, TRANSLATIONS, out)
    made, committed = ([json.loads(line) for line in f.read_text(encoding="utf-8").splitlines()] for f in (out, OUT))
    for record in made + committed:
        record.pop("corpus")  # the path to ARCD depends on where the file is written
    assert made == committed
