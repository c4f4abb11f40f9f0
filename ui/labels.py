"""What the chat says, in Arabic and English: interface labels, status lines and error messages.

Interface labels follow the language switch (or, on "auto", the language of the last question);
the messages about one question (its answer, refusal or error) follow that question's language.
"""

from __future__ import annotations

LANGUAGES = ("ar", "en")

# The language switch: "auto" follows the language of each question.
LANGUAGE_CHOICES = [("تلقائي · Auto", "auto"), ("العربية", "ar"), ("English", "en")]

LABELS: dict[str, dict[str, str]] = {
    "ar": {
        "tagline": "إجابات موثّقة من الأخبار العربية: كل جملة تشير إلى الفقرة التي وردت فيها.",
        "language": "لغة الواجهة",
        "question": "سؤالك",
        "placeholder": "اكتب سؤالك بالعربية أو بالإنجليزية…",
        "ask": "إرسال",
        "new": "محادثة جديدة",
        "settings": "الإعدادات",
        "index": "الفهرس",
        "top_k": "عدد المصادر",
        "top_k_info": "عدد الفقرات التي تُستخرج منها الإجابة",
        "generator": "المولِّد",
        "generator_info": "الاستخراجي يقتبس الجمل من المصادر حرفيًا؛ النموذج اللغوي يكتب الإجابة وتُدقَّق كل جملة منها",
        "removed": "جمل حذفها المدقق ({n})",
        "recited": "جمل نسبها المدقق إلى مصدر آخر ({n})",
        "translated": "بُحث أيضًا بالسؤال مترجمًا إلى العربية",
        "err_generator": "تعذّر الوصول إلى النموذج اللغوي المختار. شغّل خادمه أو اختر «extractive».",
        "upload": "إضافة مقالات (txt، md، html، json، jsonl)",
        "articles": "المقالات المفهرسة",
        "col_title": "العنوان",
        "col_paragraphs": "الفقرات",
        "col_source": "المصدر",
        "col_date": "التاريخ",
        "index_counts": "عدد المقالات {articles} · عدد الفقرات {paragraphs}",
        "thinking": "أبحث في المصادر…",
        "sources": "المصادر ({n})",
        "paragraph": "الفقرة {n}",
        "refusal_hint": "جرّب صياغة أخرى، أو أضف مقالات من تبويب «الفهرس».",
        "ingesting": "فهرسة المقالات",
        "ingest_done": "المقالات المضافة: {articles} (الفقرات: {paragraphs}، المقاطع: {chunks}) في {seconds:.1f} ث؛ "
        "دون تغيير: {unchanged}، مستبدلة: {replaced}.",
        "ingest_skipped": "ملفات أو سجلات متروكة: {n}",
        "ingest_none": "لم تُختر ملفات.",
        "err_empty": "السؤال فارغ. اكتب سؤالًا ثم أرسله.",
        "err_too_long": "السؤال طويل جدًا ({length} حرفًا؛ الحد {limit}). اختصره ثم أعد المحاولة.",
        "err_no_words": "لا يحوي السؤال كلمة يُبحث عنها. اذكر الشخص أو المكان أو الحدث الذي تسأل عنه.",
        "err_index_empty": "الفهرس فارغ: أضف مقالات من تبويب «الفهرس» أولًا.",
        "err_store": "تعذّر الوصول إلى خادم Chroma الذي يحفظ متجهات الفهرس. شغّله ثم أعد المحاولة.",
        "err_model": "هذا الفهرس بُني بنموذج تضمين آخر؛ استخدم النموذج نفسه أو فهرسًا آخر.",
        "err_embedder": "تعذّر حساب التضمين: خادم التضمين لا يستجيب. شغّله ثم أعد المحاولة.",
        "err_busy": "تجري فهرسة أخرى الآن؛ أعد المحاولة بعد انتهائها.",
        "upload_type": "نوع الملف غير مقبول (المقبول: {types})",
        "upload_size": "الملف أكبر من {limit} ميغابايت",
        "err_other": "حدث خطأ غير متوقع أثناء المعالجة؛ التفاصيل في سجل الخادم.",
    },
    "en": {
        "tagline": "Grounded answers from Arabic news: every sentence points to the paragraph it comes from.",
        "language": "Interface language",
        "question": "Your question",
        "placeholder": "Ask in Arabic or English…",
        "ask": "Ask",
        "new": "New conversation",
        "settings": "Settings",
        "index": "Index",
        "top_k": "Number of sources",
        "top_k_info": "paragraphs the answer is drawn from",
        "generator": "Generator",
        "generator_info": "extractive quotes the sources verbatim; a language model writes the answer, "
        "and every sentence is checked against its source",
        "removed": "Removed by the checker ({n})",
        "recited": "Re-cited by the checker ({n})",
        "translated": "Also searched in Arabic as",
        "err_generator": "The chosen language model cannot be reached. Start its server or choose extractive.",
        "upload": "Add articles (.txt .md .html .json .jsonl)",
        "articles": "Indexed articles",
        "col_title": "Title",
        "col_paragraphs": "Paragraphs",
        "col_source": "Source",
        "col_date": "Date",
        "index_counts": "{articles} articles, {paragraphs} paragraphs",
        "thinking": "Searching the sources…",
        "sources": "Sources ({n})",
        "paragraph": "paragraph {n}",
        "refusal_hint": "Try rephrasing, or add articles in the Index tab.",
        "ingesting": "Indexing articles",
        "ingest_done": "{articles} articles added ({paragraphs} paragraphs, {chunks} chunks) in {seconds:.1f}s; "
        "{unchanged} unchanged, {replaced} replaced.",
        "ingest_skipped": "{n} files or records skipped:",
        "ingest_none": "No files were chosen.",
        "err_empty": "The question is empty. Type a question, then send it.",
        "err_too_long": "The question is too long ({length} characters; at most {limit}). Please shorten it.",
        "err_no_words": "The question has no word to search for. Name the person, place or event you are asking about.",
        "err_index_empty": "The index is empty: add articles in the Index tab first.",
        "err_store": "The Chroma server that holds the index vectors cannot be reached. Start it and try again.",
        "err_model": "This index was built with another embedding model; use the same model or another index.",
        "err_embedder": "The question could not be embedded: the embedding server does not respond. "
        "Start it and try again.",
        "err_busy": "Another ingestion is running; try again when it has finished.",
        "upload_type": "file type not accepted (accepted: {types})",
        "upload_size": "the file is larger than {limit} MB",
        "err_other": "Something went wrong while answering; the details are in the server log.",
    },
}

# Example questions about the seed articles, shown on the empty chat.
EXAMPLES = [
    "كم عدد الدول المشاركة في مؤتمر موسكو السابع للأمن الدولي؟",
    "How many ISIS fighters are in Afghanistan according to Shoigu?",
    "ماذا قال لافروف عن استخدام الإرهابيين كأداة؟",
    "What did Antonov say about coordination with the Syrian army?",
]

PLACEHOLDER = (
    '<div class="isnad-placeholder">'
    '<p dir="rtl" lang="ar">اسأل عن الأخبار المفهرسة بالعربية أو بالإنجليزية؛ كل إجابة تشير إلى فقرتها في المصدر.</p>'
    '<p dir="ltr" lang="en">Ask about the indexed news in Arabic or English; every answer cites its paragraph.</p>'
    "</div>"
)


def label(lang: str, key: str, **values) -> str:
    """The text `key` in `lang` ("ar" or "en"), formatted with `values`."""
    text = LABELS[lang if lang in LABELS else "en"][key]
    return text.format(**values) if values else text
