"""Chromium features govcheck turns off, merged with the ones Playwright turns off.

Chromium keeps only the last ``--disable-features`` on its command line, and Playwright puts its own list
(HttpsUpgrades, PaintHolding, …) before the caller's arguments. A plain ``--disable-features=X`` from govcheck
would silently switch Playwright's list back on — HttpsUpgrades among them, which would turn a site's plain
HTTP into HTTPS before the ``security.no_https`` check could see it. So the flag is only ever given as
Playwright's list plus govcheck's, read from the Playwright driver installed with this code; when that list
cannot be read, no flag is given at all and Chromium runs as Playwright sets it.

Only the link crawler's browser (``govcheck links``), which photographs nothing, turns them off; a browser
that takes evidence renders as Chromium ships (:func:`checker.browser.launch_arguments`).

- ``RenderDocument``: Chromium 156 builds a new frame (and its document objects) in the renderer and browser
  for every navigation of a tab; without it a tab reuses its frame for pages of the same site, as Chromium
  long did. On the 2,000-page link benchmark's 100 script pages (10 tabs, three rounds) the renderer's CPU
  fell 3.5 → 2.8 s and the browser process's 2.5 → 2.0 s, with the same links found (benchmarks/README.md).
  Evidence runs keep it: with the frame reused, a home-page screenshot taken after the search journey
  showed the search box in another state (its border darker) than Chromium's default gives.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

GOVCHECK_DISABLED: tuple[str, ...] = ("RenderDocument",)
"""Features govcheck turns off (see the module's docstring for why each)."""

_LIST = re.compile(r"\bdisabledFeatures\s*=\s*\[(.*?)\]", re.DOTALL)
_NAME = re.compile(r"""["']([A-Za-z][A-Za-z0-9_]*)["']""")
_COMMENT = re.compile(r"//[^\n]*")


def features_in_driver_source(source: str) -> tuple[str, ...]:
    """The feature names of the first ``disabledFeatures = [...]`` list in Playwright driver code (comments
    skipped); () when there is none."""
    found = _LIST.search(source)
    if found is None:
        return ()
    return tuple(_NAME.findall(_COMMENT.sub("", found.group(1))))


def _driver_sources() -> list[Path]:
    """The driver's JavaScript files that may hold its Chromium switches (one bundle in recent versions, a
    module of its own in older ones)."""
    import playwright

    lib = Path(playwright.__file__).parent / "driver" / "package" / "lib"
    candidates = [lib / "coreBundle.js", lib / "server" / "chromium" / "chromiumSwitches.js"]
    return [path for path in candidates if path.is_file()]


@functools.cache
def playwright_disabled_features() -> tuple[str, ...]:
    """The features the installed Playwright disables when it launches Chromium; () when they cannot be read."""
    for path in _driver_sources():
        try:
            names = features_in_driver_source(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
        if names:
            return names
    return ()


def disable_features_flag(playwright_list: tuple[str, ...] | None = None) -> list[str]:
    """``["--disable-features=<Playwright's list>,<govcheck's>"]``, or [] when Playwright's list is unknown
    (giving govcheck's alone would undo Playwright's)."""
    base = playwright_disabled_features() if playwright_list is None else playwright_list
    if not base:
        return []
    merged = list(dict.fromkeys((*base, *GOVCHECK_DISABLED)))
    return [f"--disable-features={','.join(merged)}"]
