"""The site-map walk on real pages: the 柘城县 mirror in ../shared/corpus/testHtml (SOURCES.md section 5).

The mirror is served on 127.0.0.1 and walked once, in headless Chromium, from its 信息公开 page; every test
reads that one map. Nothing but the local server is requested: any other address is aborted.

The mirror lacks the site's home page (edited by the repository's author, so not copied), and HTTrack did
not mirror the home-page links (``index14da.html?link=hdjl``) that lead to 互动交流. The pages a person
reaches from that home page are given to the walk as entries, as a scenario names columns the walk may not
reach: 互动交流 (whence 意见征集 and its notice), 政府信息公开目录 (otherwise only in the 当前位置 bar of
政策解读) and 重点领域信息公开 (linked from no mirrored page).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

import pytest
from playwright.async_api import Route, async_playwright

from checker.browser import launch_browser
from checker.checks.guide import GuideSeen, guide_page, judge_guide
from checker.scenario import SiteHints, SiteMapSettings
from checker.sitemap.columns import column_items, map_columns
from checker.sitemap.model import LinkKind, MapColumn, PageRole, SiteMap, SitePage
from checker.sitemap.settling import SETTLE_SCRIPT
from checker.sitemap.structure import crumb_parts, page_name
from checker.sitemap.walk import SiteWalker
from tests.corpus import corpus_file
from tests.corpus_server import serve_folder

pytestmark = pytest.mark.browser

AS_OF = date(2018, 7, 28)
"""The mirror was taken on 27 Jul 2018 (GMT): the walk reads it as of the next day."""
START = "xxgk/index.html"
MIRROR_ENTRIES = (
    ("互动交流", "hdjl/index.html"),
    ("政府信息公开目录", "xxgk/xxgkml/index.html"),
    ("重点领域信息公开", "xxgk/zdly/index.html"),
)
DATED_ARTICLE_URL = re.compile(r"/\d{4}-\d{2}-\d{2}/\d+\.html$")


@dataclass(frozen=True)
class Walked:
    """The map of one walk of the mirror, and the address it was served at."""

    base: str
    site_map: SiteMap
    columns: dict[str, MapColumn]

    def page(self, relative: str) -> SitePage:
        """The map's page for a mirror path; fails the test when the walk did not record it."""
        found = self.site_map.page(self.base + relative)
        assert found is not None, f"the walk did not reach {relative}"
        return found


async def _walk(base: str) -> SiteMap:
    async with async_playwright() as playwright:
        browser = await launch_browser(playwright)
        try:
            context = await browser.new_context(locale="zh-CN")
            await context.add_init_script(SETTLE_SCRIPT)

            async def refuse(route: Route) -> None:
                await route.abort()

            await context.route(lambda url: not url.startswith(base), refuse)
            walker = SiteWalker(context, base + START, base, SiteMapSettings(), as_of=AS_OF, page_timeout_seconds=15,
                                max_list_pages=10, extra_urls=[(name, base + path) for name, path in MIRROR_ENTRIES])
            return await walker.walk()
        finally:
            await browser.close()


@pytest.fixture(scope="module")
def zhecheng() -> Iterator[Walked]:
    """The 柘城县 mirror walked once from its 信息公开 page (skipped when the corpus is absent)."""
    folder = corpus_file(f"testHtml/{START}").parents[1]
    with serve_folder(folder) as base, ThreadPoolExecutor(1) as pool:
        site_map = pool.submit(asyncio.run, _walk(base)).result(timeout=300)
    columns = {column.name: column for column in map_columns(site_map, SiteHints())}
    yield Walked(base, site_map, columns)


# --- roles ---------------------------------------------------------------------------------------------------


def test_start_page_is_home(zhecheng: Walked) -> None:
    start = zhecheng.page(START)
    assert start.ok and start.depth == 0
    assert start.role is PageRole.HOME
    assert zhecheng.site_map.home is start


@pytest.mark.parametrize(
    ("relative", "role"),
    [
        ("xxgk/xxgkml/zcjd/index.html", PageRole.COLUMN),
        ("hdjl/yjzj/index.html", PageRole.COLUMN),
        ("xxgk/xxgkzn/index.html", PageRole.COLUMN),
        ("xxgk/xxgkzn/2018-06-30/298.html", PageRole.ARTICLE),
        ("hdjl/yjzj/2018-07-09/941.html", PageRole.ARTICLE),
    ],
)
def test_roles_of_real_pages(zhecheng: Walked, relative: str, role: PageRole) -> None:
    page = zhecheng.page(relative)
    assert page.ok and page.status == 200
    assert page.role is role


@pytest.mark.parametrize("relative", ["xxgk/xxgkml/index.html", "xxgk/zdly/index.html"])
def test_directories_are_hubs_not_columns(zhecheng: Walked, relative: str) -> None:
    # Category links only (10 目录 + 19 重点领域 areas, or the 19 areas), no items.
    page = zhecheng.page(relative)
    assert page.ok
    assert page.role is PageRole.HUB
    assert page.url not in {column.url for column in zhecheng.columns.values()}


