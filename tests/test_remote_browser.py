"""The browser work on a browser running elsewhere: a Chromium started with a DevTools debugging port."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from checker.browser import _bundled_chromium_path, choose_browser, launch_arguments
from checker.demo.server import DemoServer
from checker.engine import RunOptions
from checker.results import Verdict
from checker.scenario import parse_suite
from tests.conftest import run_in_thread

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the process and its children: a distribution's ``chromium`` is often a shell script that starts the
    browser as a child, which outlives the script when only the script is stopped."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture
def remote_chromium(tmp_path: Path) -> Iterator[str]:
    """A headless Chromium listening for DevTools on a free port, as a browser grid node would."""
    choice = choose_browser(None, _bundled_chromium_path())
    executable = choice.executable or _bundled_chromium_path()
    port = free_port()
    process = subprocess.Popen(
        [str(executable), "--headless", "--no-sandbox", f"--remote-debugging-port={port}",
         f"--user-data-dir={tmp_path / 'profile'}", *launch_arguments(), "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(endpoint + "/json/version", timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    try:
        yield endpoint
    finally:
        _stop(process)


def test_a_suite_runs_on_a_remote_chromium(remote_chromium: str, demo_server: DemoServer, tmp_path: Path) -> None:
    site = f"  - {{name: 卫健委, unit: 示例市卫生健康委员会, kind: channel, url: '{demo_server.base_url}bm/wjw/'}}\n"
    suite = parse_suite(f"suite: 远程浏览器\nas_of: 2020-11-06\nsites:\n{site}")
    result = run_in_thread(suite, RunOptions(tmp_path, cdp_endpoint=remote_chromium))
    [checked] = result.sites
    assert checked.verdict is Verdict.PASS
    assert {f.indicator for f in checked.findings} >= {"footer.identifier_missing", "newmedia.qr_missing"}
    assert all(f.evidence for f in checked.findings)


@pytest.fixture
def browser_server() -> Iterator[str]:
    """A Playwright browser server (``playwright run-server``), as a browser grid offers one."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "playwright", "run-server", "--port", str(port), "--host", "127.0.0.1", "--unsafe"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.2)
    try:
        yield f"ws://127.0.0.1:{port}/"
    finally:
        _stop(process)


def test_a_suite_runs_on_a_playwright_browser_server(browser_server: str, demo_server: DemoServer,
                                                     tmp_path: Path) -> None:
    chromium = choose_browser(None, _bundled_chromium_path()).executable or _bundled_chromium_path()
    site = f"  - {{name: 卫健委, unit: 示例市卫生健康委员会, kind: channel, url: '{demo_server.base_url}bm/wjw/'}}\n"
    suite = parse_suite(f"suite: 浏览器服务\nas_of: 2020-11-06\nsites:\n{site}")
    options = RunOptions(tmp_path, browser_endpoint=browser_server, remote_browser_path=str(chromium))
    result = run_in_thread(suite, options)
    [checked] = result.sites
    assert checked.verdict is Verdict.PASS
    assert {f.indicator for f in checked.findings} >= {"footer.identifier_missing", "newmedia.qr_missing"}
    assert all((tmp_path / e.path).exists() for f in checked.findings for e in f.evidence)


def test_an_unreachable_endpoint_is_a_configuration_error(tmp_path: Path) -> None:
    suite = tmp_path / "suite.yaml"
    suite.write_text("suite: x\nsites:\n  - {name: a, unit: b, url: 'http://127.0.0.1:9/'}\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "checker", "run", str(suite), "--out", str(tmp_path / "o"),
         "--cdp-endpoint", f"http://127.0.0.1:{free_port()}"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 3, done.stderr
    assert "无法连接远程浏览器" in done.stderr
