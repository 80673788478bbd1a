"""暗链: links hidden from visitors that lead off the government's domains, as planted on hacked sites.

INDICATORS.md has no indicator id for 暗链, so by default what this family finds is recorded on the
check with evidence (visible in the report's coverage) rather than scored; a suite that names a rule
(``rules.hidden_links: {indicator: …, severity: …}``) gets them as findings under it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from urllib.parse import urlsplit

from checker.checks.findings import make_finding
from checker.context import SiteContext
from checker.results import Severity
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


class HiddenLinksCheck:
    """Looks for 暗链 on the home page and records them with evidence (no catalogue id to score them yet)."""

    name = "hidden_links"
    label = "排查暗链"
    indicators: tuple[str, ...] = ()

    async def run(self, context: SiteContext) -> str:
        """Scan the home page's links for hidden ones leading off the government's domains."""
        context.require_home()
        if context.page.url != context.home.url:
            await context.visit(context.home.url, "首页")
        raw = await context.page.evaluate(_SCRIPT)
        links = judge_hidden_links([HiddenLink(**item) for item in raw], context.site.url)
        rule = context.rules.hidden_links
        if rule.indicator:
            context.add([
                make_finding(rule.indicator, Severity(rule.severity), finding_detail(link), url=context.page.url,
                             target=link.href, seen_at=now(), evidence=await context.evidence().capture(link.anchor),
                             title="疑似暗链")
                for link in links
            ])
        elif links:
            evidence = []
            for link in links[:3]:
                evidence += await context.evidence().capture(link.anchor)
            context.outcome.journey_evidence[self.name] = evidence
        return describe(links)
