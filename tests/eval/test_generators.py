"""`isnad eval --generator SPEC`: the generator beside the extractive baseline, with the checker's removals,
on four seed-set questions through a scripted OpenAI-compatible server."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from eval.generators import compare_generator, format_side_by_side, removal_stats
from eval.sets import load_set
from rag import Answer, Assistant


def scripted(messages: list[dict]) -> str:
    """A model that cites the first source right, adds an unsupported figure, and one sentence without source."""
    prompt = messages[-1]["content"]
    first = re.search(r'<source n="1"[^>]*>\n(.*?)\n</source>', prompt, re.S).group(1)
    sentence = re.split(r"(?<=[.،])\s", first)[0].rstrip(".،")
    return f"{sentence} [1]. وقد بلغ العدد 987654 [1]. الطقس معتدل في الربيع."


@pytest.fixture(scope="module")
def comparison(seed_index, chat_server):
    chat_server.reply = scripted
    eval_set = load_set("eval/seed_set.jsonl")
    small = dataclasses.replace(eval_set, questions=[q for q in eval_set.questions if q.language == "ar"][:4])
    assistant = Assistant(seed_index)
    return compare_generator(assistant, small, f"openai:scripted@{chat_server.url}", top_k=3, checker=assistant.checker)


def test_both_runs_have_the_same_metrics(comparison, chat_server):
    base, gen = comparison["baseline"], comparison["generator"]
    assert base["meta"]["generator"] == "extractive" and gen["meta"]["generator"].startswith("openai:scripted@")
    assert base["metrics"]["overall"].keys() == gen["metrics"]["overall"].keys()
    assert base["meta"]["questions"] == gen["meta"]["questions"] == 4
    assert all(not r.get("dropped") for r in base["questions"])


def test_removed_sentences_are_counted_by_reason(comparison):
    removed = comparison["removed"]
    # every answer wrote 3 sentences: the figure and the weather are always removed
    assert removed["written"] == 12 and removed["removed"] >= 8
    assert removed["removed_share"] == round(removed["removed"] / 12, 4)
    assert removed["reasons"]["number"] == 4  # counted by code (rag.verify.Reason)
    assert removed["reasons"]["no_marker"] == 4
    rows = comparison["generator"]["questions"]
    assert all(any("987654" in d["sentence"] for d in r["dropped"]) for r in rows)


def test_side_by_side_table(comparison):
    text = format_side_by_side(comparison)
    head = text.splitlines()[0].split()
    assert head[:2] == ["metric", "extractive"] and head[2].startswith("openai:scripted@")
    assert "removed by the support checker" in text and "number" in text
    assert f"re-cited to another retrieved paragraph that supports them: {comparison['removed']['recited']}" in text
    json.dumps(comparison)  # the report files are JSON


def test_removal_stats_of_refusals():
    reason = "no marker, and no retrieved paragraph supports it"
    refused = Answer("q", "ar", "…", True, dropped=[{"sentence": "x", "reason": reason, "code": "no_marker"}])
    assert removal_stats([refused]) == {
        "written": 1,
        "removed": 1,
        "removed_share": 1.0,
        "reasons": {"no_marker": 1},
        "recited": 0,
    }


# Seed-set question s042, whose gold paragraph the English question alone does not rank in its top 5; its
# Arabic translation written by hand (tests/rag/test_assistant.py)
S042 = "According to Shoigu, who has to make the next move for closer Russian–US counter-terrorism cooperation?"
S042_AR = "بحسب شويغو، على من تقع الخطوة التالية لتعاون روسي أمريكي أوثق في مكافحة الإرهاب؟"
S042_GOLD = "003_c253744d7154f1cd"  # paragraph 14


def test_retrieval_is_scored_on_the_ranking_the_translated_answer_was_written_from(seed_index, chat_server):
    # with a language model, an English question is also searched in its translation: the retrieval metrics
    # must read that ranking, not the English question's alone
    def reply(messages):
        last = messages[-1]["content"]
        return S042_AR if last.startswith("Translate the question") and S042 in last else scripted(messages)

    chat_server.reply = reply
    eval_set = load_set("eval/seed_set.jsonl")
    s042 = dataclasses.replace(eval_set, questions=[q for q in eval_set.questions if q.question == S042])
    assert [q.gold[0].doc_id for q in s042.questions] == [S042_GOLD]
    assistant = Assistant(seed_index)
    spec = f"openai:scripted@{chat_server.url}"
    result = compare_generator(assistant, s042, spec, top_k=3, checker=assistant.checker)
    base, gen = result["baseline"]["questions"][0], result["generator"]["questions"][0]
    assert base["recall@5"] == 0.0 and gen["recall@5"] == 1.0
    translated = assistant.retrieve(S042, top_k=10, translation=S042_AR)
    assert [(r["doc_id"], r["paragraph"]) for r in gen["retrieved"]] == [(h.doc_id, h.paragraph) for h in translated]
