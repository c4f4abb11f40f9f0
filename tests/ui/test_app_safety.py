"""The web chat under awkward questions, many people at once, hostile articles and uploads."""

from __future__ import annotations

import html
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from rag import Assistant
from ui.app import MAX_UPLOAD_MB, UPLOADS, Chat, safe_file_name

# Conversations of two turns; each is held by four people at once (20 conversations).
SCRIPTS = [
    ("كم عدد الدول المشاركة في مؤتمر موسكو السابع للأمن الدولي؟", "How many ISIS fighters are in Afghanistan?"),
    ("ماذا قال لافروف عن استخدام الإرهابيين كأداة؟", "ما نتيجة مباراة ريال مدريد وبرشلونة أمس؟"),
    ("What did Antonov say about coordination with the Syrian army?", "من هو وزير الدفاع الروسي؟"),
    ("ماذا قال شويغو عن ليبيا؟", "What did Putin say about ISIS in Syria?"),
    ("ما الذي تبناه قادة رابطة الدول المستقلة؟", "كم عدد عناصر داعش في أفغانستان؟"),
]


def plain(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


@pytest.fixture(scope="module")
def chat(seed_assistant):
    c = Chat(seed_assistant)
    c.stream_delay = 0
    return c


def test_odd_questions_in_the_chat(chat, odd_question):
    question, expected = odd_question
    last = list(chat.respond(question, [], 5, ui_lang="ar"))[-1]
    shown = "".join(m["content"] for m in last)
    assert "Traceback" not in shown and "<script" not in shown and "<b>" not in shown
    if expected == "error":
        assert "isnad-error" in last[-1]["content"] and plain(last[-1]["content"]).strip("⚠ ")
    else:
        (answer,) = [m["content"] for m in last if "isnad-answer" in m["content"]]
        assert expected in plain(answer)
    if "<script>" in question:  # shown as the text it is
        assert "<script>window.__pwned=1</script> <b>كم</b>" in plain(last[0]["content"])


def conversation(chat: Chat, script: tuple[str, ...]) -> list[dict]:
    history: list[dict] = []
    for question in script:
        history = list(chat.respond(question, history, 3))[-1]
    return history


def test_twenty_conversations_at_once_stay_apart(chat):
    expected = [conversation(chat, script) for script in SCRIPTS]
    with ThreadPoolExecutor(max_workers=20) as pool:
        got = list(pool.map(lambda i: conversation(chat, SCRIPTS[i % len(SCRIPTS)]), range(20)))
    for i, history in enumerate(got):
        assert history == expected[i % len(SCRIPTS)], i
        assert not any("isnad-error" in m["content"] for m in history)


# -- uploads --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("../../x.txt", "x.txt"),
        ("..\\..\\x.txt", "x.txt"),
        ("/etc/passwd", "passwd"),
        ("خبر اليوم.txt", "خبر_اليوم.txt"),
        (".bashrc.md", "bashrc.md"),
        ('a<b>|c"$(rm).json', "a_b__c___rm_.json"),
        ("...", "upload"),
    ],
)
def test_uploaded_file_names_are_sanitized(given, stored):
    assert safe_file_name(given) == stored


def test_a_very_long_file_name_keeps_its_extension():
    name = safe_file_name("خ" * 500 + ".jsonl")
    assert len(name) == 120 and name.endswith(".jsonl")


ARTICLE = "محطة رياح جديدة في الطفيلة\nافتتحت في محافظة الطفيلة محطة لتوليد الكهرباء من الرياح بقدرة 51 ميغاواط.\n"


def test_uploads_are_checked_and_kept_inside_the_index(seed_index_copy, tmp_path):
    incoming = tmp_path / "incoming"  # where Gradio put the uploads
    incoming.mkdir()
    (incoming / "خبر جديد.txt").write_text(ARTICLE, encoding="utf-8")
    (incoming / "tool.exe").write_bytes(b"MZ\x90\x00")
    (incoming / "report.pdf").write_bytes(b"%PDF-1.7")
    with open(incoming / "huge.txt", "wb") as f:
        f.truncate((MAX_UPLOAD_MB << 20) + 1)
    before = outside_the_index(tmp_path, seed_index_copy)
    chat = Chat(Assistant(seed_index_copy))

    summary = plain(chat.ingest([str(p) for p in sorted(incoming.iterdir())], "en"))

    assert "1 articles added" in summary
    assert "tool.exe: file type not accepted" in summary and "report.pdf: file type not accepted" in summary
    assert f"huge.txt: the file is larger than {MAX_UPLOAD_MB} MB" in summary
    assert [p.name for p in (seed_index_copy / UPLOADS).iterdir()] == ["خبر_جديد.txt"]
    stored = chat.assistant.index.catalog.article("خبر_جديد")
    assert stored and stored.path == str(seed_index_copy / UPLOADS / "خبر_جديد.txt")
    assert outside_the_index(tmp_path, seed_index_copy) == before  # nothing written anywhere else


def outside_the_index(root, index) -> list[tuple[str, int]]:
    """Every file under `root` but outside `index`: (path, size)."""
    return sorted((str(p), p.stat().st_size) for p in root.rglob("*") if p.is_file() and index not in p.parents)
