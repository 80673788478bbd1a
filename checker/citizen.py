"""Finding the way like a citizen: links picked by their visible text from a page snapshot, and whether the
server answered what a citizen's step (opening an entry, pressing 提交 or Enter) asked of it.

:class:`AnswerWatch` tells a page that opened and holds nothing from a page whose server did not answer: a
request reset, answered 5xx or still pending when the step ended makes the step a failed look, never an
absent form or an empty result list.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, Page, Request, Response
from playwright.async_api import Error as PlaywrightError

from checker.discover import in_scope, normalise_url
from checker.observe import PageSnapshot
from checker.visit import Visit, failed_load, load_failure_reason, now


@dataclass(frozen=True)
class LinkSeen:
    """A link a person can see: its text, target and (for list rows) the snapshot's anchor."""

    text: str
    href: str
    anchor: str = ""


def visible_links(snapshot: PageSnapshot) -> list[LinkSeen]:
    """Every link of the snapshot: navigation first, then 更多 blocks, then list rows."""
    links = [LinkSeen(n.text.strip(), n.href) for n in snapshot.nav_links]
    links += [LinkSeen(m.heading.strip(), m.href, m.anchor) for m in snapshot.more_links]
    links += [LinkSeen(r.title.strip(), r.href, r.anchor) for g in snapshot.groups for r in g.rows]
    return [link for link in links if link.text and link.href.startswith(("http://", "https://"))]


def find_links(
    snapshot: PageSnapshot, words: Sequence[str], scope: str = "", max_text: int = 12
) -> list[LinkSeen]:
    """Short links whose text contains one of ``words``, best word first, one per target URL.

    Only short texts count (a menu entry, not an article title that happens to mention 咨询); with a
    scope, only links within the site.
    """
    found: dict[str, LinkSeen] = {}
    links = visible_links(snapshot)
    for word in words:
        for link in links:
            if word in link.text and len(link.text) <= max_text and (not scope or in_scope(link.href, scope)):
                found.setdefault(normalise_url(link.href), link)
    return list(found.values())


WATCHED_TYPES = frozenset({"document", "script", "xhr", "fetch"})
"""The requests whose failure can empty a page: its document, its scripts and the data they fetch."""
_NAVIGATED_AWAY = ("net::ERR_ABORTED",)
"""Failures the browser causes itself (a request cut short by the next navigation), not the server."""


@dataclass(frozen=True)
class MissedAnswer:
    """A request of the step the server did not answer properly: its URL and the reason in Chinese."""

    url: str
    reason: str


def _site_hosts(hosts: Iterable[str]) -> tuple[str, ...]:
    """Host names whose scripts and data count for a step: each given host, and its domain without ``www.``."""
    found: list[str] = []
    for host in hosts:
        host = (host or "").lower()
        if host:
            found += [host, host.removeprefix("www.")]
    return tuple(dict.fromkeys(found))


