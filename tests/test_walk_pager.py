"""A short list whose first page offers a lone 下一页: the walk opens every entry of the list, not only the
home page's few (the pager bar once grew into the list and took its entries for page links)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from playwright.async_api import async_playwright

from checker.browser import launch_browser
from checker.scenario import SiteMapSettings
from checker.sitemap.model import PageFacts, PageRole
from checker.sitemap.settling import SETTLE_SCRIPT
from checker.sitemap.structure import outgoing
from checker.sitemap.walk import SiteWalker
from tests.aio import run_async
from tests.corpus_server import serve_folder
from tests.test_sitemap_structure import _snapshot

AS_OF = date(2020, 11, 6)
FOOTER = "<div class='footer'>主办单位：示例县人民政府 网站标识码：4400000099</div>"


def _page(title: str, main: str) -> str:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<div class='nav'><a href='/'>首页</a><a href='/gzdt/'>工作动态</a></div>{main}{FOOTER}</body></html>")


def _site(folder: Path) -> None:
    rows = "".join(f"<li><a href='/gzdt/{n}.html'>动态{n}</a><span>2020-10-{n + 10:02d}</span></li>"
                   for n in range(1, 9))
    (folder / "gzdt").mkdir()
    (folder / "index.html").write_text(_page("示例县", "<div class='block'><h3>工作动态</h3><ul>" + rows[:200]
                                              + "</ul><a href='/gzdt/'>更多</a></div>"), encoding="utf-8")
    (folder / "gzdt" / "index.html").write_text(
        _page("工作动态", f"<div class='list'><ul>{rows}</ul><div class='page'>共2页 <a href='index_1.html'>下一页</a>"
                       "</div></div>"), encoding="utf-8")
    (folder / "gzdt" / "index_1.html").write_text(_page("工作动态", "<div class='list'><ul><li><a href='/gzdt/9.html'>"
                                                                "动态9</a><span>2020-09-30</span></li></ul></div>"),
                                                  encoding="utf-8")
    for n in range(1, 10):
        body = f"<h1>动态{n}</h1><p>发布时间：2020-10-{n + 10:02d}</p><p>{'正文内容。' * 40}</p>"
        (folder / "gzdt" / f"{n}.html").write_text(_page(f"动态{n}", body), encoding="utf-8")


async def _walk(base: str) -> set[str]:
    async with async_playwright() as playwright:
        browser = await launch_browser(playwright)
        try:
            context = await browser.new_context()
            await context.add_init_script(SETTLE_SCRIPT)
            walker = SiteWalker(context, base, base, SiteMapSettings(), as_of=AS_OF, page_timeout_seconds=15,
                                max_list_pages=5)
            site_map = await walker.walk()
        finally:
            await browser.close()
    return {url.removeprefix(base) for url, page in site_map.pages.items() if page.role is PageRole.ARTICLE}


@pytest.mark.browser
def test_every_entry_of_a_short_list_with_a_lone_next_link_is_opened(tmp_path: Path) -> None:
    _site(tmp_path)
    with serve_folder(tmp_path) as base:
        articles = run_async(_walk(base))
    assert articles == {f"gzdt/{n}.html" for n in range(1, 10)}


def test_list_entries_are_followed_even_when_a_pager_reading_took_their_addresses() -> None:
    snapshot = _snapshot([{"gc": "g1", "region": "main", "rows": [
        {"gc": "r1", "title": "关于开展防汛检查的通知", "href": "http://x.gov.cn/gzdt/1.html", "rest": "2020-10-12"},
        {"gc": "r2", "title": "2", "href": "http://x.gov.cn/gzdt/index_1.html", "rest": ""}]}])
    facts = PageFacts(pager_links=(("关于开展防汛检查的通知", "http://x.gov.cn/gzdt/1.html"),
                                   ("2", "http://x.gov.cn/gzdt/index_1.html")))
    followed = [link.url for link in outgoing(snapshot, facts, PageRole.COLUMN, "工作动态", AS_OF)]
    assert followed == ["http://x.gov.cn/gzdt/1.html"]
