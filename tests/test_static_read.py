"""The walk's HTML read (``checker.sitemap.static_read``) against the browser's (``snapshot.js``, ``structure.js``):
on every page the walk would read from its HTML, both must give what the checks judge alike.

Pages: the real county site mirrored in the corpus, two of the generated benchmark templates (a div layout
and a GB18030 table layout), and a page made of the traps HTML holds (hidden blocks, a ``<base>``, ``#``
links, Chinese in a query, a wrapped footer, a select, a form without an action).
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from benchmarks.suite_site import build_suite
from checker.htmlpage import decode_html
from checker.links.render_need import MOVES_ON as RENDER_MOVES
from checker.links.render_need import render_reasons, script_sources
from checker.observe import _SNAPSHOT_JS
from checker.sitemap.static_read import FRAMESET, MOVES_ON, clean, read_snapshot, read_structure, walk_reasons
from checker.sitemap.walk import _STRUCTURE_JS
from tests.corpus import CORPUS, show_alone

URL = "http://www.example.gov.cn/a/b/page.html"


def _comparable(snapshot: dict[str, Any]) -> dict[str, Any]:
    """What the checks read of a snapshot; the footer's text by its words (the footer reader collapses white
    space, and the browser keeps blank lines and trailing spaces the HTML read drops)."""
    footer = snapshot["footer"]
    return {
        "title": snapshot["title"],
        "nav": [(link["text"], link["href"], link["region"]) for link in snapshot["navLinks"]],
        "more": [(more["text"], more["href"], more["heading"]) for more in snapshot["moreLinks"]],
        "groups": [(group["region"], group["visible"], [(row["title"], row["href"], row["rest"])
                                                        for row in group["rows"]]) for group in snapshot["groups"]],
        "main": (snapshot["mainText"], snapshot["mainLength"], bool(snapshot["mainAnchor"])),
        "footer": None if footer is None else (
            clean(footer["text"]),
            [(image["src"], image["caption"], image["link"], image["alt"], image["hints"])
             for image in footer["images"]]),
    }


def _browser_read(page: Page, html: str, url: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The page rendered as its server would send it, nothing else loaded; the two scripts' answers."""
    show_alone(page, html, url, wait_until="load")
    return page.evaluate(_SNAPSHOT_JS, {}), page.evaluate(_STRUCTURE_JS)


def _assert_alike(page: Page, html: str, url: str = URL) -> None:
    snapshot, facts = _browser_read(page, html, url)
    assert _comparable(read_snapshot(html, url)) == _comparable(snapshot)
    assert read_structure(html, url) == facts


def _static(html: str, url: str) -> bool:
    """Whether the walk reads the page from its HTML (its scripts, absent here, read as empty)."""
    scripts = {source: "" for source in script_sources(html, url)}
    return not render_reasons(html, url, scripts) and not walk_reasons(html)


TRAPS = """<html><head><title> 示例  县 </title><base href="http://www.example.gov.cn/root/">
<meta name="ColumnName" content="旧"><meta name="ColumnName" content="通知公告"></head><body>
<div class="nav"><a href="/">首页</a><a href="list.html?kw=通知 公告">通知公告</a></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="#">通知公告</a></div>
<div class="box"><h3 class="tit">工作动态</h3><a href="dt/">更多&gt;&gt;</a>
<ul><li><a href="dt/1.html" title="关于开展第一批工作的通知（全文）">关于开展第一批工作的通知</a>
<span>2024-05-01</span></li>
<li><a href="dt/2.html">关于开展第二批工作的通知</a> <span>[2024-05-02]</span></li></ul></div>
<div style="display:none"><ul><li><a href="hidden/1.html">隐藏的条目</a><span>2020-01-01</span></li></ul></div>
<ul hidden><li><a href="hidden/2.html">也隐藏</a></li></ul>
<p>正文第一段，<b>加粗</b>和<a href="#top">锚点</a>。<select><option>全部</option><option>正文</option></select></p>
<form><input name="q"><input type="hidden" name="t"><input type="weird" name="x"></form>
<form action="/msg/post"><textarea name="content"></textarea><input name="title"><input name="phone"></form>
<div class="pages">共 3 页 <a href="index_1.html">下一页</a> <a href="index_2.html">尾页</a></div>
<div class="footer">主办单位：示例县人民政府<br>网站标识码：4400000099<br>
示ICP备<br>12345678号 <a href="http://www.beian.gov.cn/"><img src="/img/ga.png" width="20" height="20">
示公网安备 44000002000001号</a>
<span><img data-src="/img/wx.png" alt="微信" style="width: 100px; height:100px"></span></div>
</body></html>"""


