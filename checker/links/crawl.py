"""Breadth-first crawl of one site within its scope, in one of three modes:

- ``hybrid`` (the default): every page's HTML is fetched; a page whose HTML does not show what a visitor
  sees (lists, pagination or images written by scripts, frames, ``<noscript>``: see
  :mod:`checker.links.render_need`) is rendered in a browser tab as well, and its links read from the
  rendered page once it has settled. The reasons are kept on the page (``CrawledPage.rendered``);
- ``render``: every page rendered in a tab (read once settled);
- ``fetch``: HTML only, no browser.

Rendered pages are read as a citizen's browser shows them (links built by scripts, lazy image sources).
The nearest queued page is always opened next, so a page limit keeps the pages nearest the home page.
Images, media, fonts and style sheets are not downloaded by the crawl's tabs: their addresses are read
from the DOM and checked by the link checker.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import aiohttp
import lxml.html

from checker import USER_AGENT_SUFFIX
from checker.links.extract import MissingAnchor, PageLinks, crawlable, raw_links, sort_links
from checker.links.frontier import Frontier
from checker.links.http_support import EnvProxies, HostGate, UnsupportedUrl, loopback_only_from_env, prepare_url
from checker.links.model import FoundLink, LinkResult, LinkStatus
from checker.links.page_fetch import FETCH_ERRORS, FetchedHtml, fetch_html, fetch_script, page_session
from checker.links.render_need import render_reasons, script_sources
from checker.links.static_links import parse_document, static_links
from checker.politeness import Politeness
from checker.runlog import LOG
from checker.scenario import LinkSettings

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Page

TAB_PAGES = 10
"""Pages a crawl or walk tab opens before it is replaced: a long-lived tab's memory grows with every page.
bench_suite at the default concurrency: 4 sites peaked at 1134 MiB after 50 pages a tab and 969 MiB after 20;
20 sites at 1076 MiB after 20 and 1009 MiB after 10, for 5% more time (276 s against 261 s)."""
RENDER_MODE = "render 模式：每个页面都渲染"
"""The reason recorded for a page rendered because the crawl renders every page."""
_INLINE_PARSE_CHARS = 300_000
"""Fetched pages up to this size are parsed on the event loop (about a millisecond): a thread per page costs
more than it saves, since the parser holds the interpreter lock. Larger pages go to a thread."""


@dataclass(frozen=True)
class CrawledPage:
    """One page the crawl opened: where, how deep, how it answered and how many links it holds."""

    url: str
    depth: int
    final_url: str
    status: int | None
    error: str = ""
    links_total: int = 0
    links_kept: int = 0
    rendered: tuple[str, ...] = ()
    """Why the page needed a browser (``hybrid``: the reasons read from its HTML; ``render``: the mode; and,
    when it could not be rendered, why); empty for a page read from its HTML alone."""
    in_browser: bool = False
    """Whether the page's links were read in a browser (False also when rendering it failed)."""


@dataclass
class CrawlReport:
    """What a crawl saw: the pages opened, every link occurrence, missing in-page anchors, and its limits."""

    pages: list[CrawledPage] = field(default_factory=list)
    links: list[FoundLink] = field(default_factory=list)
    missing_anchors: list[tuple[str, MissingAnchor]] = field(default_factory=list)
    visited: dict[str, LinkResult] = field(default_factory=dict)
    skipped: int = 0
    not_crawled: int = 0
    notes: list[str] = field(default_factory=list)


def _small(fetched: FetchedHtml) -> bool:
    """Whether a fetched page is parsed on the event loop (and its tree shared by the hybrid decision and the
    link reading) rather than in a thread."""
    return len(fetched.html or "") <= _INLINE_PARSE_CHARS


class RenderUnavailable(Exception):
    """The browser could not be started: pages that need rendering are read from their HTML instead."""


LinkSink = Callable[[FoundLink], None]
UnopenedSink = Callable[[str], None]


def _render_side() -> ModuleType:
    """The browser side, imported on first use: the fetch mode never loads Playwright."""
    from checker.links import render_tab

    return render_tab


