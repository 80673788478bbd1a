"""Strings from a hostile site reach the report as text: no script from a page runs in the officer's browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from checker.engine import RunOptions
from checker.reports.html import write_report
from checker.results import ColumnRecord
from checker.scenario import parse_suite
from tests.conftest import run_in_thread
from tests.hostile import HostileServer
from tests.test_report_html import inventory_site, run

pytestmark = pytest.mark.browser


def test_hostile_titles_do_not_run_in_the_report(page: Page, tmp_path: Path) -> None:
    with HostileServer() as server:
        site = f"  - {{name: 测试站, unit: 测试单位, url: '{server.base_url}xss'}}\n"
        suite = parse_suite(f"suite: 恶意内容测试\nas_of: 2020-11-06\nsites:\n{site}")
        result = run_in_thread(suite, RunOptions(tmp_path))
    findings = result.sites[0].findings
    assert any("<script>" in f.target + f.detail for f in findings), "the hostile text should be reported"
    report = write_report(result, tmp_path)
    html = report.read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "<img src=x" not in html

    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(report.as_uri())
    assert page.evaluate("window.pwned") is None
    assert page.locator("script, img[onerror], [onload]").count() == 0
    assert not dialogs
    assert "window.pwned=1" in page.inner_text("body")  # shown to the officer as text


def test_hostile_column_inventory_does_not_run_in_the_report(page: Page, tmp_path: Path) -> None:
    """A column's name, path, class, verdict and note come from the site: the 栏目清单 shows them as text."""
    script = "<script>window.pwned=1</script>"
    breakout = '"><img src=x onerror="window.pwned=2">'
    column = ColumnRecord(name=f"栏目{script}", url=f"javascript:{script}", column_class=f"dynamic{breakout}",
                          path=[f"政务公开{breakout}", f"栏目{script}"], verdict=f"stale{breakout}",
                          note=f"说明{script}")
    report = write_report(run([inventory_site([column])]), tmp_path)
    html = report.read_text(encoding="utf-8")
    assert "<script" not in html.lower() and "<img src=x" not in html

    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(report.as_uri())
    assert page.evaluate("window.pwned") is None
    assert page.locator("script, img, [onerror], a[href^='javascript']").count() == 0
    assert not dialogs
    text = page.inner_text("section.columns")
    assert f"首页 › 政务公开{breakout} › 栏目{script}" in text and f"说明{script}" in text
