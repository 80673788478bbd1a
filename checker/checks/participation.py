"""The browser half of 征集调查 and 在线访谈: open the column by its link text, read it, follow results.

The list page, each closed survey's result page and the newest interview's page are probes: a page that does
not open (timeout, reset, 5xx) is a failed look, looked at again after a pause (the re-tests), and if it still
fails is coverage (未能核查), never 无反馈 nor 访谈形式单一. A 4xx is an answer: the page is not there.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from playwright.async_api import Error as PlaywrightError

from checker.checks.reach import Look, look_at, reach_column, unique_key
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
from checker.family import ObservingFamily
from checker.observation import Observation, Probe, ProbeStatus, absent, failed, seen, unverified_note
from checker.observe import PageSnapshot
from checker.results import Evidence, Finding
from checker.rules import RuleSet
from checker.runlog import LOG
from checker.visit import now

SURVEY_WORDS = ("征集调查", "意见征集", "民意征集", "征求意见", "网上调查", "调查征集", "民意调查")
INTERVIEW_WORDS = ("在线访谈", "网上访谈", "访谈")
FEEDBACK_WORDS = ("反馈", "结果", "采纳", "回应")
MAX_SURVEYS = 12
SURVEY_LIST = "征集调查列表"
INTERVIEW_LIST = "在线访谈列表"
NEWEST_INTERVIEW = "最近一期访谈页面"

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


async def _row_links(context: SiteContext, anchor: str) -> list[dict[str, Any]] | None:
    """The links of a list row (None when the page could not be read: a failed look, not a row without)."""
    try:
        return list(await context.page.evaluate(_ROW_LINKS_JS, anchor))
    except PlaywrightError:
        LOG.warning("%s：读取征集调查行内链接失败", context.site.name, exc_info=True)
        return None


def _list_probe(key: str, look: Look, value: object) -> Probe:
    """The column's list page as looked at: seen, a definite answer (404), or a failed look."""
    if look.failed:
        return failed(key, look.failure, url=look.url, at=look.at)
    if look.snapshot is None:
        return absent(key, reason=look.answer, url=look.url, at=look.at)
    return seen(key, value, url=look.final_url or look.url, at=look.at)


def _not_open(observation: Observation, key: str, what: str) -> str:
    """Why a family whose list page never opened judged nothing ('' when it opened)."""
    probe = observation.probe(key)
    if probe is None or probe.status is ProbeStatus.SEEN:
        return ""
    if probe.failed:
        return unverified_note(observation.failures())
    return f"{what}栏目无法打开（{probe.reason}），未判定"


@dataclass(frozen=True)
class SurveyRow:
    """One survey of the list: what the list says of it, its row's anchor, and its feedback probe's key."""

    survey: SurveySeen
    anchor: str
    feedback_key: str = ""


@dataclass(frozen=True)
class SurveyList:
    """The 征集调查 list as read: where it is, its surveys, and the anchor of its content."""

    text: str
    url: str
    rows: tuple[SurveyRow, ...]
    main_anchor: str


@dataclass
class SurveyObservation(Observation):
    """The 征集调查 list (probe ``征集调查列表``, a :class:`SurveyList`) and each closed survey's result page
    (probe ``征集反馈：title``, its value the survey with the page's text)."""


