"""Tests of checker.dates: every date shape real sites print, the look-alikes that are not dates, year
inference around the new year, and dates read from saved government pages (the shared corpus)."""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import pytest

from checker.dates import FoundDate, find_dates, infer_year, latest_date, parse_date

AS_OF = date(2020, 11, 6)
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@pytest.mark.parametrize(
    ("text", "expected", "has_year", "has_time"),
    [
        ("2020-10-19", date(2020, 10, 19), True, False),
        ("2020-1-9", date(2020, 1, 9), True, False),
        ("2020年10月19日", date(2020, 10, 19), True, False),
        ("2020年1月9日", date(2020, 1, 9), True, False),
        ("2020 年 1 月 9 日", date(2020, 1, 9), True, False),
        ("2020年08月02日", date(2020, 8, 2), True, False),
        ("2020/10/19", date(2020, 10, 19), True, False),
        ("2020/8/10", date(2020, 8, 10), True, False),
        ("2020.10.19", date(2020, 10, 19), True, False),
        ("2020-10-19 14:23", date(2020, 10, 19), True, True),
        ("2020-10-19 14:23:05", date(2020, 10, 19), True, True),
        ("2019-09-18 06:23", date(2019, 9, 18), True, True),
        ("2007-08-20-23:59:59", date(2007, 8, 20), True, True),
        ("2020-10-19T14:23", date(2020, 10, 19), True, True),
        ("2020年10月19日 14:23", date(2020, 10, 19), True, True),
        ("[10-19]", date(2020, 10, 19), False, False),
        ("10-19", date(2020, 10, 19), False, False),
        ("(10-19)", date(2020, 10, 19), False, False),
        ("（10-19）", date(2020, 10, 19), False, False),
        ("【1-9】", date(2020, 1, 9), False, False),
        ("10/19", date(2020, 10, 19), False, False),
        ("10-19 14:23", date(2020, 10, 19), False, True),
        ("10月19日", date(2020, 10, 19), False, False),
        ("二〇二〇年十月十九日", date(2020, 10, 19), True, False),
        ("二○二○年十月十九日", date(2020, 10, 19), True, False),
        ("二〇一九年十二月三十一日", date(2019, 12, 31), True, False),
        ("二〇二〇年一月九日", date(2020, 1, 9), True, False),
        ("２０２０－１０－１９", date(2020, 10, 19), True, False),
        ("２０２０年１０月１９日", date(2020, 10, 19), True, False),
        ("发布时间：2020-10-19", date(2020, 10, 19), True, False),
        ("日期：2020-10-19", date(2020, 10, 19), True, False),
        ("发布日期: 2012-06-24", date(2012, 6, 24), True, False),
        ("时间：2019-09-18 06:23", date(2019, 9, 18), True, True),
    ],
)
def test_reads_every_format(text: str, expected: date, has_year: bool, has_time: bool) -> None:
    found = find_dates(text, AS_OF)
    assert [item.value for item in found] == [expected]
    assert found[0].has_year is has_year
    assert found[0].has_time is has_time
    assert text[found[0].start:found[0].end] == found[0].text


@pytest.mark.parametrize(
    "text",
    [
        "江府办函〔2020〕216号",
        "金罚决字〔2024〕36号",
        "浙金罚决字〔2024〕52号",
        "索引号：000014348/2020-35147",
        "京公网安备11010202000001号",
        "赣公网安备 36090202000004号",
        "赣ICP备11002306号-1",
        "网站标识码：3609000002",
        "电话：0750-3501234",
        "12345",
        "0750-10-1923",
        "2052-10.8.2.7090",  # a WPS version string inside an NFRA page
        "jquery-1.12.4.min.js",
        "v2020.10.19",
        "1.2020.10.19",
        "2020-13-45",
        "2020-02-30",
        "2019-02-29",
        "13-45",
        "2020年",
        "2020年10月",
        "第1-2条",
        "1/2",
        "3.14",
        "二〇二〇年二月三十日",
        "于18日14时14分",
    ],
)
def test_look_alikes_are_not_dates(text: str) -> None:
    assert find_dates(text, AS_OF) == []


