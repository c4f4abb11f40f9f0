"""The figures a text states, in digits or in words, Arabic or English, as comparable values.

>>> sorted(figures("ما بين ألفين وثلاثة آلاف إرهابي"))
['2000', '3000']
>>> sorted(figures("between 2,000 and 3,000 fighters, some fifty thousand men"))
['2000', '3000', '50000']
>>> sorted(figures("50 ألف مسلح في 4 بالمئة من 37,547,686 و45,44%"))
['37547686', '4', '45.44', '50000']

Digits: ASCII or Arabic-Indic, "4,500" / "4٬500" thousands separators, "45.44" / "45,44" / "45٫44" decimals.
Words: units, tens and hundreds, with the multipliers thousand / million / billion (ألف، آلاف، ألفين،
مليون، ملايين، مليونين، مليار) applied to the number before them ("50 ألف", "fifty thousand", "3.79 million",
"خمسين ألفا"); said alone, a singular one is one of it ("مليون شخص", "a million people": 1000000; not ألف, which
also says "he wrote"), and never across a sentence end ("خمسين مليار. مليون" is two figures).
A decade ("the 1990s", "التسعينيات") is the value `"1990s"`; a fraction in words ("half", "نصف", "الربع",
"ثلثي", of them: "نصفهم") is `"1/2"`, `"1/4"`, `"2/3"`, but the half or quarter after an hour is its minutes
("التاسعة والنصف" = 9:30: 9 and 30). An ordinal is its number ("seventh" = السابعة = 7,
"eleventh" = الحادي عشر = 11, "twenty-first" = الحادي والعشرين = 21; "first"/أول, which says "earliest" as
often as a rank, is not read, but for the first of a month: "الأول من يناير" = "1 January" = 1).
The number words one and two are left out: Arabic says them with the singular and the dual as often as with
a word, so a sentence's "two documents" cannot be required to appear as a number in the paragraph. Three to ten
are read ("eight months", "ثلاثة أشخاص": `SAID_SMALL`; no dual or plural says them), but not the Arabic short
forms that are other words too (ست "lady", سبع "lion", خمس "a fifth") unless a plural in ات follows ("خمس
سنوات"). With `bare` (a paragraph's reading),
every number word is offered, and one after its noun with the article too ("الدول الخمس": kind "definite"), and
the cup's round "ثمن النهائي" as the last 16.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalize import normalize

_TOKEN = re.compile(r"\d+(?:[.,٫٬]\d+)*s?|[^\W\d_]+", re.UNICODE)

_EN_UNITS = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
_EN_UNITS += "seventeen eighteen nineteen"
_EN_TENS = "twenty thirty forty fifty sixty seventy eighty ninety"
_AR_UNITS = {  # normalized spellings (ة -> ه, أ -> ا)
    1: "واحد واحده",
    2: "اثنان اثنين اثنتان اثنتين",
    3: "ثلاث ثلاثه",
    4: "اربع اربعه",
    5: "خمس خمسه",
    6: "ست سته",
    7: "سبع سبعه",
    8: "ثمان ثماني ثمانيه",
    9: "تسع تسعه",
    10: "عشر عشره",
}
_AR_TENS = {
    20: "عشرون عشرين",
    30: "ثلاثون ثلاثين",
    40: "اربعون اربعين",
    50: "خمسون خمسين",
    60: "ستون ستين",
    70: "سبعون سبعين",
    80: "ثمانون ثمانين",
    90: "تسعون تسعين",
}
_AR_DECADES = {
    20: "العشرينيات العشرينات",
    30: "الثلاثينيات الثلاثينات",
    40: "الاربعينيات الاربعينات",
    50: "الخمسينيات الخمسينات",
    60: "الستينيات الستينات",
    70: "السبعينيات السبعينات",
    80: "الثمانينيات الثمانينات",
    90: "التسعينيات التسعينات",
}

WORDS: dict[str, float] = {w: i for i, w in enumerate(_EN_UNITS.split(), 1)}
WORDS |= {w: 10 * i for i, w in enumerate(_EN_TENS.split(), 2)}
WORDS |= {w: n for n, ws in (_AR_UNITS | _AR_TENS).items() for w in ws.split()}
WORDS |= {"مئه": 100, "مائه": 100, "مئتان": 200, "مئتين": 200, "مائتان": 200, "مائتين": 200}
WORDS |= {f"{u}{h}": 100 * n for n, us in _AR_UNITS.items() if n > 2 for u in us.split()[:1] for h in ("مئه", "مائه")}
# Number words from three to ten that a claim is held to (a dual or a plural cannot say them): English, and the
# Arabic forms that are no other word (ثلاثة, not ست "lady", سبع "lion", خمس "a fifth", عشر "a tenth").
SAID_SMALL = frozenset(_EN_UNITS.split()[2:10]) | {ws.split()[-1] for n, ws in _AR_UNITS.items() if 2 < n <= 10}
SAID_SMALL |= {"ثلاث", "اربع", "ثماني"}
MULTIPLIERS: dict[str, float] = {
    "hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9,
    "الف": 1e3, "الاف": 1e3, "مليون": 1e6, "ملايين": 1e6, "مليار": 1e9, "مليارات": 1e9,
}  # fmt: skip
MULTIPLIERS |= {"الفا": 1e3, "مليونا": 1e6, "مليارا": 1e9}  # after a count of 11 to 99: "خمسين ألفا"
# Multipliers that, said alone, are one of them: "نزح مليون شخص", "a million people" (not ألف, also "he wrote").
ALONE: dict[str, float] = {w: MULTIPLIERS[w] for w in ("hundred", "thousand", "million", "billion", "مليون", "مليار")}
DUALS: dict[str, float] = {"الفين": 2e3, "الفان": 2e3, "مليونين": 2e6, "مليونان": 2e6, "مليوني": 2e6}
DUALS |= {"مليارين": 2e9, "ملياران": 2e9, "ملياري": 2e9}
# Fractions said in words: a share stated as "half" where the paragraph says a quarter is a changed figure.
FRACTIONS: dict[str, str] = {"نصف": "1/2", "ربع": "1/4", "ثلث": "1/3", "ثلثي": "2/3", "ثلثا": "2/3"}
FRACTIONS |= {"ال" + w: v for w, v in FRACTIONS.items()}
FRACTIONS |= {"half": "1/2", "halves": "1/2", "quarter": "1/4", "quarters": "1/4"}
# Ordinals: "the eleventh president" where the paragraph says الثاني عشر is a changed figure. "first"/أول is
# left out (it says "earliest" or "leading" as often as a rank); one, الحادي, only opens a compound.
_EN_ORDINALS = "second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
_EN_ORDINALS += "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
_AR_ORDINALS = {  # masculine and feminine, with and without the article
    2: "ثاني", 3: "ثالث", 4: "رابع", 5: "خامس", 6: "سادس", 7: "سابع", 8: "ثامن", 9: "تاسع", 10: "عاشر",
}  # fmt: skip
ORDINALS: dict[str, float] = {w: i for i, w in enumerate(_EN_ORDINALS.split(), 2)}
ORDINALS |= {w: 10 * i for i, w in enumerate("twentieth thirtieth fortieth fiftieth sixtieth".split(), 2)}
ORDINALS |= {w: 10 * i for i, w in enumerate("seventieth eightieth ninetieth".split(), 7)}
ORDINALS |= {f"{a}{w}{e}": n for n, w in _AR_ORDINALS.items() for a in ("", "ال") for e in ("", "ة")}
ORDINALS |= {"ال" + w: n for n, ws in _AR_TENS.items() for w in ws.split()}  # العشرون: the twentieth
# Units that open a compound ordinal: الحادي عشر (11th), الحادي والعشرون (21st), twenty-first.
ORDINAL_UNITS: dict[str, float] = {w: n for w, n in ORDINALS.items() if n < 10} | {"first": 1}
ORDINAL_UNITS |= {f"{a}حادي{e}": 1 for a in ("", "ال") for e in ("", "ة")}
DECADES = {w: f"19{n}s" for n, ws in _AR_DECADES.items() for w in ws.split()}
DECADES |= {w[2:]: v for w, v in DECADES.items()}  # without the article
_EN_DECADES = "twenties thirties forties fifties sixties seventies eighties nineties"
DECADES |= {w: f"19{10 * i}s" for i, w in enumerate(_EN_DECADES.split(), 2)}
WORDS, MULTIPLIERS, ALONE, DUALS, DECADES, FRACTIONS, ORDINALS, ORDINAL_UNITS = (
    {normalize(w): v for w, v in d.items()}
    for d in (WORDS, MULTIPLIERS, ALONE, DUALS, DECADES, FRACTIONS, ORDINALS, ORDINAL_UNITS)
)
SAID_SMALL = frozenset(map(normalize, SAID_SMALL))
_CLITICS = ("و", "ب", "ل", "ف")
_PRONOUNS = ("هما", "هم", "ها", "ه")  # a fraction of them: "نصفهم" (half of them), "ربعها"
# The months, Gregorian and Levantine: "الأول من يناير" is the first day of a month, 1.
MONTHS = frozenset(
    normalize(w)
    for w in """january february march april may june july august september october november december
    يناير فبراير مارس أبريل إبريل مايو يونيو يونيه يوليو يوليه أغسطس سبتمبر أكتوبر نوفمبر ديسمبر
    كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين""".split()
)
_FIRST = frozenset({"اول", "الاول"})
# A cup's round named as a fraction of the final: ثمن النهائي (an eighth-final) is the last 16, as English says it
# with its number (not so the quarter- and semi-finals).
_EIGHTH = normalize("ثمن")
_FINAL = frozenset({normalize("النهائي"), normalize("نهائي")})
# A time said in words: the half or the quarter after an hour ("التاسعة والنصف", "العاشرة والربع") is its minutes.
_PAST_THE_HOUR = {normalize("النصف"): "30", normalize("الربع"): "15", normalize("الثلث"): "20"}
_THOUSAND = normalize("ألف")


_SENTENCE_END = re.compile(r"[.!?؟؛…][\"'”»)\]]*$")  # a word that ends a sentence ("مليار." before "مليون")


# The units of the Arabic numbers 11 to 19, before عشر / عشرة: their own forms (أحد عشر, اثنا عشر, اثنتي عشرة)
# and three to nine as said alone.
_TEENS = {normalize(w): n for n, ws in _AR_UNITS.items() if 2 < n < 10 for w in ws.split()}
_TEENS |= {normalize(w): n for n, ws in {1: "أحد إحدى", 2: "اثنا اثني اثنتا اثنتي"}.items() for w in ws.split()}
_TEN = frozenset({"عشر", "عشره"})


def _teen(token: str) -> float | None:
    """The unit a token opens an Arabic number from 11 to 19 with, clitics and the article aside, or None."""
    for w in (token, token[1:] if token[:1] in _CLITICS else token):
        w = w[2:] if w.startswith("ال") else w
        if w in _TEENS:
            return _TEENS[w]
    return None


def _word(token: str) -> str:
    """A word without the conjunction/preposition clitics Arabic writes on it (وثلاثه -> ثلاثه)."""
    for w in (token, token[1:] if token[:1] in _CLITICS else token):
        if any(w in d for d in (WORDS, MULTIPLIERS, DUALS, DECADES, FRACTIONS, ORDINALS, ORDINAL_UNITS)):
            return w
        owned = next((w[: -len(p)] for p in _PRONOUNS if w.endswith(p) and w[: -len(p)] in FRACTIONS), None)
        if owned:
            return owned
    return token


def _digits(token: str) -> tuple[float | None, str | None]:
    """(value, decade) of a digit token: "4,500" -> 4500, "45,44" -> 45.44, "1990s" -> decade "1990s"."""
    if token.endswith("s"):
        n = token[:-1].replace(",", "")
        return None, (n if len(n) == 4 else f"19{n}") + "s" if n.isdigit() else None
    t = token.replace("٬", ",").replace("٫", ".")
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", t):
        t = t.replace(",", "")
    elif re.fullmatch(r"\d+,\d+", t):
        t = t.replace(",", ".")  # a decimal comma: 45,44
    try:
        return float(t), None
    except ValueError:
        return None, None


def _compound(a: float, b: float) -> bool:
    """Whether two number words make one number: a unit and a ten, either order."""
    return (0 < a < 10 and 20 <= b < 100 and b % 10 == 0) or (0 < b < 10 and 20 <= a < 100 and a % 10 == 0)


def _ordinal(tokens: list[str], i: int, ends: list[bool]) -> tuple[float | None, int]:
    """The ordinal starting at tokens[i] and the index after it: السابعة (7), الحادي عشر (11), الحادي
    والعشرون (21), twenty first (21; a ten before an ordinal unit is read in `figures`); not read past the
    end of a sentence (`ends`)."""
    t, nxt = tokens[i], tokens[i + 1] if i + 1 < len(tokens) and not ends[i] else ""
    if t in ORDINAL_UNITS and WORDS.get(nxt) == 10:
        return ORDINAL_UNITS[t] + 10, i + 2
    if t in ORDINAL_UNITS and ORDINALS.get(nxt, 0) >= 20:
        return ORDINAL_UNITS[t] + ORDINALS[nxt], i + 2
    return ORDINALS.get(t), i + 1


def _month_follows(tokens: list[str], i: int, ends: list[bool]) -> bool:
    """Whether a month's name comes next (after من, "of"), in the same sentence: "الأول من كانون الثاني"."""
    for j in range(i + 1, min(i + 3, len(tokens))):
        if ends[j - 1] or (tokens[j] != "من" and tokens[j] not in MONTHS):
            return False
        if tokens[j] in MONTHS:
            return True
    return False


