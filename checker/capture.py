"""Screenshots prepared the way Playwright prepares them, but encoded by Chromium for speed.

Playwright's ``page.screenshot`` asks Chromium (``Page.captureScreenshot``) for a PNG compressed hard: on a
1280×1680 page that is about 70 ms of the browser's CPU per shot, most of a screenshot's cost. Every
evidence shot is decoded and drawn on by Pillow afterwards, so that compression buys nothing.
:func:`capture_png` gives the same pixels through the page's own DevTools session with ``optimizeForSpeed``,
after the same preparation: CSS animations finished or paused, the text caret hidden, web fonts loaded. The
page's scripts cannot see or undo the preparation, which runs in an isolated world of each frame.

A browser without the DevTools protocol (another engine, or one that refuses the session) gets Playwright's
own screenshot, unchanged.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import math
import weakref
from typing import Any

from playwright.async_api import CDPSession, Page
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

Clip = dict[str, float]

_WORLD = "govcheck-screenshot"
_PREPARE = """(() => {
  const roots = [];
  const collect = (root) => {
    roots.push(root);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
    for (let node = walker.currentNode; node; node = walker.nextNode()) {
      if (node.shadowRoot) collect(node.shadowRoot);
    }
  };
  collect(document);
  const undo = [];
  const carets = new Map();
  for (const root of roots) {
    root.querySelectorAll("input,textarea,[contenteditable]").forEach((element) => {
      carets.set(element, [element.style.getPropertyValue("caret-color"),
                           element.style.getPropertyPriority("caret-color")]);
      element.style.setProperty("caret-color", "transparent", "important");
    });
  }
  undo.push(() => carets.forEach(([value, priority], element) =>
    element.style.setProperty("caret-color", value, priority)));
  const paused = new Set();
  const still = (root) => {
    for (const animation of root.getAnimations()) {
      if (!animation.effect || animation.playbackRate === 0 || paused.has(animation)) continue;
      try {
        if (Number.isFinite(animation.effect.getComputedTiming().endTime)) animation.finish();
        else { animation.cancel(); paused.add(animation); }
      } catch (error) {}
    }
  };
  for (const root of roots) {
    const handler = () => still(root);
    handler();
    root.addEventListener("transitionrun", handler);
    root.addEventListener("animationstart", handler);
    undo.push(() => {
      root.removeEventListener("transitionrun", handler);
      root.removeEventListener("animationstart", handler);
    });
  }
  undo.push(() => paused.forEach((animation) => { try { animation.play(); } catch (error) {} }));
  window.__govcheckRestore = () => { undo.forEach((step) => step()); delete window.__govcheckRestore; };
  const size = () => {
    const body = document.body || document.documentElement, html = document.documentElement;
    return [Math.max(body.scrollWidth, html.scrollWidth, body.offsetWidth, html.offsetWidth, body.clientWidth,
                     html.clientWidth),
            Math.max(body.scrollHeight, html.scrollHeight, body.offsetHeight, html.offsetHeight, body.clientHeight,
                     html.clientHeight)];
  };
  return document.fonts ? document.fonts.ready.then(size) : size();
})()"""
_RESTORE = "window.__govcheckRestore && window.__govcheckRestore()"
_VIEWPORT = "({x: window.scrollX, y: window.scrollY, width: window.innerWidth, height: window.innerHeight})"

_SESSIONS: weakref.WeakKeyDictionary[Page, CDPSession | None] = weakref.WeakKeyDictionary()


async def _session(page: Page) -> CDPSession | None:
    """The page's own DevTools session (made once), or None when the browser offers none."""
    if page not in _SESSIONS:
        try:
            _SESSIONS[page] = await page.context.new_cdp_session(page)
        except PlaywrightError:
            _SESSIONS[page] = None
    return _SESSIONS[page]


def _frame_ids(tree: dict[str, Any]) -> list[str]:
    """Every frame id in a ``Page.getFrameTree`` answer, the main frame first."""
    ids = [tree["frame"]["id"]]
    for child in tree.get("childFrames", []):
        ids += _frame_ids(child)
    return ids


async def _worlds(session: CDPSession) -> list[int]:
    """An isolated world in each frame of the page (its execution context ids, main frame first)."""
    tree = await session.send("Page.getFrameTree")
    contexts = []
    for frame_id in _frame_ids(tree["frameTree"]):
        with contextlib.suppress(PlaywrightError):
            world = await session.send("Page.createIsolatedWorld", {"frameId": frame_id, "worldName": _WORLD})
            contexts.append(world["executionContextId"])
    return contexts


async def _evaluate(session: CDPSession, context: int, expression: str) -> Any:
    answer = await session.send("Runtime.evaluate", {"expression": expression, "contextId": context,
                                                     "awaitPromise": True, "returnByValue": True})
    return answer.get("result", {}).get("value")


