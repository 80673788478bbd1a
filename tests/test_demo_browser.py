"""The demo site as a person sees it in Chromium (pytest-playwright): Chinese renders, QR codes scan."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageStat
from playwright.sync_api import Page

from checker.browser import CJK_PROBE_SCRIPT
from checker.demo.server import DemoServer
from checker.qr import decode_qr

pytestmark = pytest.mark.browser


def test_chinese_glyphs_render_not_tofu(page: Page, demo_server: DemoServer) -> None:
    page.goto(demo_server.base_url)
    assert page.evaluate(CJK_PROBE_SCRIPT), "CJK fonts missing: screenshots would show boxes (install fonts-noto-cjk)"


def test_home_page_screenshot_shows_a_portal(page: Page, demo_server: DemoServer) -> None:
    page.goto(demo_server.base_url)
    assert "示例市人民政府" in page.title()
    shot = Image.open(io.BytesIO(page.screenshot(full_page=True)))
    assert shot.height > 900
    assert ImageStat.Stat(shot.convert("L")).stddev[0] > 20


def test_footer_qr_codes_scan_from_the_rendered_page(page: Page, demo_server: DemoServer) -> None:
    page.goto(demo_server.base_url)
    images = page.locator("img[src*='/static/qr/']")
    payloads = [decode_qr(images.nth(i).screenshot()) for i in range(images.count())]
    decoded = [p for p in payloads if p]
    assert len(decoded) >= 2
    assert all(p[0].startswith(demo_server.base_url) for p in decoded)