def _value(x: float) -> str:
    return str(int(x)) if x == int(x) else f"{x:.6f}".rstrip("0")


@dataclass(frozen=True)
class Stated:
    """A figure as a text states it: its value, the words of `text.split()` that say it (`start` to `end`,
    exclusive, multipliers included) and its kind: "count" (a cardinal, in digits or words), "ordinal",
    "fraction", "decade", "date" (the first of a month), "minutes" (of a time in words: the 30 of "التاسعة
    والنصف", 9:30), "round" (of a cup, read with `bare`: "ثمن النهائي" offers 16, the last 16) or "definite" (a
    small number after its noun, read with `bare`: "الدول الخمس" offers 5, but what it counts is the noun
    before it)."""

    value: str
    start: int
    end: int
    kind: str = "count"
    digits: bool = False  # written in digits, without a multiplier word


def stated(text: str, *, bare: bool = False) -> list[Stated]:
    """The figures `text` states, in order, with where (see `Stated`); `bare` as in `figures`."""
    tokens: list[str] = []
    owner: list[int] = []  # the index in text.split() of each token's word
    ends: list[bool] = []  # whether a sentence ends after the token: no multiplier or compound reads past it
    for n, word in enumerate(text.split()):
        found = _TOKEN.findall(normalize(word))
        if not found and ends and _SENTENCE_END.search(word):  # a mark set apart: "5 . ألف"
            ends[-1] = True
        for k, t in enumerate(found):
            tokens.append(_word(t))
            owner.append(n)
            ends.append(k == len(found) - 1 and bool(_SENTENCE_END.search(word)))
    out: list[Stated] = []

    def add(value: str, first: int, after: int, kind: str = "count") -> None:
        digits = after == first + 1 and tokens[first][:1].isdigit()
        out.append(Stated(value, owner[first], owner[after - 1] + 1, kind, digits))

    i, counted_from, hour_end = 0, -1, -1  # the token after the last count, and after an hour ("التاسعة")
    while i < len(tokens):
        t = tokens[i]
        if t in DECADES:
            add(DECADES[t], i, i + 1, "decade")
            i += 1
            continue
        if t in DUALS:
            add(_value(DUALS[t]), i, i + 1)
            i += 1
            continue
        if bare and t == _EIGHTH and i + 1 < len(tokens) and not ends[i] and tokens[i + 1] in _FINAL:
            add("16", i, i + 2, "round")  # "ثمن النهائي" is the last 16
            i += 2
            continue
        if t in FRACTIONS:
            if i == hour_end and t in _PAST_THE_HOUR:
                add(_PAST_THE_HOUR[t], i, i + 1, "minutes")  # "التاسعة والنصف" is 9:30
            else:
                add(FRACTIONS[t], i, i + 1, "fraction")
            i += 1
            continue
        if t in _FIRST and _month_follows(tokens, i, ends):
            add("1", i, i + 1, "date")  # "الأول من يناير", as "1 يناير"
            i += 1
            continue
        if t in ORDINALS or t in ORDINAL_UNITS:
            if counted_from == i and not t.startswith("ال"):
                i += 1  # what a count counts, not an ordinal: "14 ثانية" (seconds)
                continue
            value, j = _ordinal(tokens, i, ends)
            if value is not None:
                add(_value(value), i, j, "ordinal")
                hour_end = j if value <= 12 and t.startswith("ال") and not ends[j - 1] else -1
            i = j
            continue
        # "اثنتي عشرة تهمة", "الخمسة عشر يوما", "ثلاثة عشر ألفا": 12, 15, 13000, read on as any number
        teen = _teen(t) if i + 1 < len(tokens) and not ends[i] and tokens[i + 1] in _TEN else None
        if bare and not teen and t[:2] == "ال" and 2 < WORDS.get(t[2:], 11) <= 10:  # الاثنين is Monday
            add(_value(WORDS[t[2:]]), i, i + 1, "definite")  # a paragraph's "الدول الخمس", "الأشهر الستة"
            i += 1
            continue
        value, decade = (teen + 10, None) if teen else _digits(t) if t[:1].isdigit() else (WORDS.get(t), None)
        if decade:
            add(decade, i, i + 1, "decade")
        # a multiplier no count took: one of it ("a hundred million"); a paragraph's ألف too, which a claim
        # cannot be held to since it also says "he wrote" ("نحو ألف كلم": a thousand kilometres)
        alone = value is None and (t in ALONE or (bare and t == _THOUSAND))
        if value is None and not alone:
            i += 1
            continue
        digits, j = t[:1].isdigit(), i + 1 + bool(teen)  # a teen is two words
        value = MULTIPLIERS[t] if alone else value
        # "ثلاث وخمسين" (53), "twenty five"
        if not digits and j < len(tokens) and not ends[i] and _compound(value, WORDS.get(tokens[j], 0)):
            value += WORDS[tokens[j]]
            j += 1
        elif not digits and j < len(tokens) and not ends[i] and 20 <= value < 100 and tokens[j] in ORDINAL_UNITS:
            add(_value(value + ORDINAL_UNITS[tokens[j]]), i, j + 1, "ordinal")  # twenty first
            i = j + 1
            continue
        scaled = value
        while j < len(tokens) and not ends[j - 1] and tokens[j] in MULTIPLIERS:
            scaled *= MULTIPLIERS[tokens[j]]
            j += 1
        plural = j < len(tokens) and not ends[j - 1] and tokens[j].endswith("ات")  # "خمس سنوات": five years
        if scaled != value or digits or value > 10 or bare or t in SAID_SMALL or (plural and not t.isascii()):
            add(_value(scaled), i, j)
            counted_from = j
        if bare and scaled != value and not alone:
            add(_value(value), i, j)
        elif bare and scaled != value and t == _THOUSAND:  # what a claim reads in ألف مليون: the million
            add(_value(scaled / value), i + 1, j)
        i = j
    return out


