"""Whole-suite benchmark (issue #14, deliverable 3): a generated suite of N sites run from scenario to report.

For each size (``--sizes``, default 5, 10, 20 sites of about ``--pages`` HTML pages each, three templates in
rotation, seeded problems; see benchmarks/suite_site.py) one server process serves the suite, a scenario YAML
is written (as_of/window so the seeded dates judge as intended, links to anything not on 127.0.0.1 excluded,
no politeness interval) and ``python -m checker run SUITE --out DIR --as-of DATE`` runs as a subprocess,
measured with benchmarks/proctree.py (wall time, CPU seconds and peak PSS of the whole process tree, Chromium
included), env ``GOVCHECK_LOOPBACK_ONLY=1``. Reported per size:

- wall time and CPU seconds, in total and per site (the per-site figures show whether cost is linear);
- pages fetched (GETs of HTML pages in the server's log), distinct, fetched more than once, HEAD requests;
- pages rendered: ``pages_rendered`` where the run's results.json records it (the hybrid mode), else the
  pages the site-map walk opened (its coverage note ``打开页面N个``), every one of which the walk renders;
- screenshots taken (image files under the output folder);
- the seeded problems found (share, and which are missed) and the false findings (reported, neither seeded
  nor expected by construction, such as 未使用HTTPS on these plain-HTTP sites);
- per-family cost, when the run's output records family timings (it does not yet: said so in the report).

The FLOOR, measured in the same run right after the biggest size: (i) every HTML page that run fetched,
fetched once with aiohttp (sites at once × ``settings.fetch_per_host`` at a time, the sites being what the runs
check at once: ``Settings.sites_at_once``), and (ii) rendered once in Chromium (the runs' browser, the flags of
checker/browser.py, sites at once × ``site_map.tabs`` tabs,
settled: no request or short timer pending and the DOM quiet for ``quiet_ms``) each page that needs scripts
(``checker.links.render_need.render_reasons(html, url)`` when that module exists, else the pages of the
script template) or that the run photographed as evidence (one full-page screenshot per page screenshot of
the run). The suite's time is reported as a multiple of that floor (the two parts added).

Run by hand: ``python -m benchmarks.bench_suite [--sizes 5,10,20]``; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import yaml

from benchmarks.proctree import Measured, run_measured
from benchmarks.suite_site import AS_OF, WINDOW, Suite, SuiteServer, SuiteSite

if TYPE_CHECKING:
    from checker.browser import BrowserChoice

REPO = Path(__file__).resolve().parents[1]
OUT = Path(__file__).resolve().parent / "out" / "bench_suite.json"
MIB = 1 << 20
NOT_PAGES = (".css", ".js", ".png", ".jpg", ".jpeg", ".gif", ".ico", ".docx", ".pdf", ".json", ".xls", ".zip")
NOT_PAGE_PARTS = ("/static/", "/images/", "/uploads/", "/api/", "/search/")
IMAGES = (".png", ".jpg", ".jpeg", ".webp")
EXCLUDE_OFF_SERVER = r"^https?://(?!127\.0\.0\.1[:/]|localhost[:/])"
OPENED = re.compile(r"打开页面(\d+)个")
RENDERED = re.compile(r"渲染(?:页面)?(\d+)个")
SETTLE_JS = """(() => {
  const s = {pending: 0, timers: new Set(), last: performance.now()};
  window.__floorSettle = s;
  const touch = () => { s.last = performance.now(); };
  const nativeFetch = window.fetch;
  window.fetch = function (...args) {
    s.pending++;
    return nativeFetch.apply(this, args).finally(() => { s.pending--; touch(); });
  };
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {
    s.pending++;
    this.addEventListener('loadend', () => { s.pending--; touch(); });
    return send.apply(this, args);
  };
  const later = window.setTimeout, cancel = window.clearTimeout;
  window.setTimeout = function (fn, ms, ...rest) {
    if ((ms || 0) > 1000) return later(fn, ms, ...rest);
    const id = later(() => { s.timers.delete(id); try { typeof fn === 'function' ? fn(...rest) : eval(fn); }
                             finally { touch(); } }, ms);
    s.timers.add(id);
    return id;
  };
  window.clearTimeout = function (id) { s.timers.delete(id); return cancel(id); };
  new MutationObserver(touch).observe(document, {subtree: true, childList: true, attributes: true,
                                                 characterData: true});
})();"""
SETTLED_JS = """(quiet) => { const s = window.__floorSettle;
  return !s || (s.pending <= 0 && s.timers.size === 0 && performance.now() - s.last >= quiet); }"""
BLOCKED = re.compile(r"\.(png|jpe?g|gif|webp|bmp|ico|svg|woff2?|ttf|otf|eot|mp3|mp4)(\?.*)?$", re.IGNORECASE)
PAGE_SIZE_JS = "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]"


# -- scenario and run --------------------------------------------------------------------------------

def write_scenario(suite: Suite, base: str, count: int, target: Path, concurrency: int | None = None) -> Path:
    """The scenario of the suite's first ``count`` sites on ``base`` (``http://127.0.0.1:PORT``)."""
    settings: dict[str, Any] = {"links": {"exclude": [EXCLUDE_OFF_SERVER], "min_interval_seconds": 0},
                                "min_request_interval_seconds": 0}
    if concurrency:
        settings["concurrency"] = concurrency
    data = {"suite": f"整套抽查基准（{count}个网站）", "as_of": AS_OF.isoformat(),
            "window": {"start": WINDOW[0].isoformat(), "end": WINDOW[1].isoformat()}, "settings": settings,
            "sites": [{"name": site.name, "unit": site.unit, "kind": "department", "url": base + site.prefix,
                       "scope": base + site.prefix, "code": site.code} for site in suite.sites[:count]]}
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def is_page(method: str, target: str) -> bool:
    """Whether a logged request is a GET of an HTML page (not an image, attachment, JSON or search)."""
    path = urlsplit(target).path
    return method == "GET" and not any(part in path for part in NOT_PAGE_PARTS) and \
        not path.lower().endswith(NOT_PAGES)


