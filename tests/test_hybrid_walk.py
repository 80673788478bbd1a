"""The walk's hybrid read: static pages read from their HTML, the rest rendered, and the same map as a walk
that renders every page.

The site has a static column, a column filled from JSON after ``load`` (a reason the decision knows), and a
column whose script writes its list in a way the decision does not recognise (``Object.assign`` of
``innerHTML``): the HTML read finds that list empty, so the page is confirmed in the browser before anything
is judged from it.
"""

from __future__ import annotations

import json
from datetime import date
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import ClassVar

import pytest
from playwright.async_api import async_playwright

from checker.browser import launch_browser
from checker.demo.fault_run import demo_suite_at
from checker.demo.server import DemoServer
from checker.links.render_need import FETCHES_DATA
from checker.scenario import SiteMapSettings
from checker.sitemap.columns import list_items
from checker.sitemap.model import PageRole, SiteMap
from checker.sitemap.settling import SETTLE_SCRIPT
from checker.sitemap.walk import EMPTY_LIST_CONFIRMED, SiteWalker
from tests.aio import run_async
from tests.corpus_server import send_answer, serve_folder, serve_handler

AS_OF = date(2020, 11, 6)
FOOTER = "<div class='footer'>主办单位：示例县人民政府 网站标识码：4400000099 示ICP备12345678号</div>"
NAV = ("<div class='nav'><a href='/'>首页</a><a href='/gzdt/'>工作动态</a><a href='/tzgg/'>通知公告</a>"
       "<a href='/zcwj/'>政策文件</a></div>")


def _page(title: str, main: str) -> str:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>{NAV}"
            f"<div class='main'>{main}</div>{FOOTER}</body></html>")


def _rows(column: str) -> str:
    return "".join(f"<li><a href='/{column}/{n}.html'>{column}第{n}条信息</a><span>2020-10-{n + 10:02d}</span></li>"
                   for n in range(1, 4))


def _site(folder: Path) -> None:
    (folder / "index.html").write_text(_page("示例县", "<h3>要闻</h3><ul>" + _rows("gzdt") + "</ul>"), encoding="utf-8")
    for column in ("gzdt", "tzgg", "zcwj"):
        (folder / column).mkdir()
        for n in range(1, 4):
            body = f"<h1>{column}第{n}条信息</h1><p>发布时间：2020-10-{n + 10:02d}</p><p>{'正文内容。' * 30}</p>"
            (folder / column / f"{n}.html").write_text(_page(f"{column}{n}", body), encoding="utf-8")
    (folder / "gzdt" / "index.html").write_text(_page("工作动态", f"<ul class='list'>{_rows('gzdt')}</ul>"),
                                                encoding="utf-8")
    unusual = json.dumps(_rows("tzgg"), ensure_ascii=False)
    (folder / "tzgg" / "index.html").write_text(_page(
        "通知公告", "<ul class='list' id='list'></ul>"
                    f"<script>Object.assign(document.getElementById('list'), {{innerHTML: {unusual}}});</script>"),
        encoding="utf-8")
    (folder / "api").mkdir()
    (folder / "api" / "zcwj.json").write_text(json.dumps([
        {"href": f"/zcwj/{n}.html", "title": f"zcwj第{n}条信息", "date": f"2020-10-{n + 10:02d}"} for n in range(1, 4)],
        ensure_ascii=False), encoding="utf-8")
    (folder / "zcwj" / "index.html").write_text(_page(
        "政策文件", "<ul class='list' id='list'></ul><script>fetch('/api/zcwj.json').then(r => r.json()).then(rows => "
                    "{ document.getElementById('list').innerHTML = rows.map(r => `<li><a href='${r.href}'>${r.title}"
                    "</a><span>${r.date}</span></li>`).join(''); });</script>"), encoding="utf-8")


async def _walk(base: str, read: str, as_of: date = AS_OF, *, remote_browser: bool = False) -> SiteMap:
    async with async_playwright() as playwright:
        browser = await launch_browser(playwright)
        try:
            context = await browser.new_context()
            await context.add_init_script(SETTLE_SCRIPT)
            walker = SiteWalker(context, base, base, SiteMapSettings(read=read), as_of=as_of,
                                page_timeout_seconds=15, max_list_pages=5, remote_browser=remote_browser)
            return await walker.walk()
        finally:
            await browser.close()


def _seen(site_map: SiteMap, base: str) -> dict[str, tuple[PageRole, str, tuple[str, ...]]]:
    """Each page's role, name and list entries (the map as the checks read it)."""
    return {url.removeprefix(base): (page.role, page.name, tuple(item.title for item in list_items([page], AS_OF)))
            for url, page in site_map.pages.items()}


@pytest.mark.browser
def test_hybrid_walk_reads_static_pages_from_html_and_maps_the_site_as_rendering_does(tmp_path: Path) -> None:
    _site(tmp_path)
    with serve_folder(tmp_path) as base:
        hybrid = run_async(_walk(base, "hybrid"))
        rendered = run_async(_walk(base, "browser"))
    assert _seen(hybrid, base) == _seen(rendered, base)
    page = hybrid.page
    how = {url.removeprefix(base): p.how for url, p in hybrid.pages.items()}
    assert how.pop("tzgg/") == how.pop("zcwj/") == "rendered"
    assert set(how.values()) == {"html"}, how  # the home page too: this walk was not handed the home tab
    assert page(base + "tzgg/").render_reasons == (EMPTY_LIST_CONFIRMED,)
    assert FETCHES_DATA in page(base + "zcwj/").render_reasons
    for column in ("gzdt", "tzgg", "zcwj"):
        assert len(list_items([page(base + f"{column}/")], AS_OF)) == 3, column
    assert all(p.how == "rendered" and not p.render_reasons for p in rendered.pages.values())


