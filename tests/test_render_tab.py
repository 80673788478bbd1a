"""A crawl tab's read of a rendered page (checker.links.render_tab): settled first, then its links, in one call
over the tab's own DevTools session; the same record as Playwright's two calls, and a page that breaks the read
gives an error, not a crash."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from playwright.async_api import BrowserContext, async_playwright

from checker.browser import launch_browser
from checker.links import render_tab
from checker.links.render_tab import RenderedPage, render_links
from checker.sitemap.settling import SETTLE_SCRIPT
from tests.aio import run_async
from tests.corpus_server import send_answer, serve_handler

pytestmark = pytest.mark.browser

PAGES = {
    # filled 300 ms after load by a timer and a data request: read only once settled
    "/list.html": "<ul id='l'><li><a href='/a.html'>静态</a></li></ul><img data-src='/lazy.png'>"
                  "<script>window.addEventListener('load', () => setTimeout(() => fetch('/data.json')"
                  ".then(r => r.json()).then(d => { document.getElementById('l').insertAdjacentHTML('beforeend',"
                  " d.map(u => `<li><a href='${u}'>脚本</a></li>`).join('')); }), 300));</script>",
    # never quiet: a counter rewritten every 10 ms, from before load
    "/busy.html": "<a href='/b.html' id='top'>页面</a><span id='c'></span>"
                  "<script>let n = 0; setInterval(() => { document.getElementById('c').textContent = n++; }, 10);"
                  "</script>",
    # breaks the reader's tools
    "/sabotage.html": "<a href='/x.html'>链接</a><script>document.querySelectorAll = () => {"
                      " throw new Error('不许读'); };</script>",
}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/data.json":
            kind, body = "application/json", b'["/from-data.html", "/also-from-data.html"]'
        elif self.path in PAGES:
            kind = "text/html; charset=utf-8"
            body = f"<html><head><meta charset='utf-8'></head><body>{PAGES[self.path]}</body></html>".encode()
        else:
            kind, body = "text/html", b"<html><body>404</body></html>"
        send_answer(self, 200 if self.path in PAGES or self.path == "/data.json" else 404, kind, body)


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with serve_handler(_Handler) as base:
        yield base


def _in_browser(work: Callable[[BrowserContext], Awaitable[Any]]) -> Any:
    async def run() -> Any:
        async with async_playwright() as playwright:
            browser = await launch_browser(playwright, evidence=False)
            try:
                return await work(await browser.new_context())
            finally:
                await browser.close()

    return run_async(run())


def _urls(page: RenderedPage) -> list[str]:
    assert page.data is not None, page.error
    return [link["url"] for link in page.data["links"]]


def test_a_crawl_tab_reads_the_page_once_settled_like_playwrights_two_calls(site: str) -> None:
    async def both(context: BrowserContext) -> tuple[RenderedPage, RenderedPage]:
        crawl_tab = await render_tab.new_tab(context)
        assert crawl_tab in render_tab._SESSIONS  # the one-call read over the tab's own session
        plain_tab = await context.new_page()
        await plain_tab.add_init_script(SETTLE_SCRIPT)
        url = site + "list.html"
        return (await render_links(crawl_tab, url, site, 10, 100),
                await render_links(plain_tab, url, site, 10, 100))

    crawl_read, playwright_read = _in_browser(both)
    assert _urls(crawl_read) == [site + "a.html", site + "from-data.html", site + "also-from-data.html",
                                 site + "lazy.png"]
    assert crawl_read.data == playwright_read.data and not crawl_read.note and not crawl_read.error


def test_a_page_that_never_settles_is_read_as_it_stands_and_said(site: str) -> None:
    async def read(context: BrowserContext) -> RenderedPage:
        return await render_links(await render_tab.new_tab(context), site + "busy.html", site, 10, 100,
                                  settle_seconds=0.6)

    page = _in_browser(read)
    assert _urls(page) == [site + "b.html"] and page.data is not None and "top" in page.data["ids"]
    assert page.note == "页面在0.6秒内仍在加载，按当时所见读取"


def test_a_page_that_breaks_the_reader_gives_an_error_not_a_crash(site: str) -> None:
    async def read(context: BrowserContext) -> RenderedPage:
        return await render_links(await render_tab.new_tab(context), site + "sabotage.html", site, 10, 100)

    page = _in_browser(read)
    assert page.data is None and page.status == 200
    assert page.error.startswith("读取页面链接出错") and "不许读" in page.error
