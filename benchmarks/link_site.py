"""A generated site of N pages with ~10 links each, served on 127.0.0.1, for the link-checking benchmark.

Shape (deterministic for a given page count, port and seed):

- pages ``/`` (page 0) and ``/p{i}.html``; page i links to its children 3i+1..3i+3, so a breadth-first crawl
  from ``/`` reaches every page, the deepest at ``max_depth`` (7 for 2,000 pages); every page also carries
  the same navigation (首页 and pages 1–3) and logo, and one 相关链接 to another page;
- on every page: its own image (``img src``), a lazy image (``img data-src``, 50 shared) and an attachment
  (.pdf .docx .xls .zip in turn), so ~10 link occurrences a page, many shared;
- on a seeded few pages: broken links (404/410/403 pages, a 404 image, a 404 attachment), 5xx links (500,
  502, 503, answered the same on retry), slow links (answered after 0.5–2 s, html and pdf) and external links
  to ``http://localhost:PORT/ext/…`` (another host name, still loopback; one in five of them 404).

The server runs in its own process (so the checkers, not the server, are measured), speaks HTTP/1.1 with
keep-alive, answers HEAD, and sends a ``LinkChecker`` header, which lifts LinkChecker's own per-host rate
limit, i.e. turns its politeness off as the benchmark asks of govcheck.
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

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

    @property
    def failing(self) -> set[str]:
        """Every URL a checker should report: the broken ones and the 5xx ones."""
        return set(self.broken) | set(self.server_errors)

    def ok_urls(self, count: int) -> list[str]:
        """``count`` same-host URLs that answer 200 at once (pages, then attachments), for the politeness run."""
        quick = [u for u in sorted(self.unique_links) if u.startswith(self.base) and u not in self.failing
                 and u not in self.slow]
        return quick[:count]


def _page_path(i: int) -> str:
    return "/" if i == 0 else f"/p{i}.html"


def _document(title: str, main: str) -> bytes:
    return (f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body>{NAV}<div class='main'><h1>{title}</h1>{main}</div></body></html>").encode()


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


def _page(site: LinkSite, i: int, specials: dict[str, list[int]], rng: random.Random) -> tuple[bytes, list[str]]:
    """Page ``i``'s HTML and the link targets it adds beyond the navigation (as written, before resolving)."""
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
            + "".join(html for html, _ in special))
    return _document(f"基准市第{i}号页面", main), targets


def build_site(pages: int, port: int, seed: int = 2026) -> LinkSite:
    """The site of ``pages`` pages as served on ``port``, with its ground truth."""
    site = LinkSite(pages=pages, base=f"http://127.0.0.1:{port}")
    specials, rng = _specials(pages, seed), random.Random(seed + 1)
    site.resources["/static/logo.png"] = Resource(200, GIF, "image/png")
    if pages < 4:
        raise ValueError("the site needs at least 4 pages (its navigation links to pages 1–3)")
    for i in range(pages):
        body, targets = _page(site, i, specials, rng)
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
    site.max_depth = _max_depth(pages)
    return site


def _max_depth(pages: int) -> int:
    """Depth of the deepest page from ``/`` by breadth-first search over child, nav and related links."""
    depth = {0: 0}
    queue = deque([0])
    while queue:
        i = queue.popleft()
        for c in [*range(3 * i + 1, 3 * i + 4), 1, 2, 3, (i * 7 + 13) % pages]:
            if c < pages and c not in depth:
                depth[c] = depth[i] + 1
                queue.append(c)
    return max(depth.values())


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
            reason = self.responses.get(resource.status, ("",))[0]
            head = (f"HTTP/1.1 {resource.status} {reason}\r\nContent-Type: {resource.content_type}\r\n"
                    f"Content-Length: {len(resource.body)}\r\nLinkChecker: politeness-off\r\n\r\n")
            self.wfile.write(head.encode() + (resource.body if with_body else b""))

        def do_GET(self) -> None:
            """Answer with the body."""
            self._answer(True)

        def do_HEAD(self) -> None:
            """Answer without the body."""
            self._answer(False)

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients closing kept-alive connections are normal here; stay quiet about them."""


def serve(pages: int, seed: int) -> None:
    """Bind a free port, print it, build the site for that port and serve it until killed (the child)."""
    server = _Server(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.RequestHandlerClass = _handler(build_site(pages, port, seed).resources)
    print(port, flush=True)
    server.serve_forever()


class LinkSiteServer:
    """The generated site served by a separate process on a free port of 127.0.0.1 (a context manager).

    Entering returns the same deterministic ``LinkSite`` the server answers, built here for its ground truth.
    """

    def __init__(self, pages: int = 2000, seed: int = 2026) -> None:
        self.pages, self.seed = pages, seed
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> LinkSite:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.link_site", str(self.pages), str(self.seed)],
            cwd=Path(__file__).resolve().parents[1], stdout=subprocess.PIPE, text=True)
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line.strip().isdigit():
            self._process.kill()
            raise RuntimeError("benchmark site server did not start")
        return build_site(self.pages, int(line), self.seed)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(10)


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]))
