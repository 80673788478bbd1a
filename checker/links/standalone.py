"""Link checking on its own, without a scenario: one site crawled from a URL, or a list of URLs.

Behind ``govcheck links``: a quick check of one site or an exported link list, and the entry point the
link benchmark measures. The JSON it writes lists every unique URL with its status and where it appears.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import Counter
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from checker import USER_AGENT_SUFFIX
from checker.links.http_check import LinkChecker
from checker.links.inspect import LinkReport, inspect_links
from checker.links.model import FoundLink, LinkResult, LinkStatus
from checker.netguard import PolicyProxy, guarding
from checker.netsetup import guard_for_urls
from checker.politeness import Politeness
from checker.runlog import LOG
from checker.scenario import DEFAULT_SETTINGS, LinkSettings

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Page, Playwright

T = TypeVar("T")


@dataclass
class LinkRun:
    """The outcome of a standalone link check: results per URL, their places, pages crawled, time taken."""

    results: dict[str, LinkResult]
    occurrences: dict[str, list[FoundLink]] = field(default_factory=dict)
    pages: int = 0
    links_found: int = 0
    notes: list[str] = field(default_factory=list)
    elapsed_seconds: float = 0.0
    pages_rendered: int = 0
    """Pages whose links were read in a browser."""
    render_reasons: dict[str, int] = field(default_factory=dict)
    """How many pages needed a browser for each reason (a page may give several)."""

    def by_status(self) -> dict[str, int]:
        """How many unique URLs ended in each status."""
        counts = {status.value: 0 for status in LinkStatus}
        for result in self.results.values():
            counts[result.status.value] += 1
        return counts

    def to_json(self) -> dict[str, object]:
        """The JSON the command writes (documented in README: 单独检查链接)."""
        return {**self.summary_json(), "results": self.results_json()}

    def summary_json(self) -> dict[str, object]:
        """The JSON's head: counts, time taken and notes."""
        return {
            "pages": self.pages, "links_found": self.links_found, "unique_links": len(self.results),
            "by_status": self.by_status(), "elapsed_seconds": round(self.elapsed_seconds, 3), "notes": self.notes,
            "pages_rendered": self.pages_rendered, "render_reasons": self.render_reasons,
        }

    def results_json(self) -> list[dict[str, object]]:
        """The JSON's ``results``: each unique URL with its status, kind and up to 20 pages it appears on."""
        return [
            {"url": url, "status": result.status.value, "http_status": result.http_status,
             "reason": result.reason, "note": result.note, "redirects": list(result.redirects),
             "kind": places[0].kind.value if (places := self.occurrences.get(url)) else "",
             "parents": list(dict.fromkeys(place.parent_url for place in places or []))[:20]}
            for url, result in self.results.items()
        ]


def scope_of(url: str) -> str:
    """The default scope of a start URL: its folder (a channel's sub-tree, or the whole host at ``/``)."""
    parts = urlsplit(url)
    folder = parts.path if parts.path.endswith("/") else parts.path.rsplit("/", 1)[0] + "/"
    return f"{parts.scheme}://{parts.netloc}{folder or '/'}"


async def check_site(url: str, settings: LinkSettings, *, scope: str | None = None,
                     browser_path: str | None = None,
                     page_timeout_seconds: float = DEFAULT_SETTINGS.page_timeout_seconds) -> LinkRun:
    """Crawl one site from ``url`` and check every link found; the browser is started only to render."""
    started = time.monotonic()
    guard = await guard_for_urls([url])
    with PolicyProxy(guard) as proxy, guarding(guard):
        report = await _crawl(url, settings, scope, browser_path, page_timeout_seconds, proxy)
    reasons = Counter(reason for page in report.crawl.pages for reason in page.rendered)
    rendered = sum(1 for page in report.crawl.pages if page.in_browser)
    return LinkRun(report.results, report.occurrences, len(report.crawl.pages), len(report.crawl.links),
                   report.crawl.notes, time.monotonic() - started, rendered, dict(reasons.most_common()))


async def _crawl(url: str, settings: LinkSettings, scope: str | None, browser_path: str | None,
                 page_timeout_seconds: float, proxy: PolicyProxy) -> LinkReport:
    if settings.crawl_mode == "fetch":
        return await _inspect(None, url, scope, settings, page_timeout_seconds)
    browser = LazyBrowser(browser_path, proxy)
    try:
        if settings.crawl_mode == "render":
            await browser()  # every page is rendered: a browser that cannot start stops the command
        return await _inspect(browser, url, scope, settings, page_timeout_seconds)
    finally:
        await browser.close()


class BrowserThread:
    """An event loop on a thread of its own, where everything the browser does in a crawl runs.

    The crawl's loop is busy reading pages (the benchmark's 2000 static pages in about a second). Driven from
    that loop, the browser waited a loop turn for every message: it took 1.35 s to start instead of 0.3 s, a
    tab 0.6 s, and the first pages needing scripts were rendered two seconds into the crawl. On a loop of its
    own, its messages are read while the crawl works (the interpreter switches threads every few ms).
    """

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="govcheck-browser", daemon=True)
        self._thread.start()

    async def run(self, work: Coroutine[Any, Any, T]) -> T:
        """Run ``work`` on the browser's loop and wait for it here (cancelling the wait cancels the work)."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, self._loop))

    def stop(self) -> None:
        """Stop the loop and its thread (after the browser was closed on it)."""
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
        self._loop.close()


class ThreadedRenderSide:
    """The crawl's browser side (:mod:`checker.links.render_tab`) with every call run on a
    :class:`BrowserThread`; the tabs and context it hands out are only ever used through it."""

    def __init__(self, thread: BrowserThread) -> None:
        from checker.links import render_tab

        self._thread = thread
        self._tabs = render_tab
        self.Answer = render_tab.Answer

    async def new_tab(self, context: BrowserContext) -> Page:
        """A crawl tab (:func:`render_tab.new_tab`)."""
        return await self._thread.run(self._tabs.new_tab(context))

    async def close_tab(self, tab: Page) -> None:
        """Close a crawl tab (:func:`render_tab.close_tab`)."""
        await self._thread.run(self._tabs.close_tab(tab))

    async def render_links(self, tab: Page, *args: Any) -> Any:
        """One page's links read in a tab (:func:`render_tab.render_links`)."""
        return await self._thread.run(self._tabs.render_links(tab, *args))


