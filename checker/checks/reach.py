"""Reaching a column like a citizen: the page the site map found under a name holding one of the words,
at any depth (navigation, hub side menus, 网站地图), opened in the browser for the family that acts on it."""

from __future__ import annotations

from collections.abc import Sequence

from checker.citizen import LinkSeen
from checker.context import SiteContext, SkipCheck
from checker.observe import PageSnapshot
from checker.scenario import SiteKind
from checker.sitemap.columns import find_pages
from checker.sitemap.model import PageRole, SitePage

REACHABLE_ROLES = (PageRole.COLUMN, PageRole.HUB, PageRole.FORM, PageRole.OTHER)


def mapped_column(context: SiteContext, words: Sequence[str], what: str) -> SitePage | None:
    """The page the site map found under a name holding one of ``words``; None when the site has none.

    SkipCheck when a department channel has none (the portal provides it) or the walk could not open it.
    """
    site_map = context.require_map()
    pages = find_pages(site_map, tuple(words), REACHABLE_ROLES)
    if pages:
        return pages[0]
    failed = [p for p in site_map.failed() if p.path and any(w in p.path[-1] for w in words)]
    if failed:
        page = failed[0]
        raise SkipCheck(f"{what}栏目“{page.path[-1]}”无法打开（{page.error or f'HTTP {page.status}'}），未判定")
    if context.site.kind is SiteKind.CHANNEL:
        raise SkipCheck(f"部门栏目未设{what}栏目，由门户网站提供，未单独检查")
    return None


async def reach_column(
    context: SiteContext, words: Sequence[str], what: str
) -> tuple[LinkSeen, PageSnapshot]:
    """Open the column whose name (or the link text that leads to it) holds one of ``words`` in the browser,
    for a family that acts on it; an empty link when the site has none (see :func:`mapped_column`)."""
    page = mapped_column(context, words, what)
    if page is None:
        return LinkSeen("", ""), PageSnapshot(url="", title="")
    text = page.path[-1] if page.path else page.name
    context.step(f"{what}：{text}")
    _, snapshot = await context.visit(page.final_url or page.url, text)
    if snapshot is None:
        raise SkipCheck(f"{what}栏目“{text}”无法打开，未判定")
    return LinkSeen(text, page.final_url or page.url), snapshot
