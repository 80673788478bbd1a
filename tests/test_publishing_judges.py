"""Pure judges of the publishing families: 文号, validity marks, file ↔ 解读 pairs, rich forms, guide, typos."""

from __future__ import annotations

from datetime import date

import pytest

from checker.checks.guide import GuideSeen, judge_guide, missing_elements, outdated_rules
from checker.checks.interpretation_judge import (
    Interpretation,
    judge_links,
    judge_rich_format,
    pair,
    rich_form,
    title_similarity,
)
from checker.checks.policy_judge import PolicyFile, judge_doc_numbers, judge_expired
from checker.checks.publishing_io import sample_items
from checker.checks.typo import ReadPage, judge_typos
from checker.discover import DatedItem
from checker.docmeta import read_meta
from checker.htmlpage import parse_html
from checker.lexicon import TypoEntry, builtin_lexicon, find_typos, lexicon
from checker.results import Severity
from tests.corpus import corpus_html

AS_OF = date(2020, 11, 6)
BASE = "http://gov.test"


def policy(title: str, body: str, *, url: str = "/f1.html", list_text: str = "") -> PolicyFile:
    page = parse_html(f"<title>{title}</title><h1>{title}</h1>{body}", BASE + url)
    return PolicyFile(title, BASE + url, "政策文件", True, list_text or title, None, page,
                      read_meta(page.lines, AS_OF))


def reading(title: str, body: str, *, url: str = "/j1.html", listed: date | None = None) -> Interpretation:
    page = parse_html(f"<h1>{title}</h1>{body}", BASE + url)
    return Interpretation(title, BASE + url, "政策解读", listed, page)


@pytest.mark.parametrize(
    ("body", "found", "needle"),
    [
        ("<p>文号：示府〔2020〕8号</p>", False, ""),
        ("<table><tr><th>文号：</th><td></td></tr></table>", True, "文号"),
        ("<p><strong>文号</strong>：无</p>", True, "文号"),
        ("<p>正文，根据国办发〔2019〕19号文件。</p>", True, "关于X的通知"),
        ("<p>（江府办函〔2020〕216号）</p><p>正文。</p>", False, ""),
    ],
)
def test_doc_number(body: str, found: bool, needle: str) -> None:
    out = judge_doc_numbers([policy("关于X的通知", body)])
    assert bool(out) is found
    if found:
        assert out[0].finding.indicator == "policy.no_doc_number"
        assert out[0].finding.target == "关于X的通知"
        assert out[0].needle == needle


def test_doc_number_only_for_normative_readable_files() -> None:
    file = policy("关于X的通知", "<p>文号：无</p>")
    assert not judge_doc_numbers([PolicyFile(file.title, file.url, "新闻", False, page=file.page, meta=file.meta)])
    assert not judge_doc_numbers([PolicyFile(file.title, file.url, "政策文件", True)])


@pytest.mark.parametrize(
    ("title", "body", "list_text", "found"),
    [
        ("关于A的通知", "<p>有效期：2017年04月01日至2020年03月31日</p>", "", True),
        ("关于A的通知", "<p>有效期：2017年04月01日至2020年12月31日</p>", "", False),
        ("【已废止】关于A的通知", "<p>有效期：2017年04月01日至2020年03月31日</p>", "", False),
        ("关于A的通知", "<p>有效期：2015年至2018年6月30日</p><p>时效：已失效</p>", "", False),
        ("关于A的通知", "<p>有效期：2017年04月01日至2020年03月31日</p>", "关于A的通知【已失效】", False),
        ("关于A的通知", "<p>有效期：长期</p>", "", False),
    ],
)
def test_expired(title: str, body: str, list_text: str, found: bool) -> None:
    out = judge_expired([policy(title, body, list_text=list_text)], AS_OF)
    assert bool(out) is found
    if found:
        assert "2020-03-31" in out[0].finding.detail


INFO_BAR = "<table><tr><th>成文日期：</th><td>{written}</td><th>发布日期：</th><td>{published}</td></tr>{valid}</table>"


def with_bar(body: str, *, written: str = "2017年12月20日", published: str = "2017年12月25日", valid: str = "") -> str:
    row = f"<tr><th>有效期：</th><td>{valid}</td></tr>" if valid else ""
    return INFO_BAR.format(written=written, published=published, valid=row) + body


