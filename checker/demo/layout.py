"""Page chrome of the demo sites: document shell, header, navigation, footer, lists and pagers.

The markup is the ordinary markup of Chinese government sites (``div.nav``, ``ul.list``,
``span.date``, ``div.footer``) and varies a little between sites, on purpose: the checker has to find
columns, dates and footers generically, as on real sites.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from html import escape

from checker.demo.models import Article, Site

CONAC_URL = "https://bszs.conac.cn/sitename?method=show&id=4400000001A1B2C3"
ICP_URL = "https://beian.miit.gov.cn/"
POLICE_URL = "http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=44070302000123"


def esc(text: object) -> str:
    """HTML-escape any value's text."""
    return escape(str(text), quote=True)


def fmt_date(day: date, style: str = "iso") -> str:
    """A date in one of the shapes seen on real lists: iso, iso_bracket, md, cn, dot, slash."""
    shapes = {
        "iso": f"{day:%Y-%m-%d}",
        "iso_bracket": f"[{day:%Y-%m-%d}]",
        "md": f"[{day:%m-%d}]",
        "cn": f"{day.year}年{day:%m}月{day:%d}日",
        "dot": f"{day:%Y.%m.%d}",
        "slash": f"{day:%Y/%m/%d}",
    }
    return shapes[style]


def document(site: Site, title: str, main: str) -> str:
    """A full HTML page: header, navigation, ``main`` and the site's footer."""
    heading = title if title == site.name else f"{title}_{site.name}"
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=1200">
<meta name="SiteName" content="{esc(site.name)}">
<meta name="SiteIDCode" content="{esc(site.footer.code or "")}">
<title>{esc(heading)}</title>
<link rel="stylesheet" href="/static/site.css">
</head>
<body class="theme-{site.theme}">
{header(site)}
{nav(site)}
<div class="w main">
{main}
</div>
{footer(site)}
</body>
</html>
"""


def header(site: Site) -> str:
    """Top bar and banner with the site name and the search box."""
    if site.key == "portal":
        top_left = "<span>欢迎访问示例市人民政府门户网站</span>"
    else:
        top_left = '<a href="/">示例市人民政府门户网站</a><span class="sep">&gt;</span><span>部门栏目</span>'
    return f"""<div class="topbar"><div class="w">
<div class="tb-left">{top_left}</div>
<div class="tb-right"><a href="/wzdt/">网站地图</a><span class="sep">|</span><a href="/xmt/">政务新媒体</a>\
<span class="sep">|</span><span>无障碍浏览</span><span class="sep">|</span><span>长者模式</span></div>
</div></div>
<div class="header"><div class="w">
<div class="logo"><img src="/static/logo.png" alt="" class="logo-mark">
<div class="logo-text"><h1>{esc(site.banner)}</h1><p>{esc(site.banner_en)}</p></div></div>
<form class="search" action="{esc(site.search)}" method="get">
<input type="text" name="q" placeholder="请输入关键词" aria-label="站内搜索"><button type="submit">搜索</button>
</form>
</div></div>"""


def nav(site: Site) -> str:
    """The navigation bar; entries with ``sub`` get a drop-down menu."""
    items = []
    for entry in site.nav:
        sub = ""
        if entry.sub:
            links = "".join(f'<li><a href="/{path}">{esc(site.node_name(path))}</a></li>' for path in entry.sub)
            sub = f'<ul class="sub">{links}</ul>'
        items.append(f'<li><a href="{esc(entry.href)}">{esc(entry.text)}</a>{sub}</li>')
    body = f'<div class="w"><ul>{"".join(items)}</ul></div>'
    if site.theme == "wjw":
        return f'<nav class="menu">{body}</nav>'
    return f'<div class="nav">{body}</div>'


def footer(site: Site) -> str:
    """The footer: host unit, 网站标识码, ICP, 公安备案, 党政机关 mark and new-media QR codes."""
    info = site.footer
    lines = [f"主办单位：{esc(info.host)}"]
    if info.organiser:
        lines[0] += f"　　承办单位：{esc(info.organiser)}"
    ids = []
    if info.code:
        ids.append(f"网站标识码：{esc(info.code)}")
    if info.icp:
        ids.append(f'<a href="{ICP_URL}" target="_blank">{esc(info.icp)}</a>')
    if info.police:
        ids.append(
            f'<img src="/static/gongan.png" alt="公安备案图标" class="ga">'
            f'<a href="{POLICE_URL}" target="_blank">{esc(info.police)}</a>'
        )
    lines.append("　　".join(ids))
    lines.append(f"地址：{esc(info.address)}　　联系电话：{esc(info.phone)}")
    mark = ""
    if info.dzjg:
        mark = (
            f'<div class="dzjg"><a href="{CONAC_URL}" target="_blank">'
            '<img src="/static/dzjg.png" alt="党政机关" width="56" height="70"></a></div>'
        )
    qr = ""
    if info.qr:
        cells = "".join(
            f'<div class="qr-item"><img src="{esc(slot.image)}" alt="{esc(slot.caption)} 二维码">'
            f"<p>{esc(slot.caption)}</p></div>"
            for slot in info.qr
        )
        qr = f'<div class="footer-qr">{cells}</div>'
    paragraphs = "".join(f"<p>{line}</p>" for line in lines)
    return f"""<div class="footer"><div class="footer-links w"><a href="/zjsl/">关于我们</a>\
