"""Which fetched pages the hybrid crawl renders, decided from their HTML and their own scripts (pure)."""

from __future__ import annotations

import pytest

from checker.htmlpage import decode_html
from checker.links.render_need import (
    EMPTY_LIST,
    FETCHES_DATA,
    FRAMEWORK,
    LAZY_IMAGE,
    NOSCRIPT,
    SCRIPT_FRAME,
    SCRIPT_PAGER,
    UNREAD_SCRIPT,
    WRITES_PAGE,
    render_reasons,
    script_sources,
)
from tests.corpus import corpus_file

URL = "http://127.0.0.1:8000/xxgk/index.html"


def page(body: str, head: str = "") -> str:
    return f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


STATIC = page("""<div class='nav'><a href='/'>首页</a><a href='/xxgk/'>信息公开</a></div>
<ul class='list'><li><a href='/a.html'>通知</a><span>2020-10-12</span></li></ul>
<img src='/logo.png' alt='标志'><img class='lazy' data-src='/photo.jpg' src='/blank.gif'>
<iframe src='/frame.html'></iframe><noscript><img src='http://stat.example/p.gif'></noscript>""")


def test_a_static_page_is_read_from_its_html() -> None:
    assert render_reasons(STATIC, URL) == ()


@pytest.mark.parametrize(("body", "reason"), [
    ("<ul id='l'></ul><script>fetch('/api/list.json').then(r => r.json())"
     ".then(d => { document.getElementById('l').innerHTML = d.html; });</script>", WRITES_PAGE),
    ("<ul id='l'></ul><script>fetch('/api/list.json').then(r => r.json());</script>", FETCHES_DATA),
    ("<ul id='l'></ul><script>$.getJSON('/api/x', function(d){});</script>", FETCHES_DATA),
    ("<ul data-url='/api/list.json' class='list'></ul>", EMPTY_LIST),
    ("<ul class='list'><li v-for='item in items'>{{ item.title }}</li></ul>", FRAMEWORK),
    ("<div id='pager'></div><script>createPageHTML(12, 0, 'index', 'html');</script>", SCRIPT_PAGER),
    ("<div id='p'></div><script>document.write('<a href=\"index_1.html\">下一页</a>');</script>", SCRIPT_PAGER),
    ("<img class='lazyload' alt='无地址'>", LAZY_IMAGE),
    ("<iframe srcdoc='<a href=/x>x</a>'></iframe>", SCRIPT_FRAME),
    ("<iframe id='f'></iframe>", SCRIPT_FRAME),
    ("<noscript>请开启浏览器的JavaScript功能后查看<a href='/plain/'>简版</a></noscript>", NOSCRIPT),
    ("<div id='t'></div><script>var a = document.createElement('a'); a.href = '/x';"
     " document.getElementById('t').appendChild(a);</script>", WRITES_PAGE),
])
def test_a_page_whose_scripts_change_what_it_shows_is_rendered(body: str, reason: str) -> None:
    assert reason in render_reasons(page(body), URL)


@pytest.mark.parametrize("snippet", [
    # statistics and share services write only their counter, or load their own script
    """var cnzz_protocol = (("https:" == document.location.protocol) ? " https://" : " http://");
document.write(unescape("%3Cspan id='cnzz_stat_icon_1'%3E%3C/span%3E%3Cscript src='" + cnzz_protocol
+ "s4.cnzz.com/stat.php?id=1' type='text/javascript'%3E%3C/script%3E"));""",
    """var _hmt = _hmt || []; (function() { var hm = document.createElement("script");
hm.src = "https://hm.baidu.com/hm.js?x"; var s = document.getElementsByTagName("script")[0];
s.parentNode.insertBefore(hm, s); })();""",
    """with(document)0[(getElementsByTagName('head')[0]||body).appendChild(createElement('script')).src='/s.js'];""",
    """var ld = 1; function toggle(id) { document.getElementById(id).className = 'on'; }""",
])
def test_scripts_that_write_nothing_a_visitor_reads_do_not_make_a_page_rendered(snippet: str) -> None:
    assert render_reasons(page(f"<a href='/'>首页</a><script>{snippet}</script>"), URL) == ()


def test_the_sites_own_scripts_are_read_and_libraries_and_other_sites_are_not() -> None:
    html = page("<ul id='list'></ul>", head="""
<script src='/js/jquery-1.11.3.min.js'></script><script src='/js/bootstrap.min.js'></script>
<script src='http://cdn.example/widget.js'></script><script src='../js/list.js?v=2'></script>
<script type='text/template' id='t'><li>{{x}}</li></script>""")
    assert script_sources(html, URL) == ["http://127.0.0.1:8000/js/list.js?v=2"]
    fills = "$(function(){ $.get('/api/list', function(d){ $('#list').html(d); }); });"
    assert set(render_reasons(html, URL, {"http://127.0.0.1:8000/js/list.js?v=2": fills})) == {WRITES_PAGE,
                                                                                              FETCHES_DATA}
    assert render_reasons(html, URL, {"http://127.0.0.1:8000/js/list.js?v=2": "var a = 1;"}) == ()
    assert render_reasons(html, URL, {"http://127.0.0.1:8000/js/list.js?v=2": ""}) == ()  # absent: runs nowhere
    assert render_reasons(html, URL, {"http://127.0.0.1:8000/js/list.js?v=2": None}) == (UNREAD_SCRIPT,)
    assert render_reasons(html, URL) == (UNREAD_SCRIPT,)


