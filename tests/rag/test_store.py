"""The index on a real Chroma server (`chroma run`), and a server that is down."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

from rag import Assistant, StoreUnavailable
from rag.normalize import TERMS_VERSION
from rag.store import SEARCH_EF

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_chroma_server_index_answers_like_the_embedded_one(tmp_path, chroma_server, seed_assistant):
    remote = Assistant(tmp_path / "index", chroma_url=chroma_server, collection="seeds_remote")
    report = remote.ingest([SEEDS])
    assert report.articles == 5
    assert not (tmp_path / "index" / "chroma").exists()  # vectors went to the server
    assert remote.index.vectors.count() == seed_assistant.index.vectors.count()
    question = "كم عدد الدول المشاركة في مؤتمر موسكو السابع للأمن الدولي؟"
    local_hits = [(h.doc_id, h.paragraph) for h in seed_assistant.retrieve(question, top_k=5)]
    remote_hits = [(h.doc_id, h.paragraph) for h in remote.retrieve(question, top_k=5)]
    assert remote_hits == local_hits
    assert remote.ingest([SEEDS]).unchanged == 5


def test_environment_variable_selects_the_server(tmp_path, chroma_server, monkeypatch):
    monkeypatch.setenv("ISNAD_CHROMA_URL", chroma_server)
    a = Assistant(tmp_path / "index", collection="env_selected")
    assert a.index.vectors.remote and a.index.vectors.where == chroma_server


def test_server_down_is_a_clear_error(tmp_path, free_port):
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(StoreUnavailable, match="127.0.0.1"):
        Assistant(tmp_path / "index", chroma_url=url)


def test_server_that_goes_away_is_a_clear_error(tmp_path, free_port, wait_for):
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "chroma"),
            "run",
            "--path",
            str(tmp_path / "data"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(f"{url}/api/v2/heartbeat", server)
        a = Assistant(tmp_path / "index", chroma_url=url)
        a.ingest([SEEDS / "004_6c5c1c1384cff0d9.txt"])
    finally:
        server.terminate()
        server.wait(timeout=20)
    with pytest.raises(StoreUnavailable, match=url):
        a.retrieve("ما الذي تبناه قادة رابطة الدول المستقلة؟")


def lexical_rows(index_dir: Path) -> list[tuple]:
    with closing(sqlite3.connect(index_dir / "catalog.sqlite3")) as db:
        return sorted(db.execute("SELECT doc_id, paragraph, terms, title_terms FROM lexical"))


def test_bm25_terms_made_by_an_older_version_are_recomputed_when_the_index_opens(seed_index_copy, caplog):
    fresh = lexical_rows(seed_index_copy)
    question = "ماذا قال غيراسيموف عن تركيا؟"
    expected = [(h.doc_id, h.paragraph) for h in Assistant(seed_index_copy).retrieve(question, 5)]
    with closing(sqlite3.connect(seed_index_copy / "catalog.sqlite3")) as db, db:
        # an index from before terms were versioned, whose terms an older `terms` made
        db.execute("UPDATE lexical SET terms = 'عل ' || terms, title_terms = ''")
        db.execute("DELETE FROM meta WHERE key = 'terms_version'")
    assert lexical_rows(seed_index_copy) != fresh
    assistant = Assistant(seed_index_copy)
    assert lexical_rows(seed_index_copy) == fresh
    assert f"recomputing the BM25 terms of 92 paragraphs (made by terms version 1, now {TERMS_VERSION})" in caplog.text
    assert assistant.index.catalog.get_meta("terms_version") == TERMS_VERSION
    assert [(h.doc_id, h.paragraph) for h in assistant.retrieve(question, 5)] == expected
    assert not assistant.index.catalog.ensure_terms()  # up to date: nothing to do


def test_dense_search_finds_the_exact_nearest_chunks_in_an_index_built_before_search_ef(seed_index_copy):
    import chromadb

    old = chromadb.PersistentClient(path=str(seed_index_copy / "chroma")).get_collection("isnad")
    old.modify(configuration={"hnsw": {"ef_search": 10}})  # the breadth an older index was built with (or less)
    vectors = Assistant(seed_index_copy).index.vectors
    assert vectors._collection.configuration["hnsw"]["ef_search"] == SEARCH_EF
    stored = vectors._collection.get(include=["embeddings"])
    question = Assistant(seed_index_copy).embedder.embed_query("How many ISIS fighters are in Afghanistan?")
    cosine = np.asarray(stored["embeddings"]) @ question
    exact = {stored["ids"][i] for i in np.argsort(-cosine)[:30]}
    assert {cid for cid, _ in vectors.search(question, 30)} == exact


def test_an_index_whose_search_breadth_cannot_be_raised_now_still_answers(seed_index_copy, monkeypatch, caplog):
    import chromadb
    from chromadb.api.models.Collection import Collection

    old = chromadb.PersistentClient(path=str(seed_index_copy / "chroma")).get_collection("isnad")
    old.modify(configuration={"hnsw": {"ef_search": 100}})  # built before SEARCH_EF

    tries = []

    def locked(self, **kwargs):
        tries.append(kwargs)
        raise RuntimeError("database is locked")  # another process writing Chroma's database

    monkeypatch.setattr(Collection, "modify", locked)
    monkeypatch.setattr("rag.store.LOCK_PAUSES", (0.0, 0.0))
    assistant = Assistant(seed_index_copy)
    assert len(tries) == 3  # tried again after each pause, then given up
    assert "could not set ef_search: database is locked" in caplog.text
    assert assistant.retrieve("كم عدد عناصر داعش في أفغانستان؟", 3)


def test_a_lock_that_passes_does_not_lower_the_search_breadth(seed_index_copy, monkeypatch, caplog):
    import chromadb
    from chromadb.api.models.Collection import Collection

    old = chromadb.PersistentClient(path=str(seed_index_copy / "chroma")).get_collection("isnad")
    old.modify(configuration={"hnsw": {"ef_search": 100}})  # built before SEARCH_EF
    modify, tries = Collection.modify, []

    def locked_once(self, **kwargs):
        tries.append(kwargs)
        if len(tries) == 1:
            raise RuntimeError("database is locked")  # a write by another connection, over by the next try
        return modify(self, **kwargs)

    monkeypatch.setattr(Collection, "modify", locked_once)
    monkeypatch.setattr("rag.store.LOCK_PAUSES", (0.0,))
    vectors = Assistant(seed_index_copy).index.vectors
    assert len(tries) == 2 and "could not set ef_search" not in caplog.text
    assert vectors._collection.configuration["hnsw"]["ef_search"] == SEARCH_EF


def test_a_new_index_records_the_version_of_its_terms(tmp_path):
    assert Assistant(tmp_path / "index").index.catalog.get_meta("terms_version") == TERMS_VERSION


def test_processes_opening_a_new_index_at_once_all_succeed(tmp_path):
    """A chat and an ingestion started together on a new index race to create its tables."""
    opener = "import sys; from rag.store import Index; Index(sys.argv[1])"
    for round_ in range(3):
        index = tmp_path / f"index{round_}"
        procs = [
            subprocess.Popen([sys.executable, "-c", opener, str(index)], stderr=subprocess.PIPE, text=True)
            for _ in range(3)
        ]
        failures = [err for p in procs if (err := p.communicate(timeout=300)[1]) and p.returncode]
        assert not failures, failures[0]


def test_titles_are_the_stored_articles_titles(seed_index_copy):
    catalog = Assistant(seed_index_copy).index.catalog
    titles = catalog.titles()
    assert len(titles) == 5 and all(titles)
    assert sorted(titles) == sorted(a.title for a in catalog.articles())
