"""The chat's `/answer` endpoint through `gradio_client`, against the app served on a free port."""

from __future__ import annotations

import pytest
from gradio_client import Client

CONTRACT = {"question", "language", "answer", "refused", "citations", "generator", "dropped", "recited", "timings_ms"}
CITATION = {"n", "doc_id", "title", "paragraph", "text", "quote", "score"}


@pytest.fixture(scope="module")
def client(launch_chat, seed_assistant):
    return Client(launch_chat(seed_assistant), verbose=False)


def test_answer_endpoint_returns_the_contract(client, seeds_qa):
    out = client.predict(seeds_qa.ar, 5, api_name="/answer")
    assert set(out) == CONTRACT
    assert out["question"] == seeds_qa.ar and out["language"] == "ar" and out["refused"] is False
    assert seeds_qa.ar_fact in out["answer"]
    assert out["citations"], out
    for c in out["citations"]:
        assert set(c) == CITATION
        assert c["quote"] and c["quote"] in c["text"]
        assert f"[{c['n']}]" in out["answer"]
    first = out["citations"][0]
    assert (first["doc_id"], first["paragraph"]) == seeds_qa.ar_source
    assert out["timings_ms"]["total"] > 0


def test_answer_endpoint_follows_the_conversation(client):
    history = [["ما الدول المشاركة في مؤتمر موسكو السابع للأمن الدولي؟", "وفود من 95 دولة [1]"]]
    out = client.predict("كم عددهم؟", 5, history, "", api_name="/answer")
    assert out["question"] == "كم عددهم؟" and not out["refused"] and "95" in out["answer"]
    assert out["generator"] == "extractive" and out["dropped"] == []


def test_answer_endpoint_in_english_with_top_k(client, seeds_qa):
    out = client.predict(question=seeds_qa.en, top_k=2, api_name="/answer")
    assert out["language"] == "en" and out["refused"] is False
    assert seeds_qa.en_fact in out["answer"]
    assert 1 <= len(out["citations"]) <= 2
    assert (out["citations"][0]["doc_id"], out["citations"][0]["paragraph"]) == seeds_qa.en_source


def test_answer_endpoint_errors_are_readable(client):
    with pytest.raises(Exception, match="The question is empty") as caught:
        client.predict("   ", 5, api_name="/answer")
    assert "Traceback" not in str(caught.value)
    with pytest.raises(Exception, match="too long"):
        client.predict("x" * 2001, 5, api_name="/answer")
    # the server keeps serving after errors
    assert client.predict("Who is Lavrov?", 1, api_name="/answer")["language"] == "en"


def test_only_the_answer_endpoint_is_public(client):
    assert list(client.view_api(print_info=False, return_format="dict")["named_endpoints"]) == ["/answer"]


def test_several_people_at_once(client, seeds_qa):
    jobs = [client.submit(q, 3, api_name="/answer") for q in (seeds_qa.ar, seeds_qa.en, seeds_qa.ar)]
    results = [job.result(timeout=120) for job in jobs]
    assert [r["language"] for r in results] == ["ar", "en", "ar"]
    assert seeds_qa.ar_fact in results[0]["answer"] and seeds_qa.en_fact in results[1]["answer"]


def test_odd_questions_through_the_api(client, odd_question):
    question, expected = odd_question
    if expected == "error":
        with pytest.raises(Exception) as caught:  # noqa: B017 (gradio_client's AppError)
            client.predict(question, 5, api_name="/answer")
        message = str(caught.value)
        assert "Traceback" not in message
        reasons = ("The question is empty", "too long", "no word to search for", "السؤال فارغ", "طويل جدًا", "لا يحوي")
        assert any(why in message for why in reasons), message
        return
    out = client.predict(question, 5, api_name="/answer")
    assert out["language"] == "ar" and not out["refused"] and expected in out["answer"]


def test_twenty_clients_at_once_get_their_own_answers(client, seeds_qa):
    questions = [seeds_qa.ar, seeds_qa.en, seeds_qa.off_topic, "What did Antonov say about coordination?"]
    expected = {q: client.predict(q, 3, api_name="/answer") for q in questions}
    jobs = [(q, client.submit(q, 3, api_name="/answer")) for q in questions * 5]
    for question, job in jobs:
        got = job.result(timeout=300)
        want = expected[question]
        assert got["question"] == question
        assert {k: v for k, v in got.items() if k != "timings_ms"} == {
            k: v for k, v in want.items() if k != "timings_ms"
        }
