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
POLL_MS = 25
"""How long the page waits before looking again while it still has requests or timers pending."""
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


WAIT_JS = """([quiet, limit]) => new Promise((resolve) => {
  const s = window.__gcSettle;
  if (!s || !s.later) { resolve(true); return; }
  const left = QUIET_LEFT;
  const until = performance.now() + limit;
  const look = () => {
    const wait = left(quiet);
    if (wait <= 0) { resolve(true); return; }
    const now = performance.now();
    if (now >= until) { resolve(false); return; }
    s.later(look, Math.min(until - now, wait > quiet ? POLL : Math.max(wait, 1)));
  };
  look();
})""".replace("QUIET_LEFT", QUIET_LEFT_JS).replace("POLL", str(POLL_MS))
"""Resolves true once the page has settled, false after ``limit`` ms: it waits inside the page, on a timer
settle.js keeps for the checker (the page's own count does not see it), so waiting costs one round trip."""


async def wait_settled(page: Page, seconds: float, quiet_ms: int) -> bool:
    """Wait until the page has settled, at most ``seconds``; False when it was still busy then.

    The page itself watches (:data:`WAIT_JS`): no polling over the protocol and none on animation frames
    (which makes each waiting tab draw frames, costing the CPU the other tabs need); Playwright's interval
    polling would use the page's setTimeout, which settle.js counts as the page's own work.
    """
    if seconds <= 0:
        return True
    try:
        return bool(await asyncio.wait_for(page.evaluate(WAIT_JS, [quiet_ms, seconds * 1000]),
                                           timeout=seconds + 5))
    except (PlaywrightError, TimeoutError):
        return False