def request_figures(requests: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Pages fetched, distinct pages, pages fetched more than once (the top 20 with counts), HEADs, others."""
    pages: Counter[str] = Counter(target for method, target in requests if is_page(method, target))
    methods = Counter(method for method, _ in requests)
    return {"requests": len(requests), "pages_fetched": sum(pages.values()), "distinct_pages": len(pages),
            "pages_fetched_more_than_once": sum(1 for n in pages.values() if n > 1),
            "head_requests": methods["HEAD"], "post_requests": methods["POST"],
            "fetched_most": {target: n for target, n in pages.most_common(20) if n > 1}}


def _values(data: Any, key: str) -> list[Any]:
    """Every value of ``key`` anywhere in a JSON document."""
    if isinstance(data, dict):
        return [v for k, v in data.items() if k == key] + [x for v in data.values() for x in _values(v, key)]
    if isinstance(data, list):
        return [x for item in data for x in _values(item, key)]
    return []


def render_figures(results: dict[str, Any]) -> dict[str, Any]:
    """Pages the walk opened and rendered, from results.json: ``pages_rendered`` / ``render_reasons`` where
    recorded, else the site-map coverage notes (``打开页面N个``: the walk renders every page it opens)."""
    opened = rendered_in_notes = 0
    for site in results.get("sites", []):
        for check in site.get("checks", []):
            if check.get("check") == "sitemap":
                found = OPENED.search(check.get("note", ""))
                opened += int(found.group(1)) if found else 0
                found = RENDERED.search(check.get("note", ""))
                rendered_in_notes += int(found.group(1)) if found else 0
    recorded = [v for v in _values(results, "pages_rendered") if isinstance(v, int)]
    reasons: Counter[str] = Counter()
    for value in _values(results, "render_reasons"):
        if isinstance(value, dict):
            reasons.update({str(k): int(v) for k, v in value.items() if isinstance(v, int)})
    if recorded:
        rendered, source = sum(recorded), "results.json pages_rendered"
    elif rendered_in_notes:
        rendered, source = rendered_in_notes, "site-map notes 渲染N个"
    else:
        rendered, source = opened, "site-map notes 打开页面N个 (the walk renders every page it opens)"
    return {"pages_opened_by_walk": opened, "pages_rendered": rendered, "pages_rendered_source": source,
            "render_reasons": dict(reasons)}


def family_timings(results: dict[str, Any]) -> dict[str, float] | None:
    """Seconds per check family summed over the sites, when results.json records them (``checks[].seconds``
    or ``elapsed_seconds``); None when nothing records them."""
    totals: Counter[str] = Counter()
    for site in results.get("sites", []):
        for check in site.get("checks", []):
            for key in ("seconds", "elapsed_seconds", "duration_seconds"):
                if isinstance(check.get(key), int | float):
                    totals[check["check"]] += float(check[key])
    return {name: round(value, 2) for name, value in totals.most_common()} if totals else None


def screenshots(out: Path) -> int:
    """Image files under the run's output folder."""
    return sum(1 for path in out.rglob("*") if path.suffix.lower() in IMAGES and path.is_file())


def _comparable(target: str) -> str:
    """URL targets by path (the port changes between runs), other targets as they are."""
    return urlsplit(target).path if target.startswith(("http://", "https://")) else target


def finding_figures(results: dict[str, Any], sites: Sequence[SuiteSite]) -> dict[str, Any]:
    """The seeded problems found, missed (site, indicator, target) and the false findings, per site and in all."""
    by_name = {site.name: site for site in sites}
    per_site, missed, false = [], [], []
    seeded_total = found_total = 0
    for result in results.get("sites", []):
        site = by_name.get(result["name"])
        if site is None:
            continue
        reported = {(f["indicator"], _comparable(f["target"])) for f in result.get("findings", [])}
        seeded = {(s.indicator, _comparable(s.target)) for s in site.seeded}
        expected = {(s.indicator, _comparable(s.target)) for s in site.expected}
        lost = sorted(seeded - reported)
        extra = sorted(reported - seeded - expected)
        seeded_total += len(seeded)
        found_total += len(seeded & reported)
        missed += [f"{site.name} {ind} {target}" for ind, target in lost]
        false += [f"{site.name} {ind} {target}" for ind, target in extra]
        per_site.append({"name": site.name, "template": site.template, "seeded": len(seeded),
                         "found": len(seeded & reported), "false": len(extra), "verdict": result.get("verdict")})
    return {"seeded": seeded_total, "found": found_total,
            "share_found": round(found_total / seeded_total, 3) if seeded_total else None,
            "missed": missed, "false_findings": false, "sites": per_site}


def evidence_pages(results: dict[str, Any]) -> list[str]:
    """The page URL of every whole-page screenshot the run took as evidence (one render each)."""
    urls = []
    for site in results.get("sites", []):
        items = [*site.get("findings", []), *site.get("checks", [])]
        items += [u for c in site.get("checks", []) for u in c.get("unverified", []) or []]
        for item in items:
            for evidence in item.get("evidence", []) or []:
                if evidence.get("role") == "page" and evidence.get("url"):
                    urls.append(evidence["url"])
    return urls


def run_size(server: SuiteServer, suite: Suite, count: int, work: Path, *, concurrency: int | None,
             browser_path: str | None, timeout: float) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """One measured suite run of ``count`` sites: its figures, its results.json and the HTML pages it fetched."""
    scenario = write_scenario(suite, server.base, count, work / f"suite-{count}.yaml", concurrency)
    out = work / f"out-{count}"
    command = ["env", "GOVCHECK_LOOPBACK_ONLY=1", sys.executable, "-m", "checker", "run", str(scenario), "--out",
               str(out), "--as-of", AS_OF.isoformat(), *(["--browser-path", browser_path] if browser_path else [])]
    mark, load = server.mark(), os.getloadavg()
    measured: Measured = run_measured(command, cwd=REPO, timeout=timeout)
    requests = server.requests(mark)
    if not (out / "results.json").exists():
        raise RuntimeError(f"the run of {count} sites wrote no results.json (exit {measured.returncode}): "
                           f"{measured.stderr[-3000:]}")
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    cpu = sum(measured.cpu_seconds.values())
    figures = {
        "sites": count, "exit_code": measured.returncode, "wall_seconds": round(measured.wall_seconds, 2),
        "wall_seconds_per_site": round(measured.wall_seconds / count, 2), "cpu_seconds": round(cpu, 1),
        "cpu_seconds_per_site": round(cpu / count, 2), "cpu_seconds_by_process": measured.cpu_seconds,
        "peak_pss_mib": round(measured.peak_pss_bytes / MIB, 1),
        "peak_pss_mib_by_process": measured.peak_pss_mib_by_process, "load_average_before": load,
        "pages_served": len(suite.html_pages(None)) if count == len(suite.sites) else
        sum(len(suite.html_pages(site)) for site in suite.sites[:count]),
        **request_figures(requests), **render_figures(results), "screenshots": screenshots(out),
        "evidence_page_screenshots": len(evidence_pages(results)),
        "findings": finding_figures(results, suite.sites[:count]), "family_seconds": family_timings(results),
    }
    pages = sorted({server.base + target for method, target in requests if is_page(method, target)})
    return figures, results, pages


# -- floor -------------------------------------------------------------------------------------------

def _decode(body: bytes, content_type: str) -> str:
    charset = (content_type.split("charset=", 1)[1].split(";")[0].strip().lower() if "charset=" in content_type
               else "utf-8")
    return body.decode("gb18030" if charset in ("gb2312", "gbk", "gb18030") else charset, errors="replace")


def _needs_rendering(suite: Suite) -> tuple[Any, Any, str]:
    """``(html, url, scripts) -> bool`` and ``(html, url) -> [script address]``: the lead's
    ``render_reasons`` / ``script_sources`` when they exist, else "a page of the script template"; and the name
    of the rule used."""
    try:
        from checker.links import render_need  # type: ignore[attr-defined, unused-ignore]
    except ImportError:
        scripted = tuple(site.prefix for site in suite.sites if site.template == "script")
        return ((lambda _html, url, _scripts: urlsplit(url).path.startswith(scripted)), (lambda _html, _url: []),
                "pages of the script template")
    sources = getattr(render_need, "script_sources", lambda _html, _url: [])
    return ((lambda html, url, scripts: bool(render_need.render_reasons(html, url, scripts))), sources,
            "checker.links.render_need.render_reasons")


async def _fetch_all(urls: Sequence[str], concurrency: int) -> dict[str, str]:
    """Every URL fetched once with aiohttp, ``concurrency`` at a time: url -> decoded HTML."""
    import aiohttp

    pages: dict[str, str] = {}
    queue: asyncio.Queue[str] = asyncio.Queue()
    for url in urls:
        queue.put_nowait(url)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def worker() -> None:
            while not queue.empty():
                url = queue.get_nowait()
                async with session.get(url) as response:
                    pages[url] = _decode(await response.read(), response.headers.get("Content-Type", ""))
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return pages


async def _render_all(jobs: Sequence[tuple[str, int]], tabs: int, browser_path: str | None, quiet_ms: int,
                      settle_seconds: float, shots: Path) -> None:
    """Render every (url, screenshots) job once in ``tabs`` tabs, settled; take the full-page screenshots.
    ``browser_path``: None for the browser govcheck itself chooses, so the floor and the suite use one build."""
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import Route, async_playwright

    from checker.browser import launch_browser
    from checker.capture import capture_png

    queue: asyncio.Queue[tuple[str, int]] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)

    async def block(route: Route) -> None:
        await route.abort()

    async with async_playwright() as playwright:
        browser = await launch_browser(playwright, browser_path)
        context = await browser.new_context(viewport={"width": 1366, "height": 900})
        await context.add_init_script(SETTLE_JS)
        counter = 0

        async def worker() -> None:
            nonlocal counter
            page = await context.new_page()
            while not queue.empty():
                url, photos = queue.get_nowait()
                if photos:
                    await page.unroute(BLOCKED)
                else:
                    await page.route(BLOCKED, block)
                await page.goto(url, wait_until="load")
                with contextlib.suppress(PlaywrightError):  # an unsettled page is read as it is, like the walk
                    await page.wait_for_function(SETTLED_JS, arg=quiet_ms, polling="raf",
                                                 timeout=settle_seconds * 1000)
                await page.content()
                for _ in range(photos):  # encoded as cheaply as the suite's own evidence shots
                    counter += 1
                    width, height = await page.evaluate(PAGE_SIZE_JS)
                    clip = {"x": 0, "y": 0, "width": width, "height": height}
                    (shots / f"{counter}.png").write_bytes(await capture_png(page, clip, 30))
            await page.close()

        await asyncio.gather(*(worker() for _ in range(tabs)))
        await browser.close()


