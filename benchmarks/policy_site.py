"""A generated government site with N policy files, served on 127.0.0.1 for the publishing benchmark.

The home page links to 政策文件 in its navigation; the column lists 100 files a page with a 下一页 pager;
each file page has the usual metadata table. Every 10th file has no 文号 and every 25th is past its
有效期, so the checks have something to find at scale.
"""

from __future__ import annotations

import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

PER_PAGE = 100
FOOTER = ("<div class='footer'>主办单位：基准市人民政府办公室 网站标识码 4400000099 基ICP备00000001号 "
          "基公网安备 44000002000001号 党政机关</div>")


def _document(title: str, main: str) -> str:
    nav = "<div class='nav'><a href='/'>首页</a><a href='/zcwj/'>政策文件</a></div>"
    return (f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body>{nav}<div class='main'>{main}</div>{FOOTER}</body></html>")


def file_date(index: int) -> date:
    """Publication date of file ``index`` (0 is the newest)."""
    return date(2020, 11, 5) - timedelta(days=index // 3)


def _file_page(index: int) -> str:
    day = file_date(index)
    title = f"基准市人民政府办公室关于印发第{index + 1}号工作方案的通知"
    number = "" if index % 10 == 9 else f"基府办〔{day.year}〕{index + 1}号"
    valid = f"{day.year - 4}年01月01日至{day.year - 1}年12月31日" if index % 25 == 24 else "长期"
    table = (
        "<table class='xxgk-table'>"
        f"<tr><th>索引号：</th><td>000000000/{day.year}-{index:05d}</td><th>发布机构：</th><td>基准市人民政府</td></tr>"
        f"<tr><th>文号：</th><td>{number}</td><th>发布日期：</th><td>{day.year}年{day.month}月{day.day}日</td></tr>"
        f"<tr><th>有效期：</th><td colspan='3'>{valid}</td></tr></table>"
    )
    body = "".join(f"<p>第{n}条 为做好有关工作，现提出如下要求，请认真贯彻执行。</p>" for n in range(1, 30))
    return _document(title, f"{table}<h1>{title}</h1><div class='text'>{body}</div>")


def _list_page(page: int, pages: int, count: int) -> str:
    start = page * PER_PAGE
    rows = "".join(
        f"<li><a href='/zcwj/t{i}.html'>基准市人民政府办公室关于印发第{i + 1}号工作方案的通知</a>"
        f"<span class='date'>{file_date(i).isoformat()}</span></li>"
        for i in range(start, min(start + PER_PAGE, count))
    )
    pager = f"<div class='pager'><span>共{pages}页</span>"
    if page + 1 < pages:
        pager += f"<a href='/zcwj/index_{page + 1}.html'>下一页</a>"
    return _document("政策文件", f"<h2>政策文件</h2><ul class='list'>{rows}</ul>{pager}</div>")


def generate_site(count: int) -> dict[str, bytes]:
    """Every page of a site with ``count`` policy files, by path."""
    pages = max(1, -(-count // PER_PAGE))
    newest = "".join(
        f"<li><a href='/zcwj/t{i}.html'>第{i + 1}号工作方案</a><span>{file_date(i).isoformat()}</span></li>"
        for i in range(min(5, count))
    )
    home = f"<div class='block'><h2>政策文件</h2><a class='more' href='/zcwj/'>更多</a><ul>{newest}</ul></div>"
    site = {"/": _document("基准市人民政府", home)}
    for page in range(pages):
        site["/zcwj/" if page == 0 else f"/zcwj/index_{page}.html"] = _list_page(page, pages, count)
    site.update({f"/zcwj/t{i}.html": _file_page(i) for i in range(count)})
    return {path: html.encode("utf-8") for path, html in site.items()}


class PolicySiteServer:
    """The generated site on a free port of 127.0.0.1 (a context manager)."""

    def __init__(self, count: int) -> None:
        pages = generate_site(count)

        class Handler(BaseHTTPRequestHandler):
            """Answers the generated pages; 404 for anything else."""

            def log_message(self, *_args: object) -> None:
                """Stay quiet."""

            def do_GET(self) -> None:
                """Serve one page."""
                body = pages.get(self.path.split("?")[0])
                self.send_response(200 if body is not None else 404)
                body = body or b"<html><body>404</body></html>"
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.count = count
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def detail_urls(self) -> list[str]:
        """Addresses of every file page."""
        return [f"{self.base_url}/zcwj/t{i}.html" for i in range(self.count)]

    def __enter__(self) -> PolicySiteServer:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()
