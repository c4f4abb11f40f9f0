"""Ingestion: files -> clean articles -> paragraphs -> chunks -> vectors and BM25 terms in the index.

Idempotent and incremental: an article whose content hash is already in the catalog is skipped, a
changed article has exactly its own chunks replaced, and an interrupted run is finished by running it
again (the catalog row, written last, is what marks an article as done).

Streamed: files are read record by record, and at most about EMBED_BATCH chunks (with their articles) are
held at once, so memory stays flat however large the corpus (`bench/scale.py build` prints the resident
memory as it goes). The progress bar counts articles, with rate and time left (the total is counted
by the first pass below; with `keep_boilerplate`, as one line per record of a .jsonl file, one article per other file).

Boilerplate: each run first records the head and tail lines of every raw article it reads in the
catalog (rag.clean.RepeatedLines), then cleans each article with what its source prints on many pages,
counted over everything the index has recorded, and with the titles of every article the index holds or
the run reads (a body line that is another article's headline is a related-article link). One run gives
the same index whatever the order of its articles. An article indexed before one of its lines became
repeated (or before the article it links to) keeps that line until its file is ingested again (its
cleaned content, hence its content hash, then changes and it is replaced), so ingesting A, then B, then A
again gives the index that ingesting A and B together gives.
`keep_boilerplate=True` indexes articles as read: their content hash differs from the cleaned one, so
switching the option replaces the articles it changes, and repeating a run with the same option adds nothing.
"""

from __future__ import annotations

import gzip
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from tqdm import tqdm

from .clean import RepeatedLines, clean, line_key, removed_lines
from .embed import Embedder
from .load import UnreadableFile, find_files, read_articles
from .schema import Article, Chunk, IngestReport, Paragraph
from .split import chunks, paragraphs
from .store import Index

CHUNK_TOKENS = 160  # in the embedder's own tokens; most news paragraphs fit in one chunk
EMBED_BATCH = 256  # chunks embedded together, across articles (sorted by length inside, so little padding)
# ISNAD_EMBED_BATCH overrides it: larger for an embedding server on a GPU, smaller to hold less in memory.


def passage_text(chunk: Chunk) -> str:
    """What the embedder sees for a chunk: the article title, then the chunk."""
    return f"{chunk.title}\n{chunk.text}"


def ingest(
    paths: Iterable[str | Path],
    index: Index,
    embedder: Embedder,
    *,
    progress: bool = False,
    on_article: Callable[[int, str], None] | None = None,
    chunk_tokens: int = CHUNK_TOKENS,
    keep_boilerplate: bool = False,
) -> IngestReport:
    """Add or update the articles found in `paths`; returns what was done and what was skipped.

    `on_article(done, label)` is called after each article (for progress displays). With
    `keep_boilerplate`, articles are indexed as read, site boilerplate included.
    """
    started = time.perf_counter()
    batch = embed_batch()
    index.claim(embedder.name, embedder.dim)
    files, skipped = find_files(paths)
    report = IngestReport(skipped=list(skipped))
    repeated = None if keep_boilerplate else RepeatedLines(index.catalog)
    total = None
    headlines: frozenset[str] = frozenset()
    if repeated:  # first pass: what each source prints on many pages, and the headlines; it counts the articles
        read = 0
        titles = {line_key(t) for t in index.catalog.titles()}

        def counted() -> Iterable[Article]:
            nonlocal read
            for article in _raw_articles(files):
                read += 1
                titles.add(line_key(article.title))
                yield article

        repeated.record(counted())
        total, headlines = read, frozenset(titles)
    elif progress:
        total = expected_articles(files)
    pending: dict[str, tuple[Article, list[Paragraph], list[Chunk]]] = {}
    done = 0
    bar = tqdm(
        desc="ingest",
        unit=" articles",
        total=total,
        disable=not progress,
        dynamic_ncols=True,
    )

    def flush() -> None:
        todo = list(pending.values())
        pending.clear()
        if not todo:
            return
        all_chunks = [c for _, _, cs in todo for c in cs]
        vectors = embedder.embed_passages([passage_text(c) for c in all_chunks])
        metadata = {
            article.doc_id: {
                "source": article.source,
                "url": article.url,
                "date": article.date,
                "content_hash": article.content_hash,
            }
            for article, _, _ in todo
        }
        index.vectors.replace(list(metadata), all_chunks, vectors, metadata)
        for article, paras, cs in todo:
            index.catalog.put_article(article, paras, cs)
            report.articles += 1
            report.paragraphs += len(paras)
            report.chunks += len(cs)
        bar.set_postfix_str(f"{report.chunks} chunks", refresh=False)

    for path in files:
        try:
            for raw in read_articles(path, report.skipped):
                article = raw if repeated is None else clean(raw, repeated.repeated(raw), headlines)
                done += 1
                bar.update()
                if on_article:
                    on_article(done, article.title)
                if not article.paragraphs:
                    report.skipped.append((f"{path}#{article.doc_id}", "no article text left after cleaning"))
                    continue
                if article.doc_id in pending:
                    report.skipped.append(
                        (f"{path}#{article.doc_id}", "duplicate id in this run; the later one is kept")
                    )
                    del pending[article.doc_id]  # even when the later one is what the index already holds
                old = index.catalog.content_hash(article.doc_id)
                if old == article.content_hash:
                    report.unchanged += 1
                    continue
                if old is not None:
                    report.replaced += 1
                report.boilerplate += len(removed_lines(raw, article))
                paras = paragraphs(article)
                pending[article.doc_id] = (
                    article,
                    paras,
                    [c for p in paras for c in chunks(p, embedder.count_tokens, chunk_tokens)],
                )
                if sum(len(cs) for _, _, cs in pending.values()) >= batch:
                    flush()
        except UnreadableFile as e:
            report.skipped.append((str(path), str(e)))
    flush()
    bar.close()
    report.seconds = time.perf_counter() - started
    return report


def embed_batch() -> int:
    """Chunks embedded and stored together: ISNAD_EMBED_BATCH, else EMBED_BATCH."""
    value = os.environ.get("ISNAD_EMBED_BATCH") or str(EMBED_BATCH)
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"ISNAD_EMBED_BATCH must be a whole number of chunks, 1 or more (not {value!r})")
    return int(value)


def expected_articles(files: list[Path]) -> int:
    """About how many articles `files` hold (for the progress bar): a .jsonl file's non-empty lines, else 1."""
    total = 0
    for path in files:
        name = path.name.lower()
        if not name.endswith((".jsonl", ".jsonl.gz")):
            total += 1
            continue
        try:
            with gzip.open(path, "rb") if name.endswith(".gz") else open(path, "rb") as f:
                total += sum(1 for line in f if line.strip())
        except (OSError, EOFError, ValueError):  # damaged: read_articles reports it
            total += 1
    return total


def _raw_articles(files: list[Path]) -> Iterable[Article]:
    """Every raw article of the files; unreadable files and records are left to the main pass to report."""
    for path in files:
        try:
            yield from read_articles(path, [])
        except UnreadableFile:
            continue
