"""The families that read the site map on a flaky server: a failed look is never a finding.

Pure judge tests show that a ``failed`` probe (a column page, a guide, a survey's result page, an interview,
a 解读 that did not load) never becomes a finding, and that the judges do not read the clock. A browser test
runs a tiny site whose pages fail their first looks (503, an empty answer) and then answer: no false finding,
the real findings kept, and what never answered is coverage (未能核查) with every attempt's time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from checker.checks import columns as columns_module
from checker.checks import guide as guide_module
from checker.checks import participation, publishing, replies
from checker.checks.availability import AvailabilityCheck
from checker.checks.columns import ColumnsCheck, ColumnSeen, ColumnsObservation, HomeFreshnessCheck, HomeObservation
from checker.checks.freshness import ColumnObservation
from checker.checks.guide import GUIDE_KEY, GuideCheck, GuideObservation, GuideSeen
from checker.checks.interpretation_judge import Interpretation
from checker.checks.participation import (
    INTERVIEW_LIST,
    NEWEST_INTERVIEW,
    SURVEY_LIST,
    InterviewCheck,
    InterviewList,
    InterviewObservation,
    SurveyCheck,
    SurveyList,
    SurveyObservation,
    SurveyRow,
)
from checker.checks.policy_judge import PolicyFile
from checker.checks.publishing import Detail, Listing, PublishingCheck, PublishingObservation
from checker.checks.publishing_io import ColumnList
from checker.checks.replies import MessageSeen, RepliesCheck, RepliesObservation
from checker.checks.surveys import InterviewSeen, SurveySeen
from checker.discover import ColumnCandidate, DatedItem
from checker.engine import RunOptions
from checker.htmlpage import parse_html
from checker.observation import Probe, absent, failed, seen, unverified_note
from checker.observe import PageSnapshot, Row, RowGroup
from checker.results import CheckStatus
from checker.rules import ColumnClass, RuleSet
from checker.scenario import Settings, Site, Suite
from checker.sitemap.model import LinkKind, PageRole, SiteMap, SitePage
from tests.aio import run_async
from tests.conftest import run_in_thread

AS_OF = date(2020, 11, 6)
T0 = datetime(2020, 11, 6, 2, 0, tzinfo=UTC)
RULES = RuleSet()
BASE = "http://127.0.0.1:1/"


def _column(name: str, items: tuple[DatedItem, ...], text: str = "") -> ColumnSeen:
    candidate = ColumnCandidate(name, BASE + name, ColumnClass.DYNAMIC, "导航栏", (name,))
    page = SitePage(BASE + name, 1, (name,), LinkKind.NAV)
    return ColumnSeen(page, None, ColumnObservation(candidate, BASE + name, items, text, len(text), T0))


def test_a_column_whose_page_failed_is_never_empty_nor_stale() -> None:
    stale = (DatedItem("旧闻", BASE + "a.html", date(2020, 1, 2), "", ""),)
    observation = ColumnsObservation([
        failed("栏目“工作动态”", "页面返回 HTTP 503", value=_column("工作动态", ())),
        failed("栏目“通知公告”", "连接被重置", value=_column("通知公告", stale)),
        absent("栏目“要闻”", value=_column("要闻", (), "暂无信息")),
        seen("栏目“动态”", _column("动态", stale)),
    ], T0)
    findings = ColumnsCheck().judge(observation, RULES, AS_OF, T0)
    assert sorted((f.indicator, f.target) for f in findings) == [("column.empty", "要闻"),
                                                                  ("column.not_updated", "动态")]


SCRIPT_FAILED = "脚本 /js/list.js 未能加载（连接被重置）"


def _map_page(path: str, name: str, **state: object) -> SitePage:
    state = {"attempt_times": (T0,), **state}
    return SitePage(BASE + path, 1, (name,), LinkKind.NAV, BASE, role=PageRole.COLUMN, name=name,
                    **state)  # type: ignore[arg-type]


def _snapshot(path: str, rows: list[tuple[str, str]]) -> PageSnapshot:
    listed = tuple(Row(f"r{i}", title, f"{BASE}{path}{i}.html", day) for i, (title, day) in enumerate(rows))
    text = "\n".join(f"{title} {day}" for title, day in rows) or "暂无信息"
    return PageSnapshot(BASE + path, "栏目", groups=(RowGroup("g", "main", listed, True),), main_text=text,
                        main_length=len(text))


@dataclass
class _MapContext:
    site_map: SiteMap
    as_of: date = AS_OF
    rules: RuleSet = field(default_factory=RuleSet)
    settings: Settings = field(default_factory=Settings)
    site: Site = field(default_factory=lambda: Site(name="测试", unit="测试", url=BASE))

    def require_map(self) -> SiteMap:
        return self.site_map


def test_columns_read_from_the_map_whole_in_part_or_not_at_all() -> None:
    old = [("旧闻一", "2020-01-02"), ("旧闻二", "2020-01-01")]
    pages = [
        _map_page("gzdt/", "工作动态", snapshot=_snapshot("gzdt/", old)),
        _map_page("ywdt/", "要闻动态", snapshot=_snapshot("ywdt/", []), incomplete=SCRIPT_FAILED),
        _map_page("rsxx/", "人事信息", failure="页面返回 HTTP 503",
                  attempt_times=(T0, T0.replace(second=5), T0.replace(second=10))),
        _map_page("tzgg/", "通知公告", status=404),
    ]
    pages[2].role = pages[3].role = PageRole.OTHER
    site_map = SiteMap(BASE, BASE, {page.url: page for page in pages})
    family = ColumnsCheck()
    observation = run_async(family.observe(_MapContext(site_map)))  # type: ignore[arg-type]
    states = {probe.key: (probe.status.value, len(probe.attempts)) for probe in observation.probes}
    assert states == {"栏目“工作动态”": ("seen", 1), "栏目“要闻动态”": ("failed", 1),
                      "栏目“人事信息”": ("failed", 3), "栏目“通知公告”": ("absent", 1)}
    findings = family.judge(observation, RULES, AS_OF, T0)
    assert [(f.indicator, f.target) for f in findings] == [("column.not_updated", "工作动态")]
    note = unverified_note(observation.failures())
    assert f"要闻动态”（{SCRIPT_FAILED}" in note and "人事信息”（页面返回 HTTP 503，尝试3次" in note
    assert "无法打开1个，未判定：通知公告（页面返回 HTTP 404）" in family.note(observation)


def test_a_home_page_read_in_part_is_not_judged() -> None:
    observation = HomeObservation([failed("首页列表", "页面未能读取")], T0, BASE)
    assert HomeFreshnessCheck().judge(observation, RULES, AS_OF, T0) == []
    empty = HomeObservation([seen("首页列表", ())], T0, BASE)
    assert [f.indicator for f in HomeFreshnessCheck().judge(empty, RULES, AS_OF, T0)] == ["home.not_updated"]


def test_a_guide_that_failed_to_load_is_not_missing() -> None:
    def observation(probe: Probe) -> GuideObservation:
        return GuideObservation([probe], T0, ("政府信息公开指南", BASE + "zn/"), "首页", BASE)

    dead = GuideSeen(BASE + "zn/", "政府信息公开指南", None, "HTTP 503")
    failing = failed(GUIDE_KEY, "页面返回 HTTP 503", value=dead)
    assert GuideCheck().judge(observation(failing), RULES, AS_OF, T0) == []
    assert "未能核查" in GuideCheck().blind(observation(failing))
    gone = absent(GUIDE_KEY, value=GuideSeen(BASE + "zn/", "政府信息公开指南", None, "HTTP 404"))
    assert [f.indicator for f in GuideCheck().judge(observation(gone), RULES, AS_OF, T0)] == ["guide.missing"]


def _survey(title: str, key: str) -> SurveyRow:
    survey = SurveySeen(title, date(2020, 9, 1), date(2020, 9, 30), BASE + "s.html", BASE + key + ".html")
    return SurveyRow(survey, "", key)


def test_a_survey_result_page_that_failed_is_not_no_feedback() -> None:
    rows = (_survey("甲", "fk1"), _survey("乙", "fk2"), _survey("丙", "fk3"))
    listing = SurveyList("征集调查", BASE + "zjdc/", rows, "")
    observation = SurveyObservation([
        seen(SURVEY_LIST, listing, at=T0),
        failed("fk1", "连接被重置", value=rows[0].survey),
        seen("fk2", replace(rows[1].survey, feedback_text="暂无反馈意见")),
        seen("fk3", replace(rows[2].survey, feedback_text="共收到意见12条，采纳8条，" * 3)),
    ], T0)
    findings = SurveyCheck().judge(observation, RULES, AS_OF, T0)
    assert [(f.indicator, f.target) for f in findings] == [("survey.no_feedback", "乙")]
    unlisted = SurveyObservation([failed(SURVEY_LIST, "页面返回 HTTP 503", at=T0)], T0)
    assert SurveyCheck().judge(unlisted, RULES, AS_OF, T0) == []
    assert SurveyCheck().blind(unlisted).startswith("未能核查")


def test_an_interview_page_that_failed_is_not_text_only() -> None:
    listing = InterviewList("在线访谈", BASE + "zxft/", "访谈一", BASE + "1.html", date(2020, 10, 20), "", "")
    text_only = InterviewSeen("访谈一", date(2020, 10, 20), BASE + "1.html", (), T0, opened=False)
    observation = InterviewObservation([seen(INTERVIEW_LIST, listing, at=T0),
                                        failed(NEWEST_INTERVIEW, "页面在20秒内未打开（超时）", value=text_only)], T0)
    assert InterviewCheck().judge(observation, RULES, AS_OF, T0) == []
    opened = InterviewObservation([seen(INTERVIEW_LIST, listing, at=T0),
                                   seen(NEWEST_INTERVIEW, InterviewSeen("访谈一", date(2020, 10, 20),
                                                                        BASE + "1.html", (), T0))], T0)
    assert [f.indicator for f in InterviewCheck().judge(opened, RULES, AS_OF, T0)] == ["interview.single_format"]


def test_a_message_list_page_that_failed_is_not_read() -> None:
    late = (MessageSeen("咨询户籍迁移", date(2020, 5, 6), None, BASE + "m.html", seen_at=T0),)
    observation = RepliesObservation([failed("留言列表第1页", "连接被重置", value=late),
                                      seen("留言列表第2页", ())], T0)
    assert RepliesCheck().judge(observation, RULES, AS_OF, T0) == []
    observation.probes[0] = seen("留言列表第1页", late)
    assert [f.indicator for f in RepliesCheck().judge(observation, RULES, AS_OF, T0)] == ["interaction.unanswered"]


def test_publishing_judges_no_file_nor_form_whose_page_failed() -> None:
    files = ColumnCandidate("政策文件", BASE + "zcwj/", ColumnClass.NOTICE, "导航栏")
    readings = ColumnCandidate("政策解读", BASE + "zcjd/", ColumnClass.NOTICE, "导航栏")
    bare = parse_html("<html><body><h1>关于印发某办法的通知</h1><p>" + "正文。" * 30 + "</p></body></html>",
                      BASE + "f.html")
    file = PolicyFile("关于印发某办法的通知", BASE + "f.html", "政策文件", True, page=bare)
    reading = Interpretation("某办法政策解读", BASE + "r.html", "政策解读", date(2020, 10, 30), None, T0, unread=True)
    file_list = ColumnList(files, files.url, (), 1, 1, 1, "")
    reading_list = ColumnList(readings, readings.url, (), 1, 1, 1, "")
    observation = PublishingObservation([
        seen("文件列表", Listing(files, publishing.FILES, file_list)),
        failed("政策文件《关于印发某办法的通知》", "连接被重置", value=Detail("文件列表", file)),
        seen("解读列表", Listing(readings, publishing.READINGS, reading_list)),
        failed("政策解读《某办法政策解读》", "页面返回 HTTP 502", value=Detail("解读列表", reading)),
    ], T0, AS_OF.replace(month=10, day=19), AS_OF)
    assert PublishingCheck().judge(observation, RULES, AS_OF, T0) == []
    observation.probes[1] = seen("政策文件《关于印发某办法的通知》", Detail("文件列表", file))
    observation.probes[3] = seen("政策解读《某办法政策解读》",
                                 Detail("解读列表", Interpretation("某办法政策解读", BASE + "r.html", "政策解读",
                                                                date(2020, 10, 30), bare, T0)))
    found = sorted(f.indicator for f in PublishingCheck().judge(observation, RULES, AS_OF, T0))
    assert found == ["interpretation.no_rich_format", "interpretation.not_linked", "interpretation.not_linked",
                     "policy.no_doc_number"]


def test_judges_never_read_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    def clock() -> datetime:
        raise AssertionError("a judge read the clock")

    for module in (columns_module, guide_module, participation, publishing, replies):
        monkeypatch.setattr(module, "now", clock)
    test_a_column_whose_page_failed_is_never_empty_nor_stale()
    test_a_guide_that_failed_to_load_is_not_missing()
    test_a_survey_result_page_that_failed_is_not_no_feedback()
    test_an_interview_page_that_failed_is_not_text_only()
    test_a_message_list_page_that_failed_is_not_read()
    test_publishing_judges_no_file_nor_form_whose_page_failed()


# ---------------------------------------------------------------- a flaky server, in the browser

FOOTER = "<div class='footer'>主办单位：测试县人民政府　网站标识码4400000099</div>"
GUIDE = ("<h1>政府信息公开指南</h1><p>受理机构：县政府办公室。地址：人民路1号。电话：0750-1234567。办公时间：工作日。"
         "申请方式：当面、邮寄、网上提出申请。处理流程：收到申请后20个工作日内答复。依据国务院令第711号。</p>")


def _page(title: str, body: str) -> str:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<div class='main'>{body}</div>{FOOTER}</body></html>")


def _list(prefix: str, rows: list[tuple[str, str]]) -> str:
    items = "".join(f"<li><a href='/{prefix}/{i}.html'>{t}</a><span class='date'>{d}</span></li>"
                    for i, (t, d) in enumerate(rows))
    return f"<ul class='list'>{items}</ul>"


def _survey_row(number: int, title: str, period: str, feedback: bool) -> str:
    more = f" <a href='/zjdc/fk{number}.html'>反馈</a>" if feedback else ""
    return (f"<li><a class='t' href='/zjdc/{number}.html'>{title}</a><span class='period'>征集时间：{period}</span>"
            f"<span class='ops'><a href='/zjdc/{number}.html'>查看</a>{more}</span></li>")


NAV = ("<div class='nav'><a href='/'>首页</a><a href='/gzdt/'>工作动态</a><a href='/tzgg/'>通知公告</a>"
       "<a href='/rsxx/'>人事信息</a><a href='/zn/'>政府信息公开指南</a><a href='/zjdc/'>征集调查</a>"
       "<a href='/zcwj/'>政策文件</a><a href='/zcjd/'>政策解读</a></div>")
PARKING = "关于印发测试县停车管理办法的通知"
GREENING = "关于印发测试县绿化管理办法的通知"
READING = "《测试县停车管理办法》政策解读"
BODY = "<p>" + "为规范本县管理工作，结合本县实际，制定本办法。" * 4 + "</p>"
PAGES = {
    "/": _page("测试县人民政府", NAV + _list("xw", [("测试县召开秋季防火会议", "2020-11-05"),
                                                 ("测试县开展安全检查", "2020-11-03")])),
    "/gzdt/": _page("工作动态", "<div class='crumb'>首页 &gt; 工作动态</div>" + _list("gzdt", [
        ("测试县召开夏季防汛会议", "2020-08-10"), ("测试县部署防汛工作", "2020-08-03"),
        ("测试县开展文明创建", "2020-07-20")])),
    "/tzgg/": _page("通知公告", "<div class='crumb'>首页 &gt; 通知公告</div>" + _list("tzgg", [
        ("关于秋季征兵的通告", "2020-10-28"), ("关于停水的通知", "2020-10-12"), ("关于招聘的公告", "2020-09-30")])),
    "/zn/": _page("政府信息公开指南", _list("zn", [("政府信息公开指南（2020年版）", "2020-10-30"),
                                                 ("政府信息公开指南（2019年版）", "2019-12-30")])),
    "/zn/0.html": _page("政府信息公开指南（2020年版）", GUIDE),
    "/zjdc/": _page("征集调查", "<div class='crumb'>首页 &gt; 征集调查</div><ul class='survey-list'>"
                    + _survey_row(1, "测试县公交线路优化意见征集", "2020-09-01 至 2020-09-30", True)
                    + _survey_row(2, "测试县垃圾分类办法意见征集", "2020-08-01 至 2020-08-31", True)
                    + _survey_row(3, "测试县十四五规划建言征集", "2020-10-20 至 2020-11-30", False) + "</ul>"),
    "/zjdc/fk1.html": _page("意见反馈", "<h1>关于公交线路优化意见征集的反馈</h1><p>征集期间共收到意见建议36条，"
                            "经梳理采纳12条，主要涉及增设站点、延长末班车时间等，现将采纳情况公布如下。</p>"),
    "/zcwj/": _page("政策文件", _list("zcwj", [(PARKING, "2020-10-20"), (GREENING, "2020-09-15")])),
    "/zcwj/0.html": _page(PARKING, f"<h1>{PARKING}</h1><table><tr><td>文号</td><td>测府〔2020〕12号</td></tr></table>"
                          f"{BODY}<p>相关解读：<a href='/zcjd/0.html'>{READING}</a></p>"),
    "/zcwj/1.html": _page(GREENING, f"<h1>{GREENING}</h1>{BODY}"),
    "/zcjd/": _page("政策解读", _list("zcjd", [(READING, "2020-10-25"), ("《测试县防汛预案》解读", "2020-06-01")])),
    "/zcjd/0.html": _page(READING, f"<h1>{READING}</h1><video src='/media/tc.mp4' controls></video>{BODY}"
                          f"<p>原文：<a href='/zcwj/0.html'>{PARKING}</a></p>"),
    "/zcjd/1.html": _page("《测试县防汛预案》解读", f"<h1>《测试县防汛预案》解读</h1>{BODY}"),
    "/zjdc/fk2.html": _page("意见反馈", "<h1>关于垃圾分类办法意见征集的反馈</h1><p>暂无反馈意见。</p>"),
}
FAILS = {"/gzdt/": 2, "/tzgg/": 2, "/rsxx/": 10_000, "/zn/0.html": 1, "/zjdc/fk1.html": 1, "/zjdc/fk2.html": 1,
         "/zcwj/0.html": 1, "/zcwj/1.html": 1, "/zcjd/0.html": 2}
"""How many GETs of a path fail before it answers. The walk looks at a column three times (settings.retest);
the guide's page, the files and 解读 (entries the walk did not open) and the surveys' result pages are the
families' own looks, looked at again by the families."""
SILENT = {"/tzgg/"}
"""Paths whose failures close the connection without a word (the others answer 503)."""


