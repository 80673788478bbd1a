"""The link checker's pacing and proxies: PrioritySlots (cap, urgent first, cancellation), EnvProxies, a real
request through a forward proxy, and the fetch-mode crawl sharing the per-host gate with the checks (pages it
cannot open are handed to the checker during the crawl). Everything runs on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

import pytest

from checker.links.http_check import LinkChecker
from checker.links.http_support import LOOPBACK_HOSTS, EnvProxies, PrioritySlots
from checker.links.inspect import inspect_links
from checker.links.model import LinkResult, LinkStatus
from checker.scenario import LinkSettings
from tests.aio import run_async

T = TypeVar("T")
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")



def clear_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove every proxy variable (both spellings: urllib prefers the lower-case one)."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.delenv("REQUEST_METHOD", raising=False)  # in a CGI environment urllib ignores HTTP_PROXY


# --- PrioritySlots ---------------------------------------------------------------------------------------


async def _acquired_at_once(slots: PrioritySlots) -> bool:
    """Whether a new acquire completes without waiting for anyone to release."""
    task = asyncio.ensure_future(slots.acquire())
    await asyncio.sleep(0)
    if task.done():
        return True
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return False


def test_priority_slots_never_exceed_their_size() -> None:
    async def main() -> tuple[int, int]:
        slots = PrioritySlots(3)
        holding = peak = 0

        async def hold(index: int) -> None:
            nonlocal holding, peak
            urgent = index % 4 == 0
            await slots.acquire(urgent=urgent)
            holding += 1
            peak = max(peak, holding)
            assert slots.held <= 3
            await asyncio.sleep(0.001 * (index % 3))
            holding -= 1
            slots.release(urgent)

        await asyncio.gather(*(hold(index) for index in range(40)))
        return peak, slots.held

    peak, held = run_async(main())
    assert peak == 3  # the cap is reached (the test would see a wrong cap) and never passed
    assert held == 0


def test_reserved_slots_are_kept_for_urgent_holders_until_given_back() -> None:
    async def main() -> None:
        slots = PrioritySlots(3)
        slots.reserve(2)
        await slots.acquire()  # one normal slot is left beside the two reserved
        second = asyncio.ensure_future(slots.acquire())
        await asyncio.sleep(0.01)
        assert not second.done() and slots.held == 1
        await slots.acquire(urgent=True)
        await slots.acquire(urgent=True)
        assert slots.held == 3 and not second.done()
        slots.release(urgent=True)
        await asyncio.sleep(0.01)
        assert not second.done()  # the freed slot is still reserved: one urgent holder could come back
        slots.reserve(1)  # a second crawl of the host adds its share...
        slots.reserve(-1)  # ...and gives it back without undoing the first one's
        await asyncio.sleep(0.01)
        assert not second.done()
        slots.reserve(-2)
        await asyncio.wait_for(second, 1)
        assert slots.held == 3

    run_async(main())


def test_an_urgent_waiter_is_served_before_normal_ones_that_came_first() -> None:
    async def main() -> list[str]:
        slots = PrioritySlots(1)
        await slots.acquire()
        order: list[str] = []

        async def wait(name: str, urgent: bool) -> None:
            await slots.acquire(urgent)
            order.append(name)
            await asyncio.sleep(0.001)
            slots.release(urgent)

        waiters = []
        for name, urgent in (("normal-1", False), ("normal-2", False), ("urgent-1", True), ("urgent-2", True)):
            waiters.append(asyncio.ensure_future(wait(name, urgent)))
            await asyncio.sleep(0)  # queued in this order
        assert order == []
        slots.release()
        await asyncio.gather(*waiters)
        assert slots.held == 0
        return order

    assert run_async(main()) == ["urgent-1", "urgent-2", "normal-1", "normal-2"]


def test_a_waiter_cancelled_while_waiting_leaks_no_slot() -> None:
    async def main() -> None:
        slots = PrioritySlots(1)
        await slots.acquire()
        cancelled = asyncio.ensure_future(slots.acquire(urgent=True))
        kept = asyncio.ensure_future(slots.acquire())
        await asyncio.sleep(0)
        cancelled.cancel()
        with pytest.raises(asyncio.CancelledError):
            await cancelled
        slots.release()  # goes to ``kept``, not to the cancelled waiter
        await asyncio.wait_for(kept, 1)
        assert slots.held == 1
        slots.release()
        assert slots.held == 0
        assert await _acquired_at_once(slots)
        assert slots.held == 1

    run_async(main())


def test_a_waiter_cancelled_just_after_being_granted_gives_its_slot_back() -> None:
    async def main() -> None:
        slots = PrioritySlots(1)
        await slots.acquire()
        waiter = asyncio.ensure_future(slots.acquire())
        await asyncio.sleep(0)
        slots.release()  # the slot is handed to the waiter...
        waiter.cancel()  # ...which is cancelled before it runs again
        with pytest.raises(asyncio.CancelledError):
            await waiter
        assert slots.held == 0
        assert await _acquired_at_once(slots)

    run_async(main())


# --- EnvProxies ------------------------------------------------------------------------------------------


def test_env_proxies_follow_http_proxy_and_no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxy_env(monkeypatch)
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example")
    proxies = EnvProxies(enabled=True)
    assert proxies.for_url("http", "a.example") == "http://127.0.0.1:3128"
    assert proxies.for_url("http", "internal.example") is None
    assert proxies.for_url("https", "a.example") is None  # no HTTPS_PROXY
    assert proxies.for_url("http", "a.example") == "http://127.0.0.1:3128"  # the kept answer agrees

    disabled = EnvProxies(enabled=False)
    assert disabled.for_url("http", "a.example") is None
    assert disabled.for_url("https", "a.example") is None


# --- A request through a forward proxy -------------------------------------------------------------------


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ForwardProxy

    def log_message(self, *_args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._answer()

    def do_GET(self) -> None:
        self._answer()

    def _answer(self) -> None:
        with self.server.lock:
            self.server.seen.append((self.command, self.path, self.headers.get("Host", "")))
        body = b"" if self.command == "HEAD" else b"proxied"
        self.send_response(200)
        self.send_header("Content-Length", "7")
        self.end_headers()
        self.wfile.write(body)


class ForwardProxy(ThreadingHTTPServer):
    """A plain-HTTP forward proxy that never forwards: it records each request line's target and says 200."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.lock = threading.Lock()
        self.seen: list[tuple[str, str, str]] = []


