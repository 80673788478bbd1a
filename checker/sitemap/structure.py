"""What a page is and where its links lead, from its structure (pure functions over a page's snapshot).

A column is a page with a repeated list of dated entries, a pager, or a 当前位置 breadcrumb ending in its own
name with nothing but a placeholder under it; an article has a heading, a publish date and a body; a hub
offers a menu of sections (side menu, sub-navigation, tiles, directory) that does not include itself. Names
only decide a column's freshness class, never whether a page is a column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from checker.classify import classify_column, clean_column_name, is_placeholder
from checker.dates import find_dates
from checker.discover import DatedItem, in_scope, main_list, normalise_url
from checker.observe import PageSnapshot, RowGroup
from checker.sitemap.model import LinkKind, PageFacts, PageRole

_CRUMB_LABEL = re.compile(r"^.*?(?:当前位置|您的位置|你的位置|所在位置|您现在的位置|你现在的位置|当前栏目)\s*[:：]?\s*")
_CRUMB_SPLIT = re.compile(r"\s*(?:>>|>|＞|»|›|→|/|＞＞|\u3009|》)\s*")
_MENU_TEXT_MAX = 15
_ANY_DAY = date(2000, 1, 1)
_FILE_SUFFIX = re.compile(
    r"\.(?:pdf|docx?|xlsx?|pptx?|wps|et|zip|rar|7z|txt|csv|xml|jpg|jpeg|png|gif|bmp|mp3|mp4|avi|flv|wmv|apk|exe)$",
    re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"^\[?\s*(\d{1,4})\s*\]?$")
_NEXT_WORDS = ("下一页", "下页", "尾页", "末页", "后页")
_NEWMEDIA_PAGE = re.compile(r"新媒体|融媒体|媒体矩阵|政务微博|微信公众号|政务号")
_SITEMAP_TEXT = re.compile(r"网站地图|站点地图|网站导航")
_ARTICLE_MIN_TEXT = 150
_CRUMB_LINE = re.compile(
    r"(?:当前位置|您的位置|你的位置|所在位置|您现在的位置|你现在的位置)\s*[:：]?[^。]{0,80}?(?=\s{2}|$)")


def crumb_parts(crumb: str) -> list[str]:
    """The names of a breadcrumb (当前位置：首页 > 政务公开 > 规划计划 → [首页, 政务公开, 规划计划])."""
    text = _CRUMB_LABEL.sub("", crumb.strip())
    parts = [clean_column_name(part) for part in _CRUMB_SPLIT.split(text)]
    return [part for part in parts if part]


def _undated(text: str) -> bool:
    return not find_dates(text, _ANY_DAY)


def _pager_text(text: str) -> bool:
    """Whether a link text is a pager control (a page number, 首页/上一页/下一页/尾页)."""
    stripped = text.strip()
    return bool(_PAGE_NUMBER.match(stripped)) or stripped in ("首页", "上一页", "上页", "前页", *_NEXT_WORDS)


def menu_groups(snapshot: PageSnapshot) -> list[RowGroup]:
    """Row groups that are menus (side menus, sub-navigation, tile grids, directory trees): two or more short
    links with no dates beside them, outside the header and footer."""
    menus = []
    for group in snapshot.groups:
        if group.region not in ("main", "aside", "nav"):
            continue
        rows = [r for r in group.rows if not _pager_text(r.title)]
        short = [r for r in rows if 0 < len(clean_column_name(r.title)) <= _MENU_TEXT_MAX and _undated(r.rest)
                 and _undated(r.title)]
        if len(short) >= 2 and len(short) * 10 >= len(rows) * 8:
            menus.append(group)
    return menus


def page_name(snapshot: PageSnapshot, facts: PageFacts, link_text: str) -> str:
    """A page's own name: the last breadcrumb entry, else the text of the link that led to it, else its title."""
    parts = crumb_parts(facts.crumb)
    if parts and 1 < len(parts[-1]) <= 20 and not find_dates(parts[-1], _ANY_DAY):
        return parts[-1]
    for candidate in (facts.column_name, clean_column_name(link_text), facts.heading, snapshot.title):
        name = clean_column_name(candidate or "")
        if name:
            return name[:40]
    return ""


