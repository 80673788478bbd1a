"""Serve a folder of the real-pages corpus on 127.0.0.1, as a static web server would (no directory listings),
or any request handler a test writes."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from socketserver import BaseRequestHandler
from typing import Any


class _CorpusHandler(SimpleHTTPRequestHandler):
    """Files as they are; a folder without an index page answers 404 (a listing is no page of the site)."""

    def list_directory(self, path: str | Path) -> None:
        """Refuse to list a folder: the mirrored site has no page there."""
        self.send_error(404, "Not Found")
        return None

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on a free port of 127.0.0.1 in a background thread; yields the base URL (ending in /)."""
    with serve_handler(partial(_CorpusHandler, directory=str(folder))) as base:
        yield base


@contextmanager
def serve_handler(handler: Callable[..., BaseRequestHandler]) -> Iterator[str]:
    """Serve with ``handler`` on a free port of 127.0.0.1 in a background thread; yields the base URL (ending
    in /)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="corpus-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def send_answer(handler: BaseHTTPRequestHandler, status: int, content_type: str, body: bytes) -> None:
    """Answer a test handler's request: status, content type and length, then the body."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
