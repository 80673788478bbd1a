"""指南内容不符 judged by the 政府信息公开条例 in force at the monitoring point (pure, table-driven)."""

from __future__ import annotations

from datetime import date

import pytest

from checker.checks.guide import (
    DISCLOSURE_RULES,
    GuideSeen,
    cited_rules,
    judge_guide,
    missing_elements,
    outdated_rules,
    rule_in_force,
)
from checker.htmlpage import decode_html, parse_html
from tests.corpus import corpus_file

BASE = "http://gov.test"
OLD, NEW = DISCLOSURE_RULES
ELEMENTS = """<p>受理机构：示例市人民政府办公室</p><p>地址：示例市府前路1号</p><p>电话：0750-3212345</p>
<p>办公时间：工作日8:30—17:30</p><p>申请方式：当面、邮寄、网上申请</p>
<p>答复时限：自收到申请之日起20个工作日内予以答复</p>"""
CITES_OLD = "根据《中华人民共和国政府信息公开条例》（国务院令第492号）编制本指南。"
CITES_NEW = "根据《中华人民共和国政府信息公开条例》（国务院令第711号）编制本指南。"
CITES_BOTH = "原依据国务院令第492号编制，现根据2019年修订的《中华人民共和国政府信息公开条例》更新本指南。"
CITES_NONE = "根据《中华人民共和国政府信息公开条例》编制本指南。"


def guide(sentence: str) -> GuideSeen:
    page = parse_html(f"<h2>政府信息公开指南</h2><p>{sentence}</p>{ELEMENTS}", BASE + "/zn/")
    return GuideSeen(BASE + "/zn/", "政府信息公开指南", page)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2008, 4, 30), None),
        (date(2008, 5, 1), OLD),
        (date(2018, 7, 27), OLD),
        (date(2019, 5, 14), OLD),
        (date(2019, 5, 15), NEW),
        (date(2020, 11, 6), NEW),
    ],
)
def test_rule_in_force(as_of: date, expected: object) -> None:
    assert rule_in_force(as_of) is expected


@pytest.mark.parametrize(
    ("text", "cited"),
    [
        (CITES_OLD, (OLD,)),
        ("《条例》（2007年4月5日中华人民共和国国务院令第 492 号公布）", (OLD,)),
        ("本条例自2008年5月1日起施行。", (OLD,)),
        (CITES_NEW, (NEW,)),
        ("根据《中华人民共和国政府信息公开条例》（2019年修订）", (NEW,)),
        (CITES_BOTH, (OLD, NEW)),
        (CITES_NONE, ()),
        ("本机关自2008年5月1日起正式受理政府信息公开申请。", ()),
    ],
)
def test_cited_rules(text: str, cited: tuple[object, ...]) -> None:
    assert cited_rules(text) == cited


@pytest.mark.parametrize(
    ("text", "as_of", "outdated"),
    [
        # before the revision applied, 492号 was the law in force
        (CITES_OLD, date(2018, 7, 27), ()),
        (CITES_OLD, date(2019, 5, 14), ()),
        # a guide already citing the revision before it applied is not outdated either
        (CITES_NEW, date(2019, 4, 20), ()),
        # from 2019-05-15 a guide citing only 492号 is outdated
        (CITES_OLD, date(2019, 5, 15), (OLD,)),
        (CITES_OLD, date(2020, 11, 6), (OLD,)),
        (CITES_NEW, date(2020, 11, 6), ()),
        (CITES_BOTH, date(2020, 11, 6), ()),
        (CITES_NONE, date(2020, 11, 6), ()),
    ],
)
def test_outdated_rules(text: str, as_of: date, outdated: tuple[object, ...]) -> None:
    assert outdated_rules(text, as_of=as_of) == outdated


@pytest.mark.parametrize(
    ("sentence", "as_of", "outdated"),
    [
        (CITES_OLD, date(2018, 7, 27), False),
        (CITES_OLD, date(2020, 11, 6), True),
        (CITES_NEW, date(2020, 11, 6), False),
        (CITES_BOTH, date(2020, 11, 6), False),
        (CITES_NONE, date(2020, 11, 6), False),
    ],
)
def test_judge_guide_by_the_law_in_force(sentence: str, as_of: date, outdated: bool) -> None:
    finding = judge_guide(guide(sentence), where="", url=BASE, seen_at=None, as_of=as_of)
    assert (finding is not None) is outdated
    if finding is not None:
        assert finding.indicator == "guide.mismatch"
        assert "已不再施行的国务院令第492号" in finding.detail
        assert "国务院令第711号《中华人民共和国政府信息公开条例》（2019年5月15日起施行）" in finding.detail
        assert as_of.isoformat() in finding.detail


@pytest.mark.parametrize(
    ("as_of", "in_force"),
    [(date(2018, 7, 27), "国务院令第492号"), (date(2020, 11, 6), "国务院令第711号")],
)
def test_detail_names_the_version_in_force(as_of: date, in_force: str) -> None:
    lacking = guide(CITES_NONE).page
    assert lacking is not None
    page = parse_html(lacking.text.replace("办公时间", "时段"), BASE)
    finding = judge_guide(GuideSeen(BASE, "政府信息公开指南", page), where="", url=BASE, seen_at=None, as_of=as_of)
    assert finding is not None and "缺少办公时间" in finding.detail
    assert f"应依据监测时间点施行的{in_force}" in finding.detail


# The real 2017 guide of 柘城县 (mirrored 2018-07-27; ../shared/corpus, skipped when absent).
ZHECHENG_GUIDE = "testHtml/xxgk/xxgkzn/2018-06-30/298.html"


def zhecheng_guide() -> GuideSeen:
    path = corpus_file(ZHECHENG_GUIDE)
    page = parse_html(decode_html(path.read_bytes()), "http://www.zhecheng.gov.cn/xxgk/xxgkzn/2018-06-30/298.html")
    return GuideSeen(page.url, "信息公开指南", page)


def test_real_2017_guide_has_every_element() -> None:
    seen = zhecheng_guide()
    assert seen.page is not None
    assert missing_elements(seen.page.text) == []


@pytest.mark.parametrize(
    ("as_of", "outdated"),
    [(date(2018, 7, 27), False), (date(2019, 5, 14), False), (date(2020, 11, 6), True)],
)
def test_real_2017_guide_judged_by_the_law_of_the_day(as_of: date, outdated: bool) -> None:
    seen = zhecheng_guide()
    finding = judge_guide(seen, where="", url=seen.url, seen_at=None, as_of=as_of)
    said_outdated = finding is not None and "已不再施行的国务院令第492号" in finding.detail
    assert said_outdated is outdated
    if outdated:
        assert finding is not None and finding.indicator == "guide.mismatch"
        assert "缺少" not in finding.detail and "内容不是公开指南" not in finding.detail
    else:
        assert finding is None  # the guide is complete and followed the law in force then
