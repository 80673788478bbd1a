"""示例县人民政府 (/xian/): an old table-layout county site, as 2000s CMS templates (EmpireCMS) wrote them.

Nested ``<table width="1000" align="center">`` layout, ``<td>`` cells, ``<font>`` and ``bgcolor``; no
semantic tags and no class or id that names a navigation bar, side menu or footer. Hub pages have a
left side menu whose groups open by an ``onclick`` script (``display:none`` until clicked) and a body
of the latest items of several columns. Lists are paged EmpireCMS style (``index.html``,
``index_2.html``) and every list page ends its 当前位置 breadcrumb with its own name. The server sends
these pages as GB18030 bytes declared ``gb2312``, as real county sites do.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import timedelta
from html import escape
from urllib.parse import parse_qs

from checker.demo.template_content import Col, Entry, Hub, TemplateSite
from checker.demo.texts import cn_date

PAGE_SIZE = 10
CONAC_URL = "https://bszs.conac.cn/sitename?method=show&id=4400000021X9Y8Z7"
ICP_URL = "https://beian.miit.gov.cn/"
POLICE_URL = "http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=44000002000021"
SUBMIT_PATH = "/xian/hdjl/xzxx/submit"
REQUIRED_FIELDS = {"name": "姓名", "phone": "联系电话", "title": "信件标题", "content": "信件内容"}


def esc(text: object) -> str:
    """HTML-escape any value's text."""
    return escape(str(text), quote=True)


def show_date(day: object, style: str) -> str:
    """A list date as this template prints it: ``[2020-10-12]``, ``2020年10月12日`` or ``2020-10-12``."""
    iso = f"{day:%Y-%m-%d}"
    return {"iso_bracket": f"[{iso}]", "cn": f"{day:%Y}年{day:%m}月{day:%d}日"}.get(style, iso)


def list_page_name(index: int) -> str:
    """EmpireCMS list file names: ``index.html``, then ``index_2.html``, ``index_3.html`` …"""
    return "index.html" if index == 0 else f"index_{index + 1}.html"


class OldSite:
    """Renders every page of the county site from its content; ``pages`` maps a path to its HTML text."""

    def __init__(self, site: TemplateSite) -> None:
        self.site = site
        self.info = site.info
        self.prefix = site.info.prefix
        for col in site.columns.values():
            for entry in col.entries:
                entry.url = f"{col.path}{entry.date:%Y-%m-%d}/{entry.id}.html"
        self.pages: dict[str, str] = {}
        self._build()

    # -- chrome -------------------------------------------------------------------------------------

    def document(self, title: str, body: str) -> str:
        """A whole page: banner, link row, ``body`` and the bottom information cell."""
        heading = self.info.name if title == self.info.name else f"{title}-{self.info.name}"
        return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<title>{esc(heading)}</title>
<meta name="keywords" content="{esc(self.info.name)},示例县,政务公开" />
<link href="/static/xian.css" rel="stylesheet" type="text/css" />
<script type="text/javascript">
function showsub(n){{var d=document.getElementById("sub"+n);
if(d){{d.style.display=(d.style.display=="none")?"block":"none";}}}}
</script>
</head>
<body leftmargin="0" topmargin="0" marginwidth="0" marginheight="0">
{self._banner()}
{self._links_row()}
{body}
{self._bottom()}
</body>
</html>
"""

    def _banner(self) -> str:
        return f"""<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" id="tb1">
  <tr><td><img src="/static/xian/banner.png" width="1000" height="120" border="0" /></td></tr>
</table>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" bgcolor="#F2F6FB" id="tb2">
  <tr>
    <td height="30" class="t12">&nbsp;&nbsp;<font color="#666666">欢迎访问{esc(self.info.name)}网站</font></td>
    <td width="330" align="right" class="t12"><form name="searchform" method="get" action="{self.prefix}search/" \
style="margin:0">关键字：<input name="keyword" type="text" size="18" class="inp" />\
<input type="submit" name="Submit" value="搜 索" class="btn1" />&nbsp;</form></td>
  </tr>
</table>"""

    def _links_row(self) -> str:
        p = self.prefix
        items = [("首页", p), ("政务公开", f"{p}zwgk/"), ("互动交流", f"{p}hdjl/"), ("办事服务", f"{p}bsfw/"),
                 ("政务新媒体", f"{p}xmt/"), ("网站地图", f"{p}wzdt/")]
        cells = '<td width="2"><font color="#FFFFFF">|</font></td>'.join(
            f'<td height="38" align="center" class="w14"><a href="{href}"><font color="#FFFFFF"><b>{text}</b>'
            f"</font></a></td>"
            for text, href in items
        )
        return f"""<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" \
bgcolor="#1A5FA8" id="tb3">
  <tr>{cells}</tr>
