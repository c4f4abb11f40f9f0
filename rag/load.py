"""Files to articles: find the supported files under some paths and read each into raw `Article` records.

    files, skipped = find_files(["seeds/", "news.jsonl.gz"])
    for path in files:
        try:
            for article in read_articles(path, skipped):  # streamed: a .jsonl file is read line by line
                ...
        except UnreadableFile as e:
            skipped.append((str(path), str(e)))

`read_articles` streams the articles of one file; `read_file` reads them all at once and returns
(articles, skipped). A problem with the whole file raises `UnreadableFile` (from `read_articles`, while
iterating; articles yielded before it stand). A bad record of a `.json`/`.jsonl` file is left out and
reported in `skipped` as `("PATH:LINE", reason)` for `.jsonl` and `("PATH#N", reason)` for record N of
a `.json` list. A file read at once (all but `.jsonl`) may hold at most MAX_FILE_MB megabytes and a
`.jsonl` line at most MAX_RECORD_MB, so memory stays bounded whatever the input. Articles are raw:
site boilerplate is removed later by `rag.clean`. Only whitespace is normalized (`tidy`: Unicode spaces
to one space, invisible format characters removed), so any quote taken from a paragraph is an exact
substring of the source text. Footnote-style markers (`[3]`) are removed from the article text, so that
no article can forge an answer's citation markers.
"""

from __future__ import annotations

import gzip
import html
import json
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import charset_normalizer
import trafilatura
from markdown_it import MarkdownIt

from rag.language import ARABIC_LETTER
from rag.schema import Article
from rag.support import MARKER

SUPPORTED = (".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".json.gz", ".jsonl.gz")

# Zero-width characters, direction marks and the byte-order mark: invisible, removed from the text.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
# Control characters other than tabs and line breaks: more than 1% of the text means binary data.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_TITLE_CHARS = 80
MAX_FILE_MB = 20  # a file read at once; a larger collection goes in a .jsonl file, read line by line
MAX_RECORD_MB = 5  # one .jsonl line (an article is a few kilobytes)
_MB = 1 << 20
# What a damaged or non-gzip `.gz` file raises while it is decompressed.
_GZIP_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error)


class UnreadableFile(Exception):
    """A file that cannot be read as articles; the message says why, in plain words."""


def find_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand files and folders (recursively, sorted, hidden entries left out) into supported files.

    Returns (files, skipped); skipped holds (path, reason) for missing paths and unsupported files.
    """
    files: list[Path] = []
    seen: set[Path] = set()
    skipped: list[tuple[str, str]] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            candidates = sorted(_walk(path))
        elif path.is_file():
            candidates = [path]
        else:
            skipped.append((str(given), "no such file or folder"))
            continue
        for file in candidates:
            if _extension(file) is None:
                skipped.append((str(file), f"unsupported file type {file.suffix or '(no extension)'}"))
            elif file.resolve() not in seen:
                seen.add(file.resolve())
                files.append(file)
    return files, skipped


def read_articles(path: Path, skipped: list[tuple[str, str]] | None = None) -> Iterator[Article]:
    """Yield the raw articles of one supported file; bad records go to `skipped` (see the module doc)."""
    path = Path(path)
    ext = _extension(path)
    if ext is None:
        raise UnreadableFile(f"unsupported file type {path.suffix or '(no extension)'}")
    stem = path.name[: -len(ext)]
    skipped = [] if skipped is None else skipped
    ext = ext.removesuffix(".gz")
    if ext == ".jsonl":
        yield from _read_jsonl(path, stem, skipped)
        return
    text = _decode(_read_bytes(path))
    if ext == ".txt":
        lines = [line for line in map(tidy, text.splitlines()) if line]
        if len(lines) < 2:
            raise UnreadableFile("no article text found" if not lines else "only a title line, no article text")
        yield _article(stem, lines[0], lines[1:], str(path))
    elif ext == ".md":
        yield _read_markdown(text, stem, str(path))
    elif ext in (".html", ".htm"):
        yield _read_html(text, stem, str(path))
    else:
        yield from _read_json(text, path, stem, skipped)


def read_file(path: Path) -> tuple[list[Article], list[tuple[str, str]]]:
    """All articles of one file and the records left out, as (articles, skipped); see `read_articles`."""
    skipped: list[tuple[str, str]] = []
    return list(read_articles(path, skipped)), skipped


def _walk(folder: Path) -> Iterator[Path]:
    """All files under a folder, hidden files and folders left out."""
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        yield from (Path(root, n) for n in names if not n.startswith("."))


def _extension(path: Path) -> str | None:
    """The supported extension a file name ends with (longest match, lower case), else None."""
    name = path.name.lower()
    matches = [ext for ext in SUPPORTED if name.endswith(ext) and len(name) > len(ext)]
    return max(matches, key=len, default=None)


def _open(path: Path) -> IO[bytes]:
    """The file opened for reading bytes, decompressed on the fly when it is gzip."""
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")


@contextmanager
def _read_errors() -> Iterator[None]:
    """Turn a damaged gzip stream or a failed read into UnreadableFile."""
    try:
        yield
    except _GZIP_ERRORS as e:
        raise UnreadableFile(f"not a valid gzip file ({e})") from e
    except OSError as e:
        raise UnreadableFile(f"cannot read the file ({e.strerror or e})") from e


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, decompressed when it is gzip; UnreadableFile beyond MAX_FILE_MB (never read whole)."""
    limit = MAX_FILE_MB * _MB
    gz = path.name.lower().endswith(".gz")
    with _read_errors():
        if not gz and path.stat().st_size > limit:
            raise UnreadableFile(_too_large(f"{path.stat().st_size / _MB:.0f} MB"))
        with _open(path) as f:
            data = f.read(limit + 1)
    if len(data) > limit:
        raise UnreadableFile(_too_large(f"over {MAX_FILE_MB} MB uncompressed"))
    return data


