"""The page snapshot script on real government pages, rendered in Chromium (pytest-playwright)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from checker.checks.footer_marks import footer_missing
from checker.classify import classify_column, clean_column_name
from checker.discover import home_items, newest
from checker.observe import _SNAPSHOT_JS, PageSnapshot, json_result, returning_json, snapshot_from_json
from checker.rules import ColumnClass
from checker.sitemap.model import PageFacts, PageRole
from checker.sitemap.structure import followable, outgoing
from tests.corpus import corpus_html, show_alone

pytestmark = pytest.mark.browser

YICHUN_HOME = "job/统计局/2015/万载县2015年国民经济和社会发展统计公报_files/stat.php"


def snapshot_of(page: Page, relative: str, url: str = "http://www.example.gov.cn/") -> PageSnapshot:
    """Serve one corpus page as the main document (nothing else loads) and snapshot it."""
    show_alone(page, corpus_html(relative), url)
    return snapshot_from_json(page.evaluate(_SNAPSHOT_JS, {}))


def test_yichun_home_page(page: Page) -> None:
    snapshot = snapshot_of(page, YICHUN_HOME, "http://www.yichun.gov.cn/")
    as_of = date(2023, 10, 11)
    latest = newest(home_items(snapshot, as_of), as_of)
    assert latest is not None and latest.date == as_of
    assert footer_missing(snapshot) == ()
    scope = "http://www.yichun.gov.cn/"
    links = outgoing(snapshot, PageFacts(), PageRole.HOME, "中国宜春", as_of)
    structural = {clean_column_name(link.text) for link in links
                  if link.kind.structural and followable(link.url, scope)}
    assert {"政务动态", "政府公告", "政务要闻", "互动交流"} <= structural
    assert classify_column("政务动态") is ColumnClass.DYNAMIC and classify_column("政府公告") is ColumnClass.NOTICE
    assert classify_column("互动交流") is ColumnClass.STATIC  # no update rule, but it must not be blank
    assert classify_column("首页") is None and classify_column("EN") is None


@pytest.mark.parametrize(
    ("relative", "missing"),
    [
        ("GeneralNewsExtractor/tests/shanxi/1.html", ()),
        ("GeneralNewsExtractor/tests/gzggw/1.html", ()),
        ("GeneralNewsExtractor/tests/other/1.html", ()),
        ("GeneralNewsExtractor/tests/cmse/1.html", ("网站标识码", "公安机关备案标识", "党政机关网站标识")),
    ],
)
def test_footer_identifiers_on_real_pages(page: Page, relative: str, missing: tuple[str, ...]) -> None:
    assert footer_missing(snapshot_of(page, relative)) == missing


def test_the_snapshot_read_as_one_json_string_is_what_playwright_reads(page: Page) -> None:
    """``returning_json`` (the snapshot's transfer as one string) gives what Playwright's own transfer gives:
    on a real home page, and on a value with undefined fields, nested lists and Chinese text."""
    show_alone(page, corpus_html(YICHUN_HOME), "http://www.yichun.gov.cn/")
    assert json.loads(page.evaluate(returning_json(_SNAPSHOT_JS), {})) == page.evaluate(_SNAPSHOT_JS, {})
    odd = "(arg) => ({a: undefined, b: [1, undefined, {c: '政务公开', d: null}], e: arg.x, f: 2.5, g: true})"
    assert json.loads(page.evaluate(returning_json(odd), {"x": "示例"})) == page.evaluate(odd, {"x": "示例"})


def test_a_page_that_replaces_json_stringify_breaks_the_read_as_playwright_errors_do(page: Page) -> None:
    """A hostile page's own ``JSON.stringify`` makes the read fail the way a broken read fails (Playwright's
    error, which the callers record), never with an error they do not expect."""
    page.set_content("<script>JSON.stringify = () => undefined;</script><h1>页面</h1>")
    with pytest.raises(PlaywrightError):
        json_result(page.evaluate(returning_json(_SNAPSHOT_JS), {}))
    with pytest.raises(PlaywrightError):
        json_result("{not json")
    with pytest.raises(PlaywrightError):
        json_result("1", dict)
    assert json_result('{"标题": [1, null]}') == {"标题": [1, None]}
