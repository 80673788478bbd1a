"""首页不更新, 栏目不更新, 空白栏目: pure judges over dated items read from list pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from checker.checks.findings import iso, make_finding
from checker.classify import is_placeholder
from checker.dates import find_dates
from checker.discover import ColumnCandidate, DatedItem, newest
from checker.results import Evidence, Finding, Severity
from checker.rules import COLUMN_CLASS_NAMES, ColumnClass, RuleSet, age_cutoff, describe_age

STATIC_MIN_TEXT = 30


class ColumnState(StrEnum):
    """What a column looked like at as_of."""

    FRESH = "fresh"
    STALE = "stale"
    UNDATED = "undated"
    EMPTY = "empty"
    STATIC_OK = "static_ok"


@dataclass(frozen=True)
class ColumnObservation:
    """A column's list page as read: its items, whether it shows a placeholder, how much text it has."""

    column: ColumnCandidate
    url: str
    items: tuple[DatedItem, ...]
    main_text: str
    main_length: int
    seen_at: datetime | None = None


@dataclass(frozen=True)
class ColumnJudgement:
    """The state of one column against its class's age rule, with the numbers behind it."""

    observation: ColumnObservation
    state: ColumnState
    latest: DatedItem | None
    cutoff: date | None
    rule: str | None
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def is_problem(self) -> bool:
        """Whether this column yields a finding."""
        return self.state in (ColumnState.STALE, ColumnState.UNDATED, ColumnState.EMPTY)


def judge_column(observation: ColumnObservation, rules: RuleSet, as_of: date) -> ColumnJudgement:
    """Classify one column as fresh, stale, undated, empty or a static page that is fine."""
    column_class = observation.column.column_class
    slack = rules.freshness.future_slack_days
    latest = newest(observation.items, as_of, slack)
    blank = not observation.items and (
        is_placeholder(observation.main_text) or observation.main_length < STATIC_MIN_TEXT
    )
    if blank:
        return ColumnJudgement(observation, ColumnState.EMPTY, None, None, None)
    if column_class is ColumnClass.STATIC:
        return ColumnJudgement(observation, ColumnState.STATIC_OK, latest, None, None)
    rule = rules.freshness.column_max_age[column_class]
    cutoff = age_cutoff(as_of, rule)
    if not observation.items:
        latest = _page_as_item(observation, as_of, slack)
    if latest is None:
        return ColumnJudgement(observation, ColumnState.UNDATED, None, cutoff, rule)
    state = ColumnState.FRESH if latest.date and latest.date >= cutoff else ColumnState.STALE
    return ColumnJudgement(observation, state, latest, cutoff, rule)


def _page_as_item(observation: ColumnObservation, as_of: date, slack_days: int) -> DatedItem | None:
    """A column that shows one page instead of a list is as fresh as the newest date in its text."""
    limit = as_of + timedelta(days=slack_days)
    dates = [found.value for found in find_dates(observation.main_text, as_of) if found.value <= limit]
    if not dates:
        return None
    return DatedItem(f"{observation.column.name}（页面正文）", observation.url, max(dates), "", "")


def _reached(column: ColumnCandidate) -> str:
    """How the column was reached, in the finding's words: its click path when known, else its source."""
    if column.path:
        return "访问路径：首页 › " + " › ".join(column.path) + "。"
    return f"栏目来源：{column.source}。" if column.source else ""


def _stale_detail(judgement: ColumnJudgement, as_of: date) -> str:
    column = judgement.observation.column
    class_name = COLUMN_CLASS_NAMES[column.column_class]
    age = describe_age(judgement.rule or "")
    if judgement.state is ColumnState.UNDATED:
        seen = f"栏目列表共{len(judgement.observation.items)}条信息，均未显示发布日期（无日期视为未更新）"
    else:
        assert judgement.latest is not None
        seen = f"最新信息《{judgement.latest.title}》发布于 {iso(judgement.latest.date)}"
    return (
        f"{seen}；{class_name}栏目应在{age}内更新（监测时间点 {as_of.isoformat()}，"
        f"最早可接受日期 {iso(judgement.cutoff)}）。{_reached(column)}"
    )


def column_findings(judgements: Sequence[ColumnJudgement], rules: RuleSet, as_of: date) -> list[Finding]:
    """Findings for stale and empty columns, as vetoes when their counts reach the rule set's limits."""
    fresh = rules.freshness
    stale = [j for j in judgements if j.state in (ColumnState.STALE, ColumnState.UNDATED)]
    short = [j for j in stale if j.observation.column.column_class in (ColumnClass.DYNAMIC, ColumnClass.NOTICE)]
    empty = [j for j in judgements if j.state is ColumnState.EMPTY]
    stale_veto = len(short) >= fresh.stale_short_veto_count or len(stale) >= fresh.stale_all_veto_count
    empty_veto = len(empty) >= fresh.empty_veto_count
    findings = []
    for judgement in stale:
        count_note = (
            f"本站共{len(stale)}个栏目未按时更新，其中动态要闻类和通知公告政策文件类{len(short)}个"
            f"（单项否决阈值：后者≥{fresh.stale_short_veto_count}个或全部≥{fresh.stale_all_veto_count}个）。"
        )
        findings.append(_column_finding(judgement, "column.not_updated", stale_veto,
                                        _stale_detail(judgement, as_of) + count_note))
    for judgement in empty:
        detail = (
            f"栏目页面无任何信息条目（页面文字：“{judgement.observation.main_text[:40]}”）。"
            f"{_reached(judgement.observation.column)}"
            f"本站共{len(empty)}个空白栏目（单项否决阈值≥{fresh.empty_veto_count}个）。"
        )
        findings.append(_column_finding(judgement, "column.empty", empty_veto, detail))
    return [f for f in findings if rules.enabled(f.indicator)]


def _column_finding(judgement: ColumnJudgement, indicator_id: str, veto: bool, detail: str) -> Finding:
    observation = judgement.observation
    return make_finding(
        indicator_id,
        Severity.VETO if veto else Severity.DEDUCTION,
        detail,
        url=observation.url,
        target=observation.column.name,
        seen_at=observation.seen_at,
        evidence=judgement.evidence,
    )


def judge_home(
    items: Sequence[DatedItem], rules: RuleSet, as_of: date, *, url: str, seen_at: datetime | None,
    evidence: list[Evidence] | None = None,
) -> Finding | None:
    """首页不更新: no item on the home page dated within the home age rule (undated items do not count)."""
    if not rules.enabled("home.not_updated"):
        return None
    rule = rules.freshness.home_max_age
    cutoff = age_cutoff(as_of, rule)
    latest = newest(items, as_of, rules.freshness.future_slack_days)
    if latest and latest.date and latest.date >= cutoff:
        return None
    if latest is None:
        seen = f"首页共{len(items)}条列表信息，均未显示发布日期（无日期视为未更新）"
    else:
        seen = f"首页最新信息《{latest.title}》发布于 {iso(latest.date)}"
    detail = (
        f"{seen}；首页应在{describe_age(rule)}内有更新（监测时间点 {as_of.isoformat()}，"
        f"最早可接受日期 {cutoff.isoformat()}）。"
    )
    return make_finding("home.not_updated", Severity.VETO, detail, url=url, target="首页", seen_at=seen_at,
                        evidence=evidence)
