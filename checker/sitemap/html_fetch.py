"""How the walk asks a server for a page's HTML without a browser, as the citizen's browser would ask it.

Two ways, one interface (:class:`HtmlSource`):

- :class:`DirectRequests` (a local browser, the usual case): Python's own HTTP client, connecting only where
  the run's network boundary allows (:class:`~checker.netguard.GuardedConnector`), introducing itself with
  the browser's User-Agent, and keeping the same cookies as the browser context (:class:`CookieBridge`), so
  a page read from its HTML is the page the browser would be sent. Playwright's request client costs more:
  every answer crosses the boundary's proxy as a second connection and the driver's pipe as base64 JSON
  (benchmarks/README.md: on 20 sites, the driver's CPU halved, the whole run's CPU 13% less, 120 MiB less).
- :class:`BrowserRequests`: the browser context's own request client, for a remote browser, whose network
  position may differ from this machine's (the pages must be asked for from where the browser stands).

A request that gets no answer raises :class:`FetchFailed` with the error in the browser's words
(``net::ERR_CONNECTION_RESET``, ``Timeout 20000ms exceeded``, ``govcheck::blocked …``), so the walk explains
it exactly as it explains a tab that could not load the page.
"""

from __future__ import annotations

import contextlib
from http.cookies import Morsel
from typing import Any, Protocol

import aiohttp
from playwright.async_api import BrowserContext
from playwright.async_api import Error as PlaywrightError
from yarl import URL

from checker.fetch import dispose
from checker.links.http_support import describe_failure, http_session
from checker.links.render_tab import Answer
from checker.netguard import BLOCKED_MARK, BROWSER_ERROR_CODES, NetworkGuard

PAGE_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
ACCEPT_LANGUAGE = "zh-CN,zh;q=0.9"

_WORDS = {
    **BROWSER_ERROR_CODES,
    "reset": "net::ERR_CONNECTION_RESET",
    "tls": "net::ERR_SSL_PROTOCOL_ERROR",
    "protocol": "net::ERR_INVALID_HTTP_RESPONSE",
    "invalid": "net::ERR_INVALID_URL",
}


class FetchFailed(Exception):
    """A request that got no answer; ``str()`` is the error in the browser's words."""


class HtmlSource(Protocol):
    """Where the walk's HTML reads come from (see the module docstring)."""

    async def get(self, url: str, *, max_redirects: int, limit: int, only_html: bool) -> Answer:
        """The server's answer to a GET of ``url``, redirects followed, the body read up to ``limit`` bytes
        (not read at all when ``only_html`` and the answer says it is not HTML). Raises :class:`FetchFailed`."""
        ...

    async def before_render(self) -> None:
        """Called before a page is loaded in a tab of the browser context."""
        ...

    async def after_render(self) -> None:
        """Called after a page was loaded (or read in place) in a tab of the browser context."""
        ...

    async def close(self) -> None:
        """Free the connections; the browser context keeps every cookie the reads were given."""
        ...


def _is_html(content_type: str) -> bool:
    return not content_type or "html" in content_type.lower()


def failure_words(error: BaseException, timeout_seconds: float) -> str:
    """An HTTP client's exception in the words a browser tab's failure has (see the module docstring)."""
    if isinstance(error, aiohttp.TooManyRedirects):
        return "net::ERR_TOO_MANY_REDIRECTS"
    failure = describe_failure(error, timeout_seconds)
    if failure.kind == "blocked":
        return f"{BLOCKED_MARK} {failure.reason}"
    if failure.kind == "timeout":
        return f"Timeout {timeout_seconds * 1000:.0f}ms exceeded."
    return f"{_WORDS.get(failure.kind, 'net::ERR_FAILED')} ({failure.reason})"


class BrowserRequests:
    """The browser context's own request client (it shares the context's cookies by itself)."""

    def __init__(self, context: BrowserContext, timeout_seconds: float) -> None:
        self._context = context
        self._timeout = timeout_seconds

    async def get(self, url: str, *, max_redirects: int, limit: int, only_html: bool) -> Answer:
        """See :class:`HtmlSource`."""
        try:
            response = await self._context.request.get(url, timeout=self._timeout * 1000,
                                                       max_redirects=max_redirects)
            try:
                content_type = response.headers.get("content-type", "")
                body = b"" if only_html and not _is_html(content_type) else (await response.body())[:limit]
                return Answer(response.url, response.status, content_type, body)
            finally:
                await dispose(response)
        except PlaywrightError as error:
            raise FetchFailed((str(error).splitlines() or ["无法打开"])[0][:160]) from error

    async def before_render(self) -> None:
        """Nothing to do: the request client and the tabs share one cookie store."""

    async def after_render(self) -> None:
        """Nothing to do: the request client and the tabs share one cookie store."""

    async def close(self) -> None:
        """Nothing to free: the context owns the client."""


