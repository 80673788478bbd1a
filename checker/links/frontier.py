"""The crawl's queue of pages: nearest first, each URL once, shared by the crawl's workers."""

from __future__ import annotations

import asyncio
import heapq


class Frontier:
    """The crawl's queue: pages to open, nearest first, each URL once; workers wait while others may still
    add pages, and stop when nothing is queued or in flight (or the page limit is reached)."""

    def __init__(self, start: str, max_depth: int) -> None:
        self._max_depth = max_depth
        self._seen = {start}
        self._queue: list[tuple[int, int, str]] = [(0, 0, start)]
        self._order = 1
        self._beyond = 0
        self.in_flight = 0
        self._changed = asyncio.Condition()

    def add(self, urls: list[str], depth: int) -> None:
        """Queue the pages not seen yet (those past ``max_depth`` are only counted)."""
        for url in urls:
            if url in self._seen:
                continue
            self._seen.add(url)
            if depth > self._max_depth:
                self._beyond += 1
                continue
            heapq.heappush(self._queue, (depth, self._order, url))
            self._order += 1

    async def next(self, full: bool) -> tuple[int, str] | None:
        """The nearest page to open, or None when the crawl is over for this worker."""
        async with self._changed:
            while not self._queue and self.in_flight:
                await self._changed.wait()
            if not self._queue or full:
                return None
            depth, _, url = heapq.heappop(self._queue)
            self.in_flight += 1
            return depth, url

    async def done(self) -> None:
        """A page is read (its links already added): wake the workers waiting for more."""
        async with self._changed:
            self.in_flight -= 1
            self._changed.notify_all()

    def queued(self) -> int:
        """Pages waiting to be opened."""
        return len(self._queue)

    def left_over(self) -> int:
        """Pages found but not opened: still queued at the page limit, or deeper than ``max_depth``."""
        return len(self._queue) + self._beyond