def small_word(figure: Stated) -> bool:
    """Whether a figure is a count of ten or less said in a word ("eight", ثلاثة): a claim must state it
    (`SAID_SMALL`), but it is not placed by what it counts."""
    return figure.kind == "count" and not figure.digits and float(figure.value) <= 10


def figures(text: str, *, bare: bool = False) -> set[str]:
    """The figures `text` states (see the module doc). With `bare`, also each number before a multiplier
    on its own ("5 آلاف" gives 5 and 5000) and bare number words under ten: what a paragraph offers a
    sentence, as opposed to what a sentence claims."""
    return {s.value for s in stated(text, bare=bare)}


def year(figure: Stated) -> bool:
    """Whether a figure reads as a year (four digits from 1000 to 2100): it counts nothing."""
    return figure.digits and figure.value.isdigit() and 1000 <= int(figure.value) <= 2100


def figures_found(sentence: str, paragraphs: list[str]) -> bool:
    """Whether every figure the sentence states is among the paragraphs' figures. A figure in thousands or
    millions also matches a paragraph that writes one multiplier after two numbers ("5,000 and 7,000" in
    "ما بين 5 و 7 آلاف"). A score or a range of whole numbers written with a hyphen ("0-2", "20-25") must be
    two neighbouring figures of a paragraph, in either order ("0-1", "1 - 0", "بين 20 و25"): 0-2 is not found
    in a paragraph that says 0-1 of one match and the second round of another."""
    offered: set[str] = set()
    scales: set[float] = set()
    for p in paragraphs:
        offered |= figures(p, bare=True)
        scales |= {MULTIPLIERS[t] for t in map(_word, _TOKEN.findall(normalize(p))) if t in MULTIPLIERS}
    for n in figures(sentence) - offered:
        if not any(n.endswith(z) and n[: -len(z)] in offered and scale in scales for z, scale in _SCALES):
            return False
    pairs = {frozenset(_value(float(n)) for n in m.groups()) for m in _PAIR.finditer(sentence)}
    return not pairs or pairs <= {pair for p in paragraphs for pair in _neighbours(p)}


# Two whole numbers joined by a hyphen: a score or a range ("0-2", "3 - 1"); not a date (2018-07-11), a code
# (F-16) or a figure with separators.
_PAIR = re.compile(r"(?<![\w.,٫٬-])(\d+)\s*[-–]\s*(\d+)(?![\w.,٫٬]*\d|-)")


def _neighbours(paragraph: str) -> set[frozenset[str]]:
    """The pairs of figures a paragraph states next to each other (at most one word apart: "0-1", "3 - 1", "بين 20 و25
    عاما"), each as the set of its two values."""
    found = stated(paragraph, bare=True)
    return {
        frozenset((a.value, b.value))
        for i, a in enumerate(found)
        for b in found[i + 1 :]
        if a.start <= b.start and b.start - a.end <= 1
    }


_SCALES = (("000", 1e3), ("000000", 1e6))
