"""The office's site list (网站名录, .xlsx or .csv) turned into a scenario file (issue #15).

A site list is a table a person keeps in Excel: a title row or two, then a header row (网站名称, 主办单位,
首页网址, 网站标识码, 类型 … in any order, under any of their common names), then one site a row. Reading
it is split in two:

* I/O: :func:`read_table` gives the rows of the file as text cells, each with its row number as the
  spreadsheet shows it (xlsx via openpyxl, merged cells filled; CSV in UTF-8 with or without BOM, GBK or
  GB18030).
* Pure: :func:`map_rows` finds the header row, maps each row to a site and names every bad cell as
  ``file:第N行 列名: problem``; :func:`suite_yaml` writes the scenario and checks it with
  :func:`checker.scenario.parse_suite`.

A list with any bad row gives no sites at all: the caller writes nothing.
"""

from __future__ import annotations

import csv
import io
import ipaddress
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import yaml
from pydantic import ValidationError

from checker.scenario import SITE_KIND_NAMES, ScenarioError, Site, SiteKind, parse_suite

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet


class SiteListError(Exception):
    """A site list that cannot be read at all (missing, unreadable, no header row); names the file."""


class Column(StrEnum):
    """A column of the site list this importer reads."""

    NAME = "name"
    UNIT = "unit"
    URL = "url"
    CODE = "code"
    KIND = "kind"


_BY_VALUE = {column.value: column for column in Column}

COLUMN_TITLES = {
    Column.NAME: "网站名称", Column.UNIT: "主办单位", Column.URL: "首页网址", Column.CODE: "网站标识码",
    Column.KIND: "类型",
}
"""How a problem names a column when the file's own header text is not at hand."""

HEADER_VARIANTS: dict[Column, tuple[str, ...]] = {
    Column.NAME: ("网站名称", "站点名称", "名称", "网站名", "政府网站名称", "网站全称"),
    Column.UNIT: ("主办单位", "主办单位名称", "单位", "单位名称", "主办部门", "开办单位"),
    Column.URL: ("首页网址", "网址", "网站地址", "首页地址", "URL", "域名", "网站网址", "首页URL", "网站域名",
                 "首页链接", "网站首页"),
    Column.CODE: ("网站标识码", "标识码", "网站识别码"),
    Column.KIND: ("类型", "网站类型", "网站类别", "类别", "站点类型"),
}
"""Header texts accepted for each column, the preferred first (after :func:`_header_key` normalising)."""

KIND_VARIANTS: dict[str, SiteKind] = {
    **dict.fromkeys(("门户", "门户网站", "政府门户网站", "政府门户", "portal"), SiteKind.PORTAL),
    **dict.fromkeys(("部门", "部门网站", "政府部门网站", "department"), SiteKind.DEPARTMENT),
    **dict.fromkeys(("栏目", "部门栏目", "专栏", "部门专栏", "channel"), SiteKind.CHANNEL),
}
"""Texts of the 类型 column, by the site kind they mean."""

CSV_DELIMITERS = (",", "\t", ";")
"""Separators a CSV site list may use: Excel's comma, a tab (Unicode text), a semicolon."""

HEADER_SEARCH_ROWS = 30
"""How many rows from the top may hold title lines before the header row."""

_CODE = re.compile(r"^(?:\d{10}|bm\d{8})$")
_PLACEHOLDERS = frozenset({"无", "暂无", "-", "--", "—", "——", "/", "／", "空"})
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_INDEX_PAGE = re.compile(r"/(?:index|default)\.(?:s?html?|jsp|php|aspx?)$", re.IGNORECASE)


@dataclass(frozen=True)
class TableRow:
    """One row of the file: its number as the spreadsheet shows it (1-based) and its cells as text."""

    number: int
    cells: tuple[str, ...]

    def is_blank(self) -> bool:
        """Whether every cell is empty (such rows are skipped)."""
        return not any(cell.strip() for cell in self.cells)


