"""The demo behind a flaky server: 10% of requests reset, answered 503 or stalled (fixed seed), and the run
reports exactly the clean ground truth — no finding invented from a failed look, none lost to one."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.checks.registry import FAMILIES
from checker.demo.fault_run import FaultRun, run_demo_under_faults
from checker.demo.faults import FaultPlan
from checker.results import CheckStatus
from checker.scenario import RetestSettings

pytestmark = pytest.mark.browser

SEED = 7
Flaky = tuple[FaultPlan, FaultRun, Path]


@pytest.fixture(scope="module")
def flaky_run(tmp_path_factory: pytest.TempPathFactory) -> Flaky:
    plan = FaultPlan.even(0.10, seed=SEED)
    out_dir = tmp_path_factory.mktemp("flaky-demo")
    run = run_demo_under_faults(plan, out_dir)
    return plan, run, out_dir


def test_the_server_really_failed_a_tenth_of_the_requests(flaky_run: Flaky) -> None:
    plan, _, _ = flaky_run
    counts = plan.counts()
    injected = counts["reset"] + counts["error"]
    assert counts["requests"] > 500 and injected / counts["requests"] > 0.05, counts


def _blinded(plan: FaultPlan, run: FaultRun) -> set[tuple[str, str]]:
    """(site, check) pairs where a look still failed after every re-test and the server really faulted that
    page, or a script, style or data request it asked for, at least once per look: the run could not see,
    and says so (未能核查)."""
    attempts = RetestSettings().attempts
    return {(site.name, check.check) for site in run.result.sites for check in site.checks
            for item in check.unverified
            if len(item.attempts) >= attempts and plan.faults_seen_by(item.url) >= attempts}


def test_ten_percent_faults_give_exactly_the_clean_ground_truth(flaky_run: Flaky) -> None:
    """Nothing invented from a failed look; nothing lost to one either. A finding may be missing only where
    the server failed that page, or what it asked for, on every look (a fixed seed can draw that: with this
    seed the interview list's 2nd to 4th requests are all reset, and the 交通动态 list's page and script fail
    on all three looks), and then the run must say it could not verify. At most two such looks may go blind."""
    plan, run, _ = flaky_run
    assert not run.comparison.false, f"invented by failed looks: {sorted(run.comparison.false)}"
    check_of = {indicator: family.name for family in FAMILIES for indicator in family.indicators}
    blinded = _blinded(plan, run)
    unexplained = {(site, indicator, target) for site, indicator, target in run.comparison.lost
                   if (site, check_of.get(indicator, "")) not in blinded}
    lost_sites = {site for site, _, _ in unexplained}
    coverage = [(site.name, check.check, check.status.value, check.note[:160],
                 [(item.what, item.reason) for item in check.unverified])
                for site in run.result.sites if site.name in lost_sites for check in site.checks
                if check.status is not CheckStatus.DONE or check.unverified]
    assert not unexplained, f"lost to failed looks: {sorted(unexplained)}; coverage: {coverage}"
    blinded_looks = {(site, check_of.get(indicator, "")) for site, indicator, _ in run.comparison.lost}
    assert len(blinded_looks) <= 2, f"too much left unverified: {sorted(run.comparison.lost)}"


def test_no_check_errs_and_the_run_log_keeps_what_failed(flaky_run: Flaky) -> None:
    _, run, out_dir = flaky_run
    errors = [(site.name, check.check, check.note) for site in run.result.sites for check in site.checks
              if check.status is CheckStatus.ERROR]
    assert not errors
    assert "稍后复测" in (out_dir / "run.log").read_text(encoding="utf-8")  # the walk's failed looks, re-tested
