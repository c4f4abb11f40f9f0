"""Arabic-aware normalization and BM25 terms.

>>> terms("وقال الرئيسُ الروسيّ إنّ المؤتمرات انطلقت")
['رييس', 'روس', 'موتمر', 'انطلقت']
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
)

# Bump when `terms` changes what it returns: an index whose BM25 terms another version made has them
# recomputed from its stored paragraphs when opened (rag.store.Catalog.ensure_terms).
TERMS_VERSION = "7"  # 2: stop words in normalized form, "على" apart from the name "علي"; 3: after the
# conjunction و too (وفي, ومتى, وهو), and لماذا; 4: a figure written onto a clitic (بـ104, و7, لـ2018) is the
# figure; 5: a word's own first و is kept (وزير, وطن); 6: a ة written ت before a pronoun (مساحتها) is a ة;
# 7: an underscore separates words (the hashtags of Al Arabiya's articles: #مايك_بومبيو is مايك بومبيو)
_TATWEEL = "\u0640"
_HARAKAT = re.compile("[\u064b-\u0652]")
_ARABIC_LETTER = re.compile("[\u0621-\u063a\u0641-\u064a]")
VOCALIZED_SHARE = 0.3
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_HAMZA_SEATS = str.maketrans({"ؤ": "و", "ئ": "ي", "ء": ""})
_WORD = re.compile(r"[^\W_]+")  # letters and digits: an underscore joins words in a hashtag
# A figure written onto a clitic or the article, as news writes it: "بـ104 مليون", "ما بين 5 و7 آلاف", "الـ18".
_CLITIC_FIGURE = re.compile(r"(?:وال|بال|لل|ال|و|ف|ب|ل|ك)(\d+)")

# Light10-style affixes (Larkey et al. 2007), written in normalized form (ة->ه, ى->ي, أإآ->ا).
_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")
_PRONOUNS = ("ها", "ه", "ي")  # the suffixes that can be an attached pronoun


def normalize(text: str) -> str:
    """NFKC, no diacritics or tatweel, one alef/yaa/teh-marbuta form, ASCII digits, lower-case Latin."""
    return normalize_alef_maksura_ar(_fold(text))


def undecorated(text: str) -> str:
    """`text` as news is written: no tatweel, and no diacritics when they are on many of its letters
    (VOCALIZED_SHARE or more: news is never vocalized throughout), while the few marks news does write
    (a shadda, a tanween) are kept. Letters are kept as they are."""
    text = text.replace(_TATWEEL, "")
    marks, letters = len(_HARAKAT.findall(text)), len(_ARABIC_LETTER.findall(text))
    return dediac_ar(text) if letters and marks >= VOCALIZED_SHARE * letters else text


def _fold(text: str) -> str:
    """All of `normalize` except ى -> ي."""
    text = unicodedata.normalize("NFKC", text).replace(_TATWEEL, "")
    text = normalize_alef_ar(normalize_teh_marbuta_ar(dediac_ar(text)))
    return text.translate(_DIGITS).translate(_HAMZA_SEATS).lower()


# Function words that carry no topic in Arabic news, plus English ones, in normalized form (so "فى" and
# "في" are both dropped).
STOPWORDS = frozenset(
    normalize(w)
    for w in """
    في من إلى عن أن إن أو ثم حتى إذا إذ لا لم لن ما ماذا لماذا متى أين كيف هل كم أي التي الذي الذين
    هذا هذه ذلك تلك هو هي هم هن نحن أنت أنا كان كانت يكون قد لقد كما مع بين بعد قبل عند عندما
    ضد أيضا إلا غير كل بعض آخر أخرى و ف ب ل ك مما منذ خلال حول لدى وقد وقال قال اليوم
    the a an of to in on for and or is are was were be by with at as from that this what which who
    whom how many much did does do when where why than it its into about said say
    """.split()
)
# Stop words only as spelled: normalized, "على" would become the name "علي" (Ali), which must stay a term.
SPELLED_STOPWORDS = frozenset({"على"})


def stem(word: str) -> str:
    """Light stemming of one normalized word: strip the conjunction و (not a word's own first letter, `_own_waw`),
    one article prefix and suffixes; a ة that Arabic writes ت before a pronoun goes with it (مساحتها, مساحة:
    مساح; `_open_taa`)."""
    if len(word) > 3 and word.startswith("و") and not _own_waw(word):
        word = word[1:]
    for p in _PREFIXES:
        if word.startswith(p) and len(word) - len(p) >= 2:
            word = word[len(p) :]
            break
    pronoun = False
    for s in _SUFFIXES:
        if word.endswith(s) and len(word) - len(s) >= 2:
            word = word[: -len(s)]
            pronoun = pronoun or s in _PRONOUNS
    if pronoun and len(word) > 3 and word.endswith("ت") and not word.endswith("ات") and _open_taa(word):
        word = word[:-1]
    return word


@lru_cache(maxsize=100_000)
def _open_taa(word: str) -> bool:
    """Whether a word's final ت, left by a pronoun taken off, is a ة: Arabic is commoner with it so, by wordfreq's
    Zipf frequencies (مساحة 4.9 against مساحت 1.4; but بيت, صوت, موت stay as they are)."""
    from wordfreq import zipf_frequency  # imported on first use, not at start-up

    return zipf_frequency(word[:-1] + "ة", "ar") > zipf_frequency(word, "ar")


@lru_cache(maxsize=100_000)
def _own_waw(word: str) -> bool:
    """Whether the first و of a normalized word is its own letter rather than the conjunction: the word is
    commoner in Arabic with it than without, by wordfreq's Zipf frequencies (وزير 5.4 against زير 3.2, وطن 4.4
    against طن; but وسوريا 4.3 against سوريا 5.5), a final ه read as ة too (normalization wrote وزارة so).
    Light10 strips it whenever the rest has three letters, so وزير became زير while الوزير stayed وزير."""
    from wordfreq import zipf_frequency  # imported on first use, not at start-up

    def zipf(w: str) -> float:
        return max(zipf_frequency(f, "ar") for f in {w, w[:-1] + "ة" if w.endswith("ه") else w})

    return zipf(word) > zipf(word[1:])


def words(text: str) -> list[str]:
    """Normalized word tokens (letters and digits only)."""
    return _WORD.findall(normalize(text))


def terms(text: str) -> list[str]:
    """BM25 terms: normalized, stop words dropped (also after the conjunction و: وفي, ومتى), light-stemmed; a
    figure written onto a clitic is the figure ("بـ104" -> "104")."""
    kept = (normalize_alef_maksura_ar(w) for w in _WORD.findall(_fold(text)) if w not in SPELLED_STOPWORDS)
    out = []
    for w in kept:
        figure = _CLITIC_FIGURE.fullmatch(w)
        if figure:
            out.append(figure.group(1))
        elif not _stop_word(w) and (len(w) > 1 or w.isdigit()):
            out.append(stem(w))
    return out


def _stop_word(word: str) -> bool:
    """A stop word, alone or after the conjunction و ("ومتى", "وفي", "وهو": else stemmed into a rare term, "مت")."""
    return word in STOPWORDS or (len(word) > 2 and word[0] == "و" and word[1:] in STOPWORDS)
