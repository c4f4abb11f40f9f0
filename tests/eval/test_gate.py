"""The CI gate: the seed set over the seed index must keep every metric at or above eval/floors.json, overall
and per question language; and the gate must have teeth: an answerer that does no real work fails it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.run import HIGHER_IS_BETTER, PER_LANGUAGE, check_floors, evaluate, format_table
from eval.sets import SEED_SET, load_set
from rag.language import detect_language
from rag.schema import Answer, Citation, Hit
from rag.split import quotable_spans

FLOORS = Path(__file__).resolve().parents[2] / "eval" / "floors.json"


def floors() -> dict[str, dict[str, float]]:
    return {k: v for k, v in json.loads(FLOORS.read_text(encoding="utf-8")).items() if not k.startswith("_")}


class FirstSentence:
    """A dummy answerer: quotes the first sentence of the top paragraph and never refuses."""

    def answer(self, question: str, hits: list[Hit]) -> Answer:
        language, top = detect_language(question), hits[0]
        start, end = quotable_spans(top.text)[0]
        quote = top.text[start:end]
        c = Citation(1, top.doc_id, top.title, top.paragraph, top.text, quote, top.score)
        text = (
            f"{quote} [1]"
            if language == "ar"
            else f"According to “{top.title}” (paragraph {top.paragraph}): “{quote}” [1]"
        )
        return Answer(question, language, text, refused=False, citations=[c])


@pytest.fixture(scope="module")
def seed_set():
    return load_set(SEED_SET)


def test_floors_name_known_metrics_overall_and_per_language():
    groups = floors()
    assert set(groups) == {"overall", "ar", "en"}, "eval/floors.json: floors overall and per language (ar, en)"
    for group, values in groups.items():
        for name, value in values.items():
            assert name in HIGHER_IS_BETTER, f"eval/floors.json: unknown metric {group} {name!r}"
            assert 0.0 <= value <= 1.0, f"eval/floors.json: {group} {name} = {value} is not a share"
    for lang in ("ar", "en"):
        assert {"correctness", "refusal_precision", "refusal_recall", "recall@5"} <= set(groups[lang])
        assert set(groups[lang]) <= set(PER_LANGUAGE)


def test_seed_set_meets_the_floors(seed_index, seed_set):
    from rag import Assistant

    result = evaluate(Assistant(seed_index), seed_set, top_k=5)
    failures = check_floors(result["metrics"], floors())
    failing = [r["id"] for r in result["questions"] if not r["passed"]]
    assert not failures, (
        "metrics under their floor (eval/floors.json):\n  "
        + "\n  ".join(failures)
        + f"\n\n{format_table(result)}\n\nfailing questions: {', '.join(failing)}"
    )


def test_an_answerer_that_quotes_the_first_sentence_and_never_refuses_fails_the_gate(seed_index, seed_set):
    from rag import Assistant

    assistant = Assistant(seed_index)
    assistant.answerer = FirstSentence()
    result = evaluate(assistant, seed_set, top_k=5)
    failures = check_floors(result["metrics"], floors())
    failed = {line.split(":")[0] for line in failures}
    # it always cites a retrieved paragraph in the right language, so only the metrics with teeth catch it
    assert {"ar correctness", "en correctness", "ar refusal_recall", "en refusal_recall"} <= failed, failures
