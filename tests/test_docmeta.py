"""The HTML reader and the policy metadata block: table, list and inline layouts, charsets, real pages."""

from __future__ import annotations

from datetime import date

import pytest

from checker.docmeta import (
    DOC_NUMBER,
    body_validity,
    doc_number_in,
    extended_titles,
    is_marked_invalid,
    read_meta,
    repealed_titles,
    subtitle_doc_number,
)
from checker.htmlpage import decode_html, parse_html
from tests.corpus import corpus_html

AS_OF = date(2020, 11, 6)

TABLE = """<html><head><title>关于X的通知_示例市</title></head><body>
<div class="nav"><a href="/">首页</a><a href="/zwgk/">政府信息公开</a></div>
<table class="xxgk-table">
<tr><th>索引号：</th><td>114407000071234567/2020-01062</td><th>分类：</th><td>政策文件</td></tr>
<tr><th>发布机构：</th><td>示例市人民政府</td><th>成文日期：</th><td>2020年9月26日</td></tr>
<tr><th>文号：</th><td>{doc}</td><th>发布日期：</th><td>2020年9月29日</td></tr>
<tr><th>有效期：</th><td colspan="3">{valid}</td></tr>
</table><h1>关于X的通知</h1><p>正文。</p>
<div class="footer">地址：示例市府前路1号 电话：0750-1234567</div></body></html>"""


def meta_of(html: str) -> object:
    return read_meta(parse_html(html, "http://gov.test/a.html").lines, AS_OF)


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ("江府办函〔2020〕216号", "江府办函〔2020〕216号"),
        ("粤府〔2019〕12号", "粤府〔2019〕12号"),
        ("国办秘函[2019]19号", "国办秘函[2019]19号"),
        ("示府（2020）8号", "示府（2020）8号"),
        ("无", ""),
        ("", ""),
        ("2007年第23号", ""),
    ],
)
def test_doc_number_in_a_table(doc: str, expected: str) -> None:
    meta = meta_of(TABLE.format(doc=doc, valid="长期"))
    assert meta.doc_number == expected
    assert meta.doc_number_label
    assert meta.index_no == "114407000071234567/2020-01062"
    assert meta.publisher == "示例市人民政府"
    assert meta.written == date(2020, 9, 26)
    assert meta.published == date(2020, 9, 29)


@pytest.mark.parametrize(
    ("valid", "until"),
    [("2017年04月01日至2020年03月31日", date(2020, 3, 31)), ("长期", None), ("", None),
     ("有效期至2022-12-31", date(2022, 12, 31)),
     # a sentence in the info bar: its first date is the start, not the end
     ("本办法自2019年1月1日起施行，有效期5年。", date(2023, 12, 31)), ("自2017年4月1日起施行", None),
     ("自印发之日起施行，有效期2年", date(2022, 9, 25))],
)
def test_validity(valid: str, until: date | None) -> None:
    assert meta_of(TABLE.format(doc="示府〔2020〕1号", valid=valid)).valid_until == until


def test_list_and_inline_layouts() -> None:
    listing = "<div><p><strong>发布机构</strong>：邯郸市教育局</p><p><strong>文号</strong>：无</p></div>"
    meta = meta_of(listing)
    assert meta.publisher == "邯郸市教育局" and meta.doc_number_label and meta.doc_number == ""
    inline = "<div class='xxgk-info'>发布机构：示例市人民政府 文号：示府〔2020〕8号 发布日期：2020年10月5日</div>"
    meta = meta_of(inline)
    assert meta.doc_number == "示府〔2020〕8号" and meta.published == date(2020, 10, 5)


def test_no_metadata_block() -> None:
    meta = meta_of("<h1>新闻</h1><p>根据国办发〔2019〕19号文件精神，开展检查。</p>")
    assert not meta.has_block and not meta.doc_number_label and meta.doc_number == ""


def test_chrome_is_left_out_of_the_content_text() -> None:
    page = parse_html(TABLE.format(doc="无", valid="长期"), "http://gov.test/a.html")
    assert "地址" not in page.text and "政府信息公开" not in page.text
    assert page.heading == "关于X的通知"


def test_subtitle_and_title_numbers_but_not_citations() -> None:
    assert subtitle_doc_number(["某某信息公开表", "（浙金罚决字〔2024〕52号）"]) == "浙金罚决字〔2024〕52号"
    assert subtitle_doc_number(["根据国办发〔2019〕19号文件精神，开展检查。"]) == ""
    assert doc_number_in("行政处罚信息公开表(金罚决字〔2024〕36号)") == "金罚决字〔2024〕36号"
    assert not DOC_NUMBER.search("2007年第23号国务院公报")


