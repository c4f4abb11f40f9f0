"""Remove site boilerplate from raw articles, never a sentence of the body.

    article = clean(raw)                                   # the article's own evidence only
    article = clean(raw, repeated=lines.repeated(raw))     # plus what its site prints on many pages
    article = clean(raw, lines.repeated(raw), headlines)   # plus the headlines of the other articles

A line goes on one of four kinds of evidence:

- structure: a line with no words (a separator); a line that is only a link or an e-mail address, with
  the short line ending with ":" that introduces it; a "see also" label with the teasers it introduces;
  a view counter or a breadcrumb next to the headline; a furniture line ending with ":" takes the line
  it introduces along.
- repetition: a line that the article's source prints at the head or tail of many of its articles
  (`RepeatedLines`, counted over everything ingested, kept in the index's catalog). It is removed only
  in the article's head or tail run (consecutive removable lines from either end), never mid-body.
- another article's headline: a line that is the title of another article the index holds or the run reads
  (`headlines`, `line_key`s) and is no sentence, of LINK_WORDS words or more: a related-article link a site
  prints in the body without a label (BBC Arabic does in one article of seven).
- wording: short patterns anchored to the whole line, for furniture such as "شارك الخبر",
  "تابعونا على فيسبوك", a copyright notice alone, an agency sign-off. A pattern never applies to a line
  that reads as a sentence (`reads_as_sentence`: it ends with . ! ? ؟ or has more than PATTERN_WORDS
  words); such a line is removed only on structural or repetition evidence.

Patterns match the `rag.normalize` form of a line (no diacritics or tatweel, one alef/yaa/teh-marbuta
form, hamza seats dropped, ASCII digits, lower case).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from itertools import islice
from pathlib import Path
from typing import Protocol

from rag.normalize import normalize
from rag.schema import Article, content_hash

# Site-menu entries that breadcrumb lines are made of, possibly glued without spaces
# ("الشريط الاخباريسلايدسورية" = الشريط الإخباري + سلايد + سورية).
MENU_WORDS = (
    "الرئيسية",
    "الصفحة الرئيسية",
    "الشريط الإخباري",
    "شريط الأخبار",
    "سلايد",
    "عاجل",
    "أخبار",
    "الأخبار",
    "آخر الأخبار",
    "أخبار محلية",
    "محليات",
    "محلي",
    "سياسة",
    "سياسي",
    "اقتصاد",
    "اقتصادي",
    "رياضة",
    "عربي",
    "دولي",
    "عربي ودولي",
    "عرب وعالم",
    "العالم",
    "الشرق الأوسط",
    "سورية",
    "سوريا",
    "لبنان",
    "العراق",
    "فلسطين",
    "مصر",
    "ثقافة",
    "فن",
    "منوعات",
    "مجتمع",
    "صحة",
    "علوم",
    "تكنولوجيا",
    "رأي",
    "مقالات",
    "تقارير",
    "تحقيقات",
    "فيديو",
    "صور",
    "ميداني",
)
# Longest breadcrumb line looked at, in characters.
MENU_LINE_CHARS = 60

# News agencies and outlets that sign articles off ("(وكالات)", "فرانس24/ أ ف ب") and datelines ("موسكو-سانا").
AGENCIES = (
    "وكالات",
    "وكالات الأنباء",
    "سانا",
    "رويترز",
    "أ ف ب",
    "فرانس برس",
    "فرانس 24",
    "فرانس24",
    "د ب أ",
    "الأناضول",
    "واس",
    "وام",
    "قنا",
    "كونا",
    "بترا",
    "شينخوا",
    "سبوتنيك",
    "تاس",
)

# "See also" labels. "اقرأ أيضا: <headline>" is dropped alone (the rest of the line is another article's
# headline); a bare label ("انظر ايضاً") is dropped with the teasers after it: short headlines (questions
# included, no full stop) and snippets cut off with an ellipsis. Labels are structure, not wording: a line
# that starts with one is a link to another article even when that article's headline is a sentence.
_READ_ALSO = r"(انظر|اقرا|شاهد|طالع) (ايضا|كذلك)"
SEE_ALSO = re.compile(rf"^({_READ_ALSO}|اقرا المزيد|(مواضيع|اخبار|مقالات) (ذات صله|متعلقه)|قد يهمك( ايضا)?|للمزيد)\b")
# A see-also line: a label alone; a "read also" label and whatever follows (no sentence starts so); another
# label with punctuation (":", "|", "/", "..", "-") before the headline ("للمزيد من ..." starts sentences).
SEE_ALSO_LINE = re.compile(rf"{SEE_ALSO.pattern}(\W*$|\s*[^\w\s]+)|^{_READ_ALSO}\b")
ELLIPSIS = ("…", "...", "..")

# Whole-line furniture (the line's words only): comment prompts, share and print buttons.
FURNITURE = frozenset(
    normalize(w)
    for w in (
        "إضافة تعليق جديد",
        "أضف تعليق",
        "أضف تعليقك",
        "اترك تعليقا",
        "اترك تعليق",
        "التعليقات",
        "شارك",
        "شارك الخبر",
        "شارك المقال",
        "شارك هذا المقال",
        "طباعة",
        "إرسال لصديق",
        "اقرأ المزيد",
    )
)

_AGENCY_WORDS = "|".join(re.escape(normalize(a)) for a in AGENCIES)
# Furniture patterns, on the normalized line; only for lines that do not read as a sentence. Each is
# anchored to the line's start, and to its end where the furniture has a fixed shape.
PATTERNS = (
    # labelled view counter: "1200 مشاهدة", "عدد المشاهدات: 1200"
    re.compile(r"^\d+ (مشاهده|قراءه|تعليق)$|^(عدد )?(المشاهدات|القراءات) ?:? ?\d+$"),
    # "follow us" on a network, page or app: تابعونا / تابعنا / تابعوا + على/عبر + the medium
    re.compile(
        r"^تابع(وا|ونا|نا|ني) (اخبارنا |صفحتنا |حسابنا |قناتنا )?(علي|عبر|في) (\S+ )?"
        r"(تطبيق|صفحت|حساب|قنات|موقعنا|تيلغرام|تلغرام|تليجرام|فيسبوك|فيس بوك|تويتر|واتس|يوتيوب|انستغرام"
        r"|انستجرام|telegram|facebook|twitter|whatsapp|youtube|instagram)"
    ),
    re.compile(r"^تابع(وا|ونا) (صفحتنا|حسابنا|قناتنا|موقعنا)\b"),
    # subscription by text message: "أرسل كلمة اشتراك إلى الرقم 0999123456"
    re.compile(r"(ارسل|ارسال) كلمه \S+ (الي|علي) (الرقم )?[\d /+-]{6,}"),
    # "get our app": an imperative on the app, then the phone or store it goes on
    re.compile(r"^(حمل|حملوا|نزل|نزلوا) (ال)?تطبيق.*(هاتف|جوال|الذكيه|متجر|مجانا|app store|google play)"),
    # "you can follow us / use our app": second person, then a medium of ours
    re.compile(r"^يمكنكم (\S+ ){0,6}(تطبيقنا|متابعتنا|صفحتنا|حسابنا|قناتنا|تطبيق)"),
    # a copyright notice and nothing else: "© 2018 جميع الحقوق محفوظة لموقع الأخبار"
    re.compile(
        r"^[\W\d_]*(جميع الحقوق محفوظه|حقوق (النشر|الطبع)( والنشر)? محفوظه|all rights reserved|copyright|©)"
        r"[\W\d_]*((ل|لـ ?)\S+( \S+){0,4})?[\W\d_]*$"
    ),
    # "click here" to watch or follow elsewhere
    re.compile(r"(اضغط|انقر) هنا\W*$"),
    # dateline alone, "CITY-AGENCY" ("موسكو-سانا"): one or two words, a dash, an agency
    re.compile(rf"^\(?[^\W\d_]+( [^\W\d_]+)? ?[-–—] ?({_AGENCY_WORDS})\)?$"),
)
# Longest line (in words) a pattern may remove; longer lines read as sentences.
PATTERN_WORDS = 12

# View counter: a number alone ("44"). Counters and menu lines are dropped only next to the headline, among
# the title and the first TOP_LINES lines: further down, "2018" or "سوريا" alone is a section heading.
COUNTER = re.compile(r"^[\d٠-٩.,٫٬ ]+$")
TOP_LINES = 2

# A line that is only an e-mail address or a link; a line ending with ":" just before one introduces it.
CONTACT = re.compile(r"^([\w.+-]+@[\w-]+(\.[\w-]+)+|(https?://|www\.)\S+)$", re.IGNORECASE)
# Longest line that can introduce a link, or be introduced by a furniture line, in words.
INTRO_WORDS = 30

# "المصدر: روسيا اليوم", "*نقلاً عن الرؤية الإماراتية": a source credit; its name becomes the article's
# source when that is unknown. Matched on the line as written (the name is kept as printed).
SOURCE_LINE = re.compile(r"^[*\s]*(المصدر|المصادر|مصدر الخبر) ?[:：] ?(?P<name>[^.،؟!:]{2,40})$")
REPRINT_LINE = re.compile(r"^[*\s]*نقلا عن (?P<name>[^.،؟!:]{2,40})$")

# Sentence ends (a teaser headline has none).
SENTENCE_END = (".", "!", "؟", "?")
# A title ending with a full stop and of at least LEAD_WORDS words is the lead sentence, not a headline
# (headlines end without a stop, or with "؟" / "!"): it is kept as the first paragraph too.
LEAD_WORDS = 15

# Repetition: a line is "what the site prints on every page" when it is among the first or last EDGE_LINES
# lines of at least REPEATED_ARTICLES articles of one source, and of at least REPEATED_SHARE of them.
# Measured on the ANT corpus (bench/cleaning.py, bench/README.md): site notes and furniture recur at the
# edges of 19 to 800 articles of a source (0.5% of CNN's 3,507 and up), while a background paragraph a
# site reuses across one story's articles, or a story it published twice, recurs in at most 12.
EDGE_LINES = 6
# A related-article link: another article's headline, no sentence, at least this many words (shorter titles,
# "كأس العالم 2018", could be a subheading of the body too).
LINK_WORDS = 5
REPEATED_ARTICLES = 10
REPEATED_SHARE = 0.005
RECORD_BATCH = 1000


def clean(article: Article, repeated: frozenset[str] = frozenset(), headlines: frozenset[str] = frozenset()) -> Article:
    """A copy of `article` with boilerplate paragraphs removed and a breadcrumb title replaced.

    `repeated` holds the `line_key`s of lines the article's source prints on many pages (RepeatedLines);
    `headlines` the `line_key`s of the titles of the other articles the index holds or the run reads.
    """
    paragraphs = list(article.paragraphs)
    title = article.title
    while paragraphs and _is_furniture_title(title, paragraphs[0]):
        title = paragraphs.pop(0)
    drop = [False] * len(paragraphs)
    source = article.source
    teasers = False  # inside the teaser list after a bare "see also" label
    introduced = False  # the line after a furniture line ending with ":"
    for i, p in enumerate(paragraphs):
        key = _key(p)
        furniture = False
        credit = SOURCE_LINE.match(p) or REPRINT_LINE.match(_fold(p))
        if SEE_ALSO_LINE.match(key):
            teasers = not re.search(r"\w", SEE_ALSO.sub("", key, count=1))  # a bare label: teasers follow
            drop[i] = True
            introduced = False
            continue
        teasers = teasers and _is_teaser(p)
        if credit and not reads_as_sentence(p):
            source = source or credit["name"].strip()
            drop[i] = True
        elif CONTACT.match(p):
            drop[i] = True
            if i and not drop[i - 1] and paragraphs[i - 1].endswith(":") and _words(paragraphs[i - 1]) <= INTRO_WORDS:
                drop[i - 1] = True  # "... يرجى ارسال رسالة الى:" introducing the address
        elif teasers or (introduced and _words(p) <= INTRO_WORDS):
            drop[i] = True
        elif is_furniture(p) or (i < TOP_LINES and _is_top_furniture(p)):
            drop[i] = furniture = True
        introduced = furniture and p.rstrip().endswith(":")
    if headlines:
        own = {line_key(article.title), line_key(title)}
        for i, p in enumerate(paragraphs):
            drop[i] = drop[i] or _is_related_link(p, headlines, own)
    _drop_repeated_edges(paragraphs, drop, repeated)
    kept = [p for p, d in zip(paragraphs, drop, strict=True) if not d]
    if _is_lead(title) and kept[:1] != [title]:
        kept.insert(0, title)
    return replace(article, title=title, paragraphs=tuple(kept), source=source)


def removed_lines(raw: Article, cleaned: Article) -> list[str]:
    """The lines of `raw` (title and paragraphs) that cleaning removed."""
    left = Counter([raw.title, *raw.paragraphs]) - Counter([cleaned.title, *cleaned.paragraphs])
    return list(left.elements())


def reads_as_sentence(text: str) -> bool:
    """True for a line that reads as a sentence: it ends with . ! ? ؟ (closing quotes and brackets
    aside; an ellipsis is no end) or has more than PATTERN_WORDS words. No pattern ever removes one."""
    return _ends_sentence(text) or _words(text) > PATTERN_WORDS


def is_furniture(text: str) -> bool:
    """A line with no words, a whole-line furniture entry, an agency sign-off, or a line that is no
    sentence and matches a furniture pattern."""
    key = _key(text)
    if not re.search(r"[^\W_]", key):
        return True  # separators, a lone "."
    if reads_as_sentence(text):
        return False
    words = " ".join(re.findall(r"[^\W_]+", key))
    return words in FURNITURE or _is_made_of(key, _AGENCIES) or any(p.search(key) for p in PATTERNS)


def line_key(text: str) -> str:
    """What repetition is counted on: a hash of the line's normalized words."""
    return content_hash(" ".join(re.findall(r"[^\W_]+", _key(text))))