class SurveyCheck(ObservingFamily[SurveyObservation]):
    """未开展征集调查 / 征集调查无反馈: read the 征集调查 list and each closed survey's result page."""

    name = "surveys"
    label = "检查征集调查"
    indicators = ("survey.none", "survey.no_feedback")

    async def observe(self, context: SiteContext) -> SurveyObservation:
        """Read the list and follow each closed survey's 反馈/结果 link."""
        reached = await reach_column(context, SURVEY_WORDS, "征集调查")
        if reached is None:
            raise SkipCheck("未找到征集调查栏目")
        text, look = reached
        observation = SurveyObservation([], look.at)
        if look.snapshot is None:
            observation.probes.append(_list_probe(SURVEY_LIST, look, None))
            return observation
        snapshot, list_url = look.snapshot, context.page.url
        used: set[str] = set()
        rows: list[SurveyRow] = []
        for row in [r for g in snapshot.groups if g.region == "main" for r in g.rows][:MAX_SURVEYS]:
            start, end = survey_period(row.rest, context.as_of)
            links = await _row_links(context, row.anchor)
            if links is None:
                unread = replace(look, snapshot=None, failure="读取征集调查列表失败（页面脚本出错）")
                observation.probes.append(_list_probe(SURVEY_LIST, unread, None))
                return observation
            feedback = next((a["href"] for a in links if any(w in a["text"] for w in FEEDBACK_WORDS)), "")
            survey = SurveySeen(row.title.strip(), start, end, row.href, feedback, seen_at=look.at)
            closed = survey.end is not None and survey.end < context.as_of
            key = unique_key(used, f"征集反馈：{survey.title[:30]}", feedback) if closed and feedback else ""
            rows.append(SurveyRow(survey, row.anchor, key))
        listing = SurveyList(text, list_url, tuple(rows), snapshot.main_anchor)
        observation.probes.append(_list_probe(SURVEY_LIST, look, listing))
        for row in rows:
            if row.feedback_key:
                observation.probes.append(await self._feedback(context, row))
        return observation

    async def _feedback(self, context: SiteContext, row: SurveyRow) -> Probe:
        """A closed survey's result page: its text (photographed when it falls short), or why it did not open."""
        survey = row.survey
        context.step(f"征集反馈：{survey.title[:20]}")
        look = await look_at(context, survey.feedback_url, "征集反馈")
        if look.failed:
            return failed(row.feedback_key, look.failure, url=survey.feedback_url, at=look.at,
                          value=replace(survey, feedback_unread=True, seen_at=look.at))
        page = look.snapshot
        survey = replace(survey, feedback_text=page.main_text if page else "", seen_at=look.at)
        if page is None:  # a 4xx: the result page is not there
            return absent(row.feedback_key, reason=look.answer, url=survey.feedback_url, at=look.at, value=survey)
        if feedback_problem(survey):
            survey = replace(survey, evidence=tuple(await context.evidence().capture(page.main_anchor)))
        return seen(row.feedback_key, survey, url=survey.feedback_url, at=look.at)

    async def observe_again(self, context: SiteContext, earlier: SurveyObservation) -> Observation:
        """The whole column again when its list did not open; else each result page that did not."""
        listing = earlier.probe(SURVEY_LIST)
        if listing is None or listing.failed:
            return await self.observe(context)
        rows = {row.feedback_key: row for row in listing.value.rows if row.feedback_key}
        again = Observation([], now())
        for probe in earlier.failures():
            if probe.key in rows:
                again.probes.append(await self._feedback(context, rows[probe.key]))
        return again

    def blind(self, observation: SurveyObservation) -> str:
        """The list page never opened."""
        return _not_open(observation, SURVEY_LIST, "征集调查")

    def judge(self, observation: SurveyObservation, rules: RuleSet, as_of: date, seen_at: datetime) -> list[Finding]:
        """未开展征集调查 and 征集调查无反馈 from the list and the result pages read (a result page that did not
        open is never 无反馈)."""
        listing = _survey_list(observation)
        if listing is None:
            return []
        return judge_surveys(_surveys(observation, listing), rules, as_of, list_url=listing.url, list_evidence=[],
                             seen_at=_last_look(observation.probe(SURVEY_LIST), seen_at))

    async def photograph(self, context: SiteContext, observation: SurveyObservation,
                         findings: list[Finding]) -> list[Finding]:
        """Open the list again and box the list (未开展) or each survey's row (无反馈, before its result page)."""
        listing = _survey_list(observation)
        if not findings or listing is None:
            return findings
        _, snapshot = await context.visit(listing.url, "征集调查")
        if snapshot is None:
            return findings
        anchors = {row.title.strip(): row.anchor for g in snapshot.groups if g.region == "main" for row in g.rows}
        evidence = context.evidence()
        shown = []
        for finding in findings:
            if finding.indicator == "survey.none":
                shots = await evidence.capture(snapshot.main_anchor)
            else:
                row = next((r for r in listing.rows if r.survey.title == finding.target), None)
                anchor = anchors.get(finding.target) or (row.anchor if row else "")
                shots = await evidence.capture(anchor) + list(finding.evidence)
            shown.append(finding.model_copy(update={"evidence": shots}))
        return shown

    def note(self, observation: SurveyObservation) -> str:
        """How many surveys were listed and how many result pages were read."""
        listing = _survey_list(observation)
        if listing is None:
            return ""
        surveys = _surveys(observation, listing)
        return f"征集调查{len(surveys)}项，已读取反馈{sum(1 for s in surveys if s.feedback_text is not None)}项"