@dataclass(frozen=True)
class Table:
    """The rows of a site list and, for a workbook, the sheet they come from."""

    rows: tuple[TableRow, ...]
    sheet: str | None = None
    encoding: str | None = None


@dataclass(frozen=True)
class ImportedSite:
    """One site read from a row of the list."""

    row: int
    name: str
    unit: str
    kind: SiteKind
    url: str
    code: str | None = None

    def as_scenario(self) -> dict[str, str]:
        """The site as a scenario's ``sites`` item (keys in the order the README shows)."""
        item = {"name": self.name, "unit": self.unit, "kind": self.kind.value, "url": self.url}
        if self.code:
            item["code"] = self.code
        return item


@dataclass
class ImportOutcome:
    """What a site list gave: its sites, or the problems that stop the import; warnings either way."""

    source: str
    sites: list[ImportedSite] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    header_row: int = 0
    sheet: str | None = None
    skipped: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no row is bad and at least one site was read."""
        return not self.problems and bool(self.sites)

    def kind_counts(self) -> dict[SiteKind, int]:
        """How many sites of each kind, every kind present (zero where none)."""
        return {kind: sum(site.kind is kind for site in self.sites) for kind in SiteKind}


# ---------------------------------------------------------------------------------------------------------
# Reading files (I/O)


def read_table(path: Path, sheet: str | None = None) -> Table:
    """The rows of a site list file: ``.xlsx``/``.xlsm`` via openpyxl, ``.csv``/``.txt`` via the csv module.

    A workbook gives its sheet ``sheet`` or else the first sheet that has a header row (the active sheet
    first). Raises :class:`SiteListError` for a file that is missing, of another type, or unreadable.
    """
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_workbook(path, sheet)
    if suffix in (".csv", ".txt"):
        if sheet:
            raise SiteListError(f"{path}: CSV 文件没有工作表，不能使用 --sheet")
        return read_csv_bytes(_read_bytes(path), str(path))
    if suffix in (".xls", ".et", ".wps"):
        raise SiteListError(f"{path}: 不支持旧版 {suffix} 文件，请在表格软件中另存为 .xlsx 或 CSV")
    raise SiteListError(f"{path}: 不支持的文件类型（应为 .xlsx 或 .csv）")


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SiteListError(f"{path}: 找不到文件") from None
    except OSError as error:
        raise SiteListError(f"{path}: 无法读取文件：{error.strerror}") from None


def decode_text(data: bytes, source: str) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was in: UTF-16 or UTF-8 with a BOM, UTF-8, else GB18030
    (a superset of GBK and GB2312, what Excel on a Chinese Windows saves)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ("utf-16",)
    elif data.startswith(b"\xef\xbb\xbf"):
        candidates = ("utf-8-sig",)
    else:
        candidates = ("utf-8", "gb18030")
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise SiteListError(f"{source}: 无法识别文件编码（支持 UTF-8 与 GBK/GB18030），请另存为 UTF-8 的 CSV")


def read_csv_bytes(data: bytes, source: str) -> Table:
    """The rows of CSV content; row numbers count records, as a spreadsheet opening the file shows them.

    The separator is the first of :data:`CSV_DELIMITERS` under which a header row is found (a title line
    above the header makes guessing from the first lines unreliable).
    """
    text, encoding = decode_text(data, source)
    first: tuple[TableRow, ...] | None = None
    for delimiter in CSV_DELIMITERS:
        try:
            records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as error:
            raise SiteListError(f"{source}: CSV 格式错误：{error}") from None
        rows = tuple(TableRow(number, tuple(record)) for number, record in enumerate(records, start=1))
        if find_header(rows) is not None:
            return Table(rows, encoding=encoding)
        first = rows if first is None else first
    return Table(first or (), encoding=encoding)


def _read_workbook(path: Path, sheet: str | None) -> Table:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if not path.exists():
        raise SiteListError(f"{path}: 找不到文件")
    try:
        book = load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise SiteListError(f"{path}: 无法读取 Excel 文件（{type(error).__name__}），文件可能已损坏") from None
    names = [ws.title for ws in book.worksheets]  # chart sheets have no cells: never a site list
    if sheet is not None:
        if sheet not in names:
            raise SiteListError(f"{path}: 没有名为“{sheet}”的工作表（有：{'、'.join(names)}）")
        return Table(_sheet_rows(book[sheet]), sheet=sheet)
    active = book.active if book.active in book.worksheets else None
    ordered = [*([active] if active is not None else []), *(ws for ws in book.worksheets if ws is not active)]
    tables = [Table(_sheet_rows(ws), sheet=ws.title) for ws in ordered]
    for table in tables:
        if find_header(table.rows) is not None:
            return table
    return tables[0] if tables else Table(())


def _sheet_rows(ws: Worksheet) -> tuple[TableRow, ...]:
    """Every row of a worksheet as text, merged ranges filled with their top-left value (a unit name
    merged over the rows of its several sites belongs to each of them)."""
    fill: dict[tuple[int, int], object] = {}
    for merged in ws.merged_cells.ranges:
        value = ws.cell(merged.min_row, merged.min_col).value
        for row in range(merged.min_row, merged.max_row + 1):
            for col in range(merged.min_col, merged.max_col + 1):
                fill[(row, col)] = value
    rows = []
    for number, cells in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
        texts = tuple(_cell_text(fill.get((number, col), value))
                      for col, value in enumerate(cells, start=1))
        rows.append(TableRow(number, texts))
    return tuple(rows)


def _cell_text(value: object) -> str:
    """A cell as text; a whole number stored as a float (a 网站标识码 typed as a number) loses its ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------------------------------------------------
