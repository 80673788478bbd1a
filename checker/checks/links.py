"""链接不可用: check every link of every page the site map opened, once per run, and report the failing
ones with their parent page boxed (the map's walk is the crawl; no page is opened a second time for links).

The run shares one link checker across sites (a link the portal and its channels all show is requested
once); a family used on its own makes its own. Every checked URL is a probe (see
:mod:`checker.links.judge`): a link seen broken is a finding; a link whose every look failed for the moment
(the checker looks again as ``settings.retest`` says) is 未能核查, and so are the links of a page that did
not open. The checker's looks (and the walk's) are the re-tests, so this family does not observe a second
time; the pages showing the links it reports are opened afterwards for their photographs.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from playwright.async_api import Error as PlaywrightError

from checker.checks.site_map import visit_for_evidence
from checker.context import SiteContext, SkipCheck
from checker.family import ObservingFamily
from checker.links.crawl import CrawledPage
from checker.links.http_check import LinkChecker
from checker.links.inspect import LinkReport, OpenedPage, check_opened, crawl_from_pages, inspect_links
from checker.links.judge import (
    NOT_NOW_STATUSES,
    FailingLink,
    judge_links,
    link_probe,
    seen_failing,
    summarize,
    unread_page_probe,
)
from checker.links.model import FoundLink, LinkResult
from checker.observation import Observation, Probe
from checker.results import Evidence, Finding
from checker.rules import RuleSet
from checker.runlog import LOG
from checker.sitemap.model import SiteMap
from checker.visit import describe_probe_error, now

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


@dataclass
class LinksObservation(Observation):
    """What link checking saw on a site: a probe per checked URL (and per page whose links went unread),
    where each URL appears, every URL's result, how many pages were read, the crawl's notes, and how many
    findings were reported (set once they are photographed)."""

    occurrences: dict[str, list[FoundLink]] = field(default_factory=dict)
    results: dict[str, LinkResult] = field(default_factory=dict)
    pages: int = 0
    notes: list[str] = field(default_factory=list)
    reported: int = 0


def unread_reason(page: CrawledPage, timeout_seconds: float, walk_attempts: int = 1) -> str | None:
    """Why a crawled page's links could not be read (it did not open: no answer, or a transient 5xx/429),
    or None when it was read or answered for good (a 404 is an answer: the link to it is judged)."""
    transient = page.status is not None and (page.status in NOT_NOW_STATUSES or page.status >= 500)
    if not page.error and not transient:
        return None
    if transient or page.status is None or page.status >= 400:
        reason = describe_probe_error(page.error, page.status, timeout_seconds).replace("首页", "页面")
    else:  # it opened, and reading it failed
        reason = page.error
    tried = f"，遍历时尝试{walk_attempts}次" if walk_attempts > 1 else ""
    return f"{reason}{tried}，其中的链接未能读取"


def unread_map_pages(site_map: SiteMap, urls: set[str]) -> list[Probe]:
    """The map's pages among ``urls`` whose links could not be read: the walk could not read them after its
    re-tests (not a 4xx answer, not a page off the site). Each probe carries the walk's attempt times."""
    probes = []
    for page in site_map.pages.values():
        if page.url in urls and page.unverified and page.link_data is None:
            probe = page.unread_probe(f"页面 {page.url} 中的链接")
            probes.append(Probe(probe.key, probe.status, None, f"{probe.reason}，其中的链接未能读取", probe.url,
                                probe.attempts))
    return probes


