"""Judging links (链接不可用): which checked links are findings, at which rate, and in what words.

Pure functions of the link report and the rule set; one finding per failing URL, placed on the home page
when the home page shows it (deducted at the home rate) and otherwise on the first page that shows it.

Each checked URL is a probe (:func:`link_probe`). A link seen broken (404/410 and other definite 4xx, a
redirect loop, a name that did not resolve at any look, a missing in-page anchor) is ``seen`` and a
finding. A link whose every look failed for the moment — timed out, reset, refused, or answered only
"not now" (408/425/429, 502/503/504 and the CDN's 52x) — is ``failed``: 未能核查 with its reason and the
times of its looks, never 链接不可用, since an overloaded server or a flaky proxy answers so for a page
that works. A link that answered another server error (500, 501, 505 …) at its last look, after looks
spread over the re-test policy, is the server's steady answer for that URL: ``seen``, and reported as
疑似 when ``rules.links.report_suspect`` says so (as the indicator reads: 5xx re-tried before reporting).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from checker.findings import make_finding
from checker.links.model import FAILING, KIND_NAMES, STATUS_NAMES, FoundLink, LinkResult, LinkStatus
from checker.observation import Probe, ProbeStatus, attempts_text
from checker.results import Evidence, Finding, Severity
from checker.rules import LinkRules

NOT_NOW_STATUSES = frozenset({408, 425, 429, 502, 503, 504, 520, 521, 522, 523, 524})
"""Answers that say "not now" (overloaded, a gateway without its backend, too many requests): a link that
answered only these at every look was not seen broken."""


def still_failing(result: LinkResult) -> bool:
    """Whether a URL's check is a failed look, not an answer: its every look timed out, was reset or
    refused, erred in the checker, or answered a "not now" status (see :data:`NOT_NOW_STATUSES`)."""
    if result.status is LinkStatus.TIMEOUT:
        return True
    if result.status is LinkStatus.SUSPECT:
        return result.http_status is None or result.http_status in NOT_NOW_STATUSES
    return False


def probe_key(url: str, places: Sequence[FoundLink]) -> str:
    """How coverage names a link: its kind and text where it is shown, and its address."""
    if not places:
        return f"链接 {url}"
    place = sorted(places, key=lambda link: (not link.on_home, link.parent_url))[0]
    return f"{KIND_NAMES[place.kind]}“{place.text or '（无文字）'}”（{url}）"


def link_probe(result: LinkResult, places: Sequence[FoundLink], looks: Sequence[datetime] = ()) -> Probe[LinkResult]:
    """A checked URL as a probe: ``failed`` when every look failed for the moment, else ``seen`` (its value is
    the result, ok or not); ``looks`` are the times of the checker's looks."""
    key = probe_key(result.url, places)
    if still_failing(result):
        return Probe(key, ProbeStatus.FAILED, result, _why(result), result.url, tuple(looks))
    return Probe(key, ProbeStatus.SEEN, result, "", result.url, tuple(looks))


def unread_page_probe(url: str, reason: str, at: datetime | None = None) -> Probe[None]:
    """A page whose links could not be read because it did not open (coverage, never a finding)."""
    return Probe(f"页面 {url} 中的链接", ProbeStatus.FAILED, None, reason, url, (at,) if at else ())


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
                 seen_at: datetime | None = None, looks: Sequence[datetime] = ()) -> Finding:
    """The finding for one failing link: its kind and text, where it appears, the status and redirects, and,
    when it rests on repeated looks, how many were made and when."""
    place = link.shown
    kind = KIND_NAMES[place.kind]
    text = place.text or "（无文字）"
    suspect = link.result.status is not LinkStatus.BROKEN
    detail = (f"{_where(link)}的{kind}“{text}”（{link.result.url}）"
              f"{'疑似不可用，重试后仍失败' if suspect else '无法访问'}：{_why(link.result)}")
    if len(looks) > 1:
        detail += "；" + attempts_text(Probe("", ProbeStatus.SEEN, attempts=tuple(looks)))
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


def seen_failing(probes: Sequence[Probe], occurrences: Mapping[str, Sequence[FoundLink]],
                 rules: LinkRules) -> list[tuple[FailingLink, Probe]]:
    """The links seen failing (``seen`` probes whose result is broken or, by the rules, suspect), each with
    its probe, in the order of :func:`failing_links`. Pure."""
    seen_links = {probe.url: probe for probe in probes if probe.judgeable and isinstance(probe.value, LinkResult)}
    results = {url: probe.value for url, probe in seen_links.items()}
    return [(link, seen_links[link.result.url]) for link in failing_links(results, occurrences, rules)]


def judge_links(probes: Sequence[Probe], occurrences: Mapping[str, Sequence[FoundLink]], rules: LinkRules,
                seen_at: datetime) -> list[Finding]:
    """The link findings an observation shows, one per link seen failing (:func:`seen_failing`, same order),
    each with its probe's evidence and looks; a failed look never makes one. Pure."""
    return [link_finding(link, rules, list(probe.evidence), probe.attempts[-1] if probe.attempts else seen_at,
                         probe.attempts)
            for link, probe in seen_failing(probes, occurrences, rules)]
