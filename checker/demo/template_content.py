"""Content of the demo sites on other templates (示例县人民政府, 示例市交通运输局), from ``content_templates.yaml``.

Plain dataclasses, dated and numbered here so both renderers (:mod:`checker.demo.template_old`,
:mod:`checker.demo.template_script`) see the same items. Article bodies that the YAML does not spell
out are written from the column's genre, in the county's or the bureau's own words.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from itertools import cycle
from pathlib import Path
from typing import Any

import yaml

from checker.demo.texts import cn_date

DATA_FILE = Path(__file__).parent / "content_templates.yaml"


@dataclass
class Entry:
    """An article of a column: title, date and what its page shows; ``url`` is set by the renderer."""

    title: str
    date: date
    column: Col
    body: list[str] = field(default_factory=list)
    doc_no: str | None = None
    status: str | None = None
    valid: str | None = None
    key: str | None = None
    id: int = 0
    url: str = ""


@dataclass
class Col:
    """A list column: where it lives, its hub, its genre and its entries (newest first)."""

    key: str
    name: str
    hub: str
    path: str
    genre: str
    date_style: str = "iso"
    empty_text: str = "暂无信息"
    doc_prefix: str = ""
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Hub:
    """A hub page (政务公开, 互动交流 …) and its side menu: column keys, links and collapsed groups."""

    key: str
    name: str
    path: str = ""
    menu: list[Any] = field(default_factory=list)


@dataclass
class Letter:
    """A letter to the 县长信箱 and its reply, if any."""

    id: int
    title: str
    kind: str
    asked: date
    answered: date | None
    unit: str
    ask: str
    reply: str | None
    key: str | None = None


@dataclass
class Interview:
    """An online interview (在线访谈) with its photos and questions."""

    id: int
    title: str
    date: date
    guest: str
    format: str
    images: list[str]
    qa: list[list[str]]
    key: str | None = None


@dataclass
class Survey:
    """A 意见征集 with its period and published result."""

    id: int
    title: str
    start: date
    end: date
    intro: str
    feedback: str | None
    feedback_date: date | None = None
    key: str | None = None


@dataclass
class Account:
    """A mock new-media account page: its posts, its QR image, and whether it takes messages."""

    path: str
    name: str
    platform: str
    owner: str
    intro: str
    image: str
    posts: list[tuple[str, date]]
    interaction: bool = True

    @property
    def caption(self) -> str:
        """How the footer captions its QR code: ``name platform``."""
        return f"{self.name} {self.platform}"


@dataclass
class SiteInfo:
    """Who runs a site and what its footer shows (ICP and 公安 numbers come in two halves)."""

    name: str
    unit: str
    prefix: str
    host: str
    address: str
    phone: str
    code: str
    icp: list[str]
    police: list[str]
    index_prefix: str
    id_base: int
    organiser: str = ""


@dataclass
class TemplateSite:
    """One site's content: identity, hubs, columns and the 互动交流 records."""

    info: SiteInfo
    hubs: dict[str, Hub]
    columns: dict[str, Col]
    letters: list[Letter] = field(default_factory=list)
    interviews: list[Interview] = field(default_factory=list)
    surveys: list[Survey] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)

    def entries(self) -> list[Entry]:
        """Every article of the site, newest first."""
        items = [e for col in self.columns.values() for e in col.entries]
        return sorted(items, key=lambda e: (e.date, e.id), reverse=True)

    def by_key(self, column: str, key: str) -> Entry:
        """The entry of ``column`` whose YAML ``key`` is ``key``."""
        return next(e for e in self.columns[column].entries if e.key == key)


def _dates(newest: date | None, gaps: list[int]) -> Iterator[date]:
    if newest is None:
        return
    current, steps = newest, cycle(gaps or [7])
    while True:
        yield current
        current -= timedelta(days=next(steps))


def _column(raw: dict[str, Any]) -> Col:
    items, newest, gaps = raw.pop("items"), raw.pop("newest", None), raw.pop("gaps", [])
    col = Col(**raw)
    dates = _dates(newest, gaps)
    for item in items:
        spec = {"title": item} if isinstance(item, str) else dict(item)
        when = spec.pop("date", None) or next(dates)
        col.entries.append(Entry(date=when, column=col, **spec))
    col.entries.sort(key=lambda e: e.date, reverse=True)
    return col


def _accounts(raws: list[dict[str, Any]]) -> list[Account]:
    accounts = []
    for raw in raws:
        dates = _dates(raw.pop("newest"), raw.pop("gaps"))
        accounts.append(Account(posts=[(title, next(dates)) for title in raw.pop("posts")], **raw))
    return accounts


