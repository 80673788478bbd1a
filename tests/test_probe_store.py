"""站点无法访问 over time: govcheck probe stores samples; run judges the last 7 days of them.

The store cases run against SQLite and against a real PostgreSQL server named by GOVCHECK_TEST_POSTGRES_URL
(``.ci/run`` starts one and sets it); each PostgreSQL case gets a fresh schema, dropped afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from checker.checks.availability import Probe, judge_availability
from checker.demo.server import DemoServer
from checker.probe_store import ProbeStore, ProbeStoreError, Sample, redact_url
from checker.results import Severity
from checker.rules import RuleSet

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_URL = os.environ.get("GOVCHECK_TEST_POSTGRES_URL", "")
needs_postgres = pytest.mark.skipif(
    not POSTGRES_URL, reason="未设置 GOVCHECK_TEST_POSTGRES_URL（PostgreSQL 测试库地址；.ci/run 会启动并设置）")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=needs_postgres)])
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store nobody has used yet: a new SQLite file, or a new schema in the test PostgreSQL database."""
    if request.param == "sqlite":
        yield str(tmp_path / "probes.sqlite")
        return
    import psycopg

    schema = f"govcheck_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


def test_window_is_the_seven_days_ending_with_as_of(store_location: str) -> None:
    store = ProbeStore(store_location)
    base = datetime(2020, 11, 6, 4, 0, tzinfo=UTC)  # 12:00 in Beijing on 2020-11-06
    store.add(Sample("http://a/", base - timedelta(days=day), day % 2 == 0, 1.0) for day in range(10))
    store.add([Sample("http://b/", base, False, 15.0, "超时")])
    window = store.window("http://a/", date(2020, 11, 6))
    assert [sample.at for sample in window] == [base - timedelta(days=day) for day in range(6, -1, -1)]
    assert [sample.ok for sample in window] == [True, False, True, False, True, False, True]
    assert all(sample.site_url == "http://a/" for sample in window)
    assert store.window("http://a/", date(2020, 10, 1)) == []
    # Beijing days: 2020-11-07 00:30 (+08) is 2020-11-06 16:30 UTC, in the window of the 7th, not the 6th.
    late = Sample("http://c/", datetime(2020, 11, 6, 16, 30, tzinfo=UTC), True, 2.0)
    store.add([late])
    assert store.window("http://c/", date(2020, 11, 6)) == []
    assert store.window("http://c/", date(2020, 11, 7)) == [late]


def test_samples_round_trip_exactly_and_persist(store_location: str) -> None:
    at = datetime(2021, 3, 1, 8, 15, 30, 123456, tzinfo=ZoneInfo("Asia/Shanghai"))
    sample = Sample("https://www.example.gov.cn/", at, False, 15.123456789, "连接超时（15秒）",
                    "/srv/证据/0001.png")
    ProbeStore(store_location).add([sample])
    ProbeStore(store_location).add([])  # reopening keeps the table and its rows; an empty batch is a no-op
    (stored,) = ProbeStore(store_location).window(sample.site_url, date(2021, 3, 1))
    assert stored == Sample(sample.site_url, at.astimezone(UTC), False, 15.123456789, sample.reason,
                            sample.evidence)
    assert stored.at == at and stored.at.tzinfo is not None
    assert _rows_in_database(store_location) == 1  # the row is where the location says, not in a stray file


def _rows_in_database(location: str) -> int:
    """Count the probe rows with the database's own client, bypassing ProbeStore."""
    if location.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(location) as connection:
            return connection.execute("SELECT count(*) FROM probe").fetchone()[0]
    import sqlite3

    with closing(sqlite3.connect(location)) as connection:
        return connection.execute("SELECT count(*) FROM probe").fetchone()[0]


def test_redact_url_hides_passwords() -> None:
    assert redact_url("postgresql://u:s3cret@db:5432/x") == "postgresql://u:***@db:5432/x"
    assert redact_url("postgres://u@db/x?password=s3cret&sslmode=require") == \
        "postgres://u@db/x?password=***&sslmode=require"
    assert redact_url("postgresql://db/x") == "postgresql://db/x"


