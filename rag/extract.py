"""The extractive answerer: grounded by construction.

It scores every sentence of the retrieved paragraphs that states something (a question the article asks,
"فمن هو ...؟", answers nothing: `rag.split.stated_spans`) against the question (dense similarity, late
interaction between the question's and the sentence's word tokens, for an Arabic question the share of its
IDF-weighted terms in the sentence (read with its article's title, which names who or what a later
paragraph's "he added" is about) and in its paragraph, whether the sentence holds the kind of answer the
question expects, and how well the retriever ranked its paragraph), decides from the evidence's signals whether the
paragraphs answer at all (a calibrated logistic regression, `rag.calibration.Answerability`, and a question
sure to ask for a figure or a date is not answered by quotes that hold none, nor an Arabic one sure to ask for a
count by figures that count something else), and otherwise quotes the best
sentences, one citation `[n]` per cited paragraph. Arabic questions get the Arabic sentences
themselves; English questions get a short English frame around the quoted Arabic (never a made-up translation).
No rule reads the question's wording: what it names is weighed by rarity in the index, what it asks for is
recognized by a fitted model from its embedding and its words (`rag.calibration.QuestionKinds`), in either
language.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from functools import lru_cache

import numpy as np

from .calibration import Calibration
from .embed import Embedder
from .language import REFUSAL, detect_language
from .names import name_in, names
from .normalize import STOPWORDS, normalize, terms, words
from .schema import Answer, Citation, Hit
from .split import sentence_spans, stated_spans
from .support import counts_asked

# The kinds of answer a sentence can hold, read from its figures (normalized text: ASCII digits, one alef).
_YEAR = r"(?<!\d)(1[0-9]{3}|20[0-9]{2})(?!\d)"
_MONTHS = (
    "يناير فبراير مارس ابريل مايو يونيو يوليو اغسطس سبتمبر اكتوبر نوفمبر ديسمبر كانون شباط اذار نيسان ايار "
    "حزيران تموز اب ايلول تشرين محرم صفر ربيع جمادي رجب شعبان رمضان شوال القعده الحجه"
)
# weekdays: news dates its events by them, and الاثنين (Monday) is not the number two
_WEEKDAYS = "السبت الاحد الاثنين الثلاثا الاربعا الخميس الجمعه"  # as `normalize` writes them
# a year of any size by what dates it: "سنة 336", "عام 150", "753 ق.م", "204 هـ", "61 للهجرة", "874م"
_ERA_YEAR = (
    r"(?<!\w)[وفبل]?(?:ال)?(?:سنه|عام)\s+\d{1,4}(?!\d)"
    r"|(?<!\d)\d{1,4}\s*(?:ق\s*\.?\s*م(?!\w)|قبل الميلاد|للميلاد|(?:ال)?ميلادي|للهجره|(?:ال)?هجري|ه(?!\w))"
    r"|(?<!\d)\d{1,4}م(?!\w)"
)
_DATE = re.compile(
    _YEAR + "|" + _ERA_YEAR + r"|(?<!\w)(?:ال)?(?:" + "|".join(_MONTHS.split()) + r")(?!\w)|\bالقرن\b"
    r"|(?<!\w)[وفبل]?(?:" + "|".join(_WEEKDAYS.split()) + r")(?!\w)"
)
_NUMBER_WORDS = (
    "واحد اثن اثنين ثلاث اربع خمس ست سبع ثمان ثماني تسع عشر عشره عشرات عشرين مييه مايه ميات مءات الف الاف الوف "
    "مليون ملايين مليار مليارات بليون نصف ربع ثلث بالمييه بالمايه"
)
_NUMBER_WORD = r"(?<!\w)[وفبلك]?(?:ال)?(?:" + "|".join(_NUMBER_WORDS.split()) + r")(?:ه|ين|ون|ات|ان|ا)?(?!\w)"
_QUANTITY = re.compile(r"\d|" + _NUMBER_WORD)


def answer_kinds(text: str) -> set[str]:
    """The kinds of answer `text` holds: "date" (a year, a month, a weekday, a century), "quantity" (any other figure,
    written in digits or words), "other" always."""
    norm = normalize(text)
    kinds = {"other"}
    if _DATE.search(norm):
        kinds.add("date")
    if _QUANTITY.search(_DATE.sub(" ", norm)):
        kinds.add("quantity")
    return kinds


@dataclass
class Evidence:
    """A candidate sentence of a retrieved paragraph, with how well it answers the question."""

    hit: Hit
    start: int
    end: int
    dense: float
    sentence_terms: float  # IDF-weighted share of the question's terms in the sentence
    paragraph_terms: float  # ... in its paragraph and article title
    answer_kind: float  # probability the question expects a kind of answer this sentence holds (besides "other")
    # late interaction: each question word token's best cosine among this sentence's word tokens (None where
    # the embedder gives no token states); `late` is their mean (ColBERT's MaxSim), else the dense similarity
    matches: np.ndarray | None = None
    retrieval: float = 0.0  # the paragraph's retrieval score, min-max scaled over the paragraphs read (best 1)
    # the share of the question's terms in the sentence or its article title: what selection weighs, as a reader
    # takes "وأضاف أن ..." (he added that) of a later paragraph to be about whom or what the title names
    titled_terms: float = 0.0
    match_score: float = 0.0  # how well the sentence matches the question (the score less the retrieval term)
    score: float = 0.0  # what selection ranks by

    @property
    def late(self) -> float:
        return float(self.matches.mean()) if self.matches is not None and len(self.matches) else self.dense

    @property
    def text(self) -> str:
        return self.hit.text[self.start : self.end]


@dataclass
class Assessment:
    """What the answerer found for a question: its evidence (best first) and the signals of answerability."""

    language: str
    evidence: list[Evidence]
    signals: dict[str, float] = field(default_factory=dict)
    expects: dict[str, float] = field(default_factory=dict)  # the kind of answer the question expects (`QuestionKinds`)
    question: str = ""


# The signals the answerability model may weigh (rag.calibration.Answerability.features).
SIGNALS = (
    "dense",  # the best sentence similarity
    "dense_gap",  # how far the best sentence's similarity stands above the best of another paragraph
    "score",  # the best sentence's match score (`Evidence.match_score`; "the best sentence" below is that one)
    "sentence_terms",  # IDF-weighted share of the question's terms in the best sentence
    "paragraph_terms",  # ... in its paragraph and title
    "named",  # share of what the question names found in the best paragraph and title (`named`)
    "anywhere",  # IDF-weighted share of the question's terms found in any retrieved paragraph
    "agreement",  # 1 when the paragraph of the most similar sentence also holds the most of the question's terms
    "answer_kind",  # the best sentence holds the kind of answer the question expects
    "kind_missing",  # how much the question expects a figure or a date that no retrieved sentence holds
    "score_gap",  # how far the best sentence's match score stands above the best of another paragraph
    "late",  # the best late-interaction score of a sentence (`Evidence.late`)
    "weakest",  # the question token matched worst: the lowest, over its word tokens, of their best match anywhere
    "english",  # 1 for an English question (its terms cannot match Arabic text)
    "english_dense",  # dense similarity for English questions (its own slope)
)


class ExtractiveAnswerer:
    """Select, cite or refuse.

    `weights(terms)` gives each question term its importance (IDF in the index); `calibration` holds the
    scoring weights and the refusal model fitted for the embedding model (rag.calibration).
    """

    def __init__(
        self,
        embedder: Embedder,
        weights: Callable[[list[str]], dict[str, float]],
        calibration: Calibration | None = None,
    ):
        self.embedder = embedder
        self.weights = weights
        self.calibration = calibration or Calibration()

    def assess(self, question: str, hits: list[Hit]) -> Assessment:
        """Every stated sentence of `hits`, scored and best first, and the signals the refusal model weighs."""
        language = detect_language(question)
        spans = [(hit, s, e) for hit in hits for s, e in stated_spans(hit.text)]
        if not spans:
            return Assessment(language, [], question=question)
        q_vec, vectors, matches = self._embed(question, [hit.text[s:e] for hit, s, e in spans])
        dense = vectors @ q_vec
        q_terms = list(dict.fromkeys(terms(question)))
        w = self.weights(q_terms)
        total = sum(w.values()) or 1.0

        def share(found: set[str]) -> float:  # IDF-weighted share of the question's terms in `found`
            return sum(w[t] for t in q_terms if t in found) / total

        kinds = self.calibration.kinds
        expects = kinds.expects(q_vec, question) if kinds else {}
        title_terms = {id(hit): set(terms(hit.title)) for hit in hits}
        para_terms = {id(hit): set(terms(hit.text)) | title_terms[id(hit)] for hit in hits}
        lo, hi = min(hit.score for hit in hits), max(hit.score for hit in hits)
        ranked = {id(hit): (hit.score - lo) / (hi - lo) if hi > lo else 1.0 for hit in hits}
        evidence = []
        for (hit, s, e), d, match in zip(spans, dense, matches, strict=True):
            sentence = hit.text[s:e]
            sent_terms = set(terms(sentence))
            kind = sum(expects.get(k, 0.0) for k in answer_kinds(sentence) - {"other"})
            evidence.append(
                Evidence(
                    hit,
                    s,
                    e,
                    float(d),
                    share(sent_terms),
                    share(para_terms[id(hit)]),
                    kind,
                    match,
                    retrieval=ranked[id(hit)],
                    titled_terms=share(sent_terms | title_terms[id(hit)]),
                )
            )
        self.rescore(evidence, language)
        expected = sum(p for k, p in expects.items() if k != "other")
        signals = _signals(question, language, evidence, q_terms, w, para_terms, expected)
        return Assessment(language, evidence, signals, expects, question)

    def _embed(self, question: str, sentences: list[str]) -> tuple[np.ndarray, np.ndarray, list[np.ndarray | None]]:
        """The question's vector, the sentences' vectors and, where the embedder gives token states, each
        sentence's late-interaction matches (one model run per text, as `embed_query`/`embed_passages`; the
        retriever's second ranking already ran it for an English question's candidate sentences, so those
        come from the embedder's cache)."""
        passages = self.embedder.embed_tokens(sentences)
        query = self.embedder.embed_tokens([question], query=True) if passages else None
        if not passages or not query or not len(query[1][0]):
            q_vec = self.embedder.embed_query(question)
            return q_vec, self.embedder.embed_passages(sentences), [None] * len(sentences)
        q_states = query[1][0]
        matches = [(q_states @ s.T).max(axis=1) if len(s) else np.zeros(len(q_states)) for s in passages[1]]
        return query[0][0], passages[0], matches

    def rescore(self, evidence: list[Evidence], language: str) -> None:
        """Score the evidence for a question in `language` with the calibration's weights, best first (in place).
        An English question's terms meet Arabic text only where it is written in Latin script (a parenthetical
        "Lewis Doctrine", an acronym), which says nothing of what a sentence answers: its sentences are read
        by their meaning, the term shares weighing nothing (eval/README.md, "Seventh round")."""
        sel = self.calibration.selection
        lexical = language == "ar"
        for ev in evidence:
            ev.match_score = (
                sel.dense * ev.dense
                + lexical * sel.sentence_terms * ev.titled_terms
                + lexical * sel.paragraph_terms * ev.paragraph_terms
                + sel.answer_kind * ev.answer_kind
                + sel.late * ev.late
            )
            ev.score = ev.match_score + sel.retrieval * ev.retrieval
        evidence.sort(key=lambda ev: (-ev.score, -ev.hit.score, ev.start))  # ties: the better-ranked paragraph

    def answer(self, question: str, hits: list[Hit]) -> Answer:
        found = self.assess(question, hits)
        chosen = self.choose(found.evidence) if found.evidence else []
        if not chosen or not self.answers(found, chosen):
            return Answer(question, found.language, REFUSAL[found.language], refused=True)
        citations = _citations(chosen)
        text = _compose(found.language, chosen, citations)
        return Answer(question, found.language, text, refused=False, citations=citations)

    def answers(self, found: Assessment, chosen: list[Evidence]) -> bool:
        """Whether the `chosen` quotes answer: the refusal model finds the evidence strong enough, and a question
        at least `kind_floor` sure to expect a figure or a date (`found.expects`: `QuestionKinds.expects`) gets
        one; an Arabic question's figure must count one of its words (`rag.support.counts_asked`)."""
        answerability = self.calibration.answerability
        held = set().union(*(answer_kinds(ev.text) for ev in chosen))
        wanted = {k for k, p in found.expects.items() if k != "other" and p >= answerability.kind_floor}
        if (
            "quantity" in wanted
            and found.language == "ar"
            and not any(counts_asked(found.question, ev.text) for ev in chosen)
        ):
            held.discard("quantity")  # figures of other things
        return answerability.answerable(found.signals) and wanted <= held

    def choose(self, ranked: list[Evidence]) -> list[Evidence]:
        """The best sentence, and the next ones within `keep_within` of it (one quote per paragraph)."""
        sel = self.calibration.selection
        chosen = [ranked[0]]
        for ev in ranked[1:]:
            if len(chosen) == sel.max_sentences or ev.score < ranked[0].score - sel.keep_within:
                break
            neighbour = next((i for i, c in enumerate(chosen) if _adjacent(c, ev)), None)
            if neighbour is not None:  # the next or previous sentence: the quote grows, still one span
                c = chosen[neighbour]
                chosen[neighbour] = replace(c, start=min(c.start, ev.start), end=max(c.end, ev.end))
            elif all(ev.hit is not c.hit and _overlap(ev, c) < 0.6 for c in chosen):
                chosen.append(ev)
        return chosen


