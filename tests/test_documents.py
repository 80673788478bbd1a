"""整改通知 (.docx and .html) and 通报: structure, texts, embedded screenshots, CJK fonts; LibreOffice rendering."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocumentType
from docx.oxml.ns import qn
from PIL import Image

from checker.documents import load_settings, write_documents
from checker.reports.bulletin import render_bulletin
from checker.reports.notice_docx import ANNEX_HEADERS, HEADERS, SHOT_CM_PER_PX, render_notice_docx
from checker.reports.notice_html import render_notice_html
from checker.reports.notice_model import DocumentSettings, column_annexes, unit_notices
from checker.results import ColumnRecord, RunResult, SiteResult, Verdict
from tests.document_sample import WHEN, sample_run

SETTINGS = DocumentSettings(deadline="2020年12月1日前", issuer="示例市政务公开办", issued_on=date(2020, 11, 10))


def _texts(document: DocumentType) -> str:
    parts = [p.text for p in document.paragraphs]
    for grid in document.tables:
        parts += [cell.text for row in grid.rows for cell in row.cells]
    return "\n".join(parts)


def test_one_notice_per_unit_with_counted_problems(tmp_path: Path) -> None:
    notices = unit_notices(sample_run(tmp_path))
    assert [n.unit for n in notices] == ["示例市教育局", "示例市卫生健康委员会"]
    assert len(notices[0].rows) == 3
    assert len(notices[1].rows) == 1  # the advisory typo is not a problem to rectify


def test_advisories_are_told_apart_as_prompts_not_problems(tmp_path: Path) -> None:
    result = sample_run(tmp_path)
    health = unit_notices(result)[1]
    assert [row.finding.indicator for _, row in health.advisories] == ["content.typo"]
    docx_text = _texts(render_notice_docx(health, result, tmp_path, SETTINGS))
    html_text = render_notice_html(health, result, SETTINGS)
    for text in (docx_text, html_text):
        assert "提示事项" in text and "不扣分" in text and "疑似错别字" in text
    assert "提示事项" not in _texts(render_notice_docx(unit_notices(result)[0], result, tmp_path, SETTINGS))


def test_notice_docx_rows_images_rule_and_fonts(tmp_path: Path) -> None:
    result = sample_run(tmp_path)
    notice = unit_notices(result)[0]
    document = render_notice_docx(notice, result, tmp_path, SETTINGS)
    facts, problems = document.tables
    assert "4400000012" in facts.rows[1].cells[3].text
    assert [c.text for c in problems.rows[0].cells] == HEADERS
    assert len(problems.rows) == 1 + 2 * 3  # a facts row and a full-width screenshot row per problem
    first = problems.rows[1].cells
    assert first[1].text == "首页不更新（单项否决）"
    assert "2020-09-30" in first[2].text and "14天" in first[2].text
    assert first[4].text == "2020-11-06 10:30"
    assert "home.not_updated" in first[5].text and "单项否决" in first[5].text
    shot_rows = [problems.rows[i] for i in (2, 4, 6)]
    assert all(row.cells[0].text == "截图" and len(row._tr.tc_lst) == 2 for row in shot_rows)
    pictures = [len(row._tr.xpath(".//pic:pic")) for row in shot_rows]
    assert pictures == [1, 1, 0]
    assert "无截图" in shot_rows[2].cells[1].text and result.sites[0].findings[0].evidence[1].sha256 in _texts(document)
    widths = [round(shape.width.cm, 2) for shape in document.inline_shapes]
    assert widths == [round(640 * SHOT_CM_PER_PX, 2)] * 2  # the element crop at 0.17 mm per pixel
    text = _texts(document)
    assert "示例市教育局：" in text and "2020年12月1日前" in text and "示例市政务公开办" in text
    assert "2020年11月10日" in text
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    run_fonts = [r._r.rPr.find(qn("w:rFonts")) for p in document.paragraphs for r in p.runs if r.text]
    assert run_fonts and all(f is not None and f.get(qn("w:eastAsia")) for f in run_fonts)


def test_notice_html_escapes_and_links_evidence(tmp_path: Path) -> None:
    result = sample_run(tmp_path)
    site = result.sites[0]
    hostile = site.model_copy(update={"unit": "<script>x</script>"})
    result = result.model_copy(update={"sites": [hostile, *result.sites[1:]]})
    page = render_notice_html(unit_notices(result)[0], result, SETTINGS)
    assert "<script>x" not in page and "&lt;script&gt;x" in page
    assert 'src="../evidence/site-01/crop-1.png"' in page
    assert "home.not_updated" in page and "2020年12月1日前" in page


def test_write_documents_paths(tmp_path: Path) -> None:
    result = sample_run(tmp_path)
    paths = write_documents(result, tmp_path, SETTINGS, notices=True, bulletin=True)
    names = sorted(p.name for p in paths)
    assert names == sorted(["整改通知-示例市教育局.docx", "整改通知-示例市卫生健康委员会.docx",
                            "整改通知-示例市教育局.html", "整改通知-示例市卫生健康委员会.html", "通报.docx"])
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths)


def test_documents_hold_hostile_site_text(tmp_path: Path) -> None:
    """Control characters and markup from a site's pages must neither break the .docx nor vanish."""
    result = sample_run(tmp_path)
    hostile = "<script>alert(1)</script>\x1b[31m红字\x00\x07"
    site = result.sites[0]
    site.findings[0] = site.findings[0].model_copy(update={"detail": hostile, "target": hostile})
    paths = write_documents(result, tmp_path, SETTINGS, notices=True, bulletin=True)
    notice = next(p for p in paths if p.suffix == ".docx" and site.unit in p.name)
    texts = "".join(cell.text for table in Document(str(notice)).tables for row in table.rows for cell in row.cells)
    assert "<script>alert(1)</script>\\x1b[31m红字\\x00\\x07" in texts


