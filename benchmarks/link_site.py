"""A generated site of N pages with ~10 links each, served on 127.0.0.1, for the link-checking benchmark.

Shape (deterministic for a given page count, port and seed):

- pages ``/`` (page 0) and ``/p{i}.html``; page i links to its children 3i+1..3i+3, so a breadth-first crawl
  from ``/`` reaches every page, the deepest at ``max_depth`` (7 for 2,000 pages); every page also carries
  the same navigation (首页 and pages 1–3) and logo, and one 相关链接 to another page;
- on every page: its own image (``img src``), a lazy image (``img data-src``, 50 shared) and an attachment
  (.pdf .docx .xls .zip in turn), so ~10 link occurrences a page, many shared;
- on a seeded few pages: broken links (404/410/403 pages, a 404 image, a 404 attachment), 5xx links (500,
  502, 503, answered the same on retry), slow links (answered after 0.5–2 s, html and pdf) and external links
  to ``http://localhost:PORT/ext/…`` (another host name, still loopback; one in five of them 404);
- script pages (``script_share`` of the pages, default 5%, seeded apart from the rest, never the home page):
  their static HTML is unchanged (same links, children still linked statically, so the static tree and every
  static figure stay as without scripts) plus an empty list ``<ul class='dyn-list'>``, an empty
  ``<div class='pagination'>``, an empty ``<div class='pics'>`` and a script, inline (XMLHttpRequest, the
  data address in the script) or the site's own ``/static/dynlist.js`` (``fetch``, the address in the list's
  ``data-source``), on alternate script pages. The script reads ``/api/list{k}.json``, answered after
  50–300 ms (seeded), so after ``load``, and fills the list (two existing pages and an attachment), writes
  the pagination links (``/list{k}_2.html`` and ``/list{k}_3.html``: static pages reachable **only** through
  that script pagination, each with the navigation, two existing pages and an attachment) and sets an image.
  Among them, seeded failures that exist only in what the scripts insert (3 in 25 script pages, but at least
  one of each kind while there are script pages enough: 12 on 2,000 pages): a 404 list item, a 404 image,
  a 404 attachment, a pagination link to a missing page, a 404 link on a script-reached pagination page, and
  a 503 list item, in turn. A script-less checker cannot see them.

Ground truth: ``failing`` is everything a visitor can reach (after scripts); ``failing_static`` what is in
the static HTML of the statically reachable pages, ``failing_script`` the rest. Likewise ``unique_links`` /
``static_unique_links``, ``links_total`` / ``static_links_total`` (occurrences, as ``links.js`` and the static
extractor count them) and ``html_pages`` / ``static_html_pages``.

The server runs in its own process (so the checkers, not the server, are measured), speaks HTTP/1.1 with
keep-alive, answers HEAD, and sends a ``LinkChecker`` header, which lifts LinkChecker's own per-host rate
limit, i.e. turns its politeness off as the benchmark asks of govcheck.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from types import TracebackType

from benchmarks.serving import QuietServer, start_server_process, stop_server_process, write_answer

GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")
ATTACHMENTS = {
    "pdf": ("application/pdf", b"%PDF-1.4\n%%EOF\n"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x05\x06" + bytes(18)),
    "xls": ("application/vnd.ms-excel", bytes.fromhex("d0cf11e0a1b11ae1") + bytes(8)),
    "zip": ("application/zip", b"PK\x05\x06" + bytes(18)),
}
NAV = ("<div class='nav'><a href='/'>首页</a><a href='/p1.html'>政务公开</a><a href='/p2.html'>政务服务</a>"
       "<a href='/p3.html'>互动交流</a><img src='/static/logo.png' alt='基准市人民政府'></div>")
NAV_LINKS = ("/", "/p1.html", "/p2.html", "/p3.html", "/static/logo.png")
LAZY_IMAGES = 50
BROKEN_VARIANTS = (("page", 404, "/news/{j}-deleted.html"), ("page", 410, "/gone/{j}.html"),
                   ("page", 403, "/private/{j}.html"), ("image", 404, "/img/missing{j}.png"),
                   ("attachment", 404, "/files/missing{j}.pdf"))
SCRIPT_FAILURES = ("item", "image", "attachment", "pager", "deep", "busy")
"""The kinds of script-only failures, in turn (see the module docstring)."""
DYNLIST_JS = """(function () {
  var list = document.querySelector('ul.dyn-list');
  fetch(list.getAttribute('data-source')).then(function (answer) { return answer.json(); }).then(fill);
})();
"""
FILL_JS = """function fill(data) {
  document.querySelector('ul.dyn-list').innerHTML = data.items.map(function (item) {
    return "<li><a href='" + item.url + "'>" + item.title + "</a></li>"; }).join('');
  document.querySelector('div.pagination').innerHTML = data.pages.map(function (page, n) {
    return "<a href='" + page + "'>第" + (n + 2) + "页</a>"; }).join(' ');
  var pics = document.querySelector('div.pics');
  data.images.forEach(function (address) {
    var image = document.createElement('img'); image.alt = '动态配图'; image.src = address; pics.appendChild(image);
  });
}
"""
INLINE_JS = """<script>FILL
(function () {
  var request = new XMLHttpRequest();
  request.open('GET', 'SOURCE');
  request.onload = function () { fill(JSON.parse(request.responseText)); };
  request.send();
})();
</script>"""


@dataclass(frozen=True)
class Resource:
    """One answer of the server: status, body, content type and how long to wait before answering."""

    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    delay: float = 0.0


@dataclass
class LinkSite:
    """The generated site and its ground truth (absolute URLs)."""

    pages: int
    base: str
    resources: dict[str, Resource] = field(default_factory=dict)
    links_total: int = 0
    unique_links: set[str] = field(default_factory=set)
    html_pages: set[str] = field(default_factory=set)
    broken: dict[str, int] = field(default_factory=dict)
    server_errors: dict[str, int] = field(default_factory=dict)
    slow: dict[str, float] = field(default_factory=dict)
    external: set[str] = field(default_factory=set)
    max_depth: int = 0
    static_links_total: int = 0
    static_unique_links: set[str] = field(default_factory=set)
    static_html_pages: set[str] = field(default_factory=set)
    static_max_depth: int = 0
    script_pages: dict[str, str] = field(default_factory=dict)
    """Script page URL -> ``inline`` or ``external`` (how its script comes)."""
    failing_script: set[str] = field(default_factory=set)
    """Failing URLs that only the scripts' content (or pages reached only through it) shows."""

    @property
    def failing(self) -> set[str]:
        """Every URL a checker should report: the broken ones and the 5xx ones, script-made ones included."""
        return set(self.broken) | set(self.server_errors)

    @property
    def failing_static(self) -> set[str]:
        """The failing URLs in the static HTML of the statically reachable pages (a script-less checker's)."""
        return self.failing - self.failing_script

    def ok_urls(self, count: int) -> list[str]:
        """``count`` same-host URLs that answer 200 at once (pages, then attachments), for the politeness run;
        taken from the static links, so the list is the same with or without script pages."""
        quick = [u for u in sorted(self.static_unique_links) if u.startswith(self.base) and u not in self.failing
                 and u not in self.slow]
        return quick[:count]


