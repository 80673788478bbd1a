"""Scenario files: pydantic models of a suite and a loader whose errors name the file and line.

A suite names the sites to check, the monitoring point (``as_of``) and window, optional rule overrides
and optional per-site hints for sites where discovery from the home page fails.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from checker.lexicon import TypoEntry
from checker.rules import ColumnClass, RuleSet
from checker.schemes import apply_scheme
from checker.yaml_source import ScenarioError, format_errors, parse_yaml  # ScenarioError: callers import it here


class SiteKind(StrEnum):
    """门户网站 / 部门网站 / 部门栏目 (a channel is a sub-tree of the city portal)."""

    PORTAL = "portal"
    DEPARTMENT = "department"
    CHANNEL = "channel"


SITE_KIND_NAMES = {SiteKind.PORTAL: "政府门户网站", SiteKind.DEPARTMENT: "部门网站", SiteKind.CHANNEL: "部门栏目"}


def _check_http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"网址必须以 http:// 或 https:// 开头并包含主机名，实际为 {value!r}")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Window(_Strict):
    """The check period (检查期) of a spot check."""

    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.start > self.end:
            raise ValueError("检查期的开始日期晚于结束日期")
        return self


class ColumnHint(_Strict):
    """A column the unit says exists, or a class to force on a discovered column (by name or URL)."""

    name: str
    url: str | None = None
    column_class: ColumnClass | None = Field(default=None, alias="class")

    @field_validator("url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        return None if value is None else _check_http_url(value)


class NewMediaAccount(_Strict):
    """A new-media account (政务新媒体) the unit declares."""

    name: str
    platform: str = ""
    url: str | None = None


class SiteHints(_Strict):
    """Overrides for a site where citizen-like discovery fails; never the normal path."""

    columns: list[ColumnHint] = Field(default_factory=list)
    ignore_columns: list[str] = Field(default_factory=list)
    footer_selector: str | None = None
    newmedia: list[NewMediaAccount] = Field(default_factory=list)
    form_test_target: bool = Field(default=False, description="留言表单是测试目标：互动检查可真实提交")


class Site(_Strict):
    """One site to check: an independent domain or a department channel on a portal."""

    name: str
    unit: str
    kind: SiteKind = SiteKind.PORTAL
    url: str
    code: str | None = Field(default=None, description="网站标识码, when known")
    scope: str | None = Field(default=None, description="URL prefix the site lives under; default by kind")
    hints: SiteHints = Field(default_factory=SiteHints)

    @field_validator("url", "scope")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        return None if value is None else _check_http_url(value)

    def scope_prefix(self) -> str:
        """The URL prefix that belongs to this site: the channel's folder, or the whole host."""
        if self.scope:
            return self.scope
        parts = urlsplit(self.url)
        if self.kind is SiteKind.CHANNEL:
            folder = parts.path if parts.path.endswith("/") else parts.path.rsplit("/", 1)[0] + "/"
            return f"{parts.scheme}://{parts.netloc}{folder}"
        return f"{parts.scheme}://{parts.netloc}/"


class LinkSettings(_Strict):
    """How links are crawled and checked (链接不可用): scope limits, politeness and retries.

    A link that fails for a moment (5xx, 408/425/429, timeout, reset, refused, TLS, a name that does not
    resolve) is looked at again as the run's ``settings.retest`` says: ``attempts`` looks in all, look k no
    earlier than k pauses after the first, the pause being ``max(retry_pause_seconds, spread_seconds /
    (attempts - 1))``; a Retry-After holds the host longer (up to ``max_retry_after_seconds``).
    """

    enabled: bool = Field(default=True, description="检查链接可用性")
    max_pages: int = Field(default=200, ge=1, description="每个站点最多抓取的页面数")
    max_depth: int = Field(default=3, ge=0, description="从首页起最多跟随的层数")
    max_links_per_page: int = Field(default=5000, ge=1, description="每个页面最多检查的链接数")
    crawl_tabs: int | None = Field(
        default=None, ge=1, le=16,
        description="抓取时同时渲染页面的标签页数；默认 hybrid 10 个（渲染的页面多在等数据，不占 CPU），"
                    "render 3 个（每个页面都渲染，受 CPU 所限）")
    crawl_mode: Literal["hybrid", "render", "fetch"] = Field(
        default="hybrid",
        description="hybrid：读取每个页面的 HTML，只把需要脚本才能看全的页面（脚本填充的列表、分页、图片，框架等）"
                    "放到浏览器中渲染；render：在浏览器中渲染每个页面；fetch：只读取 HTML，不执行脚本")
    settle_seconds: float = Field(default=4, ge=0, le=30,
                                  description="渲染的页面等待脚本完成（数据请求结束、页面不再变化）的最长秒数")

    @property
    def tabs(self) -> int:
        """The crawl's tabs: ``crawl_tabs``, else 10 for ``hybrid`` and 3 otherwise (measured on 2 cores by
        benchmarks/bench_links with the headless shell: hybrid's rendered pages mostly wait for data, and its
        2000-page crawl took 9.2-9.6 s with 6 tabs, 8.7-8.8 s with 10, 8.1-8.7 s with 12 and 16, for 120 MiB more
        at 10 than at 6; render mode is CPU-bound)."""
        if self.crawl_tabs is not None:
            return self.crawl_tabs
        return 10 if self.crawl_mode == "hybrid" else 3
    external: bool = Field(default=True, description="检查指向其他网站的外部链接")
    exclude: list[str] = Field(default_factory=list, description="不检查的网址（正则表达式）")
    per_host: int = Field(default=2, ge=1, le=64, description="同一主机同时检查的链接数上限")
    concurrency: int = Field(default=32, ge=1, le=512, description="同时检查的链接总数上限")
    min_interval_seconds: float = Field(default=0.1, ge=0, le=60, description="同一主机两次检查请求的最小间隔")
    timeout_seconds: float = Field(default=15, gt=0, le=120, description="单个链接的超时时间")
    retry_pause_seconds: float = Field(
        default=2, ge=0, le=60,
        description="链接暂时失败（5xx、429、超时、连接重置等）后两次尝试之间的最短等待；按 settings.retest 复测："
                    "共尝试 attempts 次，间隔取本值与 spread_seconds/(attempts-1) 中较大者（默认 max(2, 10/2)=5 秒），"
                    "每次都失败的链接记为未能核查（持续返回 500 等服务器错误的记为疑似不可用）")
    max_retry_after_seconds: float = Field(
        default=60, ge=0, le=600,
        description="遵守 Retry-After 的最长等待（服务器要求等待时，下一次尝试至少等到那时，"
                    "同一主机的其他请求也等待）")
    budget_seconds: float = Field(default=180, gt=0,
                                  description="每个站点抓取与检查链接的时间预算（超出后其余链接记为未检查）")

    @field_validator("exclude")
    @classmethod
    def _patterns(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"不是有效的正则表达式 {pattern!r}：{error}") from error
        return value


