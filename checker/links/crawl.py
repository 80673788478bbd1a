"""Breadth-first crawl of one site within its scope: rendered in browser tabs, or fetched as HTML.

Rendered pages are read as a citizen's browser shows them (links built by scripts, lazy image sources).
The nearest queued page is always opened next, so a page limit keeps the pages nearest the home page.
Images, media, fonts and style sheets are not downloaded by the crawl's tabs: their addresses are read
from the DOM and checked by the link checker.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import aiohttp

from checker import USER_AGENT_SUFFIX
from checker.links.extract import MissingAnchor, PageLinks, crawlable, raw_links, sort_links
from checker.links.frontier import Frontier
from checker.links.http_support import EnvProxies, HostGate, UnsupportedUrl, loopback_only_from_env, prepare_url
from checker.links.model import FoundLink, LinkResult, LinkStatus
from checker.links.page_fetch import FETCH_ERRORS, fetch_html, page_session
from checker.links.static_links import static_links
from checker.politeness import Politeness
from checker.runlog import LOG
from checker.scenario import LinkSettings

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Page

TAB_PAGES = 50
"""Pages a crawl tab opens before it is replaced: a long-lived tab's memory grows with every page."""
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


LinkSink = Callable[[FoundLink], None]
UnopenedSink = Callable[[str], None]


def _render_side() -> ModuleType:
    """The browser side, imported on first use: the fetch mode never loads Playwright."""
    from checker.links import render_tab

    return render_tab


