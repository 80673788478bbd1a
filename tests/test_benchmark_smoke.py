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
from benchmarks.bench_links import _versions as link_bench_versions
from benchmarks.bench_links import found_failures, ratio_by_round
from benchmarks.bench_publishing import run
from benchmarks.govcheck_run import Limits, crawl_site, modes_available
from benchmarks.link_site import SCRIPT_FAILURES, LinkSite, LinkSiteServer, build_site
from benchmarks.linkchecker_run import VENV, parse_csv, run_linkchecker
from benchmarks.lychee_run import VENV as LYCHEE_VENV
from benchmarks.lychee_run import lychee_command, parse_report, run_lychee
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


_SCRIPT = re.compile(r"<script.*?</script>", re.DOTALL)
_SCRIPT_PARTS = re.compile(r"<div class='pics'></div><ul class='dyn-list'[^>]*></ul><div class='pagination'></div>"
                           r"|<script.*?</script>", re.DOTALL)


def _targets(html: str) -> list[str]:
    """Every href, src and data-src in a page's elements (not in its scripts' text), in order."""
    return re.findall(r"(?:href|src|data-src)='([^']+)'", _SCRIPT.sub("", html))


def _script_targets(site: LinkSite, html: str) -> list[str]:
    """What a page's script inserts, read from the data it asks for: list items, pagination links, images."""
    source = re.search(r"data-source='([^']+)'|open\('GET', '([^']+)'\)", html)
    if source is None:
        return []
    data = json.loads(site.resources[source.group(1) or source.group(2)].body)
    return [item["url"] for item in data["items"]] + data["pages"] + data["images"]


def _walk(site: LinkSite, with_scripts: bool) -> tuple[set[str], int, set[str]]:
    """Breadth-first from ``/`` over the pages' links (and what their scripts insert): pages reached, link
    occurrences and unique links."""
    occurrences, reached, level, unique = 0, {site.base + "/"}, [site.base + "/"], set()
    for _ in range(site.max_depth + 1):
        following = []
        for url in level:
            html = site.resources[url[len(site.base):]].body.decode()
            targets = _targets(html) + (_script_targets(site, html) if with_scripts else [])
            links = [t if "://" in t else site.base + t for t in targets]
            occurrences += len(links)
            unique.update(links)
            following += [u for u in links if u in site.html_pages and u not in reached]
            reached.update(following)
        level = list(dict.fromkeys(following))
    assert not level
    return reached, occurrences, unique


def test_link_site_ground_truth_matches_its_pages() -> None:
    site = build_site(60, 8123, script_share=0.2)
    assert site == build_site(60, 8123, script_share=0.2)
    assert build_site(60, 8123, seed=7, script_share=0.2).resources != site.resources
    reached, occurrences, unique = _walk(site, with_scripts=False)
    assert reached == site.static_html_pages and len(site.static_html_pages) == 60 + len(
        [u for u in site.slow if u.endswith(".html")])
    assert occurrences == site.static_links_total and unique == site.static_unique_links
    assert 9 * 60 < site.static_links_total < 12 * 60
    reached, occurrences, unique = _walk(site, with_scripts=True)
    assert reached == site.html_pages and len(site.html_pages) == len(site.static_html_pages) + 2 * 12
    assert occurrences == site.links_total and unique == site.unique_links
    assert {status for status in site.broken.values()} == {403, 404, 410}
    assert set(site.server_errors.values()) == {500, 502, 503}
    assert all(0.5 <= delay <= 2.0 for delay in site.slow.values()) and site.external
    assert site.failing <= site.unique_links and not site.failing & set(site.ok_urls(10_000))
    assert set(site.ok_urls(10_000)) <= site.static_unique_links
    # 12 script pages (20% of 60), half with an inline script; one script-only failure of each kind.
    assert len(site.script_pages) == 12 and sorted(site.script_pages.values()).count("inline") == 6
    assert len(site.failing_script) == len(SCRIPT_FAILURES)
    assert site.failing_static | site.failing_script == site.failing
    assert {site.broken.get(u) or site.server_errors[u] for u in site.failing_script} == {404, 503}
    assert any("/list" in u for u in site.failing_script) and any("/dyn/old" in u for u in site.failing_script)
    # A script-only failure is nowhere in the HTML a script-less checker reads, nor in the site's script file.
    static_text = "".join(site.resources[u[len(site.base):]].body.decode() for u in site.static_html_pages)
    static_text += site.resources["/static/dynlist.js"].body.decode()
    assert site.failing_script and not [u for u in site.failing_script if u[len(site.base):] in static_text]
    assert not site.failing_script & site.static_unique_links
    # The data answers after load (50–300 ms), and the static site is the same as a site without scripts.
    delays = [r.delay for path, r in site.resources.items() if path.startswith("/api/")]
    assert len(delays) == 12 and all(0.05 <= delay <= 0.3 for delay in delays)
    plain = build_site(60, 8123, script_share=0.0)
    assert not plain.script_pages and not plain.failing_script and plain.html_pages == site.static_html_pages
    assert (plain.static_links_total, plain.static_unique_links) == (site.static_links_total, site.static_unique_links)
    assert plain.failing == site.failing_static
    for path, resource in plain.resources.items():
        scripted = site.resources[path]
        assert _SCRIPT_PARTS.sub("", scripted.body.decode("latin-1")) == resource.body.decode("latin-1"), path
        assert (scripted.status, scripted.content_type, scripted.delay) == (
            resource.status, resource.content_type, resource.delay)


