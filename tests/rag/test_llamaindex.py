"""isnad's retriever inside llama-index, over the seed index."""

from __future__ import annotations

import pytest
from llama_index.core import Settings
from llama_index.core.embeddings import MockEmbedding
from llama_index.core.llms import MockLLM
from llama_index.core.query_engine import RetrieverQueryEngine
from llama_index.core.schema import MetadataMode, NodeWithScore, TextNode

from rag.llamaindex import IsnadRetriever

SEVENTH = "000_d5f7ec68f2725137"  # the seventh Moscow conference: paragraph 8 has Shoigu's 4500


@pytest.fixture(scope="module", autouse=True)
def offline_settings():
    """llama-index reaches for OpenAI when these are unset."""
    llm, embed = Settings._llm, Settings._embed_model
    Settings.llm, Settings.embed_model = MockLLM(max_tokens=8), MockEmbedding(embed_dim=8)
    yield
    Settings._llm, Settings._embed_model = llm, embed


def test_returns_ranked_paragraphs_with_their_metadata(seed_assistant):
    nodes = IsnadRetriever(seed_assistant, top_k=4).retrieve("كم عدد عناصر داعش في أفغانستان بحسب شويغو؟")
    assert len(nodes) == 4 and all(isinstance(n, NodeWithScore) and isinstance(n.node, TextNode) for n in nodes)
    assert [n.score for n in nodes] == sorted((n.score for n in nodes), reverse=True)
    hits = seed_assistant.retrieve("كم عدد عناصر داعش في أفغانستان بحسب شويغو؟", top_k=4)
    assert [(n.node.metadata["doc_id"], n.node.metadata["paragraph"]) for n in nodes] == [
        (h.doc_id, h.paragraph) for h in hits
    ]
    top = nodes[0].node
    assert (top.metadata["doc_id"], top.metadata["paragraph"]) == (SEVENTH, 8)
    assert "4500" in top.text and top.text == hits[0].text
    assert set(top.metadata) == {"doc_id", "title", "paragraph", "url", "date", "source"}
    assert top.metadata["title"].startswith("قال الرئيس الروسي") and top.node_id == f"{SEVENTH}#8"
    # the prompt a language model reads carries the title and the text, not the bookkeeping fields
    llm_view = top.get_content(metadata_mode=MetadataMode.LLM)
    assert top.metadata["title"] in llm_view and SEVENTH not in llm_view


def test_opens_an_index_folder(seed_index):
    nodes = IsnadRetriever(seed_index, top_k=2).retrieve(
        "How many countries took part in the seventh Moscow conference?"
    )
    assert len(nodes) == 2 and nodes[0].node.metadata["doc_id"]


def test_in_a_llama_index_query_engine(seed_assistant):
    engine = RetrieverQueryEngine.from_args(IsnadRetriever(seed_assistant, top_k=3), llm=MockLLM(max_tokens=8))
    response = engine.query("كم عدد الدول المشاركة في مؤتمر موسكو السابع؟")
    assert len(response.source_nodes) == 3
    assert (SEVENTH, 2) in {(n.node.metadata["doc_id"], n.node.metadata["paragraph"]) for n in response.source_nodes}
    assert isinstance(response.response, str) and response.response  # MockLLM echoes placeholder text
