"""Verdicts, scores and pass rates."""

from checker.results import Finding, Severity, SiteResult, Verdict
from checker.rules import RuleSet
from checker.scoring import pass_rate, score_findings


def finding(indicator: str, severity: Severity) -> Finding:
    return Finding(indicator=indicator, severity=severity, title="t", detail="d")


def test_no_findings_scores_100() -> None:
    score = score_findings([], RuleSet())
    assert (score.verdict, score.score) == (Verdict.PASS, 100)


def test_veto_fails_unscored_with_reason() -> None:
    findings = [finding("home.not_updated", Severity.VETO), finding("footer.identifier_missing", Severity.DEDUCTION)]
    score = score_findings(findings, RuleSet())
    assert score.verdict is Verdict.FAIL
    assert score.score is None
    assert score.veto_reasons == ["首页不更新（home.not_updated）"]


def test_deductions_are_capped_per_indicator() -> None:
    rules = RuleSet.model_validate({"deductions": {"column.not_updated": {"points": 2, "cap": 5}}})
    findings = [finding("column.not_updated", Severity.DEDUCTION)] * 4 + [
        finding("newmedia.qr_invalid", Severity.DEDUCTION)
    ]
    score = score_findings(findings, rules)
    assert score.deductions == {"column.not_updated": 5, "newmedia.qr_invalid": 1}
    assert score.score == 94
    assert score.verdict is Verdict.PASS


def test_below_pass_mark_fails() -> None:
    rules = RuleSet.model_validate({"pass_score": 99})
    score = score_findings([finding("newmedia.qr_invalid", Severity.DEDUCTION)] * 2, rules)
    assert (score.verdict, score.score) == (Verdict.FAIL, 98)


def test_advisory_costs_nothing() -> None:
    assert score_findings([finding("availability.unreachable", Severity.ADVISORY)], RuleSet()).score == 100


def test_pass_rate_two_decimals() -> None:
    sites = [
        SiteResult(name=str(i), unit="u", kind="portal", url="http://x/", verdict=Verdict.PASS, score=100)
        for i in range(20)
    ] + [SiteResult(name="f", unit="u", kind="portal", url="http://x/", verdict=Verdict.FAIL, score=None)]
    rate = pass_rate(sites)
    assert (rate.passed, rate.total, rate.percent) == (20, 21, 95.24)
    assert rate.describe() == "20/21（合格率 95.24%）"
