"""The walk's HTML reads without a browser: failures read in the browser's words, bodies capped, cookies kept in
step with the browser context (the walk itself is tested in test_hybrid_walk and test_network_boundary)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from checker.sitemap.html_fetch import DirectRequests, FetchFailed
from checker.visit import describe_probe_error
from tests.aio import run_async
from tests.corpus_server import send_answer, serve_handler


class _Browser:
    """Stands in for a browser context's cookie calls: the cookies it holds, and what it was given."""

    def __init__(self, cookies: list[dict[str, Any]] | None = None) -> None:
        self.held = cookies or []
        self.given: list[dict[str, Any]] = []

    async def cookies(self) -> list[dict[str, Any]]:
        """The context's cookies."""
        return list(self.held)

    async def add_cookies(self, cookies: list[dict[str, Any]]) -> None:
        """Cookies handed to the context."""
        self.given += cookies


class _Site(BaseHTTPRequestHandler):
    """A page, a big download, a redirect loop, a page that sets a cookie and one that echoes the cookies."""

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        """Answer by path."""
        if self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/big.zip":
            send_answer(self, 200, "application/zip", b"z" * 200_000)
        elif self.path == "/login":
            self.send_response(200)
            self.send_header("Set-Cookie", "sid=fresh; Path=/")
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")
        elif self.path == "/echo":
            send_answer(self, 200, "text/plain", (self.headers.get("Cookie") or "").encode())
        else:
            send_answer(self, 200, "text/html; charset=utf-8", ("<p>" + "政务公开" * 5000 + "</p>").encode())


async def _get(url: str, browser: _Browser | None = None, timeout: float = 5, **options: Any) -> Any:
    source = DirectRequests(browser or _Browser(), None, "Mozilla/5.0 test", timeout, 4)  # type: ignore[arg-type]
    try:
        return await source.get(url, **{"max_redirects": 10, "limit": 1_000_000, "only_html": True, **options})
    finally:
        await source.close()


async def _failure(url: str, timeout: float = 5) -> str:
    with pytest.raises(FetchFailed) as caught:
        await _get(url, timeout=timeout)
    return describe_probe_error(str(caught.value), None, timeout)


@contextmanager
def _raw_server(answer: bool) -> Iterator[str]:
    """A server that accepts and then closes at once (``answer`` False) or never says anything (True)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        held = []
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            connection.recv(4096)
            if answer:
                held.append(connection)
            else:
                connection.close()
        for connection in held:
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def test_failures_read_as_a_tab_failing_to_load_reads() -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    assert run_async(_failure(f"http://127.0.0.1:{port}/")) == "连接被拒绝"
    with _raw_server(answer=False) as base:
        assert run_async(_failure(base)) == "连接被重置"
    with _raw_server(answer=True) as base:
        started = time.monotonic()
        assert run_async(_failure(base, timeout=0.5)) == "首页在0.5秒内未打开（超时）"
        assert time.monotonic() - started < 5
    with serve_handler(_Site) as base:
        assert run_async(_failure(base + "loop")) == "重定向循环"


def test_bodies_are_capped_and_downloads_not_read() -> None:
    with serve_handler(_Site) as base:
        page = run_async(_get(base, limit=1000))
        download = run_async(_get(base + "big.zip"))
        script = run_async(_get(base + "big.zip", only_html=False, limit=50_000))
    assert page.status == 200 and len(page.body) == 1000 and page.url == base
    assert download.status == 200 and download.body == b"" and download.content_type == "application/zip"
    assert len(script.body) == 50_000


def test_cookies_go_both_ways_once() -> None:
    """The browser's cookies go with the reads; a cookie a read was given goes to the browser, once."""
    async def exchange(base: str) -> tuple[bytes, _Browser, _Browser]:
        browser = _Browser([{"name": "passed", "value": "1", "domain": "127.0.0.1", "path": "/"},
                            {"name": "tls_only", "value": "1", "domain": "127.0.0.1", "path": "/", "secure": True}])
        source = DirectRequests(browser, None, "Mozilla/5.0 test", 5, 4)  # type: ignore[arg-type]
        try:
            echoed = await source.get(base + "echo", max_redirects=5, limit=1000, only_html=False)
            await source.before_render()
            given_before_login = list(browser.given)
            await source.get(base + "login", max_redirects=5, limit=1000, only_html=True)
            await source.before_render()
            await source.before_render()
        finally:
            await source.close()
        return bytes(echoed.body), _Browser(given_before_login), browser

    with serve_handler(_Site) as base:
        echoed, before_login, browser = run_async(exchange(base))
    assert echoed == b"passed=1", "the browser's Secure cookie is not sent over plain HTTP"
    assert before_login.given == [], "the browser's own cookie is not handed back to it"
    assert [(c["name"], c["value"], c["domain"], c["path"]) for c in browser.given] == [
        ("sid", "fresh", "127.0.0.1", "/")]
