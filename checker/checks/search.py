"""站内搜索不可用: type a recent home-page title into the site's own search box and expect it in the results."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from checker.checks.findings import make_finding
from checker.context import SiteContext, SkipCheck
from checker.discover import home_items
from checker.journey import Journey
from checker.observe import tag_first
from checker.results import Finding, Severity
from checker.visit import now

SEARCH_BOX = (
    "input[type=search]", "input[aria-label*=搜索]", "input[placeholder*=搜索]", "input[placeholder*=关键]",
    "input[name=q]", "input[name*=keyword]", "input[name*=searchword]", "input[name*=word]", "input[id*=search]",
    "input[name*=search]", "input[class*=search]",
)
MIN_TITLE = 8
MAX_QUERY = 30

_FIND_RESULT_JS = """(query) => {
  const norm = (s) => (s || '').replace(/\\s+/g, '');
  const want = norm(query);
  for (const a of document.querySelectorAll('a')) {
    const r = a.getBoundingClientRect();
    if (r.height > 0 && (norm(a.innerText).includes(want) || norm(a.title).includes(want))) {
      window.__gcSeq = (window.__gcSeq || 0) + 1;
      if (!a.hasAttribute('data-gc')) a.setAttribute('data-gc', 's' + window.__gcSeq);
      return a.getAttribute('data-gc');
    }
  }
  return '';
}"""


@dataclass(frozen=True)
class SearchOutcome:
    """What the search journey saw: the query, the box, the result page status, and whether it found it."""

    query: str
    box_found: bool
    status: int | None = None
    found: bool = False
    error: str = ""


def judge_search(outcome: SearchOutcome) -> str:
    """Why the search failed, in words; '' when the recent title came back among the results."""
    if not outcome.box_found:
        return "首页未找到站内搜索框"
    if outcome.error:
        return f"提交搜索后页面出错（{outcome.error}）"
    if outcome.status is not None and outcome.status >= 400:
        return f"搜索结果页返回错误（HTTP {outcome.status}）"
    if not outcome.found:
        return f"搜索首页近期信息标题“{outcome.query}”，结果中没有该信息"
    return ""


def pick_query(titles: list[str]) -> str:
    """The first title long enough to be specific, cut to a length a person would type."""
    for title in titles:
        title = title.strip()
        if len(title) >= MIN_TITLE:
            return title[:MAX_QUERY]
    return ""


class SearchCheck:
    """Search the site like a person: the search box, a recent title, Enter, the result list."""

    name = "search"
    label = "检查站内搜索"
    indicators = ("search.broken",)

    async def run(self, context: SiteContext) -> str:
        """Walk the search journey; its step screenshots are the finding's evidence."""
        context.require_home()
        items = sorted((i for i in home_items(context.home, context.as_of) if i.date), key=lambda i: i.date,
                       reverse=True)
        query = pick_query([item.title for item in items])
        if not query:
            raise SkipCheck("首页没有可用于搜索的近期信息标题")
        if context.page.url != context.home.url:
            await context.visit(context.home.url, "首页")
        journey = Journey(context.page, context.store, context.index, context.settings.max_screenshot_height)
        outcome = await _search(context, journey, query)
        problem = judge_search(outcome)
        findings: list[Finding] = []
        if problem:
            findings.append(make_finding("search.broken", Severity.DEDUCTION, f"{problem}。步骤：{journey.describe()}",
                                         url=context.page.url, target="站内搜索", seen_at=now(),
                                         evidence=journey.trail()))
        context.add(findings)
        if not journey.failed:
            context.outcome.journey_evidence[self.name] = journey.trail()
        return f"搜索“{query}”：{problem or '结果中找到该信息'}"


async def _search(context: SiteContext, journey: Journey, query: str) -> SearchOutcome:
    page = context.page
    box = await tag_first(page, SEARCH_BOX)
    if not box:
        await journey.step("查找首页搜索框", ok=False, note="未找到")
        return SearchOutcome(query, False)
    field = page.locator(f'[data-gc="{box}"]')
    try:
        await field.click(timeout=5_000)
        await field.press_sequentially(query, timeout=10_000)
    except PlaywrightError as error:
        await journey.step("在搜索框输入标题", box, ok=False, note=str(error).splitlines()[0][:80])
        return SearchOutcome(query, True, error="搜索框无法输入")
    await journey.step(f"在搜索框输入“{query}”", box)
    results, status, error = await _submit(context, field)
    journey.page = results
    anchor = ""
    with contextlib.suppress(PlaywrightError):
        anchor = str(await results.evaluate(_FIND_RESULT_JS, query))
    outcome = SearchOutcome(query, True, status, bool(anchor), error)
    fallback = anchor or await tag_first(results, ("#main-frame-error", ".search-result", "main", "body"))
    await journey.step("查看搜索结果", fallback, ok=not judge_search(outcome), note=judge_search(outcome))
    if results is not page:
        journey.page = page
        with contextlib.suppress(PlaywrightError):
            await results.close()
    return outcome


async def _submit(context: SiteContext, field: object) -> tuple[Page, int | None, str]:
    """Press Enter; follow the page there, or the new window the site opens for its results."""
    page = context.page
    before = len(context.browser_context.pages)
    status: int | None = None
    error = ""
    try:
        async with page.expect_navigation(timeout=context.settings.page_timeout_seconds * 1000) as navigation:
            await field.press("Enter")  # type: ignore[attr-defined]
        response = await navigation.value
        status = response.status if response else None
    except PlaywrightError as failure:
        error = "" if "Timeout" in str(failure) else str(failure).splitlines()[0][:120]
    pages = context.browser_context.pages
    if len(pages) > before:
        results = pages[-1]
        with contextlib.suppress(PlaywrightError):
            await results.wait_for_load_state("load", timeout=context.settings.page_timeout_seconds * 1000)
        return results, None, ""
    await asyncio.sleep(0.5)
    return page, status, error
