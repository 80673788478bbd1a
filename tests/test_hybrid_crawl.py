"""The hybrid crawl: every page's HTML fetched, only the pages that need scripts rendered, and those read
once settled, so a list a script fills from data after ``load`` loses no link (against fetch and render)."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import ClassVar

import pytest

from checker.links.crawl import RENDER_MODE
from checker.links.model import LinkStatus
from checker.links.render_need import FETCHES_DATA, SCRIPT_PAGER, WRITES_PAGE
from checker.links.standalone import LinkRun, check_site
from checker.scenario import LinkSettings
from tests.aio import run_async
from tests.corpus_server import serve_handler

pytestmark = pytest.mark.browser


def _page(body: str, head: str = "") -> bytes:
    return (f"<html><head><meta charset='utf-8'><title>混合抓取</title>{head}</head><body>"
            f"<div class='nav'><a href='/'>首页</a><a href='/news/'>新闻</a><a href='/list/'>通知公告</a>"
            f"<a href='/pager/'>政策文件</a></div>{body}</body></html>").encode()


PAGES: dict[str, bytes] = {
    "/": _page("<ul><li><a href='/news/1.html'>新闻一</a></li><li><a href='/files/gone.pdf'>缺失的附件</a></li></ul>"
               "<script>var _hmt = _hmt || []; (function() { var hm = document.createElement('script');"
               " hm.src = '/hm.js'; document.head.appendChild(hm); })();</script>"),
    "/news/": _page("<ul class='list'><li><a href='/news/1.html'>新闻一</a><span>2020-10-12</span></li></ul>"),
    "/news/1.html": _page("<h1>新闻一</h1><p>正文</p><img src='/img/gone.png' alt='缺图'>"),
    # a list a script fills from data answered 400 ms after the page: its links exist only after scripts
    "/list/": _page("<ul id='list' class='list'></ul>", "<script src='/js/list.js'></script>"),
    # pagination written by an inline script (TRS style)
    "/pager/": _page("<ul class='list'><li><a href='/news/1.html'>新闻一</a></li></ul><div id='pg'></div>"
                     "<script>function createPageHTML(n){var h='';for(var i=1;i<n;i++){"
                     "h+='<a href=\"index_'+i+'.html\">'+(i+1)+'</a>';}h+='<a href=\"index_1.html\">下一页</a>';"
                     "document.getElementById('pg').innerHTML=h;} createPageHTML(3);</script>"),
    "/pager/index_1.html": _page("<ul class='list'><li><a href='/news/1.html'>新闻一</a></li></ul>"),
    "/only-by-script.html": _page("<p>只有脚本列出的页面</p><a href='/deep-gone.html'>已删除</a>"),
}
SCRIPT = b"""document.addEventListener('DOMContentLoaded', function () {
  fetch('/api/list.json').then(function (r) { return r.json(); }).then(function (items) {
    document.getElementById('list').innerHTML = items.map(function (i) {
      return '<li><a href="' + i.url + '">' + i.title + '</a></li>'; }).join('');
  });
});"""
ITEMS = [{"url": "/only-by-script.html", "title": "脚本列出的页面"},
         {"url": "/list/gone.html", "title": "已删除的通知"}]
STATIC_FAILING = {"/files/gone.pdf", "/img/gone.png"}
SCRIPT_FAILING = {"/list/gone.html", "/pager/index_2.html", "/deep-gone.html"}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    requests: ClassVar[Counter[str]] = Counter()

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _answer(self, send_body: bool) -> None:
        path = self.path.split("?")[0]
        type(self).requests[path] += 1
        status, kind, body = 200, "text/html; charset=utf-8", PAGES.get(path)
        if path == "/js/list.js":
            kind, body = "application/javascript", SCRIPT
        elif path == "/hm.js":
            kind, body = "application/javascript", b"var counted = 1;"
        elif path == "/api/list.json":
            time.sleep(0.4)
            kind, body = "application/json", json.dumps(ITEMS).encode()
        if body is None:
            status, body = 404, b"<html><body>404</body></html>"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def do_GET(self) -> None:
        self._answer(True)

    def do_HEAD(self) -> None:
        self._answer(False)


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with serve_handler(_Handler) as base:
        yield base


def _run(base: str, mode: str) -> LinkRun:
    settings = LinkSettings(crawl_mode=mode, min_interval_seconds=0, retry_pause_seconds=0.05, per_host=6,
                            timeout_seconds=5, max_depth=4)
    _Handler.requests.clear()
    return run_async(check_site(base, settings, page_timeout_seconds=10))


def _failing(run: LinkRun, base: str) -> set[str]:
    return {url.removeprefix(base.rstrip("/")) for url, result in run.results.items()
            if result.status is LinkStatus.BROKEN}


def test_the_hybrid_crawl_renders_only_script_pages_and_finds_every_failure(site: str) -> None:
    run = _run(site, "hybrid")
    assert _failing(run, site) == STATIC_FAILING | SCRIPT_FAILING
    assert run.pages_rendered == 2  # /list/ and /pager/; the statistics loader on / does not count
    assert run.render_reasons.get(FETCHES_DATA) == 1 and run.render_reasons.get(SCRIPT_PAGER) == 1
    assert run.render_reasons.get(WRITES_PAGE) == 2
    assert _Handler.requests["/js/list.js"] == 2  # read once to decide, once by the browser
    assert _Handler.requests["/news/1.html"] == 1  # a static page is fetched once, never rendered
    assert _Handler.requests["/list/"] == _Handler.requests["/pager/"] == 1  # rendered from the answer fetched


def test_fetch_mode_misses_what_scripts_write_and_render_mode_waits_for_it(site: str) -> None:
    fetched = _run(site, "fetch")
    assert _failing(fetched, site) == STATIC_FAILING and fetched.pages_rendered == 0
    rendered = _run(site, "render")
    assert _failing(rendered, site) == STATIC_FAILING | SCRIPT_FAILING
    assert rendered.render_reasons == {RENDER_MODE: rendered.pages}
    assert rendered.pages_rendered == rendered.pages - len(SCRIPT_FAILING)  # a 404 page shows no links to read


def test_without_a_browser_hybrid_reads_script_pages_from_html_and_says_so(site: str) -> None:
    settings = LinkSettings(crawl_mode="hybrid", min_interval_seconds=0, retry_pause_seconds=0.05, per_host=6,
                            timeout_seconds=5, max_depth=4)
    run = run_async(check_site(site, settings, browser_path="/nonexistent/chromium", page_timeout_seconds=10))
    assert _failing(run, site) == STATIC_FAILING  # nothing lost that the HTML shows
    assert any("浏览器无法启动" in note for note in run.notes)
    assert run.pages_rendered == 0 and any("未能渲染" in reason for reason in run.render_reasons)


def test_a_static_part_needs_no_browser_at_all(site: str) -> None:
    settings = LinkSettings(crawl_mode="hybrid", min_interval_seconds=0, per_host=6, timeout_seconds=5)
    run = run_async(check_site(site + "news/", settings, browser_path="/nonexistent/chromium",
                               page_timeout_seconds=10))
    assert run.pages == 2 and run.pages_rendered == 0 and not run.notes
    assert _failing(run, site) == {"/img/gone.png"}


def test_a_render_that_breaks_keeps_the_links_of_the_pages_html(site: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.links import render_tab

    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("renderer gone")

    monkeypatch.setattr(render_tab, "render_links", broken)
    run = _run(site, "hybrid")
    assert _failing(run, site) == STATIC_FAILING
    assert run.pages_rendered == 0 and run.render_reasons.get("渲染出错，按HTML读取：RuntimeError") == 2


def test_the_browser_is_closed_when_the_crawl_is_over_not_after_the_checks(site: str,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing renders after the crawl: its browser closes while the last links are still being checked (a 5xx
    link waits for its re-test), and the command's own close on its way out does nothing more."""
    from checker.links import standalone

    closes: list[tuple[float, bool]] = []
    close = standalone.LazyBrowser.close

    async def noted(self: standalone.LazyBrowser) -> None:
        closes.append((time.monotonic(), self._closed))
        await close(self)

    monkeypatch.setattr(standalone.LazyBrowser, "close", noted)
    run = _run(site, "hybrid")
    assert _failing(run, site) == STATIC_FAILING | SCRIPT_FAILING and run.pages_rendered == 2
    assert [already for _, already in closes] == [False, True]  # closed at the crawl's end, then left alone