# Mapping rows to sites (pure)


def _header_key(text: str) -> str:
    """A header cell compared loosely: full-width folded, no spaces or ``*`` marks, no bracketed note
    (``首页网址（含http://）`` is ``首页网址``), Latin letters upper-cased."""
    key = unicodedata.normalize("NFKC", text)
    key = re.sub(r"[\s*]+", "", key)
    key = re.sub(r"[(\[【].*?[)\]】]", "", key)
    return key.upper()


_ROW_NUMBER_HEADERS = frozenset({"序号", "编号", "NO.", "NO"})
"""Header texts of the running-number column every list has: not imported, not worth a warning."""

_HEADER_LOOKUP: dict[str, tuple[Column, int]] = {
    _header_key(variant): (column, rank)
    for column, variants in HEADER_VARIANTS.items()
    for rank, variant in enumerate(variants)
}


@dataclass(frozen=True)
class Header:
    """The header row: its number, the column index of each field it has, and each field's header text."""

    row: int
    columns: dict[Column, int]
    titles: dict[Column, str]
    unused: tuple[str, ...] = ()


def find_header(rows: Sequence[TableRow]) -> Header | None:
    """The first row (of the top :data:`HEADER_SEARCH_ROWS`) naming both a 网站名称 and a 首页网址 column.

    Where two columns name the same field (``首页网址`` and ``域名``), the preferred variant wins.
    """
    for row in rows[:HEADER_SEARCH_ROWS]:
        best: dict[Column, tuple[int, int]] = {}
        unused = []
        for index, cell in enumerate(row.cells):
            match = _HEADER_LOOKUP.get(_header_key(cell))
            if match is None:
                if cell.strip() and _header_key(cell) not in _ROW_NUMBER_HEADERS:
                    unused.append(cell.strip())
                continue
            column, rank = match
            if column not in best or rank < best[column][0]:
                if column in best:
                    unused.append(row.cells[best[column][1]].strip())
                best[column] = (rank, index)
            else:
                unused.append(cell.strip())
        if Column.NAME in best and Column.URL in best:
            columns = {column: index for column, (_rank, index) in best.items()}
            titles = {column: _clean(row.cells[index]) for column, index in columns.items()}
            return Header(row.number, columns, titles, tuple(unused))
    return None


