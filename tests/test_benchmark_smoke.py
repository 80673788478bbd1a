"""The benchmarks' generators, measuring tools and entry points work (on tiny sites; the real runs are by hand)."""

from __future__ import annotations

import json
import os
import re
import sys
import threading
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest

from benchmarks.bench_faults import build_parser as build_fault_parser
from benchmarks.bench_faults import compare_results_file
from benchmarks.bench_faults import relate_to_clean as relate_fault_runs_to_clean
from benchmarks.bench_faults import run_figures as run_fault_figures
from benchmarks.bench_faults import summary as fault_summary
from benchmarks.bench_publishing import run
from benchmarks.govcheck_run import Limits, crawl_site
from benchmarks.link_site import LinkSiteServer, build_site
from benchmarks.linkchecker_run import VENV, parse_csv, run_linkchecker
from benchmarks.policy_site import PolicySiteServer, generate_site
from benchmarks.proctree import run_measured
from checker.cli import DEMO_BASE
from checker.demo.fault_run import demo_suite_text
from checker.demo.faults import FaultPlan
from checker.demo.truth import compare_items, compare_with_ground_truth, seeded
from checker.results import Finding, RunResult, Severity, SiteResult, Verdict, write_results


def test_generator_seeds_missing_numbers_and_expired_files() -> None:
    site = generate_site(250)
    assert len([p for p in site if p.startswith("/zcwj/t")]) == 250
    assert "/zcwj/index_2.html" in site and "/zcwj/index_3.html" not in site
    assert "下一页" in site["/zcwj/index_1.html"].decode() and "下一页" not in site["/zcwj/index_2.html"].decode()
    assert "<td></td>" in site["/zcwj/t9.html"].decode()
    assert "2016年01月01日至2019年12月31日" in site["/zcwj/t24.html"].decode()


def test_server_answers_the_generated_pages() -> None:
    with PolicySiteServer(20) as server, urlopen(server.detail_urls()[3]) as response:
        assert "基府办〔2020〕4号" in response.read().decode("utf-8")


@pytest.mark.browser
def test_benchmark_entry_point_on_a_small_site() -> None:
    out: dict[str, dict] = {}
    thread = threading.Thread(target=lambda: out.update(report=run(26, 4, 4)))
    thread.start()
    thread.join()
    report = out["report"]
    assert report["fetched_pages"] == 26 and report["rendered_pages"] == 4
    assert report["fetched_pages_per_second"] > 0 and report["rendered_pages_per_second"] > 0
    end_to_end = report["end_to_end"]
    assert end_to_end["findings"] == end_to_end["expected"]
    assert "读取详情页26件/共26件" in end_to_end["note"]


def _targets(html: str) -> list[str]:
    """Every href, src and data-src in a page, in order."""
    return re.findall(r"(?:href|src|data-src)='([^']+)'", html)


def test_link_site_ground_truth_matches_its_pages() -> None:
    site = build_site(60, 8123)
    assert site == build_site(60, 8123) and build_site(60, 8123, seed=7).resources != site.resources
    occurrences, reached, level = 0, {site.base + "/"}, [site.base + "/"]
    for _ in range(site.max_depth + 1):
        following = []
        for url in level:
            links = [t if "://" in t else site.base + t for t in _targets(site.resources[url[len(site.base):]]
                                                                          .body.decode())]
            occurrences += len(links)
            following += [u for u in links if u in site.html_pages and u not in reached]
            reached.update(following)
        level = list(dict.fromkeys(following))
    assert not level and reached == site.html_pages and len(site.html_pages) == 60 + len(
        [u for u in site.slow if u.endswith(".html")])
    assert occurrences == site.links_total and 9 * 60 < site.links_total < 12 * 60
    assert {status for status in site.broken.values()} == {403, 404, 410}
    assert set(site.server_errors.values()) == {500, 502, 503}
    assert all(0.5 <= delay <= 2.0 for delay in site.slow.values()) and site.external
    assert site.failing <= site.unique_links and not site.failing & set(site.ok_urls(10_000))


def test_link_site_server_answers_the_seeded_statuses() -> None:
    with LinkSiteServer(30) as site:
        for url, status in {**site.broken, **site.server_errors}.items():
            request = Request(url.replace("localhost", "127.0.0.1"), method="HEAD")
            with pytest.raises(HTTPError) as answer:
                urlopen(request, timeout=5)
            assert answer.value.code == status
        with urlopen(site.base + "/p5.html", timeout=5) as response:
            assert response.headers["LinkChecker"] and "/p16.html" in response.read().decode()


def test_process_tree_peak_counts_children() -> None:
    child = "import time; b = bytearray(96 << 20); time.sleep(0.6)"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}])"
    measured = run_measured([sys.executable, "-c", parent], interval=0.05)
    assert measured.returncode == 0 and measured.peak_processes >= 2
    assert measured.peak_rss_bytes > 96 << 20 and measured.peak_pss_bytes > 90 << 20


def test_linkchecker_csv_is_counted_per_unique_url() -> None:
    text = ("# LinkChecker CSV\nparentname;result;valid;url\n;200 OK;True;http://a/\n"
            "http://a/;200 OK;True;http://a/x\nhttp://a/y;200 OK;True;http://a/x\n"
            "http://a/;404 Not Found;False;http://a/gone\n# Stopped checking\n")
    assert parse_csv(text) == {"rows": 4, "unique_links": 3, "invalid": ["http://a/gone"]}


