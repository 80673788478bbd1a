"""A generated suite of N government-like sites on three templates, with seeded problems, served on 127.0.0.1.

Deterministic for (sites, pages per site, seed). Site k lives under ``/sKK/`` on one server process and uses
template ``TEMPLATES[(k - 1) % 3]``:

- ``modern``: a ``div`` layout (``div.nav`` → hub pages 新闻中心/政务公开/政务服务/互动交流 → columns with a side
  menu → paginated lists ``ul.list li a + span.date`` with 下一页 links ``index_1.html`` → articles with 发布时间,
  lazy ``data-src`` figures and attachments); ``div.footer`` with 主办单位, 网站标识码, ICP备案号, 公网安备, 联系电话
  and the 党政机关 badge;
- ``old``: a 2000s table layout (nested ``table width=1000``, ``font``, ``bgcolor``, a side menu cell), lists
  as table rows ``[2020-10-12]``, EmpireCMS paging ``index_2.html``; served as GB18030 bytes declared ``gb2312``;
- ``script``: column list pages ship an empty ``ul#list`` that an inline script fills from the JSON API
  ``/sKK/api/list?col=…&page=…`` 300 ms after load, the pager is written by inline script, and the 政务公开
  hub's 信息公开 directory tree is built by script from a JS array.

Every site has a search box (``/sKK/search/?q=``, answered from the site's titles) and a 我要留言 form.
Seeded problems (chosen per site by the seed, not on every site) with their ground truth
``SuiteSite.seeded``: an empty column (``column.empty``), a stale 动态 column (``column.not_updated``), a 404
attachment or a 404 page link (``link.broken``), a footer without 网站标识码 or ICP备案号
(``footer.identifier_missing``) and a word of checker/data/typos.yaml in an article (``content.typo``).
``expected`` lists what every site shows by construction (plain HTTP: ``security.no_https``).

The server runs in its own process (``SuiteServer``), speaks HTTP/1.1 with keep-alive, answers GET, HEAD and
POST, and appends ``METHOD path`` of every request to a log file, so a benchmark can count fetches.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qs, unquote, urlsplit

from benchmarks.serving import QuietServer, start_server_process, stop_server_process, write_answer

AS_OF = date(2020, 11, 6)
WINDOW = (date(2020, 10, 19), date(2020, 11, 6))
TEMPLATES = ("modern", "old", "script")
PAGE_SIZE = 15
SCRIPT_DELAY_MS = 300
GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")
DOCX = b"PK\x05\x06" + bytes(18)
CONAC_URL = "https://bszs.conac.cn/sitename?method=show&id={code}"
ICP_URL = "https://beian.miit.gov.cn/"
POLICE_URL = "http://www.beian.gov.cn/portal/registerSystemInfo?recordcode={police}"
CITIES = ("临江", "青山", "白河", "东岭", "南湖", "西川", "北塘", "清源", "丰乐", "长宁", "安平", "永和", "高阳",
          "石门", "云溪", "平川", "金沙", "宁远", "兴隆", "嘉禾", "桐城", "柳营", "凤台", "梅林", "松阳", "定远")
BUREAUS = ("人民政府", "发展和改革局", "教育局", "民政局", "财政局", "自然资源局", "生态环境局", "住房和城乡建设局",
           "农业农村局", "卫生健康局", "市场监督管理局", "应急管理局", "文化广电旅游局", "水利局")
PROVINCE = "苏"
TOPICS = ("安全生产", "优化营商环境", "乡村振兴", "河长制", "城乡环境整治", "疫情防控", "防汛防台", "垃圾分类",
          "就业创业", "农村饮水安全", "老旧小区改造", "消防安全", "食品安全", "政务服务", "文明城市创建",
          "秋冬季森林防火", "高标准农田建设", "科技创新", "义务教育", "医疗保障")
NEWS_VERBS = ("召开{t}工作推进会", "开展{t}专项检查", "部署{t}重点工作", "举行{t}专题培训", "调研{t}工作",
              "通报{t}工作进展", "推进{t}工作落实", "召开{t}工作座谈会")
NOTICE_VERBS = ("关于做好{t}工作的通知", "关于开展{t}专项行动的通知", "关于{t}有关事项的公告",
                "关于征求{t}意见的公告", "关于印发{t}工作方案的通知")
PLAN_VERBS = ("{y}年{t}工作计划", "{y}年{t}工作要点", "{t}“十四五”规划编制情况", "{y}年{t}工作总结")
STAFF_VERBS = ("{y}年公开招聘工作人员公告（{t}岗位）", "{t}岗位拟任职人选公示", "{y}年{t}岗位人员调整公告")
GUIDE_VERBS = ("{t}事项办事指南", "{t}业务办理流程", "{t}服务事项清单")
POLICY_VERBS = ("关于印发{t}实施办法的通知", "关于加强{t}管理的意见", "关于进一步做好{t}工作的实施意见")
TYPOS = (("拔款", "下达专项资金，做到拔款及时、使用规范"), ("关健", "抓住关健环节，压实各方责任"),
         ("再接再励", "各单位要再接再励，巩固工作成效"), ("通迅", "保持通迅畅通，落实值班制度"),
         ("按装", "为辖区居民按装烟感报警器"))
BODY_LINES = ("会议强调，要提高政治站位，压紧压实责任，确保各项任务按时保质完成。",
              "会议要求，各部门要加强协作配合，建立工作台账，定期调度进展情况。",
              "下一步，将持续加大工作力度，不断提升群众获得感和满意度。",
              "相关负责同志参加会议，并就做好下阶段工作作了具体安排。",
              "此次活动共发放宣传资料1200余份，现场解答群众咨询80余人次。")


@dataclass
class Entry:
    """One article of a column: title, date, address and what its page carries."""

    title: str
    day: date
    url: str = ""
    body: list[str] = field(default_factory=list)
    attachment: tuple[str, str, bool] | None = None  # (link text, href, answers 200)
    related: tuple[str, str, bool] | None = None  # a 相关链接 (text, href, answers 200)


@dataclass
class Column:
    """A column: list (dated entries, possibly none) or a static page of text."""

    key: str
    name: str
    hub: str
    kind: str = "list"  # list | static
    entries: list[Entry] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    path: str = ""

    @property
    def pages(self) -> int:
        """How many list pages the column has (at least one)."""
        return max(1, -(-len(self.entries) // PAGE_SIZE))


@dataclass(frozen=True)
class Seeded:
    """One seeded problem: the indicator govcheck reports, its target as results.json shows it, and where."""

    indicator: str
    target: str
    where: str


@dataclass
class SuiteSite:
    """One generated site: identity, template, columns and its ground truth."""

    index: int
    name: str
    unit: str
    code: str
    template: str
    prefix: str
    columns: dict[str, Column] = field(default_factory=dict)
    hubs: dict[str, str] = field(default_factory=dict)  # key -> name
    footer_code: bool = True
    footer_icp: bool = True
    seeded: list[Seeded] = field(default_factory=list)
    expected: list[Seeded] = field(default_factory=list)

    @property
    def icp(self) -> str:
        """The site's ICP备案号 as its footer shows it."""
        return f"{PROVINCE}ICP备{10000000 + self.index * 7919:08d}号-1"

    @property
    def police(self) -> str:
        """The 公安机关备案 number."""
        return f"{32010202000000 + self.index * 17}"

    def entries(self) -> list[Entry]:
        """Every article of the site."""
        return [entry for column in self.columns.values() for entry in column.entries]


