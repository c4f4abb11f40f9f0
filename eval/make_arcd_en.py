"""Build eval/arcd_en.jsonl, the English ARCD set, from the hand-written translations in eval/arcd_en.tsv.

Only the English questions and references are written by hand (eval/arcd_en.tsv: ARCD question id,
question, reference, tab-separated); gold, keys and evidence come from the SQuAD loader, so each English
question is scored exactly like its Arabic original, and falls on its original's side of the split
(`eval.sets.split_of`: by article). Every ARCD-train question with an answer can be translated: the
even-numbered articles' (0, 2, 4, ... in file order) were the first round, the odd-numbered ones' the second.

    python -m eval.make_arcd_en [--arcd ../shared/data/arcd-train.json]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path

from .sets import load_set

HERE = Path(__file__).resolve().parent
ARCD = HERE.parents[1] / "shared" / "data" / "arcd-train.json"
TRANSLATIONS = HERE / "arcd_en.tsv"
OUT = HERE / "arcd_en.jsonl"


def build(arcd: Path, translations: Path, out: Path) -> tuple[int, int]:
    """Write the set; returns (questions written, ARCD questions with an answer still untranslated)."""
    chosen = [q for q in load_set(arcd).questions if q.gold]
    with translations.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE) if r and not r[0].startswith("#")]
    english = {}
    for row in rows:
        if len(row) != 3 or not all(x.strip() for x in row):
            sys.exit(f"{translations}: expected `id<TAB>question<TAB>reference`, got {row}")
        english[row[0]] = (row[1].strip(), row[2].strip())
    unknown = set(english) - {q.id for q in chosen}
    if unknown:
        sys.exit(f"{translations}: not ARCD questions with an answer: {', '.join(sorted(unknown))}")
    corpus = os.path.relpath(arcd.resolve(), out.resolve().parent)
    written = 0
    with out.open("w", encoding="utf-8") as f:
        for q in chosen:
            if q.id not in english:
                continue
            question, reference = english[q.id]
            record = {
                "id": f"arcd-en-{q.id}",
                "question": question,
                "language": "en",
                "type": q.type,
                "gold": [{"doc_id": g.doc_id, "paragraph": g.paragraph} for g in q.gold],
                "reference": reference,
                "keys": list(q.keys),
                "keys_all": q.keys_all,
                "evidence": list(q.evidence),
                "source_id": q.id,
                "split": q.split,
                "corpus": corpus,
            }
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
            written += 1
    return written, len(chosen) - written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--arcd", type=Path, default=ARCD, help=f"ARCD-train (default {ARCD})")
    args = ap.parse_args(argv)
    written, missing = build(args.arcd, TRANSLATIONS, OUT)
    print(f"{OUT}: {written} questions ({missing} ARCD questions not translated yet)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
