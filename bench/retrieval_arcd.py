"""Retrieval quality on ARCD-train: recall@1/@5 of the gold paragraph, per ranker and fusion.

    python bench/retrieval_arcd.py [--index DIR]              # ARCD's 692 Arabic questions
    python bench/retrieval_arcd.py --english [--index DIR]    # eval/arcd_en.jsonl: dev and test columns
    python bench/retrieval_arcd.py --english --articles --index DIR2   # paragraphs grouped by article
    python bench/retrieval_arcd.py --english --articles --index DIR2 --cost 20   # time: default / before
    python bench/retrieval_arcd.py --english --oracle --translations FILE [--translator SPEC]  # with translations
    python bench/retrieval_arcd.py --seeds --english --index SEED_INDEX --translations FILE   # seed English set

Ingests the 231 ARCD paragraphs (one article each, titled by their Wikipedia article; the eval
suite's SQuAD loader) into DIR (default /tmp/isnad-arcd-index, reused when present) and asks its questions.
`--english` asks the English ARCD set instead (hand translations of ARCD-train questions over the same
paragraphs), split by article into `dev` (tune on it) and `test` (report it). `--articles` ingests each
Wikipedia article's three paragraphs as one article of three paragraphs (77 articles; give it its own
index), so that mechanisms that read a paragraph's neighbours or its article have something to read.
`--cost N` times instead a cold `retrieve` (a fresh cache: nothing embedded) of the first N questions with the
default and with the row before it, alternating, in this one process, and prints the medians and their ratio.
`--oracle` / `--translations FILE` ask the English questions with an Arabic translation beside them (the ARCD
originals; a generator's translations cached in FILE, which `--translator SPEC` fills in), eval/README.md's fifth
round.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import statistics
import sys
import time
from pathlib import Path

from eval.sets import SEED_SET, EvalSet, Gold, ensure_corpus, load_set
from rag import Assistant
from rag.embed import CachedEmbedder
from rag.retrieve import Fusion, Retriever, blend, fuse

ARCD = Path(__file__).resolve().parents[2] / "shared" / "data" / "arcd-train.json"
ARCD_EN = Path(__file__).resolve().parents[1] / "eval" / "arcd_en.jsonl"

# The fourth round's neighbouring-paragraph context switched off (rows before it)
NO_NEIGHBOURS = {"previous_margin": 0.0, "previous_names": False, "next_candidates": 0}
# One row per mechanism, each added to the row before it (the last is the default).
ARABIC_ROWS = [
    ("dense only (e5-small, title + chunk)", Fusion(dense_weight=1.0, sentence_weight=0.0)),
    ("BM25 only (normalized, stemmed paragraphs)", Fusion(dense_weight=0.0, sentence_weight=0.0)),
    ("reciprocal rank fusion", Fusion(method="rrf", sentence_weight=0.0)),
    ("weighted score fusion", Fusion(sentence_weight=0.0)),
    ("weighted score fusion + sentences + names", Fusion(**NO_NEIGHBOURS)),
    ("+ paragraph before, paragraph after (default)", Fusion()),
]
# Measured and not built (eval/README.md, English questions, seventh round): the second ranking for every
# Arabic question too, not only for one whose terms the index mostly lacks.
ARABIC_NOT_BUILT = [("every Arabic question ranked again (not built)", Fusion(sentence_known_max=math.inf))]
# English questions: the BM25 side only hears the terms the index knows (names in Latin script, numbers), until
# the last row gives it the question's words in Arabic (rag.lexicon).
_EN = {**NO_NEIGHBOURS, "lexicon_weight": 0.0}
ENGLISH_ROWS = [
    ("dense only (e5-small, title + chunk)", Fusion(dense_weight=1.0, sentence_weight=0.0)),
    ("weighted score fusion (BM25 on known terms)", Fusion(sentence_weight=0.0)),
    ("+ best sentence of the best 30", Fusion(late_interaction=0.0, name_weight=0.0, **_EN)),
    ("+ best sentence of the best 30 + names", Fusion(late_interaction=0.0, **_EN)),
    ("+ half best sentence, half late interaction + names", Fusion(late_interaction=0.5, **_EN)),
    (
        "+ late interaction of the best 30 + names",
        Fusion(word_candidates=0, common_word_weight=1.0, title_tokens=False, **_EN),
    ),
    ("+ common English words count 0.3", Fusion(word_candidates=0, title_tokens=False, **_EN)),
    ("+ 5 more candidates by static word match", Fusion(title_tokens=False, **_EN)),
    ("+ title tokens in late interaction", Fusion(**_EN)),
    ("+ paragraph before, paragraph after", Fusion(lexicon_weight=0.0)),
    ("+ BM25 over the words in Arabic (dictionary; default)", Fusion()),
]


def originals(questions) -> dict[str, str]:
    """Question id -> the ARCD-train Arabic original of each English ARCD question: what a perfect translator gives."""
    arabic = {q.id: q.question for q in load_set(ARCD).questions}
    return {q.id: arabic.get(q.id.removeprefix("arcd-en-"), "") for q in questions}


def translated(questions, cache: Path, translator: str | None = None) -> dict[str, str]:
    """Question id -> its Arabic translation ("" where the translator gave none), read from `cache` (JSON lines:
    id, question, translation). The questions it lacks are asked of the generator `translator`, once each, and
    appended to `cache` as they come, so a rerun asks only for those still missing."""
    done = {}
    if cache.exists():
        rows = map(json.loads, filter(str.strip, cache.read_text("utf-8").splitlines()))
        done = {r["id"]: r["translation"] for r in rows}
    missing = [q for q in questions if q.id not in done]
    if missing and not translator:  # a partial file (a run cut short): its rows count the questions it covers
        print(f"-- {cache}: {len(missing)} of {len(questions)} questions not translated yet (--translator SPEC)")
    if missing:
        from rag.generate import load_generator

        generator = load_generator(translator)
        with cache.open("a", encoding="utf-8") as f:
            for i, q in enumerate(missing, start=1):
                start = time.perf_counter()
                try:
                    done[q.id] = generator.translate(q.question, "ar")
                except Exception as e:  # noqa: BLE001  a failed call is a missing translation, as in `Assistant`
                    print(f"translate failed: {e}", file=sys.stderr)
                    done[q.id] = ""
                row = {"id": q.id, "question": q.question, "translation": done[q.id]}
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
                f.flush()
                seconds = time.perf_counter() - start
                print(f"[{i}/{len(missing)}] {seconds:.1f}s {q.question} -> {done[q.id]}", flush=True)
    return {q.id: done[q.id] for q in questions if q.id in done}


def recall(rank, questions) -> tuple[float, float]:
    """R@1 and R@5, the share of each question's gold paragraphs in its top 1 / 5 (the eval suite's recall; for
    ARCD's one gold paragraph, whether it is there), averaged; `rank(question)` gives a `Question`'s
    (doc_id, paragraph) keys, best first."""
    r1 = r5 = 0.0
    for q in questions:
        gold = {(g.doc_id, g.paragraph) for g in q.gold}
        ranked = rank(q)[:5]
        r1 += len(gold & set(ranked[:1])) / len(gold)
        r5 += len(gold & set(ranked)) / len(gold)
    return r1 / len(questions), r5 / len(questions)


def llama_index_rank(assistant: Assistant):
    """The plain LlamaIndex route of bench/scale.py (`VectorStoreIndex` over the same Chroma collection, the
    same embedder): chunks by dense similarity, each paragraph ranked by its best chunk."""
    from scale import llama_retriever

    retriever = llama_retriever(assistant, top_k=20)

    def rank(question) -> list[tuple[str, int]]:
        found = retriever.retrieve(question.question)
        keys = [(n.node.metadata["doc_id"], int(n.node.metadata["paragraph"])) for n in found]
        return list(dict.fromkeys(keys))

    return rank


GUARD_FLOORS = (0.74, 0.76, 0.78, 0.80, 0.82, 0.84)


def translation_rows(assistant: Assistant, groups: dict, translations: dict[str, dict[str, str]]) -> None:
    """The English questions retrieved with each translator's Arabic translation beside them (`Retriever.retrieve`
    with `translation=`): the translation alone, blended at several weights, reciprocal rank fusion, and the
    guard (`Retriever.faithful`) swept over similarity floors; then the similarity of the translations to
    their questions. Each question's rankings are computed once."""
    retriever = Retriever(assistant.index, CachedEmbedder(assistant.embedder))
    questions = [q for qs in groups.values() for q in qs]
    english = {q.id: retriever.ranked(q.question, 5) for q in questions}
    _row(groups, "English question alone (default)", lambda q: english[q.id])
    for name, of in translations.items():
        covered = {k: [q for q in qs if q.id in of] for k, qs in groups.items()}
        if sum(map(len, covered.values())) < len(questions):
            print(f"-- {name}: on the {'/'.join(str(len(qs)) for qs in covered.values())} questions it covers")
            _row(covered, "English question alone (default)", lambda q: english[q.id])
        _translator_rows(retriever, covered, english, name, {i: text for i, text in of.items() if text})


