import gzip
import json
import random
from collections.abc import Iterator
from dataclasses import replace
from itertools import islice
from pathlib import Path

import pytest

from rag.load import SUPPORTED, UnreadableFile, find_files, read_articles, read_file

SEEDS = Path(__file__).parents[2] / "seeds"
ANT_NEWS = Path(__file__).parents[3] / "shared" / "data" / "ant_news.jsonl.gz"

PAGE = """<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>وزير الخارجية يصل إلى موسكو - موقع الأخبار</title>
<meta property="og:site_name" content="موقع الأخبار">
<meta property="article:published_time" content="2016-04-27T10:00:00Z">
<link rel="canonical" href="https://news.example.com/2016/04/27/visit.html">
</head><body>
<header><nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/politics">سياسة</a></li>
<li><a href="/economy">اقتصاد</a></li><li><a href="/sport">رياضة</a></li></ul></nav></header>
<main><article>
<h1>وزير الخارجية يصل إلى موسكو لبحث الأزمة السورية</h1>
<p>وصل وزير الخارجية&nbsp;إلى العاصمة الروسية موسكو اليوم في زيارة رسمية تستمر يومين يبحث خلالها
مع نظيره الروسي تطورات الأزمة السورية وسبل دعم الحل السياسي.</p>
<p>وقال الوزير في تصريح للصحفيين لدى وصوله إن المحادثات ستتناول أيضاً التعاون الاقتصادي بين البلدين،
مشيراً إلى أن الجانبين سيوقعان عدداً من الاتفاقيات في مجالات الطاقة والنقل.</p>
<p>ومن المقرر أن يلتقي الوزير خلال الزيارة رئيس الوزراء الروسي وعدداً من المسؤولين في وزارة الدفاع.</p>
</article></main>
<aside><h3>الأكثر قراءة</h3><ul><li><a href="/a">خبر آخر عن الطقس</a></li>
<li><a href="/b">نتائج المباريات</a></li></ul></aside>
<footer><p>جميع الحقوق محفوظة © 2016 موقع الأخبار</p><p>اتصل بنا | سياسة الخصوصية</p></footer>
</body></html>
"""

