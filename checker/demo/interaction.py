"""互动交流 pages (我要留言, 留言选登, 征集调查, 在线访谈), site search and the new-media pages.

The message form posts to ``/hdjl/wyly/submit``; :func:`submit_page` answers it. The demo server is a
test target, so submitting is harmless: nothing is stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date

from checker.demo.content import Account, Content
from checker.demo.layout import article_list, block, breadcrumb, document, esc, fmt_date, sidebar
from checker.demo.models import Site

HDJL = [
    ("我要留言", "/hdjl/wyly/"),
    ("留言选登", "/hdjl/lyxd/"),
    ("征集调查", "/hdjl/zjdc/"),
    ("在线访谈", "/hdjl/zxft/"),
]
REQUIRED_FIELDS = {"name": "姓名", "phone": "手机号码", "title": "标题", "content": "内容"}
MESSAGE_TYPES = ["咨询", "建议", "投诉", "求助", "其他"]


def _hdjl_page(site: Site, title: str, inner: str, current: str | None, parent: tuple[str, str] | None = None) -> str:
    """A 互动交流 page: breadcrumb, the 互动交流 sidebar and the content under the column heading."""
    crumbs: list[tuple[str, str | None]] = [("首页", "/"), ("互动交流", "/hdjl/")]
    if parent:
        crumbs.append(parent)
    if title != "互动交流":
        crumbs.append((title, None))
    head = f'<div class="content-hd"><h2>{esc(parent[0] if parent else title)}</h2></div>'
    main = (
        f'{breadcrumb(crumbs)}<div class="col-wrap">{sidebar("互动交流", HDJL, current)}'
        f'<div class="content">{head}{inner}</div></div>'
    )
    return document(site, title, main)


def form_page(site: Site) -> str:
    """我要留言: the message form with client-side ``required`` checks."""
    options = "".join(f"<option>{t}</option>" for t in MESSAGE_TYPES)
    inner = f"""<div class="notice-box">留言须知：请遵守国家法律法规，文明留言；我们将在5个工作日内答复。\
