"""无有效咨询建言渠道 and 留言表单不可用: the 留言 journey from the home page to the filled form.

It submits only to a test target (the scenario's ``form_test_target``) or with ``--allow-submit``;
otherwise it stops before submitting and says so. A captcha is reported as needing a person.

The journey is observed (:meth:`MessageFormCheck.observe`) as two probes: the channel (``留言入口``: the home
page and the site map hold an entry, or not) and the form (``留言表单``). The form is ``absent`` only when
every entry page opened and none held a form; it is ``failed`` when an entry page, its scripts or the
answer to the submit did not load (timeout, reset, 5xx: an outside letter system that is down, a server
that dropped the POST). A failed look is looked at again on a freshly opened entry page and, if it keeps
failing, is coverage (未能核查), never 留言表单不可用.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from checker.checks.findings import make_finding
from checker.citizen import AnswerWatch, LinkSeen, MissedAnswer, find_links
from checker.context import SiteContext, SkipCheck
from checker.family import ObservingFamily, failed_load, load_failure_reason
from checker.form_observe import FieldSeen, FormSeen, fill_form, read_form, validity
from checker.journey import Journey
from checker.observation import Observation, Probe, ProbeStatus, absent, attempts_text, failed, seen
from checker.observe import PageSnapshot, tag_first
from checker.results import Finding, Severity
from checker.rules import RuleSet
from checker.runlog import LOG
from checker.scenario import SiteKind
from checker.sitemap.model import PageRole
from checker.sitemap.walk import settle
from checker.visit import now

ENTRY_WORDS = ("我要留言", "我要写信", "领导信箱", "书记信箱", "市长信箱", "县长信箱", "咨询投诉", "我要咨询",
               "网上咨询", "留言", "信箱", "咨询", "互动交流", "政民互动", "互动")
FORM_WORDS = ("我要留言", "我要写信", "写信", "我要咨询", "我要提问", "留言")
SUCCESS_WORDS = ("成功", "已提交", "已收到", "感谢", "查询码", "受理编号")
FAILURE_WORDS = ("失败", "错误", "出错", "error", "Error", "异常")
MAX_PAGES = 4
CAPTCHA_TITLE = "留言表单需人工核查（验证码）"
CHANNEL_KEY = "留言入口"
"""The probe of the channel: an entry (我要留言、领导信箱…) on the home page or in the site map."""
FORM_KEY = "留言表单"
"""The probe of the form: reached, checked, filled and (where allowed) submitted."""
_RESULT_ANCHORS = ("#main-frame-error", ".result", ".message", "h1", ".content", "main", "body")


def _mapped_forms(context: SiteContext) -> list[LinkSeen]:
    """Message forms the site map found at any depth (互动交流 › 县长信箱 › 我要写信), named by the link a
    citizen clicks last; only forms whose click path speaks of messages."""
    if context.site_map is None:
        return []
    found = []
    for page in context.site_map.with_role(PageRole.FORM):
        steps = " ".join(page.path) + " " + page.name
        if page.path and any(word in steps for word in (*ENTRY_WORDS, *FORM_WORDS)):
            found.append(LinkSeen(page.path[-1].strip("【】[] "), page.final_url or page.url))
    return found


@dataclass
class FormJourney:
    """What the 留言 journey saw: the channel, the form, each check, whether it submitted, and its steps."""

    entry: str = ""
    form: FormSeen | None = None
    unfillable: list[FieldSeen] = field(default_factory=list)
    empty_blocked: bool | None = None
    submitted: bool = False
    submit_ok: bool | None = None
    submit_note: str = ""
    url: str = ""
    seen_at: datetime | None = None
    journey_text: str = ""


def judge_form(seen: FormJourney, journey_text: str) -> list[tuple[str, Severity, str]]:
    """(indicator, severity, detail) for what the journey found wrong; empty when the form works.

    ``seen`` must be a journey that was seen through (no failed look): a form not found means every entry
    page opened without one, a failed submit means the server answered it with a refusal.
    """
    if not seen.entry:
        return [("interaction.no_channel", Severity.VETO,
                 "从首页按“我要留言、领导信箱、咨询、互动交流”等入口均未找到在线咨询建言渠道。")]
    if seen.form is None:
        return [("interaction.form_broken", Severity.VETO,
                 f"经“{seen.entry}”入口未找到可填写的留言表单。步骤：{journey_text}")]
    problems = []
    if seen.unfillable:
        names = "、".join(f.label or f.name for f in seen.unfillable)
        problems.append(("interaction.form_broken", Severity.VETO,
                         f"留言表单必填项“{names}”无法填写。步骤：{journey_text}"))
    if seen.submitted and not seen.submit_ok:
        problems.append(("interaction.form_broken", Severity.VETO,
                         f"填写测试数据提交后{seen.submit_note}。步骤：{journey_text}"))
    if seen.form.captcha and not problems:
        problems.append(("interaction.form_broken", Severity.ADVISORY,
                         f"留言表单需要填写验证码，自动检查在提交前停止，需人工核查能否提交。步骤：{journey_text}"))
    return problems


@dataclass
class FormObservation(Observation):
    """The 留言 journey as probes: ``留言入口`` (seen or absent) and ``留言表单`` (seen, absent or failed), each
    carrying its :class:`FormJourney`; the journey's screenshots are the probes' evidence. ``links`` are the
    entries the channel probe saw (a re-test of the form starts from them)."""

    links: list[LinkSeen] = field(default_factory=list)

    @property
    def channel(self) -> Probe | None:
        """The channel probe."""
        return self.probe(CHANNEL_KEY)

    @property
    def form(self) -> Probe | None:
        """The form probe (none when there was no channel to follow)."""
        return self.probe(FORM_KEY)


def judge_observation(observation: FormObservation, seen_at: datetime) -> list[Finding]:
    """The findings of an observed journey: only a channel seen absent, or a form seen (or seen absent) on
    pages that opened, may make one; a failed look makes none."""
    channel = observation.channel
    if channel is None or channel.failed:
        return []
    if channel.status is ProbeStatus.ABSENT:
        value = channel.value if isinstance(channel.value, FormJourney) else FormJourney()
        return [_finding(FormJourney(url=value.url), value.journey_text, channel, seen_at)[0]]
    form = observation.form
    if form is None or not form.judgeable or not isinstance(form.value, FormJourney):
        return []
    return _finding(form.value, form.value.journey_text, form, seen_at)


def _finding(journey: FormJourney, text: str, probe: Probe, seen_at: datetime) -> list[Finding]:
    at = probe.attempts[-1] if probe.attempts else seen_at
    retold = f"（{attempts_text(probe)}）" if len(probe.attempts) > 1 else ""
    findings = []
    for indicator_id, severity, detail in judge_form(journey, text):
        title = CAPTCHA_TITLE if severity is Severity.ADVISORY else None
        findings.append(make_finding(indicator_id, severity, detail + retold, url=journey.url or probe.url,
                                     target=journey.entry or "首页", seen_at=at, evidence=list(probe.evidence),
                                     title=title))
    return findings


class MessageFormCheck(ObservingFamily[FormObservation]):
    """The 留言 journey: find the channel by visible text, open the form, check, fill and (if allowed) submit."""

    name = "message_form"
    label = "留言表单体验"
    indicators = ("interaction.no_channel", "interaction.form_broken")

    async def observe(self, context: SiteContext) -> FormObservation:
        """Look for the channel on the home page and in the site map, then walk to the form.

        Before a channel is called absent, the home page is opened afresh: a home snapshot taken while the
        server stumbled (an error page) holds no entries either.
        """
        home = context.require_home()
        at = now()
        links = self._links(context, home)
        if not links:
            journey = self._journey(context)
            visit, snapshot = await context.visit(home.url, "首页")
            if failed_load(visit):
                reason = load_failure_reason(visit, context.settings.page_timeout_seconds)
                await journey.step("打开首页，查找互动入口", ok=False, note=f"首页未能打开：{reason}")
                value = FormJourney(url=home.url, seen_at=at, journey_text=journey.describe())
                return FormObservation([failed(CHANNEL_KEY, f"首页未能重新打开（{reason}），无法确认有无互动入口",
                                               url=home.url, at=at, evidence=await journey.trail(), value=value)], at)
            links = self._links(context, snapshot) if snapshot else []
            if not links:
                if context.site.kind is SiteKind.CHANNEL:
                    raise SkipCheck("部门栏目未设互动入口，互动交流由门户网站提供，未单独检查")
                await journey.step("打开首页，查找互动入口", ok=False, note="未找到")
                value = FormJourney(url=home.url, seen_at=at, journey_text=journey.describe())
                return FormObservation([absent(CHANNEL_KEY, reason="首页未找到互动入口", url=home.url, at=at,
                                               evidence=await journey.trail(), value=value)], at)
        channel = seen(CHANNEL_KEY, FormJourney(entry=links[0].text, url=home.url, seen_at=at), url=home.url, at=at)
        return FormObservation([channel, await self._look_at_form(context, links)], at, links)

    async def observe_again(self, context: SiteContext, earlier: FormObservation) -> Observation:
        """Walk to the form again from its entry pages, opened afresh; the whole journey when the channel
        itself could not be looked at."""
        if not earlier.links:
            return await self.observe(context)
        return FormObservation([await self._look_at_form(context, earlier.links)], now())

    def judge(self, observation: FormObservation, rules: RuleSet, as_of: date, seen_at: datetime) -> list[Finding]:
        """留言 findings from what was seen; see :func:`judge_observation`."""
        return judge_observation(observation, seen_at)

    def note(self, observation: FormObservation) -> str:
        """The journey's steps in words (the last look's)."""
        for probe in (observation.form, observation.channel):
            if probe is not None and isinstance(probe.value, FormJourney) and probe.value.journey_text:
                return probe.value.journey_text[:400]
        return ""

    @staticmethod
    def _links(context: SiteContext, home: PageSnapshot) -> list[LinkSeen]:
        return _mapped_forms(context) + find_links(home, ENTRY_WORDS)

    @staticmethod
    def _journey(context: SiteContext, *, every_step: bool = True) -> Journey:
        return Journey(context.page, context.store, context.index, context.settings.max_screenshot_height,
                       screenshot_timeout_seconds=context.settings.screenshot_timeout_seconds,
                       every_step=every_step)

    async def _look_at_form(self, context: SiteContext, links: list[LinkSeen]) -> Probe:
        """One look at the form: a fresh journey from the entry pages; its probe, evidence and steps.

        A journey that will not submit is walked sparingly (step photographs only where something went
        wrong); when it finds a problem it is walked again photographing every step, and that walk is the
        one judged. A journey that may submit photographs every step the first time: walking it twice
        would post a second message.
        """
        may_submit = context.allow_submit or context.site.hints.form_test_target
        at, journey, seen_form, status, reason = await self._walk_once(context, links, every_step=may_submit)
        looks: tuple[datetime, ...] = (at,)
        if status is not ProbeStatus.FAILED and journey.sparing_gaps:
            context.step("留言表单：发现问题，重走一遍并逐步截图")
            at, journey, seen_form, status, reason = await self._walk_once(context, links, every_step=True)
            looks += (at,)
        trail = await journey.trail()
        if status is ProbeStatus.FAILED:
            probe = failed(FORM_KEY, reason, url=seen_form.url, at=at, evidence=trail, value=seen_form)
        elif status is ProbeStatus.ABSENT:
            probe = absent(FORM_KEY, reason=reason, url=seen_form.url, at=at, evidence=trail, value=seen_form)
        else:
            probe = seen(FORM_KEY, seen_form, url=seen_form.url, at=at, evidence=trail)
        if status is not ProbeStatus.FAILED and not journey.failed:
            context.outcome.journey_evidence[self.name] = trail
        return replace(probe, attempts=looks)

    async def _walk_once(self, context: SiteContext, links: list[LinkSeen], *, every_step: bool
                         ) -> tuple[datetime, Journey, FormJourney, ProbeStatus, str]:
        """Walk from the entry pages to the form once: when it began, its journey, what it saw, the probe
        status and why (a failed look)."""
        at = now()
        journey = self._journey(context, every_step=every_step)
        seen_form = FormJourney(entry=links[0].text, url=links[0].href, seen_at=at)
        try:
            status, reason = await self._walk(context, journey, links, seen_form)
        except PlaywrightError as error:
            LOG.warning("%s · 留言表单：浏览器操作出错", context.site.name, exc_info=True)
            status, reason = ProbeStatus.FAILED, f"浏览器操作出错：{str(error).splitlines()[0][:120]}"
        seen_form.journey_text = journey.describe()
        return at, journey, seen_form, status, reason

    async def _walk(self, context: SiteContext, journey: Journey, links: list[LinkSeen],
                    seen_form: FormJourney) -> tuple[ProbeStatus, str]:
        form, missed = await self._reach_form(context, journey, links)
        seen_form.url, seen_form.seen_at = _where(context.page, seen_form.url), now()
        if form is None:
            if missed is not None:
                seen_form.url = missed[1]
                return ProbeStatus.FAILED, missed[0]
            return ProbeStatus.ABSENT, f"经“{links[0].text}”等入口打开的页面均无留言表单"
        seen_form.form = form
        trouble = await self._check_form(context, journey, seen_form)
        if trouble:
            return ProbeStatus.FAILED, trouble
        return ProbeStatus.SEEN, ""

    async def _reach_form(self, context: SiteContext, journey: Journey,
                          links: list[LinkSeen]) -> tuple[FormSeen | None, tuple[str, str] | None]:
        """The form behind the entries; or None, with why and where a page could not be read (None when
        every page opened and none held a form)."""
        timeout = context.settings.page_timeout_seconds
        queue, opened = list(links), []
        missed: tuple[str, str] | None = None
        while queue and len(opened) < MAX_PAGES:
            link = queue.pop(0)
            if link.href in opened:
                continue
            opened.append(link.href)
            context.step(f"留言入口：{link.text}")
            visit, snapshot = await context.visit(link.href, link.text)  # a page whose scripts failed: failed
            if failed_load(visit):
                reason = load_failure_reason(visit, timeout)
                missed = missed or (f"经“{link.text}”入口打开的页面未能打开（{reason}），无法确认有无留言表单",
                                    link.href)
                await journey.step(f"打开“{link.text}”", ok=False, note=f"页面未能打开：{reason}")
                continue
            form = await read_form(context.page) if snapshot else None
            if form:
                await journey.step(f"经“{link.text}”打开留言表单", form.anchor)
                return form, None
            if snapshot:
                queue = find_links(snapshot, FORM_WORDS) + queue
        note = "页面未能完整打开，未能确认有无留言表单" if missed else "无留言表单"
        await journey.step(f"打开“{links[0].text}”等入口，未见留言表单", ok=False, note=note)
        return None, missed

    async def _check_form(self, context: SiteContext, journey: Journey, seen_form: FormJourney) -> str:
        """Check the form empty, fill it, and submit it where allowed; why the look failed, or ''."""
        page, form = context.page, seen_form.form
        assert form is not None
        empty = await validity(page, form)
        if empty is not None:
            seen_form.empty_blocked = not empty.valid
            if empty.valid:
                await journey.step("空表单校验", form.anchor, note="浏览器端未拦截空表单（未点击提交）")
            else:
                with contextlib.suppress(PlaywrightError):
                    await page.evaluate(f'document.querySelector(\'[data-gc="{form.anchor}"]\').reportValidity()')
                label = next((f.label for f in form.fields if f.anchor == empty.field_anchor), "必填项")
                await journey.step("空表单校验", empty.field_anchor or form.anchor,
                                   note=f"浏览器拦截空表单：“{label.rstrip('*＊ ')}”未填写")
        seen_form.unfillable = await fill_form(page, form, context.settings.action_timeout_seconds)
        await journey.step("填写测试数据", form.anchor, ok=not seen_form.unfillable,
                           note="、".join(f.label for f in seen_form.unfillable))
        if seen_form.unfillable or form.captcha:
            return ""
        if not (context.allow_submit or context.site.hints.form_test_target):
            await journey.step("未提交", form.anchor, note="非测试目标且未使用 --allow-submit，提交前停止")
            return ""
        return await self._submit(context, journey, seen_form)

    async def _submit(self, context: SiteContext, journey: Journey, seen_form: FormJourney) -> str:
        """Click 提交 and read the answer; why the answer could not be read (reset, 5xx, timeout), or ''."""
        page, form = context.page, seen_form.form
        assert form is not None
        settings = context.settings
        if not form.submit_anchor:
            await journey.step("提交测试留言", form.anchor, ok=False, note="未识别出提交按钮")
            return "未识别出留言表单的提交按钮，需人工核查能否提交"
        seen_form.submitted = True
        with AnswerWatch(context.browser_context, page, _hosts(context, page.url)) as watch:
            try:
                await page.locator(f'[data-gc="{form.submit_anchor}"]').click(
                    timeout=settings.action_timeout_seconds * 1000)
            except PlaywrightError as error:
                LOG.warning("%s · 留言表单：提交按钮无法点击", context.site.name, exc_info=True)
                await journey.step("提交测试留言", form.submit_anchor, ok=False, note="提交按钮无法点击")
                return f"提交按钮在{settings.action_timeout_seconds:g}秒内无法点击（{str(error).splitlines()[0][:80]}）"
            await watch.answered(settings.action_timeout_seconds, settings.page_timeout_seconds)
            await _loaded(page, settings.page_timeout_seconds)
            await settle(page, settings.site_map)
        text = await _body_text(page, settings.action_timeout_seconds)
        seen_form.submit_ok, seen_form.submit_note = submit_outcome(watch.status, text)
        anchor = await tag_first(page, _RESULT_ANCHORS)
        trouble: MissedAnswer | None = None if seen_form.submit_ok else watch.missed(settings.page_timeout_seconds)
        if trouble is not None:
            await journey.step("提交测试留言", anchor, ok=False, note=f"服务器未正常应答：{trouble.reason}")
            return f"提交测试留言后服务器未正常应答（{trouble.reason}），无法确认能否提交"
        await journey.step("提交测试留言", anchor, ok=bool(seen_form.submit_ok), note=seen_form.submit_note)
        return ""


def _where(page: Page, fallback: str) -> str:
    """The page's URL, or ``fallback`` when the page shows the browser's own error page."""
    return fallback if page.url.startswith(("chrome-error:", "about:")) else page.url


def _hosts(context: SiteContext, url: str) -> tuple[str, ...]:
    """The hosts whose scripts and data count for a step: the site's and the page's being opened."""
    return tuple(host for host in (urlsplit(context.site.url).hostname, urlsplit(url).hostname) if host)


def submit_outcome(status: int | None, text: str) -> tuple[bool, str]:
    """Whether the page after submitting confirms the message, and how it reads in words."""
    if status is not None and status >= 400:
        return False, f"返回错误页面（HTTP {status}）"
    if any(word in text for word in FAILURE_WORDS):
        return False, "页面提示失败或错误"
    if any(word in text for word in SUCCESS_WORDS):
        return True, "页面确认提交成功"
    return False, "页面无任何提交成功的确认"


async def _loaded(page: Page, timeout_seconds: float) -> None:
    """Wait for the page's load event (a page that never loads is read as it stands)."""
    with contextlib.suppress(PlaywrightError):
        await page.wait_for_load_state("load", timeout=timeout_seconds * 1000)


async def _body_text(page: Page, timeout_seconds: float) -> str:
    try:
        return str(await page.inner_text("body", timeout=timeout_seconds * 1000))
    except PlaywrightError:
        return ""
