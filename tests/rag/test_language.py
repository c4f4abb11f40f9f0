"""Which language a question is in: Arabic, English, mixed, digits only."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.clean import clean
from rag.language import REFUSAL, detect_language, is_arabic
from rag.load import read_articles

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.mark.parametrize(
    "text",
    [
        "كم عدد الدول المشاركة في مؤتمر موسكو السابع للأمن الدولي؟",
        "ماذا قال شويغو عن عناصر داعش في أفغانستان؟",
        "هل هُزم تنظيم داعش في سوريا؟",  # with a diacritic
        "ﺑﻮﺗﻴﻦ",  # presentation forms are Arabic script too
    ],
)
def test_arabic(text):
    assert detect_language(text) == "ar"
    assert is_arabic(text)


@pytest.mark.parametrize(
    "text",
    [
        "How many countries took part in the seventh Moscow Conference on International Security?",
        "Was ISIS defeated in Syria?",
        "what did shoigu say",
    ],
)
def test_english(text):
    assert detect_language(text) == "en"
    assert not is_arabic(text)


@pytest.mark.parametrize(
    "text",
    [
        "What did شويغو say about ISIS fighters in Afghanistan?",
        "What did Putin say in his message read by نيكولاي باتروشيف?",
        "Is ISIS (داعش) still in Syria?",
    ],
)
def test_english_sentence_with_an_arabic_name_is_english(text):
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    "text",
    [
        "تابعوا صفحتنا على موقع (VK) للتواصل الاجتماعي على الرابط:",  # seed 001
        "ما موقف NATO من نشر الدرع الصاروخية؟",
        "ماذا قال Putin عن سوريا؟",
        "ما رأي Vladimir Putin في NATO؟",  # more Latin letters than Arabic ones
        "ماذا قال Sergei Lavrov عن Donald Trump؟",
        "عبر إرسال كلمة اشتراك على الرقم / 0940777186/ بعد تخزينه باسم سانا أو (SANA).",  # seed 001
    ],
)
def test_arabic_sentence_with_latin_acronyms_is_arabic(text):
    assert detect_language(text) == "ar"


@pytest.mark.parametrize("text", ["2254", "4500", "106.78", "", "   ", "?!"])
def test_no_letters_at_all_is_english(text):
    # Nothing to go by: the default is "en" (ISO 639-1), never an error.
    assert detect_language(text) == "en"


def test_arabic_indic_digits_and_arabic_punctuation_count_as_arabic_script():
    # A word counts as Arabic when it holds a character of the Arabic Unicode blocks, letter or not.
    assert detect_language("٤٥٠٠") == "ar"
    assert detect_language("4500 ؟") == "ar"
    assert detect_language("كم عنصرا؟ 4500") == "ar"


def test_ties_go_to_arabic():
    assert detect_language("a ب") == "ar"
    assert detect_language("ab cd ب") == "en"
    assert detect_language("ab cd بو هو") == "ar"


def test_capitalized_words_count_only_without_arabic_words():
    assert detect_language("Vladimir Putin") == "en"
    assert detect_language("NATO") == "en"
    assert detect_language("What Did Putin Say") == "en"


def test_every_seed_title_and_paragraph_is_arabic():
    for path in sorted(SEEDS.glob("*.txt")):
        article = clean(next(read_articles(path)))
        assert detect_language(article.title) == "ar", path.name
        assert all(detect_language(p) == "ar" for p in article.paragraphs), path.name


def test_refusals_are_in_their_own_language():
    assert set(REFUSAL) == {"ar", "en"}
    assert detect_language(REFUSAL["ar"]) == "ar"
    assert detect_language(REFUSAL["en"]) == "en"
