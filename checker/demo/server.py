"""The demo server: every demo site on one ``ThreadingHTTPServer`` bound to 127.0.0.1.

Use it as a context manager (``with DemoServer() as server: server.base_url``) or run
``python -m checker.demo.server --port 8765`` to browse it. Pages are rendered once at start-up from
the content files; QR codes are generated then, for the real port. Every URL under ``/bm/zjj/``
answers 503 (a seeded unreachable site); unknown paths get a Chinese 404 page. The sites on other
templates (示例县 under ``/xian/``, 交通运输局 under ``/bm/jtj/``) come from
:class:`~checker.demo.template_sites.TemplateSites`, asked first.
"""

from __future__ import annotations

import argparse
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

from checker.demo.assets import build_assets
from checker.demo.content import Content, load_content
from checker.demo.interaction import (
    interaction_pages,
    newmedia_pages,
    newmedia_submit_page,
    search_page,
    submit_page,
)
from checker.demo.pages import UNAVAILABLE_PAGE, content_pages, not_found_page
from checker.demo.template_sites import TemplateSites

STATIC_DIR = Path(__file__).parent / "static"
UNAVAILABLE_PREFIX = "/bm/zjj/"
HTML = "text/html; charset=utf-8"
TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
    ".png": "image/png",
    ".ico": "image/x-icon",
}


class Response(NamedTuple):
    """One answer: status, content type, body and, for a redirect, where to."""

    status: int
    content_type: str
    body: bytes
    location: str | None = None


class DemoSite:
    """Everything the server answers, built for one base URL (QR payloads depend on it)."""

    def __init__(self, base_url: str, content: Content | None = None) -> None:
        self.base_url = base_url
        self.requests: list[tuple[str, str]] = []
        """Every GET and HEAD answered, as (method, path and query), in order: tests count fetches with it."""
        self.content = content or load_content()
        pages = content_pages(self.content)
        pages.update(interaction_pages(self.content))
        pages.update(newmedia_pages(self.content))
        self.pages = {path: html.encode("utf-8") for path, html in pages.items()}
        slots = [slot for site in self.content.sites.values() for slot in site.footer.qr]
        payloads = {slot.image: base_url.rstrip("/") + slot.target if slot.target else None for slot in slots}
        self.files = build_assets(payloads)
        self.templates = TemplateSites(base_url, self.content)  # 示例县 (/xian/) and 交通运输局 (/bm/jtj/)
        self.files.update(self.templates.files)
        for file in STATIC_DIR.iterdir():
            if file.is_file():
                self.files[f"/static/{file.name}"] = file.read_bytes()
        self.not_found = not_found_page(self.content).encode("utf-8")

    def get(self, target: str) -> Response:
        """Status, content type and body for a GET of ``target`` (path and query)."""
        parts = urlsplit(target)
        path = unquote(parts.path)
        if path == UNAVAILABLE_PREFIX.rstrip("/") or path.startswith(UNAVAILABLE_PREFIX):
            return Response(503, HTML, UNAVAILABLE_PAGE.encode("utf-8"))
        answer = self.templates.get(path, parts.query)
        if answer:
            return Response(*answer)
        if path in ("/search", "/search/"):
            query = parse_qs(parts.query).get("q", [""])[0]
            return Response(200, HTML, search_page(self.content, query).encode("utf-8"))
        if path in self.pages:
            return Response(200, HTML, self.pages[path])
        if path in self.files:
            return Response(200, TYPES.get(Path(path).suffix, "application/octet-stream"), self.files[path])
        if path + "/" in self.pages:
            return Response(301, HTML, b"", location=path + "/")
        return Response(404, HTML, self.not_found)

    def post(self, path: str, form: dict[str, str]) -> Response:
        """Status, content type and body for a form POST."""
        answer = self.templates.post(path, form)
        if answer:
            return Response(*answer)
        if path == "/hdjl/wyly/submit":
            status, html = submit_page(self.content.portal, form)
            return Response(status, HTML, html.encode("utf-8"))
        if path == "/xmt/submit":
            return Response(200, HTML, newmedia_submit_page(self.content).encode("utf-8"))
        if path.startswith(UNAVAILABLE_PREFIX):
            return Response(503, HTML, UNAVAILABLE_PAGE.encode("utf-8"))
        return Response(404, HTML, self.not_found)


def _handler(site: DemoSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "nginx"
        sys_version = ""

        def log_message(self, format: str, *args: object) -> None:
            """Stay quiet: no line per request."""

        def _send(self, response: Response, body: bool = True) -> None:
            status, kind, payload, location = response
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Cache-Control", "no-cache")
            if status == 503:
                self.send_header("Retry-After", "3600")
            self.end_headers()
            if body:
                self.wfile.write(payload)

        def do_GET(self) -> None:
            site.requests.append(("GET", self.path))
            self._send(site.get(self.path))

        def do_HEAD(self) -> None:
            site.requests.append(("HEAD", self.path))
            self._send(site.get(self.path), body=False)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode("utf-8", errors="replace")
            form = {key: values[0] for key, values in parse_qs(raw, keep_blank_values=True).items()}
            self._send(site.post(unquote(urlsplit(self.path).path), form))

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that hang up mid-answer are normal for a crawler; say nothing."""


class DemoServer:
    """The demo sites served on 127.0.0.1 from a daemon thread; ``port=0`` picks a free port."""

    def __init__(self, port: int = 0, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = port
        self._httpd: _QuietServer | None = None
        self._thread: threading.Thread | None = None
        self.site: DemoSite | None = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/`` once started."""
        if self._httpd is None:
            raise RuntimeError("示例网站尚未启动")
        return f"http://{self.host}:{self.port}/"

    def start(self) -> DemoServer:
        """Bind, build the pages for the bound port and serve in a daemon thread."""
        if self._httpd is not None:
            return self
        httpd = _QuietServer((self.host, self.port), BaseHTTPRequestHandler)
        self.port = httpd.server_address[1]
        self._httpd = httpd
        self.site = DemoSite(self.base_url)
        httpd.RequestHandlerClass = _handler(self.site)
        self._thread = threading.Thread(target=httpd.serve_forever, name="govcheck-demo", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    """Serve the demo sites until Ctrl-C: ``python -m checker.demo.server --port 8765``."""
    parser = argparse.ArgumentParser(description="govcheck 示例政府网站")
    parser.add_argument("--port", type=int, default=8765, help="端口（0 表示自动选择），默认 8765")
    args = parser.parse_args(argv)
    server = DemoServer(port=args.port).start()
    print(f"示例网站已启动：{server.base_url}（按 Ctrl-C 停止）", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