def _clean(text: str) -> str:
    """A cell's text with line breaks removed and other runs of spaces made one."""
    text = re.sub(r"\s*[\r\n]+\s*", "", text)
    return " ".join(text.split())


def normalise_url(raw: str) -> tuple[str | None, str | None, bool]:
    """``(url, problem, scheme_added)`` for a 首页网址 cell.

    Full-width characters are folded (``ｈｔｔｐ：／／`` is ``http://``); a bare host gets ``http://``
    (``scheme_added``); a URL without a path gets ``/``. The host must be a domain name, ``localhost`` or an
    IP address: ``暂无``, ``示例市政府网`` or two URLs in one cell are problems.
    """
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        return None, "不能为空", False
    text = text.rstrip("。、")
    parts_found = [part for part in re.split(r"[\s;,、]+", text) if part]
    if len(parts_found) > 1 and all("." in part for part in parts_found):
        return None, f"一格中只能有一个网址，实际为 {text!r}", False
    if re.search(r"\s", text):
        return None, f"不是有效的网址：{text!r}", False
    scheme_added = False
    if "://" not in text:
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:(?!\d)", text):
            return None, f"网址必须以 http:// 或 https:// 开头，实际为 {text!r}", False
        text = "http://" + text.lstrip("/")
        scheme_added = True
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None, f"不是有效的网址：{raw.strip()!r}", False
    if parts.scheme.lower() not in ("http", "https"):
        return None, f"网址必须以 http:// 或 https:// 开头，实际为 {raw.strip()!r}", False
    host = parts.hostname or ""
    if not _valid_host(host):
        return None, f"不是有效的网址：{raw.strip()!r}（主机名无效）", False
    netloc = parts.netloc.lower()
    if parts.username is not None or parts.password is not None:
        return None, f"网址中不应含用户名或密码：{raw.strip()!r}", False
    if port is None and netloc.endswith(":"):
        netloc = netloc[:-1]
    url = urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))
    return url, None, scheme_added


def _valid_host(host: str) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    if re.fullmatch(r"[\d.]+", host):
        return False  # 1.2.3 or 300.1.1.1: not an address, not a name
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.rstrip(".").split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return False
    return bool(re.fullmatch(r"[a-z]{2,63}|xn--[a-z0-9-]+", labels[-1]))


def site_key(url: str) -> str:
    """The identity of a site's URL for finding duplicates: host (``www.`` kept), non-default port, path
    and query; the scheme, letter case of the host, a trailing slash and a trailing ``index.html``-like
    page do not count (``http://a.gov.cn`` and ``https://A.gov.cn/index.html`` are one site)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".")
    port = parts.port
    default = {"http": 80, "https": 443}.get(parts.scheme)
    where = host if port in (None, default) else f"{host}:{port}"
    path = _INDEX_PAGE.sub("/", parts.path).rstrip("/")
    return f"{where}{path}" + (f"?{parts.query}" if parts.query else "")


def normalise_code(raw: str) -> tuple[str | None, str | None]:
    """``(code, problem)`` for a 网站标识码 cell: 10 digits (local sites) or ``bm`` and 8 digits (State
    Council departments); empty or a placeholder such as ``无`` is no code."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw))
    if not text or text in _PLACEHOLDERS:
        return None, None
    text = text.lower() if text[:2].lower() == "bm" else text
    if not _CODE.match(text):
        return None, f"应为10位数字（国务院部门为 bm 加8位数字），实际为 {raw.strip()!r}"
    return text, None


def infer_kind(unit: str) -> SiteKind:
    """The kind of a site whose list gives none: a 人民政府's site is its portal, any other unit's a
    department site."""
    return SiteKind.PORTAL if unit.endswith("人民政府") else SiteKind.DEPARTMENT


