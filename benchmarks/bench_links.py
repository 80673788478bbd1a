"""Benchmark of link checking (链接不可用) on a generated site of N pages (default 2,000), all on 127.0.0.1.

Measured in one run, so the ratios compare like with like on the same machine and load:

- politeness off: ``govcheck links`` in both modes against LinkChecker on the same site: ``--mode fetch``
  (pages read over HTTP, no scripts run, as LinkChecker does: the comparable setting) and ``--mode render``
  (every page rendered in Chromium: the product's default, reported as its cost); unique links per second,
  wall time, peak memory of the process tree (Chromium children included), and whether each found exactly
  the seeded failures;
- politeness on: ``govcheck links --urls`` on N same-host URLs with ``--min-interval S``, against the time
  the interval itself imposes (N × S);
- linearity: the govcheck crawl in both modes at several sizes (default 500, 1,000, 2,000 pages);
- peak memory of the largest crawl in both modes against 1 GiB.

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

from benchmarks.govcheck_run import GovcheckRun, Limits, check_list, crawl_site
from benchmarks.link_site import LinkSite, LinkSiteServer
from benchmarks.linkchecker_run import ensure_linkchecker, linkchecker_version, run_linkchecker
from benchmarks.proctree import Measured

MIB = 1 << 20
OUT = Path(__file__).resolve().parent / "out" / "bench_links.json"
MODES = ("fetch", "render")


def server_rate(site: LinkSite, clients: int = 8, requests: int = 4000) -> float:
    """Requests per second the site's server answers to ``clients`` keep-alive clients (a floor: the
    clients are Python threads in this process)."""
    paths = sorted(urlsplit(u).path for u in site.unique_links if u.startswith(site.base) and u not in site.slow)
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


def _govcheck_figures(run: GovcheckRun, site: LinkSite) -> dict[str, Any]:
    wall = run.measured.wall_seconds
    unique = int(run.summary["unique_links"])
    elapsed = float(run.summary["elapsed_seconds"])
    return {"wall_seconds": round(wall, 2), "elapsed_seconds_in_json": elapsed,
            "outside_check_seconds": round(wall - elapsed, 2),
            "pages": run.summary["pages"], "links_found": run.summary["links_found"], "unique_links": unique,
            "unique_links_per_second": round(unique / wall, 1), "by_status": run.summary["by_status"],
            "seeded_failures_found": len(run.failing & site.failing), "seeded_failures": len(site.failing),
            "false_failures": sorted(run.failing - site.failing), **_memory(run.measured)}


def _linkchecker_figures(exe: Path, site: LinkSite, threads: int, timeout: int) -> dict[str, Any]:
    measured, counted = run_linkchecker(exe, site.base + "/", threads, timeout)
    invalid = set(counted["invalid"])
    return {"version": linkchecker_version(exe), "threads": threads, "wall_seconds": round(measured.wall_seconds, 2),
            "rows": counted["rows"], "unique_links": counted["unique_links"],
            "unique_links_per_second": round(int(counted["unique_links"]) / measured.wall_seconds, 1),
            "seeded_failures_found": len(invalid & site.failing), "false_failures": sorted(invalid - site.failing),
            **_memory(measured)}


def _median_round(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The round with the median wall time (the figures of one real run, not a blend), with all rounds' walls."""
    ordered = sorted(rounds, key=lambda figures: figures["wall_seconds"])
    return {**ordered[(len(ordered) - 1) // 2], "rounds_wall_seconds": [r["wall_seconds"] for r in rounds]}


def _politeness_off(site: LinkSite, limits: Limits, threads: int, with_linkchecker: bool, rounds: int,
                    retry_pause_variant: float) -> dict[str, Any]:
    """govcheck in both modes against LinkChecker on the whole site, politeness off for all.

    The fetch mode (the comparable setting) and LinkChecker run ``rounds`` times, one after the other in
    each round, and each round's ratio is taken from that round's two runs; the median ratio is reported,
    since the machine's load shifts the absolute times between rounds. A third fetch run per round uses
    ``--retry-pause retry_pause_variant`` instead of the default 2 s, to show what that pause costs. The
    render mode (the default, minutes per run) runs once.
    """
    figures: dict[str, Any] = {}
    exe = ensure_linkchecker() if with_linkchecker else None
    ours: dict[str, list[dict[str, Any]]] = {"fetch": [], "fetch_retry_variant": [], "linkchecker": []}
    for _ in range(rounds):
        if exe is not None:
            ours["linkchecker"].append(_linkchecker_figures(exe, site, threads, int(limits.timeout)))
        variants = {"fetch": limits, "fetch_retry_variant": replace(limits, retry_pause=retry_pause_variant)}
        for name, variant in variants.items():
            run = crawl_site(site.base + "/", site.max_depth + 2, replace(variant, mode="fetch"))
            ours[name].append(_govcheck_figures(run, site))
    figures["govcheck_fetch"] = _median_round(ours["fetch"])
    figures["govcheck_fetch_retry_variant"] = {**_median_round(ours["fetch_retry_variant"]),
                                               "retry_pause_seconds": retry_pause_variant}
    run = crawl_site(site.base + "/", site.max_depth + 2, replace(limits, mode="render"))
    figures["govcheck_render"] = _govcheck_figures(run, site)
    if exe is None:
        return figures
    figures["linkchecker"] = theirs = _median_round(ours["linkchecker"])
    for name in ("fetch", "fetch_retry_variant"):
        per_round = [round(mine["unique_links_per_second"] / lc["unique_links_per_second"], 2)
                     for mine, lc in zip(ours[name], ours["linkchecker"], strict=True)]
        figures[f"ratio_{name}"] = {"links_per_second": sorted(per_round)[(len(per_round) - 1) // 2],
                                    "links_per_second_by_round": per_round,
                                    "wall_time": round(figures[f"govcheck_{name}"]["wall_seconds"]
                                                       / theirs["wall_seconds"], 2)}
    render = figures["govcheck_render"]
    figures["ratio_render"] = {
        "links_per_second": round(render["unique_links_per_second"] / theirs["unique_links_per_second"], 2),
        "wall_time": round(render["wall_seconds"] / theirs["wall_seconds"], 2)}
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


def _linearity(sizes: list[int], done: dict[int, dict[str, Any]], limits: Limits, seed: int) -> list[dict[str, Any]]:
    """The crawl at each size in ``limits.mode``; ``done`` holds the sizes already measured."""
    rows = []
    for size in sizes:
        if size not in done:
            with LinkSiteServer(size, seed) as site:
                done[size] = _govcheck_figures(crawl_site(site.base + "/", site.max_depth + 2, limits), site)
        figures = done[size]
        rows.append({"pages": size, "wall_seconds": figures["wall_seconds"],
                     "elapsed_seconds_in_json": figures["elapsed_seconds_in_json"],
                     "ms_per_page": round(1000 * float(figures["wall_seconds"]) / size, 1),
                     "pages_crawled": figures["pages"], "unique_links": figures["unique_links"],
                     "seeded_failures_found": figures["seeded_failures_found"],
                     "seeded_failures": figures["seeded_failures"],
                     "peak_pss_mib": figures["peak_pss_mib"], "cpu_seconds": figures["cpu_seconds"]})
    return rows


def _versions(browser_path: str) -> dict[str, str]:
    chromium = subprocess.run([browser_path, "--version"], capture_output=True, text=True, check=False).stdout
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.machine())
    return {"chromium": chromium.strip(), "python": platform.python_version(), "cpu": cpu,
            "cores": str(os.cpu_count()), "kernel": platform.release()}


def run(pages: int, sizes: list[int], polite_urls: int, interval: float, limits: Limits, threads: int,
        with_linkchecker: bool = True, seed: int = 2026, rounds: int = 3,
        retry_pause_variant: float = 1.0) -> dict[str, Any]:
    """Every measurement of the benchmark; the report the table and the JSON are made from."""
    report: dict[str, Any] = {"versions": _versions(limits.browser_path or "/usr/bin/chromium"),
                              "limits": limits.__dict__, "modes": list(MODES), "seed": seed,
                              "load_average_before": os.getloadavg()}
    with LinkSiteServer(pages, seed) as site:
        report["site"] = {"pages": pages, "links_total": site.links_total, "unique_links": len(site.unique_links),
                          "max_depth": site.max_depth, "broken": len(site.broken),
                          "server_errors": len(site.server_errors), "slow": len(site.slow),
                          "external": len(site.external), "server_requests_per_second": server_rate(site)}
        report["politeness_off"] = off = _politeness_off(site, limits, threads, with_linkchecker, rounds,
                                                         retry_pause_variant)
        report["politeness_on"] = _politeness_on(site, polite_urls, interval, limits)
    report["linearity"] = {mode: _linearity(sorted({*sizes, pages}), {pages: off[f"govcheck_{mode}"]},
                                            replace(limits, mode=mode), seed) for mode in MODES}
    report["peak_memory_mib"] = {mode: off[f"govcheck_{mode}"]["peak_pss_mib"] for mode in MODES}
    report["load_average_after"] = os.getloadavg()
    return report


def _line(name: str, *cells: object) -> str:
    return f"{name:<26}" + "".join(f"{cell!s:>15}" for cell in cells)


def table(report: dict[str, Any]) -> str:
    """The report as a plain-text table (what the command prints before the JSON path)."""
    site, off, on = report["site"], report["politeness_off"], report["politeness_on"]
    fetch, render, theirs = off["govcheck_fetch"], off["govcheck_render"], off.get("linkchecker", {})
    lines = [f"site: {site['pages']} pages, {site['links_total']} links, {site['unique_links']} unique, "
             f"max depth {site['max_depth']}, server {site['server_requests_per_second']} req/s",
             "load average (1/5/15 min) before {} after {}".format(
                 *(" ".join(f"{x:.1f}" for x in report.get(key, ())) for key in ("load_average_before",
                                                                              "load_average_after"))),
             "", _line("politeness off", "fetch", "render", "LinkChecker", "fetch / LC", "render / LC")]
    ratios = {"unique_links_per_second": "links_per_second", "wall_seconds": "wall_time"}
    for key, label in (("unique_links", "unique links checked"), ("unique_links_per_second", "unique links / s"),
                       ("wall_seconds", "wall time (s)"), ("outside_check_seconds", "  start-up+exit (s)"),
                       ("peak_pss_mib", "peak PSS (MiB)"), ("peak_rss_sum_mib", "peak RSS sum (MiB)"),
                       ("seeded_failures_found", "seeded failures found")):
        cells = [off.get(f"ratio_{mode}", {}).get(ratios.get(key, "_"), "") for mode in MODES]
        lines.append(_line(label, fetch[key], render[key], theirs.get(key, "-"), *cells))
    lines += ["", f"politeness on: {on['urls']} URLs x {on['min_interval']} s = {on['imposed_seconds']} s imposed; "
              f"wall {on['wall_seconds']} s (ratio {on['ratio_wall_to_imposed']}), "
              f"checking {on['elapsed_seconds_in_json']} s (ratio {on['ratio_elapsed_to_imposed']})"]
    variant = off["govcheck_fetch_retry_variant"]
    rounds = [f"fetch {fetch['rounds_wall_seconds']} s"]
    if theirs:
        rounds.append(f"LinkChecker {theirs['rounds_wall_seconds']} s")
        rounds.append(f"fetch / LC by round {off['ratio_fetch']['links_per_second_by_round']}")
    lines.insert(len(lines) - 2, "rounds (wall): " + "; ".join(rounds))
    lines.insert(len(lines) - 2, f"fetch with --retry-pause {variant['retry_pause_seconds']}: "
                 f"{variant['unique_links_per_second']} unique links / s, wall {variant['wall_seconds']} s"
                 + (f", {off['ratio_fetch_retry_variant']['links_per_second']} x LinkChecker (by round "
                    f"{off['ratio_fetch_retry_variant']['links_per_second_by_round']})" if theirs else ""))
    for mode in MODES:
        lines += ["", _line(f"linearity {mode} (pages)", "wall (s)", "ms / page", "unique links", "failures",
                            "PSS (MiB)")]
        lines += [_line(str(r["pages"]), r["wall_seconds"], r["ms_per_page"], r["unique_links"],
                        f"{r['seeded_failures_found']}/{r['seeded_failures']}", r["peak_pss_mib"])
                  for r in report["linearity"][mode]]
    memory = report["peak_memory_mib"]
    lines += ["", f"peak memory of the {site['pages']}-page crawl (PSS, target < 1024 MiB): "
              + ", ".join(f"{mode} {memory[mode]} MiB" for mode in MODES)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Command line: run the benchmark, print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2000, help="pages of the site for the comparison")
    parser.add_argument("--sizes", default="500,1000", help="further site sizes for linearity (comma separated)")
    parser.add_argument("--polite-urls", type=int, default=200, help="URLs for the politeness-on run")
    parser.add_argument("--interval", type=float, default=0.05, help="--min-interval of the politeness-on run")
    parser.add_argument("--tabs", type=int, default=3, help="govcheck crawl tabs (the command's default)")
    parser.add_argument("--per-host", type=int, default=10,
                        help="govcheck checks (and, in fetch mode, pages) in flight per host")
    parser.add_argument("--concurrency", type=int, default=32, help="govcheck checks in flight in all")
    parser.add_argument("--threads", type=int, default=10, help="LinkChecker threads")
    parser.add_argument("--browser-path", default="/usr/bin/chromium", help="Chromium for govcheck")
    parser.add_argument("--no-linkchecker", action="store_true", help="skip the LinkChecker baseline")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of fetch mode against LinkChecker")
    parser.add_argument("--retry-pause-variant", type=float, default=1.0,
                        help="the retry pause of the extra fetch run per round (the default pause is 2 s)")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the JSON of the figures")
    args = parser.parse_args(argv)
    limits = Limits(args.tabs, args.per_host, args.concurrency, 0.0, 15, args.browser_path or None)
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    report = run(args.pages, sizes, args.polite_urls, args.interval, limits, args.threads, not args.no_linkchecker,
                 rounds=args.rounds, retry_pause_variant=args.retry_pause_variant)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    sys.stdout.write(table(report) + f"\n\nfigures written to {args.out}\n")
    return report


if __name__ == "__main__":
    main()