def _build(raw: dict[str, Any]) -> TemplateSite:
    info = SiteInfo(**raw["site"])
    hubs = {}
    for spec in raw["hubs"]:
        hub = Hub(**spec)
        hub.path = hub.path or f"{info.prefix}{hub.key}/"
        hubs[hub.key] = hub
    site = TemplateSite(
        info=info,
        hubs=hubs,
        columns={spec["key"]: _column(dict(spec)) for spec in raw["columns"]},
        letters=[Letter(**spec) for spec in raw.get("letters", [])],
        interviews=[Interview(**spec) for spec in raw.get("interviews", [])],
        surveys=[Survey(**spec) for spec in raw.get("surveys", [])],
        accounts=_accounts([dict(spec) for spec in raw.get("accounts", [])]),
    )
    _number(site)
    return site


def _number(site: TemplateSite) -> None:
    """Ids oldest first (like a CMS), 文号 for policy files without one, and bodies."""
    ordered = sorted(site.entries(), key=lambda e: (e.date, e.column.key, e.title))
    sequence = 0
    for index, entry in enumerate(ordered):
        entry.id = site.info.id_base + index
        if entry.column.genre == "policy" and not entry.doc_no:
            sequence += 1
            entry.doc_no = f"{entry.column.doc_prefix}〔{entry.date.year}〕{sequence + 5}号"
        if not entry.body:
            entry.body = body_for(entry, site.info)


@cache
def load_templates() -> dict[str, TemplateSite]:
    """Both sites by key (``xian``, ``jtj``); cached: read-only once built."""
    raw = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    return {key: _build(value) for key, value in raw.items()}


def _pick(options: list[str], title: str) -> str:
    return options[zlib.crc32(title.encode("utf-8")) % len(options)]


_COUNTY = "示例县人民政府"
_NEWS_MIDDLE = {
    "county": [
        "会议要求，各乡（镇）、县直各单位要提高政治站位，压实工作责任，细化工作措施，确保各项任务按时保质完成。",
        "据了解，该项工作自今年以来稳步推进，各有关部门密切配合，群众参与热情高，取得了阶段性成效。",
        "活动现场气氛热烈，前来参与的群众纷纷表示，这样的活动实实在在，希望以后多举办。",
    ],
    "bureau": [
        "会议指出，全市交通运输系统要坚持安全第一、预防为主，统筹抓好交通建设、运输服务和行业治理各项工作。",
        "据介绍，该项工作由市交通运输局牵头，公安交警、城管等部门协同推进，目前总体进度符合预期。",
        "市民表示，出行条件的改善看得见、摸得着，希望有关部门继续加大投入，让出行更加便捷。",
    ],
}
_NEWS_END = {
    "county": [
        "下一步，示例县将以钉钉子精神抓好各项工作落实，为全县经济社会高质量发展提供有力保障。",
        "县有关负责人表示，将及时总结经验做法，推动各项措施落地见效。",
    ],
    "bureau": [
        "下一步，市交通运输局将持续跟踪工作进展，确保各项措施落到实处，为群众出行提供更好服务。",
        "有关负责人表示，将进一步完善长效机制，推动全市交通运输事业高质量发展。",
    ],
}


def _voice(info: SiteInfo) -> str:
    return "county" if info.unit == _COUNTY else "bureau"


def _news(entry: Entry, info: SiteInfo) -> list[str]:
    voice = _voice(info)
    return [
        f"{cn_date(entry.date)}，{entry.title}。",
        _pick(_NEWS_MIDDLE[voice], entry.title),
        _pick(_NEWS_END[voice], entry.title[::-1]),
    ]


def _addressees(info: SiteInfo) -> str:
    if _voice(info) == "county":
        return "各乡（镇）人民政府，县直各单位："
    return "各县（市、区）交通运输局，局属各单位，各有关企业："


def _notice(entry: Entry, info: SiteInfo) -> list[str]:
    return [
        _addressees(info),
        f"根据工作安排，现就“{entry.title.removeprefix('关于')}”有关事项通知如下：",
        "一、请各单位高度重视，明确责任分工，认真组织实施，按要求做好相关工作。",
        "二、请于规定时间内将有关材料报送主管部门，逾期不予受理。",
        "三、工作中遇到的问题，请在工作时间内与承办科室联系。",
        f">> {info.host}",
        f">> {cn_date(entry.date)}",
    ]


def _policy(entry: Entry, info: SiteInfo) -> list[str]:
    name = entry.title.split("印发", 1)[1].removesuffix("的通知") if "印发" in entry.title else ""
    lines = [_addressees(info)]
    if name:
        lines.append(f"现将《{name}》印发给你们，请认真贯彻执行。执行中遇到的问题，请径向承办部门反映。")
        lines += [f"## {name}", "第一条　为规范有关工作，根据有关法律法规，结合本地实际，制定本办法。",
                  "第二条　有关部门应当按照职责分工，加强协调配合，做好组织实施工作。",
                  "第三条　对违反本办法规定的，由有关部门依法依规处理。"]
    else:
        lines += ["为进一步做好有关工作，经研究，现提出如下要求，请认真贯彻落实。",
                  "一、提高思想认识，切实加强组织领导。", "二、突出工作重点，狠抓措施落实。",
                  "三、强化督促检查，确保工作取得实效。"]
    if entry.valid:
        lines.append(("第四条　" if name else "四、") + entry.valid)
    signer = f"{info.unit}办公室" if entry.title.startswith(f"{info.unit}办公室") else info.unit
    return [*lines, f">> {signer}", f">> {cn_date(entry.date)}"]


