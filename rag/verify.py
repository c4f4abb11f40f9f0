"""Check a drafted answer sentence by sentence against the paragraphs it cites; keep only what they support.

>>> answer = verify(draft, SupportChecker(embedder))  # doctest: +SKIP
>>> answer.text, answer.citations, answer.dropped  # doctest: +SKIP

- The reply is split into sentences (lines, then `. ! ? ؟ ؛` ends); list bullets are dropped.
- Markers are read in every form small models write: `[1]`, `[١]`, `【1】`, `[1, 3]`, `[1][2]`, `[Source 2]`,
  `(Source 2)`, `(المصدر 2)`. Markers after a sentence's end belong to that sentence; a marker pointing at
  no retrieved paragraph is removed.
- A sentence not in the question's language is removed (an article cannot make the answer switch language).
- A sentence with markers is kept when `SupportChecker` accepts it against a paragraph it cites (each one
  alone, else all of them together); only the supporting markers stay. A sentence without a (valid) marker
  gets the retrieved paragraph that supports it best, or is removed. So does a mis-cited sentence (the
  paragraphs it cites do not support it): it is re-cited to the retrieved paragraph that does, by the same
  rule, and listed in `Answer.recited`; only when none does is it removed. Every removal is listed with its
  reason.
- Markers are renumbered 1..n in order of first use; each citation quotes the span of its paragraph (an exact
  substring) that best supports the sentences citing it. A reply with nothing left becomes a refusal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .language import REFUSAL, detect_language
from .normalize import normalize
from .schema import Answer, Citation, Draft, Hit
from .split import sentence_spans
from .support import CLAIM_TERMS_MIN, Support, SupportChecker

_DIGITS = r"[0-9٠-٩۰-۹]+"
_LIST = rf"{_DIGITS}(?:\s*(?:[,،;؛]|and|و)\s*{_DIGITS})*"
_WORD = r"(?:sources?|src|ref|المصدر|المصادر|مصدر)"
MARKER = re.compile(
    rf"[\[【]\s*(?:{_WORD}\s*)?(?P<a>{_LIST})\s*[\]】]|\(\s*{_WORD}\s*(?P<b>{_LIST})\s*\)",
    re.IGNORECASE,
)
_MARKERS = rf"(?:\s*(?:{MARKER.pattern}))+"
_END = r"[.!?؟؛;]"
_MARKERS_AFTER_END = re.compile(rf"({_END}+)({_MARKERS})", re.IGNORECASE)
_LEADING_MARKERS = re.compile(rf"^{_MARKERS}\s*", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•●▪]|\d{1,2}[.)])\s+")
_SPLIT = re.compile(rf"(?<={_END})\s+")
_WORDS_FOLLOW = re.compile(r"\s+[^\W\d_]")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,!?؟،؛;:])")
_CONTENT = re.compile(r"[^\W_]")  # a letter or a digit: "95 [1]" is a (terse) statement, "[1] [2]" is not
# Function words of English and of other Latin-script languages: an "English" sentence must not be
# mostly made of the latter (an answer that an article talked into French, Spanish or German).
_ENGLISH = frozenset("the of to and is are was were by with that this it has have had said says there not".split())
_OTHER_LATIN = frozenset(
    "le la les des du une est et que qui dans pour sur avec selon el los las por una del según und der das "
    "ist nicht mit auf dem den il di che della sono per".split()
)


@dataclass
class Sentence:
    """One sentence of a reply: its words without markers, the marker numbers it carries, and whether a
    new line starts with it."""

    text: str
    cites: list[int]
    new_line: bool


def marker_numbers(text: str) -> list[int]:
    """The numbers of every marker in `text`, in order, each once (Arabic-Indic digits read as digits)."""
    out: list[int] = []
    for m in MARKER.finditer(text):
        digits = normalize(m.group("a") or m.group("b"))
        out += [int(d) for d in re.findall(r"\d+", digits)]
    return list(dict.fromkeys(out))


def sentences(reply: str) -> list[Sentence]:
    """The reply's sentences with their markers (markers after a sentence end belong to that sentence;
    markers opening a line belong to the sentence after them; a line of markers only, to the sentence before)."""
    out: list[Sentence] = []
    for line in reply.splitlines():
        line = _BULLET.sub("", line)
        line = _MARKERS_AFTER_END.sub(lambda m: m.group(2) + m.group(1), line)
        opening: str = ""  # markers that open the line: they belong to the sentence that follows them
        for i, piece in enumerate(p for p in _pieces(line) if p.strip()):
            lead = _LEADING_MARKERS.match(piece)
            if lead and i and out:  # "... . [2] Next" already handled; "... [2]" alone after a split
                out[-1].cites += [n for n in marker_numbers(lead.group()) if n not in out[-1].cites]
                piece = piece[lead.end() :]
            text = _SPACE_BEFORE_PUNCT.sub(r"\1", " ".join(MARKER.sub(" ", piece).split()))
            cites = marker_numbers(piece)
            if not _CONTENT.search(text):
                if i == 0 and cites:
                    opening = piece.strip()
                elif out and cites:
                    out[-1].cites += [n for n in cites if n not in out[-1].cites]
                elif text:
                    out.append(Sentence(piece.strip(), [], i == 0))
                continue
            out.append(Sentence(text, list(dict.fromkeys(marker_numbers(opening) + cites)), i == 0 or bool(opening)))
            opening = ""
        if opening and out:  # a line of markers only, after a sentence: they are that sentence's
            out[-1].cites += [n for n in marker_numbers(opening) if n not in out[-1].cites]
        elif opening:
            out.append(Sentence(opening, [], True))
    return out


def _pieces(line: str) -> list[str]:
    """A line cut after sentence ends, and after a marker that more words follow ("… [1] Then …")."""
    cuts = {m.end() for m in _SPLIT.finditer(line)}
    cuts |= {m.end() for m in MARKER.finditer(line) if _WORDS_FOLLOW.match(line, m.end())}
    out, at = [], 0
    for cut in sorted(cuts):
        out.append(line[at:cut])
        at = cut
    return [*out, line[at:]]


def in_language(sentence: str, language: str) -> bool:
    """Whether `sentence` is written in `language` ("ar" or "en"); figures alone are in every language."""
    if not re.search(r"[^\W\d_]", sentence):
        return True
    if detect_language(sentence) != language:
        return False
    if language == "en":
        words = re.findall(r"[^\W\d_]+", sentence.lower())
        return sum(w in _OTHER_LATIN for w in words) <= sum(w in _ENGLISH for w in words)
    return True


def verify(draft: Draft, checker: SupportChecker) -> Answer:
    """The checked answer: supported sentences with renumbered markers, citations, and what was dropped."""
    hits, language = draft.hits, draft.language
    kept: list[tuple[Sentence, list[int]]] = []  # sentence, supporting source numbers (1-based, as drafted)
    dropped: list[dict] = []
    moved: list[tuple[Sentence, list[int], int]] = []  # re-cited: sentence, the sources it cited, the one found
    seen: set[str] = set()
    for s in sentences(draft.text):
        if not _CONTENT.search(MARKER.sub("", s.text)):
            dropped.append({"sentence": s.text, "reason": "markers without a statement"})
            continue
        if _is_refusal(s.text):
            continue
        key = normalize(s.text)
        if key in seen:
            dropped.append({"sentence": s.text, "reason": "repeats an earlier sentence"})
            continue
        seen.add(key)
        if not in_language(s.text, language):
            dropped.append({"sentence": s.text, "reason": f"not in the question's language ({language})"})
            continue
        sources, reason = _supporting(s, hits, checker)
        if not sources:
            dropped.append({"sentence": s.text, "reason": reason})
            continue
        kept.append((s, sources))
        cited = [n for n in s.cites if 1 <= n <= len(hits)]
        if cited and not set(sources) & set(cited):  # it cited retrieved paragraphs; another one supports it
            moved.append((s, cited, sources[0]))
    if not kept:
        return Answer(draft.question, language, REFUSAL[language], True, generator=draft.generator, dropped=dropped)
    order = list(dict.fromkeys(n for _, sources in kept for n in sources))
    renumber = {old: new for new, old in enumerate(order, start=1)}
    lines: list[str] = []
    for s, sources in kept:
        text = s.text + " " + "".join(f"[{renumber[n]}]" for n in sources)
        if s.new_line or not lines:
            lines.append(text)
        else:
            lines[-1] += " " + text
    citations = [
        _citation(renumber[n], hits[n - 1], [s.text for s, sources in kept if n in sources], checker) for n in order
    ]
    where = {n: {"doc_id": h.doc_id, "paragraph": h.paragraph} for n, h in enumerate(hits, start=1)}
    recited = [
        {"sentence": s.text, "from": [{"n": n, **where[n]} for n in cited], "to": {"n": renumber[to], **where[to]}}
        for s, cited, to in moved
    ]
    return Answer(
        draft.question,
        language,
        "\n".join(lines),
        False,
        citations=citations,
        generator=draft.generator,
        dropped=dropped,
        recited=recited,
    )


def _supporting(s: Sentence, hits: list[Hit], checker: SupportChecker) -> tuple[list[int], str]:
    """The source numbers that support the sentence, or [] and why not: the drafted ones that support it, else
    (no valid marker, or mis-cited) the one retrieved paragraph it did not cite that supports it best. The
    retrieved paragraphs a check does not cite are the checker's `others`: a sentence that one of them
    supports better, or that takes a name only one of them holds, cites the wrong paragraph."""
    valid = [n for n in s.cites if 1 <= n <= len(hits)]
    nowhere = [n for n in s.cites if n not in valid]
    verdicts: list[Support] = []
    if valid:
        others = _others(hits, valid)
        verdicts = [checker.check(s.text, [hits[n - 1].text], others) for n in valid]
        supported = [n for n, v in zip(valid, verdicts, strict=True) if v.supported]
        if (
            not supported
            and len(valid) > 1
            and checker.check(s.text, [hits[n - 1].text for n in valid], others).supported
        ):
            supported = valid
        if supported:
            return supported, ""
    best: tuple[float, int] | None = None
    for n, hit in enumerate(hits, start=1):
        if n in valid:
            continue
        v = checker.check(s.text, [hit.text], _others(hits, [n]))
        if v.supported and (best is None or _strength(v) > best[0]):
            best = (_strength(v), n)
    if best:
        return [best[1]], ""
    if valid:
        return [], _miscited(valid, verdicts, hits)
    if nowhere:
        missing = ", ".join(f"[{n}]" for n in nowhere)
        return [], f"its marker ({missing}) points at no retrieved paragraph, and none supports it"
    return [], "no marker, and no retrieved paragraph supports it"


def _miscited(cited: list[int], verdicts: list[Support], hits: list[Hit]) -> str:
    """Why a sentence was removed that the paragraphs it cites do not support, nor any other retrieved one."""
    where = "; ".join(_where(hits[n - 1]) for n in cited)
    paragraphs = f"{'paragraph' if len(cited) == 1 else 'paragraphs'} ({where})"
    reasons = {v.reason for v in verdicts}
    if "no claim" in reasons:
        why = f"it states no checkable fact (fewer than {CLAIM_TERMS_MIN} content words)"
    elif "number" in reasons:
        why = f"a figure it states is not in the cited {paragraphs}"
    elif "misplaced figure" in reasons:
        why = f"a figure it states counts something else in the cited {paragraphs}"
    elif "name" in reasons:
        why = f"a name it states is not in the cited {paragraphs}"
    elif "other paragraph" in reasons:
        why = f"another retrieved paragraph is closer to it than the cited {paragraphs}"
    else:
        why = f"the cited {paragraphs} does not support it"
    return why + ", and no other retrieved paragraph supports it"


def _others(hits: list[Hit], cited: list[int]) -> list[str]:
    """The texts of the retrieved paragraphs a sentence does not cite (numbers from 1)."""
    return [h.text for n, h in enumerate(hits, start=1) if n not in cited]


def _where(hit: Hit) -> str:
    """A paragraph as a reader finds it: article id and paragraph number."""
    return f"{hit.doc_id}, paragraph {hit.paragraph}"


def _strength(v: Support) -> float:
    return v.lexical + (v.dense or 0.0)


def _is_refusal(text: str) -> bool:
    """The model's "the sources do not say" sentence (the refusal of the prompt, in either language)."""
    plain = " ".join(re.findall(r"[^\W_]+", normalize(text)))
    return any(plain and plain == " ".join(re.findall(r"[^\W_]+", normalize(r))) for r in REFUSAL.values())


