"""The records that flow between the stages: files -> Article -> Paragraph -> Chunk -> Hit -> Answer."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field


def content_hash(*parts: str) -> str:
    """A short, stable hash of text (sha256, 16 hex digits)."""
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class Article:
    """One news article as read from a file or record; `paragraphs` are its cleaned body paragraphs."""

    doc_id: str
    title: str
    paragraphs: tuple[str, ...]
    source: str = ""
    url: str = ""
    date: str = ""
    path: str = ""

    @property
    def content_hash(self) -> str:
        return content_hash(self.title, self.source, self.url, self.date, *self.paragraphs)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of an article; `paragraph` is its position in the article, counting from 1."""

    doc_id: str
    title: str
    paragraph: int
    text: str


@dataclass(frozen=True)
class Chunk:
    """A piece of one paragraph sized for the embedder; `start`/`end` are character offsets in it."""

    id: str
    doc_id: str
    title: str
    paragraph: int
    text: str
    start: int
    end: int


@dataclass
class Hit:
    """A retrieved paragraph, ranked; `score` is the fused retrieval score (higher is better)."""

    doc_id: str
    title: str
    paragraph: int
    text: str
    score: float
    source: str = ""
    url: str = ""
    date: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Citation:
    """Marker `[n]` of an answer: the cited paragraph and the quoted span (a substring of `text`)."""

    n: int
    doc_id: str
    title: str
    paragraph: int
    text: str
    quote: str
    score: float
    source: str = ""
    url: str = ""
    date: str = ""

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("n", "doc_id", "title", "paragraph", "text", "quote", "score")}


EXTRACTIVE = "extractive"  # the generator name of the extractive answerer (no language model)


@dataclass
class Draft:
    """A reply as a language model wrote it, before checking; `hits[n - 1]` is source `[n]` of its prompt."""

    question: str
    language: str
    hits: list[Hit]
    text: str
    generator: str


@dataclass
class Answer:
    """A reply: `text` carries markers `[n]` that index `citations`; `refused` when the sources lack it.

    `generator` names what wrote it ("extractive", or a language model's spec); `dropped` lists the
    sentences of a generated reply that the support checker removed: {"sentence", "reason" (in English
    words), "code" (`rag.verify.Reason`), "paragraphs": [{"n", "doc_id", "paragraph"}] (the retrieved
    paragraphs it cites, `n` as in the draft), "markers": [n] (its markers that point at no retrieved
    paragraph)}, which `rag.verify.explain` words in Arabic or English; `recited`, those
    it kept under another marker, because the paragraph(s) the model cited do not support them and another
    retrieved paragraph does: {"sentence", "from": [{"n", "doc_id", "paragraph"}] (the draft's markers),
    "to": {"n", "doc_id", "paragraph"} (the answer's marker)}. `translation`: the question translated into the
    articles' language by the language model, which retrieval used beside it ("" when none was used; in
    `to_dict` only when one was).
    """

    question: str
    language: str
    text: str
    refused: bool
    citations: list[Citation] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    generator: str = EXTRACTIVE
    dropped: list[dict] = field(default_factory=list)
    recited: list[dict] = field(default_factory=list)
    translation: str = ""

    def to_dict(self) -> dict:
        out = {
            "question": self.question,
            "language": self.language,
            "answer": self.text,
            "refused": self.refused,
            "citations": [c.to_dict() for c in self.citations],
            "generator": self.generator,
            "dropped": self.dropped,
            "recited": self.recited,
            "timings_ms": self.timings_ms,
        }
        return out | ({"translation": self.translation} if self.translation else {})


@dataclass
class IngestReport:
    """What one ingestion did: counts, plus the files that were skipped and why."""

    articles: int = 0
    unchanged: int = 0
    replaced: int = 0
    paragraphs: int = 0
    chunks: int = 0
    boilerplate: int = 0  # lines removed as site boilerplate from the articles added or replaced
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