def _too_large(size: str) -> str:
    return (
        f"too large to read at once ({size}; at most {MAX_FILE_MB} MB): split it, or put its articles "
        "in a .jsonl file, which is read one line at a time"
    )


def _lines(f: IO[bytes]) -> Iterator[bytes | None]:
    """The lines of a binary file, each read with bounded memory; None for a line over MAX_RECORD_MB."""
    limit = MAX_RECORD_MB * _MB
    while line := f.readline(limit + 1):
        if len(line) <= limit:
            yield line
            continue
        while line and not line.endswith(b"\n"):  # the rest of the long line, read and dropped
            line = f.readline(_MB)
        yield None


def _decode(data: bytes) -> str:
    """Bytes to text: UTF-8 (BOM stripped), else a detected encoding that gives Arabic or Latin text."""
    if not data.strip():
        raise UnreadableFile("empty file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        for match in charset_normalizer.from_bytes(data):
            text = str(match)
            if _mostly_letters(text):
                return text
        raise UnreadableFile("not UTF-8 or Windows-1256 text") from None
    if len(_CONTROLS.findall(text)) > len(text) / 100:
        raise UnreadableFile("binary data, not text")
    return text


def _mostly_letters(text: str) -> bool:
    """True when most visible characters are Arabic or ASCII letters (a wrong guess gives symbols)."""
    visible = [c for c in text if not c.isspace()]
    letters = sum(1 for c in visible if c.isalpha() and (c.isascii() or ARABIC_LETTER.match(c)))
    return bool(visible) and letters >= 0.6 * len(visible)


def tidy(text: str) -> str:
    """Remove invisible characters, turn every run of Unicode whitespace into one space, trim."""
    return " ".join(_INVISIBLE.sub("", text).split())


def _article(doc_id: str, title: str, paragraphs: Iterable[str], path: str, **meta: str) -> Article:
    """Build an Article from raw strings; an empty title falls back to the start of the first paragraph.

    Citation-like markers in the text (footnote references such as `[3]` or `[1, 2]`) are removed: in an
    answer, `[n]` only ever points to one of its citations, never to something an article wrote."""
    paras = tuple(p for p in (tidy(MARKER.sub("", text)) for text in paragraphs) if p)
    title = tidy(title)
    if not title and paras:
        title = paras[0]
        if len(title) > _TITLE_CHARS:
            title = title[:_TITLE_CHARS].rsplit(" ", 1)[0] + "…"
    return Article(doc_id=doc_id, title=title, paragraphs=paras, path=path, **meta)


def _read_markdown(text: str, stem: str, path: str) -> Article:
    """Headings, paragraphs, list items and quotes become paragraphs; the first heading is the title."""
    tokens = MarkdownIt("commonmark").parse(text)
    blocks: list[tuple[bool, str]] = []  # (is heading, text with "\n" at soft breaks)
    for i, token in enumerate(tokens):
        if token.type == "inline" and tokens[i - 1].type in ("heading_open", "paragraph_open"):
            blocks.append((tokens[i - 1].type == "heading_open", _inline_text(token.children or [])))
    heading = next((i for i, (is_heading, _) in enumerate(blocks) if is_heading), None)
    if heading is not None:
        title = blocks.pop(heading)[1]
    elif blocks:
        title, _, rest = blocks[0][1].partition("\n")
        blocks[0] = (False, rest)
    else:
        raise UnreadableFile("no article text found")
    paragraphs = [block for _, block in blocks]
    if not any(map(tidy, paragraphs)):
        raise UnreadableFile("no article text found")
    return _article(stem, title, paragraphs, path)


def _inline_text(children: list[Any]) -> str:
    """Plain text of an inline token: markup dropped, link and code text kept, soft breaks as "\\n"."""
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


def _read_html(text: str, stem: str, path: str) -> Article:
    """Main text and metadata of a web page, by trafilatura (menus, sidebars and footers left out)."""
    doc = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False)
    lines = [line for line in map(tidy, (doc.text or "").splitlines()) if line] if doc else []
    if not lines:
        raise UnreadableFile("no article text found")
    title = doc.title or ""
    if not title:
        found = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
        title = html.unescape(found.group(1)) if found else ""
    if len(lines) > 1 and lines[0] == tidy(title):
        lines = lines[1:]  # the page's headline, repeated as the first line of the text
    meta = {"source": doc.sitename or "", "url": doc.url or "", "date": doc.date or ""}
    return _article(stem, title, lines, path, **meta)


