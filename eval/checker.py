"""The support checker measured on a labelled set of reply sentences (eval/checker_set.jsonl).

>>> from eval.checker import load_claims, measure, format_table
>>> claims = load_claims()                                    # doctest: +SKIP
>>> print(format_table(measure(SupportChecker(embedder), claims)))  # doctest: +SKIP

Each row of the set is one sentence as a language model would write it in a reply, with its `[1]` marker,
the paragraph it cites and the other paragraphs retrieved with it: correct sentences (paraphrased,
English about Arabic paragraphs) and wrong ones (a changed number, a swapped name, a citation of another
paragraph of the same article, a claim no paragraph makes). The checker must remove the wrong ones and keep
the correct ones. Paragraphs are referenced, not copied: seed paragraphs are read from seeds/ (numbered as
the product numbers them), ARCD paragraphs from ../shared/data/arcd-train.json (rows skipped when absent).
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.clean import clean
from rag.embed import Embedder
from rag.load import article_from_record, read_file
from rag.support import Support, SupportChecker

ROOT = Path(__file__).resolve().parents[1]
CHECKER_SET = Path(__file__).resolve().parent / "checker_set.jsonl"
CHECKER_ARTICLES = Path(__file__).resolve().parent / "checker_articles.txt"  # the news articles it cites
ARCD = ROOT.parent / "shared" / "data" / "arcd-train.json"
ANT_NEWS = ROOT.parent / "shared" / "data" / "ant_news.jsonl.gz"
KINDS = ("correct", "changed_number", "misplaced_figure", "swapped_name", "other_paragraph", "unsupported_claim")
TARGET = 0.95  # issue 9: remove at least 95% of the wrong sentences, keep at least 95% of the correct ones


@dataclass(frozen=True)
class Claim:
    """One labelled reply sentence; `cited` and `retrieved` are (doc_id, paragraph) references."""

    id: str
    split: str  # "dev" (calibrate on it) or "test" (report on it)
    language: str
    kind: str
    sentence: str
    cited: tuple[str, int]
    retrieved: tuple[tuple[str, int], ...]
    supported: bool

    def texts(self, paragraphs: dict[tuple[str, int], str]) -> tuple[str, list[str]]:
        """The cited paragraph's text and the other retrieved paragraphs' texts."""
        return paragraphs[self.cited], [paragraphs[r] for r in self.retrieved if r in paragraphs]


def load_claims(path: str | Path = CHECKER_SET) -> list[Claim]:
    out = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        r = json.loads(line)
        if r["kind"] not in KINDS or r["label"] not in ("supported", "unsupported"):
            raise ValueError(f"{path}:{n}: unknown kind or label")
        out.append(
            Claim(
                r["id"],
                r["split"],
                r["language"],
                r["kind"],
                r["sentence"],
                (r["cited"]["doc_id"], r["cited"]["paragraph"]),
                tuple((x["doc_id"], x["paragraph"]) for x in r["retrieved"]),
                r["label"] == "supported",
            )
        )
    return out


def paragraphs(arcd: Path = ARCD, news: Path = ANT_NEWS) -> dict[tuple[str, int], str]:
    """The texts the set refers to: the seed paragraphs, and ARCD's and the news articles' when their files
    are there (each cleaned and numbered as `isnad ingest` numbers it)."""
    from .sets import load_set, news_records

    raw = [a for path in sorted((ROOT / "seeds").glob("*.txt")) for a in read_file(path)[0]]
    if news.exists():
        raw += [article_from_record(r, r["id"], str(news)) for r in news_records(news, CHECKER_ARTICLES, CHECKER_SET)]
    out = {}
    for article in map(clean, raw):
        out |= {(article.doc_id, i): text for i, text in enumerate(article.paragraphs, 1)}
    if arcd.exists():
        out |= {(r["id"], 1): r["text"] for r in load_set(arcd).corpus or []}
    return out


@dataclass(frozen=True)
class Verdict:
    claim: Claim
    support: Support

    @property
    def right(self) -> bool:
        return self.support.supported == self.claim.supported


def measure(
    checker: SupportChecker,
    claims: Iterable[Claim],
    texts: dict[tuple[str, int], str] | None = None,
    *,
    use_others: bool = True,
) -> list[Verdict]:
    """The checker's verdict on every claim whose paragraphs are available, given the other retrieved ones
    (unless `use_others` is False)."""
    texts = paragraphs() if texts is None else texts
    out = []
    for c in claims:
        if c.cited not in texts:
            continue
        cited, others = c.texts(texts)
        out.append(Verdict(c, checker.check(c.sentence, [cited], others=others if use_others else None)))
    return out


def table(verdicts: list[Verdict]) -> list[dict]:
    """Rows per split and language: correct sentences kept, wrong ones removed (overall and per kind)."""
    rows = []
    for split in ("dev", "test"):
        for lang in ("ar", "en", "all"):
            vs = [v for v in verdicts if v.claim.split == split and lang in (v.claim.language, "all")]
            if not vs:
                continue
            row = {"split": split, "language": lang}
            for kind in KINDS:
                k = [v for v in vs if v.claim.kind == kind]
                row[kind] = (sum(v.right for v in k), len(k))
            wrong = [v for v in vs if not v.claim.supported]
            row["kept"] = row["correct"]
            row["removed"] = (sum(v.right for v in wrong), len(wrong))
            rows.append(row)
    return rows


def _share(pair: tuple[int, int]) -> str:
    right, n = pair
    return f"{right / n:.3f} ({right}/{n})" if n else "—"


def format_table(verdicts: list[Verdict]) -> str:
    """A markdown table: per split and language, correct kept, wrong removed, and removed per kind."""
    head = ["split", "lang", "correct kept", "wrong removed", *(k.replace("_", " ") for k in KINDS[1:])]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in table(verdicts):
        cells = [r["split"], r["language"], _share(r["kept"]), _share(r["removed"])]
        cells += [_share(r[k]) for k in KINDS[1:]]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


class StoredEmbedder(Embedder):
    """An embedder whose vectors are kept in a file between runs."""

    def __init__(self, inner: Embedder, path: Path):
        self.inner, self.path = inner, path
        self.name, self.dim, self.max_tokens = inner.name, inner.dim, inner.max_tokens
        self.vectors: dict = pickle.loads(path.read_bytes()) if path.exists() else {}

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        new = [t for t in dict.fromkeys(texts) if ("p", t) not in self.vectors]
        if new:
            self.vectors |= {("p", t): v for t, v in zip(new, self.inner.embed_passages(new), strict=True)}
        return np.stack([self.vectors[("p", t)] for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        if ("q", text) not in self.vectors:
            self.vectors[("q", text)] = self.inner.embed_query(text)
        return self.vectors[("q", text)]

    def embed_tokens(self, texts: list[str], query: bool = False) -> tuple[np.ndarray, list[np.ndarray]] | None:
        kind = "q" if query else "p"
        new = [t for t in dict.fromkeys(texts) if (kind + "t", t) not in self.vectors]
        if new:
            got = self.inner.embed_tokens(new, query=query)
            if got is None:
                return None
            for t, v, states in zip(new, *got, strict=True):
                self.vectors[(kind, t)], self.vectors[(kind + "t", t)] = v, states.astype(np.float16)
        if not texts:
            return np.zeros((0, self.dim), np.float32), []
        return (
            np.stack([self.vectors[(kind, t)] for t in texts]),
            [self.vectors[(kind + "t", t)].astype(np.float32) for t in texts],
        )

    def token_words(self, texts: list[str], query: bool = False) -> list[list[int]] | None:
        return self.inner.token_words(texts, query=query)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def save(self) -> None:
        self.path.write_bytes(pickle.dumps(self.vectors))


def mistakes(verdicts: list[Verdict]) -> list[Verdict]:
    return [v for v in verdicts if not v.right]


def report(checker: SupportChecker, path: str | Path = CHECKER_SET) -> str:
    """The checker's table on the labelled set, with a heading saying what was measured (for `isnad eval`)."""
    claims = load_claims(path)
    verdicts = measure(checker, claims)
    skipped = len(claims) - len(verdicts)
    note = f", {skipped} ARCD sentences skipped: {ARCD} is absent" if skipped else ""
    head = (
        f"support checker on {Path(path).name} ({len(verdicts)} reply sentences{note}): correct sentences kept "
        f"and wrong ones removed, target {TARGET:.2f} (python bench/checker.py --mistakes lists the misses)"
    )
    return head + "\n\n" + format_table(verdicts)
