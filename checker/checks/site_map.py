"""遍历站点: the one citizen-like walk of a site, whose map every later family reads.

It runs right after the availability family (which opened the home page, read here where it stands). Its
coverage note says what was opened, by role, how many pages needed a re-test and how many it recovered,
what could still not be read (未能核查, also recorded as the check's unverified looks) and what the budgets
cut.

Families that only read the map set ``retests = False`` on their :class:`~checker.family.ObservingFamily`:
the walk already re-tested every page it could not read whole (a re-test would read the same map).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import TypeVar

from checker.context import CheckFamily, SiteContext
from checker.discover import normalise_url
from checker.family import failed_load, record_unverified
from checker.observation import Observation, Probe, unverified_note
from checker.observe import PageSnapshot
from checker.runlog import LOG
from checker.sitemap.model import ROLE_NAMES, PageRole, SiteMap, SitePage
from checker.sitemap.walk import SiteWalker
from checker.visit import now

RESERVED_FRACTION = 0.5
"""Of the site's remaining time, the share the walk leaves for the families that read its map."""

ObservationT = TypeVar("ObservationT", bound=Observation)


def with_site_map(families: Sequence[CheckFamily]) -> tuple[CheckFamily, ...]:
    """The families with the walk in its place: right after availability (which opens the home page), when
    any other family is run and none walks already. Every family reads the map; none builds it itself."""
    names = [family.name for family in families]
    if SiteMapCheck.name in names or (len(families) <= 1 and names[:1] == ["availability"]):
        return tuple(families)
    at = names.index("availability") + 1 if "availability" in names else 0
    return (*families[:at], SiteMapCheck(), *families[at:])


def unread_probes(pages: Iterable[SitePage], what: str = "", part: str = "") -> list[Probe]:
    """The ``failed`` probes of pages not read whole, keyed by their label (with the address when two pages
    share one, and ``part`` after it: 未加载部分); ``what`` names what could not be checked on them (页脚标识
    …) in each reason."""
    pages = list(pages)
    labels = Counter(page.label for page in pages)
    probes = []
    for page in pages:
        key = page.label if labels[page.label] == 1 else f"{page.label}（{page.url}）"
        probe = page.unread_probe(f"{key}（{part}）" if part else key)
        if what:
            probe = replace(probe, reason=f"{probe.reason}，{what}无法核查")
        probes.append(probe)
    return probes


def retest_note(site_map: SiteMap) -> str:
    """How many pages the walk re-tested and how many of those it then read whole (empty when none)."""
    retested = site_map.retested()
    if not retested:
        return ""
    recovered = sum(1 for page in retested if page.complete)
    return f"复测页面{len(retested)}个（加载失败或内容未加载完整），其中{recovered}个复测后读取完整"


def rendered_note(site_map: SiteMap) -> str:
    """How many of the pages read were rendered in a browser tab and why (the rest were read from their HTML);
    empty when every page was rendered (the walk's ``browser`` read)."""
    read = [page for page in site_map.pages.values() if page.ok]
    from_html = sum(1 for page in read if page.how == "html")
    if not from_html:
        return ""
    reasons = Counter(reason for page in read for reason in page.render_reasons)
    why = "、".join(f"{reason}{count}个" for reason, count in reasons.most_common(4))
    return f"其中从HTML读取{from_html}个、在浏览器中渲染{len(read) - from_html}个" + (f"（{why}）" if why else "")


def walk_note(site_map: SiteMap) -> str:
    """The coverage line of a walk: pages opened by role, re-tests, what could not be read, and what the
    budgets cut."""
    roles = Counter(page.role for page in site_map.pages.values() if page.ok)
    shown = "、".join(f"{ROLE_NAMES[role]}{count}个" for role, count in roles.most_common())
    parts = [f"打开页面{sum(roles.values())}个（{shown}）", rendered_note(site_map), retest_note(site_map)]
    gone = [page for page in site_map.failed() if page.gone]
    if gone:
        listed = "、".join(f"{p.url}（HTTP {p.status}）" for p in gone[:5])
        parts.append(f"返回错误的页面{len(gone)}个：{listed}" + ("等" if len(gone) > 5 else ""))
    parts.append(unverified_note(unread_probes(site_map.unverified())))
    return "；".join(part for part in (*parts, *site_map.notes) if part)


class SiteMapCheck:
    """Builds the site map once: the family every other reads instead of finding its own pages."""

    name = "sitemap"
    label = "遍历站点"
    indicators: tuple[str, ...] = ()

    async def run(self, context: SiteContext) -> str:
        """Walk the site from the home page the availability family left open; the pages still not read
        whole after their re-tests are the check's unverified looks."""
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
            extra_urls=[(h.name, h.url) for h in hints.columns if h.url], retest=context.settings.retest,
            remote_browser=context.guard is not None and context.browser_proxy is None, guard=context.guard,
        )
        on_home = normalise_url(context.page.url) == normalise_url(home.url)
        site_map = await walker.walk(home_page=context.page if on_home else None)
        context.site_map = site_map
        read_home = site_map.home
        if read_home is not None and read_home.snapshot is not None:
            context.home = await _home_in_context_page(context, read_home, in_place=on_home)
        record_unverified(context, self.name, unread_probes(site_map.unverified()))
        if read_home is None or read_home.role is not PageRole.HOME:
            return walk_note(site_map) + "；首页未能读取"
        return walk_note(site_map)


async def _home_in_context_page(context: SiteContext, read_home: SitePage, *, in_place: bool) -> PageSnapshot:
    """The home snapshot the families use, taken in the site's own tab. When the walk read the home page in
    place the first time, that read is it; when it had to read it again in a tab of its own (the first read
    failed or was incomplete), the site's tab is brought to the home page too, so the snapshot's element
    anchors are on the page the families photograph (the walk's read serves if that load fails)."""
    assert read_home.snapshot is not None
    if in_place and read_home.attempts <= 1:
        return read_home.snapshot
    snapshot = await visit_for_evidence(context, read_home.final_url or read_home.url, "首页")
    return snapshot or read_home.snapshot


async def visit_for_evidence(context: SiteContext, url: str, label: str) -> PageSnapshot | None:
    """Open a page the map read again, for its screenshot: a failed load (no answer, 5xx/429) is tried again
    as ``settings.retest`` says, so a finding does not lose its evidence to one dropped request."""
    policy = context.settings.retest
    first = now()
    for attempt in range(1, policy.attempts + 1):
        visit, snapshot = await context.visit(url, label)
        if snapshot is not None or not failed_load(visit) or attempt == policy.attempts:
            return snapshot
        wait = (first + timedelta(seconds=policy.pause_seconds() * attempt) - now()).total_seconds()
        left = context.seconds_left()
        if left is not None and left < wait:
            return None
        LOG.info("%s: 取证页面 %s 第%d次未能打开（%s），稍后重试", context.site.name, url, attempt,
                 visit.error or visit.status)
        await asyncio.sleep(max(0.0, wait))
    return None
