"""Content pages of the demo sites: home pages, column lists, articles, section indexes, site map.

Every function returns the HTML text of one page; :func:`content_pages` maps every URL path of the
content to its page so the server can answer from a dictionary.
"""

from __future__ import annotations

from datetime import timedelta

from checker.demo.content import Content
from checker.demo.layout import (
    article_list,
    block,
    breadcrumb,
    document,
    esc,
    fmt_date,
    page_name,
    pager,
    sidebar,
)
from checker.demo.models import Article, Column, Section, Site
from checker.demo.texts import cn_date

PAGE_SIZE = 15


def _paragraphs(lines: list[str]) -> str:
    """Render body lines: ``## x`` a heading, ``- x`` a bullet, ``>> x`` a signature line, else a paragraph."""
    out: list[str] = []
    bullets: list[str] = []
    for line in [*lines, ""]:
        if line.startswith("- "):
            bullets.append(f"<li>{esc(line[2:])}</li>")
            continue
        if bullets:
            out.append(f'<ul class="bullets">{"".join(bullets)}</ul>')
            bullets = []
        if line.startswith("## "):
            out.append(f"<h3>{esc(line[3:])}</h3>")
        elif line.startswith(">> "):
            out.append(f'<p class="sign">{esc(line[3:])}</p>')
        elif line:
            out.append(f"<p>{esc(line)}</p>")
    return "".join(out)


def _trail(site: Site, section_path: str | None) -> list[tuple[str, str | None]]:
    trail: list[tuple[str, str | None]] = [("首页", site.prefix)]
    chain: list[Section] = []
    while section_path:
        section = site.sections[section_path]
        chain.insert(0, section)
        section_path = section.parent
    trail += [(s.name, s.url) for s in chain]
    return trail


def _side(site: Site, column: Column) -> str:
    if column.section:
        section = site.sections[column.section]
        paths, title = section.children, section.name
    elif column.sidebar:
        paths, title = column.sidebar, column.name
    else:
        paths = [p for p, c in site.columns.items() if not c.section]
        title = site.banner if site.key != "portal" else column.name
    links = [(site.node_name(p), "/" + p) for p in paths]
    return sidebar(title, links, column.url)


def _frame(site: Site, title: str, crumbs: list, side: str, inner: str) -> str:
    main = f'{breadcrumb(crumbs)}<div class="col-wrap">{side}<div class="content">{inner}</div></div>'
    return document(site, title, main)


def column_pages(site: Site, column: Column) -> dict[str, str]:
    """The list pages (``index.html``, ``index_1.html`` …) or the static page of a column."""
    crumbs = [*_trail(site, column.section), (column.name, None)]
    head = f'<div class="content-hd"><h2>{esc(column.name)}</h2></div>'
    side = _side(site, column)
    if column.kind == "static":
        inner = f'{head}<div class="article static">{_paragraphs(column.body)}</div>'
        return {column.url: _frame(site, column.name, crumbs, side, inner)}
    if not column.articles:
        inner = f'{head}<div class="empty">暂无信息</div>'
        return {column.url: _frame(site, column.name, crumbs, side, inner)}
    chunks = [column.articles[i : i + PAGE_SIZE] for i in range(0, len(column.articles), PAGE_SIZE)]
    pages = {}
    for index, chunk in enumerate(chunks):
        listing = article_list(chunk, site.list_style)
        inner = f"{head}{listing}{pager(column.url, index, len(chunks))}"
        pages[column.url + page_name(index)] = _frame(site, column.name, crumbs, side, inner)
    pages[column.url] = pages[column.url + "index.html"]
    return pages


def _policy_meta(site: Site, article: Article) -> str:
    written = cn_date(article.date - timedelta(days=3))
    valid = esc(article.valid)
    if article.meta_inline:
        lines = [
            f"发布机构：{esc(site.unit)}",
            f"文号：{esc(article.doc_no)}",
            f"发布日期：{cn_date(article.date)}",
        ]
        return '<div class="xxgk-info">' + "".join(f"<p>{line}</p>" for line in lines) + "</div>"
    index_no = f"{site.index_prefix}/{article.date.year}-{article.id:05d}"
    return f"""<table class="xxgk-table">
<tr><th>索引号：</th><td>{index_no}</td><th>分类：</th><td>{esc(article.column.name)}</td></tr>
<tr><th>发布机构：</th><td>{esc(site.unit)}</td><th>成文日期：</th><td>{written}</td></tr>
<tr><th>文号：</th><td>{esc(article.doc_no or "")}</td><th>发布日期：</th><td>{cn_date(article.date)}</td></tr>
<tr><th>标题：</th><td colspan="3">{esc(article.title)}</td></tr>
<tr><th>有效期：</th><td colspan="3">{valid}</td></tr>
</table>"""


