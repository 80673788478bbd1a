"""The pure and pacing halves of the HTTP link checker: turning a link into a request URL (IDN hosts to
punycode, invalid URLs refused), reading Retry-After, naming transport errors in Chinese, and the per-host
gate that keeps politeness (requests in flight per host, a minimum interval between request starts, and a
pause every request to a host honours after the server sent Retry-After).
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import functools
import ipaddress
import os
import re
import socket
import ssl
import time
import urllib.request
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import idna

from checker.netguard import AddressBlocked, GuardedConnector, NetworkGuard, active_guard
from checker.tls import describe_verification

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
LOOPBACK_ONLY_VARIABLE = "GOVCHECK_LOOPBACK_ONLY"
"""Set to 1 (the test suite does) and link checking contacts this machine only, with no proxy."""
MAX_HEADER_BYTES = 64 * 1024
"""Longest header line accepted: some portals send very long Set-Cookie or Location headers."""
_BAD_HOST_CHARS = re.compile(r"[\s/\\?#@<>\"'`{}|^%]")


def loopback_only_from_env() -> bool:
    """Whether the environment keeps link checking on this machine (``GOVCHECK_LOOPBACK_ONLY=1``)."""
    return os.environ.get(LOOPBACK_ONLY_VARIABLE) == "1"


def http_session(timeout_seconds: float, connections: int, headers: dict[str, str],
                 verify: bool | None = None, guard: NetworkGuard | None = None) -> aiohttp.ClientSession:
    """An HTTP session for link work: ``connections`` at once, cookies kept (IP hosts included), long headers
    accepted. ``verify=False`` never checks certificates; None leaves it to each request's ``ssl``.
    ``guard`` (the run's network boundary, else the active one) judges every address before it is
    connected to. Create it inside the running event loop."""
    guard = guard or active_guard()
    options: dict[str, Any] = {"limit": connections, **({} if verify is None else {"ssl": verify})}
    connector = (GuardedConnector(guard, **options) if guard is not None
                 else aiohttp.TCPConnector(ttl_dns_cache=300, **options))
    return aiohttp.ClientSession(
        connector=connector, cookie_jar=aiohttp.CookieJar(unsafe=True), headers=headers,
        timeout=aiohttp.ClientTimeout(total=timeout_seconds),
        max_line_size=MAX_HEADER_BYTES, max_field_size=MAX_HEADER_BYTES)


class UnsupportedUrl(ValueError):
    """A link govcheck cannot request; the message is the Chinese reason shown to the user."""


@dataclass(frozen=True)
class Target:
    """A link made ready to request: the URL to send, its (ASCII) host for pacing and its scheme."""

    request_url: str
    host: str
    scheme: str


@functools.lru_cache(maxsize=4096)
def ascii_host(host: str) -> str:
    """The host as sent on the wire: IDN labels to punycode (UTS 46), IP literals and ASCII names as given.

    Cached: a run asks about the same few hosts thousands of times.
    """
    host = host.strip().rstrip(".").lower() if host.isascii() else host.strip().rstrip(".")
    if not host:
        raise UnsupportedUrl("链接地址无效：缺少主机名")
    with contextlib.suppress(ValueError):
        return str(ipaddress.ip_address(host))
    if _BAD_HOST_CHARS.search(host):
        raise UnsupportedUrl(f"链接地址无效：主机名含非法字符（{host}）")
    if host.isascii():
        return host
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError as error:
        raise UnsupportedUrl(f"链接地址无效：国际化域名无法转换（{host}：{error}）") from error


def prepare_url(url: str) -> Target:
    """Validate a link and build the URL to request (fragment dropped, IDN host in punycode).

    Raises UnsupportedUrl with the Chinese reason for anything that is not a well-formed http(s) URL.
    """
    text = url.strip()
    if not text:
        raise UnsupportedUrl("链接地址为空")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise UnsupportedUrl(f"链接地址无效：{error}") from error
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"{scheme}:" if scheme else "相对地址"
        raise UnsupportedUrl(f"不支持检查此类链接（{shown}）")
    host = ascii_host(parts.hostname or "")
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    if parts.username is not None:
        credentials = parts.username + (f":{parts.password}" if parts.password is not None else "")
        netloc = f"{credentials}@{netloc}"
    request_url = urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
    return Target(request_url, host, scheme)


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds a Retry-After header asks to wait (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = datetime.now(UTC).timestamp() if now is None else now
    return max(0.0, when.timestamp() - current)


def _causes(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def certificate_problem(error: BaseException) -> str | None:
    """The Chinese description of a certificate verification failure inside ``error``, or None."""
    for cause in _causes(error):
        # aiohttp's wrapper is an SSLCertVerificationError too, without the codes: the one it wraps has them.
        if isinstance(cause, ssl.SSLCertVerificationError) and hasattr(cause, "verify_code"):
            return describe_verification(cause.verify_code, cause.verify_message or str(cause)).reason
    return None


@dataclass(frozen=True)
class Failure:
    """A transport failure: its kind (timeout, reset, refused, dns, tls, other), Chinese reason, retry worth."""

    kind: str
    reason: str
    transient: bool


def describe_failure(error: BaseException, timeout_seconds: float) -> Failure:
    """Name a transport exception the way a report reads it, and say whether a retry could change it."""
    causes = _causes(error)
    blocked = next((c for c in causes if isinstance(c, AddressBlocked)), None)
    if blocked is not None:
        return Failure("blocked", str(blocked), False)
    if any(isinstance(c, TimeoutError) for c in causes):
        return Failure("timeout", f"{timeout_seconds:g} 秒内无响应", True)
    if any(isinstance(c, (socket.gaierror, aiohttp.ClientConnectorDNSError)) for c in causes):
        return Failure("dns", "域名无法解析", False)
    if any(isinstance(c, ConnectionRefusedError) for c in causes) or "Connection refused" in str(error):
        return Failure("refused", "连接被拒绝", True)
    if any(isinstance(c, ssl.SSLError) for c in causes):
        return Failure("tls", f"TLS 握手失败（{error}）", True)
    disconnected = (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError, ConnectionError)
    if any(isinstance(c, disconnected) for c in causes):
        return Failure("reset", "连接被重置或服务器提前断开", True)
    if isinstance(error, aiohttp.InvalidURL):
        return Failure("invalid", f"链接地址无效：{error}", False)
    if isinstance(error, aiohttp.ClientResponseError):
        return Failure("protocol", f"服务器的回答不符合 HTTP 协议（{error.message}）", True)
    if isinstance(error, (aiohttp.ClientError, OSError)):
        return Failure("other", f"连接失败（{type(error).__name__}：{error}）", True)
    return Failure("other", f"检查出错（{type(error).__name__}：{error}）", False)


class PrioritySlots:
    """At most ``size`` holders at once; urgent waiters are served first, and ``reserved`` slots are kept
    for urgent holders (a normal holder takes a slot only if enough stay free for the reserved ones).

    The fetch-mode crawl's page requests are urgent, and while it has pages queued it reserves a slot per
    worker: every page read may reveal more pages and links (and pages that fail, whose retry pause should
    start early), so the crawl is the critical path, and the checks use the capacity it leaves.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.held = 0
        self.held_urgent = 0
        self.reserved = 0
        self._waiting: tuple[deque[asyncio.Future[None]], deque[asyncio.Future[None]]] = (deque(), deque())

    def _free_for(self, urgent: bool) -> bool:
        if urgent:
            return self.held < self.size
        return self.held + max(0, self.reserved - self.held_urgent) < self.size

    async def acquire(self, urgent: bool = False) -> None:
        """Wait for a slot (give it back with ``release(urgent)``)."""
        if self._free_for(urgent) and not self._waiting[0] and (urgent or not self._waiting[1]):
            self._take(urgent)
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting[0 if urgent else 1].append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release(urgent)  # the slot was granted just as this waiter was cancelled
            raise

    def release(self, urgent: bool = False) -> None:
        """Give a slot back and grant the waiters that may now go."""
        self.held -= 1
        self.held_urgent -= urgent
        self._grant()

    def reserve(self, change: int) -> None:
        """Keep ``change`` more slots for urgent holders (a negative change gives them back). Each crawl
        of the host adds its own share, so two crawls of one host at once do not undo each other."""
        self.reserved += change
        self._grant()

    def _take(self, urgent: bool) -> None:
        self.held += 1
        self.held_urgent += urgent

    def _grant(self) -> None:
        for urgent, queue in ((True, self._waiting[0]), (False, self._waiting[1])):
            while queue and self._free_for(urgent):
                waiter = queue.popleft()
                if not waiter.done():
                    self._take(urgent)
                    waiter.set_result(None)


@dataclass
class _Host:
    slots: PrioritySlots
    next_start: float = 0.0
    blocked_until: float = 0.0
    head_refused: bool = False
    certificate: str | None = None


class HostGate:
    """Politeness for every request of a run: ``per_host`` in flight per host, ``concurrency`` overall, request
    starts to one host at least ``min_interval`` apart, and a host-wide pause after Retry-After.

    Starts are reserved as slots on a per-host timeline (a slot is taken when the request is allowed to go),
    so N requests to one host take (N-1) × interval plus the last answer, with no drift from sleeping late.
    The fetch-mode crawl reads its pages through the same gate (urgent, see ``PrioritySlots``), so a host
    gets ``per_host`` requests at once and one start per interval in all, not that much again for the crawl.
    """

    def __init__(self, per_host: int, concurrency: int, min_interval: float) -> None:
        self.per_host = per_host
        self.min_interval = min_interval
        self._overall = PrioritySlots(concurrency)
        self._hosts: dict[str, _Host] = {}

    def host(self, name: str) -> _Host:
        """The state kept for one host (created on first use)."""
        state = self._hosts.get(name)
        if state is None:
            state = self._hosts[name] = _Host(PrioritySlots(self.per_host))
        return state

    def reserve(self, name: str, change: int) -> None:
        """Keep ``change`` more of the host's slots for urgent requests (negative: give them back)."""
        self.host(name).slots.reserve(change)

    def block(self, name: str, seconds: float) -> None:
        """Hold every later request to the host until ``seconds`` from now (the server asked, via Retry-After)."""
        state = self.host(name)
        state.blocked_until = max(state.blocked_until, time.monotonic() + seconds)

    @contextlib.asynccontextmanager
    async def turn(self, name: str, *, urgent: bool = False) -> AsyncIterator[None]:
        """Hold a request slot for the host: wait for capacity, the interval and any Retry-After pause."""
        state = self.host(name)
        await state.slots.acquire(urgent)
        try:
            await self._overall.acquire(urgent)
            try:
                while True:
                    now = time.monotonic()
                    start = max(now, state.next_start, state.blocked_until)
                    if start <= now:
                        break
                    # Another request may reserve meanwhile or a Retry-After may arrive: re-check after sleeping.
                    await asyncio.sleep(start - now)
                state.next_start = now + self.min_interval
                yield
            finally:
                self._overall.release(urgent)
        finally:
            state.slots.release(urgent)


class EnvProxies:
    """The proxies the environment names (``HTTP_PROXY``, ``HTTPS_PROXY``, ``NO_PROXY``), read once per run.

    An office network often reaches the internet only through a proxy. The HTTP library can read these
    variables itself, but it does so (and reads ~/.netrc) in a thread for every request, which costs more
    than the request; here they are read once and the answer per host is kept.
    """

    def __init__(self, enabled: bool) -> None:
        self._proxies = urllib.request.getproxies_environment() if enabled else {}
        self._chosen: dict[tuple[str, str], str | None] = {}

    def for_url(self, scheme: str, host: str) -> str | None:
        """The proxy URL for a request to ``host`` over ``scheme``, or None to connect directly."""
        key = (scheme, host)
        if key not in self._chosen:
            proxy = self._proxies.get(scheme)
            if proxy and urllib.request.proxy_bypass_environment(host, self._proxies):
                proxy = None
            self._chosen[key] = proxy or None
        return self._chosen[key]
