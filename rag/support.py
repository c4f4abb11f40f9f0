"""Does a paragraph support a sentence? One offline checker for answers and for the evaluation.

>>> from rag.embed import load_embedder
>>> checker = SupportChecker(load_embedder())  # doctest: +SKIP
>>> checker.check("أكد شويغو أن هناك 4500 عنصر لداعش في أفغانستان [1]", [paragraph])  # doctest: +SKIP
Support(supported=True, lexical=1.0, dense=None, reason='lexical')

Two signals, no language model:

- `lexical`: the (weighted) share of the sentence's content terms (`rag.normalize.terms`: normalized,
  light-stemmed, stop words dropped; citation markers `[n]` and English frame words such as "according"
  removed) that occur in the paragraphs.
- `dense`: the best cosine similarity between the sentence (embedded as a query) and each paragraph
  (embedded as passages), so an English sentence can be checked against an Arabic paragraph.

The rule: a sentence is supported when `lexical >= LEXICAL_MIN`, or, for sentences with few Arabic
terms (English claims), when `dense >= DENSE_MIN`. A sentence that quotes Arabic inside a non-Arabic
frame (the extractive answerer's `According to “TITLE” (paragraph 3): “QUOTE” [1]`) is judged by its
quotes: it is supported when every quote occurs verbatim (after normalization) in a paragraph. In all
cases every number the sentence states must occur in the paragraphs: a wrong figure is never supported.

The thresholds were calibrated by `eval/calibrate_support.py` on the seed set and ARCD; see eval/README.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .embed import CachedEmbedder, Embedder
from .language import ARABIC_LETTER as _ARABIC
from .normalize import normalize, terms, words

# Calibrated with eval/calibrate_support.py (see eval/README.md, "The support checker").
LEXICAL_MIN = 0.55
DENSE_MIN = 0.86
ARABIC_SHARE_MAX = 0.5  # sentences whose content terms are less than half Arabic are judged by `dense`

MARKER = re.compile(r"\s*\[\d+(?:\s*[,،]\s*\d+)*\]")
# A source reference of a framed answer: “TITLE” (paragraph 3) / «TITLE» (الفقرة 3).
_SOURCE_REF = re.compile(
    r"(?:“.*?”|«.*?»|\".*?\")?\s*\(\s*(?:paragraph|para\.?|¶|الفقرة|فقرة)\s*\d+\s*\)", re.IGNORECASE
)
_NUMBER = re.compile(r"\d+(?:[.,٫٬]\d+)*")
_ELLIPSIS = re.compile(r"\.\.\.+|…")

# English words that frame a claim without being part of it (stop words are already dropped by `terms`).
FRAME_WORDS = frozenset(
    """
    according paragraph paragraphs article articles source sources report reports reported reporting
    states stated state says noted notes note added adds quoted quote quotes quoting writes wrote written
    mentions mentioned mention text per also there has have had been being not they he she we you their
    his her our these those such some any all more most other then so but if because while only very can
    could will would should may might must no yes cited cites citing see
    """.split()
)

_OPEN_CLOSE = {"“": "”", "«": "»", "„": "“"}
_CLOSERS = frozenset(_OPEN_CLOSE.values())
_THOUSANDS = {"000": re.compile(r"\b(?:[وبل]?ال)?(?:الف|الاف|الفا)\b"), "000000": re.compile(r"مليون|ملايين")}


@dataclass(frozen=True)
class Support:
    """The verdict on one sentence: `supported`, and the two signals it was decided from.

    `dense` is None when the verdict did not need the embeddings (see `SupportChecker`). `reason` says
    which rule accepted the sentence: "lexical", "dense" or "quote"; "number" when it was rejected because
    a figure it states is missing from the paragraphs; "" otherwise.
    """

    supported: bool
    lexical: float
    dense: float | None
    reason: str = ""


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Character spans (inside the quote marks) of the outermost quotations: “…”, «…», "…".

    Quotations nest; a closing mark of an outer quotation also closes an unbalanced inner one.
    """
    spans: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(text):
        if stack and ch == stack[-1][0]:
            _, start = stack.pop()
        elif ch in _CLOSERS and any(close == ch for close, _ in stack):
            while stack[-1][0] != ch:
                stack.pop()
            _, start = stack.pop()
        elif ch in _OPEN_CLOSE or ch == '"':
            stack.append((_OPEN_CLOSE.get(ch, '"'), i + 1))
            continue
        else:
            continue
        if not stack:
            spans.append((start, i))
    return spans


def numbers(text: str) -> set[str]:
    """The figures in `text` (ASCII digits after normalization; thousands separators dropped)."""
    out = set()
    for m in _NUMBER.finditer(normalize(text)):
        n = re.sub(r"(?<=\d)[,٬](?=\d{3}(?!\d))", "", m.group())
        out.add(n.replace("٫", "."))
    return out


def figures_found(sentence: str, paragraphs: list[str]) -> bool:
    """Whether every figure of the sentence is in the paragraphs; "5,000" also matches Arabic "5 آلاف"
    (a figure in thousands or millions written with the word)."""
    found = {n for p in paragraphs for n in numbers(p)}
    missing = numbers(sentence) - found
    if not missing:
        return True
    text = normalize(" ".join(paragraphs))
    for n in missing:
        for zeros, word in _THOUSANDS.items():
            if n.endswith(zeros) and n[: -len(zeros)] in found and word.search(text):
                break
        else:
            return False
    return True


