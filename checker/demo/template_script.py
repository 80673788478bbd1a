"""示例市交通运输局 (/bm/jtj/): a department channel whose lists, blocks and directory are written by script.

The markup is a modern ``div`` template with its own class vocabulary (``g-hd``, ``m-menu``, ``u-list``,
``g-ft`` …) and a drop-down navigation shown on hover. Every column list page ships an empty
``<ul id="list">``: an inline script fetches its page of JSON from ``/bm/jtj/api/list`` 400 ms after
load and writes the rows, and the pager is written TRS style by ``createPageHTML(n, i, "index", "html")``
(page 2 is ``index_1.html``). The 政务公开 page builds its 信息公开 directory from a JS array after a
short delay; 规划计划 and 统计数据 are linked from nowhere else.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import timedelta
from html import escape
from urllib.parse import parse_qs

from checker.demo.template_content import Col, Entry, Hub, TemplateSite, guide_body
from checker.demo.texts import cn_date

PAGE_SIZE = 10
API_PATH = "/bm/jtj/api/list"
CONAC_URL = "https://bszs.conac.cn/sitename?method=show&id=4400000015J7T6S5"
ICP_URL = "https://beian.miit.gov.cn/"
POLICE_URL = "http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=44070302000123"
BLOCK_DELAY_MS = 400
TREE_DELAY_MS = 300


def esc(text: object) -> str:
    """HTML-escape any value's text."""
    return escape(str(text), quote=True)


def trs_page_name(index: int) -> str:
    """TRS list file names: ``index.html``, then ``index_1.html``, ``index_2.html`` …"""
    return "index.html" if index == 0 else f"index_{index}.html"


class ScriptSite:
    """Renders every page of the channel; ``pages`` maps a path to its HTML text, :meth:`api` answers the JSON."""

    def __init__(self, site: TemplateSite) -> None:
        self.site = site
        self.info = site.info
        self.prefix = site.info.prefix
        for col in site.columns.values():
            for entry in col.entries:
                entry.url = f"{col.path}{entry.date:%Y%m}/t{entry.date:%Y%m%d}_{entry.id}.html"
        self.guide_path = f"{self.prefix}zwgk/xxgkzn/"
        self.travel_path = f"{self.prefix}gzfw/cxfw/"
        self.pages: dict[str, str] = {}
        self._build()

    # -- chrome -------------------------------------------------------------------------------------

    def document(self, title: str, body: str, column: str = "") -> str:
        """A whole page: top strip, header with search, drop-down menu, ``body`` and the bottom block."""
        heading = self.info.name if title == self.info.name else f"{title}_{self.info.name}"
        return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=1200">
<title>{esc(heading)}</title>
<meta name="SiteName" content="示例市人民政府门户网站">
<meta name="ColumnName" content="{esc(column or title)}">
<link rel="stylesheet" href="/static/jtj.css">
<script src="/static/jtj.js"></script>
</head>
<body>
<div class="g-top"><div class="g-wrap"><a href="/">示例市人民政府门户网站</a><em>·</em><span>部门栏目</span></div></div>
{self._head()}
{self._menu()}
<div class="g-wrap g-bd">
{body}
</div>
{self._bottom()}
</body>
</html>
"""

    def _head(self) -> str:
        return f"""<div class="g-hd"><div class="g-wrap">
<a class="g-logo" href="{self.prefix}"><img src="/static/logo.png" alt=""><span><b>{esc(self.info.name)}</b>\
<i>SHILI MUNICIPAL TRANSPORT BUREAU</i></span></a>
<form class="g-so" action="/search" method="get"><input type="text" name="q" placeholder="请输入关键词" \
aria-label="搜索"><button type="submit">搜索</button></form>
</div></div>"""

    def _menu(self) -> str:
        hubs = self.site.hubs
        cols = self.site.columns
        drops = {
            "jtzx": [(cols["jtdt"].name, cols["jtdt"].path), (cols["tzgg"].name, cols["tzgg"].path)],
            "zwgk": [("信息公开目录", hubs["zwgk"].path), (cols["zcwj"].name, cols["zcwj"].path),
                     ("政府信息公开指南", self.guide_path)],
            "gzfw": [(cols["bszn"].name, cols["bszn"].path), ("出行服务", self.travel_path),
                     ("咨询投诉", "/hdjl/wyly/")],
        }
        items = [f'<li class="m-item"><a href="{self.prefix}">首页</a></li>']
        for key, links in drops.items():
            sub = "".join(f'<li><a href="{href}">{esc(text)}</a></li>' for text, href in links)
            items.append(
                f'<li class="m-item"><a href="{hubs[key].path}">{esc(hubs[key].name)}</a>'
                f'<ul class="m-drop">{sub}</ul></li>'
            )
        return f'<div class="m-menu"><div class="g-wrap"><ul class="m-bar">{"".join(items)}</ul></div></div>'

    def _bottom(self) -> str:
        info = self.info
        qr = "".join(
            f'<div class="g-ft-qr"><img src="{a.image}" alt="{esc(a.caption)}" width="90" height="90">'
            f"<p>{esc(a.name)}<br>{esc(a.platform)}</p></div>"
            for a in self.site.accounts
        )
        return f"""<div class="g-ft"><div class="g-wrap g-ft-in">
