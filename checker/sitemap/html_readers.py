"""Reading a page from its HTML, on a worker process beside the event loop.

The walk reads most pages from their HTML (:mod:`checker.sitemap.static_read`): lxml's parse, then pure
Python over the tree. That work holds the interpreter lock, and it ran on the event loop's thread: while a
few sites walked at once, that thread was busy and Chromium, on the other core, waited for it (the suite
benchmark's idle troughs, ``benchmarks/README.md``). :class:`HtmlReaders` runs :func:`read_page_html`, a
pure function of the HTML, on a worker process instead; the loop only sends the text and gets plain data
back. When no worker can be had (the pool broke, or ``workers=0``), the same function runs inline, so
the result never depends on where it was read.
"""

from __future__ import annotations

import asyncio
import atexit
import multiprocessing
import os
import threading
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import partial
from typing import Any

from checker.htmlpage import ParsedPage, parse_html
from checker.links.render_need import render_reasons, script_sources
from checker.links.static_links import parse_document, static_links
from checker.runlog import LOG
from checker.sitemap.static_read import read_snapshot, read_structure, walk_reasons


@dataclass(frozen=True)
class HtmlRead:
    """One page read from its HTML, as plain data that crosses a process boundary.

    Exactly one of these holds: ``unparsable`` (lxml could not make a tree: render it); ``missing_scripts``
    (the page uses site scripts whose text was not given: fetch them and read again); ``reasons`` (the page
    must be rendered, and why); else the read itself — what ``snapshot.js``, ``structure.js`` and
    ``links.js`` would return, the :class:`ParsedPage`, and whether the page has any script.
    """

    unparsable: bool = False
    missing_scripts: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    snapshot: dict[str, Any] | None = None
    structure: dict[str, Any] | None = None
    links: dict[str, Any] | None = None
    parsed: ParsedPage | None = None
    has_script: bool = False


def read_page_html(html: str, url: str, scripts: Mapping[str, str | None], footer_selector: str | None,
                   links_limit: int, max_chars: int) -> HtmlRead:
    """Read one page from its (decoded) HTML: whether it must be rendered, else what a tab would have read.

    ``scripts`` holds the text of site scripts fetched so far (``None``: could not be read); a page that
    uses others is answered with ``missing_scripts``. Pure: the same text gives the same read anywhere.
    """
    root = parse_document(html)
    if root is None:
        return HtmlRead(unparsable=True)
    sources = script_sources(html, url, root)
    missing = tuple(source for source in sources if source not in scripts)
    if missing:
        return HtmlRead(missing_scripts=missing)
    reasons = (*walk_reasons(html), *render_reasons(html, url, {source: scripts[source] for source in sources},
                                                    root=root))
    if reasons:
        return HtmlRead(reasons=tuple(reasons))
    return HtmlRead(snapshot=read_snapshot(html, url, footer_selector, root), structure=read_structure(html, url, root),
                    links=static_links(html, url, links_limit, root), parsed=parse_html(html[:max_chars], url, root),
                    has_script=root.find(".//script") is not None)


def default_workers() -> int:
    """Worker processes for HTML reads: one core is left to the event loop and the browser (1 on 2 cores,
    at most 4), counting the cores this process may run on."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 2)
    return max(1, min(4, cores - 1))


class HtmlReaders:
    """Runs :func:`read_page_html` on worker processes (``workers`` of them; 0: inline on the caller's thread).

    The processes start on first use, with ``spawn`` (the parent runs threads: the browser driver, the
    network boundary), and are shared by every walk of the process. A pool that breaks (a worker killed)
    is given up, and reads continue inline.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor | None:
        with self._lock:
            if self._pool is None and self.workers > 0:
                self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
            return self._pool

    async def read(self, html: str, url: str, scripts: Mapping[str, str | None], footer_selector: str | None,
                   links_limit: int, max_chars: int) -> HtmlRead:
        """:func:`read_page_html` on a worker (inline when there is none)."""
        call = partial(read_page_html, html, url, dict(scripts), footer_selector, links_limit, max_chars)
        pool = self._executor()
        if pool is not None:
            try:
                return await asyncio.get_running_loop().run_in_executor(pool, call)
            except BrokenProcessPool:
                LOG.warning("读取页面的工作进程已退出，改在主进程中读取", exc_info=True)
                self._give_up(pool)
        return call()

    def _give_up(self, pool: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is pool:
                self.workers, self._pool = 0, None
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the worker processes (they start again on the next read)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


_SHARED: dict[int, HtmlReaders] = {}
_SHARED_LOCK = threading.Lock()


def shared_readers(workers: int | None = None) -> HtmlReaders:
    """The process's readers with ``workers`` processes (None: :func:`default_workers`), one pool per count,
    stopped when the process exits."""
    count = default_workers() if workers is None else workers
    with _SHARED_LOCK:
        if count not in _SHARED:
            _SHARED[count] = HtmlReaders(count)
        return _SHARED[count]


@atexit.register
def _close_shared() -> None:
    for readers in list(_SHARED.values()):
        readers.close()
