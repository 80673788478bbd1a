"""The features govcheck turns off are added to Playwright's list, never put in its place (Chromium keeps only
the last ``--disable-features``)."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest
from playwright.async_api import async_playwright

from checker.browser import launch_arguments, resolve_for_pytest
from checker.chromium_features import (
    GOVCHECK_DISABLED,
    disable_features_flag,
    features_in_driver_source,
    playwright_disabled_features,
)
from tests.aio import run_async

DRIVER_LIKE = """
    disabledFeatures = [
      // See https://github.com/microsoft/playwright/issues/14047
      "AvoidUnnecessaryBeforeUnloadCheckSync",
      // Keep HTTP navigations on HTTP: "NotAFeature"
      "HttpsUpgrades",
      'PaintHolding'
    ].filter(Boolean);
    enabledFeatures = () => ["CDPScreenshotNewSurface"];
"""


def test_the_driver_list_is_read_without_its_comments() -> None:
    assert features_in_driver_source(DRIVER_LIKE) == ("AvoidUnnecessaryBeforeUnloadCheckSync", "HttpsUpgrades",
                                                      "PaintHolding")
    assert features_in_driver_source("var x = 1;") == ()


def test_the_flag_merges_and_is_withheld_when_playwrights_list_is_unknown() -> None:
    assert disable_features_flag(("HttpsUpgrades", "PaintHolding", "RenderDocument")) == [
        "--disable-features=HttpsUpgrades,PaintHolding,RenderDocument"]
    assert disable_features_flag(()) == []  # alone it would switch HttpsUpgrades and the rest back on


def test_the_installed_driver_list_is_found_and_only_the_link_crawler_uses_it() -> None:
    assert "HttpsUpgrades" in playwright_disabled_features()
    assert any(flag.startswith("--disable-features=") for flag in launch_arguments(evidence=False))
    assert not any(flag.startswith("--disable-features=") for flag in launch_arguments())


def _last_disable_features(marker: str) -> set[str]:
    """The features disabled by the last --disable-features of the browser process launched with ``marker``."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            arguments = (proc / "cmdline").read_bytes().decode(errors="replace").replace("\0", " ").split()
        except OSError:
            continue
        if marker in arguments and not any(argument.startswith("--type=") for argument in arguments):
            flags = [argument for argument in arguments if argument.startswith("--disable-features=")]
            return set(flags[-1].split("=", 1)[1].split(",")) if flags else set()
    raise AssertionError("browser process not found")


@pytest.mark.browser
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the command line from /proc")
def test_a_launch_keeps_every_feature_playwright_disables_and_adds_ours() -> None:
    chosen = {key: value for key, value in resolve_for_pytest().items() if key != "args"}

    async def disabled(arguments: list[str]) -> set[str]:
        marker = f"--govcheck-test-{uuid.uuid4().hex}"
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(**chosen, args=[*arguments, marker])  # type: ignore[arg-type]
            try:
                return _last_disable_features(marker)
            finally:
                await browser.close()

    playwrights = run_async(disabled([]))
    ours = run_async(disabled(launch_arguments(evidence=False)))
    assert "HttpsUpgrades" in playwrights
    assert playwrights <= ours and set(GOVCHECK_DISABLED) <= ours
