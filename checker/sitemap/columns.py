"""The columns of a site map: every page the walk judged a column, with its further list pages and its items."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from checker.classify import classify_column, clean_column_name
from checker.discover import DatedItem, normalise_url
from checker.rules import ColumnClass
from checker.scenario import ColumnHint, SiteHints
from checker.sitemap.model import LinkKind, MapColumn, PageRole, SiteMap, SitePage
from checker.sitemap.structure import column_list

SOURCES = {
    LinkKind.NAV: "导航栏", LinkKind.MORE: "首页区块", LinkKind.MENU: "栏目菜单", LinkKind.SITEMAP: "网站地图",
    LinkKind.ITEM: "列表", LinkKind.START: "首页", LinkKind.PAGER: "翻页", LinkKind.NEWMEDIA: "新媒体",
}


def _column_class(name: str, hints: SiteHints) -> ColumnClass | None:
    forced = next((h.column_class for h in hints.columns if h.name == name and h.column_class), None)
    return forced or classify_column(name)


def column_of_page(page: SitePage, hints: SiteHints, hinted: dict[str, ColumnHint] | None = None,
                   list_pages: tuple[SitePage, ...] = ()) -> MapColumn | None:
    """The column a page of the map is (its class from its name, or a scenario hint), or None when it is not
    one: another role, a further list page, a tool's name (网站地图, 搜索) or a column the scenario ignores."""
    if page.role is not PageRole.COLUMN or (page.via is LinkKind.PAGER and page.column_of):
        return None
    if hinted is None:
        hinted = {normalise_url(h.url): h for h in hints.columns if h.url}
    hint = hinted.get(normalise_url(page.url))
    name = clean_column_name(hint.name if hint else page.name)
    if not name or name in hints.ignore_columns:
        return None
    column_class = (hint.column_class if hint and hint.column_class else None) or _column_class(name, hints)
    if column_class is None:
        return None
    return MapColumn(name, page.url, page.path, column_class, page, list_pages, SOURCES.get(page.via, ""))


def map_columns(site_map: SiteMap, hints: SiteHints) -> list[MapColumn]:
    """Every column the walk found, in walk order: its name's class decides the freshness rule, and a column
    whose name is a tool's (网站地图, 搜索) is not one. Scenario hints may force a class or ignore a column."""
    columns = []
    hinted = {normalise_url(h.url): h for h in hints.columns if h.url}
    for page in site_map.with_role(PageRole.COLUMN):
        column = column_of_page(page, hints, hinted, tuple(site_map.list_pages_of(page.url)))
        if column is not None:
            columns.append(column)
    return columns


def column_items(column: MapColumn, as_of: date) -> tuple[DatedItem, ...]:
    """The entries of a column's list across every list page read, in page order, each URL once."""
    return list_items((column.page, *column.list_pages), as_of)


def list_items(pages: Iterable[SitePage], as_of: date) -> tuple[DatedItem, ...]:
    """The entries of a column's own list (menus are not entries) across its list pages, each URL once."""
    seen: set[str] = set()
    items: list[DatedItem] = []
    for page in pages:
        if page.snapshot is None:
            continue
        _, found = column_list(page.snapshot, as_of)
        for item in found:
            key = normalise_url(item.href) if item.href else f"{page.url}#{item.title}"
            if key not in seen:
                seen.add(key)
                items.append(item)
    return tuple(items)


def find_pages(site_map: SiteMap, words: tuple[str, ...], roles: tuple[PageRole, ...] = (), max_name: int = 12
               ) -> list[SitePage]:
    """Pages whose own name, or the link text that led to them, holds one of ``words`` (best word first)."""
    found: dict[str, SitePage] = {}
    for word in words:
        for page in site_map.pages.values():
            if not page.ok or (roles and page.role not in roles) or page.via is LinkKind.PAGER:
                continue
            names = [page.name, page.path[-1] if page.path else ""]
            if any(word in clean_column_name(n) and len(clean_column_name(n)) <= max_name for n in names):
                found.setdefault(page.url, page)
    return list(found.values())
