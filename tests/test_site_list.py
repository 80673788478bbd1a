"""``govcheck scenario import``: an office's site list (.xlsx, .csv) read into a scenario (issue #15).

Pure tests: files are made in tmp_path, nothing opens a browser or the network.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from checker.cli import EXIT_BAD_INPUT, cli
from checker.scenario import SiteKind, load_suite
from checker.site_list import (
    SiteListError,
    Table,
    TableRow,
    find_header,
    import_site_list,
    map_rows,
    normalise_code,
    normalise_url,
    read_csv_bytes,
    site_key,
    suite_yaml,
)

HEADER = ["序号", "网站名称", "主办单位", "首页网址", "网站标识码", "类型"]
GOOD_ROWS = [
    ["1", "示例市人民政府门户网站", "示例市人民政府", "https://www.example.gov.cn/", "4400000001", "政府门户网站"],
    ["2", "示例市教育局", "示例市教育局", "https://www.example.gov.cn/bm/jyj/", "4400000012", "部门栏目"],
    ["3", "示例市交通运输局", "示例市交通运输局", "http://jtj.example.gov.cn", "4400000015", "部门网站"],
]


def csv_text(rows: list[list[str]], title: str | None = "示例市政府网站名录（2020年）") -> str:
    lines = [title] if title else []
    lines += [",".join(row) for row in rows]
    return "\r\n".join(lines) + "\r\n"


def table(rows: list[list[str]]) -> Table:
    return Table(tuple(TableRow(number, tuple(row)) for number, row in enumerate(rows, start=1)))


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes is not None else "")


# --- xlsx -------------------------------------------------------------------------------------------------


def make_workbook(path: Path, *, merge_unit: bool = False) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "网站名录"
    sheet.append(["示例市政府网站名录"])
    sheet.merge_cells("A1:F1")
    # Header in an unusual order and with variant names and notes.
    sheet.append(["网站类别", "网址（含http://）", "编号", "单位名称", "站点名称", "标识码"])
    sheet.append(["门户", "http://www.example.gov.cn/", 1, "示例市人民政府", "示例市人民政府门户网站", 4400000001])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["部门栏目", "http://www.example.gov.cn/bm/jyj/", 2, "示例市教育局", "示例市教育局",
                  4400000012.0])
    sheet.append([None, "http://www.example.gov.cn/bm/wjw/", 3, "示例市卫生健康委员会", "示例市卫健委", None])
    sheet.append([None, "http://wjw2.example.gov.cn/", 4, None if merge_unit else "示例市卫生健康委员会",
                  "示例市卫健委（新）", None])
    if merge_unit:
        sheet.merge_cells("D6:D7")
    book.save(path)
    return path


def test_xlsx_with_title_row_and_headers_in_odd_order(tmp_path: Path) -> None:
    outcome = import_site_list(make_workbook(tmp_path / "名录.xlsx"))
    assert outcome.problems == []
    assert outcome.sheet == "网站名录" and outcome.header_row == 2
    assert [(s.row, s.name, s.unit, s.kind, s.url, s.code) for s in outcome.sites] == [
        (3, "示例市人民政府门户网站", "示例市人民政府", SiteKind.PORTAL, "http://www.example.gov.cn/", "4400000001"),
        (5, "示例市教育局", "示例市教育局", SiteKind.CHANNEL, "http://www.example.gov.cn/bm/jyj/", "4400000012"),
        (6, "示例市卫健委", "示例市卫生健康委员会", SiteKind.DEPARTMENT, "http://www.example.gov.cn/bm/wjw/", None),
        (7, "示例市卫健委（新）", "示例市卫生健康委员会", SiteKind.DEPARTMENT, "http://wjw2.example.gov.cn/", None),
    ]
    assert any("第6、7行未写类型" in warning for warning in outcome.warnings)


def test_xlsx_merged_unit_cell_belongs_to_every_row_it_spans(tmp_path: Path) -> None:
    outcome = import_site_list(make_workbook(tmp_path / "名录.xlsx", merge_unit=True))
    assert outcome.problems == []
    assert [site.unit for site in outcome.sites][-2:] == ["示例市卫生健康委员会", "示例市卫生健康委员会"]


def test_xlsx_sheet_without_header_is_passed_over_and_sheet_option_chooses(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "名录.xlsx")
    from openpyxl import load_workbook

    book = load_workbook(path)
    notes = book.create_sheet("说明", 0)
    notes.append(["本表由办公室维护"])
    book.active = 0
    book.save(path)
    assert import_site_list(path).sheet == "网站名录"
    with pytest.raises(SiteListError, match="没有名为“其他”的工作表"):
        import_site_list(path, sheet="其他")
    assert "找不到表头" in import_site_list(path, sheet="说明").problems[0]


def test_old_xls_and_corrupt_xlsx_are_refused(tmp_path: Path) -> None:
    (tmp_path / "名录.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(SiteListError, match=r"另存为 \.xlsx 或 CSV"):
        import_site_list(tmp_path / "名录.xls")
    (tmp_path / "坏.xlsx").write_bytes(b"not a zip")
    with pytest.raises(SiteListError, match=r"坏\.xlsx: 无法读取 Excel 文件"):
        import_site_list(tmp_path / "坏.xlsx")
    with pytest.raises(SiteListError, match="找不到文件"):
        import_site_list(tmp_path / "无.csv")


# --- csv and encodings ------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_in_each_encoding_reads_the_same_sites(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "名录.csv"
    path.write_bytes(csv_text([HEADER, *GOOD_ROWS]).encode(encoding))
    outcome = import_site_list(path)
    assert outcome.problems == []
    assert [site.name for site in outcome.sites] == ["示例市人民政府门户网站", "示例市教育局", "示例市交通运输局"]
    assert [site.kind for site in outcome.sites] == [SiteKind.PORTAL, SiteKind.CHANNEL, SiteKind.DEPARTMENT]
    assert outcome.sites[2].url == "http://jtj.example.gov.cn/"
    assert [site.row for site in outcome.sites] == [3, 4, 5]


def test_gbk_bytes_are_not_mistaken_for_utf8() -> None:
    data = csv_text([HEADER, *GOOD_ROWS]).encode("gbk")
    assert read_csv_bytes(data, "x.csv").encoding == "gb18030"
    assert read_csv_bytes(data.decode("gbk").encode("utf-8"), "x.csv").encoding == "utf-8"


def test_tab_separated_text_and_undecodable_bytes(tmp_path: Path) -> None:
    rows = ["\t".join(row) for row in [HEADER, *GOOD_ROWS]]
    data = ("\r\n".join(rows) + "\r\n").encode("utf-16")
    parsed = read_csv_bytes(data, "x.txt")
    assert map_rows(parsed, "x.txt").problems == [] and len(map_rows(parsed, "x.txt").sites) == 3
    with pytest.raises(SiteListError, match="无法识别文件编码"):
        read_csv_bytes(b"\x81\x30\xff\xff", "x.csv")


# --- bad rows ---------------------------------------------------------------------------------------------


def test_each_bad_cell_is_named_by_file_row_and_column() -> None:
    rows = [
        ["示例市政府网站名录"],
        HEADER,
        GOOD_ROWS[0],
        ["2", "示例市教育局", "示例市教育局", "", "4400000012", "部门"],                   # missing URL
        ["3", "示例市民政局", "示例市民政局", "暂无", "4400000013", "部门"],                # not a URL
        ["4", "示例市财政局", "示例市财政局", "http://czj.example.gov.cn/", "44000001", "部门"],  # short code
        ["5", "示例市水务局", "示例市水务局", "http://swj.example.gov.cn/", "", "网站"],     # unknown type
        ["6", "示例市档案馆", "", "ftp://daj.example.gov.cn/", "", "部门"],                 # no unit, bad scheme
    ]
    outcome = map_rows(table(rows), "名录.csv")
    assert outcome.sites == []
    assert outcome.problems == [
        "名录.csv:第4行 首页网址: 不能为空",
        "名录.csv:第5行 首页网址: 不是有效的网址：'暂无'（主机名无效）",
        "名录.csv:第6行 网站标识码: 应为10位数字（国务院部门为 bm 加8位数字），实际为 '44000001'",
        "名录.csv:第7行 类型: 应为 门户、部门 或 栏目，实际为 '网站'",
        "名录.csv:第8行 主办单位: 不能为空",
        "名录.csv:第8行 首页网址: 网址必须以 http:// 或 https:// 开头，实际为 'ftp://daj.example.gov.cn/'",
    ]


def test_problems_use_the_files_own_header_text() -> None:
    rows = [["站点名称", "单位名称", "域名"], ["示例网", "示例市人民政府", "示例市政府网"]]
    assert map_rows(table(rows), "a.csv").problems == ["a.csv:第2行 域名: 不是有效的网址：'示例市政府网'（主机名无效）"]


@pytest.mark.parametrize(
    ("urls", "first", "second"),
    [
        (("http://www.example.gov.cn", "https://WWW.example.gov.cn/index.html"), 3, 4),
        (("www.example.gov.cn/bm/jyj/", "http://www.example.gov.cn:80/bm/jyj"), 3, 4),
    ],
)
def test_duplicate_urls_name_both_rows(urls: tuple[str, str], first: int, second: int) -> None:
    rows = [["名录"], HEADER,
            ["1", "甲", "示例市人民政府", urls[0], "", ""], ["2", "乙", "示例市人民政府", urls[1], "", ""]]
    outcome = map_rows(table(rows), "名录.xlsx")
    assert outcome.sites == []
    assert len(outcome.problems) == 1
    assert outcome.problems[0].startswith(f"名录.xlsx:第{second}行 首页网址: 与第{first}行是同一网站")


def test_duplicate_codes_name_both_rows_and_distinct_paths_are_not_duplicates() -> None:
    rows = [HEADER,
            ["1", "门户", "示例市人民政府", "http://www.example.gov.cn/", "4400000001", "门户"],
            ["2", "教育", "示例市教育局", "http://www.example.gov.cn/bm/jyj/", "4400000002", "栏目"],
            ["3", "卫健", "示例市卫健委", "http://wjw.example.gov.cn/", "4400000001", "部门"]]
    outcome = map_rows(table(rows), "名录.csv")
    assert outcome.problems == ["名录.csv:第4行 网站标识码: 与第2行重复（4400000001）"]


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_the_file() -> None:
    rows = [["标题"], [], HEADER, ["", "", "", "", "", ""], GOOD_ROWS[0], ["  ", ""],
            ["9", "乙", "示例市民政局", "bad url here", "", ""], ["合计：1个", "", "", "", "", ""]]
    outcome = map_rows(table(rows), "f.csv")
    assert outcome.problems == ["f.csv:第7行 首页网址: 不是有效的网址：'bad url here'"]
    assert outcome.skipped == [8]


def test_no_header_row_and_missing_unit_column_are_problems() -> None:
    assert "找不到表头" in map_rows(table([["名称", "地址"], ["a", "b"]]), "f.csv").problems[0]
    problems = map_rows(table([["网站名称", "网址"], ["a", "http://a.gov.cn/"]]), "f.csv").problems
    assert problems[0].startswith("f.csv:第1行 表头: 缺少“主办单位”列")
    assert map_rows(table([HEADER, ["", "", "", "", "", ""]]), "f.csv").problems == ["f.csv: 表头（第1行）之下没有站点"]


def test_header_variants_prefer_the_named_column() -> None:
    header = find_header(table([["域名", "网站名称", "首页网址", "主办单位名称"]]).rows)
    assert header is not None
    assert header.columns["url"] == 2 and header.titles["url"] == "首页网址"
    assert header.unused == ("域名",)


# --- cell normalisation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "url", "added"),
    [
        ("www.example.gov.cn", "http://www.example.gov.cn/", True),
        ("ｈｔｔｐｓ：／／ｗｗｗ．ｅｘａｍｐｌｅ．ｇｏｖ．ｃｎ", "https://www.example.gov.cn/", False),
        (" HTTP://WWW.Example.gov.cn/Bm/ ", "http://www.example.gov.cn/Bm/", False),
        ("10.20.1.5:8080/portal/", "http://10.20.1.5:8080/portal/", True),
        ("http://政府.cn/", "http://政府.cn/", False),
        ("www.example.gov.cn。", "http://www.example.gov.cn/", True),
    ],
)
def test_urls_are_normalised(raw: str, url: str, added: bool) -> None:
    assert normalise_url(raw) == (url, None, added)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("http://a.gov.cn/ http://b.gov.cn/", "一格中只能有一个网址"),
        ("mailto:office@example.gov.cn", "网址必须以 http:// 或 https:// 开头"),
        ("http://300.1.1", "主机名无效"),
        ("http://user:pw@a.gov.cn/", "不应含用户名或密码"),
        ("http://a.gov.cn:99999/", "不是有效的网址"),
        ("无", "主机名无效"),
    ],
)
def test_bad_urls_are_problems(raw: str, problem: str) -> None:
    url, message, _added = normalise_url(raw)
    assert url is None and message is not None and problem in message


def test_codes_and_site_keys() -> None:
    assert normalise_code(" 4400000001 ") == ("4400000001", None)
    assert normalise_code("BM01000001") == ("bm01000001", None)
    assert normalise_code("无") == (None, None)
    assert normalise_code("440000000A")[1] is not None
    assert site_key("http://A.gov.cn/index.html") == site_key("https://a.gov.cn") == "a.gov.cn"
    assert site_key("http://a.gov.cn:8080/") != site_key("http://a.gov.cn/")


def test_suite_yaml_is_a_valid_scenario_that_round_trips(tmp_path: Path) -> None:
    outcome = map_rows(table([HEADER, *GOOD_ROWS]), "名录.csv")
    text = suite_yaml("示例市2020年抽查", outcome.sites, "名录.csv")
    path = tmp_path / "suite.yaml"
    path.write_text(text, encoding="utf-8")
    suite = load_suite(path)
    assert suite.suite == "示例市2020年抽查"
    assert [(s.name, s.kind, s.url, s.code) for s in suite.sites] == [
        (s.name, s.kind, s.url, s.code) for s in outcome.sites]
    assert "code: '4400000001'" in text  # kept as text, not read back as a number


# --- the command ------------------------------------------------------------------------------------------


def test_cli_import_then_validate(tmp_path: Path) -> None:
    source = tmp_path / "名录.csv"
    source.write_bytes(csv_text([HEADER, *GOOD_ROWS]).encode("gb18030"))
    out = tmp_path / "suite.yaml"
    code, output = run_cli("scenario", "import", str(source), "-o", str(out), "--suite", "示例抽查")
    assert code == 0, output
    assert "导入站点3个" in output
    assert load_suite(out).suite == "示例抽查"
    code, output = run_cli("validate", str(out))
    assert code == 0 and "场景文件有效" in output


def test_cli_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    source = tmp_path / "名录.csv"
    source.write_text(csv_text([HEADER, *GOOD_ROWS]), encoding="utf-8")
    out = tmp_path / "suite.yaml"
    out.write_text("keep", encoding="utf-8")
    code, output = run_cli("scenario", "import", str(source), "-o", str(out))
    assert code == EXIT_BAD_INPUT and "已存在" in output
    assert out.read_text(encoding="utf-8") == "keep"
    code, output = run_cli("scenario", "import", str(source), "-o", str(out), "--force")
    assert code == 0, output
    assert load_suite(out).suite == "名录"


def test_cli_bad_rows_exit_3_and_write_nothing(tmp_path: Path) -> None:
    rows = [HEADER] + [
        [str(i), f"站点{i}", f"示例市第{i}局", f"http://s{i}.example.gov.cn/", f"44{i:08d}", "部门"]
        for i in range(1, 51)
    ]
    rows[7][3] = ""                 # 第8行 (file row 9 with the title line)
    rows[20][4] = "12345"
    rows[33][3] = rows[2][3]        # same site as an earlier row
    source = tmp_path / "名录.csv"
    source.write_text(csv_text(rows), encoding="utf-8")
    out = tmp_path / "sub" / "suite.yaml"
    code, output = run_cli("scenario", "import", str(source), "-o", str(out))
    assert code == EXIT_BAD_INPUT
    assert f"{source}:第9行 首页网址: 不能为空" in output
    assert f"{source}:第22行 网站标识码:" in output
    assert f"{source}:第35行 首页网址: 与第4行是同一网站" in output
    assert "有 3 处错误" in output
    assert not out.exists() and not out.parent.exists()


def test_cli_unreadable_list_exits_3(tmp_path: Path) -> None:
    code, output = run_cli("scenario", "import", str(tmp_path / "无.xlsx"), "-o", str(tmp_path / "s.yaml"))
    assert code == EXIT_BAD_INPUT and "找不到文件" in output
    assert not (tmp_path / "s.yaml").exists()


def test_missing_type_is_inferred_from_the_unit() -> None:
    rows = [["网站名称", "主办单位", "网址"],
            ["示例县政府网", "示例县人民政府", "http://xian.example.gov.cn/"],
            ["示例县人民政府办公室网站", "示例县人民政府办公室", "http://bgs.example.gov.cn/"]]
    outcome = map_rows(table(rows), "f.csv")
    assert [site.kind for site in outcome.sites] == [SiteKind.PORTAL, SiteKind.DEPARTMENT]
    assert "f.csv: 第2、3行未写类型" in outcome.warnings[-1]
