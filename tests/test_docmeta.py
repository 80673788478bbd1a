"""The HTML reader and the policy metadata block: table, list and inline layouts, charsets, real pages."""

from __future__ import annotations

from datetime import date

import pytest

from checker.docmeta import (
    DOC_NUMBER,
    doc_number_in,
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
     ("有效期至2022-12-31", date(2022, 12, 31))],
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
