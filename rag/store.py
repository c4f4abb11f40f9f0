"""Where the index lives: chunk vectors in Chroma, articles, paragraphs and BM25 terms in SQLite.

An index is a folder. `catalog.sqlite3` holds the articles (with their content hash), their paragraphs,
their chunks and an FTS5 table of normalized, stemmed terms (SQLite's BM25). Vectors live in Chroma:
embedded in `chroma/` beside it, or on a Chroma server when a URL is given. The catalog row of an
article is written last, in one transaction, so an interrupted ingestion is simply redone.
"""

from __future__ import annotations

import json
import logging
import math
import sqlite3
import threading
import time
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from itertools import groupby
from pathlib import Path
from urllib.parse import urlparse

import httpx
import numpy as np
from filelock import FileLock, Timeout

from .normalize import TERMS_VERSION, terms
from .schema import Article, Chunk, Paragraph

# A Chroma server: seconds to connect, seconds for one request, pauses before trying an unreachable one again.
CONNECT_SECONDS = 5.0
REQUEST_SECONDS = 120.0
RETRY_PAUSES = (0.5, 1.0)
LOCK_PAUSES = (0.1, 0.3, 1.0)  # seconds between tries of a change to a Chroma database another connection is writing
log = logging.getLogger(__name__)
# HNSW's search breadth: several times the 100 candidates a question fetches, so the nearest chunks are found
# (not a graph walk's approximation) and found again after the graph is rebuilt from Chroma's log on open
SEARCH_EF = 500


class IndexUnusable(Exception):
    """The index cannot be used as asked (wrong model, empty, unreachable server)."""


class StoreUnavailable(IndexUnusable):
    """The Chroma server cannot be reached."""


class ModelMismatch(IndexUnusable):
    """The index was built with another embedding model."""


class IndexBusy(IndexUnusable):
    """Another ingestion is writing to the index."""


@dataclass(frozen=True)
class ArticleInfo:
    """What the catalog knows about one indexed article."""

    doc_id: str
    title: str
    source: str
    url: str
    date: str
    path: str
    paragraphs: int
    content_hash: str


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    doc_id TEXT PRIMARY KEY, title TEXT, source TEXT, url TEXT, date TEXT, path TEXT,
    content_hash TEXT NOT NULL, paragraphs INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS paragraphs (
    doc_id TEXT NOT NULL, paragraph INTEGER NOT NULL, text TEXT NOT NULL,
    PRIMARY KEY (doc_id, paragraph));
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, paragraph INTEGER NOT NULL,
    start INTEGER NOT NULL, end INTEGER NOT NULL, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks (doc_id);
CREATE VIRTUAL TABLE IF NOT EXISTS lexical USING fts5(terms, title_terms, doc_id UNINDEXED, paragraph UNINDEXED);
CREATE VIRTUAL TABLE IF NOT EXISTS lexical_vocab USING fts5vocab(lexical, 'row');
CREATE TABLE IF NOT EXISTS edge_lines (
    source TEXT NOT NULL, line TEXT NOT NULL, doc_id TEXT NOT NULL, PRIMARY KEY (source, line, doc_id));
