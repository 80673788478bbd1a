"""A small site on 127.0.0.1 with every kind of link and every way a link can fail, for the link tests.

Paths: ``/`` the home page; ``/news/`` and ``/news/1.html`` ordinary pages; ``/scripted/`` reachable only
through a link a script adds; ``/deep/N/`` an endless chain of pages; ``/many/`` a page of 100,000 links;
``/channel/`` a sub-tree that another site of a suite owns. Failing targets: ``/gone`` 404,
``/files/gone.docx`` 404, ``/img/missing.png`` 404, ``/forbidden`` 403, ``/removed`` 410,
``/err500`` always 500, ``/loop`` a redirect loop, ``/moved`` a redirect to ``/news/``.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
FOOTER = "<div class='footer'>网站标识码 4400000099 示ICP备12345678号</div>"


def page(body: str, title: str = "链接测试") -> bytes:
    """A UTF-8 page with the given body."""
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body>{body}{FOOTER}</body></html>").encode()


def home(port: int) -> bytes:
    """The home page: one link of every kind, working and failing."""
    return page(f"""
<div class='nav' id='top'><a href='/'>首页</a><a href='/news/'>新闻动态</a><a href='/channel/'>部门栏目</a>
<a href='/deep/1/'>深层栏目</a></div>
<ul class='list'>
 <li><a href='/news/1.html'>正常的新闻</a><span>2020-11-05</span></li>
 <li><a href='/gone'>已删除的页面</a></li>
 <li><a href='/moved'>已迁移的栏目</a></li>
 <li><a href='/forbidden'>禁止访问的页面</a></li>
 <li><a href='/removed'>已下线的专题</a></li>
 <li><a href='/err500'>出错的页面</a></li>
 <li><a href='/loop'>循环跳转</a></li>
 <li><a href='/files/ok.pdf'>正常的附件.pdf</a> <a href='/files/gone.docx'>缺失的附件.docx</a></li>
 <li><a href='http://localhost:{port}/removed'>外站已下线</a></li>
 <li><a href='http://exa mple.gov.cn/'>写错的网址</a> <a href='http://测试.example/'>国际化域名</a></li>
 <li><a href='mailto:a@b.cn'>写信</a> <a href='tel:12345'>电话</a> <a href='javascript:void(0)'>脚本</a></li>
 <li><a href='#top'>返回顶部</a> <a href='#list'>不存在的锚点</a> <a href='#'>空锚点</a></li>
</ul>
<img src='/img/ok.png' alt='正常图片'><img src='/img/blank.png' data-src='/img/missing.png' alt='懒加载图片'>
<iframe src='/frame.html'></iframe>
<div id='holder'></div>
<script>
document.addEventListener('DOMContentLoaded', () => {{
  const a = document.createElement('a'); a.href = '/scripted/'; a.textContent = '脚本生成的链接';
  document.getElementById('holder').appendChild(a);
}});
</script>""", "链接测试首页")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def _answer(self, head: bool) -> None:
        path = self.path.split("?")[0]
        port = self.server.server_address[1]
        status, body, kind, extra = 200, b"", "text/html; charset=utf-8", {}
        if path == "/":
            body = home(port)
        elif path in ("/news/", "/news/1.html", "/scripted/", "/frame.html", "/channel/", "/channel/a.html"):
            body = page(f"<h1>{path}</h1><a href='/'>首页</a><a href='/channel/a.html'>部门页面</a>")
        elif path.startswith("/deep/gone"):
            status, body = 404, page("不存在")
        elif path.startswith("/deep/"):
            number = int(path.split("/")[2] or 0)
            body = page(f"<a href='/deep/{number + 1}/'>下一层</a><a href='/deep/gone{number}'>坏链接{number}</a>")
        elif path == "/many/":
            body = page("".join(f"<a href='/m/{i}'>第{i}条</a>" for i in range(100_000)))
        elif path in ("/img/ok.png", "/img/blank.png"):
            body, kind = PNG, "image/png"
        elif path == "/files/ok.pdf":
            body, kind = b"%PDF-1.4\n%%EOF\n", "application/pdf"
        elif path == "/moved":
            status, extra = 301, {"Location": "/news/"}
        elif path == "/loop":
            status, extra = 302, {"Location": "/loop"}
        elif path == "/forbidden":
            status, body = 403, page("禁止访问")
        elif path == "/removed":
            status, body = 410, page("已下线")
        elif path == "/err500":
            status, body = 500, page("服务器错误")
        else:
            status, body = 404, page("页面不存在")
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for key, value in extra.items():
            self.send_header(key, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)


class LinkSite:
    """The link test site on a free port of 127.0.0.1 (a context manager)."""

    def __init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/``."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def __enter__(self) -> LinkSite:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
