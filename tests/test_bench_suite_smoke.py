"""The whole-suite benchmark: its generator's ground truth matches the pages, and a tiny suite runs through it."""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from benchmarks import bench_suite
from benchmarks.suite_site import AS_OF, TEMPLATES, Suite, SuiteServer, build_suite

TYPO_WORDS = ("拔款", "关健", "再接再励", "通迅", "按装")
DATE = re.compile(r"(20\d\d)-(\d\d)-(\d\d)")


def _text(suite: Suite, path: str) -> str:
    resource = suite.resources[path]
    charset = "gb18030" if "gb2312" in resource.content_type else "utf-8"
    return resource.body.decode(charset)


def _list_dates(suite: Suite, site_prefix: str, path: str) -> list[date]:
    """The dates a column's first list page shows (from the JSON API for the script template)."""
    api = [body for key, body in suite.api.items() if key.startswith(f"{site_prefix}api/list?col=")
           and f"col={path.rstrip('/').rsplit('/', 1)[1]}&page=1" in key]
    text = api[0].decode() if api else _text(suite, path)
    return [date(int(y), int(m), int(d)) for y, m, d in DATE.findall(text)]


def test_generator_is_deterministic_and_uses_every_template() -> None:
    first, second = build_suite(6, 80, seed=5), build_suite(6, 80, seed=5)
    assert [s.name for s in first.sites] == [s.name for s in second.sites]
    assert first.resources == second.resources
    assert {s.template for s in first.sites} == set(TEMPLATES)
    assert build_suite(6, 80, seed=6).resources != first.resources
    big = build_suite(3, 250)
    assert all(200 <= len(big.html_pages(site)) <= 300 for site in big.sites)


def test_ground_truth_is_what_the_pages_show() -> None:
    suite = build_suite(9, 60, seed=11)
    seen = set()
    for site in suite.sites:
        assert site.seeded, f"{site.name} has no seeded problem"
        pages = [_text(suite, path) for path in suite.html_pages(site)]
        for problem in site.seeded:
            seen.add(problem.indicator)
            if problem.indicator == "column.empty":
                assert "暂无信息" in _text(suite, problem.where)
            elif problem.indicator == "column.not_updated":
                newest = max(_list_dates(suite, site.prefix, problem.where))
                assert newest < AS_OF - timedelta(days=14)
            elif problem.indicator == "link.broken":
                text = problem.target.split("“", 1)[1].rstrip("”")
                page = _text(suite, problem.where)
                href = re.search(rf'<a href="([^"]+)">{re.escape(text)}</a>', page)
                assert href, f"{problem} not on its page"
                assert href.group(1) not in suite.resources
            elif problem.indicator == "footer.identifier_missing":
                marker = "网站标识码" if problem.target == "网站标识码" else "ICP备"
                assert all(marker not in page for page in pages)
            elif problem.indicator == "content.typo":
                page = _text(suite, problem.where)
                assert problem.target in page and any(word in page for word in TYPO_WORDS)
            else:
                pytest.fail(f"unexpected seeded indicator {problem.indicator}")
        clean = [page for page in pages if not any(word in page for word in TYPO_WORDS)]
        typos = [p for p in site.seeded if p.indicator == "content.typo"]
        assert len(pages) - len(clean) == len(typos), f"{site.name}: a typo outside the ground truth"
        if not any(p.target == "网站标识码" for p in site.seeded):
            assert all(f"网站标识码：{site.code}" in page for page in pages)
    assert seen == {"column.empty", "column.not_updated", "link.broken", "footer.identifier_missing", "content.typo"}


def test_server_answers_and_logs_every_request(tmp_path: Path) -> None:
    import urllib.request

    server = SuiteServer(3, 30, log=tmp_path / "requests.log")
    with server as suite:
        script_site = next(site for site in suite.sites if site.template == "script")
        column = script_site.columns["gzdt"]
        mark = server.mark()
        with urllib.request.urlopen(f"{server.base}{script_site.prefix}api/list?col=gzdt&page=1") as answer:
            assert column.entries[0].title in answer.read().decode()
        old = next(site for site in suite.sites if site.template == "old")
        with urllib.request.urlopen(server.base + old.prefix) as answer:
            assert "gb2312" in answer.headers["Content-Type"]
            assert old.name in answer.read().decode("gb18030")
        assert server.requests(mark) == [("GET", f"{script_site.prefix}api/list?col=gzdt&page=1"),
                                         ("GET", old.prefix)]


@pytest.mark.skipif(not shutil.which("chromium") and not Path("/usr/bin/chromium").exists(),
                    reason="needs Chromium for the floor")
def test_tiny_suite_runs_through_the_benchmark(tmp_path: Path) -> None:
    report = bench_suite.run([2], pages=15, seed=2026, timeout=300)
    (run,) = report["runs"]
    assert run["exit_code"] in (0, 2)
    assert run["pages_fetched"] >= 20 and run["distinct_pages"] <= run["pages_fetched"]
    assert run["pages_rendered"] > 0 and run["screenshots"] > 0
    assert run["wall_seconds"] > 0 and run["cpu_seconds"] > 0 and run["peak_pss_mib"] > 0
    findings = run["findings"]
    assert findings["seeded"] > 0
    assert findings["share_found"] >= 0.8, f"missed: {findings['missed']}"
    floor = report["floor"]
    assert floor["pages_fetched"] == run["distinct_pages"]
    assert floor["floor_seconds"] > 0 and floor["suite_to_floor"] > 0
    assert "biggest_to_smallest_per_site" in report["linearity"]
    assert "floor (2 sites)" in bench_suite.table(report)
