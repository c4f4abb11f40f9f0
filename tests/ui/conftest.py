"""Fixtures of the web chat tests: the app launched in-process on a free port, an answer recorder."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class SeedQuestions:
    """Questions about the seed articles, the fact each answer must contain and the paragraph it cites."""

    ar: str = "كم عدد الدول المشاركة في مؤتمر موسكو السابع للأمن الدولي؟"
    ar_fact: str = "95"
    ar_source: tuple[str, int] = ("000_d5f7ec68f2725137", 2)
    en: str = "How many ISIS fighters are in Afghanistan according to Shoigu?"
    en_fact: str = "4500"
    en_source: tuple[str, int] = ("000_d5f7ec68f2725137", 8)
    off_topic: str = "ما نتيجة مباراة ريال مدريد وبرشلونة أمس؟"


@pytest.fixture(scope="session")
def seeds_qa() -> SeedQuestions:
    return SeedQuestions()


@pytest.fixture(scope="session")
def recording():
    """Wrap an assistant so that it remembers its answers by question: `recording(assistant).answers`."""
    return RecordingAssistant


class RecordingAssistant:
    """An `Assistant` that remembers its answers by question (to compare the page with what it showed)."""

    def __init__(self, assistant):
        self._assistant = assistant
        self._lock = threading.Lock()
        self.answers = {}

    def answer(self, question, top_k=5, **kwargs):
        result = self._assistant.answer(question, top_k=top_k, **kwargs)
        with self._lock:
            self.answers[question] = result
        return result

    def __getattr__(self, name):
        return getattr(self._assistant, name)


@pytest.fixture(scope="module")
def launch_chat(free_port):
    """Launch `ui.app.build(assistant)` on 127.0.0.1 and a free port; returns its URL. Closed after the module."""
    from ui.app import build, launch

    demos = []

    def start(assistant) -> str:
        demo = build(assistant)
        port = free_port()
        launch(demo, server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
        demos.append(demo)
        return f"http://127.0.0.1:{port}/"

    yield start
    for demo in demos:
        demo.close()


@pytest.fixture(scope="module")
def module_index_copy(seed_index, tmp_path_factory):
    """Like `seed_index_copy`, for the tests of one module together (one app, one browser)."""
    import shutil

    dst = tmp_path_factory.mktemp("ui-index") / "index"
    shutil.copytree(seed_index, dst)
    return dst
