"""Remove site boilerplate from raw articles, keeping every sentence of the body.

    article = clean(raw)   # raw from rag.load.read_articles

The rules are pattern lists below, matched on a lenient form of each line (diacritics and tatweel
removed, alef/yaa/teh-marbuta variants unified, lower case). Only short lines (BOILERPLATE_WORDS words
at most) are ever dropped; the one rule that drops a run of them is a bare "see also" label, which takes
the teaser headlines right after it along.
"""

from __future__ import annotations

import re
from dataclasses import replace

from rag.schema import Article

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

# "See also" lines. "اقرأ أيضا: <headline>" is dropped alone; a bare label ("انظر ايضاً") is dropped with the
# teasers after it: short headlines (no sentence end) and snippets cut off with an ellipsis.
SEE_ALSO = re.compile(
    r"^(انظر|اقرا|شاهد|طالع) (ايضا|كذلك)|^(مواضيع|اخبار|مقالات) (ذات صله|متعلقه)|^اقرا المزيد|^قد يهمك"
)
ELLIPSIS = ("…", "...")

# News agencies (lenient form, words only), for sign-offs ("(وكالات)") and datelines ("موسكو-سانا").
AGENCIES = (
    "وكالات",
    "وكالات الانباء",
    "سانا",
    "رويترز",
    "ا ف ب",
    "فرانس برس",
    "د ب ا",
    "الاناضول",
    "واس",
    "وام",
    "قنا",
    "كونا",
    "بترا",
    "شينخوا",
    "سبوتنيك",
    "تاس",
)

# Short lines that are site furniture wherever they appear (matched on the line's words only):
# comment prompts, share buttons and bare agency sign-offs.
FURNITURE = frozenset(
    {
        "اضافه تعليق جديد",
        "اضف تعليق",
        "اضف تعليقك",
        "اترك تعليقا",
        "اترك تعليق",
        "التعليقات",
        "شارك",
        "شارك الخبر",
        "شارك المقال",
        "طباعه",
        "ارسال لصديق",
        *AGENCIES,
    }
)

# Boilerplate line patterns, matched on the lenient form of lines of at most BOILERPLATE_WORDS words.
BOILERPLATE = (
    re.compile(r"^[\W_]*$"),  # no words at all: separators, a lone "."
    re.compile(r"^\d+ (مشاهده|قراءه|تعليق)|^(عدد )?(المشاهدات|القراءات) ?:? ?\d+$"),  # labelled view counter
    # "follow us" invitations: تابعوا / تابعونا / تابعنا + an app, page or network
    re.compile(
        r"^تابع(وا|ونا|نا) .*(تطبيق|صفحت|حساب|قنات|موقع|رابط|تيلغرام|تلغرام|تليجرام|فيسبوك|فيس بوك"
        r"|تويتر|واتس|يوتيوب|انستغرام|انستجرام|telegram|facebook|twitter|whatsapp|youtube|instagram)"
    ),
    re.compile(r"اشتراك.*\d{6}|\d{6}.*اشتراك"),  # subscription by message to a phone number
    re.compile(r"^(اشترك|اشتركوا|حمل|حملوا|نزل|نزلوا) .*(قناتنا|تطبيق|النشره)"),  # subscribe / get the app
    re.compile(r"^يمكنكم .*(تطبيق|متابعتنا|الاشتراك|صفحتنا|حسابنا|قناتنا)"),  # "you can ... our app / page"
    re.compile(r"جميع الحقوق محفوظه|حقوق (النشر|الطبع) محفوظه|all rights reserved|©"),  # copyright notice
    # dateline alone, "CITY-AGENCY" ("موسكو-سانا"): one or two words, a dash, an agency
    re.compile(rf"^\(?[^\W\d_]+( [^\W\d_]+)? ?[-–—] ?({'|'.join(AGENCIES)})\)?$"),
)
BOILERPLATE_WORDS = 30

# View counter: a number alone ("44"). Counters and menu lines are dropped only next to the headline, among
# the title and the first TOP_LINES lines: further down, "2018" or "سوريا" alone is a section heading.
COUNTER = re.compile(r"^[\d٠-٩.,٫٬ ]+$")
TOP_LINES = 2

# A line that is only an e-mail address or a link; a line ending with ":" just before one introduces it.
CONTACT = re.compile(r"^([\w.+-]+@[\w-]+(\.[\w-]+)+|(https?://|www\.)\S+)$", re.IGNORECASE)

# "المصدر: روسيا اليوم": a source credit; its name becomes the article's source when that is unknown.
SOURCE_LINE = re.compile(r"^(المصدر|المصادر|مصدر الخبر) ?[:：] ?(?P<name>[^.،؟!:]{2,40})$")