TABS_PER_CONTEXT = 5
"""Crawl tabs that share one browser context. Chromium opens at most 6 connections to a host per context
(profile); ten tabs of one site in one context queue behind each other's slow data requests, which no
citizen's own browser does. bench: 100 script pages, 16 tabs, 3.3 s in one context, 2.7 s in two."""


class LazyBrowser:
    """Browser contexts started when a page first needs one (a ``hybrid`` crawl of a static site starts no
    browser, and one that does starts it while the crawl goes on), behind the run's network boundary, on a
    :class:`BrowserThread` (``render_side`` is how the crawl uses it; the crawl honours no robots.txt here).

    Calling it with a tab's seat returns that seat's context: seats share a context
    :data:`TABS_PER_CONTEXT` at a time, each context made on first need. When the browser cannot start, every
    call raises :class:`~checker.links.crawl.RenderUnavailable` with the reason.
    """

    def __init__(self, browser_path: str | None, proxy: PolicyProxy) -> None:
        self._browser_path = browser_path
        self._proxy = proxy
        self._lock = asyncio.Lock()
        self._thread = BrowserThread()
        self.render_side = ThreadedRenderSide(self._thread)
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._contexts: dict[int, BrowserContext] = {}
        self._error: Exception | None = None
        self._closed = False

    async def __call__(self, seat: int = 0) -> BrowserContext:
        number = max(0, seat) // TABS_PER_CONTEXT
        async with self._lock:
            if number not in self._contexts and self._error is None:
                try:
                    self._contexts[number] = await self._thread.run(self._new_context())
                except Exception as error:  # a missing or broken browser: said, and the crawl goes on
                    if 0 not in self._contexts:
                        self._error = error
                    else:  # the browser runs: this seat's tabs share the first context
                        LOG.warning("浏览器上下文无法创建，标签页共用第一个上下文", exc_info=True)
                        self._contexts[number] = self._contexts[0]
            if number not in self._contexts:
                from checker.links.crawl import RenderUnavailable

                first = (str(self._error).splitlines() or [type(self._error).__name__])[0][:200]
                raise RenderUnavailable(first) from self._error
            return self._contexts[number]

    async def _new_context(self) -> BrowserContext:
        if self._browser is None:
            from playwright.async_api import async_playwright  # the fetch mode never loads the browser side

            from checker.browser import launch_browser

            self._playwright = await async_playwright().start()
            self._browser = await launch_browser(self._playwright, self._browser_path,
                                                 proxy=self._proxy.browser_proxy(), evidence=False)
        return await self._browser.new_context(ignore_https_errors=True, locale="zh-CN",
                                               user_agent=f"{USER_AGENT_SUFFIX} (link check)",
                                               proxy=self._proxy.browser_proxy())

    def failure(self) -> Exception | None:
        """Why the browser could not start, when it was needed and failed."""
        return self._error

    async def close(self) -> None:
        """Close the browser and Playwright, when they were started, and stop the browser's thread (once: the
        crawl closes it when it is over, and the command again on its way out)."""
        if self._closed:
            return
        self._closed = True
        try:
            await self._thread.run(self._close())
        finally:
            self._thread.stop()

    async def _close(self) -> None:
        if self._browser is not None:
            await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()


async def _inspect(context: BrowserContext | LazyBrowser | None, url: str, scope: str | None, settings: LinkSettings,
                   page_timeout_seconds: float) -> LinkReport:
    # Fetched pages are paced by the checker's gate; a browser's visits by the interval alone.
    pacing = Politeness(settings.min_interval_seconds if context is not None else 0.0)
    async with LinkChecker(settings) as checker:
        return await inspect_links(context, url, scope or scope_of(url), settings, page_timeout_seconds,
                                   checker.check, pacing, gate=checker.gate,
                                   crawled=context.close if isinstance(context, LazyBrowser) else None)


async def check_urls(urls: list[str], settings: LinkSettings) -> LinkRun:
    """Check a list of URLs (no crawl); duplicates are checked once."""
    started = time.monotonic()
    unique = list(dict.fromkeys(u.strip() for u in urls if u.strip()))
    async with LinkChecker(settings) as checker:
        results = await asyncio.gather(*(checker.check(u) for u in unique))
    return LinkRun(dict(zip(unique, results, strict=True)), links_found=len(urls),
                   elapsed_seconds=time.monotonic() - started)


def write_json(run: LinkRun, target: Path) -> None:
    """Write the run's JSON (UTF-8, Chinese kept readable): the summary indented, then one line per URL.

    A line per result keeps a file of 100,000 links easy to grep and is written by the fast (C) encoder;
    indenting every field would take longer than checking the links of a small site.
    """
    head = json.dumps(run.summary_json(), ensure_ascii=False, indent=1)
    results = run.results_json()
    lines = ",\n  ".join(json.dumps(result, ensure_ascii=False) for result in results)
    text = f'{head[:-2]},\n "results": [\n  {lines}\n ]\n}}\n' if results else f'{head[:-2]},\n "results": []\n}}\n'
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
