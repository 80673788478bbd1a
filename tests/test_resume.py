"""Nothing lost: a run killed mid-suite keeps its finished sites, and --resume completes the same result."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from checker.scenario import Settings, Suite

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
COMMAND = [sys.executable, "-m", "checker", "run"]


def comparable(results_dir: Path) -> dict[str, tuple]:
    """Per site: verdict, score and the findings (URL targets by path: evidence times differ)."""
    data = json.loads((results_dir / "results.json").read_text(encoding="utf-8"))
    return {
        site["name"]: (
            site["verdict"],
            site["score"],
            sorted(
                (f["indicator"], f["severity"], urlsplit(f["target"]).path or f["target"]) for f in site["findings"]
            ),
        )
        for site in data["sites"]
    }


@pytest.fixture
def one_at_a_time(demo_suite_live: Suite, tmp_path: Path) -> Path:
    """The demo suite with one site at a time, so a kill lands between sites."""
    suite = demo_suite_live.model_copy(update={"settings": Settings(concurrency=1)})
    path = tmp_path / "suite.yaml"
    path.write_text(yaml.safe_dump(suite.model_dump(mode="json", by_alias=True), allow_unicode=True), "utf-8")
    return path


def test_killed_run_resumes_to_the_same_result(one_at_a_time: Path, tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    assert subprocess.run([*COMMAND, str(one_at_a_time), "--out", str(reference)], cwd=ROOT,
                          capture_output=True, timeout=300).returncode == 2

    killed = tmp_path / "killed"
    process = subprocess.Popen([*COMMAND, str(one_at_a_time), "--out", str(killed)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    journal = killed / "sites.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (journal.exists() and journal.read_text("utf-8").strip()):
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    finished = [line for line in journal.read_text("utf-8").splitlines() if line.strip()]
    assert 1 <= len(finished) < 4, "the kill should land between the first and the last site"
    assert not (killed / "results.json").exists()

    resumed = subprocess.run([*COMMAND, str(one_at_a_time), "--resume", str(killed)], cwd=ROOT,
                             capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 2, resumed.stderr
    assert comparable(killed) == comparable(reference)
    lost = sum(len(findings) for _, _, findings in comparable(reference).values()) - sum(
        len(findings) for _, _, findings in comparable(killed).values()
    )
    assert lost == 0


def test_resume_refuses_another_suite(one_at_a_time: Path, tmp_path: Path) -> None:
    out = tmp_path / "other"
    out.mkdir()
    (out / "run.json").write_text('{"digest": "x", "as_of": "2020-11-06", "started_at": "2020-11-06T00:00:00"}')
    done = subprocess.run([*COMMAND, str(one_at_a_time), "--resume", str(out)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 3
    assert "不能续跑" in done.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    done = subprocess.run([*COMMAND, str(one_at_a_time), "--resume", str(empty)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 3
    assert "没有可续跑的运行记录" in done.stderr
