"""The demo server: every demo site on one ``ThreadingHTTPServer`` bound to 127.0.0.1.

Use it as a context manager (``with DemoServer() as server: server.base_url``) or run
``python -m checker.demo.server --port 8765`` to browse it. Pages are rendered once at start-up from
the content files; QR codes are generated then, for the real port. Every URL under ``/bm/zjj/``
answers 503 (a seeded unreachable site); unknown paths get a Chinese 404 page. The sites on other
templates (示例县 under ``/xian/``, 交通运输局 under ``/bm/jtj/``) come from
:class:`~checker.demo.template_sites.TemplateSites`, asked first.

The handler speaks HTTP/1.0: every request comes on a connection of its own, closed after the answer. With a
:class:`~checker.demo.faults.FaultPlan` (``DemoServer(faults=FaultPlan.even(0.1, seed=7))`` or
``python -m checker.demo.server --faults 0.1 --seed 7``) the server is flaky on purpose: each GET, HEAD and POST
(``/robots.txt`` included) is, as the plan draws it, reset without an answer, answered 503 (no Retry-After, as
an overloaded server does) or answered normally after ``stall_seconds``.
"""

from __future__ import annotations

import argparse
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

from checker.demo.assets import build_assets
from checker.demo.content import Content, load_content
from checker.demo.faults import Fault, FaultPlan
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
OVERLOADED_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>服务器繁忙</title></head>
<body><h1>503 服务器繁忙</h1><p>访问人数过多，请稍后刷新重试。</p></body></html>
""".encode()
"""What a request the fault plan answers 503 gets: a short page and no Retry-After."""


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
        """Every GET and HEAD received, as (method, path and query), in order: tests count fetches with it.
        With a fault plan the faulted requests are logged here too (the plan's log says which they were)."""
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


def _handler(site: DemoSite, faults: FaultPlan | None = None) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.0 (the default, kept on purpose): one request per connection, closed after the answer, so a
        # reset fault ends exactly one request.
        protocol_version = "HTTP/1.0"
        server_version = "nginx"
        sys_version = ""

        def log_message(self, format: str, *args: object) -> None:
            """Stay quiet: no line per request."""

        def _send(self, response: Response, body: bool = True, retry_after: str | None = "3600") -> None:
            status, kind, payload, location = response
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Cache-Control", "no-cache")
            if status == 503 and retry_after:
                self.send_header("Retry-After", retry_after)
            self.end_headers()
            if body:
                self.wfile.write(payload)

        def _faulted(self, method: str, body: bool = True) -> bool:
            """Apply the plan's fault for this request; True when it was answered (or reset) here."""
            fault = faults.decide(method, self.path, self.headers.get("Referer", "")) if faults else Fault.NONE
            if fault is Fault.RESET:
                # SO_LINGER (on, 0 s): closing sends RST, the client sees a reset. The socket is really closed
                # once the handler's files are closed (right after this method returns); nothing is written.
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                self.close_connection = True
                return True
            if fault is Fault.ERROR:
                self._send(Response(503, HTML, OVERLOADED_PAGE), body=body, retry_after=None)
                return True
            if fault is Fault.STALL and faults:
                time.sleep(faults.stall_seconds)
            return False

        def do_GET(self) -> None:
            site.requests.append(("GET", self.path))
            if not self._faulted("GET"):
                self._send(site.get(self.path))

        def do_HEAD(self) -> None:
            site.requests.append(("HEAD", self.path))
            if not self._faulted("HEAD", body=False):
                self._send(site.get(self.path), body=False)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode("utf-8", errors="replace")
            if self._faulted("POST"):
                return
            form = {key: values[0] for key, values in parse_qs(raw, keep_blank_values=True).items()}
            self._send(site.post(unquote(urlsplit(self.path).path), form))

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that hang up mid-answer are normal for a crawler; say nothing."""


class DemoServer:
    """The demo sites served on 127.0.0.1 from a daemon thread; ``port=0`` picks a free port. ``faults`` makes
    it flaky on purpose (see :mod:`checker.demo.faults`); its log counts what was injected."""

    def __init__(self, port: int = 0, host: str = "127.0.0.1", faults: FaultPlan | None = None) -> None:
        self.host = host
        self.port = port
        self.faults = faults
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
        httpd.RequestHandlerClass = _handler(self.site, self.faults)
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
    """Serve the demo sites until Ctrl-C: ``python -m checker.demo.server --port 8765 [--faults 0.1 --seed 7]``."""
    parser = argparse.ArgumentParser(description="govcheck 示例政府网站")
    parser.add_argument("--port", type=int, default=8765, help="端口（0 表示自动选择），默认 8765")
    parser.add_argument("--faults", type=float, default=0.0,
                        help="故障注入比例 0–1（其中 40%% 重置连接、40%% 返回 503、20%% 延迟回答），默认 0 不注入")
    parser.add_argument("--seed", type=int, default=0, help="故障注入的随机种子，默认 0")
    parser.add_argument("--stall-seconds", type=float, default=4.0, help="延迟回答的秒数，默认 4")
    args = parser.parse_args(argv)
    if not 0.0 <= args.faults <= 1.0:
        parser.error("--faults 应在 0 与 1 之间")
    plan = FaultPlan.even(args.faults, seed=args.seed, stall_seconds=args.stall_seconds) if args.faults else None
    server = DemoServer(port=args.port, faults=plan).start()
    print(f"示例网站已启动：{server.base_url}（按 Ctrl-C 停止）", flush=True)
    if plan:
        print(plan.describe(), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
