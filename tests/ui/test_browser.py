"""The web chat in a real browser (Debian's chromium driven by Playwright) over a copy of the seed index.

Screenshots of each exchange go to artifacts/screenshots/ at the repository root.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
TIMEOUT_MS = 60_000
MARKERS = re.compile(r"\[(\d+)\]")

NEW_ARTICLE = """\
مؤتمر تونس الدولي للطاقة الشمسية يجمع وفودا من 47 دولة
افتتح في العاصمة التونسية صباح اليوم المؤتمر الدولي الثالث للطاقة الشمسية بمشاركة وفود من 47 دولة و120 شركة.
وقال وزير الطاقة التونسي إن بلاده تعتزم إنشاء محطة شمسية بقدرة 600 ميغاواط في ولاية قفصة بحلول عام 2030.
ويستمر المؤتمر ثلاثة أيام تناقش خلالها الوفود تمويل مشاريع الطاقة النظيفة في أفريقيا.
"""
EXAMPLE = "What did Antonov say about coordination with the Syrian army?"
NEW_QUESTION = "كم عدد الدول المشاركة في مؤتمر تونس الدولي للطاقة الشمسية؟"

# Every message the chat ends a turn with (the answer's sources panel, a refusal or an error).
TURN_DONE = ".isnad-sources, .isnad-refusal, .isnad-error"

# Resolves once the chat's height has stopped changing (the sources panel slides open).
SETTLED = """() => new Promise((resolve) => {
    const box = document.querySelector('#isnad-chat [role=log]');
    let last = -1, same = 0;
    const tick = () => {
        const h = box.scrollHeight;
        if (h === last && ++same >= 3) return resolve(true);
        if (h !== last) { last = h; same = 0; }
        setTimeout(tick, 100);
    };
    tick();
})"""

# Resolves once the chat has stopped scrolling.
SCROLL_SETTLED = SETTLED.replace("box.scrollHeight", "box.scrollTop")

# Scroll the chat so that an element is at its top.
SCROLL_TO_TOP = """el => {
    const box = document.querySelector('#isnad-chat [role=log]');
    box.style.scrollBehavior = 'auto';
    box.scrollTop += el.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
}"""


@pytest.fixture(scope="module")
def app(launch_chat, module_index_copy, recording):
    """The chat over a private copy of the seed index: (its URL, the recording assistant)."""
    from rag import Assistant

    assistant = recording(Assistant(module_index_copy))
    return launch_chat(assistant), assistant


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, app):
    context = browser.new_context(viewport={"width": 1400, "height": 1500}, locale="ar")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(app[0])
    page.wait_for_selector("#isnad-question textarea")
    yield page
    context.close()


def ask(page, question: str) -> None:
    """Type `question`, send it, and wait until its turn is complete (sources, refusal or error shown)."""
    done = page.locator(TURN_DONE).count()
    page.fill("#isnad-question textarea", question)
    page.press("#isnad-question textarea", "Enter")
    page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length > n && !document.querySelector('.isnad-thinking')",
        arg=[TURN_DONE, done],
        timeout=TIMEOUT_MS,
    )
    page.evaluate(SETTLED)


def screenshot(page, name: str, scroll_to: str | None = None) -> None:
    """A full-page PNG in artifacts/screenshots/, the chat scrolled to `scroll_to` (an element) first."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if scroll_to:
        page.eval_on_selector(scroll_to, SCROLL_TO_TOP)
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def direction(page, selector: str) -> str:
    return page.eval_on_selector(selector, "el => getComputedStyle(el).direction")


def check_turn(page, turn: int, result, fact: str) -> None:
    """The answer of `turn` shows the fact, its markers link to the cards, each card marks the quote."""
    answer = page.locator(".isnad-answer").nth(turn)
    assert fact in answer.inner_text()
    markers = answer.locator("a.isnad-marker")
    assert markers.count() >= 1
    for i in range(markers.count()):
        n = int(markers.nth(i).inner_text().strip("[]"))
        assert markers.nth(i).get_attribute("href") == f"#src-{turn}-{n}"
    for c in result.citations:
        card = page.locator(f"#src-{turn}-{c.n}")
        assert card.locator("mark.isnad-quote").text_content() == c.quote
        summary = card.locator("summary").text_content()
        assert c.doc_id in summary and str(c.paragraph) in summary
        assert c.title.strip()[:30] in summary


def answered(page, assistant, turn: int, question: str, fact: str, source: tuple[str, int], direction_: str):
    """Ask `question` as conversation turn `turn`; check the answer, its first source and both directions."""
    ask(page, question)
    answer = assistant.answers[question]
    assert not answer.refused
    check_turn(page, turn, answer, fact)
    assert (answer.citations[0].doc_id, answer.citations[0].paragraph) == source
    assert direction(page, f".isnad-question >> nth={turn}") == direction_
    assert direction(page, f".isnad-answer >> nth={turn}") == direction_
    return answer


