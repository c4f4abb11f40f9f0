"""Retrieval quality on ARCD-train: recall@1/@5 of the gold paragraph, per ranker and fusion.

    python bench/retrieval_arcd.py [--index DIR]

Ingests the 231 ARCD paragraphs (one article each, titled by their Wikipedia article) into DIR
(default /tmp/isnad-arcd-index, reused when present) and asks its 693 questions.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from rag import Assistant
from rag.retrieve import Fusion, Retriever

ARCD = Path(__file__).resolve().parents[2] / "shared" / "data" / "arcd-train.json"


def arcd(path: Path, folder: Path) -> tuple[Path, list[tuple[str, str]]]:
    """The paragraphs as a JSONL corpus, and (question, gold doc_id) pairs."""
    data = json.loads(path.read_text(encoding="utf-8"))
    records, questions = [], []
    for article in data["data"]:
        for p in article["paragraphs"]:
            doc_id = f"arcd-{len(records) + 1}"
            records.append({"id": doc_id, "title": article["title"], "text": p["context"]})
            questions += [(q["question"].strip(), doc_id) for q in p["qas"]]
    corpus = folder / "arcd.jsonl"
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    return corpus, questions


def recall(retriever: Retriever, questions: list[tuple[str, str]]) -> tuple[float, float]:
    r1 = r5 = 0
    for question, gold in questions:
        ids = [h.doc_id for h in retriever.retrieve(question, top_k=5)]
        r1 += ids[:1] == [gold]
        r5 += gold in ids
    return r1 / len(questions), r5 / len(questions)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", default="/tmp/isnad-arcd-index")
    args = ap.parse_args()
    if not ARCD.exists():
        print(f"skipped: {ARCD} is absent")
        return 0
    assistant = Assistant(args.index)
    with tempfile.TemporaryDirectory() as tmp:
        corpus, questions = arcd(ARCD, Path(tmp))
        report = assistant.ingest([corpus])
    counts = assistant.index.catalog.counts()
    print(f"ARCD-train: {counts} ({report.articles} newly ingested), {len(questions)} questions")
    print(f"{'ranker':<44} {'R@1':>6} {'R@5':>6}")
    for label, fusion in [
        ("dense only (e5-small, title + chunk)", Fusion(dense_weight=1.0)),
        ("BM25 only (normalized, stemmed paragraphs)", Fusion(dense_weight=0.0)),
        ("reciprocal rank fusion", Fusion(method="rrf")),
        ("weighted score fusion (default)", Fusion()),
    ]:
        r1, r5 = recall(Retriever(assistant.index, assistant.embedder, fusion), questions)
        print(f"{label:<44} {r1:>6.3f} {r5:>6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
