"""HTML of the chat messages: direction per message, bidi isolation, linked markers, sources cards.

Every message is one `<div class="isnad-msg" dir=... lang=...>` laid out by its own language. Inside
it, runs of the other script are isolated in `<bdi>` (Latin names inside Arabic, quoted Arabic inside
English), so mixed text reads naturally. Markers `[n]` become links to the card of the cited paragraph
(`#src-T-N`, T the answer's turn in the conversation); the card shows the paragraph with the quoted
span in `<mark>`. The checker's notes (why a sentence was removed or re-cited) are worded in the answer's
language from their codes (`rag.verify.explain`), article ids and numbers isolated left to right. The HTML
never contains a blank line, so the chat's Markdown leaves it untouched.

>>> answer_html("هُزم داعش [1]", "ar", turn=0, cited={1})  # doctest: +ELLIPSIS
'<div class="isnad-msg isnad-answer" dir="rtl" lang="ar"><p>هُزم داعش <a ... href="#src-0-1" ...>[1]</a></p></div>'
"""

from __future__ import annotations

import re
from html import escape

from rag import Answer, Citation, IngestReport
from rag.language import ARABIC_LETTERS, detect_language
from rag.store import ArticleInfo
from rag.verify import explain, recited_note

from .labels import label

# A run of Arabic script inside left-to-right text: from an Arabic letter up to (at most) the next Latin
# letter, line end or marker; trailing spaces and unbalanced brackets/quotes are trimmed off afterwards.
_ARABIC_RUN = re.compile(rf"[{ARABIC_LETTERS}][^A-Za-z\n\[\]]*")
# A run of Latin script inside right-to-left text (names, acronyms, English titles).
_LATIN_RUN = re.compile(r"[A-Za-z](?:[A-Za-z0-9 .,'’&/\-]*[A-Za-z0-9])?")
_MARKER = re.compile(r"\[(\d+)\]")
# The end of a left-to-right line that quotes an Arabic sentence: [“]ARABIC[”][ [n]...]
_EVIDENCE_TAIL = re.compile(rf"[“\"«]?([{ARABIC_LETTERS}][^A-Za-z\n\[\]]*?)[\s”\"»]*((?:\s*\[\d+\])*)\s*$")
EVIDENCE_MIN_WORDS = 3
_OPENERS, _CLOSERS = "(“«‹[{", ")”»›]}"
_QUOTE_PAIRS = {("“", "”"), ("«", "»"), ('"', '"'), ("‘", "’")}
_TRAILING_NEUTRAL = " \t:;,-–—"


def direction(lang: str) -> str:
    return "rtl" if lang == "ar" else "ltr"


def _trim_run(run: str) -> str:
    """Drop what ends a run but belongs to the surrounding text: spaces, unbalanced closers and openers."""
    while run:
        last = run[-1]
        if last in _TRAILING_NEUTRAL or last in _OPENERS:
            run = run[:-1]
        elif last in _CLOSERS:
            opener = _OPENERS[_CLOSERS.index(last)]
            if run.count(opener) >= run.count(last):
                break
            run = run[:-1]
        elif last == '"' and run.count('"') % 2:
            run = run[:-1]
        else:
            break
    return run


def isolate(text: str, lang: str) -> str:
    """Escaped `text` with the runs of the other script wrapped in `<bdi>` (an isolated direction).

    Quotation marks right around a run go inside its `<bdi>`, so they stay with the quoted text.
    """
    out, at = [], 0
    if lang == "ar":
        runs = ((m.start(), m.end(), "ltr") for m in _LATIN_RUN.finditer(text))
    else:
        runs = ((m.start(), m.start() + len(_trim_run(m.group())), "rtl") for m in _ARABIC_RUN.finditer(text))
    for start, end, dir_ in runs:
        if end <= start or start < at:
            continue
        if start > at and end < len(text) and (text[start - 1], text[end]) in _QUOTE_PAIRS:
            start, end = start - 1, end + 1
        out.append(escape(text[at:start], quote=False))
        lang_attr = "ar" if dir_ == "rtl" else "en"
        out.append(f'<bdi dir="{dir_}" lang="{lang_attr}">{escape(text[start:end], quote=False)}</bdi>')
        at = end
    out.append(escape(text[at:], quote=False))
    return "".join(out)


def source_id(turn: int, n: int) -> str:
    """The element id of the card of citation `n` of the answer at `turn`."""
    return f"src-{turn}-{n}"


def marker_html(n: int, turn: int) -> str:
    """Marker `[n]` as a link to its source card (the page script opens, scrolls to and highlights it)."""
    return f'<a class="isnad-marker" href="#{source_id(turn, n)}" dir="ltr">[{n}]</a>'


