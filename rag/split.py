"""Articles into numbered paragraphs, paragraphs into sentences and embedder-sized chunks.

A chunk never crosses a paragraph; its size is counted in the embedding model's own tokens.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .schema import Article, Chunk, Paragraph

# A sentence ends at . ! ? or Arabic ؟ ؛ (plus closing quotes/brackets), before white space.
_CLOSERS = r"""["'”»)\]]*"""
_SENTENCE_END = re.compile(rf"[.!?؟؛…]+{_CLOSERS}(?=\s)")
_QUESTION_END = re.compile(rf"[?؟]+{_CLOSERS}$")
QUOTABLE_WORDS = 4  # shorter "sentences" (subheadings, fragments) are never quoted or scored alone


def paragraphs(article: Article) -> list[Paragraph]:
    """The article's paragraphs, numbered from 1 in reading order."""
    return [
        Paragraph(doc_id=article.doc_id, title=article.title, paragraph=i, text=text)
        for i, text in enumerate(article.paragraphs, start=1)
    ]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of `text` (stripped of surrounding white space)."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def quotable_spans(text: str) -> list[tuple[int, int]]:
    """The sentence spans of `text` long enough to quote (QUOTABLE_WORDS words or more)."""
    return [(s, e) for s, e in sentence_spans(text) if len(text[s:e].split()) >= QUOTABLE_WORDS]


def stated_spans(text: str) -> list[tuple[int, int]]:
    """The quotable sentence spans of `text` that state something: a question the article asks ("فمن هو
    برنارد لويس؟", a columnist's "هل نجح ...؟") answers nothing, however close it is to a user's question."""
    return [(s, e) for s, e in quotable_spans(text) if not _QUESTION_END.search(text[s:e])]


def chunks(paragraph: Paragraph, count_tokens: Callable[[str], int], max_tokens: int) -> list[Chunk]:
    """Whole sentences packed greedily into chunks of at most `max_tokens` tokens.

    A single sentence longer than `max_tokens` is cut at word boundaries.
    """
    pieces: list[tuple[int, int]] = []
    for s, e in sentence_spans(paragraph.text):
        pieces.extend(_cut_long(paragraph.text, s, e, count_tokens, max_tokens))
    spans: list[tuple[int, int]] = []
    for s, e in pieces:
        if spans and count_tokens(paragraph.text[spans[-1][0] : e]) <= max_tokens:
            spans[-1] = (spans[-1][0], e)
        else:
            spans.append((s, e))
    return [
        Chunk(
            id=f"{paragraph.doc_id}:{paragraph.paragraph}:{i}",
            doc_id=paragraph.doc_id,
            title=paragraph.title,
            paragraph=paragraph.paragraph,
            text=paragraph.text[s:e],
            start=s,
            end=e,
        )
        for i, (s, e) in enumerate(spans)
    ]


def _cut_long(text: str, s: int, e: int, count_tokens: Callable[[str], int], max_tokens: int):
    """Split text[s:e] at spaces into pieces that each fit `max_tokens` (a too-long word stands alone)."""
    if count_tokens(text[s:e]) <= max_tokens:
        return [(s, e)]
    out: list[tuple[int, int]] = []
    start = end = None
    for m in re.finditer(r"\S+", text[s:e]):
        w_start, w_end = s + m.start(), s + m.end()
        if start is not None and count_tokens(text[start:w_end]) <= max_tokens:
            end = w_end
            continue
        if start is not None:
            out.append((start, end))
        start, end = w_start, w_end
    if start is not None:
        out.append((start, end))
    return out
