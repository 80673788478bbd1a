"""The pytest plugin: scenario files named on the command line become site × family items with JUnit XML."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from checker.checks.registry import FAMILIES
from checker.cli import DEMO_BASE
from checker.demo.server import DemoServer
from checker.pytest_items import item_outcome
from checker.results import CheckRecord, CheckStatus, Severity, SiteResult, Verdict
from checker.scenario import load_suite
from tests.document_sample import finding

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = next(f for f in FAMILIES if f.name == "columns")


def pytest_run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run pytest in a child process, as CI would."""
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def _site(**update: object) -> SiteResult:
    site = SiteResult(name="示例市教育局", unit="示例市教育局", kind="channel", url="http://127.0.0.1/bm/jyj/",
                      verdict=Verdict.PASS, score=100,
                      checks=[CheckRecord(check="columns", status=CheckStatus.DONE, note="读取栏目6个")])
    return site.model_copy(update=update)


@pytest.mark.parametrize(("update", "family", "status", "words"), [
    ({}, COLUMNS, "passed", "读取栏目6个"),
    ({"findings": [finding("column.not_updated", "教育动态")]}, COLUMNS, "failed", "依据："),
    ({"findings": [finding("column.not_updated", "教育动态", Severity.ADVISORY)]}, COLUMNS, "passed", ""),
    ({"findings": [finding("home.not_updated", "首页", Severity.VETO)]}, COLUMNS, "passed", ""),
    ({"checks": [CheckRecord(check="columns", status=CheckStatus.SKIPPED, note="首页无法打开")]}, COLUMNS, "skipped",
     "首页无法打开"),
    ({"checks": [CheckRecord(check="columns", status=CheckStatus.ERROR, note="TimeoutError")]}, COLUMNS, "failed",
     "出错"),
    ({"verdict": Verdict.FAIL, "score": None, "veto_reasons": ["首页不更新（home.not_updated）"]}, None, "failed",
     "不合格：首页不更新"),
    ({"verdict": Verdict.FAIL, "score": 55.0}, None, "failed", "得分 55，低于合格分数线"),
    ({}, None, "passed", "合格，得分 100"),
])
def test_item_outcome(update: dict, family: object, status: str, words: str) -> None:
    outcome = item_outcome(_site(**update), family)  # type: ignore[arg-type]
    assert outcome.status == status and words in outcome.message


def test_demo_scenario_collects_site_by_family_items() -> None:
    done = pytest_run("--collect-only", "-q", "scenarios/demo.yaml")
    assert done.returncode == 0, done.stdout + done.stderr
    items = [line for line in done.stdout.splitlines() if line.startswith("scenarios/demo.yaml::")]
    sites = len(load_suite(Path("scenarios/demo.yaml")).sites)
    assert len(items) == sites * (len(FAMILIES) + 1)
    assert "scenarios/demo.yaml::示例市教育局::columns" in items
    assert "scenarios/demo.yaml::示例市教育局::结论" in items


def test_other_yaml_files_are_never_collected() -> None:
    done = pytest_run("--collect-only", "-q", "checker/demo")
    assert "suite.yaml" not in done.stdout and "content_portal" not in done.stdout