def _line_html(line: str, lang: str, turn: int, cited: set[int]) -> str:
    """One line of an answer. A left-to-right line ending with a quoted Arabic sentence (and its markers)
    shows that sentence as a right-to-left block, so a long quote never interleaves with the English frame.
    """
    if lang != "ar":
        m = _EVIDENCE_TAIL.search(line)
        if m and len(m.group(1).split()) >= EVIDENCE_MIN_WORDS:
            quote = _balanced(m.group(1))
            return (
                _inline_html(line[: m.start()], lang, turn, cited)
                + '<bdi class="isnad-evidence" dir="rtl" lang="ar">'
                + _inline_html(f"{quote} {m.group(2).strip()}".rstrip(), "ar", turn, cited)
                + "</bdi>"
            )
    return _inline_html(line, lang, turn, cited)


def _balanced(quote: str) -> str:
    """`quote` with an inner quotation closed again if trimming the outer quotation mark cut it."""
    for opener, closer in ("“”", "«»"):
        if quote.count(opener) > quote.count(closer):
            quote += closer
    return quote


def _inline_html(line: str, lang: str, turn: int, cited: set[int]) -> str:
    """Text with isolated runs of the other script and the markers of cited paragraphs as links."""
    out, at = [], 0
    for m in _MARKER.finditer(line):
        n = int(m.group(1))
        if n not in cited:
            continue
        out.append(isolate(line[at : m.start()], lang))
        out.append(marker_html(n, turn))
        at = m.end()
    out.append(isolate(line[at:], lang))
    return "".join(out)


def message_html(text: str, lang: str, kind: str = "question") -> str:
    """A plain message (a question, a notice) laid out by its language."""
    lines = "".join(f"<p>{isolate(line, lang)}</p>" for line in text.splitlines() if line.strip())
    return f'<div class="isnad-msg isnad-{kind}" dir="{direction(lang)}" lang="{lang}">{lines}</div>'


def answer_html(text: str, lang: str, turn: int, cited: set[int]) -> str:
    """The answer text (complete or, while streaming, a prefix of it) with linked markers."""
    lines = "".join(f"<p>{_line_html(line, lang, turn, cited)}</p>" for line in text.splitlines() if line.strip())
    return f'<div class="isnad-msg isnad-answer" dir="{direction(lang)}" lang="{lang}">{lines}</div>'


def refusal_html(answer: Answer) -> str:
    lang = answer.language
    return (
        f'<div class="isnad-msg isnad-refusal" dir="{direction(lang)}" lang="{lang}">'
        f"<p>{isolate(answer.text, lang)}</p>"
        f'<p class="isnad-hint">{escape(label(lang, "refusal_hint"), quote=False)}</p></div>'
    )


def dropped_html(answer: Answer) -> str:
    """The sentences of a generated reply that the support checker removed, each with its reason, in the
    answer's language (`rag.verify.explain`)."""
    lang = answer.language
    notes = [(d["sentence"], explain(d, lang, text=_note_text, value=_note_value)) for d in answer.dropped]
    return _checked_html(answer, "isnad-dropped", notes)


def recited_html(answer: Answer) -> str:
    """The sentences the support checker re-cited: the paragraph the model cited, and the marker they now
    carry, in the answer's language (`rag.verify.recited_note`)."""
    lang = answer.language
    notes = [(r["sentence"], recited_note(r, lang, text=_note_text, value=_note_value)) for r in answer.recited]
    return _checked_html(answer, "isnad-recited", notes)


def translation_html(answer: Answer) -> str:
    """The Arabic translation of the question that the language model made and retrieval used beside it."""
    text = escape(answer.translation, quote=False)
    return f'<div class="isnad-msg isnad-translation" dir="rtl" lang="ar"><p>{text}</p></div>'


def _note_text(text: str) -> str:
    return escape(text, quote=False)


def _note_value(value: str) -> str:
    """An article id, a paragraph number or a marker in a checker's note: isolated, left to right."""
    return f'<bdi class="isnad-note-value" dir="ltr">{escape(value, quote=False)}</bdi>'


def _checked_html(answer: Answer, kind: str, notes: list[tuple[str, str]]) -> str:
    """Sentences (each isolated in its own direction) with the checker's notes (HTML) in the answer's language."""
    lang = answer.language
    items = "".join(
        f'<li><bdi dir="auto">{escape(sentence, quote=False)}</bdi>'
        f'<span class="isnad-checker-note" dir="{direction(lang)}" lang="{lang}"> — {note}</span></li>'
        for sentence, note in notes
    )
    return f'<div class="isnad-msg {kind}" dir="{direction(lang)}" lang="{lang}"><ul>{items}</ul></div>'


def error_html(message: str, lang: str, detail: str = "") -> str:
    """A readable error: what happened and what to do, plus the library's own message if any."""
    detail_html = f'<p class="isnad-error-detail" dir="auto">{escape(detail[:400], quote=False)}</p>' if detail else ""
    return (
        f'<div class="isnad-msg isnad-error" dir="{direction(lang)}" lang="{lang}" role="alert">'
        f"<p>⚠ {escape(message, quote=False)}</p>{detail_html}</div>"
    )


