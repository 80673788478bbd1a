"""Reading a page without rendering it: bytes → text in the right charset → title, text lines, links, media.

Detail pages (policy files, 解读, articles) are read this way, many at a time, because nothing on them
needs a browser: their metadata block, body text and links are in the HTML. Pages lie about their
charset (a ``gb2312`` meta over UTF-8 text, a ``utf-8`` header over GB18030 bytes), so the declared
charset is only believed when the bytes decode cleanly with it. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin

from lxml import etree

_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_GB_NAMES = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936"}

_SKIP_TAGS = {"script", "style", "noscript", "template", "head", "title", "select", "option"}
_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "tbody", "thead", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "header", "footer", "nav", "aside", "dl", "dt", "dd", "form", "hr", "blockquote", "pre",
    "main", "center",
}
_CELL_TAGS = {"td", "th"}
_VOID_TAGS = {"br", "img", "hr", "input", "meta", "link", "source", "embed", "area", "base", "col", "wbr", "param"}
# Page chrome (navigation, header, footer, side bar, breadcrumb) by tag or by a class/id token.
_CHROME_TAGS = {"nav", "header", "footer", "aside"}
_CHROME_TOKEN = re.compile(
    r"^(?:nav|navbar|navigation|menu|mainnav|subnav|header|topbar|banner|footer|foot|bottom|copyright|sidebar|side"
    r"|crumb|breadcrumb|position|location)(?:[-_]\w+)?$",
    re.IGNORECASE,
)
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
HIDDEN_CLASS = re.compile(r"(?:^|\s)(?:ng-hide|hidden|hide|d-none)(?:\s|$)", re.IGNORECASE)
MEDIA_FILE = re.compile(r"\.(?:mp4|m3u8|flv|webm|mov|avi|wmv|mp3|m4a|wav|aac|ogg|swf)(?:[?#]|$)", re.IGNORECASE)
_PLAYER_HOST = re.compile(r"player|video|vod|live|media|v\.qq|youku|bilibili|iqiyi|cctv|tv", re.IGNORECASE)


def decode_html(data: bytes, content_type: str = "") -> str:
    """The page's text: the header's or the page's declared charset when the bytes agree, else the one that fits.

    UTF-8 is tried before GB18030 (a superset of GB2312 and GBK) when the declaration is wrong or absent,
    because a UTF-8 page decodes as GB18030 into nonsense far more often than the other way round.
    """
    declared = [m.group(1).decode("ascii").lower() for m in _CHARSET.finditer(content_type.encode("latin-1", "ignore"))]
    declared += [m.group(1).decode("ascii").lower() for m in _CHARSET.finditer(data[:4096])]
    candidates = []
    for name in [*declared, "utf-8", "gb18030"]:
        name = "gb18030" if name in _GB_NAMES else name
        if name not in candidates:
            candidates.append(name)
    if data.startswith(b"\xef\xbb\xbf"):
        candidates.insert(0, "utf-8-sig")
    for name in candidates:
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("gb18030", errors="replace")


@dataclass(frozen=True)
class Link:
    """A link as written on the page: its visible text (or title) and absolute address."""

    text: str
    href: str


@dataclass(frozen=True)
class ParsedPage:
    """What a detail page says without rendering: title, main heading, the visible text of its content (the
    navigation, header, footer, side bar and breadcrumb left out), links and media."""

    url: str
    title: str
    heading: str
    lines: tuple[str, ...]
    links: tuple[Link, ...]
    media: tuple[str, ...] = ()
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The visible text, one line per block."""
        return "\n".join(self.lines)


