"""Rule schemes as data (national and local), and the rule each finding cites."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.context import SiteOutcome
from checker.engine import _site_result
from checker.results import Severity
from checker.rulecite import cite_rule, rule_of, with_rules
from checker.rules import RuleSet
from checker.scenario import ScenarioError, load_suite, parse_suite
from checker.schemes import SCHEME_DIR, load_scheme_data, scheme_names
from tests.document_sample import finding

SITES = "sites: [{name: 示例市教育局, unit: 示例市教育局, url: 'http://127.0.0.1:8765/bm/jyj/'}]\n"


def test_national_scheme_file_equals_the_built_in_defaults() -> None:
    assert RuleSet.model_validate(load_scheme_data(SCHEME_DIR / "national.yaml")) == RuleSet()
    assert {"national", "example-local"} <= set(scheme_names())


def test_local_scheme_with_suite_overrides() -> None:
    suite = parse_suite("suite: 抽查\nrules:\n  scheme: example-local\n  pass_score: 85\n"
                        "  deductions: {content.typo: {points: 3, cap: 9}}\n" + SITES, "s.yaml")
    rules = suite.rules
    assert rules.name.startswith("示例省") and rules.pass_score == 85
    assert rules.freshness.column_max_age["dynamic"] == "7d" and rules.freshness.column_max_age["notice"] == "6m"
    assert rules.deductions["column.not_updated"].points == 3  # from the scheme
    assert rules.deductions["content.typo"].points == 3 and rules.deductions["search.broken"].points == 5
    assert not rules.enabled("link.broken")


def test_scheme_given_as_a_path_beside_the_scenario_and_its_errors_name_its_line(tmp_path: Path) -> None:
    (tmp_path / "本省.yaml").write_text("name: 本省细则\npass_score: 70\nfreshnes:\n  home_max_age: 7d\n", "utf-8")
    scenario = tmp_path / "suite.yaml"
    scenario.write_text("suite: 抽查\nrules: {scheme: 本省.yaml}\n" + SITES, "utf-8")
    with pytest.raises(ScenarioError, match=r"本省\.yaml:3: freshnes: 不认识的键"):
        load_suite(scenario)
    (tmp_path / "本省.yaml").write_text("name: 本省细则\npass_score: 70\n", "utf-8")
    assert load_suite(scenario).rules.pass_score == 70


def test_unknown_scheme_names_the_scenario_line() -> None:
    with pytest.raises(ScenarioError, match=r"s\.yaml:3: rules\.scheme: 找不到检查方案 '不存在'"):
        parse_suite("suite: 抽查\nrules:\n  scheme: 不存在\n" + SITES, "s.yaml")


@pytest.mark.parametrize(("indicator", "severity", "words"), [
    ("column.not_updated", Severity.DEDUCTION, ["动态要闻类14天", "每项扣2分，最多扣20分", "未达到否决数量"]),
    ("home.not_updated", Severity.VETO, ["首页应在14天内有更新", "单项否决"]),
    ("availability.unreachable", Severity.VETO, ["15秒", "≥5%"]),
    ("content.typo", Severity.ADVISORY, ["提示项，不扣分"]),
    ("search.broken", Severity.DEDUCTION, ["每项扣5分，最多扣5分"]),
])
def test_rule_citation_names_threshold_and_weight(indicator: str, severity: Severity, words: list[str]) -> None:
    text = cite_rule(indicator, severity, RuleSet())
    assert text.startswith("国家《政府网站与政务新媒体检查指标》（默认）") and f"（{indicator}）" in text
    for word in words:
        assert word in text


def test_citation_follows_the_local_scheme() -> None:
    rules = parse_suite("suite: 抽查\nrules: {scheme: example-local}\n" + SITES, "s.yaml").rules
    text = cite_rule("column.not_updated", Severity.DEDUCTION, rules)
    assert "动态要闻类7天" in text and "每项扣3分，最多扣30分" in text and text.startswith("示例省")


def test_engine_fills_rules_and_drops_indicators_the_scheme_does_not_apply() -> None:
    suite = parse_suite("suite: 抽查\nrules: {scheme: example-local}\n" + SITES, "s.yaml")
    outcome = SiteOutcome()
    outcome.findings = [finding("link.broken", "失效链接"), finding("column.not_updated", "教育动态")]
    result = _site_result(suite.sites[0], outcome, suite.rules)
    assert [f.indicator for f in result.findings] == ["column.not_updated"]
    assert "每项扣3分" in result.findings[0].rule and result.score == 97
    kept = finding("column.empty", "专项工作").model_copy(update={"rule": "judge's own"})
    assert with_rules([kept], RuleSet())[0].rule == "judge's own"
    assert "（column.empty）" in rule_of(finding("column.empty", "专项工作"))
