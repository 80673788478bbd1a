"""Waiting for a page's scripts to finish, shared by the site walk and the link crawl's rendered pages.

``SETTLE_SCRIPT`` (``settle.js``), installed before a page's own scripts, counts the data requests and short
timers still pending and the time of the DOM's last change; :func:`wait_settled` waits until none is pending
and the DOM has been quiet a moment, so a list a script fills after ``load`` is read, without a fixed sleep.
"""

from __future__ import annotations

import asyncio
import time
from importlib import resources

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

SETTLE_SCRIPT = resources.files("checker.sitemap").joinpath("settle.js").read_text(encoding="utf-8")
"""Install on a browser context or page (``add_init_script``) so every page counts its pending work."""
POLL_MS = 25
"""How long to wait before asking again a page that still has requests or timers pending."""
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


async def wait_settled(page: Page, seconds: float, quiet_ms: int) -> bool:
    """Wait until the page has settled, at most ``seconds``; False when it was still busy then.

    Polled from here, a round trip at a time, sleeping as long as the page says it still needs (at least
    ``POLL_MS`` while work is pending): no polling in the page (on animation frames it makes each waiting
    tab draw frames; Playwright's interval polling uses setTimeout, which settle.js would count as work).
    """
    if seconds <= 0:
        return True
    deadline = time.monotonic() + seconds
    try:
        while True:
            left = await page.evaluate(QUIET_LEFT_JS, quiet_ms)
            if left <= 0:
                return True
            now = time.monotonic()
            if now >= deadline:
                return False
            pause = POLL_MS if left > quiet_ms else max(left, 1)
            await asyncio.sleep(min(pause / 1000, deadline - now))
    except PlaywrightError:
        return False