def test_link_site_server_answers_the_seeded_statuses() -> None:
    with LinkSiteServer(30) as site:
        for url, status in {**site.broken, **site.server_errors}.items():
            request = Request(url.replace("localhost", "127.0.0.1"), method="HEAD")
            with pytest.raises(HTTPError) as answer:
                urlopen(request, timeout=5)
            assert answer.value.code == status
        with urlopen(site.base + "/p5.html", timeout=5) as response:
            assert response.headers["LinkChecker"] and "/p16.html" in response.read().decode()
        with urlopen(site.base + "/api/list0.json", timeout=5) as response:
            assert response.headers["Content-Type"].startswith("application/json") and json.load(response)["items"]


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
@pytest.mark.parametrize("mode", ["fetch", "hybrid", "render"])
def test_govcheck_links_finds_exactly_the_seeded_failures(mode: str) -> None:
    if mode not in modes_available():
        pytest.skip(f"govcheck links does not accept --mode {mode} yet")
    with LinkSiteServer(40, script_share=0.2) as site:
        run = crawl_site(site.base + "/", site.max_depth + 2, Limits(tabs=2, browser_path=os.environ.get(
            "GOVCHECK_CHROMIUM"), mode=mode))
    assert len(site.failing_script) == len(SCRIPT_FAILURES) and len(site.script_pages) == 8
    if mode == "fetch":  # no scripts run: exactly the static site, none of the script-made failures
        assert run.failing == site.failing_static
        assert run.checked == site.static_unique_links and run.summary["links_found"] == site.static_links_total
    elif mode == "hybrid":  # every failure, script-made ones included, rendering only the script pages
        assert run.failing == site.failing, found_failures(run.failing, site)
        assert run.checked == site.unique_links and run.summary["links_found"] == site.links_total
        assert run.summary["pages_rendered"] == len(site.script_pages)
        assert sum(run.summary["render_reasons"].values()) >= len(site.script_pages)  # type: ignore[union-attr]
    else:  # every page rendered: at least everything static, nothing that is not seeded
        assert site.failing_static <= run.failing <= site.failing
        assert site.static_unique_links <= run.checked <= site.unique_links
    # Rendering runs Chromium (several processes); fetch mode needs no browser to read pages.
    assert run.measured.peak_processes >= (1 if mode == "fetch" else 3) and run.measured.peak_pss_bytes > 0


@pytest.mark.skipif(not (VENV / "bin" / "linkchecker").exists(), reason="LinkChecker venv not installed")
def test_linkchecker_baseline_reports_the_seeded_failures() -> None:
    with LinkSiteServer(30) as site:
        _measured, counted = run_linkchecker(VENV / "bin" / "linkchecker", site.base + "/", 4)
    assert site.failing_script and set(counted["invalid"]) == site.failing_static


def test_lychee_report_and_command() -> None:
    report = {"total": 3, "unique": 3, "successful": 1, "errors": 2, "timeouts": 0,
              "error_map": {"/tmp/urls.txt": [{"url": "http://a/gone", "status": {"code": 404}},
                                             {"url": "http://a/busy", "status": {"code": 503}}]}}
    assert parse_report(report) == {"total": 3, "unique_links": 3, "successful": 1, "errors": 2, "timeouts": 0,
                                    "failing": ["http://a/busy", "http://a/gone"]}
    command = lychee_command(Path("lychee"), Path("u.txt"), Path("o.json"), concurrency=32, per_host=10, timeout=15)
    for option, value in (("--max-concurrency", "32"), ("--host-concurrency", "10"), ("--timeout", "15"),
                          ("--host-request-interval", "0ms"), ("--format", "json"), ("--output", "o.json")):
        assert command[command.index(option) + 1] == value
    assert command[-1] == "u.txt" and "--cache" not in command


def test_link_benchmark_ratios_and_found_failures() -> None:
    site = build_site(40, 8124, script_share=0.2)
    static, script = sorted(site.failing_static), sorted(site.failing_script)
    found = found_failures({*static, script[0], site.base + "/nowhere"}, site)
    assert (found["static_failures_found"], found["script_failures_found"]) == (len(static), 1)
    assert found["missed_failures"] == script[1:] and found["false_failures"] == [site.base + "/nowhere"]
    rounds = ratio_by_round([{"unique_links_per_second": v} for v in (300, 100, 240)],
                            [{"unique_links_per_second": 100}] * 3, target=2.0)
    assert rounds == {"links_per_second": 2.4, "links_per_second_by_round": [3.0, 1.0, 2.4], "target": 2.0,
                      "met": True}


@pytest.mark.skipif(not (LYCHEE_VENV / "bin" / "lychee").exists(), reason="lychee venv not installed")
def test_lychee_reports_the_seeded_failures_of_the_url_list() -> None:
    with LinkSiteServer(30) as site:
        measured, counted = run_lychee(LYCHEE_VENV / "bin" / "lychee", sorted(site.unique_links), concurrency=8)
    assert counted["unique_links"] == len(site.unique_links) and set(counted["failing"]) == site.failing
    assert measured.peak_pss_bytes > 0


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


def test_the_link_benchmark_names_the_browser_govcheck_links_would_choose() -> None:
    """The report's header is written before any measurement: it must not fail after a change of the browser
    choice's signature (it once did, and the whole benchmark stopped at its first line)."""
    versions = link_bench_versions(None)
    assert versions["chromium"] and versions["cores"] == str(os.cpu_count())