def edge_lines(article: Article) -> list[str]:
    """The keys of the lines at the head and the tail of a raw article, where sites print their furniture."""
    lines = article.paragraphs
    edges = lines if len(lines) <= 2 * EDGE_LINES else (*lines[:EDGE_LINES], *lines[-EDGE_LINES:])
    return sorted({line_key(p) for p in edges if re.search(r"[^\W_]", p)})


def source_of(article: Article) -> str:
    """The group repetition is counted in: the article's source, else the folder of its file."""
    return article.source or str(Path(article.path).parent)


class LineStore(Protocol):
    """Where edge lines are counted (rag.store.Catalog)."""

    def put_edge_lines(self, rows: Iterable[tuple[str, str, list[str]]]) -> None: ...
    def edge_line_counts(self, source: str, at_least: int) -> tuple[int, dict[str, int]]: ...


class RepeatedLines:
    """The lines each source prints at the head or tail of many articles, counted in a LineStore.

    Ingestion records every raw article of a run first (`record`), then cleans each with `repeated(raw)`:
    the same articles give the same evidence whatever their order, and recording an article again
    (same doc_id) replaces its lines, so re-ingesting counts nothing twice.
    """

    def __init__(self, store: LineStore):
        self.store = store
        self._cache: dict[str, frozenset[str]] = {}

    def record(self, articles: Iterable[Article]) -> None:
        """Count the head and tail lines of raw articles (written RECORD_BATCH articles at a time)."""
        self._cache.clear()
        rows = ((source_of(a), a.doc_id, edge_lines(a)) for a in articles)
        while batch := list(islice(rows, RECORD_BATCH)):
            self.store.put_edge_lines(batch)

    def repeated(self, article: Article) -> frozenset[str]:
        """The keys of the lines that count as repeated for this article's source."""
        source = source_of(article)
        if source not in self._cache:
            articles, counts = self.store.edge_line_counts(source, REPEATED_ARTICLES)
            least = max(REPEATED_ARTICLES, REPEATED_SHARE * articles)
            self._cache[source] = frozenset(k for k, n in counts.items() if n >= least)
        return self._cache[source]


