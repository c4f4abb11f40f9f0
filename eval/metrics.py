"""The metrics, as small pure functions (no language model judge).

Retrieval (over answerable questions; `ranked` is the retrieved (doc_id, paragraph) list, best first):

>>> recall_at_k([("a", 1), ("b", 2), ("c", 3)], {("b", 2), ("z", 9)}, 2)
0.5
>>> reciprocal_rank([("a", 1), ("b", 2)], {("b", 2)})
0.5

Answers:

>>> keys_found("قال إن هناك ٤٥٠٠ عنصرٍ", ["4500 عنصر"], keys_all=False)
True
>>> answer_language("According to “عنوان” (paragraph 2): “نص عربي طويل جدا” [1]")
'en'

Citations follow ALCE (Gao et al. 2023, "Enabling Large Language Models to Generate Text with
Citations"): the answer is split into statements; a statement's citations are the markers `[n]` it
carries. Citation recall of an answer is the share of its statements that the union of their cited
paragraphs supports (a statement without citations is not supported); citation precision is the share
of citations that are not irrelevant: with one citation, it is precise when it supports its statement;
with several citations on a supported statement, a citation is precise when it alone supports the
statement or when the others without it do not; citations of an unsupported statement are not precise.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rag.language import detect_language
from rag.normalize import normalize
from rag.support import MARKER, SupportChecker, quoted_spans

Ranked = Sequence[tuple[str, int]]

K_VALUES = (1, 3, 5, 10)
_MARKER_IDS = re.compile(r"\[(\d+(?:\s*[,،]\s*\d+)*)\]")
_LEADING_MARKERS = re.compile(r"^(\s*\[\d+(?:\s*[,،]\s*\d+)*\])+")
_STATEMENT_END = re.compile(r"[.!?؟]+")
_CONTENT = re.compile(r"[^\W_]", re.UNICODE)  # a letter or digit
# Arabic proclitics a key's first word may carry in the answer (normalized forms): و ف ب ل ك, and their pairs.
_PROCLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك")
_ARABIC_LETTER = r"\u0621-\u064A\u0671-\u06D3"


# --- retrieval --------------------------------------------------------------------------------------


def recall_at_k(ranked: Ranked, gold: set[tuple[str, int]], k: int) -> float:
    """Share of the gold paragraphs among the first `k` retrieved."""
    if not gold:
        return 0.0
    return len(gold & set(ranked[:k])) / len(gold)


def reciprocal_rank(ranked: Ranked, gold: set[tuple[str, int]]) -> float:
    """1 / the rank of the first gold paragraph (0 when none was retrieved)."""
    for rank, item in enumerate(ranked, 1):
        if item in gold:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranked: Ranked, gold: set[tuple[str, int]], k: int = 10) -> float:
    """nDCG@k with binary relevance: DCG = sum over gold hits at rank r of 1/log2(r + 1), over the ideal."""
    if not gold:
        return 0.0
    dcg = sum(1.0 / math.log2(r + 1) for r, item in enumerate(ranked[:k], 1) if item in gold)
    ideal = sum(1.0 / math.log2(r + 1) for r in range(1, min(len(gold), k) + 1))
    return dcg / ideal


# --- answer keys and language ----------------------------------------------------------------------


def match_form(text: str) -> str:
    """The form keys and answers are compared in: `rag.normalize.normalize` (no diacritics, one form of
    alef/yaa/teh marbuta, ASCII digits), thousands separators dropped, digits split from letters
    ("و7" -> "و 7"), punctuation as spaces, one space between words."""
    t = normalize(text)
    t = re.sub(r"(?<=\d)[,٬](?=\d{3}(?!\d))", "", t)
    t = re.sub(rf"(?<=\d)(?=[{_ARABIC_LETTER}])|(?<=[{_ARABIC_LETTER}])(?=\d)", " ", t)
    return " ".join(re.findall(r"[^\W_]+", t))


def key_found(answer: str, key: str) -> bool:
    """Whether `key` occurs in `answer` as whole words (after `match_form`); its first word may carry
    an Arabic proclitic (و ف ب ل ك, and ل+ال as لل): "الأردن" is found in "والأردن" and "للأردن"."""
    k = match_form(key).split()
    if not k:
        return False
    words = match_form(answer).split()
    first = {p + k[0] for p in _PROCLITICS}
    if k[0].startswith("ال") and len(k[0]) > 2:
        first |= {p + "لل" + k[0][2:] for p in ("", "و", "ف")}  # ل + ال = لل
    n = len(k)
    for i in range(len(words) - n + 1):
        if words[i] in first and words[i + 1 : i + n] == k[1:]:
            return True
    return False


def keys_found(answer: str, keys: Iterable[str], keys_all: bool) -> bool:
    """Any key (or, with `keys_all`, every key) found in the answer; no keys: False."""
    found = [key_found(answer, k) for k in keys]
    if not found:
        return False
    return all(found) if keys_all else any(found)


def answer_language(text: str) -> str:
    """The language an answer is written in: its text outside quotations and markers (a quoted Arabic
    source inside an English frame is still an English answer); all quoted: the quotes' language.

    On each line everything from the first opening quotation mark to the last closing one counts as
    quoted, so a source with unbalanced quotation marks inside the quote does not leak out of it.
    """
    bare = MARKER.sub(" ", text)
    outside = []
    for line in bare.splitlines():
        opening = [i for i, ch in enumerate(line) if ch in "“«„"]
        closing = [i for i, ch in enumerate(line) if ch in "”»"]
        if opening and closing and closing[-1] > opening[0]:
            line = line[: opening[0]] + " " + line[closing[-1] + 1 :]
        spans = quoted_spans(line)  # straight quotes
        for s, e in reversed(spans):
            line = line[: max(0, s - 1)] + " " + line[e + 1 :]
        outside.append(line)
    rest = re.sub(r"\(\s*(?:paragraph|para\.?)\s*\d+\s*\)", " ", " ".join(outside), flags=re.I)
    return detect_language(rest if re.search(r"[^\W\d_]", rest) else bare)


# --- citations (ALCE) -------------------------------------------------------------------------------


@dataclass
class Statement:
    """One statement of an answer: its text (markers included) and the marker numbers it carries."""

    text: str
    markers: list[int]
    supported: bool = False
    lexical: float = 0.0
    dense: float | None = None
    reason: str = ""
    precise: list[bool] = field(default_factory=list)  # one per marker

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "markers": self.markers,
            "supported": self.supported,
            "lexical": round(self.lexical, 4),
            "dense": None if self.dense is None else round(self.dense, 4),
            "reason": self.reason,
            "precise": self.precise,
        }


def statements(text: str) -> list[Statement]:
    """Split an answer into statements: each line, and each sentence of a line (never inside a
    quotation); markers right after a sentence end (`... . [2]`), or alone on the next line, belong to
    the statement before them. Pieces without letters or digits are not statements."""
    pieces: list[str] = []
    for line in text.splitlines():
        for n, piece in enumerate(_split_sentences(line)):
            lead = _LEADING_MARKERS.match(piece)
            if lead and pieces:
                pieces[-1] += lead.group() if n else lead.group().lstrip()
                piece = piece[lead.end() :]
            if _CONTENT.search(MARKER.sub("", piece)):
                pieces.append(piece.strip())
            elif pieces:
                pieces[-1] += piece.rstrip()
    out = []
    for piece in pieces:
        ids = [int(n) for m in _MARKER_IDS.finditer(piece) for n in re.split(r"\s*[,،]\s*", m.group(1))]
        out.append(Statement(piece.strip(), list(dict.fromkeys(ids))))
    return out


def _split_sentences(line: str) -> list[str]:
    """Sentences of one line, cut after . ! ? ؟ followed by white space, outside quotations."""
    inside = [False] * len(line)
    for s, e in quoted_spans(line):
        for i in range(max(0, s - 1), min(len(line), e + 1)):
            inside[i] = True
    cuts = [
        m.end()
        for m in _STATEMENT_END.finditer(line)
        if not inside[m.start()] and (m.end() == len(line) or line[m.end()].isspace())
    ]
    pieces, at = [], 0
    for c in cuts:
        pieces.append(line[at:c])
        at = c
    pieces.append(line[at:])
    return [p for p in pieces if p.strip()]


def score_citations(
    answer_statements: list[Statement], cited: dict[int, str], checker: SupportChecker
) -> tuple[float, float]:
    """ALCE citation recall and precision of one answer; fills each statement's verdicts.

    `cited` maps a marker number to the text of the paragraph it cites. A marker with no citation
    behind it supports nothing. An answer without statements scores (0, 0).
    """
    supported_statements = 0
    precise_citations = 0
    total_citations = 0
    for st in answer_statements:
        refs = st.markers
        total_citations += len(refs)
        if not refs or any(n not in cited for n in refs):
            st.supported, st.precise = False, [False] * len(refs)
            known = [cited[n] for n in refs if n in cited]
            if known:  # the signals against the citations that do exist, for the report
                v = checker.check(st.text, known)
                st.lexical, st.dense, st.reason = v.lexical, v.dense, v.reason
            continue
        verdict = checker.check(st.text, [cited[n] for n in refs])
        st.supported, st.lexical, st.dense, st.reason = (
            verdict.supported,
            verdict.lexical,
            verdict.dense,
            verdict.reason,
        )
        if not verdict.supported:
            st.precise = [False] * len(refs)
        elif len(refs) == 1:
            st.precise = [True]
        else:
            st.precise = []
            for n in refs:
                alone = checker.check(st.text, [cited[n]]).supported
                rest = [cited[m] for m in refs if m != n]
                st.precise.append(alone or not checker.check(st.text, rest).supported)
        supported_statements += st.supported
        precise_citations += sum(st.precise)
    if not answer_statements:
        return 0.0, 0.0
    recall = supported_statements / len(answer_statements)
    precision = precise_citations / total_citations if total_citations else 0.0
    return recall, precision


# --- aggregation ------------------------------------------------------------------------------------


def mean(values: Iterable[float | None]) -> float | None:
    """The mean of the values that are not None; None when there are none."""
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def ratio(num: int, den: int) -> float | None:
    return num / den if den else None


# --- refusals ----------------------------------------------------------------------------------------


def refusal_curve(rows: Iterable[tuple[float, bool]], thresholds: Sequence[float]) -> list[dict]:
    """Refusal precision, recall and false refusal rate when refusing below each threshold.

    `rows`: (the answerer's probability that the question is answerable, whether it truly is).

    >>> refusal_curve([(0.2, False), (0.6, True), (0.4, True)], [0.5])
    [{'threshold': 0.5, 'precision': 0.5, 'recall': 1.0, 'false_refusal_rate': 0.5}]
    """
    rows = list(rows)
    out = []
    for t in thresholds:
        refused = [answerable for p, answerable in rows if p < t]
        unanswerable = sum(not a for _, a in rows)
        answerable = len(rows) - unanswerable
        hits = sum(not a for a in refused)
        out.append(
            {
                "threshold": t,
                "precision": ratio(hits, len(refused)),
                "recall": ratio(hits, unanswerable),
                "false_refusal_rate": ratio(len(refused) - hits, answerable),
            }
        )
    return out
