"""Run a command and measure it as a whole: wall time and the peak memory of its process tree.

The tree is the process and all its descendants (govcheck's Chromium children count against govcheck),
found by scanning /proc every poll. Two memory figures are kept: the peak of the summed RSS, which counts
pages shared between processes (libraries, Chromium's shared memory) once per process and so overstates, and
the peak of the summed PSS (/proc/PID/smaps_rollup), which splits shared pages between their sharers and is
the honest total; PSS costs more to read, so it is sampled every few polls (and split by kind of process at
its peak). CPU time is summed by kind of process (as last seen by a poll, so a process's last 50 ms may be
missed), to show where the time goes.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")
MIB = 1 << 20


@dataclass(frozen=True)
class Measured:
    """What one measured run gave: exit code, wall time, peaks and the captured output."""

    returncode: int
    wall_seconds: float
    peak_rss_bytes: int
    peak_pss_bytes: int
    peak_processes: int
    stdout: str
    stderr: str
    cpu_seconds: dict[str, float]
    peak_pss_mib_by_process: dict[str, float]


def _children() -> dict[int, list[int]]:
    """Every live process's children, by parent pid."""
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(parent, []).append(int(entry.name))
    return tree


def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants alive now."""
    tree, found, index = _children(), [root], 0
    while index < len(found):
        found.extend(tree.get(found[index], []))
        index += 1
    return found


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _pss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _label(pid: int) -> str:
    """A short name for a process: its program, and Chromium's ``--type`` (renderer, gpu-process, …)."""
    try:
        name = Path(f"/proc/{pid}/comm").read_text().strip()
        line = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "?"
    kind = re.search(r"--utility-sub-type=\S*?(\w+)(?:\s|$)", line) or re.search(r"--type=(\S+)", line)
    return f"{name} {kind.group(1)}" if kind else name


def _cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return 0


def _by_label(values: dict[int, int], labels: dict[int, str], unit: int) -> dict[str, float]:
    """Per-process values summed by kind of process, in ``unit``s."""
    out: dict[str, float] = {}
    for pid, value in values.items():
        out[labels[pid]] = out.get(labels[pid], 0) + value / unit
    return {label: round(value, 2) for label, value in sorted(out.items(), key=lambda item: -item[1])}


def run_measured(command: Sequence[str], *, cwd: Path | None = None, timeout: float = 3600,
                 interval: float = 0.05, pss_every: int = 4) -> Measured:
    """Run ``command`` to its end (killed after ``timeout`` s), polling its tree every ``interval`` s."""
    peak_rss = peak_pss = peak_count = polls = 0
    labels: dict[int, str] = {}
    peak_split: dict[str, float] = {}
    ticks: dict[int, int] = {}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(list(command), cwd=cwd, stdout=out, stderr=err, text=True)
        while process.poll() is None:
            if time.perf_counter() - started > timeout:
                process.kill()
                break
            pids = process_tree(process.pid)
            peak_count = max(peak_count, len(pids))
            for pid in pids:
                if labels.get(pid, "zygote").endswith("zygote"):  # a forked renderer says so only later
                    labels[pid] = _label(pid)
                ticks[pid] = max(ticks.get(pid, 0), _cpu_ticks(pid))
            peak_rss = max(peak_rss, sum(_rss(pid) for pid in pids))
            if polls % pss_every == 0:
                shares = {pid: _pss(pid) for pid in pids}
                if sum(shares.values()) > peak_pss:
                    peak_pss, peak_split = sum(shares.values()), _by_label(shares, labels, MIB)
            polls += 1
            time.sleep(interval)
        returncode = process.wait()
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        return Measured(returncode, wall, peak_rss, peak_pss, peak_count, out.read(), err.read(),
                        _by_label(ticks, labels, TICKS), peak_split)
