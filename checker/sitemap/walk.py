"""The citizen-like walk that builds a site's map: breadth first, sections and columns before articles.

Home → navigation (dropdowns included) → hub pages → their menus, tiles and directories → columns → their
list pages (pagination written by scripts included) → articles; plus the 网站地图 page and 更多 links. Each
page is requested once. With the default ``hybrid`` read its HTML is read first: a page no script writes
(:mod:`checker.links.render_need` decides) is read from it by :mod:`checker.sitemap.static_read`, which gives
what the page scripts give in a tab; any other page is rendered in a browser tab from that same answer and read
when it has settled: a list a script fills after ``load`` is waited for (the network and the DOM go quiet),
never a fixed sleep. The ``browser`` read renders every page. Images, media and fonts are not downloaded.
What the budgets cut is said in the map's notes.

A government server drops requests. A page whose load failed (no answer, reset, 5xx/429) or whose read is
incomplete (one of the site's frames, scripts or data requests failed, or had not finished when the page
was read) is looked at again, as ``settings.retest`` says: it waits in a deferred queue, without holding a
tab, until its pause is over, while the walk goes on; at the end the walk waits only for what is still
pending. Stylesheets, images and fonts do not make a read incomplete: the walk reads the DOM's text and
links, which a missing stylesheet does not remove (it can only show more), and images are not even loaded.
Each page keeps the time of every attempt and its final :class:`~checker.sitemap.model.ReadState`.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, Page, Request, Response
from playwright.async_api import Error as PlaywrightError

from checker.discover import in_scope, normalise_url
from checker.htmlpage import ParsedPage, decode_html, parse_html
from checker.links.crawl import TAB_PAGES
from checker.links.render_tab import Answer, goto_answered
from checker.netguard import NetworkGuard, active_guard, explain_error
from checker.observe import _SNAPSHOT_JS, JSON_BROKEN, json_result, navigated_away, returning_json, snapshot_from_json
from checker.politeness import ROBOTS_REFUSAL, Politeness
from checker.runlog import LOG
from checker.scenario import RetestSettings, SiteMapSettings
from checker.sitemap.html_fetch import BrowserRequests, DirectRequests, FetchFailed, HtmlSource
from checker.sitemap.html_read import HtmlRead
from checker.sitemap.html_readers import shared_readers
from checker.sitemap.model import LinkKind, PageRole, SiteMap, SitePage, facts_from_json
from checker.sitemap.settling import wait_settled
from checker.sitemap.structure import (
    OutLink,
    RoleView,
    column_list,
    followable,
    outgoing,
    page_name,
    page_role,
    pager_targets,
)
from checker.visit import describe_probe_error, now

_HERE = resources.files("checker.sitemap")
_STRUCTURE_JS = _HERE.joinpath("structure.js").read_text(encoding="utf-8")
_LINKS_JS = resources.files("checker").joinpath("links.js").read_text(encoding="utf-8")
_READ_ALL_JS = f"""(args) => {{
  const snapshot = ({_SNAPSHOT_JS.strip()})({{footerSelector: args.footerSelector}});
  const facts = ({_STRUCTURE_JS.strip()})();
  const links = ({_LINKS_JS.strip()})(args.limit);
  const root = document.documentElement;
  return [snapshot, facts, links, root ? root.outerHTML : ''];
}}"""
"""One page's whole read: ``snapshot.js``, ``structure.js``, ``links.js`` and the HTML, in one evaluation."""
_READ_ALL_AS_JSON = returning_json(_READ_ALL_JS)
_BLOCKED = [f"*.{suffix}{tail}" for suffix in ("png", "jpg", "jpeg", "gif", "webp", "bmp", "ico", "svg", "woff",
                                                "woff2", "ttf", "otf", "eot", "mp3", "mp4", "avi", "flv", "wmv",
                                                "webm") for tail in ("", "?*")]
_MAX_HTML = 3_000_000
EMPTY_LIST_CONFIRMED = "栏目列表在HTML中为空，在浏览器中确认"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_NOT_FOLLOWED_FROM = (PageRole.ARTICLE, PageRole.FORM, PageRole.NEWMEDIA, PageRole.EXTERNAL)
_SHAPING = {"document": "框架页面", "script": "脚本", "xhr": "数据请求", "fetch": "数据请求"}
"""Requests whose failure changes what the page shows (its frames, scripts, data), by kind, in Chinese."""
_NOT_FAILURES = ("err_aborted", "err_blocked_by_client")
"""Request failures that are no server's: the page (or the walk's image block) cancelled the request."""
_PASSING = ("err_connection_reset", "err_connection_closed", "err_connection_aborted", "err_empty_response",
            "err_timed_out", "err_http2", "err_quic", "err_network_changed", "err_socket")
