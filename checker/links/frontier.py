"""The crawl's queue of pages: nearest first, each URL opened once, shared by the crawl's workers."""

from __future__ import annotations

import asyncio
import heapq
from collections import deque


class Frontier:
    """The crawl's queue: pages to open, nearest first, each URL opened once; workers wait while others may
    still add pages, and stop when nothing is queued or in flight (or the page limit is reached).

    A page's depth is the shortest path found to it so far. Pages are read concurrently and at different
    speeds (a rendered page takes longer than a fetched one), so a page may first be reached by a longer path:
    when a shorter one turns up, the page moves up the queue, a page left beyond ``max_depth`` is queued after
    all, and the links of a page already read are offered again at their new depth (nothing is read twice).
    """

    def __init__(self, start: str, max_depth: int) -> None:
        self._max_depth = max_depth
        self._depth: dict[str, int] = {start: 0}
        self._queue: list[tuple[int, int, str]] = [(0, 0, start)]
        self._pending = {start}
        self._opened: set[str] = set()
        self._children: dict[str, list[str]] = {}
        self._beyond: set[str] = set()
        self._order = 1
        self.in_flight = 0
        self._changed = asyncio.Condition()

    def depth(self, url: str) -> int:
        """The shortest known depth of a page (-1 when unknown)."""
        return self._depth.get(url, -1)

    def add(self, urls: list[str], parent: str) -> None:
        """Offer the pages linked from ``parent`` (one level below it; a page may offer more later, once
        rendered); those past ``max_depth`` are kept aside, counted, and queued if a shorter path to them
        turns up."""
        self._children[parent] = [*self._children.get(parent, ()), *urls]
        offers = deque((url, self._depth[parent] + 1) for url in urls)
        while offers:
            url, depth = offers.popleft()
            known = self._depth.get(url)
            if known is not None and known <= depth:
                continue
            self._depth[url] = depth
            if depth > self._max_depth:
                self._beyond.add(url)
                continue
            self._beyond.discard(url)
            if url in self._opened:
                offers.extend((child, depth + 1) for child in self._children.get(url, ()))
                continue
            self._pending.add(url)
            heapq.heappush(self._queue, (depth, self._order, url))
            self._order += 1

    async def next(self, full: bool) -> tuple[int, str] | None:
        """The nearest page to open, or None when the crawl is over for this worker."""
        async with self._changed:
            while not self._pending and self.in_flight:
                await self._changed.wait()
            if not self._pending or full:
                return None
            while True:
                depth, _, url = heapq.heappop(self._queue)
                if url in self._pending and depth == self._depth[url]:  # older entries of a moved page: skipped
                    break
            self._pending.discard(url)
            self._opened.add(url)
            self.in_flight += 1
            return depth, url

    def hold(self) -> None:
        """Count one more piece of work in flight (a page rendered in the background), so the workers wait
        for the pages it may add; :meth:`done` ends it."""
        self.in_flight += 1

    async def done(self) -> None:
        """A page is read (its links already added): wake the workers waiting for more."""
        async with self._changed:
            self.in_flight -= 1
            self._changed.notify_all()

    def queued(self) -> int:
        """Pages waiting to be opened."""
        return len(self._pending)

    def left_over(self) -> int:
        """Pages found but not opened: still queued at the page limit, or deeper than ``max_depth``."""
        return len(self._pending) + len(self._beyond)