@pytest.fixture
def forward_proxy() -> Iterator[ForwardProxy]:
    proxy = ForwardProxy()
    thread = threading.Thread(target=proxy.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield proxy
    proxy.shutdown()
    proxy.server_close()


def test_a_check_goes_through_the_environment_proxy(monkeypatch: pytest.MonkeyPatch,
                                                    forward_proxy: ForwardProxy) -> None:
    clear_proxy_env(monkeypatch)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{forward_proxy.server_address[1]}")
    resolved: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def loopback_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        # Nothing may leave this machine: site.example must be reached through the proxy, never looked up.
        name = host.decode() if isinstance(host, bytes) else str(host)
        resolved.append(name)
        if name not in LOOPBACK_HOSTS:
            raise socket.gaierror(socket.EAI_NONAME, f"test refuses to resolve {name}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_getaddrinfo)

    async def main() -> LinkResult:
        link_settings = LinkSettings(min_interval_seconds=0, retry_pause_seconds=0.05, timeout_seconds=2)
        async with LinkChecker(link_settings, loopback_only=False) as checker:
            return await checker.check("http://site.example/page")

    result = run_async(main())
    assert (result.status, result.http_status) == (LinkStatus.OK, 200), result.reason
    assert forward_proxy.seen == [("HEAD", "http://site.example/page", "site.example")]
    assert "site.example" not in resolved


# --- The fetch-mode crawl shares the per-host gate with the checks ---------------------------------------

PAGES = 30


def _page_html(index: int) -> bytes:
    children = [child for child in range(index * 3 + 1, index * 3 + 4) if child < PAGES]
    links = "".join(f'<a href="/p/{child}.html">第{child}页</a>' for child in children)
    links += '<a href="/p/0.html">首页</a><img src="/img/logo.png">'
    links += f'<img src="/img/{index}-a.png"><img src="/img/{index}-b.png">'
    links += f'<a href="/files/{index}.pdf">附件</a><a href="/files/{index}.docx">附件</a>'
    return f"<html><head><title>第{index}页</title></head><body>{links}</body></html>".encode()


class _SiteHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: GateSite

    def log_message(self, *_args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def _serve(self) -> None:
        site = self.server
        with site.lock:
            site.inflight += 1
            site.max_inflight = max(site.max_inflight, site.inflight)
            site.requests.append((self.command, self.path))
        try:
            self._route(site)
        finally:
            with site.lock:
                site.inflight -= 1

    def _route(self, site: GateSite) -> None:
        path = self.path.split("?")[0]
        if path == "/broken":
            time.sleep(site.delay)
            self._answer(500, b"error", "text/html; charset=utf-8")
        elif path in ("/", "/p/0.html"):
            time.sleep(site.delay)
            self._answer(200, site.home, "text/html; charset=utf-8")
        elif path.startswith("/p/") and path.endswith(".html"):
            time.sleep(site.delay)
            body = site.page(int(path[3:-5]))
            with site.lock:
                site.last_page_served = time.monotonic()
            self._answer(200, body, "text/html; charset=utf-8")
        elif path.startswith(("/img/", "/files/")):
            time.sleep(site.delay)
            kind = "image/png" if path.endswith(".png") else "application/octet-stream"
            self._answer(200, b"x" * 100, kind)
        else:
            self._answer(404, b"missing", "text/html; charset=utf-8")

    def _answer(self, code: int, body: bytes, content_type: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class GateSite(ThreadingHTTPServer):
    """A small site whose every answer takes ``delay`` seconds; it counts the requests in flight at once."""

    daemon_threads = True

    def __init__(self, delay: float, home: bytes, pages: dict[int, bytes]) -> None:
        super().__init__(("127.0.0.1", 0), _SiteHandler)
        self.delay = delay
        self.home = home
        self.pages = pages
        self.lock = threading.Lock()
        self.inflight = 0
        self.max_inflight = 0
        self.requests: list[tuple[str, str]] = []
        self.last_page_served = 0.0

    def page(self, index: int) -> bytes:
        """The HTML of page ``/p/{index}.html``."""
        return self.pages[index]

    def reset(self) -> None:
        """Forget the requests seen so far and the peak in flight."""
        with self.lock:
            self.max_inflight = 0
            self.requests.clear()

    @property
    def base(self) -> str:
        """The home page's URL (also the crawl's scope)."""
        return f"http://127.0.0.1:{self.server_address[1]}/"


def _serve(site: GateSite) -> Iterator[GateSite]:
    """Serve the site on a thread for the length of a test."""
    thread = threading.Thread(target=site.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield site
    site.shutdown()
    site.server_close()


@pytest.fixture
def gate_site() -> Iterator[GateSite]:
    pages = {index: _page_html(index) for index in range(PAGES)}
    yield from _serve(GateSite(0.03, pages[0], pages))


def _gate_settings(**overrides: Any) -> LinkSettings:
    values: dict[str, Any] = {"crawl_mode": "fetch", "per_host": 2, "crawl_tabs": 3, "min_interval_seconds": 0,
                              "retry_pause_seconds": 0.05, "timeout_seconds": 5, "max_depth": 3,
                              "max_pages": 200, "budget_seconds": 30}
    values.update(overrides)
    return LinkSettings(**values)


def test_the_fetch_crawl_and_the_checks_share_the_per_host_limit(gate_site: GateSite) -> None:
    link_settings = _gate_settings()

    async def main() -> Any:
        async with LinkChecker(link_settings) as checker:
            return await inspect_links(None, gate_site.base, gate_site.base, link_settings, 5, checker.check,
                                       gate=checker.gate)

    report = run_async(main())
    assert gate_site.max_inflight <= 2
    base = gate_site.base
    opened = {page.url for page in report.crawl.pages}
    assert {f"{base}p/{index}.html" for index in range(1, PAGES)} <= opened
    expected = {f"{base}img/logo.png"} | {f"{base}img/{i}-{s}.png" for i in range(PAGES) for s in "ab"}
    expected |= {f"{base}files/{i}.{ext}" for i in range(PAGES) for ext in ("pdf", "docx")}
    assert expected <= set(report.results)
    assert set(report.results) == set(report.occurrences)
    not_ok = {url: result.status for url, result in report.results.items() if result.status is not LinkStatus.OK}
    assert not_ok == {}
    assert ("HEAD", "/img/logo.png") in gate_site.requests  # the checks did run against the same host

    # The same crawl without the gate takes more than two at once: the gate is what held it to two.
    gate_site.reset()

    async def crawl_alone() -> Any:
        async def no_check(url: str, **_kwargs: Any) -> LinkResult:
            return LinkResult(url, LinkStatus.OK)

        return await inspect_links(None, gate_site.base, gate_site.base, link_settings, 5, no_check)

    run_async(crawl_alone())
    assert all(method == "GET" for method, _ in gate_site.requests)
    assert gate_site.max_inflight > 2


# --- A page the crawl cannot open goes to the checker at once --------------------------------------------

SLOW_PAGES = 14


@pytest.fixture
def broken_site() -> Iterator[GateSite]:
    pages_links = "".join(f'<a href="/p/{i}.html">第{i}页</a>' for i in range(1, 1 + SLOW_PAGES))
    links = '<a href="/broken">坏页</a>' + pages_links
    home = f"<html><body>{links}</body></html>".encode()
    pages = {i: b"<html><body><p>text</p></body></html>" for i in range(1, 1 + SLOW_PAGES)}
    site = GateSite(0.15, home, pages)
    yield from _serve(site)


def test_a_page_the_crawl_cannot_open_is_checked_during_the_crawl(broken_site: GateSite) -> None:
    link_settings = _gate_settings(max_depth=2)
    calls: list[tuple[str, float, bool]] = []

    async def main() -> Any:
        async with LinkChecker(link_settings) as checker:
            async def check(url: str, *, external: bool = False, urgent: bool = False) -> LinkResult:
                calls.append((url, time.monotonic(), urgent))
                return await checker.check(url, external=external, urgent=urgent)

            return await inspect_links(None, broken_site.base, broken_site.base, link_settings, 5, check,
                                       gate=checker.gate)

    started = time.monotonic()
    report = run_async(main())
    broken = broken_site.base + "broken"
    crawl_end = broken_site.last_page_served
    assert crawl_end - started >= 1.0  # the crawl lasts long enough for "during" to mean something
    first = next((when, urgent) for url, when, urgent in calls if url == broken)
    assert first[1] is True
    assert first[0] < crawl_end - 0.3, (first[0] - started, crawl_end - started)
    result = report.results[broken]
    assert (result.status, result.http_status) == (LinkStatus.SUSPECT, 500)
    assert result.attempts == 3  # HEAD, GET to confirm, then the retry (GET) after the pause
    assert all(report.results[f"{broken_site.base}p/{i}.html"].status is LinkStatus.OK
               for i in range(1, 1 + SLOW_PAGES))


def test_the_check_queue_bounds_checks_in_flight_and_starts_urgent_ones_at_once() -> None:
    from checker.links.inspect import CheckQueue

    async def main() -> None:
        in_flight = peak = 0
        started: list[str] = []
        release = asyncio.Event()

        async def check(url: str, *, external: bool = False, urgent: bool = False) -> LinkResult:
            nonlocal in_flight, peak
            started.append(url)
            in_flight += 1
            peak = max(peak, in_flight)
            await release.wait()
            in_flight -= 1
            return LinkResult(url, LinkStatus.OK, 200)

        queue = CheckQueue(check, 3)
        for number in range(20):
            queue.add(f"http://127.0.0.1:9/{number}")
        queue.add("http://127.0.0.1:9/0")  # queued once
        await asyncio.sleep(0.01)
        assert peak == 3
        queue.add("http://127.0.0.1:9/failed-page", urgent=True)
        await asyncio.sleep(0.01)
        assert "http://127.0.0.1:9/failed-page" in started  # not behind the 17 waiting
        await queue.finish(0.05)  # the checks are still held: the time runs out
        assert len(queue.unfinished()) == 21
        release.set()
        await queue.finish(1)
        queue.stop()
        assert queue.unfinished() == [] and len(queue.results) == 21 and peak == 4

    run_async(main())
