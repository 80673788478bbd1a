"""Plans and runs a suite: one browser for the run, one context per site, bounded concurrency.

A site that cannot be reached, errs or overruns its time budget ends as a result with what was seen
and a record of what was not; it never stops the other sites.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from playwright.async_api import Browser, Dialog, async_playwright
from playwright.async_api import Error as PlaywrightError

from checker import USER_AGENT_SUFFIX, __version__
from checker.browser import cjk_renders, connect_browser, is_headless_shell, launch_browser
from checker.checks.registry import FAMILIES
from checker.context import CheckFamily, SiteContext, SiteOutcome
from checker.evidence import EvidenceStore
from checker.journal import Journal, RunHeader, suite_digest
from checker.links.http_check import LinkChecker
from checker.manifest import write_manifest
from checker.netguard import NetworkGuard, PolicyProxy, Resolver, guarding
from checker.netpolicy import AddressClass
from checker.netsetup import guard_for_suite
from checker.politeness import Politeness
from checker.results import CheckStatus, RunResult, SiteResult, UncheckedSite, write_results
from checker.rulecite import with_rules
from checker.rules import RuleSet
from checker.runlog import LOG, run_log
from checker.scenario import Settings, Site, Suite
from checker.scoring import score_findings
from checker.shards import shard_indices
from checker.site_run import run_families
from checker.sitemap.settling import SETTLE_SCRIPT
from checker.visit import now

BEIJING = ZoneInfo("Asia/Shanghai")


class Progress(Protocol):
    """What the engine tells a progress display (the CLI's rich display implements it)."""

    def site_started(self, index: int, site: Site) -> None:
        """A site's inspection began."""

    def step(self, index: int, text: str) -> None:
        """A site moved to another step (打开首页, 读取栏目 …)."""

    def site_finished(self, index: int, result: SiteResult) -> None:
        """A site's result is final."""

    def warn(self, text: str) -> None:
        """Something the user should know that is not a finding (fonts missing …)."""


class SilentProgress:
    """A progress sink that shows nothing (library use and tests)."""

    def site_started(self, index: int, site: Site) -> None:
        """Ignore."""

    def step(self, index: int, text: str) -> None:
        """Ignore."""

    def site_finished(self, index: int, result: SiteResult) -> None:
        """Ignore."""

    def warn(self, text: str) -> None:
        """Ignore."""


@dataclass
class RunOptions:
    """How to run a suite: where to write, which day to judge against, which browser."""

    out_dir: Path
    as_of: date | None = None
    browser_path: str | None = None
    headed: bool = False
    progress: Progress = field(default_factory=SilentProgress)
    families: Sequence[CheckFamily] = FAMILIES
    resume: bool = False
    shard: tuple[int, int] | None = None
    browser_endpoint: str | None = None
    cdp_endpoint: str | None = None
    remote_browser_path: str | None = None
    allow_submit: bool = False
    allow_private: bool = False
    """Open loopback and private addresses to the checker (``--allow-private``: intranet portals)."""
    network_classes: Mapping[str, AddressClass] | None = None
    """Tests only: networks to treat as another class (a 127.x address standing in for 169.254.169.254)."""
    resolver: Resolver | None = None
    """Tests only: how host names resolve (names of the test's own making, no DNS query)."""


def effective_as_of(suite: Suite, override: date | None) -> date:
    """The monitoring point: the command line's, else the suite's, else today in Beijing (the only wall-clock
    use: a run at 01:00 Beijing time is on that Beijing day whatever the machine's own time zone)."""
    return override or suite.as_of or datetime.now(BEIJING).date()


def _site_result(site: Site, outcome: SiteOutcome, rules: RuleSet, index: int | None = None) -> SiteResult:
    findings = [f for f in outcome.findings if rules.enabled(f.indicator)]  # the scheme's indicators only
    score = score_findings(findings, rules)
    return SiteResult(
        name=site.name, unit=site.unit, kind=site.kind.value, url=site.url, code=site.code, verdict=score.verdict,
        score=score.score, veto_reasons=score.veto_reasons, findings=with_rules(findings, rules),
        checks=outcome.checks,
        columns=outcome.columns, qr_payloads=outcome.qr_payloads, index=index,
    )


def nested_scopes(sites: Sequence[Site], site: Site) -> tuple[str, ...]:
    """The scopes of the suite's other sites that lie inside this site's (a portal's hosted channels)."""
    own = site.scope_prefix()
    return tuple(sorted({other.scope_prefix() for other in sites
                         if other.scope_prefix() != own and other.scope_prefix().startswith(own)}))


@dataclass(frozen=True)
class _Shared:
    """What all sites of a run share: per-host pacing and the link checker (each URL checked once)."""

    politeness: Politeness
    link_checker: LinkChecker
    guard: NetworkGuard
    browser_proxy: dict[str, str] | None


async def _inspect(browser: Browser, suite: Suite, index: int, as_of: date, store: EvidenceStore,
                   options: RunOptions, shared: _Shared, budget_seconds: float) -> SiteResult:
    progress = options.progress
    site = suite.sites[index]
    settings: Settings = suite.settings
    context = await browser.new_context(
        viewport={"width": settings.viewport_width, "height": settings.viewport_height},
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        user_agent=await _user_agent(browser),
        service_workers="block",
        ignore_https_errors=True,  # certificate problems are judged by checker.tls; the page is still read
        **({"proxy": shared.browser_proxy} if shared.browser_proxy else {}),
    )
    context.set_default_timeout(settings.page_timeout_seconds * 1000)
    await context.add_init_script(SETTLE_SCRIPT)
    context.on("page", lambda page: page.on("dialog", _dismiss))
    page = await context.new_page()
    site_context = SiteContext(
        context, page, site, index, suite.rules, settings, as_of, suite.window, store,
        lambda text: progress.step(index, text), allow_submit=options.allow_submit, politeness=shared.politeness,
        link_checker=shared.link_checker, nested_scopes=nested_scopes(suite.sites, site),
        guard=shared.guard, browser_proxy=shared.browser_proxy,
    )
    site_context.typos = tuple(suite.typos)
    site_context.deadline = time.monotonic() + budget_seconds
    try:
        await asyncio.wait_for(run_families(site_context, options.families), timeout=budget_seconds)
    except TimeoutError:
        which = "站点" if budget_seconds >= settings.site_timeout_seconds else "运行"
        site_context.outcome.record("site", CheckStatus.ERROR,
                                    f"超出{which}时间预算（{budget_seconds:.0f}秒），其后的检查未完成")
    except Exception as error:
        LOG.error("%s：检查中断", site.name, exc_info=True)
        site_context.outcome.record("site", CheckStatus.ERROR, f"检查中断：{type(error).__name__}: {error}"[:300])
    finally:
        await context.close()
    return _site_result(site, site_context.outcome, suite.rules, index)


def _unchecked(site: Site, run_budget: float) -> UncheckedSite:
    reason = f"超出整次运行的时间预算（{run_budget:g}秒），未开始检查；可用 --resume 续跑"
    return UncheckedSite(name=site.name, unit=site.unit, kind=site.kind.value, url=site.url, reason=reason)


async def _dismiss(dialog: Dialog) -> None:
    """Answer alert/confirm/prompt like a person closing them; a page already gone needs no answer."""
    with contextlib.suppress(PlaywrightError):
        await dialog.dismiss()


async def _user_agent(browser: Browser) -> str:
    version = browser.version
    return (f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/{version} Safari/537.36 {USER_AGENT_SUFFIX}")


async def _check_fonts(browser: Browser, progress: Progress) -> None:
    page = await browser.new_page()
    try:
        if not await cjk_renders(page):
            progress.warn("浏览器无法显示中文字体，截图中的汉字会显示为方框。"
                          "请安装中文字体（Debian/Ubuntu：apt-get install fonts-noto-cjk）。")
    finally:
        await page.close()


async def run_suite_async(suite: Suite, options: RunOptions) -> RunResult:
    """Run every site of the suite and write results.json; returns the run's result."""
    guard = await guard_for_suite(suite, allow_private=options.allow_private, classes=options.network_classes,
                                  resolver=options.resolver)
    local = not (options.browser_endpoint or options.cdp_endpoint)
    with PolicyProxy(guard) as proxy, guarding(guard):
        if not local:
            options.progress.warn("使用远程浏览器时，浏览器的请求不经过本机的网络边界（仅链接检查受其约束）")
        return await _run_guarded(suite, options, guard, proxy.browser_proxy() if local else None)


async def _run_guarded(suite: Suite, options: RunOptions, guard: NetworkGuard,
                       browser_proxy: dict[str, str] | None) -> RunResult:
    as_of = effective_as_of(suite, options.as_of)
    store = EvidenceStore(options.out_dir)
    journal = Journal(options.out_dir)
    digest = suite_digest(suite, as_of)
    if options.resume:
        header, finished = journal.load(digest)
        started = header.started_at
    else:
        started, finished = now(), {}
        journal.start(RunHeader(digest, as_of, started))
    politeness = Politeness(suite.settings.min_request_interval_seconds, suite.settings.respect_robots,
                            request_timeout_seconds=suite.settings.page_timeout_seconds)
    run_budget = suite.settings.run_timeout_seconds
    deadline = time.monotonic() + run_budget if run_budget else None
    unchecked: list[UncheckedSite] = []
    async with async_playwright() as playwright:
        if options.browser_endpoint or options.cdp_endpoint:
            browser = await connect_browser(playwright, options.browser_endpoint, options.cdp_endpoint,
                                            options.remote_browser_path,
                                            suite.settings.browser_connect_timeout_seconds)
        else:
            browser = await launch_browser(playwright, options.browser_path, options.headed, browser_proxy,
                                           full=suite.settings.browser_build == "full")
        at_once = suite.settings.sites_at_once(full_build=not is_headless_shell(browser))
        LOG.info("同时检查的站点：%d 个", at_once)
        limit = asyncio.Semaphore(at_once)
        link_checker = LinkChecker(suite.settings.links, retest=suite.settings.retest,
                                   user_agent=await _user_agent(browser), guard=guard)
        try:
            await _check_fonts(browser, options.progress)

            async def one(index: int) -> SiteResult | None:
                if index in finished:
                    options.progress.site_started(index, suite.sites[index])
                    options.progress.site_finished(index, finished[index])
                    return finished[index]
                async with limit:
                    budget = suite.settings.site_timeout_seconds
                    if deadline is not None:
                        budget = min(budget, deadline - time.monotonic())
                    if budget <= 0:
                        unchecked.append(_unchecked(suite.sites[index], run_budget or 0))
                        options.progress.warn(f"{suite.sites[index].name}：超出运行时间预算，未检查")
                        return None
                    options.progress.site_started(index, suite.sites[index])
                    result = await _inspect(browser, suite, index, as_of, store, options,
                                            _Shared(politeness, link_checker, guard, browser_proxy), budget)
                journal.append(index, result)
                options.progress.site_finished(index, result)
                return result

            chosen = shard_indices(suite.sites, *options.shard) if options.shard else range(len(suite.sites))
            sites = await asyncio.gather(*(one(index) for index in chosen))
        finally:
            await link_checker.aclose()
            await browser.close()
            refused = guard.refusals()
            if refused:
                LOG.warning("网络边界：本次运行共拒绝 %d 次连接（%s）", len(refused),
                            "、".join(dict.fromkeys(f"{f.host}:{f.port}" for f in refused)))
    result = RunResult(
        tool_version=__version__, suite=suite.suite, as_of=as_of,
        window_start=suite.window.start if suite.window else None,
        window_end=suite.window.end if suite.window else None,
        rule_set=suite.rules.name, started_at=started, finished_at=now(),
        sites=[site for site in sites if site is not None], unchecked=unchecked,
        shard=f"{options.shard[0]}/{options.shard[1]}" if options.shard else None,
    )
    write_results(result, options.out_dir)
    write_manifest(result, options.out_dir)
    return result


def run_suite(suite: Suite, options: RunOptions) -> RunResult:
    """Synchronous wrapper of :func:`run_suite_async` for the CLI and tests; caught errors go to run.log."""
    with run_log(options.out_dir):
        return asyncio.run(run_suite_async(suite, options))


def run_suite_in_thread(suite: Suite, options: RunOptions) -> RunResult:
    """Run a suite on a thread of its own (its own event loop): for callers that already run one, such as
    pytest with pytest-playwright's synchronous API. Exceptions are re-raised on the calling thread."""
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["result"] = run_suite(suite, options)
        except BaseException as error:
            outcome["error"] = error

    thread = threading.Thread(target=target, name="govcheck-run")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]  # type: ignore[return-value]