<div class="g-ft-mark"><a href="{esc(CONAC_URL)}" target="_blank">\
<img src="/static/dzjg.png" alt="党政机关" width="56" height="70"></a></div>
<div class="g-ft-txt">
<p><a href="/">示例市人民政府门户网站</a><em>|</em><a href="/wzdt/">网站地图</a><em>|</em>\
<a href="{self.travel_path}">联系我们</a></p>
<p>主办：{esc(info.host)}<em></em>地址：{esc(info.address)}<em></em>电话：{esc(info.phone)}</p>
<p><span>网站标识码</span><br><span>{esc(info.code)}</span><em></em><a href="{ICP_URL}" target="_blank">\
{esc(info.icp[0])}<br>{esc(info.icp[1])}</a></p>
<p><img src="/static/gongan.png" alt="" width="20" height="20"><a href="{POLICE_URL}" target="_blank">\
{esc(info.police[0])}<br>{esc(info.police[1])}</a></p>
</div>
{qr}
</div></div>"""

    def crumb(self, steps: Iterable[tuple[str, str | None]]) -> str:
        """``当前位置：首页 > … > here``; the last step is a ``span`` when it has no address."""
        parts = [f"<span>{esc(text)}</span>" if href is None else f'<a href="{href}">{esc(text)}</a>'
                 for text, href in steps]
        return f'<div class="m-pos">当前位置：{" &gt; ".join(parts)}</div>'

    def tree_script(self) -> str:
        """The 信息公开 directory: an empty ``div#xxgk-tree`` and the array a script builds it from."""
        cols = self.site.columns
        tree = [
            {"name": "政府信息公开指南", "url": self.guide_path},
            {"name": "法定主动公开内容", "children": [
                {"name": cols[key].name, "url": cols[key].path} for key in ("zcwj", "ghjh", "tjsj")
            ]},
        ]
        data = json.dumps(tree, ensure_ascii=False)
        return (
            '<div class="m-lm"><h3>信息公开目录</h3><div id="xxgk-tree"></div></div>\n'
            f"<script>var XXGK_TREE = {data};\n"
            f'setTimeout(function () {{ buildTree(document.getElementById("xxgk-tree"), XXGK_TREE); }}, '
            f"{TREE_DELAY_MS});</script>"
        )

    def _left(self, hub: Hub, current: str | None) -> str:
        """The left column: the 信息公开 tree under 政务公开, else the hub's links."""
        if hub.key == "zwgk":
            return self.tree_script()
        links = [(c.name, c.path) for c in self.site.columns.values() if c.hub == hub.key]
        if hub.key == "gzfw":
            links += [("出行服务", self.travel_path), ("咨询投诉", "/hdjl/wyly/")]
        on = ' class="u-on"'
        items = "".join(
            f'<li{on if href == current else ""}><a href="{href}">{esc(text)}</a></li>' for text, href in links
        )
        return f'<div class="m-lm"><h3>{esc(hub.name)}</h3><ul>{items}</ul></div>'

    def _frame(self, hub: Hub, current: str | None, crumbs: list[tuple[str, str | None]], title: str,
               inner: str, heading: str = "") -> str:
        """Breadcrumb, the left column and the main box under ``heading`` (default: the page title)."""
        main = f'<div class="m-main"><div class="m-tit"><h2>{esc(heading or title)}</h2></div>{inner}</div>'
        return self.document(title, f'{self.crumb(crumbs)}<div class="m-cols">{self._left(hub, current)}{main}</div>')

    @staticmethod
    def block(title: str, href: str, col: str, count: int) -> str:
        """A block whose rows a script fetches after load: heading, 更多 link and an empty list."""
        return (
            f'<div class="m-box"><div class="m-box-t"><span>{esc(title)}</span><a class="m-more" href="{href}">更多</a>'
            f'</div><ul class="u-list" data-col="{col}" data-n="{count}"></ul></div>'
        )

    @staticmethod
    def fill_script() -> str:
        """Fill every ``[data-col]`` block after a delay, as the channel's home and hub pages do."""
        return f"<script>setTimeout(function () {{ fillBlocks(); }}, {BLOCK_DELAY_MS});</script>"

    # -- pages --------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.pages[self.prefix] = self.home()
        for hub in self.site.hubs.values():
            self.pages[hub.path] = self.hub_page(hub)
        for col in self.site.columns.values():
            self.pages.update(self.column_pages(col))
            for entry in col.entries:
                self.pages[entry.url] = self.article(entry)
        self.pages[self.guide_path] = self.guide_page()
        self.pages[self.travel_path] = self.travel_page()
        for path in [path for path in self.pages if path.endswith("/")]:
            self.pages.setdefault(path + "index.html", self.pages[path])

    def home(self) -> str:
        """The channel home: 交通动态 and 通知公告 blocks filled by script, and service tiles."""
        cols = self.site.columns
        tiles = "".join(
            f'<li><a href="{href}">{esc(text)}</a></li>'
            for text, href in [("信息公开目录", self.site.hubs["zwgk"].path), ("政策文件", cols["zcwj"].path),
                               ("办事指南", cols["bszn"].path), ("出行服务", self.travel_path),
                               ("政府信息公开指南", self.guide_path), ("咨询投诉", "/hdjl/wyly/")]
        )
        body = (
            '<div class="m-row">'
            + self.block(cols["jtdt"].name, cols["jtdt"].path, "jtdt", 7)
            + self.block(cols["tzgg"].name, cols["tzgg"].path, "tzgg", 7)
            + f'</div><div class="m-row"><div class="m-box m-wide"><div class="m-box-t"><span>公众服务</span></div>'
            f'<ul class="u-tiles">{tiles}</ul></div></div>'
            + self.fill_script()
        )
        return self.document(self.info.name, body)

    def hub_page(self, hub: Hub) -> str:
        """A hub page: its columns' blocks (filled by script) beside the hub's links or the 信息公开 tree."""
        crumbs: list[tuple[str, str | None]] = [("首页", self.prefix), (hub.name, None)]
        cols = [c for c in self.site.columns.values() if c.hub == hub.key]
        heading = hub.name
        if hub.key == "zwgk":
            cols, heading = [self.site.columns["zcwj"]], "最新公开"
        blocks = "".join(self.block(c.name, c.path, c.key, 6) for c in cols)
        inner = f'<div class="m-row">{blocks}</div>{self.fill_script()}'
        return self._frame(hub, None, crumbs, hub.name, inner, heading)

    def column_pages(self, col: Col) -> dict[str, str]:
        """The list pages (``index.html``, ``index_1.html`` …): empty lists that a script fills from the API."""
        hub = self.site.hubs[col.hub]
        crumbs: list[tuple[str, str | None]] = [("首页", self.prefix), (hub.name, hub.path), (col.name, None)]
        count = max(1, -(-len(col.entries) // PAGE_SIZE))
        pages = {}
        for index in range(count):
            inner = (
                '<ul id="list" class="u-list"></ul>\n'
                f'<div class="u-page"><script>createPageHTML({count}, {index}, "index", "html");</script></div>\n'
                f"<script>setTimeout(() => fetch('{API_PATH}?col={col.key}&page={index + 1}')"
                f".then(r => r.json()).then(render), {BLOCK_DELAY_MS})</script>"
            )
            pages[col.path + trs_page_name(index)] = self._frame(hub, col.path, crumbs, col.name, inner)
        pages[col.path] = pages[col.path + "index.html"]
        return pages

    def api(self, raw_query: str) -> tuple[int, bytes]:
        """``/bm/jtj/api/list?col=jtdt&page=1``: that list page's rows as JSON (``[]`` past the end)."""
        query = parse_qs(raw_query)
        col = self.site.columns.get(query.get("col", [""])[0])
        if col is None:
            return 404, b'{"error": "no such column"}'
        try:
            page = max(1, int(query.get("page", ["1"])[0]))
        except ValueError:
            page = 1
        chunk = col.entries[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        rows = [{"title": e.title, "url": e.url, "date": f"{e.date:%Y-%m-%d}"} for e in chunk]
        return 200, json.dumps(rows, ensure_ascii=False).encode("utf-8")

    def _info_bar(self, entry: Entry) -> str:
        return f"""<table class="m-xxgk">
<tr><th>索引号</th><td>{self.info.index_prefix}/{entry.date.year}-{entry.id:05d}</td><th>主题分类</th>\
<td>交通运输</td></tr>
<tr><th>发布机构</th><td>{esc(self.info.unit)}</td><th>成文日期</th>\
<td>{cn_date(entry.date - timedelta(days=2))}</td></tr>
<tr><th>文号</th><td>{esc(entry.doc_no or "")}</td><th>发布日期</th><td>{cn_date(entry.date)}</td></tr>
<tr><th>名称</th><td colspan="3">{esc(entry.title)}</td></tr>
</table>"""

    @staticmethod
    def paragraphs(lines: Iterable[str]) -> str:
        """Body lines: ``## x`` a heading, ``- x`` a list item, ``>> x`` a signature, else a paragraph."""
        out = []
        for line in lines:
            if line.startswith("## "):
                out.append(f"<h4>{esc(line[3:])}</h4>")
            elif line.startswith("- "):
                out.append(f'<p class="u-li">{esc(line[2:])}</p>')
            elif line.startswith(">> "):
                out.append(f'<p class="u-sign">{esc(line[3:])}</p>')
            else:
                out.append(f"<p>{esc(line)}</p>")
        return "".join(out)

    def article(self, entry: Entry) -> str:
        """An article page (static, as TRS publishes it): breadcrumb to its column, title, date, body."""
        col = entry.column
        hub = self.site.hubs[col.hub]
        crumb = self.crumb([("首页", self.prefix), (hub.name, hub.path), (col.name, col.path)])
        bar = self._info_bar(entry) if col.genre == "policy" else ""
        body = f"""{crumb}<div class="m-art">{bar}
<h1>{esc(entry.title)}</h1>
<div class="m-art-info"><span>发布时间：{entry.date:%Y-%m-%d}</span><span>来源：{esc(self.info.unit)}</span>\
<span>字号：大 中 小</span></div>
<div class="m-art-txt">{self.paragraphs(entry.body)}</div>
<div class="m-art-ft"><a href="javascript:window.print()">打印</a><a href="javascript:window.close()">关闭</a></div>
</div>"""
        return self.document(entry.title, body, col.name)

    def guide_page(self) -> str:
        """政府信息公开指南: a static page under 政务公开 with every element of a guide."""
        hub = self.site.hubs["zwgk"]
        crumbs: list[tuple[str, str | None]] = [("首页", self.prefix), (hub.name, hub.path), ("政府信息公开指南", None)]
        inner = f'<div class="m-art"><h1>{esc(self.info.unit)}政府信息公开指南</h1><div class="m-art-txt">' \
                f"{self.paragraphs(guide_body(self.info))}</div></div>"
        return self._frame(hub, self.guide_path, crumbs, "政府信息公开指南", inner)

    def travel_page(self) -> str:
        """出行服务: a static page of service telephone numbers."""
        hub = self.site.hubs["gzfw"]
        crumbs: list[tuple[str, str | None]] = [("首页", self.prefix), (hub.name, hub.path), ("出行服务", None)]
        lines = [
            "## 客运站服务电话",
            "- 示例汽车客运站：0750-3261100",
            "- 示例港客运码头：0750-3261200",
            "## 交通运输服务监督电话",
            "- 12328交通运输服务监督热线（24小时）",
            f"- 示例市交通运输局办公室：{self.info.phone}（工作日）",
        ]
        inner = f'<div class="m-art-txt">{self.paragraphs(lines)}</div>'
        return self._frame(hub, self.travel_path, crumbs, "出行服务", inner)

    def search_hits(self, query: str) -> list[Entry]:
        """The channel's articles whose titles hold every word of ``query``, newest first."""
        words = query.split()
        return [e for e in self.site.entries() if words and all(w in e.title for w in words)]
