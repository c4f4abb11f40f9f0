"""Follow-up questions without a language model: the rule that makes them standalone, on the seed index."""

from __future__ import annotations

import pytest

from rag import BadQuestion
from rag.followup import carry_over, standalone_question

PUTIN = "What did Putin say about ISIS at the Moscow conference?"
COUNTRIES = "ما الدول المشاركة في مؤتمر موسكو السابع للأمن الدولي؟"


def test_short_or_referring_questions_carry_the_previous_content_words():
    assert carry_over("and what did Lavrov say?", PUTIN) == "and what did Lavrov say? (Putin ISIS Moscow conference)"
    assert carry_over("كم عددهم؟", COUNTRIES) == "كم عددهم؟ (الدول المشاركة مؤتمر موسكو السابع للأمن)"


def test_standalone_questions_are_left_alone():
    question = "How many ISIS fighters are in Afghanistan according to Shoigu?"
    assert carry_over(question, PUTIN) == question
    assert standalone_question("and what did Lavrov say?", []) == "and what did Lavrov say?"
    assert standalone_question("and what did Lavrov say?", None) == "and what did Lavrov say?"
    # another language: the words would change the question's language, so none are carried
    assert carry_over("and what did Lavrov say?", COUNTRIES) == "and what did Lavrov say?"


def test_history_is_followed_turn_by_turn():
    history = [(COUNTRIES, "95 دولة"), ("ومن حضر منها؟", "30 وزيراً للدفاع")]
    standalone = standalone_question("كم عددهم؟", history)
    assert "موسكو" in standalone and "السابع" in standalone


def test_and_what_did_lavrov_say_on_the_seed_index(seed_assistant):
    a = seed_assistant.answer("and what did Lavrov say?", history=[(PUTIN, "Putin said ISIS was defeated in Syria.")])
    assert not a.refused and a.question == "and what did Lavrov say?"
    assert a.citations and "لافروف" in a.citations[0].text  # the first citation quotes Lavrov


def test_how_many_are_they_on_the_seed_index(seed_assistant):
    a = seed_assistant.answer("كم عددهم؟", history=[(COUNTRIES, "")])
    assert not a.refused and a.language == "ar"
    assert "95" in a.text and (a.citations[0].doc_id, a.citations[0].paragraph) == ("000_d5f7ec68f2725137", 2)
    alone = seed_assistant.answer("كم عددهم؟")  # without the conversation it cannot know whom
    assert alone.refused or "95" not in alone.text


def test_a_follow_up_of_asking_words_alone_takes_its_words_from_the_conversation(seed_assistant):
    # "where?", "متى؟": nothing to search for on their own, a whole question within a conversation
    for follow_up, first, language in (("where?", PUTIN, "en"), ("متى؟", COUNTRIES, "ar")):
        with pytest.raises(BadQuestion, match="no word to search for"):
            seed_assistant.answer(follow_up)
        a = seed_assistant.answer(follow_up, history=[(first, "")])
        assert a.question == follow_up and a.language == language and a.citations
        assert "موسكو" in " ".join(c.title + c.text for c in a.citations)  # found through the first question