def article_page(site: Site, article: Article) -> str:
    """The detail page of an article, with 文件 metadata and 文件/解读 cross links where they apply."""
    column = article.column
    crumbs = [*_trail(site, column.section), (column.name, column.url), ("正文", None)]
    meta = _policy_meta(site, article) if column.genre == "policy" else ""
    status = f'<span class="status">【{esc(article.status)}】</span>' if article.status else ""
    related = []
    if article.interpretation:
        related.append(f'相关解读：<a href="{article.interpretation.url}">{esc(article.interpretation.title)}</a>')
    if article.file and article.backlink:
        related.append(f'相关文件：<a href="{article.file.url}">{esc(article.file.title)}</a>')
    related_html = "".join(f"<p>{line}</p>" for line in related)
    files = "".join(f'<p>附件：<a href="{esc(a["href"])}">{esc(a["name"])}</a></p>' for a in article.attachments)
    figures = "".join(  # lazy images, as CMS templates write them: the address waits in data-src
        f'<p class="figure"><img src="/static/img/loading.png" data-src="{esc(f["src"])}" alt="{esc(f["alt"])}"></p>'
        for f in article.figures)
    source = site.footer.host if site.key != "portal" else "示例市人民政府办公室"
    inner = f"""{meta}<div class="article">
<h1>{status}{esc(article.title)}</h1>
<div class="info">发布时间：{fmt_date(article.date)}　　来源：{esc(source)}　　<span>【字体：大 中 小】</span></div>
<div class="text">{figures}{_paragraphs(article.body)}</div>
<div class="attachments">{files}</div>
<div class="related">{related_html}</div>
<div class="print"><a href="javascript:window.print()">【打印本页】</a>　<a href="#top">【返回顶部】</a>
　【关闭窗口】</div>
</div>"""
    return document(site, article.title, f'{breadcrumb(crumbs)}<div class="detail">{inner}</div>')


def _list_block(site: Site, path: str) -> str:
    column = site.columns[path]
    return block(column.name, column.url, article_list(column.articles[:5], "ul"))


def _tree(site: Site, paths: list[str]) -> str:
    items = []
    for path in paths:
        sub = site.sections.get(path)
        leaves = "".join(f'<li><a href="/{p}">{esc(site.node_name(p))}</a></li>' for p in (sub.children if sub else []))
        inner = f"<ul>{leaves}</ul>" if sub else ""
        items.append(f'<li><a href="/{path}">{esc(site.node_name(path))}</a>{inner}</li>')
    return f'<ul class="dir-tree">{"".join(items)}</ul>'


def _summaries(site: Site, paths: list[str]) -> str:
    out = []
    for path in paths:
        column = site.columns.get(path)
        if column and column.kind == "static":
            first = next((line for line in column.body if not line.startswith(("#", "-"))), "")
            out.append(f'<div class="summary"><h3>{esc(column.name)}</h3><p>{esc(first)}</p></div>')
    return "".join(out)


def section_page(site: Site, section: Section) -> str:
    """A section index: blocks with the latest items (all list columns) or a directory of its columns."""
    crumbs = [*_trail(site, section.parent), (section.name, None)]
    links = [(site.node_name(p), "/" + p) for p in section.children]
    columns = [site.columns.get(p) for p in section.children]
    if all(c is not None and c.kind == "list" for c in columns):
        inner = f'<div class="grid2">{"".join(_list_block(site, p) for p in section.children)}</div>'
    else:
        head = f'<div class="content-hd"><h2>{esc(section.name)}</h2></div>'
        inner = head + _tree(site, section.children) + _summaries(site, section.children)
    return _frame(site, section.name, crumbs, sidebar(section.name, links), inner)


def _focus(site: Site, content: Content) -> str:
    focus = site.home["focus"]
    article = content.by_key[focus["article"]]
    return (
        f'<div class="focus"><a href="{article.url}"><img src="{focus["image"]}" alt="{esc(article.title)}"></a>'
        f'<p class="focus-title"><a href="{article.url}">{esc(article.title)}</a></p></div>'
    )


def _home_blocks(site: Site) -> list[str]:
    blocks = []
    for spec in site.home["blocks"]:
        column = site.columns[spec["column"]]
        listing = article_list(column.articles[: spec["count"]], site.list_style, spec["date"])
        blocks.append(block(column.name, column.url, listing, theme=site.theme))
    return blocks


