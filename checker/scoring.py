"""Verdicts, scores and pass rates: pure functions of findings and the rule set."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from checker.catalogue import indicator
from checker.results import Finding, Severity, SiteResult, Verdict
from checker.rules import RuleSet


@dataclass(frozen=True)
class Score:
    """A site's verdict, its score (None when a veto item decides), and the veto reasons."""

    verdict: Verdict
    score: float | None
    veto_reasons: list[str]
    deductions: dict[str, float]


def score_findings(findings: Sequence[Finding], rules: RuleSet) -> Score:
    """Any veto finding fails the site unscored; else 100 minus capped deductions, failing below the pass mark."""
    vetoes = Counter(f.indicator for f in findings if f.severity is Severity.VETO)
    if vetoes:
        reasons = [
            f"{indicator(key).name}（{key}）" + (f"：{count}项" if count > 1 else "")
            for key, count in vetoes.items()
        ]
        return Score(Verdict.FAIL, None, reasons, {})
    taken: dict[str, float] = {}
    for finding in findings:
        rule = rules.deductions.get(finding.indicator)
        if finding.severity is not Severity.DEDUCTION or rule is None:
            continue
        points = rule.points if finding.points is None else finding.points
        taken[finding.indicator] = taken.get(finding.indicator, 0.0) + points
    deductions = {key: round(min(total, rules.deductions[key].cap), 2) for key, total in taken.items()}
    score = round(max(0.0, 100.0 - sum(deductions.values())), 2)
    verdict = Verdict.PASS if score >= rules.pass_score else Verdict.FAIL
    return Score(verdict, score, [], deductions)


@dataclass(frozen=True)
class PassRate:
    """How many sites passed out of how many, and the rate in percent (two decimals)."""

    passed: int
    total: int

    @property
    def percent(self) -> float:
        """The pass rate as a percentage rounded to two decimals (20 of 21 → 95.24)."""
        return round(100.0 * self.passed / self.total, 2) if self.total else 0.0

    def describe(self) -> str:
        """合格率 wording for reports and the terminal."""
        return f"{self.passed}/{self.total}（合格率 {self.percent:.2f}%）"


def pass_rate(sites: Sequence[SiteResult]) -> PassRate:
    """The suite's pass rate."""
    return PassRate(sum(1 for site in sites if site.verdict is Verdict.PASS), len(sites))
