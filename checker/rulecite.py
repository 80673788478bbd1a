"""The rule each finding breaks, in the words a notice cites: scheme, indicator, threshold and weight.

Pure functions of an indicator id, a severity and the rule set that judged it, so the citation written
into results.json (``findings[].rule``) always matches the thresholds the run used.
"""

from __future__ import annotations

from checker.catalogue import CATALOGUE, Kind
from checker.results import Finding, Severity
from checker.rules import COLUMN_CLASS_NAMES, RuleSet, describe_age


def _threshold(indicator_id: str, rules: RuleSet) -> str:
    """The measurable limit of an indicator under ``rules`` (empty when it has no number)."""
    fresh, talk = rules.freshness, rules.interaction
    if indicator_id == "home.not_updated":
        return f"首页应在{describe_age(fresh.home_max_age)}内有更新"
    if indicator_id == "column.not_updated":
        ages = "、".join(
            f"{COLUMN_CLASS_NAMES[key]}{describe_age(spec)}" for key, spec in fresh.column_max_age.items()
        )
        return (f"栏目更新时限：{ages}；动态要闻类与通知公告类超期≥{fresh.stale_short_veto_count}个"
                f"或全部超期≥{fresh.stale_all_veto_count}个为单项否决")
    if indicator_id == "column.empty":
        return f"空白栏目≥{fresh.empty_veto_count}个为单项否决"
    if indicator_id == "availability.unreachable":
        avail = rules.availability
        return f"首页{avail.timeout_seconds:g}秒内无法打开的比例≥{avail.veto_failure_ratio:.0%}为单项否决"
    if indicator_id == "interaction.slow_reply":
        return f"留言应在{talk.reply_working_days}个工作日内答复"
    if indicator_id == "interaction.unanswered":
        return f"留言超过{describe_age(talk.unanswered_max_age)}未回应为单项否决"
    if indicator_id == "interview.none":
        return f"{describe_age(talk.interview_max_age)}内应开展在线访谈"
    if indicator_id == "newmedia.not_updated":
        return (f"政务新媒体应在{describe_age(talk.newmedia_max_age)}内更新，"
                f"超过{describe_age(talk.newmedia_veto_age)}为单项否决")
    return ""


def _weight(indicator_id: str, severity: Severity, rules: RuleSet) -> str:
    """How the finding counts: veto, or points per item with the indicator's cap."""
    if severity is Severity.VETO:
        return "单项否决"
    if severity is Severity.ADVISORY:
        return "提示项，不扣分"
    deduction = rules.deductions.get(indicator_id)
    if deduction is None:
        return "扣分项"
    if indicator_id == "link.broken":
        return (f"首页每个扣{rules.links.home_points:g}分、其他页面每个扣{rules.links.other_points:g}分，"
                f"最多扣{deduction.cap:g}分")
    return f"每项扣{deduction.points:g}分，最多扣{deduction.cap:g}分"


def cite_rule(indicator_id: str, severity: Severity, rules: RuleSet) -> str:
    """One-line citation: ``《scheme》指标名（id）：threshold；weight``."""
    row = CATALOGUE[indicator_id]
    parts = [part for part in (_threshold(indicator_id, rules), _weight(indicator_id, severity, rules)) if part]
    if row.kind is Kind.VETO_BY_COUNT and severity is Severity.DEDUCTION:
        parts[-1] += "（未达到否决数量）"
    return f"{rules.name}“{row.name}”（{indicator_id}）：" + "；".join(parts)


def with_rules(findings: list[Finding], rules: RuleSet) -> list[Finding]:
    """The findings with ``rule`` filled in where the judge left it empty."""
    return [
        finding if finding.rule
        else finding.model_copy(update={"rule": cite_rule(finding.indicator, finding.severity, rules)})
        for finding in findings
    ]


def rule_of(finding: Finding) -> str:
    """The finding's citation; results written before ``rule`` existed are cited by the national defaults."""
    return finding.rule or cite_rule(finding.indicator, finding.severity, RuleSet())
