"""Opening pages like a citizen (with time budgets), a failed opening told in Chinese, and screenshots of
what the page shows.

:class:`PageEvidence` takes one full-page screenshot per page state and derives every finding's boxed
page and element crop from it, so a page with three problems is photographed once.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import html
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, Request, Response, Route

from checker.capture import capture_png
from checker.evidence import Box, EvidenceStore, boxed_page_and_crop, page_top
from checker.netguard import (
    NetworkGuard,
    active_guard,
    blocked_reason,
    browser_error_code,
    explain_error,
    is_blocked_error,
)
from checker.observe import box_of
from checker.results import Evidence
from checker.scenario import DEFAULT_SETTINGS


def now() -> datetime:
    """The current instant in UTC (evidence timestamps: when something was seen, not the as_of date)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Visit:
    """The outcome of opening one URL: the HTTP status, the final URL, or the error."""

    url: str
    final_url: str
    status: int | None
    error: str
    seconds: float
    at: datetime

    @property
    def ok(self) -> bool:
        """Whether the page opened with a non-error status."""
        return not self.error and (self.status is None or self.status < 400)


def describe_probe_error(error: str, status: int | None, timeout_seconds: float) -> str:
    """A Chinese reason why the home page did not open (a :class:`Visit`'s error text or HTTP status), for the
    availability check and ``govcheck probe`` alike."""
    if status is not None and status >= 400:
        return f"首页返回 HTTP {status}"
    if is_blocked_error(error):
        return blocked_reason(error)
    lowered = error.lower()
    reasons = (
        ("timeout", f"首页在{timeout_seconds:g}秒内未打开（超时）"),
        ("err_name_not_resolved", "域名无法解析"),
        ("err_connection_refused", "连接被拒绝"),
        ("err_connection_reset", "连接被重置"),
        ("err_cert", "TLS 证书错误"),
        ("err_ssl", "TLS/SSL 握手失败"),
        ("err_too_many_redirects", "重定向循环"),
        ("err_address_unreachable", "地址不可达"),
        ("err_empty_response", "服务器未返回任何数据"),
    )
    for needle, reason in reasons:
        if needle in lowered:
            return reason
    first_line = error.strip().splitlines()[0] if error.strip() else "未知错误"
    return f"首页无法打开：{first_line[:160]}"


async def open_page(page: Page, url: str, timeout_seconds: float,
                    settle_seconds: float = DEFAULT_SETTINGS.load_wait_seconds) -> Visit:
    """Navigate and wait for the DOM; then give the page a short, bounded time to finish loading
    (``settle_seconds``: the suite's ``settings.load_wait_seconds``)."""
    started = now()
    response: Response | None = None
    error = ""
    hops: list[str] = []

    def note_failed(request: Request) -> None:
        if request.is_navigation_request() and request.frame == page.main_frame:
            hops.append(request.url)

    page.on("requestfailed", note_failed)
    since = time.monotonic()
    try:
        response = await page.goto(url, wait_until="domcontentloaded", timeout=timeout_seconds * 1000)
    except PlaywrightError as failure:
        raw = str(failure).splitlines()[0] if str(failure) else type(failure).__name__
        error = explain_error(raw, hops[-1] if hops else url, since)
        await stop_loading(page)
        code = browser_error_code(raw, error)
        if code is not None:
            await _draw_browser_error(page, hops[-1] if hops else url, code)
        if not is_blocked_error(error):
            await _show_error_if_blank(page, hops[-1] if hops else url, error)
    finally:
        page.remove_listener("requestfailed", note_failed)
    guard = active_guard()
    if guard is not None and is_blocked_error(error):
        guard.leave_page(page)  # nothing of a refused navigation is photographed
    elif guard is not None and not error:
        guard.reopened(page)
    if not error:
        with contextlib.suppress(PlaywrightError):
            await page.wait_for_load_state("load", timeout=settle_seconds * 1000)
    seconds = (now() - started).total_seconds()
    status = response.status if response else None
    return Visit(url, page.url, status, error, seconds, started)


