"""The network boundary at work (issue #16), on loopback only.

127.0.0.1 plays the suite's own site; 127.0.0.2 stands in for the cloud metadata service (reclassified
link-local) and 127.0.0.3 for an intranet host (reclassified private). Every other address is reclassified
link-local too, so nothing off this machine could be reached even if something asked. Names resolve through
an injected resolver (no DNS query is made); the servers count what reaches them, so "refused" means the
request never arrived, not merely that an error was reported.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import aiohttp
import pytest
from playwright.async_api import BrowserContext, Page, async_playwright
from playwright.async_api import Error as PlaywrightError

from checker import netguard
from checker.browser import launch_arguments
from checker.netguard import (
    BLOCKED_MARK,
    ConnectFailure,
    GuardedConnector,
    NetworkGuard,
    PolicyProxy,
    blocked_reason,
    guarding,
    is_blocked_error,
)
from checker.netpolicy import INTERNAL, AddressClass, IPAddress, NetworkPolicy
from checker.visit import open_page
from tests.aio import run_async

CHROMIUM = "/usr/bin/chromium"
SITE = ipaddress.ip_address("127.0.0.1")
RECLASSIFIED = {
    "127.0.0.2/32": AddressClass.LINK_LOCAL,  # the "metadata service"
    "127.0.0.3/32": AddressClass.PRIVATE,  # the "intranet host"
    "127.0.0.0/8": AddressClass.LOOPBACK,
    "0.0.0.0/0": AddressClass.LINK_LOCAL,  # anything else: never
    "::/0": AddressClass.LINK_LOCAL,
}
NAMES = {
    "portal.test": ["127.0.0.1"],
    "intranet.test": ["127.0.0.2"],
    "private.test": ["127.0.0.3"],
    "mixed.test": ["127.0.0.1", "127.0.0.3"],
    "mixed-metadata.test": ["127.0.0.1", "127.0.0.2"],
}
NO_DNS = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"
"""Chromium resolves no name itself (names go to the SOCKS proxy unresolved anyway; this makes sure)."""


@dataclass
class FakeResolver:
    """Names of the tests' own; every name asked is remembered, an unknown one does not resolve."""

    names: dict[str, list[str]] = field(default_factory=lambda: dict(NAMES))
    asked: list[str] = field(default_factory=list)

    async def __call__(self, host: str, port: int) -> list[IPAddress]:
        """The addresses of ``host`` (socket.gaierror for a name it does not know)."""
        self.asked.append(host)
        if host.lower() not in self.names:
            raise socket.gaierror(socket.EAI_NONAME, f"unknown test name {host}")
        return [ipaddress.ip_address(text) for text in self.names[host.lower()]]


def make_guard(resolver: FakeResolver | None = None) -> NetworkGuard:
    """The guard every test uses: 127.0.0.1 is the site; 127.0.0.2 and 127.0.0.3 stand in for internal ones."""
    policy = NetworkPolicy.build(site_addresses=[SITE], reclassified=RECLASSIFIED)
    return NetworkGuard(policy, resolver=resolver or FakeResolver())


# --- servers that count what reaches them ------------------------------------------------------------------------

@dataclass
class Server:
    """A counting HTTP server on one loopback address; ``pages`` maps a path to (status, headers, body)."""

    host: str
    port: int
    seen: Counter[str]
    pages: dict[str, tuple[int, dict[str, str], bytes]]

    @property
    def base(self) -> str:
        """``http://HOST:PORT``."""
        return f"http://{self.host}:{self.port}"

    def url(self, path: str, host: str | None = None) -> str:
        """The URL of ``path`` here, optionally under another name for this server's address."""
        return f"http://{host or self.host}:{self.port}{path}"


class _Counting(BaseHTTPRequestHandler):
    server_record: Server

    def log_message(self, *_args: object) -> None:
        pass

    def _answer(self) -> None:
        record = self.server_record
        path = self.path.split("?", 1)[0]
        record.seen[path] += 1
        status, headers, body = record.pages.get(path, (200, {"Content-Type": "text/plain"}, b"ok"))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_HEAD = _answer


