"""The 通报's two annexes as rows: 附件1 本次检查的网站名单 and 附件2 存在问题的网站名单.

One source for the DOCX bulletin and the 问题清单.xlsx sheets, so the two never print different tables.
"""

from __future__ import annotations

from collections import Counter

from checker.catalogue import indicator
from checker.reports.notice_model import counted, kind_name
from checker.results import RunResult, SiteResult, Verdict

ANNEX1_TITLE = "附件1：本次检查的网站名单"  # both fit Excel's 31-character sheet names
ANNEX2_TITLE = "附件2：存在问题的网站名单"
ANNEX1_HEADERS = ["序号", "网站名称", "主办单位", "类型", "网址", "得分", "结论"]
ANNEX2_HEADERS = ["序号", "网站名称", "主办单位", "存在问题", "结论"]


def verdict_name(site: SiteResult) -> str:
    """合格 or 不合格."""
    return "合格" if site.verdict is Verdict.PASS else "不合格"


def annex1_rows(result: RunResult) -> list[list[str]]:
    """附件1 本次检查的网站名单, one row per site checked."""
    rows = []
    for number, site in enumerate(result.sites, 1):
        score = "—" if site.score is None else f"{site.score:g}"
        rows.append([str(number), site.name, site.unit, kind_name(site.kind), site.url, score, verdict_name(site)])
    return rows


def annex2_rows(result: RunResult) -> list[list[str]]:
    """附件2 存在问题的网站名单, one row per site with a counted problem; empty when no
    site has a counted problem (the 通报 then prints 无。)."""
    flagged = [site for site in result.sites if any(counted(f) for f in site.findings)]
    rows = []
    for number, site in enumerate(flagged, 1):
        counts = Counter(f.indicator for f in site.findings if counted(f))
        problems = "；".join(f"{indicator(k).name}{n}处" for k, n in counts.items())
        verdict = "合格" if site.verdict is Verdict.PASS else "不合格（" + "；".join(site.veto_reasons) + "）"
        if site.verdict is Verdict.FAIL and not site.veto_reasons:
            verdict = f"不合格（得分 {site.score:g}）" if site.score is not None else "不合格"
        rows.append([str(number), site.name, site.unit, problems, verdict])
    return rows