def measure_floor(suite: Suite, pages: Sequence[str], evidence: Sequence[str], *, fetch_concurrency: int,
                  tabs: int, browser_path: str | None, quiet_ms: int = 60, settle_seconds: float = 4) -> dict[str, Any]:
    """The floor of the same work: each page fetched once, then the pages that need scripts or evidence
    rendered once (a screenshot per evidence screenshot)."""
    needs, sources, rule = _needs_rendering(suite)
    started = time.perf_counter()
    html = asyncio.run(_fetch_all(pages, fetch_concurrency))
    addresses = sorted({address for url, text in html.items() for address in sources(text, url)})
    scripts: dict[str, str | None] = dict(asyncio.run(_fetch_all(addresses, fetch_concurrency)))
    fetch_seconds = time.perf_counter() - started
    scripted = [url for url, text in html.items() if needs(text, url, scripts)]
    photos = Counter(evidence)
    jobs = [(url, photos.get(url, 0)) for url in sorted(set(scripted) | set(photos))]
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        asyncio.run(_render_all(jobs, tabs, browser_path, quiet_ms, settle_seconds, Path(folder)))
        render_seconds = time.perf_counter() - started
    return {"pages_fetched": len(html), "scripts_fetched": len(scripts), "fetch_seconds": round(fetch_seconds, 2),
            "fetch_concurrency": fetch_concurrency, "render_rule": rule, "pages_needing_scripts": len(scripted),
            "evidence_screenshots": len(evidence), "pages_rendered": len(jobs), "tabs": tabs,
            "render_seconds": round(render_seconds, 2), "floor_seconds": round(fetch_seconds + render_seconds, 2)}


