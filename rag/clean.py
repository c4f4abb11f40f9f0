"""Remove site boilerplate from raw articles, keeping every sentence of the body.

    article = clean(raw)   # raw from rag.load.read_articles

The rules are pattern lists below, matched on a lenient form of each line (diacritics and tatweel
removed, alef/yaa/teh-marbuta variants unified, lower case). Only short lines are ever dropped one by
one; the one rule that drops a run of lines is a "see also" line, which cuts it and the teasers after it.
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
SEE_ALSO = re.compile(r"^(انظر|اقرا|شاهد|طالع) (ايضا|كذلك)|^(مواضيع|اخبار|مقالات) (ذات صله|متعلقه)|^اقرا المزيد")
ELLIPSIS = ("…", "...")

# Short lines that are site furniture wherever they appear (matched on the line's words only):
# comment prompts, share buttons and bare agency sign-offs such as "(وكالات)".
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
        "وكالات",
        "وكالات الانباء",
        "رويترز",
        "ا ف ب",
        "فرانس برس",
        "د ب ا",
        "الاناضول",
        "سانا",
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
    # dateline alone, "CITY-AGENCY" ("موسكو-سانا"): one or two words each side of a dash
    re.compile(r"^\(?[^\W\d_]+( [^\W\d_]+)? ?[-–—] ?[^\W\d_]+( [^\W\d_]+)?\)?$"),
)
BOILERPLATE_WORDS = 30

# View counter: a number alone ("44") next to the headline, i.e. among the first COUNTER_LINES lines.
# Further down, a number alone is usually a timeline heading ("2018") and is kept.
COUNTER = re.compile(r"^[\d٠-٩.,٫٬ ]+$")
COUNTER_LINES = 2

# A line that is only an e-mail address or a link; a line ending with ":" just before one introduces it.
CONTACT = re.compile(r"^([\w.+-]+@[\w-]+(\.[\w-]+)+|(https?://|www\.)\S+)$", re.IGNORECASE)

# "المصدر: روسيا اليوم": a source credit; its name becomes the article's source when that is unknown.
SOURCE_LINE = re.compile(r"^(المصدر|المصادر|مصدر الخبر) ?[:：] ?(?P<name>[^.،؟!:]{2,40})$")

# Sentence ends. A title that ends a sentence and has at least LEAD_WORDS words is really the lead sentence.
SENTENCE_END = (".", "!", "؟", "?", ":")
LEAD_WORDS = 15

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_LETTER_FORMS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})


def clean(article: Article) -> Article:
    """A copy of `article` with boilerplate paragraphs removed and a breadcrumb title replaced."""
    paragraphs = list(article.paragraphs)
    title = article.title
    while paragraphs and (_is_menu(title) or _is_boilerplate(title) or COUNTER.match(title)):
        title = paragraphs.pop(0)
    kept: list[str] = []
    source = article.source
    teasers = False  # inside the teaser list after a bare "see also" label
    for i, p in enumerate(paragraphs):
        see_also = SEE_ALSO.match(_lenient(p)) if _short(p) else None
        if see_also:
            teasers = not re.search(r"\w", _lenient(p)[see_also.end() :])
            continue
        teasers = teasers and _short(p) and (p.endswith(ELLIPSIS) or not _ends_sentence(p))
        credit = SOURCE_LINE.match(p)
        if credit:
            source = source or credit["name"].strip()
        elif CONTACT.match(p):
            if kept and kept[-1].endswith(":") and _short(kept[-1]):
                kept.pop()  # "... يرجى ارسال رسالة الى:" introducing the address
        elif not (teasers or _is_menu(p) or _is_boilerplate(p) or (i < COUNTER_LINES and COUNTER.match(p))):
            kept.append(p)
    if _ends_sentence(title) and len(title.split()) >= LEAD_WORDS and (not kept or kept[0] != title):
        kept.insert(0, title)
    return replace(article, title=title, paragraphs=tuple(kept), source=source)


def _ends_sentence(text: str) -> bool:
    """True when the text ends a sentence (closing quotes and brackets aside), not with an ellipsis."""
    end = text.rstrip("\"'”’»)] ")
    return end.endswith(SENTENCE_END) and not end.endswith(ELLIPSIS)


def _lenient(text: str) -> str:
    """The form rules match on: no diacritics or tatweel, alef/yaa/teh-marbuta unified, lower case."""
    return _DIACRITICS.sub("", text).translate(_LETTER_FORMS).lower()


def _words(text: str) -> str:
    """The lenient form's words only, one space apart (punctuation and brackets dropped)."""
    return " ".join(re.findall(r"\w+", _lenient(text)))


def _short(text: str) -> bool:
    return len(text.split()) <= BOILERPLATE_WORDS


def _is_boilerplate(text: str) -> bool:
    """A short furniture line, or one matching a boilerplate pattern."""
    if not _short(text):
        return False
    words = _words(text)
    return words in FURNITURE or any(p.search(_lenient(text)) for p in BOILERPLATE)


_MENU = frozenset(re.sub(r"\W", "", _lenient(w)) for w in MENU_WORDS)
_MENU_LONGEST = max(map(len, _MENU))


def _is_menu(text: str) -> bool:
    """True for a breadcrumb: a short line made only of menu words, spaced, separated or glued."""
    glued = re.sub(r"[\W_]", "", _lenient(text))
    if not glued or len(text) > MENU_LINE_CHARS:
        return False
    reach = [True] + [False] * len(glued)  # reach[i]: glued[:i] splits into menu words
    for end in range(1, len(glued) + 1):
        starts = range(max(0, end - _MENU_LONGEST), end)
        reach[end] = any(reach[s] and glued[s:end] in _MENU for s in starts)
    return reach[-1]