CREATE INDEX IF NOT EXISTS edge_lines_doc ON edge_lines (doc_id);
"""


class Catalog:
    """The SQLite side of an index: articles, paragraphs, chunks and their BM25 terms."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock, self._db:
            self._db.executescript(_SCHEMA)

    def _read(self, sql: str, params=()) -> list[tuple]:
        """Run a query under the lock (one connection is shared by the chat's threads)."""
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def get_meta(self, key: str) -> str | None:
        rows = self._read("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def ensure_terms(self) -> bool:
        """Recompute every paragraph's BM25 terms from its stored text when another version of `terms`
        (TERMS_VERSION) made them, as in an index built before an upgrade; True when it did."""
        made_by = self.get_meta("terms_version")
        if made_by == TERMS_VERSION:
            return False
        with self._lock, self._db:
            titles = dict(self._db.execute("SELECT doc_id, title FROM articles"))
            rows = self._db.execute("SELECT doc_id, paragraph, text FROM paragraphs ORDER BY doc_id").fetchall()
            if rows:  # once after an upgrade; about 0.6 ms a paragraph (eval/README.md, "Tenth round")
                log.warning(
                    "recomputing the BM25 terms of %d paragraphs (made by terms version %s, now %s)",
                    len(rows),
                    made_by or "1",
                    TERMS_VERSION,
                )
            self._db.execute("DELETE FROM lexical")
            for doc_id, group in groupby(rows, key=lambda r: r[0]):
                paragraphs = [(n, text) for _, n, text in group]
                self._db.executemany(_INSERT_LEXICAL, _lexical_rows(doc_id, titles.get(doc_id) or "", paragraphs))
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('terms_version', ?)", (TERMS_VERSION,))
        return True

    def content_hash(self, doc_id: str) -> str | None:
        rows = self._read("SELECT content_hash FROM articles WHERE doc_id = ?", (doc_id,))
        return rows[0][0] if rows else None

    def put_article(
        self,
        article: Article,
        paragraphs: list[Paragraph],
        chunks: list[Chunk],
    ) -> None:
        """Replace everything stored for this article, atomically, with its paragraphs' BM25 terms."""
        a = article
        lexical = _lexical_rows(a.doc_id, a.title, [(p.paragraph, p.text) for p in paragraphs])
        with self._lock, self._db:
            self._delete(a.doc_id)
            self._db.executemany(
                "INSERT INTO paragraphs VALUES (?, ?, ?)",
                [(a.doc_id, p.paragraph, p.text) for p in paragraphs],
            )
            self._db.executemany(
                "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?)",
                [(c.id, c.doc_id, c.paragraph, c.start, c.end, c.text) for c in chunks],
            )
            self._db.executemany(_INSERT_LEXICAL, lexical)
            self._db.execute(
                "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (a.doc_id, a.title, a.source, a.url, a.date, a.path, a.content_hash, len(paragraphs)),
            )

    def _delete(self, doc_id: str) -> None:
        for table in ("lexical", "chunks", "paragraphs", "articles"):
            self._db.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))

    def put_edge_lines(self, rows: Iterable[tuple[str, str, list[str]]]) -> None:
        """Record the head and tail line keys of raw articles, (source, doc_id, keys) each, replacing what
        an article recorded before (rag.clean.RepeatedLines counts them)."""
        with self._lock, self._db:
            for source, doc_id, keys in rows:
                self._db.execute("DELETE FROM edge_lines WHERE doc_id = ?", (doc_id,))
                self._db.executemany("INSERT INTO edge_lines VALUES (?, ?, ?)", [(source, k, doc_id) for k in keys])

    def edge_line_counts(self, source: str, at_least: int) -> tuple[int, dict[str, int]]:
        """(articles recorded for `source`, {line key: articles it is in}) for lines in `at_least` articles."""
        articles = self._read("SELECT count(DISTINCT doc_id) FROM edge_lines WHERE source = ?", (source,))[0][0]
        rows = self._read(
            "SELECT line, count(*) FROM edge_lines WHERE source = ? GROUP BY line HAVING count(*) >= ?",
            (source, at_least),
        )
        return articles, dict(rows)

    def search_terms(self, terms: list[str], k: int) -> list[tuple[tuple[str, int], float]]:
        """BM25 over paragraphs (their terms plus their article's title terms): [((doc_id, paragraph), score)]."""
        if not terms:
            return []
        query = " OR ".join('"' + t.replace('"', "") + '"' for t in dict.fromkeys(terms))
        rows = self._read(
            "SELECT doc_id, paragraph, -bm25(lexical, 1.0, 1.0) AS s FROM lexical WHERE lexical MATCH ?"
            " ORDER BY s DESC LIMIT ?",
            (query, k),
        )
        return [((doc_id, int(paragraph)), float(s)) for doc_id, paragraph, s in rows]

    def document_frequency(self, terms: list[str], without: Collection[str] = ()) -> dict[str, int]:
        """In how many paragraphs each term occurs (0 for a term the index never saw); `without`: not
        counting the paragraphs of these articles (the index as if they were removed)."""
        marks = ",".join("?" * len(terms))
        df = dict(self._read(f"SELECT term, doc FROM lexical_vocab WHERE term IN ({marks})", terms))
        if without:
            docs = ",".join("?" * len(without))
            for t in [t for t in terms if df.get(t)]:
                query = '"' + t.replace('"', "") + '"'
                sql = f"SELECT count(*) FROM lexical WHERE lexical MATCH ? AND doc_id IN ({docs})"
                df[t] -= self._read(sql, (query, *without))[0][0]
        return {t: df.get(t, 0) for t in terms}

    def term_weights(self, terms: list[str], without: Collection[str] = ()) -> dict[str, float]:
        """BM25's IDF of each term over the paragraphs; a term the index never saw weighs the most.
        `without`: over the paragraphs of the other articles (the index as if these were removed)."""
        marks = ",".join("?" * len(without))
        n = self._read("SELECT count(*) FROM paragraphs")[0][0]
        if without:
            n -= self._read(f"SELECT count(*) FROM paragraphs WHERE doc_id IN ({marks})", tuple(without))[0][0]
        df = self.document_frequency(terms, without)
        return {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}

    def chunk_rows(self, chunk_ids: list[str]) -> dict[str, tuple[str, int, str]]:
        """chunk id -> (doc_id, paragraph, chunk text)."""
        marks = ",".join("?" * len(chunk_ids))
        rows = self._read(f"SELECT id, doc_id, paragraph, text FROM chunks WHERE id IN ({marks})", chunk_ids)
        return {r[0]: (r[1], r[2], r[3]) for r in rows}

    def paragraph_text(self, doc_id: str, paragraph: int) -> str | None:
        rows = self._read("SELECT text FROM paragraphs WHERE doc_id = ? AND paragraph = ?", (doc_id, paragraph))
        return rows[0][0] if rows else None

    def article(self, doc_id: str) -> ArticleInfo | None:
        rows = self._read("SELECT * FROM articles WHERE doc_id = ?", (doc_id,))
        return _info(rows[0]) if rows else None

    def articles(self) -> list[ArticleInfo]:
        return [_info(r) for r in self._read("SELECT * FROM articles ORDER BY doc_id")]

    def titles(self) -> list[str]:
        """Every stored article's title (what ingestion needs of them all: `articles` reads whole rows)."""
        return [r[0] for r in self._read("SELECT title FROM articles")]

    def counts(self) -> dict[str, int]:
        return {t: self._read(f"SELECT count(*) FROM {t}")[0][0] for t in ("articles", "paragraphs", "chunks")}


