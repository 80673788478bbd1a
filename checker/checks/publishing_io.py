"""The browser and HTTP edges of the publishing families: read a column's list pages in the browser,
sample its items, fetch their pages without rendering, and photograph the element a finding is about.
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
from checker.discover import ColumnCandidate, DatedItem, in_scope, main_list, normalise_url
from checker.fetch import Fetched, PageFetcher
from checker.results import Finding
from checker.sitemap.columns import list_items
from checker.sitemap.model import SiteMap

_PAGER_JS = """() => {
  const next = Array.from(document.querySelectorAll('a[href]')).find(
    (a) => /^(下一页|下页|后一页|下一頁|next|›|>)$/i.test((a.innerText || '').trim()));
  const text = document.body ? document.body.innerText : '';
  const pages = text.match(/共\\s*(\\d+)\\s*页/);
  const items = text.match(/共\\s*(\\d+)\\s*条/);
  return {next: next ? next.href : '', pages: pages ? +pages[1] : 0, items: items ? +items[1] : 0};
}"""

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


def fetcher(context: SiteContext) -> PageFetcher:
    """The site run's page fetcher (created on first use, shared by the families), holding every page the
    site map read, so those are never fetched again."""
    if context.fetcher is None:
        context.fetcher = PageFetcher(context.browser_context.request, context.settings.fetch_per_host,
                                      context.settings.page_timeout_seconds, context.politeness)
        for page in context.site_map.pages.values() if context.site_map else ():
            if page.parsed is not None:
                for url in dict.fromkeys((page.url, page.final_url or page.url)):
                    context.fetcher.remember(Fetched(url, page.status, "", page.parsed))
    return context.fetcher


async def _pager(page: Page) -> dict:
    try:
        return dict(await page.evaluate(_PAGER_JS))
    except PlaywrightError:
        return {"next": "", "pages": 0, "items": 0}


def _mapped_list(site_map: SiteMap, column: ColumnCandidate, as_of: date, scope: str) -> ColumnList | None:
    """A column's list as the site map read it (its first page and the list pages after it)."""
    first = site_map.page(column.url)
    if first is None or not first.ok:
        return None
    pages = [first, *site_map.list_pages_of(first.url)]
    items = [item for item in list_items(pages, as_of) if in_scope(item.href, scope)]
    text = first.facts.pager_text if first.facts else ""
    total_pages = _count(r"共\s*(\d+)\s*页", text)
    total_items = _count(r"共\s*(\d+)\s*条", text)
    truncated = first.list_cut or total_pages > len(pages)
    shown_total = total_pages if total_pages > len(pages) else (0 if truncated else len(pages))
    return ColumnList(column, first.final_url or first.url, tuple(items), len(pages), shown_total,
                      max(total_items, len(items)), "", truncated)


def _count(pattern: str, text: str) -> int:
    found = re.search(pattern, text)
    return int(found.group(1)) if found else 0


async def read_list(context: SiteContext, column: ColumnCandidate) -> ColumnList | None:
    """A column's list: as the site map read it; without a map, read in the browser, following 下一页 up to
    the settings' page limit."""
    if context.site_map is not None:
        mapped = _mapped_list(context.site_map, column, context.as_of, context.scope)
        if mapped is not None:
            return mapped
    url, items, anchor = column.url, [], ""
    pages_read, pages_total, items_total = 0, 0, 0
    seen_urls: set[str] = set()
    while url and pages_read < context.settings.max_list_pages and url not in seen_urls:
        seen_urls.add(url)
        _, snapshot = await context.visit(url, column.name)
        if snapshot is None:
            break
        group, found = main_list(snapshot, context.as_of)
        pages_read += 1
        anchor = anchor or (group.anchor if group else "")
        known = {item.href for item in items}
        items += [item for item in found if item.href not in known and in_scope(item.href, context.scope)]
        pager = await _pager(context.page)
        pages_total = max(pages_total, pager["pages"], pages_read)
        items_total = max(items_total, pager["items"])
        url = normalise_url(pager["next"]) if pager["next"] and in_scope(pager["next"], context.scope) else ""
    if pages_read == 0:
        return None
    truncated = bool(url)  # a next page remained when the page limit stopped the reading
    if truncated and pages_total <= pages_read:
        pages_total = 0  # the pager did not say how many pages there are
    return ColumnList(column, column.url, tuple(items), pages_read, pages_total, max(items_total, len(items)), anchor,
                      truncated)


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


