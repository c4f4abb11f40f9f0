"""Figures in digits and in words, Arabic and English, on sentences from the seed articles and ARCD."""

from __future__ import annotations

from rag.figures import figures, figures_found

# seeds/002 paragraph 5 and 8, seeds/004 paragraph 10: figures written in words or with a shared multiplier
ANTONOV = "مشيرا إلى أن ما بين ألفين وثلاثة آلاف إرهابي من داعش يوجدون في أفغانستان"
ANTONOV_50K = "يوجد حاليا نحو خمسين ألف مسلح في أفغانستان منظمين في أكثر من أربعة آلاف مجموعة"
PUTIN = "يتراوح بحسب مختلف التقييمات ما بين 5 و 7 آلاف إرهابي"


def test_arabic_number_words_and_multipliers():
    assert figures(ANTONOV) == {"2000", "3000"}
    assert figures(ANTONOV_50K) == {"50000", "4000"}
    assert figures("قبل ثلاث وخمسين سنة من الهجرة") == {"53"}
    assert figures("ضمن ثلاثمائة ورقة علمية") == {"300"}
    assert figures("تبلغ مساحتها حوالي مليوني كيلومتر مربع") == {"2000000"}
    assert figures("قُدّر عدد سكانها بـ104 مليون نسمة") == {"104000000"}


def test_digits_separators_and_decimals():
    assert figures("بين 5,000 و ٧٠٠٠ عنصر في 2016") == {"5000", "7000", "2016"}
    assert figures("بحوالي 37,547,686 نسمة") == {"37547686"}
    assert figures("نسبة المشاركة بلغت 45,44%") == figures("turnout reached 45.44%") == {"45.44"}


def test_english_number_words_and_decades():
    assert figures("some fifty thousand gunmen and twenty five groups") == {"50000", "25"}
    assert figures("in the Caucasus in the 1990s") == figures("في القوقاز في التسعينيات") == {"1990s"}


def test_small_number_words_are_not_required_but_are_offered():
    # "two documents" is said in Arabic with the dual (وثيقتين), so a sentence is not held to "2"
    assert figures("the two documents") == set()
    assert "3" in figures("ثلاثة", bare=True)


def test_three_to_ten_in_words_are_required_and_a_definite_one_is_offered():
    # No dual or plural says three to ten: a claim is held to them, in English and in the Arabic forms that
    # are no other word (ست is also "lady", سبع "lion", خمس "a fifth")
    assert figures("over the past eight months") == {"8"}
    assert figures("قتل خمسة أشخاص وثلاث نساء") == {"5", "3"}
    assert figures("ست الحبايب") == figures("سبع الغابة") == set()
    # a paragraph's number after its noun, with the article (ANT: "the five member states", "the six months")
    assert figures("الدول الخمس الأعضاء", bare=True) == {"5"} and figures("الدول الخمس الأعضاء") == set()
    assert figures_found("the first six months of the year", ["خلال الأشهر الستة الأولى من العام"])
    assert not figures_found("the first eight months of the year", ["خلال الأشهر الستة الأولى من العام"])


def test_a_figure_must_be_in_the_paragraph_whatever_its_script():
    assert figures_found("Antonov said between 2,000 and 3,000 ISIS terrorists are in Afghanistan", [ANTONOV])
    assert figures_found("قال أنطونوف إن هناك ما بين 2000 و3000 إرهابي", [ANTONOV])
    assert not figures_found("قال أنطونوف إن ما بين أربعة وخمسة آلاف إرهابي في أفغانستان", [ANTONOV])
    assert figures_found("Antonov said some fifty thousand gunmen operate in Afghanistan", [ANTONOV_50K])
    assert not figures_found("نحو ثلاثين ألف مسلح يوجدون في أفغانستان", [ANTONOV_50K])
    assert figures_found("between 5,000 and 7,000 citizens", [PUTIN])  # one multiplier for both numbers
    assert not figures_found("between 5,000 and 9,000 citizens", [PUTIN])
    assert not figures_found("5,000 states", ["5 دول"])
    assert figures_found("نحو 33 ألف كيلومتر مربع", ["أي حوالي 33000 كم2"])


def test_fractions_in_words_are_figures():
    egypt = "وأكبر الكتل السكانية هي القاهرة الكبرى التي بها تقريباً ربع السكان"
    assert figures("تضم القاهرة الكبرى نصف سكان مصر") == figures("Greater Cairo holds half of the people") == {"1/2"}
    assert figures_found("تضم القاهرة الكبرى ربع سكان مصر", [egypt])
    assert figures_found("Greater Cairo holds about a quarter of Egypt's people", [egypt])
    assert not figures_found("تضم القاهرة الكبرى نصف سكان مصر", [egypt])
    assert not figures_found("Greater Cairo holds half of Egypt's people", [egypt])


# ARCD paragraphs (../shared/data/arcd-train.json) on Erdoğan and Switzerland: ranks said as ordinals
ERDOGAN = "هو رئيس جمهورية تركيا الثاني عشر والحالي منذ 28 أغسطس 2014م، ويعد أول رئيس تركي اختاره الشعب"
ZURICH = "وقد تم تصنيف زيوريخ وجنيف المدينتين الثانية والثامنة من بين الأعلى في جودة المعيشة"