<span class="sep">|</span><a href="/wzdt/">网站地图</a><span class="sep">|</span><a href="/hdjl/wyly/">联系我们</a>\
<span class="sep">|</span><a href="/xmt/">政务新媒体</a></div>
<div class="w footer-main">{mark}<div class="footer-info">{paragraphs}</div>{qr}</div></div>"""


def breadcrumb(trail: Iterable[tuple[str, str | None]]) -> str:
    """``当前位置：首页 > … > here``; the last step is plain text."""
    steps = [esc(text) if href is None else f'<a href="{esc(href)}">{esc(text)}</a>' for text, href in trail]
    return f'<div class="crumb">当前位置：{" &gt; ".join(steps)}</div>'


def sidebar(title: str, links: Iterable[tuple[str, str]], current: str | None = None) -> str:
    """Left column with sibling column links (no dates)."""
    items = "".join(
        f'<li{" class=on" if href == current else ""}><a href="{esc(href)}">{esc(text)}</a></li>'
        for text, href in links
    )
    return f'<div class="side"><h3>{esc(title)}</h3><ul>{items}</ul></div>'


def article_list(articles: Iterable[Article], style: str, date_style: str = "iso") -> str:
    """A dated list in the site's markup: ``ul`` (span.date), ``table`` (td.date) or ``em``."""
    articles = list(articles)
    if style == "table":
        rows = "".join(
            f'<tr><td class="dot">·</td><td class="title"><a href="{a.url}" target="_blank">{esc(a.title)}</a>'
            f'</td><td class="date">{fmt_date(a.date, date_style)}</td></tr>'
            for a in articles
        )
        return f'<table class="list-table"><tbody>{rows}</tbody></table>'
    if style == "em":
        rows = "".join(
            f'<li><a href="{a.url}" title="{esc(a.title)}">{esc(a.title)}</a>'
            f"<em>{fmt_date(a.date, date_style)}</em></li>"
            for a in articles
        )
        return f'<ul class="news_list">{rows}</ul>'
    rows = "".join(
        f'<li><a href="{a.url}" target="_blank" title="{esc(a.title)}">{esc(a.title)}</a>'
        f'<span class="date">{fmt_date(a.date, date_style)}</span></li>'
        for a in articles
    )
    return f'<ul class="list">{rows}</ul>'


def page_name(index: int) -> str:
    """File name of list page ``index`` (0-based): ``index.html``, ``index_1.html`` …"""
    return "index.html" if index == 0 else f"index_{index}.html"


def pager(column_url: str, index: int, pages: int) -> str:
    """``共N页 首页 上一页 下一页 尾页``; links only where there is a page to go to."""

    def link(text: str, target: int, enabled: bool) -> str:
        if not enabled:
            return f"<span>{text}</span>"
        return f'<a href="{column_url}{page_name(target)}">{text}</a>'

    parts = [
        f"<span>共{pages}页</span>",
        link("首页", 0, index > 0),
        link("上一页", index - 1, index > 0),
        f'<span class="cur">{index + 1}</span>',
        link("下一页", index + 1, index < pages - 1),
        link("尾页", pages - 1, index < pages - 1),
    ]
    return f'<div class="pager">{" ".join(parts)}</div>'


MORE_TEXT = {"portal": "更多&gt;&gt;", "jyj": "更多+", "wjw": "更多 &gt;"}


def block(title: str, more_href: str | None, inner: str, css: str = "", theme: str = "portal") -> str:
    """A home-page block: heading, optional 更多 link (``更多>>``, ``更多+`` …) and content."""
    more = f'<a class="more" href="{esc(more_href)}">{MORE_TEXT[theme]}</a>' if more_href else ""
    return f'<div class="block {css}"><div class="block-hd"><h2>{esc(title)}</h2>{more}</div>{inner}</div>'
