"""The demo suite in a real browser against the demo site, compared with its ground truth."""

from __future__ import annotations

import hashlib
import json

import pytest
from PIL import Image, ImageChops, ImageStat

from checker.checks.registry import IMPLEMENTED
from checker.demo.truth import ground_truth, reported, seeded, seeded_items
from checker.results import Severity, Verdict
from tests.conftest import DemoRun

pytestmark = pytest.mark.browser


def test_every_seeded_problem_is_found(demo_run: DemoRun) -> None:
    missed = seeded() - reported(demo_run.result)
    assert not missed, f"seeded problems not found: {sorted(missed)}"


def test_nothing_is_reported_that_was_not_seeded(demo_run: DemoRun) -> None:
    extra = reported(demo_run.result) - seeded()
    assert not extra, f"findings not in the ground truth: {sorted(extra)}"


def test_verdicts_match_ground_truth(demo_run: DemoRun) -> None:
    expected = {
        site["name"]: site["verdict"]
        for site in ground_truth()["sites"]
        if all(item["indicator"] in IMPLEMENTED for item in seeded_items(site))
    }
    assert expected, "no site is fully judged yet"
    actual = {site.name: site.verdict.value for site in demo_run.result.sites}
    assert {name: actual[name] for name in expected} == expected
    assert {Verdict.PASS, Verdict.FAIL} <= {site.verdict for site in demo_run.result.sites}


def test_scores_follow_from_findings(demo_run: DemoRun) -> None:
    for site in demo_run.result.sites:
        vetoed = any(f.severity is Severity.VETO for f in site.findings)
        assert (site.score is None) is vetoed, site.name
        assert bool(site.veto_reasons) is vetoed, site.name
        if not vetoed:
            assert (site.score is not None and site.score < 100) or not site.findings


def test_every_check_ran_or_says_why_not(demo_run: DemoRun) -> None:
    for site in demo_run.result.sites:
        statuses = {record.check: record.status.value for record in site.checks}
        assert "error" not in statuses.values(), (site.name, site.checks)
        assert statuses.get("availability") == "done"


def test_columns_of_every_class_were_read_on_the_portal(demo_run: DemoRun) -> None:
    portal = demo_run.result.sites[0]
    classes = {column.column_class for column in portal.columns}
    assert {"dynamic", "notice", "yearly", "static"} <= classes
    assert len(portal.columns) >= 10


def test_qr_payloads_are_recorded(demo_run: DemoRun) -> None:
    portal = demo_run.result.sites[0]
    assert portal.qr_payloads
    assert all(payload.startswith("http://127.0.0.1:") for payload in portal.qr_payloads)


def test_every_finding_has_hashed_screenshots_that_show_something(demo_run: DemoRun) -> None:
    for site in demo_run.result.sites:
        for finding in site.findings:
            assert finding.evidence, (site.name, finding.indicator, finding.target)
            assert finding.seen_at is not None
            roles = {evidence.role for evidence in finding.evidence}
            assert roles == {"page", "element"}, (site.name, finding.indicator, roles)
            for evidence in finding.evidence:
                path = demo_run.out_dir / evidence.path
                data = path.read_bytes()
                assert hashlib.sha256(data).hexdigest() == evidence.sha256
                with Image.open(path) as image:
                    spread = ImageStat.Stat(image.convert("L")).stddev[0]
                    assert spread > 5, f"blank screenshot {evidence.path}"


def red_pixels(image: Image.Image) -> int:
    """How many pixels are the evidence box's red."""
    red, green, blue = image.convert("RGB").split()
    mask = ImageChops.multiply(
        ImageChops.multiply(red.point(lambda v: 255 if v > 200 else 0), green.point(lambda v: 255 if v < 40 else 0)),
        blue.point(lambda v: 255 if v < 60 else 0),
    )
    return mask.histogram()[255]


def test_element_screenshots_are_boxed_in_red(demo_run: DemoRun) -> None:
    crops = [e for s in demo_run.result.sites for f in s.findings for e in f.evidence if e.role == "element"]
    assert crops
    for evidence in crops:
        with Image.open(demo_run.out_dir / evidence.path) as image:
            assert red_pixels(image) > 100, evidence.path


def test_results_json_is_the_documented_contract(demo_run: DemoRun) -> None:
    data = json.loads((demo_run.out_dir / "results.json").read_text(encoding="utf-8"))
    assert data["schema"] == 1
    assert data["as_of"] == "2020-11-06"
    site = data["sites"][0]
    assert {"name", "unit", "url", "verdict", "score", "findings"} <= site.keys()
    finding = next(f for s in data["sites"] for f in s["findings"])
    assert {"indicator", "severity", "title", "detail", "url", "target", "seen_at", "evidence"} <= finding.keys()
    assert {"kind", "path", "sha256"} <= finding["evidence"][0].keys()
