"""Run the demo suite against a deliberately flaky demo server and compare the findings with the ground truth.

A CI-friendly check that govcheck survives flaky government servers (issue #13)::

    from checker.demo.faults import FaultPlan
    from checker.demo.fault_run import run_demo_under_faults

    result, comparison, seconds = run_demo_under_faults(FaultPlan.even(0.1, seed=7), Path("out/faults-10"))
    assert comparison.exact, comparison.as_dict()

The demo server runs in this process on a free port of 127.0.0.1 with the plan; the demo suite
(checker/demo/suite.yaml, its URLs rebased to that port) is run with :func:`checker.engine.run_suite` (on a
thread of its own, so callers with a running event loop may call it too). A fault plan counts requests and
logs faults as they come: give each run a plan of its own (:meth:`FaultPlan.fresh`), then read its
:meth:`~FaultPlan.counts` and :attr:`~FaultPlan.log`.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from pathlib import Path
from typing import NamedTuple

from checker.demo.faults import Fault, FaultPlan
from checker.demo.server import DemoServer
from checker.demo.truth import Comparison, compare_items, compare_with_ground_truth, reported_from_json
from checker.results import RunResult
from checker.scenario import RetestSettings, Suite

__all__ = [
    "DEMO_BASE",
    "Comparison",
    "Fault",
    "FaultPlan",
    "FaultRun",
    "compare_items",
    "compare_with_ground_truth",
    "demo_suite_at",
    "demo_suite_text",
    "reported_from_json",
    "run_demo_under_faults",
]

DEMO_BASE = "http://127.0.0.1:8765/"
"""The base URL the bundled suite.yaml is written for (``govcheck demo`` rebases it to the real port)."""


class FaultRun(NamedTuple):
    """One demo run under faults: the result, its comparison with the ground truth and the run's wall seconds
    (the suite run only, not the server's start-up)."""

    result: RunResult
    comparison: Comparison
    seconds: float


def demo_suite_text(base_url: str) -> str:
    """The bundled suite.yaml with every demo URL on ``base_url`` (for a ``govcheck run`` in another process)."""
    from importlib import resources

    text = resources.files("checker.demo").joinpath("suite.yaml").read_text(encoding="utf-8")
    return text.replace(DEMO_BASE, base_url)


def demo_suite_at(base_url: str) -> Suite:
    """The bundled demo suite pointed at a demo server on ``base_url``, as ``govcheck demo`` loads it."""
    from checker.cli import DEMO_BASE as CLI_DEMO_BASE
    from checker.cli import demo_suite

    return demo_suite().rebase(CLI_DEMO_BASE, base_url)


def run_demo_under_faults(
    plan: FaultPlan | None,
    out_dir: Path,
    *,
    browser_path: str | None = None,
    implemented: Collection[str] | None = None,
    without_retests: bool = False,
) -> FaultRun:
    """Start a demo server with ``plan`` (None: no faults), run the demo suite against it into ``out_dir``
    (results.json, report and evidence) and compare the findings with the ground truth (``implemented``: the
    judged indicators, by default this code's). Returns (result, comparison, seconds)."""
    from checker.engine import RunOptions, run_suite_in_thread

    with DemoServer(port=0, faults=plan) as server:
        suite = demo_suite_at(server.base_url)
        if without_retests:
            suite = suite_without_retests(suite)
        started = time.monotonic()
        result = run_suite_in_thread(suite, RunOptions(Path(out_dir), browser_path=browser_path))
        seconds = time.monotonic() - started
    return FaultRun(result, compare_with_ground_truth(result, implemented), seconds)


def suite_without_retests(suite: Suite) -> Suite:
    """The suite with every re-test switched off: one look per probe, the home page opened once, the link
    checker's single retry only (the baseline of the re-tests' cost on a clean run)."""
    settings = suite.settings.model_copy(update={"retest": RetestSettings(attempts=1, spread_seconds=0)})
    availability = suite.rules.availability.model_copy(update={"attempts_after_failure": 0})
    rules = suite.rules.model_copy(update={"availability": availability})
    return suite.model_copy(update={"settings": settings, "rules": rules})
