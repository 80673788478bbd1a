"""Politeness toward the sites checked: a minimum interval between requests to one host (shared by all
sites of a run, since a portal and its department channels share a server) and robots.txt when the
suite asks for it.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from checker.scenario import DEFAULT_SETTINGS

if TYPE_CHECKING:
    from playwright.async_api import APIRequestContext

ROBOTS_AGENT = "govcheck"
ROBOTS_REFUSAL = "robots.txt 不允许访问"


class Politeness:
    """Paces requests per host and answers whether robots.txt lets govcheck fetch a URL."""

    def __init__(self, min_interval_seconds: float = 0.0, respect_robots: bool = False,
                 request_timeout_seconds: float = DEFAULT_SETTINGS.page_timeout_seconds) -> None:
        self.min_interval = min_interval_seconds
        self.respect_robots = respect_robots
        self.request_timeout_seconds = request_timeout_seconds
        self._locks: dict[str, asyncio.Lock] = {}
        self._last: dict[str, float] = {}
        self._robots: dict[str, RobotFileParser | None] = {}

    async def wait_turn(self, url: str) -> None:
        """Return when a request to the URL's host keeps the minimum interval since the previous one."""
        if self.min_interval <= 0:
            return
        host = urlsplit(url).netloc
        async with self._locks.setdefault(host, asyncio.Lock()):
            wait = self._last.get(host, float("-inf")) + self.min_interval - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self._last[host] = time.monotonic()

    async def allowed(self, url: str, request: APIRequestContext) -> bool:
        """Whether robots.txt permits the URL (always, unless the suite asked to honour robots.txt).

        A robots.txt that is missing or unreadable permits everything, as crawlers conventionally read it.
        """
        if not self.respect_robots:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = await self._load(origin, request)
        rules = self._robots[origin]
        return rules is None or rules.can_fetch(ROBOTS_AGENT, url)

    async def _load(self, origin: str, request: APIRequestContext) -> RobotFileParser | None:
        from playwright.async_api import Error as PlaywrightError  # only runs with a browser's request client

        await self.wait_turn(origin + "/robots.txt")
        try:
            response = await request.get(origin + "/robots.txt", timeout=self.request_timeout_seconds * 1000,
                                         max_redirects=3)
            if response.status >= 400:
                return None
            text = await response.text()
        except PlaywrightError:
            return None
        rules = RobotFileParser()
        rules.parse(text.splitlines())
        return rules
