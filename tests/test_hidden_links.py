"""暗链: hidden links leading off the government's domains are found and recorded with evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.checks.hidden_links import HiddenLink, judge_hidden_links, off_domain
from checker.engine import RunOptions
from checker.scenario import parse_suite
from tests.conftest import run_in_thread
from tests.hostile import HostileServer


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("http://casino.example.com/", True),
        ("http://127.0.0.1:8000/x", False),
        ("https://www.other.gov.cn/", False),
        ("https://gov.cn/", False),
        ("http://evil-gov.cn.example.com/", True),
        ("https://sub.site.test/", False),
    ],
)
def test_off_domain(href: str, expected: bool) -> None:
    assert off_domain(href, "http://site.test/" if "site.test" in href else "http://127.0.0.1:8000/") is expected


def test_judge_keeps_only_external_hidden_links() -> None:
    links = [HiddenLink("http://casino.example.com/", "博彩", "display:none", "", "1"),
             HiddenLink("http://127.0.0.1:8000/a", "内部", "display:none", "", "2")]
    assert [link.text for link in judge_hidden_links(links, "http://127.0.0.1:8000/")] == ["博彩"]


@pytest.mark.browser
def test_dark_links_on_a_page_are_recorded_with_evidence(tmp_path: Path) -> None:
    with HostileServer() as server:
        site = f"  - {{name: 测试站, unit: 测试单位, url: '{server.base_url}darklinks'}}\n"
        suite = parse_suite(f"suite: 暗链测试\nas_of: 2020-11-06\nsites:\n{site}")
        result = run_in_thread(suite, RunOptions(tmp_path))
    record = next(r for r in result.sites[0].checks if r.check == "hidden_links")
    hidden = (("博彩", "display:none"), ("网贷", "移出可视区域"), ("药品", "尺寸为零"), ("游戏", "文字颜色与背景相同"))
    for text, reason in hidden:
        assert f"{text} → " in record.note and reason in record.note, (text, record.note)
    assert "疑似暗链4个" in record.note
    for decoy in ("合作网站", "内部隐藏", "兄弟政府网站"):
        assert decoy not in record.note
    assert record.evidence and all((tmp_path / e.path).exists() for e in record.evidence)


@pytest.mark.browser
def test_a_suite_can_name_the_rule_dark_links_are_reported_under(tmp_path: Path) -> None:
    with HostileServer() as server:
        site = f"  - {{name: 测试站, unit: 测试单位, url: '{server.base_url}darklinks'}}\n"
        rules = "rules: {hidden_links: {indicator: content.typo, severity: veto}}\n"
        suite = parse_suite(f"suite: 暗链测试\nas_of: 2020-11-06\n{rules}sites:\n{site}")
        result = run_in_thread(suite, RunOptions(tmp_path))
    dark = [f for f in result.sites[0].findings if f.title == "疑似暗链"]
    assert sorted(f.target for f in dark) == sorted(
        ["http://casino.example.com/", "http://loan.example.net/", "http://pills.example.org/", "http://game.example.com/"]
    )
    assert {f.severity.value for f in dark} == {"veto"}
    assert all({e.role for e in f.evidence} == {"page", "element"} for f in dark)


def test_an_unknown_rule_id_is_rejected() -> None:
    from checker.scenario import ScenarioError

    with pytest.raises(ScenarioError, match="未知指标编号"):
        parse_suite("suite: x\nrules: {hidden_links: {indicator: dark.links}}\nsites:\n  - {name: a, unit: b, url: 'http://x/'}\n")
