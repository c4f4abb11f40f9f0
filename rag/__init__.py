"""isnad: grounded question answering over Arabic news, every claim cited to its source paragraph."""

from .assistant import Assistant, BadQuestion, answer
from .schema import Answer, Citation, Hit, IngestReport
from .store import IndexBusy, IndexUnusable, ModelMismatch, StoreUnavailable

__all__ = [
    "Answer",
    "Assistant",
    "BadQuestion",
    "Citation",
    "Hit",
    "IndexBusy",
    "IndexUnusable",
    "IngestReport",
    "ModelMismatch",
    "StoreUnavailable",
    "answer",
]
