"""A tiny government site on 127.0.0.1 whose 留言 forms and search boxes misbehave in known ways.

Each variant lives under its own folder: /ok/ (a form that works, a search that opens results in a new
window, an alert on load, a public message list of two pages), /captcha/ (a form with a 验证码),
/error/ (a submit whose answer says it failed), /noform/ (the 留言 entry leads to a page without a form, and a
search that finds nothing), /locked/ (a required field a citizen cannot fill: it is never shown; the search
finds nothing). The other variants' search finds the title.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

TITLE = "示例县召开2020年秋季森林防火工作会议"
FOOTER = "<div class='footer'>主办单位：示例县人民政府　网站标识码 4400000099</div>"


def _page(body: str, script: str = "") -> str:
    return (f"<html><head><meta charset='utf-8'><title>示例县</title></head><body>{script}"
            f"{body}{FOOTER}</body></html>")


LIST_LINK = "<a href='/{}/lyxd/'>留言选登</a>"


def _home(variant: str) -> str:
    target = " target='_blank'" if variant == "ok" else ""
    script = "<script>alert('欢迎访问示例县人民政府网站')</script>" if variant == "ok" else ""
    return _page(
        f"<div class='nav'><a href='/{variant}/'>首页</a><a href='/{variant}/ly/'>我要留言</a>"
        f"{LIST_LINK.format(variant) if variant == 'ok' else ''}</div>"
        f"<form class='search' action='/{variant}/s'{target}><input name='q' placeholder='请输入关键词'>"
        "<button>搜索</button></form>"
        f"<div class='main'><ul class='list'><li><a href='/{variant}/a1.html'>{TITLE}</a><span>2020-11-05</span></li>"
        f"<li><a href='/{variant}/a2.html'>示例县开展消防安全检查</a><span>2020-11-02</span></li></ul></div>", script)


FORM = """<form action='submit' method='post'><p><label for='n'>姓名*</label><input id='n' name='name' required></p>
<p><label for='c'>内容*</label><textarea id='c' name='content' required></textarea></p>{extra}
<button type='submit'>提交</button></form>"""
CAPTCHA = "<p><label for='v'>验证码*</label><input id='v' name='yzm' required><img src='/captcha.png' alt='验证码'></p>"
LOCKED = "<p><label for='i'>身份证号*</label><input id='i' name='idcard' required style='display:none'></p>"


MESSAGES = {
    1: [("咨询社保转移办理流程", "2020-11-02", "2020-11-03"), ("建议增设公交站点", "2020-10-26", "2020-10-28")],
    2: [("投诉夜间施工噪音", "2020-05-06", "—"), ("咨询户籍迁移", "2019-09-02", "—")],
}


def _messages(variant: str, number: int) -> str:
    """The public message list, two pages; the second holds an old unanswered message."""
    rows = "".join(f"<tr><td><a href='/{variant}/lyxd/{number}{i}.html'>{t}</a></td><td>{a}</td><td>{r}</td></tr>"
                   for i, (t, a, r) in enumerate(MESSAGES[number]))
    more = f"<a href='/{variant}/lyxd/2.html'>下一页</a>" if number == 1 else ""
    return _page(f"<div class='main'><table><tbody>{rows}</tbody></table><div class='pages'>{more}</div></div>")


def page_for(path: str, query: str) -> tuple[int, str]:
    """Status and HTML for a GET."""
    parts = path.strip("/").split("/")
    variant, rest = parts[0], "/".join(parts[1:])
    if rest == "":
        return 200, _home(variant)
    if rest == "ly":
        if variant == "noform":
            return 200, _page("<div class='main'><p>领导信箱暂停使用，请拨打12345热线。</p></div>")
        return 200, _page(FORM.format(extra={"captcha": CAPTCHA, "locked": LOCKED}.get(variant, "")))
    if rest in ("lyxd", "lyxd/2.html"):
        return 200, _messages(variant, 2 if rest.endswith("2.html") else 1)
    if rest == "s":
        words = parse_qs(query).get("q", [""])[0]
        found = variant not in ("noform", "locked") and words in TITLE
        hits = f"<ul><li><a href='/{variant}/a1.html'>{TITLE}</a></li></ul>" if found else ""
        return 200, _page(f"<div class='main'><p>搜索“{words}”的结果：</p>{hits or '<p>未找到相关信息</p>'}</div>")
    return 404, _page("<h1>404 页面不存在</h1>")


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def _send(self, status: int, html: str) -> None:
        data = html.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        self._send(*page_for(unquote(parts.path), parts.query))

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path.startswith("/error/"):
            self._send(200, _page("<div class='result'>系统错误，留言提交失败，请稍后再试</div>"))
        else:
            self._send(200, _page("<div class='result'>留言提交成功，查询码：T123</div>"))


class JourneySite:
    """The server on a free port, in a thread."""

    def __init__(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> JourneySite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