async def _draw_browser_error(page: Page, url: str, code: str) -> None:
    """Let Chromium draw its own error page for the cause the network guard saw (the evidence of a site that
    did not open): the request is aborted with that cause before it leaves the browser, so nothing is sent."""
    async def abort(route: Route) -> None:
        await route.abort(code)

    with contextlib.suppress(PlaywrightError):
        await page.route("**/*", abort)
        try:
            await page.goto(url, wait_until="domcontentloaded", timeout=5000)
        except PlaywrightError:
            pass
        finally:
            await page.unroute("**/*", abort)


_NET_ERROR = re.compile(r"net::ERR_[A-Z_]+")
_SHOWN_TEXT_JS = "() => ((document.body && document.body.innerText) || '').trim().length > 0"


async def _show_error_if_blank(page: Page, url: str, error: str) -> None:
    """A browser without error pages of its own (a headless shell) leaves a failed page blank: the evidence of
    a site that did not open would show nothing, so the page is given what Chromium's would state."""
    with contextlib.suppress(PlaywrightError):
        if not await page.evaluate(_SHOWN_TEXT_JS):
            code = _NET_ERROR.search(error)
            await page.set_content(blank_error_page(url, code.group(0) if code else error.split(" at ", 1)[0]))


def blank_error_page(url: str, code: str) -> str:
    """What a headless shell (a browser without its own error pages) is given to show instead of a blank page:
    the same facts Chromium's page states (its heading: 无法访问此网站, or for a certificate error the warning's
    您的连接不是私密连接), and a line saying that govcheck wrote it."""
    certificate = "ERR_CERT_" in code or "ERR_SSL_" in code
    heading = "您的连接不是私密连接" if certificate else "无法访问此网站" if "ERR_" in code else "网页未能打开"
    what = (f"{html.escape(url)} 的安全证书有问题，浏览器已阻止打开此网页。" if certificate
            else f"网址为 {html.escape(url)} 的网页无法打开。")
    return (
        f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>{heading}</title></head>"
        "<body style='font-family:sans-serif;margin:60px;color:#202124'>"
        f"<h1 style='font-size:24px;font-weight:normal'>{heading}</h1>"
        f"<p>{what}</p>"
        f"<p style='color:#5f6368'>{html.escape(code)}</p>"
        "<p style='color:#80868b;font-size:12px;margin-top:40px'>"
        "（所用浏览器不显示自带错误页，此页由 govcheck 按浏览器报告的错误写出）</p></body></html>"
    )


async def stop_loading(page: Page) -> None:
    """Abandon a navigation that overran its budget, so the page can be photographed as it stands.

    Chromium's own stop (a DevTools call) works while the navigation is pending, when any script in the
    page would wait for the navigation to finish first.
    """
    with contextlib.suppress(PlaywrightError):
        session = await page.context.new_cdp_session(page)
        try:
            await session.send("Page.stopLoading")
        finally:
            await session.detach()


T = TypeVar("T")
_IMAGE_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="govcheck-evidence")


async def in_image_thread(work: Callable[..., T], *args: Any) -> T:
    """Run evidence image work (decode, mark, encode, hash, write) on the run's one image thread.

    It is the largest Python cost of a suite run (py-spy: 26% of the samples). Pillow, hashlib and file writes
    let go of the interpreter, so on a thread of its own it runs beside the event loop (bench_suite: 79.5 ->
    71.4 s at 20 sites). One thread, not a pool: decoded pages are large, and each thread that allocates them
    keeps its own memory arena.
    """
    return await asyncio.get_running_loop().run_in_executor(_IMAGE_THREAD, functools.partial(work, *args))


MAX_SHOT_WIDTH = 4096
_PAGE_SIZE_JS = "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]"


@dataclass(frozen=True)
class Shot:
    """A screenshot as taken (PNG bytes), the element's box in it (None: no element), when and of which page."""

    png: bytes
    box: Box | None
    taken: datetime
    url: str