@pytest.mark.parametrize(
    ("title", "body", "found", "until"),
    [
        # the info bar has no 有效期: the body's sentence is read
        ("关于A的通知", with_bar("<p>本通知自2018年1月1日起施行，有效期2年。</p>"), True, "2019-12-31"),
        ("关于A的通知", with_bar("<p>自印发之日起施行，有效期2年。</p>"), True, "2019-12-19"),
        ("关于A的通知", with_bar("<p>本通知有效期至2020年10月31日。</p>"), True, "2020-10-31"),
        ("示例市A管理办法", with_bar("<p>第三十条 本办法自2016年3月1日起实施，有效期至2020年2月29日。</p>"), True,
         "2020-02-29"),
        ("关于A的通知", with_bar("<p>本通知有效期为两年。</p>"), True, "2019-12-24"),
        # still in force on as_of, or not the file's own validity
        ("关于A的通知", with_bar("<p>本办法自2018年1月1日起施行。</p><p>有效期五年。</p>"), False, ""),
        ("关于A的通知", with_bar("<p>本通知有效期至2020年12月31日。</p>"), False, ""),
        ("关于A的通知", with_bar("<p>本通知自2019年1月1日起施行，有效期2年。</p>"), False, ""),
        ("关于A的通知", with_bar("<p>营业执照有效期至2019年12月31日。</p><p>有效期满前30日申请延续。</p>"), False, ""),
        ("关于A的通知", with_bar("<p>证件在有效期内的，继续使用。</p>"), False, ""),
        # the info bar speaks first: a date of its own, or 长期
        ("关于A的通知", with_bar("<p>本通知有效期至2019年12月31日。</p>", valid="2018年1月1日至2021年12月31日"),
         False, ""),
        ("关于A的通知", with_bar("<p>本通知有效期至2019年12月31日。</p>", valid="长期"), False, ""),
        # marked
        ("【已失效】关于A的通知", with_bar("<p>本通知有效期至2019年12月31日。</p>"), False, ""),
        ("关于A的通知", with_bar("<p>本通知有效期至2019年12月31日。</p><p>时效性：已失效</p>"), False, ""),
    ],
)
def test_expired_by_the_body(title: str, body: str, found: bool, until: str) -> None:
    out = judge_expired([policy(title, body)], AS_OF)
    assert bool(out) is found
    if found:
        finding = out[0].finding
        assert finding.indicator == "policy.expired_unmarked"
        assert f"有效期至 {until}" in finding.detail
        sentence = next(line for line in policy(title, body).page.lines if "有效期" in line)
        assert f"正文写明“{sentence}”" in finding.detail
        assert out[0].needle.startswith("有效期") and out[0].needle in sentence


def test_expiry_says_where_the_start_came_from() -> None:
    out = judge_expired([policy("关于A的通知", with_bar("<p>自印发之日起施行，有效期2年。</p>"))], AS_OF)
    assert "（自 2017-12-20 起2年，起算日取成文日期）" in out[0].finding.detail
    out = judge_expired([policy("关于A的通知", with_bar("<p>本通知自2018年1月1日起施行，有效期2年。</p>"))], AS_OF)
    assert "（自 2018-01-01 起2年）" in out[0].finding.detail


def test_a_file_extended_by_another_is_not_expired() -> None:
    old = policy("示例市人才引进办法", with_bar("<p>本办法自2016年1月1日起施行，有效期3年。</p>"), url="/old.html")
    assert judge_expired([old], AS_OF)
    extension = policy("关于延长示例市人才引进办法有效期的通知",
                       "<p>经研究，决定将《示例市人才引进办法》有效期延长至2021年12月31日。</p>", url="/ext.html")
    assert not judge_expired([old, extension], AS_OF)


def test_repealed_by_a_later_file() -> None:
    old = policy("示例市城市排水管理办法", "<p>有效期：长期</p>", url="/old.html")
    new = policy("示例市城市排水条例实施办法", "<p>本办法施行之日起，《示例市城市排水管理办法》同时废止。</p>",
                 url="/new.html")
    out = judge_expired([old, new], AS_OF)
    assert [item.finding.target for item in out] == ["示例市城市排水管理办法"]
    assert "示例市城市排水条例实施办法" in out[0].finding.detail
    marked = policy("【已废止】示例市城市排水管理办法", "", url="/old.html")
    assert not judge_expired([marked, new], AS_OF)


FILE_TITLE = "示例市人民政府关于印发示例市促进消费扩容提质实施方案的通知"


