"""The shapes link checking passes around: link kinds, the closed status set, a link as found on a page,
and the outcome of checking one URL. Plain data, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class LinkKind(StrEnum):
    """What a link points at, as a citizen would name it (findings say it in Chinese via KIND_NAMES)."""

    PAGE = "page"
    IMAGE = "image"
    ATTACHMENT = "attachment"
    FRAME = "frame"
    EXTERNAL = "external"


KIND_NAMES = {
    LinkKind.PAGE: "页面链接",
    LinkKind.IMAGE: "图片",
    LinkKind.ATTACHMENT: "附件",
    LinkKind.FRAME: "内嵌框架",
    LinkKind.EXTERNAL: "外部链接",
}


class LinkStatus(StrEnum):
    """The closed set of outcomes for one URL.

    ok: answered 2xx (after any redirects); broken: definite — 404/403/410 and other 4xx (confirmed by GET
    when HEAD said so), a redirect loop, a host name that does not resolve, a missing in-page anchor;
    suspect (疑似): 5xx, 429, a reset or refused connection that failed again at every look (the run's
    ``settings.retest``; one retry without it); timeout: no answer within the limit at every look. Only a
    suspect that answered 500-type errors at every look is a 疑似 finding; one that only timed out, was reset
    or answered "not now" (502/503/504/429 …) is 未能核查 (``checker.links.judge.still_failing``);
    excluded: not checked by choice (an exclude pattern, external links
    off, loopback-only test mode, the time budget spent); unsupported: a URL govcheck cannot check
    (invalid, a scheme other than http(s)).
    """

    OK = "ok"
    BROKEN = "broken"
    SUSPECT = "suspect"
    TIMEOUT = "timeout"
    EXCLUDED = "excluded"
    UNSUPPORTED = "unsupported"


FAILING = frozenset({LinkStatus.BROKEN, LinkStatus.SUSPECT, LinkStatus.TIMEOUT})
"""Statuses that failed the check: broken is a finding; suspect is a 疑似 finding only when it answered an error
at every look, else, like timeout, coverage (see ``checker.links.judge.still_failing``)."""


@dataclass(frozen=True)
class FoundLink:
    """One link as it appears on one page: its absolute URL, kind, visible text and how to find it again.

    ``raw`` is the attribute value exactly as written (used to locate the element for evidence);
    ``selector`` is a CSS selector that finds the element on the parent page.
    """

    url: str
    kind: LinkKind
    parent_url: str
    text: str = ""
    raw: str = ""
    selector: str = ""
    on_home: bool = False


@dataclass(frozen=True)
class LinkResult:
    """The outcome of checking one URL: status, last HTTP status, redirect chain and the reason in Chinese.

    ``redirects`` lists the URLs passed through (first the URL asked, last the final one) when the server
    redirected. ``note`` records what the user should know even when the link is fine, e.g. a
    certificate error the check went past. ``attempts`` counts requests made (HEAD, GET, retries).
    """

    url: str
    status: LinkStatus
    http_status: int | None = None
    reason: str = ""
    redirects: tuple[str, ...] = ()
    note: str = ""
    attempts: int = 0
    elapsed_seconds: float = 0.0


STATUS_NAMES: dict[LinkStatus, str] = {
    LinkStatus.OK: "正常",
    LinkStatus.BROKEN: "不可用",
    LinkStatus.SUSPECT: "疑似不可用",
    LinkStatus.TIMEOUT: "超时",
    LinkStatus.EXCLUDED: "未检查",
    LinkStatus.UNSUPPORTED: "无法检查",
}
"""Each status as reports and the command name it."""