@contextmanager
def serve(host: str) -> Iterator[Server]:
    """A counting server on ``host`` and a free port, for the duration of the block."""
    record = Server(host, 0, Counter(), {})
    handler = type("Counting", (_Counting,), {"server_record": record})
    httpd = ThreadingHTTPServer((host, 0), handler)
    httpd.daemon_threads = True
    record.port = httpd.server_address[1]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield record
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture()
def site() -> Iterator[Server]:
    """The suite's own site, on 127.0.0.1 (allowed)."""
    with serve("127.0.0.1") as server:
        yield server


@pytest.fixture()
def metadata() -> Iterator[Server]:
    """The stand-in for the metadata service, on 127.0.0.2 (reclassified link-local)."""
    with serve("127.0.0.2") as server:
        yield server


def _redirect(to: str) -> tuple[int, dict[str, str], bytes]:
    return 302, {"Location": to, "Content-Type": "text/plain"}, b"moved"


def _html(body: str) -> tuple[int, dict[str, str], bytes]:
    page = f"<!doctype html><html><body>{body}</body></html>"
    return 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode()


# --- assess_host and friends ---------------------------------------------------------------------------------------

def test_judge_host_resolves_with_the_injected_resolver() -> None:
    resolver = FakeResolver()
    guard = make_guard(resolver)

    async def main() -> None:
        private, addresses = await guard.assess_host("private.test", 80)
        assert not private.allowed and addresses == []
        assert private.reason.startswith(INTERNAL) and "127.0.0.3" in private.reason and "内网地址" in private.reason
        mixed, addresses = await guard.assess_host("mixed.test", 80)  # a site address and an internal one
        assert not mixed.allowed and addresses == [] and mixed.address == "127.0.0.3"
        metadata, _ = await guard.assess_host("mixed-metadata.test", 80)
        assert not metadata.allowed and metadata.kind is AddressClass.LINK_LOCAL
        portal, addresses = await guard.assess_host("Portal.test", 80)
        assert portal.allowed and addresses == [SITE]
        literal, addresses = await guard.assess_host("127.0.0.2", 80)
        assert not literal.allowed and addresses == [] and "链路本地地址" in literal.reason
        decimal, _ = await guard.assess_host("2130706434", 80)  # 127.0.0.2 as one number
        assert not decimal.allowed and decimal.address == "127.0.0.2"
        bad, addresses = await guard.assess_host("1.2.3.4.5", 80)
        assert not bad.allowed and addresses == [] and "主机地址无效" in bad.reason
        allowed, addresses = await guard.assess_host("127.0.0.1", 80)
        assert allowed.allowed and addresses == [SITE]
        with pytest.raises(OSError):
            await guard.assess_host("nowhere.test", 80)

    run_async(main())
    # literal addresses are never given to the resolver; names are, once each
    assert resolver.asked == ["private.test", "mixed.test", "mixed-metadata.test", "Portal.test", "nowhere.test"]


def test_judge_url_and_permits_page() -> None:
    guard = make_guard()

    async def main() -> None:
        assert not (await guard.assess_url("file:///etc/passwd")).allowed
        assert not (await guard.assess_url("http://intranet.test/")).allowed
        assert (await guard.assess_url("http://portal.test:8080/")).allowed
        assert (await guard.assess_url("http://nowhere.test/")).allowed  # the request itself will say it

    run_async(main())
    assert guard.permits_page("http://portal.test:8080/a")  # a name judged allowed above
    assert not guard.permits_page("http://intranet.test/")  # judged refused
    assert not guard.permits_page("http://never-judged.test/")
    assert guard.permits_page("http://127.0.0.1:9/") and not guard.permits_page("http://127.0.0.2/")
    assert guard.permits_page("data:text/html,x")  # a page of the browser's own making


