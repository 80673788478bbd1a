"""The demo sites on other templates (示例县人民政府 under /xian/, 示例市交通运输局 under /bm/jtj/), read
through ``DemoSite`` without a server or a browser (one optional browser test at the end): encodings,
markup vocabulary, breadcrumbs, script-filled lists and their JSON, seeded pages, links, QR codes, typos."""

from __future__ import annotations

import io
import json
import re
from collections import deque
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode, urljoin, urlsplit

import pytest
import yaml
import zxingcpp
from PIL import Image

from checker.demo.server import DemoServer, DemoSite, Response
from checker.demo.template_content import load_templates
from checker.lexicon import builtin_lexicon, find_typos
from checker.scenario import SiteKind, load_suite

BASE = "http://127.0.0.1:8765/"
DEMO = Path(__file__).resolve().parent.parent / "checker" / "demo"
GROUND_TRUTH = yaml.safe_load((DEMO / "ground_truth.yaml").read_text(encoding="utf-8"))
NEW_SITES = {site["path"]: site for site in GROUND_TRUTH["sites"] if site["path"] in ("/xian/", "/bm/jtj/")}
OLD, SCRIPT = "/xian/", "/bm/jtj/"
CHROME_WORDS = re.compile(r"nav|menu|side|foot|header|bottom|copyright", re.IGNORECASE)
SEEDED_TYPOS = {"/xian/zwgk/xnyw/2020-10-21/6055.html": "拔付", "/bm/jtj/jtzx/jtdt/202010/t20201019_7052.html": "关健"}


@pytest.fixture(scope="module")
def site() -> DemoSite:
    """Every demo page, built for the suite's base URL (no server needed)."""
    return DemoSite(BASE)


def text_of(response: Response) -> str:
    """The body as text, in the charset its header declares (gb2312 means GB18030 bytes)."""
    if "gb2312" in response.content_type:
        return response.body.decode("gb18030")
    return response.body.decode("utf-8")


def get_text(site: DemoSite, path: str) -> str:
    response = site.get(path)
    assert response.status == 200, path
    return text_of(response)


class Links(HTMLParser):
    """Every href, src and GET form action; class and id tokens; tag names."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.names: set[str] = set()
        self.classes: set[str] = set()
        self.tags: set[str] = set()
        self.images: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        self.tags.add(tag)
        for key in ("href", "src", "action"):
            if key in values and not (tag == "form" and values.get("method", "get").lower() == "post"):
                self.links.append(values[key])
        self.classes.update(values.get("class", "").split())
        self.names.update(values.get("class", "").split())
        if values.get("id"):
            self.names.add(values["id"])
        if tag == "img":
            self.images.append(values)


def parse(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


def plain(html: str) -> str:
    """Visible text: no scripts, styles or tags."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def paths_under(site: DemoSite, prefix: str) -> list[str]:
    return sorted(path for path in site.templates.pages if path.startswith(prefix))


def is_account(path: str) -> bool:
    return "/xmt/weixin/" in path or "/xmt/weibo/" in path


# -- 示例县: bytes and markup ----------------------------------------------------------------------


def test_old_site_is_gb18030_declared_gb2312(site: DemoSite) -> None:
    home = site.get(OLD)
    assert home.status == 200 and home.content_type == "text/html; charset=gb2312"
    assert b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />' in home.body
    with pytest.raises(UnicodeDecodeError):
        home.body.decode("utf-8")
    text = home.body.decode("gb18030")
    assert "示例县人民政府" in text and "县内要闻" in text and "通知公告" in text
    personnel = site.get("/xian/zwgk/rsxx/").body
    assert "喆".encode("gb18030") in personnel  # a GBK character outside GB2312, as real sites send


def test_old_site_has_no_semantic_chrome(site: DemoSite) -> None:
    pages = [p for p in paths_under(site, OLD) if not is_account(p)]
    assert len(pages) > 80
    for path in pages:
        html = get_text(site, path)
        parsed = parse(html)
        assert not parsed.tags & {"nav", "header", "footer", "aside", "main", "section", "article"}, path
        assert not [name for name in parsed.names if CHROME_WORDS.search(name)], path
        assert 'width="1000" border="0" align="center"' in html, path


