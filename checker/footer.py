"""Footer identifiers of a government website (网站标识码, ICP备案, 公安备案, 党政机关标识) (pure).

Every page of a government site must show, in its footer, the 网站标识码 given by the State Council
office, the ICP备案编号, the 公安机关备案标识 and the 党政机关网站标识 (the red conac.cn badge). The
browser path passes the footer's visible text and images to :func:`read_footer`; the HTTP-only path and
the tests first cut the footer out of raw HTML with :func:`extract_footer_from_html` (stdlib only).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

from checker.htmlpage import HIDDEN_STYLE

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼港澳台"
# The standard code is 10 characters (10 digits, or bm + 8 digits for State Council departments); it is
# tried first so that text glued on by inline markup ("1400000045Copyright") is not swallowed.
_SITE_CODE = re.compile(r"网站标识码\s*[:：]?\s*((?:[A-Za-z]{2}\d{8}|\d{10})|[0-9A-Za-z]{6,})")
_ICP = re.compile(rf"[{_PROVINCES}]?\s*ICP\s*[备证]\s*\d+\s*号(?:\s*-\s*\d+)?", re.IGNORECASE)
_POLICE = re.compile(rf"[{_PROVINCES}]?\s*公网安备\s*[:：]?\s*\d{{6,}}\s*号?")
_POLICE_WORDED = re.compile(r"公安(?:机关)?备案(?:号|编号)\s*[:：]?\s*\d{6,}\s*号?")
_PARTY_WORDS = ("conac", "dzjg", "党政机关")
# Local copies of the conac badge: red.png (开普云 and others), gtrs_red.png (gov.cn), red.gif.
_PARTY_FILE = re.compile(r"(?:^|[_\-])red\.(?:png|gif|jpe?g)$", re.IGNORECASE)

MISSING_NAMES = ("网站标识码", "ICP备案编号", "公安机关备案标识", "党政机关网站标识")


@dataclass(frozen=True)
class FooterImage:
    """An image in the footer: its src, alt and title, and the href of the <a> around it (or "")."""

    src: str
    alt: str = ""
    title: str = ""
    link: str = ""


@dataclass
class FooterIdentifiers:
    """The four identifiers a footer must show, as found; None/False when absent."""

    site_code: str | None
    icp: str | None
    police: str | None
    party_mark: bool

    def missing(self) -> list[str]:
        """Chinese names of the identifiers not found, in the order a 整改通知 lists them."""
        present = (self.site_code is not None, self.icp is not None, self.police is not None,
                   self.party_mark)
        return [name for name, found in zip(MISSING_NAMES, present, strict=True) if not found]


def _normalise(text: str) -> str:
    """Full-width forms to ASCII and every run of whitespace (line breaks too) to one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def _squeeze(found: str) -> str:
    """An identifier as displayed, with inner whitespace collapsed to one space and no padding."""
    return re.sub(r"\s+", " ", found).strip()


def _find_police(text: str) -> str | None:
    """The 公安机关备案 number as displayed: 京公网安备11010202000001号, or 公安机关备案号：… wording."""
    match = _POLICE.search(text) or _POLICE_WORDED.search(text)
    return _squeeze(match.group(0)) if match else None


def is_party_mark(image: FooterImage) -> bool:
    """Whether an image is the 党政机关网站标识: a conac.cn badge, by link, source, name or alt text."""
    fields = f"{image.src} {image.alt} {image.title} {image.link}".lower()
    if any(word in fields for word in _PARTY_WORDS):
        return True
    if image.src.startswith("data:"):
        return False
    file_name = image.src.split("?")[0].split("#")[0].rsplit("/", 1)[-1]
    return bool(_PARTY_FILE.search(file_name))


def read_footer(text: str, images: Sequence[FooterImage]) -> FooterIdentifiers:
    """The identifiers shown in a footer, from its visible text and its images.

    Whitespace is normalised first because sites break identifiers over lines (赣公网安备⏎36090202000004号).
    ICP and 公网安备 values keep their displayed form (``晋公网安备 14010502050691号``), spaces collapsed.
    """
    normalised = _normalise(text)
    site_code = _SITE_CODE.search(normalised)
    icp = _ICP.search(normalised)
    return FooterIdentifiers(
        site_code=site_code.group(1) if site_code else None,
        icp=re.sub(r"\s+", "", icp.group(0)) if icp else None,
        police=_find_police(normalised),
        party_mark=any(is_party_mark(image) for image in images),
    )


_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                   "source", "track", "wbr"})
_INVISIBLE = frozenset({"script", "style", "noscript", "template", "title", "textarea", "select"})
_BLOCK = frozenset({"address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "footer", "form",
                    "h1", "h2", "h3", "h4", "h5", "h6", "header", "li", "main", "nav", "ol", "p",
                    "section", "table", "tbody", "td", "th", "tr", "ul"})
_FOOTER_TOKEN = re.compile(r"foot|bottom|copyright|(?:^|[-_])ft(?:$|[-_\d])", re.IGNORECASE)
_FOOTER_MARKERS = re.compile(r"网站标识码|ICP|公网安备|版权所有|主办")
_FALLBACK_CHARS = 3000