def test_explain_turns_a_proxy_error_into_the_guards_reason() -> None:
    guard = make_guard()
    before = time.monotonic()
    guard.note(ConnectFailure("127.0.0.2", 8080, "blocked", f"{INTERNAL}（127.0.0.2，链路本地地址）", before))
    guard.note(ConnectFailure("gone.test", 80, "dns", "域名无法解析（x）", time.monotonic()))
    error = "page.goto: net::ERR_SOCKS_CONNECTION_FAILED at http://127.0.0.2:8080/"
    explained = guard.explain(error, "http://127.0.0.2:8080/")
    assert explained.startswith(BLOCKED_MARK) and is_blocked_error(explained)
    assert blocked_reason(explained).startswith(INTERNAL)
    assert guard.explain(error, "http://gone.test/").startswith("net::ERR_NAME_NOT_RESOLVED")
    # a redirect hop: the URL asked for is not the host refused; only a ``since`` finds the hop's failure
    assert guard.explain(error, "http://127.0.0.1:1/redirect") == error
    assert guard.explain(error, "http://127.0.0.1:1/redirect", since=before).startswith("net::ERR_NAME_NOT_RESOLVED")
    assert guard.explain("net::ERR_CONNECTION_RESET", "http://127.0.0.2:8080/") == "net::ERR_CONNECTION_RESET"
    assert [(f.host, f.port) for f in guard.refusals()] == [("127.0.0.2", 8080)]


# --- the link checker's connector ---------------------------------------------------------------------------------

def _causes(error: BaseException) -> list[BaseException]:
    """The error and everything it was raised from or carries (aiohttp keeps the OSError as ``os_error``)."""
    found: list[BaseException] = []
    todo: list[BaseException | None] = [error]
    while todo:
        current = todo.pop()
        if current is None or any(current is seen for seen in found):
            continue
        found.append(current)
        todo += [current.__cause__, current.__context__, getattr(current, "os_error", None)]
    return found


async def _get(guard: NetworkGuard, url: str) -> tuple[int | None, BaseException | None]:
    """GET ``url`` through a GuardedConnector: (status, None) or (None, the error)."""
    async with aiohttp.ClientSession(connector=GuardedConnector(guard)) as session:
        try:
            async with session.get(url, timeout=aiohttp.ClientTimeout(total=10)) as response:
                await response.read()
                return response.status, None
        except (aiohttp.ClientError, OSError) as error:
            return None, error


def _blocked(error: BaseException | None) -> netguard.AddressBlocked:
    assert error is not None
    blocked = [e for e in _causes(error) if isinstance(e, netguard.AddressBlocked)]
    assert blocked, f"not refused by the guard: {error!r}"
    return blocked[0]


def test_guarded_connector_refuses_internal_addresses(site: Server, metadata: Server) -> None:
    site.pages["/redirect"] = _redirect(metadata.url("/latest/meta-data/"))
    resolver = FakeResolver()
    guard = make_guard(resolver)

    async def main() -> dict[str, tuple[int | None, BaseException | None]]:
        urls = {
            "direct": metadata.url("/latest/meta-data/"),
            "redirect": site.url("/redirect"),
            "name": metadata.url("/by-name", host="intranet.test"),
            "decimal": metadata.url("/decimal", host="2130706434"),
            "allowed": site.url("/ok"),
            "allowed-name": site.url("/by-name", host="portal.test"),
        }
        return {key: await _get(guard, url) for key, url in urls.items()}

    got = run_async(main())
    for key in ("direct", "redirect", "name", "decimal"):
        status, error = got[key]
        assert status is None, key
        reason = str(_blocked(error))
        assert reason.startswith(INTERNAL) and "127.0.0.2" in reason and "链路本地地址" in reason
    assert got["allowed"] == (200, None) and got["allowed-name"] == (200, None)
    assert sum(metadata.seen.values()) == 0, metadata.seen
    assert site.seen == Counter({"/redirect": 1, "/ok": 1, "/by-name": 1})
    assert "intranet.test" in resolver.asked and "portal.test" in resolver.asked
    refused = [(f.host, f.port) for f in guard.refusals()]
    port = metadata.port
    assert sorted(refused) == sorted([("127.0.0.2", port), ("127.0.0.2", port), ("intranet.test", port),
                                      ("2130706434", port)])
    assert all(f.reason.startswith(INTERNAL) for f in guard.refusals())


def test_guarded_connector_unresolvable_name_is_not_a_refusal(site: Server) -> None:
    guard = make_guard()
    status, error = run_async(_get(guard, site.url("/", host="nowhere.test")))
    assert status is None and error is not None
    assert not any(isinstance(e, netguard.AddressBlocked) for e in _causes(error))
    assert guard.refusals() == [] and sum(site.seen.values()) == 0