"""Request failures that look like a server stumbling for a moment, not like a service that is gone."""
_STUMBLES = frozenset({408, 425, 429})
_GONE = frozenset({404, 410})
_CHECK_WAIT_SECONDS = 3
"""Answers that say the page is not there: the hybrid read takes them as they are, without a browser."""
_IN_PLACE_JS = """() => {
  const kinds = {script: '脚本', xmlhttprequest: '数据请求', fetch: '数据请求', iframe: '框架页面', frame: '框架页面'};
  const failed = performance.getEntriesByType('resource')
    .filter(e => kinds[e.initiatorType] && typeof e.responseStatus === 'number')
    .filter(e => { try { return new URL(e.name).origin === location.origin; } catch (x) { return false; } })
    .filter(e => e.responseStatus === 0 || e.responseStatus >= 500 || e.responseStatus === 429)
    .map(e => [kinds[e.initiatorType], e.name, e.responseStatus]);
  return failed;
}"""
"""A page read where another family left it was not watched as it loaded: its same-origin frames, scripts
and data requests that failed (status 0: no answer) are found in its resource timing instead."""
_OPEN_JS = "() => (window.__gcSettle && window.__gcSettle.open) ? [...window.__gcSettle.open.values()] : []"
_READ_FIELDS = ("final_url", "status", "error", "role", "name", "snapshot", "facts", "parsed", "link_data", "path",
                "note", "seen_at", "failure", "incomplete", "how", "render_reasons")
"""What one attempt at a page gives: kept on the map's page when it is the best read so far."""


def _site_key(host: str) -> str:
    """The part of a host name that names its site: www.hz.gov.cn and static.hz.gov.cn are both hz.gov.cn."""
    labels = host.lower().strip(".").split(".")
    if len(labels) < 2 or labels[-1].isdigit():  # an IP address or a single name: itself
        return host.lower()
    second_level = len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in ("gov", "com", "org", "net", "edu", "ac")
    return ".".join(labels[-3:] if second_level else labels[-2:])


def _short(url: str) -> str:
    parts = urlsplit(url)
    shown = parts.path + (f"?{parts.query}" if parts.query else "")
    return (shown or url)[:80]


def _request_reason(failure: str, status: int | None, timeout_seconds: float) -> str:
    """A Chinese reason for one failed request (连接被重置、HTTP 503 …)."""
    if status is not None:
        return f"HTTP {status}"
    reason = describe_probe_error(failure, None, timeout_seconds)
    return reason.replace("首页无法打开：", "").replace("首页", "请求")


class _Watch:
    """The requests one load of a page made that shape what it shows, and those that failed.

    Counted: the site's own frames, scripts and data requests that got no answer (reset, timeout …) or a
    5xx/429; and another site's frames and scripts whose failure looks passing (reset, timeout, 5xx/429: a
    footer's 党政机关网站标识 is often another site's script). Not counted: another site's data requests
    (statistics beacons say nothing about what the page shows), a name that does not resolve or a refused
    connection on another site (a dead statistics service would leave every page incomplete), requests the
    page itself cancelled, and what the walk does not load (images, fonts).
    """

    def __init__(self, tab: Page, own: Callable[[str], bool], timeout_seconds: float) -> None:
        self._tab = tab
        self._own = own
        self._timeout = timeout_seconds
        self.failures: dict[str, str] = {}

    def attach(self) -> None:
        """Start watching the tab's requests."""
        self._tab.on("requestfailed", self._failed)
        self._tab.on("response", self._response)

    def detach(self) -> None:
        """Stop watching (before the tab loads another page)."""
        with contextlib.suppress(Exception):
            self._tab.remove_listener("requestfailed", self._failed)
            self._tab.remove_listener("response", self._response)

    def _kind(self, request: Request, passing: bool) -> str:
        """The request's kind in Chinese when its failure makes the read incomplete, else ""."""
        kind = _SHAPING.get(request.resource_type, "")
        if not kind:
            return ""
        if not self._own(request.url) and (request.resource_type in ("xhr", "fetch") or not passing):
            return ""
        if request.resource_type == "document":
            try:
                if request.frame.parent_frame is None:
                    return ""  # the page itself: its load is judged by the navigation
            except PlaywrightError:
                return ""
        return kind

    def _failed(self, request: Request) -> None:
        failure = (request.failure or "").lower()
        if any(word in failure for word in _NOT_FAILURES):
            return
        kind = self._kind(request, passing=any(word in failure for word in _PASSING))
        if kind:
            why = _request_reason(request.failure or "", None, self._timeout)
            self.failures.setdefault(request.url, f"{kind} {_short(request.url)} 未能加载（{why}）")

    def _response(self, response: Response) -> None:
        status = response.status
        if status >= 500 or status == 429:
            kind = self._kind(response.request, passing=True)
            if kind:
                self.failures.setdefault(response.url, f"{kind} {_short(response.url)} 未能加载（HTTP {status}）")