class AnswerWatch:
    """The requests one journey step sets off, on its page and on any window the step opens.

    Use as a context manager around the step (``with AnswerWatch(context, page, hosts) as watch``). It
    watches the main-frame documents (any host) and the scripts, XHR and fetch requests of the site's own
    hosts (``hosts`` and their sub-domains), so a blocked third-party counter does not spoil a look.
    :meth:`answered` waits for the step's answer (redirects followed, the new page committed);
    :meth:`missed` then says which request failed: reset, answered 5xx/429, or still pending.
    """

    def __init__(self, context: BrowserContext, page: Page, hosts: Iterable[str] = ()) -> None:
        """Watch ``page`` and the pages opened after now in ``context``."""
        self._context = context
        self._page = page
        self._others = {id(other) for other in context.pages if other is not page}
        self._hosts = _site_hosts([*hosts, urlsplit(page.url).hostname or ""])
        self._pending: dict[int, str] = {}
        self._missed: list[MissedAnswer] = []
        self._statuses: list[tuple[str, int]] = []
        self._redirects = 0
        self._answered_documents = 0
        self._started = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._committed = asyncio.Event()

    def __enter__(self) -> AnswerWatch:
        """Start listening."""
        self._context.on("request", self._on_request)
        self._context.on("response", self._on_response)
        self._context.on("requestfinished", self._on_finished)
        self._context.on("requestfailed", self._on_failed)
        self._page.on("framenavigated", self._on_navigated)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        """Stop listening."""
        self._context.remove_listener("request", self._on_request)
        self._context.remove_listener("response", self._on_response)
        self._context.remove_listener("requestfinished", self._on_finished)
        self._context.remove_listener("requestfailed", self._on_failed)
        self._page.remove_listener("framenavigated", self._on_navigated)

    def _watched(self, request: Request) -> bool:
        if request.resource_type not in WATCHED_TYPES:
            return False
        try:
            frame = request.frame
            if id(frame.page) in self._others:
                return False
        except PlaywrightError:  # a service worker's request has no frame: not the step's
            return False
        if request.resource_type == "document":
            return frame.parent_frame is None
        host = (urlsplit(request.url).hostname or "").lower()
        return any(host == known or host.endswith("." + known) for known in self._hosts)

    def _on_request(self, request: Request) -> None:
        if not self._watched(request):
            return
        if request.redirected_from is not None and self._redirects:
            self._redirects -= 1
        self._pending[id(request)] = request.url
        self._started.set()
        self._idle.clear()

    def _settle(self, request: Request) -> None:
        self._pending.pop(id(request), None)
        if not self._pending and not self._redirects:
            self._idle.set()

    def _on_response(self, response: Response) -> None:
        request = response.request
        if id(request) not in self._pending:
            return
        if request.resource_type == "document":
            self._statuses.append((response.url, response.status))
            if 300 <= response.status < 400:  # a redirect: the request it leads to follows
                self._redirects += 1
            elif self._on_watched_page(request):
                self._answered_documents += 1
        visit = Visit(response.url, response.url, response.status, "", 0.0, now())
        if failed_load(visit):
            self._missed.append(MissedAnswer(response.url, load_failure_reason(visit, 0)))

    def _on_watched_page(self, request: Request) -> bool:
        try:
            return request.frame.page is self._page
        except PlaywrightError:
            return False

    def _on_finished(self, request: Request) -> None:
        self._settle(request)

    def _on_failed(self, request: Request) -> None:
        if id(request) not in self._pending:
            return
        self._settle(request)
        failure = request.failure or "未知错误"
        if not any(mark in failure for mark in _NAVIGATED_AWAY):
            self._missed.append(MissedAnswer(request.url, load_failure_reason(
                Visit(request.url, request.url, None, failure, 0.0, now()), 0)))

    def _on_navigated(self, frame: object) -> None:
        if frame is self._page.main_frame:
            self._committed.set()

    @property
    def asked(self) -> bool:
        """Whether the step sent any watched request at all."""
        return self._started.is_set()

    @property
    def status(self) -> int | None:
        """The HTTP status of the last main-frame document the step loaded, if any."""
        return self._statuses[-1][1] if self._statuses else None

    async def answered(self, start_seconds: float, timeout_seconds: float) -> None:
        """Wait for the step's answer: its first request (at most ``start_seconds``), then every watched
        request answered (redirects followed) and, when the page got a new document, that document in place
        (together at most ``timeout_seconds``); a step that sends nothing returns after ``start_seconds``."""
        try:
            await asyncio.wait_for(self._started.wait(), start_seconds)
        except TimeoutError:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._answer(), timeout_seconds)

    async def _answer(self) -> None:
        await self._idle.wait()
        if self._answered_documents:
            await self._committed.wait()

    def refused(self) -> MissedAnswer | None:
        """The first request the server answered badly (reset, 5xx/429); requests still pending do not count
        (a page may keep a connection open on purpose)."""
        return self._missed[0] if self._missed else None

    def missed(self, timeout_seconds: float) -> MissedAnswer | None:
        """The first request the server did not answer properly (reset, 5xx/429), or one still pending after
        ``timeout_seconds``; None when every watched request was answered."""
        if self._missed:
            return self._missed[0]
        for url in self._pending.values():
            return MissedAnswer(url, f"服务器在{timeout_seconds:g}秒内未应答（超时）")
        return None
