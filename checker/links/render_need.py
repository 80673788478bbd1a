"""Whether a fetched page must be rendered in a browser to be seen as a citizen sees it (the crawl's
``hybrid`` mode), decided from its HTML and the text of its own scripts, with the reasons in Chinese.

Most government pages are static HTML: their links are all in what the server sends, and reading that HTML is
~30 times cheaper than rendering it. A page needs the browser when what a visitor sees is written or fetched
by scripts:

- a list container that is empty in the HTML but names a data source (``data-url`` …) or is a template
  (``v-for``, ``{{ }}``), or a front-end framework that renders the page;
- pagination written by script (TRS ``createPageHTML``, ``laypage`` …);
- a script of the page (inline, or the site's own file) that writes the page (``innerHTML``,
  ``document.write``, jQuery ``.html()``/``.append()`` …) or fetches data (``fetch``, XHR, ``$.ajax`` …)
  when the page loads: its visible text would differ after scripts. A function only declared (a site's
  common script holds the pager and list code of every template) counts when the page calls it;
- a lazy image whose address is not in the HTML (no ``src`` and no ``data-src``-like attribute);
- a frame whose content is not a page of its own (``srcdoc``, or no ``src``): a frame with ``src`` is a page
  the crawl opens by itself;
- a ``<noscript>`` fallback with content: the page shows something else when scripts run;
- a script that sends the visitor elsewhere when the page loads (``location.href = …``, ``location.replace``).

Well-known libraries (jQuery, Bootstrap …) and other sites' scripts (statistics) are not read: they do not
write the site's content by themselves; what calls them is inline or in the site's own files, which are.

Pure: HTML and script texts in, reasons out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urljoin, urlsplit

import lxml.html

from checker.links.static_links import parse_document

WRITES_PAGE = "脚本写入页面内容"
FETCHES_DATA = "脚本从数据接口读取内容"
EMPTY_LIST = "列表容器为空，由数据源或模板填充"
SCRIPT_PAGER = "分页由脚本生成"
FRAMEWORK = "页面由前端框架渲染"
LAZY_IMAGE = "懒加载图片的地址不在HTML中"
SCRIPT_FRAME = "框架内容由脚本或 srcdoc 给出"
NOSCRIPT = "页面有 noscript 后备内容"
UNREAD_SCRIPT = "站内脚本未能读取"
MOVES_ON = "脚本使页面跳转"

_WRITES = re.compile(
    r"\.(?:innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML|document\.write(?:ln)?\s*\(|"
    r"\.(?:html|append|prepend|appendTo|prependTo|after|before|replaceWith|load)\s*\(|"
    r"appendChild\s*\(|replaceChildren\s*\(|createElement\s*\(\s*['\"](?!script['\"])|"
    r"\.(?:innerText|textContent)\s*=")
_FETCHES = re.compile(r"\bfetch\s*\(|XMLHttpRequest|\$\.(?:ajax|get|getJSON|post)\s*\(|\baxios\b|jsonp",
                      re.IGNORECASE)
_MOVES = re.compile(r"\blocation(?:\.href)?\s*=(?!=)|\blocation\.(?:replace|assign|reload)\s*\(")
"""A script sending the visitor elsewhere (or reloading the page, as anti-robot checks do once they have set
their cookie): what a visitor reads is where it lands."""
_PAGER = re.compile(r"createPageHTML|laypage|pagination\s*\(|\.pager?\s*\(|下一页|尾页|totalPage|pageCount",
                    re.IGNORECASE)
_FRAMEWORKS = re.compile(r"(?:^|[/._-])(?:vue|react|react-dom|angular|svelte)(?:[._-]|$)", re.IGNORECASE)
_LIBRARIES = re.compile(
    r"(?:^|[/._-])(?:jquery|bootstrap|swiper|slick|superslide|jquery\.superslide|popper|lodash|moment|"
    r"echarts|layer|html5shiv|respond|es5-shim|polyfill|modernizr|font-?awesome|wow|animate|flexible)"
    r"(?:[._-]|\.min|$)", re.IGNORECASE)
_TEMPLATE_ATTRS = ("v-for", "ng-repeat", "x-for", ":key", "v-html")
_SOURCE_ATTRS = ("data-url", "data-api", "data-source", "data-src-url", "data-list", "data-column", "data-channel")
_LIST_TAGS = {"ul", "ol", "tbody", "table", "dl", "div", "section"}
_LAZY_ADDRESS = ("src", "data-src", "data-original", "data-lazy-src")
_LAZY_HINT = re.compile(r"\blazy", re.IGNORECASE)
_NOSCRIPT_BODY = re.compile(r"<noscript\b[^>]*>(.*?)</noscript>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")
_TRACKER = re.compile(r"^\s*(?:<img\b[^>]*>\s*)*$", re.IGNORECASE)
_MUSTACHE = re.compile(r"\{\{[^}]{1,80}\}\}")
_STATISTICS = re.compile(r"cnzz_|_hmt\b|hm\.baidu\.com|bdShare|bdimg\.share|google-analytics|gtag\(|_czc\b|51\.la|"
                         r"ucstat|_maq\b|webdig", re.IGNORECASE)
"""Inline snippets of statistics and share services: they write a counter icon or load their own script."""
_LOADERS = re.compile(
    r"appendChild\s*\(\s*(?:document\s*\.\s*)?createElement\s*\(\s*['\"]script['\"]\s*\)\s*\)|"
    r"document\.write(?:ln)?\s*\(\s*(?:unescape\s*\(\s*)?['\"](?:<|%3C)script[^;]*;", re.IGNORECASE)
"""A script that only loads another script writes nothing a visitor reads."""


def _own_site(address: str, page_url: str) -> bool:
    """Whether a script's address is on the page's own host (another site's scripts are statistics, shares,
    the 党政机关标识: not the site's content)."""
    try:
        return (urlsplit(address).hostname or "") == (urlsplit(page_url).hostname or "")
    except ValueError:
        return False


def _library(address: str) -> bool:
    """A well-known library or front-end framework file: not read (a framework is a reason of its own)."""
    name = urlsplit(address).path.rsplit("/", 1)[-1]
    return bool(_LIBRARIES.search(name) or _FRAMEWORKS.search(name))


def script_sources(html: str, page_url: str, root: lxml.html.HtmlElement | None = None) -> list[str]:
    """The site's own script files of a page that :func:`render_reasons` reads (absolute URLs, in order,
    each once): libraries and other sites' scripts left out. ``root``: the page's tree, when already parsed."""
    root = root if root is not None else parse_document(html)
    if root is None:
        return []
    found: list[str] = []
    for element in root.iter("script"):
        raw = (element.get("src") or "").strip()
        if not raw:
            continue
        try:
            address = urljoin(page_url, raw)
        except ValueError:
            continue
        if _own_site(address, page_url) and not _library(address) and address not in found:
            found.append(address)
    return found


def _script_texts(root: lxml.html.HtmlElement, page_url: str, scripts: Mapping[str, str | None]) -> tuple[
        list[str], bool, bool]:
    """The texts of the page's inline scripts and its own script files; whether one of the files could not be
    read; whether a front-end framework is loaded."""
    texts: list[str] = []
    unread = framework = False
    for element in root.iter("script"):
        kind = (element.get("type") or "").lower()
        if kind and "javascript" not in kind and "module" not in kind and "ecmascript" not in kind:
            continue  # JSON data, templates
        raw = (element.get("src") or "").strip()
        if not raw:
            text = element.text or ""
            if not _STATISTICS.search(text):
                texts.append(_LOADERS.sub(" ", text))
            continue
        try:
            address = urljoin(page_url, raw)
        except ValueError:
            continue
        name = urlsplit(address).path.rsplit("/", 1)[-1]
        if _FRAMEWORKS.search(name):
            framework = True
        if not _own_site(address, page_url) or _library(address):
            continue
        text = scripts.get(address)
        if text is None:
            unread = True
        else:
            texts.append(text)
    return texts, unread, framework


_DECLARATION = re.compile(
    r"(?:\bfunction\s+([A-Za-z_$][\w$]*)|(?:\b(?:var|let|const)\s+)?([A-Za-z_$][\w$.]*)\s*=\s*function\b[^(]*)"
    r"\s*\([^)]*\)\s*\{")
_QUOTES = "'\"`"


def _regex_end(code: str, start: int) -> int:
    """The index of the ``/`` closing a regular-expression literal opened at ``start`` (a ``/`` inside a
    character class or escaped does not close it); -1 when the line ends first (then it was a division)."""
    index = start + 1
    in_class = False
    while index < len(code) and code[index] != "\n":
        char = code[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "/" and not in_class:
            return index
        index += 1
    return -1


_REGEX_AFTER = frozenset("(,=:[!&|?{};+-*%<>~^")
_REGEX_AFTER_WORDS = frozenset({"return", "typeof", "case", "in", "of", "void"})


def _opens_regex(code: str, index: int) -> bool:
    """Whether the ``/`` at ``index`` starts a regular-expression literal: what precedes it cannot end a
    value (an operator, an opening bracket, a comma, ``return`` …), so it is not a division."""
    end = index - 1
    while end >= 0 and code[end] in " \t\r\n":
        end -= 1
    if end < 0 or code[end] in _REGEX_AFTER:
        return True
    start = end
    while start >= 0 and (code[start].isalnum() or code[start] in "_$"):
        start -= 1
    return code[start + 1:end + 1] in _REGEX_AFTER_WORDS


def _block_end(code: str, start: int) -> int:
    """The index just past the ``}`` matching the ``{`` at ``start`` (strings, regular-expression literals and
    comments skipped roughly; the end of the text when it never closes)."""
    depth = 0
    index = start
    while index < len(code):
        char = code[index]
        if char in _QUOTES:
            index += 1
            while index < len(code) and code[index] != char:
                index += 2 if code[index] == "\\" else 1
        elif code.startswith("//", index):
            index = code.find("\n", index)
            if index < 0:
                return len(code)
        elif code.startswith("/*", index):
            index = code.find("*/", index + 2)
            if index < 0:
                return len(code)
            index += 1
        elif char == "/" and _opens_regex(code, index):
            end = _regex_end(code, index)
            if end > 0:
                index = end
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return len(code)


def _split_functions(code: str) -> tuple[str, dict[str, str]]:
    """A script's code run when it loads (top level, function expressions included) and the bodies of the
    functions it only declares, by name."""
    top: list[str] = []
    functions: dict[str, str] = {}
    index = 0
    while (match := _DECLARATION.search(code, index)) is not None:
        top.append(code[index:match.start()])
        end = _block_end(code, match.end() - 1)
        name = (match.group(1) or match.group(2) or "").rsplit(".", 1)[-1]
        if name == "onload":  # window.onload = function () {…}: runs when the page loads
            top.append(code[match.end():end])
        else:
            functions[name] = functions.get(name, "") + code[match.end():end]
        index = end
    top.append(code[index:])
    return "".join(top), functions


def running_code(texts: list[str], handlers: str = "") -> str:
    """The part of a page's scripts that runs without a visitor doing anything: their top-level code, the
    ``onload`` handlers, and the functions those call (transitively). A site's common script declares
    functions for every template (a pager, a list renderer); only those a page calls change what it shows."""
    running = [handlers]
    declared: dict[str, str] = {}
    for text in texts:
        top, functions = _split_functions(text)
        running.append(top)
        for name, body in functions.items():
            declared[name] = declared.get(name, "") + body
    code = "\n".join(running)
    called: set[str] = set()
    while True:
        fresh = [name for name in declared if name not in called and re.search(rf"\b{re.escape(name)}\s*\(", code)]
        if not fresh:
            return code
        called.update(fresh)
        code += "\n" + "\n".join(declared[name] for name in fresh)


def _empty_sourced(root: lxml.html.HtmlElement) -> bool:
    """A list container with no entries in the HTML that names a data source or is a template."""
    for element in root.iter(*_LIST_TAGS):
        sourced = any(element.get(attr) for attr in _SOURCE_ATTRS)
        templated = any(element.get(attr) is not None for attr in _TEMPLATE_ATTRS)
        if templated:
            return True
        if sourced and not element.xpath(".//a[@href]") and not " ".join(element.text_content().split()):
            return True
    return False


def _lazy_without_address(root: lxml.html.HtmlElement) -> bool:
    for image in root.iter("img"):
        marked = _LAZY_HINT.search(image.get("class", "")) or image.get("loading") == "lazy"
        if marked and not any((image.get(attr) or "").strip() for attr in _LAZY_ADDRESS):
            return True
    return False


def _script_frame(root: lxml.html.HtmlElement) -> bool:
    return any(frame.get("srcdoc") is not None or not (frame.get("src") or "").strip()
               for frame in root.iter("iframe", "frame"))


def _noscript_content(html: str) -> bool:
    """A ``<noscript>`` holding text or links (a statistics pixel alone does not count)."""
    for body in _NOSCRIPT_BODY.findall(html):
        if _TRACKER.match(body):
            continue
        if "<a" in body.lower() or " ".join(_TAGS.sub(" ", body).split()):
            return True
    return False


def render_reasons(html: str, page_url: str, scripts: Mapping[str, str | None] | None = None,
                   root: lxml.html.HtmlElement | None = None) -> tuple[str, ...]:
    """Why the page must be rendered (empty: its HTML shows what a visitor sees).

    ``scripts`` maps the addresses :func:`script_sources` gave to their text (``None``: could not be read,
    which counts as a reason: the browser may well read it). ``root``: the page's tree, when already parsed.
    """
    root = root if root is not None else parse_document(html)
    if root is None:
        return ()
    reasons: list[str] = []
    texts, unread, framework = _script_texts(root, page_url, scripts or {})
    handlers = " ".join(element.get("onload", "") for element in root.iter("body", "frameset"))
    code = running_code(texts, handlers)
    visible = " ".join(root.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]"))
    if framework or _MUSTACHE.search(visible):
        reasons.append(FRAMEWORK)
    if _empty_sourced(root):
        reasons.append(EMPTY_LIST)
    if _PAGER.search(code) and (_WRITES.search(code) or "createPageHTML" in code):
        reasons.append(SCRIPT_PAGER)
    if _WRITES.search(code):
        reasons.append(WRITES_PAGE)
    if _FETCHES.search(code):
        reasons.append(FETCHES_DATA)
    if _MOVES.search(code):
        reasons.append(MOVES_ON)
    if _lazy_without_address(root):
        reasons.append(LAZY_IMAGE)
    if _script_frame(root):
        reasons.append(SCRIPT_FRAME)
    if _noscript_content(html):
        reasons.append(NOSCRIPT)
    if unread:
        reasons.append(UNREAD_SCRIPT)
    return tuple(reasons)