def test_articles_are_reached_from_their_lists(zhecheng: Walked) -> None:
    guide = zhecheng.page("xxgk/xxgkzn/2018-06-30/298.html")
    notice = zhecheng.page("hdjl/yjzj/2018-07-09/941.html")
    assert guide.via is LinkKind.ITEM and guide.parent == zhecheng.base + "xxgk/xxgkzn/"
    assert notice.via is LinkKind.ITEM and notice.parent == zhecheng.base + "hdjl/yjzj/"


# --- columns -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "relative", "newest"),
    [
        ("政策解读", "xxgk/xxgkml/zcjd/", date(2018, 7, 26)),
        ("意见征集", "hdjl/yjzj/", date(2018, 7, 13)),
        ("信息公开指南", "xxgk/xxgkzn/", date(2017, 3, 2)),
    ],
)
def test_columns_with_click_paths_and_newest_dates(zhecheng: Walked, name: str, relative: str, newest: date) -> None:
    assert name in zhecheng.columns, sorted(zhecheng.columns)
    column = zhecheng.columns[name]
    assert column.url == zhecheng.base + relative
    assert column.path and column.path[-1] == name
    assert column.page.path[-1] == name
    dates = [item.date for item in column_items(column, AS_OF) if item.date]
    assert max(dates) == newest


def test_single_entry_guide_list_is_a_column_of_one(zhecheng: Walked) -> None:
    items = column_items(zhecheng.columns["信息公开指南"], AS_OF)
    assert [(item.title, item.date) for item in items] == [("柘城县信息公开指南", date(2017, 3, 2))]


def test_latest_items_of_the_start_page_are_not_columns(zhecheng: Walked) -> None:
    # 最新公开 on xxgk/index.html: article links (not mirrored, so 404 here) are opened as items.
    latest = zhecheng.site_map.page(zhecheng.base + "xxgk/zdly/zfcg/2018-07-27/10309.html")
    assert latest is not None and latest.via is LinkKind.ITEM
    for column in zhecheng.columns.values():
        assert len(column.name) <= 20, column.name
        assert not DATED_ARTICLE_URL.search(column.url), column.url
    read_columns = zhecheng.site_map.with_role(PageRole.COLUMN)
    assert not [page.url for page in read_columns if DATED_ARTICLE_URL.search(page.url)]


# --- names ---------------------------------------------------------------------------------------------------


def test_page_name_comes_from_the_breadcrumb(zhecheng: Walked) -> None:
    page = zhecheng.page("hdjl/yjzj/index.html")
    assert page.name == "意见征集"
    assert page.facts is not None and page.snapshot is not None
    assert "当前位置" in page.facts.crumb
    assert crumb_parts(page.facts.crumb) == ["首页", "互动交流", "意见征集"]
    # Whatever the link that led there said, the 当前位置 names the page.
    assert page_name(page.snapshot, page.facts, "网站导航") == "意见征集"


# --- the guide -----------------------------------------------------------------------------------------------


def _guide_seen(zhecheng: Walked) -> GuideSeen:
    found = guide_page(zhecheng.site_map)
    assert found is not None
    text, _, page = found
    assert page is not None
    return GuideSeen(page.final_url or page.url, text, page.parsed, seen_at=page.seen_at)


def test_guide_leads_to_the_entry_not_the_list(zhecheng: Walked) -> None:
    found = guide_page(zhecheng.site_map)
    assert found is not None
    text, url, page = found
    assert page is not None and url == page.url == zhecheng.base + "xxgk/xxgkzn/2018-06-30/298.html"
    assert text == "柘城县信息公开指南"
    assert page.parsed is not None and "国务院令第492号" in page.parsed.text


def test_guide_judged_by_the_law_of_its_day(zhecheng: Walked) -> None:
    seen = _guide_seen(zhecheng)
    then = judge_guide(seen, where="信息公开", url=seen.url, seen_at=seen.seen_at, as_of=AS_OF)
    assert then is None or ("不再施行" not in then.detail and "492" not in then.detail), then
    later = judge_guide(seen, where="信息公开", url=seen.url, seen_at=seen.seen_at, as_of=date(2020, 11, 6))
    assert later is not None
    assert later.indicator == "guide.mismatch"
    assert "国务院令第492号" in later.detail and "不再施行" in later.detail


# --- pages outside the mirror --------------------------------------------------------------------------------


def test_pages_outside_the_mirror_fail_and_are_no_columns(zhecheng: Walked) -> None:
    failed = zhecheng.site_map.failed()
    assert failed
    assert {page.status for page in failed} == {404}
    for relative in ("xxgk/xxgkml/zcjd/index_2.html", "xxgk/xxgkml/zfld2/index.html", "index.html"):
        page = zhecheng.page(relative)
        assert not page.ok and page.status == 404, relative
        assert page.role is not PageRole.COLUMN
    assert zhecheng.page("xxgk/xxgkml/zcjd/index_2.html").via is LinkKind.PAGER
    failed_urls = {page.url for page in failed}
    assert not failed_urls & {column.url for column in zhecheng.columns.values()}
    policy = zhecheng.columns["政策解读"]
    assert policy.list_pages == ()  # its pages 2 … 10 are not in the mirror: nothing read from them
    assert len(column_items(policy, AS_OF)) == 15