def test_dates_in_order_with_positions() -> None:
    text = "检查时段：2020-10-19至2020年11月6日，[10-21] 发布"
    found = find_dates(text, AS_OF)
    assert [item.value for item in found] == [date(2020, 10, 19), date(2020, 11, 6), date(2020, 10, 21)]
    assert [text[item.start:item.end] for item in found] == ["2020-10-19", "2020年11月6日", "10-21"]


def test_full_date_is_not_read_again_as_month_day() -> None:
    assert len(find_dates("2020年10月19日", AS_OF)) == 1
    assert len(find_dates("2020-10-19 14:23", AS_OF)) == 1


def test_prose_month_day_takes_the_year_of_the_text() -> None:
    text = "神舟九号飞船2012年6月16日发射入轨后……北京时间6月24日12时55分"
    assert [item.value for item in find_dates(text, AS_OF)] == [date(2012, 6, 16), date(2012, 6, 24)]


def test_list_month_day_takes_the_year_from_as_of() -> None:
    found = find_dates("2019-12-30 标题  01-03 标题", date(2021, 1, 5))
    assert [item.value for item in found] == [date(2019, 12, 30), date(2021, 1, 3)]


@pytest.mark.parametrize(
    ("month", "day", "as_of", "expected"),
    [
        (12, 28, date(2021, 1, 5), date(2020, 12, 28)),
        (1, 4, date(2021, 1, 5), date(2021, 1, 4)),
        (1, 5, date(2021, 1, 5), date(2021, 1, 5)),
        (1, 6, date(2021, 1, 5), date(2021, 1, 6)),  # within the default one day of slack
        (1, 7, date(2021, 1, 5), date(2020, 1, 7)),
        (12, 31, date(2020, 12, 31), date(2020, 12, 31)),
        (1, 1, date(2020, 12, 31), date(2020, 1, 1)),
        (2, 30, date(2021, 1, 5), None),
        (13, 1, date(2021, 1, 5), None),
        (2, 29, date(2020, 3, 1), date(2020, 2, 29)),
        (2, 29, date(2021, 1, 5), date(2020, 2, 29)),
        (2, 29, date(2022, 1, 5), None),
    ],
)
def test_infer_year(month: int, day: int, as_of: date, expected: date | None) -> None:
    assert infer_year(month, day, as_of) == expected


def test_infer_year_slack_is_a_setting() -> None:
    assert infer_year(1, 6, date(2021, 1, 5), slack_days=0) == date(2020, 1, 6)
    assert infer_year(1, 8, date(2021, 1, 5), slack_days=3) == date(2021, 1, 8)


def test_month_day_around_new_year() -> None:
    as_of = date(2021, 1, 5)
    assert parse_date("[12-28]", as_of) == date(2020, 12, 28)
    assert parse_date("01-04", as_of) == date(2021, 1, 4)
    assert parse_date("12月28日", as_of) == date(2020, 12, 28)


def test_parse_date() -> None:
    assert parse_date(" 2020-10-19 ", AS_OF) == date(2020, 10, 19)
    assert parse_date("[10-19] [10-18]", AS_OF) == date(2020, 10, 19)
    assert parse_date("无日期", AS_OF) is None
    assert parse_date("", AS_OF) is None


def test_latest_date_ignores_the_future() -> None:
    texts = ["2020-10-19", "[11-01]", "2030-01-01", "无", "2020-11-07"]
    assert latest_date(texts, AS_OF) == date(2020, 11, 7)
    assert latest_date(texts, AS_OF, slack_days=0) == date(2020, 11, 1)
    assert latest_date([], AS_OF) is None


def test_found_date_is_a_value() -> None:
    found = find_dates("2020-10-19", AS_OF)[0]
    assert found == FoundDate(date(2020, 10, 19), "2020-10-19", 0, 10, True, False)


# --- the corpus of saved government pages ---------------------------------------------------------


