"""The public API: `Assistant` (one index) and `answer()` (the default index, built from seeds/ on first use).

>>> from rag import answer
>>> r = answer("كم عدد الدول المشاركة في مؤتمر موسكو السابع للأمن الدولي؟")  # doctest: +SKIP
>>> r.text, r.refused, [(c.doc_id, c.paragraph) for c in r.citations]  # doctest: +SKIP
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from platformdirs import user_data_dir

from .answer import ExtractiveAnswerer
from .embed import CachedEmbedder, Embedder, load_embedder
from .ingest import ingest
from .load import tidy
from .normalize import terms, undecorated
from .retrieve import Retriever
from .schema import Answer, Hit, IngestReport
from .store import ArticleInfo, Index, IndexUnusable, ModelMismatch

MAX_QUESTION_CHARS = 2000
EMPTY = "the question is empty"
NO_WORDS = (
    "the question has no word to search for (only punctuation, symbols, single letters or words such as "
    "'what' or 'how'): name the person, place, event or thing it is about"
)
SEEDS_DIR = Path(os.environ.get("ISNAD_SEEDS", Path(__file__).resolve().parents[1] / "seeds"))


class BadQuestion(ValueError):
    """The question cannot be asked as it is (empty, too long, nothing to search for)."""


def default_index_dir() -> Path:
    """`ISNAD_INDEX`, else a per-user data folder."""
    return Path(os.environ.get("ISNAD_INDEX") or Path(user_data_dir("isnad")) / "index")


class Assistant:
    """Ingest articles, retrieve paragraphs, answer questions with citations, over one index.

    The embedding model is the one given, else `ISNAD_EMBEDDER`, else the one that built the index,
    else the bundled multilingual-e5-small.
    """

    def __init__(
        self,
        index_dir: str | Path | None = None,
        *,
        chroma_url: str | None = None,
        embedder: str | Embedder | None = None,
        collection: str = "isnad",
    ):
        self.index = Index(
            Path(index_dir) if index_dir else default_index_dir(),
            chroma_url or os.environ.get("ISNAD_CHROMA_URL") or None,
            collection,
        )
        if not isinstance(embedder, Embedder):
            embedder = load_embedder(embedder or os.environ.get("ISNAD_EMBEDDER") or self.index.model())
        built_with = self.index.model()
        if built_with and built_with != embedder.name:
            raise ModelMismatch(
                f"this index was built with the embedding model '{built_with}', not '{embedder.name}'; "
                "use the same model or another index folder (--index)."
            )
        self.embedder = embedder
        scorer = CachedEmbedder(embedder)  # retrieval and answering score the same sentences
        self.retriever = Retriever(self.index, scorer)
        self.answerer = ExtractiveAnswerer(scorer, self.index.catalog.term_weights)

    @classmethod
    def default(cls, **kwargs) -> Assistant:
        """The assistant over the default index; an empty one is first filled with the seed articles."""
        assistant = cls(**kwargs)
        if assistant.is_empty():
            assistant.ingest([SEEDS_DIR])
        return assistant

    def is_empty(self) -> bool:
        return self.index.catalog.counts()["articles"] == 0

    def ingest(
        self,
        paths: Iterable[str | Path],
        *,
        progress: bool = False,
        on_article: Callable[[int, str], None] | None = None,
        keep_boilerplate: bool = False,
    ) -> IngestReport:
        """Add or update articles from files or folders; unchanged articles are skipped. Site boilerplate
        is removed unless `keep_boilerplate` (rag.clean).

        One ingestion writes to an index at a time: IndexBusy while another one (any process) is running."""
        with self.index.writing():
            return ingest(
                paths,
                self.index,
                self.embedder,
                progress=progress,
                on_article=on_article,
                keep_boilerplate=keep_boilerplate,
            )

    def articles(self) -> list[ArticleInfo]:
        return self.index.catalog.articles()

    def retrieve(self, question: str, top_k: int = 10) -> list[Hit]:
        """The `top_k` best paragraphs for the question, best first."""
        question = self._checked(question)
        return self.retriever.retrieve(question, top_k=top_k)

    def answer(self, question: str, top_k: int = 5) -> Answer:
        """A cited answer from the `top_k` best paragraphs, or a refusal when they do not support one."""
        question = self._checked(question)
        t0 = time.perf_counter()
        hits = self.retriever.retrieve(question, top_k=top_k)
        t1 = time.perf_counter()
        result = self.answerer.answer(question, hits)
        t2 = time.perf_counter()
        result.timings_ms = {
            "retrieve": round((t1 - t0) * 1000, 1),
            "answer": round((t2 - t1) * 1000, 1),
            "total": round((t2 - t0) * 1000, 1),
        }
        return result

    def _checked(self, question: str) -> str:
        """The question as news is written (invisible characters such as bidi controls, diacritics and
        tatweel removed; white space tidied); BadQuestion when it is empty, over MAX_QUESTION_CHARS, or has
        no word to search for (NO_WORDS)."""
        question = undecorated(tidy(question or ""))
        if not question:
            raise BadQuestion(EMPTY)
        if len(question) > MAX_QUESTION_CHARS:
            raise BadQuestion(f"the question is too long ({len(question)} characters; at most {MAX_QUESTION_CHARS})")
        if not terms(question):
            raise BadQuestion(NO_WORDS)
        if self.is_empty():
            raise IndexUnusable(f"the index at {self.index.dir} is empty: ingest articles first (isnad ingest PATH)")
        return question


_default: Assistant | None = None
_default_lock = threading.Lock()


def answer(question: str, top_k: int = 5) -> Answer:
    """Answer from the default index (built from the bundled seed articles on first use)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Assistant.default()
    return _default.answer(question, top_k=top_k)
