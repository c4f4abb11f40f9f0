"""The web chat: Gradio Blocks over one `rag.Assistant`.

>>> from rag import Assistant
>>> from ui.app import serve
>>> serve(Assistant.default(), host="127.0.0.1", port=7860)  # doctest: +SKIP

`build(assistant)` makes the Blocks (used by `serve` and the tests); `launch(demo, ...)` starts it with
the chat's theme, styles and script. Besides the chat, the app exposes the answer function as the API
endpoint `/answer` (question, top_k, history, generator) -> the contract JSON of `Answer.to_dict()`, for
`gradio_client`; `history` is the conversation so far as [question, answer] pairs (follow-up questions).

The generator setting offers the extractive answerer and the generator the assistant was started with
(`isnad serve --generator SPEC`); a language model's answer streams in as it is written, then is replaced by
the checked answer, its sources and the sentences the checker removed.
"""

from __future__ import annotations

import html
import logging
import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import gradio as gr

from rag import Answer, Assistant, BadQuestion, IndexBusy, IndexUnusable, IngestReport, ModelMismatch, StoreUnavailable
from rag.assistant import EMPTY, MAX_QUESTION_CHARS, NO_WORDS
from rag.embed import EmbedderError
from rag.generate import GeneratorError
from rag.language import detect_language
from rag.schema import EXTRACTIVE

from .labels import EXAMPLES, LANGUAGE_CHOICES, PLACEHOLDER, label
from .render import (
    answer_html,
    articles_html,
    dropped_html,
    error_html,
    ingest_summary_html,
    message_html,
    notice_html,
    recited_html,
    refusal_html,
    sources_html,
    translation_html,
)
from .style import CSS, JS, THEME

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # read when Gradio would send telemetry
log = logging.getLogger("isnad.ui")

