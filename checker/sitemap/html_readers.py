"""Reading a page from its HTML, on a worker process beside the event loop.

The walk reads most pages from their HTML (:mod:`checker.sitemap.static_read`): lxml's parse, then pure
Python over the tree. That work holds the interpreter lock, and it ran on the event loop's thread: while a
few sites walked at once, that thread was busy and Chromium, on the other core, waited for it (the suite
benchmark's idle troughs, ``benchmarks/README.md``). :class:`HtmlReaders` runs
:func:`~checker.sitemap.html_read.read_page_html`, a pure function of the HTML, on a worker process
instead; the loop only sends the text and gets plain data back. When no worker can be had (one died, or
``workers=0``), the same function runs inline, so the result never depends on where it was read.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import checker
from checker.runlog import LOG
from checker.sitemap.html_read import HtmlRead, read_page_html
from checker.sitemap.html_worker import receive, send


def default_workers() -> int:
    """Worker processes for HTML reads: one core is left to the event loop and the browser (1 on 2 cores,
    at most 4), counting the cores this process may run on."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 2)
    return max(1, min(4, cores - 1))


class _Worker:
    """One worker process and its pipes; used by one thread at a time."""

    def __init__(self) -> None:
        package_root = str(Path(checker.__file__).resolve().parent.parent)
        path = os.environ.get("PYTHONPATH", "")
        env = {**os.environ, "PYTHONPATH": package_root + (os.pathsep + path if path else "")}
        self.process = subprocess.Popen([sys.executable, "-m", "checker.sitemap.html_worker"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)

    def call(self, arguments: tuple[Any, ...]) -> HtmlRead | None:
        """Send one read and wait for its answer; None when the read raised there (OSError or EOFError when
        the process is gone)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        send(self.process.stdin, arguments)
        done, answer = receive(self.process.stdout)  # type: ignore[misc]
        return answer if done and isinstance(answer, HtmlRead) else None

    def stop(self) -> None:
        """Close its input (it then exits) and reap it."""
        with contextlib.suppress(OSError):
            if self.process.stdin is not None:
                self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class HtmlReaders:
    """Runs :func:`read_page_html` on worker processes (``workers`` of them; 0: inline on the caller's thread).

    Each worker is ``python -m checker.sitemap.html_worker``, a fresh interpreter that imports only the
    readers (never the caller's own script, as ``multiprocessing`` would), started on first use and shared
    by every walk of the process, whatever its event loop. A read talks to its worker from a thread of the
    readers' own (one per worker); the pipes' I/O releases the interpreter lock. A worker that dies is given
    up, and that read (and, once none is left, every read) runs inline; a read that raises in the worker is
    read inline too, so the error meets the walk where it is handled.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._started: list[_Worker] = []
        self._lock = threading.Lock()
        self._threads = ThreadPoolExecutor(max(1, workers), thread_name_prefix="govcheck-read")

    async def read(self, html: str, url: str, scripts: Mapping[str, str | None], footer_selector: str | None,
                   links_limit: int, max_chars: int) -> HtmlRead:
        """:func:`read_page_html` on a worker (inline when there is none)."""
        arguments = (html, url, dict(scripts), footer_selector, links_limit, max_chars)
        if self.workers > 0:
            read = await asyncio.get_running_loop().run_in_executor(self._threads, self._on_worker, arguments)
            if read is not None:
                return read
        return read_page_html(*arguments)

    def _on_worker(self, arguments: tuple[Any, ...]) -> HtmlRead | None:
        worker = self._take()
        if worker is None:
            return None
        try:
            read = worker.call(arguments)
        except (OSError, EOFError, pickle.PickleError):
            LOG.warning("读取页面的工作进程已退出，改在主进程中读取", exc_info=True)
            self._drop(worker)
            return None
        self._idle.put(worker)
        return read  # None: the read raised there; read inline, where the error meets the walk's handling

    def _take(self) -> _Worker | None:
        """An idle worker, a new one while fewer than ``workers`` run, else the next to come free (None once
        no worker is left)."""
        while True:
            with self._lock:
                try:
                    return self._idle.get_nowait()
                except queue.Empty:
                    pass
                if len(self._started) < self.workers:
                    try:
                        worker = _Worker()
                    except OSError:
                        LOG.warning("未能启动读取页面的工作进程，改在主进程中读取", exc_info=True)
                        self.workers = len(self._started)
                        return None
                    self._started.append(worker)
                    return worker
                if not self._started:
                    return None
            with contextlib.suppress(queue.Empty):
                return self._idle.get(timeout=0.5)  # timed: a worker that dies meanwhile never comes free

    def _drop(self, worker: _Worker) -> None:
        with self._lock:
            if worker in self._started:
                self._started.remove(worker)
            self.workers = min(self.workers, len(self._started))
        worker.stop()

    def close(self) -> None:
        """Stop the worker processes (new ones start on the next read)."""
        with self._lock:
            workers, self._started = self._started, []
            self._idle = queue.SimpleQueue()
        for worker in workers:
            worker.stop()


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