def test_old_side_menu_groups_are_folded_until_clicked(site: DemoSite) -> None:
    hub = get_text(site, "/xian/zwgk/")
    assert 'onclick="showsub(' in hub and "function showsub(n)" in hub
    folded = re.search(r'<div id="sub4" style="display:none">(.*?)</div>', hub, re.S)
    assert folded and 'href="/xian/zwgk/ghjh/"' in folded.group(1)
    assert hub.count('href="/xian/zwgk/ghjh/"') == 1
    service = get_text(site, "/xian/bsfw/")
    assert re.search(r'style="display:none">.*?href="/xian/bsfw/bmdt/"', service, re.S)


def test_script_site_uses_its_own_class_names(site: DemoSite) -> None:
    css = (DEMO / "static" / "site.css").read_text(encoding="utf-8")
    existing = set(re.findall(r"\.([A-Za-z][\w-]*)", css))
    for path in paths_under(site, SCRIPT):
        if is_account(path):
            continue
        classes = parse(get_text(site, path)).classes
        assert not classes & existing, (path, classes & existing)
    home = get_text(site, SCRIPT)
    assert '<ul class="m-drop">' in home and ".m-item:hover .m-drop" in (DEMO / "static" / "jtj.css").read_text()


# -- breadcrumbs and lists -------------------------------------------------------------------------


def crumb_steps(html: str) -> list[str]:
    match = re.search(r"当前位置：(.*?)</(?:td|div)>", html, re.S)
    assert match, "no 当前位置 breadcrumb"
    return [step.strip() for step in plain(match.group(1)).split(">") if step.strip()]


def list_pages(site: DemoSite) -> dict[str, str]:
    """Every list page of both sites → the column name it must end its breadcrumb with."""
    out = {}
    for data in load_templates().values():
        for col in data.columns.values():
            for path in site.templates.pages:
                if path.startswith(col.path) and re.fullmatch(r"index(_\d+)?\.html|", path[len(col.path):]):
                    out[path] = col.name
    for name, folder in (("县长信箱", "xzxx"), ("在线访谈", "zxft"), ("意见征集", "yjzj")):
        out[f"/xian/hdjl/{folder}/"] = name
    return out


def test_every_list_page_breadcrumb_ends_in_its_own_name(site: DemoSite) -> None:
    pages = list_pages(site)
    assert len(pages) > 30
    for path, name in pages.items():
        steps = crumb_steps(get_text(site, path))
        assert steps[0] == "首页" and steps[-1] == name, (path, steps)


def test_articles_carry_title_date_and_a_breadcrumb_to_their_column(site: DemoSite) -> None:
    for data in load_templates().values():
        for entry in data.entries():
            html = get_text(site, entry.url)
            assert entry.title in html and entry.column.name == crumb_steps(html)[-1], entry.url
            assert f"{entry.date:%Y-%m-%d}" in html or f"{entry.date.year}年{entry.date.month}月" in html


def test_old_lists_page_empirecms_style(site: DemoSite) -> None:
    first = get_text(site, "/xian/zwgk/xnyw/")
    assert "共 22 条" in first and '<a href="index_2.html">2</a>' in first and "<b>1</b>" in first
    second = get_text(site, "/xian/zwgk/xnyw/index_2.html")
    assert "<b>2</b>" in second and '<a href="index_3.html">下一页</a>' in second
    assert "2020年10月21日" in second and "[2020-11-05]" in get_text(site, OLD)
    assert site.get("/xian/zwgk/xnyw/index_1.html").status == 404