def _translator_rows(retriever: Retriever, groups: dict, english: dict, name: str, of: dict[str, str]) -> None:
    arabic = {i: retriever.ranked(text, 5) for i, text in of.items()}
    questions = {q.id: q.question for qs in groups.values() for q in qs}
    similarity = {i: retriever.translation_similarity(questions[i], text) for i, text in of.items()}
    print(f"-- {name}: {len(arabic)} of {len(questions)} questions translated (the others keep the English ranking)")
    _row(groups, f"{name}: translation alone", lambda q: arabic.get(q.id) or english[q.id])
    for weight in (0.2, 0.3, 0.5, 0.7, 0.9):
        _row(groups, f"{name}: blend, translation weight {weight}", lambda q, w=weight: _blended(english, arabic, q, w))
    _row(groups, f"{name}: reciprocal rank fusion (k=60)", lambda q: _rrf(english[q.id], arabic.get(q.id, [])))
    for weight in (0.2, 0.3, 0.5, 0.7):
        for floor in GUARD_FLOORS:
            kept = {i: a for i, a in arabic.items() if similarity[i] >= floor}
            label = f"{name}: blend {weight} + guard {floor:.2f} ({len(kept) / max(1, len(arabic)):.0%} kept)"
            _row(groups, label, lambda q, k=kept, w=weight: _blended(english, k, q, w))
    f = Fusion()
    kept = {i: a for i, a in arabic.items() if similarity[i] >= f.translation_similarity}
    label = f"{name}: default (blend {f.translation_weight} + guard {f.translation_similarity})"
    _row(groups, label, lambda q: _blended(english, kept, q, f.translation_weight))
    values = sorted(similarity.values())
    if values:
        cut = " ".join(f"{values[int(p * (len(values) - 1))]:.3f}" for p in (0.1, 0.25, 0.5, 0.75, 0.9))
        print(f"-- {name}: similarity to the question, percentiles 10/25/50/75/90: {cut}")