MARKDOWN = """تاريخ النشر: 2016-04-27

# وزير الخارجية يصل إلى **موسكو**

وصل وزير الخارجية إلى العاصمة الروسية [موسكو](https://example.com/moscow) اليوم
في زيارة *رسمية* تستمر يومين، وسيبحث ملف `سوريا`.

## محادثات اقتصادية

- توقيع اتفاقيات في مجال **الطاقة**.
- تعاون في مجال النقل.

> وقال الوزير: "المحادثات ستكون مثمرة".

![صورة](img.png)
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def only(path: Path):
    articles, skipped = read_file(path)
    assert len(articles) == 1 and skipped == []
    return articles[0]


def test_txt_first_line_is_title_and_whitespace_is_normalized(tmp_path):
    text = "\ufeff  عنوان\u00a0الخبر  \n\n\tالفقرة\u200b الأولى\u2003هنا.\r\n\u00a0\n الفقرة   الثانية. \n"
    article = only(write(tmp_path / "news-1.txt", text))
    assert article.doc_id == "news-1"
    assert article.path == str(tmp_path / "news-1.txt")
    assert article.title == "عنوان الخبر"
    assert article.paragraphs == ("الفقرة الأولى هنا.", "الفقرة الثانية.")


def test_txt_keeps_characters_as_they_are(tmp_path):
    line = 'قال "الوزير" إنّ الحلَّ ﷲ ﻻ يتغير “هنا” ١٢٣…'
    article = only(write(tmp_path / "a.txt", f"عنوان\n{line}\n"))
    assert article.paragraphs == (line,)


def test_txt_with_only_a_title_line_is_unreadable(tmp_path):
    with pytest.raises(UnreadableFile, match="only a title line"):
        read_file(write(tmp_path / "a.txt", "عنوان وحيد\n\n"))


def test_seed_files_read_raw():
    article = only(SEEDS / "002_6d4411517efba531.txt")
    assert article.doc_id == "002_6d4411517efba531"
    assert article.title == "الشريط الاخباريسلايدسورية"  # raw: the breadcrumb is removed by clean()
    assert len(article.paragraphs) == 9
    seed_003 = only(SEEDS / "003_c253744d7154f1cd.txt")
    assert "المصدر: روسيا اليوم" in seed_003.paragraphs  # NBSP before it removed, line kept for clean()
    assert all("\u00a0" not in p for p in seed_003.paragraphs)


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.stem[:3])
def test_windows_1256_arabic_reads_like_utf8(tmp_path, seed):
    legacy = tmp_path / seed.name
    legacy.write_bytes(seed.read_text(encoding="utf-8").encode("cp1256"))
    assert only(legacy) == replace(only(seed), path=str(legacy))


def test_binary_junk_is_unreadable(tmp_path):
    junk = tmp_path / "junk.txt"
    junk.write_bytes(random.Random(0).randbytes(4096))
    with pytest.raises(UnreadableFile, match="not UTF-8 or Windows-1256 text"):
        read_file(junk)


def test_utf8_binary_data_is_unreadable(tmp_path):
    zeros = tmp_path / "zeros.txt"
    zeros.write_bytes(b"\x00" * 100 + "عنوان\nنص".encode())
    with pytest.raises(UnreadableFile, match="binary data"):
        read_file(zeros)


@pytest.mark.parametrize("name", ["empty.txt", "empty.md", "empty.html", "empty.json", "empty.jsonl"])
def test_empty_file_is_unreadable(tmp_path, name):
    (tmp_path / name).write_bytes(b"")
    with pytest.raises(UnreadableFile, match="empty file"):
        read_file(tmp_path / name)


def test_markdown_blocks_become_plain_paragraphs(tmp_path):
    article = only(write(tmp_path / "visit.md", MARKDOWN))
    assert article.doc_id == "visit"
    assert article.title == "وزير الخارجية يصل إلى موسكو"
    assert article.paragraphs == (
        "تاريخ النشر: 2016-04-27",
        "وصل وزير الخارجية إلى العاصمة الروسية موسكو اليوم في زيارة رسمية تستمر يومين، وسيبحث ملف سوريا.",
        "محادثات اقتصادية",
        "توقيع اتفاقيات في مجال الطاقة.",
        "تعاون في مجال النقل.",
        'وقال الوزير: "المحادثات ستكون مثمرة".',
    )


def test_markdown_without_heading_takes_the_first_line_as_title(tmp_path):
    article = only(write(tmp_path / "b.md", "سطر العنوان\nتكملة الفقرة.\n\nالفقرة الثانية.\n"))
    assert article.title == "سطر العنوان"
    assert article.paragraphs == ("تكملة الفقرة.", "الفقرة الثانية.")


def test_html_main_text_and_metadata_without_menus_or_footer(tmp_path):
    article = only(write(tmp_path / "visit.html", PAGE))
    assert article.doc_id == "visit"
    assert article.title == "وزير الخارجية يصل إلى موسكو لبحث الأزمة السورية"
    assert article.source == "موقع الأخبار"
    assert article.url == "https://news.example.com/2016/04/27/visit.html"
    assert article.date == "2016-04-27"
    assert len(article.paragraphs) == 3
    assert article.paragraphs[0].startswith("وصل وزير الخارجية إلى العاصمة الروسية")  # NBSP is a space
    assert article.paragraphs[2].startswith("ومن المقرر أن يلتقي الوزير")
    body = " ".join(article.paragraphs)
    for boilerplate in ("الرئيسية", "رياضة", "الأكثر قراءة", "نتائج المباريات", "جميع الحقوق", "اتصل بنا"):
        assert boilerplate not in body


def test_html_in_windows_1256(tmp_path):
    page = tmp_path / "legacy.htm"
    page.write_bytes(PAGE.replace('charset="utf-8"', 'charset="windows-1256"').encode("cp1256"))
    assert only(page).paragraphs == only(write(tmp_path / "modern.html", PAGE)).paragraphs


def test_html_without_article_text_is_unreadable(tmp_path):
    page = "<html><head><title>صفحة</title></head><body><script>var x = 1;</script><img src='a.png'></body></html>"
    with pytest.raises(UnreadableFile, match="no article text found"):
        read_file(write(tmp_path / "menu.html", page))


RECORD = {
    "id": "r1",
    "title": "عنوان",
    "text": "الفقرة الأولى.\n\n\nالفقرة الثانية.",
    "url": "https://example.com/r1",
    "date": "2018-02-18",
    "source": "alarabia",
}


def test_json_single_record(tmp_path):
    article = only(write(tmp_path / "one.json", json.dumps(RECORD, ensure_ascii=False)))
    assert article.doc_id == "r1"
    assert article.title == "عنوان"
    assert article.paragraphs == ("الفقرة الأولى.", "الفقرة الثانية.")
    assert (article.url, article.date, article.source) == ("https://example.com/r1", "2018-02-18", "alarabia")


def test_json_list_with_default_ids_converted_values_and_a_record_without_text(tmp_path):
    records = [RECORD, {"title": "بلا معرف", "text": "نص."}, {"id": 7, "text": 12345, "date": 2018}, {"id": "x"}]
    path = write(tmp_path / "many.json", json.dumps(records, ensure_ascii=False))
    articles, skipped = read_file(path)
    assert [a.doc_id for a in articles] == ["r1", "many-2", "7"]
    assert articles[2].paragraphs == ("12345",) and articles[2].date == "2018"
    assert skipped == [(f"{path}#4", "record has no text")]


def test_invalid_json_says_where(tmp_path):
    with pytest.raises(UnreadableFile, match="invalid JSON on line 2"):
        read_file(write(tmp_path / "bad.json", '[{"id": "a",\n "text": }]'))


def test_json_that_is_not_records_is_unreadable(tmp_path):
    with pytest.raises(UnreadableFile, match="no records found"):
        read_file(write(tmp_path / "n.json", "42"))


def jsonl_lines() -> str:
    lines = [
        json.dumps(RECORD, ensure_ascii=False),
        "",
        '{"id": "broken", "text": ',
        json.dumps({"id": "empty", "title": "بلا نص", "text": "  \n "}, ensure_ascii=False),
        json.dumps({"title": "", "text": "نص بلا عنوان ولا معرف."}, ensure_ascii=False),
        "[1, 2]",
    ]
    return "\n".join(lines) + "\n"


def test_jsonl_skips_bad_lines_and_keeps_the_others(tmp_path):
    path = write(tmp_path / "feed.jsonl", jsonl_lines())
    articles, skipped = read_file(path)
    assert [a.doc_id for a in articles] == ["r1", "feed-5"]
    assert articles[1].title == "نص بلا عنوان ولا معرف."  # title falls back to the first paragraph
    assert [s[0] for s in skipped] == [f"{path}:3", f"{path}:4", f"{path}:6"]
    assert skipped[0][1].startswith("invalid JSON on line 3")
    assert skipped[1][1] == "record has no text"
    assert skipped[2][1] == "record is not a JSON object"


def test_jsonl_is_streamed(tmp_path):
    path = write(tmp_path / "feed.jsonl", jsonl_lines())
    articles = read_articles(path)
    assert isinstance(articles, Iterator)
    assert next(articles).doc_id == "r1"


def test_jsonl_with_no_valid_line_is_unreadable(tmp_path):
    with pytest.raises(UnreadableFile, match="invalid JSON on line 1"):
        read_file(write(tmp_path / "notes.jsonl", "just some words\nand more\n"))


def test_gzip_jsonl_and_json(tmp_path):
    (tmp_path / "feed.jsonl.gz").write_bytes(gzip.compress(jsonl_lines().encode()))
    articles, skipped = read_file(tmp_path / "feed.jsonl.gz")
    assert [a.doc_id for a in articles] == ["r1", "feed-5"] and len(skipped) == 3
    (tmp_path / "one.json.gz").write_bytes(gzip.compress(json.dumps(RECORD).encode()))
    assert only(tmp_path / "one.json.gz").paragraphs == ("الفقرة الأولى.", "الفقرة الثانية.")


def test_damaged_gzip_is_unreadable(tmp_path):
    (tmp_path / "feed.jsonl.gz").write_bytes(b"not gzip at all")
    with pytest.raises(UnreadableFile, match="not a valid gzip file"):
        read_file(tmp_path / "feed.jsonl.gz")


def test_long_title_fallback_is_cut_at_a_word(tmp_path):
    text = "كلمة " * 40
    article = only(write(tmp_path / "r.json", json.dumps({"id": "r", "text": text}, ensure_ascii=False)))
    assert article.title.endswith("كلمة…") and len(article.title) <= 81


def test_find_files_expands_folders_and_reports_what_it_skips(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in ("b/z.md", "b/a.TXT", "c.jsonl.gz", "report.pdf", ".secret.txt", ".hidden/x.txt", "notes"):
        (tmp_path / name).write_bytes(b"x")
    files, skipped = find_files([tmp_path, tmp_path / "c.jsonl.gz", tmp_path / "missing.txt"])
    assert files == [tmp_path / "b" / "a.TXT", tmp_path / "b" / "z.md", tmp_path / "c.jsonl.gz"]
    assert skipped == [
        (str(tmp_path / "notes"), "unsupported file type (no extension)"),
        (str(tmp_path / "report.pdf"), "unsupported file type .pdf"),
        (str(tmp_path / "missing.txt"), "no such file or folder"),
    ]
    assert set(SUPPORTED) >= {".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".jsonl.gz", ".json.gz"}


def test_first_records_of_the_real_news_corpus():
    if not ANT_NEWS.exists():
        pytest.skip(f"{ANT_NEWS} is not here")
    skipped: list[tuple[str, str]] = []
    articles = list(islice(read_articles(ANT_NEWS, skipped), 50))
    with gzip.open(ANT_NEWS, "rt", encoding="utf-8") as f:
        records = [json.loads(line) for line in islice(f, 50)]
    assert skipped == []
    assert [a.doc_id for a in articles] == [r["id"] for r in records]
    for article, record in zip(articles, records, strict=True):
        assert article.title == " ".join(record["title"].split())
        assert (article.source, article.url, article.date) == (record["source"], record["url"], record["date"])
        assert article.paragraphs
        text = " ".join(record["text"].split())
        assert all(p in text for p in article.paragraphs)  # exact substrings of the source text
