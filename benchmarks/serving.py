"""What the benchmarks' generated sites share to be served: a quiet threading server that keeps up with
thousands of requests a second, and one write per answer (head and body together)."""

from __future__ import annotations

import subprocess
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


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


def start_server_process(module: str, *args: object) -> tuple[subprocess.Popen[str], int]:
    """Run ``python -m module args…`` from the checkout (a site server that binds a free port of 127.0.0.1
    and prints it first); returns the process and that port."""
    process = subprocess.Popen([sys.executable, "-m", module, *map(str, args)],
                               cwd=Path(__file__).resolve().parents[1], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.strip().isdigit():
        process.kill()
        raise RuntimeError(f"{module}: the site server did not start")
    return process, int(line)


def stop_server_process(process: subprocess.Popen[str] | None) -> None:
    """Stop a server :func:`start_server_process` started (nothing when it never started)."""
    if process is not None:
        process.terminate()
        process.wait(10)
