"""The indicator catalogue: stable ids, Chinese names and the kind of each rule.

The ids are the product's public vocabulary (see INDICATORS.md); results.json, reports and rule sets
refer to indicators only by these ids. Thresholds and points live in :mod:`checker.rules`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """How an indicator counts towards the verdict."""

    VETO = "veto"
    DEDUCTION = "deduction"
    VETO_BY_COUNT = "veto_by_count"
    ADVISORY = "advisory"


@dataclass(frozen=True)
class Indicator:
    """One row of the catalogue."""

    id: str
    name: str
    kind: Kind
    family: str


_ROWS: tuple[tuple[str, str, Kind, str], ...] = (
    ("availability.unreachable", "站点无法访问", Kind.VETO, "availability"),
    ("home.not_updated", "首页不更新", Kind.VETO, "freshness"),
    ("column.not_updated", "栏目不更新", Kind.VETO_BY_COUNT, "freshness"),
    ("column.empty", "空白栏目", Kind.VETO_BY_COUNT, "freshness"),
    ("link.broken", "链接不可用", Kind.DEDUCTION, "links"),
    ("footer.identifier_missing", "网站标识缺失", Kind.DEDUCTION, "footer"),
    ("newmedia.qr_missing", "未添加政务新媒体二维码", Kind.DEDUCTION, "newmedia"),
    ("newmedia.qr_invalid", "二维码无法识别或失效", Kind.DEDUCTION, "newmedia"),
    ("newmedia.not_updated", "新媒体不更新", Kind.VETO, "newmedia"),
    ("newmedia.no_interaction", "新媒体无互动功能", Kind.VETO, "newmedia"),
    ("interaction.no_channel", "无有效咨询建言渠道", Kind.VETO, "interaction"),
    ("interaction.form_broken", "留言表单不可用", Kind.VETO, "interaction"),
    ("interaction.unanswered", "留言超期未回应", Kind.VETO, "interaction"),
    ("interaction.slow_reply", "答复不及时", Kind.DEDUCTION, "interaction"),
    ("survey.none", "未开展征集调查", Kind.DEDUCTION, "survey"),
    ("survey.no_feedback", "征集调查无反馈", Kind.DEDUCTION, "survey"),
    ("interview.none", "未开展在线访谈", Kind.DEDUCTION, "interview"),
    ("interview.single_format", "访谈形式单一", Kind.DEDUCTION, "interview"),
    ("interpretation.not_linked", "文件与解读未关联", Kind.DEDUCTION, "policy"),
    ("interpretation.no_rich_format", "解读形式单一", Kind.DEDUCTION, "policy"),
    ("policy.no_doc_number", "文件未标注文号", Kind.DEDUCTION, "policy"),
    ("policy.expired_unmarked", "失效文件未标注", Kind.DEDUCTION, "policy"),
    ("guide.missing", "缺少政府信息公开指南", Kind.DEDUCTION, "guide"),
    ("guide.mismatch", "指南内容不符", Kind.DEDUCTION, "guide"),
    ("search.broken", "站内搜索不可用", Kind.DEDUCTION, "search"),
    ("content.typo", "错别字/严重表述错误", Kind.DEDUCTION, "typo"),
    ("security.hidden_link", "暗链", Kind.VETO, "hidden_links"),
    ("security.no_https", "未使用HTTPS", Kind.ADVISORY, "availability"),
)

CATALOGUE: dict[str, Indicator] = {row[0]: Indicator(*row) for row in _ROWS}


def indicator(indicator_id: str) -> Indicator:
    """Return the catalogue row for an id, raising KeyError with the id when it is unknown."""
    try:
        return CATALOGUE[indicator_id]
    except KeyError:
        raise KeyError(f"未知指标编号: {indicator_id}") from None
