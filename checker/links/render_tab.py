"""The crawl's browser side (pages rendered in ``render`` and ``hybrid`` modes): tabs that do not download
heavy files, and one page's links read from the rendered DOM once the page has settled (links built by
scripts, lists filled from data after ``load``, lazy image sources included).

Imported only when a crawl renders, so the ``fetch`` mode starts without loading Playwright.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import re
import weakref
from dataclasses import dataclass
from importlib import resources
from typing import Any

from playwright.async_api import BrowserContext, CDPSession, Page, Response, Route
from playwright.async_api import Error as PlaywrightError

from checker.scenario import DEFAULT_SETTINGS
from checker.sitemap.settling import SETTLE_SCRIPT, WAIT_JS, wait_settled

LINKS_SCRIPT = resources.files("checker").joinpath("links.js").read_text(encoding="utf-8")
_HEAVY_SUFFIXES = ("png", "jpg", "jpeg", "gif", "webp", "bmp", "svg", "ico", "tif", "tiff", "woff", "woff2", "ttf",
                   "otf", "eot", "mp3", "mp4", "avi", "flv", "wmv", "webm", "css")
"""Files the crawl's tabs do not download: their addresses are read from the DOM and checked over HTTP."""
_HEAVY = re.compile(rf"\.(?:{'|'.join(_HEAVY_SUFFIXES)})(?:[?#]|$)", re.IGNORECASE)
QUIET_MS = 60
"""How long the DOM must stay unchanged, with no data request or short timer pending, for a page to count as
settled (the site walk's default)."""
_BLOCKED_PATTERNS = [pattern for suffix in _HEAVY_SUFFIXES for pattern in (f"*.{suffix}", f"*.{suffix}?*")]
SETTLED_LINKS_JS = f"""async ([quiet, waitMs, most]) => {{
  const settled = waitMs <= 0 ? true : await ({WAIT_JS})([quiet, waitMs]);
  return {{settled, data: ({LINKS_SCRIPT.strip()})(most)}};
}}"""
"""Waits in the page until it has settled (at most ``waitMs``), then reads its links: one call instead of two."""


@dataclass(frozen=True)
class RenderedPage:
    """One page opened in a tab: how it answered, where it ended, and its links (``links.js``'s record) when
    they were read; ``spoiled`` says the tab should be replaced before its next page."""

    status: int | None
    final_url: str
    redirects: tuple[str, ...] = ()
    data: dict[str, Any] | None = None
    error: str = ""
    spoiled: bool = False
    note: str = ""


async def _skip_heavy(route: Route) -> None:
    await route.abort()


async def new_tab(context: BrowserContext) -> Page:
    """A crawl tab that does not download images, media, fonts or style sheets.

    Chromium blocks them itself (DevTools ``Network.setBlockedURLs``: no round trip per request); a
    browser without that protocol gets Playwright's request interception instead.
    """
    tab = await context.new_page()
    await tab.add_init_script(SETTLE_SCRIPT)
    try:
        session = await context.new_cdp_session(tab)
        await session.send("Network.enable")
        await session.send("Network.setBlockedURLs", {"urls": _BLOCKED_PATTERNS})
        _SESSIONS[tab] = session
    except PlaywrightError:
        await tab.route(_HEAVY, _skip_heavy)
    return tab


_SESSIONS: weakref.WeakKeyDictionary[Page, CDPSession] = weakref.WeakKeyDictionary()
"""The DevTools session of each crawl tab, which also serves a fetched page to its tab (:func:`_goto_served`)."""


async def close_tab(tab: Page, timeout_seconds: float = DEFAULT_SETTINGS.action_timeout_seconds) -> None:
    """Close a crawl tab without waiting long: a renderer busy with a huge page must not hold the crawl."""
    with contextlib.suppress(PlaywrightError, TimeoutError):
        await asyncio.wait_for(tab.close(), timeout=timeout_seconds)


def _redirect_chain(response: Response | None) -> tuple[str, ...]:
    if response is None:
        return ()
    chain = [response.request.url]
    request = response.request.redirected_from
    while request is not None:
        chain.append(request.url)
        request = request.redirected_from
    return tuple(reversed(chain)) if len(chain) > 1 else ()


@dataclass(frozen=True)
class Answer:
    """A page as its server just sent it (fetched to decide whether it needs a browser): given to the tab that
    renders it, so the page is not requested a second time."""

    url: str
    status: int
    content_type: str
    body: bytes | str


async def goto_answered(tab: Page, answer: Answer, timeout_seconds: float) -> Response | None:
    """Load ``answer.url`` in the tab with ``answer`` as the document (its frames, scripts and data are
    requested as usual; a later load of the same address, such as a reload, goes to the server): through the
    tab's own DevTools session when it is a crawl tab (:func:`_goto_served`), else through a route."""
    session = _SESSIONS.get(tab)
    if session is not None:
        return await _goto_served(tab, session, answer, timeout_seconds)
    served = False

    async def serve(route: Route) -> None:
        nonlocal served
        request = route.request
        if served or not request.is_navigation_request() or request.frame != tab.main_frame:
            await route.fallback()
            return
        served = True
        await route.fulfill(status=answer.status, body=answer.body,
                            headers={"content-type": answer.content_type or "text/html; charset=utf-8"})

    pattern = re.compile("^" + re.escape(answer.url) + "$")
    await tab.route(pattern, serve)
    try:
        return await tab.goto(answer.url, wait_until="load", timeout=timeout_seconds * 1000)
    finally:
        with contextlib.suppress(PlaywrightError):
            await tab.unroute(pattern, serve)


