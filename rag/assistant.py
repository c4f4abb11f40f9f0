"""The public API: `Assistant` (one index) and `answer()` (the default index, built from seeds/ on first use).

>>> from rag import answer
>>> r = answer("كم عدد الدول المشاركة في مؤتمر موسكو السابع للأمن الدولي؟")  # doctest: +SKIP
>>> r.text, r.refused, [(c.doc_id, c.paragraph) for c in r.citations]  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_data_dir

from .calibration import Calibration, load_calibration
from .embed import CachedEmbedder, Embedder, load_embedder
from .extract import ExtractiveAnswerer
from .followup import standalone_question
from .ingest import ingest
from .language import detect_language
from .load import tidy
from .normalize import terms, undecorated
from .retrieve import Retriever
from .schema import EXTRACTIVE, Answer, Draft, Hit, IngestReport
from .store import ArticleInfo, Index, IndexUnusable, ModelMismatch
from .support import SupportChecker
from .verify import verify

if TYPE_CHECKING:
    from .generate import Generator

MAX_QUESTION_CHARS = 2000
log = logging.getLogger(__name__)
EMPTY = "the question is empty"
NO_WORDS = (
    "the question has no word to search for (only punctuation, symbols, single letters or words such as "
    "'what' or 'how'): name the person, place, event or thing it is about"
)
ARTICLES_LANGUAGE = "ar"  # English questions are translated into it for retrieval when a language model is set
SEEDS_DIR = Path(os.environ.get("ISNAD_SEEDS", Path(__file__).resolve().parents[1] / "seeds"))
# What `Assistant.warm_up` asks and checks: an English question (the first Arabic one is an article's title),
# and a draft whose sentences take the support checker through its tables: a person's name, a city, a country,
# in English and in Arabic (GeoNames' cities, the names index, word frequencies, ISO 3166 / CLDR names).
WARM_UP_QUESTION = "What did the minister say about the meeting?"
WARM_UP_DRAFT = {
    "en": "Osman said so. They met in Aleppo. Egypt agreed.",
    "ar": "قال توفيق الحكيم ذلك. والتقوا في حلب. ووافقت مصر.",
}


class BadQuestion(ValueError):
    """The question cannot be asked as it is (empty, too long, nothing to search for)."""


def default_index_dir() -> Path:
    """`ISNAD_INDEX`, else a per-user data folder."""
    return Path(os.environ.get("ISNAD_INDEX") or Path(user_data_dir("isnad")) / "index")


class Assistant:
    """Ingest articles, retrieve paragraphs, answer questions with citations, over one index.

    The embedding model is the one given, else `ISNAD_EMBEDDER`, else the one that built the index,
    else the bundled multilingual-e5-small. The answerer's thresholds are the calibration fitted for that
    model (rag.calibration); `calibration` overrides it. The generator (what writes the answers) is the one
    given (a spec, see `rag.generate`, or any llama-index LLM), else `ISNAD_GENERATOR`, else the extractive
    answerer (llama-index is imported only when a language model is used).
    """

    def __init__(
        self,
        index_dir: str | Path | None = None,
        *,
        chroma_url: str | None = None,
        embedder: str | Embedder | None = None,
        collection: str = "isnad",
        calibration: Calibration | None = None,
        generator: str | object | None = None,
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
        self.calibration = calibration or load_calibration(embedder.name, self.index.dir)
        if not self.calibration.fitted:
            log.warning("%s", self.calibration_warning())
        self.answerer = ExtractiveAnswerer(scorer, self.index.catalog.term_weights, self.calibration)
        self.checker = SupportChecker(scorer)
        self._generators: dict[str, Generator | None] = {EXTRACTIVE: None, "": None}
        self._loading = threading.Lock()
        spec = generator or os.environ.get("ISNAD_GENERATOR") or ""
        self.generator = self._generator(spec) if isinstance(spec, str) else _load_generator(spec)
        self._generators[self.generator_spec] = self.generator

    def calibration_warning(self) -> str | None:
        """Why answers may be off: the answerer has no calibration for this embedding model (None if it has)."""
        if self.calibration.fitted:
            return None
        return (
            f"the answerer is not calibrated for the embedding model '{self.embedder.name}': default weights, "
            "and it refuses only when no sentence is found; fit one with `python -m eval.calibrate_answers "
            f"--embedder {self.embedder.name} --seed-index DIR --arcd-index DIR` (eval/README.md)"
        )

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

    def retrieve(self, question: str, top_k: int = 10, translation: str = "") -> list[Hit]:
        """The `top_k` best paragraphs for the question, best first; `translation`: the question in the articles'
        language too (an `Answer.translation`), blended in as `answer()` does with a language model."""
        question = self._checked(question)
        return self.retriever.retrieve(question, top_k=top_k, translation=translation)

    @property
    def generator_spec(self) -> str:
        """The generator answers come from by default: its spec, or "extractive"."""
        return self.generator.spec if self.generator else EXTRACTIVE

    def answer(
        self,
        question: str,
        top_k: int = 5,
        *,
        history: Sequence[tuple[str, str]] | None = None,
        generator: str | object | None = None,
    ) -> Answer:
        """A cited answer from the `top_k` best paragraphs, or a refusal when they do not support one.

        `history`: the conversation so far, (question, answer) pairs, oldest first; a follow-up question is
        rewritten into a standalone one before retrieval. `generator`: a spec for this answer only.
        """
        result = None
        for result in self.stream(question, top_k, history=history, generator=generator):  # noqa: B007
            pass
        return result

    def stream(
        self,
        question: str,
        top_k: int = 5,
        *,
        history: Sequence[tuple[str, str]] | None = None,
        generator: str | object | None = None,
    ) -> Iterator[str | Answer]:
        """`answer()` as it is written: text pieces (str) as the generator writes them, unchecked, then the
        checked `Answer` (last). The extractive answerer yields its whole text at once. With a language model, a
        question in another language than the articles' is also translated by it, and retrieval uses both
        (`Answer.translation`; rag.retrieve)."""
        question = self._checked(question, words=not history)  # "and where?" has its words in the history
        gen = self._generator(generator)
        t0 = time.perf_counter()
        asked = self._searchable(standalone_question(question, history, gen))
        t1 = time.perf_counter()
        translating = self._translates(asked, gen)
        translation = self._translation(asked, gen) if translating else ""
        t_translated = time.perf_counter()
        hits = self.retriever.retrieve(asked, top_k=top_k, translation=translation)
        t2 = time.perf_counter()
        if gen is None:
            result = self.answerer.answer(asked, hits)
            t3 = t4 = time.perf_counter()
            yield result.text
        else:
            pieces = []
            for piece in gen.stream(asked, hits, detect_language(question)):
                pieces.append(piece)
                yield piece
            t3 = time.perf_counter()
            result = verify(Draft(asked, detect_language(question), hits, "".join(pieces), gen.spec), self.checker)
            t4 = time.perf_counter()
        result.question = question
        result.translation = translation
        result.timings_ms = {"retrieve": round((t2 - t_translated) * 1000, 1)}
        if history:
            result.timings_ms["rewrite"] = round((t1 - t0) * 1000, 1)
        if translating:
            result.timings_ms["translate"] = round((t_translated - t1) * 1000, 1)
        result.timings_ms["answer"] = round((t3 - t2) * 1000, 1)
        if gen is not None:
            result.timings_ms["verify"] = round((t4 - t3) * 1000, 1)
        result.timings_ms["total"] = round((t4 - t0) * 1000, 1)
        yield result

    def _translates(self, question: str, gen: Generator | None) -> bool:
        """Whether `question` is translated for retrieval: a language model is set, the question is not in the
        articles' language, and the retriever gives a translation weight (`Fusion.translation_weight` 0: never)."""
        return (
            gen is not None
            and self.retriever.fusion.translation_weight > 0
            and detect_language(question) != ARTICLES_LANGUAGE
        )

    def _translation(self, question: str, gen: Generator) -> str:
        """`question` translated by the language model into the articles' language, for retrieval beside it: ""
        when the model fails or its translation does not lie close to the question (`Retriever.faithful`)."""
        try:
            translation = gen.translate(question, ARTICLES_LANGUAGE)
        except Exception as e:  # a model that fails to translate must not lose the question: it is asked as it is
            log.warning("the question could not be translated (%s); retrieving with it as asked", e)
            return ""
        if translation and not self.retriever.faithful(question, translation):
            log.info("the model's translation %r is too far from the question to be one; ignored", translation)
            return ""
        return translation

    def warm_up(self) -> float:
        """Load now what the first answer would otherwise load on its way (the index's stores, the embedding
        model's first runs, the answerer; with a language model, the support checker's name and word tables):
        a few seconds, spent here rather than on the first question. Returns the seconds it took. `isnad serve`
        runs it in a background thread at start-up; an empty index warms nothing."""
        t0 = time.perf_counter()
        titles = [a.title for a in self.articles()[:1]]
        for question in [*titles, WARM_UP_QUESTION]:
            try:
                hits = self.retrieve(question, top_k=3)
            except (BadQuestion, IndexUnusable):
                continue
            language = detect_language(question)
            self.answerer.answer(question, hits)
            if self.generator is not None:
                verify(Draft(question, language, hits, WARM_UP_DRAFT[language], "warm-up"), self.checker)
        return time.perf_counter() - t0

    def _generator(self, spec) -> Generator | None:
        """The generator for `spec` (a spec, loaded once; a `Generator`; a llama-index LLM), else the assistant's."""
        if spec is None:
            return self.generator
        if not isinstance(spec, str):  # a Generator or a llama-index LLM
            return _load_generator(spec)
        spec = spec.strip()
        with self._loading:  # one load per spec, even when several questions ask for it at once
            if spec not in self._generators:
                self._generators[spec] = _load_generator(spec)
        return self._generators[spec]

    def _checked(self, question: str, *, words: bool = True) -> str:
        """The question as news is written (invisible characters such as bidi controls, diacritics and
        tatweel removed; white space tidied); BadQuestion when it is empty, over MAX_QUESTION_CHARS, or
        (`words`) has no word to search for (NO_WORDS)."""
        question = undecorated(tidy(question or ""))
        if not question:
            raise BadQuestion(EMPTY)
        if len(question) > MAX_QUESTION_CHARS:
            raise BadQuestion(f"the question is too long ({len(question)} characters; at most {MAX_QUESTION_CHARS})")
        if words:
            self._searchable(question)
        if self.is_empty():
            raise IndexUnusable(f"the index at {self.index.dir} is empty: ingest articles first (isnad ingest PATH)")
        return question

    @staticmethod
    def _searchable(question: str) -> str:
        """`question`, or BadQuestion (NO_WORDS) when it has no word to search for."""
        if not terms(question):
            raise BadQuestion(NO_WORDS)
        return question


def _load_generator(spec) -> Generator | None:
    from .generate import load_generator

    return load_generator(spec)


_default: Assistant | None = None
_default_lock = threading.Lock()


def answer(question: str, top_k: int = 5, *, history: Sequence[tuple[str, str]] | None = None) -> Answer:
    """Answer from the default index (built from the bundled seed articles on first use)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Assistant.default()
    return _default.answer(question, top_k=top_k, history=history)
