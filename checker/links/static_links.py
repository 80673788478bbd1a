"""Links of a page read from its HTML without rendering (the crawl's ``fetch`` mode), in the same shape
``links.js`` returns from a rendered page, element positions included (so evidence can box them later).

Pure: HTML text in, link records out (lxml's HTML parser, which copes with broken markup).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

_LAZY_ATTRS = ("data-src", "data-original", "data-lazy-src")
_REWRITTEN = re.compile(r"[\t\r\n]")


def _text(element: lxml.html.HtmlElement) -> str:
    own = " ".join(element.text_content().split())
    if own:
        return own[:80]
    image = element.find(".//img[@alt]")
    alt = image.get("alt") if image is not None else None
    return (alt or element.get("title") or element.get("alt") or "").strip()[:80]


def origin_of(base: str) -> str | None:
    """``scheme://host`` of an http(s) base URL, for resolving root-relative links without urljoin."""
    try:
        parts = urlsplit(base)
    except ValueError:
        return None
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


def resolve(raw: str, base: str, origin: str | None) -> str:
    """``urljoin(base, raw)`` (empty when it cannot be resolved), with a shortcut for the common ``/path``
    links: most of a page's links, and urljoin is the largest part of reading a page's links.

    The shortcut takes only links whose result urljoin would not rewrite: no dot segments, no tab or line
    break, no empty query or fragment to drop.
    """
    raw = raw.strip()
    if (origin is not None and raw[:1] == "/" and raw[1:2] != "/" and "/." not in raw
            and not raw.endswith(("?", "#")) and "?#" not in raw and not _REWRITTEN.search(raw)):
        return origin + raw
    try:
        return urljoin(base, raw)
    except ValueError:
        return ""


_DOCUMENT_END_TAGS = re.compile(r"</(?:html|body)\s*>", re.IGNORECASE)
"""``</body>`` and ``</html>``. A browser never ends the page's content at them (what follows still goes into
the body), but lxml's parser drops everything after a stray one. Real pages have them mid-page: a header
template that ends with ``</html>`` (corpus: GeneralNewsExtractor/tests/other/1.html lost 60% of its text)."""


def parse_document(html: str) -> lxml.html.HtmlElement | None:
    """The page's element tree (lxml's HTML parser, which copes with broken markup, read as a browser reads a
    stray ``</body>`` or ``</html>``: as nothing); None when unparsable."""
    try:
        return lxml.html.document_fromstring(_DOCUMENT_END_TAGS.sub("", html) or "<html></html>")
    except (etree.ParserError, ValueError):
        return None


def static_links(html: str, page_url: str, limit: int, root: lxml.html.HtmlElement | None = None) -> dict[str, object]:
    """``{"links": [...], "total": n, "ids": [...]}`` as ``links.js`` gives them, from static HTML (``root``: the
    tree :func:`parse_document` already made of it, so a page is parsed once)."""
    root = root if root is not None else parse_document(html)
    if root is None:
        return {"links": [], "total": 0, "ids": []}
    base_element = root.find(".//base[@href]")
    base = resolve(base_element.get("href", ""), page_url, None) if base_element is not None else page_url
    origin = origin_of(base)
    found: list[dict[str, object]] = []
    total = 0
    position = -1
    for element in root.iter("a", "area", "img", "iframe", "frame"):
        tag = element.tag
        attrs = {"a": ("href",), "area": ("href",), "img": ("src", *_LAZY_ATTRS)}.get(tag, ("src",))
        if tag != "img" and element.get(attrs[0]) is None:
            continue
        position += 1
        for attr in attrs:
            raw = element.get(attr)
            if raw is None or not raw.strip():
                continue
            total += 1
            if len(found) < limit:
                found.append({"tag": tag, "attr": attr, "raw": raw, "url": resolve(raw, base, origin),
                              "text": _text(element), "position": position})
    ids = {value for value in root.xpath("//@id")} | {value for value in root.xpath("//a/@name")}
    return {"links": found, "total": total, "ids": sorted(str(value) for value in ids)[:20000]}