# Sentence ends (a teaser headline has none).
SENTENCE_END = (".", "!", "؟", "?")
# A title ending with a full stop and of at least LEAD_WORDS words is the lead sentence, not a headline
# (headlines end without a stop, or with "؟" / "!"): it is kept as the first paragraph too.
LEAD_WORDS = 15

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_LETTER_FORMS = (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ٱ", "ا"), ("ى", "ي"), ("ة", "ه"))


def clean(article: Article) -> Article:
    """A copy of `article` with boilerplate paragraphs removed and a breadcrumb title replaced."""
    paragraphs = list(article.paragraphs)
    title = article.title
    while paragraphs and _is_furniture_title(title, paragraphs[0]):
        title = paragraphs.pop(0)
    kept: list[str] = []
    source = article.source
    teasers = False  # inside the teaser list after a bare "see also" label
    for i, p in enumerate(paragraphs):
        key = _lenient(p)
        see_also = SEE_ALSO.match(key) if _short(p) else None
        if see_also:
            teasers = not re.search(r"\w", key[see_also.end() :])  # a bare label: teasers follow
            continue
        teasers = teasers and _is_teaser(p)
        credit = SOURCE_LINE.match(p)
        if credit:
            source = source or credit["name"].strip()
        elif CONTACT.match(p):
            if kept and kept[-1].endswith(":") and _short(kept[-1]):
                kept.pop()  # "... يرجى ارسال رسالة الى:" introducing the address
        elif not (teasers or _is_boilerplate(p) or (i < TOP_LINES and _is_top_furniture(p))):
            kept.append(p)
    if _is_lead(title) and kept[:1] != [title]:
        kept.insert(0, title)
    return replace(article, title=title, paragraphs=tuple(kept), source=source)


def _is_furniture_title(title: str, following: str) -> bool:
    """A counter or boilerplate line, or a breadcrumb that a headline follows: not a one-word title
    ("مصر") over the body."""
    if COUNTER.match(title) or _is_boilerplate(title):
        return True
    return _is_menu(title) and _short(following) and not _ends_sentence(following)


def _is_lead(title: str) -> bool:
    """A title that is the lead sentence: ends with a full stop (not an ellipsis), LEAD_WORDS+ words."""
    return title.endswith(".") and not title.endswith(ELLIPSIS) and len(title.split()) >= LEAD_WORDS


def _ends_sentence(text: str) -> bool:
    """True when the text ends a sentence (closing quotes and brackets aside), not with an ellipsis."""
    end = text.rstrip("\"'”’»)] ")
    return end.endswith(SENTENCE_END) and not end.endswith(ELLIPSIS)


def _is_teaser(text: str) -> bool:
    """A teaser of another article: a short headline, or a snippet cut off with an ellipsis."""
    return _short(text) and (text.endswith(ELLIPSIS) or not (_ends_sentence(text) or text.endswith(":")))


def _lenient(text: str) -> str:
    """The form rules match on: no diacritics or tatweel, alef/yaa/teh-marbuta unified, lower case."""
    text = _DIACRITICS.sub("", text)
    for variant, letter in _LETTER_FORMS:
        text = text.replace(variant, letter)
    return text.lower()


def _short(text: str) -> bool:
    return len(text.split()) <= BOILERPLATE_WORDS


def _is_boilerplate(text: str) -> bool:
    """A short line that is furniture (its words only) or matches a boilerplate pattern."""
    if not _short(text):
        return False
    key = _lenient(text)
    return " ".join(re.findall(r"\w+", key)) in FURNITURE or any(p.search(key) for p in BOILERPLATE)


_MENU = frozenset(re.sub(r"\W", "", _lenient(w)) for w in MENU_WORDS)
_MENU_LONGEST = max(map(len, _MENU))


def _is_top_furniture(text: str) -> bool:
    """A view counter or a breadcrumb, the furniture found next to a headline."""
    return bool(COUNTER.match(text)) or _is_menu(text)


def _is_menu(text: str) -> bool:
    """True for a breadcrumb: a short line made only of menu words, spaced, separated or glued."""
    if len(text) > MENU_LINE_CHARS:
        return False
    glued = re.sub(r"[\W_]", "", _lenient(text))
    reach = [True] + [False] * len(glued)  # reach[i]: glued[:i] splits into menu words
    for end in range(1, len(glued) + 1):
        starts = range(max(0, end - _MENU_LONGEST), end)
        reach[end] = any(reach[s] and glued[s:end] in _MENU for s in starts)
    return bool(glued) and reach[-1]