class LinksCheck(ObservingFamily[LinksObservation]):
    """Finds links that do not open: pages, images, attachments, frames and external links."""

    name = "links"
    label = "检查链接可用性"
    indicators: tuple[str, ...] = ("link.broken",)
    retests = False
    """The link checker looks again at every URL that failed for the moment, as ``settings.retest`` says,
    and the walk at every page it could not read: no family-level re-test."""

    async def observe(self, context: SiteContext) -> LinksObservation:
        """Check every link of the map's pages (the checker looks again at a URL while it fails for the
        moment); a page whose links could not be read is a failed probe."""
        home = context.require_home()
        if not context.settings.links.enabled:
            raise SkipCheck("场景设置不检查链接（settings.links.enabled: false）")
        report, looks = await self._inspect(context, home.url)
        probes: list[Probe] = [link_probe(result, report.occurrences.get(url, ()), looks.get(url, ()))
                               for url, result in report.results.items()]
        if context.site_map is not None:
            probes += unread_map_pages(context.site_map, {page.url for page in report.crawl.pages})
        else:
            probes += [unread_page_probe(page.url, reason) for page in report.crawl.pages
                       if (reason := unread_reason(page, context.settings.page_timeout_seconds)) is not None]
        return LinksObservation(probes, now(), occurrences=report.occurrences, results=report.results,
                                pages=len(report.crawl.pages), notes=list(report.crawl.notes))

    def judge(self, observation: LinksObservation, rules: RuleSet, as_of: date, seen_at: datetime) -> list[Finding]:
        """One finding per link seen failing (broken, or suspect as the rules say); never from a failed look."""
        return judge_links(observation.probes, observation.occurrences, rules.links, seen_at)

    async def photograph(self, context: SiteContext, observation: LinksObservation,
                         findings: list[Finding]) -> list[Finding]:
        """Open each page showing a reported link once (again while it fails to load, as ``settings.retest``
        says) and box every reported link it shows."""
        observation.reported = len(findings)
        failing = [link for link, _probe in seen_failing(observation.probes, observation.occurrences,
                                                         context.rules.links)]
        if len({link.shown.parent_url for link in failing}) > MAX_EVIDENCE_PAGES:
            observation.notes.append(f"截图只覆盖前{MAX_EVIDENCE_PAGES}个页面上的问题链接")
        evidence = await self._photograph(context, failing)
        return [finding.model_copy(update={"evidence": evidence.get(link.result.url, [])})
                for finding, link in zip(findings, failing, strict=True)]

    def note(self, observation: LinksObservation) -> str:
        """Pages read, unique links and their statuses, how many were reported, and the crawl's limits."""
        summary = summarize(observation.results, observation.pages, observation.reported)
        return "；".join([summary, *observation.notes])

    async def _inspect(self, context: SiteContext, home_url: str) -> tuple[LinkReport, dict[str, tuple[datetime, ...]]]:
        """Check the links of every page the site map opened (no second crawl); without a map (the family
        used on its own), crawl the site for links as ``govcheck links`` does. Returns the report and when
        the checker looked at each URL."""
        settings = context.settings.links
        left = context.seconds_left(reserve=RESERVED_SECONDS)
        budget = settings.budget_seconds if left is None else min(settings.budget_seconds, left)
        async with contextlib.AsyncExitStack() as stack:
            checker = context.link_checker
            if checker is None:  # used on its own, outside a run that shares one checker among its sites
                checker = await stack.enter_async_context(LinkChecker(settings, retest=context.settings.retest))
            if context.site_map is not None:
                site_map = context.site_map
                within = [p for p in site_map.pages.values() if p.depth <= settings.max_depth][: settings.max_pages]
                opened = [OpenedPage(p.url, p.depth, p.final_url, p.status, p.error, p.link_data) for p in within]
                cut = f"遍历未打开的{site_map.not_opened}个页面只检查链接本身" if site_map.not_opened else ""
                crawl = crawl_from_pages(opened, context.site.url, cut)
                report = await check_opened(crawl, settings, checker.check, budget)
            else:
                report = await inspect_links(context.browser_context, home_url, context.scope, settings,
                                             context.settings.page_timeout_seconds, checker.check,
                                             context.politeness, context.nested_scopes, budget, gate=checker.gate)
            return report, {url: checker.looks(url) for url in report.results}

    async def _photograph(self, context: SiteContext, failing: list[FailingLink]) -> dict[str, list[Evidence]]:
        """Open each parent page once and box every failing link it shows."""
        by_page: dict[str, list[FailingLink]] = defaultdict(list)
        for link in failing:
            by_page[link.shown.parent_url].append(link)
        evidence: dict[str, list[Evidence]] = {}
        for parent, links in list(by_page.items())[:MAX_EVIDENCE_PAGES]:
            if await visit_for_evidence(context, parent, "问题链接所在页面") is None:
                LOG.warning("%s · links: 问题链接所在页面未能打开，无截图：%s", context.site.name, parent)
                continue
            shots = context.evidence()
            for number, link in enumerate(links):
                position, attr = link.shown.selector.split("|", 1)
                mark = f"link-{number}"
                found = False
                try:
                    found = await context.page.evaluate(_MARK_JS, [int(position), attr, link.shown.raw, mark])
                except PlaywrightError:
                    LOG.info("未能在页面上标出链接：%s（%s）", link.result.url, parent, exc_info=True)
                evidence[link.result.url] = await shots.capture(mark if found else None)
        return evidence
