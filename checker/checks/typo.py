"""错别字/严重表述错误: the typo lexicon matched on the text of the pages the run reads.

The pages are those the run opened (home, columns, directories, files) and the articles of every
column read (the window's and a sample before it, as for policy files), fetched without rendering.
A hit is photographed with the word itself boxed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from checker.checks.findings import make_finding
from checker.checks.policy_judge import Evidenced
from checker.checks.publishing import window_of
from checker.checks.publishing_io import fetcher, sample_items, with_evidence
from checker.context import SiteContext
from checker.discover import in_scope, normalise_url
from checker.lexicon import TypoEntry, find_typos, lexicon
from checker.results import Severity
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

    def _targets(self, context: SiteContext) -> dict[str, str]:
        """URL → name: pages the run opened, then the sampled articles of every column read."""
        since, _ = window_of(context)
        targets = {normalise_url(page.url): page.label for page in context.footer_pages}
        for items in context.column_items.values():
            for item in sample_items(items, since, context.settings.max_detail_pages_per_column):
                if in_scope(item.href, context.scope):
                    targets[normalise_url(item.href)] = item.title
        return targets

    async def run(self, context: SiteContext) -> str:
        """Fetch the pages (cached ones are not fetched again), match the lexicon, box each hit."""
        targets = self._targets(context)
        fetched = await fetcher(context).fetch(targets)
        pages = [
            ReadPage(url, got.page.heading if name in ("首页", "") else name, got.page.text)
            for url, got in fetched.items() if got.page is not None
            for name in [targets[url]]
        ]
        entries = lexicon(self._extra + context.typos)
        findings = await with_evidence(context, judge_typos(pages, entries), "错别字", wrap=True)
        context.add(findings)
        failed = len(fetched) - len(pages)
        note = f"检查页面{len(pages)}个，词表{len(entries)}条，发现{len(findings)}处"
        return note + (f"；{failed}个页面无法读取" if failed else "")