def _tiles(title: str, href: str | None, items: list[tuple[str, str]], css: str = "") -> str:
    links = "".join(f'<li><a href="{h}">{esc(t)}</a></li>' for t, h in items)
    return block(title, href, f'<ul class="tiles">{links}</ul>', css)


def portal_home(site: Site, content: Content) -> str:
    """The portal home page: picture news, news blocks, 政务公开, 互动交流 and department channels."""
    news, notices, files, readings, depts = _home_blocks(site)
    names = ["xxgkzn", "xxgkzd", "fdzdgknr", "xxgknb", "jgzn", "ldxx", "rsxx", "ghjh", "czyjs", "gsgg"]
    zwgk = _tiles("政务公开", "/zwgk/", [(site.node_name(f"zwgk/{n}/"), f"/zwgk/{n}/") for n in names], "zwgk")
    hdjl = _tiles(
        "互动交流",
        "/hdjl/",
        [
            ("我要留言", "/hdjl/wyly/"),
            ("留言选登", "/hdjl/lyxd/"),
            ("征集调查", "/hdjl/zjdc/"),
            ("在线访谈", "/hdjl/zxft/"),
        ],
        "hdjl",
    )
    channels = [(s.name, s.prefix) for s in content.sites.values() if s.key != "portal"]
    services = [("个人办事", "/bsfw/"), ("法人办事", "/bsfw/"), ("公共资源交易", "/ggzy/"),
                ("政府信息公开指南", "/zwgk/xxgkzn/")]
    bsfw = _tiles("办事服务", "/bsfw/", services, "bsfw")
    main = f"""<div class="row row-top">{_focus(site, content)}{news}</div>
<div class="row row3">{notices}{files}{readings}</div>
<div class="row row3">{depts}{zwgk}{hdjl}</div>
<div class="row row2">{_tiles("部门栏目", None, channels, "bm")}{bsfw}</div>"""
    return document(site, site.name, main)


def channel_home(site: Site, content: Content) -> str:
    """A department channel's home page: picture news and its column blocks."""
    first, *rest = _home_blocks(site)
    main = f'<div class="row row-top">{_focus(site, content)}{first}</div><div class="row row3">{"".join(rest)}</div>'
    return document(site, site.name, main)


def sitemap_page(content: Content) -> str:
    """网站地图: every navigation entry with its sub-columns, and the department channels."""
    site = content.portal
    groups = []
    for entry in site.nav[1:]:
        subs = "".join(f'<li><a href="/{p}">{esc(site.node_name(p))}</a></li>' for p in entry.sub)
        groups.append(
            f'<div class="map-group"><h3><a href="{entry.href}">{esc(entry.text)}</a></h3><ul>{subs}</ul></div>'
        )
    channels = "".join(
        f'<li><a href="{s.prefix}">{esc(s.name)}</a></li>' for s in content.sites.values() if s.key != "portal"
    )
    groups.append(f'<div class="map-group"><h3>部门栏目</h3><ul>{channels}</ul></div>')
    main = f'{breadcrumb([("首页", "/"), ("网站地图", None)])}<div class="sitemap">{"".join(groups)}</div>'
    return document(site, "网站地图", main)


def not_found_page(content: Content) -> str:
    """The Chinese 404 page."""
    main = (
        '<div class="error"><h2>404</h2><p>抱歉，您访问的页面不存在或已被删除。</p>'
        '<p><a href="/">返回首页</a></p></div>'
    )
    return document(content.portal, "页面不存在", main)


UNAVAILABLE_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>服务暂不可用</title></head>
<body style="font-family:sans-serif;text-align:center;padding-top:120px;color:#555">
<h1>503 服务暂不可用</h1><p>服务器维护中，请稍后再试。</p></body></html>
"""


def content_pages(content: Content) -> dict[str, str]:
    """Every content page by URL path (``/x/`` and ``/x/index.html`` both present)."""
    pages: dict[str, str] = {"/wzdt/": sitemap_page(content)}
    for site in content.sites.values():
        home = portal_home if site.key == "portal" else channel_home
        pages[site.prefix] = home(site, content)
        for column in site.columns.values():
            pages.update(column_pages(site, column))
            for article in column.articles:
                pages[article.url] = article_page(site, article)
        for section in site.sections.values():
            pages[section.url] = section_page(site, section)
    for path in [p for p in pages if p.endswith("/")]:
        pages.setdefault(path + "index.html", pages[path])
    return pages
