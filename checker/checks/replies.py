"""留言超期未回应 and 答复不及时: pure judges over the public message list, and the browser half that reads it.

Each row of the 留言选登 list gives a title, the ask date and the reply date (blank when unanswered).
Working days are counted with the Chinese holiday calendar (:mod:`checker.workdays`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from checker.checks.findings import iso, make_finding
from checker.checks.reach import mapped_column
from checker.context import SiteContext, SkipCheck
from checker.dates import find_dates
from checker.observe import PageSnapshot
from checker.results import Evidence, Finding, Severity
from checker.rules import RuleSet, age_cutoff, describe_age
from checker.sitemap.model import SitePage
from checker.visit import now
from checker.workdays import calendar_known, working_days_between

LIST_WORDS = ("留言选登", "留言公开", "留言回复", "来信选登", "信件公开", "咨询回复", "回复选登", "办理结果",
              "来信公开", "信件选登", "县长信箱", "市长信箱", "区长信箱", "书记信箱", "领导信箱", "局长信箱",
              "主任信箱")
MAX_LIST_PAGES = 10


@dataclass(frozen=True)
class MessageSeen:
    """One public message: its title, when it was asked and answered, and where it shows."""

    title: str
    asked: date
    answered: date | None
    url: str
    anchor: str = ""
    seen_at: datetime | None = None
    evidence: tuple[Evidence, ...] = field(default=())


def judge_replies(messages: Sequence[MessageSeen], rules: RuleSet, as_of: date) -> list[Finding]:
    """Unanswered or answered after the veto age → 留言超期未回应; past the working-day limit → 答复不及时."""
    limits = rules.interaction
    oldest = age_cutoff(as_of, limits.message_lookback)
    findings = []
    for message in messages:
        if message.asked < oldest or message.asked > as_of:
            continue
        veto_by = _add_age(message.asked, limits.unanswered_max_age)
        answered = message.answered if message.answered and message.answered <= as_of else None
        common = {"url": message.url, "target": message.title, "seen_at": message.seen_at,
                  "evidence": list(message.evidence)}
        if answered is None and as_of > veto_by:
            detail = (f"留言“{message.title}”于{iso(message.asked)}提交，截至{iso(as_of)}仍未答复，"
                      f"超过{describe_age(limits.unanswered_max_age)}。")
            findings.append(make_finding("interaction.unanswered", Severity.VETO, detail, **common))
        elif answered and answered > veto_by:
            detail = (f"留言“{message.title}”于{iso(message.asked)}提交，{iso(answered)}才答复，"
                      f"超过{describe_age(limits.unanswered_max_age)}。")
            findings.append(make_finding("interaction.unanswered", Severity.VETO, detail, **common))
        elif answered is None and working_days_between(message.asked, as_of) > limits.reply_working_days:
            days = working_days_between(message.asked, as_of)
            detail = (f"留言“{message.title}”于{iso(message.asked)}提交，截至{iso(as_of)}仍未答复，"
                      f"已过{days}个工作日，超过{limits.reply_working_days}个工作日。")
            findings.append(make_finding("interaction.slow_reply", Severity.DEDUCTION, detail, **common))
        elif answered:
            days = working_days_between(message.asked, answered)
            if days > limits.reply_working_days:
                calendar = "" if calendar_known(answered) else "（该年度节假日安排未知，按周一至周五计）"
                detail = (f"留言“{message.title}”于{iso(message.asked)}提交，{iso(answered)}答复，"
                          f"用时{days}个工作日，超过{limits.reply_working_days}个工作日{calendar}。")
                findings.append(make_finding("interaction.slow_reply", Severity.DEDUCTION, detail, **common))
    return findings


def _add_age(day: date, spec: str) -> date:
    """``day`` plus an age such as 3m: the mirror of :func:`age_cutoff` (as_of minus the age)."""
    back = age_cutoff(day, spec)
    return day + (day - back)


def messages_from_snapshot(snapshot: PageSnapshot, as_of: date) -> list[MessageSeen]:
    """Rows whose text beside the title holds an ask date and, when answered, a later reply date."""
    found = []
    for group in snapshot.groups:
        if group.region not in ("main", "aside"):
            continue
        for row in group.rows:
            dates = [hit.value for hit in find_dates(row.rest, as_of) if hit.value]
            if not dates:
                continue
            answered = dates[1] if len(dates) > 1 and dates[1] >= dates[0] else None
            found.append(MessageSeen(row.title.strip(), dates[0], answered, row.href or snapshot.url, row.anchor))
    return found


class RepliesCheck:
    """Read the public message list (every page back to a year before as_of) and judge the replies."""

    name = "replies"
    label = "检查留言答复"
    indicators = ("interaction.unanswered", "interaction.slow_reply")

    async def run(self, context: SiteContext) -> str:
        """Read the list the site map found, page by page as the walk read it, judge, and box each late
        message (its page is opened again only for that)."""
        context.require_home()
        first = mapped_column(context, LIST_WORDS, "留言列表")
        if first is None:
            raise SkipCheck("未找到公开的留言列表（留言选登等），无法核查答复情况")
        site_map = context.require_map()
        messages, pages = await _read_pages(context, [first, *site_map.list_pages_of(first.url)])
        findings = judge_replies(messages, context.rules, context.as_of)
        context.add(findings)
        return f"读取留言列表{pages}页，留言{len(messages)}条"


async def _read_pages(context: SiteContext, pages: list[SitePage]) -> tuple[list[MessageSeen], int]:
    """Each list page as the walk read it: its messages; the rows that will be reported are boxed on the
    page, opened again for the evidence."""
    oldest = age_cutoff(context.as_of, context.rules.interaction.message_lookback)
    messages: list[MessageSeen] = []
    read = 0
    for page in pages[:MAX_LIST_PAGES]:
        if page.snapshot is None:
            break
        read += 1
        rows = messages_from_snapshot(page.snapshot, context.as_of)
        late = {f.target for f in judge_replies(rows, context.rules, context.as_of)}
        shots = await _photograph(context, page, late) if late else {}
        for row in rows:
            messages.append(MessageSeen(row.title, row.asked, row.answered, row.url, row.anchor,
                                        page.seen_at or now(), tuple(shots.get(row.title, []))))
        if not rows or min(row.asked for row in rows) < oldest:
            break
    return messages, read


async def _photograph(context: SiteContext, page: SitePage, titles: set[str]) -> dict[str, list[Evidence]]:
    """Open a list page again and box each of the rows with these titles."""
    context.step("留言列表：截图")
    _, snapshot = await context.visit(page.final_url or page.url, "留言列表")
    if snapshot is None:
        return {}
    shots = {}
    for row in messages_from_snapshot(snapshot, context.as_of):
        if row.title in titles and row.title not in shots:
            shots[row.title] = await context.evidence().capture(row.anchor)
    return shots
