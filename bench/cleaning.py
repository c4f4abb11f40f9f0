"""Cleaning benchmark: does the cleaner keep every body sentence and remove the site boilerplate?

    .venv/bin/python bench/cleaning.py                        # the labelled set, then removal counts
    .venv/bin/python bench/cleaning.py --articles 2000        # count removals over the first 2000 ANT articles
    .venv/bin/python bench/cleaning.py --baseline /work/main  # the cleaner of another checkout, same set

Each line of eval/boilerplate_lines.jsonl (labelled boilerplate | body) is judged in its article: the
cleaner runs on the whole raw article, with the repetition evidence `isnad ingest` would gather over
the ANT corpus and the seeds (rag.clean.RepeatedLines, counted in a temporary catalog) and their titles as
the headlines of the other articles, and the line
is kept when it is still the title or a paragraph. Prints body lines kept (target >= 99.5%) and
boilerplate removed (target >= 95%) per split and per source, the lines it gets wrong, then how many
lines the cleaner removes over ANT articles and the seeds, with the most frequent ones.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "eval" / "boilerplate_lines.jsonl"
ANT_NEWS = ROOT.parent / "shared" / "data" / "ant_news.jsonl.gz"
SEEDS = ROOT / "seeds"
CONTEXT = SEEDS / "000_d5f7ec68f2725137.txt"  # the article the sentences are appended to


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=None, help="ANT articles to count removals over (default all)")
    ap.add_argument("--baseline", type=Path, help="a checkout whose rag.clean to measure instead (e.g. /work/main)")
    ap.add_argument("--show", type=int, default=15, help="most frequent removed lines to print")
    args = ap.parse_args()
    if not ANT_NEWS.exists():
        sys.exit(f"{ANT_NEWS} is not here: the benchmark needs the ANT corpus")
    sys.path.insert(0, str(args.baseline or ROOT))
    from rag.load import read_articles
    from rag.store import Catalog

    clean_module = importlib.import_module("rag.clean")
    print(f"cleaner: {inspect.getsourcefile(clean_module)}")
    ant = list(read_articles(ANT_NEWS))
    seeds = [a for path in sorted(SEEDS.glob("*.txt")) for a in read_articles(path)]
    with tempfile.TemporaryDirectory() as tmp:
        clean = _cleaner(clean_module, Catalog(Path(tmp) / "catalog.sqlite3"), [*ant, *seeds])
        labelled(clean, {a.doc_id: a for a in [*ant, *seeds]}, read_articles)
        removals(clean, ant[: args.articles], seeds, args.show)


def _cleaner(module, catalog, corpus):
    """clean(raw) with the repetition evidence of `corpus`, and its titles as the headlines, when the cleaner
    takes them (an older checkout's may not)."""
    if not hasattr(module, "RepeatedLines"):
        return module.clean
    started = time.perf_counter()
    repeated = module.RepeatedLines(catalog)
    repeated.record(corpus)
    print(f"repetition evidence: {len(corpus)} articles recorded in {time.perf_counter() - started:.1f}s")
    if "headlines" not in inspect.signature(module.clean).parameters:
        return lambda raw: module.clean(raw, repeated.repeated(raw))
    headlines = frozenset(module.line_key(a.title) for a in corpus)
    return lambda raw: module.clean(raw, repeated.repeated(raw), headlines)


def labelled(clean, articles: dict, read_articles) -> None:
    """Body kept and boilerplate removed over the labelled lines, per split and per source."""
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    tally: dict[tuple[str, str], Counter] = defaultdict(Counter)
    wrong = []
    for row in rows:
        raw = _context(row, articles, read_articles)
        cleaned = clean(raw)
        kept = row["line"] == cleaned.title or row["line"] in cleaned.paragraphs
        right = kept == (row["label"] == "body")
        for key in (("all", row["split"]), (row["source"], row["split"]), ("all", "all")):
            tally[key][row["label"], right] += 1
        if not right:
            wrong.append(row)
    print(f"\nlabelled lines: {len(rows)} ({LABELLED.relative_to(ROOT)})")
    print(f"{'source':<10} {'split':<8} {'body kept':>18} {'boilerplate removed':>22}")
    for (source, split), c in sorted(tally.items(), key=lambda kv: (kv[0][0] != "all", kv[0])):
        print(f"{source:<10} {split:<8} {_share(c, 'body'):>18} {_share(c, 'boilerplate'):>22}")
    for row in wrong:
        verdict = "REMOVED body" if row["label"] == "body" else "KEPT boilerplate"
        print(f"  {verdict} [{row['split']}] {row['where']}: {row['line'][:100]}")


def _context(row: dict, articles: dict, read_articles):
    """The raw article a labelled line is judged in (its line checked against the source text)."""
    from dataclasses import replace

    where = row["where"]
    if where.startswith("issue"):
        raw = next(read_articles(CONTEXT))
        return replace(raw, paragraphs=(*raw.paragraphs, row["line"]))
    key, _, n = where.removeprefix("ant:").rpartition("#")
    raw = articles[Path(key).stem if key.startswith("seeds/") else key]
    assert [raw.title, *raw.paragraphs][int(n)] == row["line"], where
    return raw


def _share(c: Counter, label: str) -> str:
    n = c[label, True] + c[label, False]
    return f"{c[label, True]}/{n} = {c[label, True] / n:.1%}" if n else "-"


def removals(clean, ant: list, seeds: list, show: int) -> None:
    """How many lines the cleaner removes over ANT articles and the seeds, and the most frequent ones."""
    print()
    for name, articles in (("ANT", ant), ("seeds", seeds)):
        lines = removed = 0
        by_source: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        frequent: Counter = Counter()
        for raw in articles:
            cleaned = clean(raw)
            gone = Counter([raw.title, *raw.paragraphs]) - Counter([cleaned.title, *cleaned.paragraphs])
            n_lines, n_gone = 1 + len(raw.paragraphs), sum(gone.values())
            lines, removed = lines + n_lines, removed + n_gone
            by_source[raw.source or "-"][0] += n_lines
            by_source[raw.source or "-"][1] += n_gone
            frequent.update(gone)
        print(f"{name}: {len(articles)} articles, {removed} of {lines} lines removed ({removed / lines:.2%})")
        for source, (n_lines, n_gone) in sorted(by_source.items()):
            print(f"  {source:<10} {n_gone:>6} of {n_lines:>7} lines ({n_gone / n_lines:.2%})")
        for line, n in islice(frequent.most_common(), show):
            print(f"    {n:>5} x {line[:110]}")


if __name__ == "__main__":
    main()
