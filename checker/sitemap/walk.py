"""The citizen-like walk that builds a site's map: breadth first, sections and columns before articles.

Home → navigation (dropdowns included) → hub pages → their menus, tiles and directories → columns → their
list pages (pagination written by scripts included) → articles; plus the 网站地图 page and 更多 links. Each
page is opened once, in a browser tab, and read when the page has settled: a list a script fills after
``load`` is waited for (the network and the DOM go quiet), never a fixed sleep. Images, media and fonts are
not downloaded. What the budgets cut is said in the map's notes.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import re
import time
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

from playwright.async_api import BrowserContext, Page
from playwright.async_api import Error as PlaywrightError

from checker.discover import in_scope, normalise_url
from checker.htmlpage import parse_html
from checker.links.crawl import TAB_PAGES
from checker.observe import _SNAPSHOT_JS, navigated_away, snapshot_from_json
from checker.politeness import ROBOTS_REFUSAL, Politeness
from checker.scenario import SiteMapSettings
from checker.sitemap.model import LinkKind, PageRole, SiteMap, SitePage, facts_from_json
from checker.sitemap.structure import OutLink, RoleView, followable, outgoing, page_name, page_role, pager_targets
from checker.visit import now

_HERE = resources.files("checker.sitemap")
SETTLE_SCRIPT = _HERE.joinpath("settle.js").read_text(encoding="utf-8")
"""Install on a browser context (``add_init_script``) so every page counts its pending work for :func:`settle`."""
_STRUCTURE_JS = _HERE.joinpath("structure.js").read_text(encoding="utf-8")
_LINKS_JS = resources.files("checker").joinpath("links.js").read_text(encoding="utf-8")
_SETTLED_JS = """(quiet) => {
  const s = window.__gcSettle;
  if (!s) return true;
  return s.pending <= 0 && s.timers.size === 0 && performance.now() - s.last >= quiet;
}"""
_BLOCKED = [f"*.{suffix}{tail}" for suffix in ("png", "jpg", "jpeg", "gif", "webp", "bmp", "ico", "svg", "woff",
                                                "woff2", "ttf", "otf", "eot", "mp3", "mp4", "avi", "flv", "wmv",
                                                "webm") for tail in ("", "?*")]
_MAX_HTML = 3_000_000
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ACT_LIMIT = 20.0
"""Seconds any one script evaluation on a page may take before the page is given up as unreadable."""
_NOT_FOLLOWED_FROM = (PageRole.ARTICLE, PageRole.FORM, PageRole.NEWMEDIA, PageRole.EXTERNAL)


async def settle(page: Page, settings: SiteMapSettings) -> str:
    """Wait until the page's scripts are done (no request or short timer pending, DOM quiet), at most
    ``settle_seconds``; returns a note when the page never settled."""
    if settings.settle_seconds <= 0:
        return ""
    try:
        await page.wait_for_function(_SETTLED_JS, arg=settings.quiet_ms, polling="raf",
                                     timeout=settings.settle_seconds * 1000)
    except PlaywrightError:
        return f"页面在{settings.settle_seconds:g}秒内仍在加载，按当时所见读取"
    return ""


@dataclass(order=True)
class _Job:
    rank: tuple[int, int, int]
    url: str
    depth: int
    path: tuple[str, ...]
    via: LinkKind
    parent: str | None
    link_text: str
    column_of: str | None = None
    list_page: int = 1


class SiteWalker:
    """Walks one site with ``settings.tabs`` tabs of ``context`` and returns its :class:`SiteMap`."""

    def __init__(self, context: BrowserContext, site_url: str, scope: str, settings: SiteMapSettings, *,
                 as_of: date, page_timeout_seconds: float, max_list_pages: int, politeness: Politeness | None = None,
                 skip_scopes: tuple[str, ...] = (), footer_selector: str | None = None, links_limit: int = 5000,
                 deadline: float | None = None, extra_urls: list[tuple[str, str]] | None = None) -> None:
        self._context = context
        self._scope = scope
        self._settings = settings
        self._as_of = as_of
        self._timeout = page_timeout_seconds
        self._max_list_pages = max_list_pages
        self._politeness = politeness or Politeness()
        self._skip = skip_scopes
        self._footer_selector = footer_selector
        self._links_limit = links_limit
        self._deadline = deadline
        self._extra = extra_urls or []
        self._queue: list[_Job] = []
        self._seq = itertools.count()
        self._queued: set[str] = set()
        self._in_flight = 0
        self._wake = asyncio.Event()
        self._articles: dict[str, int] = {}
        self._articles_left: set[str] = set()
        self._list_pages: dict[str, int] = {}
        self.map = SiteMap(site_url, scope)

    async def walk(self, home_page: Page | None = None) -> SiteMap:
        """Walk from the home page; ``home_page`` is a tab already showing it (read there, not loaded again)."""
        start = _Job((0, 0, next(self._seq)), normalise_url(self.map.site_url), 0, (), LinkKind.START, None, "首页")
        self._queued.add(start.url)
        if home_page is not None:
            await self._read_loaded(home_page, start, home_page.url, None)
        else:
            heapq.heappush(self._queue, start)
        for name, url in self._extra:  # scenario hints: columns discovery may not reach
            if followable(url, self._scope) and normalise_url(url) not in self._queued:
                self._push(_Job((0, 1, next(self._seq)), normalise_url(url), 1, ("场景指定", name), LinkKind.MENU,
                                None, name))
        tabs = [await self._new_tab() for _ in range(self._settings.tabs)]
        try:
            await asyncio.gather(*(self._work(tabs, slot) for slot in range(len(tabs))))
        finally:
            for tab in tabs:
                with contextlib.suppress(PlaywrightError, TimeoutError):
                    await asyncio.wait_for(tab.close(), timeout=5)
        self._note_cut()
        return self.map

    async def _new_tab(self) -> Page:
        tab = await self._context.new_page()
        try:
            session = await self._context.new_cdp_session(tab)
            await session.send("Network.enable")
            await session.send("Network.setBlockedURLs", {"urls": _BLOCKED})
        except PlaywrightError:
            pass  # not Chromium: images are downloaded, which costs time but changes nothing read
        return tab

    def _out_of_time(self) -> bool:
        return self._deadline is not None and time.monotonic() >= self._deadline

    async def _work(self, tabs: list[Page], slot: int) -> None:
        """One tab's loop: open the most structural, nearest queued page until nothing is left."""
        opened = 0
        while True:
            if self._out_of_time():
                return
            if not self._queue:
                if self._in_flight == 0:
                    self._wake.set()
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            if len(self.map.pages) >= self._settings.max_pages:
                return
            job = heapq.heappop(self._queue)
            self._in_flight += 1
            try:
                tabs[slot] = await self._open(tabs[slot], job)
                opened += 1
                if opened % TAB_PAGES == 0:  # a long-lived tab's memory grows with every page
                    tabs[slot] = await self._replace(tabs[slot])
            finally:
                self._in_flight -= 1
                self._wake.set()

    async def _open(self, tab: Page, job: _Job) -> Page:
        """Open a job's page (a second attempt in a fresh tab when the first fails to load) and read it."""
        page = SitePage(job.url, job.depth, job.path, job.via, job.parent, column_of=job.column_of,
                        list_page=job.list_page)
        self.map.pages[job.url] = page
        if self._politeness.respect_robots and not await self._politeness.allowed(job.url, self._context.request):
            page.error = ROBOTS_REFUSAL
            return tab
        for attempt in (1, 2):
            page.attempts = attempt
            await self._politeness.wait_turn(job.url)
            try:
                response = await tab.goto(job.url, wait_until="load", timeout=self._timeout * 1000)
                page.status = response.status if response else None
                page.error = ""
            except PlaywrightError as error:
                page.error = (str(error).splitlines() or ["无法打开"])[0][:160]
                tab = await self._replace(tab)
                continue
            if page.status is not None and page.status >= 500:
                continue
            break
        if page.error or (page.status is not None and page.status >= 400):
            return tab
        await self._read_loaded(tab, job, tab.url, page)
        return tab

    async def _replace(self, tab: Page) -> Page:
        with contextlib.suppress(PlaywrightError, TimeoutError):
            await asyncio.wait_for(tab.close(), timeout=5)
        return await self._new_tab()

    async def _read_loaded(self, tab: Page, job: _Job, final_url: str, page: SitePage | None) -> None:
        """Read a loaded page: wait for it to settle, then snapshot, structure, links and HTML."""
        if page is None:
            page = SitePage(job.url, job.depth, job.path, job.via, job.parent)
            self.map.pages[job.url] = page
        page.final_url = final_url
        page.seen_at = now()
        if not in_scope(final_url, self._scope) and job.depth > 0:
            page.role = PageRole.EXTERNAL
            page.note = "跳转到站点范围以外"
            return
        page.note = await settle(tab, self._settings)
        try:
            data = await asyncio.wait_for(self._evaluate(tab), timeout=_ACT_LIMIT)
        except PlaywrightError as error:  # the page moved on by itself while being read: read where it landed
            if not navigated_away(error):
                page.error = f"读取页面失败：{str(error).splitlines()[0][:120]}"
                return
            with contextlib.suppress(PlaywrightError):
                await tab.wait_for_load_state("load", timeout=self._timeout * 1000)
            page.final_url = tab.url
            try:
                data = await asyncio.wait_for(self._evaluate(tab), timeout=_ACT_LIMIT)
            except (PlaywrightError, TimeoutError) as again:
                page.error = f"读取页面失败：{type(again).__name__}"
                return
        except TimeoutError:
            page.error = f"读取页面超时（{_ACT_LIMIT:g}秒）"
            return
        final_url = page.final_url
        snapshot_data, facts_data, link_data, html = data
        snapshot = snapshot_from_json(snapshot_data)
        facts = facts_from_json(facts_data)
        page.snapshot, page.facts, page.link_data = snapshot, facts, link_data
        page.parsed = parse_html(html[:_MAX_HTML], final_url)
        if job.via is LinkKind.PAGER and job.column_of:
            column = self.map.pages.get(job.column_of)
            page.name = column.name if column else job.link_text
        else:
            page.name = page_name(snapshot, facts, job.link_text)
        page.role = page_role(RoleView(snapshot, facts, job.depth, job.via, page.name, job.link_text, self._as_of,
                                       final_url))
        if page.role is PageRole.ARTICLE:
            title = job.link_text.strip() if job.via is LinkKind.ITEM else ""
            page.name = title or facts.article_title or facts.heading or snapshot.title or page.name
        if page.path and page.name and (not _CJK.search(page.path[-1]) or page.path[-1] == "更多"):
            # an icon, a bare address or a block's 更多: name the step by the page it leads to
            step = page.name if page.path[-1] != "更多" else f"{page.name}（更多）"
            page.path = (*page.path[:-1], step)
        self._follow(page, job)

    async def _evaluate(self, tab: Page) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], str]:
        snapshot = await tab.evaluate(_SNAPSHOT_JS, {"footerSelector": self._footer_selector})
        facts = await tab.evaluate(_STRUCTURE_JS)
        links = await tab.evaluate(_LINKS_JS, self._links_limit)
        html = await tab.content()
        return snapshot, facts, links, html

    def _follow(self, page: SitePage, job: _Job) -> None:
        """Queue the links a person would click next from this page."""
        assert page.snapshot is not None and page.facts is not None
        if page.role in (PageRole.NEWMEDIA, PageRole.EXTERNAL):
            return
        column = job.column_of or (page.url if page.role is PageRole.COLUMN else None)
        if page.role is PageRole.COLUMN and column:
            for _, url in pager_targets(page.facts, page.final_url or page.url):
                self._queue_pager(page, column, url)
        all_links = [(str(r.get("text", "")), str(r.get("url", ""))) for r in (page.link_data or {}).get("links", [])
                     if r.get("tag") == "a"]
        for link in outgoing(page.snapshot, page.facts, page.role, page.name, self._as_of, all_links):
            if page.role in _NOT_FOLLOWED_FROM and not link.kind.structural:
                continue
            self._queue_link(page, link, column)

    def _queue_pager(self, page: SitePage, column: str, url: str) -> None:
        if url in self._queued or not followable(url, self._scope, self._skip):
            return
        read = self._list_pages.get(column, 1)
        if read >= self._max_list_pages:
            self.map.cut_by_budget.add(url)
            first = self.map.pages.get(column)
            if first is not None:
                first.list_cut = True
            return
        self._list_pages[column] = read + 1
        self._push(_Job((0, page.depth, next(self._seq)), url, page.depth, page.path, LinkKind.PAGER, page.url,
                        page.name, column, read + 1))

    def _queue_link(self, page: SitePage, link: OutLink, column: str | None) -> None:
        url = normalise_url(link.url)
        if url in self._queued or not followable(url, self._scope, self._skip):
            return
        depth = page.depth + 1
        if link.kind.structural and depth > self._settings.max_depth:
            self.map.cut_by_budget.add(url)
            return
        if link.kind is LinkKind.ITEM and column:
            taken = self._articles.get(column, 0)
            if taken >= self._settings.articles_per_column:
                self._articles_left.add(url)
                return
            self._articles[column] = taken + 1
        rank = 0 if link.kind.structural else 1
        path = (*page.path, link.text.strip()[:40])
        self._push(_Job((rank, depth, next(self._seq)), url, depth, path, link.kind, page.url, link.text))

    def _push(self, job: _Job) -> None:
        self._queued.add(job.url)
        heapq.heappush(self._queue, job)
        self._wake.set()

    def _note_cut(self) -> None:
        left = [job for job in self._queue if job.url not in self.map.pages]
        self.map.not_opened = len(left) + len(self.map.cut_by_budget)
        structural = sum(1 for job in left if job.rank[0] == 0)
        if self._out_of_time() and left:
            self.map.notes.append(f"遍历超出时间预算，另有{len(left)}个页面未打开（其中栏目或导航页{structural}个）")
        elif left:
            self.map.notes.append(f"达到页面上限（{self._settings.max_pages}个），另有{len(left)}个页面未打开"
                                  f"（其中栏目或导航页{structural}个）")
        if self._articles_left:
            self.map.notes.append(f"超出每栏目文章上限（{self._settings.articles_per_column}篇）的文章"
                                  f"{len(self._articles_left)}篇未打开，只检查其链接")
        deep = len(self.map.cut_by_budget)
        if deep:
            self.map.notes.append(f"超出点击层数（{self._settings.max_depth}层）或列表页数上限"
                                  f"（{self._max_list_pages}页）的页面{deep}个未打开")