async def _prepare(session: CDPSession, context: int) -> list[int] | None:
    """Still the frame's animations and hide its caret; its document's size once its fonts are loaded (None when
    the frame could not be prepared)."""
    try:
        return await _evaluate(session, context, _PREPARE)
    except PlaywrightError:
        return None


async def _capture(page: Page, session: CDPSession, clip: Clip | None) -> bytes:
    contexts = await _worlds(session)
    try:
        sizes = [await _prepare(session, context) for context in contexts]
        if clip is None:
            area = await _evaluate(session, contexts[0], _VIEWPORT) if contexts else None
            area = area or {"x": 0, "y": 0, **(page.viewport_size or {"width": 1280, "height": 800})}
            beyond = False
        else:
            area, beyond = clip, _beyond_viewport(sizes[0] if sizes else None, page.viewport_size)
            if beyond and contexts and _giant(sizes[0], area, page.viewport_size):
                return await _capture_scrolled(page, session, contexts[0], area)
        answer = await session.send("Page.captureScreenshot", {
            "format": "png", "optimizeForSpeed": True, "captureBeyondViewport": beyond,
            "clip": {"x": area["x"], "y": area["y"], "width": area["width"], "height": area["height"], "scale": 1}})
        return base64.b64decode(answer["data"])
    finally:
        for context in contexts:
            with contextlib.suppress(PlaywrightError):
                await _evaluate(session, context, _RESTORE)


GIANT_DOCUMENT = 40_000
"""A document taller than this many CSS pixels is photographed by scrolling (:func:`_capture_scrolled`)."""


def _giant(document: list[int] | None, area: Clip, viewport: dict[str, int] | None) -> bool:
    """Whether an area is better taken by scrolling to it than beyond the window: the document is very tall
    and the area lies within the window's width. A shot beyond the window makes Chromium lay out and paint
    the whole document at once, which on a page of 20,000 list rows (480,000 pixels) took 3–7 seconds for
    every 8,000-pixel shot; scrolled, it takes as long as on a short page."""
    return (document is not None and viewport is not None and document[1] > GIANT_DOCUMENT
            and area["x"] >= 0 and area["x"] + area["width"] <= viewport["width"])


async def _capture_scrolled(page: Page, session: CDPSession, context: int, area: Clip) -> bytes:
    """The area taken with the window made as tall as the area and scrolled to it, then the window and the
    scroll put back. A person scrolling there sees the same content; what the page pins to the window
    (``position: fixed``) shows at the top of the area instead of the top of the document."""
    viewport = page.viewport_size
    assert viewport is not None
    scrolled = await _evaluate(session, context, "[window.scrollX, window.scrollY]")
    await page.set_viewport_size({"width": viewport["width"], "height": max(1, math.ceil(area["height"]))})
    try:
        await _evaluate(session, context, f"window.scrollTo({{left: {area['x']}, top: {area['y']}, "
                                          "behavior: 'instant'})")
        answer = await session.send("Page.captureScreenshot", {
            "format": "png", "optimizeForSpeed": True, "captureBeyondViewport": False,
            "clip": {"x": area["x"], "y": area["y"], "width": area["width"], "height": area["height"], "scale": 1}})
        return base64.b64decode(answer["data"])
    finally:
        await page.set_viewport_size(viewport)
        if scrolled:
            await _evaluate(session, context, f"window.scrollTo({{left: {scrolled[0]}, top: {scrolled[1]}, "
                                              "behavior: 'instant'})")


def _beyond_viewport(document: list[int] | None, viewport: dict[str, int] | None) -> bool:
    """Whether a document-area shot must be taken beyond the window: whenever the whole document does not fit
    in it (as Playwright decides; the area is then found wherever the page is scrolled)."""
    if not document or viewport is None:
        return True
    return document[0] > viewport["width"] or document[1] > viewport["height"]


async def capture_png(page: Page, clip: Clip | None, timeout_seconds: float) -> bytes:
    """A PNG of ``clip`` (document coordinates, CSS pixels; None: the window as it stands), with animations
    stilled and the caret hidden, fast to encode; Playwright's own screenshot where DevTools is not offered.

    Raises Playwright's ``TimeoutError`` after ``timeout_seconds`` and its ``Error`` when the browser fails,
    as ``page.screenshot`` does.
    """
    if clip is not None and (clip["width"] < 1 or clip["height"] < 1):
        raise PlaywrightError("截图区域为空")  # as Playwright refuses an empty clip
    session = await _session(page)
    if session is None:
        return await page.screenshot(full_page=clip is not None, clip=clip, animations="disabled",
                                     timeout=timeout_seconds * 1000)
    try:
        return await asyncio.wait_for(_capture(page, session, clip), timeout=timeout_seconds)
    except TimeoutError as error:
        raise PlaywrightTimeoutError(f"截图在{timeout_seconds:g}秒内未完成") from error