def _many_sites(count: int, failing: int) -> RunResult:
    base = WHEN
    sites = [SiteResult(name=f"网站{i}", unit=f"单位{i}", kind="department", url=f"http://127.0.0.1/{i}/",
                        verdict=Verdict.FAIL if i < failing else Verdict.PASS, score=50 if i < failing else 100)
             for i in range(count)]
    return RunResult(suite="抽查", as_of=date(2020, 11, 6), started_at=base, finished_at=base, sites=sites)


def test_bulletin_sections_annexes_and_pass_rate(tmp_path: Path) -> None:
    result = sample_run(tmp_path)
    document = render_bulletin(result, SETTINGS)
    text = _texts(document)
    for heading in ("一、总体情况", "二、主要问题", "三、下一步工作要求", "附件1", "附件2"):
        assert heading in text
    assert "共抽查网站3个，其中政府门户网站1个、部门栏目2个" in text
    assert "合格2个，不合格1个，合格率66.67%" in text
    assert "示例市教育局“教育动态”：“教育动态”最新信息发布于 2020-09-30。" in text
    assert "疑似错别字" not in text  # advisories stay out of the 通报
    annex1, annex2 = document.tables
    assert len(annex1.rows) == 1 + 3
    assert [row.cells[1].text for row in annex2.rows[1:]] == ["示例市教育局", "示例市卫生健康委员会"]
    assert "首页不更新1处" in annex2.rows[1].cells[3].text
    assert "95.24%" in _texts(render_bulletin(_many_sites(21, 1), SETTINGS))


def test_bulletin_change_against_previous_run_and_own_requirements(tmp_path: Path) -> None:
    result = sample_run(tmp_path)
    previous = result.model_copy(update={"sites": [s.model_copy(update={"verdict": Verdict.FAIL})
                                                   for s in result.sites[:2]] + [result.sites[2]]})
    fixed = result.sites[0].model_copy(update={"findings": result.sites[0].findings[1:]})
    current = result.model_copy(update={"sites": [fixed, *result.sites[1:]]})
    requirements = tmp_path / "要求.txt"
    requirements.write_text("各单位务必于月底前完成整改。\n\n", encoding="utf-8")
    settings = load_settings(None, None, None, requirements)
    text = _texts(render_bulletin(current, settings, previous))
    assert "合格率33.33%）相比，合格率上升33.33个百分点" in text
    assert "已整改1个" in text and "新发现问题0个" in text
    assert "各单位务必于月底前完成整改。" in text and "杜绝" not in text


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftoppm") is None,
                    reason="需要 LibreOffice（soffice）与 poppler-utils（pdftoppm）")
def test_notice_renders_in_libreoffice(tmp_path: Path) -> None:
    result = sample_run(tmp_path)
    paths = write_documents(result, tmp_path, SETTINGS, notices=True, bulletin=False)
    docx = next(p for p in paths if p.suffix == ".docx")
    converted = subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
                               capture_output=True, timeout=180, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    pdf = tmp_path / f"{docx.stem}.pdf"
    assert converted.returncode == 0 and pdf.is_file(), converted.stderr
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=60)
    with Image.open(next(tmp_path.glob("page*.png"))) as image:
        grey = image.convert("L")
        width, height = grey.size
        assert width > height  # the notice is landscape A4
        dark = sum(grey.histogram()[:128])
        assert dark > 0.005 * width * height  # text and table lines, not a blank page
        red = image.convert("RGB").getpixel  # the title is printed in red
        assert any(red((x, y))[0] > 150 and red((x, y))[1] < 80 for x in range(0, width, 2) for y in range(0, 80))


def test_the_problem_names_its_target_once() -> None:
    from checker.reports.notice_model import subject_of
    from checker.results import Finding, Severity

    def make(target: str, title: str) -> Finding:
        return Finding(indicator="home.not_updated", severity=Severity.VETO, title=title, detail="d", target=target)

    assert subject_of(make("教育动态", "栏目不更新")) == "“教育动态”"
    assert subject_of(make("首页", "首页不更新")) == ""
    assert subject_of(make("http://x/bm/", "站点无法访问")) == ""
    assert subject_of(make("附件“申报表.docx”", "链接不可用")) == "附件“申报表.docx”"  # not “附件“…””


