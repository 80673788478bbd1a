"""Benchmark of the publishing checks on a generated site of N policy files (default 2,000), all on 127.0.0.1.

Measured in the same run, with the same parser and metadata reader, so only the way of reading differs:

- fetched: the file pages fetched by the context's request client (per-host limit) and parsed without
  rendering, which is how the publishing family reads them;
- rendered: the baseline, each file page opened in the browser (``load``) and its DOM read, one after
  another in one tab, as a browser-only check would;
- end to end: the availability, columns and publishing families run on the site through the engine,
  with the caps raised so every file is read; its findings are counted against what the site seeds.

Run by hand: ``python -m benchmarks.bench_publishing [--files 2000] [--render-sample 200]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

from playwright.async_api import async_playwright

from benchmarks.policy_site import PolicySiteServer
from checker.browser import launch_browser
from checker.checks.availability import AvailabilityCheck
from checker.checks.columns import ColumnsCheck
from checker.checks.publishing import PublishingCheck
from checker.docmeta import read_meta
from checker.engine import RunOptions, run_suite
from checker.fetch import PageFetcher
from checker.htmlpage import parse_html
from checker.scenario import Settings, Site, Suite

AS_OF = date(2020, 11, 6)


async def _reads(urls: list[str], render_sample: int, per_host: int) -> dict[str, float]:
    """Pages per second for fetched and rendered reads of the same pages."""
    async with async_playwright() as playwright:
        browser = await launch_browser(playwright)
        context = await browser.new_context()
        started = time.perf_counter()
        fetched = await PageFetcher(context.request, per_host, 30).fetch(urls)
        numbers = [read_meta(f.page.lines, AS_OF).doc_number for f in fetched.values() if f.page]
        fetch_seconds = time.perf_counter() - started
        page = await context.new_page()
        sample = urls[:render_sample]
        started = time.perf_counter()
        for url in sample:
            await page.goto(url, wait_until="load")
            read_meta(parse_html(await page.content(), url).lines, AS_OF)
        render_seconds = time.perf_counter() - started
        await browser.close()
    return {
        "fetched_pages": len(numbers),
        "fetched_seconds": round(fetch_seconds, 3),
        "fetched_pages_per_second": round(len(numbers) / fetch_seconds, 1),
        "rendered_pages": len(sample),
        "rendered_seconds": round(render_seconds, 3),
        "rendered_pages_per_second": round(len(sample) / render_seconds, 1),
    }


def _end_to_end(server: PolicySiteServer, per_host: int) -> dict[str, object]:
    """The families through the engine, every file read; findings by indicator and the coverage note."""
    settings = Settings(max_detail_pages_per_column=server.count, max_list_pages=server.count // 100 + 2,
                        fetch_per_host=per_host, site_timeout_seconds=3600, max_columns=5)
    site = Site(name="基准市人民政府", unit="基准市人民政府", url=server.base_url + "/")
    suite = Suite(suite="基准", as_of=AS_OF, settings=settings, sites=[site])
    families = (AvailabilityCheck(), ColumnsCheck(), PublishingCheck())
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        result = run_suite(suite, RunOptions(Path(out), families=families))
        seconds = time.perf_counter() - started
    found = Counter(f.indicator for f in result.sites[0].findings if f.indicator.startswith("policy."))
    note = next((c.note for c in result.sites[0].checks if c.check == "publishing"), "")
    return {"seconds": round(seconds, 2), "findings": dict(found), "note": note,
            "expected": {"policy.no_doc_number": server.count // 10, "policy.expired_unmarked": server.count // 25}}


def run(files: int, render_sample: int, per_host: int, end_to_end: bool = True) -> dict[str, object]:
    """Serve the generated site, measure, and return the report (also what the smoke test checks)."""
    with PolicySiteServer(files) as server:
        reads = asyncio.run(_reads(server.detail_urls(), render_sample, per_host))
        report: dict[str, object] = {"files": files, "per_host": per_host, **reads}
        report["speedup_fetched_vs_rendered"] = round(
            reads["fetched_pages_per_second"] / reads["rendered_pages_per_second"], 1)
        if end_to_end:
            report["end_to_end"] = _end_to_end(server, per_host)
    return report


def main(argv: list[str] | None = None) -> dict[str, object]:
    """Command line: run the benchmark and print the report as JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=2000, help="number of generated policy files")
    parser.add_argument("--render-sample", type=int, default=200, help="file pages rendered for the baseline")
    parser.add_argument("--per-host", type=int, default=8, help="fetches in flight per host")
    parser.add_argument("--no-end-to-end", action="store_true", help="skip the run through the engine")
    args = parser.parse_args(argv)
    report = run(args.files, min(args.render_sample, args.files), args.per_host, not args.no_end_to_end)
    json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return report


if __name__ == "__main__":
    main()
