"""Ingesting bad files: each is skipped with its reason, the good ones are kept, nothing indexed is lost."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import struct
import subprocess
import sys
import tracemalloc
import zlib
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

from rag import Assistant
from rag.embed import Embedder
from rag.load import MAX_FILE_MB, MAX_RECORD_MB, UnreadableFile, read_file

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED = SEEDS / "000_d5f7ec68f2725137.txt"
ARTICLE = "عنوان الخبر\nقال المتحدث إن الاجتماع عقد في عمان يوم الأحد بحضور وفود من 12 دولة.\n"


def png_bytes() -> bytes:
    """A real 1x1 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0\0\0\0")) + chunk(b"IEND", b"")
    )


def pdf_bytes() -> bytes:
    """A small but complete PDF with a compressed content stream."""
    stream = zlib.compress(b"BT /F1 24 Tf 100 700 Td (Hello) Tj ET" * 20)
    return (
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"4 0 obj\n<< /Length "
        + str(len(stream)).encode()
        + b" /Filter /FlateDecode >>\nstream\n"
        + stream
        + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


@pytest.mark.parametrize("content", [pdf_bytes, png_bytes], ids=["pdf", "png"])
def test_pdf_or_image_renamed_txt_is_unreadable(tmp_path, content):
    renamed = tmp_path / "article.txt"
    renamed.write_bytes(content())
    with pytest.raises(UnreadableFile, match="binary data|not UTF-8 or Windows-1256 text"):
        read_file(renamed)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_arabic_reads_like_utf8(tmp_path, encoding):
    """UTF-16 as Windows tools write it (with a byte-order mark), and without one."""
    text = SEED.read_text(encoding="utf-8")
    wide = tmp_path / SEED.name
    wide.write_bytes(("\ufeff" + text).encode(encoding) if encoding != "utf-16" else text.encode(encoding))
    (article,), _ = read_file(wide)
    (expected,), _ = read_file(SEED)
    assert (article.title, article.paragraphs) == (expected.title, expected.paragraphs)


def write_100_mb(path: Path, line: bytes) -> None:
    """A 100 MB file written piece by piece (never held in memory)."""
    piece = line * (1 << 20 // len(line) + 1)
    with open(path, "wb") as f:
        while f.tell() < 100 << 20:
            f.write(piece)


def test_a_100_mb_text_file_is_refused_without_reading_it(tmp_path):
    big = tmp_path / "big.txt"
    write_100_mb(big, "سطر من نص عربي طويل جدا\n".encode())
    tracemalloc.start()
    with pytest.raises(UnreadableFile, match=f"too large to read at once \\(100 MB; at most {MAX_FILE_MB} MB\\)"):
        read_file(big)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 1 << 20


# Counts the articles of a file; prints the count and how much the peak memory grew while reading (MB).
COUNT_ARTICLES = """
import resource, sys
from rag.load import read_articles
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
count = sum(1 for _ in read_articles(sys.argv[1]))
print(count, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024)
"""


def test_a_100_mb_jsonl_is_streamed_with_bounded_memory(tmp_path):
    """100 MB of records, read one line at a time (in a fresh process, to measure its peak memory): the peak
    grows by far less than the file's size."""
    big = tmp_path / "big.jsonl"
    record = {"title": "خبر", "text": "قال المتحدث إن الاجتماع عقد في عمان يوم الأحد. " * 200}
    write_100_mb(big, (json.dumps(record, ensure_ascii=False) + "\n").encode())
    out = subprocess.run([sys.executable, "-c", COUNT_ARTICLES, str(big)], capture_output=True, text=True, check=True)
    count, grown_mb = out.stdout.split()
    assert int(count) > 6000
    assert float(grown_mb) < 30, f"peak memory grew by {grown_mb} MB"


def test_a_jsonl_line_over_the_limit_is_skipped_and_named(tmp_path):
    big = tmp_path / "news.jsonl"
    with open(big, "wb") as f:
        f.write(
            json.dumps({"id": "a", "title": "أ", "text": "نص الخبر الأول هنا."}, ensure_ascii=False).encode() + b"\n"
        )
        f.write(b'{"id": "huge", "text": "' + b"x" * ((MAX_RECORD_MB << 20) + 10) + b'"}\n')
        f.write(
            json.dumps({"id": "b", "title": "ب", "text": "نص الخبر الثاني هنا."}, ensure_ascii=False).encode() + b"\n"
        )
    tracemalloc.start()
    articles, skipped = read_file(big)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [a.doc_id for a in articles] == ["a", "b"]
    assert skipped == [(f"{big}:2", f"line 2 is too large (over {MAX_RECORD_MB} MB), left out")]
    assert peak < (2 * MAX_RECORD_MB + 3) << 20  # the line read in pieces: never the whole of it


def catalog_rows(index: Path) -> dict[str, list[tuple]]:
    with closing(sqlite3.connect(index / "catalog.sqlite3")) as db:
        return {t: sorted(db.execute(f"SELECT * FROM {t}")) for t in ("articles", "paragraphs", "chunks")} | {
            "lexical": sorted(db.execute("SELECT terms, title_terms, doc_id, paragraph FROM lexical"))
        }


def test_bad_files_are_skipped_by_name_and_nothing_indexed_is_lost(seed_index_copy, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (inbox / "report.txt").write_bytes(pdf_bytes())
    (inbox / "photo.txt").write_bytes(png_bytes())
    (inbox / "windows.txt").write_bytes(ARTICLE.encode("cp1256"))
    (inbox / "wide.txt").write_bytes(ARTICLE.replace("عمان", "دمشق").encode("utf-16"))
    lines = [
        json.dumps({"id": "ok-1", "title": "خبر", "text": "انعقد المؤتمر في تونس يوم الاثنين."}, ensure_ascii=False),
        '{"id": "broken", "title": "خبر",',
        "not json at all",
        json.dumps(
            {"id": "ok-2", "title": "خبر آخر", "text": "افتتح المعرض في الرباط يوم الثلاثاء."}, ensure_ascii=False
        ),
    ]
    (inbox / "news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = catalog_rows(seed_index_copy)

    report = Assistant(seed_index_copy).ingest([inbox, tmp_path / "no-such-folder"])

    reasons = dict(report.skipped)
    assert reasons[str(inbox / "empty.txt")] == "empty file"
    for name in ("binary.txt", "report.txt", "photo.txt"):
        assert reasons[str(inbox / name)] in ("binary data, not text", "not UTF-8 or Windows-1256 text"), name
    assert reasons[f"{inbox / 'news.jsonl'}:2"].startswith("invalid JSON on line 2")
    assert reasons[f"{inbox / 'news.jsonl'}:3"].startswith("invalid JSON on line 3")
    assert reasons[str(tmp_path / "no-such-folder")] == "no such file or folder"
    assert report.articles == 4  # windows, wide, ok-1, ok-2
    after = catalog_rows(seed_index_copy)
    for table, rows in before.items():
        assert set(rows) <= set(after[table]), f"{table} lost rows"
    ids = {row[0] for row in after["articles"]}
    assert {"windows", "wide", "ok-1", "ok-2"} <= ids
    assert Assistant(seed_index_copy).retrieve("أين عقد الاجتماع بحضور وفود من 12 دولة؟", top_k=2)[0].doc_id in {
        "windows",
        "wide",
    }


def test_duplicate_ids_in_one_batch_keep_the_later_record(seed_index_copy, tmp_path):
    first = {"id": "dup", "title": "خبر مكرر", "text": "النسخة الأولى: الاجتماع في عمان."}
    later = {"id": "dup", "title": "خبر مكرر", "text": "النسخة الثانية: الاجتماع في القاهرة."}
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in (first, later)), encoding="utf-8")
    a = Assistant(seed_index_copy)
    report = a.ingest([batch])
    assert report.articles == 1
    assert report.skipped == [(f"{batch}#dup", "duplicate id in this run; the later one is kept")]
    assert a.index.catalog.paragraph_text("dup", 1) == later["text"]
    # the later record is kept even when it is what the index already holds
    batch.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in (first, later)), encoding="utf-8")
    assert a.ingest([batch]).articles == 0
    assert a.index.catalog.paragraph_text("dup", 1) == later["text"]
    got = a.index.vectors._collection.get(where={"doc_id": "dup"}, include=["documents"])
    assert got["documents"] == [later["text"]]


