"""Benchmark of govcheck on a flaky server: the demo suite under deterministic faults, against the ground truth.

For every seed and fault total (``--rates``, default 0 %, 5 %, 10 %, 20 %) a demo server of the current code is
started in this process with ``FaultPlan.even(rate, seed)`` (of the faulted requests 40 % are reset without an
answer, 40 % answered 503 without Retry-After, 20 % answered after ``--stall-seconds``) and the whole demo
suite is run against it. Per run the report gives the false findings (reported, not seeded) and the lost ones
(seeded, not reported) with their site, indicator and target, the faults injected and the requests the server
decided, the checks not done and the looks left 未能核查, and the wall seconds; the 0 % run is the clean time.

- the current code (this working tree, uncommitted changes included) runs in this process through
  :func:`checker.demo.fault_run.run_demo_under_faults`; with ``--subprocess`` it runs as ``python -m checker
  run`` like the other versions instead (the same conditions as theirs, Python start-up included);
- ``--ref GITREF`` (repeatable; ``--baseline`` is the same) measures another commit in the same benchmark: it
  is checked out with ``git worktree`` into a temporary folder (as benchmarks/bench_sitemap.py does) and run
  as ``python -m checker run SUITE --out … --as-of 2020-11-06`` with ``PYTHONPATH`` set to that folder, against
  a demo server of the *current* code with the same fault plan; its results.json is read with the current
  ``checker.results`` and compared with the current ground truth, restricted to the indicators that version
  judges (its own ``IMPLEMENTED``). Each rate runs every version in turn, each on a fresh server and a fresh
  plan, so the k-th request of a URL draws the same fault for every version.

Run by hand: ``python -m benchmarks.bench_faults [--rates 0,10%] [--seeds 7] [--ref b0dbbd1]``; see
benchmarks/README.md. The JSON goes to ``benchmarks/out/faults.json`` and to standard output.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Collection, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from benchmarks.bench_sitemap import Code, worktree
from checker.demo.fault_run import demo_suite_text, run_demo_under_faults
from checker.demo.faults import FaultPlan
from checker.demo.server import DemoServer
from checker.demo.truth import Comparison, compare_items, compare_with_ground_truth, reported_from_json, seeded
from checker.results import read_results

REPO = Path(__file__).resolve().parents[1]
OUT = Path(__file__).resolve().parent / "out" / "faults.json"
AS_OF = "2020-11-06"
DEFAULT_RATES = (0.0, 0.05, 0.10, 0.20)
DEFAULT_SEEDS = (7,)
CURRENT = "current"


def parse_rates(text: str) -> list[float]:
    """``0,5%,0.1`` → [0.0, 0.05, 0.1]: shares, or percentages with ``%``; each in 0…1."""
    rates = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            rate = float(item[:-1]) / 100 if item.endswith("%") else float(item)
        except ValueError:
            raise argparse.ArgumentTypeError(f"无法识别的故障比例：{item}") from None
        if not 0.0 <= rate <= 1.0:
            raise argparse.ArgumentTypeError(f"故障比例应在 0 与 1 之间（或 0%–100%）：{item}")
        rates.append(round(rate, 6))
    if not rates:
        raise argparse.ArgumentTypeError("至少需要一个故障比例")
    return rates


def parse_seeds(text: str) -> list[int]:
    """``7,8`` → [7, 8]."""
    try:
        seeds = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"种子应为整数：{text}") from None
    if not seeds:
        raise argparse.ArgumentTypeError("至少需要一个种子")
    return seeds


def build_parser() -> argparse.ArgumentParser:
    """The command line's options."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rates", type=parse_rates, default=list(DEFAULT_RATES),
                        help="故障总比例，逗号分隔，如 0,0.05,0.1 或 0,5%%,10%%（默认 0,5%%,10%%,20%%）")
    parser.add_argument("--seeds", type=parse_seeds, default=list(DEFAULT_SEEDS), help="随机种子，逗号分隔（默认 7）")
    parser.add_argument("--stall-seconds", type=float, default=4.0, help="延迟回答的秒数（默认 4）")
    parser.add_argument("--ref", "--baseline", dest="refs", action="append", default=[], metavar="GITREF",
                        help="另测某个提交的 govcheck（git worktree 检出，可重复），与当前代码在同一故障下比较")
    parser.add_argument("--no-current", dest="current", action="store_false",
                        help="不测当前代码（只测 --ref 指定的版本）")
    parser.add_argument("--subprocess", action="store_true",
                        help="当前代码也以 python -m checker run 子进程运行（与 --ref 版本条件相同）")
    parser.add_argument("--browser-path", default=os.environ.get("GOVCHECK_CHROMIUM"),
                        help="Chromium 可执行文件（默认取 GOVCHECK_CHROMIUM，否则各版本自选）")
    parser.add_argument("--timeout", type=float, default=1800, help="子进程运行的超时秒数（默认 1800）")
    parser.add_argument("--out", type=Path, default=OUT, help="JSON 写到哪里（默认 benchmarks/out/faults.json）")
    parser.add_argument("--overhead-rounds", type=int, default=0,
                        help="另测复测在无故障时的耗时：默认复测与关闭复测交替各运行 N 次（默认 0：不测）")
    parser.add_argument("--keep", type=Path, default=None, help="保留各次运行的输出目录于此（默认用临时目录并删除）")
    return parser