@dataclass(frozen=True)
class Resource:
    """One answer of the server: status, body and content type."""

    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"


@dataclass
class Suite:
    """The whole generated suite: its sites and every answer of the server by path."""

    sites: list[SuiteSite]
    resources: dict[str, Resource] = field(default_factory=dict)
    api: dict[str, bytes] = field(default_factory=dict)  # "/sKK/api/list?col=x&page=n" -> JSON

    @property
    def seeded(self) -> dict[str, list[tuple[str, str]]]:
        """Ground truth {site name: [(indicator, where)]}."""
        return {site.name: [(s.indicator, s.where) for s in site.seeded] for site in self.sites}

    def html_pages(self, site: SuiteSite | None = None) -> list[str]:
        """The HTML page paths served (all sites, or one), ``/x/`` and ``/x/index.html`` counted once."""
        prefix = site.prefix if site else "/"
        return sorted(path for path, res in self.resources.items() if path.startswith(prefix)
                      and res.content_type.startswith("text/html") and res.status == 200
                      and not path.endswith("/index.html"))


def esc(text: object) -> str:
    """HTML-escape any value's text."""
    return escape(str(text), quote=True)


def list_page_name(template: str, index: int) -> str:
    """List file name of page ``index`` (0-based): ``index.html``, then ``index_1.html`` (TRS style) or
    ``index_2.html`` (EmpireCMS style, the old template)."""
    if index == 0:
        return "index.html"
    return f"index_{index + 1}.html" if template == "old" else f"index_{index}.html"


# -- content ------------------------------------------------------------------------------------------

COLUMN_SPECS = (  # key, name, hub, kind, date class
    ("gzdt", "工作动态", "xwzx", "list", "dynamic"),
    ("jcdt", "基层动态", "xwzx", "list", "dynamic"),
    ("tzgg", "通知公告", "zwgk", "list", "notice"),
    ("zcwj", "政策文件", "zwgk", "list", "notice"),
    ("ghjh", "规划计划", "zwgk", "list", "yearly"),
    ("rsxx", "人事信息", "zwgk", "list", "yearly"),
    ("jgzn", "机构职能", "zwgk", "static", "static"),
    ("xxgkzn", "政府信息公开指南", "zwgk", "static", "static"),
    ("bszn", "办事指南", "zwfw", "list", "notice"),
    ("ggfw", "公共服务", "zwfw", "list", "notice"),
)
HUBS = {"xwzx": "新闻中心", "zwgk": "政务公开", "zwfw": "政务服务", "hdjl": "互动交流"}
VERBS = {"gzdt": NEWS_VERBS, "jcdt": NEWS_VERBS, "tzgg": NOTICE_VERBS, "zcwj": POLICY_VERBS, "ghjh": PLAN_VERBS,
         "rsxx": STAFF_VERBS, "bszn": GUIDE_VERBS, "ggfw": GUIDE_VERBS}
SPACING = {"dynamic": (1, 4), "notice": (3, 12), "yearly": (15, 40)}
NEWEST = {"dynamic": (0, 5), "notice": (2, 30), "yearly": (10, 90)}


def _title(rng: random.Random, key: str, city: str, seen: set[str]) -> str:
    for attempt in range(50):
        verb = rng.choice(VERBS[key])
        year = 2020 if attempt < 25 else 2019
        title = verb.format(t=rng.choice(TOPICS), y=year)
        if key in ("gzdt", "jcdt"):
            title = (city + ("市" if rng.random() < .5 else "")) + title if rng.random() < .6 else title
        if title not in seen:
            seen.add(title)
            return title
    title = f"{verb.format(t=rng.choice(TOPICS), y=2020)}（{len(seen)}）"
    seen.add(title)
    return title


