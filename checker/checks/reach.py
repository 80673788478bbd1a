"""Reaching a column like a citizen: by its link text on the home page, else inside 互动交流."""

from __future__ import annotations

from collections.abc import Sequence

from checker.citizen import LinkSeen, find_links
from checker.context import SiteContext, SkipCheck
from checker.observe import PageSnapshot
from checker.scenario import SiteKind

HUB_WORDS = ("互动交流", "政民互动", "公众参与", "互动")


async def reach_column(
    context: SiteContext, words: Sequence[str], what: str
) -> tuple[LinkSeen, PageSnapshot]:
    """Open the column whose link text holds one of ``words``; SkipCheck saying why when there is none."""
    context.require_home()
    links = find_links(context.home, words)
    if not links:
        for hub in find_links(context.home, HUB_WORDS):
            _, snapshot = await context.visit(hub.href, hub.text)
            links = find_links(snapshot, words) if snapshot else []
            if links:
                break
    if not links:
        if context.site.kind is SiteKind.CHANNEL:
            raise SkipCheck(f"部门栏目未设{what}栏目，由门户网站提供，未单独检查")
        return LinkSeen("", ""), PageSnapshot(url="", title="")
    link = links[0]
    context.step(f"{what}：{link.text}")
    _, snapshot = await context.visit(link.href, link.text)
    if snapshot is None:
        raise SkipCheck(f"{what}栏目“{link.text}”无法打开，未判定")
    return link, snapshot