def _row(groups: dict, label: str, ranking) -> None:
    """One table row: R@1 and R@5 per group of `ranking(question)`, a list of (key, score) best first."""
    cells = [f"{r:>9.3f}" for qs in groups.values() for r in recall(lambda q: [k for k, _ in ranking(q)], qs)]
    print(f"{label:<48} " + " ".join(cells), flush=True)


def _blended(english: dict, arabic: dict, q, weight: float) -> list:
    return blend(english[q.id], arabic[q.id], weight) if q.id in arabic else english[q.id]


def _rrf(*rankings) -> list:
    return sorted(fuse([(r, 1.0) for r in rankings], "rrf").items(), key=lambda kv: -kv[1])


def splits(path: Path) -> dict[str, str]:
    """Question id -> its split (`dev`/`test`), as written in the set file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {r["id"]: r.get("split", "dev") for r in map(json.loads, filter(str.strip, lines))}


def by_article(arcd: EvalSet) -> EvalSet:
    """`arcd` with the paragraphs of each article (consecutive records of one title) as one article
    (`arcd-train-article-<n>`, paragraphs in order) and the questions' gold paragraphs renumbered to match."""
    corpus: list[dict] = []
    where: dict[str, Gold] = {}
    for record in arcd.corpus or []:
        if not corpus or corpus[-1]["title"] != record["title"]:
            corpus.append({**record, "id": f"{record['id'].rsplit('-', 1)[0]}-article-{len(corpus)}", "text": ""})
        article = corpus[-1]
        article["text"] = f"{article['text']}\n\n{record['text']}".strip()
        where[record["id"]] = Gold(article["id"], article["text"].count("\n\n") + 1)
    questions = [dataclasses.replace(q, gold=tuple(where[g.doc_id] for g in q.gold)) for q in arcd.questions]
    return dataclasses.replace(arcd, questions=questions, corpus=corpus, paragraphs={})


