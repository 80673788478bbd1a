"""What every check family gets on a site: the browser page, the rules, the evidence store, the home
page, the site map the walk built, and the outcome it adds findings to.

Families run one after another on one page per site. They read the site map (built once, right after the
home page opened) instead of finding pages of their own, and share no other state: the browser page is
theirs to move when they must act (photograph evidence, fill a form, search).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Protocol
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, Page

from checker.citizen import AnswerWatch
from checker.evidence import EvidenceStore
from checker.fetch import PageFetcher
from checker.lexicon import TypoEntry
from checker.links.http_check import LinkChecker
from checker.netguard import NetworkGuard
from checker.observe import PageSnapshot, take_snapshot
from checker.politeness import ROBOTS_REFUSAL, Politeness
from checker.results import CheckRecord, CheckStatus, ColumnRecord, Evidence, Finding, Unverified
from checker.rules import RuleSet
from checker.scenario import Settings, Site, Window
from checker.sitemap.model import SiteMap
from checker.sitemap.walk import settle
from checker.visit import PageEvidence, Visit, now, open_page

Step = Callable[[str], None]


class SkipCheck(Exception):
    """Raised by a family that cannot look at this site; the message says why (recorded as skipped)."""


class SiteUnreachable(SkipCheck):
    """The home page did not open: the raising family is done (``note``), every later one is skipped."""

    def __init__(self, note: str, reason: str = "首页无法打开，未进行此项检查") -> None:
        super().__init__(reason)
        self.note = note


@dataclass
class SiteOutcome:
    """What the inspection gathered: findings, check coverage, columns read and QR payloads."""

    findings: list[Finding] = field(default_factory=list)
    checks: list[CheckRecord] = field(default_factory=list)
    columns: list[ColumnRecord] = field(default_factory=list)
    qr_payloads: list[str] = field(default_factory=list)
    journey_evidence: dict[str, list[Evidence]] = field(default_factory=dict)
    unverified: dict[str, list[Unverified]] = field(default_factory=dict)

    def record(self, check: str, status: CheckStatus, note: str = "", seconds: float | None = None) -> None:
        """Note what a check did, so the report never implies what was not looked at.

        A journey that passed leaves its last screenshot in ``journey_evidence`` under the check's name;
        it goes with the record, to show the journey did work. The looks that still failed after their
        re-tests (``unverified``, same key) go with it too, as coverage.
        """
        evidence = self.journey_evidence.pop(check, [])
        unverified = self.unverified.pop(check, [])
        self.checks.append(CheckRecord(check=check, status=status, note=note, evidence=evidence,
                                       unverified=unverified, seconds=seconds))


@dataclass
class SiteContext:
    """One site's inspection state, shared by the check families in order."""

    browser_context: BrowserContext
    page: Page
    site: Site
    index: int
    rules: RuleSet
    settings: Settings
    as_of: date
    window: Window | None
    store: EvidenceStore
    step: Step
    outcome: SiteOutcome = field(default_factory=SiteOutcome)
    home: PageSnapshot | None = None
    fetcher: PageFetcher | None = None
    typos: tuple[TypoEntry, ...] = ()
    allow_submit: bool = False
    qr_captions: dict[str, str] = field(default_factory=dict)
    politeness: Politeness = field(default_factory=Politeness)
    link_checker: LinkChecker | None = None
    """The run's link checker, shared by all its sites (each URL is checked once per run)."""
    nested_scopes: tuple[str, ...] = ()
    site_map: SiteMap | None = None
    """The site as the walk saw it (built once, right after the home page opened); families read it."""
    deadline: float | None = None
    """When the site's time budget ends (``time.monotonic()``); families that can stop early read it."""
    guard: NetworkGuard | None = None
    """The run's network boundary (None in a unit test): what the checker may request and photograph."""
    browser_proxy: dict[str, str] | None = None
    """The ``proxy`` a new browser context of this site needs to stay inside the boundary."""

    def seconds_left(self, reserve: float = 0.0) -> float | None:
        """Seconds until the site's budget ends, less ``reserve`` for the families after; None: no budget."""
        if self.deadline is None:
            return None
        return max(0.0, self.deadline - time.monotonic() - reserve)

    @property
    def scope(self) -> str:
        """The URL prefix that belongs to the site."""
        return self.site.scope_prefix()

    def require_map(self) -> SiteMap:
        """The site map, or SkipCheck when the walk did not run."""
        if self.site_map is None:
            raise SkipCheck("站点未能遍历，未进行此项检查")
        return self.site_map

    def require_home(self) -> PageSnapshot:
        """The home page snapshot, or SkipCheck when the home page was never read."""
        if self.home is None:
            raise SkipCheck("没有首页快照，未进行此项检查")
        return self.home

    def evidence(self, page: Page | None = None) -> PageEvidence:
        """Evidence of the page as it is now (one screenshot, boxed per finding); none of a page the network
        boundary did not let in."""
        return PageEvidence(page or self.page, self.store, self.index, self.settings.max_screenshot_height,
                            screenshot_timeout_seconds=self.settings.screenshot_timeout_seconds,
                            guard=self.guard)

    def add(self, findings: Iterable[Finding | None]) -> None:
        """Keep the findings of indicators the suite's rule set applies."""
        self.outcome.findings += [f for f in findings if f is not None and self.rules.enabled(f.indicator)]

    async def snapshot(self, label: str) -> PageSnapshot:
        """Snapshot the current page as it is rendered now (``label`` names it in progress messages)."""
        return await take_snapshot(self.page, self.site.hints.footer_selector,
                                   load_timeout_seconds=self.settings.page_timeout_seconds)

    async def visit(self, url: str, label: str) -> tuple[Visit, PageSnapshot | None]:
        """Open a URL in the site's page within the page budget and snapshot it when it opened.

        The run's politeness settings apply: robots.txt (when the suite honours it) and per-host pacing.
        """
        if not await self.politeness.allowed(url, self.browser_context.request):
            return Visit(url, url, None, ROBOTS_REFUSAL, 0.0, now()), None
        await self.politeness.wait_turn(url)
        with AnswerWatch(self.browser_context, self.page, [urlsplit(url).hostname or ""]) as watch:
            visit = await open_page(self.page, url, self.settings.page_timeout_seconds,
                                    self.settings.load_wait_seconds)
            if not visit.ok:
                return visit, None
            await settle(self.page, self.settings.site_map)
            missed = watch.refused()
        if missed is not None:
            # The document came, but a script or the data it fetches did not: what shows is not the page.
            return replace(visit, error=f"页面未完整加载：{missed.reason}（{missed.url}）"), None
        return visit, await self.snapshot(label)


class CheckFamily(Protocol):
    """A family of indicators: ``run`` observes in the browser, judges, and adds findings to the context.

    It returns a short Chinese note for the coverage record, or raises :class:`SkipCheck` with the reason
    it could not look.
    """

    name: str
    label: str
    indicators: tuple[str, ...]

    async def run(self, context: SiteContext) -> str:
        """Observe and judge this family on the site."""
        ...
