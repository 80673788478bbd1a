"""缺少政府信息公开指南 and 指南内容不符: find the guide under 政府信息公开 and judge what it holds.

The guide is reached like a citizen: a link whose text names it on the home page, in the navigation,
among the columns found under 政府信息公开, or on the 政府信息公开 pages themselves. Its page is read
without rendering and judged on the elements a guide has; the page is opened in the browser only to
photograph a finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from checker.checks.findings import make_finding
from checker.checks.publishing_io import fetcher
from checker.context import SiteContext
from checker.discover import disclosure_sections, in_scope, normalise_url
from checker.htmlpage import ParsedPage
from checker.observe import PageSnapshot, tag_first
from checker.results import Finding, Severity
from checker.visit import now

GUIDE_NAME = "政府信息公开指南"
_GUIDE_LINK = re.compile(r"信息公开指南|公开指南")
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
_OLD_RULE = re.compile(r"国务院令第\s*492\s*号|2007年4月5日|2008年5月1日起施行")
_NEW_RULE = re.compile(r"国务院令第\s*711\s*号|2019年4月3日|2019年5月15日|2019年修订|（2019年修订")


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


def cites_old_rule_only(text: str) -> bool:
    """Whether the text cites the 2008 条例 (国务院令第492号) and nothing of its 2019 revision."""
    return bool(_OLD_RULE.search(text)) and not _NEW_RULE.search(text)


def judge_guide(seen: GuideSeen | None, *, where: str, url: str, seen_at: datetime | None) -> Finding | None:
    """缺少指南 when none was found; 指南内容不符 when the page holds something else or lacks elements."""
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
    if cites_old_rule_only(text):
        problems.append("仍依据2008年施行的旧《政府信息公开条例》（国务院令第492号），未按2019年修订版更新")
    if not problems:
        return None
    detail = (f"“{seen.link_text}”页面{'；'.join(problems)}。规则：指南应写明受理机构或申请渠道、地址、电话、"
              f"办公时间、申请方式和处理流程（答复时限）。")
    return make_finding("guide.mismatch", Severity.DEDUCTION, detail, url=seen.url, target=seen.link_text,
                        seen_at=seen.seen_at)


def _guide_links(snapshot: PageSnapshot, scope: str) -> list[tuple[str, str]]:
    links = [(n.text, n.href) for n in snapshot.nav_links]
    links += [(r.title, r.href) for g in snapshot.groups for r in g.rows]
    links += [(m.heading, m.href) for m in snapshot.more_links]
    return [(text, href) for text, href in links if _GUIDE_LINK.search(text) and in_scope(href, scope)]


class GuideCheck:
    """政府信息公开指南: present under 政府信息公开, and a guide in content."""

    name = "guide"
    label = "检查政府信息公开指南"
    indicators = ("guide.missing", "guide.mismatch")

    async def _find(self, context: SiteContext) -> tuple[tuple[str, str] | None, list[str]]:
        home = context.require_home()
        found = _guide_links(home, context.scope)
        found += [(c.name, c.url) for c in context.columns if _GUIDE_LINK.search(c.name)]
        sections = disclosure_sections(home, context.scope)
        for section in sections[:3] if not found else []:
            _, snapshot = await context.visit(section, "政府信息公开")
            if snapshot is not None:
                found += _guide_links(snapshot, context.scope)
                if found:
                    break
        return (found[0] if found else None), sections

    async def run(self, context: SiteContext) -> str:
        """Find the guide like a citizen, read it, judge it, photograph a finding."""
        link, sections = await self._find(context)
        seen = None
        if link:
            got = (await fetcher(context).fetch([normalise_url(link[1])]))[normalise_url(link[1])]
            seen = GuideSeen(got.url, link[0], got.page, got.reason() if not got.ok else "", now())
        where = "首页、导航栏和政府信息公开栏目" if sections else "首页和导航栏（本站未设政府信息公开栏目）"
        evidence_url = sections[0] if sections else context.site.url
        finding = judge_guide(seen, where=where, url=evidence_url, seen_at=now())
        if finding is not None:
            _, snapshot = await context.visit(finding.url, GUIDE_NAME)
            anchor = snapshot.main_anchor if snapshot else ""
            if snapshot and not link and not sections:
                anchor = await tag_first(context.page, NAV_SELECTORS) or anchor
            evidence = await context.evidence().capture(anchor) if snapshot else []
            context.add([finding.model_copy(update={"evidence": evidence})])
        if seen is None:
            return "未找到政府信息公开指南"
        return f"指南：{seen.link_text}（{seen.url}）" + ("" if seen.page else f"，无法打开：{seen.reason}")
