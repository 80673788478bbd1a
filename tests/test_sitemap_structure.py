"""What a page is and where its links lead, from synthetic snapshots (pure, no browser).

Each role case comes with a near twin that lacks the one feature the rule reads, so every assertion fails
when the rule stops reading that feature.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from checker.observe import PageSnapshot, snapshot_from_json
from checker.sitemap.model import LinkKind, PageFacts, PageRole, facts_from_json
from checker.sitemap.structure import RoleView, crumb_parts, followable, page_name, page_role, pager_targets

AS_OF = date(2020, 11, 6)
BASE = "http://gov.test/"
ARTICLE_BODY = (
    "为进一步做好政府信息公开工作，根据《中华人民共和国政府信息公开条例》和上级有关要求，结合本县实际，"
    "现就有关事项通知如下。一、提高思想认识，各单位要把政务公开摆在重要位置。二、明确公开内容，"
    "按照规定及时、准确公开政府信息。三、加强监督检查，对工作不力的单位予以通报。请各单位认真贯彻落实。"
) * 2


# --- crumb_parts ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("crumb", "parts"),
    [
        ("当前位置：首页 > 政务公开 > 规划计划", ["首页", "政务公开", "规划计划"]),
        ("您现在的位置: 首页 >> 互动交流", ["首页", "互动交流"]),
        ("当前位置： 首页 > 信息公开 > 政府信息公开目录 > 政策解读",
         ["首页", "信息公开", "政府信息公开目录", "政策解读"]),
        ("您的位置：首页 » 新闻中心 » 图片新闻", ["首页", "新闻中心", "图片新闻"]),
        ("首页 › 政务公开 › 通知公告", ["首页", "政务公开", "通知公告"]),
        ("当前位置：首页＞政务公开＞人事信息", ["首页", "政务公开", "人事信息"]),
        ("所在位置：首页 > 【通知公告】", ["首页", "通知公告"]),
        ("", []),
    ],
)
def test_crumb_parts(crumb: str, parts: list[str]) -> None:
    assert crumb_parts(crumb) == parts


# --- pager_targets -------------------------------------------------------------------------------------------

LIST = BASE + "zwgk/tzgg/"


def test_pager_targets_numbered_next_and_last_without_the_page_itself() -> None:
    facts = PageFacts(pager_links=(
        ("首页", LIST + "index.html"),
        ("上一页", LIST + "index.html"),
        ("1", LIST + "index.html"),
        ("2", LIST + "index_2.html"),
        ("[3]", LIST + "index_3.html"),
        ("下一页", LIST + "index_2.html"),
        ("尾页", LIST + "index_37.html"),
    ))
    assert pager_targets(facts, LIST) == [(2, LIST + "index_2.html"), (3, LIST + "index_3.html"),
                                          (10_000, LIST + "index_37.html")]


def test_pager_targets_on_a_later_page_exclude_that_page_and_keep_page_one() -> None:
    facts = PageFacts(pager_links=(("1", LIST + "index.html"), ("2", LIST + "index_2.html"),
                                   ("3", LIST + "index_3.html")))
    assert pager_targets(facts, LIST + "index_2.html") == [(1, LIST), (3, LIST + "index_3.html")]


def test_pager_targets_ignore_script_and_relative_links_and_other_texts() -> None:
    facts = PageFacts(pager_links=(
        ("2", "javascript:void(0)"),
        ("下一页", "javascript:goPage(2)"),
        ("3", "#page3"),
        ("4", "mailto:webmaster@gov.test"),
        ("跳转", LIST + "index_9.html"),
        ("5", LIST + "index_5.html"),
    ))
    assert pager_targets(facts, LIST) == [(5, LIST + "index_5.html")]


def test_pager_targets_without_a_pager() -> None:
    assert pager_targets(PageFacts(), LIST) == []


# --- followable ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "scope", "skip", "expected"),
    [
        (BASE + "zwgk/tzgg/", BASE, (), True),
        (BASE + "zwgk/tzgg/index.shtml", BASE, (), True),
        ("https://gov.test/hdjl/", "https://gov.test/", (), True),
        ("http://other.test/zwgk/", BASE, (), False),
        (BASE + "hdjl/", BASE + "zwgk/", (), False),  # a channel's scope: the rest of the site is outside
        (BASE + "zwgk/tzgg/", BASE + "zwgk/", (), True),
        (BASE + "bm/jtj/tzgg/", BASE, (BASE + "bm/",), False),  # a nested site checked on its own
        (BASE + "bm/", BASE, (BASE + "bm/",), False),
        (BASE + "bmfw/", BASE, (BASE + "bm/",), True),
        (BASE + "files/report.pdf", BASE, (), False),
        (BASE + "files/申请表.DOCX", BASE, (), False),
        (BASE + "files/budget.xls?v=2", BASE, (), False),
        (BASE + "files/all.zip", BASE, (), False),
        (BASE + "zwgk/pdf/", BASE, (), True),
        ("javascript:void(0)", BASE, (), False),
        ("mailto:webmaster@gov.test", BASE, (), False),
        ("ftp://gov.test/file", BASE, (), False),
    ],
)
def test_followable(url: str, scope: str, skip: tuple[str, ...], expected: bool) -> None:
    assert followable(url, scope, skip) is expected


# --- page_name -----------------------------------------------------------------------------------------------


def _snapshot(groups: list[dict[str, Any]] | None = None, main_text: str = "", title: str = "",
              url: str = BASE + "page/") -> PageSnapshot:
    return snapshot_from_json({
        "url": url, "title": title, "navLinks": [], "moreLinks": [], "groups": groups or [],
        "mainText": main_text, "mainLength": len(main_text), "mainAnchor": "m1", "footer": None,
    })


@pytest.mark.parametrize(
    ("crumb", "heading", "link_text", "title", "name"),
    [
        ("当前位置：首页 > 互动交流 > 意见征集", "", "更多", "柘城县人民政府", "意见征集"),
        ("", "", "【通知公告】", "通知公告 - 示例县", "通知公告"),
        ("当前位置：首页 > 政务公开 > 2020-11-05", "", "规划计划", "", "规划计划"),  # a date is no name
        ("", "", "", "人事信息", "人事信息"),
        ("", "政策解读", "", "示例县人民政府", "政策解读"),
    ],
)
def test_page_name(crumb: str, heading: str, link_text: str, title: str, name: str) -> None:
    facts = PageFacts(crumb=crumb, heading=heading)
    assert page_name(_snapshot(title=title), facts, link_text) == name


# --- page_role -----------------------------------------------------------------------------------------------


def _row(gc: str, title: str, href: str, rest: str = "") -> dict[str, Any]:
    return {"gc": gc, "title": title, "href": BASE + href, "rest": rest}


def _group(gc: str, region: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"gc": gc, "region": region, "visible": True, "rows": rows}


TITLES = (
    "关于做好2020年秋冬季森林防火工作的通知",
    "示例县召开全县安全生产工作会议",
    "关于公布第二批行政许可事项清单的公告",
    "示例县2020年第三季度国民经济运行情况",
    "关于开展农村人居环境整治检查的通知",
    "示例县政府常务会议研究部署重点工作",
)


def _dated_list(gc: str, count: int, region: str = "main") -> dict[str, Any]:
    return _group(gc, region, [_row(f"{gc}-{i}", TITLES[i % len(TITLES)], f"a/{gc}/{i}.html", f"2020-10-{20 + i:02d}")
                               for i in range(count)])


def _undated_list(gc: str, count: int) -> dict[str, Any]:
    return _group(gc, "main", [_row(f"{gc}-{i}", TITLES[i % len(TITLES)], f"a/{gc}/{i}.html") for i in range(count)])


def _menu(gc: str, names: list[str], region: str = "aside") -> dict[str, Any]:
    return _group(gc, region, [_row(f"{gc}-{i}", name, f"m/{i}/") for i, name in enumerate(names)])


def _role(snapshot: PageSnapshot, facts: PageFacts | None = None, *, name: str, via: LinkKind = LinkKind.MENU,
          depth: int = 2, link_text: str | None = None) -> PageRole:
    view = RoleView(snapshot, facts or PageFacts(), depth, via, name, name if link_text is None else link_text, AS_OF)
    return page_role(view)


SIBLINGS = ["政策文件", "规划计划", "人事信息", "通知公告"]


def test_column_is_a_page_with_dated_rows_in_main() -> None:
    # Reached from a list entry, so the column's name alone cannot make it one: the dated rows do.
    listed = _snapshot([_dated_list("g1", 5)], main_text="通知公告 ...")
    assert _role(listed, name="通知公告", via=LinkKind.ITEM) is PageRole.COLUMN
    bare = _snapshot([_undated_list("g1", 5)], main_text="通知公告 ...")
    assert _role(bare, name="通知公告", via=LinkKind.ITEM) is PageRole.OTHER


def test_two_dated_rows_make_a_column_one_does_not() -> None:
    assert _role(_snapshot([_dated_list("g1", 2)]), name="通知公告", via=LinkKind.ITEM) is PageRole.COLUMN
    assert _role(_snapshot([_dated_list("g1", 1)]), name="通知公告", via=LinkKind.ITEM) is not PageRole.COLUMN


def test_article_has_heading_publish_label_and_long_body() -> None:
    related = _dated_list("rel", 2, region="aside")  # 相关文章 beside the body
    page = _snapshot([related], main_text=ARTICLE_BODY, title="关于做好政府信息公开工作的通知")
    facts = PageFacts(heading="关于做好政府信息公开工作的通知", publish_label=True)
    assert _role(page, facts, name="关于做好政府信息公开工作的通知", via=LinkKind.ITEM) is PageRole.ARTICLE
    # The same page as a list of many dated rows is a column, not an article.
    many = _snapshot([_dated_list("g1", 6)], main_text=ARTICLE_BODY)
    assert _role(many, facts, name="政策文件", via=LinkKind.ITEM) is PageRole.COLUMN


def test_article_needs_a_long_body() -> None:
    facts = PageFacts(heading="关于做好政府信息公开工作的通知", publish_label=True)
    short = _snapshot([], main_text="关于做好政府信息公开工作的通知 发布时间：2020-10-20")
    assert _role(short, facts, name="关于做好政府信息公开工作的通知", via=LinkKind.MENU) is not PageRole.ARTICLE


def test_article_from_meta_tags_needs_the_publish_date() -> None:
    facts = facts_from_json({"articleTitle": "示例县召开全县安全生产工作会议", "pubDate": "2020-10-20 09:00"})
    page = _snapshot([], main_text=ARTICLE_BODY)
    assert _role(page, facts, name="安全生产", via=LinkKind.MENU) is PageRole.ARTICLE
    undated = facts_from_json({"articleTitle": "示例县召开全县安全生产工作会议"})
    assert _role(page, undated, name="安全生产", via=LinkKind.MENU) is not PageRole.ARTICLE


def test_hub_offers_a_menu_of_sections_without_itself() -> None:
    page = _snapshot([_menu("side", SIBLINGS, region="main")], main_text=" ".join(SIBLINGS))
    assert _role(page, name="政务公开", via=LinkKind.NAV) is PageRole.HUB


def test_a_menu_of_two_sections_is_no_hub() -> None:
    page = _snapshot([_menu("side", SIBLINGS[:2], region="main")], main_text=" ".join(SIBLINGS[:2]))
    assert _role(page, name="政务公开", via=LinkKind.NAV) is not PageRole.HUB


def test_menu_of_dated_links_is_no_hub() -> None:
    dated = _group("side", "main", [_row(f"s{i}", name, f"m/{i}/", f"2020-10-{10 + i}")
                                    for i, name in enumerate(SIBLINGS)])
    assert _role(_snapshot([dated]), name="政务公开", via=LinkKind.NAV) is not PageRole.HUB


def test_column_whose_side_menu_lists_its_siblings_and_itself() -> None:
    page = _snapshot([_menu("side", SIBLINGS), _dated_list("list", 5)])
    assert _role(page, name="规划计划") is PageRole.COLUMN
    # The same menu on a page of another name is a hub's menu.
    assert _role(page, name="政务公开") is PageRole.HUB


def test_column_known_by_the_link_text_in_its_own_side_menu() -> None:
    # The breadcrumb names it 规划计划 (the page name); the menu link that led here reads 【规划计划】.
    page = _snapshot([_menu("side", SIBLINGS), _dated_list("list", 5)])
    assert _role(page, name="发展规划", link_text="【规划计划】") is PageRole.COLUMN


def test_empty_column_shows_a_placeholder_under_its_own_breadcrumb() -> None:
    text = "当前位置：首页 > 政务公开 > 人事信息\n人事信息\n暂无信息"
    own = PageFacts(crumb="当前位置：首页 > 政务公开 > 人事信息")
    page = _snapshot([], main_text=text)
    # Reached from a tile (an item link), so neither a list nor the name's class can make it a column.
    assert _role(page, own, name="人事信息", via=LinkKind.ITEM) is PageRole.COLUMN
    other = PageFacts(crumb="当前位置：首页 > 政务公开")
    assert _role(page, other, name="人事信息", via=LinkKind.ITEM) is PageRole.OTHER
    # With content of its own under the breadcrumb it is a page, not an empty column.
    body = "张三同志任示例市人力资源和社会保障局副局长，试用期一年。"
    filled = _snapshot([], main_text=f"当前位置：首页 > 政务公开 > 人事信息\n人事信息\n{body}")
    assert _role(filled, own, name="人事信息", via=LinkKind.ITEM) is PageRole.OTHER


def test_form_page_has_a_message_form() -> None:
    page = _snapshot([], main_text="我要写信 姓名 电话 标题 内容 提交")
    letter = facts_from_json({"forms": [{"textareas": 1, "inputs": 3}]})
    assert _role(page, letter, name="我要写信", via=LinkKind.ITEM) is PageRole.FORM
    search = facts_from_json({"forms": [{"textareas": 0, "inputs": 1}]})
    assert search.search_form and not search.message_form
    assert _role(page, search, name="我要写信", via=LinkKind.ITEM) is not PageRole.FORM


def test_form_wins_over_a_list_on_the_same_page() -> None:
    page = _snapshot([_dated_list("list", 5)])
    letter = facts_from_json({"forms": [{"textareas": 1, "inputs": 2}]})
    assert _role(page, letter, name="县长信箱") is PageRole.FORM
    assert _role(page, PageFacts(), name="县长信箱") is PageRole.COLUMN


def test_pager_page_is_a_column_page() -> None:
    # Page 2 of a list whose rows show no dates, reached by the pager: still the column's list.
    page = _snapshot([_undated_list("list", 15)])
    assert _role(page, name="通知公告", via=LinkKind.PAGER) is PageRole.COLUMN
    assert _role(page, name="通知公告", via=LinkKind.ITEM) is not PageRole.COLUMN


def test_a_pager_keeps_a_menu_page_from_being_a_hub() -> None:
    page = _snapshot([_menu("side", SIBLINGS, region="main"), _undated_list("list", 6)])
    pager = PageFacts(pager_text="共 37 页 首页 上一页 1 2 3 下一页 尾页",
                      pager_links=(("2", LIST + "index_2.html"), ("下一页", LIST + "index_2.html")))
    assert _role(page, name="政务公开", via=LinkKind.NAV) is PageRole.HUB
    assert _role(page, pager, name="政务公开", via=LinkKind.NAV) is PageRole.COLUMN


def test_newmedia_page_by_the_link_that_led_to_it() -> None:
    # An account page reads like an article; the link on a 新媒体 page says what it is.
    page = _snapshot([], main_text=ARTICLE_BODY, title="示例县发布 - 微博")
    facts = PageFacts(heading="示例县发布", publish_label=True)
    assert _role(page, facts, name="示例县发布", via=LinkKind.NEWMEDIA) is PageRole.NEWMEDIA
    assert _role(page, facts, name="示例县发布", via=LinkKind.ITEM) is PageRole.ARTICLE


def test_home_is_the_start_page_at_depth_zero() -> None:
    page = _snapshot([_dated_list("news", 6), _menu("side", SIBLINGS, region="main")])
    assert _role(page, name="示例县人民政府", via=LinkKind.START, depth=0) is PageRole.HOME
    assert _role(page, name="示例县人民政府", via=LinkKind.START, depth=1) is not PageRole.HOME
