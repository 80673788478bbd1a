"""The browser half of 征集调查 and 在线访谈: open the column by its link text, read it, follow results."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from playwright.async_api import Error as PlaywrightError

from checker.checks.reach import reach_column
from checker.checks.surveys import (
    InterviewSeen,
    SurveySeen,
    feedback_problem,
    judge_interview,
    judge_surveys,
    newest_dated_row,
    survey_period,
)
from checker.context import SiteContext, SkipCheck
from checker.observe import PageSnapshot
from checker.results import Evidence
from checker.rules import age_cutoff
from checker.visit import now

SURVEY_WORDS = ("征集调查", "意见征集", "民意征集", "征求意见", "网上调查", "调查征集", "民意调查")
INTERVIEW_WORDS = ("在线访谈", "网上访谈", "访谈")
FEEDBACK_WORDS = ("反馈", "结果", "采纳", "回应")
MAX_SURVEYS = 12

_ROW_LINKS_JS = """(gc) => [...document.querySelectorAll(`[data-gc="${gc}"] a[href]`)]
  .map(a => ({text: (a.innerText || '').trim(), href: a.href}))"""

_MEDIA_JS = """(gc) => {
  const root = (gc && document.querySelector(`[data-gc="${gc}"]`)) || document.body;
  const media = [];
  for (const el of root.querySelectorAll('video, audio, embed, object')) media.push(el.tagName.toLowerCase());
  for (const el of root.querySelectorAll('iframe')) if (/video|player|live|vod/i.test(el.src)) media.push('iframe');
  for (const img of root.querySelectorAll('img')) {
    const r = img.getBoundingClientRect();
    if (r.width >= 120 && r.height >= 80 && !/logo|icon|banner/i.test(img.src)) media.push('img');
  }
  return media;
}"""


async def _row_links(context: SiteContext, anchor: str) -> list[dict[str, Any]]:
    try:
        return list(await context.page.evaluate(_ROW_LINKS_JS, anchor))
    except PlaywrightError:
        return []


class SurveyCheck:
    """未开展征集调查 / 征集调查无反馈: read the 征集调查 list and each closed survey's result page."""

    name = "surveys"
    label = "检查征集调查"
    indicators = ("survey.none", "survey.no_feedback")

    async def run(self, context: SiteContext) -> str:
        """Read the list, follow each closed survey's 反馈/结果 link, judge."""
        link, snapshot = await reach_column(context, SURVEY_WORDS, "征集调查")
        if not link.href:
            raise SkipCheck("未找到征集调查栏目")
        list_url, seen_at = context.page.url, now()
        rows = [(g, r) for g in snapshot.groups if g.region == "main" for r in g.rows][:MAX_SURVEYS]
        pending: list[tuple[SurveySeen, str]] = []
        for _, row in rows:
            start, end = survey_period(row.rest, context.as_of)
            links = await _row_links(context, row.anchor)
            feedback = next((a["href"] for a in links if any(w in a["text"] for w in FEEDBACK_WORDS)), "")
            pending.append((SurveySeen(row.title.strip(), start, end, row.href, feedback, seen_at=seen_at), row.anchor))
        list_evidence = await context.evidence().capture(snapshot.main_anchor) if not pending else []
        surveys = [await self._follow(context, survey, anchor, list_url) for survey, anchor in pending]
        context.add(judge_surveys(surveys, context.rules, context.as_of, list_url=list_url,
                                  list_evidence=list_evidence, seen_at=seen_at))
        note = f"征集调查{len(surveys)}项，已读取反馈{sum(1 for s in surveys if s.feedback_text is not None)}项"
        unread = [s.title for s in surveys if s.feedback_unread]
        if unread:
            note += f"；{len(unread)}项的反馈页两次均无法打开，未能核查：" + "、".join(unread[:5])
        return note

    async def _follow(self, context: SiteContext, survey: SurveySeen, anchor: str, list_url: str) -> SurveySeen:
        """Read the feedback page of a closed survey; box the row (and the page) when it falls short."""
        if survey.end is None or survey.end >= context.as_of:
            return survey
        text, page_shots = None, []
        if survey.feedback_url:
            context.step(f"征集反馈：{survey.title[:20]}")
            visit, page = await context.visit(survey.feedback_url, "征集反馈")
            if page is None and not _definite(visit.status):  # a failed load is tried again
                visit, page = await context.visit(survey.feedback_url, "征集反馈")
            if page is None and not _definite(visit.status):
                return _with(survey, feedback_unread=True)
            text = page.main_text if page else ""
            survey = _with(survey, feedback_text=text)
            if feedback_problem(survey) and page:
                page_shots = await context.evidence().capture(page.main_anchor)
        if not feedback_problem(survey):
            return survey
        await context.visit(list_url, "征集调查")
        row_shots = await context.evidence().capture(anchor)
        return _with(survey, evidence=tuple(row_shots + page_shots), seen_at=now())


def _definite(status: int | None) -> bool:
    """A 4xx answer says the page is not there; anything else that failed may open on another try."""
    return status is not None and 400 <= status < 500


def _with(survey: SurveySeen, **changes: Any) -> SurveySeen:
    return replace(survey, **changes)


class InterviewCheck:
    """未开展在线访谈 / 访谈形式单一: the newest 在线访谈 by date, and whether its page has images or media."""

    name = "interviews"
    label = "检查在线访谈"
    indicators = ("interview.none", "interview.single_format")

    async def run(self, context: SiteContext) -> str:
        """Read the interview list, open the newest, look for images, audio or video."""
        link, snapshot = await reach_column(context, INTERVIEW_WORDS, "在线访谈")
        if not link.href:
            raise SkipCheck("未找到在线访谈栏目")
        list_url, seen_at = context.page.url, now()
        title, href, day, anchor = newest_dated_row(snapshot, context.as_of)
        newest = await self._open(context, title, href, day) if href else None
        late = newest is None or day is None or day < _cutoff(context)
        list_evidence: list[Evidence] = []
        if late:
            await context.visit(list_url, "在线访谈")
            list_evidence = await context.evidence().capture(anchor or snapshot.main_anchor)
        context.add(judge_interview(newest, context.rules, context.as_of, list_url=list_url,
                                    list_evidence=list_evidence, seen_at=seen_at))
        note = f"最近一期访谈：{title or '无'}（{day or '无日期'}）"
        if newest is not None and not newest.opened:
            note += "；该期页面两次均无法打开，未能核查访谈形式"
        return note

    async def _open(self, context: SiteContext, title: str, href: str, day: date | None) -> InterviewSeen:
        _, page = await context.visit(href, title)
        if page is None:  # a failed load is tried again before the page's form is judged
            _, page = await context.visit(href, title)
        if page is None:
            return InterviewSeen(title, day, href, (), now(), opened=False)
        media = await _media(context, page)
        shots = await context.evidence().capture(page.main_anchor) if not media else []
        return InterviewSeen(title, day, href, media, now(), tuple(shots))


def _cutoff(context: SiteContext) -> date:
    return age_cutoff(context.as_of, context.rules.interaction.interview_max_age)


async def _media(context: SiteContext, page: PageSnapshot) -> tuple[str, ...]:
    try:
        return tuple(await context.page.evaluate(_MEDIA_JS, page.main_anchor))
    except PlaywrightError:
        return ()