def _last_look(probe: Probe | None, default: datetime) -> datetime:
    """When a probe was last looked at (the look that was judged)."""
    return probe.attempts[-1] if probe is not None and probe.attempts else default


def _survey_list(observation: SurveyObservation) -> SurveyList | None:
    probe = observation.probe(SURVEY_LIST)
    return probe.value if probe is not None and probe.judgeable else None


def _surveys(observation: SurveyObservation, listing: SurveyList) -> list[SurveySeen]:
    """Every survey of the list, each closed one with what its result page showed (or that it did not open)."""
    surveys = []
    for row in listing.rows:
        probe = observation.probe(row.feedback_key) if row.feedback_key else None
        if probe is None:
            surveys.append(row.survey)
        elif probe.failed:
            surveys.append(replace(row.survey, feedback_unread=True))
        else:
            surveys.append(probe.value)
    return surveys


@dataclass(frozen=True)
class InterviewList:
    """The 在线访谈 list as read: where it is, and its newest dated row."""

    text: str
    url: str
    title: str
    href: str
    day: date | None
    anchor: str
    main_anchor: str


@dataclass
class InterviewObservation(Observation):
    """The 在线访谈 list (probe ``在线访谈列表``, an :class:`InterviewList`) and the newest interview's page
    (probe ``最近一期访谈页面``, an :class:`InterviewSeen`)."""


