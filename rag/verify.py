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
  reason: a `Reason` code, the paragraphs and markers concerned as data, and the reason in English words;
  `explain` and `recited_note` word them in Arabic or English (the chat and `isnad ask` show them in the
  question's language).
- Markers are renumbered 1..n in order of first use; each citation quotes the span of its paragraph (an exact
  substring) that best supports the sentences citing it. A reply with nothing left becomes a refusal.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

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


class Reason(StrEnum):
    """Why the support checker removed a sentence: `Answer.dropped[i]["code"]`. The last seven are a
    sentence whose markers point at retrieved paragraphs that do not support it, nor does any other one."""

    MARKERS_ONLY = "markers_only"  # markers and no statement ("[1] [2]")
    REPEATED = "repeated"  # an earlier sentence again
    WRONG_LANGUAGE = "wrong_language"  # not in the question's language
    NO_MARKER = "no_marker"  # no marker, and no retrieved paragraph supports it
    MARKER_NOWHERE = "marker_nowhere"  # its markers point at no retrieved paragraph, and none supports it
    NO_CLAIM = "no_claim"  # fewer than CLAIM_TERMS_MIN content words: no checkable fact
    NUMBER = "number"  # a figure the cited paragraphs lack
    MISPLACED_FIGURE = "misplaced_figure"  # a figure the cited paragraphs give for something else
    NAME = "name"  # a name (person, place) the cited paragraphs lack
    WORD = "word"  # a word the cited paragraphs lack in every form (and nothing close to it)
    OTHER_PARAGRAPH = "other_paragraph"  # another retrieved paragraph is clearly closer to it
    UNSUPPORTED = "unsupported"  # the cited paragraphs do not support it (too little in common)


# `Support.reason` (rag/support.py REJECTIONS) to the reason a mis-cited sentence is removed for; when the
# paragraphs it cites give different reasons, the first of this order is given.
_MISCITED = {
    "no claim": Reason.NO_CLAIM,
    "number": Reason.NUMBER,
    "misplaced figure": Reason.MISPLACED_FIGURE,
    "name": Reason.NAME,
    "other paragraph": Reason.OTHER_PARAGRAPH,
    "unsupported term": Reason.WORD,
    "unmatched words": Reason.WORD,
}

# The reasons in words, by language; {cited}: the paragraphs the sentence cites, {markers}: its markers that
# point nowhere, {min}: CLAIM_TERMS_MIN, {language}: the question's language.
REASONS: dict[str, dict[Reason, str]] = {
    "en": {
        Reason.MARKERS_ONLY: "markers without a statement",
        Reason.REPEATED: "repeats an earlier sentence",
        Reason.WRONG_LANGUAGE: "not in the question's language ({language})",
        Reason.NO_MARKER: "no marker, and no retrieved paragraph supports it",
        Reason.MARKER_NOWHERE: "its marker ({markers}) points at no retrieved paragraph, and none supports it",
        Reason.NO_CLAIM: "it states no checkable fact (fewer than {min} content words){nor}",
        Reason.NUMBER: "a figure it states is not in the cited {cited}{nor}",
        Reason.MISPLACED_FIGURE: "a figure it states counts something else in the cited {cited}{nor}",
        Reason.NAME: "a name it states is not in the cited {cited}{nor}",
        Reason.WORD: "a word it uses is not in the cited {cited} in any form{nor}",
        Reason.OTHER_PARAGRAPH: "another retrieved paragraph is closer to it than the cited {cited}{nor}",
        Reason.UNSUPPORTED: "the cited {cited} {does} not support it{nor}",
    },
    "ar": {
        Reason.MARKERS_ONLY: "إحالات إلى مصادر لا تصحبها أي عبارة",
        Reason.REPEATED: "تكرّر جملة سابقة",
        Reason.WRONG_LANGUAGE: "ليست بلغة السؤال ({language})",
        Reason.NO_MARKER: "لا تحيل إلى أي مصدر، ولا تدعمها أي فقرة من نتائج البحث",
        Reason.MARKER_NOWHERE: "تحيل إلى ما ليس في نتائج البحث ({markers})، ولا تدعمها أي فقرة منها",
        Reason.NO_CLAIM: "لا تتضمن معلومة يمكن التحقق منها (أقل من {min} من الكلمات ذات المعنى){nor}",
        Reason.NUMBER: "تذكر رقمًا لا يرد في {cited}{nor}",
        Reason.MISPLACED_FIGURE: "تذكر رقمًا يرد في {cited} لكنه يخص شيئًا آخر{nor}",
        Reason.NAME: "تذكر اسمًا لا يرد في {cited}{nor}",
        Reason.WORD: "تستعمل كلمة لا ترد في {cited} بأي صيغة{nor}",
        Reason.OTHER_PARAGRAPH: "في نتائج البحث فقرة أخرى أقرب إليها من {cited}{nor}",
        Reason.UNSUPPORTED: "ليس في {cited} ما يدعمها{nor}",
    },
}
# The words around the particulars, by language: {where} lists the cited paragraphs ("paragraph" for one,
# "paragraphs" for more; Arabic has a dual), "nor" ends the reasons of a mis-cited sentence, "languages" name
# the question's language.
_WORDS: dict[str, dict] = {
    "en": {
        "cited": ("paragraph ({where})", "paragraphs ({where})", "paragraphs ({where})"),
        "where": "{doc_id}, paragraph {paragraph}",
        "nor": ", and no other retrieved paragraph supports it",
        "recited": "the model cited {where}; it is in source {n}",
        "languages": {"ar": "ar", "en": "en"},
    },
    "ar": {
        "cited": (
            "الفقرة التي تحيل إليها ({where})",
            "الفقرتين اللتين تحيل إليهما ({where})",
            "الفقرات التي تحيل إليها ({where})",
        ),
        "where": "الفقرة {paragraph} من المقال {doc_id}",
        "nor": "، ولا تدعمها أي فقرة أخرى من نتائج البحث",
        "recited": "نسبها النموذج إلى غير مصدرها ({where})، وهي واردة في المصدر {n}",
        "languages": {"ar": "العربية", "en": "الإنجليزية"},
    },
}
_NOR = frozenset(_MISCITED.values()) | {Reason.UNSUPPORTED}
Format = Callable[[str], str]


def explain(removal: dict, lang: str, language: str | None = None, text: Format = str, value: Format = str) -> str:
    """Why a sentence was removed (an `Answer.dropped` entry), in `lang` ("ar" or "en"), from its code and
    particulars; `language` is the question's (the answer's: `lang` unless given). `text` formats the words
    and `value` each particular (an article id, a paragraph number, a marker): the chat escapes the one and
    isolates the other, so that Latin ids and numbers read naturally inside Arabic."""
    lang = lang if lang in REASONS else "en"
    words, code, cited = _WORDS[lang], Reason(removal["code"]), removal["paragraphs"]
    values = {
        "cited": text(words["cited"][min(len(cited), 3) - 1]).format(where=_where(cited, lang, text, value))
        if cited
        else "",
        "markers": value(", ".join(f"[{n}]" for n in removal["markers"])),
        "min": value(str(CLAIM_TERMS_MIN)),
        "language": text(words["languages"][language or lang]),
        "nor": text(words["nor"]) if code in _NOR else "",
        "does": text("does" if len(cited) == 1 else "do"),
    }
    return text(REASONS[lang][code]).format(**values)


def recited_note(recited: dict, lang: str, text: Format = str, value: Format = str) -> str:
    """What happened to a re-cited sentence (an `Answer.recited` entry), in `lang`: the paragraph(s) the
    model cited, and the answer's source that supports it; `text` and `value` as for `explain`."""
    lang = lang if lang in _WORDS else "en"
    where = _where(recited["from"], lang, text, value)
    return text(_WORDS[lang]["recited"]).format(where=where, n=value(f"[{recited['to']['n']}]"))


def _where(paragraphs: list[dict], lang: str, text: Format, value: Format) -> str:
    """Paragraphs as a reader finds them: paragraph number and article id."""
    return text("; " if lang == "en" else "؛ ").join(
        text(_WORDS[lang]["where"]).format(doc_id=value(p["doc_id"]), paragraph=value(str(p["paragraph"])))
        for p in paragraphs
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
            dropped.append(_removal(s, Reason.MARKERS_ONLY, hits, language))
            continue
        if _is_refusal(s.text):
            continue
        key = normalize(s.text)
        if key in seen:
            dropped.append(_removal(s, Reason.REPEATED, hits, language))
            continue
        seen.add(key)
        if not in_language(s.text, language):
            dropped.append(_removal(s, Reason.WRONG_LANGUAGE, hits, language))
            continue
        sources, reason = _supporting(s, hits, checker)
        if reason:
            dropped.append(_removal(s, reason, hits, language))
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
    recited = [
        {"sentence": s.text, "from": [_paragraph(n, hits) for n in cited], "to": _paragraph(to, hits, renumber[to])}
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


def _removal(s: Sentence, reason: Reason, hits: list[Hit], language: str) -> dict:
    """An `Answer.dropped` entry: the sentence, its reason in English words, the reason's code, the retrieved
    paragraphs it cites (`[{"n", "doc_id", "paragraph"}]`, `n` as in the draft) and its markers that point
    at no retrieved paragraph."""
    valid = [n for n in s.cites if 1 <= n <= len(hits)]
    entry = {
        "sentence": s.text,
        "code": reason.value,
        "paragraphs": [_paragraph(n, hits) for n in valid],
        "markers": [n for n in s.cites if n not in valid],
    }
    return {"sentence": s.text, "reason": explain(entry, "en", language), **entry}


def _paragraph(n: int, hits: list[Hit], marker: int | None = None) -> dict:
    """Source `n` of the draft as data: its marker (`marker`, else `n`), article id and paragraph number."""
    return {"n": marker or n, "doc_id": hits[n - 1].doc_id, "paragraph": hits[n - 1].paragraph}


def _supporting(s: Sentence, hits: list[Hit], checker: SupportChecker) -> tuple[list[int], Reason | None]:
    """The source numbers that support the sentence, or [] and why not: the drafted ones that support it, else
    (no valid marker, or mis-cited) the one retrieved paragraph it did not cite that supports it best. The
    retrieved paragraphs a check does not cite are the checker's `others`: a sentence that one of them
    supports better, or that takes a name only one of them holds, cites the wrong paragraph."""
    valid = [n for n in s.cites if 1 <= n <= len(hits)]
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
            return supported, None
    best: tuple[float, int] | None = None
    for n, hit in enumerate(hits, start=1):
        if n in valid:
            continue
        v = checker.check(s.text, [hit.text], _others(hits, [n]))
        if v.supported and (best is None or _strength(v) > best[0]):
            best = (_strength(v), n)
    if best:
        return [best[1]], None
    if valid:
        return [], _miscited(verdicts)
    return [], Reason.MARKER_NOWHERE if s.cites else Reason.NO_MARKER


def _miscited(verdicts: list[Support]) -> Reason:
    """Why a sentence was removed that the paragraphs it cites do not support, nor any other retrieved one:
    the first of `_MISCITED`'s order among the cited paragraphs' verdicts."""
    reasons = {v.reason for v in verdicts}
    return next((code for why, code in _MISCITED.items() if why in reasons), Reason.UNSUPPORTED)


def _others(hits: list[Hit], cited: list[int]) -> list[str]:
    """The texts of the retrieved paragraphs a sentence does not cite (numbers from 1)."""
    return [h.text for n, h in enumerate(hits, start=1) if n not in cited]


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
