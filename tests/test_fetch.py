"""Fetching detail pages without rendering: bad charsets, GB18030, 404s, resets, and the per-host limit."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.async_api import async_playwright

from checker.docmeta import read_meta
from checker.fetch import Fetched, PageFetcher
from tests.aio import run_async

DOC = "<html><head>{head}<title>关于X的通知</title></head><body><p>文号：粤府〔2019〕12号</p><p>正文</p></body></html>"
PAGES: dict[str, tuple[str, bytes]] = {
    "/utf8-says-gb2312": ("text/html", DOC.format(head="<meta charset='gb2312'>").encode("utf-8")),
    "/gb18030-says-utf8": ("text/html; charset=utf-8", DOC.format(head="").encode("gb18030")),
    "/gbk-no-charset": ("text/html", DOC.format(head="").encode("gbk")),
    "/no-meta": ("text/html; charset=utf-8", "<html><body><h1>新闻</h1><p>没有信息栏</p></body></html>".encode()),
    "/file.pdf": ("application/pdf", b"%PDF-1.4"),
}


class _Handler(BaseHTTPRequestHandler):
    in_flight = 0
    most = 0
    lock = threading.Lock()

    def log_message(self, *_args: object) -> None:
        pass

    def do_GET(self) -> None:
        cls = type(self)
        with cls.lock:
            cls.in_flight += 1
            cls.most = max(cls.most, cls.in_flight)
        try:
            if self.path.startswith("/slow/"):
                time.sleep(0.05)
            if self.path == "/reset":
                self.connection.close()
                return
            content_type, body = PAGES.get(self.path, ("text/html; charset=utf-8", DOC.format(head="").encode()))
            status = 404 if self.path == "/missing" else 200
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        finally:
            with cls.lock:
                cls.in_flight -= 1


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def fetch_all(urls: list[str], per_host: int = 4) -> dict[str, Fetched]:
    """Fetch on a thread of its own (clear of pytest-playwright's loop)."""
    out: dict[str, dict[str, Fetched]] = {}

    async def main() -> None:
        async with async_playwright() as playwright:
            request = await playwright.request.new_context()
            out["pages"] = await PageFetcher(request, per_host, 5).fetch(urls)
            await request.dispose()

    thread = threading.Thread(target=lambda: asyncio.run(main()))
    thread.start()
    thread.join()
    return out["pages"]


@pytest.mark.parametrize("path", ["/utf8-says-gb2312", "/gb18030-says-utf8", "/gbk-no-charset"])
def test_charsets_that_lie_are_read(server: str, path: str) -> None:
    got = fetch_all([server + path])[server + path]
    assert got.ok and got.page is not None
    assert read_meta(got.page.lines, date(2020, 11, 6)).doc_number == "粤府〔2019〕12号"
    assert got.page.title == "关于X的通知"


def test_what_cannot_be_read_says_why(server: str) -> None:
    urls = [server + p for p in ("/missing", "/reset", "/file.pdf", "/no-meta")]
    got = fetch_all(urls)
    assert got[urls[0]].reason() == "HTTP 404" and not got[urls[0]].ok
    assert not got[urls[1]].ok and got[urls[1]].error
    assert not got[urls[2]].ok and "不是网页" in got[urls[2]].error
    page = got[urls[3]].page
    assert page is not None and not read_meta(page.lines, date(2020, 11, 6)).has_block


def test_per_host_limit_is_respected(server: str) -> None:
    _Handler.most = 0
    urls = [f"{server}/slow/{i}" for i in range(12)]
    got = fetch_all(urls, per_host=2)
    assert all(page.ok for page in got.values())
    assert 1 <= _Handler.most <= 2


class _FlakyRequest:
    """A request client whose first GET of each URL answers 503 and later ones the page."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def get(self, url: str, **_: object) -> object:
        self.calls.append(url)
        status = 503 if self.calls.count(url) == 1 else 200

        return _Answer(status, url)


class _Answer:
    """What the fake client answers: a status and a small HTML page."""

    def __init__(self, status: int, url: str) -> None:
        self.status = status
        self.url = url
        self.headers = {"content-type": "text/html; charset=utf-8"}

    async def body(self) -> bytes:
        return "<html><body><h1>政策文件</h1></body></html>".encode()

    async def dispose(self) -> None:
        """Nothing is held: the body is made on demand."""


def test_a_failed_look_is_not_remembered_and_a_later_ask_fetches_afresh() -> None:

    from checker.fetch import PageFetcher

    request = _FlakyRequest()
    fetcher = PageFetcher(request, per_host=2, timeout_seconds=5)  # type: ignore[arg-type]
    first = run_async(fetcher.fetch(["http://127.0.0.1:9/a"]))["http://127.0.0.1:9/a"]
    assert not first.ok and first.transient and first.status == 503
    second = run_async(fetcher.fetch(["http://127.0.0.1:9/a"]))["http://127.0.0.1:9/a"]
    assert second.ok and not second.transient
    run_async(fetcher.fetch(["http://127.0.0.1:9/a"]))
    assert request.calls == ["http://127.0.0.1:9/a"] * 2, "a page read whole is fetched once"