# --- the browser's SOCKS proxy --------------------------------------------------------------------------------------

needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists() and not os.environ.get("GOVCHECK_CHROMIUM"),
                                    reason="Chromium not installed")


def _chromium() -> str:
    return os.environ.get("GOVCHECK_CHROMIUM") or CHROMIUM


@asynccontextmanager
async def proxied(proxy: PolicyProxy) -> AsyncIterator[tuple[BrowserContext, Page]]:
    """Chromium behind the proxy (resolving no name itself): a context given the proxy and a page in it."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=_chromium(), args=[*launch_arguments(), NO_DNS])
        try:
            context = await browser.new_context(proxy=proxy.browser_proxy())
            yield context, await context.new_page()
            await context.close()
        finally:
            await browser.close()


async def _failed(action: object) -> str:
    """The error text of an awaitable that must fail (the test fails if it succeeds)."""
    try:
        await action  # type: ignore[misc]
    except PlaywrightError as error:
        return str(error)
    raise AssertionError("the request was not refused")


@pytest.mark.browser
@needs_chromium
def test_browser_through_policy_proxy_never_reaches_internal(site: Server, metadata: Server) -> None:
    target = metadata.base
    site.pages["/"] = _html(
        f'<h1>门户</h1><iframe src="{target}/frame"></iframe><img src="{target}/img.png">'
        f'<script src="{target}/script.js"></script><link rel="stylesheet" href="{target}/style.css">')
    site.pages["/redirect"] = _redirect(f"{target}/latest/meta-data/")
    guard = make_guard()
    outcome: dict[str, object] = {}

    async def main(proxy: PolicyProxy) -> None:
        async with proxied(proxy) as (context, page):
            response = await page.goto(site.url("/"), wait_until="load", timeout=20000)
            outcome["home"] = response.status if response else None
            outcome["fetch"] = await page.evaluate(
                "url => fetch(url).then(() => 'reached', e => 'failed: ' + e)", f"{target}/fetch")
            since = time.monotonic()
            error = await _failed(page.goto(site.url("/redirect"), timeout=20000))
            outcome["redirect"] = (error, guard.explain(error, site.url("/redirect"), since))
            direct = metadata.url("/direct")
            error = await _failed(page.goto(direct, timeout=20000))
            outcome["direct"] = (error, guard.explain(error, direct))
            api = metadata.url("/api")
            error = await _failed(context.request.get(api, timeout=20000))
            outcome["api"] = (error, guard.explain(error, api))
            since = time.monotonic()
            error = await _failed(context.request.get(site.url("/redirect"), timeout=20000))
            outcome["api-redirect"] = guard.explain(error, site.url("/redirect"), since)
            allowed = await context.request.get(site.url("/ok"), timeout=20000)
            outcome["api-allowed"] = allowed.status

    with PolicyProxy(guard) as proxy:
        assert proxy.url.startswith("socks5://127.0.0.1:")
        run_async(main(proxy))

    assert outcome["home"] == 200 and outcome["api-allowed"] == 200
    assert str(outcome["fetch"]).startswith("failed")
    for key in ("redirect", "direct", "api"):
        error, explained = outcome[key]  # type: ignore[misc]
        assert explained.startswith(BLOCKED_MARK), (key, error, explained)
        assert blocked_reason(explained).startswith(INTERNAL) and "127.0.0.2" in explained
    assert str(outcome["api-redirect"]).startswith(BLOCKED_MARK)
    assert sum(metadata.seen.values()) == 0, metadata.seen
    assert site.seen["/"] == 1 and site.seen["/redirect"] == 2 and site.seen["/ok"] == 1
    refused = guard.refusals()
    assert refused and {(f.host, f.port) for f in refused} == {("127.0.0.2", metadata.port)}


@pytest.mark.browser
@needs_chromium
def test_browser_names_are_judged_by_the_proxy(site: Server, metadata: Server) -> None:
    resolver = FakeResolver()
    guard = make_guard(resolver)
    outcome: dict[str, object] = {}

    async def main(proxy: PolicyProxy) -> None:
        async with proxied(proxy) as (context, page):
            response = await page.goto(site.url("/portal", host="portal.test"), timeout=20000)
            outcome["portal"] = response.status if response else None
            for key, host in (("intranet", "intranet.test"), ("mixed", "mixed-metadata.test")):
                url = metadata.url(f"/{key}", host=host)
                error = await _failed(page.goto(url, timeout=20000))
                outcome[key] = guard.explain(error, url)
            mixed_site = site.url("/mixed-site", host="mixed.test")  # 127.0.0.1 (listening) and 127.0.0.3
            error = await _failed(page.goto(mixed_site, timeout=20000))
            outcome["mixed-site"] = guard.explain(error, mixed_site)
            api = metadata.url("/api", host="intranet.test")
            error = await _failed(context.request.get(api, timeout=20000))
            outcome["api"] = guard.explain(error, api)

    with PolicyProxy(guard) as proxy:
        run_async(main(proxy))

    assert outcome["portal"] == 200 and site.seen["/portal"] == 1
    for key in ("intranet", "mixed", "mixed-site", "api"):
        assert str(outcome[key]).startswith(BLOCKED_MARK), (key, outcome[key])
    assert "127.0.0.3" in str(outcome["mixed-site"]) and "内网地址" in str(outcome["mixed-site"])
    assert sum(metadata.seen.values()) == 0 and site.seen["/mixed-site"] == 0
    # Chromium and the request API sent the names to the proxy: the guard resolved them, not the browser
    assert {"portal.test", "intranet.test", "mixed-metadata.test", "mixed.test"} <= set(resolver.asked)
    assert {f.host for f in guard.refusals()} == {"intranet.test", "mixed-metadata.test", "mixed.test"}


def test_policy_proxy_refuses_a_socks_connect_to_an_internal_address(metadata: Server) -> None:
    """The proxy's own answer, without a browser: a SOCKS5 CONNECT to 127.0.0.2 gets "not allowed" (0x02)."""
    guard = make_guard()

    async def connect(port: int, host: bytes, address_type: int) -> int:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(b"\x05\x01\x00")
            assert await reader.readexactly(2) == b"\x05\x00"
            writer.write(bytes((5, 1, 0, address_type)) + host + metadata.port.to_bytes(2, "big"))
            reply = await reader.readexactly(10)
            return reply[1]
        finally:
            writer.close()

    with PolicyProxy(guard) as proxy:
        port = int(proxy.url.rsplit(":", 1)[1])
        by_address = run_async(connect(port, socket.inet_aton("127.0.0.2"), 1))
        name = b"intranet.test"
        by_name = run_async(connect(port, bytes((len(name),)) + name, 3))
    assert by_address == 0x02 and by_name == 0x02
    assert sum(metadata.seen.values()) == 0
    assert [(f.host, f.kind) for f in guard.refusals()] == [("127.0.0.2", "blocked"), ("intranet.test", "blocked")]


