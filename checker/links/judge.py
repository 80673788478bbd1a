"""Judging links (链接不可用): which checked links are findings, at which rate, and in what words.

Pure functions of the link report and the rule set; one finding per failing URL, placed on the home page
when the home page shows it (deducted at the home rate) and otherwise on the first page that shows it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from checker.findings import make_finding
from checker.links.model import FAILING, KIND_NAMES, STATUS_NAMES, FoundLink, LinkResult, LinkStatus
from checker.results import Evidence, Finding, Severity
from checker.rules import LinkRules


@dataclass(frozen=True)
class FailingLink:
    """A URL that failed its check, with every place it appears (home page first)."""

    result: LinkResult
    occurrences: tuple[FoundLink, ...]

    @property
    def shown(self) -> FoundLink:
        """The occurrence the finding points at: the home page's if any, else the first."""
        return self.occurrences[0]

    @property
    def on_home(self) -> bool:
        """Whether the home page shows this link (deducted at the home rate)."""
        return self.shown.on_home


def failing_links(results: Mapping[str, LinkResult], occurrences: Mapping[str, Sequence[FoundLink]],
                  rules: LinkRules) -> list[FailingLink]:
    """The links to report, home-page links first; each shown on the home page, else on the first parent
    page by address (the crawl's order varies with timing, the report must not)."""
    counted = FAILING if rules.report_suspect else frozenset({LinkStatus.BROKEN})
    failing = []
    for url, places in occurrences.items():
        result = results.get(url)
        if result is None or result.status not in counted or not places:
            continue
        ordered = tuple(sorted(places, key=lambda link: (not link.on_home, link.parent_url)))
        failing.append(FailingLink(result, ordered))
    return sorted(failing, key=lambda link: not link.on_home)


def _where(link: FailingLink) -> str:
    pages = list(dict.fromkeys(place.parent_url for place in link.occurrences))
    where = "首页" if link.on_home else f"页面 {pages[0]} "
    if len(pages) > 1:
        where = where.rstrip() + f"等{len(pages)}个页面"
    return where + "上"


def _why(result: LinkResult) -> str:
    reason = result.reason or (f"HTTP {result.http_status}" if result.http_status else STATUS_NAMES[result.status])
    if result.redirects:
        reason += "；重定向：" + " → ".join(result.redirects)
    if result.note:
        reason += f"；{result.note}"
    return reason


def link_finding(link: FailingLink, rules: LinkRules, evidence: list[Evidence] | None = None,
                 seen_at: datetime | None = None) -> Finding:
    """The finding for one failing link: its kind and text, where it appears, the status and redirects."""
    place = link.shown
    kind = KIND_NAMES[place.kind]
    text = place.text or "（无文字）"
    suspect = link.result.status is not LinkStatus.BROKEN
    detail = (f"{_where(link)}的{kind}“{text}”（{link.result.url}）"
              f"{'疑似不可用，重试后仍失败' if suspect else '无法访问'}：{_why(link.result)}")
    finding = make_finding(
        "link.broken", Severity.DEDUCTION, detail, url=place.parent_url, target=f"{kind}“{text}”",
        seen_at=seen_at, evidence=evidence, title="链接不可用（疑似）" if suspect else None,
    )
    finding.points = rules.home_points if link.on_home else rules.other_points
    return finding


def summarize(results: Mapping[str, LinkResult], pages: int, failing: int) -> str:
    """The coverage note: pages crawled, unique links and their statuses."""
    counts = Counter(result.status for result in results.values())
    parts = [f"{STATUS_NAMES[status]}{counts[status]}" for status in LinkStatus if counts[status]]
    return f"抓取{pages}个页面，检查链接{len(results)}个（{'，'.join(parts) or '无'}），计入问题{failing}个"
