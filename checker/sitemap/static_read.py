"""The walk's read of a page that needs no browser: what ``snapshot.js`` and ``structure.js`` give of a rendered
page, read from its HTML instead.

Most government pages (articles, static column lists, guides) are what the server sends: no script writes
or fetches what a visitor reads (:mod:`checker.links.render_need` decides that). Opening one in a browser
tab costs ~40 ms of navigation alone; reading its HTML costs a few. The answers have the shapes the two
scripts return, so :func:`checker.observe.snapshot_from_json` and
:func:`checker.sitemap.model.facts_from_json` read them unchanged and every check judges them the same way.

What HTML cannot say, and how it is read:

- *visibility*: an element is hidden when it, or an ancestor, has the ``hidden`` attribute, an inline
  ``display:none``/``visibility:hidden``, or a class the usual stylesheets hide (``hide``, ``d-none`` …);
- *layout*: a group is visible unless hidden; a footer image's size is its ``width``/``height`` attributes
  (the browser's walk does not load images either);
- *text*: ``innerText`` is imitated: block elements and ``<br>`` break lines, white space collapses;
- *element anchors*: anchors are names (``static-N``) for telling groups and rows apart; they are on no
  live page. Evidence is always taken on a page opened again, which is read there afresh.

Pure: HTML text in, dictionaries out (lxml's HTML parser, which copes with broken markup).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import lxml.html
from lxml import etree

from checker.htmlpage import HIDDEN_CLASS, HIDDEN_STYLE
from checker.links.static_links import origin_of, parse_document, resolve

_SPACE = re.compile(r"[\s\ufeff]+")
_SKIPPED = {"script", "style", "noscript", "template", "head", "title", "datalist"}
_BOXLESS = {"script", "style", "noscript", "template", "option", "optgroup"}
"""Elements whose text has no box of its own on the page (a select's options are drawn by the select)."""
_BLOCKS = {
    "p", "div", "li", "ul", "ol", "tr", "table", "tbody", "thead", "tfoot", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "header", "footer", "nav", "aside", "dl", "dt", "dd", "form", "hr", "blockquote",
    "pre", "main", "center", "address", "figure", "figcaption", "fieldset", "legend", "caption", "body", "html",
    "select", "option", "optgroup",
}
_MARKER = re.compile(r"网站标识码|ICP备|ICP证|公网安备|公安备案|版权所有|主办单位|主办：|承办单位|Copyright|©",
                     re.IGNORECASE)
_NAV = re.compile(r"^(.*[-_])?(nav|navbar|navigation|menu|mainnav|subnav|mainmenu)([-_].*)?$")
_HEADER = re.compile(r"^(header|head|top|topbar|banner|site-header|page-header)$")
_ASIDE = re.compile(r"^(.*[-_])?(side|sidebar|aside)([-_].*)?$")
_MORE = re.compile(r"^(更多|more|查看更多|more\s*>+|>>|更多\s*[>+»]*|[+＋]\s*更多)$", re.IGNORECASE)
_SKIPPED_SCHEMES = re.compile(r"^(javascript|mailto|tel):", re.IGNORECASE)
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5"}
_HEADING_NAMES = ("tit", "hd", "head", "name")
_CRUMB_NAMES = ("crumb", "position", "location", "dqwz", "weizhi")
_CRUMB_LABEL = re.compile(r"(当前位置|您的位置|你的位置|所在位置|您现在的位置|你现在的位置|当前栏目)")
_PAGER = re.compile(r"下一页|下页|尾页|末页|上一页|共\s*\d+\s*页|第\s*\d+\s*页|共\s*\d+\s*条")
_PLAIN_TOTAL = re.compile(r"共\s*\d+\s*(页|条)")
_PUBLISH_LABEL = re.compile(r"(发布|发表|成文|更新|印发)(日期|时间)\s*[:：]|发布时间|来源\s*[:：]")
_NOT_TEXT_INPUTS = {"hidden", "submit", "button", "image", "reset", "checkbox", "radio"}
_INPUT_TYPES = {"text", "search", "email", "tel", "url", "password", "number", "date", "datetime-local", "month",
                "week", "time", "color", "range", "file", *_NOT_TEXT_INPUTS}
_MAX_LINKS = 30000
_REFRESH = re.compile(r"<meta\b[^>]*http-equiv\s*=\s*[\"']?refresh[^>]*>", re.IGNORECASE)
_REFRESH_TARGET = re.compile(r"content\s*=\s*[\"']?\s*\d*\s*[;,]?\s*url\s*=", re.IGNORECASE)
_UNSAFE = re.compile(r'[^\x21-\x7e]|["<>`]')
_FRAMESET = re.compile(r"<frameset\b", re.IGNORECASE)

MOVES_ON = "页面会自动跳转到其他地址"
FRAMESET = "页面由框架集组成"


def clean(text: str | None) -> str:
    """White space collapsed and trimmed, as the scripts' ``clean``."""
    return _SPACE.sub(" ", text or "").strip()


def browser_form(url: str) -> str:
    """The URL as the DOM serialises it: characters outside printable ASCII (Chinese in a query, spaces) and
    quotes or angle brackets percent-encoded in UTF-8."""
    if _UNSAFE.search(url) is None:
        return url
    return _UNSAFE.sub(lambda match: "".join(f"%{byte:02X}" for byte in match.group().encode("utf-8")), url)


def walk_reasons(html: str) -> list[str]:
    """Why the walk opens a page in the browser although no script writes it: a page that moves on by itself
    (a meta refresh to another address; scripts that do are :mod:`checker.links.render_need`'s) must be read
    where it lands, and a frameset page's body is its frames. A refresh without an address only reloads."""
    reasons = []
    if any(_REFRESH_TARGET.search(tag) for tag in _REFRESH.findall(html)):
        reasons.append(MOVES_ON)
    if _FRAMESET.search(html):
        reasons.append(FRAMESET)
    return reasons


def _elements(root: etree._Element) -> Iterator[lxml.html.HtmlElement]:
    return (el for el in root.iter() if isinstance(el.tag, str))


def _tokens(el: etree._Element) -> str:
    """``id`` and ``class`` lower-cased, as the scripts' ``attrs``."""
    return f"{el.get('id') or ''} {el.get('class') or ''}".lower()


@dataclass
class _Page:
    """One parsed page with what is asked of its elements many times computed once."""

    root: lxml.html.HtmlElement
    url: str
    base: str
    origin: str | None
    body: lxml.html.HtmlElement
    seq: int = 0
    anchors: dict[etree._Element, str] = field(default_factory=dict)
    hidden: dict[etree._Element, bool] = field(default_factory=dict)
    inner: dict[etree._Element, str] = field(default_factory=dict)

    def tag(self, el: etree._Element) -> str:
        """The element's anchor name (given once)."""
        key = el
        if key not in self.anchors:
            self.seq += 1
            self.anchors[key] = f"static-{self.seq}"
        return self.anchors[key]

    def href(self, el: etree._Element, attr: str = "href") -> str:
        """The attribute resolved against the page's base, as the DOM's ``href``/``src``/``action``."""
        raw = el.get(attr)
        if raw is None:
            return ""
        resolved = resolve(raw, self.base, self.origin) or raw
        kept = raw.strip()[-1:]
        if kept in ("#", "?") and not resolved.endswith(kept):  # the DOM keeps an empty fragment or query
            resolved += kept
        return browser_form(resolved)

    def is_hidden(self, el: etree._Element) -> bool:
        """Whether the element, or an ancestor, is hidden by what the HTML says."""
        key = el
        if key in self.hidden:
            return self.hidden[key]
        own = (el.get("hidden") is not None or bool(HIDDEN_STYLE.search(el.get("style") or ""))
               or bool(HIDDEN_CLASS.search(el.get("class") or ""))
               or (el.tag == "input" and (el.get("type") or "").lower() == "hidden"))
        parent = el.getparent()
        result = own or (el.tag in _SKIPPED) or (parent is not None and self.is_hidden(parent))
        self.hidden[key] = result
        return result

    def inner_text(self, el: etree._Element) -> str:
        """``innerText``: the visible text, a line per block and ``<br>``, white space collapsed in lines; of an
        element not shown, its ``textContent`` (as the DOM answers for an element that is not rendered)."""
        key = el
        if key not in self.inner:
            if self.is_hidden(el):
                self.inner[key] = el.text_content() if el.tag not in _SKIPPED else ""
            else:
                parts: list[str] = []
                self._collect(el, parts)
                lines = (clean(line) for line in "".join(parts).split("\n"))
                self.inner[key] = "\n".join(line for line in lines if line)
        return self.inner[key]

    def _collect(self, el: etree._Element, parts: list[str]) -> None:
        tag = el.tag
        if not isinstance(tag, str) or self.is_hidden(el):
            return
        if tag == "br":
            parts.append("\n")
            return
        block = tag in _BLOCKS
        if block:
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        for child in el:
            self._collect(child, parts)
            if child.tail:
                parts.append(child.tail)
        if tag in ("td", "th"):
            parts.append("\t")
        elif block:
            parts.append("\n")

    def text_content(self, el: etree._Element) -> str:
        """``textContent`` (scripts' text included, as in the DOM)."""
        return el.text_content()


def _page(html: str, url: str, root: lxml.html.HtmlElement | None) -> _Page | None:
    root = root if root is not None else parse_document(html)
    if root is None:
        return None
    body = root.find("body")
    if body is None:
        body = root
    base_element = root.find(".//base[@href]")
    base = resolve(base_element.get("href", ""), url, None) if base_element is not None else url
    return _Page(root, url, base, origin_of(base), body)


def _footer(page: _Page, footer_selector: str | None) -> lxml.html.HtmlElement | None:
    """The footer as ``snapshot.js`` picks it: a footer-named element that holds the site's identifiers, else
    the block around the last marker texts, else the footer-named element."""
    if footer_selector:
        try:
            found = page.root.cssselect(footer_selector)
        except (ValueError, SyntaxError, RuntimeError):  # a selector the hints got wrong: no footer
            return None
        return found[0] if found else None
    named_list = []
    for el in _elements(page.root):
        tokens_id, tokens_class = (el.get("id") or "").lower(), (el.get("class") or "").lower()
        if (el.tag == "footer" or "foot" in tokens_id or "foot" in tokens_class or "copyright" in tokens_class
                or "copyright" in tokens_id or "bottom" in tokens_id or "bottom" in tokens_class):
            named_list.append(el)
    chosen = set(named_list)
    outer = [el for el in named_list if not any(a in chosen for a in el.iterancestors())]
    with_text = [el for el in outer if len(clean(page.inner_text(el))) > 10]
    named = with_text[-1] if with_text else None
    if named is not None and _MARKER.search(page.inner_text(named)):
        return named
    marked = _marked_footer(page)
    return marked if marked is not None else named


def _text_nodes(root: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    """(parent element, text) of every text node under ``root``, in document order (no recursion: a page
    may nest deeper than Python's stack)."""
    if root.text:
        yield root, root.text
    stack: list[tuple[etree._Element, Iterator[etree._Element]]] = [(root, iter(root))]
    while stack:
        parent, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if stack and parent.tail:
                yield stack[-1][0], parent.tail
            continue
        if isinstance(child.tag, str):
            if child.text:
                yield child, child.text
            stack.append((child, iter(child)))
        elif child.tail:
            yield parent, child.tail


def _marked_footer(page: _Page) -> lxml.html.HtmlElement | None:
    marks = [parent for parent, text in _text_nodes(page.body)
             if _MARKER.search(text) and parent.tag not in ("script", "style")]
    if not marks:
        return None
    tail = marks[-6:]
    common: etree._Element | None = tail[-1]
    for el in tail:
        while common is not None and not _contains(common, el):
            common = common.getparent()
    if common is None or common is page.body or common is page.root:
        common = tail[-1]
    own = len(clean(page.inner_text(common)))
    parent = common.getparent()
    while (parent is not None and parent is not page.body
           and len(clean(page.inner_text(parent))) <= max(600, own * 2.5)):
        common = parent
        parent = common.getparent()
    return common


def _contains(outer: etree._Element, inner: etree._Element) -> bool:
    return inner is outer or any(a is outer for a in inner.iterancestors())


def _region(page: _Page, el: etree._Element, footer: etree._Element | None, cache: dict[etree._Element, str]) -> str:
    """'nav', 'header', 'aside', 'footer' or 'main', as the scripts' ``regionOf``."""
    chain = []
    node: etree._Element | None = el
    answer = "main"
    while node is not None and node is not page.body:
        if node in cache:
            answer = cache[node]
            break
        chain.append(node)
        found = _own_region(node, footer)
        if found:
            answer = found
            break
        node = node.getparent()
    for visited in chain:
        # a node below the one that decided has the same answer
        cache[visited] = answer
    return answer


def _own_region(node: etree._Element, footer: etree._Element | None) -> str:
    if footer is not None and node is footer:
        return "footer"
    name = node.tag
    tokens = _tokens(node).split()
    if name == "nav" or any(_NAV.match(t) for t in tokens):
        return "nav"
    if name == "header" or any(_HEADER.match(t) for t in tokens):
        return "header"
    if name == "aside" or any(_ASIDE.match(t) for t in tokens):
        return "aside"
    if name == "footer":
        return "footer"
    return ""


def _is_heading(el: etree._Element) -> bool:
    if el.tag in _HEADING_TAGS:
        return True
    classes = (el.get("class") or "").lower()
    return any(name in classes for name in _HEADING_NAMES)


def _heading_for(page: _Page, link: etree._Element) -> str:
    node = link.getparent()
    link_text = clean(page.inner_text(link))
    for _ in range(5):
        if node is None:
            break
        for head in _elements(node):
            if head is node or not _is_heading(head) or head is link:
                continue
            text = clean(page.inner_text(head))
            if link_text and text.endswith(link_text):
                text = clean(text[: len(text) - len(link_text)])
            if text and len(text) <= 12 and not _MORE.match(text):
                return text
        node = node.getparent()
    return ""


def _closest_row(link: etree._Element) -> etree._Element | None:
    for node in (link, *link.iterancestors()):
        if node.tag in ("li", "tr", "dd", "dt"):
            return node
    return None


def read_snapshot(html: str, url: str, footer_selector: str | None = None,
                  root: lxml.html.HtmlElement | None = None) -> dict[str, Any]:
    """What ``snapshot.js`` returns for the page, from its HTML (``root``: its tree, when already parsed)."""
    page = _page(html, url, root)
    if page is None:
        return {"url": url, "title": "", "navLinks": [], "moreLinks": [], "groups": [], "mainText": "",
                "mainLength": 0, "mainAnchor": "", "footer": None}
    return _snapshot(page, footer_selector)


def _snapshot(page: _Page, footer_selector: str | None) -> dict[str, Any]:
    footer = _footer(page, footer_selector)
    regions: dict[etree._Element, str] = {}
    facts: dict[etree._Element, tuple[str, int]] = {}

    def facts_of(row: etree._Element) -> tuple[str, int]:
        if row not in facts:
            facts[row] = (clean(page.inner_text(row)), sum(1 for _ in row.iter("a") if _.get("href") is not None))
        return facts[row]

    nav_links: list[dict[str, str]] = []
    more_links: list[dict[str, str]] = []
    groups: dict[etree._Element, dict[str, Any]] = {}
    links = [a for a in page.root.iter("a") if a.get("href") is not None][:_MAX_LINKS]
    for link in links:
        href = page.href(link)
        if not href or _SKIPPED_SCHEMES.match(link.get("href") or ""):
            continue
        region = _region(page, link, footer, regions)
        text = clean(page.inner_text(link)) or clean(link.text_content()) or clean(link.get("title"))
        if region in ("nav", "header"):
            nav_links.append({"text": text, "href": href, "region": region})
            continue
        if region == "footer":
            continue
        if _MORE.match(text) or text.startswith("更多"):
            more_links.append({"text": text, "href": href, "heading": _heading_for(page, link), "gc": page.tag(link)})
            continue
        row = _closest_row(link)
        if row is None or len(facts_of(row)[0]) > 250:
            row = link.getparent()
        if row is None:
            continue
        group = row.getparent()
        if facts_of(row)[1] > 3:
            group, row = row, link
        row_text = facts_of(row)[0]
        if len(row_text) > 250 or group is None:
            continue
        entry = groups.get(group)
        if entry is None:
            entry = groups[group] = {"region": region, "rows": [], "seen": set()}
        if row in entry["seen"]:
            continue
        entry["seen"].add(row)
        title = clean(link.get("title")) or text
        rest = clean(row_text.replace(clean(page.inner_text(link)), " ", 1))
        entry["rows"].append({"gc": page.tag(row), "title": title, "href": href, "rest": rest, "linkText": text})

    group_list = [{"gc": page.tag(group), "region": entry["region"], "rows": entry["rows"],
                   "visible": not page.is_hidden(group)} for group, entry in groups.items()]

    main_text: list[str] = []
    main_parents: list[etree._Element] = []
    main_length = 0
    shown = 0
    for parent, raw in _text_nodes(page.body):
        if parent.tag in _BOXLESS:
            continue
        text = clean(raw)
        if not text or _region(page, parent, footer, regions) != "main" or page.is_hidden(parent):
            continue
        main_length += len(text)
        if len(main_parents) < 400:
            main_parents.append(parent)
        if shown < 2000:
            main_text.append(text)
            shown += len(text) + 1
    main_block = main_parents[0] if main_parents else None
    for parent in main_parents:
        while main_block is not None and not _contains(main_block, parent):
            main_block = main_block.getparent()

    return {
        "url": page.url,
        "title": clean(page.root.findtext(".//title")),
        "navLinks": nav_links,
        "moreLinks": more_links,
        "groups": group_list,
        "mainText": " ".join(main_text)[:2000],
        "mainLength": main_length,
        "mainAnchor": page.tag(main_block) if main_block is not None and main_block is not page.body else "",
        "footer": _footer_data(page, footer) if footer is not None else None,
    }


def _number(value: str | None) -> float:
    match = re.match(r"\s*(\d+(?:\.\d+)?)", value or "")
    return float(match.group(1)) if match else 0.0


def _footer_data(page: _Page, footer: etree._Element) -> dict[str, Any]:
    images = []
    for img in footer.iter("img"):
        parent = img.getparent()
        holder = next((a for a in img.iterancestors() if a.tag == "a"), None)
        caption = clean(img.get("alt")) or clean(img.get("title"))
        block = parent.getparent() if parent is not None and parent.tag == "a" else parent
        block_text = clean(page.inner_text(block)) if block is not None else ""
        if block_text and len(block_text) <= 30:
            caption = block_text
        containers = [img, parent, parent.getparent() if parent is not None else None]
        hints = " ".join(_tokens(el) for el in containers if el is not None) + " " + " ".join(
            value for value in (img.get("role"), img.get("aria-label"), img.get("title")) if value)
        style = img.get("style") or ""
        width = _number(img.get("width")) or _number(_style_value(style, "width"))
        height = _number(img.get("height")) or _number(_style_value(style, "height"))
        images.append({
            "gc": page.tag(img),
            "hints": clean(hints),
            "src": page.href(img, "src") if (img.get("src") or "").strip() else (img.get("data-src") or ""),
            "alt": clean(img.get("alt")),
            "title": clean(img.get("title")),
            "link": page.href(holder) if holder is not None else "",
            "caption": caption,
            "width": width,
            "height": height,
        })
    return {"gc": page.tag(footer), "text": page.inner_text(footer), "images": images}


def _style_value(style: str, name: str) -> str:
    """An inline style's length in pixels (``width: 120px``), else ""."""
    match = re.search(rf"(?:^|;)\s*{name}\s*:\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*(?:;|$)", style, re.IGNORECASE)
    return match.group(1) if match else ""


def read_structure(html: str, url: str, root: lxml.html.HtmlElement | None = None) -> dict[str, Any]:
    """What ``structure.js`` returns for the page, from its HTML (``root``: its tree, when already parsed)."""
    page = _page(html, url, root)
    if page is None:
        return {"crumb": "", "crumbLinks": [], "pagerText": "", "pagerLinks": [], "forms": [], "textareas": 0,
                "heading": "", "articleTitle": "", "pubDate": "", "columnName": "", "publishLabel": False}
    return _structure(page)


def _links_of(page: _Page, el: etree._Element) -> list[dict[str, str]]:
    return [{"text": clean(page.inner_text(a) or a.text_content()), "href": page.href(a)}
            for a in el.iter("a") if a.get("href") is not None]


def _has_link(el: etree._Element, with_href: bool = False) -> bool:
    return any(not with_href or a.get("href") is not None for a in el.iter("a"))


def _rows(el: etree._Element) -> int:
    return sum(1 for _ in el.iter("li", "tr"))


def _structure(page: _Page) -> dict[str, Any]:
    crumb, crumb_links = _crumb(page)
    pager_text, pager_links = _pager(page)
    forms = []
    for form in page.root.iter("form"):
        inputs = [i for i in form.iter("input") if _input_type(i) not in _NOT_TEXT_INPUTS]
        forms.append({"action": page.href(form, "action") if (form.get("action") or "").strip() else page.url,
                      "textareas": sum(1 for _ in form.iter("textarea")), "inputs": len(inputs),
                      "names": " ".join((i.get("name") or i.get("id") or "").lower() for i in inputs)})
    heading_element = page.root.find(".//h1")
    if heading_element is None:
        heading_element = page.root.find(".//h2")
    heading = clean(heading_element.text_content()) if heading_element is not None else ""
    metas = {}
    for meta in page.root.iter("meta"):
        name = meta.get("name")
        if name is not None:  # the last of a name wins, as in structure.js
            metas[name.lower()] = meta.get("content") or ""
    body_text = clean(page.inner_text(page.body))[:6000]
    return {"crumb": crumb, "crumbLinks": crumb_links[:12], "pagerText": pager_text, "pagerLinks": pager_links[:60],
            "forms": forms, "textareas": sum(1 for _ in page.root.iter("textarea")), "heading": heading[:200],
            "articleTitle": metas.get("articletitle", ""), "pubDate": metas.get("pubdate", ""),
            "columnName": metas.get("columnname", ""), "publishLabel": bool(_PUBLISH_LABEL.search(body_text))}


def _input_type(element: etree._Element) -> str:
    kind = (element.get("type") or "text").strip().lower()
    return kind if kind in _INPUT_TYPES else "text"


def _crumb(page: _Page) -> tuple[str, list[dict[str, str]]]:
    for el in _elements(page.root):
        names = f"{(el.get('class') or '').lower()}\n{(el.get('id') or '').lower()}"
        if not any(name in names for name in _CRUMB_NAMES):
            continue
        text = clean(page.inner_text(el) or el.text_content())
        if text and len(text) <= 200 and _has_link(el):
            return text, _links_of(page, el)
    best, best_length = None, 0
    for el in page.body.iter("div", "td", "p", "span", "li", "section", "nav"):
        text = clean(el.text_content())
        if len(text) > 200 or not _CRUMB_LABEL.search(text):
            continue
        if best is None or len(text) < best_length:
            best, best_length = el, len(text)
    if best is None:
        return "", []
    holder = best
    while (not _has_link(holder) and holder.getparent() is not None
           and len(clean(holder.getparent().text_content())) <= 200):
        holder = holder.getparent()
    return clean(holder.text_content()), _links_of(page, holder)


def _pager(page: _Page) -> tuple[str, list[dict[str, str]]]:
    pager, size = None, None
    for el in page.body.iter("div", "td", "p", "span", "ul", "nav", "center", "form"):
        text = clean(el.text_content())
        if len(text) > 400 or not _PAGER.search(text) or not _has_link(el, with_href=True):
            continue
        if size is None or len(text) < size:
            pager, size = el, len(text)
    if pager is None:
        for el in page.body.iter("div", "td", "p", "span"):
            text = clean(el.text_content())
            if len(text) <= 100 and _PLAIN_TOTAL.search(text):
                return text, []
        return "", []
    holder = pager
    while True:
        parent = holder.getparent()
        if (parent is None or parent is page.body
                or sum(1 for a in holder.iter("a") if a.get("href") is not None) >= 2
                or len(clean(parent.text_content())) > 400 or _rows(parent) > _rows(holder) + 1):
            break
        holder = parent
    return clean(holder.text_content())[:400], _links_of(page, holder)
