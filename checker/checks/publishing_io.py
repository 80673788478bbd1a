"""The browser and HTTP edges of the publishing families: a column's list as the site map read it, a sample
of its items, their pages fetched without rendering (a failed fetch told in Chinese, and fetched again with a
fresh request for a re-test), and the element a finding is about photographed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from checker.checks.policy_judge import Evidenced
from checker.context import SiteContext
from checker.discover import ColumnCandidate, DatedItem, in_scope
from checker.family import TRANSIENT_STATUSES
from checker.fetch import Fetched, PageFetcher, fetch_one
from checker.politeness import ROBOTS_REFUSAL
from checker.results import Finding
from checker.sitemap.columns import list_items
from checker.sitemap.model import MapColumn, SiteMap, SitePage
from checker.visit import describe_probe_error

# Tags the element that shows a text for evidence: a table row or paragraph holding a label, or, with
# wrap, exactly the characters of a word (a span around them inside their text node).
_TAG_TEXT_JS = """([needle, wrap]) => {
  window.__gcSeq = window.__gcSeq || 0;
  const heading = wrap ? null : Array.from(document.querySelectorAll('h1, h2, h3')).find(
    (h) => h.getClientRects().length && (h.innerText || '').includes(needle));
  if (heading) {
    heading.setAttribute('data-gc', 'w' + (++window.__gcSeq));
    return heading.getAttribute('data-gc');
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.textContent.indexOf(needle);
    const parent = node.parentElement;
    if (at < 0 || !parent || ['SCRIPT', 'STYLE', 'TITLE'].includes(parent.tagName)) continue;
    if (!parent.getClientRects().length) continue;
    let el = parent;
    if (wrap) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + needle.length);
      el = document.createElement('span');
      range.surroundContents(el);
    } else {
      el = parent.closest('tr, p, li, dd, h1, h2, h3, td, div') || parent;
    }
    el.setAttribute('data-gc', 'w' + (++window.__gcSeq));
    return el.getAttribute('data-gc');
  }
  return '';
}"""


@dataclass(frozen=True)
class ColumnList:
    """A column's list as read in the browser: its items, how many pages were read of how many."""

    column: ColumnCandidate
    url: str
    items: tuple[DatedItem, ...]
    pages_read: int
    pages_total: int
    items_total: int
    anchor: str
    truncated: bool = False
    unread: tuple[SitePage, ...] = ()
    """List pages after the first the walk could not read whole: their entries are unknown."""


def fetch_failure(got: Fetched, timeout_seconds: float) -> str:
    """Why fetching a page failed as a look (no answer, a reset, a timeout, a 5xx or 429), in Chinese; '' when
    the page came, or the server answered definitely that it is not there (404, 410 …)."""
    if got.ok:
        return ""
    if got.status is not None and not got.error:
        transient = got.status in TRANSIENT_STATUSES or got.status >= 500
        return f"页面返回 HTTP {got.status}" if transient else ""
    lowered = got.error.lower()
    if got.error == ROBOTS_REFUSAL or "不是网页" in got.error:
        return got.error
    if "econnreset" in lowered or "socket hang up" in lowered or "connection reset" in lowered:
        return "连接被重置"
    if "econnrefused" in lowered:
        return "连接被拒绝"
    if "timeout" in lowered or "timed out" in lowered:
        return f"页面在{timeout_seconds:g}秒内未打开（超时）"
    return describe_probe_error(got.error, None, timeout_seconds).replace("首页", "页面")


async def refetch(context: SiteContext, url: str) -> Fetched:
    """Fetch a page again with a fresh request (a re-test: the run's fetcher keeps the failed answer)."""
    if not await context.politeness.allowed(url, context.browser_context.request):
        return Fetched(url, None, ROBOTS_REFUSAL, None)
    await context.politeness.wait_turn(url)
    return await fetch_one(context.browser_context.request, url, context.settings.page_timeout_seconds)


def fetcher(context: SiteContext) -> PageFetcher:
    """The site run's page fetcher (created on first use, shared by the families), holding every page the
    site map read whole, so those are never fetched again (a page the walk read only in part is fetched)."""
    if context.fetcher is None:
        context.fetcher = PageFetcher(context.browser_context.request, context.settings.fetch_per_host,
                                      context.settings.page_timeout_seconds, context.politeness)
        for page in context.site_map.pages.values() if context.site_map else ():
            if page.parsed is not None and page.complete:
                for url in dict.fromkeys((page.url, page.final_url or page.url)):
                    context.fetcher.remember(Fetched(url, page.status, "", page.parsed))
    return context.fetcher


def mapped_list(site_map: SiteMap, column: MapColumn, as_of: date, scope: str) -> ColumnList:
    """A column's list as the site map read it: its first page and the list pages after it (the walk read the
    first whole; ``unread`` names the later ones it could not)."""
    first = column.page
    pages = [first, *site_map.list_pages_of(first.url)]
    unread = tuple(p for p in site_map.pages.values() if p.column_of == first.url and p.unverified)
    items = [item for item in list_items(pages, as_of) if in_scope(item.href, scope)]
    text = first.facts.pager_text if first.facts else ""
    total_pages = _count(r"共\s*(\d+)\s*页", text)
    total_items = _count(r"共\s*(\d+)\s*条", text)
    truncated = first.list_cut or total_pages > len(pages)
    shown_total = total_pages if total_pages > len(pages) else (0 if truncated else len(pages))
    candidate = ColumnCandidate(column.name, column.url, column.column_class, column.source)
    return ColumnList(candidate, first.final_url or first.url, tuple(items), len(pages), shown_total,
                      max(total_items, len(items)), "", truncated, unread)


def _count(pattern: str, text: str) -> int:
    found = re.search(pattern, text)
    return int(found.group(1)) if found else 0


def sample_items(items: Sequence[DatedItem], since: date | None, cap: int) -> list[DatedItem]:
    """Every item dated on or after ``since`` (the window), then an even sample of the older ones, at most cap."""
    recent = [item for item in items if since and item.date and item.date >= since][:cap]
    older = [item for item in items if item not in recent]
    room = cap - len(recent)
    if room <= 0 or not older:
        return recent
    if len(older) <= room:
        return recent + older
    step = (len(older) - 1) / max(room - 1, 1)
    picked = sorted({round(index * step) for index in range(room)})
    return recent + [older[index] for index in picked]


async def tag_text(page: Page, needle: str, wrap: bool = False) -> str:
    """Tag the element showing ``needle`` (or, with wrap, the word itself); '' when it is not on the page."""
    if not needle:
        return ""
    try:
        return str(await page.evaluate(_TAG_TEXT_JS, [needle, wrap]))
    except PlaywrightError:
        return ""


async def with_evidence(context: SiteContext, planned: Sequence[Evidenced], label: str,
                        wrap: bool = False) -> list[Finding]:
    """Open each page a finding is about (once per page) and box the element its needle names."""
    findings = []
    by_url: dict[str, list[Evidenced]] = {}
    for item in planned:
        by_url.setdefault(item.url, []).append(item)
    for url, items in by_url.items():
        _, snapshot = await context.visit(url, label)
        evidence = context.evidence()
        for item in items:
            anchor = await tag_text(context.page, item.needle, wrap) if snapshot else ""
            anchor = anchor or (snapshot.main_anchor if snapshot else "")
            captured = await evidence.capture(anchor) if snapshot else []
            findings.append(item.finding.model_copy(update={"evidence": captured}))
    return findings