def test_a_front_end_framework_makes_the_page_rendered() -> None:
    html = page("<div id='app'></div>", head="<script src='/static/js/vue.min.js'></script>")
    assert render_reasons(html, URL, {}) == (FRAMEWORK,)


def test_real_pages_prev_next_links_written_by_script_are_seen() -> None:
    path = corpus_file("job/统计局/2015/万载县2015年国民经济和社会发展统计公报.html")
    html = decode_html(path.read_bytes(), "")
    reasons = render_reasons(html, "http://127.0.0.1:8000/art/2016/1.html",
                             dict.fromkeys(script_sources(html, "http://127.0.0.1:8000/art/2016/1.html"), ""))
    assert reasons == (WRITES_PAGE,)  # document.write of the 上一篇/下一篇 links; its cnzz counter is not counted


def test_real_county_pages_with_only_statistics_scripts_are_read_from_html() -> None:
    path = corpus_file("testHtml/xxgk/index.html")
    html = decode_html(path.read_bytes(), "")
    url = "http://127.0.0.1:8000/xxgk/index.html"
    sources = script_sources(html, url)
    assert sources  # its own ldzc.js and common.js, absent from the mirror (404): nothing runs them
    assert render_reasons(html, url, dict.fromkeys(sources, "")) == ()


LIBRARY = """
function gcPager(n, i) { document.getElementById('pager').innerHTML = '<a href="index_1.html">下一页</a>'; }
var gcRender = function (rows) { document.getElementById('list').innerHTML = rows.join(''); };
function gcLoad(api) { fetch(api).then(function (r) { return r.json(); }).then(gcRender); }
function toggle(id) { var s = "}{"; document.getElementById(id).className = 'on'; }
"""


def test_a_common_script_counts_only_for_the_functions_a_page_calls() -> None:
    head = "<script src='/static/gc.js'></script>"
    scripts = {"http://127.0.0.1:8000/static/gc.js": LIBRARY}
    article = page("<h1>文章</h1><a href='#' onclick='toggle(\"x\")'>展开</a>", head)
    assert render_reasons(article, URL, scripts) == ()
    listing = page("<ul id='list'></ul><div id='pager'></div><script>gcPager(3, 0); gcLoad('/api/list');"
                   "</script>", head)
    assert set(render_reasons(listing, URL, scripts)) == {SCRIPT_PAGER, WRITES_PAGE, FETCHES_DATA}
    on_load = page("<div id='pager'></div>", head).replace("<body>", "<body onload='gcPager(2, 0)'>")
    assert set(render_reasons(on_load, URL, scripts)) == {SCRIPT_PAGER, WRITES_PAGE}
    ready = page("<ul id='list'></ul>", head + "<script>$(function () { gcLoad('/api/x'); });</script>")
    assert FETCHES_DATA in render_reasons(ready, URL, scripts)  # a function expression runs: what it calls counts


def test_a_window_onload_function_runs_and_a_click_handler_does_not() -> None:
    loads = page("<ul id='l'></ul><script>window.onload = function () { document.getElementById('l').innerHTML"
                 " = '<li><a href=\"/x\">x</a></li>'; };</script>")
    assert render_reasons(loads, URL) == (WRITES_PAGE,)
    clicks = page("<ul id='l'></ul><script>document.getElementById('l').onclick = function () {"
                  " this.innerHTML = ''; };</script>")
    assert render_reasons(clicks, URL) == ()


REGEX_LIBRARY = r"""
function escapeText(text) {
  return String(text).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", '"': "&quot;" }[c]; });
}
function half(a, b) { return a / 2 + b / 2; }
var slash = /\/+$/, quote = /'/;
function fillBlocks() {
  document.querySelectorAll("[data-col]").forEach(function (el) {
    fetch("/api/list?col=" + el.getAttribute("data-col")).then(function (r) { return r.json(); })
      .then(function (items) { el.innerHTML = items.map(escapeText).join(""); });
  });
}
"""


def test_quotes_inside_regular_expressions_do_not_hide_the_functions_after_them() -> None:
    """A regex literal holding a quote (``/[&<>"]/g``) once read as an open string, so the functions after it
    were swallowed and a page calling one of them was read from its HTML with its lists empty."""
    head = "<script src='/static/site.js'></script>"
    scripts = {"http://127.0.0.1:8000/static/site.js": REGEX_LIBRARY}
    hub = page("<ul class='u-list' data-col='jtdt'></ul><script>setTimeout(function () { fillBlocks(); }, 400);"
               "</script>", head)
    assert {WRITES_PAGE, FETCHES_DATA} <= set(render_reasons(hub, URL, scripts))
    assert render_reasons(page("<p>正文</p><script>var x = half(4, 2);</script>", head), URL, scripts) == ()
