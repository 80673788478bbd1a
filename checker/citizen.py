"""Finding the way like a citizen: links picked by their visible text from a page snapshot."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from checker.discover import in_scope, normalise_url
from checker.observe import PageSnapshot


@dataclass(frozen=True)
class LinkSeen:
    """A link a person can see: its text, target and (for list rows) the snapshot's anchor."""

    text: str
    href: str
    anchor: str = ""


def visible_links(snapshot: PageSnapshot) -> list[LinkSeen]:
    """Every link of the snapshot: navigation first, then 更多 blocks, then list rows."""
    links = [LinkSeen(n.text.strip(), n.href) for n in snapshot.nav_links]
    links += [LinkSeen(m.heading.strip(), m.href, m.anchor) for m in snapshot.more_links]
    links += [LinkSeen(r.title.strip(), r.href, r.anchor) for g in snapshot.groups for r in g.rows]
    return [link for link in links if link.text and link.href.startswith(("http://", "https://"))]


def find_links(
    snapshot: PageSnapshot, words: Sequence[str], scope: str = "", max_text: int = 12
) -> list[LinkSeen]:
    """Short links whose text contains one of ``words``, best word first, one per target URL.

    Only short texts count (a menu entry, not an article title that happens to mention 咨询); with a
    scope, only links within the site.
    """
    found: dict[str, LinkSeen] = {}
    links = visible_links(snapshot)
    for word in words:
        for link in links:
            if word in link.text and len(link.text) <= max_text and (not scope or in_scope(link.href, scope)):
                found.setdefault(normalise_url(link.href), link)
    return list(found.values())
