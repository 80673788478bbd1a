"""Trends across runs (govcheck history): pass rate, problems per indicator, scores, fixed/persisting/new."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from lxml import html as lxml_html
from PIL import Image, ImageStat
from playwright.sync_api import Page

from checker.browser import CJK_PROBE_SCRIPT
from checker.reports.history import (
    HISTORY_NAME,
    HistoryError,
    follow_sites,
    order_runs,
    problem_counts,
    render_history,
    run_labels,
)
from checker.reports.html import CSP
from checker.results import Finding, RunResult, Severity, SiteResult, Verdict, write_results
from tests.document_sample import finding

ROOT = Path(__file__).resolve().parents[1]
EDU_URL = "http://127.0.0.1:8765/bm/jyj/"
WJW_NAME = "示例市<b>卫生</b>健康委员会"
PORTAL_URL = "http://127.0.0.1:8765/"
LINK = "http://127.0.0.1:8765/bm/jyj/a.html"


def govcheck(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a user would."""
    return subprocess.run([sys.executable, "-m", "checker", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)


def _site(name: str, url: str, verdict: Verdict, score: float | None, findings: list[Finding]) -> SiteResult:
    return SiteResult(name=name, unit=name.replace("<b>", "").replace("</b>", ""), kind="channel", url=url,
                      verdict=verdict, score=score, findings=findings,
                      veto_reasons=["单项否决"] if score is None else [])


def _run(day: date, sites: list[SiteResult], suite: str = "示例市政府网站季度抽查") -> RunResult:
    when = datetime(day.year, day.month, day.day, 2, 30, tzinfo=UTC)
    return RunResult(suite=suite, as_of=day, started_at=when, finished_at=when + timedelta(hours=1), sites=sites)


def three_runs() -> list[RunResult]:
    """Three quarters of one suite: the education bureau vetoed, then fixed, then vetoed again; the health
    commission's address changes in the last run (matched by name)."""
    first = _run(date(2021, 1, 10), [
        _site("示例市教育局", EDU_URL, Verdict.FAIL, None, [
            finding("home.not_updated", "首页", Severity.VETO, title="首页不更新"),
            finding("column.not_updated", "教育动态"),
            finding("column.not_updated", "通知公告"),
            finding("column.empty", "专项工作", title="空白栏目"),
        ]),
        _site(WJW_NAME, "http://127.0.0.1:8765/bm/wjw/", Verdict.PASS, 90, [
            finding("footer.identifier_missing", "公安机关备案标识", title="页脚缺少公安机关备案标识"),
            finding("content.typo", "首页", Severity.ADVISORY, title="疑似错别字"),
        ]),
        _site("示例市人民政府门户网站", PORTAL_URL, Verdict.PASS, 100, []),
    ])
    second = _run(date(2021, 4, 10), [
        _site("示例市教育局", EDU_URL, Verdict.PASS, 88, [
            finding("column.not_updated", "通知公告"),
            finding("link.broken", LINK, title="链接不可用"),
        ]),
        _site(WJW_NAME, "http://127.0.0.1:8765/bm/wjw/", Verdict.PASS, 96, [
            finding("content.typo", "首页", Severity.ADVISORY, title="疑似错别字"),
        ]),
        _site("示例市人民政府门户网站", PORTAL_URL, Verdict.PASS, 100, []),
    ])
    third = _run(date(2021, 7, 10), [
        _site("示例市教育局", EDU_URL, Verdict.FAIL, None, [
            finding("availability.unreachable", "首页", Severity.VETO, title="站点无法访问"),
            finding("column.not_updated", "通知公告"),
            finding("link.broken", LINK, title="链接不可用"),
        ]),
        _site(WJW_NAME, "https://wjw.example.gov.cn/", Verdict.FAIL, 55, [
            finding("footer.identifier_missing", "ICP备案编号", title="页脚缺少ICP备案编号"),
        ]),
        _site("示例市人民政府门户网站", PORTAL_URL, Verdict.PASS, 100, []),
    ])
    return [first, second, third]


@pytest.fixture(scope="module")
def history_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The three runs written to three folders, given to the CLI out of order; the page it wrote."""
    base = tmp_path_factory.mktemp("history")
    folders = []
    for number, run in enumerate(three_runs(), 1):
        folders.append(base / f"run{number}")
        write_results(run, folders[-1])
    out = base / "out" / "trend"  # not there yet: the command creates it
    done = govcheck("history", str(folders[2]), str(folders[0]), str(folders[1]), "--out", str(out))
    assert done.returncode == 0, done.stderr
    path = out / HISTORY_NAME
    assert done.stdout.strip() == str(path)
    return path, path.read_text(encoding="utf-8")


def _tree(page: str) -> lxml_html.HtmlElement:
    """The page parsed, a line break read as a space."""
    tree = lxml_html.fromstring(page)
    for br in tree.iter("br"):
        br.tail = " " + (br.tail or "")
    return tree


def _table(page: str, section: str) -> list[list[str]]:
    """The rows of the table in a section (header row first), each cell's text with whitespace joined."""
    tree = _tree(page)
    rows = tree.xpath(f'//section[@id="{section}"]/table//tr')
    return [[" ".join(cell.text_content().split()) for cell in row.xpath("./th|./td")] for row in rows]


def _svg(page: str, name: str) -> str:
    start = page.index(f'id="chart-{name}"')
    return page[start:page.index("</svg>", start)]


def test_runs_in_time_order_with_pass_rates(history_page: tuple[Path, str]) -> None:
    rows = _table(history_page[1], "pass-rate")
    assert [row[0].split()[0] for row in rows[1:]] == ["2021-01-10", "2021-04-10", "2021-07-10"]
    assert [row[1:5] for row in rows[1:]] == [["3", "2", "1", "66.67%"], ["3", "3", "0", "100.00%"],
                                              ["3", "1", "2", "33.33%"]]
    chart = _svg(history_page[1], "history-pass-rate")
    assert re.findall(r'<desc class="value">([^<]*)</desc>', chart) == ["66.67%", "100%", "33.33%"]


def test_problem_counts_per_indicator_count_no_advisories(history_page: tuple[Path, str]) -> None:
    rows = {row[0]: row[1:] for row in _table(history_page[1], "indicators")[1:]}
    assert rows == {
        "站点无法访问 availability.unreachable": ["0", "0", "1"],
        "首页不更新 home.not_updated": ["1", "0", "0"],
        "栏目不更新 column.not_updated": ["2", "1", "1"],
        "空白栏目 column.empty": ["1", "0", "0"],
        "链接不可用 link.broken": ["0", "1", "1"],
        "网站标识缺失 footer.identifier_missing": ["1", "0", "1"],
        "合计": ["5", "2", "4"],
    }
    assert "content.typo" not in history_page[1].split('id="indicators"')[1].split("</section>")[0]


def test_scores_matched_by_url_then_name_and_veto_shown_not_zero(history_page: tuple[Path, str]) -> None:
    rows = _table(history_page[1], "scores")
    assert rows[0][1:] == ["2021-01-10", "2021-04-10", "2021-07-10"]
    scores = {row[0]: row[1:] for row in rows[1:]}
    assert scores == {
        "示例市教育局 示例市教育局": ["否决", "88", "否决"],
        f"{WJW_NAME} 示例市卫生健康委员会": ["90", "96", "55"],  # the new address still matched by name
        "示例市人民政府门户网站 示例市人民政府门户网站": ["100", "100", "100"],
    }
    chart = _svg(history_page[1], "history-scores-1")
    overlay = chart[chart.index('class="plot overlay"'):]
    education = overlay.split('class="series serie-0 ')[1].split('class="series serie-1 ')[0]
    assert re.findall(r'<desc class="value">([^<]*)</desc>', education) == ["88"]  # no point at 0 for a veto


def test_fixed_persisting_new_between_consecutive_runs(history_page: tuple[Path, str]) -> None:
    page = history_page[1]
    rows = _table(page, "changes")
    assert rows[1:] == [["2021-01-10 → 2021-04-10", "4", "2", "1"], ["2021-04-10 → 2021-07-10", "1", "2", "2"]]
    tree = _tree(page)
    pairs = tree.xpath('//section[@id="changes"]/details')
    assert len(pairs) == 2 and pairs[1].get("open") is not None and pairs[0].get("open") is None
    latest = [[" ".join(td.text_content().split()) for td in tr.xpath("./td")] for tr in pairs[1].xpath(".//tbody/tr")]
    assert ["新增", "示例市教育局", "站点无法访问 availability.unreachable", "首页"] in latest
    assert ["仍存在", "示例市教育局", "链接不可用 link.broken", LINK] in latest
    assert ["已整改", WJW_NAME, "错别字/严重表述错误 content.typo", "首页"] in latest
    assert ["新增", WJW_NAME, "网站标识缺失 footer.identifier_missing", "ICP备案编号"] in latest
    assert len(latest) == 5


def test_page_has_inline_svg_charts_and_no_script(history_page: tuple[Path, str]) -> None:
    page = history_page[1]
    assert "<script" not in page.lower()
    assert page.count("<svg") == 4  # pass rate, indicators, scores, changes
    assert "<?xml" not in page
    policy = _tree(page).xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')
    assert policy == [CSP] and "default-src 'none'" in CSP and "script-src" not in CSP
    assert '"Noto Sans CJK SC"' in _svg(page, "history-scores-1")
    assert "pygal.org" not in page  # generator comments (with the date) are removed


def test_site_names_are_escaped_in_tables_and_charts(history_page: tuple[Path, str]) -> None:
    page = history_page[1]
    assert "<b>卫生</b>" not in page
    escaped = "示例市&lt;b&gt;卫生&lt;/b&gt;健康委员会"
    assert escaped in page.split('id="scores"')[1].split("</section>")[0].split("</svg>")[1]  # the table
    assert escaped in _svg(page, "history-scores-1")  # the legend
    tree = lxml_html.fromstring(page)
    assert not tree.xpath("//b[contains(., '卫生')]")
    assert tree.xpath(f"//section[@id='scores']/table//td[contains(., '{WJW_NAME}')]")


def test_same_runs_in_any_order_give_the_same_page() -> None:
    runs = three_runs()
    assert render_history(runs) == render_history(list(reversed(runs)))
    assert [run.as_of for run in order_runs(list(reversed(runs)))] == [r.as_of for r in runs]


def test_two_runs_on_one_day_are_told_apart_by_time() -> None:
    morning, *_ = three_runs()
    evening = morning.model_copy(update={"finished_at": morning.finished_at + timedelta(hours=8),
                                         "suite": "复查"})
    ordered = order_runs([evening, morning])
    assert [run.suite for run in ordered] == [morning.suite, "复查"]
    assert run_labels(ordered) == ["2021-01-10 11:30", "2021-01-10 19:30"]


def test_a_site_missing_from_a_run_is_a_dash_and_advisories_are_not_counted() -> None:
    first, second, _ = three_runs()
    second = second.model_copy(update={"sites": second.sites[:2]})
    series = follow_sites([first, second])
    assert [site.score_text(1) for site in series] == ["88", "96", "—"]
    assert series[2].values(2) == [100, None]
    assert problem_counts(second) == {"column.not_updated": 1, "link.broken": 1}


def test_many_sites_are_drawn_ten_to_a_chart_and_all_listed() -> None:
    sites = [_site(f"站点{number}", f"http://127.0.0.1:8765/{number}/", Verdict.PASS, 90 + number % 10, [])
             for number in range(12)]
    page = render_history([_run(date(2021, 1, 1), sites), _run(date(2021, 2, 1), sites[:5])])
    assert page.count('id="chart-history-scores-') == 2
    rows = {row[0]: row[1:] for row in _table(page, "scores")[1:]}
    assert len(rows) == 12 and rows["站点11 站点11"] == ["91", "—"]


def test_render_refuses_a_single_run() -> None:
    with pytest.raises(HistoryError, match="至少需要两次"):
        render_history(three_runs()[:1])


def test_fewer_than_two_runs_or_a_missing_results_json_exit_3(tmp_path: Path) -> None:
    write_results(three_runs()[0], tmp_path / "one")
    done = govcheck("history", str(tmp_path / "one"), "--out", str(tmp_path / "out"))
    assert done.returncode == 3
    assert "至少需要两次检查" in done.stderr
    (tmp_path / "empty").mkdir()
    done = govcheck("history", str(tmp_path / "one"), str(tmp_path / "empty"), "--out", str(tmp_path / "out"))
    assert done.returncode == 3
    assert "无法读取" in done.stderr and "results.json" in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.browser
def test_page_renders_charts_and_chinese_in_chromium(history_page: tuple[Path, str], page: Page) -> None:
    """Open the page as an officer would; the screenshot is kept beside the page for a person to look at."""
    path = history_page[0]
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(path.as_uri())
    assert page.evaluate(CJK_PROBE_SCRIPT), "CJK fonts missing: the page would show boxes"
    boxes = [page.locator("svg").nth(i).bounding_box() for i in range(page.locator("svg").count())]
    assert len(boxes) == 4 and all(box and box["width"] > 600 and box["height"] > 200 for box in boxes)
    assert page.locator("#chart-history-scores-1 .dot").count() == 7  # 1 + 3 + 3: no dot for the two vetoes
    shot = page.screenshot(full_page=True)
    (path.parent / "history.png").write_bytes(shot)
    image = Image.open(io.BytesIO(shot))
    assert image.height > 2000
    assert ImageStat.Stat(image.convert("L")).stddev[0] > 20
