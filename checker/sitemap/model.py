"""The site map: every page the citizen-like walk opened, what kind of page it is and how a person gets there.

Built once per site (:mod:`checker.sitemap.walk`) and read by every check family, so no family looks for
its own pages and none depends on another's side effects. Plain data: nothing here touches the browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from checker.htmlpage import ParsedPage
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


@dataclass
class SitePage:
    """One page of the map: where it is, how it was reached, how it answered, what it is and what it shows."""

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
    attempts: int = 1
    how: str = "rendered"
    note: str = ""
    seen_at: datetime | None = None

    @property
    def ok(self) -> bool:
        """Whether the page opened and was read."""
        return self.snapshot is not None

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
        """Pages read that have one of the roles, in walk order."""
        return [p for p in self.pages.values() if p.ok and p.role in roles]

    def website_pages(self) -> list[SitePage]:
        """Every page of the website that was read (new-media account pages and external pages left out)."""
        return [p for p in self.pages.values() if p.website]

    def failed(self) -> list[SitePage]:
        """Pages the walk could not read, with the reason on each."""
        return [p for p in self.pages.values() if not p.ok]

    def list_pages_of(self, column_url: str) -> list[SitePage]:
        """The further list pages (page 2 …) read for a column, in page order."""
        more = [p for p in self.pages.values() if p.ok and p.column_of == column_url]
        return sorted(more, key=lambda p: p.list_page)
