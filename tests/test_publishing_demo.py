"""The publishing families on the demo site (the shared demo run): coverage notes, details and evidence."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from PIL import Image

from checker.results import Finding, SiteResult
from tests.conftest import DemoRun

pytestmark = pytest.mark.browser


def site(demo_run: DemoRun, name: str) -> SiteResult:
    return next(s for s in demo_run.result.sites if s.name == name)


def finding(result: SiteResult, indicator: str) -> Finding:
    return next(f for f in result.findings if f.indicator == indicator)


def note(result: SiteResult, check: str) -> str:
    return next(c.note for c in result.checks if c.check == check)


def test_coverage_says_how_many_pages_were_read_of_how_many(demo_run: DemoRun) -> None:
    portal = site(demo_run, "示例市人民政府门户网站")
    publishing = note(portal, "publishing")
    assert "政策文件：读取详情页18件/共18件（列表2页/共2页）" in publishing
    assert "政策解读：读取详情页7件/共7件" in publishing
    assert "检查页面" in note(portal, "typo")
    assert "政府信息公开指南" in note(portal, "guide")


def test_policy_findings_name_the_file_and_the_rule(demo_run: DemoRun) -> None:
    portal = site(demo_run, "示例市人民政府门户网站")
    number = finding(portal, "policy.no_doc_number")
    assert "“文号”一项为“空白”" in number.detail and "/zwgk/zcwj/" in number.url
    expired = {f.target: f.detail for f in portal.findings if f.indicator == "policy.expired_unmarked"}
    by_date = expired["示例市人民政府办公室关于印发示例市城市停车设施规划建设管理办法的通知"]
    assert "2020-03-31" in by_date and "监测时间点 2020-11-06" in by_date
    by_repeal = expired["示例市人民政府关于印发示例市户外广告设置管理办法的通知"]
    assert "已被《示例市人民政府关于印发示例市户外广告设施和招牌设置管理办法的通知》" in by_repeal
    linked = finding(portal, "interpretation.not_linked")
    assert urlsplit(linked.url).path.startswith("/zwgk/zcjd/")
    assert "/zwgk/zcwj/" in linked.detail and "配对依据：页面之间的链接" in linked.detail
    rich = finding(portal, "interpretation.no_rich_format")
    assert "2020-10-19 至 2020-11-06" in rich.detail and "2条解读均为纯文字" in rich.detail


def test_typo_is_quoted_in_its_sentence_and_boxed_tightly(demo_run: DemoRun) -> None:
    typo = finding(site(demo_run, "示例市人民政府门户网站"), "content.typo")
    assert "“拔款”，应为“拨款”" in typo.detail and "本批资金已全部拔款到位" in typo.detail
    crop = next(e for e in typo.evidence if e.role == "element")
    with Image.open(demo_run.out_dir / crop.path) as image:
        page = next(e for e in typo.evidence if e.role == "page")
        with Image.open(demo_run.out_dir / page.path) as whole:
            assert image.width < whole.width / 2


def test_guide_missing_and_mismatch(demo_run: DemoRun) -> None:
    missing = finding(site(demo_run, "示例市教育局"), "guide.missing")
    assert "未设政府信息公开栏目" in missing.detail
    mismatch = finding(site(demo_run, "示例市卫生健康委员会"), "guide.mismatch")
    assert "内容不是公开指南" in mismatch.detail and "年度报告编制工作的通知" in mismatch.detail
    assert urlsplit(mismatch.url).path == "/bm/wjw/xxgkzn/"


def test_statutory_disclosure_subcolumns_count_with_their_own_classes(demo_run: DemoRun) -> None:
    portal = site(demo_run, "示例市人民政府门户网站")
    from_menus = {c.name: c.column_class for c in portal.columns if c.source == "栏目菜单" and c.path[-1] == c.name}
    assert from_menus.get("规划计划") == "yearly" and from_menus.get("人事信息") == "yearly"
    assert from_menus.get("机构职能") == "static"