# -- the benchmark -----------------------------------------------------------------------------------

def _machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.machine())
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                            check=False).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "checker"], cwd=REPO, capture_output=True,
                           text=True, check=False).stdout.splitlines()
    return {"commit": commit, "uncommitted_checker": dirty, "python": platform.python_version(), "cpu": cpu,
            "cores": os.cpu_count()}


def _choice(path: str | None) -> BrowserChoice:
    """Which Chromium a run with ``--browser-path path`` launches."""
    from checker.browser import _bundled_chromium_path, choose_browser

    return choose_browser(path, _bundled_chromium_path())


def _browser(path: str | None) -> str:
    """Which Chromium a run with ``--browser-path path`` launches, as govcheck describes it."""
    choice = _choice(path)
    return f"{choice.describe()}（{choice.build}）"


def run(sizes: Sequence[int] = (5, 10, 20), pages: int = 250, seed: int = 2026, *, concurrency: int | None = None,
        browser_path: str | None = None, floor_browser: str | None = None, floor: bool = True,
        timeout: float = 7200, keep: Path | None = None) -> dict[str, Any]:
    """Every measurement: one run per size (smallest first), then the floor of the biggest one's work."""
    from checker.scenario import Settings

    sizes = sorted(set(sizes))
    floor_browser = floor_browser or browser_path  # the floor renders with what the suite runs use
    settings = Settings(**({"concurrency": concurrency} if concurrency else {}))
    at_once = settings.sites_at_once(full_build=not _choice(browser_path).shell)  # what the suite runs use
    report: dict[str, Any] = {"as_of": AS_OF.isoformat(), "pages_per_site": pages, "seed": seed,
                              "concurrency": at_once, "tabs_per_site": settings.site_map.tabs,
                              "machine": _machine(), "browser": _browser(browser_path),
                              "floor_browser": _browser(floor_browser),
                              "load_average_before": os.getloadavg(), "runs": []}
    work = Path(tempfile.mkdtemp(prefix="bench-suite-"))
    try:
        server = SuiteServer(max(sizes), pages, seed, work / "requests.log")
        with server as suite:
            report["server"] = server.base
            last: tuple[dict[str, Any], dict[str, Any], list[str]] | None = None
            for count in sizes:
                last = run_size(server, suite, count, work, concurrency=concurrency, browser_path=browser_path,
                                timeout=timeout)
                report["runs"].append(last[0])
                sys.stderr.write(f"{count} sites: {last[0]['wall_seconds']} s, {last[0]['pages_fetched']} pages, "
                                 f"seeded found {last[0]['findings']['found']}/{last[0]['findings']['seeded']}\n")
            if floor and last is not None:
                figures, results, fetched = last
                report["floor"] = measure_floor(
                    suite, fetched, evidence_pages(results),
                    fetch_concurrency=at_once * settings.fetch_per_host,
                    tabs=at_once * settings.site_map.tabs, browser_path=floor_browser,
                    quiet_ms=settings.site_map.quiet_ms, settle_seconds=settings.site_map.settle_seconds)
                report["floor"]["sites"] = figures["sites"]
                report["floor"]["suite_to_floor"] = round(
                    figures["wall_seconds"] / report["floor"]["floor_seconds"], 2)
    finally:
        if keep:
            shutil.copytree(work, keep, dirs_exist_ok=True)
        shutil.rmtree(work, ignore_errors=True)
    per_site = [r["wall_seconds_per_site"] for r in report["runs"]]
    report["linearity"] = {"wall_seconds_per_site": {r["sites"]: r["wall_seconds_per_site"] for r in report["runs"]},
                           "biggest_to_smallest_per_site": round(per_site[-1] / per_site[0], 2) if per_site else None}
    report["load_average_after"] = os.getloadavg()
    return report


