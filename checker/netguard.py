"""The network boundary at work (issue #16): every connection govcheck makes passes one guard.

- The browser (navigations, frames, images, scripts, every redirect hop) and Playwright's request API reach
  the network only through :class:`PolicyProxy`, a SOCKS5 proxy on 127.0.0.1 that each browser context is
  given. It resolves the name itself, judges the address with :class:`~checker.netpolicy.NetworkPolicy`
  and connects to that very address, so a name that resolves to an internal address is caught at connect
  time and cannot be re-pointed between the check and the connection.
- The HTTP link checker connects through :class:`GuardedConnector`, which judges every address aiohttp is
  about to connect to (each redirect hop is a connection of its own).

What the guard refused is kept (:meth:`NetworkGuard.refusals`) for run.log and for the reason a failed
page or request is given: Chromium only says ``ERR_SOCKS_CONNECTION_FAILED``, the guard knows why.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import ipaddress
import socket
import struct
import threading
import time
import weakref
from collections import deque
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from checker.netpolicy import (
    IPAddress,
    NetworkPolicy,
    Verdict,
    host_address,
    url_target,
)
from checker.runlog import LOG

Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]
"""Resolves a host name to its addresses (the system's resolver; tests give names of their own)."""

BLOCKED_MARK = "govcheck::blocked"
"""Starts a page or request error that the guard refused; what follows is the Chinese reason."""
_PROXY_ERRORS = ("err_socks_connection_failed", "err_proxy_connection_failed", "socks5 proxy rejected",
                 "err_tunnel_connection_failed")
_CONNECT_TIMEOUT_SECONDS = 30.0
_REMEMBERED = 2000


async def system_resolve(host: str, port: int) -> list[IPAddress]:
    """The addresses ``host`` resolves to now (the system resolver, as a browser would ask it)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[IPAddress] = []
    for family, _, _, _, sockaddr in infos:
        if family in (socket.AF_INET, socket.AF_INET6):
            address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
            if address not in addresses:
                addresses.append(address)
    return addresses


class AddressBlocked(OSError):
    """A connection the policy refused; its message is the Chinese reason (未访问：地址指向内部网络…)."""


@dataclass(frozen=True)
class ConnectFailure:
    """A connection the guard did not make: refused by the policy, or failed (DNS, refused, timeout)."""

    host: str
    port: int
    kind: str  # blocked, dns, refused, timeout, unreachable
    reason: str
    at: float


BROWSER_ERROR_CODES = {
    "dns": "net::ERR_NAME_NOT_RESOLVED",
    "refused": "net::ERR_CONNECTION_REFUSED",
    "timeout": "net::ERR_CONNECTION_TIMED_OUT",
    "unreachable": "net::ERR_ADDRESS_UNREACHABLE",
}
"""The Chromium error a failed connection's kind stands for (what the rest of govcheck reads)."""


class NetworkGuard:
    """The run's boundary: the policy, the resolver, and a record of what was refused or failed to connect.

    Thread-safe: the SOCKS proxy runs on a thread of its own and reports here.
    """

    def __init__(self, policy: NetworkPolicy, resolver: Resolver = system_resolve) -> None:
        self.policy = policy
        self._resolve = resolver
        self._lock = threading.Lock()
        self._failures: deque[ConnectFailure] = deque(maxlen=_REMEMBERED)
        self._names: dict[str, Verdict] = {}
        self._left: weakref.WeakSet[Any] = weakref.WeakSet()

    async def resolve(self, host: str, port: int) -> list[IPAddress]:
        """The addresses ``host`` resolves to now (the guard's resolver); OSError when it does not resolve."""
        return await self._resolve(host, port)

    async def assess_host(self, host: str, port: int) -> tuple[Verdict, list[IPAddress]]:
        """The verdict on connecting to ``host`` now, and the addresses it may connect to (resolved here)."""
        try:
            literal = host_address(host)
        except ValueError:
            return Verdict(False, f"未访问：主机地址无效（{host}）"), []
        if literal is not None:
            verdict = self.policy.judge_address(literal)
            return verdict, [literal] if verdict.allowed else []
        early = self.policy.judge_name(host)
        if early is not None:
            return early, []
        addresses = await self._resolve(host, port)
        verdict = self.policy.judge_addresses(addresses)
        with self._lock:
            self._names[host.lower()] = verdict
        return verdict, addresses if verdict.allowed else []

    async def assess_url(self, url: str) -> Verdict:
        """Whether ``url`` may be requested (scheme, then its host's addresses); a name that does not resolve
        is allowed here: the request itself will say the name does not resolve."""
        target = url_target(url)
        if isinstance(target, Verdict):
            return target
        try:
            verdict, _ = await self.assess_host(target.host, target.port)
        except OSError:
            return Verdict(True)
        return verdict

    def note(self, failure: ConnectFailure) -> None:
        """Keep a refused or failed connection (and log a refusal)."""
        with self._lock:
            self._failures.append(failure)
        if failure.kind == "blocked":
            LOG.warning("网络边界：拒绝连接 %s:%s（%s）", failure.host, failure.port, failure.reason)

    def refusals(self) -> list[ConnectFailure]:
        """Every connection the policy refused so far in this run (the most recent few thousand)."""
        with self._lock:
            return [f for f in self._failures if f.kind == "blocked"]

    def failure_for(self, url: str, since: float = 0.0) -> ConnectFailure | None:
        """The latest failed connection to ``url``'s host and port, else the latest one since ``since``
        (a redirect hop's host is not the URL's)."""
        target = url_target(url)
        with self._lock:
            failures = [f for f in self._failures if f.at >= since]
        if not isinstance(target, Verdict):
            for failure in reversed(failures):
                if failure.host.lower() == target.host.lower() and failure.port == target.port:
                    return failure
        return failures[-1] if failures and since else None

    def explain(self, error: str, url: str, since: float = 0.0) -> str:
        """A browser or request error in the words the rest of govcheck reads: a proxy failure becomes the
        Chromium error it stands for (``net::ERR_NAME_NOT_RESOLVED`` …), or ``govcheck::blocked 未访问：…``
        when the policy refused it. Other errors are returned as they are."""
        lowered = error.lower()
        if not any(needle in lowered for needle in _PROXY_ERRORS):
            return error
        failure = self.failure_for(url, since)
        if failure is None:
            return error
        if failure.kind == "blocked":
            return f"{BLOCKED_MARK} {failure.reason}"
        return f"{BROWSER_ERROR_CODES.get(failure.kind, 'net::ERR_CONNECTION_FAILED')} ({failure.reason})"

    def leave_page(self, page: object) -> None:
        """Note that ``page`` was left after a refused navigation: nothing on it may be photographed until it
        opens an allowed page again (:meth:`reopened`)."""
        with self._lock:
            self._left.add(page)

    def reopened(self, page: object) -> None:
        """``page`` opened a page the policy allowed."""
        with self._lock:
            self._left.discard(page)

    def permits(self, page: object, url: str) -> bool:
        """Whether ``page``, now at ``url``, may be photographed (:meth:`permits_page`, and not left after a
        refused navigation)."""
        with self._lock:
            left = page in self._left
        return not left and self.permits_page(url)

    def permits_page(self, url: str) -> bool:
        """Whether a page at ``url`` may be photographed: never one of an origin the policy refused. The
        browser's error page for a site that did not open (the availability evidence) shows no origin's
        content and may be."""
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            return True
        literal = self.policy.judge_url_literal(url)
        if literal is not None:
            return literal.allowed
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            verdict = self._names.get(host)
        return verdict is not None and verdict.allowed


def refused(verdict: Verdict) -> bool:
    """Whether a negative verdict is the policy's refusal (未访问…), not a name that did not resolve."""
    return not verdict.allowed and verdict.reason.startswith("未访问")


def is_blocked_error(error: str) -> bool:
    """Whether an error text (as :meth:`NetworkGuard.explain` rewrote it) is the policy's refusal."""
    return error.startswith(BLOCKED_MARK)


def blocked_reason(error: str) -> str:
    """The Chinese reason inside a refusal's error text."""
    return error[len(BLOCKED_MARK):].strip()


_ACTIVE: contextvars.ContextVar[NetworkGuard | None] = contextvars.ContextVar("govcheck_guard", default=None)


def active_guard() -> NetworkGuard | None:
    """The guard of the run this task belongs to (None outside a run: a library call, a unit test)."""
    return _ACTIVE.get()


@contextlib.contextmanager
def guarding(guard: NetworkGuard) -> Iterator[None]:
    """Make ``guard`` the active one for the tasks started inside (a run's, a probe's)."""
    token = _ACTIVE.set(guard)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


_ABORT_CODES = {"net::ERR_NAME_NOT_RESOLVED": "namenotresolved", "net::ERR_CONNECTION_REFUSED": "connectionrefused",
                "net::ERR_CONNECTION_TIMED_OUT": "timedout", "net::ERR_ADDRESS_UNREACHABLE": "addressunreachable"}


def browser_error_code(raw: str, explained: str) -> str | None:
    """For a page error the proxy caused (``raw``) and the guard explained, the Playwright abort code with
    which Chromium draws its own error page for the real cause (连接被拒绝 shows ERR_CONNECTION_REFUSED, as a
    citizen's browser would, not ERR_SOCKS_CONNECTION_FAILED); None for any other error."""
    if not any(needle in raw.lower() for needle in _PROXY_ERRORS):
        return None
    return next((code for prefix, code in _ABORT_CODES.items() if explained.startswith(prefix)), None)


def explain_error(error: str, url: str, since: float = 0.0) -> str:
    """:meth:`NetworkGuard.explain` with the active guard; the error unchanged outside a run."""
    guard = active_guard()
    return guard.explain(error, url, since) if guard else error


# --- the SOCKS5 proxy the browser goes through --------------------------------------------------------------

_SOCKS_REPLY = {"blocked": 0x02, "unreachable": 0x03, "dns": 0x04, "refused": 0x05, "timeout": 0x06}


class PolicyProxy:
    """A SOCKS5 proxy on 127.0.0.1 that connects only where the guard allows (no authentication, CONNECT
    only). It runs its own event loop on a thread of its own, so a busy run never delays the browser's bytes.
    """

    def __init__(self, guard: NetworkGuard, connect_timeout_seconds: float = _CONNECT_TIMEOUT_SECONDS) -> None:
        self.guard = guard
        self.connect_timeout_seconds = connect_timeout_seconds
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._port = 0

    @property
    def url(self) -> str:
        """The proxy's address for Playwright (``socks5://127.0.0.1:PORT``)."""
        return f"socks5://127.0.0.1:{self._port}"

    def browser_proxy(self) -> dict[str, str]:
        """The ``proxy`` argument of ``browser.new_context`` that sends the context's traffic through here."""
        return {"server": self.url}

    def start(self) -> PolicyProxy:
        """Start listening (returns once the port is known)."""
        ready = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                self._server = loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
                self._port = self._server.sockets[0].getsockname()[1]
            except BaseException as error:
                failure.append(error)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=serve, name="govcheck-proxy", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            raise failure[0]
        return self

    def close(self) -> None:
        """Stop listening and end the thread; open tunnels are dropped."""
        loop, server = self._loop, self._server
        if loop is None or server is None:
            return

        async def shut() -> None:
            server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        with contextlib.suppress(RuntimeError):
            asyncio.run_coroutine_threadsafe(shut(), loop).result(timeout=5)
            loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._loop = self._server = None

    def __enter__(self) -> PolicyProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self._serve(reader, writer)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        version, count = await reader.readexactly(2)
        await reader.readexactly(count)
        if version != 5:
            return
        writer.write(b"\x05\x00")
        _, command, _, kind = await reader.readexactly(4)
        host = await _read_host(reader, kind)
        port = struct.unpack("!H", await reader.readexactly(2))[0]
        if command != 1:  # only CONNECT: no BIND, no UDP
            writer.write(_reply(0x07))
            return
        upstream = await self._connect(host, port)
        if isinstance(upstream, int):
            writer.write(_reply(upstream))
            await writer.drain()
            return
        up_reader, up_writer = upstream
        writer.write(_reply(0x00))
        await writer.drain()
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))

    async def _connect(self, host: str, port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | int:
        """An open connection to an allowed address of ``host``, or the SOCKS reply code saying why not."""
        try:
            verdict, addresses = await self.guard.assess_host(host, port)
        except OSError as error:
            return self._failed(host, port, "dns", f"域名无法解析（{error}）")
        if not verdict.allowed:
            return self._failed(host, port, "blocked" if refused(verdict) else "dns", verdict.reason)
        last: tuple[str, str] = ("unreachable", "地址不可达")
        for address in addresses:
            try:
                async with asyncio.timeout(self.connect_timeout_seconds):
                    return await asyncio.open_connection(str(address), port)
            except TimeoutError:
                last = ("timeout", f"{self.connect_timeout_seconds:g}秒内未能连接")
            except ConnectionRefusedError:
                last = ("refused", "连接被拒绝")
            except OSError as error:
                last = ("unreachable", f"地址不可达（{error.strerror or error}）")
        return self._failed(host, port, *last)

    def _failed(self, host: str, port: int, kind: str, reason: str) -> int:
        self.guard.note(ConnectFailure(host, port, kind, reason, time.monotonic()))
        return _SOCKS_REPLY.get(kind, 0x01)


async def _read_host(reader: asyncio.StreamReader, kind: int) -> str:
    if kind == 1:
        return socket.inet_ntop(socket.AF_INET, await reader.readexactly(4))
    if kind == 4:
        return socket.inet_ntop(socket.AF_INET6, await reader.readexactly(16))
    if kind == 3:
        length = (await reader.readexactly(1))[0]
        return (await reader.readexactly(length)).decode("idna")
    raise ValueError(f"SOCKS address type {kind}")


def _reply(code: int) -> bytes:
    return bytes((5, code, 0, 1)) + bytes(6)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy one direction of a tunnel; a connection reset on one side is passed on as a reset (the browser
    must see 连接被重置 where the server reset, not an empty answer)."""
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except ConnectionResetError:
        with contextlib.suppress(OSError):
            sock = writer.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()
    except (OSError, asyncio.CancelledError):
        pass
    finally:
        with contextlib.suppress(OSError, RuntimeError):
            writer.close()


# --- the link checker's connections ---------------------------------------------------------------------------


class GuardedConnector(aiohttp.TCPConnector):
    """aiohttp's connector, with every address it would connect to judged by the guard first (names are
    resolved by the guard, so what is judged is what is connected to)."""

    def __init__(self, guard: NetworkGuard, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.guard = guard

    async def _resolve_host(self, host: str, port: int, traces: Sequence[Any] | None = None) -> list[Any]:
        try:
            verdict, addresses = await self.guard.assess_host(host, port)
        except OSError as error:
            raise OSError(f"域名无法解析：{host}（{error}）") from error
        if not verdict.allowed and not refused(verdict):
            raise OSError(f"{verdict.reason}：{host}")
        if not verdict.allowed:
            self.guard.note(ConnectFailure(host, port, "blocked", verdict.reason, time.monotonic()))
            raise AddressBlocked(verdict.reason)
        return [{"hostname": host, "host": str(address), "port": port,
                 "family": socket.AF_INET6 if address.version == 6 else socket.AF_INET,
                 "proto": 0, "flags": socket.AI_NUMERICHOST} for address in addresses]
