"""网站标识缺失: every visited page's footer must show the four identifiers.

Read from the site map (the walk re-tests a page whose load failed): a page not read, or read without one
of its frames, scripts or data requests (a footer mark is often a script's), cannot be said to lack a mark:
it is coverage (未能核查), never a finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from checker.checks.findings import make_finding
from checker.checks.site_map import unread_probes, visit_for_evidence
from checker.context import SiteContext
from checker.family import ObservingFamily
from checker.footer import FooterImage, read_footer
from checker.observation import Observation, ProbeStatus, seen
from checker.observe import PageSnapshot
from checker.results import Evidence, Finding, Severity
from checker.rules import RuleSet
from checker.sitemap.model import LinkKind, PageRole, SitePage

IDENTIFIER_NAMES = ("网站标识码", "ICP备案编号", "公安机关备案标识", "党政机关网站标识")


@dataclass(frozen=True)
class FooterPage:
    """One visited page's footer: which identifiers it lacks, and the evidence of that footer."""

    url: str
    label: str
    missing: tuple[str, ...]
    seen_at: datetime | None = None
    evidence: list[Evidence] = field(default_factory=list)


def footer_missing(snapshot: PageSnapshot) -> tuple[str, ...]:
    """The identifiers a page's footer lacks (all four when no footer region was found)."""
    if snapshot.footer is None:
        return IDENTIFIER_NAMES
    images = [FooterImage(i.src, i.alt, i.title, i.link) for i in snapshot.footer.images]
    return tuple(read_footer(snapshot.footer.text, images).missing())


def judge_footer(pages: Sequence[FooterPage]) -> list[Finding]:
    """One finding per identifier missing on any visited page, naming the pages that lack it."""
    findings = []
    for name in IDENTIFIER_NAMES:
        lacking = [page for page in pages if name in page.missing]
        if not lacking:
            continue
        first = lacking[0]
        shown = "、".join(page.label for page in lacking[:5]) + ("等" if len(lacking) > 5 else "")
        detail = (
            f"已访问的{len(pages)}个页面中有{len(lacking)}个页脚未显示{name}（{shown}）。"
            "规则：每个页面的页脚应显示网站标识码、ICP备案编号、公安机关备案标识和党政机关网站标识。"
        )
        findings.append(
            make_finding(
                "footer.identifier_missing", Severity.DEDUCTION, detail, url=first.url, target=name,
                seen_at=first.seen_at, evidence=first.evidence, title=f"页脚缺少{name}",
            )
        )
    return findings


@dataclass
class FooterObservation(Observation):
    """Every website page's footer: a ``seen`` probe of a :class:`FooterPage` per page read whole (or read in
    part with all four marks shown), a ``failed`` probe per page not read whole (coverage: a footer whose
    marks a failed script would have written cannot be said to lack them)."""


def _website_unread(page: SitePage) -> bool:
    """A page of the website the walk could not read (new-media account pages are not the website's)."""
    return page.unverified and not page.ok and page.role is not PageRole.NEWMEDIA and page.via is not LinkKind.NEWMEDIA


class FooterCheck(ObservingFamily[FooterObservation]):
    """网站标识缺失 over every website page of the site map (new-media account pages and other sites' pages are
    not pages of the website, and are not judged)."""

    retests = False  # the walk re-tested every page it could not read whole
    name = "footer"
    label = "核对页脚标识"
    indicators = ("footer.identifier_missing",)

    async def observe(self, context: SiteContext) -> FooterObservation:
        """Read each mapped page's footer; photograph the first page lacking each identifier; the pages not
        read whole are failed probes."""
        site_map = context.require_map()
        pages, partial = [], []
        for page in site_map.website_pages():
            assert page.snapshot is not None
            footer = FooterPage(page.final_url or page.url, page.name or page.url, footer_missing(page.snapshot),
                                page.seen_at)
            if page.complete or not footer.missing:
                pages.append(footer)
            else:
                partial.append(page)
        pages = await self._evidence(context, pages)
        probes = [seen(page.url, page, url=page.url, at=page.seen_at) for page in pages]
        probes += unread_probes(page for page in site_map.pages.values() if _website_unread(page))
        probes += unread_probes(partial, "页脚标识")
        return FooterObservation(probes, max((page.seen_at for page in pages if page.seen_at), default=None))

    def judge(self, observation: FooterObservation, rules: RuleSet, as_of: date, seen_at: datetime
              ) -> list[Finding]:
        """One finding per identifier missing on any page whose footer was read (pure)."""
        return judge_footer([probe.value for probe in observation.probes if probe.status is ProbeStatus.SEEN])

    def note(self, observation: FooterObservation) -> str:
        """How many website pages' footers were read."""
        return f"检查网站页面{sum(1 for p in observation.probes if p.status is ProbeStatus.SEEN)}个的页脚"

    async def _evidence(self, context: SiteContext, pages: list[FooterPage]) -> list[FooterPage]:
        """The first page lacking each identifier gets a screenshot of its footer (opened again for it, and
        once more after a failed load)."""
        shot: dict[str, list[Evidence]] = {}
        out = []
        for page in pages:
            if page.missing and not any(name in shot for name in page.missing) and page.url not in shot:
                snapshot = await visit_for_evidence(context, page.url, page.label)
                anchor = snapshot.footer.anchor if snapshot is not None and snapshot.footer else ""
                evidence = await context.evidence().capture(anchor) if snapshot is not None else []
                shot[page.url] = evidence
                for name in page.missing:
                    shot.setdefault(name, evidence)
            out.append(FooterPage(page.url, page.label, page.missing, page.seen_at, shot.get(page.url, [])))
        return out
