"""``govcheck probe``: open each site's home page once, as cron or a CI schedule does 20+ times a day, and
store the sample (with a screenshot of each failure) for the 7-day 站点无法访问 rule.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from playwright.async_api import Browser, async_playwright

from checker.browser import launch_browser
from checker.evidence import EvidenceStore
from checker.netguard import PolicyProxy, guarding
from checker.netsetup import guard_for_suite
from checker.observe import FAILURE_MESSAGE_SELECTORS, tag_first
from checker.probe_store import ProbeStore, Sample
from checker.scenario import Settings, Suite
from checker.visit import PageEvidence, describe_probe_error, open_page


async def _probe_site(browser: Browser, url: str, index: int, timeout: float, evidence: EvidenceStore,
                      settings: Settings, proxy: PolicyProxy) -> Sample:
    context = await browser.new_context(locale="zh-CN", ignore_https_errors=False, proxy=proxy.browser_proxy())
    try:
        page = await context.new_page()
        visit = await open_page(page, url, timeout, settings.load_wait_seconds)
        if visit.ok:
            return Sample(url, visit.at, True, visit.seconds)
        anchor = await tag_first(page, FAILURE_MESSAGE_SELECTORS)
        shots = await PageEvidence(page, evidence, index, settings.max_screenshot_height,
                                   screenshot_timeout_seconds=settings.screenshot_timeout_seconds).capture(anchor)
        path = str((evidence.out_dir / shots[0].path).resolve()) if shots else ""
        reason = describe_probe_error(visit.error, visit.status, timeout)
        return Sample(url, visit.at, False, visit.seconds, reason, path)
    finally:
        await context.close()


async def probe_suite_async(suite: Suite, store: ProbeStore, evidence_dir: Path,
                            browser_path: str | None = None) -> list[Sample]:
    """Probe every site's home page once (bounded concurrency) and store the samples."""
    timeout = suite.rules.availability.timeout_seconds
    evidence = EvidenceStore(evidence_dir)
    limit = asyncio.Semaphore(suite.settings.concurrency * 2)
    guard = await guard_for_suite(suite)
    with PolicyProxy(guard) as proxy, guarding(guard):
        return await _probe_all(suite, store, evidence, limit, timeout, proxy, browser_path)


async def _probe_all(suite: Suite, store: ProbeStore, evidence: EvidenceStore, limit: asyncio.Semaphore,
                     timeout: float, proxy: PolicyProxy, browser_path: str | None) -> list[Sample]:
    async with async_playwright() as playwright:
        browser = await launch_browser(playwright, browser_path, proxy=proxy.browser_proxy(),
                                       full=suite.settings.browser_build == "full")
        try:
            async def one(index: int) -> Sample:
                async with limit:
                    return await _probe_site(browser, suite.sites[index].url, index, timeout, evidence,
                                             suite.settings, proxy)

            samples = list(await asyncio.gather(*(one(i) for i in range(len(suite.sites)))))
        finally:
            await browser.close()
    store.add(samples)
    return samples


def probe_suite(suite: Suite, store: ProbeStore, evidence_dir: Path, browser_path: str | None = None) -> list[Sample]:
    """Synchronous wrapper of :func:`probe_suite_async` for the CLI."""
    return asyncio.run(probe_suite_async(suite, store, evidence_dir, browser_path))
