"""The demo sites' content: dataclasses built from the YAML files beside this module.

``content_portal.yaml`` holds the city portal, ``content_channels.yaml`` the department channels and
``content_interaction.yaml`` the 互动交流 records and the mock new-media accounts. Dates are fixed
(the demo's monitoring point is 2020-11-06); article ids and URLs are assigned here so every page
renderer sees the same numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from itertools import cycle
from pathlib import Path
from typing import Any

import yaml

from checker.demo.models import Article, Column, Footer, NavItem, QrSlot, Section, Site
from checker.demo.texts import article_body

DATA_DIR = Path(__file__).parent
SITE_ID_BASE = {"portal": 1001, "jyj": 2001, "wjw": 3001}


@dataclass
class Message:
    """A citizen message (留言) with its reply, if any."""

    id: int
    title: str
    kind: str
    asked: date
    answered: date | None
    unit: str
    ask: str
    reply: str | None
    key: str | None = None

    @property
    def url(self) -> str:
        """Path of the message detail page."""
        return f"/hdjl/lyxd/{self.id}.html"


@dataclass
class Survey:
    """A 征集调查 with its period and, once closed, its published result."""

    id: int
    title: str
    start: date
    end: date
    intro: str
    feedback: str | None
    feedback_date: date | None = None
    key: str | None = None

    @property
    def url(self) -> str:
        """Path of the survey page."""
        return f"/hdjl/zjdc/{self.id}.html"

    @property
    def feedback_url(self) -> str:
        """Path of the result (反馈) page."""
        return f"/hdjl/zjdc/{self.id}_fk.html"


@dataclass
class Interview:
    """An online interview (在线访谈) record."""

    id: int
    title: str
    date: date
    guest: str
    format: str
    images: list[str]
    qa: list[list[str]]
    key: str | None = None

    @property
    def url(self) -> str:
        """Path of the interview record page."""
        return f"/hdjl/zxft/{self.id}.html"


@dataclass
class Account:
    """A mock new-media account page (微信公众号, 政务微博, 移动客户端)."""

    path: str
    name: str
    platform: str
    owner: str
    intro: str
    posts: list[tuple[str, date]]
    interaction: bool = True


@dataclass
class Content:
    """Everything the demo server renders."""

    sites: dict[str, Site]
    messages: list[Message]
    surveys: list[Survey]
    interviews: list[Interview]
    accounts: list[Account]
    by_key: dict[str, Article]

    @property
    def portal(self) -> Site:
        """The city portal."""
        return self.sites["portal"]


def _dates(newest: date | None, gaps: list[int]) -> Iterator[date]:
    if newest is None:
        return
    current = newest
    steps = cycle(gaps or [7])
    while True:
        yield current
        current -= timedelta(days=next(steps))


def _make_site(raw: dict[str, Any]) -> Site:
    footer = dict(raw["footer"])
    footer["qr"] = [QrSlot(**slot) for slot in footer.get("qr", [])]
    nav = [NavItem(**item) for item in raw["nav"]]
    fields = {k: v for k, v in raw.items() if k not in ("footer", "nav")}
    return Site(footer=Footer(**footer), nav=nav, **fields)


def _make_column(site: Site, raw: dict[str, Any], by_key: dict[str, Article]) -> Column:
    column = Column(
        site=site,
        path=raw["path"],
        name=raw["name"],
        kind=raw.get("kind", "list"),
        genre=raw.get("genre", "news"),
        section=raw.get("section"),
        sidebar=raw.get("sidebar"),
        body=raw.get("body", []),
    )
    dates = _dates(raw.get("newest"), raw.get("gaps", []))
    for entry in raw.get("items", []):
        item = {"title": entry} if isinstance(entry, str) else dict(entry)
        file = by_key.get(item.pop("file", ""))
        explicit = item.pop("date", None)
        when = explicit or (file.date if file else next(dates))
        article = Article(
            title=item.pop("title", None) or _interpretation_title(file),
            date=when,
            column=column,
            meta_inline=item.pop("meta", "") == "inline",
            file=file,
            **item,
        )
        if file:
            file.interpretation = article
        if column.genre == "policy" and "doc_no" not in item:
            article.doc_no = "auto"
        column.articles.append(article)
        if article.key:
            by_key[article.key] = article
    column.articles.sort(key=lambda a: a.date, reverse=True)
    return column


def _interpretation_title(file: Article | None) -> str:
    if file is None:
        raise ValueError("政策解读缺少标题和关联文件")
    match = re.search(r"印发(.+)的通知", file.title)
    name = match.group(1) if match else file.title
    return f"《{name}》政策解读"


def _number(site: Site) -> None:
    """Assign ids (oldest first, like a CMS), 文号 and bodies once every article is known."""
    ordered = sorted(site.articles(), key=lambda a: (a.date, a.column.path, a.title))
    policy_seq = 0
    for index, article in enumerate(ordered):
        article.id = SITE_ID_BASE[site.key] + index
        if article.doc_no == "auto":
            policy_seq += 1
            article.doc_no = f"{site.doc_prefix}〔{article.date.year}〕{policy_seq + 3}号"
        if not article.body:
            article.body = article_body(article.column.genre, article.title, article.date, site.unit)


def _load_yaml(name: str) -> Any:
    loader = yaml.SafeLoader
    return yaml.load((DATA_DIR / name).read_text(encoding="utf-8"), Loader=loader)


def _build_site(raw_site: dict, sections: list, columns: list, by_key: dict[str, Article]) -> Site:
    site = _make_site(raw_site)
    for raw in sections:
        section = Section(**raw)
        site.sections[section.path] = section
    for raw in columns:
        site.columns[raw["path"]] = _make_column(site, raw, by_key)
    _number(site)
    return site


@cache
def load_content() -> Content:
    """Load and cross-link the demo content (cached: it is read-only once built)."""
    by_key: dict[str, Article] = {}
    portal = _load_yaml("content_portal.yaml")
    sites = {"portal": _build_site(portal["site"], portal["sections"], portal["columns"], by_key)}
    for channel in _load_yaml("content_channels.yaml")["channels"]:
        site = _build_site(channel["site"], channel.get("sections", []), channel["columns"], by_key)
        sites[site.key] = site
    extra = _load_yaml("content_interaction.yaml")
    accounts = []
    for raw in extra["accounts"]:
        dates = _dates(raw.pop("newest"), raw.pop("gaps"))
        posts = [(title, next(dates)) for title in raw.pop("posts")]
        accounts.append(Account(posts=posts, **raw))
    return Content(
        sites=sites,
        messages=[Message(**raw) for raw in extra["messages"]],
        surveys=[Survey(**raw) for raw in extra["surveys"]],
        interviews=[Interview(**raw) for raw in extra["interviews"]],
        accounts=accounts,
        by_key=by_key,
    )