def table(report: dict[str, Any]) -> str:
    """The report as a plain-text table."""
    machine = report["machine"]
    lines = [f"govcheck {machine['commit']}{' (uncommitted checker changes)' if machine['uncommitted_checker'] else ''}"
             f"; {machine['cores']} cores; browser {report.get('browser', '?')}"
             f"; concurrency {report['concurrency']} sites x {report['tabs_per_site']} tabs;"
             f" ~{report['pages_per_site']} pages/site; load before "
             + " ".join(f"{x:.1f}" for x in report["load_average_before"]),
             "", f"{'sites':>5} {'wall s':>8} {'s/site':>7} {'CPU s':>7} {'CPU/site':>8} {'PSS MiB':>8} "
             f"{'fetched':>8} {'>1':>5} {'HEAD':>6} {'rendered':>8} {'shots':>6} {'found':>9} {'false':>5}"]
    for r in report["runs"]:
        found = r["findings"]
        lines.append(f"{r['sites']:>5} {r['wall_seconds']:>8} {r['wall_seconds_per_site']:>7} {r['cpu_seconds']:>7} "
                     f"{r['cpu_seconds_per_site']:>8} {r['peak_pss_mib']:>8} {r['pages_fetched']:>8} "
                     f"{r['pages_fetched_more_than_once']:>5} {r['head_requests']:>6} {r['pages_rendered']:>8} "
                     f"{r['screenshots']:>6} {found['found']:>4}/{found['seeded']:<4} "
                     f"{len(found['false_findings']):>5}")
    for r in report["runs"]:
        if r["findings"]["missed"]:
            lines.append(f"  {r['sites']} sites, missed: " + "; ".join(r["findings"]["missed"]))
        if r["findings"]["false_findings"]:
            lines.append(f"  {r['sites']} sites, false: " + "; ".join(r["findings"]["false_findings"]))
        lines.append(f"  {r['sites']} sites, pages rendered from {r['pages_rendered_source']}; family timings: "
                     + (json.dumps(r["family_seconds"], ensure_ascii=False) if r["family_seconds"]
                        else "not recorded by the run"))
    if "floor" in report:
        f = report["floor"]
        lines += ["", f"floor ({f['sites']} sites): fetch {f['pages_fetched']} pages {f['fetch_seconds']} s "
                  f"({f['fetch_concurrency']} at a time) + render {f['pages_rendered']} pages "
                  f"({f['pages_needing_scripts']} need scripts by {f['render_rule']}, {f['evidence_screenshots']} "
                  f"evidence screenshots) {f['render_seconds']} s in {f['tabs']} tabs = {f['floor_seconds']} s; "
                  f"suite / floor = {f['suite_to_floor']}"]
    lines.append(f"wall seconds per site by size: {report['linearity']['wall_seconds_per_site']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Command line: run the benchmark, print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="5,10,20", help="suite sizes in sites, comma-separated")
    parser.add_argument("--pages", type=int, default=250, help="HTML pages per site (about)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--concurrency", type=int, default=None, help="settings.concurrency (default: the product's)")
    parser.add_argument("--browser-path", default=None, help="Chromium for the suite runs (default: govcheck's choice)")
    parser.add_argument("--floor-browser", default=None,
                        help="Chromium for the floor (default: the suite runs' --browser-path, else govcheck's choice)")
    parser.add_argument("--no-floor", action="store_true", help="skip the floor measurement")
    parser.add_argument("--timeout", type=float, default=7200, help="seconds before a run is killed")
    parser.add_argument("--keep", type=Path, default=None, help="copy the scenarios, outputs and request log here")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the JSON of the figures")
    args = parser.parse_args(argv)
    report = run([int(size) for size in args.sizes.split(",")], args.pages, args.seed,
                 concurrency=args.concurrency, browser_path=args.browser_path, floor_browser=args.floor_browser,
                 floor=not args.no_floor, timeout=args.timeout, keep=args.keep)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    sys.stdout.write(table(report) + f"\n\nfigures written to {args.out}\n")
    return report


if __name__ == "__main__":
    main()