class HashEmbedder(Embedder):
    """A tiny embedder built by the test: words hashed into 64 dimensions (fast; no model)."""

    name, dim, max_tokens = "test-hash-64", 64, 512

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for word in text.split():
            v[int(hashlib.md5(word.encode()).hexdigest()[:8], 16) % self.dim] += 1
        return v / (np.linalg.norm(v) or 1)

    def embed_passages(self, texts):
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text):
        return self._vector(text)

    def count_tokens(self, text):
        return len(text.split())


def test_a_folder_with_thousands_of_files(tmp_path):
    """2,000 files in nested folders: 100 articles, the rest unsupported, empty or hidden."""
    folder = tmp_path / "many"
    for n in range(100):
        sub = folder / f"{n // 10:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"a{n:04d}.txt").write_text(
            f"الخبر رقم {n}\nوقع الحدث رقم {n} في المدينة يوم الأحد.\n", encoding="utf-8"
        )
    for n in range(1000):
        (folder / f"scan{n:04d}.pdf").write_bytes(b"%PDF-1.4")
    for n in range(500):
        (folder / f"empty{n:03d}.txt").write_bytes(b"")
    (folder / ".git").mkdir()
    for n in range(400):
        (folder / ".git" / f"obj{n:03d}.txt").write_text("عنوان\nنص", encoding="utf-8")
    a = Assistant(tmp_path / "index", embedder=HashEmbedder())
    report = a.ingest([folder])
    assert report.articles == 100 and len(report.skipped) == 1500
    assert a.index.catalog.counts() == {"articles": 100, "paragraphs": 100, "chunks": 100}
    assert a.index.vectors.count() == 100
    again = a.ingest([folder])
    assert (again.articles, again.unchanged) == (0, 100)