def test_arabic_and_english_in_one_conversation(page, app, seeds_qa):
    _, assistant = app
    answered(page, assistant, 0, seeds_qa.ar, seeds_qa.ar_fact, seeds_qa.ar_source, "rtl")
    assert direction(page, "#src-0-1 .isnad-source-text") == "rtl"
    # the interface follows the question's language ("auto"): Arabic labels
    assert page.locator("#isnad-ask").inner_text().strip() == "إرسال"
    screenshot(page, "arabic", scroll_to=".isnad-question >> nth=0")

    en = answered(page, assistant, 1, seeds_qa.en, seeds_qa.en_fact, seeds_qa.en_source, "ltr")
    # quoted Arabic inside the English answer reads right to left, isolated
    assert direction(page, ".isnad-answer >> nth=1 >> bdi[lang=ar] >> nth=0") == "rtl"
    # the first conversation turn is still there, laid out right to left
    assert direction(page, ".isnad-answer >> nth=0") == "rtl"
    page.wait_for_function("() => document.querySelector('#isnad-ask').innerText.trim() === 'Ask'")
    screenshot(page, "english", scroll_to=".isnad-question >> nth=1")

    # clicking a marker opens its paragraph, scrolls to it and highlights it
    n = en.citations[-1].n
    card = f"#src-1-{n}"
    page.eval_on_selector(card, "el => { el.open = false; }")
    page.locator("#isnad-chat .thought .title").nth(1).click()  # even with the sources panel collapsed
    page.wait_for_selector(card, state="detached")
    page.eval_on_selector(".isnad-question >> nth=0", "el => el.scrollIntoView({block: 'start'})")
    page.locator(f".isnad-answer >> nth=1 >> a.isnad-marker[href='{card}']").first.click()
    page.wait_for_selector(f"{card}.isnad-active")
    assert page.eval_on_selector(card, "el => el.open") is True
    page.wait_for_function(
        """(sel) => {
            const r = document.querySelector(sel).getBoundingClientRect();
            const box = document.querySelector('#isnad-chat [role=log]').getBoundingClientRect();
            return r.height > 0 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
        }""",
        arg=card,
    )
    page.evaluate(SCROLL_SETTLED)
    assert page.locator(f"{card} mark.isnad-quote").is_visible()
    assert page.locator(".isnad-source.isnad-active").count() == 1
    screenshot(page, "marker-click")

    # a new conversation clears the chat; the example questions are back, and clicking one asks it
    page.click("#isnad-new")
    page.wait_for_function("() => !document.querySelector('.isnad-answer')")
    assert direction(page, f"#isnad-chat .example-text-content:has-text('{seeds_qa.ar}')") == "rtl"
    page.locator("#isnad-chat button.example", has_text=EXAMPLE).click()
    page.wait_for_function(
        "(sel) => document.querySelector(sel) && !document.querySelector('.isnad-thinking')", arg=TURN_DONE
    )
    assert page.locator(".isnad-question").inner_text().strip() == EXAMPLE
    assert direction(page, ".isnad-question") == "ltr"
    example = assistant.answers[EXAMPLE]
    assert not example.refused and example.citations[0].doc_id == "002_6d4411517efba531"
    assert page.locator("#src-0-1 mark.isnad-quote").text_content() == example.citations[0].quote