def _plan(entry: Entry, info: SiteInfo) -> list[str]:
    return [
        f"{entry.title}已经有关会议审议通过，现予公布。",
        "一、发展基础：经济运行总体平稳，产业结构持续优化，民生保障不断加强。",
        "二、主要目标：主要指标保持稳定增长，城乡居民收入与经济增长基本同步。",
        "三、重点任务：推进产业转型升级，加强基础设施建设，提升公共服务水平。",
    ]


def _personnel(entry: Entry, info: SiteInfo) -> list[str]:
    name = entry.title.split("关于", 1)[1].split("等同志")[0]
    return [
        "各乡（镇）人民政府，县直各单位：",
        "经县人民政府研究决定：",
        f"任命{name}为示例县发展和改革局副局长；",
        "免去林志远的示例县统计局副局长职务。",
        f">> {info.unit}",
        f">> {cn_date(entry.date)}",
    ]


def _finance(entry: Entry, info: SiteInfo) -> list[str]:
    return [
        f"根据《中华人民共和国预算法》有关规定，现将{entry.title.removesuffix('公开')}情况公开如下：",
        "一、一般公共预算收支情况",
        "二、政府性基金预算收支情况",
        "三、国有资本经营预算收支情况",
        "四、“三公”经费预决算情况说明",
        "如需了解详细数据，请到示例县财政局政务公开窗口查阅。",
    ]


def _service(entry: Entry, info: SiteInfo) -> list[str]:
    item = entry.title.removesuffix("办事指南").removesuffix("办理指南")
    return [
        f"## 事项名称：{item}",
        "## 办理依据",
        "依据国家和省有关法律法规及规范性文件办理。",
        "## 申请材料",
        "- 申请表（窗口领取或网上下载）",
        "- 申请人身份证明材料",
        "- 其他按规定需要提交的材料",
        "## 办理时限",
        "承诺办结时限为受理之日起5个工作日。",
        f"## 办理地点：{info.address}政务服务窗口",
        f"## 咨询电话：{info.phone}",
    ]


def guide_body(info: SiteInfo) -> list[str]:
    """A complete 政府信息公开指南 citing the 2019 revision of the 条例 (国务院令第711号)."""
    return [
        "为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》（国务院令第711号，2019年修订，"
        f"以下简称《条例》）的规定，编制本指南。需要获得{info.unit}政府信息公开服务的公民、法人或者其他组织，"
        "建议阅读本指南。",
        "## 一、主动公开",
        "（一）公开范围：按照《条例》第十九条、第二十条规定应当主动公开的政府信息。",
        "（二）公开形式：政府网站、政务新媒体、政府信息查阅点等。",
        "（三）公开时限：属于主动公开范围的政府信息，自该政府信息形成或者变更之日起20个工作日内予以公开。",
        "## 二、依申请公开",
        f"（一）受理机构：{info.host}（政务公开办公室）",
        f"地址：{info.address}",
        f"电话：{info.phone}",
        "办公时间：周一至周五上午8:30—12:00，下午14:30—17:30（法定节假日除外）",
        "（二）申请方式：申请人可以通过当面提交、邮寄、传真或者在线提交等方式提出申请，"
        "并填写《政府信息公开申请表》。",
        "（三）处理流程：受理—登记—审查—答复。",
        "（四）答复时限：能够当场答复的，当场予以答复；不能当场答复的，自收到申请之日起20个工作日内予以答复；"
        "需要延长答复期限的，经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不得超过20个工作日。",
        "（五）收费：行政机关依申请提供政府信息，不收取费用。",
        "## 三、监督和救济",
        "公民、法人或者其他组织认为行政机关在政府信息公开工作中侵犯其合法权益的，可以向上一级行政机关或者"
        "政府信息公开工作主管部门投诉、举报，也可以依法申请行政复议或者提起行政诉讼。",
    ]


_GENRES = {
    "news": _news,
    "notice": _notice,
    "policy": _policy,
    "plan": _plan,
    "personnel": _personnel,
    "finance": _finance,
    "service": _service,
}


def body_for(entry: Entry, info: SiteInfo) -> list[str]:
    """Body lines of an article: ``## x`` a heading, ``- x`` a bullet, ``>> x`` a signature, else a paragraph."""
    if entry.column.genre == "guide":
        return guide_body(info)
    return _GENRES.get(entry.column.genre, _news)(entry, info)