class CookieBridge:
    """Keeps an HTTP client's cookie jar and a browser context's cookies the same, in both directions: the
    cookie a page's script sets after an anti-robot check must go with the next HTML read, and the session
    cookie an HTML read was given must go with the next page the browser loads.

    Only what changed since the last exchange is passed on, and exchanges happen only around the browser's
    own loads (:meth:`push` before, :meth:`pull` after), so reading pages from their HTML costs nothing more.
    """

    def __init__(self, context: BrowserContext, jar: aiohttp.CookieJar) -> None:
        self._context = context
        self._jar = jar
        self._known: dict[tuple[str, str, str], str] = {}
        self.changed = False
        """Whether the jar may hold cookies the browser does not have (set by the client on every answer
        that sets one)."""

    async def pull(self) -> None:
        """Copy into the jar the context's cookies the jar does not have yet."""
        try:
            cookies = await self._context.cookies()
        except PlaywrightError:
            return
        for cookie in cookies:
            domain = cookie.get("domain", "").lstrip(".")
            key = (domain, cookie.get("path", "/"), cookie.get("name", ""))
            value = cookie.get("value", "")
            if not domain or self._known.get(key) == value:
                continue
            morsel: Morsel[str] = Morsel()
            morsel.set(key[2], value, value)
            morsel["domain"], morsel["path"] = domain, key[1]
            morsel["secure"], morsel["httponly"] = bool(cookie.get("secure")), bool(cookie.get("httpOnly"))
            self._jar.update_cookies({key[2]: morsel}, response_url=URL.build(scheme="http", host=domain))
            self._known[key] = value

    async def push(self) -> None:
        """Give the context the jar's cookies it does not have yet."""
        if not self.changed:
            return
        self.changed = False
        fresh: list[Any] = []
        for morsel in self._jar:
            key = (morsel["domain"], morsel["path"] or "/", morsel.key)
            if morsel["domain"] and self._known.get(key) != morsel.value:
                fresh.append({"name": morsel.key, "value": morsel.value, "domain": key[0], "path": key[1],
                              "httpOnly": bool(morsel["httponly"]), "secure": bool(morsel["secure"])})
                self._known[key] = morsel.value
        if fresh:
            with contextlib.suppress(PlaywrightError):
                await self._context.add_cookies(fresh)


class DirectRequests:
    """Python's HTTP client inside the network boundary, with the browser's name and cookies (see the module
    docstring). ``connections``: at most this many at once. Create it inside the running event loop."""

    def __init__(self, context: BrowserContext, guard: NetworkGuard | None, user_agent: str, timeout_seconds: float,
                 connections: int) -> None:
        self._timeout = timeout_seconds
        self._session = http_session(timeout_seconds, connections,
                                     {"User-Agent": user_agent, "Accept-Language": ACCEPT_LANGUAGE},
                                     verify=False, guard=guard)
        self.cookies = CookieBridge(context, self._session.cookie_jar)  # type: ignore[arg-type]
        self._started = False

    async def get(self, url: str, *, max_redirects: int, limit: int, only_html: bool) -> Answer:
        """See :class:`HtmlSource`."""
        if not self._started:  # the cookies the browser got before the walk (the home page's visit)
            self._started = True
            await self.cookies.pull()
        accept = PAGE_ACCEPT if only_html else "*/*"
        try:
            async with self._session.get(url, max_redirects=max_redirects, headers={"Accept": accept}) as response:
                if response.cookies or response.history:
                    self.cookies.changed = True
                content_type = response.headers.get("content-type", "")
                body = bytearray()
                if not (only_html and not _is_html(content_type)):
                    async for chunk in response.content.iter_chunked(1 << 16):
                        body += chunk
                        if len(body) >= limit:
                            break
                return Answer(str(response.url), response.status, content_type, bytes(body[:limit]))
        except (aiohttp.ClientError, TimeoutError, OSError, ValueError) as error:
            raise FetchFailed(failure_words(error, self._timeout)) from error

    async def before_render(self) -> None:
        """Give the browser the cookies the HTML reads were given, before it loads a page."""
        await self.cookies.push()

    async def after_render(self) -> None:
        """Take the cookies the browser was given (an anti-robot check's script sets one), for the next reads."""
        await self.cookies.pull()

    async def close(self) -> None:
        """Hand the browser the last cookies, then close the connections."""
        await self.cookies.push()
        await self._session.close()
