"""链接不可用: check every link of every page the site map opened, once per run, and report the failing
ones with their parent page boxed (the map's walk is the crawl; no page is opened a second time for links).

The run shares one link checker across sites (a link the portal and its channels all show is requested
once); a family used on its own makes its own. Every checked URL is a probe (see
:mod:`checker.links.judge`): a link seen broken is a finding; a link whose every look failed for the moment
(the checker looks again as ``settings.retest`` says) is 未能核查, and so are the links of a page that did
not open. The checker's looks are the re-tests, so this family does not observe a second time.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from playwright.async_api import Error as PlaywrightError

from checker.context import SiteContext, SkipCheck
from checker.family import ObservingFamily, failed_load
from checker.links.crawl import CrawledPage
from checker.links.http_check import LinkChecker
from checker.links.inspect import LinkReport, OpenedPage, check_opened, crawl_from_pages, inspect_links
from checker.links.judge import (
    NOT_NOW_STATUSES,
    FailingLink,
    failing_links,
    judge_links,
    link_probe,
    summarize,
    unread_page_probe,
)
from checker.links.model import FoundLink, LinkResult
from checker.observation import Observation, Probe, attempts_text, unverified_note, unverified_records
from checker.results import Evidence, Finding
from checker.rules import RuleSet
from checker.runlog import LOG
from checker.visit import Visit, describe_probe_error, now, open_page

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
    where each URL appears, every URL's result, how many pages were read, and the crawl's notes."""

    occurrences: dict[str, list[FoundLink]] = field(default_factory=dict)
    results: dict[str, LinkResult] = field(default_factory=dict)
    pages: int = 0
    notes: list[str] = field(default_factory=list)


def unread_reason(page: CrawledPage, timeout_seconds: float, walk_attempts: int = 1) -> str | None:
    """Why a page's links could not be read (it did not open: no answer, or a transient 5xx/429), or None
    when it was read or answered for good (a 404 is an answer: the link to it is judged, not its links)."""
    transient = page.status is not None and (page.status in NOT_NOW_STATUSES or page.status >= 500)
    if not page.error and not transient:
        return None
    if transient or page.status is None or page.status >= 400:
        reason = describe_probe_error(page.error, page.status, timeout_seconds).replace("首页", "页面")
    else:  # it opened, and reading it failed
        reason = page.error
    tried = f"，遍历时尝试{walk_attempts}次" if walk_attempts > 1 else ""
    return f"{reason}{tried}，其中的链接未能读取"


class LinksCheck(ObservingFamily[LinksObservation]):
    """Finds links that do not open: pages, images, attachments, frames and external links."""

    name = "links"
    label = "检查链接可用性"
    indicators: tuple[str, ...] = ("link.broken",)

    async def run(self, context: SiteContext) -> str:
        """Observe (the link checker's looks are the re-tests), judge, and record what still failed as coverage."""
        observation = await self.observe(context)
        findings = self.judge(observation, context.rules, context.as_of, observation.seen_at or now())
        context.add(findings)
        failures = observation.failures()
        if failures:
            context.outcome.unverified[self.name] = unverified_records(failures)
            for probe in failures:
                LOG.warning("%s · %s: 未能核查 %s（%s）%s %s", context.site.name, self.name, probe.key, probe.reason,
                            attempts_text(probe), probe.url)
        summary = summarize(observation.results, observation.pages, len(findings))
        return "；".join(part for part in (summary, *observation.notes, unverified_note(failures)) if part)

    async def observe(self, context: SiteContext) -> LinksObservation:
        """Check every link of the map's pages (each URL looked at again while it fails for the moment) and
        photograph each link seen failing on the page that shows it."""
        home = context.require_home()
        if not context.settings.links.enabled:
            raise SkipCheck("场景设置不检查链接（settings.links.enabled: false）")
        report, looks = await self._inspect(context, home.url)
        probes: list[Probe] = [link_probe(result, report.occurrences.get(url, ()), looks.get(url, ()))
                               for url, result in report.results.items()]
        probes += self._unread_pages(context, report)
        observation = LinksObservation(probes, now(), occurrences=report.occurrences, results=report.results,
                                       pages=len(report.crawl.pages), notes=list(report.crawl.notes))
        seen_results = {p.url: p.value for p in probes if p.judgeable and isinstance(p.value, LinkResult)}
        failing = failing_links(seen_results, report.occurrences, context.rules.links)
        evidence = await self._photograph(context, failing)
        observation.probes = [replace(p, evidence=tuple(evidence[p.url])) if evidence.get(p.url) else p
                              for p in probes]
        if len({link.shown.parent_url for link in failing}) > MAX_EVIDENCE_PAGES:
            observation.notes.append(f"截图只覆盖前{MAX_EVIDENCE_PAGES}个页面上的问题链接")
        return observation

    def judge(self, observation: LinksObservation, rules: RuleSet, as_of: date, seen_at: datetime) -> list[Finding]:
        """One finding per link seen failing (broken, or suspect as the rules say); never from a failed look."""
        return judge_links(observation.probes, observation.occurrences, rules.links, seen_at)

    def _unread_pages(self, context: SiteContext, report: LinkReport) -> list[Probe]:
        """The pages whose links could not be read because the page did not open (coverage)."""
        probes = []
        for page in report.crawl.pages:
            mapped = context.site_map.page(page.url) if context.site_map is not None else None
            reason = unread_reason(page, context.settings.page_timeout_seconds, mapped.attempts if mapped else 1)
            if reason is not None:
                probes.append(unread_page_probe(page.url, reason, mapped.seen_at if mapped else None))
        return probes

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

    async def _open_parent(self, context: SiteContext, url: str) -> Visit:
        """Open a parent page to photograph it, looking again (as ``settings.retest`` says) while it fails."""
        policy = context.settings.retest
        visit = await self._open_once(context, url)
        for _look in range(1, policy.attempts):
            if visit.ok or not failed_load(visit):
                break
            left = context.seconds_left(RESERVED_SECONDS)
            if left is not None and left < policy.pause_seconds():
                break
            await asyncio.sleep(policy.pause_seconds())
            visit = await self._open_once(context, url)
        return visit

    async def _open_once(self, context: SiteContext, url: str) -> Visit:
        await context.politeness.wait_turn(url)
        return await open_page(context.page, url, context.settings.page_timeout_seconds)

    async def _photograph(self, context: SiteContext, failing: list[FailingLink]) -> dict[str, list[Evidence]]:
        """Open each parent page once and box every failing link it shows."""
        by_page: dict[str, list[FailingLink]] = defaultdict(list)
        for link in failing:
            by_page[link.shown.parent_url].append(link)
        evidence: dict[str, list[Evidence]] = {}
        for parent, links in list(by_page.items())[:MAX_EVIDENCE_PAGES]:
            visit = await self._open_parent(context, parent)
            if not visit.ok:
                LOG.warning("%s · links: 拍摄问题链接所在页面未能打开：%s（%s %s）", context.site.name, parent,
                            visit.status, visit.error)
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