async def settle(page: Page, settings: SiteMapSettings) -> str:
    """Wait until the page's scripts are done (no request or short timer pending, DOM quiet), at most
    ``settle_seconds``; returns a note when the page never settled."""
    if await wait_settled(page, settings.settle_seconds, settings.quiet_ms):
        return ""
    return f"页面在{settings.settle_seconds:g}秒内仍在加载，按当时所见读取"


@dataclass(order=True)
class _Job:
    rank: tuple[int, int, int]
    url: str
    depth: int
    path: tuple[str, ...]
    via: LinkKind
    parent: str | None
    link_text: str
    column_of: str | None = None
    list_page: int = 1


class SiteWalker:
    """Walks one site with ``settings.tabs`` tabs of ``context`` and returns its :class:`SiteMap`."""

    def __init__(self, context: BrowserContext, site_url: str, scope: str, settings: SiteMapSettings, *,
                 as_of: date, page_timeout_seconds: float, max_list_pages: int, politeness: Politeness | None = None,
                 skip_scopes: tuple[str, ...] = (), footer_selector: str | None = None, links_limit: int = 5000,
                 deadline: float | None = None, extra_urls: list[tuple[str, str]] | None = None,
                 retest: RetestSettings | None = None, remote_browser: bool = False,
                 guard: NetworkGuard | None = None) -> None:
        self._context = context
        self._remote_browser = remote_browser
        self._guard = guard
        self._html: HtmlSource | None = None
        self._scope = scope
        self._settings = settings
        self._as_of = as_of
        self._timeout = page_timeout_seconds
        self._max_list_pages = max_list_pages
        self._politeness = politeness or Politeness()
        self._skip = skip_scopes
        self._footer_selector = footer_selector
        self._links_limit = links_limit
        self._deadline = deadline
        self._extra = extra_urls or []
        self._queue: list[_Job] = []
        self._seq = itertools.count()
        self._queued: set[str] = set()
        self._in_flight = 0
        self._wake = asyncio.Event()
        self._articles: dict[str, int] = {}
        self._articles_left: set[str] = set()
        self._list_pages: dict[str, int] = {}
        self._retest = retest or RetestSettings()
        self._deferred: list[tuple[float, int, _Job]] = []
        self._first_look: dict[str, float] = {}
        self._hosts = {_site_key(urlsplit(url).hostname or "") for url in (site_url, scope)}
        self._scripts: dict[str, asyncio.Task[str | None]] = {}
        self._script_texts: dict[str, str | None] = {}
        self._readers = shared_readers(settings.read_workers)
        self.map = SiteMap(site_url, scope)

    async def walk(self, home_page: Page | None = None) -> SiteMap:
        """Walk from the home page; ``home_page`` is a tab already showing it (read there, not loaded again,
        unless that read fails or is incomplete: then it is loaded again like any failed page)."""
        start = _Job((0, 0, next(self._seq)), normalise_url(self.map.site_url), 0, (), LinkKind.START, None, "首页")
        self._queued.add(start.url)
        if home_page is not None:
            await self._read_in_place(home_page, start)
        else:
            heapq.heappush(self._queue, start)
        for name, url in self._extra:  # scenario hints: columns discovery may not reach
            if followable(url, self._scope) and normalise_url(url) not in self._queued:
                self._push(_Job((0, 1, next(self._seq)), normalise_url(url), 1, ("场景指定", name), LinkKind.MENU,
                                None, name))
        tabs = [await self._new_tab() for _ in range(self._settings.tabs)]
        try:
            if self._settings.read == "hybrid":
                self._html = await self._html_source(tabs[0])
            await asyncio.gather(*(self._work(tabs, slot) for slot in range(len(tabs))))
        finally:
            if self._html is not None:
                await self._html.close()
            for tab in tabs:
                with contextlib.suppress(PlaywrightError, TimeoutError):
                    await asyncio.wait_for(tab.close(), timeout=5)
        self._note_cut()
        return self.map

    async def _html_source(self, tab: Page) -> HtmlSource:
        """Where the hybrid read asks for HTML: Python's client with the browser's name and cookies, unless the
        browser is remote (asked from where it stands, by its own request client)."""
        if not self._remote_browser:
            with contextlib.suppress(PlaywrightError):
                agent = await tab.evaluate("navigator.userAgent")
                return DirectRequests(self._context, self._guard or active_guard(), agent, self._timeout,
                                      max(4, self._settings.tabs))
        return BrowserRequests(self._context, self._timeout)

    async def _new_tab(self) -> Page:
        tab = await self._context.new_page()
        try:
            session = await self._context.new_cdp_session(tab)
            await session.send("Network.enable")
            await session.send("Network.setBlockedURLs", {"urls": _BLOCKED})
        except PlaywrightError:
            pass  # not Chromium: images are downloaded, which costs time but changes nothing read
        return tab

    def _out_of_time(self) -> bool:
        return self._deadline is not None and time.monotonic() >= self._deadline

    def _take(self) -> _Job | None:
        """The next page to open: a re-test whose pause is over, else the most structural, nearest queued page
        while the page budget lasts (re-tests do not count against it: their pages are in the map already)."""
        if self._deferred and self._deferred[0][0] <= time.monotonic():
            return heapq.heappop(self._deferred)[2]
        if self._queue and len(self.map.pages) < self._settings.max_pages:
            return heapq.heappop(self._queue)
        return None

    async def _idle(self) -> None:
        """Wait until another tab finishes a page or the next re-test is due (never past the deadline)."""
        ends = [self._deferred[0][0]] if self._deferred else []
        if self._deadline is not None:
            ends.append(self._deadline)
        timeout = max(0.0, min(ends) - time.monotonic()) if ends else None
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=timeout)

    async def _work(self, tabs: list[Page], slot: int) -> None:
        """One tab's loop: open due re-tests and queued pages until nothing is left or pending."""
        opened = 0
        while not self._out_of_time():
            job = self._take()
            if job is None:
                if self._in_flight == 0 and not self._deferred:
                    self._wake.set()
                    return
                await self._idle()
                continue
            self._in_flight += 1
            try:
                tabs[slot], rendered = await self._open(tabs[slot], job)
                opened += rendered
                if rendered and opened % TAB_PAGES == 0:  # a long-lived tab's memory grows with every page
                    tabs[slot] = await self._replace(tabs[slot])
            finally:
                self._in_flight -= 1
                self._wake.set()

    async def _open(self, tab: Page, job: _Job) -> tuple[Page, bool]:
        """One attempt at a job's page: load it, read it, keep the best read so far on the map's page, and put
        it in the deferred queue when the look failed and ``settings.retest`` allows another. Returns the tab
        to go on with and whether the page was loaded in it."""
        page = self.map.pages.get(job.url)
        if page is None:
            page = self._page(job)
            self.map.pages[job.url] = page
            if self._politeness.respect_robots and not await self._politeness.allowed(job.url, self._context.request):
                page.error = page.failure = ROBOTS_REFUSAL
                return tab, False
        trial = self._page(job)
        await self._politeness.wait_turn(job.url)
        self._first_look.setdefault(job.url, time.monotonic())
        page.attempt_times = (*page.attempt_times, now())
        document: Answer | None = None
        again: str | None = None
        if self._settings.read == "hybrid":
            again, document = await self._read_html(job, trial)
        rendered = again is None
        if rendered:
            reasons, trial = trial.render_reasons, self._page(job)  # nothing of the HTML read is kept
            trial.render_reasons = reasons
            tab, again = await self._attempt(tab, job, trial, document)
        self._keep(page, trial)
        self._retest_later(page, job, again or "")
        return tab, rendered

    def _page(self, job: _Job) -> SitePage:
        return SitePage(job.url, job.depth, job.path, job.via, job.parent, column_of=job.column_of,
                        list_page=job.list_page)

    async def _attempt(self, tab: Page, job: _Job, trial: SitePage,
                       document: Answer | None = None) -> tuple[Page, str]:
        """Load and read the page once into ``trial``; returns the tab to go on with and, when the look failed
        (no answer, a 5xx/429, a failed read, an incomplete read), why. ``document``: the page as its server
        just sent it (the hybrid read's fetch), given to the tab instead of being requested a second time."""
        trial.how = "rendered"
        watch = _Watch(tab, self._own, self._timeout)
        watch.attach()
        since = time.monotonic()
        documents: list[Response] = []

        def keep(response: Response) -> None:
            documents.append(response)

        tab.on("response", keep)
        if self._html is not None:
            await self._html.before_render()
        try:
            try:
                response = await self._goto(tab, job.url, document)
            except PlaywrightError as error:
                trial.error = explain_error((str(error).splitlines() or ["无法打开"])[0][:160], job.url, since)
                trial.failure = describe_probe_error(trial.error, None, self._timeout).replace("首页", "页面")
                return await self._replace(tab), trial.failure
            trial.status = response.status if response else None
            if (trial.status is not None and 400 <= trial.status < 500 and trial.status not in _GONE
                    and trial.status not in _STUMBLES):
                trial.status = await self._past_check(tab, response, documents) or trial.status
            if trial.status is not None and trial.status >= 400:
                trial.failure = f"页面返回 HTTP {trial.status}"
                transient = trial.status >= 500 or trial.status in _STUMBLES
                return tab, trial.failure if transient else ""
            await self._read_loaded(tab, job, tab.url, trial, watch)
        finally:
            watch.detach()
            with contextlib.suppress(Exception):
                tab.remove_listener("response", keep)
            if self._html is not None:
                await self._html.after_render()
        if trial.snapshot is None and trial.failure:  # the read itself failed: the tab may be stuck
            return await self._replace(tab), trial.failure
        return tab, trial.incomplete

    async def _past_check(self, tab: Page, refused: Response | None, responses: list[Response]) -> int | None:
        """The status of the page a refusal (401, 403, 412 …) led to by itself: an anti-robot check answers
        with a script that sets a cookie and loads the page again, which a browser passes. ``responses``: the
        tab's responses since the load began. Waits a moment for that second load; None when the page stayed
        where it was."""
        def main_document(response: Response) -> bool:
            request = response.request
            try:
                return (response is not refused and request.is_navigation_request()
                        and request.frame == tab.main_frame)
            except PlaywrightError:
                return False

        try:
            again = next((response for response in reversed(responses) if main_document(response)), None)
            if again is None:
                wait = min(self._settings.settle_seconds, _CHECK_WAIT_SECONDS) * 1000
                again = await tab.wait_for_event("response", predicate=main_document, timeout=wait)
            await tab.wait_for_load_state("load", timeout=self._timeout * 1000)
        except (PlaywrightError, TimeoutError):
            return None
        return again.status

    async def _goto(self, tab: Page, url: str, document: Answer | None) -> Response | None:
        """Load the page in the tab; with ``document``, the tab gets that answer instead of asking the server
        again (its frames, scripts and data are requested as usual)."""
        if document is None:
            return await tab.goto(url, wait_until="load", timeout=self._timeout * 1000)
        return await goto_answered(tab, document, self._timeout)

    async def _read_html(self, job: _Job, trial: SitePage) -> tuple[str | None, Answer | None]:
        """Read the page from the HTML its server sends when no script writes what it shows. Returns why the
        look failed ("" when it did not), or None when the page is to be rendered in a tab instead (its
        scripts write or fetch content, it moves on by itself, or it is not an HTML page: the reasons are
        kept in ``trial.render_reasons``), with the answer the tab is then given."""
        since = time.monotonic()
        assert self._html is not None
        try:
            document = await self._html.get(job.url, max_redirects=10, limit=_MAX_HTML + 1, only_html=True)
        except FetchFailed as error:
            trial.how = "html"
            trial.error = explain_error(str(error), job.url, since)
            trial.failure = describe_probe_error(trial.error, None, self._timeout).replace("首页", "页面")
            return trial.failure, None
        trial.status, content_type, final_url = document.status, document.content_type, document.url
        whole = document if len(document.body) <= _MAX_HTML else None  # else the tab asks the server itself
        transient = trial.status >= 500 or trial.status in _STUMBLES
        if trial.status in _GONE or transient:
            trial.how = "html"
            trial.final_url = final_url
            trial.failure = f"页面返回 HTTP {trial.status}"
            return (trial.failure if transient else ""), None
        if content_type and "html" not in content_type.lower():
            return None, None
        if trial.status >= 400:  # refused to a robot (401, 403, 412 …): the browser may pass the check
            trial.render_reasons = (f"页面返回 HTTP {trial.status}，在浏览器中确认",)
            return None, whole
        html = decode_html(bytes(document.body[:_MAX_HTML]), content_type)
        read = await self._read_page(html, final_url)
        if read.unparsable:
            return None, whole
        if read.reasons:
            trial.render_reasons = read.reasons
            return None, whole
        trial.how = "html"
        trial.final_url, trial.seen_at = final_url, now()
        if not in_scope(final_url, self._scope) and job.depth > 0:
            trial.role, trial.note = PageRole.EXTERNAL, "跳转到站点范围以外"
            return "", None
        assert read.snapshot is not None and read.structure is not None and read.links is not None
        self._classify(job, trial, read.snapshot, read.structure, read.links, html, parsed=read.parsed)
        if (trial.role is PageRole.COLUMN and trial.snapshot is not None and read.has_script
                and not column_list(trial.snapshot, self._as_of)[1]):
            # a list the HTML shows empty on a page with scripts: confirmed in the browser before anything is
            # judged from it (a script the decision did not recognise may fill it)
            trial.render_reasons = (EMPTY_LIST_CONFIRMED,)
            return None, whole
        self._follow(trial, job)
        return "", None

    async def _read_page(self, html: str, url: str) -> HtmlRead:
        """The page read from its HTML on a worker process (:mod:`checker.sitemap.html_readers`), with the
        text of the site scripts it uses (fetched once per walk, when a read first asks for them)."""
        while True:
            read = await self._readers.read(html, url, self._script_texts, self._footer_selector, self._links_limit,
                                            _MAX_HTML)
            if not read.missing_scripts:
                return read
            for source in read.missing_scripts:
                self._script_texts[source] = await self._script(source)

    async def _script(self, url: str) -> str | None:
        """The text of one of the site's own scripts, fetched once per walk ("" when it is not there, None when
        it could not be read: a page using it is then rendered)."""
        if url not in self._scripts:
            self._scripts[url] = asyncio.ensure_future(self._fetch_script(url))
        return await asyncio.shield(self._scripts[url])

    async def _fetch_script(self, url: str) -> str | None:
        assert self._html is not None
        try:
            answer = await self._html.get(url, max_redirects=5, limit=_MAX_HTML, only_html=False)
        except FetchFailed:
            return None
        if answer.status >= 500 or answer.status in _STUMBLES:
            return None
        if answer.status >= 400:
            return ""
        return bytes(answer.body).decode("utf-8", errors="replace")

    async def _read_in_place(self, tab: Page, job: _Job) -> None:
        """Read the home page where the availability family left it (its load was not watched: its failed
        requests are found in its resource timing); a failed or incomplete read is re-tested like any other."""
        page = self._page(job)
        self.map.pages[job.url] = page
        self._first_look[job.url] = time.monotonic()
        page.attempt_times = (now(),)
        trial = self._page(job)
        await self._read_loaded(tab, job, tab.url, trial, None)
        self._keep(page, trial)
        self._retest_later(page, job, trial.failure if trial.snapshot is None else trial.incomplete)

    def _own(self, url: str) -> bool:
        """Whether a request goes to the site's own servers (a failed analytics or share widget of another
        site says nothing about what the site shows)."""
        host = urlsplit(url).hostname or ""
        return bool(host) and _site_key(host) in self._hosts

    @staticmethod
    def _keep(page: SitePage, trial: SitePage) -> None:
        """Keep the attempt's read on the map's page when it is the best so far: a whole read beats any
        other, a partial read beats none (and a longer partial read a shorter one); a failed attempt after a
        partial read leaves that read in place."""
        if page.snapshot is not None and page.complete:
            return
        if page.snapshot is not None:
            if trial.snapshot is None:
                return
            if trial.incomplete and len(trial.parsed.text if trial.parsed else "") < len(
                    page.parsed.text if page.parsed else ""):
                return
        for name in _READ_FIELDS:
            setattr(page, name, getattr(trial, name))

    def _retest_later(self, page: SitePage, job: _Job, why: str) -> None:
        """Put a failed look in the deferred queue, due a pause after the earlier one (the looks spread over
        ``spread_seconds`` from the first), unless every attempt is spent."""
        if not why or page.complete or page.attempts >= self._retest.attempts:
            if why:
                LOG.info("遍历：%s 尝试%d次仍未能完整读取（%s）", page.url, page.attempts, page.reason)
            return
        due = self._first_look[job.url] + self._retest.pause_seconds() * page.attempts
        LOG.info("遍历：%s 第%d次读取失败（%s），稍后复测", page.url, page.attempts, why)
        heapq.heappush(self._deferred, (due, next(self._seq), job))
        self._wake.set()

    async def _replace(self, tab: Page) -> Page:
        with contextlib.suppress(PlaywrightError, TimeoutError):
            await asyncio.wait_for(tab.close(), timeout=5)
        return await self._new_tab()

    async def _moved_off(self, tab: Page, job: _Job, page: SitePage) -> bool:
        """Whether the page moved on by itself (a meta refresh, a script) to where it cannot be read as the
        site's page: the browser's error page (a target that did not open, or that the network boundary
        refused) is a failed read, another site's page is outside the scope. What it read is not kept."""
        landed = tab.url
        if landed.startswith("chrome-error:"):
            since = time.monotonic() - 2 * self._timeout
            error = explain_error("net::ERR_SOCKS_CONNECTION_FAILED", page.final_url, since)
            reason = describe_probe_error(error, None, self._timeout).replace("首页", "页面")
            page.error = page.failure = reason if reason.startswith("未访问") else f"页面跳转后未能打开（{reason}）"
            return True
        if landed != page.final_url and not in_scope(landed, self._scope) and job.depth > 0:
            page.final_url = landed
            page.role = PageRole.EXTERNAL
            page.note = "跳转到站点范围以外"
            return True
        return False

    async def _read_loaded(self, tab: Page, job: _Job, final_url: str, page: SitePage, watch: _Watch | None) -> None:
        """Read a loaded page into ``page``: wait for it to settle, then snapshot, structure, links and HTML;
        say in ``page.incomplete`` which of the site's frames, scripts or data requests it lacks."""
        page.final_url = final_url
        page.seen_at = now()
        if not in_scope(final_url, self._scope) and job.depth > 0:
            page.role = PageRole.EXTERNAL
            page.note = "跳转到站点范围以外"
            return
        page.note = await settle(tab, self._settings)
        try:
            data = await asyncio.wait_for(self._evaluate(tab), timeout=self._timeout)
        except PlaywrightError as error:  # the page moved on by itself while being read: read where it landed
            if not navigated_away(error):
                page.error = f"读取页面失败：{str(error).splitlines()[0][:120]}"
                page.failure = page.error
                return
            with contextlib.suppress(PlaywrightError):
                await tab.wait_for_load_state("load", timeout=self._timeout * 1000)
            page.final_url = tab.url
            try:
                data = await asyncio.wait_for(self._evaluate(tab), timeout=self._timeout)
            except (PlaywrightError, TimeoutError) as again:
                page.error = page.failure = f"读取页面失败：{type(again).__name__}"
                return
        except TimeoutError:
            page.error = page.failure = f"读取页面超时（{self._timeout:g}秒）"
            return
        if await self._moved_off(tab, job, page):
            return
        snapshot_data, facts_data, link_data, html = data
        page.incomplete = await self._incomplete(tab, watch, settled=not page.note)
        self._interpret(job, page, snapshot_data, facts_data, link_data, html)

    def _classify(self, job: _Job, page: SitePage, snapshot_data: dict[str, Any], facts_data: dict[str, Any],
                  link_data: dict[str, Any], html: str, parsed: ParsedPage | None = None) -> None:
        """Turn one read (the scripts' answers in a tab, or their twins from the HTML) into the map's page:
        what it is, its name and the step that named it. ``parsed``: the page's :class:`ParsedPage` when the
        HTML read already made it, so the page is parsed once."""
        final_url = page.final_url
        snapshot = snapshot_from_json(snapshot_data)
        facts = facts_from_json(facts_data)
        page.snapshot, page.facts, page.link_data = snapshot, facts, link_data
        page.parsed = parsed if parsed is not None else parse_html(html[:_MAX_HTML], final_url)
        if job.via is LinkKind.PAGER and job.column_of:
            column = self.map.pages.get(job.column_of)
            page.name = column.name if column else job.link_text
        else:
            page.name = page_name(snapshot, facts, job.link_text)
        page.role = page_role(RoleView(snapshot, facts, job.depth, job.via, page.name, job.link_text, self._as_of,
                                       final_url))
        if page.role is PageRole.ARTICLE:
            title = job.link_text.strip() if job.via is LinkKind.ITEM else ""
            page.name = title or facts.article_title or facts.heading or snapshot.title or page.name
        if page.path and page.name and (not _CJK.search(page.path[-1]) or page.path[-1] == "更多"):
            # an icon, a bare address or a block's 更多: name the step by the page it leads to
            step = page.name if page.path[-1] != "更多" else f"{page.name}（更多）"
            page.path = (*page.path[:-1], step)

    def _interpret(self, job: _Job, page: SitePage, snapshot_data: dict[str, Any], facts_data: dict[str, Any],
                   link_data: dict[str, Any], html: str) -> None:
        """Turn one read into the map's page (:meth:`_classify`) and queue the links to follow from it."""
        self._classify(job, page, snapshot_data, facts_data, link_data, html)
        self._follow(page, job)

    async def _incomplete(self, tab: Page, watch: _Watch | None, settled: bool) -> str:
        """Why the read lacks something, in Chinese ("" when whole): the site's frames, scripts or data
        requests that failed, and, when the page never settled, its data requests still open."""
        reasons = list(watch.failures.values()) if watch is not None else []
        try:
            if watch is None:
                for kind, url, status in await asyncio.wait_for(tab.evaluate(_IN_PLACE_JS), timeout=self._timeout):
                    why = f"HTTP {status}" if status else "无应答"
                    reasons.append(f"{kind} {_short(url)} 未能加载（{why}）")
            if not settled:
                for url in dict.fromkeys(await asyncio.wait_for(tab.evaluate(_OPEN_JS), timeout=self._timeout)):
                    if self._own(url):
                        reasons.append(f"数据请求 {_short(url)} 在{self._settings.settle_seconds:g}秒内未完成")
        except (PlaywrightError, TimeoutError):
            LOG.debug("遍历：读取页面请求状态失败 %s", tab.url, exc_info=True)
        if not reasons:
            return ""
        more = f"等{len(reasons)}项" if len(reasons) > 3 else ""
        return "页面内容未加载完整：" + "；".join(reasons[:3]) + more

    async def _evaluate(self, tab: Page) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], str]:
        """The page's snapshot, structure, links and HTML, read in one call (one round trip to the browser;
        the HTML is read after the snapshot has marked the elements evidence may box)."""
        read = json_result(await tab.evaluate(
            _READ_ALL_AS_JSON, {"footerSelector": self._footer_selector, "limit": self._links_limit}), list)
        if len(read) != 4:
            raise PlaywrightError(JSON_BROKEN)
        snapshot, facts, links, html = read
        return snapshot, facts, links, html

    def _follow(self, page: SitePage, job: _Job) -> None:
        """Queue the links a person would click next from this page."""
        assert page.snapshot is not None and page.facts is not None
        if page.role in (PageRole.NEWMEDIA, PageRole.EXTERNAL):
            return
        column = job.column_of or (page.url if page.role is PageRole.COLUMN else None)
        if page.role is PageRole.COLUMN and column:
            for _, url in pager_targets(page.facts, page.final_url or page.url):
                self._queue_pager(page, column, url)
        all_links = [(str(r.get("text", "")), str(r.get("url", ""))) for r in (page.link_data or {}).get("links", [])
                     if r.get("tag") == "a"]
        for link in outgoing(page.snapshot, page.facts, page.role, page.name, self._as_of, all_links):
            if page.role in _NOT_FOLLOWED_FROM and not link.kind.structural:
                continue
            self._queue_link(page, link, column)

    def _queue_pager(self, page: SitePage, column: str, url: str) -> None:
        if url in self._queued or not followable(url, self._scope, self._skip):
            return
        read = self._list_pages.get(column, 1)
        if read >= self._max_list_pages:
            self.map.cut_by_budget.add(url)
            first = self.map.pages.get(column)
            if first is not None:
                first.list_cut = True
            return
        self._list_pages[column] = read + 1
        self._push(_Job((0, page.depth, next(self._seq)), url, page.depth, page.path, LinkKind.PAGER, page.url,
                        page.name, column, read + 1))

    def _queue_link(self, page: SitePage, link: OutLink, column: str | None) -> None:
        url = normalise_url(link.url)
        if url in self._queued or not followable(url, self._scope, self._skip):
            return
        depth = page.depth + 1
        if link.kind.structural and depth > self._settings.max_depth:
            self.map.cut_by_budget.add(url)
            return
        if link.kind is LinkKind.ITEM and column:
            taken = self._articles.get(column, 0)
            if taken >= self._settings.articles_per_column:
                self._articles_left.add(url)
                return
            self._articles[column] = taken + 1
        rank = 0 if link.kind.structural else 1
        path = (*page.path, link.text.strip()[:40])
        self._push(_Job((rank, depth, next(self._seq)), url, depth, path, link.kind, page.url, link.text))

    def _push(self, job: _Job) -> None:
        self._queued.add(job.url)
        heapq.heappush(self._queue, job)
        self._wake.set()

    def _note_cut(self) -> None:
        left = [job for job in self._queue if job.url not in self.map.pages]
        self.map.not_opened = len(left) + len(self.map.cut_by_budget)
        structural = sum(1 for job in left if job.rank[0] == 0)
        if self._deferred:
            self.map.notes.append(f"遍历超出时间预算，{len(self._deferred)}个未能读取完整的页面未及复测")
        if self._out_of_time() and left:
            self.map.notes.append(f"遍历超出时间预算，另有{len(left)}个页面未打开（其中栏目或导航页{structural}个）")
        elif left:
            self.map.notes.append(f"达到页面上限（{self._settings.max_pages}个），另有{len(left)}个页面未打开"
                                  f"（其中栏目或导航页{structural}个）")
        if self._articles_left:
            self.map.notes.append(f"超出每栏目文章上限（{self._settings.articles_per_column}篇）的文章"
                                  f"{len(self._articles_left)}篇未打开，只检查其链接")
        deep = len(self.map.cut_by_budget)
        if deep:
            self.map.notes.append(f"超出点击层数（{self._settings.max_depth}层）或列表页数上限"
                                  f"（{self._max_list_pages}页）的页面{deep}个未打开")
