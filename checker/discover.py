"""What a page's lists say, read from its snapshot: the dated items of a list, which list is a page's own, the
newest entry, and URL scope. Pure functions over :class:`checker.observe.PageSnapshot`; the site map
(:mod:`checker.sitemap`) uses them to find columns and read their entries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urldefrag, urlsplit

from checker.dates import find_dates
from checker.observe import PageSnapshot, Row, RowGroup
from checker.rules import ColumnClass

_INDEX_NAMES = ("index.html", "index.htm", "index.shtml", "index.jhtml", "default.html", "default.htm")


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
    path: tuple[str, ...] = ()
    """The link texts a citizen clicks from the home page to reach it, its own name last (when known)."""


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


