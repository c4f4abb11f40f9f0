"""Hybrid retrieval: dense (Chroma) + BM25 over normalized, stemmed Arabic terms, fused per paragraph.

The dense side ranks chunks (a paragraph scores as its best chunk); the BM25 side ranks paragraphs
(their terms plus the article title's). Each side's scores are min-max scaled over its candidates and
added with weights; the BM25 weight shrinks with the share of question terms the index has never seen,
so an English question over Arabic articles is ranked by the dense side. `Fusion(method="rrf")` gives
plain reciprocal rank fusion instead (bench/retrieval_arcd.py compares both).

Where the BM25 side says little, the best candidates are ranked again by how closely their sentences match the
question: a whole chunk's vector blurs the one sentence that answers, and across languages nothing else can
find it. That is every English question (the words of it an Arabic index knows are Latin-script asides, "SANA",
"(بالإنجليزية: Lewis Doctrine)", which say nothing of which paragraph answers) and an Arabic question whose
terms the index mostly lacks (`Fusion.sentence_known_max`). The match is late interaction (ColBERT's MaxSim):
each word token of the question is matched to its most similar word token among the candidate's sentences,
as the embedder states them before pooling, and the candidate scores the mean; an embedder without token
states gives the best sentence's similarity instead (eval/README.md measures both: ARCD-en R@5 0.91 against
0.86). It costs about a hundred sentence embeddings per new question. (For every Arabic question it lifts
ARCD recall@1 0.760 -> 0.775 but answers and refuses worse there: eval/README.md, English questions,
"Seventh round".)
Common words ("the", "how", "في", "ما") count 0.3 in that mean (wordfreq's Zipf >= 6, in Arabic for a word in
Arabic script, else in English); the article title's word tokens join each candidate's; and 5 more candidates
come from below the 30, chosen by the same match on the model's context-free input vectors (a tokenizer pass,
no model run). eval/README.md has the figures.
Those candidates then gain for each name of the question (a capitalized Latin-script word) that their
words hold in Arabic script (rag.names, strict skeletons: Shoigu/شويغو), as a reader scanning for the name would.
A paragraph is read with the one before it, as a reader reads "he added": that paragraph's word tokens join
the candidate's in late interaction (their cosines less `Fusion.previous_margin`) and its names count as the
candidate's; and the paragraph after each of the 5 best fused paragraphs joins the candidates
(`Fusion.next_candidates`), so that what a named speaker said next can be found.
Last, BM25 over the Arabic renderings of the question's words (rag.lexicon: a bilingual word list, "earthquake"
-> الزلزال) ranks the paragraphs, and that ranking is blended in (`Fusion.lexicon_weight`): the lexical side an
English question otherwise lacks.
Given a translation of the question into the articles' language (the assistant asks its language model for one),
the paragraphs are ranked for both and the two rankings blended (`blend`, `Fusion.translation_weight`); the
caller checks first that it is one (`faithful`: its Arabic words lie close to the question in the embedder's space).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .embed import Embedder
from .language import ARABIC_LETTER, detect_language
from .lexicon import arabic_words
from .names import frequency, name_in
from .normalize import STOPWORDS, terms, words
from .schema import Hit
from .split import quotable_spans
from .store import Index

Key = tuple[str, int]  # (doc_id, paragraph)
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


@dataclass(frozen=True)
class Fusion:
    """How the two rankings are combined (defaults tuned on ARCD-train, see bench/retrieval_arcd.py)."""

    method: str = "score"  # "score": weighted min-max scores; "rrf": reciprocal rank fusion
    dense_weight: float = 0.5
    candidates: int = 100  # fetched from each side
    rrf_k: int = 60
    sentence_weight: float = 0.75  # of the sentences' similarity to the question in the second ranking
    late_interaction: float = 1.0  # share of it from token late interaction (the rest: the best sentence)
    sentence_candidates: int = 30  # best fused paragraphs ranked again by their sentences
    word_candidates: int = 5  # and this many more from the rest of the fused ranking, by `_by_static_words`
    common_word_zipf: float = 6.0  # a question word at least this common in English (wordfreq's Zipf scale)
    common_word_weight: float = 0.3  # counts this much in late interaction (rarer words count 1)
    sentence_known_max: float = 0.5  # an Arabic question is ranked again when the index knows less of its terms
    name_weight: float = 0.5  # added for the share of the question's Latin-script names a candidate holds
    title_tokens: bool = True  # the article title's word tokens join each candidate's in late interaction
    previous_margin: float = 0.05  # >0: the paragraph before's word tokens join too, their cosines less this
    previous_names: bool = True  # names are credited from the paragraph before too
    next_candidates: int = 5  # the paragraph after each of this many best fused paragraphs joins the candidates
    next_share: float = 0.9  # with at least this share of the fused score of the paragraph before it
    translation_weight: float = 0.3  # of the translated question's ranking, blended with the question's
    translation_similarity: float = 0.80  # a translation less similar to the question than this is ignored
    lexicon_weight: float = 0.2  # of BM25 over the Arabic renderings of an English question's words (rag.lexicon)


class Retriever:
    """Ranked paragraphs for a question.

    >>> Retriever(index, embedder).retrieve("كم عدد الدول المشاركة؟", top_k=3)  # doctest: +SKIP
    """

    def __init__(self, index: Index, embedder: Embedder, fusion: Fusion = Fusion()):
        self.index = index
        self.embedder = embedder
        self.fusion = fusion

    def retrieve(self, question: str, top_k: int = 10, translation: str = "") -> list[Hit]:
        """The `top_k` best paragraphs for `question`; with a `translation` of it into the articles' language
        (checked first with `faithful`), the two rankings blended (`blend`)."""
        ranked = self.ranked(question, top_k)
        if translation:
            ranked = blend(ranked, self.ranked(translation, top_k), self.fusion.translation_weight)
        return [self._hit(key, score) for key, score in ranked[:top_k]]

    def faithful(self, question: str, translation: str) -> bool:
        """Whether `translation` lies close enough to `question` to be a translation of it
        (`Fusion.translation_similarity`) rather than an answer, another question or nonsense."""
        return self.translation_similarity(question, translation) >= self.fusion.translation_similarity

    def translation_similarity(self, question: str, translation: str) -> float:
        """The embedder's similarity of `question` and the words of `translation` that hold no Latin letter (0
        when none is left): a small model that copies the question's English words into its "translation" would
        otherwise look faithful for those words alone."""
        translated = " ".join(w for w in translation.split() if not _LATIN_WORD.search(w))
        if not translated.strip():
            return 0.0
        return float(self.embedder.embed_query(question) @ self.embedder.embed_query(translated))

    def ranked(self, question: str, top_k: int = 10) -> list[tuple[Key, float]]:
        """The candidate paragraphs with their scores, best first (at least `top_k` where the index has them)."""
        dense = self.dense(question)
        q_terms = terms(question)
        lexical = self.index.catalog.search_terms(q_terms, self.fusion.candidates)
        df = self.index.catalog.document_frequency(q_terms) if q_terms else {}
        known = sum(1 for n in df.values() if n) / len(df) if df else 0.0
        fused = self._fuse(dense, lexical, known)
        ranked = sorted(fused.items(), key=lambda kv: -kv[1])
        f = self.fusion
        if f.sentence_weight > 0 and (known < f.sentence_known_max or detect_language(question) != "ar"):
            n, weights = max(top_k, f.sentence_candidates), self._word_weights(question)
            more = self._by_static_words(question, ranked[n:], f.word_candidates, weights)
            more += self._following(ranked[: f.next_candidates], ranked[:n] + more, dict(ranked))
            ranked = self._by_sentences(question, ranked[:n] + more, f.sentence_weight, weights)
            ranked = self._by_names(question, ranked, f.name_weight)
            ranked = self._by_renderings(question, ranked, f.lexicon_weight)
        return ranked

    def dense(self, question: str) -> list[tuple[Key, float]]:
        """Paragraphs by the cosine similarity of their best chunk, best first."""
        chunk_hits = self.index.vectors.search(self.embedder.embed_query(question), self.fusion.candidates)
        rows = self.index.catalog.chunk_rows([cid for cid, _ in chunk_hits])
        best: dict[Key, float] = {}
        for cid, sim in chunk_hits:
            if cid in rows:  # a vector whose article is not committed yet (interrupted run) is ignored
                best.setdefault(rows[cid][:2], sim)
        return list(best.items())

    def _by_sentences(
        self, question: str, ranked: list[tuple[Key, float]], weight: float, word_weights: np.ndarray | None
    ) -> list[tuple[Key, float]]:
        """`ranked` again, by its fused score blended with how closely its sentences match the question: the
        best sentence's similarity, and (where the embedder gives token states) late interaction, the mean
        over the question's words (weighted by `word_weights`, from `_word_weights`) of their best match among
        the paragraph's word tokens (and, with `Fusion.title_tokens`, its article title's: a paragraph that says
        "he added" holds the speaker there)."""
        texts = {key: self.index.catalog.paragraph_text(*key) or "" for key, _ in ranked}
        sentences = [sentence for key, text in texts.items() for sentence in _sentences(key, text)]
        titles = [(key, self._title(key[0])) for key in texts] if self.fusion.title_tokens else []
        titles = [(key, title) for key, title in titles if title]
        before = self._previous_sentences(list(texts)) if self.fusion.previous_margin > 0 else []
        late = self.fusion.late_interaction
        passages = self.embedder.embed_tokens([t for _, t in sentences + titles + before]) if late > 0 else None
        query = self.embedder.embed_tokens([question], query=True) if passages else None
        if passages and query and len(query[1][0]):
            vectors, states = passages[0][: len(sentences)], passages[1]
            q_vector, q_states, q_weights = query[0][0], query[1][0], word_weights
        else:
            vectors, states, late = self.embedder.embed_passages([t for _, t in sentences]), [], 0.0
            q_vector, q_states, q_weights = self.embedder.embed_query(question), None, None
        best: dict[Key, float] = {}
        for (key, _), sim in zip(sentences, vectors @ q_vector, strict=True):
            best[key] = max(best.get(key, -1.0), float(sim))
        fused, sentence = _min_max(ranked), _min_max(list(best.items()))
        token_keys = [key for key, _ in sentences + titles + before]
        margins = [0.0] * len(sentences + titles) + [self.fusion.previous_margin] * len(before)
        tokens = _min_max(_max_sim(q_states, token_keys, states, q_weights, margins)) if late else {}
        blended = {
            key: (1 - weight) * fused[key]
            + weight * ((1 - late) * sentence.get(key, 0.0) + late * tokens.get(key, 0.0))
            for key, _ in ranked
        }
        return sorted(blended.items(), key=lambda kv: -kv[1])

    def _previous_sentences(self, keys: list[Key]) -> list[tuple[Key, str]]:
        """The sentences of the paragraph before each of `keys` in its article, as (key, sentence): what a
        reader of a paragraph that says "he added" has in mind (`Fusion.previous_margin`)."""
        out = []
        for doc_id, paragraph in keys:
            text = self.index.catalog.paragraph_text(doc_id, paragraph - 1) if paragraph > 1 else None
            out += _sentences((doc_id, paragraph), text) if text else []
        return out

    def _following(self, best: list[tuple[Key, float]], pool: list[tuple[Key, float]], fused: dict) -> list:
        """The paragraph after each of `best` that `pool` lacks, with its fused score (0 where it had none)."""
        have = {key for key, _ in pool}
        out = []
        for (doc_id, paragraph), score in best:
            key = (doc_id, paragraph + 1)
            if key not in have and self.index.catalog.paragraph_text(*key) is not None:
                have.add(key)
                out.append((key, max(fused.get(key, 0.0), self.fusion.next_share * score)))
        return out

    def _word_weights(self, question: str) -> np.ndarray | None:
        """How much each of the question's token states counts in late interaction: 1 for a word rarer than
        `common_word_zipf` in its language (Arabic for a word in Arabic script, else English),
        `common_word_weight` for a common one ("the", "what", "how", "في", "ما"), so that "Shoigu" and
        "drones" decide the match; None (all equal) where the embedder names no words."""
        got = self.embedder.token_words([question], query=True)
        if not got:
            return None
        f, words = self.fusion, question.split()
        if not words:
            return None
        # wordfreq drops edge punctuation
        rare = [frequency(w, "ar" if ARABIC_LETTER.search(w) else "en") < f.common_word_zipf for w in words]
        return np.array([1.0 if rare[i] else f.common_word_weight for i in got[0]], dtype=np.float32)

    def _by_static_words(
        self, question: str, rest: list[tuple[Key, float]], n: int, weights: np.ndarray | None
    ) -> list[tuple[Key, float]]:
        """The `n` paragraphs of `rest` (the fused ranking below the candidates) whose words match the
        question's best by the model's context-free token vectors (weighted MaxSim, as `_by_sentences`):
        a gold paragraph the paragraph vectors ranked low still reaches the second ranking, for a
        tokenizer pass instead of a model run (`Fusion.word_candidates`; the seeds' misses sat at 35-60)."""
        if n <= 0 or not rest:
            return []
        texts = [self.index.catalog.paragraph_text(*key) or "" for key, _ in rest]
        question_tokens, paragraphs = (
            self.embedder.static_tokens([question], query=True),
            self.embedder.static_tokens(texts),
        )
        if not question_tokens or paragraphs is None or not len(question_tokens[0]):
            return []
        scores = [
            (i, _weighted_mean((question_tokens[0] @ t.T).max(axis=1), weights) if len(t) else -1.0)
            for i, t in enumerate(paragraphs)
        ]
        best = sorted(scores, key=lambda s: -s[1])[:n]
        return [rest[i] for i, _ in sorted(best)]

    def _by_names(self, question: str, ranked: list[tuple[Key, float]], weight: float) -> list[tuple[Key, float]]:
        """`ranked` again, each paragraph gaining `weight` x the share of the question's names it holds."""
        names = question_names(question)
        if not names or weight <= 0:
            return ranked
        boosted = []
        for key, score in ranked:
            before = self.index.catalog.paragraph_text(key[0], key[1] - 1) if self.fusion.previous_names else ""
            held = words(f"{self._title(key[0])} {before or ''} {self.index.catalog.paragraph_text(*key) or ''}")
            boosted.append((key, score + weight * sum(name_in(n, held, strict=True) for n in names) / len(names)))
        return sorted(boosted, key=lambda kv: -kv[1])

    def _by_renderings(self, question: str, ranked: list[tuple[Key, float]], weight: float) -> list[tuple[Key, float]]:
        """`ranked` blended (`blend`, `weight`) with BM25 over the Arabic renderings of the question's English
        words (`rag.lexicon.arabic_words`): the lexical side an English question otherwise lacks."""
        rendered = terms(arabic_words(question)) if weight > 0 else []
        found = self.index.catalog.search_terms(rendered, self.fusion.candidates) if rendered else []
        return blend(ranked, found, weight) if found else ranked

    def _title(self, doc_id: str) -> str:
        info = self.index.catalog.article(doc_id)
        return info.title if info else ""

    def _fuse(self, dense: list[tuple[Key, float]], lexical: list[tuple[Key, float]], known: float) -> dict:
        f = self.fusion
        return fuse([(dense, f.dense_weight), (lexical, (1 - f.dense_weight) * known)], f.method, f.rrf_k)

    def _hit(self, key: Key, score: float) -> Hit:
        doc_id, paragraph = key
        info = self.index.catalog.article(doc_id)
        return Hit(
            doc_id=doc_id,
            title=info.title if info else "",
            paragraph=paragraph,
            text=self.index.catalog.paragraph_text(doc_id, paragraph) or "",
            score=round(score, 6),
            source=info.source if info else "",
            url=info.url if info else "",
            date=info.date if info else "",
        )


def fuse(weighted: list[tuple[list[tuple[Key, float]], float]], method: str = "score", rrf_k: int = 60) -> dict:
    """Rankings as one score per paragraph: each ranking scaled (min-max, or 1 / (`rrf_k` + rank) for "rrf")
    and added with its weight (a paragraph missing from a ranking gets nothing from it)."""
    fused: dict[Key, float] = {}
    for ranking, weight in weighted:
        if method == "rrf":
            scaled = {key: 1 / (rrf_k + rank) for rank, (key, _) in enumerate(ranking, start=1)}
        else:
            scaled = _min_max(ranking)
        for key, s in scaled.items():
            fused[key] = fused.get(key, 0.0) + weight * s
    return fused


def blend(ranked: list[tuple[Key, float]], translated: list[tuple[Key, float]], weight: float) -> list:
    """Two rankings of the same question (as asked, and translated) as one, best first (`fuse`: each min-max
    scaled, `weight` for the translation's)."""
    return sorted(fuse([(ranked, 1 - weight), (translated, weight)]).items(), key=lambda kv: -kv[1])


def question_names(question: str) -> list[str]:
    """The names of an English question: its capitalized Latin-script words after the first, stop words aside.

    >>> question_names("What did Shoigu say about ISIS in Afghanistan?")
    ['Shoigu', 'ISIS', 'Afghanistan']
    """
    found = _LATIN_WORD.findall(question)[1:]
    return list(dict.fromkeys(w for w in found if w[0].isupper() and len(w) > 2 and w.lower() not in STOPWORDS))


def _max_sim(
    question: np.ndarray,
    keys: list[Key],
    states: list[np.ndarray],
    weights: np.ndarray | None = None,
    margins: list[float] | None = None,
) -> list[tuple[Key, float]]:
    """Late interaction (ColBERT's MaxSim): each paragraph scores the mean (weighted by `weights`, one per
    question token), over the question's token states, of the best cosine among its own (`states[i]`
    belongs to the paragraph `keys[i]`, its cosines less `margins[i]`, 0 by default)."""
    by_key: dict[Key, list[np.ndarray]] = {}
    for i, (key, s) in enumerate(zip(keys, states, strict=True)):
        if len(s):
            by_key.setdefault(key, []).append((question @ s.T).max(axis=1) - (margins[i] if margins else 0.0))
    scores = [(key, _weighted_mean(np.max(parts, axis=0), weights)) for key, parts in by_key.items()]
    return scores + [(key, 0.0) for key in dict.fromkeys(keys) if key not in by_key]


def _sentences(key: Key, text: str) -> list[tuple[Key, str]]:
    """The sentences of a paragraph's `text` (the text itself when none is found), each as (key, sentence)."""
    return [(key, text[s:e]) for s, e in quotable_spans(text) or [(0, len(text))]]


def _weighted_mean(values: np.ndarray, weights: np.ndarray | None) -> float:
    return float(values.mean() if weights is None or len(weights) != len(values) else values @ weights / weights.sum())


def _min_max(ranking: list[tuple[Key, float]]) -> dict[Key, float]:
    """Scores scaled to [0, 1] over the candidates (a lone candidate scores 1)."""
    if not ranking:
        return {}
    lo, hi = min(s for _, s in ranking), max(s for _, s in ranking)
    return {key: (s - lo) / (hi - lo) if hi > lo else 1.0 for key, s in ranking}
