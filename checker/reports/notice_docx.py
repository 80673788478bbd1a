"""整改通知 as .docx: one per unit, with the problems table and each problem's screenshot embedded."""

from __future__ import annotations

from pathlib import Path

from docx.document import Document as DocumentType
from docx.enum.text import WD_BREAK
from docx.shared import RGBColor

from checker.reports import docx_base as base
from checker.reports.notice_model import (
    ADVISORY_HEADING,
    ADVISORY_LEAD,
    ANNEX_TITLE,
    ColumnAnnex,
    DocumentSettings,
    UnitNotice,
    advisory_line,
    check_period,
    closing,
    column_annexes,
    column_class_name,
    column_path,
    column_verdict_name,
    issue_day,
    kind_name,
    opening,
    safe_file_name,
    unit_notices,
)
from checker.results import RunResult, Verdict

RED = RGBColor(0xB5, 0x12, 0x1B)
HEADERS = ["序号", "问题类别", "问题描述", "页面地址", "发现时间", "依据"]
WIDTHS = [1.1, 2.6, 9.0, 4.4, 2.4, 6.6]  # cm, the 26.1 cm line of landscape A4 with 1.8 cm margins
SHOT_CM_PER_PX = 0.017  # 0.17 mm per screenshot pixel: 14 px text prints about 2.4 mm high
SHOT_MAX_HEIGHT_CM = 8.5
SITE_WIDTHS = [6.0, 3.0, 8.0, 3.5, 5.6]
ANNEX_HEADERS = ["序号", "栏目", "访问路径", "栏目地址", "类别", "最新日期", "结论", "说明"]
ANNEX_WIDTHS = [1.0, 3.0, 5.6, 5.4, 2.8, 2.3, 2.2, 3.8]  # cm, the same 26.1 cm line
NOTICE_FOLDER = "notices"


def _header(document: DocumentType, notice: UnitNotice, result: RunResult, settings: DocumentSettings) -> None:
    base.title(document, "政府网站与政务新媒体检查问题整改通知", color=RED)
    base.para(document, f"{notice.unit}：", indent=False)
    base.para(document, opening(result))
    facts = base.table(document, ["网站名称", "网站类型", "网站地址", "网站标识码", "检查结论"], SITE_WIDTHS)
    for site in notice.sites:
        kind = kind_name(site.kind)
        verdict = "合格" if site.verdict is Verdict.PASS else "不合格"
        score = f"，得分 {site.score:g}" if site.score is not None else ""
        reasons = f"（单项否决：{'；'.join(site.veto_reasons)}）" if site.veto_reasons else ""
        base.add_row(facts, [site.name, kind, site.url, site.code or "未提供", f"{verdict}{score}{reasons}"],
                     SITE_WIDTHS)
    base.para(document, f"检查期：{check_period(result)}；整改期限：{settings.deadline}。", indent=False)


def _problems(document: DocumentType, notice: UnitNotice, out_dir: Path) -> None:
    """One row of facts per problem, then a full-width 截图 row so the screenshot prints at a readable size."""
    base.heading(document, "发现的问题", level=2)
    grid = base.table(document, HEADERS, WIDTHS)
    several = len(notice.sites) > 1
    for number, (site, row) in enumerate(notice.rows, 1):
        description = f"【{site.name}】{row.description}" if several else row.description
        facts = base.add_row(grid, [str(number), row.category, description, row.url or "—",
                                    base.beijing_day(row.finding.seen_at), row.rule], WIDTHS)
        base.keep_with_next(facts)
        cells = base.add_row(grid, ["截图", "", "", "", "", ""], WIDTHS)
        shot = cells[1].merge(cells[-1])
        image = base.evidence_file(out_dir, row.screenshot) if row.screenshot else None
        if image is None or row.screenshot is None:
            base.add_run(shot.paragraphs[0], "（无截图）", size=10.5)
            continue
        base.embed_image(shot, image, sum(WIDTHS[1:]) - 0.4, SHOT_MAX_HEIGHT_CM, SHOT_CM_PER_PX)
        base.add_run(shot.add_paragraph(), f"截图 SHA-256：{row.screenshot.sha256}（{row.screenshot.path}）", size=7.5)


def _advisories(document: DocumentType, notice: UnitNotice) -> None:
    """提示事项: the findings that cost no points, one sentence each."""
    if not notice.advisories:
        return
    base.heading(document, ADVISORY_HEADING, level=2)
    base.para(document, ADVISORY_LEAD)
    several = len(notice.sites) > 1
    for number, (site, row) in enumerate(notice.advisories, 1):
        base.para(document, f"{number}. {advisory_line(site, row, several)}")


def _closing(document: DocumentType, result: RunResult, settings: DocumentSettings, annexed: bool) -> None:
    for text in closing(settings):
        base.para(document, text)
    if annexed:
        base.para(document, ANNEX_TITLE, indent=False)
    base.para(document, settings.issuer, indent=False, align_right=True)
    base.para(document, issue_day(result, settings), indent=False, align_right=True)


def _annex(document: DocumentType, annexes: list[ColumnAnnex]) -> None:
    """附件：栏目清单 on a page of its own: per site, the count line and its columns with problems."""
    document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    base.heading(document, ANNEX_TITLE)
    for annex in annexes:
        base.para(document, f"{annex.site.name}：{annex.tally()}")
        if not annex.problems:
            base.para(document, "未发现存在问题的栏目。")
            continue
        grid = base.table(document, ANNEX_HEADERS, ANNEX_WIDTHS)
        for number, column in enumerate(annex.problems, 1):
            latest = column.latest.isoformat() if column.latest else "—"
            base.add_row(grid, [str(number), column.name, column_path(column), column.url or "—",
                                column_class_name(column.column_class), latest, column_verdict_name(column.verdict),
                                column.note or "—"], ANNEX_WIDTHS)


def render_notice_docx(notice: UnitNotice, result: RunResult, out_dir: Path, settings: DocumentSettings):
    """Build one unit's notice (screenshots read from ``out_dir``), with 附件：栏目清单 when its sites recorded
    columns, and return the python-docx Document."""
    document = base.new_document(landscape=True)
    _header(document, notice, result, settings)
    _problems(document, notice, out_dir)
    _advisories(document, notice)
    annexes = column_annexes(notice)
    _closing(document, result, settings, annexed=bool(annexes))
    if annexes:
        _annex(document, annexes)
    return document


def write_notices_docx(result: RunResult, out_dir: Path, settings: DocumentSettings) -> list[Path]:
    """Write ``notices/整改通知-<unit>.docx`` for every unit with problems; return the paths."""
    folder = out_dir / NOTICE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for notice in unit_notices(result):
        path = folder / f"整改通知-{safe_file_name(notice.unit)}.docx"
        render_notice_docx(notice, result, out_dir, settings).save(str(path))
        paths.append(path)
    return paths
