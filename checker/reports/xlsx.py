"""问题清单.xlsx: every problem of a run as a spreadsheet the units fill in (整改情况), with the per-site summary
and the 通报's two annexes as further sheets.

The row builders are pure functions of results.json; :func:`write_problem_list` only lays them out with
openpyxl (frozen header, column widths, auto-filter, hyperlinks to the pages and the evidence files).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from checker.catalogue import indicator
from checker.reports.annexes import (
    ANNEX1_HEADERS,
    ANNEX1_TITLE,
    ANNEX2_HEADERS,
    ANNEX2_TITLE,
    annex1_rows,
    annex2_rows,
    verdict_name,
)
from checker.reports.docx_base import beijing_day, evidence_file, xml_text
from checker.reports.notice_model import DEFAULT_DEADLINE, counted, kind_name, notice_row
from checker.results import Finding, RunResult, Severity
from checker.rulecite import rule_of

PROBLEM_LIST_NAME = "问题清单.xlsx"
PROBLEM_SHEET = "问题清单"
SUMMARY_SHEET = "站点汇总"

PROBLEM_HEADERS = ["序号", "单位", "网站", "问题类别", "问题描述", "页面地址", "发现时间", "扣分/否决", "证据文件",
                   "整改期限", "整改情况"]
PROBLEM_WIDTHS = [6, 18, 22, 26, 60, 36, 17, 11, 22, 22, 30]  # Excel character units; a CJK character takes 2
SUMMARY_HEADERS = ["序号", "单位", "网站", "类型", "网址", "网站标识码", "得分", "结论", "否决项", "问题数", "说明"]
SUMMARY_WIDTHS = [6, 18, 22, 12, 36, 13, 8, 10, 40, 8, 30]
ANNEX1_WIDTHS = [6, 24, 18, 12, 36, 8, 10]
ANNEX2_WIDTHS = [6, 24, 18, 50, 40]

NO_SCREENSHOT = "（无截图）"
MISSING_FILE = "（文件缺失）"
CELL_MAX = 32767  # characters Excel holds in one cell
LINK_MAX = 2079  # longest hyperlink address Excel opens without repairing the file
TRUNCATED = "…（已截断）"
HEADER_FILL = PatternFill("solid", fgColor="FFD9E1F2")
HEADER_FONT = Font(bold=True)
THIN = Side(style="thin", color="FFBFBFBF")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
_PER_ITEM = re.compile(r"每项扣(\d+(?:\.\d+)?)分")


@dataclass(frozen=True)
class Link:
    """A cell that shows ``text`` and opens ``target`` (a web address, or a path relative to the workbook)."""

    text: str
    target: str


Value = str | int | float | Link | None


def weight_of(finding: Finding) -> str:
    """扣分/否决 of one finding: 单项否决, 扣N分 (its own points, else the per-item points its rule cites), 扣分
    when the rule names no number, 提示（不扣分） for an advisory."""
    if finding.severity is Severity.VETO:
        return "单项否决"
    if finding.severity is Severity.ADVISORY:
        return "提示（不扣分）"
    points = finding.points
    if points is None and (match := _PER_ITEM.search(rule_of(finding))):
        points = float(match.group(1))
    return "扣分" if points is None else f"扣{points:g}分"


def category_of(finding: Finding) -> str:
    """问题类别: the indicator's Chinese name with its id, 首页不更新（home.not_updated）."""
    return f"{indicator(finding.indicator).name}（{finding.indicator}）"


def page_link(url: str) -> Value:
    """A page address as a hyperlink; an address that is not http(s), or too long for Excel, as plain text."""
    if not url:
        return "—"
    if urlsplit(url).scheme.lower() in ("http", "https") and len(url) <= LINK_MAX and url == xml_text(url):
        return Link(url, url)
    return url


def evidence_link(finding: Finding, out_dir: Path) -> Value:
    """The screenshot the notice shows (the element crop, else the page), linked by its path relative to
    ``out_dir`` and shown by its file name; a file that is not there (or would leave ``out_dir``) is not linked."""
    shot = notice_row(finding).screenshot
    if shot is None:
        return NO_SCREENSHOT
    name = PurePosixPath(shot.path).name
    if evidence_file(out_dir, shot) is None:
        return f"{name}{MISSING_FILE}"
    return Link(name, PurePosixPath(shot.path).as_posix())


def problem_rows(result: RunResult, out_dir: Path, deadline: str | None = None) -> list[list[Value]]:
    """One row per finding the notices list (vetoes and deductions), in the suite's order, under
    :data:`PROBLEM_HEADERS`; 整改情况 is left empty for the unit."""
    rows: list[list[Value]] = []
    for site in result.sites:
        for finding in site.findings:
            if not counted(finding):
                continue
            rows.append([len(rows) + 1, site.unit, site.name, category_of(finding), notice_row(finding).description,
                         page_link(finding.url), beijing_day(finding.seen_at), weight_of(finding),
                         evidence_link(finding, out_dir), deadline or DEFAULT_DEADLINE, None])
    return rows


