"""Shards: a deterministic share of the sites per run, and a merge equal to one whole run."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from checker.engine import RunOptions
from checker.results import RunResult
from checker.scenario import Site, Suite
from checker.shards import ShardError, merge_results, parse_shard, shard_indices, shard_of
from tests.conftest import DemoRun, run_in_thread
from tests.test_resume import comparable

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("text", "expected"), [("1/4", (1, 4)), (" 2 / 2 ", (2, 2))])
def test_parse_shard(text: str, expected: tuple[int, int]) -> None:
    assert parse_shard(text) == expected


@pytest.mark.parametrize("text", ["0/4", "5/4", "1", "a/b", "1/0"])
def test_bad_shards_are_refused(text: str) -> None:
    with pytest.raises(ShardError):
        parse_shard(text)


def test_every_site_lands_in_exactly_one_shard_and_stays_there() -> None:
    sites = [Site(name=f"网站{i}", unit="u", url=f"http://127.0.0.1/{i}/") for i in range(40)]
    shares = [shard_indices(sites, part, 3) for part in (1, 2, 3)]
    assert sorted(i for share in shares for i in share) == list(range(40))
    assert all(share for share in shares)
    assert [shard_of(site, 3) for site in sites] == [shard_of(site, 3) for site in sites[::-1]][::-1]


def test_merge_refuses_runs_of_different_suites() -> None:
    moment = datetime(2020, 11, 6, tzinfo=UTC)
    one = RunResult(suite="甲", as_of=date(2020, 11, 6), started_at=moment, finished_at=moment, sites=[])
    other = one.model_copy(update={"suite": "乙"})
    with pytest.raises(ShardError, match="不一致"):
        merge_results([one, other])


@pytest.mark.browser
def test_two_shards_merge_into_the_whole_run(demo_suite_live: Suite, demo_run: DemoRun, tmp_path: Path) -> None:
    parts = []
    for part in (1, 2):
        out = tmp_path / f"shard{part}"
        result = run_in_thread(demo_suite_live, RunOptions(out, shard=(part, 2)))
        assert result.shard == f"{part}/2"
        parts.append(out)
    merged = tmp_path / "merged"
    done = subprocess.run([sys.executable, "-m", "checker", "merge", *map(str, parts), "--out", str(merged)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert comparable(merged) == comparable(demo_run.out_dir)
    verified = subprocess.run([sys.executable, "-m", "checker", "verify", str(merged)], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
    assert verified.returncode == 0, verified.stdout + verified.stderr