def parse_kind(raw: str) -> tuple[SiteKind | None, str | None]:
    """``(kind, problem)`` for a 类型 cell; an empty cell is ``(None, None)`` (inferred later)."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw))
    if not text:
        return None, None
    kind = KIND_VARIANTS.get(text) or KIND_VARIANTS.get(text.lower())
    if kind is None:
        return None, f"应为 门户、部门 或 栏目，实际为 {raw.strip()!r}"
    return kind, None


def _rows_text(numbers: Sequence[int], limit: int = 10) -> str:
    shown = "、".join(str(number) for number in numbers[:limit])
    return f"第{shown}行" + (f"等{len(numbers)}行" if len(numbers) > limit else "")


def map_rows(table: Table, source: str) -> ImportOutcome:
    """The sites of a site list table, or every problem that stops its import.

    Each problem reads ``source:第N行 列名: what is wrong`` (the file's own header text as 列名). Blank rows
    are skipped; the same site twice (by :func:`site_key`, or by 网站标识码) is a problem naming both rows.
    """
    outcome = ImportOutcome(source)
    header = find_header(table.rows)
    if header is None:
        outcome.problems.append(
            f"{source}: 前{HEADER_SEARCH_ROWS}行中找不到表头：需要一行同时含“网站名称”（或 站点名称、名称）"
            f"和“首页网址”（或 网址、网站地址、首页地址、URL、域名）")
        return outcome
    outcome.header_row = header.row
    if Column.UNIT not in header.columns:
        variants = "、".join(HEADER_VARIANTS[Column.UNIT])
        outcome.problems.append(f"{source}:第{header.row}行 表头: 缺少“主办单位”列（可写作 {variants}）")
        return outcome
    if header.unused:
        outcome.warnings.append(f"{source}:第{header.row}行 表头: 未导入的列：{'、'.join(header.unused)}")
    inferred: list[int] = []
    schemeless: list[int] = []
    by_url: dict[str, int] = {}
    by_code: dict[str, int] = {}
    for row in table.rows:
        if row.number <= header.row or row.is_blank():
            continue
        if not any(_row_cell(row, header, column).strip() for column in (Column.NAME, Column.UNIT, Column.URL)):
            outcome.skipped.append(row.number)  # a 序号 alone, a 合计 or 注： line under the table
            continue
        site = _map_row(row, header, source, outcome.problems, inferred, schemeless)
        if site is None:
            continue
        url_title = header.titles[Column.URL]
        first = by_url.setdefault(site_key(site.url), row.number)
        if first != row.number:
            outcome.problems.append(f"{source}:第{row.number}行 {url_title}: 与第{first}行是同一网站（{site.url}）")
        if site.code:
            first = by_code.setdefault(site.code, row.number)
            if first != row.number:
                outcome.problems.append(
                    f"{source}:第{row.number}行 {header.titles[Column.CODE]}: 与第{first}行重复（{site.code}）")
        outcome.sites.append(site)
    if outcome.skipped:
        outcome.warnings.append(f"{source}: {_rows_text(outcome.skipped)}没有网站名称、主办单位和网址，已跳过")
    if schemeless:
        outcome.warnings.append(f"{source}: {_rows_text(schemeless)}的网址未写 http:// 或 https://，按 http:// 导入")
    if inferred:
        outcome.warnings.append(
            f"{source}: {_rows_text(inferred)}未写类型，按主办单位推断（以“人民政府”结尾为门户网站，其余为部门网站）")
    if not outcome.problems and not outcome.sites:
        outcome.problems.append(f"{source}: 表头（第{header.row}行）之下没有站点")
    if outcome.problems:
        outcome.sites = []
    return outcome


def _row_cell(row: TableRow, header: Header, column: Column) -> str:
    index = header.columns.get(column)
    return row.cells[index] if index is not None and index < len(row.cells) else ""


def _map_row(row: TableRow, header: Header, source: str, problems: list[str], inferred: list[int],
             schemeless: list[int]) -> ImportedSite | None:
    def cell(column: Column) -> str:
        return _row_cell(row, header, column)

    found: list[str] = []

    def problem(column: Column, text: str) -> None:
        found.append(f"{source}:第{row.number}行 {header.titles.get(column, COLUMN_TITLES[column])}: {text}")

    name, unit = _clean(cell(Column.NAME)), _clean(cell(Column.UNIT))
    if not name:
        problem(Column.NAME, "不能为空")
    if not unit:
        problem(Column.UNIT, "不能为空")
    url, url_problem, scheme_added = normalise_url(cell(Column.URL))
    if url_problem:
        problem(Column.URL, url_problem)
    code, code_problem = normalise_code(cell(Column.CODE))
    if code_problem:
        problem(Column.CODE, code_problem)
    kind, kind_problem = parse_kind(cell(Column.KIND))
    if kind_problem:
        problem(Column.KIND, kind_problem)
    if found or url is None:
        problems.extend(found)
        return None
    if kind is None:
        kind = infer_kind(unit)
        inferred.append(row.number)
    if scheme_added:
        schemeless.append(row.number)
    site = ImportedSite(row.number, name, unit, kind, url, code)
    try:
        Site.model_validate(site.as_scenario())
    except ValidationError as error:  # anything the scenario refuses that the checks above let through
        for item in error.errors():
            column = _BY_VALUE.get(str(item["loc"][0]) if item["loc"] else "", Column.URL)
            problem(column, str(item.get("ctx", {}).get("error", item["msg"])))
        problems.extend(found)
        return None
    return site


# ---------------------------------------------------------------------------------------------------------
# Writing the scenario (pure)


def suite_yaml(suite_name: str, sites: Iterable[ImportedSite], source_name: str) -> str:
    """The scenario text for ``sites``: a comment naming the list it came from, ``suite`` and ``sites``.

    The text is parsed back with :func:`checker.scenario.parse_suite` before it is returned, so what the
    caller writes is what ``govcheck validate`` accepts; a refusal raises :class:`ScenarioError`.
    """
    items = [site.as_scenario() for site in sites]
    body = yaml.safe_dump({"suite": suite_name, "sites": items}, allow_unicode=True, sort_keys=False,
                          default_flow_style=False, width=120)
    comment = (f"# 由 govcheck scenario import 从 {source_name} 导入（站点{len(items)}个）。\n"
               "# 可补充 as_of（监测时间点）、window（检查期）、rules、settings，见 README“场景文件”。\n")
    text = comment + body
    parse_suite(text, "<导入结果>")
    return text


def describe_counts(outcome: ImportOutcome) -> str:
    """``门户网站1个、部门网站3个`` for the kinds present."""
    return "、".join(f"{SITE_KIND_NAMES[kind].removeprefix('政府')}{count}个"
                    for kind, count in outcome.kind_counts().items() if count)


def import_site_list(path: Path, sheet: str | None = None) -> ImportOutcome:
    """Read a site list file and map its rows (:func:`read_table` then :func:`map_rows`); a file that
    cannot be read at all raises :class:`SiteListError`."""
    table = read_table(path, sheet)
    outcome = map_rows(table, str(path))
    outcome.sheet = table.sheet
    return outcome


__all__ = [
    "COLUMN_TITLES", "HEADER_VARIANTS", "KIND_VARIANTS", "Column", "Header", "ImportOutcome", "ImportedSite",
    "ScenarioError", "SiteListError", "Table", "TableRow", "decode_text", "describe_counts",
    "find_header", "import_site_list", "infer_kind", "map_rows", "normalise_code", "normalise_url",
    "parse_kind", "read_csv_bytes", "read_table", "site_key", "suite_yaml",
]