def test_ordinals_are_figures_in_both_languages():
    assert figures(ERDOGAN) == {"12", "28", "2014"}  # الثاني عشر; أول (first) is not a rank
    assert figures("Erdoğan is the twelfth president of Turkey") == {"12"}
    assert figures(ZURICH) == {"2", "8"}
    assert figures("مؤتمر موسكو السابع") == figures("the seventh Moscow conference") == {"7"}
    assert figures("في القرن الحادي والعشرين") == figures("in the twenty-first century") == {"21"}
    assert figures("الدولة التاسعة عشر") == {"19"}
    assert figures("the first Arab to win the prize") == set()


def test_a_short_number_word_before_a_plural_is_required():
    # Al Arabiya (AL-sport-624-20180314 paragraph 7): "بين 6 أشهر حتى 3 أعوام"; five years is a changed figure
    bans = "وتتراوح هذه العقوبات من منع دخول الملاعب بين 6 أشهر حتى 3 أعوام، وصولاً إلى السجن"
    assert not figures_found("تتراوح عقوبة منع المشجعين من دخول الملاعب بين ستة أشهر وخمس سنوات", [bans])
    assert figures("سبع مرات") == {"7"} and figures("ست نساء") == figures("خمس الميزانية") == set()


def test_a_second_counted_is_no_ordinal():
    # France 24 via Sky News Arabia (SK-technology-483-20180423 paragraph 5): "8 دقائق و14 ثانية"
    assert figures("قطع مسافة 19.9 كيلومترا في أقل من 8 دقائق و14 ثانية") == {"19.9", "8", "14"}
    assert figures("للمرة الثانية خلال 14 يوما") == {"2", "14"}  # an ordinal after its noun is one


def test_a_time_in_words_is_the_time_in_digits():
    # CNN Arabic (CN-middleEast-1403-20181003 paragraph 2): the UN plane left Amman "عند الساعة 9:30 صباحا"
    amman = "قبل أن تغادر مدرج مطار الملكة علياء الدولي عند الساعة 9:30 صباحا على رحلة رقم (JAV3317)"
    assert figures("أقلعت الطائرة في التاسعة والنصف صباحا") == {"9", "30"}
    assert figures_found("أقلعت الطائرة من مطار الملكة علياء في التاسعة والنصف صباحا", [amman])
    assert not figures_found("أقلعت الطائرة من مطار الملكة علياء في التاسعة والربع صباحا", [amman])  # 9:15
    assert figures_found("The plane left at 9:30 a.m.", ["أقلعت الطائرة في التاسعة والنصف صباحا"])
    assert figures("فاز بالنصف من الأصوات في الجولة الثانية") == {"1/2", "2"}  # a half of something


def test_a_cup_round_by_name_is_its_number_of_teams():
    # Sky News Arabia (SK-sport-1782-20180620 paragraph 7): Morocco "بلغ حينها ثمن النهائي للمرة الأولى والأخيرة"
    morocco = "ليبلغ المنتخب المغربي حينها ثمن النهائي للمرة الأولى والأخيرة"
    assert figures_found("That sent Morocco into the last 16 for the first and only time", [morocco])
    assert not figures_found("That sent Morocco into the last 8 for the first and only time", [morocco])
    assert figures(morocco) == set()  # a sentence is not held to a number it names a round by
    assert figures("رفع ثمن التذكرة", bare=True) == set()  # the price, no round


def test_a_changed_ordinal_is_a_changed_figure():
    assert figures_found("Erdoğan is the twelfth president of Turkey", [ERDOGAN])
    assert not figures_found("Erdoğan is the eleventh president of Turkey", [ERDOGAN])
    assert figures_found("صنفت زيوريخ وجنيف في المرتبتين الثانية والثامنة", [ZURICH])
    assert not figures_found("صنفت زيوريخ وجنيف في المرتبتين الثالثة والثامنة", [ZURICH])


def test_where_each_figure_is_stated():
    from rag.figures import Stated, stated, year

    text = "نحو خمسين ألف مسلح في أكثر من 4,000 مجموعة منذ 2016"
    assert stated(text) == [
        Stated("50000", 1, 3),  # خمسين ألف: the words that say it, multiplier included
        Stated("4000", 7, 8, digits=True),
        Stated("2016", 10, 11, digits=True),
    ]
    assert [year(f) for f in stated(text)] == [False, False, True]
    assert [(f.value, f.kind) for f in stated("the seventh conference, half of them, in the 1990s")] == [
        ("7", "ordinal"),
        ("1/2", "fraction"),
        ("1990s", "decade"),
    ]


def test_a_sentence_end_stops_a_multiplier_and_an_ordinal():
    # "... خمسين مليار. مليون شخص ..." is 50 billion, then a million: never 5e16
    assert figures("بلغت الكلفة خمسين مليار. مليون شخص تضرروا") == {"50000000000", "1000000"}
    assert figures("وصل العدد إلى 5 . ألف شخص غادروا") == {"5"}
    assert figures("احتل المركز خمسين. الحادي عشر منها") == {"50", "11"}
    assert figures("بلغت الكلفة خمسين مليار دولار") == {"50000000000"}


