"""Which language a question is in, and the few fixed phrases isnad says in each."""

from __future__ import annotations

import re

# One Arabic letter or mark: the Arabic blocks, supplement, extended-A and presentation forms.
ARABIC_LETTER = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    """ "ar" when Arabic letters are at least as many as Latin ones, else "en" (ISO 639-1)."""
    arabic, latin = len(ARABIC_LETTER.findall(text)), len(_LATIN.findall(text))
    return "ar" if arabic and arabic >= latin else "en"


def is_arabic(text: str) -> bool:
    return detect_language(text) == "ar"


REFUSAL = {
    "ar": "لم أجد في المصادر المتاحة ما يجيب عن هذا السؤال.",
    "en": "The sources do not contain an answer to this question.",
}
