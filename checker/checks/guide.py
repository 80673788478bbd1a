"""缺少政府信息公开指南 and 指南内容不符: find the guide under 政府信息公开 and judge what it holds.

The guide is reached like a citizen: a link whose text names it on the home page, in the navigation,
among the columns found under 政府信息公开, or on the 政府信息公开 pages themselves. Its page is read
without rendering and judged on the elements a guide has; the page is opened in the browser only to
photograph a finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime

from checker.checks.findings import make_finding
from checker.checks.publishing_io import fetch_failure, fetcher, refetch
from checker.context import SiteContext
from checker.discover import normalise_url
from checker.family import ObservingFamily
from checker.fetch import Fetched
from checker.htmlpage import ParsedPage
from checker.observation import Observation, Probe, absent, failed, seen, unverified_note
from checker.observe import tag_first
from checker.results import Finding, Severity
from checker.rules import RuleSet
from checker.sitemap.columns import find_pages
from checker.sitemap.model import PageRole, SiteMap, SitePage
from checker.sitemap.structure import column_list
from checker.visit import now

GUIDE_NAME = "政府信息公开指南"
_GUIDE_LINK = re.compile(r"信息公开指南|公开指南")
_DISCLOSURE = ("信息公开", "政务公开")
_ANY_DAY = date(2000, 1, 1)
"""Any day serves to find a list's entries: their dates are not judged here."""
# What a guide must tell an applicant: (what, words that show it).
GUIDE_ELEMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("受理机构或申请渠道", ("受理机构", "受理机关", "受理单位", "受理部门", "工作机构", "申请渠道", "受理渠道")),
    ("地址", ("地址", "地 址", "办公地点", "受理地点")),
    ("电话", ("电话", "联系方式")),
    ("办公时间", ("办公时间", "受理时间", "工作时间", "接待时间")),
    ("申请方式", ("申请方式", "提出申请", "申请途径", "申请的提出", "提交申请")),
    ("处理流程或答复时限", ("处理流程", "办理流程", "处理程序", "办理程序", "答复时限", "答复期限", "工作日内")),
)
NAV_SELECTORS = ("nav", ".nav", "#nav", ".menu", ".navbar", "header")


@dataclass(frozen=True)
class RuleVersion:
    """One version of the 政府信息公开条例: its order number, when it applied, and how a guide cites it."""

    name: str
    order: str
    in_force_from: date
    in_force_until: date | None
    cited_by: re.Pattern[str]

    def in_force(self, day: date) -> bool:
        """Whether this version was the law in force on ``day``."""
        return self.in_force_from <= day and (self.in_force_until is None or day <= self.in_force_until)

    def label(self) -> str:
        """The version as a reader names it: 国务院令第711号《…条例》（2019年5月15日起施行）."""
        until = f"，施行至{_day(self.in_force_until)}" if self.in_force_until else ""
        return f"{self.order}《{self.name}》（{_day(self.in_force_from)}起施行{until}）"


def _day(value: date | None) -> str:
    """A date as 2019年5月14日 ('' for none)."""
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


# The versions of the 条例 a guide is based on, oldest first (data, not logic: a later revision is one more
# entry). The 2008 条例 (国务院令第492号, promulgated 2007-04-05) applied from 2008-05-01; the revision
# (国务院令第711号, promulgated 2019-04-03) replaced it from 2019-05-15.
DISCLOSURE_RULES: tuple[RuleVersion, ...] = (
    RuleVersion("中华人民共和国政府信息公开条例", "国务院令第492号", date(2008, 5, 1), date(2019, 5, 14),
                re.compile(r"国务院令第\s*492\s*号|2007年4月5日|2008年5月1日起施行")),
    RuleVersion("中华人民共和国政府信息公开条例", "国务院令第711号", date(2019, 5, 15), None,
                re.compile(r"国务院令第\s*711\s*号|2019年4月3日|2019年5月15日|2019年修订")),
)


@dataclass(frozen=True)
class GuideSeen:
    """The guide page as read: its address, the link text that led there, and its text."""

    url: str
    link_text: str
    page: ParsedPage | None
    reason: str = ""
    seen_at: datetime | None = None


def missing_elements(text: str) -> list[str]:
    """The guide elements a text does not show."""
    compact = re.sub(r"\s+", "", text)
    return [name for name, words in GUIDE_ELEMENTS if not any(word.replace(" ", "") in compact for word in words)]


def rule_in_force(as_of: date, rules: tuple[RuleVersion, ...] = DISCLOSURE_RULES) -> RuleVersion | None:
    """The version of the 条例 in force on ``as_of`` (None before the first one applied)."""
    return next((rule for rule in rules if rule.in_force(as_of)), None)


def cited_rules(text: str, rules: tuple[RuleVersion, ...] = DISCLOSURE_RULES) -> tuple[RuleVersion, ...]:
    """The versions of the 条例 a text cites by order number, promulgation or commencement date."""
    return tuple(rule for rule in rules if rule.cited_by.search(text))