带 * 为必填项。</div>
<form class="ly-form" action="/hdjl/wyly/submit" method="post">
<p><label for="name">姓名<i>*</i></label><input id="name" name="name" type="text" required></p>
<p><label for="phone">手机号码<i>*</i></label>\
<input id="phone" name="phone" type="tel" pattern="1[0-9]{{10}}" required></p>
<p><label for="email">电子邮箱</label><input id="email" name="email" type="email"></p>
<p><label for="kind">留言类型</label><select id="kind" name="kind">{options}</select></p>
<p><label for="title">标题<i>*</i></label><input id="title" name="title" type="text" maxlength="50" required></p>
<p><label for="content">内容<i>*</i></label><textarea id="content" name="content" rows="8" required></textarea></p>
<p class="btns"><button type="submit">提交</button><button type="reset">重置</button></p>
</form>"""
    return _hdjl_page(site, "我要留言", inner, "/hdjl/wyly/")


def submit_page(site: Site, fields: Mapping[str, str]) -> tuple[int, str]:
    """The answer to a posted message: 200 with a 查询码, or 400 naming the missing required fields."""
    missing = [label for key, label in REQUIRED_FIELDS.items() if not fields.get(key, "").strip()]
    if missing:
        inner = (
            f'<div class="result fail"><p>留言提交失败：请填写{"、".join(missing)}。</p>'
            '<p><a href="/hdjl/wyly/">返回重新填写</a></p></div>'
        )
        return 400, _hdjl_page(site, "我要留言", inner, "/hdjl/wyly/")
    digest = hashlib.sha256("|".join(fields.get(k, "") for k in REQUIRED_FIELDS).encode()).hexdigest()
    code = "LY" + digest[:10].upper()
    inner = (
        f'<div class="result ok"><p>留言提交成功，查询码：<b>{code}</b></p>'
        f"<p>标题：{esc(fields['title'])}</p><p>请牢记查询码，我们将在5个工作日内答复。</p>"
        '<p><a href="/hdjl/lyxd/">查看留言选登</a></p></div>'
    )
    return 200, _hdjl_page(site, "我要留言", inner, "/hdjl/wyly/")


def interaction_pages(content: Content) -> dict[str, str]:
    """Every 互动交流 page by URL path."""
    site = content.portal
    pages = {"/hdjl/wyly/": form_page(site)}
    rows = []
    for m in content.messages:
        answered = fmt_date(m.answered) if m.answered else "—"
        state = "已答复" if m.reply else "办理中"
        rows.append(
            f'<tr><td class="title"><a href="{m.url}">{esc(m.title)}</a></td><td>{m.kind}</td>'
            f"<td>{fmt_date(m.asked)}</td><td>{answered}</td><td>{state}</td></tr>"
        )
        reply = (
            f'<div class="reply"><h4>答复单位：{esc(m.unit)}　答复时间：{fmt_date(m.answered)}</h4>'
            f"<p>{esc(m.reply)}</p></div>"
            if m.reply and m.answered
            else '<div class="reply pending"><p>该留言正在办理中，暂未答复。</p></div>'
        )
        detail = (
            f'<div class="message"><h1>{esc(m.title)}</h1><div class="info">留言类型：{m.kind}　留言时间：'
            f'{fmt_date(m.asked)}</div><div class="ask"><h4>留言内容</h4><p>{esc(m.ask)}</p></div>{reply}</div>'
        )
        pages[m.url] = _hdjl_page(site, m.title, detail, "/hdjl/lyxd/", ("留言选登", "/hdjl/lyxd/"))
    table = (
        '<table class="ly-table"><thead><tr><th>标题</th><th>类型</th><th>留言时间</th><th>答复时间</th><th>状态</th>'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    pages["/hdjl/lyxd/"] = _hdjl_page(site, "留言选登", table, "/hdjl/lyxd/")
    pages.update(_survey_pages(site, content))
    pages.update(_interview_pages(site, content))
    latest = [(f"{m.title}", m.url, m.asked) for m in content.messages[:5]]
    items = "".join(f'<li><a href="{u}">{esc(t)}</a><span class="date">{fmt_date(d)}</span></li>' for t, u, d in latest)
    tiles = "".join(f'<li><a href="{h}">{t}</a></li>' for t, h in HDJL)
    inner = block("互动栏目", None, f'<ul class="tiles">{tiles}</ul>') + block(
        "留言选登", "/hdjl/lyxd/", f'<ul class="list">{items}</ul>'
    )
    pages["/hdjl/"] = _hdjl_page(site, "互动交流", inner, None)
    return pages


def _survey_pages(site: Site, content: Content) -> dict[str, str]:
    as_of = date(2020, 11, 6)
    pages, items = {}, []
    extra = ("征集调查", "/hdjl/zjdc/")
    for s in content.surveys:
        period = f"征集时间：{fmt_date(s.start)} 至 {fmt_date(s.end)}"
        closed = s.end < as_of
        links = f'<a href="{s.url}">查看</a>'
        if closed and s.feedback:
            links += f' <a href="{s.feedback_url}">反馈</a>'
        state = "已结束" if closed else "征集中"
        items.append(
            f'<li><a href="{s.url}" class="t">{esc(s.title)}</a><span class="period">{period}</span>'
            f'<span class="state">{state}</span><span class="ops">{links}</span></li>'
        )
        body = (
            f'<div class="message"><h1>{esc(s.title)}</h1><div class="info">{period}　状态：{state}</div>'
            f"<p>{esc(s.intro)}</p>"
        )
        if not closed:
            body += '<p>意见建议可通过<a href="/hdjl/wyly/">我要留言</a>提交。</p>'
        pages[s.url] = _hdjl_page(site, s.title, body + "</div>", "/hdjl/zjdc/", extra)
        if closed and s.feedback and s.feedback_date:
            fk = (
                f'<div class="message"><h1>关于“{esc(s.title)}”的意见反馈情况</h1>'
                f'<div class="info">发布时间：{fmt_date(s.feedback_date)}</div><p>{esc(s.feedback)}</p>'
                f'<p><a href="{s.url}">返回征集页面</a></p></div>'
            )
            pages[s.feedback_url] = _hdjl_page(site, "意见反馈", fk, "/hdjl/zjdc/", extra)
    pages["/hdjl/zjdc/"] = _hdjl_page(site, "征集调查", f'<ul class="survey-list">{"".join(items)}</ul>', "/hdjl/zjdc/")
    return pages


def _interview_pages(site: Site, content: Content) -> dict[str, str]:
    pages, items = {}, []
    extra = ("在线访谈", "/hdjl/zxft/")
    for iv in content.interviews:
        items.append(
            f'<li><a href="{iv.url}">{esc(iv.title)}</a><span class="form">[{iv.format}]</span>'
            f'<span class="date">{fmt_date(iv.date)}</span></li>'
        )
        images = "".join(f'<img src="{src}" alt="访谈现场">' for src in iv.images)
        qa = "".join(f'<p class="q">{esc(q)}</p><p class="a">{esc(a)}</p>' for q, a in iv.qa)
        body = (
            f'<div class="message"><h1>{esc(iv.title)}</h1><div class="info">访谈时间：{fmt_date(iv.date)}　'
            f'访谈嘉宾：{esc(iv.guest)}　形式：{iv.format}</div><div class="photos">{images}</div>'
            f'<div class="qa">{qa}</div></div>'
        )
        pages[iv.url] = _hdjl_page(site, iv.title, body, "/hdjl/zxft/", extra)
    pages["/hdjl/zxft/"] = _hdjl_page(site, "在线访谈", f'<ul class="list">{"".join(items)}</ul>', "/hdjl/zxft/")
    return pages


def search_page(content: Content, query: str) -> str:
    """Site search over the titles of every demo site's articles."""
    site = content.portal
    query = query.strip()
    form = (
        f'<form class="search-big" action="/search" method="get"><input name="q" value="{esc(query)}">'
        '<button type="submit">搜索</button></form>'
    )
    if not query:
        result = '<p class="hint">请输入关键词进行搜索。</p>'
    else:
        words = query.split()
        hits = [a for s in content.sites.values() for a in s.articles() if all(w in a.title for w in words)]
        hits.sort(key=lambda a: a.date, reverse=True)
        listing = article_list(hits[:50], "ul") if hits else ""
        result = f'<p class="hint">搜索“{esc(query)}”，共找到 {len(hits)} 条结果。</p>{listing}'
        if not hits:
            result += '<p class="hint">未找到相关信息，请更换关键词。</p>'
    main = f'{breadcrumb([("首页", "/"), ("搜索结果", None)])}<div class="search-result">{form}{result}</div>'
    return document(site, "搜索结果", main)


