"""A headless shell (Playwright's default headless browser, Debian's chromium-headless-shell) draws no error
page of its own: the evidence of a site that did not open must still say what happened."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from PIL import Image
from playwright.async_api import async_playwright

from checker.browser import SYSTEM_HEADLESS_SHELLS, launch_arguments
from checker.visit import open_page
from tests.aio import run_async

SHELL = next((path for path in SYSTEM_HEADLESS_SHELLS if Path(path).exists()), None)
pytestmark = [pytest.mark.browser, pytest.mark.skipif(SHELL is None, reason="no chromium-headless-shell here")]


def _dead_url() -> str:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now: the connection is refused
    return f"http://127.0.0.1:{port}/"


def test_a_refused_site_is_shown_with_the_error_not_as_a_blank_page(tmp_path: Path) -> None:
    dead = _dead_url()
    shot = tmp_path / "shot.png"

    async def main() -> tuple[str, str]:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=SHELL, args=launch_arguments())
            page = await browser.new_page()
            visit = await open_page(page, dead, 10, 1)
            text = await page.inner_text("body")
            await page.screenshot(path=str(shot))
            await browser.close()
            return visit.error, text

    error, text = run_async(main())
    assert "net::ERR_CONNECTION_REFUSED" in error, error
    assert "无法访问此网站" in text and "ERR_CONNECTION_REFUSED" in text and dead in text
    dark = sum(Image.open(shot).convert("L").histogram()[:128])
    assert dark > 500, "the screenshot is blank"
