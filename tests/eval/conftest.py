"""Fixtures of the evaluation tests: a tiny SQuAD-format set (two Arabic paragraphs, five questions)."""

from __future__ import annotations

import copy

import pytest

TINY_SQUAD = {
    "version": "1.1",
    "data": [
        {
            "title": "نهر النيل",
            "paragraphs": [
                {
                    "context": "نهر النيل أطول أنهار العالم. يبلغ طوله 6650 كيلومترا\nويجري في أحد عشر بلدا.",
                    "qas": [
                        {
                            "id": "q1",
                            "question": " - كم يبلغ طول نهر النيل؟ ال",
                            "answers": [{"text": "6650 كيلومترا", "answer_start": 39}],
                        },
                        {
                            "id": "q2",
                            "question": "في كم بلدا يجري النيل؟",
                            "answers": [
                                {"text": "أحد عشر", "answer_start": 63},
                                {"text": "أحد عشر بلدا", "answer_start": 63},
                            ],
                        },
                    ],
                }
            ],
        },
        {
            "title": "Mount_Everest",
            "paragraphs": [
                {
                    "context": "جبل إيفرست أعلى جبل على سطح الأرض فوق مستوى البحر.",
                    "qas": [
                        {"id": "q3", "question": "What is the highest mountain?", "answers": [{"text": "جبل إيفرست"}]},
                        {"id": "q4", "question": "من تسلقه أولا؟", "answers": [], "is_impossible": True},
                        {"id": "q5", "question": "سؤال بلا إجابة صالحة؟", "answers": [{"text": "-)"}]},
                    ],
                }
            ],
        },
    ],
}


@pytest.fixture
def tiny_squad() -> dict:
    """A SQuAD 1.1/2.0 file's content: a multi-line context, an ARCD-style question, an unanswerable one."""
    return copy.deepcopy(TINY_SQUAD)