@pytest.mark.parametrize("url", [
    "postgresql://probe:s3cretpw@127.0.0.1:notaport/db",  # rejected by libpq's URL parser
    "postgresql://probe:s3cretpw@127.0.0.1:1/db?connect_timeout=3",  # nothing listens on port 1
])
def test_bad_or_unreachable_postgres_is_a_clear_error(url: str) -> None:
    with pytest.raises(ProbeStoreError) as raised:
        ProbeStore(url)
    message = str(raised.value)
    assert "PostgreSQL 样本库" in message and "s3cretpw" not in message and "probe:***@127.0.0.1" in message


@needs_postgres
def test_wrong_password_is_a_clear_error_without_the_password() -> None:
    import psycopg.conninfo

    params = psycopg.conninfo.conninfo_to_dict(POSTGRES_URL)
    url = (f"postgresql://{params.get('user', 'postgres')}:wr0ngpassword@{params.get('host', '127.0.0.1')}:"
           f"{params.get('port', 5432)}/{params.get('dbname', 'postgres')}")
    with pytest.raises(ProbeStoreError) as raised:
        ProbeStore(url)
    assert "无法打开 PostgreSQL 样本库" in str(raised.value) and "wr0ngpassword" not in str(raised.value)


def test_unusable_sqlite_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "dir.sqlite").mkdir()
    with pytest.raises(ProbeStoreError, match="无法打开 SQLite 样本库"):
        ProbeStore(tmp_path / "dir.sqlite")


@pytest.mark.parametrize("command", ["probe", "run"])
def test_unreachable_store_exits_3_without_the_password(tmp_path: Path, command: str) -> None:
    url = "postgresql://probe:s3cretpw@127.0.0.1:1/db?connect_timeout=3"
    suite = tmp_path / "suite.yaml"
    suite.write_text(f"suite: 监测\nsettings: {{probe_store: '{url}'}}\n"
                     "sites:\n  - {name: 甲, unit: 甲, kind: portal, url: 'http://127.0.0.1:1/'}\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "checker", command, str(suite), "--out" if command == "run"
                           else "--evidence", str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 3, done.stderr
    assert "无法打开 PostgreSQL 样本库" in done.stderr and "s3cretpw" not in done.stderr + done.stdout


def test_monitored_ratio_and_wording() -> None:
    probes = [Probe(True, 1.0)] * 19 + [Probe(False, 15.0, "超时")]
    finding = judge_availability(probes, RuleSet(), url="http://a/", monitored=True)
    assert finding is not None and finding.severity is Severity.VETO  # 1 of 20 = 5%
    assert "近7天监测与本次运行共探测首页20次，失败1次" in finding.detail
    fewer = judge_availability([Probe(True, 1.0)] * 39 + [Probe(False, 15.0, "超时")], RuleSet(), url="http://a/",
                               monitored=True)
    assert fewer is not None and fewer.severity is Severity.ADVISORY  # 1 of 40 = 2.5%


@pytest.mark.browser
def test_probe_then_run_uses_the_samples(tmp_path: Path, demo_server: DemoServer, store_location: str) -> None:
    suite = tmp_path / "suite.yaml"
    suite.write_text(
        f"suite: 监测\nsettings: {{probe_store: '{store_location}'}}\nsites:\n"
        f"  - {{name: 住建局, unit: 住建局, kind: channel, url: '{demo_server.base_url}bm/zjj/'}}\n",
        encoding="utf-8",
    )
    for _ in range(2):
        probed = subprocess.run([sys.executable, "-m", "checker", "probe", str(suite), "--evidence",
                                 str(tmp_path / "shots")], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert probed.returncode == 2, probed.stderr
        assert f"样本已存入 {redact_url(store_location)}" in " ".join(probed.stderr.split())
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the run's default as_of
    samples = ProbeStore(store_location).window(f"{demo_server.base_url}bm/zjj/", today)
    assert len(samples) == 2 and not any(sample.ok for sample in samples)
    assert all(Path(sample.evidence).is_file() for sample in samples)

    done = subprocess.run([sys.executable, "-m", "checker", "run", str(suite), "--out", str(tmp_path / "out")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    finding = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))["sites"][0]["findings"][0]
    assert "近7天监测与本次运行共探测首页5次，失败5次" in finding["detail"]
    assert len(finding["evidence"]) >= 3  # this run's failure (page + element) and the stored probe screenshots
