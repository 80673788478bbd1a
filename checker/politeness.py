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

from checker.runlog import LOG
from checker.scenario import DEFAULT_SETTINGS

if TYPE_CHECKING:
    from playwright.async_api import APIRequestContext

ROBOTS_AGENT = "govcheck"
ROBOTS_REFUSAL = "robots.txt 不允许访问"
ROBOTS_ATTEMPTS = 3
"""How often a robots.txt that failed to load is asked for again before it is taken as permitting all."""


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
        self._robot_failures: dict[str, int] = {}
        self._robot_locks: dict[str, asyncio.Lock] = {}

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

        A robots.txt that is missing or unreadable permits everything, as crawlers conventionally read it. One
        that failed to load (no answer, 5xx, 429) permits this request and is asked for again on the next
        one, up to ``ROBOTS_ATTEMPTS`` times: one dropped request does not switch robots.txt off for a server.
        """
        if not self.respect_robots:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        async with self._robot_locks.setdefault(origin, asyncio.Lock()):  # one fetch at a time per origin
            if origin not in self._robots:
                rules, transient = await self._load(origin, request)
                failures = self._robot_failures.get(origin, 0) + transient
                self._robot_failures[origin] = failures
                if not transient or failures >= ROBOTS_ATTEMPTS:
                    self._robots[origin] = rules
        rules = self._robots.get(origin)
        return rules is None or rules.can_fetch(ROBOTS_AGENT, url)

    async def _load(self, origin: str, request: APIRequestContext) -> tuple[RobotFileParser | None, bool]:
        """The parsed robots.txt (None: permits everything) and whether the fetch failed as a look."""
        from playwright.async_api import Error as PlaywrightError  # only runs with a browser's request client

        await self.wait_turn(origin + "/robots.txt")
        try:
            response = await request.get(origin + "/robots.txt", timeout=self.request_timeout_seconds * 1000,
                                         max_redirects=3)
            if response.status >= 400:
                return None, response.status >= 500 or response.status == 429
            text = await response.text()
        except PlaywrightError:
            LOG.info("robots.txt 未能读取：%s", origin, exc_info=True)
            return None, True
        rules = RobotFileParser()
        rules.parse(text.splitlines())
        return rules, False
