"""Root pytest configuration: pytest-playwright launches the same Chromium govcheck would choose."""

from __future__ import annotations

from typing import Any

import pytest

from checker.browser import resolve_for_pytest


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Add govcheck's browser choice and quiet flags unless the user named a channel or executable."""
    if "channel" in browser_type_launch_args or "executable_path" in browser_type_launch_args:
        return browser_type_launch_args
    chosen = resolve_for_pytest()
    args = [*browser_type_launch_args.get("args", []), *chosen.pop("args", [])]  # type: ignore[misc]
    return {**browser_type_launch_args, **chosen, "args": args}