def test_script_lists_are_empty_until_their_script_runs(site: DemoSite) -> None:
    for col in load_templates()["jtj"].columns.values():
        pages = max(1, -(-len(col.entries) // 10))
        seen = []
        for index in range(pages):
            path = col.path + ("index.html" if index == 0 else f"index_{index}.html")
            html = get_text(site, path)
            assert '<ul id="list" class="u-list"></ul>' in html, path
            assert f'createPageHTML({pages}, {index}, "index", "html")' in html
            assert f"fetch('/bm/jtj/api/list?col={col.key}&page={index + 1}')" in html and "400)" in html
            assert not re.search(r"20\d\d-\d\d-\d\d", plain(html)), path
            answer = site.get(f"/bm/jtj/api/list?col={col.key}&page={index + 1}")
            assert answer.status == 200 and answer.content_type.startswith("application/json")
            seen += json.loads(answer.body)
        assert [row["title"] for row in seen] == [e.title for e in col.entries]
        assert site.get(col.path + f"index_{pages}.html").status == 404
    assert json.loads(site.get("/bm/jtj/api/list?col=tjsj&page=1").body) == []
    assert json.loads(site.get("/bm/jtj/api/list?col=jtdt&page=9").body) == []
    assert site.get("/bm/jtj/api/list?col=nope").status == 404
    home = get_text(site, SCRIPT)
    assert 'data-col="jtdt"' in home and "fillBlocks()" in home
    assert not re.search(r"20\d\d-\d\d-\d\d", plain(home))


def test_directory_tree_is_the_only_way_to_the_stale_and_empty_columns(site: DemoSite) -> None:
    zwgk = get_text(site, "/bm/jtj/zwgk/")
    tree = re.search(r"var XXGK_TREE = (\[.*?\]);", zwgk)
    assert tree and '<div id="xxgk-tree"></div>' in zwgk and "setTimeout" in zwgk
    urls = re.findall(r'"url": "([^"]+)"', tree.group(1))
    assert {"/bm/jtj/zwgk/ghjh/", "/bm/jtj/zwgk/tjsj/", "/bm/jtj/zwgk/xxgkzn/"} <= set(urls)
    hidden = ("/bm/jtj/zwgk/ghjh/", "/bm/jtj/zwgk/tjsj/")
    for path in paths_under(site, SCRIPT):
        if not path.startswith(hidden):  # their own pages and articles link back, of course
            assert not set(hidden) & set(parse(get_text(site, path)).links), path


# -- seeded problems -------------------------------------------------------------------------------


def test_every_seeded_url_answers_200(site: DemoSite) -> None:
    assert set(NEW_SITES) == {OLD, SCRIPT}
    for entry in NEW_SITES.values():
        for group in ("findings", "decoys"):
            for item in entry[group]:
                assert site.get(item["url"]).status == 200, item


def test_seeded_problems_are_in_place(site: DemoSite) -> None:
    xian, jtj = load_templates()["xian"], load_templates()["jtj"]
    assert xian.columns["ghjh"].entries[0].date.isoformat() == "2019-03-10"
    empty = get_text(site, "/xian/bsfw/bmdt/")
    assert "信息整理中" in empty and not re.search(r"20\d\d-\d\d-\d\d", plain(empty).split("当前位置")[1])
    expired = xian.by_key("zcwj", "expired")
    page = get_text(site, expired.url)
    assert "本办法自2018年1月1日起施行，有效期2年。" in page and "失效" not in page and "废止" not in page
    assert expired.url in get_text(site, "/xian/zwgk/zcwj/index_2.html")
    assert expired.url not in get_text(site, "/xian/zwgk/zcwj/")
    letters = get_text(site, "/xian/hdjl/xzxx/")
    assert re.search(r"关于青云镇至河东村道路破损严重的反映.*?2020-05-20</td><td[^>]*>—</td>.*?办理中", letters, re.S)
    assert re.findall(r"\d{4}-\d\d-\d\d", plain(get_text(site, "/xian/hdjl/zxft/")))[0] == "2020-04-16"
    typo = xian.by_key("xnyw", "typo")
    assert typo.url in get_text(site, "/xian/zwgk/xnyw/index_2.html")
    for path in paths_under(site, OLD):
        if path not in ("/xian/zwgk/xnyw/index_2.html", typo.url) and not path.startswith("/xian/search"):
            assert typo.url not in get_text(site, path), path
    assert json.loads(site.get("/bm/jtj/api/list?col=ghjh&page=1").body)[0]["date"] == "2019-06-30"
    jtj_typo = jtj.by_key("jtdt", "typo")
    assert jtj_typo.url in site.get("/bm/jtj/api/list?col=jtdt&page=2").body.decode("utf-8")
    for path in paths_under(site, SCRIPT):
        assert jtj_typo.url not in get_text(site, path) or path == jtj_typo.url, path
    fresh = json.loads(site.get("/bm/jtj/api/list?col=jtdt&page=1").body)
    assert fresh[0]["date"] == "2020-11-05"


def test_guides_are_complete_behind_their_links(site: DemoSite) -> None:
    guides = [load_templates()["xian"].by_key("xxgkzn", "guide").url, "/bm/jtj/zwgk/xxgkzn/"]
    for path in guides:
        text = plain(get_text(site, path))
        for element in ("受理机构", "地址", "电话", "办公时间", "申请方式", "处理流程", "答复时限", "国务院令第711号"):
            assert element in text, (path, element)
    listing = plain(get_text(site, "/xian/zwgk/xxgkzn/"))
    assert "受理机构" not in listing and "示例县人民政府信息公开指南" in listing


def test_no_article_text_has_a_lexicon_typo_except_the_seeded_ones(site: DemoSite) -> None:
    entries = builtin_lexicon()
    hits = {}
    for path in [*paths_under(site, OLD), *paths_under(site, SCRIPT)]:
        found = {hit.entry.wrong for hit in find_typos(plain(get_text(site, path)), entries)}
        if found:
            hits[path] = found
    assert hits == {path: {word} for path, word in SEEDED_TYPOS.items()}
    content = load_templates()
    assert content["xian"].by_key("xnyw", "typo").url in SEEDED_TYPOS
    assert content["jtj"].by_key("jtdt", "typo").url in SEEDED_TYPOS


def test_footers_show_every_identifier_but_account_pages_have_none(site: DemoSite) -> None:
    for path in [*paths_under(site, OLD), *paths_under(site, SCRIPT)]:
        text = plain(get_text(site, path))
        if is_account(path):
            assert "网站标识码" not in text and "ICP" not in text, path
            continue
        compact = re.sub(r"\s+", "", text)
        code = "网站标识码：4400000021" if path.startswith(OLD) else "网站标识码4400000015"
        assert code in compact, path
        assert re.search(r"(粤|示)ICP备\d+号", compact) and re.search(r"(粤|示)公网安备\d+号", compact), path
        assert "bszs.conac.cn" in get_text(site, path) and "/static/dzjg.png" in get_text(site, path)


# -- links, QR codes, search and forms -------------------------------------------------------------


def script_links(url: str, html: str) -> list[str]:
    """Addresses that only scripts write: fetched JSON, the directory tree and the TRS pager."""
    found = re.findall(r"fetch\('([^']+)'\)", html) + re.findall(r'"url": "([^"]+)"', html)
    pager = re.search(r'createPageHTML\((\d+), \d+, "index", "html"\)', html)
    if pager:
        found += ["index.html"] + [f"index_{i}.html" for i in range(1, int(pager.group(1)))]
    if 'data-col="' in html:
        found += [f"/bm/jtj/api/list?col={col}&page=1" for col in re.findall(r'data-col="(\w+)"', html)]
    return [urljoin(url, link) for link in found]


def test_internal_links_of_both_sites_resolve(site: DemoSite) -> None:
    broken = {item["path"]: item["status"] for item in GROUND_TRUTH["intentionally_broken"]}
    seen: dict[str, int] = {}
    queue = deque([BASE + OLD.lstrip("/"), BASE + SCRIPT.lstrip("/")])
    host = urlsplit(BASE).netloc
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        parts = urlsplit(url)
        response = site.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        if response.status == 301 and response.location:
            response = site.get(response.location)
        seen[url] = response.status
        if response.status != 200 or not parts.path.startswith((OLD, SCRIPT)):
            continue
        if response.content_type.startswith("application/json"):
            links = [urljoin(url, row["url"]) for row in json.loads(response.body)]
        elif response.content_type.startswith("text/html"):
            html = text_of(response)
            links = [urljoin(url, link) for link in parse(html).links] + script_links(url, html)
        else:
            continue
        for link in links:
            target = urlsplit(link)
            if target.netloc == host and target.path not in ("/search", "/xian/search/"):
                queue.append(link.split("#")[0])
    wrong = {url: status for url, status in seen.items() if status != broken.get(urlsplit(url).path, 200)}
    assert not wrong
    assert len(seen) > 200
    pages = {urlsplit(url).path for url in seen}
    for path in ("/bm/jtj/zwgk/ghjh/", "/bm/jtj/zwgk/tjsj/", "/xian/zwgk/ghjh/", "/xian/bsfw/bmdt/"):
        assert path in pages


@pytest.mark.parametrize("path", [OLD, SCRIPT])
def test_footer_qr_codes_decode_as_ground_truth_says(site: DemoSite, path: str) -> None:
    images = parse(get_text(site, path)).images
    qr_images = [image for image in images if image["src"].startswith("/static/qr/")]
    expected = NEW_SITES[path]["qr_codes"]
    assert len(qr_images) == len(expected)
    for slot in expected:
        image = next(i for i in qr_images if i["src"] == slot["image"])
        assert slot["caption"] in image["alt"]
        answer = site.get(slot["image"])
        assert answer.status == 200 and answer.content_type == "image/png"
        payloads = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(answer.body)))]
        assert payloads == [BASE + slot["payload"].lstrip("/")]
        assert site.get(slot["payload"]).status == slot["status"]