class PageEvidence:
    """Evidence of one page state, photographed on first need and boxed per element.

    A page up to ``max_height`` tall is taken whole, once. A taller one (an endless list, a 50 MB page)
    is taken as a window of ``max_height`` around the element, so a screenshot never grows without bound.
    A screenshot that takes longer than ``screenshot_timeout_seconds`` is given up (no evidence).
    """

    def __init__(self, page: Page, store: EvidenceStore, site_index: int, max_height: int, *,
                 screenshot_timeout_seconds: float = DEFAULT_SETTINGS.screenshot_timeout_seconds,
                 guard: NetworkGuard | None = None) -> None:
        self._page = page
        self._guard = guard or active_guard()
        self._store = store
        self._site_index = site_index
        self._max_height = max_height
        self._screenshot_timeout_ms = screenshot_timeout_seconds * 1000
        self._shots: dict[int, tuple[bytes, datetime]] = {}
        self._url = page.url

    async def _window(self, box: Box | None) -> int:
        """The top of the window to photograph: 0 for a short page, else centred on the box."""
        _, height = await self._page.evaluate(_PAGE_SIZE_JS)
        if height <= self._max_height:
            return 0
        centre = box.y + box.height / 2 if box else 0
        return int(max(0, min(centre - self._max_height / 2, height - self._max_height)))

    async def _shot(self, top: int) -> tuple[bytes, datetime]:
        if top not in self._shots:
            width, height = await self._page.evaluate(_PAGE_SIZE_JS)
            size = {"width": min(width, MAX_SHOT_WIDTH), "height": min(self._max_height, height - top)}
            clip = {"x": 0, "y": top, **size}
            png = await capture_png(self._page, clip, self._screenshot_timeout_ms / 1000)
            self._shots[top] = (png, now())
        return self._shots[top]

    async def capture(self, anchor: str | None) -> list[Evidence]:
        """The page with the element boxed and a crop around it; the unmarked page when there is no element."""
        shot = await self.take(anchor)
        if shot is None:
            return []
        return await in_image_thread(self.files, shot)

    async def take(self, anchor: str | None) -> Shot | None:
        """The screenshot and the element's box as the page stands now (None: nothing may be shown, or the
        browser failed); :meth:`files` turns it into evidence later, when it is known to be needed."""
        if self._guard is not None and not self._guard.permits(self._page, self._page.url):
            return None  # a browser error page, or an origin the network boundary refused: nothing to show
        try:
            box = await box_of(self._page, anchor) if anchor else None
            top = await self._window(box)
            png, taken = await self._shot(top)
        except PlaywrightError:
            return None
        shifted = Box(box.x, box.y - top, box.width, box.height) if box is not None else None
        return Shot(png, shifted, taken, self._url)

    def files(self, shot: Shot) -> list[Evidence]:
        """The evidence files of one shot: the page (boxed when there is an element) and the crop (pure
        Pillow and file work: safe on a thread)."""
        def save(data: bytes, role: str) -> Evidence:
            return self._store.save(data, site_index=self._site_index, role=role, url=shot.url,
                                    captured_at=shot.taken)

        if shot.box is None:
            return [save(page_top(shot.png, max_height=self._max_height), "page")]
        page, crop = boxed_page_and_crop(shot.png, shot.box, max_height=self._max_height)
        return [save(page, "page"), save(crop, "element")]


TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524})
"""HTTP answers that say the server stumbled (a failed look), not that the page is missing."""


def failed_load(visit: Visit) -> bool:
    """Whether opening a page failed as a look: no answer (timeout, reset, DNS…) or a transient 5xx/429.

    A 404 or 410 is an answer — the page is not there — and may be judged; a 503 may not.
    """
    if visit.error:
        return True
    return visit.status is not None and (visit.status in TRANSIENT_STATUSES or visit.status >= 500)


def load_failure_reason(visit: Visit, timeout_seconds: float) -> str:
    """A Chinese reason for a page that did not open: 页面在20秒内未打开（超时）, 连接被重置, 页面返回 HTTP 503 …"""
    return describe_probe_error(visit.error, visit.status, timeout_seconds).replace("首页", "页面")