@dataclass(frozen=True)
class RoleView:
    """What the role decision reads of one page (all plain data)."""

    snapshot: PageSnapshot
    facts: PageFacts
    depth: int
    via: LinkKind
    name: str
    link_text: str
    as_of: date
    url: str = ""


def _is_article(view: RoleView, dated_rows: int) -> bool:
    facts, snapshot = view.facts, view.snapshot
    dated_label = facts.publish_label or bool(facts.pub_date)
    return (bool(facts.heading or facts.article_title) and dated_label and snapshot.main_length >= _ARTICLE_MIN_TEXT
            and dated_rows < 3)


def _section_link(title: str, rest: str) -> bool:
    """A link that names a section: short, undated, not a pager control."""
    short = 0 < len(clean_column_name(title)) <= _MENU_TEXT_MAX
    return short and _undated(title) and _undated(rest) and not _pager_text(title)


def _children(menus: list[RowGroup], page_url: str) -> int:
    """How many of the menus' links lead below the page's own folder (a hub's sections live under it)."""
    folder = normalise_url(page_url)
    folder = folder if folder.endswith("/") else folder.rsplit("/", 1)[0] + "/"
    below = {normalise_url(row.href) for menu in menus for row in menu.rows
             if normalise_url(row.href).startswith(folder)}
    return len(below - {folder})


def _is_hub(view: RoleView, list_group: RowGroup | None, pager: bool) -> bool:
    """A page whose menus list sections other than itself: two or more below its own folder, or (on a page
    that does not page through a list of its own) three or more, none of which is the page itself. A
    column's side menu lists its siblings and itself (folded sub-menus and single links count: the page's
    own name among the links of its content or side bar makes it one of the sections)."""
    own = clean_column_name(view.name)
    link_own = clean_column_name(view.link_text)
    menus = [m for m in menu_groups(view.snapshot) if list_group is None or m.anchor != list_group.anchor]
    named = [{clean_column_name(row.title) for row in menu.rows} for menu in menus]
    content = [g for g in view.snapshot.groups
               if g.region in ("main", "aside") and (list_group is None or g.anchor != list_group.anchor)]
    sections = [RowGroup(g.anchor, g.region, tuple(r for r in g.rows if _section_link(r.title, r.rest)), g.visible)
                for g in content if not {clean_column_name(r.title) for r in g.rows} & {own, link_own}]
    if view.url and _children(sections, view.url) >= 2:
        return True
    shown = {clean_column_name(row.title) for group in content for row in group.rows}
    if own in shown or link_own in shown:
        return False
    return not pager and any(len(names) >= 3 for names in named)


def content_text(snapshot: PageSnapshot) -> str:
    """The page's own text without its menus and breadcrumb: what is left of a column that lists nothing
    (a placeholder such as 暂无信息, or nothing at all) even on a table layout with no named regions."""
    text = snapshot.main_text
    for menu in menu_groups(snapshot):
        for row in menu.rows:
            text = text.replace(row.title, " ")
    text = _CRUMB_LINE.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def page_role(view: RoleView) -> PageRole:
    """The page's role from its structure and from where the link that led to it sat."""
    if view.depth == 0:
        return PageRole.HOME
    if view.via is LinkKind.NEWMEDIA:
        return PageRole.NEWMEDIA
    if view.facts.message_form:
        return PageRole.FORM
    group, items = main_list(view.snapshot, view.as_of)
    dated = sum(1 for item in items if item.date)
    if view.via is LinkKind.PAGER:
        return PageRole.COLUMN
    if _is_article(view, dated):
        return PageRole.ARTICLE
    pager = bool(view.facts.pager_links) or bool(re.search(r"共\s*\d+\s*[页条]", view.facts.pager_text))
    structural = view.via.structural
    if structural and _is_hub(view, group if dated >= 2 else None, pager):
        return PageRole.HUB
    if dated >= 2 or (pager and items):
        return PageRole.COLUMN
    if structural and classify_column(view.name) is not None:
        return PageRole.COLUMN
    crumb = crumb_parts(view.facts.crumb)
    if crumb and crumb[-1] == clean_column_name(view.name) and _looks_empty(view.snapshot):
        return PageRole.COLUMN
    if view.snapshot.main_length >= _ARTICLE_MIN_TEXT or dated:
        return PageRole.ARTICLE
    return PageRole.OTHER


