"""Scenario files: valid suites load, bad ones name the file and line."""

from pathlib import Path

import pytest

from checker.scenario import ScenarioError, SiteKind, load_suite, parse_suite

ROOT = Path(__file__).resolve().parents[1]

MINIMAL = """\
suite: 示例市2020年第三季度政府网站抽查
as_of: 2020-11-06
window: {start: 2020-10-19, end: 2020-11-06}
sites:
  - name: 示例市人民政府门户网站
    unit: 示例市人民政府
    kind: portal
    url: https://www.example.gov.cn/
"""


def test_minimal_suite_from_the_issue() -> None:
    suite = parse_suite(MINIMAL)
    assert suite.as_of.isoformat() == "2020-11-06"
    assert suite.sites[0].kind is SiteKind.PORTAL
    assert suite.rules.freshness.home_max_age == "14d"


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml")))
def test_bundled_scenarios_validate(name: str) -> None:
    assert load_suite(ROOT / "scenarios" / name).sites


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (MINIMAL.replace("    kind: portal", "    kind: portal\n    colour: red"), "x.yaml:8: sites[0].colour: 不认识"),
        (MINIMAL.replace("https://www.example.gov.cn/", "ftp://example.gov.cn/"), "x.yaml:8: sites[0].url: 网址必须以"),
        (MINIMAL.replace("as_of: 2020-11-06", "as_of: 2020-02-30"), "x.yaml:2: as_of: 日期无效"),
        (MINIMAL.replace("    unit: 示例市人民政府\n", ""), "x.yaml:5: sites[0].unit: 缺少必填项"),
        (MINIMAL.replace("kind: portal", "kind: website"), "x.yaml:7: sites[0].kind: 取值不在允许范围内"),
        (MINIMAL.replace("end: 2020-11-06", "end: 2020-10-01"), "x.yaml:3: window: 检查期的开始日期晚于结束日期"),
        (MINIMAL + "  - name: [\n", "x.yaml:"),
        ("suite: x\nsites: []\n", "x.yaml:2: sites: 不能为空"),
        ("- just\n- a list\n", "x.yaml:1: 场景文件的顶层应为键值映射"),
        ("", "x.yaml: 文件为空"),
        (MINIMAL + "settings:\n  browser_build: shell\n", "x.yaml:10: settings.browser_build: 取值不在允许范围内"),
        (
            MINIMAL + "rules:\n  deductions:\n    column.stale: {points: 1, cap: 1}\n",
            "x.yaml:10: rules.deductions: 未知指标编号: column.stale",
        ),
    ],
)
def test_errors_name_file_and_line(text: str, expected: str) -> None:
    with pytest.raises(ScenarioError) as raised:
        parse_suite(text, "x.yaml")
    assert expected in str(raised.value)


def test_the_browser_build_is_the_shell_unless_the_suite_asks_for_the_full_chromium() -> None:
    assert parse_suite(MINIMAL).settings.browser_build == "auto"
    assert parse_suite(MINIMAL + "settings:\n  browser_build: full\n").settings.browser_build == "full"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="找不到场景文件"):
        load_suite(tmp_path / "nope.yaml")


def test_channel_scope_is_its_folder() -> None:
    suite = parse_suite(MINIMAL.replace("kind: portal", "kind: channel").replace(".cn/", ".cn/bm/jyj/index.html"))
    assert suite.sites[0].scope_prefix() == "https://www.example.gov.cn/bm/jyj/"
    assert parse_suite(MINIMAL).sites[0].scope_prefix() == "https://www.example.gov.cn/"


def test_rebase_moves_site_urls() -> None:
    suite = parse_suite(MINIMAL).rebase("https://www.example.gov.cn/", "http://127.0.0.1:5000/")
    assert suite.sites[0].url == "http://127.0.0.1:5000/"


def test_sites_at_once_is_three_with_a_headless_shell_and_two_with_the_full_chromium() -> None:
    default = parse_suite(MINIMAL).settings
    assert default.sites_at_once(full_build=False) == 3
    assert default.sites_at_once(full_build=True) == 2  # a third site takes the full build past 1 GiB
    chosen = parse_suite(MINIMAL + "settings:\n  concurrency: 4\n").settings
    assert chosen.sites_at_once(full_build=True) == chosen.sites_at_once(full_build=False) == 4
    assert parse_suite(MINIMAL + "settings:\n  concurrency: 1\n").settings.sites_at_once(full_build=False) == 1
