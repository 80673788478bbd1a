"""Shared fixtures: the demo site on 127.0.0.1 and one run of the demo suite for every test to read."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from checker.cli import DEMO_BASE, demo_suite
from checker.demo.server import DemoServer
from checker.engine import RunOptions, run_suite_in_thread
from checker.results import RunResult
from checker.scenario import Suite

# The link checker (and every govcheck process a test starts) requests nothing but this machine.
os.environ["GOVCHECK_LOOPBACK_ONLY"] = "1"


@pytest.fixture(scope="session")
def demo_server() -> Iterator[DemoServer]:
    """The bundled demo government site on a free port."""
    server = DemoServer(port=0)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def demo_suite_live(demo_server: DemoServer) -> Suite:
    """The demo suite pointed at the running demo server."""
    return demo_suite().rebase(DEMO_BASE, demo_server.base_url)


@dataclass(frozen=True)
class DemoRun:
    """The demo suite's result and where its files are."""

    result: RunResult
    out_dir: Path


run_in_thread = run_suite_in_thread
"""Tests' name for the library's threaded run."""


@pytest.fixture(scope="session")
def demo_run(demo_suite_live: Suite, tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """One run of the demo suite in headless Chromium, shared by the tests that read its output."""
    out_dir = tmp_path_factory.mktemp("demo-run")
    return DemoRun(run_in_thread(demo_suite_live, RunOptions(out_dir)), out_dir)