class TabPool:
    """The crawl's browser tabs, made when first needed (a ``hybrid`` crawl of a static site starts none),
    lent to one page at a time, and replaced after a failed navigation (its error page would cut into the
    next one) or after ``TAB_PAGES`` pages (a long-lived tab's memory grows with every page)."""

    def __init__(self, context: BrowserContext | Callable[[int], Awaitable[BrowserContext]] | None, size: int,
                 side: Any = None) -> None:
        self._context = context
        self._side = side
        self._size = size
        self._made = 0
        self._idle: list[Page] = []
        self._changed = asyncio.Condition()
        self._opened: dict[int, int] = {}
        self._all: set[Page] = set()
        self._free_seats = list(range(size))
        self._seat: dict[int, int] = {}

    async def borrow(self) -> Page:
        """An idle tab, a new one while fewer than ``size`` exist, else wait until a tab is given back or a
        worn one is closed (its place is then made again).

        Each tab has a seat (0 … size-1, the lowest free one); a context starter is asked for the context of
        that seat, so it can spread the tabs over several contexts (:class:`~checker.links.standalone.LazyBrowser`).
        """
        async with self._changed:
            while not self._idle and self._made >= self._size:
                await self._changed.wait()
            if self._idle:
                return self._idle.pop()
            if self._context is None:
                raise ValueError("rendering needs a browser context")
            self._made += 1
            seat = heapq.heappop(self._free_seats)
        try:
            context = self._context if not callable(self._context) else await self._context(seat)
            tab = await self._render_side().new_tab(context)
        except BaseException:
            async with self._changed:
                self._made -= 1
                heapq.heappush(self._free_seats, seat)
                self._changed.notify()
            raise
        self._all.add(tab)
        self._seat[id(tab)] = seat
        return tab

    async def give_back(self, tab: Page, spoiled: bool) -> None:
        """Return a tab after one page; a spoiled or worn tab is closed, and a new one is made on demand (a
        page waiting for a tab is woken either way)."""
        opened = self._opened[id(tab)] = self._opened.get(id(tab), 0) + 1
        if spoiled or opened % TAB_PAGES == 0:
            self._all.discard(tab)
            self._opened.pop(id(tab), None)
            await self._render_side().close_tab(tab)
            async with self._changed:
                self._made -= 1
                heapq.heappush(self._free_seats, self._seat.pop(id(tab)))
                self._changed.notify()
            return
        async with self._changed:
            self._idle.append(tab)
            self._changed.notify()

    async def close(self) -> None:
        """Close every tab the pool made."""
        for tab in list(self._all):
            await self._render_side().close_tab(tab)
        self._all.clear()

    def _render_side(self) -> Any:
        return self._side or _render_side()


