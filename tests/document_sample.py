"""A small run result with real evidence files on disk, for the document, diff and manifest tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from PIL import Image, ImageDraw

from checker.evidence import sha256_hex
from checker.results import Evidence, Finding, RunResult, Severity, SiteResult, Verdict, write_results

WHEN = datetime(2020, 11, 6, 2, 30, tzinfo=UTC)


def _png(out_dir: Path, name: str, colour: tuple[int, int, int], size: tuple[int, int]) -> Evidence:
    image = Image.new("RGB", size, (255, 255, 255))
    ImageDraw.Draw(image).rectangle((20, 20, size[0] - 20, size[1] - 20), outline=colour, width=6)
    path = out_dir / "evidence" / "site-01" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    data = path.read_bytes()
    return Evidence(role="element" if "crop" in name else "page", path=f"evidence/site-01/{name}.png",
                    sha256=sha256_hex(data), url="http://127.0.0.1:8765/bm/jyj/", captured_at=WHEN)


def finding(indicator: str, target: str, severity: Severity = Severity.DEDUCTION, detail: str = "",
            evidence: list[Evidence] | None = None, title: str = "栏目不更新") -> Finding:
    """A finding with the given identity; the detail states a measured value like the real judges."""
    return Finding(indicator=indicator, severity=severity, title=title,
                   detail=detail or f"“{target}”最新信息发布于 2020-09-30。动态要闻类栏目应在14天内更新。",
                   url=f"http://127.0.0.1:8765/bm/jyj/{len(target)}/", target=target, seen_at=WHEN,
                   evidence=evidence or [])


def sample_run(out_dir: Path, port: int = 8765) -> RunResult:
    """Three sites: one vetoed with screenshots, one deducted, one clean; written with results.json."""
    crop = _png(out_dir, "crop-1", (200, 0, 0), (640, 240))
    page = _png(out_dir, "page-1", (0, 0, 200), (1366, 2400))
    base = f"http://127.0.0.1:{port}/"
    sites = [
        SiteResult(name="示例市教育局", unit="示例市教育局", kind="channel", url=base + "bm/jyj/", code="4400000012",
                   verdict=Verdict.FAIL, score=None, veto_reasons=["首页不更新（home.not_updated）"], findings=[
                       finding("home.not_updated", "首页", Severity.VETO, evidence=[page, crop], title="首页不更新"),
                       finding("column.not_updated", "教育动态", evidence=[crop]),
                       finding("column.empty", "专项工作", title="空白栏目", detail="栏目页面无任何信息条目。"),
                   ]),
        SiteResult(name="示例市卫生健康委员会", unit="示例市卫生健康委员会", kind="channel", url=base + "bm/wjw/",
                   verdict=Verdict.PASS, score=98, findings=[
                       finding("footer.identifier_missing", "公安机关备案标识", title="页脚缺少公安机关备案标识",
                               detail="6个页面的页脚未显示公安机关备案标识。"),
                       finding("content.typo", "首页", Severity.ADVISORY, title="疑似错别字"),
                   ]),
        SiteResult(name="示例市人民政府门户网站", unit="示例市人民政府", kind="portal", url=base, verdict=Verdict.PASS,
                   score=100),
    ]
    result = RunResult(suite="示例市2020年第三季度政府网站抽查", as_of=date(2020, 11, 6),
                       window_start=date(2020, 10, 19), window_end=date(2020, 11, 6), rule_set="国家指标",
                       started_at=WHEN, finished_at=WHEN, sites=sites)
    write_results(result, out_dir)
    return result