class SiteCrawler:
    """Crawls one site breadth first, handing each link found to ``sink``: with ``settings.crawl_tabs`` tabs
    when rendering, with as many pages in flight as a host may take (``per_host``) when fetching.

    A page the crawl could not open is handed to ``unopened`` at once, so the link checker's retry (and its
    pause) runs while the crawl goes on.
    """

    def __init__(self, context: BrowserContext | None, site_url: str, scope: str, settings: LinkSettings,
                 page_timeout_seconds: float, politeness: Politeness | None = None,
                 sink: LinkSink | None = None, skip_scopes: tuple[str, ...] = (),
                 unopened: UnopenedSink | None = None, gate: HostGate | None = None) -> None:
        self._context = context
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
        self._spoiled: set[Page | None] = set()
        self._opened: dict[int, int] = {}
        self.report = CrawlReport()

    async def crawl(self, start_url: str | None = None) -> CrawlReport:
        """Crawl from the home page to ``max_depth`` levels or ``max_pages`` pages, whichever comes first.

        Breadth first without waiting for a whole level: the nearest page queued is always opened next, so
        one slow page holds up only its own worker.
        """
        start = start_url or self._site_url
        rendering = self._settings.crawl_mode == "render"
        workers = self._settings.crawl_tabs if rendering else max(self._settings.crawl_tabs, self._settings.per_host)
        tabs = [await self._new_tab() if rendering else None for _ in range(workers)]
        frontier = Frontier(start, self._settings.max_depth)
        self._reserving = None if rendering else self._host(start)
        try:
            await asyncio.gather(*(self._work(slot, tabs, frontier, workers) for slot in range(workers)))
        finally:
            self._reserve(0)
            for tab in tabs:
                if tab is not None:
                    await _render_side().close_tab(tab)
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

    async def _replace(self, tab: Page | None) -> Page | None:
        """A fresh tab for one whose navigation failed (its error page would interrupt the next one) or that
        has opened its share of pages."""
        self._spoiled.discard(tab)
        if tab is not None:
            await _render_side().close_tab(tab)
        return await self._new_tab() if self._settings.crawl_mode == "render" else None

    async def _new_tab(self) -> Page:
        if self._context is None:
            raise ValueError("render mode needs a browser context")
        return await _render_side().new_tab(self._context)

    async def _work(self, slot: int, tabs: list[Page | None], frontier: Frontier, workers: int) -> None:
        """One worker: open the nearest queued page, queue its in-scope pages, until nothing is left."""
        while (job := await frontier.next(len(self.report.pages) + frontier.in_flight
                                          >= self._settings.max_pages)) is not None:
            depth, url = job
            try:
                found = await self._read_page(tabs[slot], url, depth)
                if url not in self.report.visited:
                    self._unopened(url)
                frontier.add([link.url for link in found if self.opens(link)], depth + 1)
            finally:
                await frontier.done()
                self._reserve(min(workers, frontier.queued()))
            self._opened[slot] = self._opened.get(slot, 0) + 1
            if tabs[slot] in self._spoiled or self._opened[slot] % TAB_PAGES == 0:
                tabs[slot] = await self._replace(tabs[slot])

    async def _read_page(self, tab: Page | None, url: str, depth: int) -> tuple[FoundLink, ...]:
        robots = self._politeness.respect_robots and self._context is not None
        if robots and not await self._politeness.allowed(url, self._context.request):
            self.report.pages.append(CrawledPage(url, depth, url, None, "robots.txt 不允许访问"))
            return ()
        await self._politeness.wait_turn(url)
        if self._settings.crawl_mode == "fetch":
            async with self._turn(url):
                return await self._fetch_page(url, depth)
        assert tab is not None
        return await self._render_page(tab, url, depth)

    async def _fetch_page(self, url: str, depth: int) -> tuple[FoundLink, ...]:
        """Read a page's links from its HTML (no rendering): the fast mode, for sites that build no links
        with scripts."""
        try:
            fetched = await fetch_html(self._http(), url, self._proxy(url))
        except FETCH_ERRORS as error:
            LOG.info("抓取页面失败：%s", url, exc_info=True)
            self.report.pages.append(CrawledPage(url, depth, url, None, f"{type(error).__name__}: {error}"[:160]))
            return ()
        status = fetched.status
        if status < 400:
            self.report.visited[url] = LinkResult(url, LinkStatus.OK, status, redirects=fetched.redirects)
        if status >= 400 or fetched.html is None or not fetched.final_url.startswith(self._scope):
            self.report.pages.append(CrawledPage(url, depth, fetched.final_url, status))
            return ()
        limit = self._settings.max_links_per_page
        if len(fetched.html) <= _INLINE_PARSE_CHARS:
            data = static_links(fetched.html, fetched.final_url, limit)
        else:
            data = await asyncio.to_thread(static_links, fetched.html, fetched.final_url, limit)
        return self._accept(url, depth, fetched.final_url, status, data)

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
                                        max(4, self._settings.crawl_tabs, self._settings.per_host))
        return self._client

    async def _render_page(self, tab: Page, url: str, depth: int) -> tuple[FoundLink, ...]:
        page = await _render_side().render_links(tab, url, self._scope, self._timeout_ms / 1000,
                                                 self._settings.max_links_per_page)
        if page.spoiled:
            self._spoiled.add(tab)
        if page.status is not None and page.status < 400:
            self.report.visited[url] = LinkResult(url, LinkStatus.OK, page.status, redirects=page.redirects)
        if page.data is None:
            self.report.pages.append(CrawledPage(url, depth, page.final_url, page.status, page.error))
            return ()
        return self._accept(url, depth, page.final_url, page.status, page.data)

    def _accept(self, url: str, depth: int, final: str, status: int | None,
                data: dict[str, Any]) -> tuple[FoundLink, ...]:
        sorted_links = sort_links(raw_links(data["links"]), final, self._site_url, data["ids"], on_home=depth == 0)
        self._keep(final, sorted_links)
        self.report.pages.append(CrawledPage(url, depth, final, status, "", data["total"], len(data["links"])))
        if data["total"] > len(data["links"]):
            self.report.notes.append(f"{final} 有{data['total']}个链接，只检查前{len(data['links'])}个")
        return sorted_links.links

    def _keep(self, page_url: str, links: PageLinks) -> None:
        self.report.skipped += links.skipped
        self.report.missing_anchors += [(page_url, anchor) for anchor in links.missing_anchors]
        for link in links.links:
            self.report.links.append(link)
            self._sink(link)
