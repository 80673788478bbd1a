"""暗链: links hidden from visitors that lead off the government's domains, as planted on hacked sites.

INDICATORS.md has no indicator id for 暗链, so by default what this family finds is recorded on the
check with evidence (visible in the report's coverage) rather than scored; a suite that names a rule
(``rules.hidden_links: {indicator: …, severity: …}``) gets them as findings under it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError

from checker.checks.findings import make_finding
from checker.context import SiteContext
from checker.family import ObservingFamily, load_failure_reason
from checker.observation import Observation, failed, seen
from checker.results import Evidence, Finding, Severity
from checker.rules import RuleSet
from checker.runlog import LOG
from checker.visit import now

_SCRIPT = resources.files("checker").joinpath("hidden_links.js").read_text(encoding="utf-8")
GOVERNMENT_SUFFIXES = (".gov.cn", ".org.cn", ".edu.cn")


@dataclass(frozen=True)
class HiddenLink:
    """A link a visitor cannot see: where it goes, its text, and how it is hidden."""

    href: str
    text: str
    reason: str
    html: str
    anchor: str


def off_domain(href: str, site_url: str, suffixes: Sequence[str] = GOVERNMENT_SUFFIXES) -> bool:
    """Whether a link leaves both the site's own host and the government's domains."""
    host = (urlsplit(href).hostname or "").lower()
    own = (urlsplit(site_url).hostname or "").lower()
    if not host or host == own or host.endswith("." + own):
        return False
    return not any(host == suffix.lstrip(".") or host.endswith(suffix) for suffix in suffixes)


def judge_hidden_links(links: Sequence[HiddenLink], site_url: str) -> list[HiddenLink]:
    """The hidden links that lead off the government's domains (hidden internal links are layout, not 暗链)."""
    return [link for link in links if off_domain(link.href, site_url)]


def describe(links: Sequence[HiddenLink]) -> str:
    """The coverage note: how many, and each link with how it is hidden."""
    if not links:
        return "首页未发现指向政府域名以外的隐藏链接"
    shown = "；".join(f"{link.text or '（无文字）'} → {link.href}（{link.reason}）" for link in links[:10])
    return f"首页发现疑似暗链{len(links)}个（隐藏且指向政府域名以外）：{shown}"


def finding_detail(link: HiddenLink) -> str:
    """What a finding says about one hidden link: where it goes, how it hides, and its markup."""
    return (f"首页有访问者看不见的链接“{link.text or '（无文字）'}”指向政府域名以外的 {link.href}"
            f"（隐藏方式：{link.reason}）。源代码：{link.html}")


PROBE = "首页隐藏链接"
"""The one probe of this family: the home page's links, read for hidden ones."""


@dataclass
class HiddenLinksObservation(Observation):
    """The home page's hidden links (every one, internal or not), the site they are judged against, and the
    address of the page they were read on."""

    links: list[HiddenLink] = field(default_factory=list)
    site_url: str = ""
    page_url: str = ""

    def merged(self, again: Observation) -> None:
        """Take a re-test's probe and, when it read the page, what it read."""
        super().merged(again)
        probe = again.probe(PROBE)
        if isinstance(again, HiddenLinksObservation) and probe is not None and probe.judgeable:
            self.links, self.page_url, self.seen_at = again.links, again.page_url, again.seen_at


class HiddenLinksCheck(ObservingFamily[HiddenLinksObservation]):
    """Looks for 暗链 on the home page and records them with evidence (no catalogue id to score them yet)."""

    name = "hidden_links"
    label = "排查暗链"
    indicators: tuple[str, ...] = ()

    async def observe(self, context: SiteContext) -> HiddenLinksObservation:
        """Read the home page's links for hidden ones (a home page that does not open is a failed look)."""
        return await self._look(context, reopen=False)

    async def observe_again(self, context: SiteContext, earlier: HiddenLinksObservation) -> Observation:
        """Open the home page afresh and read it again."""
        return await self._look(context, reopen=True)

    async def _look(self, context: SiteContext, *, reopen: bool) -> HiddenLinksObservation:
        home_url = context.require_home().url
        observation = HiddenLinksObservation(site_url=context.site.url, page_url=home_url)
        if reopen or context.page.url != home_url:
            visit, _snapshot = await context.visit(home_url, "首页")
            if not visit.ok:
                reason = load_failure_reason(visit, context.settings.page_timeout_seconds)
                observation.probes = [failed(PROBE, reason, url=home_url, at=visit.at)]
                return observation
        at = now()
        try:
            raw = await context.page.evaluate(_SCRIPT)
        except PlaywrightError as error:
            LOG.warning("读取首页链接出错：%s", home_url, exc_info=True)
            observation.probes = [failed(PROBE, f"读取首页链接出错（{type(error).__name__}）", url=home_url, at=at)]
            return observation
        observation.page_url = context.page.url
        observation.links = [HiddenLink(**item) for item in raw]
        observation.seen_at = at
        observation.probes = [seen(PROBE, len(observation.links), url=observation.page_url, at=at)]
        return observation

    def judge(self, observation: HiddenLinksObservation, rules: RuleSet, as_of: date,
              seen_at: datetime) -> list[Finding]:
        """Findings under the suite's rule for the off-domain hidden links, when the suite names one; pure."""
        probe = observation.probe(PROBE)
        rule = rules.hidden_links
        if probe is None or not probe.judgeable or not rule.indicator:
            return []
        when = probe.attempts[-1] if probe.attempts else seen_at
        return [make_finding(rule.indicator, Severity(rule.severity), finding_detail(link), url=observation.page_url,
                             target=link.href, seen_at=when, title="疑似暗链")
                for link in judge_hidden_links(observation.links, observation.site_url)]

    async def photograph(self, context: SiteContext, observation: HiddenLinksObservation,
                         findings: list[Finding]) -> list[Finding]:
        """Box each reported hidden link on the home page (still open from the look); without a rule to report
        them under, box the first three on the check's record."""
        probe = observation.probe(PROBE)
        off = judge_hidden_links(observation.links, observation.site_url)
        if probe is None or not probe.judgeable or not off:
            return findings
        if findings:  # one per off-domain hidden link, in the same order
            return [finding.model_copy(update={"evidence": await context.evidence().capture(link.anchor)})
                    for finding, link in zip(findings, off, strict=True)]
        shots: list[Evidence] = []
        for link in off[:3]:
            shots += await context.evidence().capture(link.anchor)
        context.outcome.journey_evidence[self.name] = shots
        return findings

    def note(self, observation: HiddenLinksObservation) -> str:
        """How many hidden off-domain links the home page showed, each with how it hides (none when unread)."""
        probe = observation.probe(PROBE)
        if probe is None or not probe.judgeable:
            return ""
        return describe(judge_hidden_links(observation.links, observation.site_url))
