"""Fast-encoded screenshots (checker.capture): the same pixels as Playwright's own, animations stilled and the
caret hidden, the page's state restored afterwards, and a page's scripts unable to interfere."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from PIL import Image, ImageChops
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, async_playwright
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from checker.browser import launch_browser
from checker.capture import GIANT_DOCUMENT, capture_png
from tests.aio import run_async

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><meta charset="utf-8"><style>
body { margin: 0; font: 16px sans-serif }
.spin { width: 60px; height: 60px; background: #c00; animation: spin 2s linear infinite }
.grow { width: 10px; height: 20px; background: #06c; animation: grow 30s linear forwards }
@keyframes spin { from { transform: rotate(0deg) } to { transform: rotate(360deg) } }
@keyframes grow { to { width: 600px } }
</style>
<h1>示例市人民政府 我要留言</h1><div class="spin"></div><div class="grow"></div>
<p><input id="name" value="张三"></p>
<div style="height: 2400px; background: linear-gradient(#fff, #9cf)">列表</div><p>页面底部</p>"""
FRAMED = """<!doctype html><meta charset="utf-8"><h2>内嵌页面</h2>
<iframe srcdoc="<div style='width:40px;height:40px;background:#0a0;animation:s 1s infinite'></div>
<style>@keyframes s{to{transform:translateX(200px)}}</style>" style="width:400px;height:120px"></iframe>"""
HOSTILE = """<!doctype html><meta charset="utf-8"><script>
document.createTreeWalker = () => { throw new Error("no"); };
Object.defineProperty(window, "__govcheckRestore", { value: () => { document.title = "steered"; }, writable: false });
</script><h1>页面</h1>"""


def _pixels(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB")


def _same(first: bytes, second: bytes) -> bool:
    one, two = _pixels(first), _pixels(second)
    return one.size == two.size and ImageChops.difference(one, two).getbbox() is None


async def _with_page(content: str, work: Callable[[Page], Awaitable[Any]]) -> Any:
    async with async_playwright() as playwright:
        browser = await launch_browser(playwright)
        try:
            page: Page = await browser.new_page(viewport={"width": 800, "height": 600})
            await page.set_content(content)
            return await work(page)
        finally:
            await browser.close()


def test_a_full_page_window_has_playwrights_pixels_with_animations_stilled_and_the_caret_hidden() -> None:
    async def work(page: Page) -> tuple[bool, bool, tuple[int, int], int, str]:
        await page.focus("#name")
        clip = {"x": 0, "y": 0, "width": 800, "height": 1500}
        ours = await capture_png(page, clip, 10)
        theirs = await page.screenshot(full_page=True, clip=clip, animations="disabled")
        again = await capture_png(page, clip, 10)
        running = await page.evaluate("document.getAnimations().filter(a => a.playState === 'running').length")
        focused = await page.evaluate("document.activeElement.id")
        return _same(ours, theirs), _same(ours, again), _pixels(ours).size, running, focused

    same, repeatable, size, running, focused = run_async(_with_page(PAGE, work))
    assert same and repeatable and size == (800, 1500)
    assert running == 1 and focused == "name"  # the endless spinner runs again, the caret's field keeps focus


def test_the_window_as_scrolled_matches_playwrights_viewport_shot() -> None:
    async def work(page: Page) -> tuple[bool, tuple[int, int]]:
        await page.evaluate("window.scrollTo(0, 900)")
        ours = await capture_png(page, None, 10)
        theirs = await page.screenshot(animations="disabled")
        return _same(ours, theirs), _pixels(ours).size

    assert run_async(_with_page(PAGE, work)) == (True, (800, 600))


def test_an_area_of_a_scrolled_page_is_taken_where_it_is_not_where_the_window_is() -> None:
    async def work(page: Page) -> bool:
        await page.evaluate("window.scrollTo(0, 900)")
        clip = {"x": 0, "y": 0, "width": 800, "height": 500}
        return _same(await capture_png(page, clip, 10),
                     await page.screenshot(full_page=True, clip=clip, animations="disabled"))

    assert run_async(_with_page(PAGE, work))


def test_frames_are_stilled_too() -> None:
    async def work(page: Page) -> bool:
        await page.wait_for_timeout(300)
        clip = {"x": 0, "y": 0, "width": 800, "height": 300}
        return _same(await capture_png(page, clip, 10),
                     await page.screenshot(full_page=True, clip=clip, animations="disabled"))

    assert run_async(_with_page(FRAMED, work))


def test_a_page_script_cannot_steer_or_break_the_capture() -> None:
    async def work(page: Page) -> tuple[tuple[int, int], str]:
        png = await capture_png(page, {"x": 0, "y": 0, "width": 800, "height": 600}, 10)
        return _pixels(png).size, await page.title()

    assert run_async(_with_page(HOSTILE, work)) == ((800, 600), "")


def test_a_capture_past_its_time_raises_playwrights_timeout() -> None:
    async def work(page: Page) -> str:
        with pytest.raises(PlaywrightTimeoutError) as raised:
            await capture_png(page, {"x": 0, "y": 0, "width": 800, "height": 3000}, 1e-6)
        return str(raised.value)

    assert "截图" in run_async(_with_page(PAGE, work))


def test_an_empty_area_is_refused_as_playwright_refuses_it() -> None:
    async def work(page: Page) -> str:
        with pytest.raises(PlaywrightError) as raised:
            await capture_png(page, {"x": 0, "y": 0, "width": 800, "height": 0}, 10)
        return str(raised.value)

    assert "为空" in run_async(_with_page(PAGE, work))


GIANT = ("<!doctype html><meta charset='utf-8'><style>body { margin: 0 } li { height: 24px }</style><ul>"
         + "".join(f"<li style='background: #{(i * 37) % 4096:03x}'>示例新闻第{i}条 2020-11-05</li>"
                   for i in range(2200)) + "</ul>")


def test_an_area_of_a_giant_page_is_taken_by_scrolling_with_playwrights_pixels() -> None:
    """A document past capture.GIANT_DOCUMENT (here about 53,000 pixels) is photographed by scrolling to the
    area, not by painting the whole document: the same pixels, and the window and scroll put back."""
    async def work(page: Page) -> tuple[bool, dict[str, int] | None, list[int], int]:
        await page.evaluate("window.scrollTo(0, 300)")
        height = await page.evaluate("document.documentElement.scrollHeight")
        clip = {"x": 0, "y": 30000, "width": 800, "height": 2000}
        ours = await capture_png(page, clip, 20)
        scrolled = await page.evaluate("[window.scrollX, window.scrollY]")
        theirs = await page.screenshot(full_page=True, clip=clip, animations="disabled")
        return _same(ours, theirs), page.viewport_size, scrolled, height

    same, viewport, scrolled, height = run_async(_with_page(GIANT, work))
    assert height > GIANT_DOCUMENT
    assert same and viewport == {"width": 800, "height": 600} and scrolled == [0, 300]