def _is_related_link(text: str, headlines: frozenset[str], own: set[str]) -> bool:
    """Another article's headline printed in the body: no sentence, LINK_WORDS+ words, a title in `headlines`
    other than the article's own."""
    if reads_as_sentence(text) or _words(text) < LINK_WORDS:
        return False
    key = line_key(text)
    return key in headlines and key not in own


def _drop_repeated_edges(paragraphs: list[str], drop: list[bool], repeated: frozenset[str]) -> None:
    """Mark repeated lines in the head and tail runs: from each end, while each line is removable."""
    if not repeated:
        return
    for order in (range(len(paragraphs)), range(len(paragraphs) - 1, -1, -1)):
        for i in order:
            if not drop[i] and line_key(paragraphs[i]) not in repeated:
                break
            drop[i] = True


def _is_furniture_title(title: str, following: str) -> bool:
    """A counter or furniture line, or a breadcrumb that a headline follows: not a one-word title
    ("مصر") over the body."""
    if COUNTER.match(title) or is_furniture(title):
        return True
    return _is_menu(title) and not _ends_sentence(following) and _words(following) <= INTRO_WORDS


def _is_lead(title: str) -> bool:
    """A title that is the lead sentence: ends with a full stop (not an ellipsis), LEAD_WORDS+ words."""
    return title.endswith(".") and not title.endswith(ELLIPSIS) and _words(title) >= LEAD_WORDS


