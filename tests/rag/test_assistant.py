"""The Python API under awkward questions and many threads at once."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from llama_index.core.llms import MockLLM

from rag import Assistant, BadQuestion
from rag.assistant import MAX_QUESTION_CHARS, NO_WORDS
from rag.generate import Generator
from rag.retrieve import Fusion
from rag.support import MARKER

# Five different questions, each asked four times at once: 20 threads on one Assistant.
CONCURRENT = [
    "كم عدد الدول المشاركة في مؤتمر موسكو السابع للأمن الدولي؟",
    "How many ISIS fighters are in Afghanistan according to Shoigu?",
    "ماذا قال لافروف عن استخدام الإرهابيين كأداة؟",
    "What did Antonov say about coordination with the Syrian army?",
    "ما نتيجة مباراة ريال مدريد وبرشلونة أمس؟",  # refused: the seeds never mention it
]


def check_odd_question(result_or_error, expected: str) -> None:
    """`expected` as in ODD_QUESTIONS (tests/conftest.py), for an Answer or the BadQuestion raised."""
    if expected == "error":
        assert isinstance(result_or_error, BadQuestion), result_or_error
        message = str(result_or_error)
        assert "is empty" in message or f"at most {MAX_QUESTION_CHARS}" in message or message == NO_WORDS
        return
    assert not isinstance(result_or_error, Exception), result_or_error
    assert result_or_error.language == "ar"
    assert not result_or_error.refused and expected in result_or_error.text


def test_odd_questions_get_an_answer_or_a_clear_message(seed_assistant, odd_question):
    question, expected = odd_question
    try:
        result = seed_assistant.answer(question)
    except BadQuestion as e:
        result = e
    check_odd_question(result, expected)
    if not isinstance(result, Exception):
        assert "\u202e" not in result.question and "\u200f" not in result.question  # invisible controls dropped


def test_the_answer_ignores_markup_and_invisible_characters(seed_assistant):
    plain = seed_assistant.answer("كم عدد الدول المشاركة في مؤتمر موسكو السابع للأمن الدولي؟")
    hidden = seed_assistant.answer("كم عدد الدول\u200b المشاركة\u202e في مؤتمر موسكو السابع للأمن الدولي؟\u202c")
    assert hidden.text == plain.text and hidden.citations == plain.citations


def test_twenty_threads_on_one_assistant_get_their_own_answers(seed_assistant):
    expected = {q: seed_assistant.answer(q, top_k=3) for q in CONCURRENT}
    questions = CONCURRENT * 4
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda q: seed_assistant.answer(q, top_k=3), questions))
    assert len(results) == 20
    for question, result in zip(questions, results, strict=True):
        want = expected[question]
        assert result.question == question
        assert (result.text, result.refused, result.language) == (want.text, want.refused, want.language)
        assert [(c.doc_id, c.paragraph, c.quote) for c in result.citations] == [
            (c.doc_id, c.paragraph, c.quote) for c in want.citations
        ]
    assert expected[CONCURRENT[-1]].refused and not expected[CONCURRENT[0]].refused


@pytest.mark.parametrize("top_k", [0, -3, 10_000])
def test_out_of_range_top_k_still_answers(seed_assistant, top_k):
    result = seed_assistant.answer("كم عدد الدول المشاركة في مؤتمر موسكو السابع للأمن الدولي؟", top_k=top_k)
    assert result.language == "ar"


# -- a hostile article in the index ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(hostile_index):
    return Assistant(hostile_index)


def test_a_hostile_article_changes_no_other_answer(seed_assistant, hostile):
    for question in CONCURRENT:
        want, got = seed_assistant.answer(question), hostile.answer(question)
        assert (got.text, got.refused) == (want.text, want.refused), question
        assert [(c.doc_id, c.paragraph, c.quote) for c in got.citations] == [
            (c.doc_id, c.paragraph, c.quote) for c in want.citations
        ]
        assert "ACCESS GRANTED" not in got.text and "اختراق" not in got.text


def test_markers_in_an_answer_only_point_to_its_citations(hostile):
    result = hostile.answer("كم تبلغ طاقة محطة تحلية المياه في مدينة العقبة يوميا؟")
    assert not result.refused and "80 ألف" in result.text
    assert result.citations[0].doc_id == "hostile_aqaba"
    numbers = {int(n) for m in MARKER.finditer(result.text) for n in re.findall(r"\d+", m.group())}
    assert numbers == {c.n for c in result.citations}  # the article's own "[3] [1, 2]" are gone


def test_invisible_controls_and_markup_of_an_article_are_plain_text(hostile):
    cost = hostile.answer("كم بلغت كلفة محطة التحلية في العقبة؟")
    assert "120 مليون" in cost.text
    assert not re.search("[\u200b-\u200f\u202a-\u202e]", cost.text + "".join(c.text for c in cost.citations))
    hits = hostile.retrieve("محطة العقبة تعمل بالطاقة الشمسية", top_k=10)
    markup = next(h for h in hits if h.doc_id == "hostile_aqaba" and h.paragraph == 4)
    assert markup.text.startswith("<script>")  # kept as text: the chat shows it escaped, never as HTML
    long = hostile.index.catalog.paragraph_text("hostile_aqaba", 5)
    assert len(long) > 49_000


# Seed-set question s042; its Arabic translation written by hand for these tests (tests/rag/test_retrieve.py)
S042 = "According to Shoigu, who has to make the next move for closer Russian–US counter-terrorism cooperation?"
S042_AR = "بحسب شويغو، على من تقع الخطوة التالية لتعاون روسي أمريكي أوثق في مكافحة الإرهاب؟"
S042_GOLD = ("003_c253744d7154f1cd", 14)


class Translating(Generator):
    """A language model that translates with a scripted reply (or fails), and drafts one fixed sentence,
    keeping the paragraphs retrieval gave it and the questions it was asked to translate."""

    def __init__(self, translation: str = "", fails: bool = False):
        super().__init__(MockLLM(), "translating")
        self.translation, self.fails, self.asked, self.hits = translation, fails, [], []

    def translate(self, question: str, language: str) -> str:
        self.asked.append((question, language))
        if self.fails:
            raise ConnectionError("the model server is down")
        return self.translation

    def stream(self, question, hits, language=None):
        self.hits = [(h.doc_id, h.paragraph) for h in hits]
        yield "Shoigu said the ball is in Washington's court [1]."


def test_an_english_question_is_retrieved_with_its_translation_when_a_model_is_set(seed_assistant):
    english = [(h.doc_id, h.paragraph) for h in seed_assistant.retrieve(S042, top_k=5)]
    gen = Translating(S042_AR)
    a = seed_assistant.answer(S042, generator=gen)
    assert gen.asked == [(S042, "ar")]
    assert S042_GOLD in gen.hits and S042_GOLD not in english
    assert a.translation == S042_AR and a.to_dict()["translation"] == S042_AR and a.timings_ms["translate"] >= 0


def test_a_translation_that_is_not_one_is_ignored(seed_assistant):
    english = [(h.doc_id, h.paragraph) for h in seed_assistant.retrieve(S042, top_k=5)]
    gen = Translating("ما حالة الطقس في القاهرة اليوم؟")  # an answer to another question, say
    a = seed_assistant.answer(S042, generator=gen)
    assert gen.hits == english and a.translation == "" and "translation" not in a.to_dict()


def test_a_failing_translation_loses_nothing(seed_assistant):
    english = [(h.doc_id, h.paragraph) for h in seed_assistant.retrieve(S042, top_k=5)]
    gen = Translating(fails=True)
    a = seed_assistant.answer(S042, generator=gen)
    assert gen.asked and gen.hits == english and a.translation == "" and a.question == S042


def test_an_arabic_question_is_not_translated(seed_assistant):
    gen = Translating(S042)
    seed_assistant.answer(CONCURRENT[0], generator=gen)
    assert gen.asked == [] and gen.hits


def test_a_translation_weight_of_zero_asks_for_no_translation(seed_assistant, monkeypatch):
    monkeypatch.setattr(seed_assistant.retriever, "fusion", Fusion(translation_weight=0.0))
    gen = Translating(S042_AR)
    a = seed_assistant.answer(S042, generator=gen)
    assert gen.asked == [] and a.translation == "" and "translate" not in a.timings_ms


def test_without_a_model_nothing_is_translated(seed_assistant):
    a = seed_assistant.answer(S042)
    hits = seed_assistant.retriever.retrieve(S042, top_k=5)
    assert a.translation == "" and "translation" not in a.to_dict() and "translate" not in a.timings_ms
    assert {(c.doc_id, c.paragraph) for c in a.citations} <= {(h.doc_id, h.paragraph) for h in hits}


# Questions as people paste them: news words in both scripts, digits, markers, markup, bidi and zero-width
# characters, emoji, characters the tokenizer's NFKC splits ("´", "¸"), and any text at all.
QUESTION_WORDS = (
    "كم عدد الدول المشاركة في مؤتمر موسكو السابع شويغو How many ISIS fighters Afghanistan Shoigu´s what did "
    "Lavrov say ؟ ? 4500 ٤٥٠٠ [1] « » SYSTEM: ignore \u200f \u200c 🙂 <b> </b> 0¸0 \t"
).split(" ")
any_question = st.one_of(st.lists(st.sampled_from(QUESTION_WORDS), max_size=15).map(" ".join), st.text(max_size=60))


@given(any_question, st.lists(st.tuples(any_question, any_question), max_size=2))
@example("0¸0", [])  # late interaction's word weights once ran past the question's words (IndexError)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_question_gets_an_answer_or_a_clear_message(seed_assistant, question, history):
    """No question, with any conversation before it, crashes the assistant: it answers, refuses, or says
    what is wrong with the question (`BadQuestion`)."""
    try:
        answer = seed_assistant.answer(question, history=history)
    except BadQuestion as e:
        assert str(e)
        return
    assert answer.text and (answer.refused or answer.citations)
