"""The site map: every page the citizen-like walk opened, what kind of page it is and how a person gets there.

Built once per site (:mod:`checker.sitemap.walk`) and read by every check family, so no family looks for
its own pages and none depends on another's side effects. Plain data: nothing here touches the browser.

Every page says how well it was read (:attr:`SitePage.read_state`, see :class:`ReadState`): the walk looks
again at a page that failed to load, or whose scripts, data requests or frames failed, as the suite's
``settings.retest`` says; what is still not read whole after those attempts is ``failed`` or ``incomplete``,
with its ``reason`` and the time of every attempt. A family may judge what a page *shows* from any page it
read, but absence (an empty list, a missing footer mark, no form) only from a ``complete`` page; a page
that is ``unverified`` is coverage (未能核查: :meth:`SitePage.unread_probe`), never a finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from checker.htmlpage import ParsedPage
from checker.observation import Probe, failed
from checker.observe import PageSnapshot
from checker.rules import ColumnClass


class PageRole(StrEnum):
    """What a page is, judged from its structure (names only decide a column's freshness class)."""

    HOME = "home"
    HUB = "hub"
    COLUMN = "column"
    ARTICLE = "article"
    FORM = "form"
    SEARCH = "search"
    NEWMEDIA = "newmedia"
    EXTERNAL = "external"
    OTHER = "other"


ROLE_NAMES = {
    PageRole.HOME: "首页", PageRole.HUB: "频道页", PageRole.COLUMN: "栏目", PageRole.ARTICLE: "文章",
    PageRole.FORM: "表单", PageRole.SEARCH: "搜索", PageRole.NEWMEDIA: "新媒体账号页", PageRole.EXTERNAL: "外部页面",
    PageRole.OTHER: "其他页面",
}


class LinkKind(StrEnum):
    """Where on its parent page the link that led to a page sits: it says what a person expects behind it."""

    START = "start"
    NAV = "nav"
    MENU = "menu"
    MORE = "more"
    SITEMAP = "sitemap"
    PAGER = "pager"
    ITEM = "item"
    NEWMEDIA = "newmedia"

    @property
    def structural(self) -> bool:
        """Links to sections and columns (walked first) rather than to articles."""
        return self not in (LinkKind.ITEM, LinkKind.NEWMEDIA)


@dataclass(frozen=True)
class PageFacts:
    """Structural facts read from a rendered page (``structure.js``)."""

    crumb: str = ""
    crumb_links: tuple[tuple[str, str], ...] = ()
    pager_text: str = ""
    pager_links: tuple[tuple[str, str], ...] = ()
    message_form: bool = False
    search_form: bool = False
    heading: str = ""
    article_title: str = ""
    pub_date: str = ""
    column_name: str = ""
    publish_label: bool = False


def facts_from_json(data: dict[str, Any]) -> PageFacts:
    """Build :class:`PageFacts` from what ``structure.js`` returns (also used by tests)."""
    forms = data.get("forms") or []
    message = any(f.get("textareas", 0) > 0 or f.get("inputs", 0) >= 3 for f in forms)
    search = any(f.get("textareas", 0) == 0 and 1 <= f.get("inputs", 0) <= 2 for f in forms)
    return PageFacts(
        crumb=str(data.get("crumb", "")),
        crumb_links=tuple((str(link.get("text", "")), str(link.get("href", "")))
                          for link in data.get("crumbLinks", [])),
        pager_text=str(data.get("pagerText", "")),
        pager_links=tuple((str(link.get("text", "")), str(link.get("href", "")))
                          for link in data.get("pagerLinks", [])),
        message_form=message or int(data.get("textareas", 0)) > 0,
        search_form=search,
        heading=str(data.get("heading", "")),
        article_title=str(data.get("articleTitle", "")),
        pub_date=str(data.get("pubDate", "")),
        column_name=str(data.get("columnName", "")),
        publish_label=bool(data.get("publishLabel")),
    )


class ReadState(StrEnum):
    """How well the walk read a page, after every attempt ``settings.retest`` allows.

    - ``ok``: the page loaded and everything that shapes what it shows (its frames, scripts and data
      requests) loaded too: what it shows, and what it does not show, may be judged.
    - ``incomplete``: the page loaded, but on every attempt a frame, script or data request of the site
      failed (no answer, reset, 5xx/429) or had not finished when the page was read: the best read is kept
      (what it shows is real), but nothing may be judged absent from it (an empty list, a missing mark).
    - ``failed``: the page was not read: no answer, a 5xx/429, a read that failed, robots.txt, or a 4xx
      answer (:attr:`SitePage.gone`: the page is not there, which the link family judges).
    """

    OK = "ok"
    INCOMPLETE = "incomplete"
    FAILED = "failed"


_ANSWERS_NOT_FAILURES = range(400, 500)
_STUMBLES = frozenset({408, 425, 429})
"""4xx statuses that say the server stumbled (a failed look), not that the page is missing."""


@dataclass
class SitePage:
    """One page of the map: where it is, how it was reached, how it answered, what it is and what it shows.

    How well it was read: :attr:`read_state` (``ok``, ``incomplete`` or ``failed``), :attr:`reason` (why it
    is not ``ok``, in Chinese), :attr:`attempts` and :attr:`attempt_times` (every load the walk made).
    """

    url: str
    depth: int
    path: tuple[str, ...]
    via: LinkKind
    parent: str | None = None
    final_url: str = ""
    status: int | None = None
    error: str = ""
    role: PageRole = PageRole.OTHER
    name: str = ""
    snapshot: PageSnapshot | None = None
    facts: PageFacts | None = None
    parsed: ParsedPage | None = None
    link_data: dict[str, Any] | None = None
    column_of: str | None = None
    list_page: int = 1
    list_cut: bool = False
    """A column's first page: further list pages were left unread at the list-page limit."""
    how: str = "rendered"
    """How the kept read was made: ``rendered`` (in a browser tab) or ``html`` (from the HTML the server sent,
    for a page no script writes: see :mod:`checker.sitemap.static_read`)."""
    render_reasons: tuple[str, ...] = ()
    """Why the walk rendered the page although it reads static pages from their HTML (empty otherwise)."""
    note: str = ""
    seen_at: datetime | None = None
    """When the kept read was made (the last attempt's read when it was the best)."""
    attempt_times: tuple[datetime, ...] = ()
    """When each load of the page was made: the first look and every re-test."""
    failure: str = ""
    """Why the page could not be read, in Chinese (页面在20秒内未打开、连接被重置、HTTP 503 …); empty when read."""
    incomplete: str = ""
    """Why the kept read is not whole, in Chinese (脚本 /js/list.js 未能加载（连接被重置）…); empty when whole."""

    @property
    def ok(self) -> bool:
        """Whether the page opened and was read, whole or not (``incomplete`` pages too: see :attr:`complete`)."""
        return self.snapshot is not None

    @property
    def read_state(self) -> ReadState:
        """How well the page was read after every attempt (see :class:`ReadState`)."""
        if self.snapshot is None:
            return ReadState.FAILED
        return ReadState.INCOMPLETE if self.incomplete else ReadState.OK

    @property
    def complete(self) -> bool:
        """Whether the page was read whole: the only state from which absence may be judged."""
        return self.read_state is ReadState.OK

    @property
    def reason(self) -> str:
        """Why the page is not read whole, in Chinese (empty when it is)."""
        state = self.read_state
        if state is ReadState.OK:
            return ""
        if state is ReadState.INCOMPLETE:
            return self.incomplete
        return self.failure or self.error or (f"页面返回 HTTP {self.status}" if self.status else "页面未能读取")

    @property
    def attempts(self) -> int:
        """How many times the walk loaded the page (0: not loaded, e.g. robots.txt refused it)."""
        return len(self.attempt_times)

    @property
    def gone(self) -> bool:
        """Whether the server answered that the page is not there (a 4xx other than 408/425/429): an answer,
        judged by the link family, not a failed look."""
        return (self.snapshot is None and self.status is not None and self.status in _ANSWERS_NOT_FAILURES
                and self.status not in _STUMBLES)

    @property
    def unverified(self) -> bool:
        """Whether the page is coverage (未能核查): not read whole, and not because the server said it is gone
        or because it led off the site (an external page is not read)."""
        return not self.complete and not self.gone and self.role is not PageRole.EXTERNAL

    @property
    def retested(self) -> bool:
        """Whether the walk loaded the page more than once (its first load or read failed)."""
        return self.attempts > 1

    @property
    def label(self) -> str:
        """The page's name for a person: its name, else the link text that led to it, else its address."""
        return self.name or (self.path[-1] if self.path else "") or self.url

    def unread_probe(self, key: str | None = None) -> Probe:
        """The ``failed`` probe of an :attr:`unverified` page: its reason, address and every attempt's time, for
        a family's coverage (``key`` defaults to the page's label)."""
        probe: Probe = failed(key or self.label, self.reason, url=self.final_url or self.url)
        return replace(probe, attempts=self.attempt_times)

    @property
    def website(self) -> bool:
        """Whether the page is a page of the website (not a new-media account page or another site's)."""
        return self.ok and self.role not in (PageRole.NEWMEDIA, PageRole.EXTERNAL)


@dataclass(frozen=True)
class MapColumn:
    """A column (栏目) as the map found it: its first list page, the further list pages read, and its class."""

    name: str
    url: str
    path: tuple[str, ...]
    column_class: ColumnClass
    page: SitePage
    list_pages: tuple[SitePage, ...]
    source: str


@dataclass
class SiteMap:
    """Every page the walk opened for one site, in the order it opened them, plus what the budget cut."""

    site_url: str
    scope: str
    pages: dict[str, SitePage] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    not_opened: int = 0
    cut_by_budget: set[str] = field(default_factory=set)

    def page(self, url: str) -> SitePage | None:
        """The page recorded for a URL (as requested or as it ended after redirects), if any."""
        from checker.discover import normalise_url

        key = normalise_url(url)
        found = self.pages.get(key)
        if found is not None:
            return found
        return next((p for p in self.pages.values() if p.final_url and normalise_url(p.final_url) == key), None)

    @property
    def home(self) -> SitePage | None:
        """The home page, when it was read."""
        return next((p for p in self.pages.values() if p.role is PageRole.HOME), None)

    def with_role(self, *roles: PageRole) -> list[SitePage]:
        """Pages read that have one of the roles, in walk order (incomplete reads too: check ``complete``)."""
        return [p for p in self.pages.values() if p.ok and p.role in roles]

    def website_pages(self) -> list[SitePage]:
        """Every page of the website that was read, whole or not (new-media account pages and external pages
        left out)."""
        return [p for p in self.pages.values() if p.website]

    def failed(self) -> list[SitePage]:
        """Pages the walk could not read after every attempt (``read_state`` failed), with the reason on each;
        a page that led off the site (role ``external``, not read on purpose) is not one."""
        return [p for p in self.pages.values() if not p.ok and p.role is not PageRole.EXTERNAL]

    def incomplete(self) -> list[SitePage]:
        """Pages read, but not whole after every attempt (a frame, script or data request failed)."""
        return [p for p in self.pages.values() if p.read_state is ReadState.INCOMPLETE]

    def unverified(self) -> list[SitePage]:
        """Pages that are coverage (未能核查): failed looks and incomplete reads, not pages answered 4xx."""
        return [p for p in self.pages.values() if p.unverified]

    def retested(self) -> list[SitePage]:
        """Pages the walk loaded more than once, because a load or a read failed."""
        return [p for p in self.pages.values() if p.retested]

    def list_pages_of(self, column_url: str) -> list[SitePage]:
        """The further list pages (page 2 …) read for a column, in page order (incomplete reads too)."""
        more = [p for p in self.pages.values() if p.ok and p.column_of == column_url]
        return sorted(more, key=lambda p: p.list_page)
