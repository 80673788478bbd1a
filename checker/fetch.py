"""Fetching detail pages without rendering them: concurrent, polite (a per-host limit), never raising.

The browser context's request client is used, so the fetches carry the cookies the citizen's browser
holds (a session cookie some CMSs set on the home page). Each page is fetched once per site run and
kept in a cache the publishing families share.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from playwright.async_api import APIRequestContext, APIResponse
from playwright.async_api import Error as PlaywrightError

from checker.htmlpage import ParsedPage, decode_html, parse_html
from checker.politeness import ROBOTS_REFUSAL, Politeness

MAX_BYTES = 5_000_000


@dataclass(frozen=True)
class Fetched:
    """One fetched page: its status, or the error, and the parsed page when it could be read."""

    url: str
    status: int | None
    error: str
    page: ParsedPage | None

    @property
    def ok(self) -> bool:
        """Whether the page answered and could be read."""
        return self.page is not None

    @property
    def transient(self) -> bool:
        """Whether the fetch failed as a look (no answer, or 5xx/429): worth fetching again, never remembered."""
        if self.page is not None or self.error == ROBOTS_REFUSAL:
            return False
        return self.status is None or self.status >= 500 or self.status in (408, 429)

    def reason(self) -> str:
        """Why the page could not be read, in the words of the coverage note."""
        return self.error or f"HTTP {self.status}"


async def dispose(response: APIResponse) -> None:
    """Free a fetched answer's body in Playwright's driver, which keeps every body until its browser context
    closes: a walk of a few hundred pages otherwise holds them all (the driver's memory grew with the sites)."""
    with contextlib.suppress(PlaywrightError):
        await response.dispose()


async def fetch_one(request: APIRequestContext, url: str, timeout_seconds: float) -> Fetched:
    """GET one page and parse it; 4xx/5xx, timeouts, resets, huge or non-HTML bodies become a reason."""
    try:
        response = await request.get(url, timeout=timeout_seconds * 1000, max_redirects=5)
        try:
            status = response.status
            if status >= 400:
                return Fetched(url, status, "", None)
            content_type = response.headers.get("content-type", "")
            if content_type and "html" not in content_type and "text" not in content_type:
                return Fetched(url, status, f"不是网页（{content_type[:40]}）", None)
            body = await response.body()
        finally:
            await dispose(response)
    except PlaywrightError as error:
        return Fetched(url, None, (str(error).splitlines() or ["无法打开"])[0][:160], None)
    if len(body) > MAX_BYTES:
        body = body[:MAX_BYTES]
    page = await asyncio.to_thread(lambda: parse_html(decode_html(body, content_type), response.url))
    return Fetched(url, status, "", page)


class PageFetcher:
    """Fetches pages concurrently with at most ``per_host`` requests in flight per host, caching results.

    A failed look (no answer, 5xx, 429) is not cached: the next family that asks fetches the page afresh.
    """

    def __init__(self, request: APIRequestContext, per_host: int, timeout_seconds: float,
                 politeness: Politeness | None = None) -> None:
        self._request = request
        self._politeness = politeness or Politeness()
        self._per_host = per_host
        self._timeout = timeout_seconds
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._cache: dict[str, Fetched] = {}

    def remember(self, fetched: Fetched) -> None:
        """Keep a page read elsewhere in this run (the site map's walk), so it is never fetched again."""
        self._cache.setdefault(fetched.url, fetched)

    def cached(self, url: str) -> Fetched | None:
        """A page already fetched in this run, if any."""
        return self._cache.get(url)

    async def _fetch(self, url: str) -> Fetched:
        if url in self._cache:
            return self._cache[url]
        host = urlsplit(url).netloc
        limit = self._hosts.setdefault(host, asyncio.Semaphore(self._per_host))
        async with limit:
            if url in self._cache:
                return self._cache[url]
            if not await self._politeness.allowed(url, self._request):
                fetched = Fetched(url, None, ROBOTS_REFUSAL, None)
            else:
                await self._politeness.wait_turn(url)
                fetched = await fetch_one(self._request, url, self._timeout)
            if not fetched.transient:
                self._cache[url] = fetched
            return fetched

    async def fetch(self, urls: Iterable[str]) -> dict[str, Fetched]:
        """Every URL fetched (once), by URL."""
        wanted = list(dict.fromkeys(urls))
        results = await asyncio.gather(*(self._fetch(url) for url in wanted))
        return dict(zip(wanted, results, strict=True))