def test_upload_an_article_then_ask_about_it(page, app, tmp_path):
    _, assistant = app
    article = tmp_path / "tunis_solar_conference.txt"
    article.write_text(NEW_ARTICLE, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")

    page.locator("button[role=tab]").nth(1).click()
    page.set_input_files("#isnad-upload input[type=file]", [str(article), str(empty)])
    summary = page.locator("#isnad-ingest-summary")
    summary.locator("text=✓").wait_for()
    text = summary.inner_text()
    # one article added; the empty file skipped, with its reason
    assert "1" in text
    assert re.search(r"empty\.txt: \S", text), text
    page.wait_for_function(
        "() => document.querySelector('#isnad-articles').innerText.includes('مؤتمر تونس الدولي للطاقة الشمسية')"
    )
    assert any(a.doc_id == "tunis_solar_conference" for a in assistant.articles())
    screenshot(page, "upload")

    ask(page, NEW_QUESTION)
    result = assistant.answers[NEW_QUESTION]
    assert not result.refused
    assert result.citations[0].doc_id == "tunis_solar_conference"
    check_turn(page, 0, result, "47")
    screenshot(page, "upload-answer", scroll_to=".isnad-question >> nth=0")


def test_empty_question_is_a_readable_warning(page):
    page.click("#isnad-ask")
    toast = page.locator("text=السؤال فارغ")
    toast.first.wait_for()
    assert page.locator(".isnad-question, .isnad-answer, .isnad-error").count() == 0


def test_refusal_when_the_sources_do_not_contain_it(page, app, seeds_qa):
    from rag.language import REFUSAL

    # the language switch fixes the labels (English here) whatever the language of the questions
    page.locator("#isnad-language label", has_text="English").click()
    page.wait_for_function("() => document.querySelector('#isnad-ask').innerText.trim() === 'Ask'")
    assert direction(page, "#isnad-side") == "ltr"
    ask(page, seeds_qa.off_topic)
    assert page.locator("#isnad-ask").inner_text().strip() == "Ask"
    assert direction(page, ".isnad-question") == "rtl"
    screenshot(page, "refusal", scroll_to=".isnad-question >> nth=0")
    refusal = page.locator(".isnad-refusal")
    assert refusal.count() == 1, "the answerer did not refuse an off-topic question"
    assert REFUSAL["ar"] in refusal.inner_text()
    assert direction(page, ".isnad-refusal") == "rtl"
    assert page.locator(".isnad-sources").count() == 0
    assert page.locator(".isnad-error").count() == 0


@pytest.fixture(scope="module")
def hostile_app(launch_chat, hostile_index, recording):
    """The chat over the seed index plus the hostile article of tests/conftest.py."""
    from rag import Assistant

    assistant = recording(Assistant(hostile_index))
    return launch_chat(assistant), assistant


def test_a_hostile_article_is_shown_as_text_and_runs_nothing(browser, hostile_app):
    url, assistant = hostile_app
    context = browser.new_context(viewport={"width": 1400, "height": 1500}, locale="ar")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url)
    page.wait_for_selector("#isnad-question textarea")
    questions = [
        "هل تعمل محطة العقبة بالطاقة الشمسية؟",  # cites the paragraph with <script>, <img onerror>, a javascript: link
        "كم تبلغ طاقة محطة تحلية المياه في مدينة العقبة يوميا؟",  # the paragraph with fake markers [3] [1, 2]
        "هل تغطي محطة العقبة حاجة سكان المدينة من المياه العذبة طوال أيام السنة؟",  # the 50,000-character one
    ]
    for question in questions:
        ask(page, question)
        assert not assistant.answers[question].refused, question
    cited = {(c.doc_id, c.paragraph) for q in questions for c in assistant.answers[q].citations}
    assert {("hostile_aqaba", 1), ("hostile_aqaba", 4), ("hostile_aqaba", 5)} <= cited
    chat = page.locator("#isnad-chat")
    assert page.evaluate("() => window.__pwned") is None and dialogs == []
    assert chat.locator("script, img, a[href^='javascript'], b, strong").count() == 0  # no HTML, no Markdown
    assert "<script>window.__pwned = 1</script>" in chat.inner_text()  # shown as the text it is
    markers = [m.inner_text() for m in chat.locator("a.isnad-marker").all()]
    assert markers and set(markers) <= {"[1]", "[2]", "[3]"}
    for n, answer in enumerate(assistant.answers[q] for q in questions):
        assert len(answer.citations) >= max(int(m.strip("[]")) for m in MARKERS.findall(answer.text)), n
    # the layout holds: nothing wider than the page, the long paragraph scrolls inside its card
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate(
        "() => { const b = document.querySelector('#isnad-chat [role=log]'); return b.scrollWidth <= b.clientWidth; }"
    )
    tallest = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('.isnad-source-text')].map(e => e.clientHeight))"
    )
    assert tallest < 1500
    screenshot(page, "hostile-article", scroll_to=".isnad-question >> nth=2")
    context.close()


def test_language_model_answer_streams_then_is_replaced_by_the_checked_answer(
    browser, launch_chat, seed_index, chat_server
):
    """A language model's draft appears while it is written; then the checked answer replaces it, with its
    sources and the sentence the checker removed (a wrong figure)."""
    from rag import Assistant

    def reply(messages):
        prompt = messages[-1]["content"]
        n = next(
            m.group(1)
            for m in re.finditer(r'<source n="(\d+)"[^>]*>\n(.*?)\n</source>', prompt, re.S)
            if "95 دولة" in m.group(2)
        )
        return f"شاركت وفود من 95 دولة في المؤتمر [{n}]. وشاركت فيه وفود من 120 دولة [{n}]."

    chat_server.reply, chat_server.pieces, chat_server.delay = reply, 10, 0.4
    url = launch_chat(Assistant(seed_index, generator=f"openai:scripted@{chat_server.url}"))
    context = browser.new_context(viewport={"width": 1400, "height": 1500}, locale="ar")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(url)
        page.wait_for_selector("#isnad-question textarea")
        assert page.input_value("#isnad-generator input").startswith("openai:scripted@")
        page.fill("#isnad-question textarea", "كم عدد الدول المشاركة في مؤتمر موسكو السابع للأمن الدولي؟")
        page.press("#isnad-question textarea", "Enter")
        page.wait_for_selector(".isnad-draft")  # the draft, streaming
        seen = page.inner_text(".isnad-draft")
        page.wait_for_selector(".isnad-sources")
        page.evaluate(SETTLED)
        final = page.inner_text(".isnad-answer")
        assert seen and "[" in final and "95" in final and "120" not in final
        assert page.locator(".isnad-draft").count() == 0
        page.click("text=جمل حذفها المدقق (1)")
        assert "120" in page.inner_text(".isnad-dropped")
        assert "تذكر رقمًا لا يرد في" in page.inner_text(".isnad-checker-note")  # why, in the question's language
        assert direction(page, ".isnad-checker-note") == "rtl"
        assert direction(page, ".isnad-answer") == "rtl"
        screenshot(page, "llm-answer-checked", ".isnad-answer")
    finally:
        chat_server.delay = 0.0
        context.close()