def cost(assistant: Assistant, questions, runs: int = 3) -> None:
    """Median seconds of a cold `retrieve` (fresh cache) with the last two rows' fusions, alternating."""
    rows = (ENGLISH_ROWS if questions and questions[0].language == "en" else ARABIC_ROWS)[-2:]
    times: dict[str, list[float]] = {label: [] for label, _ in rows}
    for _ in range(runs):
        for q in questions:
            for label, fusion in rows:
                retriever = Retriever(assistant.index, CachedEmbedder(assistant.embedder), fusion)
                start = time.perf_counter()
                retriever.retrieve(q.question, top_k=5)
                times[label].append(time.perf_counter() - start)
    medians = [statistics.median(times[label]) for label, _ in rows]
    for (label, _), m in zip(rows, medians, strict=True):
        print(f"{label:<48} median cold retrieve {m * 1000:.0f} ms")
    print(f"ratio default / before: {medians[1] / medians[0]:.2f}x ({len(questions)} questions x {runs} runs)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", default="/tmp/isnad-arcd-index")
    ap.add_argument("--english", action="store_true", help="ask eval/arcd_en.jsonl (dev and test columns)")
    ap.add_argument("--articles", action="store_true", help="each article's paragraphs as one article (own --index)")
    ap.add_argument("--cost", type=int, default=0, metavar="N", help="time the first N questions instead")
    ap.add_argument("--oracle", action="store_true", help="with --english: rows with the ARCD Arabic originals")
    ap.add_argument("--seeds", action="store_true", help="the seed set's English questions instead (a seed --index)")
    ap.add_argument(
        "--translations",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="with --english: rows with the Arabic translations cached in FILE (JSON lines: id, question, "
        "translation); repeatable",
    )
    ap.add_argument("--translator", metavar="SPEC", help="generator spec that fills in the last --translations FILE")
    args = ap.parse_args()
    if not ARCD.exists() and not args.seeds:
        print(f"skipped: {ARCD} is absent")
        return 0
    arcd = load_set(SEED_SET if args.seeds else ARCD_EN if args.english else ARCD)
    arcd = by_article(arcd) if args.articles else arcd
    assistant = Assistant.default(index_dir=args.index) if args.seeds else Assistant(args.index)
    ensure_corpus(assistant, arcd)
    questions = [q for q in arcd.questions if q.gold and (q.language == "en" or not args.seeds)]
    groups = {"all": questions}
    if args.english and not args.seeds:
        split = splits(ARCD_EN)
        groups = {name: [q for q in questions if split[q.id] == name] for name in ("dev", "test")}
    if args.cost:
        cost(assistant, questions[: args.cost])
        return 0
    print(f"{arcd.name}: {assistant.index.catalog.counts()}, " + ", ".join(f"{len(v)} {k}" for k, v in groups.items()))
    print(f"{'ranker':<48}" + "".join(f" {k + ' R@1':>9} {k + ' R@5':>9}" for k in groups))
    if args.oracle or args.translations:
        translations = {"ARCD Arabic original": originals(questions)} if args.oracle else {}
        for i, file in enumerate(args.translations, start=1):
            translator = args.translator if i == len(args.translations) else None
            translations[file.stem] = translated(questions, file, translator)
        translation_rows(assistant, groups, translations)
        return 0
    embedder = CachedEmbedder(assistant.embedder)
    for label, fusion in ENGLISH_ROWS if args.english else ARABIC_ROWS + ARABIC_NOT_BUILT:
        retriever = Retriever(assistant.index, embedder, fusion)

        def rank(question, retriever=retriever) -> list[tuple[str, int]]:
            return [(h.doc_id, h.paragraph) for h in retriever.retrieve(question.question, top_k=5)]

        cells = [f"{r:>9.3f}" for qs in groups.values() for r in recall(rank, qs)]
        print(f"{label:<48} " + " ".join(cells), flush=True)
    rank = llama_index_rank(assistant)
    cells = [f"{r:>9.3f}" for qs in groups.values() for r in recall(rank, qs)]
    print(f"{'plain LlamaIndex route (VectorStoreIndex, dense)':<48} " + " ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