def _with_columns(result: RunResult) -> RunResult:
    """The sample run with the education bureau's column inventory: two problems, one unread, two fine."""
    base = result.sites[0].url

    def column(name: str, verdict: str, *path: str, **extra: object) -> ColumnRecord:
        values: dict[str, object] = {"name": name, "url": f"{base}{len(path)}/{len(name)}/", "column_class": "dynamic",
                                     "items": 8, "latest": date(2020, 10, 30), "path": [*path, name],
                                     "verdict": verdict}
        values.update(extra)
        return ColumnRecord.model_validate(values)

    columns = [
        column("工作动态", "fresh", "新闻中心"),
        column("教育动态", "stale", "新闻中心", latest=date(2020, 9, 30), note="最新信息超过14天"),
        column("人事信息", "unread", "政务公开", note="无法打开（HTTP 503）", items=0, latest=None),
        column("专项工作<script>x</script>", "empty", "政务公开", "专题", items=0, latest=None,
               note="栏目页面无任何信息条目\x00"),
        column("机构概况", "static_ok", "政务公开", column_class="static", latest=None),
    ]
    site = result.sites[0].model_copy(update={"columns": columns})
    return result.model_copy(update={"sites": [site, *result.sites[1:]]})


def test_column_annex_lists_only_problem_columns_and_counts(tmp_path: Path) -> None:
    result = _with_columns(sample_run(tmp_path))
    notices = unit_notices(result)
    annexes = column_annexes(notices[0])
    assert [c.name for c in annexes[0].problems] == ["教育动态", "专项工作<script>x</script>"]
    assert annexes[0].tally() == "共检查栏目5个，其中存在问题2个（超期未更新1个、空白栏目1个），未能读取1个。"
    assert column_annexes(notices[1]) == []  # the health commission recorded no columns: no annex

    document = render_notice_docx(notices[0], result, tmp_path, SETTINGS)
    assert len(document.tables) == 3
    annex = document.tables[2]
    assert [c.text for c in annex.rows[0].cells] == ANNEX_HEADERS
    rows = [[c.text for c in row.cells] for row in annex.rows[1:]]
    assert [row[1] for row in rows] == ["教育动态", "专项工作<script>x</script>"]
    assert rows[0][2:] == ["首页 › 新闻中心 › 教育动态", result.sites[0].url + "1/4/", "动态要闻类", "2020-09-30",
                           "超期未更新", "最新信息超过14天"]
    assert rows[1][2] == "首页 › 政务公开 › 专题 › 专项工作<script>x</script>" and rows[1][5:7] == ["—", "空白栏目"]
    assert rows[1][7] == "栏目页面无任何信息条目\\x00"  # a character XML cannot hold, shown escaped
    paragraphs = [p.text for p in document.paragraphs]
    heading = paragraphs.index("附件：栏目清单", paragraphs.index("附件：栏目清单") + 1)
    assert paragraphs.index("示例市政务公开办") < heading  # referred to before the signature, printed after it
    assert paragraphs[heading + 1] == "示例市教育局：" + annexes[0].tally()
    assert "人事信息" not in _texts(document) and "工作动态" not in _texts(document)
    other = render_notice_docx(notices[1], result, tmp_path, SETTINGS)
    assert len(other.tables) == 2 and "附件：栏目清单" not in _texts(other)

    page = render_notice_html(notices[0], result, SETTINGS)
    assert page.count("附件：栏目清单") == 2 and "未能读取1个" in page
    assert "&lt;script&gt;x" in page and "<script>x" not in page
    assert "首页 › 新闻中心 › 教育动态" in page and "2020-09-30" in page and "超期未更新" in page
    assert "人事信息" not in page and "机构概况" not in page
    assert "附件：栏目清单" not in render_notice_html(notices[1], result, SETTINGS)


def test_column_annex_without_problems_or_verdicts(tmp_path: Path) -> None:
    result = sample_run(tmp_path)
    old = ColumnRecord.model_validate({"name": "教育动态", "url": "http://x/", "column_class": "dynamic", "items": 3})
    fine = old.model_copy(update={"verdict": "fresh", "path": ["教育动态"]})
    site = result.sites[0].model_copy(update={"columns": [old, fine]})
    result = result.model_copy(update={"sites": [site, *result.sites[1:]]})
    notice = unit_notices(result)[0]
    assert column_annexes(notice)[0].tally() == "共检查栏目2个，其中存在问题0个，未能读取0个，未判定1个。"
    document = render_notice_docx(notice, result, tmp_path, SETTINGS)
    assert len(document.tables) == 2 and "未发现存在问题的栏目。" in _texts(document)
    assert "未发现存在问题的栏目。" in render_notice_html(notice, result, SETTINGS)
