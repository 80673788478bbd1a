"""链接不可用: check every link of every page the site map opened, once per run, and report the failing
ones with their parent page boxed (the map's walk is the crawl; no page is opened a second time for links).

The run shares one link checker across sites (a link the portal and its channels all show is requested
once); a family used on its own makes its own.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict

from playwright.async_api import Error as PlaywrightError

from checker.context import SiteContext, SkipCheck
from checker.links.http_check import LinkChecker
from checker.links.inspect import LinkReport, OpenedPage, check_opened, crawl_from_pages, inspect_links
from checker.links.judge import FailingLink, failing_links, link_finding, summarize
from checker.results import Evidence
from checker.visit import now, open_page

MAX_EVIDENCE_PAGES = 20
"""Parent pages opened again to photograph failing links; further failing links are reported without one."""

RESERVED_SECONDS = 20.0
"""Of the site's remaining time, what link checking leaves for its own evidence and the footer check."""

_MARK_JS = """([position, attr, raw, mark]) => {
  const all = document.querySelectorAll('a[href], area[href], img, iframe[src], frame[src]');
  let el = all[position];
  if (!el || el.getAttribute(attr) !== raw) el = Array.from(all).find((e) => e.getAttribute(attr) === raw);
  if (!el) return false;
  el.setAttribute('data-gc', mark);
  el.scrollIntoView({block: 'center'});
  return true;
}"""


class LinksCheck:
    """Finds links that do not open: pages, images, attachments, frames and external links."""

    name = "links"
    label = "检查链接可用性"
    indicators: tuple[str, ...] = ("link.broken",)

    async def run(self, context: SiteContext) -> str:
        """Crawl, check, judge, and photograph each failing link on the page that shows it."""
        home = context.require_home()
        settings = context.settings.links
        if not settings.enabled:
            raise SkipCheck("场景设置不检查链接（settings.links.enabled: false）")
        report = await self._inspect(context, home.url)
        failing = failing_links(report.results, report.occurrences, context.rules.links)
        evidence = await self._photograph(context, failing)
        context.add(link_finding(link, context.rules.links, evidence.get(link.result.url, []), now())
                    for link in failing)
        notes = [summarize(report.results, len(report.crawl.pages), len(failing)), *report.crawl.notes]
        if len({link.shown.parent_url for link in failing}) > MAX_EVIDENCE_PAGES:
            notes.append(f"截图只覆盖前{MAX_EVIDENCE_PAGES}个页面上的问题链接")
        return "；".join(notes)

    async def _inspect(self, context: SiteContext, home_url: str) -> LinkReport:
        """Check the links of every page the site map opened (no second crawl); without a map (the family
        used on its own), crawl the site for links as ``govcheck links`` does."""
        settings = context.settings.links
        left = context.seconds_left(reserve=RESERVED_SECONDS)
        budget = settings.budget_seconds if left is None else min(settings.budget_seconds, left)
        async with contextlib.AsyncExitStack() as stack:
            checker = context.link_checker
            if checker is None:  # used on its own, outside a run that shares one checker among its sites
                checker = await stack.enter_async_context(LinkChecker(settings))
            if context.site_map is not None:
                site_map = context.site_map
                within = [p for p in site_map.pages.values() if p.depth <= settings.max_depth][: settings.max_pages]
                opened = [OpenedPage(p.url, p.depth, p.final_url, p.status, p.error, p.link_data) for p in within]
                cut = f"遍历未打开的{site_map.not_opened}个页面只检查链接本身" if site_map.not_opened else ""
                crawl = crawl_from_pages(opened, context.site.url, cut)
                return await check_opened(crawl, settings, checker.check, budget)
            return await inspect_links(context.browser_context, home_url, context.scope, settings,
                                       context.settings.page_timeout_seconds, checker.check, context.politeness,
                                       context.nested_scopes, budget, gate=checker.gate)

    async def _photograph(self, context: SiteContext, failing: list[FailingLink]) -> dict[str, list[Evidence]]:
        """Open each parent page once and box every failing link it shows."""
        by_page: dict[str, list[FailingLink]] = defaultdict(list)
        for link in failing:
            by_page[link.shown.parent_url].append(link)
        evidence: dict[str, list[Evidence]] = {}
        for parent, links in list(by_page.items())[:MAX_EVIDENCE_PAGES]:
            await context.politeness.wait_turn(parent)
            visit = await open_page(context.page, parent, context.settings.page_timeout_seconds)
            if not visit.ok:
                continue
            shots = context.evidence()
            for number, link in enumerate(links):
                position, attr = link.shown.selector.split("|", 1)
                mark = f"link-{number}"
                found = False
                with contextlib.suppress(PlaywrightError):
                    found = await context.page.evaluate(_MARK_JS, [int(position), attr, link.shown.raw, mark])
                evidence[link.result.url] = await shots.capture(mark if found else None)
        return evidence
