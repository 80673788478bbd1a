"""The site walk's two reads side by side: ``hybrid`` (static pages read from their HTML, the rest rendered) against
``browser`` (every page rendered), on the same sites in the same run.

Sites: the bundled demo's six sites (four templates, one of them script-built, one site unreachable), the
柘城县 mirror in ``../shared/corpus/testHtml`` (when present) and one site of each generated benchmark template
(``benchmarks/suite_site.py``: modern div layout, GB18030 table layout, script-built). Each site is walked
``--rounds`` times per read, alternating the order, in a fresh browser each time; reported per site: the
median wall time of each read and their ratio, pages mapped, pages rendered by the hybrid read, and whether the
two maps agree page by page (role, name and the list entries the checks read).

Run by hand: ``python -m benchmarks.bench_walk [--rounds 3]``; figures go to ``benchmarks/out/bench_walk.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path
from statistics import median
from typing import Any

from playwright.async_api import async_playwright

from benchmarks.suite_site import SuiteServer
from checker.browser import launch_browser
from checker.demo.fault_run import demo_suite_at
from checker.demo.server import DemoServer
from checker.scenario import SiteMapSettings
from checker.sitemap.columns import list_items
from checker.sitemap.model import SiteMap
from checker.sitemap.settling import SETTLE_SCRIPT
from checker.sitemap.walk import SiteWalker

OUT = Path(__file__).resolve().parent / "out" / "bench_walk.json"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "testHtml"
CORPUS_ENTRIES = ("hdjl/index.html", "xxgk/xxgkml/index.html", "xxgk/zdly/index.html")


async def walk(start: str, scope: str, read: str, as_of: date, extra: list[str]) -> tuple[SiteMap, float]:
    """One walk of a site in a fresh browser; the map and its wall seconds (the browser's start not counted)."""
    async with async_playwright() as playwright:
        browser = await launch_browser(playwright)
        try:
            context = await browser.new_context()
            await context.add_init_script(SETTLE_SCRIPT)
            walker = SiteWalker(context, start, scope, SiteMapSettings(read=read), as_of=as_of,
                                page_timeout_seconds=15, max_list_pages=5,
                                extra_urls=[(url.rsplit("/", 2)[-2], url) for url in extra])
            began = time.monotonic()
            site_map = await walker.walk()
            return site_map, time.monotonic() - began
        finally:
            await browser.close()


def seen(site_map: SiteMap, as_of: date) -> dict[str, tuple[str, str, tuple[str, ...], str]]:
    """Per page what the checks read: role, name, list entries and read state."""
    return {url: (page.role.value, page.name, tuple(item.title for item in list_items([page], as_of)),
                  page.read_state.value) for url, page in site_map.pages.items()}


@contextmanager
def sites() -> Iterator[list[dict[str, Any]]]:
    """Every site to walk, served for the duration: name, start, scope, as_of, extra entry URLs."""
    with ExitStack() as stack:
        found: list[dict[str, Any]] = []
        demo = stack.enter_context(DemoServer(port=0))
        suite = demo_suite_at(demo.base_url)
        found += [{"name": f"demo {site.name}", "start": site.url, "scope": site.url, "as_of": suite.as_of,
                   "extra": []} for site in suite.sites]
        if CORPUS.is_dir():
            from tests.corpus_server import serve_folder

            base = stack.enter_context(serve_folder(CORPUS))
            found.append({"name": "corpus 柘城县 mirror", "start": base + "xxgk/index.html", "scope": base,
                          "as_of": date(2023, 10, 11), "extra": [base + path for path in CORPUS_ENTRIES]})
        server = SuiteServer(3, 150, log=Path("/tmp/bench-walk-suite.log"))
        generated = stack.enter_context(server)
        found += [{"name": f"generated {site.template}", "start": server.base + site.prefix,
                   "scope": server.base + site.prefix, "as_of": date(2020, 11, 6), "extra": []}
                  for site in generated.sites]
        yield found


def run(rounds: int) -> dict[str, Any]:
    """Walk every site ``rounds`` times with each read; the per-site figures."""
    report: list[dict[str, Any]] = []
    with sites() as every:
        for site in every:
            times: dict[str, list[float]] = {"hybrid": [], "browser": []}
            maps: dict[str, SiteMap] = {}
            for number in range(rounds):
                for read in (("hybrid", "browser") if number % 2 == 0 else ("browser", "hybrid")):
                    site_map, seconds = asyncio.run(walk(site["start"], site["scope"], read, site["as_of"],
                                                         site["extra"]))
                    times[read].append(seconds)
                    maps[read] = site_map
            hybrid, browser = (median(times[read]) for read in ("hybrid", "browser"))
            differing = sorted(url for url in set(seen(maps["hybrid"], site["as_of"]))
                               | set(seen(maps["browser"], site["as_of"]))
                               if seen(maps["hybrid"], site["as_of"]).get(url)
                               != seen(maps["browser"], site["as_of"]).get(url))
            report.append({
                "site": site["name"], "pages": len(maps["hybrid"].pages),
                "rendered_by_hybrid": sum(1 for page in maps["hybrid"].pages.values() if page.how == "rendered"),
                "hybrid_seconds": round(hybrid, 2), "browser_seconds": round(browser, 2),
                "browser_to_hybrid": round(browser / hybrid, 2) if hybrid else None,
                "rounds": {read: [round(value, 2) for value in values] for read, values in times.items()},
                "maps_agree": not differing, "differing_pages": differing[:20],
            })
            print(f"{site['name']}: hybrid {hybrid:.2f} s, browser {browser:.2f} s, "
                  f"{len(maps['hybrid'].pages)} pages, maps agree: {not differing}", flush=True)
    return {"rounds": rounds, "sites": report}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Command line: run, print a table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    report = run(parser.parse_args(argv).rounds)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    print(f"\n{'site':<34}{'pages':>6}{'rendered':>9}{'hybrid s':>10}{'browser s':>11}{'ratio':>7}  maps")
    for row in report["sites"]:
        agree = "same" if row["maps_agree"] else "DIFFER"
        print(f"{row['site']:<34}{row['pages']:>6}{row['rendered_by_hybrid']:>9}{row['hybrid_seconds']:>10}"
              f"{row['browser_seconds']:>11}{row['browser_to_hybrid']!s:>7}  {agree}")
    print(f"\nfigures written to {OUT}")
    return report


if __name__ == "__main__":
    main()
