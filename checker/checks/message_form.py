"""无有效咨询建言渠道 and 留言表单不可用: the 留言 journey from the home page to the filled form.

It submits only to a test target (the scenario's ``form_test_target``) or with ``--allow-submit``;
otherwise it stops before submitting and says so. A captcha is reported as needing a person.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import datetime

from playwright.async_api import Error as PlaywrightError

from checker.checks.findings import make_finding
from checker.citizen import LinkSeen, find_links
from checker.context import SiteContext, SkipCheck
from checker.form_observe import FieldSeen, FormSeen, fill_form, read_form, validity
from checker.journey import Journey
from checker.observe import tag_first
from checker.results import Finding, Severity
from checker.scenario import SiteKind
from checker.sitemap.model import PageRole
from checker.visit import now

ENTRY_WORDS = ("我要留言", "我要写信", "领导信箱", "书记信箱", "市长信箱", "县长信箱", "咨询投诉", "我要咨询",
               "网上咨询", "留言", "信箱", "咨询", "互动交流", "政民互动", "互动")
FORM_WORDS = ("我要留言", "我要写信", "写信", "我要咨询", "我要提问", "留言")
SUCCESS_WORDS = ("成功", "已提交", "已收到", "感谢", "查询码", "受理编号")
FAILURE_WORDS = ("失败", "错误", "出错", "error", "Error", "异常")
MAX_PAGES = 4
CAPTCHA_TITLE = "留言表单需人工核查（验证码）"


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
    """What the 留言 journey saw: the channel, the form, each check, and whether it submitted."""

    entry: str = ""
    form: FormSeen | None = None
    unfillable: list[FieldSeen] = field(default_factory=list)
    empty_blocked: bool | None = None
    submitted: bool = False
    submit_ok: bool | None = None
    submit_note: str = ""
    url: str = ""
    seen_at: datetime | None = None


def judge_form(seen: FormJourney, journey_text: str) -> list[tuple[str, Severity, str]]:
    """(indicator, severity, detail) for what the journey found wrong; empty when the form works."""
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


class MessageFormCheck:
    """The 留言 journey: find the channel by visible text, open the form, check, fill and (if allowed) submit."""

    name = "message_form"
    label = "留言表单体验"
    indicators = ("interaction.no_channel", "interaction.form_broken")

    async def run(self, context: SiteContext) -> str:
        """Walk the journey and judge it; the journey's screenshots are the evidence."""
        context.require_home()
        journey = Journey(context.page, context.store, context.index, context.settings.max_screenshot_height)
        seen = await self._walk(context, journey)
        if not seen.entry and context.site.kind is SiteKind.CHANNEL:
            raise SkipCheck("部门栏目未设互动入口，互动交流由门户网站提供，未单独检查")
        text = journey.describe()
        findings: list[Finding] = []
        for indicator_id, severity, detail in judge_form(seen, text):
            title = CAPTCHA_TITLE if severity is Severity.ADVISORY else None
            findings.append(make_finding(indicator_id, severity, detail, url=seen.url or context.page.url,
                                         target=seen.entry or "首页", seen_at=seen.seen_at or now(),
                                         evidence=journey.trail(), title=title))
        context.add(findings)
        if not journey.failed:
            context.outcome.journey_evidence[self.name] = journey.trail()
        return text[:400]

    async def _walk(self, context: SiteContext, journey: Journey) -> FormJourney:
        assert context.home is not None
        seen = FormJourney(url=context.home.url, seen_at=now())
        if context.page.url != context.home.url:
            await context.visit(context.home.url, "首页")
        links = _mapped_forms(context) + find_links(context.home, ENTRY_WORDS)
        if not links:
            await journey.step("打开首页，查找互动入口", ok=False, note="未找到")
            return seen
        seen.entry = links[0].text
        form = await self._reach_form(context, journey, links)
        seen.url, seen.seen_at = context.page.url, now()
        if form is None:
            return seen
        seen.form = form
        await self._check_form(context, journey, seen)
        return seen

    async def _reach_form(self, context: SiteContext, journey: Journey, links: list[LinkSeen]) -> FormSeen | None:
        queue, opened = list(links), []
        while queue and len(opened) < MAX_PAGES:
            link = queue.pop(0)
            if link.href in opened:
                continue
            opened.append(link.href)
            context.step(f"留言入口：{link.text}")
            _, snapshot = await context.visit(link.href, link.text)
            form = await read_form(context.page) if snapshot else None
            if form:
                await journey.step(f"经“{link.text}”打开留言表单", form.anchor)
                return form
            if snapshot:
                queue = find_links(snapshot, FORM_WORDS) + queue
        await journey.step(f"打开“{links[0].text}”等入口，未见留言表单", ok=False, note="无留言表单")
        return None

    async def _check_form(self, context: SiteContext, journey: Journey, seen: FormJourney) -> None:
        page, form = context.page, seen.form
        assert form is not None
        empty = await validity(page, form)
        if empty is not None:
            seen.empty_blocked = not empty.valid
            if empty.valid:
                await journey.step("空表单校验", form.anchor, note="浏览器端未拦截空表单（未点击提交）")
            else:
                with contextlib.suppress(PlaywrightError):
                    await page.evaluate(f'document.querySelector(\'[data-gc="{form.anchor}"]\').reportValidity()')
                label = next((f.label for f in form.fields if f.anchor == empty.field_anchor), "必填项")
                await journey.step("空表单校验", empty.field_anchor or form.anchor,
                                   note=f"浏览器拦截空表单：“{label.rstrip('*＊ ')}”未填写")
        seen.unfillable = await fill_form(page, form)
        await journey.step("填写测试数据", form.anchor, ok=not seen.unfillable,
                           note="、".join(f.label for f in seen.unfillable))
        if seen.unfillable or form.captcha:
            return
        if not (context.allow_submit or context.site.hints.form_test_target):
            await journey.step("未提交", form.anchor, note="非测试目标且未使用 --allow-submit，提交前停止")
            return
        await self._submit(context, journey, seen)

    async def _submit(self, context: SiteContext, journey: Journey, seen: FormJourney) -> None:
        page, form = context.page, seen.form
        assert form is not None
        seen.submitted = True
        status: int | None = None
        try:
            async with page.expect_navigation(timeout=context.settings.page_timeout_seconds * 1000) as navigation:
                await page.locator(f'[data-gc="{form.submit_anchor}"]').click(timeout=5_000)
            response = await navigation.value
            status = response.status if response else None
        except PlaywrightError:
            await asyncio.sleep(2)
        text = await _body_text(page)
        seen.submit_ok, seen.submit_note = submit_outcome(status, text)
        anchor = await tag_first(page, ("#main-frame-error", ".result", ".message", "h1", ".content", "main", "body"))
        await journey.step("提交测试留言", anchor, ok=bool(seen.submit_ok), note=seen.submit_note)


def submit_outcome(status: int | None, text: str) -> tuple[bool, str]:
    """Whether the page after submitting confirms the message, and how it reads in words."""
    if status is not None and status >= 400:
        return False, f"返回错误页面（HTTP {status}）"
    if any(word in text for word in FAILURE_WORDS):
        return False, "页面提示失败或错误"
    if any(word in text for word in SUCCESS_WORDS):
        return True, "页面确认提交成功"
    return False, "页面无任何提交成功的确认"


async def _body_text(page: object) -> str:
    try:
        return str(await page.inner_text("body", timeout=5_000))  # type: ignore[attr-defined]
    except PlaywrightError:
        return ""
