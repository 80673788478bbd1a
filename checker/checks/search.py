"""站内搜索不可用: type a recent home-page title into the site's own search box and expect it in the results.

The search is observed (:meth:`SearchCheck.observe`) as one probe, ``站内搜索``: ``seen`` with what came
back, ``absent`` when the home page opened and holds no search box, ``failed`` when the look itself failed —
the home page did not reload, the box could not be typed into in time, or the results page (or the data its
scripts fetch) was reset, answered 5xx or did not answer. A failed look is made again on the home page
opened afresh and, if it keeps failing, is coverage (未能核查), never 站内搜索不可用.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from datetime import date, datetime
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator

from checker.checks.findings import make_finding
from checker.citizen import AnswerWatch
from checker.context import SiteContext, SkipCheck
from checker.discover import home_items
from checker.family import ObservingFamily, failed_load, load_failure_reason
from checker.journey import Journey
from checker.observation import Observation, Probe, absent, attempts_text, failed, seen
from checker.observe import PageSnapshot, tag_first
from checker.results import Finding, Severity
from checker.rules import RuleSet
from checker.runlog import LOG
from checker.sitemap.walk import settle
from checker.visit import now

SEARCH_BOX = (
    "input[type=search]", "input[aria-label*=搜索]", "input[placeholder*=搜索]", "input[placeholder*=关键]",
    "input[name=q]", "input[name*=keyword]", "input[name*=searchword]", "input[name*=word]", "input[id*=search]",
    "input[name*=search]", "input[class*=search]",
)
MIN_TITLE = 8
MAX_QUERY = 30
SEARCH_KEY = "站内搜索"
"""The probe of the search journey."""

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
    """What the search journey saw: the query, the box, the result page status, whether it found it, and
    the journey's steps in words."""

    query: str
    box_found: bool
    status: int | None = None
    found: bool = False
    error: str = ""
    steps: str = ""


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


@dataclass
class SearchObservation(Observation):
    """The search journey as one probe (``站内搜索``) carrying its :class:`SearchOutcome`, and the query."""

    query: str = ""

    @property
    def search(self) -> Probe | None:
        """The search probe."""
        return self.probe(SEARCH_KEY)


def judge_observation(observation: SearchObservation, seen_at: datetime) -> list[Finding]:
    """站内搜索不可用 when the search was seen through (or its box seen absent) and did not find the title; a
    failed look makes no finding."""
    probe = observation.search
    if probe is None or not probe.judgeable or not isinstance(probe.value, SearchOutcome):
        return []
    outcome = probe.value
    problem = judge_search(outcome)
    if not problem:
        return []
    retold = f"（{attempts_text(probe)}）" if len(probe.attempts) > 1 else ""
    at = probe.attempts[-1] if probe.attempts else seen_at
    return [make_finding("search.broken", Severity.DEDUCTION, f"{problem}。步骤：{outcome.steps}{retold}",
                         url=probe.url, target="站内搜索", seen_at=at, evidence=list(probe.evidence))]


class SearchCheck(ObservingFamily[SearchObservation]):
    """Search the site like a person: the search box, a recent title, Enter, the result list."""

    name = "search"
    label = "检查站内搜索"
    indicators = ("search.broken",)

    async def observe(self, context: SiteContext) -> SearchObservation:
        """Open the home page afresh, type the newest specific title into its search box, press Enter and
        read what comes back (in the page, or in the window the site opens for its results)."""
        first = now()
        query = _query(context.require_home(), context.as_of)
        at, journey, probe, query = await _search_once(context, query, every_step=False)
        looks = (at,)
        if not probe.failed and journey.sparing_gaps:
            context.step("站内搜索：发现问题，重走一遍并逐步截图")
            at, journey, probe, query = await _search_once(context, query, every_step=True)
            looks += (at,)
        trail = await journey.trail()
        if not journey.failed:
            context.outcome.journey_evidence[self.name] = trail
        outcome = probe.value if isinstance(probe.value, SearchOutcome) else SearchOutcome(query, True)
        probe = replace(probe, value=replace(outcome, steps=journey.describe()), attempts=looks, evidence=tuple(trail))
        return SearchObservation([probe], first, query)

    def judge(self, observation: SearchObservation, rules: RuleSet, as_of: date,
              seen_at: datetime) -> list[Finding]:
        """站内搜索不可用 from what was seen; see :func:`judge_observation`."""
        return judge_observation(observation, seen_at)

    def note(self, observation: SearchObservation) -> str:
        """搜索“…”：and what came back (nothing more when the look failed: the coverage says why)."""
        probe = observation.search
        if probe is None or probe.failed or not isinstance(probe.value, SearchOutcome):
            return f"搜索“{observation.query}”"
        return f"搜索“{observation.query}”：{judge_search(probe.value) or '结果中找到该信息'}"