def _page_path(i: int) -> str:
    return "/" if i == 0 else f"/p{i}.html"


def _document(title: str, main: str, tail: str = "") -> bytes:
    return (f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body>{NAV}<div class='main'><h1>{title}</h1>{main}</div>{tail}</body></html>").encode()


def _specials(pages: int, seed: int) -> dict[str, list[int]]:
    """Which pages carry a broken, 5xx, slow or external link (seeded, disjoint, at least a few each)."""
    rng = random.Random(seed)
    wanted = {"broken": max(5, pages // 100), "errors": max(3, pages // 200), "slow": max(2, pages // 200),
              "external": max(5, pages // 40)}
    chosen = rng.sample(range(pages), min(pages, sum(wanted.values())))
    out: dict[str, list[int]] = {}
    for kind, count in wanted.items():
        out[kind], chosen = sorted(chosen[:count]), chosen[count:]
    return out


def _special_links(site: LinkSite, i: int, specials: dict[str, list[int]],
                   rng: random.Random) -> list[tuple[str, str]]:
    """The seeded links of page ``i`` as (HTML, target) pairs, registering their resources and ground truth."""
    ext_base = site.base.replace("127.0.0.1", "localhost")
    parts: list[tuple[str, str]] = []
    if i in specials["broken"]:
        j = specials["broken"].index(i)
        kind, status, pattern = BROKEN_VARIANTS[j % len(BROKEN_VARIANTS)]
        path = pattern.format(j=j)
        site.resources[path] = Resource(status, b"<html><body>error</body></html>")
        site.broken[site.base + path] = status
        parts.append((f"<img src='{path}' alt='图{j}'>" if kind == "image" else f"<a href='{path}'>旧链接{j}</a>",
                      path))
    if i in specials["errors"]:
        j = specials["errors"].index(i)
        path, status = f"/busy/{j}.html", (500, 502, 503)[j % 3]
        site.resources[path] = Resource(status, b"<html><body>busy</body></html>")
        site.server_errors[site.base + path] = status
        parts.append((f"<a href='{path}'>办事大厅{j}</a>", path))
    if i in specials["slow"]:
        j = specials["slow"].index(i)
        delay = round(rng.uniform(0.5, 2.0), 2)
        if j % 2 == 0:
            path, resource = f"/slow/{j}.html", Resource(200, _document(f"慢页面{j}", "<p>稍后</p>"), delay=delay)
            site.html_pages.add(site.base + path)
            site.links_total += len(NAV_LINKS)
        else:
            path, resource = f"/slow/{j}.pdf", Resource(200, ATTACHMENTS["pdf"][1], ATTACHMENTS["pdf"][0], delay)
        site.resources[path] = resource
        site.slow[site.base + path] = delay
        parts.append((f"<a href='{path}'>慢速链接{j}</a>", path))
    if i in specials["external"]:
        j = specials["external"].index(i)
        path = f"/ext/{j}-missing.html" if j % 5 == 4 else f"/ext/{j}.html"
        site.resources[path] = Resource(404 if j % 5 == 4 else 200, _document(f"外部{j}", ""))
        site.external.add(ext_base + path)
        if j % 5 == 4:
            site.broken[ext_base + path] = 404
        parts.append((f"<a href='{ext_base}{path}'>外部网站{j}</a>", ext_base + path))
    return parts


def _page(site: LinkSite, i: int, specials: dict[str, list[int]], rng: random.Random,
          script: tuple[str, str] = ("", "")) -> tuple[bytes, list[str]]:
    """Page ``i``'s HTML and the link targets it adds beyond the navigation (as written, before resolving);
    ``script`` is the empty containers and the script tag of a script page (no links in the static HTML)."""
    ext = tuple(ATTACHMENTS)[i % len(ATTACHMENTS)]
    children = [c for c in range(3 * i + 1, 3 * i + 4) if c < site.pages]
    related = (i * 7 + 13) % site.pages
    targets = [_page_path(c) for c in children] + [_page_path(related), f"/img/p{i}.png",
                                                   f"/img/lazy{i % LAZY_IMAGES}.jpg", f"/files/f{i}.{ext}"]
    items = "".join(f"<li><a href='{_page_path(c)}'>第{c}号栏目</a></li>" for c in children)
    special = _special_links(site, i, specials, rng)
    targets += [target for _, target in special]
    main = (f"<ul class='list'>{items}</ul><p><a href='{_page_path(related)}'>相关链接</a></p>"
            f"<img src='/img/p{i}.png' alt='配图{i}'><img class='lazy' data-src='/img/lazy{i % LAZY_IMAGES}.jpg'>"
            f"<p>附件：<a href='/files/f{i}.{ext}'>f{i}.{ext}</a></p>"
            + "".join(html for html, _ in special) + script[0])
    return _document(f"基准市第{i}号页面", main, script[1]), targets


def _script_plan(pages: int, seed: int, share: float) -> tuple[list[int], dict[int, int]]:
    """The script pages (sorted; never the home page) and which of them carry the j-th script-only failure
    (page -> j). Seeded apart from the static specials, so the static site is the same at any share."""
    if share <= 0:
        return [], {}
    rng = random.Random(seed * 31 + 7)
    chosen = sorted(rng.sample(range(1, pages), min(pages - 1, max(3, round(pages * share)))))
    failing = rng.sample(chosen, max(min(len(chosen), len(SCRIPT_FAILURES)), len(chosen) * 3 // 25))
    return chosen, {page: j for j, page in enumerate(failing)}


def _mark(site: LinkSite, path: str, status: int) -> None:
    """Register a script-only failure: its answer and its ground truth."""
    site.resources[path] = Resource(status, b"<html><body>error</body></html>")
    (site.server_errors if status >= 500 else site.broken)[site.base + path] = status
    site.failing_script.add(site.base + path)


def _script_page(site: LinkSite, i: int, k: int, failure: int | None, delay: float) -> tuple[str, str]:
    """Register what the k-th script page's script inserts (its data, the pagination pages, their ground
    truth: occurrences and unique links beyond the static ones) and give its containers and script tag."""
    pages, api = site.pages, f"/api/list{k}.json"
    items = [{"title": f"动态栏目{k}条目{n}", "url": _page_path(c)}
             for n, c in enumerate(((i * 11 + 5) % pages, (i * 17 + 29) % pages))]
    items.append({"title": f"动态附件{k}", "url": f"/files/dyn{k}.pdf"})
    site.resources[f"/files/dyn{k}.pdf"] = Resource(200, *reversed(ATTACHMENTS["pdf"]))
    pager, images = [f"/list{k}_2.html", f"/list{k}_3.html"], [f"/img/dyn{k}.png"]
    site.resources[f"/img/dyn{k}.png"] = Resource(200, GIF, "image/png")
    kind = SCRIPT_FAILURES[failure % len(SCRIPT_FAILURES)] if failure is not None else ""
    if kind == "item":
        items.append({"title": f"已删除的通知{failure}", "url": f"/dyn/news{failure}-deleted.html"})
        _mark(site, items[-1]["url"], 404)
    elif kind == "image":
        images.append(f"/img/dyn-missing{failure}.png")
        _mark(site, images[-1], 404)
    elif kind == "attachment":
        items.append({"title": f"失效附件{failure}", "url": f"/files/dyn-missing{failure}.pdf"})
        _mark(site, items[-1]["url"], 404)
    elif kind == "pager":
        pager.append(f"/list{k}_4.html")
        _mark(site, pager[-1], 404)
    elif kind == "busy":
        items.append({"title": f"办事系统{failure}", "url": f"/dyn/busy{failure}.html"})
        _mark(site, items[-1]["url"], 503)
    data = {"items": items, "pages": pager, "images": images}
    site.resources[api] = Resource(200, json.dumps(data, ensure_ascii=False).encode(),
                                   "application/json; charset=utf-8", delay)
    inserted = [item["url"] for item in items] + pager + images
    for n in (2, 3):
        links = [_page_path((i * 13 + n * 31) % pages), _page_path((i * 19 + n * 7) % pages), f"/files/dyn{k}_{n}.docx"]
        site.resources[links[-1]] = Resource(200, *reversed(ATTACHMENTS["docx"]))
        main = "".join(f"<li><a href='{target}'>第{n}页条目{m}</a></li>" for m, target in enumerate(links))
        if kind == "deep" and n == 2:
            links.append(f"/dyn/old{failure}.html")
            _mark(site, links[-1], 404)
            main += f"<li><a href='{links[-1]}'>旧文章{failure}</a></li>"
        links.append(_page_path(i))
        body = f"<ul class='list'>{main}</ul><p><a href='{_page_path(i)}'>上一页</a></p>"
        site.resources[f"/list{k}_{n}.html"] = Resource(200, _document(f"基准市第{i}号页面 第{n}页", body))
        site.html_pages.add(site.base + f"/list{k}_{n}.html")
        inserted += [*NAV_LINKS, *links]
    site.links_total += len(inserted)
    site.unique_links.update(site.base + target for target in inserted)
    site.script_pages[site.base + _page_path(i)] = "inline" if k % 2 == 0 else "external"
    containers = "<div class='pics'></div><ul class='dyn-list'{}></ul><div class='pagination'></div>"
    if k % 2 == 0:
        return containers.format(""), INLINE_JS.replace("FILL", FILL_JS).replace("SOURCE", api)
    return containers.format(f" data-source='{api}'"), "<script src='/static/dynlist.js'></script>"


def build_site(pages: int, port: int, seed: int = 2026, script_share: float = 0.05) -> LinkSite:
    """The site of ``pages`` pages as served on ``port``, with its ground truth; ``script_share`` of the pages
    (at least 3 when above 0) are script pages."""
    site = LinkSite(pages=pages, base=f"http://127.0.0.1:{port}")
    specials, rng = _specials(pages, seed), random.Random(seed + 1)
    site.resources["/static/logo.png"] = Resource(200, GIF, "image/png")
    if pages < 4:
        raise ValueError("the site needs at least 4 pages (its navigation links to pages 1–3)")
    scripted, failures = _script_plan(pages, seed, script_share)
    delays = random.Random(seed * 31 + 8)
    script_parts = {i: _script_page(site, i, k, failures.get(i), round(delays.uniform(0.05, 0.3), 3))
                    for k, i in enumerate(scripted)}
    if scripted:
        site.resources["/static/dynlist.js"] = Resource(200, (FILL_JS + DYNLIST_JS).encode(),
                                                        "application/javascript; charset=utf-8")
    script_links, script_total = set(site.unique_links), site.links_total
    site.links_total, site.unique_links = 0, set()
    for i in range(pages):
        body, targets = _page(site, i, specials, rng, script_parts.get(i, ("", "")))
        site.resources[_page_path(i)] = Resource(200, body)
        site.html_pages.add(site.base + _page_path(i))
        site.resources[f"/img/p{i}.png"] = Resource(200, GIF, "image/png")
        site.resources[f"/img/lazy{i % LAZY_IMAGES}.jpg"] = Resource(200, GIF, "image/jpeg")
        attachment = f"/files/f{i}.{tuple(ATTACHMENTS)[i % len(ATTACHMENTS)]}"
        ctype, data = ATTACHMENTS[attachment.rsplit(".", 1)[1]]
        site.resources[attachment] = Resource(200, data, ctype)
        links = [*NAV_LINKS, *targets]
        site.links_total += len(links)
        site.unique_links.update(target if "://" in target else site.base + target for target in links)
    site.static_links_total, site.static_unique_links = site.links_total, set(site.unique_links)
    site.static_html_pages = {url for url in site.html_pages if "/list" not in url}
    site.links_total += script_total
    site.unique_links |= script_links
    depths = _depths(pages)
    site.static_max_depth = max(depths.values())
    site.max_depth = max([site.static_max_depth, *(depths[i] + 1 for i in scripted)])
    return site


def _depths(pages: int) -> dict[int, int]:
    """Depth of every page from ``/`` by breadth-first search over child, nav and related links (static)."""
    depth = {0: 0}
    queue = deque([0])
    while queue:
        i = queue.popleft()
        for c in [*range(3 * i + 1, 3 * i + 4), 1, 2, 3, (i * 7 + 13) % pages]:
            if c < pages and c not in depth:
                depth[c] = depth[i] + 1
                queue.append(c)
    return depth


def _handler(resources: dict[str, Resource]) -> type[BaseHTTPRequestHandler]:
    """A request handler answering ``resources`` by path (404 for anything else), GET and HEAD."""
    missing = Resource(404, b"<html><body>404</body></html>")

    class Handler(BaseHTTPRequestHandler):
        """Tiny answers with keep-alive; the ``LinkChecker`` header lifts LinkChecker's rate limit."""

        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out at once: no 40 ms delayed-ACK stalls

        def log_message(self, *_args: object) -> None:
            """Stay quiet."""

        def _answer(self, with_body: bool) -> None:
            resource = resources.get(self.path.split("?")[0], missing)
            if resource.delay:
                time.sleep(resource.delay)
            write_answer(self, resource.status, resource.content_type, resource.body, with_body,
                         "LinkChecker: politeness-off\r\n")

        def do_GET(self) -> None:
            """Answer with the body."""
            self._answer(True)

        def do_HEAD(self) -> None:
            """Answer without the body."""
            self._answer(False)

    return Handler


def serve(pages: int, seed: int, script_share: float = 0.05) -> None:
    """Bind a free port, print it, build the site for that port and serve it until killed (the child)."""
    server = QuietServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.RequestHandlerClass = _handler(build_site(pages, port, seed, script_share).resources)
    print(port, flush=True)
    server.serve_forever()


class LinkSiteServer:
    """The generated site served by a separate process on a free port of 127.0.0.1 (a context manager).

    Entering returns the same deterministic ``LinkSite`` the server answers, built here for its ground truth.
    """

    def __init__(self, pages: int = 2000, seed: int = 2026, script_share: float = 0.05) -> None:
        self.pages, self.seed, self.script_share = pages, seed, script_share
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> LinkSite:
        self._process, port = start_server_process("benchmarks.link_site", self.pages, self.seed, self.script_share)
        return build_site(self.pages, port, self.seed, self.script_share)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        stop_server_process(self._process)

if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]) if len(sys.argv) > 3 else 0.05)
