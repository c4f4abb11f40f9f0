"""Hybrid retrieval: dense (Chroma) + BM25 (normalized, stemmed Arabic terms), fused by weighted RRF.

Both sides rank chunks; a paragraph takes the rank of its best chunk on each side, and the fused
score of a paragraph is sum(weight / (RRF_K + rank)). Results are paragraphs, best first.
"""

from __future__ import annotations

from dataclasses import dataclass

from .embed import Embedder
from .normalize import terms
from .schema import Hit
from .store import Index


@dataclass(frozen=True)
class Fusion:
    """How the two rankings are combined."""

    candidates: int = 60  # chunks fetched from each side
    rrf_k: int = 60
    dense_weight: float = 1.0
    lexical_weight: float = 1.0


class Retriever:
    """Ranked paragraphs for a question.

    >>> Retriever(index, embedder).retrieve("كم عدد الدول المشاركة؟", top_k=3)  # doctest: +SKIP
    """

    def __init__(self, index: Index, embedder: Embedder, fusion: Fusion = Fusion()):
        self.index = index
        self.embedder = embedder
        self.fusion = fusion

    def retrieve(self, question: str, top_k: int = 10) -> list[Hit]:
        f = self.fusion
        dense = self.index.vectors.search(self.embedder.embed_query(question), f.candidates)
        lexical = self.index.catalog.search_terms(terms(question), f.candidates)
        rows = self.index.catalog.chunk_rows(list({cid for cid, _ in dense + lexical}))
        fused: dict[tuple[str, int], float] = {}
        for ranking, weight in ((dense, f.dense_weight), (lexical, f.lexical_weight)):
            seen: set[tuple[str, int]] = set()
            for cid, _ in ranking:
                if cid not in rows:  # vector written but article not committed yet (interrupted run)
                    continue
                key = rows[cid][:2]
                if key in seen:
                    continue
                seen.add(key)
                fused[key] = fused.get(key, 0.0) + weight / (f.rrf_k + len(seen))
        best = sorted(fused.items(), key=lambda kv: -kv[1])[:top_k]
        return [self._hit(doc_id, paragraph, score) for (doc_id, paragraph), score in best]

    def _hit(self, doc_id: str, paragraph: int, score: float) -> Hit:
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
