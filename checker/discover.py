"""Citizen-like discovery from what a page shows: columns from the navigation and home blocks, and
the dated items of a list. Pure functions over :class:`checker.observe.PageSnapshot`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urldefrag, urlsplit

from checker.classify import classify_column, clean_column_name
from checker.dates import find_dates
from checker.observe import PageSnapshot, Row, RowGroup
from checker.rules import ColumnClass
from checker.scenario import SiteHints

SOURCE_NAV = "导航栏"
SOURCE_HOME_BLOCK = "首页区块"
SOURCE_DIRECTORY = "信息公开目录"
SOURCE_HINT = "场景指定"

_INDEX_NAMES = ("index.html", "index.htm", "index.shtml", "index.jhtml", "default.html", "default.htm")
_DISCLOSURE_WORDS = ("信息公开", "政务公开", "主动公开")


@dataclass(frozen=True)
class DatedItem:
    """A list item with its date as read from the page (None when no date is shown)."""

    title: str
    href: str
    date: date | None
    date_text: str
    anchor: str


@dataclass(frozen=True)
class ColumnCandidate:
    """A column (栏目) a citizen can reach, with its rule class and where it was found."""

    name: str
    url: str
    column_class: ColumnClass
    source: str


def normalise_url(url: str) -> str:
    """The URL without its fragment and without a trailing index file name, for de-duplication."""
    url, _ = urldefrag(url)
    for name in _INDEX_NAMES:
        if url.endswith("/" + name):
            return url[: -len(name)]
    return url


def in_scope(url: str, scope_prefix: str) -> bool:
    """Whether a URL lies within a site's scope (its host, or a channel's folder)."""
    if urlsplit(url).scheme not in ("http", "https"):
        return False
    return normalise_url(url).startswith(scope_prefix) or normalise_url(url) + "/" == scope_prefix


def row_date(row: Row, as_of: date) -> tuple[date | None, str]:
    """The date shown beside a list link, or one printed at the very end of the link's own text.

    A date inside a title ("关于2020年10月1日起施行…") says what the item is about, not when it was
    published, so only a trailing one counts.
    """
    found = find_dates(row.rest, as_of)
    if found:
        return found[0].value, found[0].text
    title = row.title.rstrip(" )]）】")
    trailing = [hit for hit in find_dates(title, as_of) if hit.end == len(title)]
    if trailing:
        return trailing[-1].value, trailing[-1].text
    return None, ""


def dated_items(group: RowGroup, as_of: date) -> list[DatedItem]:
    """The items of one row group with their dates."""
    items = []
    for row in group.rows:
        value, text = row_date(row, as_of)
        items.append(DatedItem(row.title, row.href, value, text, row.anchor))
    return items


def content_groups(snapshot: PageSnapshot, regions: Iterable[str] = ("main", "aside")) -> list[RowGroup]:
    """Row groups outside the navigation, header and footer."""
    wanted = set(regions)
    return [group for group in snapshot.groups if group.region in wanted]


def home_items(snapshot: PageSnapshot, as_of: date) -> list[DatedItem]:
    """Every list item on a home page outside navigation, header and footer."""
    return [item for group in content_groups(snapshot) for item in dated_items(group, as_of)]


def main_list(snapshot: PageSnapshot, as_of: date) -> tuple[RowGroup | None, list[DatedItem]]:
    """The column's own list on a list page: the group with the most dated items, main region first.

    When no group has dates, the largest visible group of the main region (at least 3 rows) is the
    list, its items undated. None when the page shows no list at all.
    """
    best: tuple[tuple[int, int, int], RowGroup, list[DatedItem]] | None = None
    for group in content_groups(snapshot):
        items = dated_items(group, as_of)
        dated = sum(1 for item in items if item.date)
        key = (dated, 1 if group.region == "main" else 0, len(items))
        if dated and (best is None or key > best[0]):
            best = (key, group, items)
    if best:
        return best[1], best[2]
    undated = [g for g in content_groups(snapshot, ("main",)) if g.visible and len(g.rows) >= 3]
    if undated:
        group = max(undated, key=lambda g: len(g.rows))
        return group, dated_items(group, as_of)
    return None, []


def newest(items: Iterable[DatedItem], as_of: date, slack_days: int = 1) -> DatedItem | None:
    """The most recent dated item not after as_of (+slack): later dates did not exist at as_of."""
    limit = as_of + timedelta(days=slack_days)
    dated = [item for item in items if item.date and item.date <= limit]
    return max(dated, key=lambda item: item.date) if dated else None  # type: ignore[arg-type, return-value]


def _candidate(name: str, url: str, source: str, scope: str, hints: SiteHints) -> ColumnCandidate | None:
    name = clean_column_name(name)
    if not name or not in_scope(url, scope) or name in hints.ignore_columns:
        return None
    forced = next((h.column_class for h in hints.columns if h.name == name and h.column_class), None)
    column_class = forced or classify_column(name)
    if column_class is None:
        return None
    return ColumnCandidate(name, normalise_url(url), column_class, source)


def columns_from_page(
    snapshot: PageSnapshot, scope: str, hints: SiteHints, *, directory: bool = False
) -> list[ColumnCandidate]:
    """Columns a page offers: navigation links and 更多 blocks (a home page), or a directory's links."""
    found: list[ColumnCandidate | None] = []
    if directory:
        for group in content_groups(snapshot, ("main", "aside", "nav")):
            found += [_candidate(r.title, r.href, SOURCE_DIRECTORY, scope, hints) for r in group.rows]
        found += [_candidate(n.text, n.href, SOURCE_DIRECTORY, scope, hints) for n in snapshot.nav_links]
    else:
        found += [_candidate(n.text, n.href, SOURCE_NAV, scope, hints) for n in snapshot.nav_links]
        found += [_candidate(m.heading, m.href, SOURCE_HOME_BLOCK, scope, hints) for m in snapshot.more_links]
    return [c for c in found if c is not None]


def disclosure_sections(snapshot: PageSnapshot, scope: str) -> list[str]:
    """URLs of the 政府信息公开 section(s) the navigation or page links to, whose sub-columns count."""
    urls = []
    for text, href in [(n.text, n.href) for n in snapshot.nav_links] + [
        (r.title, r.href) for g in content_groups(snapshot, ("main", "aside", "nav")) for r in g.rows
    ]:
        if any(word in text for word in _DISCLOSURE_WORDS) and len(text) <= 12 and in_scope(href, scope):
            url = normalise_url(href)
            if url not in urls:
                urls.append(url)
    return urls


def merge_columns(*lists: Iterable[ColumnCandidate], hints: SiteHints, limit: int) -> list[ColumnCandidate]:
    """One list of columns: scenario hints first, then in discovery order, one per URL, at most limit."""
    merged: dict[str, ColumnCandidate] = {}
    for hint in hints.columns:
        if hint.url:
            column_class = hint.column_class or classify_column(hint.name) or ColumnClass.STATIC
            url = normalise_url(hint.url)
            merged[url] = ColumnCandidate(hint.name, url, column_class, SOURCE_HINT)
    for candidates in lists:
        for candidate in candidates:
            merged.setdefault(candidate.url, candidate)
    return list(merged.values())[:limit]