class _Reader(HTMLParser):
    """Collects visible text by blocks (cells separated by tabs), links, media and <meta> tags."""

    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.stack: list[tuple[str, bool, bool]] = []
        self.hidden_depth = 0
        self.chrome_depth = 0
        self.parts: list[str] = []
        self.chrome: list[str] = []
        self.title: list[str] = []
        self.headings: list[str] = []
        self.chrome_headings: list[str] = []
        self.heading_parts: list[str] | None = None
        self.in_title = False
        self.links: list[Link] = []
        self.link_open: tuple[str, str, list[str]] | None = None
        self.media: list[str] = []
        self.meta: dict[str, str] = {}

    def _hidden(self, tag: str, attrs: dict[str, str]) -> bool:
        if tag in _SKIP_TAGS or "hidden" in attrs or (attrs.get("aria-hidden") == "true" and tag != "img"):
            return True
        return bool(HIDDEN_STYLE.search(attrs.get("style", "")) or HIDDEN_CLASS.search(attrs.get("class", "")))

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        """Open an element: note media and <meta>, start a block, cell, link or heading."""
        attrs = {key.lower(): (value or "") for key, value in attrs_list}
        if tag == "title":
            self.in_title = True
        if tag == "meta" and attrs.get("name"):
            self.meta[attrs["name"]] = attrs.get("content", "")
        self._note_media(tag, attrs)
        if tag in _VOID_TAGS:
            if tag == "br" and not self.hidden_depth:
                self._out().append("\n")
            return
        hidden = self._hidden(tag, attrs)
        tokens = f"{attrs.get('class', '')} {attrs.get('id', '')}".split()
        chrome = tag in _CHROME_TAGS or any(_CHROME_TOKEN.match(token) for token in tokens)
        self.stack.append((tag, hidden, chrome))
        self.hidden_depth += hidden
        self.chrome_depth += chrome
        if self.hidden_depth:
            return
        if tag in _BLOCK_TAGS:
            self._out().append("\n")
        elif tag in _CELL_TAGS:
            self._out().append("\t")
        if tag == "a" and attrs.get("href") and not self.link_open:
            self.link_open = (attrs["href"], attrs.get("title", ""), [])
        if tag in ("h1", "h2", "h3") and self.heading_parts is None:
            self.heading_parts = []

    def _note_media(self, tag: str, attrs: dict[str, str]) -> None:
        source = attrs.get("src") or attrs.get("data") or attrs.get("href") or ""
        if tag in ("video", "audio") or (tag in ("source", "embed", "object") and source):
            self.media.append(f"{tag}:{source}")
        elif tag == "iframe" and _PLAYER_HOST.search(source):
            self.media.append(f"iframe:{source}")
        elif tag == "a" and MEDIA_FILE.search(source):
            self.media.append(f"file:{source}")

    def handle_endtag(self, tag: str) -> None:
        """Close an element (and any left open inside it, as browsers do)."""
        if tag == "title":
            self.in_title = False
        if tag in _VOID_TAGS or not any(entry[0] == tag for entry in self.stack):
            return
        while self.stack:
            name, hidden, chrome = self.stack.pop()
            self._close(name)
            self.hidden_depth -= hidden
            self.chrome_depth -= chrome
            if name == tag:
                break

    def _out(self) -> list[str]:
        return self.chrome if self.chrome_depth else self.parts

    def _close(self, tag: str) -> None:
        if self.hidden_depth:
            return
        if tag == "a" and self.link_open:
            href, title, words = self.link_open
            self.link_open = None
            text = re.sub(r"\s+", " ", "".join(words)).strip() or title.strip()
            if not href.lower().startswith(("javascript:", "mailto:", "tel:", "#")):
                self.links.append(Link(text, urldefrag(urljoin(self.base_url, href))[0]))
        if tag in ("h1", "h2", "h3") and self.heading_parts is not None:
            heading = re.sub(r"\s+", " ", "".join(self.heading_parts)).strip()
            if heading:
                (self.chrome_headings if self.chrome_depth else self.headings).append(heading)
            self.heading_parts = None
        if tag in _BLOCK_TAGS:
            self._out().append("\n")

    def handle_data(self, data: str) -> None:
        """Text: into the content or the chrome, the open link and the open heading."""
        if self.in_title:
            self.title.append(data)
        if self.hidden_depth:
            return
        self._out().append(data)
        if self.link_open:
            self.link_open[2].append(data)
        if self.heading_parts is not None:
            self.heading_parts.append(data)


def _lines(parts: list[str]) -> tuple[str, ...]:
    text = "".join(parts).replace("\r", "")
    lines = []
    for raw in text.split("\n"):
        cells = [re.sub(r"[ \u3000\xa0]+", " ", cell).strip() for cell in raw.split("\t")]
        line = "\t".join(cell for cell in cells if cell)
        if line:
            lines.append(line)
    return tuple(lines)


def _main_heading(headings: list[str], title: str) -> str:
    """The page's own heading: the longest one its <title> repeats, else the longest (not the site banner)."""
    named = [h for h in headings if len(h) >= 4 and h.strip("【】[]") in title]
    return max(named or headings, key=len, default="")


def _feed_tree(reader: _Reader, root: etree._Element) -> None:
    """Give the reader a parsed tree as the events the HTML tokenizer would give it (each element's start,
    its text, its children, its end, then the text after it)."""
    for event, element in etree.iterwalk(root, events=("start", "end", "comment", "pi")):
        tag = element.tag
        if not isinstance(tag, str):  # a comment or processing instruction: only the text after it shows
            if element.tail:
                reader.handle_data(element.tail)
            continue
        if event == "start":
            reader.handle_starttag(tag, list(element.attrib.items()))
            if element.text:
                reader.handle_data(element.text)
        else:
            reader.handle_endtag(tag)
            if element.tail:
                reader.handle_data(element.tail)


def parse_html(html: str, url: str = "", root: etree._Element | None = None) -> ParsedPage:
    """Parse a page's HTML (never raises on broken markup; what cannot be read is left out). ``root``: the
    tree lxml already made of the same HTML (the site walk's), read instead of tokenizing the text again."""
    reader = _Reader(url)
    if root is not None:
        _feed_tree(reader, root)
    else:
        try:
            reader.feed(html)
            reader.close()
        except (AssertionError, ValueError):
            pass
    while reader.stack:
        reader.handle_endtag(reader.stack[-1][0])
    title = re.sub(r"\s+", " ", "".join(reader.title)).strip()
    heading = _main_heading(reader.headings or reader.chrome_headings, title + reader.meta.get("ArticleTitle", ""))
    lines = _lines(reader.parts) or _lines(reader.chrome)
    return ParsedPage(url, title, heading, lines, tuple(reader.links),
                      tuple(dict.fromkeys(reader.media)), reader.meta)
