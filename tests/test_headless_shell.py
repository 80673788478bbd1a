"""A headless shell (Playwright's default headless browser, Debian's chromium-headless-shell, govcheck's
preferred build) draws no error page of its own: the evidence of a site that did not open must still say what
happened."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from PIL import Image
from playwright.async_api import async_playwright

from checker import browser as browser_module
from checker.browser import SYSTEM_CHROMIUMS, SYSTEM_HEADLESS_SHELLS, _bundled_chromium_path, launch_arguments
from checker.visit import open_page
from tests.aio import run_async
from tests.certs import make_certificates
from tests.hostile import HostileServer

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


def test_a_certificate_error_is_shown_as_the_warning_a_citizen_meets(tmp_path: Path) -> None:
    """A strict context (certificates checked, as in the availability check's warning evidence) on a site whose
    certificate no browser trusts: the shell's blank page is given the warning's heading and the error code."""
    certificates = make_certificates(tmp_path)

    async def main(url: str) -> tuple[str, str]:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=SHELL, args=launch_arguments())
            page = await (await browser.new_context(ignore_https_errors=False)).new_page()
            visit = await open_page(page, url, 10, 1)
            text = await page.inner_text("body")
            await browser.close()
            return visit.error, text

    with HostileServer(chain=(certificates["self_signed"].cert, certificates["self_signed"].key)) as server:
        error, text = run_async(main(server.base_url))
    assert "net::ERR_CERT_" in error, error
    assert "您的连接不是私密连接" in text and "安全证书有问题" in text and "ERR_CERT_" in text
    assert "govcheck" in text


def test_a_shell_that_will_not_start_gives_way_to_the_full_chromium(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "chromium-headless-shell"
    broken.write_text("#!/bin/sh\nexit 1\n")
    broken.chmod(0o755)
    if _bundled_chromium_path() is not None:
        pytest.skip("Playwright's own Chromium is installed: it is chosen before any system browser")
    if not any(Path(path).exists() for path in SYSTEM_CHROMIUMS):
        pytest.skip("no full Chromium here")
    choose = browser_module.choose_browser
    monkeypatch.setattr(browser_module, "SYSTEM_HEADLESS_SHELLS", (str(broken),))
    monkeypatch.setattr(browser_module, "choose_browser",
                        lambda *args, **kwargs: choose(*args, **kwargs, shells=(str(broken),)))

    async def main() -> tuple[str, bool]:
        async with async_playwright() as playwright:
            browser = await browser_module.launch_browser(playwright)
            page = await browser.new_page()
            await page.set_content("<p>政府网站</p>")
            text = await page.inner_text("p")
            shell = browser_module.is_headless_shell(browser)
            await browser.close()
            return text, shell

    assert run_async(main()) == ("政府网站", False)  # the full build: a run then checks 2 sites at once


def test_a_run_launches_the_headless_shell_and_knows_it() -> None:
    async def main() -> tuple[bool, bool]:
        async with async_playwright() as playwright:
            shells = []
            for full in (False, True):
                browser = await browser_module.launch_browser(playwright, full=full)
                shells.append(browser_module.is_headless_shell(browser))
                await browser.close()
            return shells[0], shells[1]

    if _bundled_chromium_path() is not None:
        pytest.skip("Playwright's own Chromium is installed: it is chosen before any system browser")
    assert run_async(main()) == (True, False)
