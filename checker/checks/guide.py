"""缺少政府信息公开指南 and 指南内容不符: find the guide under 政府信息公开 and judge what it holds.

The guide is reached like a citizen: a link whose text names it on the home page, in the navigation,
among the columns found under 政府信息公开, or on the 政府信息公开 pages themselves. Its page is read
without rendering and judged on the elements a guide has; the page is opened in the browser only to
photograph a finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from checker.checks.findings import make_finding
from checker.checks.publishing_io import fetcher
from checker.context import SiteContext, SkipCheck
from checker.discover import normalise_url
from checker.htmlpage import ParsedPage
from checker.observe import tag_first
from checker.results import Finding, Severity
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


def guide_page(site_map: SiteMap) -> tuple[str, str, SitePage | None] | None:
    """The guide as a citizen reaches it, as (link text, URL, the map's page when the walk read it): a page
    named for it; when that page is a list (a 指南 column with entries), the entry a person would click (the
    one named 指南, else the first). A guide link the walk could not open is returned too: it is tried again."""
    words = ("政府信息公开指南", "信息公开指南", "公开指南")
    named = find_pages(site_map, words, max_name=20)
    if not named:
        failed = [p for p in site_map.failed() if p.path and any(w in p.path[-1] for w in words)]
        return (failed[0].path[-1], failed[0].url, None) if failed else None
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
    target = site_map.page(entry.href)
    return entry.title, entry.href, target if target is not None and target.ok else None


async def _read_guide(context: SiteContext, text: str, url: str, page: SitePage | None) -> GuideSeen:
    """The guide page as read by the walk; one the walk did not read is fetched (again, when the walk's load
    failed). A guide link that answers 4xx is a missing guide; one that still fails otherwise is not judged."""
    if page is not None and page.parsed is not None:
        return GuideSeen(page.final_url or page.url, text, page.parsed, "", page.seen_at or now())
    address = normalise_url(url)
    got = (await fetcher(context).fetch([address]))[address]
    if got.ok or (got.status is not None and 400 <= got.status < 500):
        return GuideSeen(got.url, text, got.page, "" if got.ok else got.reason(), now())
    raise SkipCheck(f"政府信息公开指南“{text}”（{url}）无法打开（{got.reason()}），重试后仍失败，未能核查")


class GuideCheck:
    """政府信息公开指南: present under 政府信息公开, and a guide in content."""

    name = "guide"
    label = "检查政府信息公开指南"
    indicators = ("guide.missing", "guide.mismatch")

    async def run(self, context: SiteContext) -> str:
        """Find the guide in the site map like a citizen, judge the page it leads to, photograph a finding."""
        site_map = context.require_map()
        found = guide_page(site_map)
        seen = await _read_guide(context, *found) if found else None
        sections = [p.url for p in site_map.with_role(PageRole.HUB) if any(w in p.name for w in _DISCLOSURE)]
        where = ("首页、导航栏、各级栏目菜单和网站地图" if sections
                 else "首页、导航栏和各级栏目菜单（本站未设政府信息公开栏目）")
        evidence_url = sections[0] if sections else context.site.url
        finding = judge_guide(seen, where=where, url=evidence_url, seen_at=now(), as_of=context.as_of)
        if finding is not None:
            _, snapshot = await context.visit(finding.url, GUIDE_NAME)
            anchor = snapshot.main_anchor if snapshot else ""
            if snapshot and not found and not sections:
                anchor = await tag_first(context.page, NAV_SELECTORS) or anchor
            evidence = await context.evidence().capture(anchor) if snapshot else []
            context.add([finding.model_copy(update={"evidence": evidence})])
        if seen is None:
            return "未找到政府信息公开指南"
        return f"指南：{seen.link_text}（{seen.url}）" + ("" if seen.page else f"，无法打开：{seen.reason}")