def test_pairs_by_links_and_reports_each_missing_side() -> None:
    file = policy(FILE_TITLE, f'<p>相关解读：<a href="{BASE}/j1.html">解读</a></p>')
    one_way = reading("《示例市促进消费扩容提质实施方案》政策解读", "<p>解读正文</p>")
    pairs = pair([file], [one_way], 0.6)
    assert pairs[0].rule == "页面之间的链接" and pairs[0].file_links and not pairs[0].back_links
    out = judge_links(pairs)
    assert len(out) == 1 and out[0].url == one_way.url and out[0].finding.target == FILE_TITLE
    assert "解读页面未链接回原文件" in out[0].finding.detail and file.url in out[0].finding.detail

    both = reading("《示例市促进消费扩容提质实施方案》政策解读", f'<a href="{BASE}/f1.html">原文</a>')
    assert not judge_links(pair([file], [both], 0.6))


def test_pairs_by_title_when_no_links_and_names_the_rule() -> None:
    file = policy(FILE_TITLE, "<p>正文</p>")
    alone = reading("《示例市促进消费扩容提质实施方案》政策解读", "<p>解读正文</p>")
    out = judge_links(pair([file], [alone], 0.6))
    assert len(out) == 2
    assert all("标题相似" in item.finding.detail for item in out)
    unrelated = reading("一图读懂《示例市生活垃圾分类工作方案》", "<p>图解</p>")
    assert not pair([file], [unrelated], 0.6)


def test_title_similarity() -> None:
    assert title_similarity(FILE_TITLE, "《示例市促进消费扩容提质实施方案》政策解读") == 1.0
    assert title_similarity(FILE_TITLE, "促进消费扩容提质实施方案解读") > 0.6
    assert title_similarity(FILE_TITLE, "示例市老旧小区改造工作方案问答") < 0.6


@pytest.mark.parametrize(
    ("title", "body", "rich"),
    [
        ("一图读懂《方案》", "", True),
        ("《方案》政策解读", '<video src="/v.mp4"></video>', True),
        ("《方案》政策解读", '<a href="/a/jd.mp3">收听</a>', True),
        ("《方案》新闻发布会", "", True),
        ("《方案》政策解读", "<p>文字</p><img src='/x.png'>", False),
    ],
)
def test_rich_forms(title: str, body: str, rich: bool) -> None:
    assert bool(rich_form(reading(title, body))) is rich


def test_rich_format_within_the_window() -> None:
    start, end = date(2020, 10, 19), AS_OF
    text = reading("《方案》政策解读", "<p>文字</p>", listed=date(2020, 10, 20))
    old_rich = reading("一图读懂《方案》", "", listed=date(2020, 8, 23))
    finding = judge_rich_format([text, old_rich], start, end, column="政策解读", url=BASE, seen_at=None)
    assert finding is not None and "1条解读均为纯文字" in finding.detail
    new_rich = reading("一图读懂《方案》", "", listed=date(2020, 11, 1))
    assert judge_rich_format([text, new_rich], start, end, column="政策解读", url=BASE, seen_at=None) is None
    none = judge_rich_format([old_rich], start, end, column="政策解读", url=BASE, seen_at=None)
    assert none is not None and "没有发布解读" in none.detail


def items(*days: int) -> list[DatedItem]:
    return [DatedItem(f"t{d}", f"{BASE}/{d}", date(2020, 1, 1).replace(day=d) if d else None, "", "") for d in days]


def test_sample_takes_the_window_and_spreads_the_rest() -> None:
    listing = items(28, 27, 26, 20, 15, 10, 5, 3, 2, 1)
    chosen = sample_items(listing, date(2020, 1, 26), 6)
    assert [i.title for i in chosen[:3]] == ["t28", "t27", "t26"]
    assert chosen[-1].title == "t1" and len(chosen) == 6
    assert sample_items(listing, None, 100) == listing
    assert len(sample_items(listing, date(2020, 1, 1), 4)) == 4


GUIDE = """<h2>政府信息公开指南</h2><p>根据《中华人民共和国政府信息公开条例》（2019年修订）编制本指南。</p>
<p>受理机构：示例市人民政府办公室</p><p>地址：示例市府前路1号</p><p>电话：0750-3212345</p>
<p>办公时间：工作日8:30—17:30</p><p>申请方式：当面、邮寄、网上申请</p>
<p>答复时限：自收到申请之日起20个工作日内予以答复</p>"""


