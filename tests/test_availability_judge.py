"""站点无法访问 from this run's looks alone: a home page that opens on a later look is not unreachable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from checker.checks.availability import Probe, judge_availability
from checker.results import Severity
from checker.rules import RuleSet

T0 = datetime(2026, 11, 30, 2, 0, 0, tzinfo=UTC)


def test_a_home_page_that_fails_once_and_then_opens_is_not_unreachable() -> None:
    probes = [Probe(False, 0.1, "连接被重置", None, T0), Probe(True, 0.3, "", 200, T0 + timedelta(seconds=5))]
    assert judge_availability(probes, RuleSet(), url="http://a/") is None


def test_repeated_failures_across_the_looks_are_a_veto_that_says_when() -> None:
    probes = [Probe(False, 0.1, "页面返回 HTTP 503", 503, T0 + timedelta(seconds=5 * n)) for n in range(3)]
    finding = judge_availability(probes, RuleSet(), url="http://a/")
    assert finding is not None and finding.severity is Severity.VETO
    assert "探测首页3次（10:00:00 至 10:00:10，间隔共10秒），均未打开" in finding.detail
    assert "未使用7天监测数据" in finding.detail
    assert finding.seen_at == T0 + timedelta(seconds=10)


def test_a_single_look_without_retest_is_not_a_veto() -> None:
    finding = judge_availability([Probe(False, 15.0, "超时", None, T0)], RuleSet(), url="http://a/")
    assert finding is not None and finding.severity is Severity.ADVISORY
    assert "仅探测1次且未复测" in finding.detail


def test_with_the_probe_store_the_share_over_the_window_decides() -> None:
    week = [Probe(True, 1.0)] * 98 + [Probe(False, 15.0, "超时"), Probe(True, 1.0)]
    finding = judge_availability(week, RuleSet(), url="http://a/", monitored=True)
    assert finding is not None and finding.severity is Severity.ADVISORY  # 1 of 100 is below 5%
