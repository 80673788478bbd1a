"""What the benchmarks' generated sites share to be served: a quiet threading server that keeps up with
thousands of requests a second, and one write per answer (head and body together)."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class QuietServer(ThreadingHTTPServer):
    """A threading HTTP server with a deep accept queue that does not report clients closing kept-alive
    connections (normal under a benchmark's load)."""

    daemon_threads = True
    request_queue_size = 512

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients closing kept-alive connections are normal here; stay quiet about them."""


def write_answer(handler: BaseHTTPRequestHandler, status: int, content_type: str, body: bytes, with_body: bool,
                 extra_headers: str = "") -> None:
    """Answer in one write: status line, content type and length, ``extra_headers`` (``Name: value\\r\\n`` …),
    and the body unless it is a HEAD."""
    reason = handler.responses.get(status, ("",))[0]
    head = (f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
            f"{extra_headers}\r\n")
    handler.wfile.write(head.encode() + (body if with_body else b""))
