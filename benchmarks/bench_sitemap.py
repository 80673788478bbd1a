"""Benchmark of the site map (one citizen-like walk per site that every check reads) against the code before it.

Measured in one run, on one demo server and the same sites, so the ratios compare like with like on the same
machine and load:

- the current ``DemoServer`` runs in this process (a free port, its request log on);
- baseline: commit 99eb892 (before the site map: each check found its own pages, the link check crawled
  separately), checked out with ``git worktree`` into a temporary folder and run as ``python -m checker run``
  with ``PYTHONPATH`` set to that folder, on the demo suite cut to its first four sites (the baseline's);
- current: the same command and suite with this checkout's package, then the full demo suite (six sites);
- per run: wall time, CPU seconds and peak memory of the process tree (Chromium included); per site: pages
  fetched (GETs of HTML pages from the server's request log, attributed to a site by path), how many of those
  pages were fetched more than once, HEAD requests; the columns found (results.json ``columns``) against the
  ground truth's ``columns`` lists, and the findings against its seeded ``findings`` + ``later`` items (and
  against those the run's own code judges, from its ``IMPLEMENTED``) with the false ones;
- ratios current / baseline of wall time and pages fetched, each from the same round; with ``--rounds N`` the
  round with the median wall time is shown and the ratios are the medians of the rounds' ratios.

Run by hand: ``python -m benchmarks.bench_sitemap [--rounds 3]``; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any
from urllib.parse import urlsplit

import yaml

from benchmarks.proctree import Measured, run_measured
from checker.demo.server import DemoServer

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "checker" / "demo"
BASELINE = "99eb892"
DEMO_BASE = "http://127.0.0.1:8765/"
AS_OF = "2020-11-06"
BASELINE_SITES = 4
OUT = Path(__file__).resolve().parent / "out" / "sitemap.json"
NOT_PAGES = (".css", ".js", ".png", ".jpg", ".jpeg", ".gif", ".ico", ".docx", ".json")
NOT_PAGE_PREFIXES = ("/static/", "/bm/jtj/api/")
MIB = 1 << 20


@dataclass(frozen=True)
class Code:
    """A version of govcheck to run: its name and the folder its ``checker`` package is imported from."""

    name: str
    root: Path
    pythonpath: bool

    def command(self, *arguments: str) -> list[str]:
        """``python arguments…`` in this version's environment (``env`` execs, so the pid is Python's)."""
        setting = [f"PYTHONPATH={self.root}"] if self.pythonpath else ["-u", "PYTHONPATH"]
        return ["env", *setting, "GOVCHECK_LOOPBACK_ONLY=1", sys.executable, *arguments]

    def python(self, code: str) -> str:
        """What a one-line program prints in this version's environment (run from its root)."""
        done = subprocess.run(self.command("-c", code), cwd=self.root, capture_output=True, text=True, check=True)
        return done.stdout.strip()


@contextmanager
def worktree(commit: str) -> Iterator[Path]:
    """``commit`` checked out (detached) in a temporary folder, removed again at the end."""
    folder = Path(tempfile.mkdtemp(prefix="govcheck-baseline-"))
    tree = folder / "tree"
    subprocess.run(["git", "worktree", "add", "--detach", str(tree), commit], cwd=REPO, check=True,
                   capture_output=True)
    try:
        yield tree
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=REPO, check=False,
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run(["git", "worktree", "prune"], cwd=REPO, check=False, capture_output=True)


def ground_truth() -> dict[str, Any]:
    """The demo's ground truth (seeded findings, columns) of the current checkout."""
    return yaml.safe_load((DEMO / "ground_truth.yaml").read_text(encoding="utf-8"))


def write_suite(base_url: str, sites: int, target: Path) -> Path:
    """The demo suite with its settings, its first ``sites`` sites and every URL on ``base_url``."""
    text = (DEMO / "suite.yaml").read_text(encoding="utf-8").replace(DEMO_BASE, base_url)
    data = yaml.safe_load(text)
    data["sites"] = data["sites"][:sites]
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def is_page(method: str, target: str) -> bool:
    """Whether a logged request is a GET of an HTML page (not a static file, image, attachment or JSON)."""
    path = urlsplit(target).path
    return method == "GET" and not path.startswith(NOT_PAGE_PREFIXES) and not path.lower().endswith(NOT_PAGES)


def owner(path: str, prefixes: list[str]) -> str:
    """The site path a request path belongs to: the longest site path it starts with."""
    return max((prefix for prefix in prefixes if path.startswith(prefix)), key=len, default="/")


