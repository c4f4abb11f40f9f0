"""The refusal model's fit: one threshold that holds each language's false refusals within the limit on dev; the
near-miss negatives (`without_fact`: the answer's sentences cut from the gold paragraph)."""

from __future__ import annotations

import numpy as np

from eval.calibrate_answers import Example, fit_answerability, fit_kinds, thresholded, tradeoff, without_fact
from eval.sets import Gold, Question
from rag.calibration import Answerability
from rag.extract import SIGNALS
from rag.schema import Hit

# ARCD's Khashoggi paragraph (arcd-train-0, 1), its first three sentences
KHASHOGGI = (
    "جمال أحمد حمزة خاشقجي (13 أكتوبر 1958، المدينة المنورة - 2 أكتوبر 2018)، صحفي وإعلامي سعودي، رأس عدّة "
    "مناصب لعدد من الصحف في السعودية، وتقلّد منصب مستشار، كما أنّه مدير عام قناة العرب الإخبارية سابقًا. "
    "ويكتب عموداً في صحيفة واشنطن بوست منذ 2017. "
    "وُصف في الصحف وأجهزة الاعلام العالمية بأنه وفيّ للدولة السعودية ومنتقد لسياساتها."
)
OTHER = "ترك خاشقجي السعودية في عام 2017 وكتب مقالات تنتقد الحكومة السعودية."


def asked(keys: tuple[str, ...], evidence: tuple[str, ...] = ()) -> Question:
    gold = (Gold("arcd-train-0", 1),)
    return Question("q", "في أي صحيفة كتب خاشقجي عموداً منذ 2017؟", "ar", "squad", gold, keys=keys, evidence=evidence)


def hits(*texts: str) -> list[Hit]:
    return [Hit(f"arcd-train-{i}", "جمال خاشقجي", 1, t, 1.0 - i / 10) for i, t in enumerate(texts)]


def test_the_fact_is_cut_from_the_gold_paragraph_and_the_rest_kept():
    cut = without_fact(asked(("واشنطن بوست",)), hits(KHASHOGGI, OTHER))
    assert cut is not None and len(cut) == 2
    assert "واشنطن" not in cut[0].text and "صحفي وإعلامي سعودي" in cut[0].text and "منتقد لسياساتها" in cut[0].text
    assert cut[1].text == OTHER and cut[0].title == "جمال خاشقجي"


def test_an_answer_over_two_sentences_cuts_both_and_evidence_spans_are_cut_too():
    two = "منذ 2017. وُصف في الصحف"  # an answer span across a sentence end
    cut = without_fact(asked((two,)), hits(KHASHOGGI))
    assert cut is not None and cut[0].text.startswith("جمال") and "منذ" not in cut[0].text and "وُصف" not in cut[0].text
    cut = without_fact(asked(("صحيفة أمريكية",), evidence=("ويكتب عموداً في صحيفة واشنطن بوست",)), hits(KHASHOGGI))
    assert cut is not None and "عموداً" not in cut[0].text  # the key is not written there; the evidence is


def test_no_near_miss_when_the_answer_is_still_there_or_nothing_would_be_left():
    assert without_fact(asked(("2017",)), hits(KHASHOGGI, OTHER)) is None  # another paragraph says 2017
    elsewhere = [Hit("arcd-train-0", "جمال خاشقجي", 2, KHASHOGGI, 1.0)]  # not the gold paragraph (paragraph 2)
    assert without_fact(asked(("واشنطن بوست",)), elsewhere) is None
    assert without_fact(asked(("خاشقجي",)), hits(KHASHOGGI)) is None  # the title holds it
    one = "ويكتب عموداً في صحيفة واشنطن بوست منذ 2017."
    assert without_fact(asked(("واشنطن بوست",)), hits(one)) is None  # the gold paragraph would be empty
    assert without_fact(asked(("الغارديان",)), hits(KHASHOGGI)) is None  # no sentence holds the answer


def test_question_kinds_are_fitted_on_the_words_where_the_embedding_says_nothing():
    rng = np.random.default_rng(3)
    topics = ["الجيش", "المنتخب", "البنك", "السد", "المهرجان", "الوزارة", "الشركة", "المطار"]
    asked = [("كم عدد موظفي {}؟", "120"), ("متى تأسس {}؟", "1990"), ("من يرأس {}؟", "أحمد")]

    def ask(question: str, key: str, split: str) -> Example:
        e = Example("arcd", question, "ar", split, True, (key,), False, set(), rng.normal(size=8), [], {}, [])
        e.vector /= np.linalg.norm(e.vector)  # a random topic: the embedding tells nothing of the kind
        return e

    examples = [ask(q.format(t), key, "dev") for t in topics for q, key in asked]
    examples.append(ask(f"ما لون علم {topics[0]}؟", "أخضر", "dev"))  # لون: in one question only
    examples += [ask(q.format("النادي"), key, "test") for q, key in asked]
    kinds, accuracy = fit_kinds(examples)
    assert "كم" in kinds.vocabulary and "متي" in kinds.vocabulary and "لون" not in kinds.vocabulary
    assert accuracy["test"] == 1.0
    expects = kinds.expects(ask("", "", "test").vector, "كم عدد لاعبي الفريق؟")
    assert max(expects, key=expects.get) == "quantity"


