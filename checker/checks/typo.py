"""错别字/严重表述错误: the typo lexicon matched on the text of every website page the site map read.

That is every page the walk opened (home, hubs, columns, articles at any depth), read once; new-media
account pages are not the website's and are left out. A hit is photographed with the word itself boxed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from checker.checks.findings import make_finding
from checker.checks.policy_judge import Evidenced
from checker.checks.publishing_io import with_evidence
from checker.context import SiteContext
from checker.lexicon import TypoEntry, find_typos, lexicon
from checker.results import Severity
from checker.sitemap.model import PageRole
from checker.visit import now


@dataclass(frozen=True)
class ReadPage:
    """A page's visible text and the name a finding gives it (its list title, else its heading)."""

    url: str
    name: str
    text: str


def judge_typos(pages: Sequence[ReadPage], entries: tuple[TypoEntry, ...]) -> list[Evidenced]:
    """One finding per wrong form per page, with the sentence around its first occurrence."""
    out = []
    for page in pages:
        seen: set[str] = set()
        for hit in find_typos(page.text, entries):
            if hit.entry.wrong in seen:
                continue
            seen.add(hit.entry.wrong)
            kind = "严重表述错误" if hit.entry.serious else "错别字"
            detail = (
                f"页面“{page.name}”中出现{kind}“{hit.entry.wrong}”，应为“{hit.entry.right}”。"
                f"原文：“{hit.sentence}”。"
            )
            severity = Severity.VETO if hit.entry.serious else Severity.DEDUCTION
            finding = make_finding("content.typo", severity, detail, url=page.url, target=page.name, seen_at=now())
            out.append(Evidenced(finding, page.url, hit.entry.wrong))
    return out


class TypoCheck:
    """错别字: the built-in lexicon and the suite's additions on every page the run read."""

    name = "typo"
    label = "检查错别字"
    indicators = ("content.typo",)

    def __init__(self, extra: Sequence[TypoEntry] = ()) -> None:
        self._extra = tuple(extra)

    async def run(self, context: SiteContext) -> str:
        """Match the lexicon on the text of every website page the walk read (no page is fetched again);
        box each hit on its page."""
        site_map = context.require_map()
        pages = [ReadPage(page.final_url or page.url, page.name or (page.parsed.heading if page.parsed else ""),
                          page.parsed.text)
                 for page in site_map.website_pages() if page.parsed is not None]
        entries = lexicon(self._extra + context.typos)
        findings = await with_evidence(context, judge_typos(pages, entries), "错别字", wrap=True)
        context.add(findings)
        articles = sum(1 for page in site_map.website_pages() if page.role is PageRole.ARTICLE)
        return f"检查页面{len(pages)}个（其中文章{articles}篇），词表{len(entries)}条，发现{len(findings)}处"