def _fetch_pattern(url: str) -> str:
    """``url`` as a DevTools Fetch pattern, its wildcards (``*``, ``?``) and backslashes escaped."""
    return re.sub(r"([*?\\])", r"\\\1", url)


async def _goto_served(tab: Page, session: CDPSession, answer: Answer, timeout_seconds: float) -> Response | None:
    """:func:`goto_answered` through the tab's own DevTools session: only the page's document is intercepted.

    Playwright's routes intercept every request of the page while they are set (each one a round trip through
    its driver) and turn the page's cache off; this asks Chromium to pause the document alone. About 10 ms of
    CPU less per rendered page (benchmarks/README.md).
    """
    served = False
    body = base64.b64encode(answer.body.encode("utf-8") if isinstance(answer.body, str) else answer.body).decode()
    headers = [{"name": "content-type", "value": answer.content_type or "text/html; charset=utf-8"}]

    async def serve(event: dict[str, Any]) -> None:
        nonlocal served
        with contextlib.suppress(PlaywrightError):
            if not served and event["request"]["url"] == answer.url:
                served = True
                await session.send("Fetch.fulfillRequest", {"requestId": event["requestId"],
                                                            "responseCode": answer.status,
                                                            "responseHeaders": headers, "body": body})
            else:
                await session.send("Fetch.continueRequest", {"requestId": event["requestId"]})

    session.on("Fetch.requestPaused", serve)
    await session.send("Fetch.enable", {"patterns": [{"urlPattern": _fetch_pattern(answer.url),
                                                      "resourceType": "Document", "requestStage": "Request"}]})
    try:
        return await tab.goto(answer.url, wait_until="load", timeout=timeout_seconds * 1000)
    finally:
        with contextlib.suppress(PlaywrightError):
            await session.send("Fetch.disable")
        session.remove_listener("Fetch.requestPaused", serve)


async def render_links(tab: Page, url: str, scope: str, timeout_seconds: float, limit: int,
                       settle_seconds: float = 4, answer: Answer | None = None) -> RenderedPage:
    """Open ``url`` in the tab and, when it is a page in ``scope``, read up to ``limit`` links once it has
    settled (its data requests done and its DOM quiet, at most ``settle_seconds`` after ``load``): a list a
    script fills from data after ``load`` is read, not raced. ``answer``: the page as it was just fetched,
    rendered without asking the server again."""
    try:
        if answer is not None:
            response = await goto_answered(tab, answer, timeout_seconds)
        else:
            response = await tab.goto(url, wait_until="load", timeout=timeout_seconds * 1000)
    except PlaywrightError as error:
        message = (str(error).splitlines() or ["无法打开"])[0][:160]
        # Chromium's error page may still cut into the tab's next navigation.
        return RenderedPage(None, tab.url, error=message, spoiled=True)
    status = response.status if response else None
    final = tab.url
    opened = RenderedPage(status, final, _redirect_chain(response) if status is not None and status < 400 else ())
    if (status is not None and status >= 400) or not final.startswith(scope):
        return opened
    try:
        settled, data = await _settled_links(tab, settle_seconds, limit, timeout_seconds)
    except TimeoutError:
        return RenderedPage(status, final, opened.redirects, error="读取页面链接超时", spoiled=True)
    except PlaywrightError as error:
        return RenderedPage(status, final, opened.redirects, error=str(error).splitlines()[0][:160])
    note = "" if settled else f"页面在{settle_seconds:g}秒内仍在加载，按当时所见读取"
    return RenderedPage(status, final, opened.redirects, data, note=note)


async def _settled_links(tab: Page, settle_seconds: float, limit: int, timeout_seconds: float
                         ) -> tuple[bool, dict[str, Any]]:
    """Whether the page settled within ``settle_seconds``, and its links read then (``links.js``'s record).

    A crawl tab asks over its own DevTools session, in one call (:data:`SETTLED_LINKS_JS`): Playwright's
    evaluate installs its helper script in every new document first, which a page read once does not need
    (about 4 ms of CPU less per rendered page, benchmarks/README.md). Another tab goes through Playwright.
    Raises TimeoutError when the page does not answer in time, PlaywrightError when it cannot be read.
    """
    session = _SESSIONS.get(tab)
    if session is None:
        settled = await wait_settled(tab, settle_seconds, QUIET_MS)
        return settled, await asyncio.wait_for(tab.evaluate(LINKS_SCRIPT, limit), timeout=timeout_seconds)
    arguments = json.dumps([QUIET_MS, max(0.0, settle_seconds) * 1000, limit])
    reply = await asyncio.wait_for(
        session.send("Runtime.evaluate", {"expression": f"({SETTLED_LINKS_JS})({arguments})",
                                          "awaitPromise": True, "returnByValue": True}),
        timeout=max(0.0, settle_seconds) + timeout_seconds)
    if "exceptionDetails" in reply:
        details = reply["exceptionDetails"]
        thrown = (details.get("exception") or {}).get("description") or details.get("text") or "页面脚本出错"
        raise PlaywrightError(f"读取页面链接出错：{thrown}".splitlines()[0])
    value = reply["result"]["value"]
    return bool(value["settled"]), value["data"]
