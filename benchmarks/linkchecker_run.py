"""LinkChecker, the baseline of the link benchmark: installed on demand, run on a site, its output counted.

LinkChecker goes into its own venv (``benchmarks/.venv-linkchecker``, ignored by git) from PyPI, so it
never touches govcheck's environment. It is run with settings comparable to govcheck's: the whole site
recursively from the start URL, external links (to ``localhost``) checked but not followed, robots.txt
off, a 15 s timeout, N threads, and its per-host rate limit lifted (``maxrequestspersecond`` very high;
the benchmark server sends the ``LinkChecker`` header that LinkChecker requires before it honours that).
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

from benchmarks.proctree import Measured, run_measured

VENV = Path(__file__).resolve().parent / ".venv-linkchecker"
CONFIG = """[checking]
threads={threads}
timeout={timeout}
robotstxt=0
maxrequestspersecond=1000000
recursionlevel=-1
[filtering]
checkextern=1
[output]
log=csv
verbose=1
warnings=0
status=0
[csv]
parts=url,valid,result,parentname,outro
"""


def ensure_linkchecker() -> Path:
    """The ``linkchecker`` executable, installing it from PyPI into its own venv the first time."""
    exe = VENV / "bin" / "linkchecker"
    if not exe.exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
        subprocess.run([str(VENV / "bin" / "python"), "-m", "pip", "install", "-q", "linkchecker"], check=True)
    return exe


def linkchecker_version(exe: Path) -> str:
    """LinkChecker's version line, e.g. ``LinkChecker 10.6.0``."""
    done = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=False)
    first = (done.stdout or done.stderr).splitlines()[0]
    return " ".join(first.split()[:2])


def parse_csv(text: str) -> dict[str, object]:
    """Count LinkChecker's CSV rows: every logged URL (one row per parent occurrence) and the unique ones."""
    rows = list(csv.DictReader(io.StringIO("\n".join(line for line in text.splitlines() if not line.startswith("#"))),
                               delimiter=";"))
    valid: dict[str, bool] = {}
    for row in rows:
        url = row.get("url") or ""
        valid[url] = valid.get(url, True) and row.get("valid") == "True"
    return {"rows": len(rows), "unique_links": len(valid),
            "invalid": sorted(url for url, ok in valid.items() if not ok)}


def run_linkchecker(exe: Path, start_url: str, threads: int, timeout: int = 15) -> tuple[Measured, dict[str, object]]:
    """Check the site from ``start_url``; the measured run and the counted output."""
    with tempfile.NamedTemporaryFile("w", suffix=".ini", delete=False) as config:
        config.write(CONFIG.format(threads=threads, timeout=timeout))
    Path(config.name).chmod(0o644)
    try:
        measured = run_measured([str(exe), "-f", config.name, "--check-extern", "--no-robots", start_url])
    finally:
        Path(config.name).unlink()
    if measured.returncode not in (0, 1):
        raise RuntimeError(f"LinkChecker failed ({measured.returncode}): {measured.stderr[-2000:]}")
    return measured, parse_csv(measured.stdout)


if __name__ == "__main__":
    exe = ensure_linkchecker()
    print(linkchecker_version(exe))
    outcome, counted = run_linkchecker(exe, sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 10)
    print(outcome.wall_seconds, outcome.peak_rss_bytes >> 20, outcome.peak_pss_bytes >> 20, counted)
