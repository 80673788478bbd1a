"""首页不更新, 栏目不更新, 空白栏目: table-driven judges, no browser."""

from datetime import date

import pytest

from checker.checks.freshness import ColumnObservation, ColumnState, column_findings, judge_column, judge_home
from checker.discover import ColumnCandidate, DatedItem
from checker.results import Severity
from checker.rules import ColumnClass, RuleSet

AS_OF = date(2020, 11, 6)
RULES = RuleSet()


def item(day: date | None, title: str = "标题") -> DatedItem:
    return DatedItem(title, "http://x/a.html", day, day.isoformat() if day else "", "1")


def observe(
    column_class: ColumnClass, days: list[date | None], text: str = "", name: str = "栏目"
) -> ColumnObservation:
    column = ColumnCandidate(name, "http://x/c/", column_class, "导航栏")
    items = tuple(item(day) for day in days)
    return ColumnObservation(column, "http://x/c/", items, text or "正文" * 40, len(text or "正文" * 40))


@pytest.mark.parametrize(
    ("column_class", "newest", "state"),
    [
        (ColumnClass.DYNAMIC, date(2020, 10, 23), ColumnState.FRESH),
        (ColumnClass.DYNAMIC, date(2020, 10, 22), ColumnState.STALE),
        (ColumnClass.NOTICE, date(2020, 5, 6), ColumnState.FRESH),
        (ColumnClass.NOTICE, date(2020, 5, 5), ColumnState.STALE),
        (ColumnClass.YEARLY, date(2019, 11, 6), ColumnState.FRESH),
        (ColumnClass.YEARLY, date(2019, 5, 20), ColumnState.STALE),
    ],
)
def test_column_age_boundaries(column_class: ColumnClass, newest: date, state: ColumnState) -> None:
    judgement = judge_column(observe(column_class, [date(2018, 1, 1), newest]), RULES, AS_OF)
    assert judgement.state is state
    assert judgement.latest is not None and judgement.latest.date == newest


def test_dates_after_as_of_are_ignored() -> None:
    judgement = judge_column(observe(ColumnClass.DYNAMIC, [date(2021, 3, 1), date(2020, 9, 1)]), RULES, AS_OF)
    assert judgement.state is ColumnState.STALE
    assert judgement.latest.date == date(2020, 9, 1)


def test_undated_list_counts_as_not_updated() -> None:
    assert judge_column(observe(ColumnClass.NOTICE, [None, None, None]), RULES, AS_OF).state is ColumnState.UNDATED


@pytest.mark.parametrize("text", ["暂无信息", "栏目建设中，敬请期待", ""])
def test_placeholder_or_blank_page_is_empty(text: str) -> None:
    observation = observe(ColumnClass.DYNAMIC, [], text=text or " ")
    assert judge_column(observation, RULES, AS_OF).state is ColumnState.EMPTY


def test_static_page_with_text_is_fine_and_blank_static_is_empty() -> None:
    assert judge_column(observe(ColumnClass.STATIC, []), RULES, AS_OF).state is ColumnState.STATIC_OK
    assert judge_column(observe(ColumnClass.STATIC, [], text="暂无内容"), RULES, AS_OF).state is ColumnState.EMPTY


def test_single_page_column_uses_dates_in_its_text() -> None:
    text = "示例市国民经济和社会发展第十四个五年规划纲要。发布日期：2020-03-01。" + "正文" * 30
    judgement = judge_column(observe(ColumnClass.YEARLY, [], text=text), RULES, AS_OF)
    assert judgement.state is ColumnState.FRESH


def judged(column_class: ColumnClass, count: int, newest: date) -> list:
    return [judge_column(observe(column_class, [newest], name=f"栏目{i}"), RULES, AS_OF) for i in range(count)]


def test_stale_columns_are_deductions_below_the_veto_count() -> None:
    findings = column_findings(judged(ColumnClass.DYNAMIC, 4, date(2020, 9, 1)), RULES, AS_OF)
    assert len(findings) == 4
    assert {f.severity for f in findings} == {Severity.DEDUCTION}
    assert "2020-09-01" in findings[0].detail and "14天" in findings[0].detail


def test_five_short_class_stale_columns_veto() -> None:
    judgements = judged(ColumnClass.DYNAMIC, 3, date(2020, 9, 1)) + judged(ColumnClass.NOTICE, 2, date(2020, 1, 1))
    findings = column_findings(judgements, RULES, AS_OF)
    assert {f.severity for f in findings} == {Severity.VETO}


def test_yearly_columns_count_only_towards_the_all_columns_threshold() -> None:
    judgements = judged(ColumnClass.DYNAMIC, 4, date(2020, 9, 1)) + judged(ColumnClass.YEARLY, 5, date(2018, 1, 1))
    assert {f.severity for f in column_findings(judgements, RULES, AS_OF)} == {Severity.DEDUCTION}
    judgements += judged(ColumnClass.YEARLY, 1, date(2018, 1, 1))
    assert {f.severity for f in column_findings(judgements, RULES, AS_OF)} == {Severity.VETO}


def test_empty_columns_veto_at_five() -> None:
    empties = [judge_column(observe(ColumnClass.DYNAMIC, [], text="暂无信息", name=f"空{i}"), RULES, AS_OF)
               for i in range(5)]
    assert {f.severity for f in column_findings(empties[:4], RULES, AS_OF)} == {Severity.DEDUCTION}
    findings = column_findings(empties, RULES, AS_OF)
    assert {(f.indicator, f.severity) for f in findings} == {("column.empty", Severity.VETO)}


def test_disabled_indicator_yields_nothing() -> None:
    rules = RuleSet.model_validate({"disabled": ["column.not_updated"]})
    assert column_findings(judged(ColumnClass.DYNAMIC, 2, date(2020, 1, 1)), rules, AS_OF) == []


@pytest.mark.parametrize(
    ("days", "stale"),
    [
        ([date(2020, 10, 23)], False),
        ([date(2020, 10, 22), date(2020, 1, 1)], True),
        ([None, None], True),
        ([], True),
        ([date(2020, 11, 7)], False),  # one day of slack: a page published on the evening of as_of
        ([date(2020, 12, 1), date(2020, 9, 1)], True),
    ],
)
def test_home_page_rule(days: list[date | None], stale: bool) -> None:
    finding = judge_home([item(d) for d in days], RULES, AS_OF, url="http://x/", seen_at=None)
    assert (finding is not None) is stale
    if finding:
        assert finding.severity is Severity.VETO and finding.target == "首页"


def test_findings_say_how_a_citizen_reaches_the_column() -> None:
    reached = ColumnCandidate("规划计划", "http://x/c/", ColumnClass.YEARLY, "栏目菜单", ("政务公开", "规划计划"))
    stale = judge_column(ColumnObservation(reached, "http://x/c/", (item(date(2019, 3, 10)),), "正文" * 40, 80),
                         RULES, AS_OF)
    empty = judge_column(ColumnObservation(reached, "http://x/c/", (), "暂无信息", 4), RULES, AS_OF)
    details = [f.detail for f in column_findings([stale, empty], RULES, AS_OF)]
    assert len(details) == 2 and all("访问路径：首页 › 政务公开 › 规划计划" in d for d in details)
    unknown = judge_column(observe(ColumnClass.YEARLY, [date(2019, 3, 10)]), RULES, AS_OF)
    assert "栏目来源：导航栏" in column_findings([unknown], RULES, AS_OF)[0].detail
