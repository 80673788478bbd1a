"""govcheck's side of the link benchmark: ``govcheck links`` run as a subprocess, measured like LinkChecker.

Running the command (``python -m checker links …``), not the library, measures what a user gets: start-up,
Chromium and its child processes, the crawl and the checks, and the JSON the command writes.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks.proctree import Measured, run_measured

FAILING = ("broken", "suspect", "timeout")
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Limits:
    """The command's concurrency and politeness settings for one run."""

    tabs: int | None = None
    per_host: int = 10
    concurrency: int = 32
    min_interval: float = 0.0
    timeout: float = 15
    browser_path: str | None = None
    mode: str = "render"
    retry_pause: float | None = None

    def options(self) -> list[str]:
        """The command-line options for these limits (``mode`` is hybrid, render or fetch, see ``govcheck links``)."""
        options = ["--mode", self.mode, *(["--tabs", str(self.tabs)] if self.tabs else []), "--per-host",
                   str(self.per_host), "--concurrency",
                   str(self.concurrency), "--min-interval", str(self.min_interval), "--timeout", str(self.timeout)]
        options += ["--retry-pause", str(self.retry_pause)] if self.retry_pause is not None else []
        return options + (["--browser-path", self.browser_path] if self.browser_path else [])


@dataclass(frozen=True)
class GovcheckRun:
    """A measured run of ``govcheck links`` and the JSON it wrote (without the per-URL results)."""

    measured: Measured
    summary: dict[str, object]
    failing: frozenset[str]
    checked: frozenset[str]


def _run(arguments: list[str], limits: Limits) -> GovcheckRun:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "links.json"
        command = [sys.executable, "-m", "checker", "links", *arguments, "--json", str(target), *limits.options()]
        measured = run_measured(command, cwd=ROOT)
        if measured.returncode not in (0, 2) or not target.exists():
            raise RuntimeError(f"govcheck links failed ({measured.returncode}): {measured.stderr[-2000:]}")
        data = json.loads(target.read_text(encoding="utf-8"))
    results = data.pop("results")
    return GovcheckRun(measured, data, frozenset(r["url"] for r in results if r["status"] in FAILING),
                       frozenset(r["url"] for r in results))


@functools.cache
def modes_available() -> tuple[str, ...]:
    """The crawl modes this checkout's ``govcheck links --mode`` accepts (``hybrid`` once it has landed)."""
    done = subprocess.run([sys.executable, "-m", "checker", "links", "--help"], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    choices = re.search(r"--mode\s*\[([^\]]+)\]", done.stdout)
    return tuple(mode for mode in ("hybrid", "fetch", "render") if choices and mode in choices.group(1).split("|"))


def crawl_site(start_url: str, max_depth: int, limits: Limits) -> GovcheckRun:
    """Crawl the whole site from ``start_url`` (no page cap below 100,000) and check every link."""
    return _run([start_url, "--max-pages", "100000", "--max-depth", str(max_depth)], limits)


def check_list(urls: list[str], limits: Limits) -> GovcheckRun:
    """Check a list of URLs without crawling (``--urls``)."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as listing:
        listing.write("\n".join(urls) + "\n")
    try:
        return _run(["--urls", listing.name], limits)
    finally:
        Path(listing.name).unlink()
