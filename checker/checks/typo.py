"""错别字/严重表述错误: the typo lexicon matched on the text of every website page the site map read.

That is every page the walk opened (home, hubs, columns, articles at any depth), read once (the walk
re-tests a page whose load failed); new-media account pages are not the website's and are left out. A hit is
photographed with the word itself boxed.

Observation: one ``seen`` probe per website page read (its text, keyed by its address); a page the walk
could not read after its re-tests is a ``failed`` probe (coverage: 未能核查), as is the part of a page that
did not load (a list whose data request failed): the words that were read are still matched, since a typo
seen is a typo, but what did not load is not said to be free of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from checker.checks.findings import make_finding
from checker.checks.policy_judge import Evidenced
from checker.checks.publishing_io import tag_text
from checker.checks.site_map import unread_probes, visit_for_evidence
from checker.context import SiteContext
from checker.family import ObservingFamily
from checker.lexicon import TypoEntry, find_typos, lexicon
from checker.observation import Observation, ProbeStatus, seen
from checker.results import Evidence, Finding, Severity
from checker.rules import RuleSet
from checker.sitemap.model import LinkKind, PageRole, SitePage


@dataclass(frozen=True)
class ReadPage:
    """A page's visible text and the name a finding gives it (its list title, else its heading)."""

    url: str
    name: str
    text: str
    seen_at: datetime | None = None


def judge_typos(pages: Sequence[ReadPage], entries: tuple[TypoEntry, ...],
                seen_at: datetime | None = None) -> list[Evidenced]:
    """One finding per wrong form per page, with the sentence around its first occurrence (pure: the
    finding's time is the page's read, else ``seen_at``)."""
    out = []
    for page in pages:
        found: set[str] = set()
        for hit in find_typos(page.text, entries):
            if hit.entry.wrong in found:
                continue
            found.add(hit.entry.wrong)
            kind = "严重表述错误" if hit.entry.serious else "错别字"
            detail = (
                f"页面“{page.name}”中出现{kind}“{hit.entry.wrong}”，应为“{hit.entry.right}”。"
                f"原文：“{hit.sentence}”。"
            )
            severity = Severity.VETO if hit.entry.serious else Severity.DEDUCTION
            finding = make_finding("content.typo", severity, detail, url=page.url, target=page.name,
                                   seen_at=page.seen_at or seen_at)
            out.append(Evidenced(finding, page.url, hit.entry.wrong))
    return out


@dataclass
class TypoObservation(Observation):
    """The text of every website page read (``seen`` probes of :class:`ReadPage`), the pages not read whole
    (``failed``), the lexicon used and the screenshots taken of each hit (by page address and wrong form)."""

    entries: tuple[TypoEntry, ...] = ()
    evidence: dict[tuple[str, str], list[Evidence]] = field(default_factory=dict)
    hits: int = 0
    articles: int = 0


def _read(page: SitePage) -> ReadPage:
    name = page.name or (page.parsed.heading if page.parsed else "")
    return ReadPage(page.final_url or page.url, name, page.parsed.text if page.parsed else "", page.seen_at)


def _website_unread(page: SitePage) -> bool:
    """A page of the website the walk could not read whole (new-media account pages are not the website's)."""
    return page.unverified and page.role is not PageRole.NEWMEDIA and page.via is not LinkKind.NEWMEDIA


class TypoCheck(ObservingFamily[TypoObservation]):
    """错别字: the built-in lexicon and the suite's additions on every page the run read."""

    retests = False  # the walk re-tested every page it could not read whole
    name = "typo"
    label = "检查错别字"
    indicators = ("content.typo",)

    def __init__(self, extra: Sequence[TypoEntry] = ()) -> None:
        self._extra = tuple(extra)

    async def observe(self, context: SiteContext) -> TypoObservation:
        """Take the text of every website page the walk read (no page is fetched again) and photograph each
        hit on its page; the pages not read whole are failed probes."""
        site_map = context.require_map()
        entries = lexicon(self._extra + context.typos)
        read = [page for page in site_map.website_pages() if page.parsed is not None]
        probes = [seen(page.url, _read(page), url=page.final_url or page.url, at=page.seen_at) for page in read]
        probes += unread_probes(page for page in site_map.pages.values() if _website_unread(page) and not page.ok)
        probes += unread_probes((page for page in read if not page.complete), "未加载部分的错别字", "未加载部分")
        hits = judge_typos([_read(page) for page in read], entries)
        return TypoObservation(probes, max((p.seen_at for p in read if p.seen_at), default=None), entries,
                               await self._photograph(context, hits), len(hits),
                               sum(1 for page in read if page.role is PageRole.ARTICLE))

    async def _photograph(self, context: SiteContext, hits: Sequence[Evidenced]) -> dict[tuple[str, str],
                                                                                          list[Evidence]]:
        """Open each page with a hit once (again after a failed load) and box each wrong word on it."""
        by_url: dict[str, list[Evidenced]] = {}
        for hit in hits:
            by_url.setdefault(hit.url, []).append(hit)
        shots: dict[tuple[str, str], list[Evidence]] = {}
        for url, items in by_url.items():
            snapshot = await visit_for_evidence(context, url, "错别字")
            if snapshot is None:
                continue
            evidence = context.evidence()
            for item in items:
                anchor = await tag_text(context.page, item.needle, True) or snapshot.main_anchor
                shots[(url, item.needle)] = await evidence.capture(anchor)
        return shots

    def judge(self, observation: TypoObservation, rules: RuleSet, as_of: date, seen_at: datetime) -> list[Finding]:
        """One finding per wrong form per page read (pure: the text and screenshots are the observation's)."""
        pages = [probe.value for probe in observation.probes if probe.status is ProbeStatus.SEEN]
        return [item.finding.model_copy(update={"evidence": observation.evidence.get((item.url, item.needle), [])})
                for item in judge_typos(pages, observation.entries, seen_at)]

    def note(self, observation: TypoObservation) -> str:
        """Pages checked (articles among them), the lexicon's size and the hits."""
        pages = sum(1 for probe in observation.probes if probe.status is ProbeStatus.SEEN)
        return (f"检查页面{pages}个（其中文章{observation.articles}篇），词表{len(observation.entries)}条，"
                f"发现{observation.hits}处")
