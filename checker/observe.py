"""Browser-side observation: one snapshot of a rendered page, and element boxes for evidence.

The JavaScript in ``snapshot.js`` walks the DOM once; this module turns its answer into plain data that
the pure judges read. Nothing here judges anything.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from checker.evidence import Box
from checker.scenario import DEFAULT_SETTINGS

_SNAPSHOT_JS = resources.files("checker").joinpath("snapshot.js").read_text(encoding="utf-8")


def returning_json(script: str) -> str:
    """The page function ``script`` made to return its result as JSON text (``undefined`` as ``null``, as
    Playwright reads it). Playwright's own transfer of a structured result walks it value by value, in the
    page, in its driver and in Python: the snapshot of a home page of 20,000 list rows took 4–6 s that way and
    1.3 s as one string."""
    return f"(arg) => JSON.stringify(({script.strip()})(arg), (key, value) => value === undefined ? null : value)"


_SNAPSHOT_AS_JSON = returning_json(_SNAPSHOT_JS)


JSON_BROKEN = "页面改写了 JSON.stringify，无法读取页面内容"
"""The error of a read whose page replaced ``JSON.stringify``."""


def json_result(value: Any, shape: type = object) -> Any:
    """The value a :func:`returning_json` function sent back, of type ``shape``; a page that replaced
    ``JSON.stringify`` (so the answer is not JSON text, or not of that shape) gives Playwright's error, as any
    other read the page broke."""
    broken = PlaywrightError(JSON_BROKEN)
    if not isinstance(value, str):
        raise broken
    try:
        data = json.loads(value)
    except ValueError as error:
        raise broken from error
    if not isinstance(data, shape):
        raise broken
    return data


_BOX_JS = """(gc) => {
  const el = document.querySelector(`[data-gc="${gc}"]`);
  if (!el) return null;
  const r = el.getBoundingClientRect();
  return {x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height};
}"""


@dataclass(frozen=True)
class NavLink:
    """A link in the site's navigation or header."""

    text: str
    href: str


@dataclass(frozen=True)
class MoreLink:
    """A 更多 link of a home-page block, with the block's heading (the column's name)."""

    heading: str
    href: str
    anchor: str


@dataclass(frozen=True)
class Row:
    """One row of a list: its link, and the text beside the link (where dates usually are)."""

    anchor: str
    title: str
    href: str
    rest: str


@dataclass(frozen=True)
class RowGroup:
    """Rows sharing one parent element: a list, a table body, a block."""

    anchor: str
    region: str
    rows: tuple[Row, ...]
    visible: bool


@dataclass(frozen=True)
class FooterImageSeen:
    """An image in the footer as rendered: where it comes from, what it says, how big it shows."""

    anchor: str
    src: str
    alt: str
    title: str
    link: str
    caption: str
    width: float
    height: float
    hints: str = ""


@dataclass(frozen=True)
class FooterSeen:
    """The footer region of a page: its visible text and images."""

    anchor: str
    text: str
    images: tuple[FooterImageSeen, ...]


@dataclass(frozen=True)
class PageSnapshot:
    """Everything the judges need from one rendered page."""

    url: str
    title: str
    nav_links: tuple[NavLink, ...] = ()
    more_links: tuple[MoreLink, ...] = ()
    groups: tuple[RowGroup, ...] = ()
    main_text: str = ""
    main_length: int = 0
    main_anchor: str = ""
    footer: FooterSeen | None = None


def snapshot_from_json(data: dict[str, Any]) -> PageSnapshot:
    """Build a :class:`PageSnapshot` from the JSON the snapshot script returns (also used by tests)."""
    footer = data.get("footer")
    return PageSnapshot(
        url=data.get("url", ""),
        title=data.get("title", ""),
        nav_links=tuple(NavLink(link["text"], link["href"]) for link in data.get("navLinks", [])),
        more_links=tuple(MoreLink(m["heading"], m["href"], m["gc"]) for m in data.get("moreLinks", [])),
        groups=tuple(
            RowGroup(
                anchor=g["gc"],
                region=g["region"],
                rows=tuple(Row(r["gc"], r["title"], r["href"], r["rest"]) for r in g["rows"]),
                visible=bool(g.get("visible", True)),
            )
            for g in data.get("groups", [])
        ),
        main_text=data.get("mainText", ""),
        main_length=int(data.get("mainLength", 0)),
        main_anchor=data.get("mainAnchor", ""),
        footer=None
        if not footer
        else FooterSeen(
            anchor=footer["gc"],
            text=footer["text"],
            images=tuple(
                FooterImageSeen(
                    anchor=i["gc"],
                    src=i["src"],
                    alt=i["alt"],
                    title=i["title"],
                    link=i["link"],
                    caption=i["caption"],
                    width=float(i["width"]),
                    height=float(i["height"]),
                    hints=i.get("hints", ""),
                )
                for i in footer["images"]
            ),
        ),
    )


async def take_snapshot(page: Page, footer_selector: str | None = None, *,
                        load_timeout_seconds: float = DEFAULT_SETTINGS.page_timeout_seconds) -> PageSnapshot:
    """Run the snapshot script on the page as it is rendered now; a page that navigates away on its own
    while being read (a script setting ``location``) is read again where it landed, once it has loaded
    (within ``load_timeout_seconds``: the suite's ``settings.page_timeout_seconds``)."""
    for attempt in range(3):
        try:
            data = json_result(await page.evaluate(_SNAPSHOT_AS_JSON, {"footerSelector": footer_selector}), dict)
            return snapshot_from_json(data)
        except PlaywrightError as error:
            if attempt == 2 or not navigated_away(error):
                raise
            with contextlib.suppress(PlaywrightError):
                await page.wait_for_load_state("load", timeout=load_timeout_seconds * 1000)
    raise AssertionError("unreachable")


def navigated_away(error: PlaywrightError) -> bool:
    """Whether an evaluation failed because the page moved to another document meanwhile."""
    text = str(error)
    return "Execution context was destroyed" in text or "navigat" in text


_TAG_JS = """(selectors) => {
  for (const selector of selectors) {
    const el = document.querySelector(selector);
    if (el && el.getBoundingClientRect().height > 0) {
      window.__gcSeq = (window.__gcSeq || 0) + 1;
      if (!el.hasAttribute('data-gc')) el.setAttribute('data-gc', 'm' + window.__gcSeq);
      return el.getAttribute('data-gc');
    }
  }
  return '';
}"""

# What a failed page shows: Chromium's own error message, else the page's body.
FAILURE_MESSAGE_SELECTORS = ("#main-frame-error", ".interstitial-wrapper", "#main-message", "h1", "main", "body")


async def tag_first(page: Page, selectors: tuple[str, ...]) -> str:
    """Tag the first visible element matching one of the selectors for evidence; '' when none or no DOM."""
    try:
        return str(await page.evaluate(_TAG_JS, list(selectors)))
    except PlaywrightError:
        return ""


async def box_of(page: Page, anchor: str) -> Box | None:
    """The page-pixel box of an element the snapshot tagged, or None when it is gone."""
    data = await page.evaluate(_BOX_JS, anchor)
    if not data:
        return None
    return Box(x=data["x"], y=data["y"], width=data["width"], height=data["height"])
