"""Pure judges of the citizen journeys: replies, surveys, interviews, search, new media, the 留言 form."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from checker.checks.message_form import FormJourney, judge_form, submit_outcome
from checker.checks.newmedia_accounts import AccountSeen, accounts_to_follow, judge_account, needs_app
from checker.checks.replies import MessageSeen, judge_replies, messages_from_snapshot
from checker.checks.search import SearchOutcome, judge_search, pick_query
from checker.checks.surveys import InterviewSeen, SurveySeen, judge_interview, judge_surveys, survey_period
from checker.form_observe import FieldSeen, FormSeen, marked_value
from checker.observe import PageSnapshot, Row, RowGroup
from checker.results import Severity
from checker.rules import RuleSet
from checker.workdays import calendar_known, working_days_between

AS_OF = date(2020, 11, 6)
RULES = RuleSet()


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2020, 9, 29), date(2020, 10, 9), 2),  # National Day + Mid-Autumn: 9-30 and 10-09 only
        (date(2020, 10, 30), date(2020, 11, 3), 2),  # Friday to Tuesday
        (date(2020, 10, 12), date(2020, 10, 23), 9),
        (date(2020, 9, 25), date(2020, 9, 28), 2),  # Sunday 9-27 is a make-up working day (调休)
        (date(2020, 11, 3), date(2020, 11, 3), 0),
    ],
)
def test_working_days_follow_the_chinese_calendar(start: date, end: date, expected: int) -> None:
    assert working_days_between(start, end) == expected


def test_a_year_the_calendar_does_not_know_is_said_so() -> None:
    assert calendar_known(date(2020, 10, 1))
    assert not calendar_known(date(2099, 10, 1))
    assert working_days_between(date(2099, 10, 2), date(2099, 10, 5)) == 1  # Friday → Monday, weekdays only


def message(title: str, asked: date, answered: date | None) -> MessageSeen:
    return MessageSeen(title, asked, answered, "http://gov.test/ly/")


@pytest.mark.parametrize(
    ("asked", "answered", "expected"),
    [
        (date(2020, 9, 29), date(2020, 10, 9), None),  # 10 calendar days, 2 working days
        (date(2020, 10, 12), date(2020, 10, 23), ("interaction.slow_reply", Severity.DEDUCTION)),
        (date(2020, 10, 12), date(2020, 10, 19), None),  # exactly 5 working days
        (date(2020, 6, 1), None, ("interaction.unanswered", Severity.VETO)),
        (date(2020, 3, 2), date(2020, 7, 1), ("interaction.unanswered", Severity.VETO)),  # answered 4 months later
        (date(2020, 10, 20), None, ("interaction.slow_reply", Severity.DEDUCTION)),  # pending past 5 working days
        (date(2020, 11, 3), None, None),  # pending, still within the limit
        (date(2019, 10, 1), None, None),  # older than the one-year look-back
    ],
)
def test_replies_are_judged_by_working_days_and_age(
    asked: date, answered: date | None, expected: tuple[str, Severity] | None
) -> None:
    findings = judge_replies([message("关于某事的咨询", asked, answered)], RULES, AS_OF)
    assert [(f.indicator, f.severity) for f in findings] == ([expected] if expected else [])
    if findings:
        assert "关于某事的咨询" in findings[0].detail and findings[0].target == "关于某事的咨询"


def test_the_reply_limit_is_a_setting() -> None:
    rules = RuleSet.model_validate({"interaction": {"reply_working_days": 10}})
    assert not judge_replies([message("t", date(2020, 10, 12), date(2020, 10, 23))], rules, AS_OF)
    finding = judge_replies([message("t", date(2020, 10, 12), date(2020, 10, 23))], RULES, AS_OF)[0]
    assert "用时9个工作日，超过5个工作日" in finding.detail


def test_message_rows_give_ask_and_reply_dates() -> None:
    rows = (
        Row("a1", "关于增设遮雨棚的建议", "http://gov.test/ly/1.html", "建议 2020-10-30 2020-11-03 已答复"),
        Row("a2", "噪音扰民的投诉", "http://gov.test/ly/2.html", "投诉 2020-06-01 — 办理中"),
        Row("a3", "没有日期的行", "http://gov.test/ly/3.html", "咨询"),
    )
    snapshot = PageSnapshot(url="http://gov.test/ly/", title="", groups=(RowGroup("g", "main", rows, True),))
    seen = messages_from_snapshot(snapshot, AS_OF)
    assert [(m.title, m.asked, m.answered) for m in seen] == [
        ("关于增设遮雨棚的建议", date(2020, 10, 30), date(2020, 11, 3)),
        ("噪音扰民的投诉", date(2020, 6, 1), None),
    ]


def survey(title: str, start: date, end: date, feedback_url: str = "", text: str | None = None) -> SurveySeen:
    return SurveySeen(title, start, end, "http://gov.test/zj/1.html", feedback_url, text)


REAL_FEEDBACK = "共收到社会公众意见建议23条，经认真研究，采纳8条，部分采纳5条，未采纳10条，已作出说明。"


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (survey("有反馈", date(2020, 9, 1), date(2020, 9, 30), "http://gov.test/fk.html", REAL_FEEDBACK), []),
        (survey("无反馈意见", date(2020, 7, 10), date(2020, 8, 10), "http://gov.test/fk.html", "无反馈意见。"),
         ["survey.no_feedback"]),
        (survey("空结果", date(2020, 7, 10), date(2020, 8, 10), "http://gov.test/fk.html", "  "),
         ["survey.no_feedback"]),
        (survey("没有结果页", date(2020, 7, 10), date(2020, 8, 10)), ["survey.no_feedback"]),
        (survey("仍在征集", date(2020, 10, 15), date(2020, 11, 15)), []),
        (survey("一年以前", date(2019, 3, 1), date(2019, 3, 31)), ["survey.none"]),
        # The result page did not open on two tries: what it says is unknown, so nothing is reported.
        (replace(survey("反馈页打不开", date(2020, 7, 10), date(2020, 8, 10), "http://gov.test/fk.html", ""),
                 feedback_unread=True), []),
    ],
)
def test_surveys_need_real_feedback_once_closed(item: SurveySeen, expected: list[str]) -> None:
    findings = judge_surveys([item], RULES, AS_OF, list_url="http://gov.test/zj/", list_evidence=[], seen_at=None)
    assert [f.indicator for f in findings] == expected


def test_no_survey_at_all_is_survey_none() -> None:
    findings = judge_surveys([], RULES, AS_OF, list_url="http://gov.test/zj/", list_evidence=[], seen_at=None)
    assert [f.indicator for f in findings] == ["survey.none"]
    assert "1年内（2019-11-06以来）未开展征集调查" in findings[0].detail


def test_survey_period_reads_both_ends() -> None:
    assert survey_period("征集时间：2020-07-10 至 2020-08-10 已结束", AS_OF) == (date(2020, 7, 10), date(2020, 8, 10))
    assert survey_period("已结束", AS_OF) == (None, None)


@pytest.mark.parametrize(
    ("newest", "expected"),
    [
        (InterviewSeen("近期图文访谈", date(2020, 10, 20), "u", ("img",)), []),
        (InterviewSeen("近期文字访谈", date(2020, 10, 20), "u", ()), ["interview.single_format"]),
        (InterviewSeen("过期视频访谈", date(2020, 6, 18), "u", ("video",)), ["interview.none"]),
        (InterviewSeen("过期文字访谈", date(2020, 6, 18), "u", ()), ["interview.none", "interview.single_format"]),
        # Its page did not open: its form is unknown (no single_format), its date still speaks.
        (InterviewSeen("近期未打开", date(2020, 10, 20), "u", (), opened=False), []),
        (InterviewSeen("过期未打开", date(2020, 6, 18), "u", (), opened=False), ["interview.none"]),
        (None, ["interview.none"]),
    ],
)
def test_interviews_must_be_recent_and_more_than_text(newest: InterviewSeen | None, expected: list[str]) -> None:
    findings = judge_interview(newest, RULES, AS_OF, list_url="http://gov.test/ft/", list_evidence=[], seen_at=None)
    assert [f.indicator for f in findings] == expected


@pytest.mark.parametrize(
    ("account", "expected"),
    [
        (AccountSeen("新鲜", "http://gov.test/a/", True, date(2020, 11, 5), "留言"), []),
        (AccountSeen("九天", "http://gov.test/a/", True, date(2020, 10, 28), "评论"),
         [("newmedia.not_updated", Severity.DEDUCTION)]),
        (AccountSeen("三周", "http://gov.test/a/", True, date(2020, 10, 16), "留言"),
         [("newmedia.not_updated", Severity.VETO)]),
        (AccountSeen("无互动", "http://gov.test/a/", True, date(2020, 11, 5), ""),
         [("newmedia.no_interaction", Severity.VETO)]),
        (AccountSeen("公众号", "https://mp.weixin.qq.com/x", False), [("newmedia.not_updated", Severity.ADVISORY)]),
    ],
)
def test_accounts_are_judged_by_newest_post_and_interaction(
    account: AccountSeen, expected: list[tuple[str, Severity]]
) -> None:
    assert [(f.indicator, f.severity) for f in judge_account(account, RULES, AS_OF)] == expected


def test_app_only_accounts_and_follow_list() -> None:
    assert needs_app("http://weixin.qq.com/r/abc") and needs_app("weixin://dl/x") and not needs_app("http://gov.test/")
    follow = accounts_to_follow(["http://gov.test/a/"], {"http://gov.test/a/": "示例发布 微信公众号"},
                                [("示例发布 微信公众号", "http://gov.test/a"), ("示例微博 政务微博", "http://gov.test/b/")])
    assert follow == [("示例发布 微信公众号", "http://gov.test/a/"), ("示例微博 政务微博", "http://gov.test/b/")]


@pytest.mark.parametrize(
    ("outcome", "problem"),
    [
        (SearchOutcome("示例市召开经济形势分析会", True, 200, True), ""),
        (SearchOutcome("示例市召开经济形势分析会", True, 200, False), "结果中没有该信息"),
        (SearchOutcome("示例市召开经济形势分析会", True, 500, False), "HTTP 500"),
        (SearchOutcome("示例市召开经济形势分析会", False), "未找到站内搜索框"),
        (SearchOutcome("示例市召开经济形势分析会", True, None, False, "net::ERR_CONNECTION_RESET"), "页面出错"),
    ],
)
def test_search_outcomes(outcome: SearchOutcome, problem: str) -> None:
    said = judge_search(outcome)
    assert (problem in said) if problem else said == ""


def test_search_query_is_a_specific_title() -> None:
    assert pick_query(["短标题", "示例市召开2020年第三季度经济形势分析会"]) == "示例市召开2020年第三季度经济形势分析会"
    assert pick_query(["短"]) == ""


def field(label: str, kind: str = "text", tag: str = "input", name: str = "") -> FieldSeen:
    return FieldSeen("f1", name, tag, kind, label, True, True, False)


def test_test_data_is_marked_and_fits_the_field() -> None:
    assert marked_value(field("手机号码", "tel")) == "13800000000"
    assert marked_value(field("电子邮箱", "email")).endswith("@example.com")
    assert marked_value(field("内容", tag="textarea")).startswith("【测试】")
    assert marked_value(field("标题")).startswith("【测试】")
    assert "测试" in marked_value(field("姓名"))


FORM = FormSeen("f", "s", False, (field("姓名"),))
BROKEN = [("interaction.form_broken", Severity.VETO)]


@pytest.mark.parametrize(
    ("seen", "expected"),
    [
        (FormJourney(), [("interaction.no_channel", Severity.VETO)]),
        (FormJourney(entry="我要留言"), [("interaction.form_broken", Severity.VETO)]),
        (FormJourney(entry="我要留言", form=FORM), []),
        (FormJourney(entry="我要留言", form=FORM, unfillable=[field("姓名")]), BROKEN),
        (FormJourney(entry="我要留言", form=FORM, submitted=True, submit_ok=False, submit_note="返回错误页面"), BROKEN),
        (FormJourney(entry="我要留言", form=FORM, submitted=True, submit_ok=True), []),
        (FormJourney(entry="我要留言", form=FormSeen("f", "s", True, ())),
         [("interaction.form_broken", Severity.ADVISORY)]),
    ],
)
def test_form_journeys(seen: FormJourney, expected: list[tuple[str, Severity]]) -> None:
    assert [(i, s) for i, s, _ in judge_form(seen, "1.打开首页")] == expected


@pytest.mark.parametrize(
    ("status", "text", "ok"),
    [
        (200, "留言提交成功，查询码：LY123", True),
        (500, "留言提交成功", False),
        (200, "提交失败：请填写姓名", False),
        (200, "我要留言", False),
    ],
)
def test_submit_outcome(status: int, text: str, ok: bool) -> None:
    assert submit_outcome(status, text)[0] is ok


def test_interaction_rules_are_checked_settings() -> None:
    from pydantic import ValidationError

    assert RuleSet().interaction.reply_working_days == 5
    with pytest.raises(ValidationError):
        RuleSet.model_validate({"interaction": {"newmedia_max_age": "一周"}})
    with pytest.raises(ValidationError):
        RuleSet.model_validate({"interaction": {"reply_days": 3}})


def test_submitting_needs_an_explicit_flag() -> None:
    from click.testing import CliRunner

    from checker.cli import cli

    assert "--allow-submit" in CliRunner().invoke(cli, ["run", "--help"]).output