def _corpus_file(relative: str) -> str:
    path = CORPUS / relative
    if not path.is_file():
        pytest.skip(f"corpus file absent: {path}")
    return path.read_text(encoding="utf-8")


def _visible_text(markup: str) -> str:
    """Page text without scripts, styles, comments and tags (enough for date tests)."""
    markup = re.sub(r"(?is)<(script|style)\b.*?</\1>|<!--.*?-->", " ", markup)
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def test_corpus_shanxi_article_date() -> None:
    text = _visible_text(_corpus_file("GeneralNewsExtractor/tests/shanxi/1.html"))
    found = find_dates(text, date(2019, 9, 20))
    article = [item for item in found if item.has_time]
    assert [(item.value, item.text) for item in article] == [(date(2019, 9, 18), "2019-09-18 06:23")]


def test_corpus_gov_cn_meta_date() -> None:
    markup = _corpus_file("GeneralNewsExtractor/tests/other/1.html")
    meta = re.search(r'name="firstpublishedtime" content="([^"]+)"', markup)
    assert meta is not None
    assert parse_date(meta.group(1), date(2023, 10, 23)) == date(2007, 8, 20)
    text = _visible_text(markup)
    assert date(2007, 6, 29) in [item.value for item in find_dates(text, date(2023, 10, 23))]


def test_corpus_handan_document_dates() -> None:
    markup = _corpus_file("renmin/src/main/webapp/WEB-INF/views/affairs/details.jsp")
    source = "".join(markup.splitlines(keepends=True)[8:])  # lines 1-8 are the JSP header
    as_of = date(2020, 8, 12)
    visible = find_dates(_visible_text(source), as_of)
    assert [(item.value, item.text) for item in visible] == [(date(2020, 8, 2), "2020年08月02日")]
    # 成文日期 is commented out on the page; in the source both it and 发布日期 are read.
    for label in ("成文日期", "发布日期"):
        line = next(line for line in source.splitlines() if label in line)
        uncommented = line.replace("<!--", "").replace("-->", "")
        assert parse_date(_visible_text(uncommented), as_of) == date(2020, 8, 2)
    index_line = next(line for line in source.splitlines() if "索引号" in line)
    assert find_dates(_visible_text(index_line), as_of) == []


def test_corpus_yichun_home_page_list_dates() -> None:
    markup = _corpus_file("job/统计局/2015/万载县2015年国民经济和社会发展统计公报_files/stat.php")
    spans = [re.sub(r"\s+", " ", span).strip()
             for span in re.findall(r'<span class="time">(.*?)</span>', markup, re.S)]
    assert len(spans) == 40
    as_of = date(2023, 10, 11)
    for span in spans:
        found = find_dates(span, as_of)
        assert len(found) == 1, span
        assert found[0].has_year is ("2023-" in span)
        assert date(2023, 8, 1) <= found[0].value <= as_of, span
    assert parse_date("10-09", as_of) == date(2023, 10, 9)
    assert latest_date(spans, as_of) == as_of
    # Read again after the new year, the same month-day belongs to the year before as_of.
    assert parse_date("10-09", date(2024, 1, 5)) == date(2023, 10, 9)


def test_corpus_nfra_document_numbers_are_not_dates() -> None:
    text = _visible_text(_corpus_file("nfra.gov.cn/tests/page_source_debug.html"))
    found = find_dates(text, date(2025, 7, 3))
    values = {item.value for item in found}
    assert date(2024, 7, 12) in values  # 发布时间：2024-07-12
    assert date(2024, 7, 8) in values  # 作出处罚决定的日期 2024年7月8日
    assert all(2024 <= item.value.year <= 2025 for item in found)
    assert "金罚决字〔2024〕36号" in text


def test_corpus_cmse_transcript_dates() -> None:
    text = _visible_text(_corpus_file("GeneralNewsExtractor/tests/cmse/1.html"))
    found = find_dates(text, date(2023, 10, 11))
    assert [item.value for item in found] == [
        date(2012, 6, 24), date(2012, 6, 24), date(2012, 6, 24), date(2012, 6, 16),
    ]
