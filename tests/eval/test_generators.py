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