def summary_rows(result: RunResult) -> list[list[Value]]:
    """站点汇总 under :data:`SUMMARY_HEADERS`: each checked site's 得分 (— when a veto decides), 结论, 否决项 and
    number of problems; then the sites the run did not check, as 未检查 with the reason."""
    rows: list[list[Value]] = []
    for site in result.sites:
        score: Value = "—" if site.score is None else site.score
        problems = sum(1 for finding in site.findings if counted(finding))
        rows.append([len(rows) + 1, site.unit, site.name, kind_name(site.kind), page_link(site.url),
                     site.code or "—", score, verdict_name(site), "；".join(site.veto_reasons) or "—", problems, ""])
    for unchecked in result.unchecked:
        rows.append([len(rows) + 1, unchecked.unit, unchecked.name, kind_name(unchecked.kind),
                     page_link(unchecked.url), "—", "—", "未检查", "—", "—", f"未检查：{unchecked.reason}"])
    return rows


def _text(value: str) -> str:
    """Text a worksheet can hold: forbidden characters shown escaped, cut to Excel's cell limit."""
    text = xml_text(value)
    return text if len(text) <= CELL_MAX else text[: CELL_MAX - len(TRUNCATED)] + TRUNCATED


def _number(text: str) -> Value:
    """An annex cell that is a number (序号, 得分) as a number, so the sheet sorts and sums it."""
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


def _fill_sheet(sheet: Worksheet, headers: Sequence[str], widths: Sequence[float],
                rows: Sequence[Sequence[Value]], wrapped: Sequence[str]) -> None:
    """Header row (bold, filled, frozen), the rows, column widths, an auto-filter over all, and landscape
    printing one page wide with the header repeated; ``wrapped`` names the columns whose text wraps."""
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, GRID
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrap = {headers.index(name) for name in wrapped}
    for number, values in enumerate(rows, 2):
        for column, value in enumerate(values, 1):
            cell = sheet.cell(row=number, column=column)
            if isinstance(value, Link):
                cell.value = _text(value.text)
                cell.hyperlink = value.target
                cell.style = "Hyperlink"
            else:
                cell.value = _text(value) if isinstance(value, str) else value
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text from a site that starts with = stays text, never a formula
            cell.border = GRID
            cell.alignment = Alignment(vertical="top", wrap_text=column - 1 in wrap)
    for column, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"


def build_workbook(result: RunResult, out_dir: Path, deadline: str | None = None) -> Workbook:
    """The workbook of :func:`write_problem_list`: 问题清单, 站点汇总 and the 通报's 附件1 and 附件2."""
    book = Workbook()
    book.properties.creator = "govcheck"
    book.properties.title = f"{result.suite}问题清单"
    problems = book.active
    problems.title = PROBLEM_SHEET
    _fill_sheet(problems, PROBLEM_HEADERS, PROBLEM_WIDTHS, problem_rows(result, out_dir, deadline),
                wrapped=["单位", "网站", "问题类别", "问题描述", "页面地址", "证据文件", "整改期限", "整改情况"])
    _fill_sheet(book.create_sheet(SUMMARY_SHEET), SUMMARY_HEADERS, SUMMARY_WIDTHS, summary_rows(result),
                wrapped=["单位", "网站", "网址", "否决项", "说明"])
    annex1 = [[_number(row[0]), *row[1:5], _number(row[5]), row[6]] for row in annex1_rows(result)]
    _fill_sheet(book.create_sheet(ANNEX1_TITLE), ANNEX1_HEADERS, ANNEX1_WIDTHS, annex1,
                wrapped=["网站名称", "主办单位", "网址"])
    annex2 = [[_number(row[0]), *row[1:]] for row in annex2_rows(result)]
    _fill_sheet(book.create_sheet(ANNEX2_TITLE), ANNEX2_HEADERS, ANNEX2_WIDTHS, annex2,
                wrapped=["网站名称", "主办单位", "存在问题", "结论"])
    return book


def write_problem_list(result: RunResult, out_dir: Path, deadline: str | None = None) -> Path:
    """Write ``out_dir/问题清单.xlsx`` (evidence links relative to ``out_dir``) and return its path; ``deadline``
    is the 整改期限 wording, by default the notices' 自收到本通知之日起15个工作日内."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / PROBLEM_LIST_NAME
    build_workbook(result, out_dir, deadline).save(str(path))
    return path
