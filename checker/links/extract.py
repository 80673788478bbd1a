"""From the raw link records a rendered page yields to typed links: resolve, classify the kind, skip what
is not a link to check (mailto:, tel:, javascript:, in-page anchors), and check in-page anchors' targets.

Pure functions: the browser side (``checker/links.js``) only gathers attributes.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urldefrag, urlsplit

from checker.links.model import FoundLink, LinkKind

ATTACHMENT_SUFFIXES = (
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".wps", ".et", ".dps", ".ofd", ".txt",
    ".csv", ".zip", ".rar", ".7z", ".tar", ".gz", ".mp3", ".mp4", ".avi", ".flv", ".wmv",
)
SKIPPED_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "blob:", "about:", "sms:", "weixin:")
HARMLESS_FRAGMENTS = frozenset({"", "top"})
"""``#`` and ``#top`` scroll to the top of any page (HTML standard); they need no target."""


@dataclass(frozen=True)
class RawLink:
    """One attribute as ``links.js`` read it off an element."""

    tag: str
    attr: str
    raw: str
    url: str
    text: str
    position: int


@dataclass(frozen=True)
class MissingAnchor:
    """An in-page link (``#section``) whose target is not on the page."""

    fragment: str
    text: str
    position: int
    raw: str


@dataclass(frozen=True)
class PageLinks:
    """What one page links to, sorted: links to check, missing in-page anchors, and what was skipped."""

    links: tuple[FoundLink, ...]
    missing_anchors: tuple[MissingAnchor, ...]
    skipped: int


def raw_links(records: Iterable[Mapping[str, object]]) -> list[RawLink]:
    """The JS records as typed values (unknown keys ignored, missing ones empty)."""
    return [
        RawLink(str(r.get("tag", "")), str(r.get("attr", "")), str(r.get("raw", "")), str(r.get("url", "")),
                str(r.get("text", "")), int(r.get("position", -1) or 0))  # type: ignore[call-overload]
        for r in records
    ]


@functools.lru_cache(maxsize=1 << 16)
def _url_facts(url: str) -> tuple[str, str, bool, str, str]:
    """A URL without its fragment, the fragment, whether it is an attachment, its scheme and (lower-case)
    host. Cached: a site's pages repeat the same navigation, logo and footer links on every page."""
    base, fragment = urldefrag(url)
    parts = urlsplit(url)
    attachment = parts.path.lower().endswith(ATTACHMENT_SUFFIXES)
    return base, fragment, attachment, parts.scheme, (parts.hostname or "").lower()


def is_attachment(url: str) -> bool:
    """Whether a URL's path ends like a document or archive a citizen downloads."""
    return _url_facts(url)[2]


def same_site(url: str, site_url: str) -> bool:
    """Whether the URL is on the site's own host (a channel's portal counts as its own site)."""
    return (urlsplit(url).hostname or "").lower() == (urlsplit(site_url).hostname or "").lower()


def kind_of(link: RawLink, url: str, site_url: str) -> LinkKind:
    """The link's kind: image and frame by element, attachment by file type, external by host, else page."""
    return _kind(link.tag, url, (urlsplit(site_url).hostname or "").lower())


def _kind(tag: str, url: str, site_host: str) -> LinkKind:
    if tag == "img":
        return LinkKind.IMAGE
    if tag in ("iframe", "frame"):
        return LinkKind.FRAME
    _, _, attachment, scheme, host = _url_facts(url)
    if attachment:
        return LinkKind.ATTACHMENT
    if scheme in ("http", "https") and host != site_host:
        return LinkKind.EXTERNAL
    return LinkKind.PAGE


def sort_links(records: Iterable[RawLink], page_url: str, site_url: str, ids: Iterable[str],
               on_home: bool = False) -> PageLinks:
    """Classify one page's links; in-page anchors are checked against the page's ids and names here."""
    targets = set(ids)
    page_base = urldefrag(page_url).url
    site_host = (urlsplit(site_url).hostname or "").lower()
    found: list[FoundLink] = []
    missing: list[MissingAnchor] = []
    skipped = 0
    for link in records:
        raw = link.raw.strip()
        if raw.lower().startswith(SKIPPED_SCHEMES):
            skipped += 1
            continue
        url = link.url or raw
        base, fragment = _url_facts(url)[:2]
        if link.tag in ("a", "area") and base == page_base and (raw.startswith("#") or fragment):
            if fragment not in HARMLESS_FRAGMENTS and fragment not in targets:
                missing.append(MissingAnchor(fragment, link.text, link.position, link.raw))
            else:
                skipped += 1
            continue
        check_url = base if base else url
        found.append(FoundLink(
            url=check_url, kind=_kind(link.tag, check_url, site_host), parent_url=page_url, text=link.text,
            raw=link.raw, selector=f"{link.position}|{link.attr}", on_home=on_home,
        ))
    return PageLinks(tuple(found), tuple(missing), skipped)


def crawlable(link: FoundLink, scope: str) -> bool:
    """Whether the crawl should open the link as a page: a page link inside the site's scope."""
    return link.kind is LinkKind.PAGE and link.url.startswith(scope)