def test_invalid_marks_and_repeals() -> None:
    assert is_marked_invalid("【已废止】关于X的通知")
    assert is_marked_invalid("", "已失效")
    assert not is_marked_invalid("关于废止部分规章的决定", "长期")
    text = "本办法自2020年1月1日起施行，《示例市城市排水管理办法》同时废止。"
    assert repealed_titles(text) == ["示例市城市排水管理办法"]


WRITTEN, PUBLISHED = date(2017, 12, 20), date(2017, 12, 25)


@pytest.mark.parametrize(
    ("body", "until", "start", "phrase"),
    [
        # an end date
        ("本通知有效期至2020年12月31日。", date(2020, 12, 31), None, "有效期至2020年12月31日"),
        ("本通知有效期至2020-12-31。", date(2020, 12, 31), None, "有效期至2020-12-31"),
        ("本规定自2016年3月1日起实施，有效期至2021年2月28日。", date(2021, 2, 28), None, "有效期至2021年2月28日"),
        ("本办法有效期为2017年4月1日至2020年3月31日。", date(2020, 3, 31), date(2017, 4, 1),
         "有效期为2017年4月1日至2020年3月31日"),
        ("本通知有效期延长至2022年12月31日。", date(2022, 12, 31), None, "有效期延长至2022年12月31日"),
        ("有效期至2020年12月31日", date(2020, 12, 31), None, "有效期至2020年12月31日"),
        # a term from the commencement stated in the same sentence: start + N years - 1 day
        ("本办法自2018年1月1日起施行，有效期2年。", date(2019, 12, 31), date(2018, 1, 1), "有效期2年"),
        ("本意见自2019年1月1日起施行，有效期限为2年。", date(2020, 12, 31), date(2019, 1, 1), "有效期限为2年"),
        ("第二十五条 本办法自二〇一八年一月一日起施行，有效期五年。", date(2022, 12, 31), date(2018, 1, 1),
         "有效期五年"),
        ("本办法由市财政局负责解释，自2018年3月1日起施行，有效期2年。", date(2020, 2, 29), date(2018, 3, 1),
         "有效期2年"),
        ("本办法自2016年2月29日起施行，有效期1年。", date(2017, 2, 28), date(2016, 2, 29), "有效期1年"),
        ("本通知自2020年1月1日起施行，有效期6个月。", date(2020, 6, 30), date(2020, 1, 1), "有效期6个月"),
        # 自印发之日起: the 成文日期; 自发布之日起: the 发布日期
        ("自印发之日起施行，有效期3年。", date(2020, 12, 19), WRITTEN, "有效期3年"),
        ("本意见自发布之日起施行，有效期3年。", date(2020, 12, 24), PUBLISHED, "有效期3年"),
        # the file names itself; the commencement is elsewhere or, stated nowhere, the later issue date
        ("本通知有效期为两年。", date(2019, 12, 24), PUBLISHED, "有效期为两年"),
        ("本方案有效期为5年。\n本方案自2018年1月1日起施行。", date(2022, 12, 31), date(2018, 1, 1), "有效期为5年"),
        ("本办法自2018年1月1日起施行。\n有效期5年。", date(2022, 12, 31), date(2018, 1, 1), "有效期5年"),
        ("本实施细则的有效期为十年。", date(2027, 12, 24), PUBLISHED, "有效期为十年"),
        # of two statements the later end wins
        ("本办法有效期至2019年12月31日。\n本办法有效期延长至2022年12月31日。", date(2022, 12, 31), None,
         "有效期延长至2022年12月31日"),
    ],
)
def test_body_validity(body: str, until: date, start: date | None, phrase: str) -> None:
    found = body_validity(body.split("\n"), written=WRITTEN, published=PUBLISHED)
    assert found is not None
    assert (found.until, found.start, found.phrase) == (until, start, phrase)
    assert found.phrase in found.sentence and found.sentence in body