async def _search_once(context: SiteContext, query: str, *, every_step: bool
                       ) -> tuple[datetime, Journey, Probe, str]:
    """One search journey from a freshly opened home page (sparing with photographs unless ``every_step``):
    when it began, the journey, its probe and the query it typed. A passed search keeps the result page's
    photograph; one that found a problem is walked again photographing every step (see :mod:`checker.journey`)."""
    at = now()
    journey = Journey(context.page, context.store, context.index, context.settings.max_screenshot_height,
                      screenshot_timeout_seconds=context.settings.screenshot_timeout_seconds, every_step=every_step)
    try:
        probe, query = await _search(context, journey, query)
    except PlaywrightError as error:
        LOG.warning("%s · 站内搜索：浏览器操作出错", context.site.name, exc_info=True)
        probe = failed(SEARCH_KEY, f"浏览器操作出错：{str(error).splitlines()[0][:120]}",
                       url=context.require_home().url, value=SearchOutcome(query, True))
    return at, journey, probe, query


def _query(home: PageSnapshot | None, as_of: date) -> str:
    """The newest specific title of the home page, as a person would type it ('' when there is none)."""
    if home is None:
        return ""
    items = sorted((i for i in home_items(home, as_of) if i.date), key=lambda i: i.date, reverse=True)
    return pick_query([item.title for item in items])


async def _search(context: SiteContext, journey: Journey, query: str) -> tuple[Probe, str]:
    """One look: the home page opened afresh, the query typed and sent, the results read; with the query
    (taken from the fresh home page when the earlier snapshot had none)."""
    settings = context.settings
    home = context.require_home()
    hosts = _hosts(context)
    visit, snapshot = await context.visit(home.url, "首页")  # a home page whose scripts failed: failed
    if failed_load(visit):
        reason = load_failure_reason(visit, settings.page_timeout_seconds)
        await journey.step("打开首页", ok=False, note=f"页面未能打开：{reason}")
        probe = failed(SEARCH_KEY, f"首页未能重新打开（{reason}）", url=home.url, value=SearchOutcome(query, True))
        return probe, query
    query = query or _query(snapshot, context.as_of)
    if not query:
        raise SkipCheck("首页没有可用于搜索的近期信息标题")
    page = context.page
    box = await tag_first(page, SEARCH_BOX)
    if not box:
        await journey.step("查找首页搜索框", ok=False, note="未找到")
        return absent(SEARCH_KEY, reason="首页未找到站内搜索框", url=home.url, value=SearchOutcome(query, False)), query
    field = page.locator(f'[data-gc="{box}"]')
    try:
        await field.click(timeout=settings.action_timeout_seconds * 1000)
        await field.press_sequentially(query, timeout=settings.page_timeout_seconds * 1000)
    except PlaywrightError as error:
        LOG.warning("%s · 站内搜索：搜索框无法输入", context.site.name, exc_info=True)
        said = str(error).splitlines()[0][:80]
        await journey.step("在搜索框输入标题", box, ok=False, note=said)
        return failed(SEARCH_KEY, f"搜索框未能在限定时间内输入（{said}）", url=page.url,
                      value=SearchOutcome(query, True, error="搜索框无法输入")), query
    await journey.step(f"在搜索框输入“{query}”", box)
    return await _results(context, journey, field, query, hosts), query


async def _results(context: SiteContext, journey: Journey, field: Locator, query: str,
                   hosts: tuple[str, ...]) -> Probe:
    """Press Enter; read the page there, or the new window the site opens for its results."""
    settings = context.settings
    page = context.page
    before = list(context.browser_context.pages)
    with AnswerWatch(context.browser_context, page, hosts) as watch:
        await field.press("Enter", timeout=settings.action_timeout_seconds * 1000)
        await watch.answered(settings.action_timeout_seconds, settings.page_timeout_seconds)
        opened = [other for other in context.browser_context.pages if other not in before]
        results = opened[-1] if opened else page
        with contextlib.suppress(PlaywrightError):
            await results.wait_for_load_state("load", timeout=settings.page_timeout_seconds * 1000)
        await settle(results, settings.site_map)
    journey.page = results
    try:
        anchor = ""
        with contextlib.suppress(PlaywrightError):
            anchor = str(await results.evaluate(_FIND_RESULT_JS, query))
        outcome = SearchOutcome(query, True, watch.status, bool(anchor))
        trouble = None if anchor else watch.missed(settings.page_timeout_seconds)
        fallback = anchor or await tag_first(results, ("#main-frame-error", ".search-result", "main", "body"))
        url = results.url
        if trouble is not None:
            await journey.step("查看搜索结果", fallback, ok=False, note=f"结果页未能完整打开：{trouble.reason}")
            return failed(SEARCH_KEY, f"搜索结果页未能完整打开（{trouble.reason}）", url=trouble.url or url,
                          value=outcome)
        problem = judge_search(outcome)
        await journey.step("查看搜索结果", fallback, ok=not problem, note=problem, final=True)
        return seen(SEARCH_KEY, outcome, url=url)
    finally:
        if results is not page:
            journey.page = page
            with contextlib.suppress(PlaywrightError):
                await results.close()


def _hosts(context: SiteContext) -> tuple[str, ...]:
    """The hosts whose scripts and data count for the search: the site's and its home page's."""
    home = context.require_home()
    return tuple(host for host in (urlsplit(context.site.url).hostname, urlsplit(home.url).hostname) if host)