@pytest.mark.browser
@pytest.mark.parametrize("mode", ["fetch", "render"])
def test_govcheck_links_finds_exactly_the_seeded_failures(mode: str) -> None:
    with LinkSiteServer(30) as site:
        run = crawl_site(site.base + "/", site.max_depth + 2, Limits(tabs=2, browser_path=os.environ.get(
            "GOVCHECK_CHROMIUM"), mode=mode))
    assert run.failing == site.failing
    assert run.checked == site.unique_links and run.summary["links_found"] == site.links_total
    # Rendering runs Chromium (several processes); fetch mode needs no browser to read pages.
    assert run.measured.peak_processes >= (3 if mode == "render" else 1) and run.measured.peak_pss_bytes > 0


@pytest.mark.skipif(not (VENV / "bin" / "linkchecker").exists(), reason="LinkChecker venv not installed")
def test_linkchecker_baseline_reports_the_seeded_failures() -> None:
    with LinkSiteServer(30) as site:
        _measured, counted = run_linkchecker(VENV / "bin" / "linkchecker", site.base + "/", 4)
    assert set(counted["invalid"]) == site.failing


def _synthetic_result(findings: dict[str, list[tuple[str, str]]]) -> RunResult:
    """A run result with the given (indicator, target) findings per site name, nothing else."""
    moment = datetime(2020, 11, 6, 10, tzinfo=UTC)
    sites = [SiteResult(name=name, unit=name, kind="portal", url="http://127.0.0.1:1/", verdict=Verdict.FAIL,
                        score=90, findings=[Finding(indicator=indicator, severity=Severity.DEDUCTION, title="t",
                                                    detail="d", target=target) for indicator, target in items])
             for name, items in findings.items()]
    return RunResult(suite="示例", as_of=date(2020, 11, 6), started_at=moment, finished_at=moment, sites=sites)


def test_fault_bench_reads_its_options() -> None:
    args = build_fault_parser().parse_args(["--rates", "0,5%,0.2", "--seeds", "7,8", "--ref", "b0dbbd1",
                                            "--baseline", "HEAD~1", "--subprocess"])
    assert args.rates == [0.0, 0.05, 0.2] and args.seeds == [7, 8] and args.refs == ["b0dbbd1", "HEAD~1"]
    assert args.subprocess and args.current and args.stall_seconds == 4.0
    defaults = build_fault_parser().parse_args([])
    assert defaults.rates == [0.0, 0.05, 0.1, 0.2] and defaults.seeds == [7] and defaults.refs == []
    for bad in (["--rates", "150%"], ["--rates", "x"], ["--seeds", "a"]):
        with pytest.raises(SystemExit):
            build_fault_parser().parse_args(bad)


def test_fault_bench_compares_a_synthetic_result_with_the_ground_truth(tmp_path: Path) -> None:
    judged = {"availability.unreachable", "column.not_updated"}
    expected = seeded(judged)
    assert ("示例市住房和城乡建设局", "availability.unreachable", "/bm/zjj/") in expected
    lost = ("示例市人民政府门户网站", "column.not_updated", "规划计划")
    kept = sorted(expected - {lost})
    assert len(kept) == len(expected) - 1
    by_site: dict[str, list[tuple[str, str]]] = {}
    for site, indicator, target in kept:
        url = "http://127.0.0.1:9/bm/zjj/" if target == "/bm/zjj/" else target  # URLs compare by path
        by_site.setdefault(site, []).append((indicator, url))
    by_site.setdefault("示例市教育局", []).append(("column.not_updated", "不存在的栏目"))
    result = _synthetic_result(by_site)
    comparison = compare_with_ground_truth(result, judged)
    assert comparison.lost == {lost}
    assert comparison.false == {("示例市教育局", "column.not_updated", "不存在的栏目")}
    assert len(comparison.found) == len(kept) and not comparison.exact
    assert comparison.as_dict()["lost"] == [{"site": "示例市人民政府门户网站", "indicator": "column.not_updated",
                                            "target": "规划计划"}]
    path = write_results(result, tmp_path)
    assert compare_results_file(path, judged)[0] == comparison  # as another version's results.json is read
    data = json.loads(path.read_text(encoding="utf-8"))
    data["sites"][0]["from_a_later_version"] = True
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    comparison_from_json, _, note = compare_results_file(path, judged)
    assert comparison_from_json == comparison and "按 JSON 直接比较" in note


def test_fault_bench_summary_relates_each_run_to_the_clean_one() -> None:
    plan = FaultPlan.even(0.5, seed=7)
    for n in range(20):
        plan.decide("GET", f"/{n}")
    empty = compare_items(set(), set())
    runs = [run_fault_figures("current", FaultPlan.even(0.0, seed=7), 0.0, empty, 100.0, {}),
            run_fault_figures("current", plan, 0.5, empty, 150.0,
                              {"unchecked": [{"name": "x"}], "sites": [{"name": "s", "checks": [
                                  {"check": "links", "status": "skipped", "unverified": [{"what": "页面"}]}]}]})]
    assert runs[1]["requests"] == 20 and sum(runs[1]["faults"].values()) == len(plan.log) == len(runs[1]["fault_log"])
    assert runs[1]["unchecked_sites"] == ["x"] and runs[1]["unverified_count"] == 1
    assert runs[1]["checks_not_done"] == [{"site": "s", "check": "links", "status": "skipped", "note": ""}]
    relate_fault_runs_to_clean(runs)
    assert runs[1]["checks_not_done_count"] == 1 and runs[1]["checks_not_done_beyond_clean"][0]["check"] == "links"
    lines = fault_summary(runs)
    assert [line["vs_clean"] for line in lines] == [1.0, 1.5] and lines[1]["faults"] == len(plan.log)
    assert DEMO_BASE in (resources.files("checker.demo") / "suite.yaml").read_text(encoding="utf-8")
    assert DEMO_BASE not in demo_suite_text("http://127.0.0.1:4321/")
