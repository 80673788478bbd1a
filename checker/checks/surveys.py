"""未开展征集调查, 征集调查无反馈, 未开展在线访谈, 访谈形式单一: pure judges and the pages they read.

A survey row shows its period (征集时间 A 至 B); a closed survey needs a published result or feedback
page that says something. An interview list shows dates; the newest must be within the age rule and
its page must carry more than text (images, audio or video).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from checker.checks.findings import iso, make_finding
from checker.dates import find_dates
from checker.observe import PageSnapshot
from checker.results import Evidence, Finding, Severity
from checker.rules import RuleSet, age_cutoff, describe_age

EMPTY_FEEDBACK = ("无反馈意见", "暂无反馈", "暂无结果", "未收到意见", "没有收到意见", "暂无内容", "无意见")
MIN_FEEDBACK_TEXT = 20


@dataclass(frozen=True)
class SurveySeen:
    """One 征集调查 item: its period, its result page (if any) and what that page says."""

    title: str
    start: date | None
    end: date | None
    url: str
    feedback_url: str = ""
    feedback_text: str | None = None
    seen_at: datetime | None = None
    evidence: tuple[Evidence, ...] = ()
    feedback_unread: bool = False
    """True when the result page did not open (after its re-tests) without a 4xx: what it says is unknown."""


def survey_period(rest: str, as_of: date) -> tuple[date | None, date | None]:
    """The start and end of a survey from the text beside its title (one date: both ends)."""
    dates = [hit.value for hit in find_dates(rest, as_of) if hit.value]
    if not dates:
        return None, None
    return dates[0], dates[1] if len(dates) > 1 else dates[0]


def feedback_problem(survey: SurveySeen) -> str:
    """Why a closed survey's feedback does not count, in words; '' when it does."""
    if not survey.feedback_url:
        return "未发布结果或反馈"
    if survey.feedback_unread:
        return ""  # a failed observation, not a fact about the site
    text = (survey.feedback_text or "").strip()
    said = next((word for word in EMPTY_FEEDBACK if word in text), "")
    if said:
        return f"反馈页面称“{said}”"
    if len(text) < MIN_FEEDBACK_TEXT:
        return "反馈页面无实际内容"
    return ""


def judge_surveys(
    surveys: Sequence[SurveySeen], rules: RuleSet, as_of: date, *, list_url: str, list_evidence: list[Evidence],
    seen_at: datetime | None,
) -> list[Finding]:
    """No survey in the look-back → 未开展征集调查; each closed one without real feedback → 征集调查无反馈."""
    spec = rules.interaction.survey_lookback
    oldest = age_cutoff(as_of, spec)
    recent = [s for s in surveys if s.end and s.end >= oldest and s.start and s.start <= as_of]
    findings = []
    if not recent:
        latest = max((s.end for s in surveys if s.end), default=None)
        detail = f"征集调查栏目最近一期截止于{iso(latest)}，{describe_age(spec)}内（{iso(oldest)}以来）未开展征集调查。"
        findings.append(make_finding("survey.none", Severity.DEDUCTION, detail, url=list_url, target="征集调查",
                                     seen_at=seen_at, evidence=list_evidence))
    for survey in recent:
        if survey.end is None or survey.end >= as_of:
            continue
        problem = feedback_problem(survey)
        if problem:
            detail = f"征集调查“{survey.title}”已于{iso(survey.end)}结束，{problem}。"
            findings.append(make_finding("survey.no_feedback", Severity.DEDUCTION, detail,
                                         url=survey.feedback_url or survey.url, target=survey.title,
                                         seen_at=survey.seen_at, evidence=list(survey.evidence)))
    return findings


@dataclass(frozen=True)
class InterviewSeen:
    """The newest 在线访谈: title, date, and the media its page carries besides text."""

    title: str
    day: date | None
    url: str
    media: tuple[str, ...] = ()
    seen_at: datetime | None = None
    evidence: tuple[Evidence, ...] = ()
    opened: bool = True
    """False when its page could not be opened (after its re-tests) or answered 4xx: its form is then unknown,
    not text only."""


def judge_interview(
    newest: InterviewSeen | None, rules: RuleSet, as_of: date, *, list_url: str, list_evidence: list[Evidence],
    seen_at: datetime | None,
) -> list[Finding]:
    """The newest interview older than the age rule → 未开展在线访谈; text only → 访谈形式单一."""
    spec = rules.interaction.interview_max_age
    cutoff = age_cutoff(as_of, spec)
    findings = []
    if newest is None or newest.day is None or newest.day < cutoff:
        when = f"最近一期为{iso(newest.day)}“{newest.title}”" if newest else "未找到任何访谈"
        detail = f"在线访谈栏目{when}，{describe_age(spec)}内（{iso(cutoff)}以来）未开展在线访谈。"
        findings.append(make_finding("interview.none", Severity.DEDUCTION, detail, url=list_url, target="在线访谈",
                                     seen_at=seen_at, evidence=list_evidence))
    if newest is not None and newest.opened and not newest.media:
        detail = f"最近一期在线访谈“{newest.title}”（{iso(newest.day)}）仅有文字实录，无图片、音频或视频。"
        findings.append(make_finding("interview.single_format", Severity.DEDUCTION, detail, url=newest.url,
                                     target=newest.title, seen_at=newest.seen_at, evidence=list(newest.evidence)))
    return findings


def newest_dated_row(snapshot: PageSnapshot, as_of: date) -> tuple[str, str, date | None, str]:
    """(title, href, date, anchor) of the most recent dated row in the page's content lists."""
    best: tuple[str, str, date | None, str] = ("", "", None, "")
    for group in snapshot.groups:
        if group.region not in ("main", "aside"):
            continue
        for row in group.rows:
            dates = [hit.value for hit in find_dates(row.rest, as_of) if hit.value and hit.value <= as_of]
            if dates and (best[2] is None or dates[0] > best[2]):
                best = (row.title.strip(), row.href, dates[0], row.anchor)
    return best