def _entries(rng: random.Random, key: str, klass: str, count: int, city: str, seen: set[str],
             newest_days: int | None = None) -> list[Entry]:
    low, high = NEWEST[klass]
    day = AS_OF - timedelta(days=newest_days if newest_days is not None else rng.randint(low, high))
    out = []
    for _ in range(count):
        body = rng.sample(BODY_LINES, 3)
        out.append(Entry(_title(rng, key, city, seen), day, body=body))
        day -= timedelta(days=rng.randint(*SPACING[klass]))
    return out


def build_site(index: int, pages: int, seed: int) -> SuiteSite:
    """Site ``index`` (1-based) of about ``pages`` HTML pages, with its seeded problems (deterministic)."""
    rng = random.Random(seed * 1000 + index)
    template = TEMPLATES[(index - 1) % len(TEMPLATES)]
    city = CITIES[(index - 1) % len(CITIES)]
    bureau = "人民政府" if template == "old" else BUREAUS[1 + (index * 5) % (len(BUREAUS) - 1)]
    level = "县" if template == "old" else "市"
    name = f"{city}{level}{bureau}"
    site = SuiteSite(index=index, name=name, unit=name, code=f"32{index:02d}{rng.randint(0, 999999):06d}",
                     template=template, prefix=f"/s{index:02d}/", hubs=dict(HUBS))
    lists = [spec for spec in COLUMN_SPECS if spec[3] == "list"]
    fixed = 9 + len(lists)  # home, hubs, static column, form, one list page a column
    per_column = max(1, (pages - fixed) // len(lists) - 1)
    problems = _choose_problems(rng, index)
    seen: set[str] = set()
    for key, col_name, hub, kind, klass in COLUMN_SPECS:
        column = Column(key, col_name, hub, kind, path=f"{site.prefix}{hub}/{key}/")
        if key == "xxgkzn":
            column.body = _guide(site, city, level)
        elif kind == "static":
            column.body = [f"{name}是{city}{level}人民政府工作部门，负责本行政区域内有关工作。",
                           "主要职责：贯彻执行国家和省、市有关方针政策和法律法规；拟订并组织实施有关规划和计划。",
                           f"办公地址：{city}{level}人民路{index * 3 + 1}号；"
                           "办公时间：工作日上午9:00-12:00，下午13:30-17:30。"]
        elif key == "rsxx" and "empty" in problems:
            pass  # 栏目空白: the list page says 暂无信息
        else:
            stale = key == "jcdt" and "stale" in problems
            column.entries = _entries(rng, key, klass, max(2, per_column + rng.randint(-1, 1)), city, seen,
                                      newest_days=rng.randint(45, 90) if stale else None)
        site.columns[key] = column
    _urls(site)
    _seed(site, rng, problems)
    site.expected.append(Seeded("security.no_https", site.prefix, site.prefix))
    site.expected.append(Seeded("newmedia.qr_missing", "页脚", site.prefix))  # no new-media QR code, by design
    return site


def _guide(site: SuiteSite, city: str, level: str) -> list[str]:
    """A complete 政府信息公开指南 of the site, citing the 条例 as revised in 2019 (国务院令第711号)."""
    return [f"根据《中华人民共和国政府信息公开条例》（国务院令第711号）规定，结合本机关实际，编制{site.unit}"
            "政府信息公开指南。",
            "一、主动公开：主动公开的政府信息通过本网站、政务新媒体和政府信息查阅点等途径公开，"
            "自信息形成或者变更之日起20个工作日内公开。",
            f"二、依申请公开：受理机构为{site.unit}办公室。地址：{city}{level}人民路{site.index * 3 + 1}号；"
            f"电话：0511-8{site.index:03d}1234；办公时间：工作日上午9:00-12:00，下午13:30-17:30。",
            "申请方式：申请人可以当面提交、邮寄或者在线提交《政府信息公开申请表》。",
            "处理流程：受理、登记、审查、答复。",
            "答复时限：能够当场答复的当场答复；不能当场答复的，自收到申请之日起20个工作日内予以答复。",
            "三、监督和救济：申请人认为行政机关侵犯其合法权益的，可以依法申请行政复议或者提起行政诉讼。"]


def _choose_problems(rng: random.Random, index: int) -> set[str]:
    """Which problems site ``index`` carries: each with its own chance, and never none at all."""
    chances = {"empty": .5, "stale": .5, "attachment": .5, "page_link": .4, "no_code": .25, "no_icp": .2,
               "typo": .5}
    chosen = {name for name, chance in chances.items() if rng.random() < chance}
    if "no_code" in chosen and "no_icp" in chosen:
        chosen.discard("no_icp")
    if not chosen:
        chosen.add(("empty", "stale", "attachment", "typo")[index % 4])
    return chosen


def _urls(site: SuiteSite) -> None:
    """Give every entry its address (by template, as the CMS it imitates writes them)."""
    for column in site.columns.values():
        for number, entry in enumerate(column.entries):
            if site.template == "old":
                entry.url = f"{column.path}{entry.day:%Y-%m-%d}/{site.index * 1000 + number}.html"
            elif site.template == "script":
                entry.url = f"{column.path}{entry.day:%Y%m}/t{entry.day:%Y%m%d}_{site.index * 1000 + number}.html"
            else:
                entry.url = f"{column.path}{entry.day:%Y%m}/{site.index * 1000 + number}.html"


def _seed(site: SuiteSite, rng: random.Random, problems: set[str]) -> None:
    """Write the chosen problems into the content and the ground truth."""
    cols = site.columns
    if "empty" in problems:
        site.seeded.append(Seeded("column.empty", cols["rsxx"].name, cols["rsxx"].path))
    if "stale" in problems:
        site.seeded.append(Seeded("column.not_updated", cols["jcdt"].name, cols["jcdt"].path))
    if "attachment" in problems:
        entry = rng.choice(cols["tzgg"].entries[:5])
        text = f"{site.name[:2]}{rng.choice(TOPICS)}项目申报表.docx"
        entry.attachment = (text, f"{site.prefix}uploads/2020/{rng.randint(1000, 9999)}_sbb.docx", False)
        site.seeded.append(Seeded("link.broken", f"附件“{text}”", entry.url))
    if "page_link" in problems:
        entry = rng.choice(cols["gzdt"].entries[3:8] or cols["gzdt"].entries)
        entry.related = ("往期专题回顾", f"{site.prefix}zt/{rng.randint(100, 999)}/", False)
        site.seeded.append(Seeded("link.broken", "页面链接“往期专题回顾”", entry.url))
    if "no_code" in problems:
        site.footer_code = False
        site.seeded.append(Seeded("footer.identifier_missing", "网站标识码", site.prefix))
    if "no_icp" in problems:
        site.footer_icp = False
        site.seeded.append(Seeded("footer.identifier_missing", "ICP备案编号", site.prefix))
    if "typo" in problems:
        entry = rng.choice(cols["gzdt"].entries[:6])
        _word, sentence = rng.choice(TYPOS)
        entry.body.insert(1, sentence)
        site.seeded.append(Seeded("content.typo", entry.title, entry.url))
    for number, entry in enumerate(cols["tzgg"].entries):
        if entry.attachment is None and number % 4 == 0:
            entry.attachment = (f"{entry.title[:10]}附件.docx", f"{site.prefix}uploads/2020/{number:04d}.docx", True)


# -- chrome shared by the templates -------------------------------------------------------------------

def _footer_lines(site: SuiteSite) -> list[str]:
    ids = []
    if site.footer_code:
        ids.append(f"网站标识码：{site.code}")
    if site.footer_icp:
        ids.append(f'<a href="{ICP_URL}" target="_blank">{site.icp}</a>')
    ids.append(f'<img src="{site.prefix}static/gongan.png" alt="公安备案图标" width="18" height="18">'
               f'<a href="{POLICE_URL.format(police=site.police)}" target="_blank">{PROVINCE}公网安备 '
               f"{site.police}号</a>")
    return [f"主办单位：{esc(site.unit)}", "　　".join(ids),
            f"地址：{esc(site.name[:2])}人民路{site.index * 3 + 1}号　　联系电话：0511-8{site.index:03d}1234"]


def _badge(site: SuiteSite) -> str:
    return (f'<a href="{CONAC_URL.format(code=site.code)}" target="_blank"><img src="{site.prefix}static/dzjg.png" '
            'alt="党政机关" width="56" height="70"></a>')


def _search_form(site: SuiteSite) -> str:
    return (f'<form class="search" action="{site.prefix}search/" method="get"><input type="text" name="q" '
            'placeholder="请输入关键词" aria-label="站内搜索"><button type="submit">搜索</button></form>')


def _body_html(entry: Entry, site: SuiteSite) -> str:
    parts = [f"<p>{esc(line)}</p>" for line in entry.body]
    if site.template == "modern":
        parts.insert(0, f'<p class="figure"><img src="{site.prefix}static/loading.gif" '
                        f'data-src="{site.prefix}images/{entry.day:%Y%m}/fig.jpg" alt="{esc(entry.title)}"></p>')
    if entry.attachment:
        parts.append(f'<p>附件：<a href="{entry.attachment[1]}">{esc(entry.attachment[0])}</a></p>')
    if entry.related:
        parts.append(f'<p>相关链接：<a href="{entry.related[1]}">{esc(entry.related[0])}</a></p>')
    return "".join(parts)


def _form_inner(site: SuiteSite) -> str:
    return (f'<form class="msg-form" action="{site.prefix}hdjl/wyly/submit" method="post">'
            '<p><label>姓名：<input name="name" required></label></p>'
            '<p><label>联系电话：<input name="phone" required></label></p>'
            '<p><label>信件标题：<input name="title" required></label></p>'
            '<p><label>信件内容：<textarea name="content" required></textarea></label></p>'
            '<p><button type="submit">提交留言</button></p></form>')


class Renderer:
    """The pages of one site on its template: ``pages`` maps a path to its HTML text."""

    def __init__(self, site: SuiteSite) -> None:
        self.site = site
        self.pages: dict[str, str] = {}

    # Template hooks ---------------------------------------------------------------------------------

    def document(self, title: str, main: str) -> str:
        """A whole page around ``main``."""
        raise NotImplementedError

    def listing(self, entries: list[Entry]) -> str:
        """A dated list of entries in the template's markup."""
        raise NotImplementedError

    def pager(self, column: Column, index: int) -> str:
        """The pager of list page ``index``."""
        raise NotImplementedError

    def frame(self, hub: str, crumbs: list[tuple[str, str | None]], title: str, inner: str) -> str:
        """A page with breadcrumb, the hub's side menu and ``inner`` under ``title``."""
        raise NotImplementedError

    def list_inner(self, column: Column, index: int) -> str:
        """The list part of a column's list page ``index``."""
        chunk = column.entries[index * PAGE_SIZE:(index + 1) * PAGE_SIZE]
        return self.listing(chunk) + self.pager(column, index)

    def hub_inner(self, hub: str) -> str:
        """The body of a hub page: blocks of its list columns' latest entries and links to the others."""
        blocks = []
        for column in self._hub_columns(hub):
            if column.kind == "list" and column.entries:
                blocks.append(self.block(column.name, column.path, self.listing(column.entries[:6])))
        links = "".join(f'<li><a href="{path}">{esc(name)}</a></li>' for name, path in self.hub_links(hub))
        if hub == "hdjl":
            return (f'<div class="text"><p>欢迎您通过“我要留言”向{esc(self.site.unit)}反映问题、提出意见建议，'
                    f'我们将在5个工作日内答复。</p></div><ul class="hub-links">{links}</ul>')
        return "".join(blocks) + f'<ul class="hub-links">{links}</ul>'

    def block(self, title: str, more: str, inner: str) -> str:
        """A block: heading, 更多 link and content."""
        return (f'<div class="block"><div class="block-hd"><h2>{esc(title)}</h2><a class="more" href="{more}">'
                f"更多&gt;&gt;</a></div>{inner}</div>")

    # Pages ------------------------------------------------------------------------------------------

    def _hub_columns(self, hub: str) -> list[Column]:
        return [c for c in self.site.columns.values() if c.hub == hub]

    def hub_links(self, hub: str) -> list[tuple[str, str]]:
        """The side menu of a hub."""
        links = [(c.name, c.path) for c in self._hub_columns(hub)]
        if hub == "hdjl":
            links.append(("我要留言", f"{self.site.prefix}hdjl/wyly/"))
        return links

    def crumbs(self, *steps: tuple[str, str | None]) -> list[tuple[str, str | None]]:
        """``首页 > …``."""
        return [("首页", self.site.prefix), *steps]

    def build(self) -> dict[str, str]:
        """Every page of the site."""
        site = self.site
        self.pages[site.prefix] = self.home()
        for hub, hub_name in site.hubs.items():
            self.pages[f"{site.prefix}{hub}/"] = self.frame(hub, self.crumbs((hub_name, None)), hub_name,
                                                            self.hub_inner(hub))
        for column in site.columns.values():
            hub_step = (site.hubs[column.hub], f"{site.prefix}{column.hub}/")
            crumbs = self.crumbs(hub_step, (column.name, None))
            if column.kind == "static":
                inner = "".join(f"<p>{esc(line)}</p>" for line in column.body)
                self.pages[column.path] = self.frame(column.hub, crumbs, column.name,
                                                     f'<div class="text">{inner}</div>')
            elif not column.entries:
                self.pages[column.path] = self.frame(column.hub, crumbs, column.name,
                                                     '<div class="empty">暂无信息</div>')
            else:
                for index in range(column.pages):
                    page = self.frame(column.hub, crumbs, column.name, self.list_inner(column, index))
                    self.pages[column.path + list_page_name(site.template, index)] = page
                self.pages[column.path] = self.pages[column.path + "index.html"]
            for entry in column.entries:
                self.pages[entry.url] = self.article(column, entry)
        form_crumbs = self.crumbs((site.hubs["hdjl"], f"{site.prefix}hdjl/"), ("我要留言", None))
        self.pages[f"{site.prefix}hdjl/wyly/"] = self.frame("hdjl", form_crumbs, "我要留言", _form_inner(site))
        for path in [path for path in self.pages if path.endswith("/")]:
            self.pages.setdefault(path + "index.html", self.pages[path])
        return self.pages

    def home(self) -> str:
        """The home page: blocks of the news, notices and policy columns, and the hubs' entries."""
        cols = self.site.columns
        blocks = "".join(self.block(cols[key].name, cols[key].path, self.listing(cols[key].entries[:6]))
                         for key in ("gzdt", "tzgg", "zcwj") if cols[key].entries)
        tiles = "".join(f'<li><a href="{path}">{esc(name)}</a></li>'
                        for hub in ("zwgk", "zwfw", "hdjl") for name, path in self.hub_links(hub)[:3])
        return self.document(self.site.name, f'{blocks}<div class="block tiles"><ul>{tiles}</ul></div>')

    def article(self, column: Column, entry: Entry) -> str:
        """An article page: breadcrumb to its column, title, 发布时间, body."""
        site = self.site
        crumbs = self.crumbs((site.hubs[column.hub], f"{site.prefix}{column.hub}/"), (column.name, column.path),
                             ("正文", None))
        bar = ""
        if column.key == "zcwj":
            number = column.entries.index(entry) + 1
            bar = (f'<table class="xxgk-table"><tr><th>索引号：</th><td>{site.code}/{entry.day.year}-{number:05d}</td>'
                   f"<th>发布机构：</th><td>{esc(site.unit)}</td></tr><tr><th>文号：</th><td>"
                   f"{esc(site.name[:2])}政发〔{entry.day.year}〕{number}号</td><th>发布日期：</th>"
                   f"<td>{entry.day.year}年{entry.day.month}月{entry.day.day}日</td></tr></table>")
        inner = (f'{bar}<div class="article"><h1>{esc(entry.title)}</h1>'
                 f'<div class="info">发布时间：{entry.day:%Y-%m-%d}'
                 f'　　来源：{esc(site.unit)}</div><div class="text">{_body_html(entry, site)}</div></div>')
        return self.frame(column.hub, crumbs, entry.title, inner)


class ModernRenderer(Renderer):
    """Template (a): a modern ``div`` layout."""

    def document(self, title: str, main: str) -> str:
        """Header with search, nav, ``main``, ``div.footer``."""
        site = self.site
        heading = title if title == site.name else f"{title}_{site.name}"
        nav = "".join(f'<li><a href="{site.prefix}{key}/">{esc(name)}</a></li>' for key, name in site.hubs.items())
        footer = "".join(f"<p>{line}</p>" for line in _footer_lines(site))
        return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{esc(heading)}</title>
<meta name="SiteName" content="{esc(site.name)}"><meta name="SiteIDCode" content="{site.code}"></head>
<body><div class="header"><div class="w"><div class="logo"><img src="{site.prefix}static/logo.png" alt="">
<h1>{esc(site.name)}</h1></div>{_search_form(site)}</div></div>
<div class="nav"><div class="w"><ul><li><a href="{site.prefix}">首页</a></li>{nav}</ul></div></div>
<div class="w main">{main}</div>
<div class="footer"><div class="w footer-main"><div class="dzjg">{_badge(site)}</div>
<div class="footer-info">{footer}</div></div></div></body></html>
"""

    def listing(self, entries: list[Entry]) -> str:
        """``ul.list`` rows with ``span.date``."""
        rows = "".join(f'<li><a href="{e.url}" target="_blank" title="{esc(e.title)}">{esc(e.title)}</a>'
                       f'<span class="date">{e.day:%Y-%m-%d}</span></li>' for e in entries)
        return f'<ul class="list">{rows}</ul>'

    def pager(self, column: Column, index: int) -> str:
        """``共N页 首页 上一页 下一页 尾页``."""
        count = column.pages

        def link(text: str, target: int, enabled: bool) -> str:
            if not enabled:
                return f"<span>{text}</span>"
            return f'<a href="{column.path}{list_page_name("modern", target)}">{text}</a>'

        parts = [f"<span>共{count}页</span>", link("首页", 0, index > 0), link("上一页", index - 1, index > 0),
                 f'<span class="cur">{index + 1}</span>', link("下一页", index + 1, index < count - 1),
                 link("尾页", count - 1, index < count - 1)]
        return f'<div class="pager">{" ".join(parts)}</div>'

    def frame(self, hub: str, crumbs: list[tuple[str, str | None]], title: str, inner: str) -> str:
        """``div.crumb``, ``div.side`` and ``div.content``."""
        steps = [esc(t) if h is None else f'<a href="{h}">{esc(t)}</a>' for t, h in crumbs]
        side = "".join(f'<li><a href="{h}">{esc(t)}</a></li>' for t, h in self.hub_links(hub))
        main = (f'<div class="crumb">当前位置：{" &gt; ".join(steps)}</div><div class="col-wrap">'
                f'<div class="side"><h3>{esc(self.site.hubs[hub])}</h3><ul>{side}</ul></div>'
                f'<div class="content"><div class="content-hd"><h2>{esc(title)}</h2></div>{inner}</div></div>')
        return self.document(title, main)


class OldRenderer(Renderer):
    """Template (b): an old table layout, GB18030 declared gb2312, EmpireCMS paging."""

    def document(self, title: str, main: str) -> str:
        """Banner table, link row, ``main`` and the bottom cell, all tables."""
        site = self.site
        heading = site.name if title == site.name else f"{title}-{site.name}"
        cells = '<td width="2"><font color="#FFFFFF">|</font></td>'.join(
            f'<td height="38" align="center"><a href="{href}"><font color="#FFFFFF"><b>{esc(text)}</b></font></a></td>'
            for text, href in [("首页", site.prefix), *((n, f"{site.prefix}{k}/") for k, n in site.hubs.items())])
        bottom = "<br />".join(_footer_lines(site))
        return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<title>{esc(heading)}</title></head>
<body leftmargin="0" topmargin="0">
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0"><tr>
<td height="100" bgcolor="#1A5FA8"><font size="6" color="#FFFFFF"><b>{esc(site.name)}</b></font></td>
<td width="330" align="right">{_search_form(site)}</td></tr></table>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" bgcolor="#0F4C8A"><tr>{cells}</tr></table>
{main}
<table width="1000" border="0" align="center" cellpadding="8" cellspacing="0" bgcolor="#E9EEF4"><tr>
<td width="90" align="center">{_badge(site)}</td><td align="center"><font color="#555555">{bottom}</font></td>
</tr></table></body></html>
"""

    def listing(self, entries: list[Entry]) -> str:
        """Table rows ``· title [2020-10-12]``."""
        rows = "".join(f'<tr><td width="12">·</td><td><a href="{e.url}" target="_blank">{esc(e.title)}</a></td>'
                       f'<td width="100" align="right"><font color="#999999">[{e.day:%Y-%m-%d}]</font></td></tr>'
                       for e in entries)
        return f'<table width="100%" border="0" cellpadding="4" cellspacing="0">{rows}</table>'

    def pager(self, column: Column, index: int) -> str:
        """EmpireCMS: ``index.html``, ``index_2.html`` …"""
        count = column.pages
        links = [f"共{count}页"]
        if index > 0:
            links.append(f'<a href="{column.path}{list_page_name("old", index - 1)}">上一页</a>')
        links.append(f"<b>{index + 1}</b>")
        if index < count - 1:
            links.append(f'<a href="{column.path}{list_page_name("old", index + 1)}">下一页</a>')
        return f'<table width="100%"><tr><td align="center">{"&nbsp;".join(links)}</td></tr></table>'

    def block(self, title: str, more: str, inner: str) -> str:
        """A titled table with 更多."""
        return (f'<table width="100%" border="0" cellpadding="0" cellspacing="0"><tr><td bgcolor="#DDE7F2" height="30">'
                f'<b>{esc(title)}</b></td><td bgcolor="#DDE7F2" align="right"><a href="{more}">更多&gt;&gt;</a></td>'
                f'</tr><tr><td colspan="2">{inner}</td></tr></table>')

    def frame(self, hub: str, crumbs: list[tuple[str, str | None]], title: str, inner: str) -> str:
        """Breadcrumb row, the side menu cell and the content cell."""
        steps = [esc(t) if h is None else f'<a href="{h}">{esc(t)}</a>' for t, h in crumbs]
        side = "".join(f'<tr><td height="30">&nbsp;<a href="{h}">{esc(t)}</a></td></tr>'
                       for t, h in self.hub_links(hub))
        main = (f'<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0"><tr>'
                f'<td width="220" valign="top"><table width="100%" border="0"><tr><td bgcolor="#1A5FA8" height="36">'
                f'<font color="#FFFFFF"><b>{esc(self.site.hubs[hub])}</b></font></td></tr>{side}</table></td>'
                f'<td width="10"></td><td valign="top"><table width="100%"><tr><td height="30">当前位置：'
                f'{" &gt; ".join(steps)}</td></tr><tr><td><font size="4"><b>{esc(title)}</b></font></td></tr>'
                f"<tr><td>{inner}</td></tr></table></td></tr></table>")
        return self.document(title, main)


class ScriptRenderer(ModernRenderer):
    """Template (c): list pages and pagers written by script from a JSON API, a script-built directory tree."""

    SCRIPT = """
function gcPager(n, i, base) {
  var h = '<span>共' + n + '页</span>';
  function name(k) { return k == 0 ? 'index.html' : 'index_' + k + '.html'; }
  if (i > 0) h += ' <a href="' + base + name(i - 1) + '">上一页</a>';
  h += ' <span class="cur">' + (i + 1) + '</span>';
  if (i < n - 1) h += ' <a href="' + base + name(i + 1) + '">下一页</a>';
  document.getElementById('pager').innerHTML = h;
}
function gcRender(rows) {
  document.getElementById('list').innerHTML = rows.map(function (r) {
    return '<li><a href="' + r.url + '" target="_blank">' + r.title + '</a><span>' + r.date + '</span></li>';
  }).join('');
}
function gcTree(el, nodes) {
  el.innerHTML = '<ul class="tree">' + nodes.map(function (n) {
    var sub = n.children ? '<ul>' + n.children.map(function (c) {
      return '<li><a href="' + c.url + '">' + c.name + '</a></li>'; }).join('') + '</ul>' : '';
    var head = n.url ? '<a href="' + n.url + '">' + n.name + '</a>' : '<span>' + n.name + '</span>';
    return '<li>' + head + sub + '</li>';
  }).join('') + '</ul>';
}
"""

    def document(self, title: str, main: str) -> str:
        """The modern page with the template's script library (an external file, as CMS templates load it)."""
        library = f'<script src="{self.site.prefix}static/gc.js"></script>'
        return super().document(title, main).replace("</head>", library + "</head>", 1)

    def list_inner(self, column: Column, index: int) -> str:
        """An empty list and pager, filled by script after a delay."""
        api = f"{self.site.prefix}api/list?col={column.key}&page={index + 1}"
        return (f'<ul id="list" class="u-list"></ul><div id="pager" class="u-page"></div>'
                f"<script>gcPager({column.pages}, {index}, '{column.path}');"
                f"setTimeout(function () {{ fetch('{api}').then(function (r) {{ return r.json(); }})"
                f".then(gcRender); }}, {SCRIPT_DELAY_MS});</script>")

    def hub_inner(self, hub: str) -> str:
        """政务公开's body is a 信息公开 directory built by script; the other hubs as the modern template."""
        if hub != "zwgk":
            return super().hub_inner(hub)
        cols = self.site.columns
        tree = [{"name": "法定主动公开内容", "children": [{"name": cols[k].name, "url": cols[k].path}
                                                  for k in ("tzgg", "zcwj", "ghjh", "rsxx")]},
                {"name": cols["xxgkzn"].name, "url": cols["xxgkzn"].path},
                {"name": cols["jgzn"].name, "url": cols["jgzn"].path}]
        return (f'<div class="xxgk"><h3>信息公开目录</h3><div id="xxgk-tree"></div></div>'
                f"<script>var XXGK = {json.dumps(tree, ensure_ascii=False)};"
                f"setTimeout(function () {{ gcTree(document.getElementById('xxgk-tree'), XXGK); }}, "
                f"{SCRIPT_DELAY_MS});</script>")

    def hub_links(self, hub: str) -> list[tuple[str, str]]:
        """政务公开's side menu is the script tree; its page carries no static menu."""
        return [] if hub == "zwgk" else super().hub_links(hub)

    def home(self) -> str:
        """The home page: static blocks (as TRS publishes a home page) and the hubs' entries."""
        cols = self.site.columns
        blocks = "".join(self.block(cols[key].name, cols[key].path, self.listing(cols[key].entries[:6]))
                         for key in ("gzdt", "tzgg", "zcwj") if cols[key].entries)
        tiles = "".join(f'<li><a href="{path}">{esc(name)}</a></li>'
                        for hub in ("zwfw", "hdjl") for name, path in self.hub_links(hub)[:3])
        tiles += f'<li><a href="{self.site.prefix}zwgk/">信息公开目录</a></li>'
        return self.document(self.site.name, f'{blocks}<div class="block tiles"><ul>{tiles}</ul></div>')


RENDERERS: dict[str, type[Renderer]] = {"modern": ModernRenderer, "old": OldRenderer, "script": ScriptRenderer}


def build_suite(sites: int, pages: int = 250, seed: int = 2026) -> Suite:
    """The suite of ``sites`` sites of about ``pages`` HTML pages each, every answer of the server included."""
    suite = Suite([build_site(index, pages, seed) for index in range(1, sites + 1)])
    for site in suite.sites:
        encoding, ctype = (("gb18030", "text/html; charset=gb2312") if site.template == "old"
                           else ("utf-8", "text/html; charset=utf-8"))
        for path, html in RENDERERS[site.template](site).build().items():
            suite.resources[path] = Resource(200, html.encode(encoding), ctype)
        for image in ("logo.png", "gongan.png", "dzjg.png", "loading.gif"):
            suite.resources[f"{site.prefix}static/{image}"] = Resource(200, GIF, "image/gif")
        for column in site.columns.values():
            for entry in column.entries:
                if site.template == "modern":
                    suite.resources[f"{site.prefix}images/{entry.day:%Y%m}/fig.jpg"] = Resource(200, GIF, "image/gif")
                for link in (entry.attachment, entry.related):
                    if link and link[2]:
                        suite.resources[link[1]] = Resource(200, DOCX, "application/octet-stream")
            if site.template == "script" and column.kind == "list":
                suite.resources[f"{site.prefix}static/gc.js"] = Resource(200, ScriptRenderer.SCRIPT.encode(),
                                                                         "application/javascript")
                for page in range(column.pages):
                    rows = [{"title": e.title, "url": e.url, "date": f"{e.day:%Y-%m-%d}"}
                            for e in column.entries[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]]
                    suite.api[f"{site.prefix}api/list?col={column.key}&page={page + 1}"] = json.dumps(
                        rows, ensure_ascii=False).encode()
    return suite


# -- server -------------------------------------------------------------------------------------------

def _search_page(site: SuiteSite, query: str) -> bytes:
    words = query.split()
    hits = [e for e in site.entries() if words and all(w in e.title for w in words)]
    rows = "".join(f'<li><a href="{e.url}">{esc(e.title)}</a><span class="date">{e.day:%Y-%m-%d}</span></li>'
                   for e in hits[:20])
    html = (f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>搜索结果_{esc(site.name)}</title>"
            f"</head><body><h2>“{esc(query)}”的搜索结果（共{len(hits)}条）</h2><ul class='list'>{rows}</ul>"
            "</body></html>")
    return html.encode()


def _handler(suite: Suite, log: Path) -> type[BaseHTTPRequestHandler]:
    """A handler answering the suite's resources, its JSON API, search and form posts; every request logged."""
    missing = Resource(404, "<html><head><meta charset='utf-8'></head><body>404 页面不存在</body></html>".encode())
    by_prefix = {site.prefix: site for site in suite.sites}
    lock = threading.Lock()
    out = log.open("a", encoding="utf-8")

    class Handler(BaseHTTPRequestHandler):
        """HTTP/1.1 with keep-alive."""

        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, *_args: object) -> None:
            """Quiet: requests go to the log file."""

        def _resource(self) -> Resource:
            split = urlsplit(self.path)
            path = unquote(split.path)
            site = by_prefix.get(path[:5])
            if path in suite.resources:
                return suite.resources[path]
            if site and path.rstrip("/").endswith("/api/list"):
                body = suite.api.get(f"{site.prefix}api/list?{split.query}", b"[]")
                return Resource(200, body, "application/json; charset=utf-8")
            if site and path == f"{site.prefix}search/":
                charset = "gb18030" if site.template == "old" else "utf-8"  # a form posts in its page's charset
                query = parse_qs(split.query, encoding=charset).get("q", [""])[0]
                return Resource(200, _search_page(site, query))
            return missing

        def _answer(self, with_body: bool) -> None:
            with lock:
                out.write(f"{self.command} {self.path}\n")
                out.flush()
            resource = self._resource()
            write_answer(self, resource.status, resource.content_type, resource.body, with_body)

        def do_GET(self) -> None:
            """Answer with the body."""
            self._answer(True)

        def do_HEAD(self) -> None:
            """Answer without the body."""
            self._answer(False)

        def do_POST(self) -> None:
            """A 留言 post: read it, thank the writer."""
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            with lock:
                out.write(f"POST {self.path}\n")
                out.flush()
            body = ("<html><head><meta charset='utf-8'></head><body><p>提交成功，查询码：GC2020</p>"
                    "</body></html>").encode()
            self.wfile.write(f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                             f"Content-Length: {len(body)}\r\n\r\n".encode() + body)

    return Handler


