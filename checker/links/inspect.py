"""One site's link inspection: crawl it, check every link found (once per run), and gather the outcome.

Links that are not pages to crawl (images, attachments, external links, pages out of scope) are checked
while the crawl goes on. Pages in scope are not checked again when the crawl's own visit opened them; the
ones it could not open go to the checker as soon as the visit fails, for its retry and a definite status.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from checker.links.crawl import CrawledPage, CrawlReport, SiteCrawler
from checker.links.extract import raw_links, sort_links
from checker.links.http_support import HostGate
from checker.links.model import FoundLink, LinkKind, LinkResult, LinkStatus
from checker.politeness import Politeness
from checker.runlog import LOG
from checker.scenario import LinkSettings

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext

CheckOne = Callable[..., Awaitable[LinkResult]]


@dataclass
class LinkReport:
    """A site's links: the crawl, each unique URL's result, and every place each URL appears."""

    crawl: CrawlReport
    results: dict[str, LinkResult] = field(default_factory=dict)
    occurrences: dict[str, list[FoundLink]] = field(default_factory=dict)


def _unchecked(url: str, budget: float) -> LinkResult:
    return LinkResult(url, LinkStatus.EXCLUDED, reason=f"超出链接检查的时间预算（{budget:g}秒），未检查")


def anchor_occurrences(crawl: CrawlReport) -> tuple[list[FoundLink], dict[str, LinkResult]]:
    """Missing in-page anchors as links of their own, each with a definite result."""
    links: list[FoundLink] = []
    results: dict[str, LinkResult] = {}
    for page_url, anchor in crawl.missing_anchors:
        url = f"{page_url.split('#')[0]}#{anchor.fragment}"
        links.append(FoundLink(url, LinkKind.PAGE, page_url, anchor.text, anchor.raw, f"{anchor.position}|href",
                               on_home=any(p.final_url == page_url and p.depth == 0 for p in crawl.pages)))
        results[url] = LinkResult(url, LinkStatus.BROKEN, reason=f"页内锚点“#{anchor.fragment}”在本页找不到目标")
    return links, results


class CheckQueue:
    """The links of one site waiting for the checker, checked by ``workers`` tasks: a site of 100,000 links
    holds a list of URLs, not 100,000 waiting tasks, and a page the crawl could not open goes first."""

    def __init__(self, check: CheckOne, workers: int) -> None:
        self._check = check
        self._workers = max(1, workers)
        self._pending: deque[tuple[str, bool]] = deque()
        self._queued: dict[str, None] = {}
        self._wake = asyncio.Event()
        self._closing = False
        self._tasks: list[asyncio.Task[None]] = []
        self._started = False
        self.results: dict[str, LinkResult] = {}

    def add(self, url: str, *, external: bool = False, urgent: bool = False) -> None:
        """Queue a URL once; the workers start with the first. An urgent one (a page the crawl could not
        open: rare, and its retry pause should start now) is checked at once, beside the workers."""
        if url in self._queued:
            return
        self._queued[url] = None
        if urgent:
            self._tasks.append(asyncio.ensure_future(self._check_one(url, external, urgent=True)))
            return
        self._pending.append((url, external))
        if not self._started:
            self._started = True
            self._tasks += [asyncio.ensure_future(self._work()) for _ in range(self._workers)]
        self._wake.set()

    async def finish(self, timeout: float) -> None:
        """No more URLs: wait up to ``timeout`` seconds for the queued ones to be checked."""
        self._closing = True
        self._wake.set()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=timeout)

    def stop(self) -> None:
        """Cancel the checks still running (the caller's budget is over)."""
        for task in self._tasks:
            task.cancel()

    def unfinished(self) -> list[str]:
        """URLs queued but without a result."""
        return [url for url in self._queued if url not in self.results]

    async def _work(self) -> None:
        while True:
            while not self._pending:
                if self._closing:
                    return
                self._wake.clear()
                await self._wake.wait()
            await self._check_one(*self._pending.popleft())

    async def _check_one(self, url: str, external: bool, urgent: bool = False) -> None:
        try:
            result = await self._check(url, external=external, urgent=urgent)
        except Exception as error:  # the checker never raises; a substitute might, and must not stop the run
            LOG.error("链接检查出错：%s", url, exc_info=True)
            result = LinkResult(url, LinkStatus.SUSPECT, reason=f"检查出错（{type(error).__name__}）")
        self.results[url] = result


async def inspect_links(context: BrowserContext | Callable[[int], Awaitable[BrowserContext]] | None, site_url: str,
                        scope: str, settings: LinkSettings,
                        page_timeout_seconds: float, check: CheckOne,
                        politeness: Politeness | None = None, skip_scopes: tuple[str, ...] = (),
                        budget_seconds: float | None = None, gate: HostGate | None = None,
                        crawled: Callable[[], Awaitable[None]] | None = None) -> LinkReport:
    """Crawl the site within ``scope`` and check every link; ``check(url, external=…, urgent=…)`` is the run's checker.

    ``context`` is the browser context to render in, or an async callable starting one on first need (see
    :class:`~checker.links.crawl.SiteCrawler`); the ``fetch`` mode needs none. With ``gate`` (the
    checker's), the fetch-mode crawl reads pages within the same per-host limits as the checks.

    Within ``budget_seconds`` (default: the settings' budget): a crawl still going then stops where it is,
    and links not yet checked are recorded as 未检查 with the reason, so a site of 100,000 links ends with
    what was seen instead of overrunning the site's time. ``crawled`` runs once the crawl is over, beside the
    checks still running (``govcheck links`` closes its browser there: nothing renders after the crawl).
    """
    budget = budget_seconds if budget_seconds is not None else settings.budget_seconds
    deadline = time.monotonic() + budget
    queue = CheckQueue(check, settings.concurrency)

    def schedule(link: FoundLink) -> None:
        queue.add(link.url, external=link.kind is LinkKind.EXTERNAL)

    def during_crawl(link: FoundLink) -> None:
        if not crawler.opens(link):
            schedule(link)

    crawler = SiteCrawler(context, site_url, scope, settings, page_timeout_seconds, politeness, during_crawl,
                          skip_scopes, unopened=lambda url: queue.add(url, urgent=True), gate=gate)
    try:
        try:
            crawl = await asyncio.wait_for(crawler.crawl(), timeout=max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            LOG.info("链接抓取超出时间预算（%g秒）：%s", budget, site_url, exc_info=True)
            crawl = crawler.report
            crawl.notes.append(f"链接检查超出时间预算（{budget:g}秒），抓取在{len(crawl.pages)}个页面处停止")
        await asyncio.gather(_check_found(crawl, queue, schedule, deadline), *([crawled()] if crawled else []))
    finally:
        queue.stop()
    return _gather(crawl, queue, budget)


async def _check_found(crawl: CrawlReport, queue: CheckQueue, schedule: Callable[[FoundLink], None],
                       deadline: float) -> None:
    """Check every link the crawl found that it did not open itself, within the deadline."""
    for link in crawl.links:
        if link.url not in crawl.visited:
            schedule(link)
    await queue.finish(max(0.0, deadline - time.monotonic()))


def _gather(crawl: CrawlReport, queue: CheckQueue, budget: float) -> LinkReport:
    late = queue.unfinished()
    checked = {**queue.results, **{url: _unchecked(url, budget) for url in late}}
    if late:
        crawl.notes.append(f"超出时间预算，{len(late)}个链接未检查")
    report = LinkReport(crawl)
    anchors, anchor_results = anchor_occurrences(crawl)
    for link in [*crawl.links, *anchors]:
        report.occurrences.setdefault(link.url, []).append(link)
    report.results = {url: checked.get(url) or crawl.visited.get(url) or anchor_results[url]
                      for url in report.occurrences}
    return report


@dataclass(frozen=True)
class OpenedPage:
    """A page some walk already opened and read: what its link check needs (``links.js``'s record as ``data``)."""

    url: str
    depth: int
    final_url: str
    status: int | None
    error: str = ""
    data: dict[str, Any] | None = None


def crawl_from_pages(pages: Iterable[OpenedPage], site_url: str, limit_note: str = "") -> CrawlReport:
    """The crawl report of pages already opened (the site map's): their links sorted as a crawl would."""
    crawl = CrawlReport()
    for page in pages:
        final = page.final_url or page.url
        opened = (page.status is not None and page.status < 400) or (page.status is None and page.data is not None)
        if opened and not page.error:  # a page read in place (the home page) has no status of its own: it loaded
            for url in {page.url, final}:
                crawl.visited[url] = LinkResult(url, LinkStatus.OK, page.status)
        if page.data is None:
            crawl.pages.append(CrawledPage(page.url, page.depth, final, page.status, page.error))
            continue
        links = sort_links(raw_links(page.data.get("links", [])), final, site_url, page.data.get("ids", []),
                           on_home=page.depth == 0)
        crawl.skipped += links.skipped
        crawl.missing_anchors += [(final, anchor) for anchor in links.missing_anchors]
        crawl.links += links.links
        total = int(page.data.get("total", 0))
        crawl.pages.append(CrawledPage(page.url, page.depth, final, page.status, "", total, len(links.links)))
        if total > len(page.data.get("links", [])):
            crawl.notes.append(f"{final} 有{total}个链接，只检查前{len(page.data.get('links', []))}个")
    if limit_note:
        crawl.notes.append(limit_note)
    return crawl


async def check_opened(crawl: CrawlReport, settings: LinkSettings, check: CheckOne,
                       budget_seconds: float | None = None) -> LinkReport:
    """Check every link of pages already opened (no crawl): each URL once, within the budget."""
    budget = budget_seconds if budget_seconds is not None else settings.budget_seconds
    deadline = time.monotonic() + budget
    queue = CheckQueue(check, settings.concurrency)
    try:
        await _check_found(crawl, queue, lambda link: queue.add(link.url, external=link.kind is LinkKind.EXTERNAL),
                           deadline)
    finally:
        queue.stop()
    return _gather(crawl, queue, budget)
