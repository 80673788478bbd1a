"""Waiting for a page's scripts to finish, shared by the site walk and the link crawl's rendered pages.

``SETTLE_SCRIPT`` (``settle.js``), installed before a page's own scripts, counts the data requests and short
timers still pending and the time of the DOM's last change; :func:`wait_settled` waits until none is pending
and the DOM has been quiet a moment, so a list a script fills after ``load`` is read, without a fixed sleep.
"""

from __future__ import annotations

from importlib import resources

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

SETTLE_SCRIPT = resources.files("checker.sitemap").joinpath("settle.js").read_text(encoding="utf-8")
"""Install on a browser context or page (``add_init_script``) so every page counts its pending work."""
SETTLED_JS = """(quiet) => {
  const s = window.__gcSettle;
  if (!s) return true;
  return s.pending <= 0 && s.timers.size === 0 && performance.now() - s.last >= quiet;
}"""


async def wait_settled(page: Page, seconds: float, quiet_ms: int) -> bool:
    """Wait until the page has settled, at most ``seconds``; False when it was still busy then."""
    if seconds <= 0:
        return True
    try:
        await page.wait_for_function(SETTLED_JS, arg=quiet_ms, polling="raf", timeout=seconds * 1000)
    except PlaywrightError:
        return False
    return True