def _citation(n: int, hit: Hit, claims: list[str], checker: SupportChecker) -> Citation:
    """Citation `n` of `hit`: the quote is the smallest span of the paragraph covering, for each claim, the
    sentence of the paragraph that supports it best."""
    spans = sentence_spans(hit.text) or [(0, len(hit.text))]
    chosen = [_best_span(claim, hit.text, spans, checker) for claim in claims]
    start, end = min(s for s, _ in chosen), max(e for _, e in chosen)
    return Citation(
        n=n,
        doc_id=hit.doc_id,
        title=hit.title,
        paragraph=hit.paragraph,
        text=hit.text,
        quote=hit.text[start:end],
        score=round(hit.score, 4),
        source=hit.source,
        url=hit.url,
        date=hit.date,
    )


def _best_span(claim: str, text: str, spans: list[tuple[int, int]], checker: SupportChecker) -> tuple[int, int]:
    """The span sharing most of the claim's terms; by embeddings when none shares any (another language)."""
    if len(spans) == 1:
        return spans[0]
    lexical = [checker.lexical(claim, [text[s:e]]) for s, e in spans]
    if max(lexical) > 0:
        return spans[lexical.index(max(lexical))]
    return max(spans, key=lambda sp: checker.dense(claim, [text[sp[0] : sp[1]]]))