def _read_json(text: str, path: Path, stem: str, skipped: list[tuple[str, str]]) -> Iterator[Article]:
    """The records of a `.json` file: one object or a list of objects."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise UnreadableFile(f"invalid JSON on line {e.lineno}: {e.msg}") from e
    records = [data] if isinstance(data, dict) else data
    if not isinstance(records, list) or not records:
        raise UnreadableFile("no records found: expected a JSON object or a list of objects")
    for n, record in enumerate(records, 1):
        try:
            yield article_from_record(record, f"{stem}-{n}", str(path))
        except UnreadableFile as e:
            skipped.append((f"{path}#{n}", str(e)))


def _read_jsonl(path: Path, stem: str, skipped: list[tuple[str, str]]) -> Iterator[Article]:
    """The records of a `.jsonl` file, streamed line by line; bad lines are skipped."""
    pending: list[tuple[str, str]] = []  # problems before the first valid line: maybe not JSON Lines at all
    valid = False
    with _read_errors(), _open(path) as f:
        for n, raw in enumerate(_lines(f), 1):
            if raw is None:
                skipped.append((f"{path}:{n}", f"line {n} is too large (over {MAX_RECORD_MB} MB), left out"))
                continue
            if not raw.strip():
                continue
            try:
                record = json.loads(_decode(raw))
            except (UnreadableFile, json.JSONDecodeError) as e:
                why = e.msg if isinstance(e, json.JSONDecodeError) else str(e)
                (skipped if valid else pending).append((f"{path}:{n}", f"invalid JSON on line {n}: {why}"))
                continue
            if not valid:
                valid = True
                skipped.extend(pending)
            try:
                yield article_from_record(record, f"{stem}-{n}", str(path))
            except UnreadableFile as e:
                skipped.append((f"{path}:{n}", str(e)))
    if not valid:
        raise UnreadableFile(pending[0][1] if pending else "empty file")


def article_from_record(record: object, default_id: str, path: str) -> Article:
    """One JSON record (`id`, `title`, `text`, optional `url`, `date`, `source`) as an Article."""
    if not isinstance(record, dict):
        raise UnreadableFile("record is not a JSON object")
    fields = {k: _field(record.get(k)) for k in ("id", "title", "text", "url", "date", "source")}
    paragraphs = fields["text"].splitlines()
    if not any(map(tidy, paragraphs)):
        raise UnreadableFile("record has no text")
    meta = {k: tidy(fields[k]) for k in ("url", "date", "source")}
    return _article(fields["id"].strip() or default_id, fields["title"], paragraphs, path, **meta)


def _field(value: object) -> str:
    """A record field as text: None is empty, a list is one item per line, anything else str()."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(map(_field, value))
    return str(value)
