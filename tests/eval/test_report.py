"""`isnad eval` end to end on a tiny SQuAD set (its own index), the report files, and `--compare`."""

from __future__ import annotations

import copy
import json
import struct

import pytest

from eval.report import compare, format_comparison, write_report
from rag.cli import main

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def tiny_run(tmp_path_factory, tiny_squad):
    """A folder holding tiny.json (a SQuAD set), shared by the tests (the index in it is reused)."""
    root = tmp_path_factory.getbasetemp() / "tiny-eval"
    root.mkdir(exist_ok=True)
    path = root / "tiny.json"
    path.write_text(json.dumps(tiny_squad, ensure_ascii=False), encoding="utf-8")
    return root, path


def run_eval(capsys, *args) -> tuple[int, str]:
    code = main(["eval", *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_eval_on_a_squad_set_ingests_its_paragraphs_and_writes_the_report(tiny_run, capsys):
    root, path = tiny_run
    code, out = run_eval(
        capsys, "--set", str(path), "--index", str(root / "index"), "--report", str(root / "report"), "--quiet"
    )
    assert code == 0, out
    assert "retrieval recall@5" in out and "citation recall (ALCE)" in out and "ar" in out
    report = root / "report"
    md = (report / "report.md").read_text(encoding="utf-8")
    for png in ("by_language.png", "by_type.png", "recall_at_k.png"):
        assert f"]({png})" in md  # the markdown shows the plot
        data = (report / png).read_bytes()
        assert data[:8] == PNG_MAGIC
        width, height = struct.unpack(">II", data[16:24])  # IHDR
        assert width > 200 and height > 200
        import matplotlib.image

        assert matplotlib.image.imread(report / png).shape[2] in (3, 4)  # decodes
    result = json.loads((report / "results.json").read_text(encoding="utf-8"))
    assert result["meta"]["set"] == "tiny" and result["meta"]["questions"] == 4
    overall = result["metrics"]["overall"]
    assert overall["answerable"] == 3 and overall["unanswerable"] == 1
    assert overall["recall@10"] == 1.0  # two paragraphs in the index: the gold one is always retrieved
    assert set(result["metrics"]["by_type"]) == {"squad", "unanswerable"}
    q1 = next(q for q in result["questions"] if q["id"] == "q1")
    assert q1["gold"] == [{"doc_id": "tiny-0", "paragraph": 1}] and q1["gold_ranks"] == [1]
    assert {"answer", "refused", "citations", "statements", "correct", "passed"} <= set(q1)
    assert "## Failing questions" in md and "## Metrics" in md

    # a second run finds the paragraphs already there (nothing new ingested) and gives the same metrics
    code, out = run_eval(
        capsys, "--set", str(path), "--index", str(root / "index"), "--report", str(root / "again"), "--quiet"
    )
    assert code == 0
    again = json.loads((root / "again" / "results.json").read_text(encoding="utf-8"))
    assert again["metrics"] == result["metrics"]


def test_floors_fail_the_run(tiny_run, capsys):
    root, path = tiny_run
    floors = root / "floors.json"
    floors.write_text(json.dumps({"overall": {"recall@10": 0.5, "citation_recall": 1.01}}), encoding="utf-8")
    code, out = run_eval(
        capsys,
        *("--set", str(path), "--index", str(root / "index"), "--report", str(root / "floored")),
        *("--floors", str(floors), "--write-floors", str(root / "measured.json"), "--quiet"),
    )
    assert code == 1
    assert "citation_recall" in out and "recall@10" not in out.split("under the floors")[1]
    measured = json.loads((root / "measured.json").read_text(encoding="utf-8"))
    assert measured["overall"]["recall@10"] == 0.98 and measured["_measured"].startswith("tiny over")
    assert measured["ar"]["recall@5"] == 0.98  # the gated metrics per language


def test_without_gold_hides_the_gold_articles_and_measures_refusals(tiny_run, capsys):
    root, path = tiny_run
    code, out = run_eval(
        capsys,
        *("--set", str(path), "--index", str(root / "index"), "--report", str(root / "hidden"), "--without-gold"),
        "--quiet",
    )
    assert code == 0, out
    result = json.loads((root / "hidden" / "results.json").read_text(encoding="utf-8"))
    assert result["meta"]["without_gold"] and result["meta"]["set"] == "tiny without gold"
    assert result["metrics"]["overall"]["unanswerable"] == 4 and result["metrics"]["overall"]["answerable"] == 0
    questions = {q["id"]: q for q in result["questions"]}
    assert all(q["type"] == "unanswerable" and q["gold"] == [] for q in questions.values())
    # the index holds two articles: hiding the gold one leaves the other (q4 had no gold: nothing hidden)
    retrieved = {i: [h["doc_id"] for h in q["retrieved"]] for i, q in questions.items()}
    assert (retrieved["q1"], retrieved["q2"], retrieved["q3"]) == (["tiny-1"], ["tiny-1"], ["tiny-0"])
    assert sorted(retrieved["q4"]) == ["tiny-0", "tiny-1"]
    assert result["metrics"]["overall"]["refusal_recall"] is not None
    assert "refusals.png" in (root / "hidden" / "report.md").read_text(encoding="utf-8")


def _result(passed: dict[str, bool], correctness: float) -> dict:
    rows = [
        {"id": i, "language": "ar", "type": "factual", "question": f"question {i}", "passed": p, "answerable": True}
        | {"refused": False, "answer": "", "keys": [], "gold": []}
        for i, p in passed.items()
    ]
    overall = {"correctness": correctness, "recall@5": 0.5, "n": len(rows)}
    return {
        "meta": {"set": "s", "embedder": "e1", "top_k": 5, "started": "t", "latency_ms": {"p50": 100.0}},
        "metrics": {"overall": overall, "by_language": {"ar": overall}, "by_type": {"factual": overall}},
        "questions": rows,
    }


def test_compare_shows_metric_changes_and_flipped_questions(tmp_path, capsys):
    a = _result({"q1": True, "q2": False, "q3": True}, 0.5)
    b = copy.deepcopy(_result({"q1": False, "q2": True, "q3": True}, 0.75))
    b["meta"]["embedder"] = "e2"
    c = compare(a, b)
    assert c["config"] == {"embedder": ("e1", "e2")}
    assert c["deltas"]["overall"]["correctness"]["delta"] == pytest.approx(0.25)
    assert [r["id"] for r in c["fixed"]] == ["q2"] and [r["id"] for r in c["broken"]] == ["q1"]
    text = format_comparison(c)
    assert "embedder: e1 -> e2" in text and "+0.250 ▲" in text
    assert "+ q2" in text and "- q1" in text

    pa, pb = tmp_path / "a.json", tmp_path / "b.json"
    pa.write_text(json.dumps(a), encoding="utf-8")
    pb.write_text(json.dumps(b), encoding="utf-8")
    code, out = run_eval(capsys, "--compare", str(pa), str(pb))
    assert code == 0
    assert "fixed (failed in A, passed in B): 1" in out and "broken (passed in A, failed in B): 1" in out
    assert "answer correct (keys)" in out
    code, out = run_eval(capsys, "--compare", str(pa), str(tmp_path / "missing.json"))
    assert code == 2 and "missing.json" in out


def test_write_report_on_a_run_without_answers_left_to_plot(tmp_path):
    result = _result({"q1": True}, 1.0)
    result["meta"].update(
        {"set_path": "x", "format": "isnad", "questions": 1, "index": "i", "answerer": "A", "seconds": 1}
    )
    paths = write_report(result, tmp_path / "r")
    assert paths["markdown"].exists() and paths["recall_at_k"].read_bytes()[:8] == PNG_MAGIC


def test_the_report_says_whether_english_questions_had_their_words_in_arabic(tiny_run, capsys, monkeypatch):
    root, path = tiny_run
    monkeypatch.setenv("ISNAD_LEXICON", str(root / "no-word-list-here"))
    report = root / "no-lexicon"
    args = ["--set", str(path), "--index", str(root / "index"), "--report", str(report), "--quiet"]
    assert run_eval(capsys, *args)[0] == 0
    result = json.loads((report / "results.json").read_text(encoding="utf-8"))
    assert result["meta"]["lexicon"] is None
    assert "| English words in Arabic | none: English questions ranked by meaning alone |" in (
        report / "report.md"
    ).read_text(encoding="utf-8")
    words = root / "word-list"
    words.mkdir(exist_ok=True)
    (words / "freedict-eng-ara.index").write_text("")
    monkeypatch.setenv("ISNAD_LEXICON", str(words))
    assert run_eval(capsys, *args)[0] == 0
    assert json.loads((report / "results.json").read_text(encoding="utf-8"))["meta"]["lexicon"] == str(words)