def serve(sites: int, pages: int, seed: int, log: Path) -> None:
    """Bind a free port, print it and serve the suite until killed (the child process)."""
    server = QuietServer(("127.0.0.1", 0), _handler(build_suite(sites, pages, seed), log))
    print(server.server_address[1], flush=True)
    server.serve_forever()


class SuiteServer:
    """The suite served by a separate process on a free port of 127.0.0.1 (a context manager).

    Entering returns the same deterministic :class:`Suite` (built here for its ground truth); ``base`` is
    ``http://127.0.0.1:PORT``; :meth:`requests` reads the request log from a mark.
    """

    def __init__(self, sites: int, pages: int = 250, seed: int = 2026, log: Path | None = None) -> None:
        self.sites, self.pages, self.seed = sites, pages, seed
        self.log = log or Path(f"/tmp/suite-site-{id(self)}.log")
        self.base = ""
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> Suite:
        self.log.write_text("", encoding="utf-8")
        self._process, port = start_server_process("benchmarks.suite_site", self.sites, self.pages, self.seed,
                                                   self.log)
        self.base = f"http://127.0.0.1:{port}"
        return build_suite(self.sites, self.pages, self.seed)

    def mark(self) -> int:
        """The current end of the request log (pass it to :meth:`requests`)."""
        return self.log.stat().st_size

    def requests(self, since: int = 0) -> list[tuple[str, str]]:
        """The (method, path) of every request logged after ``since``."""
        with self.log.open("rb") as handle:
            handle.seek(since)
            lines = handle.read().decode("utf-8", errors="replace").splitlines()
        return [tuple(line.split(" ", 1)) for line in lines if " " in line]  # type: ignore[misc]

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        stop_server_process(self._process)

if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]))