def _account_page(site: Site, account: Account) -> str:
    posts = "".join(
        f'<li><span class="t">{esc(t)}</span><span class="date">{fmt_date(d)}</span></li>' for t, d in account.posts
    )
    button = f'<a class="btn" href="{account.path}ly.html">留言</a>' if account.interaction else ""
    inner = f"""<div class="account"><div class="account-hd"><img src="/static/logo.png" alt="{esc(account.name)}">
<div><h1>{esc(account.name)}</h1><p>{esc(account.platform)}　运营主体：{esc(account.owner)}</p>
<p>{esc(account.intro)}</p></div>
{button}</div>
<h3>最新发布</h3><ul class="list posts">{posts}</ul></div>"""
    crumbs = [("首页", "/"), ("政务新媒体", "/xmt/"), (f"{account.name}{account.platform}", None)]
    return document(site, f"{account.name}{account.platform}", breadcrumb(crumbs) + inner)


def newmedia_pages(content: Content) -> dict[str, str]:
    """The 政务新媒体 index, each mock account page and its 留言 page."""
    site = content.portal
    pages = {}
    cards = []
    for account in content.accounts:
        pages[account.path] = _account_page(site, account)
        form = (
            f'<div class="account"><h1>给“{esc(account.name)}”留言</h1>'
            '<form class="ly-form" action="/xmt/submit" method="post">'
            '<p><textarea name="content" rows="6" required placeholder="请输入留言内容"></textarea></p>'
            '<p class="btns"><button type="submit">发送</button></p></form></div>'
        )
        crumbs = [("首页", "/"), ("政务新媒体", "/xmt/"), (account.name, account.path), ("留言", None)]
        pages[account.path + "ly.html"] = document(site, "留言", breadcrumb(crumbs) + form)
        cards.append(f'<li><a href="{account.path}">{esc(account.name)}</a><span>{esc(account.platform)}</span></li>')
    main = breadcrumb([("首页", "/"), ("政务新媒体", None)]) + block(
        "政务新媒体矩阵", None, f'<ul class="tiles">{"".join(cards)}</ul>'
    )
    pages["/xmt/"] = document(site, "政务新媒体", main)
    return pages


def newmedia_submit_page(content: Content) -> str:
    """The answer to a new-media 留言 post."""
    inner = '<div class="result ok"><p>留言已发送，感谢您的关注。</p><p><a href="/xmt/">返回政务新媒体</a></p></div>'
    return document(content.portal, "留言", inner)