def _signals(
    question: str,
    language: str,
    evidence: list[Evidence],
    q_terms: list[str],
    w: dict[str, float],
    para_terms: dict[int, set[str]],
    expected: float,
) -> dict[str, float]:
    """The signals of `SIGNALS`; `expected`: the probability that the question expects a figure or a date.
    They read the sentences by how well they match the question (`match_score`), not where the retriever ranked
    their paragraphs: with a gold article hidden the ranking's scale changes, not what the sentences say."""
    best = max(evidence, key=lambda ev: ev.match_score)
    best_dense = max(evidence, key=lambda ev: ev.dense)
    other = [ev.dense for ev in evidence if ev.hit is not best_dense.hit]
    other_score = [ev.match_score for ev in evidence if ev.hit is not best.hit]
    total = sum(w.values()) or 1.0
    seen = set().union(*para_terms.values())
    english = 1.0 if language == "en" else 0.0
    return {
        "dense": best_dense.dense,
        "dense_gap": best_dense.dense - max(other, default=best_dense.dense - 0.1),
        "score": best.match_score,
        "sentence_terms": best.sentence_terms,
        "paragraph_terms": best.paragraph_terms,
        "named": named(question, language, q_terms, w, best.hit),
        "anywhere": sum(w[t] for t in q_terms if t in seen) / total if q_terms else 0.0,
        "agreement": float(best_dense.paragraph_terms >= max(ev.paragraph_terms for ev in evidence)),
        "answer_kind": best.answer_kind,
        "kind_missing": expected - max(ev.answer_kind for ev in evidence),
        "score_gap": best.match_score - max(other_score, default=best.match_score - 0.1),
        "late": max(ev.late for ev in evidence),
        "weakest": _weakest(evidence),
        "english": english,
        "english_dense": english * best_dense.dense,
    }


