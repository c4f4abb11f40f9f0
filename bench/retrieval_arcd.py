"""Retrieval quality on ARCD-train: recall@1/@5 of the gold paragraph, per ranker and fusion.

    python bench/retrieval_arcd.py [--index DIR]

Ingests the 231 ARCD paragraphs (one article each, titled by their Wikipedia article; the eval
suite's SQuAD loader) into DIR (default /tmp/isnad-arcd-index, reused when present) and asks its questions.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from eval.sets import ensure_corpus, load_set
from rag import Assistant
from rag.embed import CachedEmbedder
from rag.retrieve import Fusion, Retriever

ARCD = Path(__file__).resolve().parents[2] / "shared" / "data" / "arcd-train.json"


def recall(retriever: Retriever, questions) -> tuple[float, float]:
    r1 = r5 = 0
    for q in questions:
        gold = {(g.doc_id, g.paragraph) for g in q.gold}
        ranked = [(h.doc_id, h.paragraph) for h in retriever.retrieve(q.question, top_k=5)]
        r1 += ranked[0] in gold
        r5 += bool(gold & set(ranked))
    return r1 / len(questions), r5 / len(questions)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", default="/tmp/isnad-arcd-index")
    args = ap.parse_args()
    if not ARCD.exists():
        print(f"skipped: {ARCD} is absent")
        return 0
    arcd = load_set(ARCD)
    assistant = Assistant(args.index)
    ensure_corpus(assistant, arcd)
    questions = [q for q in arcd.questions if q.gold]
    print(f"ARCD-train: {assistant.index.catalog.counts()}, {len(questions)} questions")
    print(f"{'ranker':<44} {'R@1':>6} {'R@5':>6}")
    embedder = CachedEmbedder(assistant.embedder)
    for label, fusion in [
        ("dense only (e5-small, title + chunk)", Fusion(dense_weight=1.0, sentence_weight=0.0)),
        ("BM25 only (normalized, stemmed paragraphs)", Fusion(dense_weight=0.0, sentence_weight=0.0)),
        ("reciprocal rank fusion", Fusion(method="rrf", sentence_weight=0.0)),
        ("weighted score fusion", Fusion(sentence_weight=0.0)),
        ("weighted score fusion + sentences (default)", Fusion()),
    ]:
        r1, r5 = recall(Retriever(assistant.index, embedder, fusion), questions)
        print(f"{label:<44} {r1:>6.3f} {r5:>6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