def highlighted(text: str, quote: str, lang: str) -> str:
    """The paragraph with its quoted span in `<mark>` (the quote is a substring of the paragraph)."""
    at = text.find(quote) if quote else -1
    if at < 0:
        return isolate(text, lang)
    end = at + len(quote)
    return (
        f'{isolate(text[:at], lang)}<mark class="isnad-quote">{isolate(quote, lang)}</mark>{isolate(text[end:], lang)}'
    )


def source_card(c: Citation, lang: str, turn: int) -> str:
    """One cited paragraph: title, paragraph number, date, source and article id, then the paragraph
    with the quoted span in `<mark>`. The header is in the answer's language; the paragraph keeps its own.
    """
    text_lang = "ar" if _is_arabic(c.text) else "en"
    title_lang = "ar" if _is_arabic(c.title) else "en"
    meta = [escape(label(lang, "paragraph", n=c.paragraph), quote=False)]
    meta += [f"<bdi>{escape(value, quote=False)}</bdi>" for value in (c.date, c.source) if value]
    meta.append(f'<bdi class="isnad-doc-id" dir="ltr">{escape(c.doc_id, quote=False)}</bdi>')
    link = (
        f' <a class="isnad-url" href="{escape(c.url)}" target="_blank" rel="noopener noreferrer">↗</a>'
        if c.url.startswith(("http://", "https://"))
        else ""
    )
    return (
        f'<details class="isnad-source" id="{source_id(turn, c.n)}" open>'
        f'<summary dir="{direction(lang)}"><span class="isnad-source-n" dir="ltr">[{c.n}]</span> '
        f'<bdi class="isnad-source-title" dir="{direction(title_lang)}" lang="{title_lang}">'
        f"{escape(c.title or c.doc_id, quote=False)}</bdi>{link}"
        f'<span class="isnad-source-meta">{" · ".join(meta)}</span></summary>'
        f'<p class="isnad-source-text" dir="{direction(text_lang)}" lang="{text_lang}">'
        f"{highlighted(c.text, c.quote, text_lang)}</p></details>"
    )


def sources_html(answer: Answer, turn: int) -> str:
    """The sources panel of an answer: one card per cited paragraph, in marker order."""
    cards = "".join(source_card(c, answer.language, turn) for c in answer.citations)
    return f'<div class="isnad-sources" dir="{direction(answer.language)}" lang="{answer.language}">{cards}</div>'


def _is_arabic(text: str) -> bool:
    return detect_language(text) == "ar"


def notice_html(message: str, lang: str) -> str:
    return f'<div class="isnad-notice" dir="{direction(lang)}" lang="{lang}">{escape(message, quote=False)}</div>'


def ingest_summary_html(report: IngestReport, skipped: list[tuple[str, str]], lang: str) -> str:
    """What an ingestion did, in `lang`; `skipped` lists (file or record, reason)."""
    done = label(
        lang,
        "ingest_done",
        articles=report.articles,
        paragraphs=report.paragraphs,
        chunks=report.chunks,
        seconds=report.seconds,
        unchanged=report.unchanged,
        replaced=report.replaced,
    )
    parts = [f'<p class="isnad-ingest-done">✓ {escape(done, quote=False)}</p>']
    if skipped:
        items = "".join(
            f'<li><bdi class="isnad-file" dir="ltr">{escape(where, quote=False)}</bdi>: '
            f'<bdi dir="auto">{escape(why, quote=False)}</bdi></li>'
            for where, why in skipped
        )
        head = escape(label(lang, "ingest_skipped", n=len(skipped)), quote=False)
        parts.append(f'<p class="isnad-ingest-skipped">⚠ {head}</p><ul class="isnad-skipped">{items}</ul>')
    return f'<div class="isnad-ingest" dir="{direction(lang)}" lang="{lang}">{"".join(parts)}</div>'


def articles_html(articles: list[ArticleInfo], lang: str) -> str:
    """The indexed articles as a table (title, paragraphs, source, date), headed by their counts."""
    counts = label(lang, "index_counts", articles=len(articles), paragraphs=sum(a.paragraphs for a in articles))
    head = "".join(
        f"<th>{escape(label(lang, key), quote=False)}</th>"
        for key in ("col_title", "col_paragraphs", "col_source", "col_date")
    )
    rows = "".join(
        f'<tr><td dir="auto" title="{escape(a.doc_id)}">{escape(a.title or a.doc_id, quote=False)}</td>'
        f'<td class="isnad-num">{a.paragraphs}</td>'
        f'<td dir="auto">{escape(a.source, quote=False)}</td>'
        f'<td dir="auto">{escape(a.date, quote=False)}</td></tr>'
        for a in articles
    )
    return (
        f'<div class="isnad-index" dir="{direction(lang)}" lang="{lang}">'
        f'<p class="isnad-counts"><strong>{escape(label(lang, "articles"), quote=False)}</strong> '
        f"<span>({escape(counts, quote=False)})</span></p>"
        f'<div class="isnad-table-wrap"><table class="isnad-articles"><thead><tr>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table></div></div>"
    )