def claim_text(sentence: str) -> str:
    """The sentence without citation markers and without framed source references."""
    return " ".join(_SOURCE_REF.sub(" ", MARKER.sub("", sentence)).split())


def content_terms(text: str) -> list[str]:
    """The terms a claim is checked on: `terms(text)` without English frame words, in order, unique."""
    return list(dict.fromkeys(t for t in terms(text) if t not in FRAME_WORDS))


def is_arabic_term(term: str) -> bool:
    return bool(_ARABIC.search(term))


class SupportChecker:
    """Decide whether paragraphs support a sentence (see the module doc for the rule).

    `weights(terms)` gives each term its importance (e.g. `index.catalog.term_weights`, BM25's IDF);
    without it every term weighs the same. `dense` is computed only when the verdict needs it (a claim
    with few Arabic terms that the lexical rule does not accept), else it is None; `always_dense=True`
    computes it for every check. Embeddings are cached, so checking many sentences against the same
    paragraphs embeds each paragraph once.
    """

    def __init__(
        self,
        embedder: Embedder,
        weights: Callable[[list[str]], dict[str, float]] | None = None,
        *,
        lexical_min: float = LEXICAL_MIN,
        dense_min: float = DENSE_MIN,
        arabic_share_max: float = ARABIC_SHARE_MAX,
        always_dense: bool = False,
        cache_size: int = 4096,
    ):
        self.embedder = embedder
        self.weights = weights
        self.lexical_min = lexical_min
        self.dense_min = dense_min
        self.arabic_share_max = arabic_share_max
        self.always_dense = always_dense
        self._vectors = CachedEmbedder(embedder, size=cache_size)

    def check(self, sentence: str, paragraphs: list[str]) -> Support:
        """Whether `paragraphs` (together) support `sentence`."""
        claim = claim_text(sentence)
        paragraphs = [p for p in paragraphs if p and p.strip()]
        if not claim or not paragraphs:
            return Support(False, 0.0, None)
        para_terms = {t for p in paragraphs for t in terms(p)}
        numbers_ok = figures_found(claim, paragraphs)

        def verdict(ok: bool, lexical: float, reason: str, dense: float | None = None) -> Support:
            if dense is None and self.always_dense:
                dense = self.dense(claim, paragraphs)
            return Support(ok, lexical, dense, reason if ok or reason == "number" else "")

        quotes = [claim[s:e] for s, e in quoted_spans(claim) if _ARABIC.search(claim[s:e])]
        if quotes and not any(is_arabic_term(t) for t in content_terms(_outside(claim))):
            # Arabic quoted inside a non-Arabic frame: the quotes are the claim.
            lexical = self._share(content_terms(" ".join(quotes)), para_terms)
            if not numbers_ok:
                return verdict(False, lexical, "number")
            if all(_verbatim(q, paragraphs) for q in quotes):
                return verdict(True, lexical, "quote")
            return verdict(lexical >= self.lexical_min, lexical, "lexical")

        found = content_terms(claim)
        lexical = self._share(found, para_terms)
        if not numbers_ok:
            return verdict(False, lexical, "number")
        if found and lexical >= self.lexical_min:
            return verdict(True, lexical, "lexical")
        if not found or sum(map(is_arabic_term, found)) / len(found) >= self.arabic_share_max:
            return verdict(False, lexical, "")
        dense = self.dense(claim, paragraphs)  # an English claim: only the embeddings can tell
        return verdict(dense >= self.dense_min, lexical, "dense", dense)

    def dense(self, sentence: str, paragraphs: list[str]) -> float:
        """Best cosine similarity between the sentence (as a query) and each paragraph (as a passage)."""
        q = self._vectors.embed_query(sentence)
        return float(np.max(self._vectors.embed_passages(paragraphs) @ q))

    def lexical(self, sentence: str, paragraphs: list[str]) -> float:
        """Weighted share of the sentence's content terms found in the paragraphs."""
        return self._share(content_terms(claim_text(sentence)), {t for p in paragraphs for t in terms(p)})

    def _share(self, claim_terms: list[str], para_terms: set[str]) -> float:
        if not claim_terms:
            return 0.0
        w = self.weights(claim_terms) if self.weights else {}
        total = sum(w.get(t, 1.0) for t in claim_terms)
        found = sum(w.get(t, 1.0) for t in claim_terms if t in para_terms)
        return round(found / total, 4) if total else 0.0


def _outside(text: str) -> str:
    """The text outside its quotations."""
    out, at = [], 0
    for s, e in quoted_spans(text):
        out.append(text[at : max(at, s - 1)])
        at = e + 1
    out.append(text[at:])
    return " ".join(out)


def _verbatim(quote: str, paragraphs: list[str]) -> bool:
    """True when each part of the quote (split at ellipses) occurs, as whole words, in one paragraph."""
    parts = [words(p) for p in _ELLIPSIS.split(quote)]
    parts = [p for p in parts if p]
    if not parts:
        return False
    for paragraph in paragraphs:
        hay = " " + " ".join(words(paragraph)) + " "
        if all(" " + " ".join(p) + " " in hay for p in parts):
            return True
    return False