@pytest.mark.parametrize(
    "body",
    [
        "在有效期内的证件继续有效。",
        "证件有效期至2019年12月31日。",
        "营业执照有效期届满的，应当办理注销登记。",
        "营业执照有效期至2019年12月31日。",
        "有效期满前30日申请延续。",
        "申请人取得的许可有效期为5年。",
        "许可证自颁发之日起生效，有效期3年。",
        "本办法规定的许可证，自颁发之日起生效，有效期3年。",
        "资质证书有效期为5年，有效期满需要延续的，应当在有效期满前30日申请延续。",
        "《示例市排水条例》自2008年5月1日起施行，有效期5年。",
        "申领许可证的，应当提交下列材料。\n有效期2年。",
        "全面标注已公开规范性文件有效期，及时公开规范性文件清理结果。",
        # a commencement that cannot be dated gives no term rather than a guess
        "本办法自印发之日起30日后施行，有效期5年。",
        # nothing to count from
        "本办法有效期为5年。",
    ],
)
def test_body_validity_not_the_files_own(body: str) -> None:
    published = None if body == "本办法有效期为5年。" else PUBLISHED
    assert body_validity(body.split("\n"), written=None, published=published) is None


def test_validity_of_a_file_in_its_metadata_and_body() -> None:
    lines = ["有效期：", "关于X的通知", "本办法自2018年1月1日起施行，有效期2年。", "示例市人民政府", "2017年12月20日"]
    assert read_meta(lines, AS_OF).valid_until is None
    found = body_validity(lines, written=WRITTEN)
    assert found is not None and found.until == date(2019, 12, 31)
    assert found.sentence == "本办法自2018年1月1日起施行，有效期2年。"


def test_extended_titles() -> None:
    assert extended_titles("现将《示例市人才引进办法》有效期延长至2022年12月31日。") == ["示例市人才引进办法"]
    assert extended_titles("决定延长《示例市人才引进办法》的有效期。") == ["示例市人才引进办法"]
    assert extended_titles("《示例市人才引进办法》同时废止。") == []


def test_charsets_that_lie() -> None:
    text = "<html><head><meta charset='gb2312'></head><body><p>文号：粤府〔2019〕12号</p></body></html>"
    assert decode_html(text.encode("utf-8")) == text
    assert decode_html(text.encode("gb18030"), "text/html; charset=utf-8") == text
    assert "文号" in decode_html(text.encode("gbk"))


def test_broken_markup_is_read_not_raised() -> None:
    page = parse_html("<div><p>文号：示府〔2020〕8号<td></tr></span><a href='x'>链接", "http://gov.test/")
    assert read_meta(page.lines, AS_OF).doc_number == "示府〔2020〕8号"
    assert page.links[0].href == "http://gov.test/x"


def test_media_is_noticed() -> None:
    page = parse_html('<video src="/a.mp4"></video><a href="/b.mp3">音频</a><iframe src="https://player.x/1">'
                      "</iframe>", "http://gov.test/")
    assert len(page.media) == 3


# Real pages (../shared/corpus; skipped when absent).

def test_handan_document_page_says_no_doc_number() -> None:
    page = parse_html(corpus_html("renmin/src/main/webapp/WEB-INF/views/affairs/details.jsp"), "http://hd/")
    meta = read_meta(page.lines, AS_OF)
    assert meta.index_no == "000014348/2020-35147"
    assert meta.publisher == "邯郸市教育局"
    assert meta.published == date(2020, 8, 2)
    assert meta.written is None  # commented out in the page
    assert meta.doc_number_label and meta.doc_number_raw == "无" and meta.doc_number == ""


@pytest.mark.parametrize(
    ("relative", "number", "published"),
    [
        ("nfra.gov.cn/tests/page_source_debug.html", "金罚决字〔2024〕36号", date(2024, 7, 12)),
        ("nfra.gov.cn/tests/merged_cells_page_source.html", "浙金罚决字〔2024〕52号", date(2025, 6, 3)),
    ],
)
def test_nfra_doc_numbers(relative: str, number: str, published: date) -> None:
    page = parse_html(corpus_html(relative), "https://www.nfra.gov.cn/")
    meta = read_meta(page.lines, date(2025, 7, 1))
    assert meta.doc_number == number
    assert subtitle_doc_number(page.lines) == number
    assert meta.published == published


def test_gov_cn_bulletin_page_has_no_doc_number() -> None:
    page = parse_html(corpus_html("GeneralNewsExtractor/tests/other/1.html"), "https://www.gov.cn/")
    meta = read_meta(page.lines, AS_OF)
    assert meta.doc_number == "" and not meta.doc_number_label
    assert subtitle_doc_number(page.lines) == ""
    assert "特别国债" in page.title
    assert "15500亿元特别国债" in page.text


def test_real_page_mentioning_validity_states_none() -> None:
    page = parse_html(corpus_html("testHtml/hdjl/yjzj/2018-07-09/941.html"), "http://www.zhecheng.gov.cn/")
    assert "有效期" in page.text
    assert body_validity(page.lines, published=date(2017, 7, 31)) is None
