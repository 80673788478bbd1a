"""站点无法访问 over time: govcheck probe stores samples; run judges the last 7 days of them."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from checker.checks.availability import Probe, judge_availability
from checker.demo.server import DemoServer
from checker.probe_store import ProbeStore, Sample
from checker.results import Severity
from checker.rules import RuleSet

ROOT = Path(__file__).resolve().parents[1]


def test_window_is_the_seven_days_ending_with_as_of(tmp_path: Path) -> None:
    store = ProbeStore(tmp_path / "p.sqlite")
    base = datetime(2020, 11, 6, 4, 0, tzinfo=UTC)  # 12:00 in Beijing on 2020-11-06
    store.add(Sample("http://a/", base - timedelta(days=day), day % 2 == 0, 1.0) for day in range(10))
    store.add([Sample("http://b/", base, False, 15.0, "超时")])
    window = store.window("http://a/", date(2020, 11, 6))
    assert len(window) == 7
    assert all(sample.site_url == "http://a/" for sample in window)
    assert store.window("http://a/", date(2020, 10, 1)) == []


def test_monitored_ratio_and_wording() -> None:
    probes = [Probe(True, 1.0)] * 19 + [Probe(False, 15.0, "超时")]
    finding = judge_availability(probes, RuleSet(), url="http://a/", monitored=True)
    assert finding is not None and finding.severity is Severity.VETO  # 1 of 20 = 5%
    assert "近7天监测与本次运行共探测首页20次，失败1次" in finding.detail
    fewer = judge_availability([Probe(True, 1.0)] * 39 + [Probe(False, 15.0, "超时")], RuleSet(), url="http://a/",
                               monitored=True)
    assert fewer is not None and fewer.severity is Severity.ADVISORY  # 1 of 40 = 2.5%


@pytest.mark.browser
def test_probe_then_run_uses_the_samples(tmp_path: Path, demo_server: DemoServer) -> None:
    store = tmp_path / "probes.sqlite"
    suite = tmp_path / "suite.yaml"
    suite.write_text(
        f"suite: 监测\nsettings: {{probe_store: '{store}'}}\nsites:\n"
        f"  - {{name: 住建局, unit: 住建局, kind: channel, url: '{demo_server.base_url}bm/zjj/'}}\n",
        encoding="utf-8",
    )
    for _ in range(2):
        probed = subprocess.run([sys.executable, "-m", "checker", "probe", str(suite), "--evidence",
                                 str(tmp_path / "shots")], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert probed.returncode == 2, probed.stderr
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the run's default as_of
    samples = ProbeStore(store).window(f"{demo_server.base_url}bm/zjj/", today)
    assert len(samples) == 2 and not any(sample.ok for sample in samples)
    assert all(Path(sample.evidence).is_file() for sample in samples)

    done = subprocess.run([sys.executable, "-m", "checker", "run", str(suite), "--out", str(tmp_path / "out")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    finding = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))["sites"][0]["findings"][0]
    assert "近7天监测与本次运行共探测首页5次，失败5次" in finding["detail"]
    assert len(finding["evidence"]) >= 3  # this run's failure (page + element) and the stored probe screenshots
