"""Reaching a column like a citizen, looking at a page for a probe, and the shape of the families that read
the site map: observe (probes ``seen``, ``absent`` or ``failed``) → re-tests → pure judge → photographs.

A column is the page the site map found under a name holding one of the words, at any depth (navigation, hub
side menus, 网站地图); a family that acts on it opens it in the browser. A page that does not open is a
``failed`` look (a timeout, a reset, a 5xx), never an absent thing: it is looked at again by the
:class:`~checker.family.ObservingFamily` machinery and, if it still fails, is coverage (未能核查).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from playwright.async_api import Error as PlaywrightError

from checker.context import SiteContext, SkipCheck
from checker.family import failed_load, load_failure_reason
from checker.observation import Observation
from checker.observe import PageSnapshot
from checker.runlog import LOG
from checker.scenario import SiteKind
from checker.sitemap.columns import find_pages
from checker.sitemap.model import PageRole, SitePage
from checker.visit import now

REACHABLE_ROLES = (PageRole.COLUMN, PageRole.HUB, PageRole.FORM, PageRole.OTHER)

ObservationT = TypeVar("ObservationT", bound=Observation)


@dataclass(frozen=True)
class Look:
    """One page opened in the browser for a probe: its snapshot, or why there is none.

    ``failure`` is a failed look (timeout, reset, 5xx, a page that could not be read: look again);
    ``answer`` a definite answer that is not the page (HTTP 404: it is not there).
    """

    url: str
    snapshot: PageSnapshot | None
    at: datetime
    failure: str = ""
    answer: str = ""
    final_url: str = ""

    @property
    def failed(self) -> bool:
        """Whether the look failed (nothing may be judged from it)."""
        return bool(self.failure)


async def look_at(context: SiteContext, url: str, label: str) -> Look:
    """Open ``url`` in the site's page and snapshot it; a load that failed is a failed :class:`Look`."""
    at = now()
    try:
        visit, snapshot = await context.visit(url, label)
    except PlaywrightError as error:
        LOG.warning("%s：读取%s失败", context.site.name, url, exc_info=True)
        first = (str(error).splitlines() or [type(error).__name__])[0][:120]
        return Look(url, None, at, failure=f"读取页面失败：{first}")
    if snapshot is not None:
        return Look(url, snapshot, at, final_url=visit.final_url or url)
    if failed_load(visit):
        return Look(url, None, at, failure=load_failure_reason(visit, context.settings.page_timeout_seconds))
    return Look(url, None, at, answer=f"页面返回 HTTP {visit.status}")


def unique_key(used: set[str], key: str, url: str = "") -> str:
    """``key``, or ``key`` with its address (then a number) when another probe has it already."""
    candidate = key
    if candidate in used and url:
        candidate = f"{key}（{url}）"
    number = 2
    while candidate in used:
        candidate = f"{key}（{number}）"
        number += 1
    used.add(candidate)
    return candidate


def mapped_column(context: SiteContext, words: Sequence[str], what: str) -> SitePage | None:
    """The page the site map found under a name holding one of ``words``; else a page the walk was led to by
    such a name but could not read (``SitePage.ok`` false, after the walk's re-tests); None when the site has
    none.

    SkipCheck when a department channel has none (the portal provides it).
    """
    site_map = context.require_map()
    pages = find_pages(site_map, tuple(words), REACHABLE_ROLES)
    if pages:
        return pages[0]
    failed = [p for p in site_map.failed() if p.path and any(w in p.path[-1] for w in words)]
    if failed:
        return failed[0]
    if context.site.kind is SiteKind.CHANNEL:
        raise SkipCheck(f"部门栏目未设{what}栏目，由门户网站提供，未单独检查")
    return None


def link_text(page: SitePage) -> str:
    """The words a citizen clicks to reach a page (the last step of its click path, else its name)."""
    return page.path[-1] if page.path else page.name


async def reach_column(context: SiteContext, words: Sequence[str], what: str) -> tuple[str, Look] | None:
    """Open the column whose name (or the link text that leads to it) holds one of ``words`` in the browser,
    for a family that acts on it: (the link text, the look); None when the site has none (see
    :func:`mapped_column`). A column the walk could not open is opened too: the look says whether it did."""
    page = mapped_column(context, words, what)
    if page is None:
        return None
    text = link_text(page)
    context.step(f"{what}：{text}")
    return text, await look_at(context, page.final_url or page.url, text)
