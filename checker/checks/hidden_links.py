"""暗链: links hidden from visitors that lead off the government's domains, as planted on hacked sites.

They are reported as ``security.hidden_link`` (a veto by default; ``rules.hidden_links: {indicator: …,
severity: …}`` changes either), each with evidence: the boxed element, its computed style and its target.

Hidden navigation is not 暗链. A link counts only when no visitor action reveals it (no menu, tab or
carousel whose siblings show, no :hover/:focus rule, no script or control of the page that opens it) and
it either carries text unrelated to government services (gambling, loans, SEO …) or comes in a cluster.
A hidden off-domain link that is neither is only noted on the check.
"""

from __future__ import annotations

import re
from collections import Counter
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
SPAM = re.compile(
    r"博彩|赌|彩票|时时彩|六合彩|百家乐|棋牌|娱乐城|真人|老虎机|澳门|威尼斯人|葡京|皇冠|体育投注|下注|网贷|贷款|借贷|套现|"
    r"代孕|发票|办证|成人|色情|情色|药品|药房|伟哥|壮阳|减肥|丰胸|私服|外挂|游戏|手游|seo|快排|排名优化|网站优化|"
    r"蜘蛛池|外链|casino|\bbet|poker|slot|porn|sex|viagra|loan|pills|game",
    re.IGNORECASE,
)
"""Text or addresses unrelated to government services, as planted by those who sell 暗链."""
CLUSTER = 3
"""Hidden off-domain links no visitor can reveal, from this many in one container, are a cluster (暗链 even
without tell-tale text)."""


@dataclass(frozen=True)
class HiddenLink:
    """A link a visitor cannot see: where it goes, its text, and how it is hidden."""

    href: str
    text: str
    reason: str
    html: str
    anchor: str
    style: str = ""
    revealed: str = ""
    """How a visitor reveals it (a menu, a hover, the page's script …); empty when nothing would."""


def off_domain(href: str, site_url: str, suffixes: Sequence[str] = GOVERNMENT_SUFFIXES) -> bool:
    """Whether a link leaves both the site's own host and the government's domains."""
    host = (urlsplit(href).hostname or "").lower()
    own = (urlsplit(site_url).hostname or "").lower()
    if not host or host == own or host.endswith("." + own):
        return False
    return not any(host == suffix.lstrip(".") or host.endswith(suffix) for suffix in suffixes)


def spam_like(link: HiddenLink) -> bool:
    """Whether a link's text or address is unrelated to government services (gambling, loans, SEO …)."""
    return bool(SPAM.search(link.text) or SPAM.search(urlsplit(link.href).hostname or ""))


def off_domain_hidden(links: Sequence[HiddenLink], site_url: str) -> list[HiddenLink]:
    """The hidden links that lead off the government's domains (hidden internal links are layout)."""
    return [link for link in links if off_domain(link.href, site_url)]


def judge_hidden_links(links: Sequence[HiddenLink], site_url: str) -> list[HiddenLink]:
    """The 暗链 among a page's hidden links (pure): off-domain, not revealable by any visitor action, and with
    text unrelated to government services or in a cluster of at least :data:`CLUSTER` such links in one
    container."""
    unrevealable = [link for link in off_domain_hidden(links, site_url) if not link.revealed]
    per_container = Counter(link.anchor for link in unrevealable)
    return [link for link in unrevealable if spam_like(link) or per_container[link.anchor] >= CLUSTER]


_NOT_DARK = "文字与政务相关、未成批出现"


def describe(links: Sequence[HiddenLink], site_url: str) -> str:
    """The coverage note: the 暗链 with how each hides, then the hidden off-domain links not counted and why."""
    dark = judge_hidden_links(links, site_url)
    others = [link for link in off_domain_hidden(links, site_url) if link not in dark]
    parts = []
    if dark:
        shown = "；".join(f"{link.text or '（无文字）'} → {link.href}（{link.reason}）" for link in dark[:10])
        parts.append(f"首页发现疑似暗链{len(dark)}个（隐藏、访问者无法展开且指向政府域名以外）：{shown}")
    else:
        parts.append("首页未发现暗链")
    if others:
        shown = "；".join(f"{link.text or '（无文字）'} → {link.href}（{link.revealed or _NOT_DARK}）"
                         for link in others[:10])
        parts.append(f"另有{len(others)}个隐藏的站外链接不计为暗链：{shown}")
    return "；".join(parts)


def finding_detail(link: HiddenLink) -> str:
    """What a finding says about one 暗链: where it goes, how it hides, its computed style and its markup."""
    style = f"计算样式：{link.style}。" if link.style else ""
    return (f"首页有访问者看不见、也无法通过悬停或点击展开的链接“{link.text or '（无文字）'}”，"
            f"指向政府域名以外的 {link.href}（隐藏方式：{link.reason}）。{style}源代码：{link.html}")


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
    """Looks for 暗链 on the home page and reports them (``security.hidden_link`` by default) with evidence."""

    name = "hidden_links"
    label = "排查暗链"
    indicators: tuple[str, ...] = ("security.hidden_link",)

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
        """Findings under the suite's rule (``security.hidden_link`` unless it names another) for the 暗链; pure."""
        probe = observation.probe(PROBE)
        rule = rules.hidden_links
        if probe is None or not probe.judgeable or not rule.indicator or not rules.enabled(rule.indicator):
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
        """The 暗链 on the home page, each with how it hides, and the hidden links not counted (none when unread)."""
        probe = observation.probe(PROBE)
        if probe is None or not probe.judgeable:
            return ""
        return describe(observation.links, observation.site_url)
