"""The test items of the govcheck pytest plugin and the pure rule that decides each item's outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from checker.context import CheckFamily
from checker.results import CheckStatus, Finding, Severity, SiteResult, Verdict
from checker.rulecite import rule_of


class FindingsFailed(Exception):
    """A site × family item found problems; the message lists them with rule and evidence."""


@dataclass
class ItemOutcome:
    """What one item concludes: ``passed``, ``failed`` or ``skipped``, why, and the evidence to attach."""

    status: str
    message: str
    evidence: list[str] = field(default_factory=list)


def _describe(finding: Finding) -> str:
    shots = ", ".join(item.path for item in finding.evidence) or "无截图"
    return (f"- [{finding.indicator}] {finding.title}：{finding.detail}\n  依据：{rule_of(finding)}\n"
            f"  页面：{finding.url or '—'}\n  证据：{shots}")


def item_outcome(site: SiteResult, family: CheckFamily | None) -> ItemOutcome:
    """Decide an item from the site's result: a family fails on its vetoes and deductions; the verdict item
    fails when the site is 不合格; a family that was skipped is skipped, one that erred fails."""
    if family is None:
        evidence = [e.path for f in site.findings if f.severity is Severity.VETO for e in f.evidence]
        if site.verdict is Verdict.PASS:
            return ItemOutcome("passed", f"合格，得分 {site.score:g}" if site.score is not None else "合格")
        why = "；".join(site.veto_reasons) or f"得分 {site.score:g}，低于合格分数线"
        return ItemOutcome("failed", f"{site.name} 不合格：{why}", evidence)
    record = next((check for check in site.checks if check.check == family.name), None)
    problems = [f for f in site.findings if f.indicator in family.indicators and f.severity is not Severity.ADVISORY]
    evidence = [item.path for f in problems for item in f.evidence]
    if problems:
        text = "\n".join(_describe(f) for f in problems)
        return ItemOutcome("failed", f"{site.name}：{family.label}发现问题{len(problems)}个\n{text}", evidence)
    if record is None:
        return ItemOutcome("skipped", f"{family.label}：本次运行没有这项检查的记录")
    if record.status is CheckStatus.SKIPPED:
        return ItemOutcome("skipped", f"{family.label}未检查：{record.note}")
    if record.status is CheckStatus.ERROR:
        return ItemOutcome("failed", f"{family.label}出错：{record.note}")
    return ItemOutcome("passed", record.note)


class SiteItem(pytest.Item):
    """One site × check family (or the site's verdict when ``family`` is None)."""

    def __init__(self, *, index: int, family: CheckFamily | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.index = index
        self.family = family
        self.evidence: list[str] = []

    def runtest(self) -> None:
        """Read the (shared) run's result for this site and apply :func:`item_outcome`."""
        site = self.parent.site_result(self.index)  # type: ignore[union-attr]
        outcome = item_outcome(site, self.family)
        self.evidence = outcome.evidence
        out_dir = self.parent.parent.out_dir()  # type: ignore[union-attr]
        for path in outcome.evidence:
            self.user_properties.append(("evidence", str(out_dir / path)))
        self.add_report_section("call", "govcheck", f"{outcome.message}\n报告：{out_dir / 'report.html'}")
        if outcome.status == "skipped":
            pytest.skip(outcome.message)
        if outcome.status == "failed":
            raise FindingsFailed(outcome.message)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        """Findings are shown as their Chinese list, not as a traceback."""
        if isinstance(excinfo.value, FindingsFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)  # type: ignore[arg-type]

    def reportinfo(self) -> tuple[Any, int, str]:
        """Where the item comes from: the scenario file and the item's name."""
        return self.path, 0, self.name