class SiteCrawler:
    """Crawls one site breadth first, handing each link found to ``sink``: with ``settings.tabs`` tabs
    when rendering every page, with as many pages in flight as a host may take (``per_host``) when fetching
    (``fetch``, and ``hybrid``, whose pages that need scripts share ``settings.tabs`` tabs).

    ``context`` is the browser context to render in, or an async callable that starts one when a page first
    needs it, given the tab's seat (see :class:`TabPool`), and raising :class:`RenderUnavailable` when none
    can be started: those pages are then read from their HTML, and the notes say so. The ``fetch`` mode
    needs none.

    A page the crawl could not open is handed to ``unopened`` at once, so the link checker's retry (and its
    pause) runs while the crawl goes on.
    """

    def __init__(self, context: BrowserContext | Callable[[int], Awaitable[BrowserContext]] | None, site_url: str,
                 scope: str, settings: LinkSettings,
                 page_timeout_seconds: float, politeness: Politeness | None = None,
                 sink: LinkSink | None = None, skip_scopes: tuple[str, ...] = (),
                 unopened: UnopenedSink | None = None, gate: HostGate | None = None) -> None:
        self._source = context
        self._context = None if callable(context) else context
        self._site_url = site_url
        self._scope = scope
        self._settings = settings
        self._timeout_ms = page_timeout_seconds * 1000
        self._politeness = politeness or Politeness()
        self._sink = sink or (lambda link: None)
        self._unopened = unopened or (lambda url: None)
        self._gate = gate
        self._reserving: str | None = None
        self._reserved = 0
        self._proxies: EnvProxies | None = None
        self._skip_scopes = skip_scopes
        self._client: aiohttp.ClientSession | None = None
        self._scripts: dict[str, asyncio.Task[str | None]] = {}
        self._rendering: set[asyncio.Future[None]] = set()
        self._side = getattr(context, "render_side", None)
        """The browser side when the context's starter keeps the browser on a thread of its own (``govcheck
        links``: see :class:`checker.links.standalone.LazyBrowser`); else render_tab, on this loop."""
        if self._side is not None and self._politeness.respect_robots:
            raise ValueError("a browser on a thread of its own cannot read robots.txt for this loop")
        self.report = CrawlReport()

    async def crawl(self, start_url: str | None = None) -> CrawlReport:
        """Crawl from the home page to ``max_depth`` levels or ``max_pages`` pages, whichever comes first.

        Breadth first without waiting for a whole level: the nearest page queued is always opened next, so
        one slow page holds up only its own worker.
        """
        start = start_url or self._site_url
        rendering = self._settings.crawl_mode == "render"
        workers = self._settings.tabs if rendering else max(self._settings.tabs, self._settings.per_host)
        tabs = TabPool(self._source, self._settings.tabs, self._side)
        frontier = Frontier(start, self._settings.max_depth)
        self._reserving = None if rendering else self._host(start)
        try:
            await asyncio.gather(*(self._work(tabs, frontier, workers) for _ in range(workers)))
        finally:
            self._reserve(0)
            for render in list(self._rendering):
                render.cancel()
            await tabs.close()
            for task in self._scripts.values():
                task.cancel()
            if self._client is not None:
                await self._client.close()
        self.report.not_crawled = frontier.left_over()
        if self.report.not_crawled:
            self.report.notes.append(
                f"达到抓取上限（{self._settings.max_pages}个页面、{self._settings.max_depth}层），"
                f"另有{self.report.not_crawled}个页面只检查链接、未打开")
        return self.report

    def opens(self, link: FoundLink) -> bool:
        """Whether the crawl opens this link: a page in scope, not inside another site of the suite (a
        portal does not crawl the department channels it hosts; their links are still checked)."""
        return crawlable(link, self._scope) and not link.url.startswith(self._skip_scopes)

    async def _work(self, tabs: TabPool, frontier: Frontier, workers: int) -> None:
        """One worker: open the nearest queued page, queue its in-scope pages, until nothing is left."""
        while (job := await frontier.next(len(self.report.pages) + frontier.in_flight
                                          >= self._settings.max_pages)) is not None:
            depth, url = job
            try:
                found = await self._read_page(tabs, url, depth, frontier)
                if url not in self.report.visited:
                    self._unopened(url)
                frontier.add([link.url for link in found if self.opens(link)], url)
            finally:
                await frontier.done()
                self._reserve(min(workers, frontier.queued()))

    async def _read_page(self, tabs: TabPool, url: str, depth: int, frontier: Frontier) -> tuple[FoundLink, ...]:
        """Read one page; returns the links to follow. A ``hybrid`` page that needs rendering is rendered in
        the background: the crawl goes on with the pages its HTML links (a citizen's browser shows them too),
        and the links the rendered page shows are reported, and followed, when it is read."""
        robots = self._politeness.respect_robots and self._source is not None
        if robots and not await self._politeness.allowed(url, (await self._browser_context()).request):
            self.report.pages.append(CrawledPage(url, depth, url, None, "robots.txt 不允许访问"))
            return ()
        mode = self._settings.crawl_mode
        if mode == "render":
            await self._politeness.wait_turn(url)
            return await self._render(tabs, url, depth, (RENDER_MODE,))
        async with self._turn(url):
            fetched = await self._fetch(url, depth)
            if fetched is None:
                return ()
            tree = parse_document(fetched.html or "") if mode == "hybrid" and _small(fetched) else None
            reasons = await self._reasons(fetched, tree) if mode == "hybrid" else ()
        if reasons:
            frontier.hold()
            task = asyncio.ensure_future(self._render_later(tabs, url, depth, reasons, fetched, frontier))
            self._rendering.add(task)
            task.add_done_callback(self._rendering.discard)
            return await self._static_found(url, depth, fetched, tree)
        return await self._accept_static(url, depth, fetched, tree=tree)

    async def _render_later(self, tabs: TabPool, url: str, depth: int, reasons: tuple[str, ...],
                            fetched: FetchedHtml, frontier: Frontier) -> None:
        """Render a page in the background (the fetch was paced by the gate; the browser's visit is paced by
        ``politeness``) and follow what it shows beyond its HTML; the frontier counts it in flight."""
        try:
            await self._politeness.wait_turn(url)
            found = await self._render(tabs, url, depth, reasons, fetched)
            frontier.add([link.url for link in found if self.opens(link)], url)
        except Exception as error:  # the links its HTML holds are still the page's: read and reported
            LOG.warning("渲染页面出错：%s", url, exc_info=True)
            await self._accept_static(url, depth, fetched, (*reasons, f"渲染出错，按HTML读取：{type(error).__name__}"))
        finally:
            await frontier.done()

    async def _static_found(self, url: str, depth: int, fetched: FetchedHtml,
                            tree: lxml.html.HtmlElement | None) -> tuple[FoundLink, ...]:
        """The links a page's HTML holds, to follow at once; not reported (its rendered read is)."""
        data = await self._parse_static(fetched, tree)
        return sort_links(raw_links(data["links"]), fetched.final_url, self._site_url, data["ids"],
                          on_home=depth == 0).links

    async def _browser_context(self) -> BrowserContext:
        """The browser context, started now when the crawl was given a starter."""
        if self._context is None:
            assert callable(self._source)
            self._context = await self._source(0)
        return self._context

    async def _fetch(self, url: str, depth: int) -> FetchedHtml | None:
        """Fetch a page's HTML; None (the page recorded) when it cannot be read for links: it did not answer,
        failed, is not a web page or lies outside the scope."""
        try:
            fetched = await fetch_html(self._http(), url, self._proxy(url))
        except FETCH_ERRORS as error:
            LOG.info("抓取页面失败：%s", url, exc_info=True)
            self.report.pages.append(CrawledPage(url, depth, url, None, f"{type(error).__name__}: {error}"[:160]))
            return None
        status = fetched.status
        if status < 400:
            self.report.visited[url] = LinkResult(url, LinkStatus.OK, status, redirects=fetched.redirects)
        if status >= 400 or fetched.html is None or not fetched.final_url.startswith(self._scope):
            self.report.pages.append(CrawledPage(url, depth, fetched.final_url, status))
            return None
        return fetched

    async def _accept_static(self, url: str, depth: int, fetched: FetchedHtml, rendered: tuple[str, ...] = (),
                             tree: lxml.html.HtmlElement | None = None) -> tuple[FoundLink, ...]:
        """The page's links read from its HTML (``tree``: its parse, when the crawl already made one)."""
        data = await self._parse_static(fetched, tree)
        return self._accept(url, depth, fetched.final_url, fetched.status, data, rendered)

    def _note_unrendered(self, why: str) -> None:
        """Say once in the crawl's notes that pages needing a browser were read from their HTML."""
        note = f"浏览器无法启动（{why}），需要渲染的页面按HTML读取，脚本生成的链接可能漏查"
        if note not in self.report.notes:
            self.report.notes.append(note)

    async def _parse_static(self, fetched: FetchedHtml, tree: lxml.html.HtmlElement | None = None) -> dict[str, Any]:
        """``static_links`` of a fetched page: on the event loop when small (reusing ``tree``), in a thread
        when large."""
        assert fetched.html is not None
        limit = self._settings.max_links_per_page
        if _small(fetched):
            return static_links(fetched.html, fetched.final_url, limit, tree)
        return await asyncio.to_thread(static_links, fetched.html, fetched.final_url, limit)

    async def _reasons(self, fetched: FetchedHtml, tree: lxml.html.HtmlElement | None) -> tuple[str, ...]:
        """Why the fetched page needs rendering, its own scripts read once per crawl (in the page's slot)."""
        assert fetched.html is not None
        sources = script_sources(fetched.html, fetched.final_url, tree)
        texts = {address: await self._script(address) for address in sources}
        return render_reasons(fetched.html, fetched.final_url, texts, tree)

    async def _script(self, address: str) -> str | None:
        """A script of the site, fetched once for the whole crawl (``None``: it could not be read now)."""
        task = self._scripts.get(address)
        if task is None:
            task = self._scripts[address] = asyncio.ensure_future(
                fetch_script(self._http(), address, self._proxy(address)))
        return await asyncio.shield(task)

    async def _render(self, tabs: TabPool, url: str, depth: int, reasons: tuple[str, ...],
                      fetched: FetchedHtml | None = None) -> tuple[FoundLink, ...]:
        """Render the page in a tab and read its links once it has settled; when a fetched page fails to
        render, its HTML's links are read instead and the failure is recorded."""
        try:
            tab = await tabs.borrow()
        except RenderUnavailable as error:
            if fetched is None:
                self.report.pages.append(CrawledPage(url, depth, url, None, str(error), rendered=reasons))
                return ()
            self._note_unrendered(str(error))
            return await self._accept_static(url, depth, fetched, (*reasons, f"未能渲染，按HTML读取：{error}"))
        spoiled = True
        side = self._side or _render_side()
        answer = None
        if fetched is not None and fetched.html is not None and fetched.status < 400:
            answer = side.Answer(fetched.final_url, fetched.status, "text/html; charset=utf-8", fetched.html)
        try:
            page = await side.render_links(tab, url, self._scope, self._timeout_ms / 1000,
                                           self._settings.max_links_per_page, self._settings.settle_seconds,
                                           answer)
            if answer is not None and fetched is not None:  # the fetch followed the redirects, not the tab
                page = replace(page, redirects=fetched.redirects)
            spoiled = page.spoiled
        finally:
            await tabs.give_back(tab, spoiled)
        if page.status is not None and page.status < 400:
            self.report.visited[url] = LinkResult(url, LinkStatus.OK, page.status, redirects=page.redirects)
        if page.data is None and fetched is not None and (page.status is None or page.status < 400):
            LOG.info("渲染页面失败，按HTML读取：%s（%s）", url, page.error)
            return await self._accept_static(url, depth, fetched, (*reasons, f"渲染失败，按HTML读取：{page.error}"))
        if page.data is None:
            self.report.pages.append(CrawledPage(url, depth, page.final_url, page.status, page.error,
                                                 rendered=reasons))
            return ()
        if page.note:
            reasons = (*reasons, page.note)
        return self._accept(url, depth, page.final_url, page.status, page.data, reasons, in_browser=True)

    def _reserve(self, slots: int) -> None:
        """While pages are queued, keep a slot per worker that has one to read on the site's host (fetch
        mode), so the checks use what the crawl leaves; a crawl waiting only on slow pages keeps none."""
        if self._gate is not None and self._reserving is not None and slots != self._reserved:
            self._gate.reserve(self._reserving, slots - self._reserved)
            self._reserved = slots

    def _host(self, url: str) -> str | None:
        try:
            return prepare_url(url).host
        except UnsupportedUrl:
            LOG.debug("无法取得主机名：%s", url, exc_info=True)
            return None

    def _turn(self, url: str) -> contextlib.AbstractAsyncContextManager[None]:
        """The gate's slot for reading a page (urgent: the crawl finds the work), or no wait without a gate."""
        host = self._host(url)
        if self._gate is None or host is None:
            return contextlib.nullcontext()
        return self._gate.turn(host, urgent=True)

    def _proxy(self, url: str) -> str | None:
        if self._proxies is None:
            self._proxies = EnvProxies(enabled=not loopback_only_from_env())
        parts = urlsplit(url)
        return self._proxies.for_url(parts.scheme, (parts.hostname or "").lower())

    def _http(self) -> aiohttp.ClientSession:
        if self._client is None:
            self._client = page_session(self._timeout_ms / 1000, f"Mozilla/5.0 {USER_AGENT_SUFFIX}",
                                        max(4, self._settings.tabs, self._settings.per_host))
        return self._client

    def _accept(self, url: str, depth: int, final: str, status: int | None,
                data: dict[str, Any], rendered: tuple[str, ...] = (), in_browser: bool = False
                ) -> tuple[FoundLink, ...]:
        sorted_links = sort_links(raw_links(data["links"]), final, self._site_url, data["ids"], on_home=depth == 0)
        self._keep(final, sorted_links)
        self.report.pages.append(CrawledPage(url, depth, final, status, "", data["total"], len(data["links"]),
                                             rendered, in_browser))
        if data["total"] > len(data["links"]):
            self.report.notes.append(f"{final} 有{data['total']}个链接，只检查前{len(data['links'])}个")
        return sorted_links.links

    def _keep(self, page_url: str, links: PageLinks) -> None:
        self.report.skipped += links.skipped
        self.report.missing_anchors += [(page_url, anchor) for anchor in links.missing_anchors]
        for link in links.links:
            self.report.links.append(link)
            self._sink(link)
