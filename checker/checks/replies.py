"""留言超期未回应 and 答复不及时: pure judges over the public message list, and the browser half that reads it.

Each row of the 留言选登 list gives a title, the ask date and the reply date (blank when unanswered).
Working days are counted with the Chinese holiday calendar (:mod:`checker.workdays`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from checker.checks.findings import iso, make_finding
from checker.checks.reach import link_text, mapped_column
from checker.context import SiteContext, SkipCheck
from checker.dates import find_dates
from checker.family import ObservingFamily
from checker.observation import Observation, Probe, absent, seen, unverified_note
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


@dataclass
class RepliesObservation(Observation):
    """The public message list, one probe per list page (``留言列表第N页``, its value the messages on it)."""

    pages: dict[str, SitePage] = field(default_factory=dict)
    """The list page each probe read, by probe key (to photograph its rows)."""


def _page_key(number: int) -> str:
    return f"留言列表第{number}页"


def _rows_probe(key: str, page: SitePage, snapshot: PageSnapshot, as_of: date, at: datetime) -> Probe:
    rows = tuple(replace(row, seen_at=at) for row in messages_from_snapshot(snapshot, as_of))
    url = page.final_url or page.url
    return seen(key, rows, url=url, at=at) if rows else absent(key, reason="列表无留言", url=url, at=at, value=())


class RepliesCheck(ObservingFamily[RepliesObservation]):
    """Read the public message list (every page back to a year before as_of) and judge the replies."""

    name = "replies"
    label = "检查留言答复"
    indicators = ("interaction.unanswered", "interaction.slow_reply")
    retests = False

    async def observe(self, context: SiteContext) -> RepliesObservation:
        """The list the site map found, page by page as the walk read it, back to the look-back; a list page
        the walk could not read (after its re-tests) is a failed probe carrying the walk's attempts."""
        context.require_home()
        first = mapped_column(context, LIST_WORDS, "留言列表")
        if first is None:
            raise SkipCheck("未找到公开的留言列表（留言选登等），无法核查答复情况")
        if first.gone:
            raise SkipCheck(f"留言列表栏目“{link_text(first)}”无法打开（{first.reason}），未判定")
        site_map = context.require_map()
        at = now()
        pages = [first, *site_map.list_pages_of(first.url)]
        pages += [p for p in site_map.failed() if first.ok and p.column_of == first.url and not p.gone]
        pages.sort(key=lambda p: p.list_page)
        oldest = age_cutoff(context.as_of, context.rules.interaction.message_lookback)
        observation = RepliesObservation([], at)
        for number, page in enumerate(pages[:MAX_LIST_PAGES], start=1):
            key = _page_key(number)
            observation.pages[key] = page
            if page.snapshot is None:
                observation.probes.append(page.unread_probe(key))
                continue
            probe = _rows_probe(key, page, page.snapshot, context.as_of, page.seen_at or at)
            observation.probes.append(replace(probe, attempts=page.attempt_times or probe.attempts))
            if not probe.value or min(row.asked for row in probe.value) < oldest:
                break
        return observation

    def blind(self, observation: RepliesObservation) -> str:
        """The list's first page never opened: nothing was read (未能核查, with every attempt)."""
        if all(probe.failed for probe in observation.probes):
            return unverified_note(observation.failures())
        return ""

    def judge(self, observation: RepliesObservation, rules: RuleSet, as_of: date,
              seen_at: datetime) -> list[Finding]:
        """留言超期未回应 and 答复不及时 over the messages of the list pages read."""
        return judge_replies(_messages(observation), rules, as_of)

    async def photograph(self, context: SiteContext, observation: RepliesObservation,
                         findings: list[Finding]) -> list[Finding]:
        """Open each list page holding a late message again and box its rows."""
        late = {finding.target for finding in findings}
        shots: dict[str, list[Evidence]] = {}
        for probe in observation.probes:
            titles = {row.title for row in probe.value or () if row.title in late and row.title not in shots}
            if probe.judgeable and titles:
                shots.update(await _photograph(context, observation.pages[probe.key], titles))
        return [finding.model_copy(update={"evidence": shots.get(finding.target, [])}) for finding in findings]

    def note(self, observation: RepliesObservation) -> str:
        """How many list pages and messages were read."""
        read = [probe for probe in observation.probes if probe.judgeable]
        return f"读取留言列表{len(read)}页，留言{len(_messages(observation))}条"


def _messages(observation: RepliesObservation) -> list[MessageSeen]:
    return [row for probe in observation.probes if probe.judgeable for row in probe.value or ()]


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