def request_figures(requests: list[tuple[str, str]], prefixes: list[str]) -> dict[str, dict[str, Any]]:
    """Pages fetched, distinct pages, pages fetched more than once (the first 40 with their counts) and HEAD
    requests, by site path."""
    pages: dict[str, Counter[str]] = {prefix: Counter() for prefix in prefixes}
    heads: Counter[str] = Counter()
    for method, target in requests:
        site = owner(urlsplit(target).path, prefixes)
        if method == "HEAD":
            heads[site] += 1
        elif is_page(method, target):
            pages[site][target] += 1
    return {prefix: {"pages_fetched": sum(counts.values()), "distinct_pages": len(counts),
                     "pages_fetched_more_than_once": sum(1 for n in counts.values() if n > 1),
                     "head_requests": heads[prefix],
                     "fetched_more_than_once": {target: n for target, n in counts.most_common(40) if n > 1}}
            for prefix, counts in pages.items()}


def column_path(url: str) -> str:
    """A column's address compared by path, ``index.html`` dropped (the walker may record either)."""
    path = urlsplit(url).path
    return path[: -len("index.html")] if path.endswith("/index.html") else path


def column_figures(records: list[dict[str, Any]], truth: list[dict[str, Any]]) -> dict[str, Any]:
    """The ground truth's columns found among a site's column records, those missed and those extra."""
    found = {column_path(record["url"]): record for record in records}
    known = {column["path"] for column in truth}
    missed = [column for column in truth if column["path"] not in found]
    renamed = [{"path": column["path"], "truth": column["name"], "recorded": found[column["path"]]["name"]}
               for column in truth if column["path"] in found and found[column["path"]]["name"] != column["name"]]
    extra = [{"name": record["name"], "path": path,
              **{key: record[key] for key in ("column_class", "source", "verdict", "note") if record.get(key)}}
             for path, record in found.items() if path not in known]
    return {"found": len(truth) - len(missed), "total": len(truth), "recorded": len(records),
            "missed": [f"{column['name']} {column['path']}" for column in missed], "renamed": renamed,
            "extra": extra}


def comparable_target(target: str) -> str:
    """URL targets are compared by path: the demo runs on a different port each time (as tests/test_demo_run)."""
    return urlsplit(target).path if target.startswith(("http://", "https://")) else target


def finding_figures(site: dict[str, Any], truth: dict[str, Any], implemented: set[str]) -> dict[str, Any]:
    """Reported findings against every seeded item (findings + later) and against those this code judges."""
    reported = {(f["indicator"], comparable_target(f["target"])) for f in site.get("findings", [])}
    items = [*(truth.get("findings") or []), *(truth.get("later") or [])]
    seeded = {(item["indicator"], comparable_target(item["target"])) for item in items}
    judged = {item for item in seeded if item[0] in implemented}
    return {"found": len(reported & seeded), "seeded": len(seeded), "found_judged": len(reported & judged),
            "judged": len(judged), "false": len(reported - seeded),
            "false_items": sorted(" ".join(item) for item in reported - seeded),
            "missed_judged": sorted(" ".join(item) for item in judged - reported)}


def run_figures(measured: Measured, requests: list[tuple[str, str]], results: dict[str, Any],
                truth: dict[str, Any], implemented: set[str], load: tuple[float, ...]) -> dict[str, Any]:
    """Everything one run gave: time, resources, and per site requests, columns and findings."""
    truths = {site["name"]: site for site in truth["sites"]}
    prefixes = [site["path"] for site in truth["sites"]]
    by_path = request_figures(requests, prefixes)
    sites = []
    for site in results.get("sites", []):
        expected = truths[site["name"]]
        sites.append({"name": site["name"], "path": expected["path"], **by_path[expected["path"]],
                      "columns": column_figures(site.get("columns", []), expected.get("columns") or []),
                      "findings": finding_figures(site, expected, implemented)})
    checked = {site["path"] for site in sites}
    outside = {prefix: figures for prefix, figures in by_path.items()
               if prefix not in checked and (figures["pages_fetched"] or figures["head_requests"])}
    pages = list(by_path.values())
    return {"exit_code": measured.returncode, "wall_seconds": round(measured.wall_seconds, 2),
            "cpu_seconds": round(sum(measured.cpu_seconds.values()), 1),
            "peak_pss_mib": round(measured.peak_pss_bytes / MIB, 1), "load_average_before": load,
            "load_average_after": os.getloadavg(), "requests": len(requests),
            "pages_fetched": sum(p["pages_fetched"] for p in pages),
            "pages_fetched_more_than_once": sum(p["pages_fetched_more_than_once"] for p in pages),
            "head_requests": sum(p["head_requests"] for p in pages), "sites": sites,
            "requests_outside_the_checked_sites": outside}


