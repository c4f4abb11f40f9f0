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
from dataclasses import dataclass, replace

from .embed import Embedder
from .language import REFUSAL, detect_language
from .normalize import terms
from .schema import Answer, Citation, Hit
from .split import quotable_spans, sentence_spans

MAX_SENTENCES = 3

# A sentence can be evidence only when its dense similarity to the question reaches this floor.
# Calibrated for the default model (multilingual-e5-small) on eval/seed_set.jsonl: in Arabic it separates
# the unanswerable questions (best sentence at most 0.824) from the answerable ones (at least 0.826);
# cross-lingual similarities run lower and overlap (unanswerable 0.76-0.81, answerable 0.77-0.84), hence
# the lower English floor. `isnad eval` reports refusal precision/recall and false refusals per language.
DENSE_FLOOR = {"ar": 0.82, "en": 0.78}
KEEP_WITHIN = 0.06  # further sentences must score within this margin of the best one (tuned: eval/README.md)
W_DENSE, W_SENTENCE_TERMS, W_PARAGRAPH_TERMS, W_TYPE = 1.0, 0.25, 0.15, 0.05

_NUMBER_QUESTION = re.compile(r"\b(how many|how much|what number|what percentage)\b|(^|\s)كم(\s|$)", re.I)
# "What did X say ..." in Arabic: X must be named in the cited paragraph or its article's title.
_SPEAKER_QUESTION = re.compile(r"^\s*(?:ماذا|بماذا|ما الذي|ما الذى)\s+(?:قال|صرح|صرّح|أكد|اكد|أعلن|اعلن)\s+(\S+)")
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
        spans = [(hit, s, e) for hit in hits for s, e in quotable_spans(hit.text)]
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
        ranked = [
            ev
            for ev in self.evidence(question, hits)
            if ev.dense >= DENSE_FLOOR[language] and _names_speaker(question, ev)
        ]
        if not ranked:
            return Answer(question, language, REFUSAL[language], refused=True)
        chosen = [ranked[0]]
        for ev in ranked[1:]:
            if len(chosen) == MAX_SENTENCES or ev.score < ranked[0].score - KEEP_WITHIN:
                break
            neighbour = next((i for i, c in enumerate(chosen) if _adjacent(c, ev)), None)
            if neighbour is not None:  # the next or previous sentence: the quote grows, still one span
                c = chosen[neighbour]
                chosen[neighbour] = replace(c, start=min(c.start, ev.start), end=max(c.end, ev.end))
            elif all(ev.hit is not c.hit and _overlap(ev, c) < 0.6 for c in chosen):
                chosen.append(ev)
        citations = _citations(chosen)
        return Answer(question, language, _compose(language, chosen, citations), refused=False, citations=citations)


def _adjacent(a: Evidence, b: Evidence) -> bool:
    """Two sentences of the same paragraph with nothing but white space between them."""
    if a.hit is not b.hit:
        return False
    gap = a.hit.text[a.end : b.start] if a.end <= b.start else a.hit.text[b.end : a.start]
    return not gap.strip()


def _names_speaker(question: str, ev: Evidence) -> bool:
    """False when an Arabic "what did X say" question names a speaker the paragraph never mentions."""
    m = _SPEAKER_QUESTION.match(question)
    if not m:
        return True
    speaker = terms(m.group(1))
    return not speaker or speaker[0] in set(terms(ev.hit.text)) | set(terms(ev.hit.title))


def _overlap(a: Evidence, b: Evidence) -> float:
    """Share of a's terms also in b (near-duplicate sentences from two articles are quoted once)."""
    ta, tb = set(terms(a.text)), set(terms(b.text))
    return len(ta & tb) / (len(ta) or 1)


def _citations(chosen: list[Evidence]) -> list[Citation]:
    """One citation per chosen sentence (each from its own paragraph); the quote is the sentence."""
    return [
        Citation(
            n=n,
            doc_id=ev.hit.doc_id,
            title=ev.hit.title,
            paragraph=ev.hit.paragraph,
            text=ev.hit.text,
            quote=ev.text,
            score=round(ev.score, 4),
            source=ev.hit.source,
            url=ev.hit.url,
            date=ev.hit.date,
        )
        for n, ev in enumerate(chosen, start=1)
    ]


def _compose(language: str, chosen: list[Evidence], citations: list[Citation]) -> str:
    """The reply: one line per quote; in Arabic every sentence of it ends with the marker of its paragraph."""
    lines = []
    for ev, c in zip(chosen, citations, strict=True):
        if language == "ar":
            lines.append(" ".join(f"{ev.text[s:e]} [{c.n}]" for s, e in sentence_spans(ev.text)))
        else:
            lines.append(f"According to “{_short(c.title or c.doc_id)}” (paragraph {c.paragraph}): “{ev.text}” [{c.n}]")
    return "\n".join(lines)


def _short(title: str, limit: int = 80) -> str:
    """A title cut at a word boundary, for the English frame."""
    return title if len(title) <= limit else title[:limit].rsplit(" ", 1)[0] + "…"