def _ends_sentence(text: str) -> bool:
    """True when the text ends a sentence (closing quotes and brackets aside), not with an ellipsis."""
    end = text.rstrip("\"'”’»)] ")
    return end.endswith(SENTENCE_END) and not end.endswith(ELLIPSIS)


def _is_teaser(text: str) -> bool:
    """A teaser of another article: a short headline (a question included), or a snippet cut off with an
    ellipsis; not a line ending with a full stop or a colon."""
    end = text.rstrip("\"'”’»)] ")
    return _words(text) <= INTRO_WORDS and (end.endswith(ELLIPSIS) or not end.endswith((".", ":")))


def _fold(text: str) -> str:
    """The line without diacritics or tatweel, its letters as written."""
    return " ".join(re.sub("[\u064b-\u065f\u0670\u0640]", "", text).split())


def _key(text: str) -> str:
    """The normalized form patterns match on, whitespace runs made one space."""
    return " ".join(normalize(text).split())


def _words(text: str) -> int:
    return len(text.split())


def _glued(text: str) -> str:
    return re.sub(r"[\W_]", "", _key(text))


_MENU = frozenset(map(_glued, MENU_WORDS))
_AGENCIES = frozenset(map(_glued, AGENCIES))


def _is_top_furniture(text: str) -> bool:
    """A view counter or a breadcrumb, the furniture found next to a headline."""
    return bool(COUNTER.match(text)) or _is_menu(text)


def _is_menu(text: str) -> bool:
    """True for a breadcrumb: a short line made only of menu words, spaced, separated or glued."""
    return len(text) <= MENU_LINE_CHARS and _is_made_of(_key(text), _MENU)


def _is_made_of(key: str, entries: frozenset[str]) -> bool:
    """True when the line's letters, separators removed, split into entries (glued or not)."""
    glued = re.sub(r"[\W_]", "", key)
    longest = max(map(len, entries))
    reach = [True] + [False] * len(glued)  # reach[i]: glued[:i] splits into entries
    for end in range(1, len(glued) + 1):
        starts = range(max(0, end - longest), end)
        reach[end] = any(reach[s] and glued[s:end] in entries for s in starts)
    return bool(glued) and reach[-1]