@dataclass
class _Element:
    """An open element while parsing: its tag, the <a> href it sets and whether it hides its content."""

    tag: str
    href: str | None
    hidden: bool
    region: int | None  # index of the outermost footer-like element it opened, if it did


@dataclass
class _Region:
    """An outermost footer-like element: its text pieces, and its images with the piece count before each."""

    pieces: list[str]
    images: list[tuple[int, FooterImage]]


def _is_footer_like(tag: str, attrs: dict[str, str]) -> bool:
    """A <footer>, or an element whose id or a class names a foot/bottom/copyright/ft region.

    <html> and <body> never are, even with a class like has-footer: the region would be the whole page.
    """
    if tag in ("html", "body"):
        return False
    tokens = [attrs.get("id", ""), *attrs.get("class", "").split()]
    return tag == "footer" or any(_FOOTER_TOKEN.search(token) for token in tokens if token)


def _hidden_by_style(attrs: dict[str, str]) -> bool:
    """Whether an element is hidden by its own attributes (hidden, display:none, visibility:hidden)."""
    return "hidden" in attrs or bool(HIDDEN_STYLE.search(attrs.get("style", "")))


def _hides(tag: str, attrs: dict[str, str]) -> bool:
    """Whether an element's content is not shown: script/style-like tags, or hidden by its attributes."""
    return tag in _INVISIBLE or _hidden_by_style(attrs)


class _FooterParser(HTMLParser):
    """Collects visible text and images, grouped by outermost footer-like element; tolerant of bad HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[_Element] = []
        self.regions: list[_Region] = []
        self.everything = _Region([], [])

    def _current(self) -> _Region | None:
        return next((self.regions[e.region] for e in self.stack if e.region is not None), None)

    def _hidden(self) -> bool:
        return any(element.hidden for element in self.stack)

    def _href(self) -> str:
        return next((e.href for e in reversed(self.stack) if e.href is not None), "")

    def _emit(self, piece: str | None = None, image: FooterImage | None = None) -> None:
        for region in filter(None, (self._current(), self.everything)):
            if piece is not None:
                region.pieces.append(piece)
            if image is not None:
                region.images.append((len(region.pieces), image))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        hidden = _hides(tag, values)
        if tag in ("img", "script") and not _hidden_by_style(values) and not self._hidden():
            self._add_image(tag, values)
        if tag in _BLOCK or tag == "br":
            self._emit("\n")
        if tag in _VOID:
            return
        region = None
        if self._current() is None and _is_footer_like(tag, values):
            self.regions.append(_Region([], []))
            region = len(self.regions) - 1
        self.stack.append(_Element(tag, values.get("href") if tag == "a" else None, hidden, region))

    def _add_image(self, tag: str, values: dict[str, str]) -> None:
        # A conac <script src> is kept as an image: that script draws the badge when the page loads, so
        # raw HTML without it running would otherwise look as if the badge were missing.
        src = values.get("src", "")
        if tag == "script" and "conac" not in src.lower():
            return
        self._emit(image=FooterImage(src, values.get("alt", ""), values.get("title", ""), self._href()))

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK:
            self._emit("\n")
        if any(element.tag == tag for element in self.stack):
            while self.stack.pop().tag != tag:
                pass

    def handle_data(self, data: str) -> None:
        if not self._hidden():
            self._emit(data)


def _tidy(pieces: Sequence[str]) -> str:
    """Visible text: whitespace collapsed within lines, blank lines dropped."""
    lines = (re.sub(r"\s+", " ", line).strip() for line in "".join(pieces).split("\n"))
    return "\n".join(line for line in lines if line)


def _pick_region(regions: Sequence[_Region]) -> _Region | None:
    """The last footer-like region that shows a footer marker, else the last one with any content."""
    with_content = [region for region in regions if region.images or _tidy(region.pieces)]
    marked = [region for region in with_content if _FOOTER_MARKERS.search(_tidy(region.pieces))]
    return (marked or with_content or [None])[-1]


def extract_footer_from_html(html: str) -> tuple[str, list[FooterImage]]:
    """The footer's visible text and images from raw HTML, without a browser.

    The footer is the outermost element that is a <footer> or whose id/class names foot, bottom,
    copyright or ft; with several, the last one showing a footer marker (网站标识码, ICP, 版权所有 …).
    Without any, the last 3000 characters of the page's visible text and the images among them.
    """
    parser = _FooterParser()
    parser.feed(html)
    parser.close()
    region = _pick_region(parser.regions)
    if region is not None:
        return _tidy(region.pieces), [image for _, image in region.images]
    return _tail(parser.everything)


def _tail(everything: _Region) -> tuple[str, list[FooterImage]]:
    """The last 3000 characters of visible text, and the images placed among them."""
    total = 0
    cut = len(everything.pieces)
    while cut > 0 and total < _FALLBACK_CHARS:
        cut -= 1
        total += len(re.sub(r"\s+", " ", everything.pieces[cut]).strip())
    images = [image for position, image in everything.images if position >= cut]
    return _tidy(everything.pieces[cut:])[-_FALLBACK_CHARS:], images