def _looks_empty(snapshot: PageSnapshot) -> bool:
    left = content_text(snapshot)
    return is_placeholder(left) or len(left) < 30


def followable(url: str, scope: str, skip_scopes: tuple[str, ...] = ()) -> bool:
    """Whether the walk opens a URL: an http(s) page within the site's scope, not a file, not another site's."""
    if not url.startswith(("http://", "https://")) or not in_scope(url, scope):
        return False
    if normalise_url(url).startswith(skip_scopes):
        return False
    return not _FILE_SUFFIX.search(urlsplit(url).path)


def pager_targets(facts: PageFacts, page_url: str) -> list[tuple[int, str]]:
    """The other list pages a pager offers, as (page number guess, URL): numbered links and 下一页/尾页."""
    found: dict[str, int] = {}
    own = normalise_url(page_url)
    for text, href in facts.pager_links:
        if not href.startswith(("http://", "https://")) or normalise_url(href) == own:
            continue
        number = _PAGE_NUMBER.match(text.strip())
        if number:
            found.setdefault(normalise_url(href), int(number.group(1)))
        elif any(word in text for word in _NEXT_WORDS):
            found.setdefault(normalise_url(href), 10_000)
    return sorted(((n, url) for url, n in found.items()), key=lambda pair: pair[0])


@dataclass(frozen=True)
class OutLink:
    """A link the walk may follow: what kind it is, its visible text and where it goes."""

    kind: LinkKind
    text: str
    url: str


def outgoing(snapshot: PageSnapshot, facts: PageFacts, role: PageRole, name: str, as_of: date,
             all_links: list[tuple[str, str]] = ()) -> list[OutLink]:  # type: ignore[assignment]
    """The links of a page a person would click, most structural first: navigation, 更多, menus, the
    网站地图 link, then list entries. On a 新媒体 page, its entries lead to account pages."""
    out: list[OutLink] = []
    newmedia_page = bool(_NEWMEDIA_PAGE.search(name)) and role is not PageRole.HOME
    sitemap_page = bool(_SITEMAP_TEXT.search(name)) and role is not PageRole.HOME
    out += [OutLink(LinkKind.NAV, link.text, link.href) for link in snapshot.nav_links]
    out += [OutLink(LinkKind.NAV, text, href) for text, href in facts.crumb_links]
    menus = {group.anchor for group in menu_groups(snapshot)}
    pager = {normalise_url(href) for _, href in facts.pager_links}
    items: list[OutLink] = []
    for group in snapshot.groups:
        if group.region in ("header", "footer"):
            continue
        rows = [row for row in group.rows if not _pager_text(row.title)
                and not (normalise_url(row.href) in pager and len(row.title.strip()) <= 4)]
        if newmedia_page and group.region == "main":
            items += [OutLink(LinkKind.NEWMEDIA, row.title, row.href) for row in rows]
            continue
        kind = LinkKind.MENU if group.anchor in menus or sitemap_page else LinkKind.ITEM
        target = out if kind is LinkKind.MENU else items
        target += [OutLink(kind, row.title, row.href) for row in rows]
    out += [OutLink(LinkKind.SITEMAP, text, href) for text, href in all_links if _SITEMAP_TEXT.search(text)]
    out += [OutLink(LinkKind.MORE, more.heading or "更多", more.href) for more in snapshot.more_links]
    return out + items


def column_list(snapshot: PageSnapshot, as_of: date) -> tuple[RowGroup | None, list[DatedItem]]:
    """A column's own list: the main list, unless all it found is a menu (a side menu or a directory tree
    is not the column's entries: a column showing only its menu has no entries)."""
    group, items = main_list(snapshot, as_of)
    if group is None or any(item.date for item in items):
        return group, items
    if group.anchor in {menu.anchor for menu in menu_groups(snapshot)}:
        return None, []
    return group, items


__all__ = [
    "OutLink", "RoleView", "column_list", "content_text", "crumb_parts", "followable",
    "menu_groups", "outgoing", "page_name", "page_role", "pager_targets",
]