def test_a_multiplier_said_alone_is_one_of_it():
    assert figures("نزح مليون شخص من المدينة") == {"1000000"}
    assert figures("A million people fled the city") == {"1000000"}
    assert figures("a hundred million people") == {"100000000"}
    assert figures("بلغت الكلفة ملياري دولار") == {"2000000000"}
    assert figures("نحو خمسين ألفا منهم") == {"50000"}  # the accusative after a count of 11 to 99
    assert figures("ألف الكاتب كتابا عن الحرب") == set()  # ألف alone is also "he wrote"
    # so a changed count said in words is a changed figure
    assert not figures_found("Two million people fled", ["نزح مليون شخص من المدينة"])
    assert not figures_found("نزح مليون شخص", ["نزح مليوني شخص من المدينة"])
    assert figures_found("A million people fled", ["نزح مليون شخص من المدينة"])


def test_a_fraction_of_them_and_the_first_of_a_month_are_figures():
    # AFP on Afghanistan's civilian dead (ANT corpus, AL-internationalNews-1942-20180715, paragraph 2)
    paragraph = (
        "وبمقتل 1692 مدنياً، نصفهم في اعتداءات نسبت إلى تنظيم داعش، بين الأول من كانون الثاني/يناير و30 "
        "حزيران/يونيو، فإن هذه الفترة هي الأكثر دموية"
    )
    assert {"1/2", "1", "1692", "30"} <= figures(paragraph, bare=True)
    assert figures_found("Half of the 1,692 civilians were killed by IS attacks", [paragraph])
    assert figures_found("1,692 civilians were killed between 1 January and 30 June", [paragraph])
    assert not figures_found("A quarter of the 1,692 civilians were killed by IS attacks", [paragraph])
    assert not figures_found("1,692 civilians were killed between 3 January and 30 June", [paragraph])
    assert figures("ربعهم من الأطفال") == {"1/4"}
    # "first" alone is not a figure, nor the first of anything but a month
    assert figures("كان الأول في السباق") == set() and figures("في الأول من الشهر") == set()


def test_a_score_or_range_is_found_as_two_neighbouring_figures():
    # Sky News Arabia (SK-sport-1779-20180620 paragraph 3): lost 0-1 to Iran; the second round follows
    morocco = (
        "وبهذه النتيجة تذيل منتخب المغرب قاع المجموعة الثانية بلا نقاط بعد هزيمته الأولى أمام إيران 0-1، ثم "
        "الهزيمة الثانية، وبات أسود الأطلس رسميا خارج المونديال."
    )
    assert figures_found("خسر المغرب أمام إيران بنتيجة 0-1 في مباراته الأولى", [morocco])
    assert figures_found("Morocco lost 1-0 to Iran in their first match", [morocco])  # either order
    assert not figures_found("خسر المغرب أمام إيران بنتيجة 0-2 في مباراته الأولى", [morocco])
    # Al Arabiya (AL-sport-1887-20180609 paragraph 1): three sets, written with spaces
    halep = "تغلبت الرومانية سيمونا هاليب على الأمريكية سلوان ستيفنز 3 - 6و6 - 4 و6 - 1 يوم السبت"
    assert figures_found("Halep beat Stephens 3-6, 6-4, 6-1 on Saturday", [halep])
    assert not figures_found("Halep beat Stephens 3-6, 6-4, 4-1 on Saturday", [halep])  # 4 and 1, not 4-1
    assert figures_found("a sentence of 6-12 months", ["بالسجن بين 6 و12 شهرا"])  # a range in words
    assert figures_found("an F-16 landed on 2018-07-11", ["هبطت طائرة F-16 يوم 11 07 2018"])  # not scores


def test_monday_is_no_figure():
    # Al Arabiya (AL-sport-1887-20180609 paragraph 5): the ranking "سيصدر يوم الاثنين المقبل", next Monday
    ranking = "ستحتل ستيفنز أفضل مركز لها في التصنيف العالمي الذي سيصدر يوم الاثنين المقبل"
    assert figures(ranking, bare=True) == set()
    assert figures("الدول الخمس", bare=True) == {"5"}  # three to ten after their noun still are


def test_arabic_numbers_from_eleven_to_nineteen_in_words():
    # BBC Arabic (BB-middleEast-234-20180321 paragraph 3): "أربع من التهم الاثنتي عشرة"
    tamimi = "أقرت بالذنب في أربع من التهم الاثنتي عشرة الموجهة إليها بموجب الاتفاق"
    assert figures(tamimi, bare=True) == {"4", "12"}
    assert figures_found("أقرت بأربع من أصل 12 تهمة", [tamimi])
    assert not figures_found("أقرت بأربع من أصل 13 تهمة", [tamimi])
    assert figures("خمسة عشر يوما وإحدى عشرة دولة و ثلاثة عشر ألف شخص") == {"15", "11", "13000"}
    assert figures("الحادي عشر") == {"11"}  # the ordinal as before