class _Flaky(BaseHTTPRequestHandler):
    counts: ClassVar[dict[str, int]] = {}

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        count = _Flaky.counts[path] = _Flaky.counts.get(path, 0) + 1
        if count <= FAILS.get(path, 0):
            if path in SILENT:
                self.close_connection = True
                return
            self._send(503, "服务器繁忙")
            return
        body = PAGES.get(path)
        if body is None:
            self._send(404, _page("无此页", "<p>您访问的页面不存在</p>"))
            return
        self._send(200, body)

    def _send(self, status: int, body: str) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture()
def flaky_server() -> Iterator[str]:
    _Flaky.counts = {}
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.mark.browser
def test_pages_that_fail_their_first_looks_give_no_false_finding_and_keep_the_real_ones(
        flaky_server: str, tmp_path: Path) -> None:
    suite = Suite.model_validate({
        "suite": "不稳定服务器", "as_of": AS_OF.isoformat(),
        "rules": {"disabled": ["security.no_https"]},  # the test site is plain HTTP: not these tests' concern
        "settings": {"retest": {"attempts": 3, "spread_seconds": 1}, "page_timeout_seconds": 10,
                     "site_map": {"articles_per_column": 0, "settle_seconds": 1}},
        "sites": [{"name": "测试县", "unit": "测试县人民政府", "kind": "portal", "url": flaky_server}],
    })
    families = (AvailabilityCheck(), ColumnsCheck(), GuideCheck(), SurveyCheck(), PublishingCheck())
    site = run_in_thread(suite, RunOptions(tmp_path, families=families)).sites[0]
    found = sorted((f.indicator, f.target) for f in site.findings)
    assert found == [("column.not_updated", "工作动态"), ("policy.no_doc_number", GREENING),
                     ("survey.no_feedback", "测试县垃圾分类办法意见征集")], [
        (f.indicator, f.target, f.detail) for f in site.findings]
    stale = next(f for f in site.findings if f.indicator == "column.not_updated")
    assert "2020-08-10" in stale.detail and stale.evidence
    records = {record.check: record for record in site.checks}
    assert all(records[name].status is CheckStatus.DONE
               for name in ("columns", "guide", "surveys", "publishing")), records
    unread = records["columns"].unverified
    assert [item.what for item in unread] == ["栏目“人事信息”"] and len(unread[0].attempts) == 3
    assert "未能核查：栏目“人事信息”" in records["columns"].note and "尝试3次" in records["columns"].note
    assert not any(records[name].unverified for name in ("guide", "surveys", "publishing"))
    inventory = {column.name: column for column in site.columns}
    assert inventory["通知公告"].verdict == "fresh" and inventory["人事信息"].verdict == "unread"
    assert _Flaky.counts["/zjdc/fk1.html"] == 2 and _Flaky.counts["/zn/0.html"] == 2
    assert _Flaky.counts["/zcjd/0.html"] == 3, "the 解读 fetched three times: two failures, then its video"