TOP_K_DEFAULT, TOP_K_MAX = 5, 20
SHOWN_CHARS = 300  # a question too long to answer is shown cut to this length
CONCURRENCY = 4  # questions answered at once; ingestion runs one at a time
PROGRESS = gr.Progress()  # Gradio replaces it by the event's progress tracker
UPLOAD_TYPES = [".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".gz"]
MAX_UPLOAD_MB = 20  # per file; the server refuses larger uploads too (`launch(max_file_size=...)`)
UPLOADS = "uploads"  # accepted uploads are kept in this folder of the index, under sanitized names


class UserError(Exception):
    """A failure explained in the user's language: `message` says what to do, `detail` is the library's."""

    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.message, self.detail = message, detail


class Chat:
    """What the web chat does, independent of the widgets: answer, stream, ingest, list articles.

    Thread-safe: several questions are answered at once; ingestions are serialized by a lock.
    """

    stream_delay = 0.015  # seconds between streamed pieces of an answer
    stream_pieces = 40  # an answer streams in at most this many pieces

    def __init__(self, assistant: Assistant):
        self.assistant = assistant
        self.ingest_lock = threading.Lock()

    # -- answering -----------------------------------------------------------------------------------

    def generators(self) -> list[str]:
        """The generator setting's choices: the extractive answerer, and the assistant's language model."""
        spec = getattr(self.assistant, "generator_spec", EXTRACTIVE)
        return [spec, EXTRACTIVE] if spec != EXTRACTIVE else [EXTRACTIVE]

    def ask(
        self,
        question: str,
        top_k: int = TOP_K_DEFAULT,
        ui_lang: str = "en",
        history: list[tuple[str, str]] | None = None,
        generator: str | None = None,
    ) -> Answer:
        """The assistant's answer, or `UserError` with a readable message in the question's language
        (`ui_lang` for a blank question). `history`: earlier (question, answer) pairs."""
        result = None
        for result in self.stream(question, top_k, ui_lang, history, generator):  # noqa: B007
            pass
        return result

    def stream(
        self,
        question: str,
        top_k: int = TOP_K_DEFAULT,
        ui_lang: str = "en",
        history: list[tuple[str, str]] | None = None,
        generator: str | None = None,
    ) -> Iterator[str | Answer]:
        """`Assistant.stream`: the text as it is written, then the checked `Answer`; errors as `UserError`."""
        question = question or ""
        lang = _language(question, ui_lang)
        kwargs: dict = {"top_k": _top_k(top_k)}
        if history:
            kwargs["history"] = history
        if generator and generator in self.generators():
            kwargs["generator"] = generator
        try:
            if kwargs.get("generator", getattr(self.assistant, "generator_spec", EXTRACTIVE)) == EXTRACTIVE:
                yield self.assistant.answer(question, **kwargs)
            else:
                yield from self.assistant.stream(question, **kwargs)
        except Exception as e:
            raise self.explain(e, question, lang) from e

    def explain(self, error: Exception, question: str, lang: str) -> UserError:
        """A readable message for `error` (never a stack trace; that goes to the server log)."""
        detail = str(error)
        if isinstance(error, BadQuestion):
            if detail == EMPTY or not question.strip():
                return UserError(label(lang, "err_empty"))
            if len(question.strip()) > MAX_QUESTION_CHARS:
                return UserError(label(lang, "err_too_long", length=len(question.strip()), limit=MAX_QUESTION_CHARS))
            if detail == NO_WORDS:
                return UserError(label(lang, "err_no_words"))
            return UserError(detail)
        if isinstance(error, StoreUnavailable):
            log.warning("vector store unavailable: %r", error)
            return UserError(label(lang, "err_store"), detail)
        if isinstance(error, ModelMismatch):
            return UserError(label(lang, "err_model"), detail)
        if isinstance(error, IndexBusy):
            return UserError(label(lang, "err_busy"), detail)
        if isinstance(error, IndexUnusable):
            if self._index_is_empty():
                return UserError(label(lang, "err_index_empty"))
            return UserError(detail)
        if isinstance(error, EmbedderError):
            log.warning("embedder failed: %s", error)
            return UserError(label(lang, "err_embedder"), detail)
        if isinstance(error, GeneratorError) or _is_connection_error(error):
            log.warning("generator failed: %r", error)
            return UserError(label(lang, "err_generator"), detail[:300])
        log.exception("unexpected error while answering %r", question[:200])
        return UserError(label(lang, "err_other"), f"{type(error).__name__}: {detail}"[:300])

    def _index_is_empty(self) -> bool:
        """Whether the catalog holds no article; False (logged) when even the catalog cannot be read."""
        try:
            return self.assistant.is_empty()
        except Exception:
            log.exception("could not tell whether the index is empty")
            return False

    def api_answer(
        self,
        question: str,
        top_k: int = TOP_K_DEFAULT,
        history: list | None = None,
        generator: str | None = None,
    ) -> dict:
        """The `/answer` endpoint: the contract JSON of the answer; errors as `gr.Error` messages."""
        pairs = [(str(t[0]), str(t[1])) for t in history or [] if isinstance(t, list | tuple) and len(t) == 2]
        try:
            return self.ask(question, top_k, history=pairs, generator=generator).to_dict()
        except UserError as e:
            raise gr.Error(f"{e.message} {e.detail}".strip(), print_exception=False) from None

    def respond(
        self,
        question: str,
        history: list | None,
        top_k: int = TOP_K_DEFAULT,
        ui_lang: str = "en",
        generator: str | None = None,
    ) -> Iterator[list[dict]]:
        """One chat turn for `question`: yields the conversation while the answer streams in.

        The question and a "searching" notice appear first (`add_question`), then the answer grows piece
        by piece, and last comes its sources panel (a message titled "Sources (n)"); see `stream_answer`.
        """
        history = self.add_question(question, history, ui_lang)
        yield history
        yield from self.stream_answer(question, history, top_k, ui_lang, generator)

    def add_question(self, question: str, history: list | None, ui_lang: str = "en") -> list[dict]:
        """The conversation with `question` (laid out by its language) and a "searching" notice added."""
        history = list(history or [])
        lang = _language(question, ui_lang)
        if (question or "").strip():
            shown = question if len(question) <= MAX_QUESTION_CHARS else question[:SHOWN_CHARS] + " …"
            history.append({"role": "user", "content": message_html(shown, lang, "question")})
        history.append({"role": "assistant", "content": message_html(label(lang, "thinking"), lang, "thinking")})
        return history

    def stream_answer(
        self,
        question: str,
        history: list,
        top_k: int = TOP_K_DEFAULT,
        ui_lang: str = "en",
        generator: str | None = None,
    ) -> Iterator[list[dict]]:
        """Replace the "searching" notice that ends `history` by the answer, streamed; then its sources.

        The earlier turns of `history` make the question a follow-up. A language model's draft streams in
        as it is written (marked as a draft), then is replaced by the checked answer, its sources and the
        sentences the checker removed. A refusal says that the sources do not contain the answer; an error
        becomes a readable message.
        """
        history = list(history or [])
        if history and "isnad-thinking" in _content_text(history[-1]):
            history.pop()
        lang = _language(question, ui_lang)
        turn = max(0, sum(1 for m in history if _role(m) == "user") - 1)
        draft, result = "", None
        try:
            for piece in self.stream(question, top_k, ui_lang, conversation(history[:-1]), generator):
                if isinstance(piece, Answer):
                    result = piece
                elif piece:
                    draft += piece
                    yield history + [{"role": "assistant", "content": message_html(draft, lang, "draft")}]
        except UserError as e:
            yield history + [{"role": "assistant", "content": error_html(e.message, lang, e.detail)}]
            return
        extra = []
        if result.translation:
            title = label(result.language, "translated")
            extra.append({"role": "assistant", "content": translation_html(result), "metadata": {"title": title}})
        if result.recited:
            title = label(result.language, "recited", n=len(result.recited))
            extra.append({"role": "assistant", "content": recited_html(result), "metadata": {"title": title}})
        if result.dropped:
            title = label(result.language, "removed", n=len(result.dropped))
            extra.append({"role": "assistant", "content": dropped_html(result), "metadata": {"title": title}})
        if result.refused:
            yield history + [{"role": "assistant", "content": refusal_html(result)}, *extra]
            return
        cited = {c.n for c in result.citations}
        if result.generator == EXTRACTIVE:
            for partial in _pieces(result.text, self.stream_pieces):
                yield history + [{"role": "assistant", "content": answer_html(partial, result.language, turn, cited)}]
                if self.stream_delay:
                    time.sleep(self.stream_delay)
        history.append({"role": "assistant", "content": answer_html(result.text, result.language, turn, cited)})
        if result.citations:
            title = label(result.language, "sources", n=len(result.citations))
            history.append({"role": "assistant", "content": sources_html(result, turn), "metadata": {"title": title}})
        yield history + extra

    # -- the index -----------------------------------------------------------------------------------

    def ingest(self, paths: list[str], lang: str, progress=None) -> str:
        """Ingest uploaded files (one ingestion at a time); returns the summary as HTML in `lang`,
        with the files or records that were skipped and why.

        Only files of the accepted types and at most MAX_UPLOAD_MB are taken; each is first copied, under a
        sanitized name, into the index's `uploads/` folder, the only place an upload is written to.
        """
        paths = [p for p in paths or [] if p]
        if not paths:
            return notice_html(label(lang, "ingest_none"), lang)

        def on_article(done: int, title: str) -> None:
            if progress is not None:
                progress((done, None), desc=f"{label(lang, 'ingesting')}: {title[:60]}", unit="articles")

        if not self.ingest_lock.acquire(timeout=600):
            return error_html(label(lang, "err_busy"), lang)
        try:
            kept, refused = self._keep_uploads(paths, lang)
            report = self.assistant.ingest(kept, on_article=on_article) if kept else IngestReport()
        except Exception as e:
            err = self.explain(e, "", lang)
            return error_html(err.message, lang, err.detail)
        finally:
            self.ingest_lock.release()
        skipped = refused + [(_display_name(where), why) for where, why in report.skipped]
        return ingest_summary_html(report, skipped, lang)

    def _keep_uploads(self, paths: list[str], lang: str) -> tuple[list[Path], list[tuple[str, str]]]:
        """Copy the acceptable uploads into the index's uploads folder: (their new paths, [(name, why refused)])."""
        folder = Path(self.assistant.index.dir) / UPLOADS
        kept, refused = [], []
        for given in paths:
            source = Path(given)
            name = safe_file_name(source.name)
            if not name.lower().endswith(tuple(UPLOAD_TYPES)):
                refused.append((name, label(lang, "upload_type", types=" ".join(UPLOAD_TYPES))))
            elif source.stat().st_size > MAX_UPLOAD_MB * 2**20:
                refused.append((name, label(lang, "upload_size", limit=MAX_UPLOAD_MB)))
            else:
                folder.mkdir(parents=True, exist_ok=True)
                kept.append(Path(shutil.copyfile(source, folder / name)))
        return kept, refused

    def articles_html(self, lang: str) -> str:
        """The indexed articles as a table (title, paragraphs, source, date), headed by their counts."""
        try:
            articles = self.assistant.articles()
        except Exception as e:
            log.warning("cannot list the articles: %r", e)
            return error_html(self.explain(e, "", lang).message, lang)
        return articles_html(articles, lang)


def _top_k(top_k) -> int:
    try:
        return max(1, min(TOP_K_MAX, int(top_k)))
    except (TypeError, ValueError):
        return TOP_K_DEFAULT


def _role(message) -> str:
    return message.get("role", "") if isinstance(message, dict) else getattr(message, "role", "")


def _language(question: str | None, default: str = "en") -> str:
    """The language of `question`, `default` for a blank one."""
    return detect_language(question) if (question or "").strip() else default


def conversation(messages: list) -> list[tuple[str, str]]:
    """The (question, answer) pairs of a chat's messages, as plain text (for follow-up questions)."""
    pairs: list[tuple[str, str]] = []
    for message in messages:
        content = _content_text(message)
        metadata = message.get("metadata") if isinstance(message, dict) else getattr(message, "metadata", None)
        if _role(message) == "user":
            pairs.append((_plain(content), ""))
        elif pairs and not pairs[-1][1] and not (metadata or {}).get("title") and "isnad-error" not in content:
            pairs[-1] = (pairs[-1][0], _plain(re.sub(r'<p class="isnad-hint">.*?</p>', "", content)))
    return [(q, a) for q, a in pairs if q]


def _plain(fragment: str) -> str:
    """The text of an HTML message, one line per paragraph."""
    text = re.sub(r"</p>\s*<p[^>]*>", "\n", fragment)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()


def _is_connection_error(error: Exception) -> bool:
    """A language-model server that cannot be reached (httpx / openai connection errors)."""
    return any("Connection" in type(e).__name__ or "Timeout" in type(e).__name__ for e in _chain(error))


def _chain(error: BaseException) -> Iterator[BaseException]:
    while error is not None:
        yield error
        error = error.__cause__ or error.__context__


def _content_text(message) -> str:
    """The text of a chat message, whichever form Gradio gives it in (str, or a list of parts)."""
    content = message.get("content") if isinstance(message, dict) else getattr(message, "content", "")
    if isinstance(content, list):
        return "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    return content if isinstance(content, str) else ""


def _pieces(text: str, count: int) -> Iterator[str]:
    """Growing prefixes of `text`, cut at word ends, at most `count` of them (the last one is `text`)."""
    ends = [i for i, ch in enumerate(text) if ch.isspace() and i and not text[i - 1].isspace()] + [len(text)]
    step = max(1, -(-len(ends) // max(1, count)))
    for i in range(step - 1, len(ends), step):
        yield text[: ends[i]]
    if (len(ends) - 1) % step != step - 1:
        yield text


def safe_file_name(name: str) -> str:
    """An uploaded file's name made safe to store: no folders (`../../x.txt` is `x.txt`), letters of any
    script, digits and `._-` kept, anything else `_`, no leading dot, at most 120 characters."""
    name = re.sub(r"[^\w.\-]", "_", name.replace("\\", "/").rsplit("/", 1)[-1]).lstrip(".")[-120:]
    return name if name.strip("._-") else "upload"


def _display_name(where: str) -> str:
    """A skipped item as the user knows it: the uploaded file name (plus record number), not the temp path."""
    path, sep, rest = where.partition("#")
    if not sep:
        path, sep, rest = where.rpartition(":") if where.rpartition(":")[2].isdigit() else (where, "", "")
    return Path(path).name + sep + rest


# -- the Blocks ------------------------------------------------------------------------------------------


def build(assistant: Assistant) -> gr.Blocks:
    """The chat as Gradio Blocks over `assistant` (start it with `launch`, or `serve`)."""
    chat = Chat(assistant)
    lang0 = "ar"

    with gr.Blocks(title="إسناد · isnad", analytics_enabled=False) as demo:
        ui_lang = gr.State(lang0)  # the language of the labels
        pending = gr.State("")  # the question being answered
        with gr.Row(elem_id="isnad-top", equal_height=True):
            header = gr.HTML(_header_html(lang0), elem_id="isnad-header")
            language = gr.Radio(
                LANGUAGE_CHOICES,
                value="auto",
                label=label(lang0, "language"),
                elem_id="isnad-language",
                scale=0,
                min_width=380,
            )
        with gr.Row(elem_id="isnad-main", equal_height=False):
            with gr.Column(scale=3, min_width=420):
                chatbot = gr.Chatbot(
                    elem_id="isnad-chat",
                    show_label=False,
                    height="calc(100vh - 270px)",
                    min_height=440,
                    layout="bubble",
                    placeholder=PLACEHOLDER,
                    examples=[{"text": q} for q in EXAMPLES],
                    latex_delimiters=[],
                    buttons=[],
                    feedback_options=None,
                )
                with gr.Row(elem_id="isnad-input", equal_height=True):
                    question = gr.Textbox(
                        label=label(lang0, "question"),
                        show_label=False,
                        placeholder=label(lang0, "placeholder"),
                        lines=1,
                        max_lines=6,
                        scale=8,
                        elem_id="isnad-question",
                        autofocus=True,
                        rtl=lang0 == "ar",
                    )
                    ask = gr.Button(label(lang0, "ask"), variant="primary", scale=1, min_width=90, elem_id="isnad-ask")
                    new = gr.Button(label(lang0, "new"), scale=1, min_width=130, elem_id="isnad-new")
            with gr.Column(scale=2, min_width=340, elem_id="isnad-side", elem_classes=_side_classes(lang0)) as side:
                with gr.Tabs():
                    with gr.Tab(label(lang0, "settings"), id="settings", elem_id="isnad-settings-tab") as settings_tab:
                        top_k = gr.Slider(
                            1,
                            TOP_K_MAX,
                            value=TOP_K_DEFAULT,
                            step=1,
                            label=label(lang0, "top_k"),
                            info=label(lang0, "top_k_info"),
                            elem_id="isnad-top-k",
                        )
                        generator = gr.Dropdown(
                            chat.generators(),
                            value=chat.generators()[0],
                            label=label(lang0, "generator"),
                            info=label(lang0, "generator_info"),
                            elem_id="isnad-generator",
                        )
                    with gr.Tab(label(lang0, "index"), id="index", elem_id="isnad-index-tab") as index_tab:
                        upload = gr.File(
                            label=label(lang0, "upload"),
                            file_count="multiple",
                            file_types=UPLOAD_TYPES,
                            type="filepath",
                            elem_id="isnad-upload",
                        )
                        summary = gr.HTML("", elem_id="isnad-ingest-summary")
                        articles = gr.HTML(chat.articles_html(lang0), elem_id="isnad-articles")

        # -- events --------------------------------------------------------------------------------
        labelled = [header, language, question, ask, new, side, settings_tab, index_tab, top_k, generator, upload]
        labelled.append(articles)

        def relabel(lang: str) -> list:
            """New labels for `labelled`, in `lang`."""
            return [
                _header_html(lang),
                gr.Radio(label=label(lang, "language")),
                gr.Textbox(label=label(lang, "question"), placeholder=label(lang, "placeholder"), rtl=lang == "ar"),
                gr.Button(label(lang, "ask")),
                gr.Button(label(lang, "new")),
                gr.Column(elem_classes=_side_classes(lang)),
                gr.Tab(label=label(lang, "settings")),
                gr.Tab(label=label(lang, "index")),
                gr.Slider(label=label(lang, "top_k"), info=label(lang, "top_k_info")),
                gr.Dropdown(label=label(lang, "generator"), info=label(lang, "generator_info")),
                gr.File(label=label(lang, "upload")),
                chat.articles_html(lang),
            ]

        def switch_language(choice: str, current: str):
            lang = choice if choice in ("ar", "en") else current
            return [lang, *relabel(lang)]

        def start_turn(q: str, history: list, choice: str, current: str):
            """Show the question at once, clear the box, and (on "auto") follow the question's language."""
            lang = detect_language(q) if (q or "").strip() else current
            labels = [gr.skip()] * (1 + len(labelled))
            if not (q or "").strip():
                return [q, gr.skip(), gr.skip(), *labels]
            if choice == "auto" and lang != current:
                labels = [lang, *relabel(lang)]
            return [q, chat.add_question(q, history, lang), "", *labels]

        def start_example(history: list, choice: str, current: str, evt: gr.SelectData):
            value = evt.value
            q = value.get("text", "") if isinstance(value, dict) else str(value or "")
            return start_turn(q, history, choice, current)

        def stream_turn(q: str, history: list, k: int, lang: str, gen: str):
            if not (q or "").strip():  # nothing to answer: say so, leave the conversation as it is
                gr.Warning(label(lang, "err_empty"))
                yield gr.skip()
                return
            yield from chat.stream_answer(q, history, k, lang, gen)

        def ingest(files: list[str] | None, lang: str, progress=PROGRESS):
            return chat.ingest(files or [], lang, progress), chat.articles_html(lang), None

        turn_outputs = [pending, chatbot, question, ui_lang, *labelled]
        for trigger in (question.submit, ask.click):
            trigger(start_turn, [question, chatbot, language, ui_lang], turn_outputs, api_name=False, queue=False).then(
                stream_turn,
                [pending, chatbot, top_k, ui_lang, generator],
                [chatbot],
                api_name=False,
                show_progress="hidden",
            )
        chatbot.example_select(
            start_example, [chatbot, language, ui_lang], turn_outputs, api_name=False, queue=False
        ).then(
            stream_turn,
            [pending, chatbot, top_k, ui_lang, generator],
            [chatbot],
            api_name=False,
            show_progress="hidden",
        )
        new.click(lambda: ([], ""), None, [chatbot, question], api_name=False, queue=False)
        language.change(
            switch_language, [language, ui_lang], [ui_lang, *labelled], api_name=False, show_progress="hidden"
        )
        upload.upload(
            ingest,
            [upload, ui_lang],
            [summary, articles, upload],
            api_name=False,
            concurrency_limit=1,
            concurrency_id="ingest",
            show_progress="full",
        )
        demo.load(chat.articles_html, [ui_lang], [articles], api_name=False, show_progress="hidden")
        gr.api(_typed_api(chat), api_name="answer", concurrency_limit=CONCURRENCY)

    demo.queue(default_concurrency_limit=CONCURRENCY)
    return demo


def _side_classes(lang: str) -> list[str]:
    """The settings panel is laid out right to left for Arabic labels."""
    return [f"isnad-ui-{lang}"]


def _typed_api(chat: Chat):
    def answer(
        question: str, top_k: int = TOP_K_DEFAULT, history: list[list[str]] | None = None, generator: str = ""
    ) -> dict:
        """Answer `question` from the `top_k` best paragraphs (the JSON contract of `isnad ask --json`).

        `history`: the conversation so far, [question, answer] pairs (a follow-up question is rewritten
        into a standalone one); `generator`: one of the chat's generator choices ("" for the default)."""
        return chat.api_answer(question, top_k, history, generator or None)

    return answer


def _header_html(lang: str) -> str:
    dir_ = "rtl" if lang == "ar" else "ltr"
    return (
        '<div class="isnad-brand">'
        '<span class="isnad-logo" lang="ar" dir="rtl">إسناد</span><span class="isnad-latin">isnad</span>'
        f'<span class="isnad-tagline" dir="{dir_}" lang="{lang}">{label(lang, "tagline")}</span></div>'
    )


def launch(demo: gr.Blocks, **kwargs):
    """`demo.launch(**kwargs)` with the chat's theme, styles and click script, and the upload size limit."""
    kwargs.setdefault("theme", THEME)
    kwargs.setdefault("css", CSS)
    kwargs.setdefault("js", JS)
    kwargs.setdefault("run_history", False)
    kwargs.setdefault("show_error", False)
    kwargs.setdefault("footer_links", ["api"])
    kwargs.setdefault("max_file_size", f"{MAX_UPLOAD_MB}mb")
    return demo.launch(**kwargs)


def serve(assistant: Assistant, host: str = "127.0.0.1", port: int = 7860, auth: tuple[str, str] | None = None) -> None:
    """Serve the web chat over `assistant` until interrupted (the `isnad serve` command); `auth` is the
    (user, password) a visitor must give first."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if auth is None and host not in ("127.0.0.1", "localhost", "::1"):
        log.warning("serving on %s without a password: anyone who reaches it can ask and upload (see --auth)", host)
    # Gradio receives uploads in GRADIO_TEMP_DIR: by default a folder of the index, so none is written elsewhere.
    os.environ.setdefault("GRADIO_TEMP_DIR", str(Path(assistant.index.dir) / UPLOADS / ".incoming"))
    threading.Thread(target=_warm_up, args=(assistant,), name="isnad-warm-up", daemon=True).start()
    launch(build(assistant), server_name=host, server_port=port, auth=auth)


def _warm_up(assistant: Assistant) -> None:
    """`Assistant.warm_up` while the server starts, so the first question does not pay for loading."""
    try:
        log.info("warmed up in %.1f s: the first answer loads nothing more", assistant.warm_up())
    except Exception:  # a failed warm-up costs the first question some seconds, nothing else
        log.warning("warm-up failed; the first answer will load what it needs", exc_info=True)
