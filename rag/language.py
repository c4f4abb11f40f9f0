"""Which language a question is in, and the few fixed phrases isnad says in each."""

from __future__ import annotations

import re

# The Arabic blocks, supplement, extended-A and presentation forms: letters, marks, digits and punctuation.
ARABIC_LETTERS = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
ARABIC_LETTER = re.compile(f"[{ARABIC_LETTERS}]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    """ "ar" when the words in Arabic script are at least as many as the Latin-script words that are not
    capitalized, else "en" (ISO 639-1). Capitalized words are names and acronyms, which Arabic questions
    carry too ("ما رأي Vladimir Putin في NATO؟"); they count only when no word is in Arabic script."""
    tokens = text.split()
    arabic = sum(1 for t in tokens if ARABIC_LETTER.search(t))
    latin = sum(
        1 for t in tokens if _LATIN.search(t) and not ARABIC_LETTER.search(t) and not t.lstrip("\"'“(«[")[:1].isupper()
    )
    return "ar" if arabic and arabic >= latin else "en"


def is_arabic(text: str) -> bool:
    return detect_language(text) == "ar"


REFUSAL = {
    "ar": "لم أجد في المصادر المتاحة ما يجيب عن هذا السؤال.",
    "en": "The sources do not contain an answer to this question.",
}