@pytest.mark.browser
def test_a_page_of_traps_reads_alike(page: Page) -> None:
    assert _static(TRAPS, URL)
    _assert_alike(page, TRAPS)
    snapshot = read_snapshot(TRAPS, URL)
    hrefs = [row["href"] for group in snapshot["groups"] for row in group["rows"]]
    assert "http://www.example.gov.cn/root/hidden/1.html" in hrefs  # a hidden list is still a group …
    assert not next(g for g in snapshot["groups"] if "hidden/1" in g["rows"][0]["href"])["visible"]  # … not shown
    assert "隐藏的条目" not in snapshot["mainText"] and "全部" not in snapshot["mainText"]
    assert snapshot["navLinks"][1]["href"].endswith("list.html?kw=%E9%80%9A%E7%9F%A5%20%E5%85%AC%E5%91%8A")
    image = snapshot["footer"]["images"][1]
    assert (image["src"], image["width"], image["height"]) == ("/img/wx.png", 100.0, 100.0)


@pytest.mark.browser
@pytest.mark.parametrize("relative", [
    "testHtml/hdjl/index.html", "testHtml/hdjl/yjzj/index.html", "testHtml/hdjl/yjzj/2018-07-09/941.html",
    "testHtml/xxgk/index.html", "testHtml/xxgk/xxgkml/index.html", "testHtml/xxgk/xxgkml/zcjd/index.html",
    "testHtml/xxgk/xxgkml/zcjd/index_37.html", "testHtml/xxgk/xxgknb/index.html", "testHtml/xxgk/xxgkzn/index.html",
    "testHtml/xxgk/xxgkzn/2018-06-30/298.html", "testHtml/xxgk/zdly/index.html",
])
def test_the_real_county_site_reads_alike(page: Page, relative: str) -> None:
    path = CORPUS / relative
    if not path.exists():
        pytest.skip(f"corpus page not available: {relative}")
    html = decode_html(path.read_bytes())
    url = "http://www.zhecheng.gov.cn/" + relative.removeprefix("testHtml/")
    assert _static(html, url)
    _assert_alike(page, html, url)


@pytest.mark.browser
@pytest.mark.parametrize("template", ["modern", "old"])
def test_generated_templates_read_alike(page: Page, template: str) -> None:
    suite = build_suite(2, 40, seed=7)
    site = next(s for s in suite.sites if s.template == template)
    compared = 0
    for path in suite.html_pages(site)[:25]:
        resource = suite.resources[path]
        html = decode_html(resource.body, resource.content_type)
        url = "http://127.0.0.1:8000" + path
        if _static(html, url):
            _assert_alike(page, html, url)
            compared += 1
    assert compared >= 15


def test_pages_that_move_on_or_are_framesets_are_rendered() -> None:
    assert walk_reasons('<meta http-equiv="refresh" content="0;url=/new/">') == [MOVES_ON]
    assert walk_reasons("<META HTTP-EQUIV='Refresh' CONTENT='3; URL=http://x.gov.cn/'>") == [MOVES_ON]
    assert walk_reasons('<meta http-equiv="refresh" content="300">') == []  # reloads itself: stays
    assert walk_reasons("<frameset><frame src='a.html'></frameset>") == [FRAMESET]
    assert walk_reasons("<p>location = 上海</p>") == []


def test_scripts_that_send_the_visitor_elsewhere_make_the_page_rendered() -> None:
    def moves(script: str) -> bool:
        return RENDER_MOVES in render_reasons(f"<html><body><p>正文</p><script>{script}</script></body></html>", URL)

    assert moves("window.location.href = '/new/';") and moves("if (a == b) location.replace('/m/')")
    assert moves("setTimeout(function () { location.reload(); }, 10)")  # an anti-robot check's second load
    assert not moves("if (location.href == x) { y(); }") and not moves("function go() { location.href = '/'; }")


@pytest.mark.browser
def test_a_page_with_a_stray_end_of_document_reads_alike(page: Page) -> None:
    """A header template that ends with ``</html>`` mid-page (a real gov.cn page does): the browser reads on, and
    so must the HTML read, or every list after the header is lost."""
    crumb = '</div>\n<div class="crumb">'
    stray = TRAPS.replace(crumb, "</div></body></html><!--end header-->" + crumb[6:])
    assert stray != TRAPS
    _assert_alike(page, stray)
    assert any("dt/2.html" in row["href"] for group in read_snapshot(stray, URL)["groups"] for row in group["rows"])