def test_account_pages_are_fresh_and_take_messages(site: DemoSite) -> None:
    for path in ("/xian/xmt/weixin/", "/xian/xmt/weibo/", "/bm/jtj/xmt/weixin/"):
        html = get_text(site, path)
        assert max(re.findall(r"2020-\d\d-\d\d", html)) >= "2020-11-02" and ">留言</a>" in html
        sent = site.post(path + "submit", {"content": "测试留言"})
        assert sent.status == 200 and "留言已发送" in text_of(sent)
    matrix = get_text(site, "/xian/xmt/")
    assert "新媒体矩阵" in matrix and matrix.count('src="/static/qr/xian_') == 4  # matrix 2, footer 2


def test_searches_find_the_newest_home_titles(site: DemoSite) -> None:
    newest = load_templates()["xian"].columns["xnyw"].entries[0].title
    for encoding in ("gb18030", "utf-8"):
        answer = site.get("/xian/search/?" + urlencode({"keyword": newest[:30]}, encoding=encoding))
        assert answer.status == 200 and newest in text_of(answer), encoding
    channel = load_templates()["jtj"].columns["jtdt"].entries[0].title
    answer = site.get(f"/search?q={quote(channel)}")
    assert channel in text_of(answer) and "/bm/jtj/jtzx/jtdt/" in text_of(answer)
    portal = site.get(f"/search?q={quote('经济形势分析会')}")
    assert "示例市召开2020年第三季度经济形势分析会" in text_of(portal)


