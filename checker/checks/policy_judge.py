"""文件未标注文号 and 失效文件未标注: pure judges over policy files as read from their lists and pages."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from checker.checks.findings import iso, make_finding
from checker.docmeta import (
    BodyValidity,
    DocMeta,
    body_validity,
    doc_number_in,
    extended_titles,
    is_marked_invalid,
    repealed_titles,
    subtitle_doc_number,
)
from checker.htmlpage import ParsedPage
from checker.results import Finding, Severity


@dataclass(frozen=True)
class PolicyFile:
    """A file of a 政策文件 column: its list entry and, when it could be read, its page."""

    title: str
    url: str
    column: str
    normative: bool
    list_text: str = ""
    listed: date | None = None
    page: ParsedPage | None = None
    meta: DocMeta = field(default_factory=DocMeta)
    seen_at: datetime | None = None

    @property
    def doc_number(self) -> str:
        """The 文号: from the metadata block, else a line of its own or the page title carrying one."""
        if self.meta.doc_number:
            return self.meta.doc_number
        if self.page is None:
            return ""
        return subtitle_doc_number(self.page.lines[:80]) or doc_number_in(
            self.page.meta.get("ArticleTitle", "") + self.page.title
        )


@dataclass(frozen=True)
class Evidenced:
    """A finding and where its evidence is: the page to open and the text of the element to box."""

    finding: Finding
    url: str
    needle: str


def judge_doc_numbers(files: Sequence[PolicyFile]) -> list[Evidenced]:
    """文件未标注文号: a readable file of a normative-document column without a 文号 ("文号：无" is none)."""
    out = []
    for file in files:
        if file.page is None or not file.normative or file.doc_number:
            continue
        if file.meta.doc_number_label:
            shown = file.meta.doc_number_raw or "空白"
            seen = f"文件信息栏“文号”一项为“{shown}”"
            needle = "文号"
        else:
            seen = "文件页面未显示文号（无“文号”信息项，标题和副标题中也没有文号）"
            needle = file.title
        detail = (
            f"《{file.title}》（{file.column}栏目）{seen}；规范性文件应标注文号，"
            f"如“江府办函〔2020〕216号”“粤府〔2019〕12号”。"
        )
        finding = make_finding("policy.no_doc_number", Severity.DEDUCTION, detail, url=file.url,
                               target=file.title, seen_at=file.seen_at)
        out.append(Evidenced(finding, file.url, needle))
    return out


def _named_by(files: Sequence[PolicyFile], titles: Callable[[str], list[str]]) -> dict[str, PolicyFile]:
    """Titles another file names in its text (as repealed, as extended …) → the first file naming them."""
    found = {}
    for file in files:
        if file.page is not None:
            for name in titles(file.page.text):
                found.setdefault(name, file)
    return found


def _repealed_by(file: PolicyFile, repealers: dict[str, PolicyFile]) -> PolicyFile | None:
    for name, repealer in repealers.items():
        if repealer.url != file.url and (name in file.title or (len(file.title) >= 8 and file.title in name)):
            return repealer
    return None


def _marked(file: PolicyFile) -> bool:
    texts = [file.title, file.list_text, file.meta.valid_text, file.meta.status]
    if file.page is not None:
        texts += [file.page.heading, file.page.title, file.page.meta.get("ArticleTitle", "")]
    return is_marked_invalid(*texts)


# An info bar saying the file has no end date: then a sentence of the body is not read against it.
_NO_END = re.compile(r"长期|永久|无限期|常年|持续有效|无固定期限")
_QUOTE_MAX = 150


def stated_validity(file: PolicyFile) -> BodyValidity | None:
    """The validity a file's body states, read only when its info bar gives no 有效期 date nor says 长期."""
    if file.page is None or file.meta.valid_until is not None or _NO_END.search(file.meta.valid_text):
        return None
    return body_validity(file.page.lines, written=file.meta.written, published=file.meta.published or file.listed)


def _body_seen(stated: BodyValidity, as_of: date) -> str:
    """How a validity read from the body is told: the sentence quoted, then the end it gives."""
    quote = stated.sentence if len(stated.sentence) <= _QUOTE_MAX else stated.sentence[:_QUOTE_MAX] + "…"
    basis = ""
    if stated.term:
        source = "" if stated.start_from.endswith("起施行") else f"，起算日取{stated.start_from}"
        basis = f"（自 {iso(stated.start)} 起{stated.term}{source}）"
    return (f"正文写明“{quote}”，据此有效期至 {iso(stated.until)}{basis}，已届满"
            f"（监测时间点 {as_of.isoformat()}）")


def judge_expired(files: Sequence[PolicyFile], as_of: date) -> list[Evidenced]:
    """失效文件未标注: past its 有效期 / 施行至 date, or repealed by a later file, and not marked 已失效/已废止.

    The 有效期 comes from the file's info bar; when the bar gives none, from a sentence of the body
    (:func:`checker.docmeta.body_validity`), quoted in the finding. A file whose validity another file
    extends ("《…办法》有效期延长至…") is not called expired.
    """
    repealers = _named_by(files, repealed_titles)
    extenders = _named_by(files, extended_titles)  # a file another extends is not claimed expired
    out = []
    for file in files:
        if file.page is None or _marked(file):
            continue
        repealer = _repealed_by(file, repealers)
        in_term = _repealed_by(file, extenders) is not None
        stated = None if in_term else stated_validity(file)
        if not in_term and file.meta.valid_until and file.meta.valid_until < as_of:
            seen = (f"有效期为“{file.meta.valid_text}”，已于 {iso(file.meta.valid_until)} 届满"
                    f"（监测时间点 {as_of.isoformat()}）")
            needle = "有效期"
        elif stated is not None and stated.until < as_of:
            seen, needle = _body_seen(stated, as_of), stated.phrase
        elif repealer is not None:
            seen = f"已被《{repealer.title}》（{repealer.url}）宣布废止"
            needle = file.title
        else:
            continue
        detail = f"《{file.title}》{seen}，但文件页面和列表均未标注“已失效”或“已废止”。"
        finding = make_finding("policy.expired_unmarked", Severity.DEDUCTION, detail, url=file.url,
                               target=file.title, seen_at=file.seen_at)
        out.append(Evidenced(finding, file.url, needle))
    return out
