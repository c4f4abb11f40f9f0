"""English words in Arabic: a bilingual word list gives an English question a lexical side over Arabic text.

BM25 hears nothing of an English question over Arabic articles, so the question's content words are
looked up in a dictionary and their Arabic renderings searched instead (dictionary-based query translation,
the classic remedy of cross-language retrieval): "How many people died in the earthquake?" is also searched
as "الناس مات الزلزال". The dictionary is FreeDict's English-Arabic one (Arabeyes' word list, 87,424
headwords, GPL-2.0-or-later) from Debian's package dict-freedict-eng-ara: read from the folder
`ISNAD_LEXICON` names, else from the Python environment's `share/dictd` (where `./setup.sh` unpacks the
package, no root needed), else from where Debian installs it. Without it English questions are retrieved by
meaning alone, as before, and isnad says so once.

>>> arabic_words("How many people died in the earthquake?")  # doctest: +SKIP
'الناس مات الزلزال'
"""

from __future__ import annotations

import gzip
import logging
import os
import re
import sys
import zlib
from functools import cache
from pathlib import Path

from .normalize import STOPWORDS, words

log = logging.getLogger(__name__)

NAME = "freedict-eng-ara"
# Where the files are looked for: unpacked into the environment by ./setup.sh, or installed by Debian.
FOLDERS = (Path(sys.prefix) / "share" / "dictd", Path("/usr/share/dictd"))
PER_WORD = 2  # renderings kept per English word (the word list gives one for most)
MAX_WORDS = 3  # a rendering longer than this is an explanation, not a translation
_B64 = {ch: i for i, ch in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}
_ARABIC_WORD = re.compile(r"[\u0621-\u064a\u064b-\u0652\u0640]+")
_OFFSET = re.compile(r"[A-Za-z0-9+/]+")
_SENSE = re.compile(r"\n?\s*\d+\.\s+|\n|[،,;]")
_ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# Inflections taken off an English word not found as written (died -> die, cities -> city, ruling -> rule).
_INFLECTIONS = (("ies", "y"), ("es", ""), ("s", ""), ("ied", "y"), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"))


def lexicon_folder() -> Path:
    """`ISNAD_LEXICON`, else the first of `FOLDERS` that holds the word list (the last when none does)."""
    if os.environ.get("ISNAD_LEXICON"):
        return Path(os.environ["ISNAD_LEXICON"])
    return next((f for f in FOLDERS if (f / f"{NAME}.index").is_file()), FOLDERS[-1])


def available() -> bool:
    """Whether the dictionary's files are there."""
    return (lexicon_folder() / f"{NAME}.index").is_file()


@cache
def _table(folder: Path) -> dict[str, tuple[str, ...]]:
    """Lower-case English headword -> its Arabic renderings, from the dictd files in `folder` ({} when they are
    missing or unreadable). About 0.4 s, once per process."""
    try:
        data = gzip.open(folder / f"{NAME}.dict.dz").read()  # dictzip is gzip with an index of chunks
        lines = (folder / f"{NAME}.index").read_text(encoding="utf-8").splitlines()
    except (OSError, EOFError, ValueError, zlib.error) as e:  # missing, not gzip, cut short, not UTF-8
        log.warning(
            "no English-Arabic dictionary at %s (%s): English questions are retrieved by meaning alone; "
            "run ./setup.sh (it unpacks Debian's dict-freedict-eng-ara) or set ISNAD_LEXICON",
            folder,
            e,
        )
        return {}
    table: dict[str, list[str]] = {}
    for line in lines:
        parts = line.split("\t")
        if len(parts) != 3 or parts[0].startswith("00database") or not _OFFSET.fullmatch(parts[1] + parts[2]):
            continue  # the database's own entries, or a line that is not "word, offset, length"
        start, length = _base64(parts[1]), _base64(parts[2])
        senses = data[start : start + length].decode("utf-8", "replace").partition("\n")[2]  # after "word /ipa/"
        for sense in _SENSE.split(senses):
            found = _ARABIC_WORD.findall(sense)
            if found and len(found) <= MAX_WORDS and " - " not in sense:
                table.setdefault(parts[0].lower(), []).append(" ".join(found))
    return {word: tuple(dict.fromkeys(renderings)) for word, renderings in table.items()}


def _base64(digits: str) -> int:
    """dictd's offsets and lengths: base-64 numbers, most significant digit first."""
    n = 0
    for ch in digits:
        n = n * 64 + _B64[ch]
    return n


def translations(word: str) -> tuple[str, ...]:
    """The Arabic renderings of an English word (at most `PER_WORD`), as written or without its inflection."""
    table = _table(lexicon_folder())
    w = re.sub(r"['’]s$", "", word.lower())
    forms = [w] + [w[: -len(end)] + base for end, base in _INFLECTIONS if w.endswith(end)]
    for form in (f for f in forms if len(f) >= 3):
        if form in table:
            return table[form][:PER_WORD]
    return ()


def arabic_vocabulary() -> frozenset[str]:
    """The normalized Arabic words of all the dictionary's renderings (empty without the dictionary)."""
    return _vocabulary(lexicon_folder())


@cache
def _vocabulary(folder: Path) -> frozenset[str]:
    return frozenset(w for renderings in _table(folder).values() for r in renderings for w in words(r))


def arabic_words(question: str) -> str:
    """The Arabic renderings of the English content words of `question` (stop words aside), "" when none."""
    out = []
    for word in _ENGLISH_WORD.findall(question):
        if word.lower() not in STOPWORDS:
            out.extend(translations(word))
    return " ".join(out)
