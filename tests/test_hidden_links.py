"""暗链 (security.hidden_link): hidden links no visitor can reveal that lead off the government's domains are
reported with evidence; hidden navigation (menus, tabs, carousels, a script's side menu) is not."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.async_api import Route, async_playwright

from checker.browser import launch_browser
from checker.checks.hidden_links import _SCRIPT, HiddenLink, judge_hidden_links, off_domain
from checker.engine import RunOptions
from checker.results import Severity
from checker.rules import HiddenLinkRules, RuleSet
from checker.scenario import parse_suite
from tests.conftest import run_in_thread
from tests.corpus import corpus_file
from tests.corpus_server import serve_folder
from tests.hostile import HostileServer


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("http://casino.example.com/", True),
        ("http://127.0.0.1:8000/x", False),
        ("https://www.other.gov.cn/", False),
        ("https://gov.cn/", False),
        ("http://evil-gov.cn.example.com/", True),
        ("https://sub.site.test/", False),
    ],
)
def test_off_domain(href: str, expected: bool) -> None:
    assert off_domain(href, "http://site.test/" if "site.test" in href else "http://127.0.0.1:8000/") is expected


def test_judge_keeps_only_external_hidden_links() -> None:
    links = [HiddenLink("http://casino.example.com/", "博彩", "display:none", "", "1"),
             HiddenLink("http://127.0.0.1:8000/a", "内部", "display:none", "", "2")]
    assert [link.text for link in judge_hidden_links(links, "http://127.0.0.1:8000/")] == ["博彩"]


def test_revealable_navigation_is_not_dark_unless_its_text_is_spam() -> None:
    menu = [HiddenLink(f"http://letter.example.com/{i}", text, "display:none", "", "m", revealed="页面脚本或控件可展开")
            for i, text in enumerate(("县长信箱", "部门信箱", "书记信箱"))]
    lone = HiddenLink("http://wsbs.example.com/", "网上办事", "display:none", "", "x")
    cluster = [HiddenLink(f"http://shop{i}.example.com/", f"上海搬家公司{i}", "移出可视区域", "", "c")
               for i in range(3)]
    site = "http://127.0.0.1:8000/"
    assert judge_hidden_links([*menu, lone], site) == []  # a menu a visitor opens, and one link with service text
    assert judge_hidden_links([*menu, lone, *cluster], site) == cluster  # three no visitor can reveal: a cluster
    assert judge_hidden_links(cluster[:2], site) == []
    spam = HiddenLink("http://x.example.com/", "澳门博彩", "display:none", "", "m", revealed="属于导航菜单")
    assert judge_hidden_links([spam], site) == []  # revealable: a visitor sees it (the menu check is its concern)
    assert judge_hidden_links([HiddenLink(spam.href, spam.text, spam.reason, "", "m")], site)  # nothing reveals it


SEEDED = """<html><head><meta charset='utf-8'><title>示例县人民政府</title>
<style>.top li ul {display:none} .top li:hover ul {display:block} .tabs .pane {padding:4px}</style></head><body>
<div class='top'><ul><li><a href='/zwgk/'>政务公开</a><ul><li><a href='http://hospital.example.com/'>合作医院</a></li>
</ul></li></ul></div>
<div class='side'><ul class='sideMenu' id='sidemenu0' style='display:none'>
<li><a href='http://letter.example.com:8005/letter/letterlist.aspx'>县长信箱</a></li>
<li><a href='http://letter.example.com:8005/letter/dept.aspx'>部门信箱</a></li></ul>
<script>function open0() { document.getElementById('sidemenu0').style.display = 'block'; }</script></div>
<div class='tabs'><div class='pane'><a href='/bs/'>办事指南</a></div>
<div class='pane' style='display:none'><a href='http://service.example.com/'>便民服务</a></div></div>
<div class='swiper'><div class='wrap'><a href='/a/1.html'>图片新闻一</a>
<a href='http://tourism.example.com/' style='position:absolute;left:-3000px'>旅游推介</a></div></div>
<div id='x1'><div style='display:none'><a href='http://wsbs.example.com/'>网上办事</a></div></div>
<div id='x2'><div style='display:none'><a href='http://bet365.example.com/'>澳门博彩</a></div></div>
<div id='x3'><div style='position:absolute;top:-999px'><a href='http://move1.example.com/'>上海搬家</a>
<a href='http://move2.example.com/'>北京保洁</a><a href='http://move3.example.com/'>广州装修</a></div></div>
<p>正文</p></body></html>"""


async def _read(base: str, page_path: str) -> list[HiddenLink]:
    async with async_playwright() as playwright:
        browser = await launch_browser(playwright)
        try:
            context = await browser.new_context(locale="zh-CN")

            async def refuse(route: Route) -> None:
                await route.abort()

            await context.route(lambda url: not url.startswith(base), refuse)
            page = await context.new_page()
            await page.goto(base + page_path, wait_until="load")
            return [HiddenLink(**item) for item in await page.evaluate(_SCRIPT)]
        finally:
            await browser.close()


def _hidden_links_of(folder: Path, page_path: str) -> tuple[str, list[HiddenLink]]:
    """The hidden links the family's script reads on a page of ``folder`` served on 127.0.0.1."""
    with serve_folder(folder) as base, ThreadPoolExecutor(1) as pool:
        return base, pool.submit(asyncio.run, _read(base, page_path)).result(timeout=120)


