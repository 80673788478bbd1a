"""Age rules and rule-set overrides."""

from datetime import date

import pytest
from pydantic import ValidationError

from checker.rules import ColumnClass, RuleSet, age_cutoff, describe_age


@pytest.mark.parametrize(
    ("as_of", "spec", "expected"),
    [
        (date(2020, 11, 6), "14d", date(2020, 10, 23)),
        (date(2020, 11, 6), "6m", date(2020, 5, 6)),
        (date(2020, 11, 6), "1y", date(2019, 11, 6)),
        (date(2020, 8, 31), "6m", date(2020, 2, 29)),
        (date(2021, 1, 15), "3m", date(2020, 10, 15)),
        (date(2020, 3, 1), "1d", date(2020, 2, 29)),
    ],
)
def test_age_cutoff(as_of: date, spec: str, expected: date) -> None:
    assert age_cutoff(as_of, spec) == expected


def test_describe_age() -> None:
    assert [describe_age(s) for s in ("14d", "6m", "1y")] == ["14天", "6个月", "1年"]


def test_bad_age_rejected() -> None:
    with pytest.raises(ValidationError):
        RuleSet.model_validate({"freshness": {"home_max_age": "two weeks"}})


def test_partial_overrides_keep_defaults() -> None:
    rules = RuleSet.model_validate(
        {"freshness": {"column_max_age": {"dynamic": "7d"}}, "deductions": {"column.empty": {"points": 5, "cap": 5}}}
    )
    assert rules.freshness.column_max_age[ColumnClass.DYNAMIC] == "7d"
    assert rules.freshness.column_max_age[ColumnClass.NOTICE] == "6m"
    assert rules.deductions["column.empty"].points == 5
    assert rules.deductions["footer.identifier_missing"].points == 1


def test_unknown_indicator_in_rules_rejected() -> None:
    with pytest.raises(ValidationError, match="未知指标编号"):
        RuleSet.model_validate({"deductions": {"column.stale": {"points": 1, "cap": 1}}})
    with pytest.raises(ValidationError, match="未知指标编号"):
        RuleSet.model_validate({"disabled": ["nope"]})
