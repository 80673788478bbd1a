"""Judges are pure: no function named judge… anywhere in the package reads the clock or drives a page."""

from __future__ import annotations

import ast
from pathlib import Path

import checker

PACKAGE = Path(checker.__file__).parent
CLOCK = frozenset({"now", "today", "utcnow", "time", "monotonic", "perf_counter"})
BROWSER = frozenset({"goto", "click", "screenshot", "evaluate", "wait_for_timeout", "sleep"})


def impure_calls(source: str) -> list[tuple[str, int, str]]:
    """(judge, line, call) for every clock or browser call inside a function whose name starts with judge."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("judge"):
            if isinstance(node, ast.AsyncFunctionDef):
                found.append((node.name, node.lineno, "async def"))
            for call in (sub for sub in ast.walk(node) if isinstance(sub, ast.Call)):
                name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
                if name in CLOCK | BROWSER:
                    found.append((node.name, call.lineno, name))
    return found


def test_no_judge_reads_the_clock_or_drives_a_page() -> None:
    offenders = [(str(path.relative_to(PACKAGE)), *hit) for path in sorted(PACKAGE.rglob("*.py"))
                 for hit in impure_calls(path.read_text(encoding="utf-8"))]
    assert not offenders, offenders


def test_the_scan_sees_an_impure_judge() -> None:
    source = "def judge_x(a):\n    return now()\n\nasync def judge_y(page):\n    await page.click('x')\n"
    assert impure_calls(source) == [("judge_x", 2, "now"), ("judge_y", 4, "async def"), ("judge_y", 5, "click")]
