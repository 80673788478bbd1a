"""Rule sets: the thresholds and points every judge reads, with the national defaults.

A suite overrides any of them under ``rules:`` in its YAML; unknown keys are rejected. Values marked
(?) in INDICATORS.md were not confirmed against the original text, which is why they are settings.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from checker.catalogue import CATALOGUE


class ColumnClass(StrEnum):
    """Update-rule classes of columns (栏目), from INDICATORS.md."""

    DYNAMIC = "dynamic"  # 动态、要闻: 2 weeks
    NOTICE = "notice"  # 通知公告、政策文件: 6 months
    YEARLY = "yearly"  # 人事、规划计划: 1 year
    STATIC = "static"  # 机构概况 and the like: no date rule, only "not blank"


COLUMN_CLASS_NAMES: dict[ColumnClass, str] = {
    ColumnClass.DYNAMIC: "动态要闻类",
    ColumnClass.NOTICE: "通知公告政策文件类",
    ColumnClass.YEARLY: "人事规划计划类",
    ColumnClass.STATIC: "无更新时限类",
}

_AGE = re.compile(r"^\s*(\d+)\s*([dmy])\s*$")


def parse_age(spec: str) -> tuple[int, str]:
    """Split an age like ``14d``, ``6m`` or ``1y`` into its count and unit."""
    match = _AGE.match(spec)
    if not match:
        raise ValueError(f"时限格式应为 14d、6m 或 1y，实际为 {spec!r}")
    return int(match.group(1)), match.group(2)


def age_cutoff(as_of: date, spec: str) -> date:
    """The oldest date that still counts as updated for an age rule, relative to ``as_of``.

    ``14d`` keeps items dated on or after as_of - 14 days; ``6m`` and ``1y`` step back calendar months,
    clamping the day to the month's length (2020-08-31 minus 6 months is 2020-02-29).
    """
    count, unit = parse_age(spec)
    if unit == "d":
        return as_of - timedelta(days=count)
    months = count * (12 if unit == "y" else 1)
    month_index = as_of.year * 12 + (as_of.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    day = min(as_of.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def describe_age(spec: str) -> str:
    """Chinese wording of an age rule: ``14d`` → ``14天``, ``6m`` → ``6个月``, ``1y`` → ``1年``."""
    count, unit = parse_age(spec)
    return f"{count}{ {'d': '天', 'm': '个月', 'y': '年'}[unit] }"


class Deduction(BaseModel):
    """Points taken off per finding of an indicator, and the most that indicator may take in all."""

    model_config = ConfigDict(extra="forbid")
    points: float = Field(ge=0)
    cap: float = Field(ge=0)


def _default_deductions() -> dict[str, Deduction]:
    # (?) National weights were not confirmed; every value is a setting a suite may override.
    defaults = {
        "column.not_updated": (2, 20),
        "column.empty": (2, 10),
        "link.broken": (0.1, 20),
        "footer.identifier_missing": (1, 4),
        "newmedia.qr_missing": (1, 2),
        "newmedia.qr_invalid": (1, 5),
        "interaction.slow_reply": (1, 10),
        "survey.none": (3, 3),
        "survey.no_feedback": (1, 5),
        "interview.none": (3, 3),
        "interview.single_format": (1, 3),
        "interpretation.not_linked": (1, 10),
        "interpretation.no_rich_format": (2, 2),
        "policy.no_doc_number": (1, 10),
        "policy.expired_unmarked": (1, 10),
        "guide.missing": (5, 5),
        "guide.mismatch": (3, 3),
        "search.broken": (5, 5),
        "content.typo": (1, 10),
    }
    return {key: Deduction(points=points, cap=cap) for key, (points, cap) in defaults.items()}


def _default_column_ages() -> dict[ColumnClass, str]:
    return {ColumnClass.DYNAMIC: "14d", ColumnClass.NOTICE: "6m", ColumnClass.YEARLY: "1y"}


class AvailabilityRules(BaseModel):
    """站点无法访问: how long a home page may take and when failures veto."""

    model_config = ConfigDict(extra="forbid")
    timeout_seconds: float = Field(default=15, gt=0)
    veto_failure_ratio: float = Field(default=0.05, ge=0, le=1)
    attempts_after_failure: int = Field(default=2, ge=0, le=10)


class FreshnessRules(BaseModel):
    """首页/栏目不更新 and 空白栏目 thresholds."""

    model_config = ConfigDict(extra="forbid")
    home_max_age: str = "14d"
    column_max_age: dict[ColumnClass, str] = Field(default_factory=_default_column_ages)
    stale_short_veto_count: int = Field(default=5, ge=1)
    stale_all_veto_count: int = Field(default=10, ge=1)
    empty_veto_count: int = Field(default=5, ge=1)
    future_slack_days: int = Field(default=1, ge=0)

    @field_validator("home_max_age")
    @classmethod
    def _check_home_age(cls, value: str) -> str:
        parse_age(value)
        return value

    @field_validator("column_max_age")
    @classmethod
    def _check_column_ages(cls, value: dict[ColumnClass, str]) -> dict[ColumnClass, str]:
        for spec in value.values():
            parse_age(spec)
        return {**_default_column_ages(), **value}


class InteractionRules(BaseModel):
    """留言答复、征集调查、在线访谈与政务新媒体的时限（年龄写作 14d、3m、1y）。"""

    model_config = ConfigDict(extra="forbid")
    reply_working_days: int = Field(default=5, ge=1)
    unanswered_max_age: str = "3m"
    message_lookback: str = "1y"
    survey_lookback: str = "1y"
    interview_max_age: str = "3m"
    newmedia_max_age: str = "7d"
    newmedia_veto_age: str = "14d"

    @field_validator(
        "unanswered_max_age", "message_lookback", "survey_lookback", "interview_max_age", "newmedia_max_age",
        "newmedia_veto_age",
    )
    @classmethod
    def _check_age(cls, value: str) -> str:
        parse_age(value)
        return value


class PublishingRules(BaseModel):
    """文号、失效标注、文件与解读关联、解读形式的判定参数。"""

    model_config = ConfigDict(extra="forbid")
    normative_column_words: list[str] = Field(
        default_factory=lambda: ["政策文件", "规范性文件", "政府文件", "政策法规", "文件"]
    )
    interpretation_column_words: list[str] = Field(
        default_factory=lambda: ["解读", "图解", "问答", "一图读懂"]
    )
    title_similarity: float = Field(default=0.6, gt=0, le=1)
    rich_format_lookback: str = "3m"

    @field_validator("rich_format_lookback")
    @classmethod
    def _check_lookback(cls, value: str) -> str:
        parse_age(value)
        return value


class HiddenLinkRules(BaseModel):
    """暗链: reported as ``security.hidden_link``, a veto, by default; a suite may name another indicator id or
    severity here (``indicator: null`` records them on the check only, with evidence, unscored)."""

    model_config = ConfigDict(extra="forbid")
    indicator: str | None = "security.hidden_link"
    severity: Literal["advisory", "deduction", "veto"] = "veto"

    @field_validator("indicator")
    @classmethod
    def _known(cls, value: str | None) -> str | None:
        if value is not None and value not in CATALOGUE:
            raise ValueError(f"未知指标编号: {value}")
        return value


class LinkRules(BaseModel):
    """链接不可用: points per failing link, by where it was found (home page −1, other pages −0.1 (?)).

    The indicator's total stays capped by ``deductions['link.broken'].cap``.
    """

    model_config = ConfigDict(extra="forbid")
    home_points: float = Field(default=1.0, ge=0)
    other_points: float = Field(default=0.1, ge=0)
    report_suspect: bool = Field(
        default=True, description="复测各次均返回 500 类错误的“疑似”链接也扣分（超时、连接重置、"
        "502/503/504/429 等“暂时不可用”始终未能核查，不扣分）")


class RuleSet(BaseModel):
    """Every threshold and point value the judges and the scorer read."""

    model_config = ConfigDict(extra="forbid")
    name: str = "国家《政府网站与政务新媒体检查指标》（默认）"
    pass_score: float = Field(default=60, ge=0, le=100)
    availability: AvailabilityRules = Field(default_factory=AvailabilityRules)
    freshness: FreshnessRules = Field(default_factory=FreshnessRules)
    publishing: PublishingRules = Field(default_factory=PublishingRules)
    interaction: InteractionRules = Field(default_factory=InteractionRules)
    hidden_links: HiddenLinkRules = Field(default_factory=HiddenLinkRules)
    links: LinkRules = Field(default_factory=LinkRules)
    deductions: dict[str, Deduction] = Field(default_factory=_default_deductions)
    disabled: list[str] = Field(default_factory=list)

    @field_validator("deductions")
    @classmethod
    def _merge_deductions(cls, value: dict[str, Deduction]) -> dict[str, Deduction]:
        for key in value:
            if key not in CATALOGUE:
                raise ValueError(f"未知指标编号: {key}")
        return {**_default_deductions(), **value}

    @field_validator("disabled")
    @classmethod
    def _known_ids(cls, value: list[str]) -> list[str]:
        for key in value:
            if key not in CATALOGUE:
                raise ValueError(f"未知指标编号: {key}")
        return value

    def enabled(self, indicator_id: str) -> bool:
        """Whether the suite's scheme applies this indicator at all."""
        return indicator_id not in self.disabled
