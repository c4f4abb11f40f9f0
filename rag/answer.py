"""The default answerer: extractive, grounded by construction.

It scores every sentence of the retrieved paragraphs against the question (dense similarity + coverage of
the question's weighted terms in the sentence and in its paragraph), refuses when no sentence is
supported well enough, and otherwise quotes the best sentences, one citation `[n]` per cited paragraph.
Arabic questions get the Arabic sentences themselves; English questions get a short English frame
around the quoted Arabic (never a made-up translation).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .embed import Embedder
from .language import REFUSAL, detect_language
from .normalize import terms
from .schema import Answer, Citation, Hit
from .split import sentence_spans

MAX_SENTENCES = 3
MIN_WORDS = 4  # shorter "sentences" (subheadings, fragments) are never quoted alone

# Calibrated on eval/seed_set.jsonl and ARCD (see bench/answer_calibration.py); a sentence is
# evidence when its support score reaches SUPPORT_MIN.
SUPPORT_MIN = 0.62
KEEP_WITHIN = 0.06  # further sentences must score within this margin of the best one
W_DENSE, W_SENTENCE_TERMS, W_PARAGRAPH_TERMS, W_TYPE = 1.0, 0.25, 0.15, 0.05

_NUMBER_QUESTION = re.compile(r"\b(how many|how much|what number|what percentage)\b|(^|\s)كم(\s|$)", re.I)
_DIGIT = re.compile(r"\d|ألف|آلاف|مئات|عشرات|مليون")


@dataclass
class Evidence:
    """A candidate sentence of a retrieved paragraph, with how well it answers the question."""

    hit: Hit
    start: int
    end: int
    dense: float
    sentence_terms: float
    paragraph_terms: float
    score: float

    @property
    def text(self) -> str:
        return self.hit.text[self.start : self.end]


class ExtractiveAnswerer:
    """Select, cite or refuse.

    `weights(terms)` gives each question term its importance (IDF in the index).
    """

    def __init__(self, embedder: Embedder, weights: Callable[[list[str]], dict[str, float]]):
        self.embedder = embedder
        self.weights = weights

    def evidence(self, question: str, hits: list[Hit]) -> list[Evidence]:
        """Every quotable sentence of `hits`, best first."""
        spans = [
            (hit, s, e)
            for hit in hits
            for s, e in sentence_spans(hit.text)
            if len(hit.text[s:e].split()) >= MIN_WORDS
        ]
        if not spans:
            return []
        q_vec = self.embedder.embed_query(question)
        s_vecs = self.embedder.embed_passages([hit.text[s:e] for hit, s, e in spans])
        dense = s_vecs @ q_vec
        q_terms = list(dict.fromkeys(terms(question)))
        w = self.weights(q_terms)
        total = sum(w.values()) or 1.0
        wants_number = bool(_NUMBER_QUESTION.search(question))
        out = []
        for (hit, s, e), d in zip(spans, dense, strict=True):
            sent_terms = set(terms(hit.text[s:e]))
            para_terms = set(terms(hit.text)) | set(terms(hit.title))
            cov_s = sum(w[t] for t in q_terms if t in sent_terms) / total
            cov_p = sum(w[t] for t in q_terms if t in para_terms) / total
            typed = 1.0 if wants_number and _DIGIT.search(hit.text[s:e]) else 0.0
            score = W_DENSE * float(d) + W_SENTENCE_TERMS * cov_s + W_PARAGRAPH_TERMS * cov_p + W_TYPE * typed
            out.append(Evidence(hit, s, e, float(d), cov_s, cov_p, score))
        return sorted(out, key=lambda ev: -ev.score)

    def answer(self, question: str, hits: list[Hit]) -> Answer:
        language = detect_language(question)
        ranked = self.evidence(question, hits)
        if not ranked or ranked[0].score < SUPPORT_MIN:
            return Answer(question, language, REFUSAL[language], refused=True)
        chosen = [ranked[0]]
        for ev in ranked[1:]:
            if len(chosen) == MAX_SENTENCES or ev.score < max(SUPPORT_MIN, ranked[0].score - KEEP_WITHIN):
                break
            if all(_overlap(ev, c) < 0.6 for c in chosen):
                chosen.append(ev)
        citations = _citations(chosen)
        return Answer(
            question, language, _compose(language, chosen, citations), refused=False, citations=citations
        )


def _overlap(a: Evidence, b: Evidence) -> float:
    """Share of a's terms also in b (near-duplicate sentences from two articles are quoted once)."""
    ta, tb = set(terms(a.text)), set(terms(b.text))
    return len(ta & tb) / (len(ta) or 1)


def _citations(chosen: list[Evidence]) -> list[Citation]:
    """One citation per paragraph; its quote spans the chosen sentences of that paragraph."""
    by_paragraph: dict[tuple[str, int], list[Evidence]] = {}
    for ev in chosen:
        by_paragraph.setdefault((ev.hit.doc_id, ev.hit.paragraph), []).append(ev)
    citations = []
    for n, evs in enumerate(by_paragraph.values(), start=1):
        hit = evs[0].hit
        start, end = min(e.start for e in evs), max(e.end for e in evs)
        citations.append(
            Citation(
                n=n,
                doc_id=hit.doc_id,
                title=hit.title,
                paragraph=hit.paragraph,
                text=hit.text,
                quote=hit.text[start:end],
                score=round(max(e.score for e in evs), 4),
                source=hit.source,
                url=hit.url,
                date=hit.date,
            )
        )
    return citations


def _compose(language: str, chosen: list[Evidence], citations: list[Citation]) -> str:
    """The reply: one line per quoted sentence, each ending with the marker of its paragraph."""
    marker = {(c.doc_id, c.paragraph): c.n for c in citations}
    lines = []
    for ev in chosen:
        n = marker[(ev.hit.doc_id, ev.hit.paragraph)]
        if language == "ar":
            lines.append(f"{ev.text} [{n}]")
        else:
            source = ev.hit.title or ev.hit.doc_id
            lines.append(f"According to “{source}” (paragraph {ev.hit.paragraph}): “{ev.text}” [{n}]")
    return "\n".join(lines)
