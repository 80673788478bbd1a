"""The govcheck command: exit codes, bad input, and a run from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import checker.cli as cli_module
from checker.demo.server import DemoServer

ROOT = Path(__file__).resolve().parents[1]


def govcheck(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "checker", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "suite.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def suite_text(*urls: str, kind: str = "portal") -> str:
    sites = "".join(f"  - {{name: 站点{i}, unit: 单位{i}, kind: {kind}, url: '{url}'}}\n" for i, url in enumerate(urls))
    return f"suite: 测试\nas_of: 2020-11-06\nsites:\n{sites}"


def test_validate_good_file() -> None:
    done = govcheck("validate", "scenarios/example.yaml")
    assert done.returncode == 0, done.stderr
    assert "场景文件有效" in done.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("suite: x\nsites:\n  - {name: a, unit: b, url: 'http://x/', colour: red}\n", "suite.yaml:3"),
        ("suite: x\nas_of: 2020-02-31\nsites:\n  - {name: a, unit: b, url: 'http://x/'}\n", "suite.yaml:2: as_of"),
        ("suite: x\nsites:\n  - {name: a, unit: b, url: 'file:///etc/passwd'}\n", "网址必须以"),
        ("suite: [x\n", "YAML 语法错误"),
    ],
)
def test_bad_scenarios_exit_3_naming_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    for command in ("validate", "run"):
        done = govcheck(command, str(path), *(["--out", str(tmp_path / "o")] if command == "run" else []))
        assert done.returncode == 3, (command, done.stderr)
        assert message in done.stderr
    assert not (tmp_path / "o").exists()


def test_several_errors_print_on_lines_of_their_own(tmp_path: Path) -> None:
    text = ("suite: x\nas_of: 2020-02-31\nsites:\n  - {name: a, unit: b, url: 'file:///etc/passwd', colour: red}\n"
            "  - {name: \"c\\e[31m\", unit: d, url: 'http://x/'}\n")
    done = govcheck("validate", str(write(tmp_path, text)))
    assert done.returncode == 3
    lines = [line for line in done.stderr.splitlines() if "suite.yaml:" in line]
    assert len(lines) >= 3 and "\\x0a" not in done.stderr, done.stderr  # one error a line, not a literal \x0a
    assert "\x1b" not in done.stderr  # a control character from the file is still shown as text, never sent


def test_missing_file_exits_3(tmp_path: Path) -> None:
    done = govcheck("run", str(tmp_path / "nope.yaml"))
    assert done.returncode == 3
    assert "找不到场景文件" in done.stderr


def test_bad_as_of_option_exits_3(tmp_path: Path) -> None:
    path = write(tmp_path, suite_text("http://127.0.0.1:9/"))
    done = govcheck("run", str(path), "--as-of", "2020-13-01")
    assert done.returncode == 3
    assert "日期无效" in done.stderr


def test_named_browser_that_does_not_exist_exits_3(tmp_path: Path) -> None:
    path = write(tmp_path, suite_text("http://127.0.0.1:9/"))
    done = govcheck("run", str(path), "--out", str(tmp_path / "o"), "--browser-path", "/no/such/chromium")
    assert done.returncode == 3
    assert "/no/such/chromium" in done.stderr


@pytest.mark.browser
def test_run_exit_codes_and_outputs(tmp_path: Path, demo_server: DemoServer, unused_port: int) -> None:
    channel = demo_server.base_url + "bm/wjw/"  # the demo channel seeded to pass (ground truth)
    passing_suite = write(tmp_path, suite_text(channel, kind="channel"))
    passing = govcheck("run", str(passing_suite), "--out", str(tmp_path / "pass"))
    assert passing.returncode == 0, passing.stderr
    assert (tmp_path / "pass" / "report.html").exists()
    assert str(tmp_path / "pass" / "report.html") in passing.stdout

    dead = f"http://127.0.0.1:{unused_port}/"
    failing = govcheck(
        "run", str(write(tmp_path, suite_text(channel, dead, kind="channel"))), "--out", str(tmp_path / "fail")
    )
    assert failing.returncode == 2, failing.stderr
    data = json.loads((tmp_path / "fail" / "results.json").read_text(encoding="utf-8"))
    verdicts = [site["verdict"] for site in data["sites"]]
    assert verdicts == ["pass", "fail"]
    assert data["sites"][1]["findings"][0]["indicator"] == "availability.unreachable"
    assert "连接被拒绝" in data["sites"][1]["findings"][0]["detail"]


def test_internal_error_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("checker.engine.run_suite", explode)  # the command imports it when it runs
    monkeypatch.setattr(sys, "argv", ["govcheck", "run", str(write(tmp_path, suite_text("http://127.0.0.1:9/")))])
    with pytest.raises(SystemExit) as exited:
        cli_module.main()
    assert exited.value.code == 1


@pytest.fixture
def unused_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
