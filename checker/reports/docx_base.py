"""Shared python-docx helpers for the notices and the 通报: CJK fonts, A4 pages, tables and screenshots.

Word and LibreOffice choose a run's Chinese font from its East Asian font name (``w:eastAsia``), which
python-docx does not set; every style and run here sets it so no text falls back to a Latin-only font.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path, PurePosixPath

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.table import Table, _Cell
from docx.text.run import Run
from PIL import Image

from checker.results import Evidence

BODY_FONT = "宋体"  # Word's name; LibreOffice maps it to the installed CJK serif (Noto Serif CJK SC)
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
BEIJING = timezone(timedelta(hours=8))


def set_east_asian(target: Run | BaseStyle, name: str) -> None:
    """Give a run or a style an East Asian font name."""
    properties = target.element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = properties.makeelement(qn("w:rFonts"), {})
        properties.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), name)


def new_document(landscape: bool = False) -> DocumentType:
    """An A4 document whose styles all name a Chinese font (body 宋体, headings 黑体)."""
    document = Document()
    for style_name, font, size in (("Normal", BODY_FONT, 12), ("Title", HEADING_FONT, 20),
                                   ("Heading 1", HEADING_FONT, 15), ("Heading 2", HEADING_FONT, 13),
                                   ("Table Grid", BODY_FONT, 10.5)):
        style = document.styles[style_name]
        style.font.name = LATIN_FONT if font == BODY_FONT else font
        style.font.size = Pt(size)
        if style_name != "Normal":
            style.font.color.rgb = RGBColor(0, 0, 0)
        set_east_asian(style, font)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.8 if landscape else 2.6))
    section.top_margin = section.bottom_margin = Cm(2.0)
    return document


def text_width(document: DocumentType) -> int:
    """The usable line width of the document's first section, in EMU."""
    section = document.sections[0]
    return int(section.page_width - section.left_margin - section.right_margin)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text a .docx can hold: characters XML forbids (a page's NUL, escape sequences) shown as ``\\x1b``."""
    return _NOT_XML.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def add_run(paragraph, text: str, *, bold: bool = False, size: float | None = None,
            font: str = BODY_FONT, color: RGBColor | None = None) -> Run:
    """Append a run with its East Asian font set; site text that XML cannot hold is shown escaped."""
    run = paragraph.add_run(xml_text(text))
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color
    set_east_asian(run, font)
    return run


def title(document: DocumentType, text: str, color: RGBColor | None = None) -> None:
    """A centred document title (黑体 22 pt)."""
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_run(paragraph, text, bold=True, size=20, font=HEADING_FONT, color=color)


def heading(document: DocumentType, text: str, level: int = 1) -> None:
    """A section heading such as ``一、总体情况`` in 黑体."""
    paragraph = document.add_paragraph()
    add_run(paragraph, text, bold=level > 1, size=15 if level == 1 else 13, font=HEADING_FONT)


def para(document: DocumentType, text: str, *, indent: bool = True, align_right: bool = False) -> None:
    """A body paragraph, first line indented two characters as official documents are."""
    paragraph = document.add_paragraph()
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(24)
    if align_right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    add_run(paragraph, text)


def table(document: DocumentType, headers: list[str], widths_cm: list[float]) -> Table:
    """A bordered table with a bold header row and fixed column widths."""
    grid = document.add_table(rows=1, cols=len(headers))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    header = grid.rows[0]._tr.get_or_add_trPr()
    header.append(header.makeelement(qn("w:tblHeader"), {}))  # repeated at the top of every page
    for column, width in zip(grid.columns, widths_cm, strict=True):
        column.width = Cm(width)  # LibreOffice lays out by the grid, Word by the cells: set both
    for cell, header, width in zip(grid.rows[0].cells, headers, widths_cm, strict=True):
        cell.width = Cm(width)
        cell.text = ""
        add_run(cell.paragraphs[0], header, bold=True, size=10.5, font=HEADING_FONT)
    return grid


def add_row(grid: Table, values: list[str], widths_cm: list[float]) -> list[_Cell]:
    """Append a row of text cells (10.5 pt) and return its cells."""
    row = grid.add_row()
    properties = row._tr.get_or_add_trPr()
    properties.append(properties.makeelement(qn("w:cantSplit"), {}))  # a screenshot never breaks across pages
    cells = row.cells
    for cell, value, width in zip(cells, values, widths_cm, strict=True):
        cell.width = Cm(width)
        if value:  # an empty cell keeps no run, so merging it adds no blank line
            add_run(cell.paragraphs[0], value, size=10.5)
    return cells


def keep_with_next(cells: list[_Cell]) -> None:
    """Keep a row on the same page as the next one (a problem's facts with its screenshot)."""
    for cell in cells:
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True


def evidence_file(out_dir: Path, item: Evidence) -> Path | None:
    """The evidence file on disk, refusing paths that would leave the output folder."""
    relative = PurePosixPath(item.path)
    if relative.is_absolute() or ".." in relative.parts:
        return None
    path = out_dir / relative
    return path if path.is_file() else None


def embed_image(cell: _Cell, path: Path, max_width_cm: float, max_height_cm: float = 9.0,
                cm_per_px: float | None = None) -> None:
    """Put a screenshot in a table cell: at ``cm_per_px`` (or the full width), never wider than ``max_width_cm``
    nor taller than ``max_height_cm``."""
    with Image.open(path) as image:
        width_px, height_px = image.size
    width_cm = max_width_cm if cm_per_px is None else min(max_width_cm, width_px * cm_per_px)
    if width_px and height_px * width_cm / width_px > max_height_cm:
        width_cm = max_height_cm * width_px / height_px
    paragraph = cell.paragraphs[0] if not cell.paragraphs[0].text else cell.add_paragraph()
    paragraph.add_run().add_picture(str(path), width=Cm(width_cm))


def beijing_day(moment: datetime | None) -> str:
    """A timestamp as Beijing date and time (``2020-11-06 10:31``), or ``—``."""
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