def _median_round(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The round with the median wall time (the figures of one real run), with every round's wall time."""
    ordered = sorted(rounds, key=lambda figures: figures["wall_seconds"])
    return {**ordered[(len(ordered) - 1) // 2], "rounds_wall_seconds": [r["wall_seconds"] for r in rounds]}


def _versions(codes: dict[str, Code], current: str | None) -> dict[str, Any]:
    """The commits compared (with this checkout's uncommitted changes to checker/ when they are run), the
    machine, and the file each version's ``checker`` package is imported from."""
    def git(*arguments: str, cwd: Path = REPO) -> str:
        return subprocess.run(["git", *arguments], cwd=cwd, capture_output=True, text=True, check=False).stdout
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.machine())
    imported = {name: code.python("import checker; print(checker.__file__)") for name, code in codes.items()}
    commit = git("rev-parse", "--short", "HEAD", cwd=codes["current"].root).strip()
    return {"baseline": BASELINE, "current_commit": commit,
            "current_uncommitted": [] if current else git("status", "--porcelain", "--", "checker").splitlines(),
            "python": platform.python_version(), "cpu": cpu, "cores": os.cpu_count(), "imported_from": imported}


def run(rounds: int = 1, browser_path: str | None = None, timeout: float = 1800,
        current: str | None = None) -> dict[str, Any]:
    """Every measurement of the benchmark: the report the table and the JSON are made from.

    ``current`` names a commit to run as the current code (checked out like the baseline); by default it is
    this checkout's working tree, uncommitted changes included (the report lists them).
    """
    truth = ground_truth()
    report: dict[str, Any] = {"as_of": AS_OF, "rounds": rounds, "load_average_before": os.getloadavg()}
    with ExitStack() as stack:
        server = stack.enter_context(DemoServer(port=0))
        assert server.site is not None
        work = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        checkout = Code("current", stack.enter_context(worktree(current)), True) if current else None
        codes = {"baseline": Code("baseline", stack.enter_context(worktree(BASELINE)), True),
                 "current": checkout or Code("current", REPO, False)}
        report["versions"] = versions = _versions(codes, current)
        for code in codes.values():
            expected = code.root / "checker" / "__init__.py"
            if Path(versions["imported_from"][code.name]) != expected:
                raise RuntimeError(f"{code.name} imports {versions['imported_from'][code.name]}, not {expected}")
        implemented = {name: set(json.loads(code.python(
            "import json; from checker.checks.registry import IMPLEMENTED; print(json.dumps(sorted(IMPLEMENTED)))")))
            for name, code in codes.items()}
        suites = {count: write_suite(server.base_url, count, work / f"suite-{count}.yaml")
                  for count in (BASELINE_SITES, len(truth["sites"]))}
        plan = [("baseline_4", codes["baseline"], BASELINE_SITES), ("current_4", codes["current"], BASELINE_SITES),
                ("current_6", codes["current"], len(truth["sites"]))]
        report["server"] = server.base_url
        measured_runs: dict[str, list[dict[str, Any]]] = {name: [] for name, _, _ in plan}
        for round_number in range(rounds):
            for name, code, count in plan:
                out = work / f"{name}-{round_number}"
                command = code.command("-m", "checker", "run", str(suites[count]), "--out", str(out),
                                       "--as-of", AS_OF, *(["--browser-path", browser_path] if browser_path else []))
                server.site.requests.clear()
                load = os.getloadavg()
                measured = run_measured(command, cwd=code.root, timeout=timeout)
                requests = list(server.site.requests)
                if not (out / "results.json").exists():
                    raise RuntimeError(f"{name} wrote no results.json (exit {measured.returncode}): "
                                       f"{measured.stderr[-3000:]}")
                results = json.loads((out / "results.json").read_text(encoding="utf-8"))
                figures = run_figures(measured, requests, results, truth, implemented[code.name], load)
                measured_runs[name].append(figures)
                sys.stderr.write(f"round {round_number + 1} {name}: {figures['wall_seconds']} s, "
                                 f"{figures['pages_fetched']} pages\n")
    report["runs"] = {name: _median_round(figures) for name, figures in measured_runs.items()}
    ratios: dict[str, dict[str, Any]] = {}
    report["ratios_current_to_baseline"] = ratios
    for key in ("wall_seconds", "pages_fetched", "cpu_seconds", "head_requests"):
        per_round = [round(now[key] / then[key], 2) if then[key] else None
                     for now, then in zip(measured_runs["current_4"], measured_runs["baseline_4"], strict=True)]
        known = [ratio for ratio in per_round if ratio is not None]
        ratios[key] = {"median": round(median(known), 2) if known else None, "by_round": per_round}
    report["load_average_after"] = os.getloadavg()
    return report


def _width(text: str) -> int:
    """Columns a text takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _line(*cells: object, widths: tuple[int, ...] = (24, 7, 11, 6, 11, 16, 7)) -> str:
    out = []
    for index, (cell, width) in enumerate(zip(cells, widths, strict=False)):
        pad = " " * max(0, width - _width(str(cell)))
        out.append(f"{cell}{pad}" if index == 0 else f"{pad}{cell}")
    return "".join(out).rstrip()


def table(report: dict[str, Any]) -> str:
    """The report as a plain-text table (what the command prints before the JSON path)."""
    versions = report["versions"]
    dirty = f", uncommitted: {' '.join(versions['current_uncommitted'])}" if versions["current_uncommitted"] else ""
    lines = [f"baseline {versions['baseline']} vs current {versions['current_commit']}{dirty}; "
             f"server {report['server']}; rounds {report['rounds']}",
             "load average (1/5/15 min) before {} after {}".format(
                 *(" ".join(f"{x:.1f}" for x in report[key]) for key in ("load_average_before", "load_average_after")))]
    for name, run_ in report["runs"].items():
        lines += ["", f"{name}: wall {run_['wall_seconds']} s (rounds {run_['rounds_wall_seconds']}), "
                  f"CPU {run_['cpu_seconds']} s, peak PSS {run_['peak_pss_mib']} MiB, exit {run_['exit_code']}, "
                  f"load before {run_['load_average_before'][0]:.1f}",
                  _line("site", "pages", "fetched >1", "HEAD", "columns", "findings", "false"),
                  _line("", "", "", "", "found/all", "found/all", ""),
                  _line("", "", "", "", "", "(judged)", "")]
        for site in run_["sites"]:
            columns, findings = site["columns"], site["findings"]
            lines.append(_line(site["name"], site["pages_fetched"], site["pages_fetched_more_than_once"],
                               site["head_requests"], f"{columns['found']}/{columns['total']}",
                               f"{findings['found']}/{findings['seeded']} ({findings['found_judged']}/"
                               f"{findings['judged']})", findings["false"]))
        found = sum(site["columns"]["found"] for site in run_["sites"])
        total = sum(site["columns"]["total"] for site in run_["sites"])
        lines.append(_line("all (server log)", run_["pages_fetched"], run_["pages_fetched_more_than_once"],
                           run_["head_requests"], f"{found}/{total}"))
        for prefix, figures in run_["requests_outside_the_checked_sites"].items():
            lines.append(_line(f"  of which under {prefix}", figures["pages_fetched"],
                               figures["pages_fetched_more_than_once"], figures["head_requests"]))
        for site in run_["sites"]:
            columns = site["columns"]
            if columns["missed"]:
                lines.append(f"  columns missed on {site['name']}: {', '.join(columns['missed'])}")
            if columns["extra"]:
                lines.append(f"  recorded, not columns of the ground truth, on {site['name']}: "
                             + ", ".join(f"{e['name']} {e['path']}" for e in columns["extra"]))
    ratios = report["ratios_current_to_baseline"]
    lines += ["", "current / baseline (4 sites, same round): " + ", ".join(
        f"{key.replace('_', ' ')} {value['median']} (by round {value['by_round']})" for key, value in ratios.items())]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Command line: run the benchmark, print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=1, help="rounds of the three runs (median reported)")
    parser.add_argument("--browser-path", default=None, help="Chromium for both versions (default: their own choice)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before a run is killed")
    parser.add_argument("--current", default=None,
                        help="a commit to run as the current code (default: this working tree, uncommitted too)")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the JSON of the figures")
    args = parser.parse_args(argv)
    report = run(args.rounds, args.browser_path, args.timeout, args.current)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    sys.stdout.write(table(report) + f"\n\nfigures written to {args.out}\n")
    return report


if __name__ == "__main__":
    main()
