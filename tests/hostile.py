"""Small misbehaving servers on 127.0.0.1 for robustness tests: loops, hangs, resets, bad TLS."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FOOTER = (
    "<div class='footer'>网站标识码 4400000099 示ICP备12345678号 示公网安备 44000002000001号"
    "<a href='https://bszs.conac.cn/'><img src='data:image/gif;base64,R0lGODlhAQABAAAAACw=' alt='党政机关'></a></div>"
)


def _page(body: str, head: str = "<meta charset='utf-8'>") -> str:
    return f"<html><head>{head}<title>异常页面测试</title></head><body>{body}{FOOTER}</body></html>"


def _news(count: int, link_prefix: str = "/a/") -> str:
    rows = "".join(f"<li><a href='{link_prefix}{i}.html'>示例新闻第{i}条</a><span>2020-11-0{1 + i % 5}</span></li>"
                   for i in range(count))
    return f"<div class='nav'><a href='/'>首页</a><a href='/ywdt/'>要闻动态</a></div><ul class='list'>{rows}</ul>"


def _huge_page(megabytes: int) -> bytes:
    row = "<li><a href='/a/x.html'>示例市持续推进政务公开标准化规范化工作</a><span>2020-11-05</span></li>"
    count = megabytes * 1024 * 1024 // len(row.encode())
    return _page("<ul class='list'>" + row * count + "</ul>").encode()


HOSTILE_TEXT = '&lt;script&gt;window.pwned=1&lt;/script&gt;"&gt;&lt;img src=x onerror=window.pwned=2&gt;../../\x1b[31m'


def _hostile_site() -> bytes:
    nav = f"<div class='nav'><a href='/'>首页</a><a href='/xss-list/'>{HOSTILE_TEXT}要闻动态</a></div>"
    rows = f"<li><a href='/a/1.html'>{HOSTILE_TEXT}</a><span>2019-01-01</span></li>" * 3
    return _page(nav + f"<ul class='list'>{rows}</ul>").encode()


def _chain_page(path: str) -> bytes:
    """An endless chain: every 政策文件 list page links a 下一页 that exists, forever."""
    last = path.rstrip("/").rsplit("/", 1)[-1]
    if last.startswith("doc"):
        body = f"<h1>关于第{last}批工作的通知</h1><p>文号：示府〔2020〕1号</p><p>发布日期：2020-10-01</p>"
        return _page(body).encode()
    number = int(last) if last.isdigit() else 0
    nav = "<div class='nav'><a href='/chain/'>首页</a><a href='/chain/1'>政策文件</a></div>"
    rows = "".join(
        f"<li><a href='/chain/doc{number}-{i}.html'>关于第{number}批工作的通知{i}</a><span>2020-10-0{1 + i}</span></li>"
        for i in range(5)
    )
    pager = f"<div class='page'><a href='/chain/{number + 1}'>下一页</a></div>"
    return _page(nav + f"<ul class='list'>{rows}</ul>" + pager).encode()


DARK_LINKS = (
    "<div style='display:none'><a href='http://casino.example.com/'>博彩</a></div>"
    "<a href='http://loan.example.net/' style='position:absolute;left:-9999px'>网贷</a>"
    "<a href='http://pills.example.org/' style='font-size:0'>药品</a>"
    "<p style='background:#fff'><a href='http://game.example.com/' style='color:#fefefe'>游戏</a></p>"
    "<a href='http://partner.example.com/'>合作网站</a>"  # visible: not a hidden link
    "<a href='/internal/' style='display:none'>内部隐藏</a>"  # hidden but internal: layout, not 暗链
    "<a href='http://www.other.gov.cn/' style='display:none'>兄弟政府网站</a>"  # a government domain
)


CONTENT: dict[str, bytes] = {
    "/darklinks": _page(_news(5) + DARK_LINKS).encode(),
    "/xss": _hostile_site(),
    "/xss-list/": _hostile_site(),
    "/dialogs": _page("<script>alert('欢迎');confirm('确定？');prompt('请输入')</script>" + _news(5)).encode(),
    "/popup": _page("<script>window.open('/popup-target');window.open('/popup-target')</script>" + _news(5)).encode(),
    "/away": _page("<script>setTimeout(() => location.href = '/dialogs', 300)</script>" + _news(5)).encode(),
    "/gb18030": _page(_news(5), "<meta charset='gb18030'>").encode("gb18030"),
    "/nocharset": _page(_news(5), "").encode("gbk"),
    "/links": _page(_news(20000)).encode(),
    "/frames": _page("<iframe src='/gb18030'></iframe><iframe src='/hang'></iframe>" + _news(5)).encode(),
    "/broken": b"<html><body><div class='nav'><a href='/'>\xe9\xa6\x96<ul><li><a href='/a/1.html'>x</li><table><tr>",
    "/scroll": _page(_news(5) + "<script>addEventListener('scroll', () => { for (let i = 0; i < 50; i++) "
                     "document.body.append(Object.assign(document.createElement('p'), {textContent: '更多内容'})) })"
                     "</script>").encode(),
}


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *_args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path.startswith("/loop"):
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
        elif self.path.startswith("/hang"):
            time.sleep(20)
        elif self.path.startswith("/reset"):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            self.connection.close()
        elif self.path == "/robots.txt":
            self._send(b"User-agent: *\nDisallow: /ywdt/\nDisallow: /blocked\n", "text/plain")
        elif self.path.startswith("/chain/"):
            self._send(_chain_page(self.path), "text/html; charset=utf-8")
        elif self.path.startswith("/huge"):
            self._send(_huge_page(50), "text/html; charset=utf-8")
        elif self.path in CONTENT:
            self._send(CONTENT[self.path], "text/html")
        else:
            self._send(_page("正常页面").encode(), "text/html; charset=utf-8")

    def _send(self, body: bytes, content_type: str) -> None:
        try:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


class HostileServer:
    """An HTTP server whose paths misbehave (/loop, /hang, /reset), optionally over self-signed TLS."""

    def __init__(self, certificate_dir: Path | None = None, chain: tuple[str, str] | None = None) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self.scheme = "http"
        if certificate_dir is not None or chain is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*(chain or self_signed_certificate(certificate_dir)))  # type: ignore[arg-type]
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """The server's root URL with a trailing slash."""
        return f"{self.scheme}://127.0.0.1:{self._server.server_address[1]}/"

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def self_signed_certificate(folder: Path) -> tuple[str, str]:
    """A throw-away certificate for 127.0.0.1 that no browser trusts (made with the openssl command)."""
    if shutil.which("openssl") is None:
        raise FileNotFoundError("openssl")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return str(cert), str(key)