def outdated_rules(text: str, *, as_of: date,
                   rules: tuple[RuleVersion, ...] = DISCLOSURE_RULES) -> tuple[RuleVersion, ...]:
    """The cited versions no longer in force on ``as_of``, when the text does not cite the one in force.

    Empty when the text cites the version in force, cites none, or cites only versions still (or not yet)
    applying: before 2019-05-15 a guide citing 国务院令第492号 followed the law of its day.
    """
    cited = cited_rules(text, rules)
    current = rule_in_force(as_of, rules)
    if current is not None and current in cited:
        return ()
    return tuple(rule for rule in cited if rule.in_force_until is not None and rule.in_force_until < as_of)


def _outdated_problem(old: tuple[RuleVersion, ...], as_of: date) -> str:
    """How a guide based on a replaced 条例 is described (the rule sentence names the version in force)."""
    cited = "、".join(rule.label() for rule in old)
    return f"仍依据已不再施行的{cited}，未按监测时间点（{as_of.isoformat()}）施行的版本更新"


def judge_guide(seen: GuideSeen | None, *, where: str, url: str, seen_at: datetime | None,
                as_of: date) -> Finding | None:
    """缺少指南 when none was found; 指南内容不符 when the page holds something else, lacks elements or is
    based on a version of the 条例 no longer in force on ``as_of`` (pure: the clock is never read)."""
    if seen is None:
        detail = f"在{where}中未找到“{GUIDE_NAME}”。规则：政府信息公开栏目下应有政府信息公开指南。"
        return make_finding("guide.missing", Severity.DEDUCTION, detail, url=url, target=GUIDE_NAME, seen_at=seen_at)
    if seen.page is None:
        detail = f"“{seen.link_text}”链接（{seen.url}）无法打开（{seen.reason}），指南无法查阅。"
        return make_finding("guide.missing", Severity.DEDUCTION, detail, url=seen.url, target=seen.link_text,
                            seen_at=seen.seen_at)
    text = seen.page.text
    missing = missing_elements(text)
    problems = []
    if len(missing) == len(GUIDE_ELEMENTS) or "指南" not in seen.page.heading + text[:3000]:
        body = [line for line in seen.page.lines if line != seen.page.heading and len(line) > 6][:2]
        problems.append(f"内容不是公开指南（正文为“{' '.join(body)[:80]}”）")
    if missing:
        problems.append("缺少" + "、".join(missing))
    old = outdated_rules(text, as_of=as_of)
    if old:
        problems.append(_outdated_problem(old, as_of))
    if not problems:
        return None
    current = rule_in_force(as_of)
    basis = f"依据监测时间点施行的{current.label()}编制，并" if current else ""
    detail = (f"“{seen.link_text}”页面{'；'.join(problems)}。规则：指南应{basis}写明受理机构或申请渠道、地址、电话、"
              f"办公时间、申请方式和处理流程（答复时限）。")
    return make_finding("guide.mismatch", Severity.DEDUCTION, detail, url=seen.url, target=seen.link_text,
                        seen_at=seen.seen_at)


def _shows_whole_guide(page: ParsedPage) -> bool:
    """Whether a page read only in part still shows a whole guide (nothing a judge would call missing)."""
    return not missing_elements(page.text) and "指南" in page.heading + page.text[:3000]


def guide_page(site_map: SiteMap) -> tuple[str, str, SitePage | None] | None:
    """The guide as a citizen reaches it, as (link text, URL, the map's page when the walk opened it, read or
    not): a page named for it; when that page is a list (a 指南 column with entries), the entry a person would
    click (the one named 指南, else the first). A guide link the walk could not open is returned too."""
    words = ("政府信息公开指南", "信息公开指南", "公开指南")
    named = find_pages(site_map, words, max_name=20)
    if not named:
        unread = [p for p in site_map.failed() if p.path and any(w in p.path[-1] for w in words)]
        return (unread[0].path[-1], unread[0].url, unread[0]) if unread else None
    page = named[0]
    text = page.path[-1] if page.path else page.name
    if page.role is not PageRole.COLUMN or page.snapshot is None:
        return text, page.url, page
    if page.parsed is not None and len(missing_elements(page.parsed.text)) <= len(GUIDE_ELEMENTS) // 2:
        return text, page.url, page  # the page is the guide itself, whatever else it lists
    _, entries = column_list(page.snapshot, _ANY_DAY)
    if not entries:
        return text, page.url, page
    entry = next((e for e in entries if _GUIDE_LINK.search(e.title)), entries[0])
    return entry.title, entry.href, site_map.page(entry.href)


GUIDE_KEY = GUIDE_NAME


@dataclass
class GuideObservation(Observation):
    """The guide as a citizen reaches it (probe ``政府信息公开指南``, its value a :class:`GuideSeen`, None when no
    link to it was found), where it was looked for, and the page a missing guide is shown on."""

    found: tuple[str, str] | None = None
    """The link text and address of the guide, when a link to it was found."""
    where: str = ""
    evidence_url: str = ""
    sections: tuple[str, ...] = ()
    own_look: bool = False
    """Whether the family fetched the guide page itself (the walk had not read it): re-tested by fetching."""


