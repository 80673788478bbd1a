"""Fetching one page's HTML for the crawl's ``fetch`` mode: redirects followed and recorded, the body
capped, the charset decoded the way the publishing checks decode it."""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp

from checker.htmlpage import decode_html
from checker.links.http_support import http_session

MAX_PAGE_BYTES = 5_000_000
"""A page larger than this is read up to here (a 50 MB page must not fill the memory)."""
MAX_REDIRECTS = 10
FETCH_ERRORS = (aiohttp.ClientError, TimeoutError, OSError, ValueError)
"""What ``fetch_html`` raises when a page cannot be read (unreachable, reset, timed out, malformed, loops)."""


@dataclass(frozen=True)
class FetchedHtml:
    """A fetched page: its status, final URL, redirect chain, and the HTML text when it is a web page."""

    status: int
    final_url: str
    redirects: tuple[str, ...]
    html: str | None


def page_session(timeout_seconds: float, user_agent: str, connections: int) -> aiohttp.ClientSession:
    """The crawl's HTTP session: certificates not verified (the link checker reports those). Create it
    inside the running event loop."""
    return http_session(timeout_seconds, connections, {"User-Agent": user_agent}, verify=False)


async def fetch_html(session: aiohttp.ClientSession, url: str, proxy: str | None = None) -> FetchedHtml:
    """GET the page (through ``proxy`` when given); non-HTML bodies are not read. Raises one of
    ``FETCH_ERRORS`` when it cannot be read."""
    async with session.get(url, max_redirects=MAX_REDIRECTS, proxy=proxy) as response:
        chain = tuple(str(r.url) for r in response.history)
        redirects = (*chain, str(response.url)) if chain else ()
        content_type = response.headers.get("content-type", "")
        if response.status >= 400 or (content_type and "html" not in content_type.lower()):
            return FetchedHtml(response.status, str(response.url), redirects, None)
        body = bytearray()
        async for chunk in response.content.iter_chunked(1 << 16):
            body += chunk
            if len(body) >= MAX_PAGE_BYTES:
                break
        return FetchedHtml(response.status, str(response.url), redirects,
                           decode_html(bytes(body[:MAX_PAGE_BYTES]), content_type))


MAX_SCRIPT_BYTES = 1_000_000
"""A script larger than this is read up to here (enough to see whether it writes the page)."""


async def fetch_script(session: aiohttp.ClientSession, url: str, proxy: str | None = None) -> str | None:
    """A site's script, for deciding whether its pages need rendering: its text; ``""`` when the server says
    it is not there (4xx: the browser cannot run it either); ``None`` when it could not be read now (no
    answer, 5xx), which leaves the question open."""
    try:
        async with session.get(url, max_redirects=MAX_REDIRECTS, proxy=proxy) as response:
            if response.status >= 500:
                return None
            if response.status >= 400:
                return ""
            body = await response.content.read(MAX_SCRIPT_BYTES)
            return body.decode(response.charset or "utf-8", errors="replace")
    except FETCH_ERRORS:
        return None