@pytest.mark.browser
def test_the_script_built_demo_template_maps_alike_in_both_reads() -> None:
    """The demo's 交通运输局 channel writes its lists, hub blocks, pager and 信息公开 tree by script from a
    common file (whose escaping regex holds a quote): the hybrid walk renders those pages and maps the channel
    exactly as a walk that renders everything."""
    with DemoServer(port=0) as server:
        suite = demo_suite_at(server.base_url)
        site = next(s for s in suite.sites if s.url.rstrip("/").endswith("/bm/jtj"))
        hybrid = run_async(_walk(site.url, "hybrid", suite.as_of))
        rendered = run_async(_walk(site.url, "browser", suite.as_of))
    assert _seen(hybrid, site.url) == _seen(rendered, site.url)
    assert len(hybrid.pages) > 50
    from_html = [page for page in hybrid.pages.values() if page.how == "html"]
    assert from_html and len(from_html) < len(hybrid.pages)  # articles from their HTML, lists rendered


CHALLENGE = ("<html><head><meta charset='utf-8'></head><body><script>document.cookie = 'passed=1; path=/';"
             "location.reload();</script></body></html>")


def _article_or_missing(path: str) -> tuple[int, str]:
    """A 工作动态 article's page, or the site's 404 page."""
    if path.startswith("/gzdt/") and path.endswith(".html"):
        return 200, _page("动态", f"<h1>动态</h1><p>发布时间：2020-10-12</p><p>{'正文。' * 30}</p>")
    return 404, _page("不存在", "<h1>404</h1>")


def _send_page(handler: BaseHTTPRequestHandler, status: int, body: str, headers: dict[str, str] | None = None) -> None:
    """Answer with an HTML page and any extra ``headers``."""
    data = body.encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(len(data)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(data)


class _Guarded(BaseHTTPRequestHandler):
    """A site behind an anti-robot check (as many portals are): without its cookie, every page answers 412
    with a script that sets the cookie and reloads."""

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        """The page when the cookie is there, else the check."""
        passed = "passed=1" in (self.headers.get("Cookie") or "")
        path = self.path.split("?")[0]
        if not passed:
            status, body = 412, CHALLENGE
        elif path == "/":
            status, body = 200, _page("示例县", "<h3>要闻</h3><ul>" + _rows("gzdt") + "</ul>")
        elif path == "/gzdt/":
            status, body = 200, _page("工作动态", f"<ul class='list'>{_rows('gzdt')}</ul>")
        else:
            status, body = _article_or_missing(path)
        _send_page(self, status, body)


@pytest.mark.browser
@pytest.mark.parametrize("remote_browser", [False, True], ids=["direct", "browser-requests"])
def test_a_page_refused_to_robots_is_confirmed_in_the_browser(remote_browser: bool) -> None:
    """The first answers are 412 checks: the hybrid read hands them to the browser (the cookie its script sets
    goes to the later HTML reads, whether Python's client reads them or, for a remote browser, the context's
    own) and maps the site as rendering does."""
    with serve_handler(_Guarded) as base:
        hybrid = run_async(_walk(base, "hybrid", remote_browser=remote_browser))
        rendered = run_async(_walk(base, "browser"))
    assert _seen(hybrid, base) == _seen(rendered, base)
    column = hybrid.page(base + "gzdt/")
    assert column.complete and len(list_items([column], AS_OF)) == 3
    assert any(page.how == "html" for page in hybrid.pages.values())


class _Session(BaseHTTPRequestHandler):
    """A site that hands out a session cookie with its home page and serves its list's data only to a
    visitor who has it (as some CMSs do); it notes who asked for what (``agents``)."""

    agents: ClassVar[dict[str, str]] = {}

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        """Home page with the cookie; the list page filled by script; the data only with the cookie."""
        path = self.path.split("?")[0]
        _Session.agents[path] = self.headers.get("User-Agent") or ""
        extra: dict[str, str] = {}
        if path == "/":
            status, body = 200, _page("示例县", "<h3>要闻</h3><ul>" + _rows("gzdt") + "</ul>")
            extra["Set-Cookie"] = "sid=s1; Path=/"
        elif path == "/gzdt/":
            status, body = 200, _page("工作动态", "<ul class='list' id='list'></ul><script>fetch('/api/gzdt')"
                                      ".then(r => r.json()).then(d => { document.getElementById('list').innerHTML"
                                      " = d.html; });</script>")
        elif path == "/api/gzdt":
            if "sid=s1" not in (self.headers.get("Cookie") or ""):
                send_answer(self, 403, "application/json", b'{"error": "no session"}')
                return
            send_answer(self, 200, "application/json", json.dumps({"html": _rows("gzdt")}).encode())
            return
        else:
            status, body = _article_or_missing(path)
        _send_page(self, status, body, extra)


@pytest.mark.browser
def test_the_session_cookie_an_html_read_was_given_goes_with_the_browser() -> None:
    """The home page is read from its HTML and sets a session cookie; the list page is rendered, and its data
    is served only with that cookie: the browser has it, as a citizen's browser would. The HTML reads
    introduce themselves as the browser does."""
    _Session.agents = {}
    with serve_handler(_Session) as base:
        hybrid = run_async(_walk(base, "hybrid"))
    assert hybrid.page(base).how == "html"
    column = hybrid.page(base + "gzdt/")
    assert column.how == "rendered" and column.complete
    assert [item.title for item in list_items([column], AS_OF)] == [f"gzdt第{n}条信息" for n in range(1, 4)]
    browser_agent = _Session.agents["/api/gzdt"]
    assert "Chrome/" in browser_agent and _Session.agents["/"] == browser_agent
