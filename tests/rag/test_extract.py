"""Answers on the seed articles: the fact, the cited paragraph, the language, and refusals."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from eval.metrics import statements
from eval.sets import load_set
from rag import Assistant, BadQuestion
from rag.extract import ExtractiveAnswerer, answer_kinds, named
from rag.normalize import terms
from rag.schema import Hit
from rag.split import sentence_spans

ARCD = Path(__file__).parents[3] / "shared" / "data" / "arcd-train.json"

TITLE = "قال الرئيس الروسي فلاديمير بوتين الأربعاء إن تنظيم داعش هُزم في سوريا"
PUTIN_WELCOMES = (
    "وفي برقية ترحيبية لمشاركي مؤتمر موسكو السابع للأمن الدولي، الذي انطلق في العاصمة الروسية اليوم بمشاركة وفود "
    "من 95 دولة، تضم 30 وزيراً للدفاع و15 رئيساً للأركان ونائباً لوزراء الدفاع، إضافة إلى 68 خبيراً أجنبياً."
)
PUTIN_WELCOMES_UNCOUNTED = (
    "وفي برقية ترحيبية لمشاركي مؤتمر موسكو السابع للأمن الدولي، الذي انطلق في العاصمة الروسية اليوم بمشاركة وفود "
    "من دول عديدة، تضم وزراء للدفاع ورؤساء للأركان ونواباً لوزراء الدفاع، إضافة إلى خبراء أجانب."
)
CIS_TITLE = "بوتين: عملية سلاح الجو الروسي محكومة زمنيا بالعملية الهجومية التي ينفذها الجيش السوري"
CIS_FIGHTERS = (
    "ودعا بوتين رابطة الدول المستقلة إلى ضرورة ان تكون مستعدة للتصدي لمحاولات الإرهابيين التسلل إلى اسيا الوسطى "
    "منبها إلى أن عدد مواطني روسيا وغيرها من بلدان رابطة الدول المستقلة المشاركين إلى جانب صفوف تنظيم “داعش” "
    "الإرهابي يتراوح بحسب مختلف التقييمات ما بين 5 و 7 آلاف إرهابي."
)
SHOIGU = ("000_d5f7ec68f2725137", 8)  # 4500 ISIS members in Afghanistan
ANTONOV = ("002_6d4411517efba531", 5)  # between two and three thousand


def cited(r) -> set[tuple[str, int]]:
    return {(c.doc_id, c.paragraph) for c in r.citations}


def test_arabic_question_is_answered_in_arabic_with_the_fact_and_its_paragraph(seed_assistant):
    r = seed_assistant.answer("كم عدد الدول المشاركة في مؤتمر موسكو السابع للأمن الدولي؟")
    assert not r.refused and r.language == "ar"
    assert "95 دولة" in r.text
    assert ("000_d5f7ec68f2725137", 2) in cited(r)


def test_english_question_quotes_the_arabic_evidence_in_an_english_frame(seed_assistant):
    r = seed_assistant.answer("How many ISIS fighters are in Afghanistan according to Shoigu?")
    assert not r.refused and r.language == "en"
    assert "4500" in r.text and r.text.startswith("According to")
    assert SHOIGU in cited(r)


def test_every_sentence_carries_a_marker_that_maps_to_one_paragraph(seed_assistant):
    r = seed_assistant.answer("How many towns did the Syrian army liberate with Russian support?")
    assert "500" in r.text
    lines = r.text.splitlines()
    assert len(lines) == len(r.citations)
    for line, c in zip(lines, r.citations, strict=True):
        assert line.endswith(f"[{c.n}]")
        assert c.quote in c.text and c.quote in line
    assert [c.n for c in r.citations] == list(range(1, len(r.citations) + 1))
    assert len(cited(r)) == len(r.citations)


def test_answer_spanning_two_articles_cites_both(seed_assistant):
    r = seed_assistant.answer("How many towns did the Syrian army liberate with Russian support?")
    assert {"001_9eeaefb4c80e2381", "003_c253744d7154f1cd"} <= {c.doc_id for c in r.citations}
    r = seed_assistant.answer("How many ISIS fighters are in Afghanistan according to Shoigu?")
    assert len({c.doc_id for c in r.citations}) >= 2


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("ما نتيجة مباراة ريال مدريد وبرشلونة أمس؟", "ar"),
        ("What was the score of the Real Madrid match yesterday?", "en"),
        ("كم يبلغ عدد سكان كازاخستان؟", "ar"),
        ("Who won the 2018 FIFA World Cup?", "en"),
        # A speaker the seeds never quote, about a topic they cover: Merkel is refused (her name is in no
        # retrieved paragraph, and nothing else of the question is missing); Erdogan is not. The training
        # negatives now weigh terms as in an index without the hidden article, but on the five seed articles
        # most answerable Arabic questions also hold words the index never saw (a paraphrase's verbs), so a
        # missing unseen word does not single out a missing speaker, and a same-topic paragraph is as similar
        # to the question (0.85) as to answerable ones (eval/README.md, "The answerer's calibration").
        ("ماذا قالت ميركل عن مؤتمر موسكو؟", "ar"),
        *(
            pytest.param(q, lang, marks=pytest.mark.xfail(strict=True, reason="unseen names: see the comment"))
            for q, lang in [
                ("ماذا قال أردوغان عن مؤتمر موسكو؟", "ar"),
                ("ما الذي قاله أردوغان عن مؤتمر موسكو للأمن الدولي؟", "ar"),
                ("What did Erdogan say about the Moscow security conference?", "en"),
            ]
        ),
    ],
)
def test_questions_the_seeds_never_mention_are_refused(seed_assistant, question, language):
    r = seed_assistant.answer(question)
    assert r.refused and r.citations == []
    assert r.language == language
    assert ("المصادر" in r.text) if r.language == "ar" else ("sources do not contain" in r.text)


@pytest.mark.parametrize(
    ("question", "fact", "where"),
    [
        ("ماذا قال شويغو عن رحيل الرئيس السوري بشار الأسد؟", "لا يثق", ("003_c253744d7154f1cd", 13)),
        ("كم عدد عناصر داعش في أفغانستان بحسب وزير الدفاع الروسي سيرغي شويغو؟", "4500", SHOIGU),
        ("What did Lavrov say about using terrorists as a tool?", "كأداة", None),
    ],
)
def test_questions_the_seeds_answer_are_not_refused(seed_assistant, question, fact, where):
    r = seed_assistant.answer(question)
    assert not r.refused
    assert fact in r.text
    if where:
        assert where in cited(r)


def with_kind_floor(answerer: ExtractiveAnswerer, floor: float) -> ExtractiveAnswerer:
    answerability = replace(answerer.calibration.answerability, kind_floor=floor)
    return ExtractiveAnswerer(
        answerer.embedder, answerer.weights, replace(answerer.calibration, answerability=answerability)
    )


def test_a_question_sure_to_ask_for_a_figure_is_refused_by_quotes_that_hold_none(seed_assistant):
    # a news near miss: the article is there, the asked count is not ("how many were injured?" quoted a
    # sentence that counts nothing); the same paragraph with its figures is answered
    question = "كم دولة شاركت وفودها في مؤتمر موسكو السابع للأمن الدولي؟"
    counted = Hit("000_d5f7ec68f2725137", TITLE, 2, PUTIN_WELCOMES, 1.0)
    uncounted = replace(counted, text=PUTIN_WELCOMES_UNCOUNTED)
    a = seed_assistant.answerer
    expects = a.assess(question, [counted]).expects
    assert expects["quantity"] == max(expects.values())
    sure = with_kind_floor(a, expects["quantity"] - 0.01)
    r = sure.answer(question, [counted])
    assert not r.refused and "95 دولة" in r.text
    assert sure.answer(question, [uncounted]).refused
    r = with_kind_floor(a, 1.0).answer(question, [uncounted])  # the rule off: the refusal model alone answers
    assert not r.refused and "وفود من دول عديدة" in r.text
    assert a.calibration.answerability.kind_floor == 0.9  # the packaged calibration's (eval/README.md)


def test_an_arabic_question_sure_to_ask_a_count_is_refused_by_figures_of_other_things(seed_assistant):
    # the CIS paragraph names the countries but counts terrorists (5-7 thousand); the conference's counts them
    question = "ما هو عدد الدول المشاركة في مؤتمر موسكو؟"
    fighters = Hit("004_6c5c1c1384cff0d9", CIS_TITLE, 10, CIS_FIGHTERS, 1.0)
    conference = Hit("000_d5f7ec68f2725137", TITLE, 2, PUTIN_WELCOMES, 1.0)
    a = seed_assistant.answerer
    sure = with_kind_floor(a, a.assess(question, [fighters]).expects["quantity"] - 0.01)
    assert sure.answer(question, [fighters]).refused
    r = sure.answer(question, [conference])
    assert not r.refused and "95 دولة" in r.text
    r = with_kind_floor(a, 1.0).answer(question, [fighters])  # the rule off: answered with the terrorists
    assert not r.refused and "آلاف إرهابي" in r.text


def test_timings_and_contract_fields(seed_assistant):
    d = seed_assistant.answer("كم وزير دفاع شارك في مؤتمر موسكو السابع للأمن الدولي؟").to_dict()
    assert (d["generator"], d["dropped"], d["recited"]) == ("extractive", [], [])  # keys: tests/rag/test_cli.py
    assert d["timings_ms"]["total"] >= d["timings_ms"]["retrieve"] > 0


@pytest.mark.parametrize("question", ["", "   ", "س" * 2001])
def test_bad_questions_get_a_clear_error(seed_assistant, question):
    with pytest.raises(BadQuestion):
        seed_assistant.answer(question)


@pytest.mark.skipif(not ARCD.exists(), reason="../shared/data/arcd-train.json is absent")
def test_adjacent_answer_sentences_are_one_quote_and_each_carries_the_marker(tmp_path):
    # ARCD's Khashoggi paragraph: "he left in 2017 and wrote articles criticising the government. He
    # criticised the crown prince ... heavily." The answer is the second sentence, the first leads to it.
    arcd = load_set(ARCD)
    (gold,) = next(q for q in arcd.questions if q.id == "619452973730").gold
    record = next(r for r in arcd.corpus if r["id"] == gold.doc_id)
    file = tmp_path / "khashoggi.jsonl"
    file.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assistant = Assistant(tmp_path / "index")
    assistant.ingest([file])
    r = assistant.answer("لمن انتقد خاشقجي بشدة في مقالاته الإخبارية؟")  # question 619452973730
    assert [(c.doc_id, c.paragraph) for c in r.citations] == [(record["id"], 1)]
    quote = r.citations[0].quote
    assert "ولي العهد السعودي محمد بن سلمان" in quote and len(sentence_spans(quote)) == 2
    assert quote in r.citations[0].text  # one span of the paragraph
    assert [s.markers for s in statements(r.text)] == [[1], [1]]


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("هناك 4500 عنصر لداعش", {"quantity"}),
        ("بمشاركة وفود من خمس وتسعين دولة", {"quantity"}),
        ("بلغت الخسائر ثلاثة مليارات دولار", {"quantity"}),
        ("عقد المؤتمر في أبريل 2018", {"date"}),  # a year is a date, not a quantity
        ("ولد سنة ١٩٥٨ وتوفي عام 2018 عن 60 عاما", {"date", "quantity"}),
        ("ستكون العاصمة الروسية مقر المؤتمر", set()),  # "ست" (six) only as a whole word
        ("قال بوتين إن داعش هزم في سوريا", set()),
        ("تحطمت طائرة ركاب بنغالية قرب مطار كاتماندو الاثنين", {"date"}),  # Monday, not the number two
        ("وقال الأربعاء إن الاجتماع سيعقد الخميس", {"date"}),
        ("أصيب اثنين من الجنود", {"quantity"}),
        # years before 1000, read by what dates them, are not quantities
        ("خلف الإسكندر والده على عرش البلاد سنة 336 ق.م", {"date"}),
        ("ولد الشافعي عام 150 هـ", {"date"}),
        ("قتل الحسين في العاشر من محرم سنة 61 للهجرة", {"date"}),
        ("انتهى بناؤه في العام 280 قبل الميلاد", {"date"}),
        ("استوطن آيسلندا في 874م", {"date"}),
        ("يبلغ ارتفاعه 3000 م فوق سطح البحر", {"quantity"}),  # meters, not a year
        ("عاش 80 عاما", {"quantity"}),
    ],
)
def test_answer_kinds_are_read_from_figures_in_digits_or_words(text, kinds):
    assert answer_kinds(text) == kinds | {"other"}


def test_what_an_english_question_names_is_looked_for_across_scripts():
    hit = Hit("d", "مؤتمر موسكو", 3, "وأكد لافروف أن هناك 4500 عنصر لداعش في أفغانستان", 1.0)
    assert named("How many fighters did Lavrov count in Afghanistan?", "en", [], {}, hit) == 1.0
    assert named("What did Erdogan say at the Moscow conference?", "en", [], {}, hit) == 0.5  # Moscow: the title
    assert named("How many 4500 fighters?", "en", [], {}, hit) == 1.0 and named("Why?", "en", [], {}, hit) == 1.0


def test_the_rarest_terms_of_an_arabic_question_must_be_in_the_paragraph():
    hit = Hit("d", "مؤتمر موسكو", 3, "وأكد لافروف أن هناك 4500 عنصر لداعش في أفغانستان", 1.0)
    idf = {"اردوغ": 9.0, "لافروف": 5.0, "موسكو": 2.0, "موتمر": 1.0}  # a name the index never saw weighs the most
    for question, share in [("ماذا قال أردوغان عن مؤتمر موسكو؟", 0.5), ("ماذا قال لافروف عن مؤتمر موسكو؟", 1.0)]:
        q_terms = terms(question)
        assert named(question, "ar", q_terms, {t: idf[t] for t in q_terms}, hit) == share


def test_a_rare_term_is_found_in_a_close_spelling_but_not_in_another_word():
    hit = Hit("d", "مؤتمر موسكو", 3, "وقال وزير الدفاع سيرغي شويغو إن هناك 4500 عنصر لداعش في أفغانستان", 1.0)
    for question, share in [("ماذا قال شويجو؟", 1.0), ("ماذا قال أردوغان؟", 0.0), ("ماذا قال شويجو وأردوغان؟", 0.5)]:
        q_terms = terms(question)
        assert named(question, "ar", q_terms, dict.fromkeys(q_terms, 5.0), hit) == share


SHOIGU_SAYS = "وقال وزير الدفاع سيرغي شويغو إن هناك 4500 عنصر لداعش في أفغانستان."
FOOTBALL = "فاز ريال مدريد على برشلونة بثلاثة أهداف مقابل هدف في مباراة الأمس."


def test_late_interaction_matches_each_english_word_in_the_arabic_sentence(seed_assistant):
    # token states of the question and of each sentence: every word token of the question gets its best
    # cosine in the sentence; the sentence that says it in Arabic matches far better than an unrelated one
    answerer, question = seed_assistant.answerer, "How many ISIS fighters are in Afghanistan?"
    on_topic = answerer.assess(question, [Hit("d", "مؤتمر موسكو", 3, SHOIGU_SAYS, 1.0)])
    off_topic = answerer.assess(question, [Hit("e", "كرة القدم", 1, FOOTBALL, 1.0)])
    (ev,) = on_topic.evidence
    assert ev.matches is not None and len(ev.matches) >= 6  # How, many, ISIS, fighters, are, in, Afghanistan
    assert ev.late == pytest.approx(float(ev.matches.mean()))
    assert on_topic.signals["late"] > off_topic.signals["late"] + 0.1
    assert on_topic.signals["weakest"] > off_topic.signals["weakest"] + 0.1
    assert on_topic.signals["weakest"] == pytest.approx(float(ev.matches.min()))


def test_without_token_states_late_interaction_falls_back_to_dense_similarity(seed_assistant, without_token_states):
    a = seed_assistant.answerer
    plain = ExtractiveAnswerer(without_token_states(a.embedder), a.weights, a.calibration)
    hits = [Hit("d", "مؤتمر موسكو", 3, SHOIGU_SAYS, 1.0), Hit("e", "كرة القدم", 1, FOOTBALL, 1.0)]
    found = plain.assess("How many ISIS fighters are in Afghanistan?", hits)
    assert all(ev.matches is None and ev.late == ev.dense for ev in found.evidence)
    assert found.signals["late"] == found.signals["weakest"] == found.signals["dense"]


def test_the_same_sentence_scores_higher_in_the_better_retrieved_paragraph(seed_assistant):
    # the retriever's ranking (fused with BM25, late interaction over whole paragraphs, names) weighs in the
    # choice of sentence: of two copies of one sentence (articles that repeat a statement), the better-ranked
    # paragraph's is quoted first
    a = seed_assistant.answerer
    sel = replace(a.calibration.selection, retrieval=0.05)
    answerer = ExtractiveAnswerer(a.embedder, a.weights, replace(a.calibration, selection=sel))
    hits = [
        Hit("low", "t", 1, SHOIGU_SAYS, 0.2),
        Hit("mid", "t", 1, FOOTBALL, 0.5),
        Hit("high", "t", 1, SHOIGU_SAYS, 0.9),
    ]
    found = answerer.assess("How many ISIS fighters are in Afghanistan?", hits)
    retrieval = {ev.hit.doc_id: ev.retrieval for ev in found.evidence}
    assert retrieval == pytest.approx({"low": 0.0, "mid": 3 / 7, "high": 1.0})
    first, second = found.evidence[:2]
    assert (first.hit.doc_id, second.hit.doc_id) == ("high", "low")
    assert first.score - second.score == pytest.approx(0.05, abs=1e-6)  # float32 similarities


def test_an_english_answer_reuses_the_token_states_the_retriever_computed(seed_assistant, monkeypatch):
    # the retriever's second ranking and the answerer split paragraphs into the same sentences
    # (rag.split.quotable_spans), so answering an English question runs the model on nothing new
    inner = seed_assistant.answerer.embedder.inner
    runs = []
    real = inner.embed_tokens
    monkeypatch.setattr(inner, "embed_tokens", lambda texts, query=False: runs.append(texts) or real(texts, query))
    question = "Which two countries did Antonov say ISIS fighters were moving through?"
    hits = seed_assistant.retrieve(question, top_k=5)
    assert runs  # the retriever ran the question and its candidates' sentences
    runs.clear()
    found = seed_assistant.answerer.assess(question, hits)
    assert runs == [] and all(ev.matches is not None for ev in found.evidence)


def test_a_sentence_is_read_with_its_article_title(seed_assistant):
    # news names the subject in the title and the lead, then goes on "وأضاف أن ...": the sentence that holds
    # the asked figure is credited with the terms its title gives it, as much as the lead that restates them
    title = "لافروف: روسيا سترسل طائرات إطفاء إلى اليونان"
    hits = [
        Hit("gr", title, 1, "أعلن وزير الخارجية الروسي سيرغي لافروف أن روسيا سترسل طائرات إطفاء إلى اليونان.", 0.9),
        Hit("gr", title, 3, "وأضاف أن عددها سيبلغ أربع طائرات تصل خلال يومين.", 0.5),
    ]
    question = "كم طائرة إطفاء سترسل روسيا إلى اليونان؟"
    found = seed_assistant.answerer.assess(question, hits)
    added = next(ev for ev in found.evidence if ev.hit.paragraph == 3)
    q_terms = list(dict.fromkeys(terms(question)))
    w = seed_assistant.answerer.weights(q_terms)
    own = set(terms(added.text))
    assert added.sentence_terms == pytest.approx(sum(w[t] for t in q_terms if t in own) / sum(w.values()))
    assert added.titled_terms > added.sentence_terms
    assert added.titled_terms == pytest.approx(
        sum(w[t] for t in q_terms if t in own | set(terms(title))) / sum(w.values())
    )
    lead = next(ev for ev in found.evidence if ev.hit.paragraph == 1)
    assert added.titled_terms == pytest.approx(lead.titled_terms)  # the title holds what the lead restates


# BBC Arabic on Bernard Lewis's death (ANT corpus, BB-internationalNews-535-20180520), paragraphs 1, 2 and 8
LEWIS = 'وصيته لأمريكا بشأن الشرق الأوسط هي "القسوة أو الخروج".. وفاة برنارد لويس'
LEWIS_LEAD = "توفي برنارد لويس المؤرخ والباحث البارز في تاريخ الشرق الأوسط عن عمر ناهز 101 أعوام. فمن هو برنارد لويس؟"
LEWIS_BORN = (
    "ولد لويس في لندن لعائلة يهودية من الطبقة المتوسطة ودرس في جامعات لندن وباريس قبل أن يصبح أستاذا مساعدا "
    "للدراسات الإسلامية في كلية الدراسات الشرقية عام 1938."
)
LEWIS_DOCTRINE = 'وقد أطلق البعض على رسالة "القسوة أو الخروج" اسم "مذهب لويس" Lewis Doctrine.'
LEWIS_HITS = [Hit("lewis", LEWIS, 8, LEWIS_DOCTRINE, 0.8), Hit("lewis", LEWIS, 2, LEWIS_BORN, 0.8)]


def test_an_answer_never_quotes_a_question_the_article_asks(seed_assistant):
    # "فمن هو برنارد لويس؟" is closer to a user's question than any statement, and answers nothing
    hits = [Hit("lewis", LEWIS, 1, LEWIS_LEAD, 0.9), Hit("lewis", LEWIS, 2, LEWIS_BORN, 0.8)]
    for question in ("من هو برنارد لويس؟", "Who was Bernard Lewis?"):
        found = seed_assistant.answerer.assess(question, hits)
        assert found.evidence and not any(ev.text.endswith("؟") for ev in found.evidence)
    r = seed_assistant.answerer.answer("أين ولد برنارد لويس؟", hits)
    assert not r.refused and "ولد لويس في لندن" in r.text and "فمن هو" not in r.text


def test_latin_script_in_the_arabic_text_is_measured_for_an_english_question(seed_assistant):
    # paragraph 8 writes "Lewis Doctrine" in Latin script: the only sentence the English question's terms meet,
    # and not where he was born
    found = seed_assistant.answerer.assess("Where was Bernard Lewis born?", LEWIS_HITS)
    doctrine = next(ev for ev in found.evidence if ev.hit.paragraph == 8)
    assert doctrine.titled_terms > 0 and doctrine.sentence_terms > 0  # measured, and weighed by the refusal model
    arabic = seed_assistant.answerer.assess("أين ولد برنارد لويس؟", LEWIS_HITS)
    assert arabic.evidence[0].titled_terms > 0 and arabic.evidence[0].hit.paragraph == 2


@pytest.mark.xfail(
    strict=True,
    reason="selected by meaning alone, the two sentences score 0.865 and 0.856: a year in the birth sentence had "
    "decided it while the question kinds gave this 'where' question a date (0.11); read right (0.02), the Latin "
    "'Lewis' in the other sentence wins (eval/README.md, 'Eighth round: what kind of answer')",
)
def test_an_english_question_is_not_drawn_to_latin_script_in_the_arabic_text(seed_assistant):
    # the two paragraphs retrieved alike: selection decides
    found = seed_assistant.answerer.assess("Where was Bernard Lewis born?", LEWIS_HITS)
    assert found.evidence[0].hit.paragraph == 2