def coverage(data: dict[str, Any]) -> dict[str, Any]:
    """From a results.json (as plain JSON): sites left unchecked, checks not done and looks left 未能核查."""
    not_done, unverified = [], []
    for site in data.get("sites", []):
        for record in site.get("checks", []):
            if record.get("status") != "done":
                not_done.append({"site": site["name"], "check": record.get("check"), "status": record.get("status"),
                                 "note": record.get("note", "")})
            unverified += [{"site": site["name"], "check": record.get("check"), "what": look.get("what", ""),
                            "reason": look.get("reason", "")} for look in record.get("unverified", [])]
    return {"unchecked_sites": [site.get("name") for site in data.get("unchecked", [])],
            "checks_not_done": not_done, "unverified_count": len(unverified), "unverified": unverified}


def run_figures(version: str, plan: FaultPlan, rate: float, comparison: Comparison, seconds: float,
                data: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """One run's figures for the JSON: the plan, faults injected (and each faulted request, ``fault_log``),
    false and lost findings, coverage, time."""
    counts = plan.counts()
    return {"version": version, "rate": rate, "seed": plan.seed, "wall_seconds": round(seconds, 1),
            "requests": counts.pop("requests"), "faults": counts, **comparison.as_dict(), **coverage(data), **extra,
            "fault_log": [f"{fault.value} {method} {target}" for fault, method, target in plan.log]}


def measure_current(plan: FaultPlan, rate: float, out: Path, browser_path: str | None) -> dict[str, Any]:
    """The current code in this process, through :func:`run_demo_under_faults`."""
    result, comparison, seconds = run_demo_under_faults(plan, out, browser_path=browser_path)
    return run_figures(CURRENT, plan, rate, comparison, seconds, result.model_dump(mode="json", by_alias=True))


def measure_overhead(rounds: int, out: Path, browser_path: str | None) -> dict[str, Any]:
    """The re-tests' cost on a clean server: the current code on the demo without faults, with the default
    re-tests and with every re-test off, alternating, ``rounds`` times each; the median of the per-round
    ratios (same round, same machine load) is the overhead."""
    ratios, pairs = [], []
    for round_number in range(rounds):
        seconds = {}
        for label, off in (("with_retests", False), ("without_retests", True)):
            sys.stderr.write(f"overhead round {round_number + 1}: {label} …\n")
            got = run_demo_under_faults(None, out / f"overhead-{round_number}-{label}", browser_path=browser_path,
                                        without_retests=off)
            seconds[label] = round(got.seconds, 1)
            seconds[f"{label}_findings"] = len(got.comparison.false) + len(got.comparison.lost)
        ratios.append(seconds["with_retests"] / seconds["without_retests"])
        pairs.append(seconds)
    ratios.sort()
    return {"rounds": pairs, "ratios": [round(ratio, 3) for ratio in ratios],
            "median_ratio": round(ratios[len(ratios) // 2], 3) if ratios else None}


def compare_results_file(path: Path, implemented: Collection[str]) -> tuple[Comparison, dict[str, Any], str]:
    """A results.json another version wrote, compared with the ground truth; read with the current
    ``checker.results`` and, when its structure differs, compared from the plain JSON (the note says so)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    try:
        comparison = compare_with_ground_truth(read_results(path), implemented)
        note = ""
    except ValidationError as error:
        comparison = compare_items(reported_from_json(data), seeded(implemented))
        note = f"results.json 与当前结构不符，按 JSON 直接比较：{str(error).splitlines()[0]}"
    return comparison, data, note


def measure_subprocess(code: Code, plan: FaultPlan, rate: float, out: Path, browser_path: str | None,
                       timeout: float, implemented: Collection[str]) -> dict[str, Any]:
    """A version run as ``python -m checker run`` against a demo server of the current code with ``plan``."""
    suite = out.with_name(out.name + "-suite.yaml")
    with DemoServer(port=0, faults=plan) as server:
        suite.write_text(demo_suite_text(server.base_url), encoding="utf-8")
        command = code.command("-m", "checker", "run", str(suite), "--out", str(out), "--as-of", AS_OF,
                               *(["--browser-path", browser_path] if browser_path else []))
        started = time.monotonic()
        done = subprocess.run(command, cwd=code.root, capture_output=True, text=True, timeout=timeout, check=False)
        seconds = time.monotonic() - started
    if not (out / "results.json").exists():
        raise RuntimeError(f"{code.name} 未写出 results.json（退出码 {done.returncode}）：{done.stderr[-3000:]}")
    comparison, data, note = compare_results_file(out / "results.json", implemented)
    return run_figures(code.name, plan, rate, comparison, seconds, data, exit_code=done.returncode,
                       **({"note": note} if note else {}))


def _implemented(code: Code) -> list[str]:
    return json.loads(code.python(
        "import json; from checker.checks.registry import IMPLEMENTED; print(json.dumps(sorted(IMPLEMENTED)))"))


def _git(*arguments: str, cwd: Path = REPO) -> str:
    done = subprocess.run(["git", *arguments], cwd=cwd, capture_output=True, text=True, check=False)
    return done.stdout.rstrip("\n")


def _check_key(record: dict[str, Any]) -> tuple[str, str, str]:
    return record["site"], record["check"], record["status"]


def relate_to_clean(runs: list[dict[str, Any]]) -> None:
    """Replace each run's list of checks not done by its count and those checks not done that the same
    version's clean (0 %) run of the same seed did do (``checks_not_done_beyond_clean``; every check not done
    when there is no clean run)."""
    clean = {(run["version"], run["seed"]): {_check_key(record) for record in run["checks_not_done"]}
             for run in runs if run["rate"] == 0}
    for run in runs:
        skipped_clean = clean.get((run["version"], run["seed"]), set())
        records = run.pop("checks_not_done")
        run["checks_not_done_count"] = len(records)
        run["checks_not_done_beyond_clean"] = [record for record in records if _check_key(record) not in skipped_clean]


def summary(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One line per run: version, seed, rate, faults, false/lost counts, seconds and the slowdown against the
    same version's clean (0 %) run of the same seed."""
    clean = {(run["version"], run["seed"]): run["wall_seconds"] for run in runs if run["rate"] == 0}
    lines = []
    for run in runs:
        base = clean.get((run["version"], run["seed"]))
        lines.append({"version": run["version"], "seed": run["seed"], "rate": run["rate"],
                      "faults": sum(run["faults"].values()), "false": run["false_count"], "lost": run["lost_count"],
                      "wall_seconds": run["wall_seconds"],
                      "vs_clean": round(run["wall_seconds"] / base, 2) if base else None})
    return lines


def run(rates: Sequence[float], seeds: Sequence[int], refs: Sequence[str] = (), *, current: bool = True,
        as_subprocess: bool = False, stall_seconds: float = 4.0, browser_path: str | None = None,
        timeout: float = 1800, keep: Path | None = None) -> dict[str, Any]:
    """Every run of the benchmark and the report made from them."""
    from checker.checks.registry import IMPLEMENTED

    report: dict[str, Any] = {
        "as_of": AS_OF, "rates": list(rates), "seeds": list(seeds), "stall_seconds": stall_seconds,
        "split": "40% 连接重置 / 40% 503（无 Retry-After）/ 20% 延迟",
        "current_commit": _git("rev-parse", "--short", "HEAD").strip(),
        "current_uncommitted": _git("status", "--porcelain", "--", "checker").splitlines(),
        "cores": os.cpu_count(), "load_average_before": os.getloadavg(), "versions": {}, "runs": []}
    with ExitStack() as stack:
        work = keep or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="govcheck-faults-")))
        work.mkdir(parents=True, exist_ok=True)
        codes: dict[str, Code] = {}
        for ref in refs:
            root = stack.enter_context(worktree(ref))
            codes[ref] = Code(ref, root, True)
            imported = codes[ref].python("import checker; print(checker.__file__)")  # its own code, not ours
            if Path(imported) != root / "checker" / "__init__.py":
                raise RuntimeError(f"{ref} 导入的是 {imported}，不是检出目录中的代码")
            report["versions"][ref] = {"commit": _git("rev-parse", "--short", "HEAD", cwd=root).strip(),
                                       "imported_from": imported}
        implemented = {name: _implemented(code) for name, code in codes.items()}
        if current:
            report["versions"][CURRENT] = {"commit": report["current_commit"], "in_process": not as_subprocess}
            if as_subprocess:
                codes = {CURRENT: Code(CURRENT, REPO, True), **codes}
                implemented[CURRENT] = sorted(IMPLEMENTED)
        for seed in seeds:
            for rate in rates:
                for version in ([CURRENT] if current and not as_subprocess else []) + list(codes):
                    plan = FaultPlan.even(rate, seed=seed, stall_seconds=stall_seconds)
                    out = work / f"{version.replace('/', '_')}-seed{seed}-rate{rate:g}"
                    sys.stderr.write(f"{version} seed {seed} rate {rate:.0%} …\n")
                    if version in codes:
                        figures = measure_subprocess(codes[version], plan, rate, out, browser_path, timeout,
                                                     implemented[version])
                    else:
                        figures = measure_current(plan, rate, out, browser_path)
                    report["runs"].append(figures)
                    sys.stderr.write(f"  {figures['wall_seconds']} s, faults {figures['faults']}, "
                                     f"false {figures['false_count']}, lost {figures['lost_count']}\n")
    relate_to_clean(report["runs"])
    report["summary"] = summary(report["runs"])
    report["load_average_after"] = os.getloadavg()
    return report


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Command line: run the benchmark, write the JSON and print it (without the per-request fault logs)."""
    args = build_parser().parse_args(argv)
    os.environ.setdefault("GOVCHECK_LOOPBACK_ONLY", "1")
    report = run(args.rates, args.seeds, args.refs, current=args.current, as_subprocess=args.subprocess,
                 stall_seconds=args.stall_seconds, browser_path=args.browser_path, timeout=args.timeout,
                 keep=args.keep)
    if args.overhead_rounds:
        with tempfile.TemporaryDirectory(prefix="govcheck-overhead-") as work:
            report["retest_overhead_clean"] = measure_overhead(args.overhead_rounds, Path(work), args.browser_path)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    shown = {**report, "runs": [{key: value for key, value in run.items() if key != "fault_log"}
                                for run in report["runs"]]}
    sys.stdout.write(json.dumps(shown, ensure_ascii=False, indent=2)
                     + f"\n\nfigures written to {args.out} (with each run's fault_log)\n")
    return report


if __name__ == "__main__":
    main()