def test_guide_complete_missing_and_mismatch() -> None:
    page = parse_html(GUIDE, BASE + "/zn/")
    assert judge_guide(GuideSeen(BASE + "/zn/", "政府信息公开指南", page), where="首页", url=BASE, seen_at=None,
                       as_of=AS_OF) is None
    missing = judge_guide(None, where="首页和导航栏", url=BASE, seen_at=None, as_of=AS_OF)
    assert missing is not None and missing.indicator == "guide.missing" and missing.target == "政府信息公开指南"
    notice = parse_html(
        "<h2>政府信息公开指南</h2><h3>关于做好年报编制工作的通知</h3><p>各处室：请于1月15日前报送。</p>", BASE
    )
    found = judge_guide(GuideSeen(BASE, "政府信息公开指南", notice), where="", url=BASE, seen_at=None, as_of=AS_OF)
    assert found is not None and found.indicator == "guide.mismatch" and "内容不是公开指南" in found.detail
    dead = judge_guide(GuideSeen(BASE, "信息公开指南", None, "HTTP 404"), where="", url=BASE, seen_at=None,
                       as_of=AS_OF)
    assert dead is not None and dead.indicator == "guide.missing" and "HTTP 404" in dead.detail


def test_guide_elements_and_old_regulation() -> None:
    assert missing_elements(GUIDE) == []
    assert missing_elements(GUIDE.replace("办公时间", "时段")) == ["办公时间"]
    old = GUIDE.replace("（2019年修订）", "（国务院令第492号）")
    assert outdated_rules(old, as_of=AS_OF) and not outdated_rules(GUIDE, as_of=AS_OF)
    finding = judge_guide(GuideSeen(BASE, "政府信息公开指南", parse_html(old, BASE)), where="", url=BASE,
                          seen_at=None, as_of=AS_OF)
    assert finding is not None and "492号" in finding.detail


def test_handan_guide_page_is_a_shell_without_guide_content() -> None:
    page = parse_html(corpus_html("renmin/src/main/webapp/WEB-INF/views/affairs/gkzn.jsp"), "http://hd/")
    assert "政府信息公开指南" in page.title
    found = judge_guide(GuideSeen("http://hd/", "政府信息公开指南", page), where="", url="", seen_at=None,
                        as_of=AS_OF)
    assert found is not None and found.indicator == "guide.mismatch"
    assert "受理机构或申请渠道" in found.detail


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("本批资金已全部拔款到位。", ["拔款"]),
        ("该项目倍受关注，是关健所在。", ["倍受", "关健"]),
        ("请登陆系统填报。", ["登陆系统"]),
        ("依据《政府信息公开条列》办理。", ["条列"]),
        ("市财政已拨款，备受关注，关键环节，请登录系统，依据条例，台风登陆。", []),
    ],
)
def test_lexicon_hits_and_no_hits_on_correct_forms(text: str, wrong: list[str]) -> None:
    assert [hit.entry.wrong for hit in find_typos(text, builtin_lexicon())] == wrong


def test_lexicon_unless_suite_entries_and_serious_wording() -> None:
    entry = TypoEntry(wrong="公开栏目", right="公开专栏", unless=["政务公开栏目"])
    assert not find_typos("政务公开栏目", (entry,))
    assert find_typos("信息公开栏目", (entry,))
    merged = lexicon((TypoEntry(wrong="拔款", right="拨付"),))
    assert [e.right for e in merged if e.wrong == "拔款"] == ["拨付"]
    pages = [ReadPage(BASE + "/a.html", "某新闻", "中华人民共合国成立。资金已拔款。资金已拔款。")]
    out = judge_typos(pages, lexicon())
    assert [(o.finding.severity, o.needle) for o in out] == [(Severity.VETO, "中华人民共合国"),
                                                            (Severity.DEDUCTION, "拔款")]
    assert "原文：“资金已拔款。”" in out[1].finding.detail


def test_suite_typos_are_validated_with_their_line() -> None:
    from checker.scenario import ScenarioError, parse_suite

    head = "suite: x\nsites: [{name: a, unit: b, url: 'http://a.test/'}]\n"
    suite = parse_suite(head + "typos:\n  - {wrong: 公开栏木, right: 公开栏目, serious: true}\n")
    assert suite.typos[0].wrong == "公开栏木" and suite.typos[0].serious
    with pytest.raises(ScenarioError, match=r"<scenario>:5: typos\[0\]\.bogus: 不认识的键"):
        parse_suite(head + "typos:\n  - wrong: 公开栏木\n    bogus: 1\n")
    with pytest.raises(ScenarioError, match=r"settings\.max_detail_pages_per_column"):
        parse_suite(head + "settings: {max_detail_pages_per_column: 0}\n")
