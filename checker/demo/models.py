"""The shape of a demo site: sites, their navigation and footer, columns, sections and articles.

Built by :mod:`checker.demo.content` from the YAML files; read by the page renderers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass
class QrSlot:
    """One new-media QR code in a footer: caption, image path and the path its payload points to."""

    caption: str
    image: str
    target: str | None


@dataclass
class Footer:
    """What a site's footer shows; a None or False field is left out (a seeded missing identifier)."""

    host: str
    address: str
    phone: str
    code: str | None
    icp: str | None
    police: str | None
    dzjg: bool
    organiser: str | None = None
    qr: list[QrSlot] = field(default_factory=list)


@dataclass
class NavItem:
    """A navigation bar entry and the column paths of its drop-down menu."""

    text: str
    href: str
    sub: list[str] = field(default_factory=list)


@dataclass
class Article:
    """A published item of a list column, with what its detail page shows."""

    title: str
    date: date
    column: Column
    key: str | None = None
    body: list[str] = field(default_factory=list)
    id: int = 0
    doc_no: str | None = None
    meta_inline: bool = False
    valid: str = "长期"
    status: str | None = None
    file: Article | None = None
    interpretation: Article | None = None
    backlink: bool = True
    attachments: list[dict[str, str]] = field(default_factory=list)
    figures: list[dict[str, str]] = field(default_factory=list)

    @property
    def url(self) -> str:
        """Path of the detail page, CMS style: ``/col/202011/t20201105_1001.html``."""
        return f"/{self.column.path}{self.date:%Y%m}/t{self.date:%Y%m%d}_{self.id}.html"


@dataclass
class Column:
    """A column (栏目): a dated list of articles, or a static page of text."""

    site: Site
    path: str
    name: str
    kind: str = "list"
    genre: str = "news"
    section: str | None = None
    sidebar: list[str] | None = None
    articles: list[Article] = field(default_factory=list)
    body: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        """Path of the column's list (or static) page."""
        return "/" + self.path


@dataclass
class Section:
    """A group of columns with an index page (要闻动态, 政府信息公开, 法定主动公开内容 …)."""

    path: str
    name: str
    children: list[str]
    parent: str | None = None

    @property
    def url(self) -> str:
        """Path of the section index page."""
        return "/" + self.path


@dataclass
class Site:
    """A demo site: the portal or a department channel, with its chrome and its columns."""

    key: str
    name: str
    banner: str
    banner_en: str
    prefix: str
    unit: str
    theme: str
    list_style: str
    doc_prefix: str
    index_prefix: str
    footer: Footer
    nav: list[NavItem]
    home: dict[str, Any]
    columns: dict[str, Column] = field(default_factory=dict)
    sections: dict[str, Section] = field(default_factory=dict)
    search: str = "/search"

    def articles(self) -> list[Article]:
        """All articles of the site, newest first."""
        items = [a for column in self.columns.values() for a in column.articles]
        return sorted(items, key=lambda a: (a.date, a.id), reverse=True)

    def node_name(self, path: str) -> str:
        """Display name of a column or section path."""
        node = self.columns.get(path) or self.sections.get(path)
        return node.name if node else path
