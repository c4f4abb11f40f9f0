"""isnad inside llama-index: a `BaseRetriever` over an isnad index.

>>> from llama_index.core import Settings
>>> from llama_index.core.llms import MockLLM
>>> from llama_index.core.query_engine import RetrieverQueryEngine
>>> from rag.llamaindex import IsnadRetriever
>>> retriever = IsnadRetriever(Assistant("my-index"), top_k=5)  # doctest: +SKIP
>>> nodes = retriever.retrieve("How many countries took part?")  # doctest: +SKIP
>>> nodes[0].node.metadata["doc_id"], nodes[0].node.metadata["paragraph"], nodes[0].score  # doctest: +SKIP
>>> engine = RetrieverQueryEngine.from_args(retriever, llm=MockLLM())  # doctest: +SKIP

Each result is a `NodeWithScore` whose `TextNode` holds the whole paragraph and, as metadata, the
paragraph's `doc_id`, `title`, `paragraph` (its position in the article, from 1), `url`, `date` and
`source`; the score is isnad's fused retrieval score. The retrieval is isnad's own (dense + BM25,
see `rag.retrieve`), so llama-index's embedding settings play no part in it.
"""

from __future__ import annotations

from pathlib import Path

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from .assistant import Assistant
from .schema import Hit

# Metadata a language model does not need to read in the prompt (it reads the title and the text).
_HIDDEN_FROM_LLM = ["doc_id", "paragraph", "url", "date", "source"]


def hit_node(hit: Hit) -> NodeWithScore:
    """One retrieved paragraph as a llama-index node; its id is stable (`doc_id#paragraph`)."""
    node = TextNode(
        id_=f"{hit.doc_id}#{hit.paragraph}",
        text=hit.text,
        metadata={
            "doc_id": hit.doc_id,
            "title": hit.title,
            "paragraph": hit.paragraph,
            "url": hit.url,
            "date": hit.date,
            "source": hit.source,
        },
        excluded_llm_metadata_keys=list(_HIDDEN_FROM_LLM),
        excluded_embed_metadata_keys=list(_HIDDEN_FROM_LLM),
    )
    return NodeWithScore(node=node, score=hit.score)


class IsnadRetriever(BaseRetriever):
    """The `top_k` best paragraphs of an isnad index for a query, as `NodeWithScore`, best first.

    `assistant` is an `Assistant` or an index folder (opened with the model that built it).
    """

    def __init__(self, assistant: Assistant | str | Path, top_k: int = 5, **kwargs):
        self.assistant = assistant if isinstance(assistant, Assistant) else Assistant(assistant)
        self.top_k = top_k
        super().__init__(**kwargs)

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return [hit_node(h) for h in self.assistant.retrieve(query_bundle.query_str, top_k=self.top_k)]