class InterviewCheck(ObservingFamily[InterviewObservation]):
    """未开展在线访谈 / 访谈形式单一: the newest 在线访谈 by date, and whether its page has images or media."""

    name = "interviews"
    label = "检查在线访谈"
    indicators = ("interview.none", "interview.single_format")

    async def observe(self, context: SiteContext) -> InterviewObservation:
        """Read the interview list, open the newest, look for images, audio or video."""
        reached = await reach_column(context, INTERVIEW_WORDS, "在线访谈")
        if reached is None:
            raise SkipCheck("未找到在线访谈栏目")
        text, look = reached
        observation = InterviewObservation([], look.at)
        if look.snapshot is None:
            observation.probes.append(_list_probe(INTERVIEW_LIST, look, None))
            return observation
        title, href, day, anchor = newest_dated_row(look.snapshot, context.as_of)
        listing = InterviewList(text, context.page.url, title, href, day, anchor, look.snapshot.main_anchor)
        observation.probes.append(_list_probe(INTERVIEW_LIST, look, listing))
        if href:
            observation.probes.append(await self._open(context, listing))
        return observation

    async def _open(self, context: SiteContext, listing: InterviewList) -> Probe:
        """The newest interview's page: the media it carries (photographed when it has none)."""
        look = await look_at(context, listing.href, listing.title)
        opened = InterviewSeen(listing.title, listing.day, listing.href, (), look.at, opened=False)
        if look.failed:
            return failed(NEWEST_INTERVIEW, look.failure, url=listing.href, at=look.at, value=opened)
        if look.snapshot is None:
            return absent(NEWEST_INTERVIEW, reason=look.answer, url=listing.href, at=look.at, value=opened)
        media = await _media(context, look.snapshot)
        if media is None:
            reason = "读取访谈页面失败（页面脚本出错）"
            return failed(NEWEST_INTERVIEW, reason, url=listing.href, at=look.at, value=opened)
        shots = await context.evidence().capture(look.snapshot.main_anchor) if not media else []
        interview = InterviewSeen(listing.title, listing.day, listing.href, media, look.at, tuple(shots))
        return seen(NEWEST_INTERVIEW, interview, url=listing.href, at=look.at)

    async def observe_again(self, context: SiteContext, earlier: InterviewObservation) -> Observation:
        """The whole column again when its list did not open; else the newest interview's page."""
        listing = earlier.probe(INTERVIEW_LIST)
        if listing is None or listing.failed:
            return await self.observe(context)
        return Observation([await self._open(context, listing.value)], now())

    def blind(self, observation: InterviewObservation) -> str:
        """The list page never opened."""
        return _not_open(observation, INTERVIEW_LIST, "在线访谈")

    def judge(self, observation: InterviewObservation, rules: RuleSet, as_of: date,
              seen_at: datetime) -> list[Finding]:
        """未开展在线访谈 from the list's newest date; 访谈形式单一 from its page, when the page opened."""
        probe = observation.probe(INTERVIEW_LIST)
        if probe is None or not probe.judgeable:
            return []
        listing: InterviewList = probe.value
        newest = _newest(observation, listing)
        return judge_interview(newest, rules, as_of, list_url=listing.url, list_evidence=[],
                               seen_at=_last_look(probe, seen_at))

    async def photograph(self, context: SiteContext, observation: InterviewObservation,
                         findings: list[Finding]) -> list[Finding]:
        """Box the list's newest row (or the list) for 未开展在线访谈; the interview page was boxed when read."""
        probe = observation.probe(INTERVIEW_LIST)
        if probe is None or not any(f.indicator == "interview.none" for f in findings):
            return findings
        listing: InterviewList = probe.value
        _, snapshot = await context.visit(listing.url, "在线访谈")
        shots: list[Evidence] = []
        if snapshot is not None:
            shots = await context.evidence().capture(_row_anchor(snapshot, listing) or snapshot.main_anchor)
        return [f.model_copy(update={"evidence": shots}) if f.indicator == "interview.none" else f for f in findings]

    def note(self, observation: InterviewObservation) -> str:
        """The newest interview the list shows."""
        probe = observation.probe(INTERVIEW_LIST)
        if probe is None or not probe.judgeable:
            return ""
        listing: InterviewList = probe.value
        return f"最近一期访谈：{listing.title or '无'}（{listing.day or '无日期'}）"


def _newest(observation: InterviewObservation, listing: InterviewList) -> InterviewSeen | None:
    """The newest interview as judged: its page as read, or (its page did not open) the list's date only."""
    if not listing.href:
        return None
    probe = observation.probe(NEWEST_INTERVIEW)
    if probe is None or probe.status is not ProbeStatus.SEEN:
        return InterviewSeen(listing.title, listing.day, listing.href, (), None, opened=False)
    return probe.value


def _row_anchor(snapshot: PageSnapshot, listing: InterviewList) -> str:
    """The newest row's anchor on the list as opened again (found by its title), else the one read first."""
    for group in snapshot.groups:
        for row in group.rows:
            if listing.title and row.title.strip() == listing.title:
                return row.anchor
    return listing.anchor


async def _media(context: SiteContext, page: PageSnapshot) -> tuple[str, ...] | None:
    """The images, audio and video the page's content carries (None when the page could not be read)."""
    try:
        return tuple(await context.page.evaluate(_MEDIA_JS, page.main_anchor))
    except PlaywrightError:
        LOG.warning("%s：读取访谈页面的图片音视频失败", context.site.name, exc_info=True)
        return None
