"""The demo sites on other templates, as the demo server answers them: bytes, content types and routes.

:class:`TemplateSites` renders 示例县人民政府 (:mod:`checker.demo.template_old`, GB18030 bytes declared
``gb2312``) and 示例市交通运输局 (:mod:`checker.demo.template_script`, UTF-8 with a JSON API), the
mock new-media account pages of both (mobile pages without a website footer), their QR codes and the
county banner, and answers their searches and form posts. :class:`~checker.demo.server.DemoSite`
asks it first and falls back to the portal's own pages.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date
from html import escape
from urllib.parse import parse_qs

from PIL import Image, ImageDraw

from checker.demo.assets import _font, logo, qr_code
from checker.demo.content import Content
from checker.demo.layout import breadcrumb, document, fmt_date
from checker.demo.template_content import Account, load_templates
from checker.demo.template_old import OldSite
from checker.demo.template_script import API_PATH, ScriptSite

HTML = "text/html; charset=utf-8"
OLD_HTML = "text/html; charset=gb2312"
JSON = "application/json; charset=utf-8"
OLD_ENCODING = "gb18030"

Answer = tuple[int, str, bytes, str | None]
"""Status, content type, body and, for a redirect, where to."""


def _esc(text: object) -> str:
    return escape(str(text), quote=True)


def account_page(account: Account) -> str:
    """A mock new-media account as a phone shows it: name, owner, posts, a 留言 button; no website footer."""
    posts = "".join(
        f'<li><p class="p-t">{_esc(title)}</p><p class="p-d">{day:%Y-%m-%d}</p></li>' for title, day in account.posts
    )
    button = f'<a class="p-btn" href="{account.path}ly.html">留言</a>' if account.interaction else ""
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{_esc(account.name)}</title>
<style>body{{margin:0;background:#f2f2f2;font:15px/1.6 "Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#222}}
.p-hd{{background:#fff;padding:18px 16px;display:flex;align-items:center;gap:12px}}
.p-hd img{{width:56px;height:56px;border-radius:50%}}.p-hd h1{{font-size:18px;margin:0}}
.p-hd p{{margin:2px 0;color:#888;font-size:13px}}.p-btn{{margin-left:auto;background:#07c160;color:#fff;
padding:6px 16px;border-radius:4px;text-decoration:none}}ul{{list-style:none;margin:10px 0;padding:0;background:#fff}}
li{{padding:12px 16px;border-bottom:1px solid #eee}}.p-t{{margin:0}}.p-d{{margin:0;color:#999;font-size:12px}}
</style></head>
<body><div class="p-hd"><img src="/static/logo.png" alt="{_esc(account.name)}"><div><h1>{_esc(account.name)}</h1>
<p>{_esc(account.platform)} · {_esc(account.owner)}</p><p>{_esc(account.intro)}</p></div>{button}</div>
<ul>{posts}</ul></body></html>
"""