def _guide_probe(text: str, got: Fetched, at: datetime, timeout: float) -> Probe:
    """The guide page as fetched: seen, a 4xx (a dead guide link: missing), or a failed look."""
    failure = fetch_failure(got, timeout)
    if failure:
        return failed(GUIDE_KEY, failure, url=got.url, at=at, value=GuideSeen(got.url, text, None, failure, at))
    if got.ok:
        return seen(GUIDE_KEY, GuideSeen(got.url, text, got.page, "", at), url=got.url, at=at)
    guide = GuideSeen(got.url, text, None, got.reason(), at)
    return absent(GUIDE_KEY, reason=got.reason(), url=got.url, at=at, value=guide)


class GuideCheck(ObservingFamily[GuideObservation]):
    """政府信息公开指南: present under 政府信息公开, and a guide in content."""

    name = "guide"
    label = "检查政府信息公开指南"
    indicators = ("guide.missing", "guide.mismatch")

    async def observe(self, context: SiteContext) -> GuideObservation:
        """Find the guide in the site map like a citizen and read the page it leads to (as the walk read it;
        fetched when the walk did not read it, or could not)."""
        site_map = context.require_map()
        at = now()
        found = guide_page(site_map)
        sections = tuple(p.url for p in site_map.with_role(PageRole.HUB) if any(w in p.name for w in _DISCLOSURE))
        where = ("首页、导航栏、各级栏目菜单和网站地图" if sections
                 else "首页、导航栏和各级栏目菜单（本站未设政府信息公开栏目）")
        observation = GuideObservation([], at, found[:2] if found else None, where,
                                       sections[0] if sections else context.site.url, sections)
        if found is None:
            observation.probes.append(absent(GUIDE_KEY, reason="未找到", url=observation.evidence_url, at=at))
            return observation
        text, url, page = found
        if page is not None and page.parsed is not None and (page.complete or _shows_whole_guide(page.parsed)):
            when = page.seen_at or at
            guide = GuideSeen(page.final_url or page.url, text, page.parsed, "", when)
            probe = seen(GUIDE_KEY, guide, url=guide.url, at=when)
            observation.probes.append(replace(probe, attempts=page.attempt_times or probe.attempts))
            return observation
        if page is not None and page.unverified:  # the walk looked again already: its attempts are the coverage
            observation.probes.append(page.unread_probe(GUIDE_KEY))
            return observation
        if page is not None and page.gone:  # the server said the guide is not there
            guide = GuideSeen(page.final_url or page.url, text, None, page.reason, at)
            observation.probes.append(absent(GUIDE_KEY, reason=page.reason, url=guide.url, at=at, value=guide))
            return observation
        observation.own_look = True
        address = normalise_url(url)
        got = (await fetcher(context).fetch([address]))[address]
        observation.probes.append(_guide_probe(text, got, at, context.settings.page_timeout_seconds))
        return observation

    async def observe_again(self, context: SiteContext, earlier: GuideObservation) -> Observation:
        """Fetch the guide page again (a fresh request, not the run's cache) when this family fetched it; a
        page the walk could not read was looked at again by the walk."""
        if not earlier.own_look or earlier.found is None:
            return Observation([], now())
        text, url = earlier.found
        at = now()
        got = await refetch(context, normalise_url(url))
        return Observation([_guide_probe(text, got, at, context.settings.page_timeout_seconds)], at)

    def blind(self, observation: GuideObservation) -> str:
        """The guide link was found and its page never opened: 未能核查, with every attempt."""
        return unverified_note(observation.failures())

    def judge(self, observation: GuideObservation, rules: RuleSet, as_of: date, seen_at: datetime) -> list[Finding]:
        """缺少指南 or 指南内容不符 from the guide as read (nothing when its page failed to load)."""
        probe = observation.probe(GUIDE_KEY)
        if probe is None or not probe.judgeable:
            return []
        finding = judge_guide(probe.value, where=observation.where, url=observation.evidence_url, seen_at=seen_at,
                              as_of=as_of)
        return [finding] if finding else []

    async def photograph(self, context: SiteContext, observation: GuideObservation,
                         findings: list[Finding]) -> list[Finding]:
        """Open the page a finding is about and photograph it (the navigation, for a site without a 政府信息公开
        section and no guide)."""
        shown = []
        for finding in findings:
            _, snapshot = await context.visit(finding.url, GUIDE_NAME)
            anchor = snapshot.main_anchor if snapshot else ""
            if snapshot and observation.found is None and not observation.sections:
                anchor = await tag_first(context.page, NAV_SELECTORS) or anchor
            evidence = await context.evidence().capture(anchor) if snapshot else []
            shown.append(finding.model_copy(update={"evidence": evidence}))
        return shown

    def note(self, observation: GuideObservation) -> str:
        """Which guide was read, or that none was found."""
        probe = observation.probe(GUIDE_KEY)
        guide: GuideSeen | None = probe.value if probe else None
        if guide is None:
            return "未找到政府信息公开指南"
        return f"指南：{guide.link_text}（{guide.url}）" + ("" if guide.page else f"，无法打开：{guide.reason}")