@pytest.mark.browser
@needs_chromium
def test_a_site_that_refuses_shows_the_browsers_own_error_not_the_proxys(site: Server, metadata: Server) -> None:
    """Through the proxy Chromium only knows ERR_SOCKS_CONNECTION_FAILED; the availability evidence must show
    what a citizen's browser shows (ERR_CONNECTION_REFUSED), and a refused target stays unrequested."""
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    dead = f"http://127.0.0.1:{closed.getsockname()[1]}/"
    closed.close()  # nothing listens there now: the connection is refused
    guard = make_guard()
    shown: dict[str, tuple[str, str]] = {}

    async def main(proxy: PolicyProxy) -> None:
        async with proxied(proxy) as (_context, page):
            with guarding(guard):
                for name, url in (("dead", dead), ("internal", metadata.url("/x"))):
                    visit = await open_page(page, url, 10, 1)
                    shown[name] = (visit.error, await page.content())

    with PolicyProxy(guard) as proxy:
        run_async(main(proxy))

    error, content = shown["dead"]
    assert error.startswith("net::ERR_CONNECTION_REFUSED"), error
    assert "ERR_CONNECTION_REFUSED" in content and "SOCKS" not in content
    error, _ = shown["internal"]
    assert error.startswith(BLOCKED_MARK), error
    assert sum(metadata.seen.values()) == 0, metadata.seen
