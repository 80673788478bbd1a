"""Benchmark of link checking (链接不可用) on a generated site of N pages (default 2,000, 5% of them script
pages whose lists, pagination and images are inserted by scripts), all on 127.0.0.1.

Measured in one run, so the ratios compare like with like on the same machine and load:

- politeness off: ``govcheck links`` in its three modes against LinkChecker on the same site:
  ``--mode hybrid`` (the default: HTML read over HTTP, only the pages that need scripts rendered),
  ``--mode fetch`` (no scripts run, as LinkChecker does) and ``--mode render`` (every page rendered in
  Chromium); unique links per second, wall time, peak memory of the process tree (Chromium children
  included), pages rendered, and the seeded failures each found, static and script-made counted apart.
  LinkChecker, hybrid and fetch run ``rounds`` times (ratios per round, median reported); render once;
- list checking: ``govcheck links --urls`` against lychee on the same URL list (every unique link of the
  site, script-made ones included), ``rounds`` times, median ratio of unique URLs per second;
- politeness on: ``govcheck links --urls`` on N same-host URLs with ``--min-interval S``, against the time
  the interval itself imposes (N × S);
- linearity: the govcheck crawl in each mode at several sizes (default 500, 1,000, 2,000 pages);
- peak memory of the largest crawl in each mode against 1 GiB.

Run by hand: ``python -m benchmarks.bench_links [--pages 2000] [--sizes 500,1000]``; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from http.client import HTTPConnection
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks.govcheck_run import GovcheckRun, Limits, check_list, crawl_site, modes_available
from benchmarks.link_site import LinkSite, LinkSiteServer
from benchmarks.linkchecker_run import ensure_linkchecker, linkchecker_version, run_linkchecker
from benchmarks.lychee_run import ensure_lychee, lychee_version, run_lychee
from benchmarks.proctree import Measured
from checker.browser import _bundled_chromium_path, choose_browser

MIB = 1 << 20
OUT = Path(__file__).resolve().parent / "out" / "bench_links.json"
MODES = ("hybrid", "fetch", "render")
ROUNDED = ("hybrid", "fetch", "fetch_retry_variant")
"""The govcheck runs repeated each round next to LinkChecker (render, minutes a run, runs once)."""
TARGETS = {"hybrid_vs_linkchecker": 2.0, "urls_vs_lychee": 0.5}


def server_rate(site: LinkSite, clients: int = 8, requests: int = 4000) -> float:
    """Requests per second the site's server answers to ``clients`` keep-alive clients (a floor: the
    clients are Python threads in this process)."""
    paths = sorted(urlsplit(u).path for u in site.static_unique_links
                   if u.startswith(site.base) and u not in site.slow)
    port = urlsplit(site.base).port

    def client(offset: int) -> None:
        connection = HTTPConnection("127.0.0.1", port, timeout=15)
        for n in range(offset, requests, clients):
            connection.request("GET", paths[n % len(paths)])
            connection.getresponse().read()
        connection.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    return round(requests / (time.perf_counter() - started), 1)


def _memory(measured: Measured) -> dict[str, Any]:
    return {"peak_pss_mib": round(measured.peak_pss_bytes / MIB, 1),
            "peak_rss_sum_mib": round(measured.peak_rss_bytes / MIB, 1), "peak_processes": measured.peak_processes,
            "peak_pss_mib_by_process": measured.peak_pss_mib_by_process, "cpu_seconds": measured.cpu_seconds}


def found_failures(failing: set[str] | frozenset[str], site: LinkSite) -> dict[str, Any]:
    """Which seeded failures a checker reported: all, static and script-made apart, and its false reports."""
    return {"seeded_failures_found": len(failing & site.failing), "seeded_failures": len(site.failing),
            "static_failures_found": len(failing & site.failing_static), "static_failures": len(site.failing_static),
            "script_failures_found": len(failing & site.failing_script), "script_failures": len(site.failing_script),
            "missed_failures": sorted(site.failing - failing), "false_failures": sorted(failing - site.failing)}


def _govcheck_figures(run: GovcheckRun, site: LinkSite) -> dict[str, Any]:
    wall = run.measured.wall_seconds
    unique = int(run.summary["unique_links"])  # type: ignore[call-overload]
    elapsed = float(run.summary["elapsed_seconds"])  # type: ignore[arg-type]
    return {"wall_seconds": round(wall, 2), "elapsed_seconds_in_json": elapsed,
            "outside_check_seconds": round(wall - elapsed, 2),
            "pages": run.summary["pages"], "pages_rendered": run.summary.get("pages_rendered", "-"),
            "render_reasons": run.summary.get("render_reasons", {}), "links_found": run.summary["links_found"],
            "unique_links": unique, "unique_links_per_second": round(unique / wall, 1),
            "by_status": run.summary["by_status"], **found_failures(run.failing, site), **_memory(run.measured)}


def _linkchecker_figures(exe: Path, site: LinkSite, threads: int, timeout: int) -> dict[str, Any]:
    measured, counted = run_linkchecker(exe, site.base + "/", threads, timeout)
    return {"version": linkchecker_version(exe), "threads": threads, "wall_seconds": round(measured.wall_seconds, 2),
            "rows": counted["rows"], "unique_links": counted["unique_links"], "pages": "-", "pages_rendered": 0,
            "unique_links_per_second": round(int(counted["unique_links"]) / measured.wall_seconds, 1),  # type: ignore[call-overload]
            **found_failures(set(counted["invalid"]), site), **_memory(measured)}  # type: ignore[call-overload]


def _median_round(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The round with the median wall time (the figures of one real run, not a blend), with all rounds' walls."""
    ordered = sorted(rounds, key=lambda figures: figures["wall_seconds"])
    return {**ordered[(len(ordered) - 1) // 2], "rounds_wall_seconds": [r["wall_seconds"] for r in rounds]}


def ratio_by_round(mine: list[dict[str, Any]], theirs: list[dict[str, Any]], target: float | None = None,
                   key: str = "unique_links_per_second") -> dict[str, Any]:
    """Each round's ratio ``mine / theirs`` of ``key`` (both runs of the same round), and their median; with a
    target, whether the median meets it."""
    per_round = [round(a[key] / b[key], 2) for a, b in zip(mine, theirs, strict=True)]
    figures: dict[str, Any] = {"links_per_second": sorted(per_round)[(len(per_round) - 1) // 2],
                               "links_per_second_by_round": per_round}
    if target is not None:
        figures |= {"target": target, "met": figures["links_per_second"] >= target}
    return figures


def _politeness_off(site: LinkSite, limits: Limits, threads: int, with_linkchecker: bool, rounds: int,
                    retry_pause_variant: float, modes: tuple[str, ...] = MODES) -> dict[str, Any]:
    """govcheck in each mode against LinkChecker on the whole site, politeness off for all.

    Each round runs LinkChecker, then hybrid, fetch and a fetch with ``--retry-pause retry_pause_variant``
    (instead of the default 2 s, to show what that pause costs), one after the other; each round's ratio is
    taken from that round's runs and the median ratio is reported, since the machine's load shifts the
    absolute times between rounds. The render mode (every page in Chromium, minutes per run) runs once.
    ``modes`` are the modes the CLI accepts (hybrid is skipped before it exists).
    """
    figures: dict[str, Any] = {}
    exe = ensure_linkchecker() if with_linkchecker else None
    ours: dict[str, list[dict[str, Any]]] = {name: [] for name in (*ROUNDED, "linkchecker")}
    variants = {"hybrid": replace(limits, mode="hybrid"), "fetch": replace(limits, mode="fetch"),
                "fetch_retry_variant": replace(limits, mode="fetch", retry_pause=retry_pause_variant)}
    variants = {name: variant for name, variant in variants.items() if variant.mode in modes}
    for _ in range(rounds):
        if exe is not None:
            ours["linkchecker"].append(_linkchecker_figures(exe, site, threads, int(limits.timeout)))
        for name, variant in variants.items():
            ours[name].append(_govcheck_figures(crawl_site(site.base + "/", site.max_depth + 2, variant), site))
    for name in variants:
        figures[f"govcheck_{name}"] = _median_round(ours[name])
    if "govcheck_fetch_retry_variant" in figures:
        figures["govcheck_fetch_retry_variant"]["retry_pause_seconds"] = retry_pause_variant
    if "render" in modes:
        run = crawl_site(site.base + "/", site.max_depth + 2, replace(limits, mode="render"))
        figures["govcheck_render"] = _govcheck_figures(run, site)
    if exe is None:
        return figures
    figures["linkchecker"] = theirs = _median_round(ours["linkchecker"])
    for name in variants:
        target = TARGETS["hybrid_vs_linkchecker"] if name == "hybrid" else None
        figures[f"ratio_{name}"] = {**ratio_by_round(ours[name], ours["linkchecker"], target),
                                    "wall_time": round(figures[f"govcheck_{name}"]["wall_seconds"]
                                                       / theirs["wall_seconds"], 2)}
    if "govcheck_render" in figures:
        render = figures["govcheck_render"]
        figures["ratio_render"] = {
            "links_per_second": round(render["unique_links_per_second"] / theirs["unique_links_per_second"], 2),
            "wall_time": round(render["wall_seconds"] / theirs["wall_seconds"], 2)}
    return figures


def _list_figures(measured: Measured, unique: int, failing: set[str], site: LinkSite) -> dict[str, Any]:
    return {"wall_seconds": round(measured.wall_seconds, 2), "unique_links": unique,
            "unique_links_per_second": round(unique / measured.wall_seconds, 1),
            **found_failures(failing, site), **_memory(measured)}


def _list_checking(site: LinkSite, limits: Limits, rounds: int) -> dict[str, Any]:
    """``govcheck links --urls`` against lychee on the same list: every unique link of the site (script-made
    ones included; a list check does not crawl, so both see them all). Each round runs lychee, then govcheck;
    the median of the per-round ratios of unique URLs per second is reported (the target's figure).

    lychee does not retry a 5xx answer (only network errors and timeouts), while govcheck re-tests each one
    after a pause; so each round also runs both on the list without the 5xx URLs, the same work on each side.
    """
    urls = sorted(site.unique_links)
    lists = {"all": urls, "without_5xx": [url for url in urls if url not in site.server_errors]}
    try:
        exe = ensure_lychee()
    except (OSError, subprocess.CalledProcessError) as error:
        return {"urls": len(urls), "skipped": f"lychee could not be installed or run: {error}"}
    ours: dict[str, list[dict[str, Any]]] = {name: [] for name in lists}
    theirs: dict[str, list[dict[str, Any]]] = {name: [] for name in lists}
    for _ in range(rounds):
        for name, listing in lists.items():
            measured, counted = run_lychee(exe, listing, concurrency=limits.concurrency, per_host=limits.per_host,
                                           timeout=limits.timeout)
            theirs[name].append(_list_figures(measured, int(counted["unique_links"]),  # type: ignore[call-overload]
                                              set(counted["failing"]), site))  # type: ignore[call-overload]
            run = check_list(listing, limits)
            ours[name].append(_list_figures(run.measured, int(run.summary["unique_links"]),  # type: ignore[call-overload]
                                            set(run.failing), site))
    figures: dict[str, Any] = {
        "urls": len(urls), "urls_without_5xx": len(lists["without_5xx"]), "lychee_version": lychee_version(exe),
        "lychee_options": {"max_concurrency": limits.concurrency, "host_concurrency": limits.per_host,
                           "host_request_interval": "0ms", "timeout": limits.timeout, "max_retries": 1,
                           "retry_wait_time": 2, "cache": False}}
    for name in lists:
        suffix = "" if name == "all" else f"_{name}"
        figures[f"govcheck_urls{suffix}"] = _median_round(ours[name])
        figures[f"lychee{suffix}"] = _median_round(theirs[name])
        figures[f"ratio{suffix}"] = ratio_by_round(ours[name], theirs[name],
                                                   TARGETS["urls_vs_lychee"] if name == "all" else None)
    return figures


def _politeness_on(site: LinkSite, count: int, interval: float, limits: Limits) -> dict[str, Any]:
    """``--urls`` on ``count`` same-host URLs with a minimum interval, against the time the interval imposes."""
    urls = site.ok_urls(count)
    run = check_list(urls, replace(limits, min_interval=interval))
    imposed = len(urls) * interval
    elapsed = float(run.summary["elapsed_seconds"])
    return {"urls": len(urls), "min_interval": interval, "imposed_seconds": round(imposed, 2),
            "wall_seconds": round(run.measured.wall_seconds, 2), "elapsed_seconds_in_json": elapsed,
            "ratio_wall_to_imposed": round(run.measured.wall_seconds / imposed, 3),
            "ratio_elapsed_to_imposed": round(elapsed / imposed, 3), "by_status": run.summary["by_status"]}


def _linearity(sizes: list[int], done: dict[int, dict[str, Any]], limits: Limits, seed: int,
               script_share: float) -> list[dict[str, Any]]:
    """The crawl at each size in ``limits.mode``; ``done`` holds the sizes already measured."""
    rows = []
    for size in sizes:
        if size not in done:
            with LinkSiteServer(size, seed, script_share) as site:
                done[size] = _govcheck_figures(crawl_site(site.base + "/", site.max_depth + 2, limits), site)
        figures = done[size]
        rows.append({"pages": size, "wall_seconds": figures["wall_seconds"],
                     "elapsed_seconds_in_json": figures["elapsed_seconds_in_json"],
                     "ms_per_page": round(1000 * float(figures["wall_seconds"]) / size, 1),
                     "pages_crawled": figures["pages"], "pages_rendered": figures["pages_rendered"],
                     "unique_links": figures["unique_links"],
                     **{key: figures[key] for key in ("seeded_failures_found", "seeded_failures",
                                                      "static_failures_found", "static_failures",
                                                      "script_failures_found", "script_failures")},
                     "peak_pss_mib": figures["peak_pss_mib"], "cpu_seconds": figures["cpu_seconds"]})
    return rows


def _versions(browser_path: str | None) -> dict[str, str]:
    if browser_path is None:  # govcheck's own choice: for the link crawl, a headless shell when there is one
        choice = choose_browser(None, _bundled_chromium_path())
        browser_path = choice.executable or "Playwright"
    chromium = subprocess.run([browser_path, "--version"], capture_output=True, text=True, check=False).stdout \
        if browser_path != "Playwright" else "Playwright's own (headless shell)"
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.machine())
    return {"chromium": chromium.strip(), "python": platform.python_version(), "cpu": cpu,
            "cores": str(os.cpu_count()), "kernel": platform.release()}


def run(pages: int, sizes: list[int], polite_urls: int, interval: float, limits: Limits, threads: int,
        with_linkchecker: bool = True, seed: int = 2026, rounds: int = 3, retry_pause_variant: float = 1.0,
        script_share: float = 0.05, with_lychee: bool = True) -> dict[str, Any]:
    """Every measurement of the benchmark; the report the table and the JSON are made from."""
    modes = tuple(mode for mode in MODES if mode in modes_available())
    report: dict[str, Any] = {"versions": _versions(limits.browser_path),
                              "limits": limits.__dict__, "modes": list(modes), "seed": seed,
                              "script_share": script_share, "load_average_before": os.getloadavg()}
    if "hybrid" not in modes:
        report["note"] = "govcheck links does not accept --mode hybrid in this checkout: hybrid not measured"
    with LinkSiteServer(pages, seed, script_share) as site:
        report["site"] = {"pages": pages, "links_total": site.links_total, "unique_links": len(site.unique_links),
                          "static_links_total": site.static_links_total,
                          "static_unique_links": len(site.static_unique_links), "max_depth": site.max_depth,
                          "script_pages": len(site.script_pages), "html_pages": len(site.html_pages),
                          "broken": len(site.broken), "server_errors": len(site.server_errors),
                          "failing_static": len(site.failing_static), "failing_script": len(site.failing_script),
                          "slow": len(site.slow), "external": len(site.external),
                          "server_requests_per_second": server_rate(site)}
        report["politeness_off"] = off = _politeness_off(site, limits, threads, with_linkchecker, rounds,
                                                         retry_pause_variant, modes)
        if with_lychee:
            report["list_checking"] = _list_checking(site, replace(limits, min_interval=0.0), rounds)
        report["politeness_on"] = _politeness_on(site, polite_urls, interval, limits)
    report["linearity"] = {mode: _linearity(sorted({*sizes, pages}), {pages: off[f"govcheck_{mode}"]},
                                            replace(limits, mode=mode), seed, script_share) for mode in modes}
    report["peak_memory_mib"] = {mode: off[f"govcheck_{mode}"]["peak_pss_mib"] for mode in modes}
    report["load_average_after"] = os.getloadavg()
    return report


def _line(name: str, *cells: object) -> str:
    return f"{name:<26}" + "".join(f"{cell!s:>14}" for cell in cells)


def _off_rows(report: dict[str, Any]) -> list[str]:
    """The politeness-off comparison: one column per govcheck mode and LinkChecker, then the ratios to LC."""
    off, modes = report["politeness_off"], report["modes"]
    columns = [off[f"govcheck_{mode}"] for mode in modes] + ([off["linkchecker"]] if "linkchecker" in off else [])
    names = list(modes) + (["LinkChecker"] if "linkchecker" in off else [])
    ratio_names = [f"{mode} / LC" for mode in modes] if "linkchecker" in off else []
    lines = [_line("politeness off", *names, *ratio_names)]
    ratios = {"unique_links_per_second": "links_per_second", "wall_seconds": "wall_time"}
    for key, label in (("unique_links", "unique links checked"), ("unique_links_per_second", "unique links / s"),
                       ("wall_seconds", "wall time (s)"), ("outside_check_seconds", "  start-up+exit (s)"),
                       ("peak_pss_mib", "peak PSS (MiB)"), ("peak_rss_sum_mib", "peak RSS sum (MiB)"),
                       ("pages", "pages crawled"), ("pages_rendered", "pages rendered"),
                       ("static_failures_found", "static failures found"),
                       ("script_failures_found", "script failures found"), ("false_failures", "false failures")):
        cells = [len(c[key]) if key == "false_failures" else c.get(key, "-") for c in columns]
        if key in ("static_failures_found", "script_failures_found"):
            cells = [f"{cell}/{c[key.replace('_found', '')]}" for cell, c in zip(cells, columns, strict=True)]
        ratio_cells = [off.get(f"ratio_{mode}", {}).get(ratios.get(key, "_"), "") for mode in modes]
        lines.append(_line(label, *cells, *(ratio_cells if ratio_names else [])))
    rounds = [f"{mode} {off[f'govcheck_{mode}']['rounds_wall_seconds']} s" for mode in modes
              if "rounds_wall_seconds" in off[f"govcheck_{mode}"]]
    if "linkchecker" in off:
        rounds.append(f"LinkChecker {off['linkchecker']['rounds_wall_seconds']} s")
        rounds += [f"{mode} / LC by round {off[f'ratio_{mode}']['links_per_second_by_round']}" for mode in modes
                   if f"ratio_{mode}" in off and "links_per_second_by_round" in off[f"ratio_{mode}"]]
    lines.append("rounds (wall): " + "; ".join(rounds))
    if "ratio_hybrid" in off:
        hybrid = off["ratio_hybrid"]
        lines.append(f"hybrid / LinkChecker (median of rounds) {hybrid['links_per_second']} x, target >= "
                     f"{hybrid['target']} x: {'met' if hybrid['met'] else 'NOT met'}")
    if "govcheck_hybrid" in off:
        lines.append(f"hybrid render reasons: {off['govcheck_hybrid']['render_reasons']}")
    variant = off.get("govcheck_fetch_retry_variant")
    if variant:
        lines.append(f"fetch with --retry-pause {variant['retry_pause_seconds']}: "
                     f"{variant['unique_links_per_second']} unique links / s, wall {variant['wall_seconds']} s"
                     + (f", {off['ratio_fetch_retry_variant']['links_per_second']} x LinkChecker (by round "
                        f"{off['ratio_fetch_retry_variant']['links_per_second_by_round']})"
                        if "ratio_fetch_retry_variant" in off else ""))
    return lines


def _list_rows(listing: dict[str, Any]) -> list[str]:
    """The list-checking comparison against lychee."""
    if "skipped" in listing:
        return [f"list checking ({listing['urls']} URLs): {listing['skipped']}"]
    ours, theirs, ratio = listing["govcheck_urls"], listing["lychee"], listing["ratio"]
    lines = [_line(f"list checking ({listing['urls']} URLs)", "govcheck --urls", listing["lychee_version"],
                   "govcheck / ly")]
    for key, label in (("unique_links", "unique URLs checked"), ("unique_links_per_second", "unique URLs / s"),
                       ("wall_seconds", "wall time (s)"), ("peak_pss_mib", "peak PSS (MiB)"),
                       ("seeded_failures_found", "seeded failures found"), ("false_failures", "false failures")):
        cells = [len(c[key]) if key == "false_failures" else c[key] for c in (ours, theirs)]
        if key == "seeded_failures_found":
            cells = [f"{cell}/{c['seeded_failures']}" for cell, c in zip(cells, (ours, theirs), strict=True)]
        lines.append(_line(label, *cells, ratio["links_per_second"] if key == "unique_links_per_second" else ""))
    lines.append(f"rounds (wall): govcheck {ours['rounds_wall_seconds']} s; lychee {theirs['rounds_wall_seconds']} s;"
                 f" ratio by round {ratio['links_per_second_by_round']}; target >= {ratio['target']} x: "
                 f"{'met' if ratio['met'] else 'NOT met'}")
    if "ratio_without_5xx" in listing:
        ours, theirs = listing["govcheck_urls_without_5xx"], listing["lychee_without_5xx"]
        lines.append(f"without the 5xx URLs (lychee does not retry them; {listing['urls_without_5xx']} URLs): "
                     f"govcheck {ours['unique_links_per_second']} / s (wall {ours['wall_seconds']} s), lychee "
                     f"{theirs['unique_links_per_second']} / s (wall {theirs['wall_seconds']} s), ratio "
                     f"{listing['ratio_without_5xx']['links_per_second']} (by round "
                     f"{listing['ratio_without_5xx']['links_per_second_by_round']})")
    return lines


def table(report: dict[str, Any]) -> str:
    """The report as a plain-text table (what the command prints before the JSON path)."""
    site, on = report["site"], report["politeness_on"]
    lines = [f"site: {site['pages']} pages ({site['script_pages']} script pages), {site['links_total']} links, "
             f"{site['unique_links']} unique ({site['static_links_total']} and {site['static_unique_links']} in "
             f"static HTML), seeded failures {site['failing_static']} static + {site['failing_script']} script-made, "
             f"max depth {site['max_depth']}, server {site['server_requests_per_second']} req/s",
             "load average (1/5/15 min) before {} after {}".format(
                 *(" ".join(f"{x:.1f}" for x in report.get(key, ())) for key in ("load_average_before",
                                                                              "load_average_after"))),
             *([report["note"]] if "note" in report else []), "", *_off_rows(report)]
    if "list_checking" in report:
        lines += ["", *_list_rows(report["list_checking"])]
    lines += ["", f"politeness on: {on['urls']} URLs x {on['min_interval']} s = {on['imposed_seconds']} s imposed; "
              f"wall {on['wall_seconds']} s (ratio {on['ratio_wall_to_imposed']}), "
              f"checking {on['elapsed_seconds_in_json']} s (ratio {on['ratio_elapsed_to_imposed']})"]
    for mode in report["modes"]:
        lines += ["", _line(f"linearity {mode} (pages)", "wall (s)", "ms / page", "rendered", "unique links",
                            "static fail.", "script fail.", "PSS (MiB)")]
        lines += [_line(str(r["pages"]), r["wall_seconds"], r["ms_per_page"], r["pages_rendered"], r["unique_links"],
                        f"{r['static_failures_found']}/{r['static_failures']}",
                        f"{r['script_failures_found']}/{r['script_failures']}", r["peak_pss_mib"])
                  for r in report["linearity"][mode]]
    memory = report["peak_memory_mib"]
    lines += ["", f"peak memory of the {site['pages']}-page crawl (PSS, target < 1024 MiB): "
              + ", ".join(f"{mode} {memory[mode]} MiB" for mode in report["modes"])]
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """The command line's options."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2000, help="pages of the site for the comparison")
    parser.add_argument("--sizes", default="500,1000", help="further site sizes for linearity (comma separated)")
    parser.add_argument("--script-share", type=float, default=0.05, help="share of script pages (0 for none)")
    parser.add_argument("--polite-urls", type=int, default=200, help="URLs for the politeness-on run")
    parser.add_argument("--interval", type=float, default=0.05, help="--min-interval of the politeness-on run")
    parser.add_argument("--tabs", type=int, default=None,
                        help="govcheck crawl tabs (default: the command's, 6 for hybrid and 3 for render)")
    parser.add_argument("--per-host", type=int, default=10,
                        help="govcheck checks (and, in fetch and hybrid mode, pages) in flight per host; "
                             "lychee's --host-concurrency")
    parser.add_argument("--concurrency", type=int, default=32,
                        help="govcheck checks in flight in all; lychee's --max-concurrency")
    parser.add_argument("--threads", type=int, default=10, help="LinkChecker threads")
    parser.add_argument("--browser-path", default="",
                        help="Chromium for govcheck (default: govcheck's own choice, a headless shell when present)")
    parser.add_argument("--no-linkchecker", action="store_true", help="skip the LinkChecker baseline")
    parser.add_argument("--no-lychee", action="store_true", help="skip the lychee list-checking comparison")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of hybrid and fetch against LinkChecker, and of --urls against lychee")
    parser.add_argument("--retry-pause-variant", type=float, default=1.0,
                        help="the retry pause of the extra fetch run per round (the default pause is 2 s)")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the JSON of the figures")
    return parser


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Command line: run the benchmark, print the table and write the JSON."""
    args = build_parser().parse_args(argv)
    limits = Limits(args.tabs, args.per_host, args.concurrency, 0.0, 15, args.browser_path or None)
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    report = run(args.pages, sizes, args.polite_urls, args.interval, limits, args.threads, not args.no_linkchecker,
                 rounds=args.rounds, retry_pause_variant=args.retry_pause_variant, script_share=args.script_share,
                 with_lychee=not args.no_lychee)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    sys.stdout.write(table(report) + f"\n\nfigures written to {args.out}\n")
    return report


if __name__ == "__main__":
    main()
