"""遍历站点: the one citizen-like walk of a site, whose map every later family reads.

It runs right after the availability family (which opened the home page, read here where it stands). Its
coverage note says what was opened, by role, what could not be opened and what the budgets cut.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence

from checker.context import CheckFamily, SiteContext
from checker.discover import normalise_url
from checker.sitemap.model import ROLE_NAMES, PageRole, SiteMap
from checker.sitemap.walk import SiteWalker

RESERVED_FRACTION = 0.5
"""Of the site's remaining time, the share the walk leaves for the families that read its map."""


def with_site_map(families: Sequence[CheckFamily]) -> tuple[CheckFamily, ...]:
    """The families with the walk in its place: right after availability (which opens the home page), when
    any other family is run and none walks already. Every family reads the map; none builds it itself."""
    names = [family.name for family in families]
    if SiteMapCheck.name in names or (len(families) <= 1 and names[:1] == ["availability"]):
        return tuple(families)
    at = names.index("availability") + 1 if "availability" in names else 0
    return (*families[:at], SiteMapCheck(), *families[at:])


def walk_note(site_map: SiteMap) -> str:
    """The coverage line of a walk: pages opened by role, failures, and what the budgets cut."""
    roles = Counter(page.role for page in site_map.pages.values() if page.ok)
    shown = "、".join(f"{ROLE_NAMES[role]}{count}个" for role, count in roles.most_common())
    note = f"打开页面{sum(roles.values())}个（{shown}）"
    failed = site_map.failed()
    if failed:
        reasons = "、".join(f"{p.url}（{p.error or f'HTTP {p.status}'}）" for p in failed[:5])
        note += f"；无法打开{len(failed)}个：{reasons}" + ("等" if len(failed) > 5 else "")
    return "；".join([note, *site_map.notes])


class SiteMapCheck:
    """Builds the site map once: the family every other reads instead of finding its own pages."""

    name = "sitemap"
    label = "遍历站点"
    indicators: tuple[str, ...] = ()

    async def run(self, context: SiteContext) -> str:
        """Walk the site from the home page the availability family left open."""
        home = context.require_home()
        left = context.seconds_left()
        deadline = None if left is None else time.monotonic() + left * (1 - RESERVED_FRACTION)
        hints = context.site.hints
        walker = SiteWalker(
            context.browser_context, context.site.url, context.scope, context.settings.site_map,
            as_of=context.as_of, page_timeout_seconds=context.settings.page_timeout_seconds,
            max_list_pages=context.settings.max_list_pages, politeness=context.politeness,
            skip_scopes=context.nested_scopes, footer_selector=hints.footer_selector,
            links_limit=context.settings.links.max_links_per_page, deadline=deadline,
            extra_urls=[(h.name, h.url) for h in hints.columns if h.url],
        )
        on_home = normalise_url(context.page.url) == normalise_url(home.url)
        site_map = await walker.walk(home_page=context.page if on_home else None)
        context.site_map = site_map
        read_home = site_map.home
        if read_home is not None and read_home.snapshot is not None:
            context.home = read_home.snapshot
        if read_home is None or read_home.role is not PageRole.HOME:
            return walk_note(site_map) + "；首页未能读取"
        return walk_note(site_map)