@pytest.mark.browser
def test_scenario_run_gives_junit_xml_and_evidence(tmp_path: Path, demo_server: DemoServer) -> None:
    scenario = tmp_path / "一站.yaml"
    scenario.write_text(
        "suite: 示例抽查\nas_of: 2020-11-06\nsites:\n"
        f"  - {{name: 示例市教育局, unit: 示例市教育局, kind: channel, url: '{DEMO_BASE}bm/jyj/'}}\n", "utf-8")
    junit, output = tmp_path / "junit.xml", tmp_path / "out"
    done = pytest_run(str(scenario), f"--junitxml={junit}", "--output", str(output), "--screenshot",
                      "only-on-failure", "--govcheck-rebase", f"{DEMO_BASE}={demo_server.base_url}", "--browser",
                      "chromium", cwd=tmp_path)
    assert done.returncode == 1, done.stdout[-3000:]  # the channel is 不合格 by design
    cases = {case.get("name"): case for case in ET.parse(junit).getroot().iter("testcase")}
    assert all(case.get("classname").endswith("示例市教育局") for case in cases.values())
    verdict = cases["结论"]
    assert "不合格：首页不更新" in verdict.find("failure").get("message")
    columns = cases["columns"]
    assert "column.not_updated" in columns.find("failure").get("message")
    evidence = [p.get("value") for p in columns.iter("property") if p.get("name") == "evidence"]
    assert evidence and all(Path(path).is_file() for path in evidence)
    assert cases["availability"].find("failure") is None
    run_dir = output / "govcheck-一站"
    assert (run_dir / "report.html").is_file() and (run_dir / "manifest.json").is_file()
    copied = [p for p in output.iterdir() if p.name.endswith("columns")]
    assert copied and any(copied[0].glob("*.png"))


def test_a_printed_node_id_selects_that_item() -> None:
    for node_id, count in (("scenarios/demo.yaml::示例市卫生健康委员会::footer", 1),
                           ("scenarios/demo.yaml::示例市卫生健康委员会", len(FAMILIES) + 1)):
        done = pytest_run("--collect-only", "-q", node_id)
        assert done.returncode == 0, done.stdout + done.stderr
        items = [line for line in done.stdout.splitlines() if line.startswith("scenarios/demo.yaml::")]
        assert len(items) == count and all(item.startswith(node_id) for item in items), done.stdout


def test_a_selection_needs_its_sites_and_families_only() -> None:
    from checker.pytest_plugin import needed

    class Picked:
        def __init__(self, index: int, name: str | None) -> None:
            self.index = index
            self.family = next(f for f in FAMILIES if f.name == name) if name else None

    sites, families = needed([Picked(2, "footer"), Picked(0, "newmedia_accounts")], 4)  # type: ignore[list-item]
    assert sites == [0, 2]
    assert [f.name for f in families] == ["availability", "sitemap", "newmedia_qr", "newmedia_accounts", "footer"]
    assert needed([Picked(1, None)], 4) == ([1], FAMILIES)  # a verdict needs every family
    assert needed([], 3) == ([0, 1, 2], FAMILIES)


@pytest.mark.browser
def test_selected_items_run_alone_and_last_failed_reruns_them(tmp_path: Path, demo_server: DemoServer) -> None:
    scenario = tmp_path / "两站.yaml"
    scenario.write_text(
        "suite: 示例抽查\nas_of: 2020-11-06\nsites:\n"
        f"  - {{name: 示例市卫生健康委员会, unit: 示例市卫生健康委员会, kind: department, url: '{DEMO_BASE}bm/wjw/'}}\n"
        f"  - {{name: 示例市教育局, unit: 示例市教育局, kind: channel, url: '{DEMO_BASE}bm/jyj/'}}\n", "utf-8")
    output = tmp_path / "out"
    common = ["-o", f"cache_dir={tmp_path / 'cache'}", "--output", str(output), "--govcheck-rebase",
              f"{DEMO_BASE}={demo_server.base_url}", "-q"]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pytest", *args, *common], capture_output=True, text=True,
                              cwd=tmp_path, timeout=300)

    first = run(f"{scenario.name}::示例市教育局::columns", f"{scenario.name}::示例市教育局::availability")
    assert "1 failed, 1 passed" in first.stdout, first.stdout[-3000:]  # the channel's columns are stale by design
    result = json.loads((output / "govcheck-两站" / "results.json").read_text(encoding="utf-8"))
    assert [site["name"] for site in result["sites"]] == ["示例市教育局"]  # the other site was not visited
    assert {check["check"] for check in result["sites"][0]["checks"]} == {"availability", "sitemap", "columns"}
    again = run(scenario.name, "--lf")
    assert "1 failed" in again.stdout and f"{len(FAMILIES) * 2 + 1} deselected" in again.stdout, again.stdout[-3000:]