def account_message_page(account: Account, sent: bool = False) -> str:
    """The account's 留言 page: a text box and a send button (or the thanks after sending)."""
    inner = (
        '<p class="p-ok">留言已发送，感谢您的关注。</p>'
        if sent
        else f'<form method="post" action="{account.path}submit"><textarea name="content" rows="6" required '
        'placeholder="请输入留言内容" style="width:100%"></textarea><p><button type="submit">发送</button></p></form>'
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>留言_{_esc(account.name)}</title></head>
<body style="margin:0;padding:16px;font:15px/1.6 sans-serif">
<h1 style="font-size:18px">给“{_esc(account.name)}”留言</h1>
{inner}<p><a href="{account.path}">返回{_esc(account.name)}</a></p></body></html>
"""


def county_banner(name: str) -> bytes:
    """The county banner: a blue band with the emblem and the site name in large characters."""
    width, height = 1000, 120
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line([(0, y), (width, y)], fill=(int(26 + 40 * t), int(95 + 60 * t), int(168 + 50 * t)))
    emblem = Image.open(io.BytesIO(logo())).convert("RGBA").resize((84, 84))
    image.paste(emblem, (40, 18), emblem)
    font = _font(48)
    if font:
        draw.text((150, 60), name, fill="white", font=font, anchor="lm")
    small = _font(16)
    if small:
        draw.text((152, 100), "SHILI COUNTY PEOPLE'S GOVERNMENT", fill="#dbe8f7", font=small, anchor="lm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


class TemplateSites:
    """Both sites' pages and images for one base URL (QR payloads depend on it), and their dynamic routes."""

    def __init__(self, base_url: str, content: Content) -> None:
        data = load_templates()
        self.content = content
        self.old = OldSite(data["xian"])
        self.script = ScriptSite(data["jtj"])
        self.pages: dict[str, tuple[str, bytes]] = {}
        for path, html in self.old.pages.items():
            self.pages[path] = (OLD_HTML, html.encode(OLD_ENCODING))
        for path, html in self.script.pages.items():
            self.pages[path] = (HTML, html.encode("utf-8"))
        self.accounts = {a.path: a for site in data.values() for a in site.accounts}
        for account in self.accounts.values():
            self.pages[account.path] = (HTML, account_page(account).encode("utf-8"))
            self.pages[account.path + "ly.html"] = (HTML, account_message_page(account).encode("utf-8"))
        root = base_url.rstrip("/")
        self.files = {account.image: qr_code(root + account.path) for account in self.accounts.values()}
        self.files["/static/xian/banner.png"] = county_banner(data["xian"].info.name)

    def get(self, path: str, query: str) -> Answer | None:
        """The answer for a GET of a path of these sites (or a portal search that finds their titles), else None."""
        if path in self.pages:
            kind, body = self.pages[path]
            return 200, kind, body, None
        if path == API_PATH:
            status, body = self.script.api(query)
            return status, JSON, body, None
        if path == f"{self.old.prefix}search/":
            return 200, OLD_HTML, self.old.search(query).encode(OLD_ENCODING), None
        if path in ("/search", "/search/"):
            return self._portal_search(parse_qs(query).get("q", [""])[0].strip())
        if path + "/" in self.pages:
            return 301, HTML, b"", path + "/"
        return None

    def post(self, path: str, form: Mapping[str, str]) -> Answer | None:
        """The answer to a form post of these sites (县长信箱 letters, account 留言), else None."""
        if path == "/xian/hdjl/xzxx/submit":
            status, html = self.old.submit(form)
            return status, OLD_HTML, html.encode(OLD_ENCODING), None
        for account in self.accounts.values():
            if path == account.path + "submit":
                return 200, HTML, account_message_page(account, sent=True).encode("utf-8"), None
        return None

    def _portal_search(self, query: str) -> Answer | None:
        """The portal's /search with the channel's titles too; None (the portal's own page) when none match."""
        extra = self.script.search_hits(query)
        if not extra:
            return None
        words = query.split()
        hits: list[tuple[str, str, date]] = [
            (a.title, a.url, a.date)
            for s in self.content.sites.values()
            for a in s.articles()
            if all(w in a.title for w in words)
        ]
        hits += [(e.title, e.url, e.date) for e in extra]
        hits.sort(key=lambda hit: hit[2], reverse=True)
        rows = "".join(
            f'<li><a href="{url}" target="_blank" title="{_esc(title)}">{_esc(title)}</a>'
            f'<span class="date">{fmt_date(day)}</span></li>'
            for title, url, day in hits[:50]
        )
        form = (
            f'<form class="search-big" action="/search" method="get"><input name="q" value="{_esc(query)}">'
            '<button type="submit">搜索</button></form>'
        )
        result = f'<p class="hint">搜索“{_esc(query)}”，共找到 {len(hits)} 条结果。</p><ul class="list">{rows}</ul>'
        main = f'{breadcrumb([("首页", "/"), ("搜索结果", None)])}<div class="search-result">{form}{result}</div>'
        return 200, HTML, document(self.content.portal, "搜索结果", main).encode("utf-8"), None
