"""English words in Arabic: the dictd word list read, looked up with inflections, and missing without harm."""

from __future__ import annotations

import gzip
import logging

import pytest

from rag import lexicon
from rag.lexicon import arabic_words, available, translations

needs_dictionary = pytest.mark.skipif(not available(), reason="Debian's dict-freedict-eng-ara is not installed")

ENTRIES = {  # dictd entries as FreeDict writes them: the headword and its pronunciation, then the senses
    "Earthquake": "Earthquake /ˈɜːθkweɪk/\nالزلزال\n",
    "Capital": "Capital /kˈapɪtəl/\n1. العاصمة\n2. رأس المال\n",
    "Aha": "Aha /ɐ hˈɑː/\nآها - فرقة بوب\n",  # three words: only the dash tells an explanation
    "Ajutage": "Ajutage /x/\nانبوب طويل لتصريف مياه الامطار\n",
    "Die": "Die /dˈaɪ/\nمات\n",
    "Many": "Many /mˈɛni/\nكثير\n",  # a stop word of the question: never searched
}


def _base64(n: int) -> str:
    digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    out = ""
    while True:
        out = digits[n % 64] + out
        n //= 64
        if not n:
            return out


@pytest.fixture
def small_dictionary(tmp_path, monkeypatch):
    """A dictd word list of `ENTRIES` in a folder that ISNAD_LEXICON names."""
    data, index = b"", []
    for word, entry in ENTRIES.items():
        raw = entry.encode()
        index.append(f"{word}\t{_base64(len(data))}\t{_base64(len(raw))}")
        data += raw
    (tmp_path / "freedict-eng-ara.dict.dz").write_bytes(gzip.compress(data))
    index += ["Broken\t?!\tB", "Half a line", ""]  # lines that are not "word, offset, length" are passed over
    (tmp_path / "freedict-eng-ara.index").write_text("00databaseinfo\tc\tgN\n" + "\n".join(index) + "\n")
    monkeypatch.setenv("ISNAD_LEXICON", str(tmp_path))
    return tmp_path


def test_senses_are_read_and_explanations_left_out(small_dictionary):
    assert translations("earthquake") == ("الزلزال",)
    assert translations("Capital") == ("العاصمة", "رأس المال")  # each numbered sense, case ignored
    assert translations("aha") == ()  # "آها - فرقة بوب" (a pop band): an explanation, not a translation
    assert translations("ajutage") == ()  # five words: an explanation too
    assert translations("broken") == ()


def test_a_word_is_found_without_its_inflection(small_dictionary):
    assert translations("died") == translations("dies") == ("مات",)
    assert translations("earthquakes") == translations("earthquake's") == ("الزلزال",)
    assert translations("capitals") == ("العاصمة", "رأس المال")


def test_only_content_words_are_rendered(small_dictionary):
    assert arabic_words("How many died in the earthquake in Chile?") == "مات الزلزال"
    assert arabic_words("كم عدد ضحايا الزلزال؟") == ""


def test_a_missing_dictionary_renders_nothing_and_says_so_once(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("ISNAD_LEXICON", str(tmp_path))
    assert not available()
    with caplog.at_level(logging.WARNING, logger="rag.lexicon"):
        assert translations("earthquake") == ()
        assert arabic_words("Where did the earthquake strike?") == ""
    assert [r.getMessage() for r in caplog.records if "dict-freedict-eng-ara" in r.getMessage()][:1]
    assert len(caplog.records) == 1


@pytest.mark.parametrize(
    "broken",
    [b"not gzip at all", gzip.compress("Earthquake /x/\nالزلزال\n".encode())[:-12]],  # garbage; cut short
)
def test_a_broken_dictionary_renders_nothing_and_says_so(small_dictionary, broken, caplog):
    (small_dictionary / "freedict-eng-ara.dict.dz").write_bytes(broken)
    with caplog.at_level(logging.WARNING, logger="rag.lexicon"):
        assert translations("earthquake") == ()
    assert any("dict-freedict-eng-ara" in r.getMessage() for r in caplog.records)


def test_a_missing_dictionary_leaves_english_retrieval_working(seed_assistant, tmp_path, monkeypatch):
    monkeypatch.setenv("ISNAD_LEXICON", str(tmp_path))
    hits = seed_assistant.retrieve("How many countries sent delegations to the seventh Moscow security conference?", 5)
    assert ("000_d5f7ec68f2725137", 2) in [(h.doc_id, h.paragraph) for h in hits]


@needs_dictionary
def test_the_debian_dictionary_renders_news_words(monkeypatch):
    monkeypatch.delenv("ISNAD_LEXICON", raising=False)
    assert lexicon.lexicon_folder() in lexicon.FOLDERS
    assert translations("earthquake") == ("الزلزال",)
    assert translations("ambassador") == ("السّفير",)
    assert "الوزير" in arabic_words("What did the defence minister say?")


@needs_dictionary
def test_the_dictionary_s_arabic_words_are_its_vocabulary(tmp_path, monkeypatch):
    from rag.lexicon import arabic_vocabulary
    from rag.normalize import normalize

    monkeypatch.delenv("ISNAD_LEXICON", raising=False)
    vocabulary = arabic_vocabulary()
    assert {normalize("أرغم"), normalize("الزلزال")} <= vocabulary
    assert normalize("باتروشيف") not in vocabulary
    monkeypatch.setenv("ISNAD_LEXICON", str(tmp_path))  # no word list there
    assert arabic_vocabulary() == frozenset()
