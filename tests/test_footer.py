"""Tests of checker.footer: identifiers read from footer text and images, footer regions cut from raw HTML,
and the footers of every saved government page in the shared corpus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checker.footer import (
    FooterIdentifiers,
    FooterImage,
    extract_footer_from_html,
    is_party_mark,
    read_footer,
)

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
CONAC_LINK = "https://bszs.conac.cn/sitename?method=show&id=0ADCC2E0BA270DA2E053012819ACECB2"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("网站标识码：1400000045", "1400000045"),
        ("网站标识码bm01000001", "bm01000001"),
        ("网站标识码 bm55000001 ", "bm55000001"),
        ("网站标识码:3300000020浙公网安备 33010602009328号", "3300000020"),
        ("赣ICP备06000141号　政府网站标识码：3609000002", "3609000002"),
        ("网站标识码：３６０９０００００２", "3609000002"),
        ("网站标识码：1400000045Copyright 2020", "1400000045"),
        ("网站标识码\n1304000009", "1304000009"),
        ("网站标识码：ab1234", "ab1234"),
        ("网站标识码：", None),
        ("网站标识码：123", None),
        ("标识码", None),
    ],
)
def test_site_code(text: str, expected: str | None) -> None:
    assert read_footer(text, []).site_code == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("赣ICP备11002306号-1", "赣ICP备11002306号-1"),
        ("京ICP备05070218号", "京ICP备05070218号"),
        ("备案序号：京ICP备20027467号-1", "京ICP备20027467号-1"),
        ("ICP备案号：浙ICP备05018911号", "浙ICP备05018911号"),
        ("浙ICP备 05018911号", "浙ICP备05018911号"),
        ("京ICP证030173号", "京ICP证030173号"),
        ("ICP备05070218号", "ICP备05070218号"),
        ("ICP备案号：", None),
        ("京公网安备11010202000001号", None),
    ],
)
def test_icp(text: str, expected: str | None) -> None:
    assert read_footer(text, []).icp == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("京公网安备11010202000001号", "京公网安备11010202000001号"),
        ("赣公网安备\n              36090202000004号", "赣公网安备 36090202000004号"),
        ("晋公网安备 14010502050691号", "晋公网安备 14010502050691号"),
        ("备案号：京公网安备11010202000001号", "京公网安备11010202000001号"),
        ("公网安备 14010502050691号", "公网安备 14010502050691号"),
        ("公安机关备案号：11010202000001", "公安机关备案号:11010202000001"),
        ("公安备案号 11010202000001号", "公安备案号 11010202000001号"),
        ("京ICP备05070218号", None),
        ("公网安备", None),
    ],
)
def test_police(text: str, expected: str | None) -> None:
    assert read_footer(text, []).police == expected


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        (FooterImage("./files/red.png", link=CONAC_LINK), True),
        (FooterImage("https://dcs.conac.cn/image/red.png"), True),
        (FooterImage("/images/gtrs_red.png"), True),
        (FooterImage("/ycsrmzf/xhtml/images/red.png"), True),
        (FooterImage("/images/red.gif?v=2"), True),
        (FooterImage("/picture/485/1901171027340421554.png", link="http://bszs.conac.cn/x?id=1"), True),
        (FooterImage("/images/dzjg.png"), True),
        (FooterImage("/images/mark.png", alt="党政机关网站标识"), True),
        (FooterImage("/images/mark.png", title="党政机关"), True),
        (FooterImage("https://dcs.conac.cn/js/33/000/0000/60942981/CA330000000609429810003.js"), True),
        (FooterImage("./files/batb.png", link="http://www.beian.gov.cn/portal/registerSystemInfo"), False),
        (FooterImage("/images/ewm_zwwx.png", alt="微信二维码"), False),
        (FooterImage("/images/jiucuo.png"), False),
        (FooterImage("/images/bored.png"), False),
        (FooterImage("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJred.png"), False),
    ],
)
def test_party_mark(image: FooterImage, expected: bool) -> None:
    assert is_party_mark(image) is expected
    assert read_footer("", [image]).party_mark is expected


def test_missing_in_notice_order() -> None:
    everything = ["网站标识码", "ICP备案编号", "公安机关备案标识", "党政机关网站标识"]
    assert read_footer("", []).missing() == everything
    found = FooterIdentifiers(site_code="1400000045", icp=None, police="京公网安备11010202000001号",
                              party_mark=False)
    assert found.missing() == ["ICP备案编号", "党政机关网站标识"]
    complete = read_footer(
        "网站标识码bm01000001　京ICP备05070218号　京公网安备11010202000001号",
        [FooterImage("/images/red.png", link=CONAC_LINK)],
    )
    assert complete.missing() == []


# --- extract_footer_from_html on small pages ------------------------------------------------------


def _page(body: str) -> str:
    return f"<html><head><title>网站标识码 0000000000</title></head><body>{body}</body></html>"


def test_extract_footer_element() -> None:
    text, images = extract_footer_from_html(_page(
        '<div class="main">正文 京ICP备99999999号</div>'
        '<footer><p>网站标识码：1400000045</p>'
        f'<a href="{CONAC_LINK}"><img src="/images/red.png" alt="" title="标识"></a></footer>'
    ))
    assert text == "网站标识码：1400000045"
    assert images == [FooterImage("/images/red.png", "", "标识", CONAC_LINK)]


@pytest.mark.parametrize("attribute", ['id="foot"', 'class="g-footer"', 'class="ft"', 'class="x ft_wrap"',
                                       'id="bottom"', 'class="copyright"'])
def test_extract_footer_by_id_or_class(attribute: str) -> None:
    text, _ = extract_footer_from_html(_page(f'<div class="main">正文</div><div {attribute}>版权所有</div>'))
    assert text == "版权所有"


def test_left_is_not_a_footer_class() -> None:
    page = _page('<div class="left">栏目</div><div class="footer">主办：某局</div>')
    text, _ = extract_footer_from_html(page)
    assert text == "主办：某局"


def test_body_class_is_not_the_footer() -> None:
    text, _ = extract_footer_from_html(
        '<html><body class="has-footer"><p>正文</p><div id="ft">网站标识码 1234567890</div></body></html>'
    )
    assert text == "网站标识码 1234567890"


def test_outermost_and_last_marked_region() -> None:
    text, _ = extract_footer_from_html(_page(
        '<div class="list-tabs-bottom">更多</div>'
        '<div class="footer"><div class="footer-nav">网站地图</div>'
        '<div class="footer-copyright">网站标识码 1304000009<br>冀ICP备05029117号-1</div></div>'
        '<div class="fixed-bottom"><a href="#">返回顶部</a></div>'
    ))
    assert text.splitlines() == ["网站地图", "网站标识码 1304000009", "冀ICP备05029117号-1"]


def test_hidden_and_script_content_is_not_text() -> None:
    text, images = extract_footer_from_html(_page(
        '<div class="footer"><script>var code = "网站标识码 1111111111";</script>'
        '<style>.a{}</style><span style="display: none">京ICP备00000000号</span>'
        '<a style="display:none" href="x"><img src="hidden.png"></a>'
        '<p hidden>隐藏</p><!-- 公网安备 --><p>可见</p></div>'
    ))
    assert text == "可见"
    assert images == []


def test_conac_script_counts_as_the_badge_in_raw_html() -> None:
    text, images = extract_footer_from_html(_page(
        '<div class="footer"><span id="_ideConac"></span>'
        '<script src="https://dcs.conac.cn/js/05/107/0000/41468768/CA051070000414687680001.js"></script>'
        '<script src="/js/other.js"></script><p>网站标识码 1304000009</p></div>'
    ))
    assert [image.src for image in images] == [
        "https://dcs.conac.cn/js/05/107/0000/41468768/CA051070000414687680001.js",
    ]
    assert read_footer(text, images).party_mark is True


def test_fallback_is_the_tail_of_the_page() -> None:
    filler = "<p>" + "正文" * 2000 + "</p>"
    text, images = extract_footer_from_html(_page(
        '<img src="/logo.png">' + filler + '<p>网站标识码：1400000045</p><img src="/images/red.png">'
    ))
    assert len(text) <= 3000
    assert text.endswith("网站标识码：1400000045")
    assert [image.src for image in images] == ["/images/red.png"]


def test_unbalanced_markup_does_not_crash() -> None:
    broken = "<div class='footer'><p>主办：某局<div>网站标识码 1234567890</span></li>"
    text, _ = extract_footer_from_html(broken)
    assert "网站标识码 1234567890" in text
    assert extract_footer_from_html("") == ("", [])


# --- the corpus of saved government pages ---------------------------------------------------------

WANZAI = ("3609220011", "赣ICP备11002306号-1", "赣公网安备 36092202000105号", True)
YICHUN = ("3609000002", "赣ICP备06000141号", "赣公网安备 36090202000004号", True)
HANDAN = ("1304000009", "冀ICP备05029117号-1", "冀公网安备 13042002000523号", True)
NFRA = ("bm55000001", "京ICP备19014889号", "京公网安备11010202008000号", True)
CMSE = (None, "京ICP备20027467号-1", None, False)

CORPUS_FOOTERS = [
    ("GeneralNewsExtractor/tests/shanxi/1.html",
     ("1400000045", "晋ICP备12000773号", "晋公网安备 14010502050691号", True)),
    ("GeneralNewsExtractor/tests/gzggw/1.html",
     ("3300000020", "浙ICP备05018911号", "浙公网安备 33010602009328号", True)),
    ("GeneralNewsExtractor/tests/other/1.html",
     ("bm01000001", "京ICP备05070218号", "京公网安备11010202000001号", True)),
    ("GeneralNewsExtractor/tests/cmse/1.html", CMSE),
    ("GeneralNewsExtractor/visiable_test/cmse/1.html", CMSE),
    ("job/统计局/2015/万载县2015年国民经济和社会发展统计公报.html", WANZAI),
    ("job/统计局/2015/万载县2015年国民经济和社会发展统计公报_files/stat.php", YICHUN),
    ("job/统计局/万载县/2022/万载县2022年国民经济和社会发展统计公报 _ 万载县人民政府.html", WANZAI),
    ("job/统计局/宜春市/2022/宜春市2022年国民经济和社会发展统计公报 _ 中国宜春.html", YICHUN),
    ("job/统计局/江西省/2022/江西省2022年国民经济和社会发展统计公报 _ 中国宜春.html", YICHUN),
    ("renmin/src/main/webapp/WEB-INF/views/affairs/gkzn.jsp", HANDAN),
    ("renmin/src/main/webapp/WEB-INF/views/affairs/list.jsp", HANDAN),
    ("renmin/src/main/webapp/WEB-INF/views/affairs/details.jsp", HANDAN),
    ("nfra.gov.cn/tests/page_source_debug.html", NFRA),
    ("nfra.gov.cn/tests/merged_cells_page_source.html", NFRA),
]


def _corpus_page(relative: str) -> str:
    path = CORPUS / relative
    if not path.is_file():
        pytest.skip(f"corpus file absent: {path}")
    markup = path.read_text(encoding="utf-8")
    if relative.endswith(".jsp"):
        markup = "".join(markup.splitlines(keepends=True)[8:])  # the IntelliJ comment and <%@ page %>
    return markup


@pytest.mark.parametrize(("relative", "expected"), CORPUS_FOOTERS, ids=[row[0] for row in CORPUS_FOOTERS])
def test_corpus_footer(relative: str, expected: tuple[str | None, str | None, str | None, bool]) -> None:
    text, images = extract_footer_from_html(_corpus_page(relative))
    found = read_footer(text, images)
    assert (found.site_code, found.icp, found.police, found.party_mark) == expected


def test_corpus_gzggw_site_code_comes_from_the_footer_not_the_meta() -> None:
    markup = _corpus_page("GeneralNewsExtractor/tests/gzggw/1.html")
    assert re.search(r'<meta name="SiteIDCode" content="">', markup)
    text, images = extract_footer_from_html(markup)
    assert read_footer(text, images).site_code == "3300000020"


def test_corpus_yichun_police_number_split_over_lines() -> None:
    markup = _corpus_page("job/统计局/2015/万载县2015年国民经济和社会发展统计公报_files/stat.php")
    assert re.search(r"赣公网安备\s*\n\s*36090202000004号", markup)
    text, images = extract_footer_from_html(markup)
    assert read_footer(text, images).police == "赣公网安备 36090202000004号"


def test_corpus_cmse_reports_three_missing() -> None:
    text, images = extract_footer_from_html(_corpus_page("GeneralNewsExtractor/tests/cmse/1.html"))
    assert read_footer(text, images).missing() == ["网站标识码", "公安机关备案标识", "党政机关网站标识"]
    assert any("ewm" in image.src for image in images)  # its footer QR codes are found as images
