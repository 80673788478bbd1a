"""Reading a page from its HTML without a browser: whether it must be rendered, else what a tab would read.

:func:`read_page_html` is pure and its result is plain data, so it can run on a worker process
(:mod:`checker.sitemap.html_readers`) as well as on the event loop's thread, with the same result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from checker.htmlpage import ParsedPage, parse_html
from checker.links.render_need import render_reasons, script_sources
from checker.links.static_links import parse_document, static_links
from checker.sitemap.static_read import read_snapshot, read_structure, walk_reasons


@dataclass(frozen=True)
class HtmlRead:
    """One page read from its HTML, as plain data that crosses a process boundary.

    Exactly one of these holds: ``unparsable`` (lxml could not make a tree: render it); ``missing_scripts``
    (the page uses site scripts whose text was not given: fetch them and read again); ``reasons`` (the page
    must be rendered, and why); else the read itself — what ``snapshot.js``, ``structure.js`` and
    ``links.js`` would return, the :class:`ParsedPage`, and whether the page has any script.
    """

    unparsable: bool = False
    missing_scripts: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    snapshot: dict[str, Any] | None = None
    structure: dict[str, Any] | None = None
    links: dict[str, Any] | None = None
    parsed: ParsedPage | None = None
    has_script: bool = False


def read_page_html(html: str, url: str, scripts: Mapping[str, str | None], footer_selector: str | None,
                   links_limit: int, max_chars: int) -> HtmlRead:
    """Read one page from its (decoded) HTML: whether it must be rendered, else what a tab would have read.

    ``scripts`` holds the text of site scripts fetched so far (``None``: could not be read); a page that
    uses others is answered with ``missing_scripts``. Pure: the same text gives the same read anywhere.
    """
    root = parse_document(html)
    if root is None:
        return HtmlRead(unparsable=True)
    sources = script_sources(html, url, root)
    missing = tuple(source for source in sources if source not in scripts)
    if missing:
        return HtmlRead(missing_scripts=missing)
    reasons = (*walk_reasons(html), *render_reasons(html, url, {source: scripts[source] for source in sources},
                                                    root=root))
    if reasons:
        return HtmlRead(reasons=tuple(reasons))
    return HtmlRead(snapshot=read_snapshot(html, url, footer_selector, root), structure=read_structure(html, url, root),
                    links=static_links(html, url, links_limit, root), parsed=parse_html(html[:max_chars], url, root),
                    has_script=root.find(".//script") is not None)
