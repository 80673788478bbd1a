"""问题清单.xlsx: one row per problem the notices list, links to pages and evidence, summary, the 通报's annexes."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from checker.reports.bulletin import render_bulletin
from checker.reports.notice_model import DEFAULT_DEADLINE, DocumentSettings, unit_notices
from checker.reports.xlsx import (
    ANNEX1_HEADERS,
    ANNEX1_TITLE,
    ANNEX2_HEADERS,
    ANNEX2_TITLE,
    PROBLEM_HEADERS,
    PROBLEM_LIST_NAME,
    PROBLEM_SHEET,
    PROBLEM_WIDTHS,
    SUMMARY_HEADERS,
    SUMMARY_SHEET,
    weight_of,
    write_problem_list,
)
from checker.results import RunResult, Severity, SiteResult, UncheckedSite, Verdict
from checker.rules import RuleSet
from tests.document_sample import finding, sample_run

COLUMN = {name: index for index, name in enumerate(PROBLEM_HEADERS)}


def _rows(sheet: Worksheet) -> list[list[object]]:
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]


def _with_failing_by_score(result: RunResult) -> RunResult:
    """The sample plus a site failed by its score (no veto), and one the run did not check."""
    site = SiteResult(name="示例市交通运输局", unit="示例市交通运输局", kind="department",
                      url="http://127.0.0.1:8765/bm/jtj/", verdict=Verdict.FAIL, score=57.5, findings=[
                          finding("search.broken", "站内搜索", title="站内搜索不可用",
                                  detail="搜索首页近期信息无结果。"),
                          finding("link.broken", "附件“申报表.docx”", title="链接不可用",
                                  detail="返回 HTTP 404。").model_copy(update={"points": 1.0}),
                      ])
    unchecked = UncheckedSite(name="示例市水务局", unit="示例市水务局", kind="department",
                              url="http://127.0.0.1:8765/bm/swj/", reason="运行时间预算已用完")
    return result.model_copy(update={"sites": [*result.sites, site], "unchecked": [unchecked]})


def test_one_row_per_problem_the_notices_list(tmp_path: Path) -> None:
    result = sample_run(tmp_path)
    path = write_problem_list(result, tmp_path)
    assert path == tmp_path / PROBLEM_LIST_NAME and path.is_file()
    book = load_workbook(path)
    assert book.sheetnames == [PROBLEM_SHEET, SUMMARY_SHEET, ANNEX1_TITLE, ANNEX2_TITLE]
    sheet = book[PROBLEM_SHEET]
    assert [cell.value for cell in sheet[1]] == PROBLEM_HEADERS
    rows = _rows(sheet)
    notice_rows = [row for notice in unit_notices(result) for _, row in notice.rows]
    assert len(rows) == len(notice_rows) == 4  # the advisory typo is not listed, as in the notices
    assert [row[COLUMN["问题描述"]] for row in rows] == [row.description for row in notice_rows]
    assert [row[COLUMN["序号"]] for row in rows] == [1, 2, 3, 4]
    first = rows[0]
    assert first[COLUMN["单位"]] == "示例市教育局" and first[COLUMN["网站"]] == "示例市教育局"
    assert first[COLUMN["问题类别"]] == "首页不更新（home.not_updated）"
    assert first[COLUMN["发现时间"]] == "2020-11-06 10:30"  # 02:30 UTC in Beijing time
    assert first[COLUMN["扣分/否决"]] == "单项否决"
    assert first[COLUMN["整改期限"]] == DEFAULT_DEADLINE
    assert all(row[COLUMN["整改情况"]] is None for row in rows)
    footer = rows[3]
    assert footer[COLUMN["网站"]] == "示例市卫生健康委员会"
    assert footer[COLUMN["问题类别"]] == "网站标识缺失（footer.identifier_missing）"
    points = RuleSet().deductions["footer.identifier_missing"].points
    assert footer[COLUMN["扣分/否决"]] == f"扣{points:g}分"


def test_page_and_evidence_are_relative_hyperlinks(tmp_path: Path) -> None:
    result = sample_run(tmp_path)
    (tmp_path / "evidence" / "site-01" / "page-1.png").unlink()  # the crop is linked; the page is not needed
    sheet = load_workbook(write_problem_list(result, tmp_path))[PROBLEM_SHEET]
    url_column, shot_column = COLUMN["页面地址"] + 1, COLUMN["证据文件"] + 1
    page = sheet.cell(row=2, column=url_column)
    assert page.value == result.sites[0].findings[0].url
    assert page.hyperlink is not None and page.hyperlink.target == page.value
    shot = sheet.cell(row=2, column=shot_column)
    assert shot.value == "crop-1.png"  # the element crop, as the notice shows
    target = shot.hyperlink.target
    assert not PurePosixPath(target).is_absolute() and ".." not in target
    assert (tmp_path / target).is_file() and target == "evidence/site-01/crop-1.png"
    without = sheet.cell(row=4, column=shot_column)  # 空白栏目 has no screenshot
    assert without.value == "（无截图）" and without.hyperlink is None


def test_missing_evidence_and_odd_addresses_are_not_linked(tmp_path: Path) -> None:
    result = sample_run(tmp_path)
    (tmp_path / "evidence" / "site-01" / "crop-1.png").unlink()
    site = result.sites[0]
    site.findings[1] = site.findings[1].model_copy(update={"url": "javascript:alert(1)"})
    site.findings[2] = site.findings[2].model_copy(update={"url": ""})
    sheet = load_workbook(write_problem_list(result, tmp_path))[PROBLEM_SHEET]
    shot = sheet.cell(row=2, column=COLUMN["证据文件"] + 1)
    assert shot.value == "crop-1.png（文件缺失）" and shot.hyperlink is None
    odd = sheet.cell(row=3, column=COLUMN["页面地址"] + 1)
    assert odd.value == "javascript:alert(1)" and odd.hyperlink is None
    assert sheet.cell(row=4, column=COLUMN["页面地址"] + 1).value == "—"


def test_frozen_header_filter_widths_and_styles(tmp_path: Path) -> None:
    book = load_workbook(write_problem_list(_with_failing_by_score(sample_run(tmp_path)), tmp_path))
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        last = sheet.cell(row=1, column=sheet.max_column).column_letter
        assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}"
        header = sheet["A1"]
        assert header.font.b and header.fill.fgColor.rgb == "FFD9E1F2"
    problems = book[PROBLEM_SHEET]
    assert problems.auto_filter.ref == "A1:K7"
    widths = [problems.column_dimensions[chr(ord("A") + i)].width for i in range(len(PROBLEM_HEADERS))]
    assert widths == PROBLEM_WIDTHS
    assert problems.cell(row=2, column=COLUMN["问题描述"] + 1).alignment.wrap_text
    assert not problems.cell(row=2, column=COLUMN["序号"] + 1).alignment.wrap_text


def test_summary_sheet_scores_verdicts_vetoes(tmp_path: Path) -> None:
    result = _with_failing_by_score(sample_run(tmp_path))
    sheet = load_workbook(write_problem_list(result, tmp_path))[SUMMARY_SHEET]
    assert [cell.value for cell in sheet[1]] == SUMMARY_HEADERS
    rows = {row[2]: dict(zip(SUMMARY_HEADERS, row, strict=True)) for row in _rows(sheet)}
    vetoed = rows["示例市教育局"]
    assert (vetoed["得分"], vetoed["结论"], vetoed["否决项"], vetoed["问题数"]) == (
        "—", "不合格", "首页不更新（home.not_updated）", 3)
    assert vetoed["网站标识码"] == "4400000012" and vetoed["类型"] == "部门栏目"
    assert (rows["示例市卫生健康委员会"]["得分"], rows["示例市卫生健康委员会"]["结论"]) == (98, "合格")
    assert rows["示例市卫生健康委员会"]["问题数"] == 1  # the advisory is not counted
    assert (rows["示例市人民政府门户网站"]["得分"], rows["示例市人民政府门户网站"]["问题数"]) == (100, 0)
    assert (rows["示例市交通运输局"]["得分"], rows["示例市交通运输局"]["结论"]) == (57.5, "不合格")
    assert rows["示例市水务局"]["结论"] == "未检查" and "运行时间预算已用完" in rows["示例市水务局"]["说明"]
    assert sheet.cell(row=2, column=SUMMARY_HEADERS.index("网址") + 1).hyperlink.target == result.sites[0].url


def test_annex_sheets_match_the_bulletin_tables(tmp_path: Path) -> None:
    result = _with_failing_by_score(sample_run(tmp_path))
    book = load_workbook(write_problem_list(result, tmp_path))
    document = render_bulletin(result, DocumentSettings())
    headings = [paragraph.text for paragraph in document.paragraphs]
    assert ANNEX1_TITLE in headings and ANNEX2_TITLE in headings
    for table, title, headers in zip(document.tables, (ANNEX1_TITLE, ANNEX2_TITLE), (ANNEX1_HEADERS, ANNEX2_HEADERS),
                                     strict=True):
        printed = [[cell.text for cell in row.cells] for row in table.rows]
        sheet = book[title]
        assert [cell.value for cell in sheet[1]] == headers == printed[0]
        values = [["" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
                   for value in row] for row in _rows(sheet)]
        assert values == printed[1:]
    annex2 = _rows(book[ANNEX2_TITLE])
    assert annex2[-1][-1] == "不合格（得分 57.5）"  # the failed-by-score branch is exercised
    assert isinstance(_rows(book[ANNEX1_TITLE])[0][0], int)


def test_clean_run_has_headers_only(tmp_path: Path) -> None:
    result = sample_run(tmp_path)
    clean = result.model_copy(update={"sites": [result.sites[2]]})
    book = load_workbook(write_problem_list(clean, tmp_path / "clean"))
    assert book[PROBLEM_SHEET].max_row == 1 and book[ANNEX2_TITLE].max_row == 1
    assert book[PROBLEM_SHEET].auto_filter.ref == "A1:K1"
    assert len(_rows(book[ANNEX1_TITLE])) == 1


def test_deadline_wording_and_hostile_text(tmp_path: Path) -> None:
    result = sample_run(tmp_path)
    site = result.sites[0]
    site.findings[0] = site.findings[0].model_copy(update={"detail": "\x1b[31m红字\x00", "target": "=HYPERLINK(1)"})
    site.findings[1] = site.findings[1].model_copy(update={"detail": "长" * 40000})
    result.sites[0] = site.model_copy(update={"name": "=1+1"})  # a formula from outside stays text
    sheet = load_workbook(write_problem_list(result, tmp_path, deadline="2020年12月1日前"))[PROBLEM_SHEET]
    assert {row[COLUMN["整改期限"]] for row in _rows(sheet)} == {"2020年12月1日前"}
    description = sheet.cell(row=2, column=COLUMN["问题描述"] + 1)
    assert description.data_type == "s" and description.value.startswith("“=HYPERLINK(1)”")
    assert "\\x1b[31m红字\\x00" in description.value
    name = sheet.cell(row=2, column=COLUMN["网站"] + 1)
    assert name.value == "=1+1" and name.data_type == "s"
    long = sheet.cell(row=3, column=COLUMN["问题描述"] + 1).value
    assert len(long) == 32767 and long.endswith("…（已截断）")


def test_weight_wording() -> None:
    deduction = finding("column.not_updated", "教育动态")
    assert weight_of(deduction) == f"扣{RuleSet().deductions['column.not_updated'].points:g}分"
    assert weight_of(deduction.model_copy(update={"points": 0.1})) == "扣0.1分"
    cited = "《地方细则》“栏目不更新”（column.not_updated）：每项扣2.5分，最多扣10分"
    scheme = deduction.model_copy(update={"rule": cited})
    assert weight_of(scheme) == "扣2.5分"
    assert weight_of(deduction.model_copy(update={"rule": "扣分项"})) == "扣分"
    assert weight_of(finding("home.not_updated", "首页", Severity.VETO)) == "单项否决"
    assert weight_of(finding("content.typo", "首页", Severity.ADVISORY)) == "提示（不扣分）"
