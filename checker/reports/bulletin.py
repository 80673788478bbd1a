"""The quarterly 通报 for a whole suite as .docx: overall situation, main problems by category, requirements,
and the two annexes (sites checked; sites with outstanding problems). A pure function of results.json
(and, optionally, the previous run's results for the change since then).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from docx.document import Document as DocumentType
from docx.enum.text import WD_BREAK

from checker.catalogue import indicator
from checker.diff import compare
from checker.reports import docx_base as base
from checker.reports.annexes import ANNEX1_HEADERS, ANNEX1_TITLE, ANNEX2_HEADERS, ANNEX2_TITLE, annex1_rows, annex2_rows
from checker.reports.html import KIND_ORDER
from checker.reports.notice_model import DocumentSettings, counted, issue_day, kind_name, subject_of
from checker.results import Finding, RunResult, SiteResult
from checker.scoring import pass_rate

BULLETIN_NAME = "通报.docx"
CHINESE_NUMBERS = "一二三四五六七八九十"
ANNEX1_WIDTHS = [1.1, 4.0, 3.0, 1.8, 3.8, 1.0, 1.1]  # cm, sums to the 15.8 cm portrait line
ANNEX2_WIDTHS = [1.1, 3.6, 3.0, 6.2, 1.9]


def _fact(site: SiteResult, finding: Finding) -> str:
    """The concrete fact named in the 通报: site, target and the measured value (detail's first sentence)."""
    first = finding.detail.split("。")[0]
    return f"{site.name}{subject_of(finding)}：{first}。"


def _overall(result: RunResult, previous: RunResult | None) -> list[str]:
    kinds = Counter(site.kind for site in result.sites)
    order = [k for k in KIND_ORDER if k in kinds] + sorted(k for k in kinds if k not in KIND_ORDER)
    by_kind = "、".join(f"{kind_name(k)}{kinds[k]}个" for k in order)
    rate = pass_rate(result.sites)
    problems = sum(1 for site in result.sites for f in site.findings if counted(f))
    text = [f"本次检查（监测时间点 {result.as_of:%Y年%m月%d日}）共抽查网站{len(result.sites)}个，其中{by_kind}。"
            f"合格{rate.passed}个，不合格{rate.total - rate.passed}个，合格率{rate.percent:.2f}%；"
            f"共发现问题{problems}个。"]
    if previous is not None:
        before = pass_rate(previous.sites)
        change = 100.0 * (rate.passed / rate.total - before.passed / before.total) if before.total else 0.0
        trend = "持平" if abs(change) < 0.005 else f"{'上升' if change > 0 else '下降'}{abs(change):.2f}个百分点"
        new, fixed, persisting = compare(previous, result).totals()
        text.append(f"与上次检查（监测时间点 {previous.as_of:%Y年%m月%d日}，合格率{before.percent:.2f}%）相比，"
                    f"合格率{trend}；上次发现的问题已整改{fixed}个，仍未整改{persisting}个，新发现问题{new}个。")
    return text


def _main_problems(document: DocumentType, result: RunResult) -> None:
    base.heading(document, "二、主要问题")
    groups: dict[str, list[tuple[SiteResult, Finding]]] = {}
    for site in result.sites:
        for finding in site.findings:
            if counted(finding):
                groups.setdefault(finding.indicator, []).append((site, finding))
    if not groups:
        base.para(document, "本次检查未发现问题。")
    for number, (key, members) in enumerate(sorted(groups.items(), key=lambda item: -len(item[1]))):
        sites = list(dict.fromkeys(site.name for site, _ in members))
        label = CHINESE_NUMBERS[number] if number < len(CHINESE_NUMBERS) else str(number + 1)
        base.heading(document, f"（{label}）{indicator(key).name}。共{len(sites)}个网站{len(members)}处。", level=2)
        for site, finding in members:
            base.para(document, _fact(site, finding))


def _annex_sites(document: DocumentType, result: RunResult) -> None:
    base.heading(document, ANNEX1_TITLE)
    grid = base.table(document, ANNEX1_HEADERS, ANNEX1_WIDTHS)
    for row in annex1_rows(result):
        base.add_row(grid, row, ANNEX1_WIDTHS)


def _annex_problems(document: DocumentType, result: RunResult) -> None:
    base.heading(document, ANNEX2_TITLE)
    rows = annex2_rows(result)
    if not rows:
        base.para(document, "无。")
        return
    grid = base.table(document, ANNEX2_HEADERS, ANNEX2_WIDTHS)
    for row in rows:
        base.add_row(grid, row, ANNEX2_WIDTHS)


def render_bulletin(result: RunResult, settings: DocumentSettings, previous: RunResult | None = None):
    """The 通报 as a python-docx Document."""
    document = base.new_document()
    base.title(document, f"关于{result.suite}情况的通报")
    base.heading(document, "一、总体情况")
    for text in _overall(result, previous):
        base.para(document, text)
    _main_problems(document, result)
    base.heading(document, "三、下一步工作要求")
    for number, text in enumerate(settings.requirements, 1):
        base.para(document, f"{number}. {text}" if len(settings.requirements) > 1 else text)
    base.para(document, "附件：1. 本次检查的网站名单", indent=False)
    base.para(document, "　　　2. 存在问题的网站名单", indent=False)
    base.para(document, settings.issuer, indent=False, align_right=True)
    base.para(document, issue_day(result, settings), indent=False, align_right=True)
    document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    _annex_sites(document, result)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _annex_problems(document, result)
    return document


def write_bulletin(result: RunResult, out_dir: Path, settings: DocumentSettings,
                   previous: RunResult | None = None) -> Path:
    """Write ``通报.docx`` into ``out_dir`` and return its path."""
    path = out_dir / BULLETIN_NAME
    render_bulletin(result, settings, previous).save(str(path))
    return path
