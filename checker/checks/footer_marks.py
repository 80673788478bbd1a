"""网站标识缺失: every visited page's footer must show the four identifiers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from checker.checks.findings import make_finding
from checker.footer import FooterImage, read_footer
from checker.observe import PageSnapshot
from checker.results import Evidence, Finding, Severity

if TYPE_CHECKING:
    from checker.context import SiteContext

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


class FooterCheck:
    """网站标识缺失 over every website page of the site map (new-media account pages and other sites' pages are
    not pages of the website, and are not judged)."""

    name = "footer"
    label = "核对页脚标识"
    indicators = ("footer.identifier_missing",)

    async def run(self, context: SiteContext) -> str:
        """Read each mapped page's footer; photograph the first page lacking each identifier."""
        site_map = context.require_map()
        pages = [
            FooterPage(page.final_url or page.url, page.name or page.url, footer_missing(page.snapshot), page.seen_at)
            for page in site_map.website_pages() if page.snapshot is not None
        ]
        pages = await self._evidence(context, pages)
        context.add(judge_footer(pages))
        return f"检查网站页面{len(pages)}个的页脚"

    async def _evidence(self, context: SiteContext, pages: list[FooterPage]) -> list[FooterPage]:
        """The first page lacking each identifier gets a screenshot of its footer (opened again for it)."""
        shot: dict[str, list[Evidence]] = {}
        out = []
        for page in pages:
            if page.missing and not any(name in shot for name in page.missing) and page.url not in shot:
                _, snapshot = await context.visit(page.url, page.label)
                anchor = snapshot.footer.anchor if snapshot is not None and snapshot.footer else ""
                evidence = await context.evidence().capture(anchor) if snapshot is not None else []
                shot[page.url] = evidence
                for name in page.missing:
                    shot.setdefault(name, evidence)
            out.append(FooterPage(page.url, page.label, page.missing, page.seen_at, shot.get(page.url, [])))
        return out