_INSERT_LEXICAL = "INSERT INTO lexical VALUES (?, ?, ?, ?)"


def _tried(fn, pauses: tuple[float, ...], again) -> object:
    """`fn()`, tried again after each of `pauses` (seconds) while it fails with an exception `again(e)` accepts;
    the last failure is raised."""
    for pause in (*pauses, None):
        try:
            return fn()
        except Exception as e:
            if pause is None or not again(e):
                raise
            time.sleep(pause)


def _lexical_rows(doc_id: str, title: str, paragraphs: list[tuple[int, str]]) -> list[tuple[str, str, str, int]]:
    """The BM25 rows of one article: (paragraph terms, title terms, doc_id, paragraph number)."""
    title_terms = " ".join(terms(title))
    return [(" ".join(terms(text)), title_terms, doc_id, n) for n, text in paragraphs]


def _info(row) -> ArticleInfo:
    doc_id, title, source, url, date, path, content_hash, n = row
    return ArticleInfo(doc_id, title, source, url, date, path, n, content_hash)


class Vectors:
    """The Chroma side of an index: one collection of chunk vectors, tagged with the model that made them."""

    def __init__(self, index_dir: Path, chroma_url: str | None = None, collection: str = "isnad"):
        import chromadb
        from chromadb.config import Settings

        settings = Settings(anonymized_telemetry=False)
        self.where = chroma_url or str(index_dir / "chroma")
        self.remote = bool(chroma_url)
        try:
            if chroma_url:
                u = urlparse(chroma_url if "//" in chroma_url else f"http://{chroma_url}")
                # chromadb waits forever for a server that accepts connections but never answers: ask first
                base = f"{u.scheme or 'http'}://{u.netloc or chroma_url}"
                httpx.get(f"{base}/api/v2/heartbeat", timeout=CONNECT_SECONDS).raise_for_status()
                self._client = chromadb.HttpClient(
                    host=u.hostname or "127.0.0.1",
                    port=u.port or (443 if u.scheme == "https" else 8000),
                    ssl=u.scheme == "https",
                    settings=settings,
                )
                session = getattr(getattr(self._client, "_server", None), "_session", None)
                if isinstance(session, httpx.Client):  # chromadb's own requests get a time limit too
                    session.timeout = httpx.Timeout(REQUEST_SECONDS, connect=CONNECT_SECONDS)
                self._client.heartbeat()
            else:
                self._client = chromadb.PersistentClient(path=self.where, settings=settings)
            self._collection = self._client.get_or_create_collection(
                collection, configuration={"hnsw": {"space": "cosine", "ef_search": SEARCH_EF}}, embedding_function=None
            )
            hnsw = (self._collection.configuration or {}).get("hnsw") or {}
            if hnsw.get("ef_search", SEARCH_EF) < SEARCH_EF:  # an index built before SEARCH_EF
                self._raise_search_breadth()
        except Exception as e:  # chromadb raises several types for a server that is down
            if chroma_url:
                raise StoreUnavailable(
                    f"cannot reach the Chroma server at {chroma_url}: {e}. "
                    "Start it (chroma run --path DIR --host 127.0.0.1 --port 8000) or unset ISNAD_CHROMA_URL."
                ) from e
            raise

    def _raise_search_breadth(self) -> None:
        """Give an older collection SEARCH_EF. A database another connection is writing at that moment
        ("database is locked") is tried again after each pause of LOCK_PAUSES; if it stays locked, this
        process searches at the old breadth and says so: the index is unharmed, and a later open raises it."""
        modify = partial(self._collection.modify, configuration={"hnsw": {"ef_search": SEARCH_EF}})
        try:
            _tried(modify, LOCK_PAUSES, lambda e: "locked" in str(e))
        except Exception as e:  # chromadb raises several types; nothing was changed
            log.warning(
                "searching %s at Chroma's default breadth this time (could not set ef_search: %s)", self.where, e
            )

    def _call(self, what: str, fn, *args, **kwargs):
        """Call Chroma. A server that cannot be reached is tried again after each pause of RETRY_PAUSES
        (the calls are idempotent), then StoreUnavailable; so is a server that fails otherwise."""
        pauses = RETRY_PAUSES if self.remote else ()
        try:
            return _tried(lambda: fn(*args, **kwargs), pauses, lambda e: isinstance(e, httpx.ConnectError))
        except Exception as e:
            if not self.remote or isinstance(e, ValueError):
                raise
            raise StoreUnavailable(f"the Chroma server at {self.where} failed during {what}: {e}") from e

    def model(self) -> dict | None:
        """The embedding model recorded on the collection, if any: {"name", "dim"}."""
        meta = self._collection.metadata or {}
        return json.loads(meta["isnad_model"]) if "isnad_model" in meta else None

    def set_model(self, name: str, dim: int) -> None:
        self._collection.modify(metadata={"isnad_model": json.dumps({"name": name, "dim": dim})})

    def replace(self, doc_ids: list[str], chunks: list[Chunk], vectors: np.ndarray, metadata: dict[str, dict]) -> None:
        """Drop these articles' old vectors and add the new ones (`metadata` per doc_id), in one call each;
        chunk ids are stable, so this is idempotent."""
        if not doc_ids:
            return
        self._call("delete", self._collection.delete, where={"doc_id": {"$in": list(doc_ids)}})
        if not chunks:
            return
        self._call(
            "upsert",
            self._collection.upsert,
            ids=[c.id for c in chunks],
            embeddings=vectors.astype(np.float32),
            documents=[c.text for c in chunks],
            metadatas=[
                {
                    "doc_id": c.doc_id,
                    "title": c.title,
                    "paragraph": c.paragraph,
                    "start": c.start,
                    "end": c.end,
                    **metadata[c.doc_id],
                }
                for c in chunks
            ],
        )

    def search(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Nearest chunks: [(chunk_id, cosine similarity)], best first."""
        n = min(k, self.count())
        if n == 0:
            return []
        res = self._call(
            "search", self._collection.query, query_embeddings=[vector.tolist()], n_results=n, include=["distances"]
        )
        return [(cid, 1.0 - float(d)) for cid, d in zip(res["ids"][0], res["distances"][0], strict=True)]

    def count(self) -> int:
        return self._call("count", self._collection.count)


class Index:
    """An index folder opened for one embedding model: catalog + vectors, never mixing models."""

    def __init__(self, index_dir: Path, chroma_url: str | None = None, collection: str = "isnad"):
        self.dir = Path(index_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        # Processes opening a new index at once would race to create its tables (Chroma's among them).
        with FileLock(self.dir / "open.lock"):
            self.catalog = Catalog(self.dir / "catalog.sqlite3")
            self.catalog.ensure_terms()
            self.vectors = Vectors(self.dir, chroma_url, collection)

    def model(self) -> str | None:
        """The name of the embedding model that built this index (None while it is empty)."""
        return self.catalog.get_meta("model")

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the index's write lock (`ingest.lock` in its folder) for one ingestion; IndexBusy when another
        process or thread holds it. The operating system releases it if its holder dies (even by SIGKILL)."""
        lock = FileLock(self.dir / "ingest.lock", thread_local=False)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            raise IndexBusy(
                f"another ingestion is writing to the index at {self.dir} (it holds {lock.lock_file}); "
                "run this again when it has finished"
            ) from None
        try:
            yield
        finally:
            lock.release()

    def claim(self, model: str, dim: int) -> None:
        """Record `model` as the index's model, or refuse if another model built it."""
        for built_with in (self.model(), (self.vectors.model() or {}).get("name")):
            if built_with and built_with != model:
                raise ModelMismatch(
                    f"this index was built with the embedding model '{built_with}', not '{model}'; "
                    "vectors of different models cannot be mixed. Use the same model "
                    "(--embedder / ISNAD_EMBEDDER) or another index folder (--index)."
                )
        if self.model() is None:
            self.catalog.set_meta("model", model)
            self.vectors.set_model(model, dim)
