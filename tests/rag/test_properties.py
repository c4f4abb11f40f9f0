"""Property-based tests (hypothesis): the Arabic normalizer, sentence splitting, the citation markers and the
support checker's reading of counts."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from rag.normalize import normalize, undecorated, words
from rag.schema import Article
from rag.split import chunks, paragraphs, sentence_spans
from rag.support import MARKER, _uncounted_figure, claim_text

settings.register_profile("isnad", max_examples=100, deadline=None)
settings.load_profile("isnad")

HAMZA = "ء"
LETTERS = [chr(c) for c in range(0x0621, 0x064B) if 0x063B > c or c > 0x0640]  # ء..ي without tatweel & co.
MARKS = [chr(c) for c in range(0x064B, 0x0653)] + ["\u0670", "\u0640"]  # harakat, tanween, shadda, sukun, tatweel
DIGITS = list("0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹")
PUNCTUATION = list(".!?؟؛،,:…\"'«»“”()[]-")

# A word as it may be typed: letters, some carrying diacritics or stretched by tatweel.
arabic_word = st.lists(
    st.tuples(st.sampled_from(LETTERS), st.lists(st.sampled_from(MARKS), max_size=2)), min_size=1, max_size=10
).map(lambda parts: "".join(letter + "".join(marks) for letter, marks in parts))
latin_word = st.from_regex(r"[A-Za-z]{1,8}", fullmatch=True)
number = st.lists(st.sampled_from(DIGITS), min_size=1, max_size=5).map("".join)
token = st.one_of(arabic_word, arabic_word, latin_word, number, st.sampled_from(PUNCTUATION))
# Text as it reaches the normalizer: words, numbers and punctuation separated by varied white space.
text = st.lists(st.tuples(token, st.sampled_from([" ", " ", "  ", "\t", "\n", ""])), max_size=30).map(
    lambda parts: "".join(t + sep for t, sep in parts)
)
# The normalizer's output never holds these: diacritics, tatweel, alef/yaa/teh-marbuta/hamza variants,
# Arabic-Indic digits, upper-case Latin.
NOT_IN_OUTPUT = re.compile("[\u064b-\u065f\u0670\u0640أإآٱةىؤئء٠-٩۰-۹A-Z]")


@given(text)
def test_normalize_is_idempotent(raw):
    once = normalize(raw)
    assert normalize(once) == once


@given(text)
def test_normalize_output_alphabet(raw):
    assert not NOT_IN_OUTPUT.search(normalize(raw))


@given(arabic_word.filter(lambda w: any(c in LETTERS and c != HAMZA for c in w)))
def test_normalize_never_empties_an_arabic_word(word):
    """Every Arabic word keeps a letter (a word of bare hamzas alone, not a word, is left out)."""
    assert words(word), word
    plain = undecorated(word)  # no tatweel; no diacritics, unless it keeps the word exactly as written
    assert plain and "\u0640" not in plain
    assert not re.search("[\u064b-\u0652]", plain) or plain == word.replace("\u0640", "")


@given(text)
def test_sentence_spans_cover_the_text_in_order(raw):
    spans = sentence_spans(raw)
    covered = set()
    last_end = 0
    for start, end in spans:
        assert last_end <= start < end <= len(raw)
        assert not raw[start].isspace() and not raw[end - 1].isspace()  # stripped
        covered.update(range(start, end))
        last_end = end
    assert {i for i, c in enumerate(raw) if not c.isspace()} <= covered


def _count_words(s: str) -> int:
    return len(s.split())


@given(st.lists(text, min_size=1, max_size=6), st.integers(min_value=3, max_value=40))
def test_sentences_and_chunks_never_cross_a_paragraph(texts, max_tokens):
    bodies = tuple(" ".join(t.split()) for t in texts)  # a paragraph is one line, as the loader makes it
    article = Article(doc_id="a", title="عنوان", paragraphs=tuple(b for b in bodies if b))
    for p in paragraphs(article):
        assert p.text == article.paragraphs[p.paragraph - 1]
        for start, end in sentence_spans(p.text):
            assert 0 <= start < end <= len(p.text)
        parts = chunks(p, _count_words, max_tokens)
        for c in parts:
            assert (c.doc_id, c.paragraph) == ("a", p.paragraph)
            assert c.text == p.text[c.start : c.end]
        covered = {i for c in parts for i in range(c.start, c.end)}
        assert {i for i, ch in enumerate(p.text) if not ch.isspace()} <= covered


# -- citation markers: point `cited` and `without_markers` at the parser the answers use ----------------


def cited(text: str) -> list[int]:
    """The paragraph numbers cited in `text`, in order."""
    return [int(n) for m in MARKER.finditer(text) for n in re.findall(r"\d+", m.group())]


def without_markers(text: str) -> str:
    return MARKER.sub("", text)


# A sentence's text: anything but brackets (a bracket is markup of its own) and digits next to them.
plain = st.text(st.characters(blacklist_characters="[]", blacklist_categories=("Cs",)), max_size=40)
marker = st.lists(st.integers(min_value=1, max_value=99), min_size=1, max_size=3)
separator = st.sampled_from([", ", ",", "،", " ، "])


@given(st.lists(st.tuples(plain, marker, separator), max_size=6), plain)
def test_markers_are_found_in_order_and_removed_exactly(parts, tail):
    sentence = "".join(f"{t} [{sep.join(map(str, ns))}]" for t, ns, sep in parts) + tail
    assert cited(sentence) == [n for _, ns, _ in parts for n in ns]
    # a marker takes the white space before it along, and nothing else
    assert without_markers(sentence) == "".join(re.sub(r"\s+$", "", t) for t, _, _ in parts) + tail


@given(plain)
def test_text_without_markers_is_left_alone(sentence):
    for fake in (f"{sentence}[", f"[{sentence}", f"{sentence} [x]", f"{sentence} [1", f"{sentence} [ ]"):
        if not re.search(r"\[\s*\d+(?:\s*[,،]\s*\d+)*\]", fake):
            assert cited(fake) == [] and without_markers(fake) == fake


# One sentence of a reply: news words around counts (figures, number words, hedges, shares), no sentence end.
count_word = st.sampled_from(
    "قال شويغو إن القوات دمرت طائرة مسيرة بلدة مقاتل عنصر ألف آلاف مليون و من في بين نحو أكثر فقط تقريبا "
    "بالمئة كيلومتر مربع".split()
)
clause = st.lists(
    st.tuples(
        st.one_of(count_word, count_word, number, number, arabic_word, st.sampled_from(list(",،:\"'«»“”()[]-"))),
        st.sampled_from([" ", " ", ""]),
    ),
    min_size=1,
    max_size=25,
).map(lambda parts: "".join(t + sep for t, sep in parts))


@given(clause)
@example("قال شويغو إن 17 ؟ طائرة")  # ؟ ends the clause on both sides
@example("300 القوات قال300 شويغو")  # a figure glued to a word is a figure on both sides
@example("دمرت 1 0 0 طائرة")  # a range of three figures
@example("0 آًآ")  # a counted word with no letters to compare
@settings(max_examples=500)
def test_a_sentence_never_misplaces_a_count_it_states_itself(sentence):
    """The count rule reads a claim's counts and a paragraph's the same way: a sentence quoted as it stands
    always counts what its source counts (figures glued to words, ranges of three, a ؟ ending a clause)."""
    assert _uncounted_figure(claim_text(sentence), [sentence]) is None
