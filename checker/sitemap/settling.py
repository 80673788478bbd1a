"""Waiting for a page's scripts to finish, shared by the site walk and the link crawl's rendered pages.

``SETTLE_SCRIPT`` (``settle.js``), installed before a page's own scripts, counts the data requests and short
timers still pending and the time of the DOM's last change; :func:`wait_settled` waits until none is pending
and the DOM has been quiet a moment, so a list a script fills after ``load`` is read, without a fixed sleep.
"""

from __future__ import annotations

import asyncio
from importlib import resources

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

SETTLE_SCRIPT = resources.files("checker.sitemap").joinpath("settle.js").read_text(encoding="utf-8")
"""Install on a browser context or page (``add_init_script``) so every page counts its pending work."""
AFTER_LOAD_MS = 20
"""A page where nothing at all has happened since ``load`` (no DOM change, request or timer: a static page, the
most common kind) is settled this long after ``load``: a frame or so, enough to see that nothing starts then
(a ``load`` handler that starts work touches the state, and the page then needs the full quiet time)."""
QUIET_LEFT_JS = """(quiet) => {
  const s = window.__gcSettle;
  if (!s) return 0;
  if (s.pending > 0 || s.timers.size > 0) return 1e9;
  const now = performance.now();
  if (s.loadedAt !== null && s.last <= s.loadedAt) return s.loadedAt + Math.min(quiet, AFTER_LOAD) - now;
  return s.last + quiet - now;
}""".replace("AFTER_LOAD", str(AFTER_LOAD_MS))
"""How many ms the page must stay as it is to count as settled (<= 0: settled; 1e9: work is pending)."""
SETTLED_JS = f"(quiet) => ({QUIET_LEFT_JS})(quiet) <= 0"
"""Settled: nothing pending, and the DOM quiet for ``quiet`` ms (``AFTER_LOAD_MS`` after a quiet ``load``)."""


async def wait_settled(page: Page, seconds: float, quiet_ms: int) -> bool:
    """Wait until the page has settled, at most ``seconds``; False when it was still busy then."""
    if seconds <= 0:
        return True
    try:
        for _ in range(2):  # most pages: a round trip or two, no polling set up
            left = await page.evaluate(QUIET_LEFT_JS, quiet_ms)
            if left <= 0:
                return True
            if left > quiet_ms:
                break
            await asyncio.sleep(left / 1000)
        # polled on animation frames: Playwright's interval polling uses setTimeout, which settle.js counts
        await page.wait_for_function(SETTLED_JS, arg=quiet_ms, polling="raf", timeout=seconds * 1000)
    except PlaywrightError:
        return False
    return True