def example(language: str, answerable: bool, dense: float) -> Example:
    signals = dict.fromkeys(SIGNALS, 0.0) | {"dense": dense, "english": float(language == "en")}
    evidence = [object()]  # any: the fit reads the signals
    return Example("synthetic", "q", language, "dev", answerable, (), False, set(), np.zeros(2), evidence, signals, [])


def two_languages(rng: np.random.Generator) -> list[Example]:
    """300 answerable and 300 unanswerable questions a language; English similarities run lower than Arabic
    ones, answerable or not (cross-lingual embeddings)."""
    return [
        example(language, answerable, d)
        for language, answerable, mean in (
            ("ar", True, 0.88),
            ("ar", False, 0.82),
            ("en", True, 0.80),
            ("en", False, 0.76),
        )
        for d in rng.normal(mean, 0.02, 300)
    ]


def test_each_language_is_refused_below_its_own_threshold():
    examples = two_languages(np.random.default_rng(0))
    model = fit_answerability(examples, max_false=0.03)
    for language in ("ar", "en"):
        group = [e for e in examples if e.language == language]
        refused = {a: [not model.answerable(e.signals) for e in group if e.answerable == a] for a in (True, False)}
        # false refusals within the limit in each language, and at it: each language has its own threshold
        # (one threshold for both would leave one language well under the limit, refusing less than it may)
        assert 0.02 <= np.mean(refused[True]) <= 0.03
        assert np.mean(refused[False]) > 0.5  # and most unanswerable questions refused, English too


def test_an_ablation_leaves_its_signals_out_of_the_model():
    rng = np.random.default_rng(1)
    # `late` separates answerable from unanswerable questions here, `dense` does not
    examples = []
    for language in ("ar", "en"):
        for answerable, late in ((True, 0.9), (False, 0.8)):
            for d, noise in zip(rng.normal(0.85, 0.02, 200), rng.normal(0, 0.01, 200), strict=True):
                e = example(language, answerable, d)
                e.signals["late"] = late + noise
                examples.append(e)
    full = fit_answerability(examples, max_false=0.03)
    without = fit_answerability(examples, 0.03, tuple(s for s in SIGNALS if s != "late"))
    assert "late" in full.features and "late" not in without.features
    assert len(without.weights) == len(without.features) == len(SIGNALS) - 1

    def recall(model):
        return np.mean([not model.answerable(e.signals) for e in examples if not e.answerable])

    assert recall(full) > 0.9 and recall(without) < 0.3  # without its one useful signal, it cannot tell them apart


def test_the_trade_off_shows_near_miss_recall_beside_gold_hidden_recall_and_false_refusals():
    model = Answerability(("dense",), (50.0,), -42.5, 0.5)  # refused below a similarity of 0.85
    examples = []
    for source, answerable, similarities in [
        ("arcd", True, (0.9, 0.9, 0.9, 0.8)),  # one false refusal in four
        ("arcd without gold", False, (0.7, 0.7, 0.7, 0.9)),  # three refused in four
        ("arcd without fact", False, (0.8, 0.9)),  # one in two
    ]:
        for d in similarities:
            e = example("ar", answerable, d)
            e.source, e.split = source, "test"
            examples.append(e)
    chosen = next(line for line in tradeoff(examples, model).splitlines() if line.split()[0] == "0")
    assert "0.750 / 0.500 / 0.250" in chosen  # ar test: gold hidden / fact cut / false refusals


def test_thresholds_are_read_again_without_refitting_the_weights():
    rng = np.random.default_rng(1)
    examples = two_languages(rng)
    fitted = fit_answerability(examples, max_false=0.03)
    more = examples + [example("en", True, d) for d in rng.normal(0.78, 0.02, 300)]  # English dev questions added
    english = [e for e in more if e.language == "en" and e.answerable]
    assert np.mean([not fitted.answerable(e.signals) for e in english]) > 0.05  # the old threshold refuses too many
    reread = thresholded(fitted, more, max_false=0.03)
    assert 0.02 <= np.mean([not reread.answerable(e.signals) for e in english]) <= 0.03
    i = SIGNALS.index("english")
    assert [w for k, w in enumerate(reread.weights) if k != i] == [w for k, w in enumerate(fitted.weights) if k != i]
    assert reread.bias == fitted.bias and reread.threshold == fitted.threshold  # Arabic's, unchanged
