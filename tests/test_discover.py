"""Discovery from page snapshots: the links a person follows, columns, lists and their dates (pure, no browser)."""

from datetime import date

from checker.discover import home_items, in_scope, main_list, normalise_url
from checker.observe import snapshot_from_json
from checker.rules import ColumnClass
from checker.scenario import ColumnHint, SiteHints
from checker.sitemap.columns import map_columns
from checker.sitemap.model import LinkKind, PageFacts, PageRole, SiteMap, SitePage
from checker.sitemap.structure import followable, outgoing

AS_OF = date(2020, 11, 6)
BASE = "http://gov.test/"


def row(gc: str, title: str, href: str, rest: str = "") -> dict:
    return {"gc": gc, "title": title, "href": BASE + href, "rest": rest, "linkText": title}


SNAPSHOT = snapshot_from_json(
    {
        "url": BASE,
        "title": "示例市人民政府",
        "navLinks": [
            {"text": "首页", "href": BASE, "region": "nav"},
            {"text": "要闻动态", "href": BASE + "xwzx/ywdt/index.html", "region": "nav"},
            {"text": "政府信息公开", "href": BASE + "zwgk/", "region": "nav"},
            {"text": "互动交流", "href": BASE + "hdjl/", "region": "nav"},
            {"text": "人事信息", "href": "http://other.test/rsxx/", "region": "nav"},
        ],
        "moreLinks": [
            {"heading": "通知公告", "href": BASE + "tzgg/", "gc": "9"},
            {"heading": "要闻动态", "href": BASE + "xwzx/ywdt/", "gc": "10"},
        ],
        "groups": [
            {"gc": "1", "region": "main", "visible": True, "rows": [
                row("2", "示例市召开常务会议", "a/1.html", "2020-11-05"),
                row("3", "示例市开展安全检查", "a/2.html", "[11-04]"),
            ]},
            {"gc": "4", "region": "aside", "visible": True, "rows": [
                row("5", "通知公告", "tzgg/"), row("6", "政策文件", "zcwj/"), row("7", "人事信息", "rsxx/"),
            ]},
            {"gc": "8", "region": "main", "visible": True, "rows": [
                row("11", "关于开展2020年度统计工作的通知", "t/1.html", "2020年06月20日"),
            ]},
        ],
        "mainText": "",
        "mainLength": 0,
        "footer": None,
    }
)


def test_home_items_read_every_date_format_and_infer_years() -> None:
    dates = [item.date for item in home_items(SNAPSHOT, AS_OF)]
    assert date(2020, 11, 5) in dates
    assert date(2020, 11, 4) in dates
    assert date(2020, 6, 20) in dates


def test_links_to_follow_come_structure_first_and_list_entries_last() -> None:
    links = outgoing(SNAPSHOT, PageFacts(), PageRole.HOME, "示例市人民政府", AS_OF)
    kinds = {(link.text, link.url): link.kind for link in links}
    assert kinds[("要闻动态", BASE + "xwzx/ywdt/index.html")] is LinkKind.NAV
    assert kinds[("通知公告", BASE + "tzgg/")] in (LinkKind.MENU, LinkKind.MORE)
    assert kinds[("政策文件", BASE + "zcwj/")] is LinkKind.MENU  # the aside's short undated links are a menu
    assert kinds[("示例市召开常务会议", BASE + "a/1.html")] is LinkKind.ITEM
    order = [link.kind.structural for link in links]
    assert order == sorted(order, reverse=True), "every structural link comes before the first list entry"
    assert not followable("http://other.test/rsxx/", BASE)  # another host: out of scope


def _mapped(name: str, url: str, role: PageRole = PageRole.COLUMN) -> SitePage:
    snapshot = snapshot_from_json({"url": url, "title": name, "groups": [], "mainText": "", "mainLength": 0})
    return SitePage(url, 1, ("政府信息公开", name), LinkKind.MENU, BASE, final_url=url, role=role, name=name,
                    snapshot=snapshot)


def test_map_columns_take_every_column_page_and_apply_hints() -> None:
    site_map = SiteMap(BASE, BASE)
    for page in (_mapped("要闻动态", BASE + "xwzx/ywdt/"), _mapped("通知公告", BASE + "tzgg/"),
                 _mapped("网站地图", BASE + "wzdt/"), _mapped("政府信息公开", BASE + "zwgk/", PageRole.HUB),
                 _mapped("专项工作", BASE + "zxgz/")):
        site_map.pages[page.url] = page
    hints = SiteHints(columns=[ColumnHint(name="要闻动态", **{"class": "yearly"})], ignore_columns=["通知公告"])
    found = {c.name: c for c in map_columns(site_map, hints)}
    assert found["要闻动态"].column_class is ColumnClass.YEARLY
    assert found["要闻动态"].path == ("政府信息公开", "要闻动态")
    assert "通知公告" not in found
    assert "网站地图" not in found  # a tool, not a column
    assert "政府信息公开" not in found  # a hub
    assert found["专项工作"].column_class is ColumnClass.STATIC  # no keyword: still judged for being empty


def test_main_list_prefers_the_group_with_most_dates_in_main_region() -> None:
    group, items = main_list(SNAPSHOT, AS_OF)
    assert group is not None and group.anchor == "1"
    assert len(items) == 2


def test_scope_and_normalisation() -> None:
    assert normalise_url("http://gov.test/bm/jyj/index.html#top") == "http://gov.test/bm/jyj/"
    assert in_scope("http://gov.test/bm/jyj/tzgg/", "http://gov.test/bm/jyj/")
    assert in_scope("http://gov.test/bm/jyj", "http://gov.test/bm/jyj/")
    assert not in_scope("http://gov.test/bm/wjw/", "http://gov.test/bm/jyj/")
    assert not in_scope("javascript:void(0)", "http://gov.test/")
