"""The metadata block of a policy file (索引号 / 发布机构 / 文号 / 成文日期 / 发布日期 / 有效期) and 文号 shapes.

Sites print the block as a table (label cell, value cell), a list of ``<p><strong>文号</strong>：无</p>``
or inline text; :func:`read_meta` reads all three from the text lines of :mod:`checker.htmlpage`, where
table cells are separated by tabs. Pure: no I/O, dates through :mod:`checker.dates`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from checker.dates import find_dates

# 江府办函〔2020〕216号, 粤府〔2019〕12号, 国办秘函[2019]19号, 示府(2020)8号, 金罚决字〔2024〕36号; not 2007年第23号.
DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fffA-Za-z]{1,12}\s*[〔\[［(（【]\s*(?:19|20)\d\d\s*[〕\]］)）】]\s*(?:第\s*)?\d{1,5}\s*号"
)
_LABELS = {
    "index_no": ("索引号", "索 引 号"),
    "publisher": ("发布机构", "发文机关", "发文机构", "发文单位"),
    "doc_number": ("文号", "发文字号", "文　　号", "文 号"),
    "written": ("成文日期", "成文时间"),
    "published": ("发布日期", "发布时间", "公开日期"),
    "valid": ("有效期至", "有效期", "施行至", "废止日期", "失效日期"),
    "status": ("时效性", "时效", "效力状态", "效力", "有效性"),
}
_LABEL_ALTS = sorted((label for labels in _LABELS.values() for label in labels), key=len, reverse=True)
_LABEL = re.compile(
    r"(?:^|(?<=[\t ：:]))([\u4e00-\u9fff]{0,8}?)(" + "|".join(map(re.escape, _LABEL_ALTS)) + r")\s*[:：]?"
)
_NONE_VALUES = re.compile(r"^(?:无|暂无|空|/|-+|—+|null|none)$", re.IGNORECASE)
INVALID_MARK = re.compile(r"已经?失效|已经?废止|[【\[（(](?:失效|废止)[】\]）)]")
_KIND_BY_LABEL = {label: kind for kind, labels in _LABELS.items() for label in labels}


@dataclass(frozen=True)
class DocMeta:
    """What a file's page says about itself; a field is '' when the page does not say it."""

    index_no: str = ""
    publisher: str = ""
    doc_number_raw: str = ""
    doc_number_label: bool = False
    written: date | None = None
    published: date | None = None
    valid_text: str = ""
    valid_until: date | None = None
    status: str = ""
    has_block: bool = False

    @property
    def doc_number(self) -> str:
        """The 文号 when the page shows one in a recognised shape ("文号：无" is none)."""
        match = DOC_NUMBER.search(self.doc_number_raw)
        return match.group(0) if match else ""


def _pairs(line: str) -> list[tuple[str, str]]:
    """(label kind, value) pairs in one line: a value runs to the next label or the end of the line."""
    found = [m for m in _LABEL.finditer(line) if not m.group(1) or m.group(1).endswith(("决定书", "文件"))]
    pairs = []
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(line)
        value = line[match.end():end].strip(" \t：:")
        pairs.append((_KIND_BY_LABEL[match.group(2)], value.split("\t")[0].strip()))
    return pairs


def _value_below(lines: tuple[str, ...] | list[str], index: int, kind: str) -> str:
    """A label alone on its line: its value is on the next line, or (a 文号 column head) a few rows down."""
    following = [line.split("\t")[0].strip() for line in lines[index + 1:index + 9]]
    if not following or _pairs(lines[index + 1]):
        return ""
    if kind != "doc_number" or DOC_NUMBER.search(following[0]) or _NONE_VALUES.match(following[0]):
        return following[0]
    return next((line for line in following if DOC_NUMBER.fullmatch(line)), "")


def read_meta(lines: tuple[str, ...] | list[str], as_of: date) -> DocMeta:
    """Read the metadata block from a page's text lines (the first non-empty value of each label wins)."""
    values: dict[str, str] = {}
    for index, line in enumerate(lines):
        pairs = _pairs(line)
        for position, (kind, value) in enumerate(pairs):
            if not value and position == len(pairs) - 1:
                value = _value_below(lines, index, kind)
            if not values.get(kind):
                values[kind] = value
    def first_date(text: str) -> date | None:
        """The first date written in a value, or None."""
        found = find_dates(text, as_of)
        return found[0].value if found else None

    valid = values.get("valid", "")
    until = find_dates(valid, as_of)
    return DocMeta(
        index_no=values.get("index_no", ""),
        publisher=values.get("publisher", ""),
        doc_number_raw=values.get("doc_number", ""),
        doc_number_label="doc_number" in values,
        written=first_date(values.get("written", "")),
        published=first_date(values.get("published", "")),
        valid_text=valid,
        valid_until=until[-1].value if until else None,
        status=values.get("status", ""),
        has_block=len(values) >= 2,
    )


def doc_number_in(text: str) -> str:
    """A 文号 written anywhere in a text (a heading, a title), or ''."""
    match = DOC_NUMBER.search(text)
    return match.group(0) if match else ""


def subtitle_doc_number(lines: tuple[str, ...] | list[str]) -> str:
    """A 文号 printed as a line of its own under the heading ("（浙金罚决字〔2024〕52号）"), or ''.

    Only a line that is nothing but a 文号 counts: body text citing another file's 文号 does not.
    """
    for line in lines:
        bare = line.strip(" （）()【】[]")
        if len(bare) <= 30 and DOC_NUMBER.fullmatch(bare):
            return bare
    return ""


def is_marked_invalid(*texts: str) -> bool:
    """Whether any of the texts marks the file as no longer in force (已失效 / 已废止 / 失效 …)."""
    return any(INVALID_MARK.search(text) or text.strip() in ("失效", "废止", "已失效", "已废止") for text in texts)


_REPEAL = re.compile(r"《([^》]{4,80})》[^。；;《]{0,40}?(?:同时|予以|自行|即行)?废止")


def repealed_titles(text: str) -> list[str]:
    """The names of documents a text says it repeals ("《…管理办法》同时废止")."""
    return [match.group(1) for match in _REPEAL.finditer(text)]
