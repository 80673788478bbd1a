"""Discovery from page snapshots: columns, lists and their dates (pure, no browser)."""

from datetime import date

from checker.discover import (
    columns_from_page,
    disclosure_sections,
    home_items,
    in_scope,
    main_list,
    merge_columns,
    normalise_url,
)
from checker.observe import snapshot_from_json
from checker.rules import ColumnClass
from checker.scenario import ColumnHint, SiteHints

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


def test_columns_from_navigation_and_more_links_within_scope() -> None:
    found = {(c.name, c.url, c.column_class) for c in columns_from_page(SNAPSHOT, BASE, SiteHints())}
    assert ("要闻动态", BASE + "xwzx/ywdt/", ColumnClass.DYNAMIC) in found
    assert ("通知公告", BASE + "tzgg/", ColumnClass.NOTICE) in found
    names = {name for name, _, _ in found}
    assert "首页" not in names
    assert ("互动交流", BASE + "hdjl/", ColumnClass.STATIC) in found
    assert "人事信息" not in names  # another host: out of scope


def test_merge_deduplicates_by_url_and_hints_come_first() -> None:
    hints = SiteHints(columns=[ColumnHint(name="招生考试", url=BASE + "zsks/", **{"class": "notice"})])
    merged = merge_columns(columns_from_page(SNAPSHOT, BASE, hints), hints=hints, limit=40)
    assert merged[0].name == "招生考试"
    assert [c.url for c in merged].count(BASE + "xwzx/ywdt/") == 1


def test_hint_forces_a_class_and_ignore_drops_a_column() -> None:
    hints = SiteHints(columns=[ColumnHint(name="要闻动态", **{"class": "yearly"})], ignore_columns=["通知公告"])
    found = {c.name: c.column_class for c in columns_from_page(SNAPSHOT, BASE, hints)}
    assert found["要闻动态"] is ColumnClass.YEARLY
    assert "通知公告" not in found


def test_directory_page_yields_sub_columns() -> None:
    found = {c.name for c in columns_from_page(SNAPSHOT, BASE, SiteHints(), directory=True)}
    assert {"政策文件", "人事信息", "通知公告"} <= found


def test_disclosure_sections_found_in_navigation() -> None:
    assert disclosure_sections(SNAPSHOT, BASE) == [BASE + "zwgk/"]


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
