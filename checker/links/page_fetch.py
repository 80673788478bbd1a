"""Fetching one page's HTML for the crawl's ``fetch`` mode: redirects followed and recorded, the body
capped, the charset decoded the way the publishing checks decode it."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from checker.htmlpage import decode_html

MAX_PAGE_BYTES = 5_000_000
"""A page larger than this is read up to here (a 50 MB page must not fill the memory)."""


@dataclass(frozen=True)
class FetchedHtml:
    """A fetched page: its status, final URL, redirect chain, and the HTML text when it is a web page."""

    status: int
    final_url: str
    redirects: tuple[str, ...]
    html: str | None


async def fetch_html(client: httpx.AsyncClient, url: str) -> FetchedHtml:
    """GET the page; non-HTML bodies are not read. Raises httpx.HTTPError when the server cannot be reached."""
    async with client.stream("GET", url) as response:
        chain = tuple(str(r.url) for r in response.history)
        redirects = (*chain, str(response.url)) if chain else ()
        content_type = response.headers.get("content-type", "")
        if response.status_code >= 400 or (content_type and "html" not in content_type.lower()):
            return FetchedHtml(response.status_code, str(response.url), redirects, None)
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) >= MAX_PAGE_BYTES:
                break
        return FetchedHtml(response.status_code, str(response.url), redirects,
                           decode_html(bytes(body[:MAX_PAGE_BYTES]), content_type))
