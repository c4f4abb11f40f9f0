"""Questions asked with their gold articles hidden weigh their terms as over an index without those articles."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from eval.run import answerer_without
from rag.normalize import terms
from rag.schema import Article, Paragraph
from rag.store import Catalog

ARTICLES = {
    "erdogan": ("أردوغان في أنقرة", ["قال الرئيس التركي أردوغان إن مؤتمر موسكو مهم.", "وأضاف أردوغان أن تركيا تدعمه."]),
    "moscow": ("مؤتمر موسكو", ["افتتح مؤتمر موسكو للأمن الدولي بمشاركة 95 دولة."]),
    "shoigu": ("شويغو", ["قال شويغو إن مؤتمر موسكو ناقش الإرهاب في أفغانستان."]),
}
QUESTION = terms("ماذا قال أردوغان عن مؤتمر موسكو؟")


def catalog(path, doc_ids) -> Catalog:
    c = Catalog(path)
    for doc_id in doc_ids:
        title, texts = ARTICLES[doc_id]
        paragraphs = [Paragraph(doc_id, title, n, text) for n, text in enumerate(texts, start=1)]
        c.put_article(Article(doc_id, title, tuple(texts)), paragraphs, [])
    return c


def test_term_weights_without_articles_equal_those_of_an_index_that_never_had_them(tmp_path):
    full = catalog(tmp_path / "full.sqlite3", ARTICLES)
    rest = catalog(tmp_path / "rest.sqlite3", ["moscow", "shoigu"])
    assert full.document_frequency(QUESTION, without={"erdogan"}) == rest.document_frequency(QUESTION)
    assert full.term_weights(QUESTION, without={"erdogan"}) == pytest.approx(rest.term_weights(QUESTION))
    weights = full.term_weights(QUESTION, without={"erdogan"})
    erdogan = terms("أردوغان")[0]
    assert weights[erdogan] == max(weights.values()) > full.term_weights(QUESTION)[erdogan]  # now never seen


def test_the_answerer_without_hidden_articles_keeps_the_calibration_and_weighs_without_them(tmp_path):
    full = catalog(tmp_path / "full.sqlite3", ARTICLES)
    answerer = SimpleNamespace(embedder=object(), calibration=object())
    assistant = SimpleNamespace(answerer=answerer, index=SimpleNamespace(catalog=full))
    hidden = answerer_without(assistant, {"erdogan"})
    assert hidden.embedder is answerer.embedder and hidden.calibration is answerer.calibration
    assert hidden.weights(QUESTION) == full.term_weights(QUESTION, without={"erdogan"})
