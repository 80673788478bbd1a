"""Politeness: per-host pacing, robots.txt when the suite asks, and a time budget for the whole run."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from checker.engine import RunOptions
from checker.politeness import Politeness
from checker.reports.html import render_report
from checker.results import CheckStatus
from checker.scenario import parse_suite
from tests.aio import run_async
from tests.conftest import run_in_thread
from tests.hostile import HostileServer


def in_thread(coroutine):
    """Run a coroutine on its own thread: pytest-playwright keeps an event loop on the main one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_requests_to_one_host_keep_the_interval_and_other_hosts_do_not_wait() -> None:
    async def pace() -> tuple[float, float]:
        politeness = Politeness(min_interval_seconds=0.3)
        started = time.monotonic()
        for _ in range(3):
            await politeness.wait_turn("http://a.test/x")
        same_host = time.monotonic() - started
        started = time.monotonic()
        await politeness.wait_turn("http://b.test/")
        await politeness.wait_turn("http://c.test/")
        return same_host, time.monotonic() - started

    same_host, other_hosts = in_thread(pace())
    assert same_host >= 0.6
    assert other_hosts < 0.2


def suite_text(server: HostileServer, *paths: str, settings: str) -> str:
    sites = "".join(f"  - {{name: 站点{path}, unit: 测试单位, url: '{server.base_url}{path}'}}\n" for path in paths)
    return f"suite: 礼貌测试\nas_of: 2020-11-06\nsettings: {settings}\nsites:\n{sites}"


@pytest.mark.browser
def test_robots_txt_is_honoured_when_the_suite_asks(tmp_path: Path) -> None:
    with HostileServer() as server:
        text = suite_text(server, "dialogs", "blocked/", settings="{respect_robots: true}")
        result = run_in_thread(parse_suite(text), RunOptions(tmp_path))
    reachable, blocked = result.sites
    columns = {record.check: record for record in reachable.checks}["columns"]
    assert "robots.txt 不允许访问" in columns.note  # /ywdt/ is disallowed: not read, and said so
    assert not blocked.findings
    assert all(record.status is CheckStatus.SKIPPED for record in blocked.checks[1:])
    assert "robots.txt" in blocked.checks[0].note


@pytest.mark.browser
def test_sites_past_the_run_budget_are_listed_unchecked(tmp_path: Path) -> None:
    with HostileServer() as server:
        text = suite_text(server, "hang", "dialogs", "popup",
                          settings="{concurrency: 1, run_timeout_seconds: 2, page_timeout_seconds: 30}")
        started = time.monotonic()
        result = run_in_thread(parse_suite(text), RunOptions(tmp_path))
        elapsed = time.monotonic() - started
    assert [site.name for site in result.sites] == ["站点hang"]
    assert {site.name for site in result.unchecked} == {"站点dialogs", "站点popup"}
    assert "超出运行时间预算" in result.sites[0].checks[-1].note
    assert "另有 2 个网站未检查" in render_report(result)
    assert elapsed < 20


class _RobotsAnswers:
    """A request client answering robots.txt with the given statuses in turn (the last one repeats)."""

    def __init__(self, *statuses: int) -> None:
        self.statuses = list(statuses)
        self.asked = 0

    async def get(self, url: str, **_: object) -> _RobotsAnswer:
        status = self.statuses[min(self.asked, len(self.statuses) - 1)]
        self.asked += 1
        return _RobotsAnswer(status)


class _RobotsAnswer:
    def __init__(self, status: int) -> None:
        self.status = status

    async def text(self) -> str:
        return "User-agent: *\nDisallow: /private/\n"


def test_a_robots_txt_that_failed_to_load_is_asked_for_again() -> None:

    from checker.politeness import Politeness

    politeness = Politeness(respect_robots=True)
    client = _RobotsAnswers(503, 200)
    first = run_async(politeness.allowed("http://127.0.0.1:9/private/a", client))  # type: ignore[arg-type]
    second = run_async(politeness.allowed("http://127.0.0.1:9/private/a", client))  # type: ignore[arg-type]
    assert first, "a robots.txt that did not load refuses nothing"
    assert not second, "asked again, it was read and refuses the private folder"
    assert client.asked == 2


def test_a_robots_txt_that_keeps_failing_is_taken_as_permitting_all() -> None:

    from checker.politeness import ROBOTS_ATTEMPTS, Politeness

    politeness = Politeness(respect_robots=True)
    client = _RobotsAnswers(503)
    for _ in range(ROBOTS_ATTEMPTS + 2):
        assert run_async(politeness.allowed("http://127.0.0.1:9/private/a", client))  # type: ignore[arg-type]
    assert client.asked == ROBOTS_ATTEMPTS