class SiteMapSettings(_Strict):
    """How far the citizen-like walk that builds each site's map goes (遍历站点): every check reads that map."""

    max_pages: int = Field(default=300, ge=1, description="每个站点最多打开的页面数（栏目与导航页优先，文章其次）")
    max_depth: int = Field(default=5, ge=0, description="从首页起最多点击的层数")
    tabs: int = Field(default=2, ge=1, le=8, description="遍历时同时打开的标签页数")
    settle_seconds: float = Field(default=4, ge=0, le=30,
                                  description="等待脚本填充列表的最长时间（网络与页面安静即停止等待）")
    quiet_ms: int = Field(default=60, ge=10, le=2000, description="判定页面已安静的无变化时长（毫秒）")
    articles_per_column: int = Field(default=40, ge=0, description="每个栏目最多读取的文章数")
    read: Literal["hybrid", "browser"] = Field(
        default="hybrid", description="hybrid：没有脚本写入内容的页面从HTML读取，其余在浏览器中渲染；"
                                      "browser：每个页面都在浏览器中渲染")
    read_workers: int | None = Field(
        default=None, ge=0, le=16, description="从HTML读取页面的工作进程数（留空：按核数自动，两核为1个；"
                                               "0：在主进程中读取）")


class NetworkSettings(_Strict):
    """Where govcheck may connect besides the public internet (issue #16: the network boundary).

    By default a page can send govcheck to the public internet and to the addresses of the suite's own
    sites, nowhere else: never to link-local addresses (the cloud metadata service), multicast or
    broadcast, and to loopback or private addresses only where a site of the suite is. An office checking
    intranet portals opens private addresses here (or with ``--allow-private``).
    """

    allow_private: bool = Field(default=False, description="允许访问内网与本机地址（内网门户检查时开启）")
    allow_networks: list[str] = Field(default_factory=list, description="另行允许访问的内网网段，如 10.20.0.0/16")
    block_networks: list[str] = Field(default_factory=list, description="另行禁止访问的网段")

    @field_validator("allow_networks", "block_networks")
    @classmethod
    def _networks(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                ipaddress.ip_network(value, strict=False)
            except ValueError:
                raise ValueError(f"不是有效的网段：{value}（应写作 10.0.0.0/8 这样的形式）") from None
        return values


class RetestSettings(_Strict):
    """How a failed observation is looked at again before anything is reported (复测).

    A timeout, reset or 5xx is a failed look, not an absent thing: it is observed again with a fresh page,
    ``attempts`` times in all, the looks spread over at least ``spread_seconds``. What still fails is coverage
    (未能核查), never a finding.
    """

    attempts: int = Field(default=3, ge=1, le=10, description="失败的观察最多尝试的次数（含第一次）")
    spread_seconds: float = Field(default=10, ge=0, le=600, description="各次尝试至少分布在多少秒内")

    def pause_seconds(self) -> float:
        """The pause between two looks, so that ``attempts`` looks span ``spread_seconds``."""
        return self.spread_seconds / (self.attempts - 1) if self.attempts > 1 else 0.0


FULL_BUILD_CONCURRENCY = 2
"""Sites at once by default when the run uses the full Chromium (see :meth:`Settings.sites_at_once`)."""


class Settings(_Strict):
    """How the run behaves (not what it judges): concurrency, time budgets and limits."""

    concurrency: int = Field(
        default=3, ge=1, le=16,
        description="同时检查的站点数；未在场景中写明时，用完整版 Chromium 的运行取 2（内存，见 README“并发与资源”）")
    page_timeout_seconds: float = Field(default=20, gt=0)
    site_timeout_seconds: float = Field(default=300, gt=0)
    max_columns: int = Field(default=40, ge=1)
    viewport_width: int = Field(default=1366, ge=320)
    viewport_height: int = Field(default=900, ge=320)
    max_screenshot_height: int = Field(default=8000, ge=600)
    load_wait_seconds: float = Field(
        default=5, ge=0, le=60, description="页面主体出现后，等待其余内容加载完成的最长时间（超时则按当时所见读取）")
    action_timeout_seconds: float = Field(
        default=5, gt=0, le=60, description="单个页面操作（点击、填写、读取元素、关闭标签页）的最长时间")
    screenshot_timeout_seconds: float = Field(default=20, gt=0, le=120, description="截取一张页面截图的最长时间")
    browser_build: Literal["auto", "full"] = Field(
        default="auto",
        description="auto：有无界面精简版 Chromium 时用它（CPU 少约三分之一），打不开的页面由 govcheck 写出浏览器报告的"
                    "错误并注明；full：用完整版 Chromium，证据中是浏览器自带的错误页与证书警告页")
    browser_connect_timeout_seconds: float = Field(
        default=30, gt=0, le=300, description="连接远程浏览器（--browser-endpoint / --cdp-endpoint）的最长时间")
    max_detail_pages_per_column: int = Field(default=40, ge=1, description="每个文件/解读栏目最多读取的详情页数")
    max_list_pages: int = Field(default=10, ge=1, description="每个栏目最多翻阅的列表页数")
    fetch_per_host: int = Field(default=4, ge=1, le=32, description="同一主机同时抓取的页面数上限")
    min_request_interval_seconds: float = Field(default=0, ge=0, le=60, description="同一主机两次页面请求的最小间隔")
    respect_robots: bool = Field(default=False, description="遵守站点 robots.txt（默认不遵守：抽查按公众视角访问）")
    run_timeout_seconds: float | None = Field(default=None, gt=0, description="整次运行的时间预算")
    probe_store: str | None = Field(
        default=None, description="govcheck probe 的样本库（SQLite 文件路径，或 PostgreSQL 地址 postgresql://…）")
    links: LinkSettings = Field(default_factory=LinkSettings)
    site_map: SiteMapSettings = Field(default_factory=SiteMapSettings)
    retest: RetestSettings = Field(default_factory=RetestSettings)
    network: NetworkSettings = Field(default_factory=NetworkSettings)

    def sites_at_once(self, full_build: bool) -> int:
        """How many sites a run checks at once: ``concurrency`` as the suite sets it; by default 3 with a
        headless shell and 2 with the full Chromium, whose third site would take the run past 1 GiB
        (bench_suite, 20 sites on 2 cores: 781 against 1087 MiB)."""
        if "concurrency" in self.model_fields_set or not full_build:
            return self.concurrency
        return min(self.concurrency, FULL_BUILD_CONCURRENCY)


DEFAULT_SETTINGS = Settings()
"""Every setting at its default: the time budgets of browser helpers called without a suite's settings."""


class Suite(_Strict):
    """A scenario file: the sites of one spot check and how to judge them."""

    suite: str
    as_of: date | None = None
    window: Window | None = None
    rules: RuleSet = Field(default_factory=RuleSet)
    settings: Settings = Field(default_factory=Settings)
    typos: list[TypoEntry] = Field(default_factory=list, description="补充的错别字词表")
    sites: list[Site] = Field(min_length=1)

    def rebase(self, old_base: str, new_base: str) -> Suite:
        """A copy whose site URLs under ``old_base`` point under ``new_base`` (the demo on another port)."""
        text = self.model_dump_json(by_alias=True, exclude_none=True)
        return Suite.model_validate_json(text.replace(old_base, new_base))


def parse_suite(text: str, source: str = "<scenario>") -> Suite:
    """Parse and validate scenario YAML text; errors raise :class:`ScenarioError` naming source:line."""
    data, lines = parse_yaml(text, source)
    if not isinstance(data, dict):
        raise ScenarioError(f"{source}:1: 场景文件的顶层应为键值映射（suite、sites 等）")
    data = apply_scheme(data, lines, source)
    try:
        return Suite.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(format_errors(error, lines, source)) from None


def load_suite(path: Path) -> Suite:
    """Read a scenario file from disk; a missing or unreadable file is a :class:`ScenarioError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{path}: 找不到场景文件") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: 场景文件不是 UTF-8 编码") from None
    except OSError as error:
        raise ScenarioError(f"{path}: 无法读取场景文件：{error.strerror}") from None
    return parse_suite(text, str(path))
