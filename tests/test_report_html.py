"""The HTML report: hostile results escaped, safe links, pass rate, evidence thumbnails, Chinese labels."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from checker.reports.html import CSP, render_report, write_report
from checker.results import (
    CheckRecord,
    CheckStatus,
    ColumnRecord,
    Evidence,
    Finding,
    RunResult,
    Severity,
    SiteResult,
    Verdict,
    read_results,
    write_results,
)

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
WHEN = datetime(2020, 11, 6, 2, 30, tzinfo=UTC)  # 10:30 Beijing time
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Elements(HTMLParser):
    """Every start tag with its attributes, and whether the tags balance."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.open: list[str] = []
        self.unbalanced: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record the tag; remember it until its end tag."""
        self.tags.append((tag, {key: value or "" for key, value in attrs}))
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        """Check the end tag closes the innermost open element."""
        if self.open and self.open[-1] == tag:
            self.open.pop()
        else:
            self.unbalanced.append(tag)

    def handle_data(self, data: str) -> None:
        """Keep the visible text."""
        self.text.append(data)


def parse(document: str) -> Elements:
    """Parse a rendered report."""
    parser = Elements()
    parser.feed(document)
    parser.close()
    return parser


def evidence(path: str, role: str, sha: str = "ab" * 32) -> Evidence:
    """An evidence record."""
    return Evidence(role=role, path=path, sha256=sha, url="http://www.jiangmen.gov.cn/", captured_at=WHEN)


def hostile_site() -> SiteResult:
    """A failed site whose every string tries to break out of the page."""
    findings = [
        Finding(
            indicator="link.broken", severity=Severity.DEDUCTION, title=f"首页链接不可用{SCRIPT}",
            detail=f"链接 {BREAKOUT} 返回 HTTP 404", url="javascript:alert(1)", target="../../etc/passwd",
            seen_at=WHEN,
            evidence=[evidence("../../etc/passwd", "page"), evidence("/etc/shadow", "element")],
        ),
        Finding(
            indicator="column.not_updated", severity=Severity.VETO, title="栏目“工作动态”超过14天未更新",
            detail="最新信息 2020-09-30，超过14天。", url="http://www.jiangmen.gov.cn/gzdt/?a=1&b=<2>",
            target="工作动态", seen_at=WHEN,
            evidence=[
                evidence("evidence/site-01/1111aaaa2222bbbb3333.png", "page", "11" * 32),
                evidence("evidence/site-01/4444cccc5555dddd6666.png", "element", "44" * 32),
            ],
        ),
        Finding(
            indicator="column.not_updated", severity=Severity.DEDUCTION,
            title="栏目“通知公告”超过6个月未更新", detail="最新信息 2020-03-01。",
            url=" JaVaScRiPt:alert(2)", target="通知公告", seen_at=WHEN,
            evidence=[evidence("evidence/site-01/证据 1.png", "element")],
        ),
    ]
    return SiteResult(
        name=f"江门市人民政府{SCRIPT}", unit=f"江门市人民政府办公室{BREAKOUT}", kind="portal",
        url="javascript:alert(3)", verdict=Verdict.FAIL, score=None,
        veto_reasons=[f"栏目不更新（column.not_updated）：5项{SCRIPT}"], findings=findings,
        checks=[
            CheckRecord(check="availability", status=CheckStatus.DONE, note="探测3次"),
            CheckRecord(check="newmedia_qr", status=CheckStatus.ERROR, note=f"超时{SCRIPT}"),
            CheckRecord(check="interaction", status=CheckStatus.SKIPPED, note="场景未开启"),
        ],
        columns=[
            ColumnRecord(
                name=f"工作动态{SCRIPT}", url="http://www.jiangmen.gov.cn/gzdt/", column_class="dynamic",
                items=20, latest=date(2020, 9, 30), path=[f"政务公开{BREAKOUT}", f"工作动态{SCRIPT}"],
                verdict="stale", note=f"最新信息超过14天{SCRIPT}",
            ),
            ColumnRecord(
                name="专题", url="javascript:alert(4)", column_class=f"dynamic{SCRIPT}", verdict=f"odd{BREAKOUT}",
            ),
        ],
        qr_payloads=["https://mp.weixin.qq.com/s/abc", f"javascript:{SCRIPT}"],
    )


def passing_site(number: int, kind: str) -> SiteResult:
    """A passed site without findings."""
    return SiteResult(name=f"部门{number}", unit=f"单位{number}", kind=kind, url=f"https://d{number}.gov.cn/",
                      verdict=Verdict.PASS, score=95.5)


def run(sites: list[SiteResult], **extra: object) -> RunResult:
    """A run over the given sites, Jiangmen 2020 Q3 style."""
    values: dict[str, object] = {
        "suite": f"江门市2020年第三季度政府网站抽查{SCRIPT}", "as_of": date(2020, 11, 6),
        "window_start": date(2020, 10, 19), "window_end": date(2020, 11, 6),
        "rule_set": "国办秘函〔2019〕19号",
        "started_at": datetime(2020, 11, 6, 1, 0, tzinfo=UTC), "finished_at": WHEN, "sites": sites,
        "tool_version": "0.1.0",
    }
    values.update(extra)
    return RunResult.model_validate(values)


@pytest.fixture
def jiangmen() -> RunResult:
    """21 sites, one failed: 7 portals, 12 channels, 2 departments."""
    sites = [hostile_site()]
    sites += [passing_site(n, "portal") for n in range(2, 8)]
    sites += [passing_site(n, "channel") for n in range(8, 20)]
    sites += [passing_site(n, "department") for n in range(20, 22)]
    return run(sites)


def test_hostile_strings_are_escaped(jiangmen: RunResult) -> None:
    document = render_report(jiangmen)
    assert "<script" not in document.lower()
    assert "<img src=x" not in document
    page = parse(document)
    assert not page.unbalanced and not page.open
    assert all(tag not in ("script", "iframe", "object", "embed", "form", "base") for tag, _ in page.tags)
    for tag, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
    assert [attrs["src"] for tag, attrs in page.tags if tag == "img" and attrs.get("src") == "x"] == []
    text = "".join(page.text)
    assert SCRIPT in text and BREAKOUT in text  # shown to the reader as the text it is


def test_links_go_only_to_http_and_to_evidence_inside_the_folder(jiangmen: RunResult) -> None:
    page = parse(render_report(jiangmen))
    targets = [attrs[key] for _, attrs in page.tags for key in ("href", "src") if key in attrs]
    assert targets
    for target in targets:
        assert target.startswith(("http://", "https://", "#site-", "#sites", "evidence/")), target
        assert "javascript" not in target.lower() and ".." not in target
    assert "etc/passwd" not in " ".join(targets) and "etc/shadow" not in " ".join(targets)
    external = [attrs for tag, attrs in page.tags if tag == "a" and attrs.get("href", "").startswith("http")]
    assert external and all(attrs.get("rel") == "noopener noreferrer" for attrs in external)
    assert "javascript:alert(1)" in "".join(page.text)  # the bad URL is still reported, as text


def test_content_security_policy_and_no_scripts(jiangmen: RunResult) -> None:
    page = parse(render_report(jiangmen))
    metas = [attrs for tag, attrs in page.tags if tag == "meta" and attrs.get("http-equiv")]
    assert metas == [{"http-equiv": "Content-Security-Policy", "content": CSP}]
    assert "default-src 'none'" in CSP and "script-src" not in CSP
    assert not [attrs for _, attrs in page.tags if "style" in attrs]  # inline style sheet only, no attributes


def test_pass_rate_and_summary(jiangmen: RunResult) -> None:
    document = render_report(jiangmen)
    assert "95.24%" in document
    assert "本次共检查网站 21 个" in document
    assert "合格 20 个，不合格 1 个" in document
    for label in ("政府门户网站", "部门网站", "部门栏目"):
        assert label in document
    assert "85.71%" in document  # portals: 6 of 7


def test_evidence_thumbnails_link_to_their_files_element_first(jiangmen: RunResult) -> None:
    document = render_report(jiangmen)
    page = parse(document)
    crop, whole = "evidence/site-01/4444cccc5555dddd6666.png", "evidence/site-01/1111aaaa2222bbbb3333.png"
    links = [attrs for tag, attrs in page.tags if tag == "a" and attrs.get("href") in (crop, whole)]
    images = [attrs["src"] for tag, attrs in page.tags if tag == "img"]
    assert [attrs["href"] for attrs in links] == [crop, whole]
    assert crop in images and whole in images
    assert links[0]["title"].startswith("SHA-256 " + "44" * 8)
    assert "evidence/site-01/%E8%AF%81%E6%8D%AE%201.png" in images  # each segment URL-quoted
    assert document.index("问题位置") < document.index("整页截图")
    assert "证据路径无效" in document


def test_chinese_labels_and_structure(jiangmen: RunResult) -> None:
    document = render_report(jiangmen)
    for label in (
        "监测时间点", "2020-11-06", "检查期", "2020-10-19 至 2020-11-06", "国办秘函〔2019〕19号", "合格率",
        "不合格", "单项否决", "扣分", "整页截图", "问题位置", "栏目不更新（column.not_updated）",
        "链接不可用（link.broken）", "检查覆盖情况", "栏目清单", "动态要闻类", "页脚二维码内容", "出错",
        "未检查", "场景未开启", "<details", 'lang="zh-CN"',
    ):
        assert label in document, label
    assert "2020-11-06 09:00:00" in document  # started_at 01:00 UTC shown in Beijing time
    assert "2020-11-06 10:30:00" in document
    assert document.index("栏目不更新（column.not_updated）") < document.index("链接不可用（link.broken）")


def test_vetoed_score_is_a_dash_and_scores_drop_trailing_zeros(jiangmen: RunResult) -> None:
    document = render_report(jiangmen)
    assert "—（单项否决，不计分）" in document
    assert '<td class="num">—</td>' in document
    assert '<td class="num">95.5</td>' in document


def test_without_window_or_sites() -> None:
    document = render_report(run([], window_start=None, window_end=None))
    assert "检查期" not in document
    assert "本次共检查网站 0 个" in document
    parse(document)


def test_write_report_round_trips_through_results_json(jiangmen: RunResult, tmp_path: Path) -> None:
    write_results(jiangmen, tmp_path)
    path = write_report(read_results(tmp_path), tmp_path)
    assert path == tmp_path / "report.html"
    assert path.read_text(encoding="utf-8") == render_report(jiangmen)


def inventory_site(columns: list[ColumnRecord]) -> SiteResult:
    """A passed portal whose inventory holds the given columns."""
    return SiteResult(name="示例市人民政府", unit="示例市人民政府办公室", kind="portal",
                      url="http://www.example.gov.cn/", verdict=Verdict.PASS, score=98, columns=columns)


def column(name: str, verdict: str, *path: str, **extra: object) -> ColumnRecord:
    """A column record reached through ``path`` with the given verdict."""
    values: dict[str, object] = {
        "name": name, "url": f"http://www.example.gov.cn/{len(name)}/", "column_class": "notice",
        "items": 12, "latest": date(2020, 10, 1), "path": list(path), "verdict": verdict,
    }
    values.update(extra)
    return ColumnRecord.model_validate(values)


def _inventory_rows(document: str) -> list[list[str]]:
    """The text of each body row of the 栏目清单 table."""
    table = document[document.index("<h4>栏目清单</h4>"):]
    table = table[table.index("<tbody>"):table.index("</tbody>")]
    return [
        ["".join(parse("<td" + cell.split("</td>")[0] + "</td>").text) for cell in row.split("<td")[1:]]
        for row in table.split("<tr")[1:]
    ]


def test_column_inventory_lists_problems_first_with_paths_and_counts() -> None:
    columns = [
        column("工作动态", "fresh", "新闻中心", "工作动态", column_class="dynamic", pages_read=3),
        column("人事信息", "unread", "政务公开", "人事信息", note="无法打开（HTTP 503）", items=0, latest=None),
        column("规划计划", "stale", "政务公开", "政府信息公开目录", "规划计划", column_class="yearly",
               latest=date(2019, 6, 1)),
        column("机构概况", "static_ok", "政务公开", "机构概况", column_class="static", latest=None),
        column("专项工作", "empty", "专题专栏", "专项工作", items=0, latest=None),
        column("通知公告", "undated", "通知公告", latest=None),
        column("财政预决算", "unread", note="超出页面预算，未读取", items=0, latest=None),
    ]
    document = render_report(run([inventory_site(columns)]))
    assert "共发现栏目7个：正常1个，超期未更新1个，无日期1个，空白1个，静态页面1个，未能读取2个。" in document
    assert "栏目明细（7 个，其中存在问题 3 个）" in document
    rows = _inventory_rows(document)
    assert [row[0].split("http")[0] for row in rows] == [
        "规划计划", "通知公告", "专项工作", "人事信息", "财政预决算", "工作动态", "机构概况",
    ]
    assert rows[0][1] == "首页 › 政务公开 › 政府信息公开目录 › 规划计划"
    assert rows[0][2:6] == ["人事规划计划类", "12", "2019-06-01", "超期未更新"]
    assert rows[3][3:] == ["—", "—", "未能读取", "无法打开（HTTP 503）"]
    assert rows[4][1] == "—" and rows[4][6] == "超出页面预算，未读取"  # no path recorded
    assert rows[5][5:] == ["正常", "翻阅列表3页"]
    assert rows[6][2] == "无更新时限类" and rows[6][5] == "静态页面"
    start = document.index("<h4>栏目清单</h4>")
    section = parse(document[start:document.index("</section>", start)])
    links = [attrs["href"] for tag, attrs in section.tags if tag == "a"]
    order = [2, 5, 4, 1, 6, 0, 3]
    assert links == [columns[n].url for n in order]  # every name links to its column
    assert document.count('<tr class="col-problem">') == 3
    assert "<details class=\"warn\" open>" in document


def test_column_inventory_escapes_site_text(jiangmen: RunResult) -> None:
    document = render_report(jiangmen)
    section = document[document.index("<h4>栏目清单</h4>"):document.index("页脚二维码内容")]
    assert "<script" not in section.lower() and "<img" not in section
    text = "".join(parse(section).text)
    assert f"首页 › 政务公开{BREAKOUT} › 工作动态{SCRIPT}" in text
    assert f"最新信息超过14天{SCRIPT}" in text and f"odd{BREAKOUT}" in text and f"dynamic{SCRIPT}" in text
    assert 'href="javascript' not in section and "javascript:alert(4)" in text  # shown, never linked
    assert "共发现栏目2个：正常0个，超期未更新1个，空白0个，未能读取0个，其他结论1个" in text
    assert text.index(f"工作动态{SCRIPT}") < text.index("专题")


def test_column_inventory_of_old_results_without_verdicts(tmp_path: Path) -> None:
    site = inventory_site([]).model_dump(mode="json")
    site["columns"] = [
        {"name": "教育动态", "url": "http://www.example.gov.cn/jydt/", "column_class": "dynamic",
         "source": "navigation", "items": 15, "latest": "2020-09-30"},
        {"name": "通知公告", "url": "http://www.example.gov.cn/tzgg/", "column_class": "notice"},
    ]
    payload = run([]).model_dump(mode="json", by_alias=True)
    payload["sites"] = [site]
    (tmp_path / "results.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    result = read_results(tmp_path)
    assert result.sites[0].columns[0].path == [] and result.sites[0].columns[0].pages_read == 1
    document = render_report(result)
    assert "共发现栏目2个：正常0个，超期未更新0个，空白0个，未能读取0个，未判定2个。" in document
    rows = _inventory_rows(document)
    assert [row[0].split("http")[0] for row in rows] == ["教育动态", "通知公告"]  # the order read
    assert rows[0][1:] == ["—", "动态要闻类", "15", "2020-09-30", "未判定", "—"]
    assert not parse(document).unbalanced


def test_long_column_inventory_starts_folded() -> None:
    columns = [column(f"栏目{n}", "fresh", "政务公开", f"栏目{n}") for n in range(40)]
    document = render_report(run([inventory_site(columns)]))
    assert "<details>" + "<summary>栏目明细（40 个，其中存在问题 0 个）" in document
    assert "共发现栏目40个：正常40个" in document
    assert render_report(run([inventory_site([])])).count("栏目清单") == 0