def _weakest(evidence: list[Evidence]) -> float:
    """The lowest, over the question's word tokens, of each one's best match among all the retrieved sentences'
    tokens (what nothing retrieved matches, e.g. a name no paragraph holds); the best dense similarity where
    the embedder gives no token states."""
    matches = [ev.matches for ev in evidence if ev.matches is not None and len(ev.matches)]
    return float(np.max(matches, axis=0).min()) if matches else max(ev.dense for ev in evidence)


def named(question: str, language: str, q_terms: list[str], w: dict[str, float], hit: Hit) -> float:
    """Share of what the question names that the paragraph (or its title) holds. An Arabic question names
    its two rarest terms in the index (a name the index never saw is the rarest of all), each found as
    written or in a close spelling (`_spelled_alike`: شويجو / شويغو); an English one its names and figures, a
    name matched across scripts (`rag.names`: "Lavrov" is found as "لافروف"). 1.0 when an English question
    names nothing."""
    if language == "ar":
        rarest = sorted(q_terms, key=lambda t: -w[t])[:2]
        found = set(terms(hit.text)) | set(terms(hit.title))
        held = [t in found or any(_spelled_alike(t, f) for f in found) for t in rarest]
        return sum(held) / len(rarest) if rarest else 0.0
    named_here = [n for n in names(question) if normalize(n) not in STOPWORDS] + _FIGURE.findall(question)
    if not named_here:
        return 1.0
    text = words(hit.text + " " + hit.title)
    return sum(n in text if n.isdigit() else name_in(n, text) for n in named_here) / len(named_here)


@lru_cache(maxsize=100_000)
def _spelled_alike(a: str, b: str) -> bool:
    """Two terms that differ by what the light stemmer leaves (one begins the other, 3+ letters) or by a
    letter or two of spelling (similarity 0.8 or more)."""
    if min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a)):
        return True
    return SequenceMatcher(None, a, b).ratio() >= 0.8


_FIGURE = re.compile(r"\d+")


def _adjacent(a: Evidence, b: Evidence) -> bool:
    """Two sentences of the same paragraph with nothing but white space between them."""
    if a.hit is not b.hit:
        return False
    gap = a.hit.text[a.end : b.start] if a.end <= b.start else a.hit.text[b.end : a.start]
    return not gap.strip()


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