</table>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0"><tr><td height="8"></td></tr></table>"""

    def _bottom(self) -> str:
        info = self.info
        qr = "".join(
            f'<td width="100" align="center" class="t12"><img src="{a.image}" width="86" height="86" '
            f'alt="{esc(a.caption)}" /><br />{esc(a.name)}<br />{esc(a.platform)}</td>'
            for a in self.site.accounts
        )
        return f"""<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0"><tr><td height="10">\
</td></tr></table>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" bgcolor="#E8E8E8" id="tb9">
  <tr><td colspan="3" height="4" bgcolor="#1A5FA8"></td></tr>
  <tr>
    <td width="110" align="center"><a href="{esc(CONAC_URL)}" target="_blank"><img src="/static/dzjg.png" width="56" \
height="70" border="0" /></a></td>
    <td class="t12" align="center" style="line-height:24px">
      <a href="{self.prefix}wzdt/">网站地图</a> | <a href="{self.prefix}hdjl/xzxx/">联系我们</a><br />
      主办单位：{esc(info.host)}&nbsp;&nbsp;&nbsp;&nbsp;承办单位：{esc(info.organiser)}<br />
      地址：{esc(info.address)}&nbsp;&nbsp;&nbsp;&nbsp;电话：{esc(info.phone)}<br />
      <span>网站标识码：</span><br /><span>{esc(info.code)}</span>&nbsp;&nbsp;&nbsp;&nbsp;<a href="{ICP_URL}" \
target="_blank">{esc(info.icp[0])}<br />{esc(info.icp[1])}</a><br />
      <img src="/static/gongan.png" width="20" height="20" border="0" align="absmiddle" /> <a href="{POLICE_URL}" \
target="_blank">{esc(info.police[0])}<br />{esc(info.police[1])}</a>
    </td>
    <td width="220"><table border="0" cellspacing="0" cellpadding="4"><tr>{qr}</tr></table></td>
  </tr>
</table>"""

    def crumb(self, steps: Iterable[tuple[str, str | None]]) -> str:
        """``当前位置：首页 > … > here``: links, and plain text for a step without an address."""
        parts = [esc(text) if href is None else f'<a href="{href}">{esc(text)}</a>' for text, href in steps]
        return (
            '<table width="100%" border="0" cellspacing="0" cellpadding="0" bgcolor="#F5F5F5"><tr>'
            f'<td height="32" class="t12">&nbsp;&nbsp;当前位置：{" &gt; ".join(parts)}</td></tr></table>'
        )

    def _menu_link(self, spec: object) -> tuple[str, str]:
        if isinstance(spec, str):
            col = self.site.columns[spec]
            return col.name, col.path
        assert isinstance(spec, Mapping)
        return str(spec["name"]), str(spec["href"])

    def side_menu(self, hub: Hub, current: str | None) -> str:
        """The hub's left menu; a group stays folded (``display:none``) until its title is clicked."""
        rows = [
            f'<tr><td height="42" align="center" bgcolor="#1A5FA8"><font color="#FFFFFF" size="3"><b>{esc(hub.name)}'
            "</b></font></td></tr>"
        ]
        for number, spec in enumerate(hub.menu, start=1):
            if isinstance(spec, Mapping) and "group" in spec:
                links = [self._menu_link(item) for item in spec["items"]]
                opened = any(href == current for _, href in links)
                inner = "".join(
                    f'<tr><td height="28" class="t12">&nbsp;&nbsp;&nbsp;&nbsp;&middot;&nbsp;<a href="{href}">'
                    f"{esc(text)}</a></td></tr>"
                    for text, href in links
                )
                rows.append(
                    f'<tr><td height="34" class="t14" bgcolor="#E4EEF9">&nbsp;&nbsp;<a href="javascript:void(0)" '
                    f'onclick="showsub({number})">{esc(spec["group"])}</a>&nbsp;<font color="#999999">+</font>'
                    f'</td></tr><tr><td><div id="sub{number}" style="display:{"block" if opened else "none"}">'
                    f'<table width="100%" border="0" cellspacing="0" cellpadding="0">{inner}</table></div></td></tr>'
                )
                continue
            text, href = self._menu_link(spec)
            mark = ' bgcolor="#FFF4D6"' if href == current else ' bgcolor="#E4EEF9"'
            rows.append(f'<tr><td height="34" class="t14"{mark}>&nbsp;&nbsp;<a href="{href}">{esc(text)}</a></td></tr>')
        return (
            '<table width="220" border="0" cellspacing="1" cellpadding="0" bgcolor="#FFFFFF" id="tb6">'
            + "".join(rows)
            + "</table>"
        )

    def two_columns(self, hub: Hub, current: str | None, right: str) -> str:
        """Left menu and right content in one 1000-wide table."""
        return f"""<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" id="tb5">
  <tr>
    <td width="220" valign="top">{self.side_menu(hub, current)}</td>
    <td width="12"></td>
    <td width="768" valign="top">{right}</td>
  </tr>
</table>"""

    @staticmethod
    def box_title(title: str, more: str | None = None) -> str:
        """A box heading row (blue title cell, optional 更多>> link)."""
        link = f'<a href="{more}">更多&gt;&gt;</a>&nbsp;' if more else ""
        return (
            '<table width="100%" border="0" cellspacing="0" cellpadding="0"><tr>'
            f'<td height="34" class="t14b" bgcolor="#E4EEF9">&nbsp;&nbsp;<b>{esc(title)}</b></td>'
            f'<td align="right" class="t12" bgcolor="#E4EEF9">{link}</td></tr></table>'
        )

    @staticmethod
    def rows(entries: Iterable[Entry], style: str, label: bool = False) -> str:
        """Dated rows: a dot, the title link (with its column in brackets when ``label``), the date cell."""
        out = []
        for e in entries:
            tag = f'<font color="#1A5FA8">[{esc(e.column.name)}]</font>' if label else ""
            status = f'<font color="#FF0000">[{esc(e.status)}]</font>' if e.status else ""
            out.append(
                f'<tr><td width="16" height="28" class="t12" align="center">&middot;</td><td class="t12">{tag}'
                f'<a href="{e.url}" target="_blank" title="{esc(e.title)}">{esc(e.title)}</a>{status}</td>'
                f'<td width="120" align="right" class="t12"><font color="#888888">{show_date(e.date, style)}</font>'
                "</td></tr>"
            )
        return '<table width="100%" border="0" cellspacing="0" cellpadding="0">' + "".join(out) + "</table>"

    # -- pages --------------------------------------------------------------------------------------

    def _build(self) -> None:
        p = self.prefix
        self.pages[p] = self.home()
        for hub in self.site.hubs.values():
            self.pages[hub.path] = self.hub_page(hub)
        for col in self.site.columns.values():
            self.pages.update(self.column_pages(col))
            for entry in col.entries:
                self.pages[entry.url] = self.article(entry)
        self.pages.update(self.letter_pages())
        self.pages.update(self.interview_pages())
        self.pages.update(self.survey_pages())
        self.pages[f"{p}xmt/"] = self.newmedia_page()
        self.pages[f"{p}wzdt/"] = self.sitemap()
        for path in [path for path in self.pages if path.endswith("/")]:
            self.pages.setdefault(path + "index.html", self.pages[path])

    def home(self) -> str:
        """The home page: a photo, the 县内要闻 and 通知公告 blocks, and the entrance buttons."""
        news, notices = self.site.columns["xnyw"], self.site.columns["tzgg"]
        first = news.entries[0]
        buttons = "".join(
            f'<td height="60" align="center" bgcolor="{colour}"><a href="{href}"><font color="#FFFFFF" size="4">'
            f"<b>{text}</b></font></a></td>"
            for text, href, colour in [
                ("政务公开", f"{self.prefix}zwgk/", "#C0392B"),
                ("互动交流", f"{self.prefix}hdjl/", "#1F7A4D"),
                ("办事服务", f"{self.prefix}bsfw/", "#D68910"),
                ("政务新媒体", f"{self.prefix}xmt/", "#2E6DB4"),
            ]
        )
        body = f"""<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" id="tb4">
  <tr>
    <td width="300" valign="top"><a href="{first.url}" target="_blank"><img src="/static/img/city.png" width="300" \
height="200" border="0" /></a><br /><table width="100%"><tr><td height="28" align="center" class="t12">\
<a href="{first.url}" target="_blank">{esc(first.title[:20])}</a></td></tr></table></td>
    <td width="12"></td>
    <td width="380" valign="top">{self.box_title(news.name, news.path)}{self.rows(news.entries[:7], "iso_bracket")}</td>
    <td width="12"></td>
    <td width="296" valign="top">{self.box_title(notices.name, notices.path)}\
{self.rows(notices.entries[:7], "iso_bracket")}</td>
  </tr>
</table>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="6"><tr>{buttons}</tr></table>"""
        return self.document(self.info.name, body)

    def _hub_latest(self, hub: Hub) -> list[Entry]:
        """The newest two items of each column of a hub (and, for 办事服务, of 通知公告), newest first."""
        keys = [c.key for c in self.site.columns.values() if c.hub == hub.key]
        if hub.key == "bsfw":
            keys.append("tzgg")
        latest = [e for key in keys for e in self.site.columns[key].entries[:2]]
        return sorted(latest, key=lambda e: e.date, reverse=True)

    def hub_page(self, hub: Hub) -> str:
        """A hub: the side menu and 最新公开 (or 最新互动), a mix of items from several columns."""
        crumb = self.crumb([("首页", self.prefix), (hub.name, None)])
        if hub.key == "hdjl":
            listing = self._latest_interaction()
            title = "最新互动"
        else:
            listing = self.rows(self._hub_latest(hub), "iso", label=True)
            title = "最新公开" if hub.key == "zwgk" else "最新办事信息"
        return self.document(hub.name, self.two_columns(hub, None, crumb + self.box_title(title) + listing))

    def _latest_interaction(self) -> str:
        base = f"{self.prefix}hdjl/"
        items = [(f"{base}xzxx/{m.id}.html", m.title, m.asked, "县长信箱") for m in self.site.letters[:3]]
        items += [(f"{base}zxft/{i.id}.html", i.title, i.date, "在线访谈") for i in self.site.interviews[:1]]
        items += [(f"{base}yjzj/{s.id}.html", s.title, s.start, "意见征集") for s in self.site.surveys[:1]]
        items.sort(key=lambda item: item[2], reverse=True)
        rows = "".join(
            f'<tr><td width="16" height="28" class="t12" align="center">&middot;</td><td class="t12">'
            f'<font color="#1A5FA8">[{tag}]</font><a href="{href}" target="_blank">{esc(title)}</a></td>'
            f'<td width="120" align="right" class="t12"><font color="#888888">{day:%Y-%m-%d}</font></td></tr>'
            for href, title, day, tag in items
        )
        return f'<table width="100%" border="0" cellspacing="0" cellpadding="0">{rows}</table>'

    def _column_frame(self, col: Col, inner: str) -> str:
        hub = self.site.hubs[col.hub]
        crumb = self.crumb([("首页", self.prefix), (hub.name, hub.path), (col.name, None)])
        return self.document(col.name, self.two_columns(hub, col.path, crumb + self.box_title(col.name) + inner))

    def pager(self, index: int, pages: int, total: int) -> str:
        """``共 N 条 首页 上一页 <b>1</b> 2 3 下一页 尾页``: links only where there is a page to go to."""

        def link(text: str, target: int, enabled: bool) -> str:
            return f'<a href="{list_page_name(target)}">{text}</a>' if enabled else text

        numbers = "&nbsp;".join(
            f"<b>{n + 1}</b>" if n == index else f'<a href="{list_page_name(n)}">{n + 1}</a>' for n in range(pages)
        )
        parts = [
            f"共 {total} 条",
            f"页次：{index + 1}/{pages}",
            link("首页", 0, index > 0),
            link("上一页", index - 1, index > 0),
            numbers,
            link("下一页", index + 1, index < pages - 1),
            link("尾页", pages - 1, index < pages - 1),
        ]
        return (
            '<table width="100%" border="0" cellspacing="0" cellpadding="0"><tr><td height="40" align="center" '
            f'class="t12">{"&nbsp;&nbsp;".join(parts)}</td></tr></table>'
        )

    def column_pages(self, col: Col) -> dict[str, str]:
        """The list pages of a column (``index.html``, ``index_2.html`` …), or its one empty page."""
        if not col.entries:
            empty = (
                '<table width="100%" border="0" cellspacing="0" cellpadding="0"><tr><td height="120" align="center" '
                f'class="t12"><font color="#999999">{esc(col.empty_text)}</font></td></tr></table>'
            )
            page = self._column_frame(col, empty)
            return {col.path: page, col.path + "index.html": page}
        chunks = [col.entries[i : i + PAGE_SIZE] for i in range(0, len(col.entries), PAGE_SIZE)]
        pages = {}
        for index, chunk in enumerate(chunks):
            inner = self.rows(chunk, col.date_style) + self.pager(index, len(chunks), len(col.entries))
            pages[col.path + list_page_name(index)] = self._column_frame(col, inner)
        pages[col.path] = pages[col.path + "index.html"]
        return pages

    def _info_bar(self, entry: Entry) -> str:
        written = cn_date(entry.date - timedelta(days=3))
        status = (
            f'<tr><td bgcolor="#F5F5F5">效力状态：</td><td colspan="3"><font color="#FF0000">{esc(entry.status)}'
            "</font></td></tr>"
            if entry.status
            else ""
        )
        publisher = f"{self.info.unit}办公室" if entry.title.startswith(f"{self.info.unit}办公室") else self.info.unit
        return f"""<table width="960" border="1" align="center" cellpadding="4" cellspacing="0" bordercolor="#CCCCCC" \
style="border-collapse:collapse" class="t12">
<tr><td width="90" bgcolor="#F5F5F5">索 引 号：</td><td width="380">{self.info.index_prefix}/{entry.date.year}-\
{entry.id:05d}</td><td width="90" bgcolor="#F5F5F5">发布机构：</td><td>{esc(publisher)}</td></tr>
<tr><td bgcolor="#F5F5F5">文　　号：</td><td>{esc(entry.doc_no or "")}</td><td bgcolor="#F5F5F5">成文日期：</td>\
<td>{written}</td></tr>
<tr><td bgcolor="#F5F5F5">标　　题：</td><td>{esc(entry.title)}</td><td bgcolor="#F5F5F5">发布日期：</td>\
<td>{cn_date(entry.date)}</td></tr>
{status}</table>
<table width="100%"><tr><td height="10"></td></tr></table>"""

    @staticmethod
    def paragraphs(lines: Iterable[str]) -> str:
        """Body lines: ``## x`` bold, ``- x`` an indented item, ``>> x`` right-aligned, else an indented paragraph."""
        out = []
        for line in lines:
            if line.startswith("## "):
                out.append(f"<p><b>{esc(line[3:])}</b></p>")
            elif line.startswith("- "):
                out.append(f"<p>&nbsp;&nbsp;&nbsp;&nbsp;（{esc(line[2:])}）</p>")
            elif line.startswith(">> "):
                out.append(f'<p align="right">{esc(line[3:])}</p>')
            else:
                out.append(f"<p>&nbsp;&nbsp;&nbsp;&nbsp;{esc(line)}</p>")
        return "".join(out)

    def article(self, entry: Entry) -> str:
        """An article: breadcrumb ending in its column (a link), info bar for policy files, title, date, body."""
        col = entry.column
        hub = self.site.hubs[col.hub]
        crumb = self.crumb([("首页", self.prefix), (hub.name, hub.path), (col.name, col.path)])
        bar = self._info_bar(entry) if col.genre == "policy" else ""
        mark = f'<font color="#FF0000">【{esc(entry.status)}】</font>' if entry.status else ""
        source = self.info.host if col.genre in ("news", "guide") else self.info.unit
        body = f"""<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" id="tb7">
<tr><td>{crumb}</td></tr>
<tr><td height="14"></td></tr>
<tr><td>{bar}<table width="960" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td height="50" align="center" class="t20"><b>{mark}{esc(entry.title)}</b></td></tr>
<tr><td height="30" align="center" class="t12" bgcolor="#F2F2F2">发布时间：{cn_date(entry.date)}\
&nbsp;&nbsp;&nbsp;&nbsp;来源：{esc(source)}&nbsp;&nbsp;&nbsp;&nbsp;【字体：大 中 小】</td></tr>
<tr><td class="t14" style="line-height:30px;padding:16px 10px">{self.paragraphs(entry.body)}</td></tr>
<tr><td height="40" align="right" class="t12">【<a href="javascript:window.print()">打印本页</a>】\
【<a href="javascript:window.close()">关闭窗口</a>】</td></tr>
</table></td></tr>
</table>"""
        return self.document(entry.title, body)

    # -- 互动交流 ------------------------------------------------------------------------------------

    def _hdjl_frame(self, name: str, path: str, inner: str, *, list_page: bool, title: str = "") -> str:
        """A 互动交流 page: the hub's menu, a breadcrumb ending in ``name`` (a link unless it is the list)."""
        hub = self.site.hubs["hdjl"]
        steps: list[tuple[str, str | None]] = [("首页", self.prefix), (hub.name, hub.path)]
        steps.append((name, None if list_page else path))
        right = self.crumb(steps) + self.box_title(name) + inner
        return self.document(title or name, self.two_columns(hub, path, right))

    def letter_pages(self) -> dict[str, str]:
        """县长信箱: the public letter list (asked and answered dates per row), each letter, and the form."""
        base = f"{self.prefix}hdjl/xzxx/"
        pages, rows = {}, []
        for m in self.site.letters:
            url = f"{base}{m.id}.html"
            answered = f"{m.answered:%Y-%m-%d}" if m.answered else "—"
            state = '<font color="#1F7A4D">已答复</font>' if m.reply else '<font color="#FF0000">办理中</font>'
            rows.append(
                f'<tr bgcolor="#FFFFFF"><td height="30" class="t12">&nbsp;<a href="{url}" target="_blank">'
                f'{esc(m.title)}</a></td><td align="center" class="t12">{esc(m.kind)}</td>'
                f'<td align="center" class="t12">{m.asked:%Y-%m-%d}</td><td align="center" class="t12">{answered}</td>'
                f'<td align="center" class="t12">{state}</td></tr>'
            )
            reply = (
                f'<tr><td bgcolor="#F5F5F5" class="t12">答复单位：</td><td class="t12">{esc(m.unit)}</td></tr>'
                f'<tr><td bgcolor="#F5F5F5" class="t12">答复时间：</td><td class="t12">{m.answered:%Y-%m-%d}</td></tr>'
                f'<tr><td bgcolor="#F5F5F5" class="t12">答复内容：</td><td class="t12">{esc(m.reply)}</td></tr>'
                if m.reply and m.answered
                else '<tr><td bgcolor="#F5F5F5" class="t12">答复内容：</td><td class="t12">该信件正在办理中。</td></tr>'
            )
            detail = (
                '<table width="100%" border="1" cellpadding="6" cellspacing="0" bordercolor="#CCCCCC" '
                f'style="border-collapse:collapse"><tr><td colspan="2" align="center" class="t14b"><b>{esc(m.title)}'
                f'</b></td></tr><tr><td width="90" bgcolor="#F5F5F5" class="t12">信件类型：</td><td class="t12">'
                f'{esc(m.kind)}</td></tr><tr><td bgcolor="#F5F5F5" class="t12">来信时间：</td><td class="t12">'
                f'{m.asked:%Y-%m-%d}</td></tr><tr><td bgcolor="#F5F5F5" class="t12">来信内容：</td>'
                f'<td class="t12">{esc(m.ask)}</td></tr>{reply}</table>'
            )
            pages[url] = self._hdjl_frame("县长信箱", base, detail, list_page=False, title=m.title)
        head = (
            '<table width="100%" border="0" cellspacing="0" cellpadding="0"><tr><td height="44" class="t12">'
            f'&nbsp;<a href="{base}write.html"><font color="#C0392B"><b>【我要写信】</b></font></a>&nbsp;&nbsp;'
            "<b>信件公开</b>：以下为县长信箱来信及办理情况</td></tr></table>"
        )
        table = (
            '<table width="100%" border="0" cellspacing="1" cellpadding="0" bgcolor="#CCCCCC"><tr bgcolor="#E4EEF9">'
            '<td height="30" class="t12">&nbsp;信件标题</td><td width="60" align="center" class="t12">类型</td>'
            '<td width="100" align="center" class="t12">来信时间</td><td width="100" align="center" class="t12">'
            '答复时间</td><td width="70" align="center" class="t12">状态</td></tr>'
            f"{''.join(rows)}</table>"
        )
        pages[base] = self._hdjl_frame("县长信箱", base, head + table, list_page=True)
        pages[f"{base}write.html"] = self._hdjl_frame("县长信箱", base, self._letter_form(), list_page=False)
        return pages

    @staticmethod
    def _letter_form() -> str:
        kinds = "".join(f"<option>{kind}</option>" for kind in ("咨询", "建议", "投诉", "求助", "其他"))
        return f"""<form name="xzxx" method="post" action="{SUBMIT_PATH}">
<table width="100%" border="0" cellspacing="0" cellpadding="6" class="t12">
<tr><td colspan="2" bgcolor="#FFF4D6">写信须知：请如实填写，文明用语；我们将在5个工作日内答复。带 * 为必填项。</td></tr>
<tr><td width="100" align="right"><label for="name">姓名<font color="#FF0000">*</font></label></td>
<td><input id="name" name="name" type="text" size="30" required /></td></tr>
<tr><td align="right"><label for="phone">联系电话<font color="#FF0000">*</font></label></td>
<td><input id="phone" name="phone" type="tel" size="30" pattern="1[0-9]{{10}}" required /></td></tr>
<tr><td align="right"><label for="kind">信件类型</label></td>
<td><select id="kind" name="kind">{kinds}</select></td></tr>
<tr><td align="right"><label for="title">信件标题<font color="#FF0000">*</font></label></td>
<td><input id="title" name="title" type="text" size="60" maxlength="50" required /></td></tr>
<tr><td align="right" valign="top"><label for="content">信件内容<font color="#FF0000">*</font></label></td>
<td><textarea id="content" name="content" cols="70" rows="8" required></textarea></td></tr>
<tr><td></td><td><input type="submit" value="提 交" />&nbsp;&nbsp;<input type="reset" value="重 填" /></td></tr>
</table></form>"""

    def submit(self, form: Mapping[str, str]) -> tuple[int, str]:
        """The answer to a posted letter: 200 with a 查询码, or 400 naming the missing required fields."""
        base = f"{self.prefix}hdjl/xzxx/"
        missing = [label for key, label in REQUIRED_FIELDS.items() if not form.get(key, "").strip()]
        if missing:
            inner = (
                f'<p class="t14">信件提交失败：请填写{"、".join(missing)}。</p>'
                f'<p class="t12"><a href="{base}write.html">返回重新填写</a></p>'
            )
            return 400, self._hdjl_frame("县长信箱", base, inner, list_page=False)
        digest = hashlib.sha256("|".join(form.get(k, "") for k in REQUIRED_FIELDS).encode()).hexdigest()
        inner = (
            f'<p class="t14">信件提交成功，查询码：<b>XZ{digest[:10].upper()}</b></p>'
            f'<p class="t12">我们将在5个工作日内答复，请牢记查询码。<a href="{base}">查看信件公开</a></p>'
        )
        return 200, self._hdjl_frame("县长信箱", base, inner, list_page=False)

    def interview_pages(self) -> dict[str, str]:
        """在线访谈: the list (form and date per row) and each record with its photos."""
        base = f"{self.prefix}hdjl/zxft/"
        pages, rows = {}, []
        for iv in self.site.interviews:
            url = f"{base}{iv.id}.html"
            rows.append(
                f'<tr><td width="16" height="28" class="t12" align="center">&middot;</td><td class="t12">'
                f'<a href="{url}" target="_blank">{esc(iv.title)}</a>&nbsp;<font color="#999999">[{esc(iv.format)}]'
                f'</font></td><td width="120" align="right" class="t12">{iv.date:%Y-%m-%d}</td></tr>'
            )
            photos = "".join(f'<img src="{src}" width="280" height="180" hspace="6" />' for src in iv.images)
            qa = "".join(
                f'<p><font color="#1A5FA8">{esc(q)}</font></p><p>{esc(a)}</p>' for q, a in iv.qa
            )
            detail = (
                f'<table width="100%" border="0" cellpadding="6"><tr><td align="center" class="t20"><b>{esc(iv.title)}'
                f'</b></td></tr><tr><td align="center" class="t12" bgcolor="#F2F2F2">访谈时间：{iv.date:%Y-%m-%d}'
                f"&nbsp;&nbsp;访谈嘉宾：{esc(iv.guest)}&nbsp;&nbsp;形式：{esc(iv.format)}</td></tr>"
                f'<tr><td align="center">{photos}</td></tr><tr><td class="t14" style="line-height:28px">{qa}</td></tr>'
                "</table>"
            )
            pages[url] = self._hdjl_frame("在线访谈", base, detail, list_page=False, title=iv.title)
        listing = f'<table width="100%" border="0" cellspacing="0" cellpadding="0">{"".join(rows)}</table>'
        pages[base] = self._hdjl_frame("在线访谈", base, listing, list_page=True)
        return pages

    def survey_pages(self) -> dict[str, str]:
        """意见征集: the list (period, state, 查看 and 结果反馈 per row), each survey and its result page."""
        base = f"{self.prefix}hdjl/yjzj/"
        pages, rows = {}, []
        for s in self.site.surveys:
            url, result = f"{base}{s.id}.html", f"{base}{s.id}_fk.html"
            period = f"征集时间：{s.start:%Y-%m-%d} 至 {s.end:%Y-%m-%d}"
            links = f'<a href="{url}">查看</a>' + (f'&nbsp;<a href="{result}">结果反馈</a>' if s.feedback else "")
            rows.append(
                f'<tr bgcolor="#FFFFFF"><td height="32" class="t12">&nbsp;<a href="{url}" target="_blank">'
                f'{esc(s.title)}</a></td><td width="230" align="center" class="t12">{period}</td>'
                f'<td width="60" align="center" class="t12">已结束</td><td width="110" align="center" class="t12">'
                f"{links}</td></tr>"
            )
            body = (
                f'<p align="center" class="t14b"><b>{esc(s.title)}</b></p><p class="t12" align="center">{period}'
                f'&nbsp;&nbsp;状态：已结束</p><p class="t14">&nbsp;&nbsp;&nbsp;&nbsp;{esc(s.intro)}</p>'
            )
            pages[url] = self._hdjl_frame("意见征集", base, body, list_page=False, title=s.title)
            if s.feedback and s.feedback_date:
                text = (
                    f'<p align="center" class="t14b"><b>关于{esc(s.title)}的意见采纳情况反馈</b></p>'
                    f'<p class="t12" align="center">发布时间：{s.feedback_date:%Y-%m-%d}</p>'
                    f'<p class="t14">&nbsp;&nbsp;&nbsp;&nbsp;{esc(s.feedback)}</p>'
                    f'<p class="t12"><a href="{url}">返回征集页面</a></p>'
                )
                pages[result] = self._hdjl_frame("意见征集", base, text, list_page=False, title="意见采纳情况反馈")
        table = (
            '<table width="100%" border="0" cellspacing="1" cellpadding="0" bgcolor="#CCCCCC">'
            f"{''.join(rows)}</table>"
        )
        pages[base] = self._hdjl_frame("意见征集", base, table, list_page=True)
        return pages

    # -- other pages --------------------------------------------------------------------------------

    def newmedia_page(self) -> str:
        """政务新媒体: the 新媒体矩阵 table, one row per account with its QR code and a link to it."""
        rows = "".join(
            f'<tr bgcolor="#FFFFFF"><td height="110" align="center" class="t14">{esc(a.name)}</td>'
            f'<td align="center" class="t12">{esc(a.platform)}</td><td align="center" class="t12">{esc(a.owner)}</td>'
            f'<td align="center"><img src="{a.image}" width="96" height="96" alt="{esc(a.caption)}" /></td>'
            f'<td align="center" class="t12"><a href="{a.path}" target="_blank">进入</a></td></tr>'
            for a in self.site.accounts
        )
        table = (
            '<table width="1000" border="0" align="center" cellspacing="1" cellpadding="0" bgcolor="#CCCCCC">'
            '<tr bgcolor="#E4EEF9"><td height="34" align="center" class="t14b" colspan="5"><b>新媒体矩阵</b></td></tr>'
            '<tr bgcolor="#F5F5F5"><td height="30" align="center" class="t12">账号名称</td><td align="center" '
            'class="t12">平台</td><td align="center" class="t12">运营主体</td>'
            '<td align="center" class="t12">二维码</td>'
            f'<td align="center" class="t12">访问</td></tr>{rows}</table>'
        )
        crumb = self.crumb([("首页", self.prefix), ("政务新媒体", None)])
        head = f'<table width="1000" align="center"><tr><td>{crumb}</td></tr></table>'
        return self.document("政务新媒体", head + table)

    def sitemap(self) -> str:
        """网站地图: every hub with its columns and pages, as nested lists."""
        groups = []
        for hub in self.site.hubs.values():
            items = []
            for spec in hub.menu:
                if isinstance(spec, Mapping) and "group" in spec:
                    sub = "".join(
                        f'<li><a href="{href}">{esc(text)}</a></li>'
                        for text, href in (self._menu_link(item) for item in spec["items"])
                    )
                    items.append(f"<li>{esc(spec['group'])}<ul>{sub}</ul></li>")
                else:
                    text, href = self._menu_link(spec)
                    items.append(f'<li><a href="{href}">{esc(text)}</a></li>')
            groups.append(f'<li><a href="{hub.path}"><b>{esc(hub.name)}</b></a><ul>{"".join(items)}</ul></li>')
        groups.append(f'<li><a href="{self.prefix}xmt/"><b>政务新媒体</b></a></li>')
        crumb = self.crumb([("首页", self.prefix), ("网站地图", None)])
        body = (
            f'<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0"><tr><td>{crumb}</td></tr>'
            '<tr><td class="t14" style="line-height:30px;padding:10px 30px">'
            f'<ul>{"".join(groups)}</ul></td></tr></table>'
        )
        return self.document("网站地图", body)

    def search(self, raw_query: str) -> str:
        """The site search: titles holding every word of ``keyword`` (sent GBK-encoded by the form, or UTF-8)."""
        query = _keyword(raw_query).strip()
        crumb = self.crumb([("首页", self.prefix), ("搜索结果", None)])
        if not query:
            result = '<p class="t12">请输入关键字。</p>'
        else:
            words = query.split()
            hits = [e for e in self.site.entries() if all(w in e.title for w in words)]
            result = f'<p class="t12">搜索“{esc(query)}”，共找到 {len(hits)} 条信息。</p>' + self.rows(hits[:50], "iso")
        body = (
            '<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">'
            f'<tr><td>{crumb}</td></tr><tr><td style="padding:10px">{result}</td></tr></table>'
        )
        return self.document("搜索结果", body)


def _keyword(raw_query: str) -> str:
    """``keyword`` from a query string: percent-encoded UTF-8 (typed by a script) or GBK (sent by the form)."""
    for encoding in ("utf-8", "gb18030"):
        try:
            values = parse_qs(raw_query, encoding=encoding, errors="strict").get("keyword", [""])
        except UnicodeDecodeError:
            continue
        return values[0]
    return ""
