"""``govcheck links`` spreads its tabs over browser contexts (standalone.TABS_PER_CONTEXT a context): Chromium
opens at most 6 connections to a host per context, and ten tabs of one site in one context queued behind each
other's slow data requests."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import ClassVar

import pytest

from checker.links.standalone import TABS_PER_CONTEXT, LazyBrowser, check_site
from checker.netguard import PolicyProxy
from checker.netsetup import guard_for_urls
from checker.scenario import LinkSettings
from tests.aio import run_async
from tests.corpus_server import send_answer, serve_handler

pytestmark = pytest.mark.browser

PAGES = 10
SLOW_SECONDS = 0.8


def _html(body: str) -> bytes:
    return f"<html><head><meta charset='utf-8'><title>栏目</title></head><body>{body}</body></html>".encode()


class _Handler(BaseHTTPRequestHandler):
    """A home page linking ``PAGES`` list pages; each list is filled by its script from data answered after
    ``SLOW_SECONDS``. Counts how many data requests are in flight at once."""

    protocol_version = "HTTP/1.1"
    lock: ClassVar[threading.Lock] = threading.Lock()
    in_flight: ClassVar[int] = 0
    most: ClassVar[int] = 0

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path
        kind = "text/html; charset=utf-8"
        if path == "/":
            body = _html("".join(f"<a href='/list{i}.html'>栏目{i}</a>" for i in range(PAGES)))
        elif path.startswith("/list") and path.endswith(".html"):
            number = path.removeprefix("/list").removesuffix(".html")
            body = _html(f"<ul id='items'></ul><script>fetch('/data{number}.json').then(r => r.json()).then(d => "
                         "{ document.getElementById('items').innerHTML = "
                         "d.map(u => `<li><a href='${u}'>条目</a></li>`).join(''); });</script>")
        elif path.startswith("/data"):
            cls = type(self)
            with cls.lock:
                cls.in_flight += 1
                cls.most = max(cls.most, cls.in_flight)
            time.sleep(SLOW_SECONDS)
            with cls.lock:
                cls.in_flight -= 1
            kind, body = "application/json", f'["/item{path[5:-5]}.html"]'.encode()
        else:
            body = _html("<p>条目</p>")
        send_answer(self, 200, kind, body)


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with serve_handler(_Handler) as base:
        yield base


def test_ten_tabs_of_one_site_are_not_held_to_one_contexts_six_connections(site: str) -> None:
    settings = LinkSettings(crawl_mode="hybrid", crawl_tabs=PAGES, min_interval_seconds=0, per_host=10,
                            timeout_seconds=5, max_depth=3)
    _Handler.most = 0
    run = run_async(check_site(site, settings, page_timeout_seconds=10))
    assert run.pages_rendered == PAGES
    assert {f"{site}item{i}.html" for i in range(PAGES)} <= set(run.results)  # every script-made link read
    assert _Handler.most > 6  # one context would never have more than 6 data requests in flight


def test_tabs_share_a_context_five_at_a_time(site: str) -> None:
    async def contexts() -> list[object]:
        guard = await guard_for_urls([site])
        with PolicyProxy(guard) as proxy:
            browser = LazyBrowser(None, proxy)
            try:
                return [await browser(seat) for seat in range(2 * TABS_PER_CONTEXT + 1)]
            finally:
                await browser.close()

    seen = run_async(contexts())
    assert len({id(context) for context in seen}) == 3
    assert all(seen[seat] is seen[seat - seat % TABS_PER_CONTEXT] for seat in range(len(seen)))


def test_a_context_that_cannot_be_made_leaves_its_tabs_in_the_first_one(site: str,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The browser runs, but a second context fails: its seats share the first context rather than reading
    their pages from HTML as if there were no browser."""
    made: list[object] = []

    async def new_context(self: LazyBrowser) -> object:
        if made:
            raise RuntimeError("上下文创建失败")
        made.append(object())
        return made[0]

    monkeypatch.setattr(LazyBrowser, "_new_context", new_context)

    async def contexts() -> list[object]:
        guard = await guard_for_urls([site])
        with PolicyProxy(guard) as proxy:
            browser = LazyBrowser(None, proxy)
            try:
                return [await browser(seat) for seat in (0, TABS_PER_CONTEXT, TABS_PER_CONTEXT + 1)]
            finally:
                await browser.close()

    assert run_async(contexts()) == [made[0]] * 3
    assert len(made) == 1