def test_letter_form_posts_and_checks_required_fields(site: DemoSite) -> None:
    form = get_text(site, "/xian/hdjl/xzxx/write.html")
    assert 'action="/xian/hdjl/xzxx/submit"' in form
    for field in ("name", "phone", "title", "content"):
        assert re.search(rf'name="{field}"[^>]*required', form)
    fields = {"name": "张三", "phone": "13800000000", "kind": "咨询", "title": "测试", "content": "内容"}
    answer = site.post("/xian/hdjl/xzxx/submit", fields)
    assert answer.status == 200 and "查询码" in text_of(answer)
    del fields["title"]
    answer = site.post("/xian/hdjl/xzxx/submit", fields)
    assert answer.status == 400 and "信件标题" in text_of(answer)


def test_suite_has_both_sites_with_their_scope() -> None:
    suite = load_suite(DEMO / "suite.yaml")
    sites = {s.name: s for s in suite.sites}
    county, bureau = sites["示例县人民政府"], sites["示例市交通运输局"]
    assert county.kind is SiteKind.DEPARTMENT and county.scope_prefix() == "http://127.0.0.1:8765/xian/"
    assert county.code == "4400000021" and bureau.code == "4400000015"
    assert bureau.kind is SiteKind.CHANNEL and bureau.scope_prefix() == "http://127.0.0.1:8765/bm/jtj/"
    assert NEW_SITES[OLD]["verdict"] == "fail" and NEW_SITES[SCRIPT]["verdict"] == "pass"


@pytest.mark.browser
def test_script_list_gets_entries_after_load_in_a_browser(page, demo_server: DemoServer) -> None:
    """In Chromium: the list, its pager, the home blocks and the 信息公开 tree appear once the scripts ran."""
    page.goto(demo_server.base_url + "bm/jtj/jtzx/jtdt/index_1.html")
    page.wait_for_selector("#list li a", timeout=5_000)
    assert page.locator("#list li").count() == 10
    assert page.locator(".u-page a", has_text="下一页").get_attribute("href") == "index_2.html"
    assert "关健" in page.evaluate("fetch(document.querySelector('#list li a').href).then(r => r.text())")
    page.goto(demo_server.base_url + "bm/jtj/zwgk/")
    page.wait_for_selector("#xxgk-tree a[href='/bm/jtj/zwgk/ghjh/']", timeout=5_000)
    page.goto(demo_server.base_url + "xian/zwgk/")
    assert not page.locator("a[href='/xian/zwgk/ghjh/']").is_visible()
    page.locator("a", has_text="法定主动公开内容").click()
    assert page.locator("a[href='/xian/zwgk/ghjh/']").is_visible()
    assert "示例县人民政府" in page.title()
