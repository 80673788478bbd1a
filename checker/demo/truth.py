"""The demo's ground truth (``ground_truth.yaml``) and how a run's findings are compared with it.

The rules are those of the demo-run test (tests/test_demo_run.py): a finding is (site name, indicator, target),
URL targets compared by path (the demo runs on a different port each time); the seeded problems are every
site's ``findings`` and ``later`` items whose indicator some registered check family judges.
:func:`compare_with_ground_truth` gives the false findings (reported, not seeded) and the lost ones (seeded,
not reported).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import yaml

from checker.results import RunResult

Item = tuple[str, str, str]
"""A finding as compared: (site name, indicator, comparable target)."""


@cache
def _ground_truth_text() -> str:
    return resources.files("checker.demo").joinpath("ground_truth.yaml").read_text(encoding="utf-8")


def ground_truth() -> dict[str, Any]:
    """The parsed ground_truth.yaml (a fresh copy each call)."""
    return yaml.safe_load(_ground_truth_text())


def comparable_target(target: str) -> str:
    """URL targets are compared by path: the demo runs on a different port each time."""
    return urlsplit(target).path if target.startswith(("http://", "https://")) else target


def reported(result: RunResult) -> set[Item]:
    """Every finding of a run as (site name, indicator, comparable target)."""
    return {(site.name, f.indicator, comparable_target(f.target)) for site in result.sites for f in site.findings}


def reported_from_json(data: dict[str, Any]) -> set[Item]:
    """The same as :func:`reported` from a results.json read as plain JSON (one another version wrote)."""
    return {(site["name"], f["indicator"], comparable_target(f["target"]))
            for site in data.get("sites", []) for f in site.get("findings", [])}


def seeded_items(site: dict[str, Any]) -> list[dict[str, Any]]:
    """Everything seeded on a site, judged yet or not."""
    return [*(site.get("findings") or []), *(site.get("later") or [])]


def seeded(implemented: Collection[str] | None = None) -> set[Item]:
    """The seeded problems of the indicators some registered family judges (``implemented``: another
    version's judged indicators; by default this code's ``IMPLEMENTED``)."""
    if implemented is None:
        from checker.checks.registry import IMPLEMENTED

        implemented = IMPLEMENTED
    return {
        (site["name"], item["indicator"], comparable_target(item["target"]))
        for site in ground_truth()["sites"]
        for item in seeded_items(site)
        if item["indicator"] in implemented
    }


def _rows(items: Iterable[Item]) -> list[dict[str, str]]:
    return [{"site": site, "indicator": indicator, "target": target} for site, indicator, target in sorted(items)]


@dataclass(frozen=True)
class Comparison:
    """A run's findings against the ground truth: ``false`` reported but not seeded, ``lost`` seeded but not
    reported, ``found`` both."""

    false: frozenset[Item]
    lost: frozenset[Item]
    found: frozenset[Item]

    @property
    def exact(self) -> bool:
        """Whether the run reported exactly the seeded problems."""
        return not self.false and not self.lost

    def as_dict(self) -> dict[str, Any]:
        """Counts and the sorted items (site, indicator, target), for JSON."""
        return {"found": len(self.found), "false_count": len(self.false), "lost_count": len(self.lost),
                "false": _rows(self.false), "lost": _rows(self.lost)}


def compare_items(found: set[Item], expected: set[Item]) -> Comparison:
    """Reported items against expected ones."""
    return Comparison(frozenset(found - expected), frozenset(expected - found), frozenset(found & expected))


def compare_with_ground_truth(result: RunResult, implemented: Collection[str] | None = None) -> Comparison:
    """A run's findings against the demo's ground truth, by the rules of the demo-run test."""
    return compare_items(reported(result), seeded(implemented))