@pytest.mark.browser
def test_hidden_navigation_is_told_from_dark_links_on_a_seeded_page(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(SEEDED, encoding="utf-8")
    base, links = _hidden_links_of(tmp_path, "index.html")
    by_text = {link.text: link for link in links}
    assert by_text["合作医院"].revealed == "悬停或聚焦时显示"
    assert by_text["县长信箱"].revealed and by_text["部门信箱"].revealed
    assert by_text["便民服务"].revealed and by_text["旅游推介"].revealed
    assert not by_text["网上办事"].revealed and not by_text["澳门博彩"].revealed
    assert "display:none" in by_text["县长信箱"].style and "sideMenu" in by_text["县长信箱"].style
    dark = {link.text for link in judge_hidden_links(links, base)}
    assert dark == {"澳门博彩", "上海搬家", "北京保洁", "广州装修"}


@pytest.mark.browser
def test_the_real_hub_pages_side_menu_is_not_dark() -> None:
    page = corpus_file("testHtml/hdjl/index.html")
    base, links = _hidden_links_of(page.parents[1], "hdjl/index.html")
    menu = [link for link in links if link.text in ("县长信箱", "部门信箱")]
    assert len(menu) == 2 and all(off_domain(link.href, base) for link in menu)  # hidden and off-domain …
    assert all(link.revealed for link in menu)  # … but a side menu the page's script opens
    assert judge_hidden_links(links, base) == []


def test_rules_hidden_links_can_change_or_drop_the_finding() -> None:
    assert (RuleSet().hidden_links.indicator, RuleSet().hidden_links.severity) == ("security.hidden_link", "veto")
    assert HiddenLinkRules(severity="advisory").indicator == "security.hidden_link"
    assert HiddenLinkRules(indicator=None).indicator is None


@pytest.mark.browser
def test_dark_links_are_reported_as_a_veto_by_default_with_evidence(tmp_path: Path) -> None:
    with HostileServer() as server:
        site = f"  - {{name: 测试站, unit: 测试单位, url: '{server.base_url}darklinks'}}\n"
        suite = parse_suite(f"suite: 暗链测试\nas_of: 2020-11-06\nsites:\n{site}")
        result = run_in_thread(suite, RunOptions(tmp_path))
    record = next(r for r in result.sites[0].checks if r.check == "hidden_links")
    hidden = (("博彩", "display:none"), ("网贷", "移出可视区域"), ("药品", "尺寸为零"), ("游戏", "文字颜色与背景相同"))
    for text, reason in hidden:
        assert f"{text} → " in record.note and reason in record.note, (text, record.note)
    assert "疑似暗链4个" in record.note
    for decoy in ("合作网站", "内部隐藏", "兄弟政府网站"):
        assert decoy not in record.note
    dark = [f for f in result.sites[0].findings if f.indicator == "security.hidden_link"]
    assert sorted(f.target for f in dark) == sorted(
        ["http://casino.example.com/", "http://loan.example.net/", "http://pills.example.org/", "http://game.example.com/"]
    )
    assert {f.severity for f in dark} == {Severity.VETO}
    for finding in dark:  # the element (boxed), its computed style and its target
        assert {e.role for e in finding.evidence} == {"page", "element"}
        assert all((tmp_path / e.path).exists() for e in finding.evidence)
        assert "计算样式：" in finding.detail and finding.target in finding.detail and "<a " in finding.detail
    casino = next(f for f in dark if "casino" in f.target)
    assert "display:none" in casino.detail and "“暗链”（security.hidden_link）" in casino.rule


@pytest.mark.browser
def test_a_suite_can_name_the_rule_dark_links_are_reported_under(tmp_path: Path) -> None:
    with HostileServer() as server:
        site = f"  - {{name: 测试站, unit: 测试单位, url: '{server.base_url}darklinks'}}\n"
        rules = "rules: {hidden_links: {indicator: content.typo, severity: veto}}\n"
        suite = parse_suite(f"suite: 暗链测试\nas_of: 2020-11-06\n{rules}sites:\n{site}")
        result = run_in_thread(suite, RunOptions(tmp_path))
    dark = [f for f in result.sites[0].findings if f.title == "疑似暗链"]
    assert sorted(f.target for f in dark) == sorted(
        ["http://casino.example.com/", "http://loan.example.net/", "http://pills.example.org/", "http://game.example.com/"]
    )
    assert {f.severity.value for f in dark} == {"veto"}
    assert all({e.role for e in f.evidence} == {"page", "element"} for f in dark)


def test_an_unknown_rule_id_is_rejected() -> None:
    from checker.scenario import ScenarioError

    with pytest.raises(ScenarioError, match="未知指标编号"):
        parse_suite("suite: x\nrules: {hidden_links: {indicator: dark.links}}\nsites:\n  - {name: a, unit: b, url: 'http://x/'}\n")


def test_a_dark_link_finding_is_a_veto_row_of_the_notice() -> None:
    from datetime import UTC, datetime, timedelta

    from checker.checks.hidden_links import HiddenLinksCheck, HiddenLinksObservation
    from checker.observation import seen
    from checker.reports.notice_model import counted, notice_row

    at = datetime(2020, 11, 6, 2, 0, tzinfo=UTC)
    link = HiddenLink("http://casino.example.com/", "澳门博彩", "display:none", "<a href=…>澳门博彩</a>", "h1",
                      style="display:none; …")
    observation = HiddenLinksObservation([seen("首页隐藏链接", 1, url="http://a.gov.cn/", at=at)], at, [link],
                                         "http://a.gov.cn/", "http://a.gov.cn/")
    [finding] = HiddenLinksCheck().judge(observation, RuleSet(), at.date(), at + timedelta(seconds=1))
    assert (finding.indicator, finding.severity) == ("security.hidden_link", Severity.VETO) and counted(finding)
    assert notice_row(finding).category == "暗链（单项否决）"
