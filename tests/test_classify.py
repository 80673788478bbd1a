"""Tests of checker.classify: column names → update-rule classes, name cleaning, empty-page placeholders."""

from __future__ import annotations

import pytest

from checker.classify import COLUMN_KEYWORDS, classify_column, clean_column_name, is_placeholder
from checker.rules import ColumnClass

D, N, Y, S = ColumnClass.DYNAMIC, ColumnClass.NOTICE, ColumnClass.YEARLY, ColumnClass.STATIC


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # 2-week class (INDICATORS.md) and kin
        ("要闻", D), ("动态", D), ("新闻", D), ("工作动态", D), ("政务动态", D), ("部门动态", D),
        ("镇街动态", D), ("区县动态", D), ("图片新闻", D), ("资讯", D), ("热点", D), ("山西要闻", D),
        ("国务院要闻", D), ("领导动态", D), ("领导活动", D), ("政务活动", D), ("新闻发布会", D),
        # 6-month class
        ("通知公告", N), ("公示公告", N), ("公告", N), ("通知", N), ("公示", N), ("政策文件", N),
        ("规范性文件", N), ("政策法规", N), ("文件", N), ("法规", N), ("政策解读", N), ("解读", N),
        ("数据解读", N), ("招标", N), ("招标采购", N), ("政府公报", N),
        # 1-year class
        ("人事任免", Y), ("人事信息", Y), ("人事", Y), ("规划计划", Y), ("发展规划", Y), ("规划", Y),
        ("计划", Y), ("财政预决算", Y), ("预决算", Y), ("财政资金", Y), ("统计数据", Y), ("统计公报", Y),
        ("统计年鉴", Y), ("年报", Y), ("政府信息公开年报", Y), ("政府工作报告", Y), ("2020年工作计划", Y),
        # no date rule
        ("机构概况", S), ("机构职能", S), ("领导信息", S), ("领导之窗", S), ("办事指南", S), ("走进宜春", S),
        ("概况", S), ("简介", S), ("省情概况", S), ("政府信息公开指南", S), ("政府信息公开制度", S),
        ("联系我们", S),
    ],
)
def test_classifies_column_names(name: str, expected: ColumnClass) -> None:
    assert classify_column(name) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("统计公报", Y),  # not 公报 (notice)
        ("政策解读", N),  # not 政策 alone; same class, longer keyword
        ("人事信息", Y),  # 信息 is not a keyword
        ("领导信息", S),  # and so 领导信息 stays static
        ("规划计划", Y),
        ("领导活动", D),  # not 领导 (static)
        ("人事动态", D),  # equal length: table order puts DYNAMIC first
    ],
)
def test_longest_keyword_wins_then_table_order(name: str, expected: ColumnClass) -> None:
    assert classify_column(name) is expected


def test_keyword_table_has_no_duplicates() -> None:
    keywords = [keyword for keyword, _ in COLUMN_KEYWORDS]
    assert len(keywords) == len(set(keywords))


@pytest.mark.parametrize(
    "name",
    [
        "首页", "网站首页", "返回首页", "网站地图", "无障碍", "无障碍浏览", "长者模式", "关怀版", "English",
        "ENGLISH", "登录", "注册", "用户登录", "设为首页", "加入收藏", "繁体", "简体", "繁體", "手机版",
        "RSS", "search", "搜索", "网站帮助", "关于我们", "更多", ">>", "", "   ",
        "关于印发2020年全市政府网站第三季度抽查情况的通报",  # an article title: over 20 characters
        "2020-10-19", "通知公告 2020-10-19", "[10-19]要闻",  # dated texts are items, not columns
    ],
)
def test_not_content_columns(name: str) -> None:
    assert classify_column(name) is None


@pytest.mark.parametrize("name", ["在线访谈", "意见征集", "信息公开", "应急管理", "专项工作"])
def test_columns_without_a_keyword_have_no_date_rule_but_count(name: str) -> None:
    assert classify_column(name) is ColumnClass.STATIC


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("通知公告", "通知公告"),
        ("  通知公告\n", "通知公告"),
        ("要　　闻", "要闻"),
        ("【通知公告】", "通知公告"),
        ("[政策文件]", "政策文件"),
        ("（工作动态）", "工作动态"),
        ("工作动态 更多>>", "工作动态"),
        ("工作动态更多+", "工作动态"),
        ("通知公告 MORE+", "通知公告"),
        ("more >> 政策解读", "政策解读"),
        ("» 人事任免", "人事任免"),
        ("■ 机构概况", "机构概况"),
        ("更多>>", ""),
    ],
)
def test_clean_column_name(text: str, expected: str) -> None:
    assert clean_column_name(text) == expected


def test_classify_cleans_first() -> None:
    assert classify_column("【通知公告】 更多>>") is N
    assert classify_column("  图片新闻\u3000") is D


@pytest.mark.parametrize(
    "text",
    [
        "暂无信息", "暂无内容", "暂无数据", "暂无记录", "暂无相关信息", "暂无！", "正在建设", "正在建设中",
        "栏目建设中", "本栏目正在建设中，敬请期待！", "建设中……", "敬请期待", "没有找到相关信息",
        "无相关信息", "对不起，没有找到相关信息。",
        "首页 > 通知公告\n暂无信息\n共0条 首页 上一页 下一页 尾页",
        "共 0 条记录", "  暂无数据  ",
        # the phrases an empty column shows, each as the page's only content
        "没有信息", "信息整理中", "正在整理", "内容更新中", "该栏目暂无信息", "查询无结果",
        "页面建设中...", "内容正在更新中，请稍后访问", "提示：查询结果为空", "共 0 条 记录",
        # with the page furniture around it
        "当前位置：首页 > 政务公开 > 规划计划 没有信息", "首页 > 通知公告\n信息整理中",
        "通知公告 该栏目暂无信息 第1页/共1页", "共0条 首页 上一页 下一页 尾页",
    ],
)
def test_placeholders(text: str) -> None:
    assert is_placeholder(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "关于做好2020年冬季供暖工作的通知 2020-10-19",
        "重点项目建设中期评估报告 2020-10-19",
        # a long article that mentions 暂无 is content, not a placeholder
        "据介绍，关于网友反映的问题，目前暂无相关信息发布。全区各级各部门按照市委市政府统一部署，坚持外防输入、内防反弹，"
        "持续做好常态化疫情防控工作，各项工作有序推进，群众生产生活秩序正常。",
        "正在建设中的城市快速路将于年底通车，届时从市区到新区的通行时间将缩短一半，沿线群众出行将更加便利，"
        "项目建设单位表示将确保工程质量和施工安全。",
        # a phrase inside a title is not a placeholder
        "建设中的学校", "学校建设中", "政府网站建设中存在的问题", "关于加快推进示范区建设中若干问题的通知",
        "正在建设的高速公路项目", "没有信息化建设项目", "建设", "更新",
        # a real list with the word 建设 in a title, or beside a placeholder of another block
        "平安城市建设中期推进会召开 2020-10-19\n关于X的通知 2020-10-18",
        "通知公告 栏目建设中 关于X的通知 2020-10-19",
    ],
)
def test_not_placeholders(text: str) -> None:
    assert is_placeholder(text) is False
