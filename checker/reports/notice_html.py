"""整改通知 as HTML for a browser: the same content as the .docx, screenshots linked from the evidence folder.

Written into ``DIR/notices/``; evidence paths (relative to DIR) are reached with ``../``. Every string is
escaped and the page carries no script.
"""

from __future__ import annotations

import html
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlsplit

from checker.reports.docx_base import beijing_day
from checker.reports.notice_model import (
    ADVISORY_HEADING,
    ADVISORY_LEAD,
    ANNEX_TITLE,
    ColumnAnnex,
    DocumentSettings,
    UnitNotice,
    advisory_line,
    check_period,
    closing,
    column_annexes,
    column_class_name,
    column_path,
    column_verdict_name,
    issue_day,
    kind_name,
    opening,
    safe_file_name,
    unit_notices,
)
from checker.results import RunResult, Verdict

CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
STYLE = """
body{margin:0;background:#eeebe4;font:15px/1.75 "Noto Serif CJK SC","Source Han Serif SC",SimSun,serif;color:#1f1f1f}
main{max-width:1200px;margin:24px auto;background:#fff;padding:32px 48px}
h1{text-align:center;color:#b5121b;font-family:"Noto Sans CJK SC",SimHei,sans-serif;letter-spacing:.06em}
table{border-collapse:collapse;width:100%;font-size:14px;margin:10px 0}
th,td{border:1px solid #bbb;padding:5px 7px;text-align:left;vertical-align:top}
th{background:#f4efe6;white-space:nowrap}
td.url{word-break:break-all;font-size:13px} td.shot img{max-width:100%;border:1px solid #ccc}
p.indent{text-indent:2em} p.sign{text-align:right;margin:0}
.hash{font:11px monospace;color:#666}
.annex{break-before:page;margin-top:36px;border-top:1px solid #bbb} td.nw{white-space:nowrap}
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _url_cell(url: str) -> str:
    if urlsplit(url).scheme in ("http", "https"):
        return f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(url)}</a>'
    return _e(url) or "—"


def _image(path: str) -> str | None:
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts:
        return None
    return "../" + "/".join(quote(part) for part in relative.parts)


def _sites_table(notice: UnitNotice) -> str:
    rows = []
    for site in notice.sites:
        verdict = "合格" if site.verdict is Verdict.PASS else "不合格"
        score = f"，得分 {site.score:g}" if site.score is not None else ""
        reasons = f"（单项否决：{'；'.join(site.veto_reasons)}）" if site.veto_reasons else ""
        rows.append(f"<tr><td>{_e(site.name)}</td><td>{_e(kind_name(site.kind))}</td><td class=url>"
                    f"{_url_cell(site.url)}</td><td>{_e(site.code or '未提供')}</td>"
                    f"<td>{_e(verdict + score + reasons)}</td></tr>")
    return ("<table><tr><th>网站名称</th><th>网站类型</th><th>网站地址</th><th>网站标识码</th><th>检查结论</th></tr>"
            + "".join(rows) + "</table>")


def _problem_rows(notice: UnitNotice) -> str:
    rows = []
    several = len(notice.sites) > 1
    for number, (site, row) in enumerate(notice.rows, 1):
        shot = "（无截图）"
        href = _image(row.screenshot.path) if row.screenshot else None
        if href and row.screenshot:
            shot = (f'<a href="{_e(href)}"><img src="{_e(href)}" alt="问题截图"></a>'
                    f'<div class="hash">SHA-256 {_e(row.screenshot.sha256[:16])}…</div>')
        prefix = f"【{site.name}】" if several else ""
        rows.append(f"<tr><td>{number}</td><td>{_e(row.category)}</td><td>{_e(prefix + row.description)}</td>"
                    f"<td class=url>{_url_cell(row.url)}</td><td>{_e(beijing_day(row.finding.seen_at))}</td>"
                    f"<td>{_e(row.rule)}</td></tr><tr><th>截图</th><td colspan=5 class=shot>{shot}</td></tr>")
    return "".join(rows)


def _annex(annexes: list[ColumnAnnex]) -> str:
    """附件：栏目清单: per site, the count line and its columns with problems (path, newest date, verdict)."""
    if not annexes:
        return ""
    parts = [f'<section class="annex"><h2>{_e(ANNEX_TITLE)}</h2>']
    for annex in annexes:
        parts.append(f'<p class="indent">{_e(annex.site.name)}：{_e(annex.tally())}</p>')
        if not annex.problems:
            parts.append('<p class="indent">未发现存在问题的栏目。</p>')
            continue
        rows = "".join(
            f"<tr><td>{number}</td><td>{_e(column.name)}</td><td>{_e(column_path(column))}</td>"
            f"<td class=url>{_url_cell(column.url)}</td><td>{_e(column_class_name(column.column_class))}</td>"
            f"<td class=nw>{column.latest.isoformat() if column.latest else '—'}</td>"
            f"<td class=nw>{_e(column_verdict_name(column.verdict))}</td><td>{_e(column.note) or '—'}</td></tr>"
            for number, column in enumerate(annex.problems, 1)
        )
        parts.append("<table><tr><th>序号</th><th>栏目</th><th>访问路径</th><th>栏目地址</th><th>类别</th>"
                     f"<th>最新日期</th><th>结论</th><th>说明</th></tr>{rows}</table>")
    parts.append("</section>")
    return "".join(parts)


def _advisories(notice: UnitNotice) -> str:
    """提示事项: the findings that cost no points, as a numbered list ('' when there are none)."""
    if not notice.advisories:
        return ""
    several = len(notice.sites) > 1
    items = "".join(f"<li>{_e(advisory_line(site, row, several))}</li>" for site, row in notice.advisories)
    return f"<h2>{_e(ADVISORY_HEADING)}</h2><p>{_e(ADVISORY_LEAD)}</p><ol>{items}</ol>"


def render_notice_html(notice: UnitNotice, result: RunResult, settings: DocumentSettings) -> str:
    """One unit's notice as a self-contained HTML page (pure), with 附件：栏目清单 when its sites recorded columns."""
    annexes = column_annexes(notice)
    annex_line = f"<p>{_e(ANNEX_TITLE)}</p>" if annexes else ""
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<title>整改通知 - {_e(notice.unit)}</title><style>{STYLE}</style></head>
<body><main>
<h1>政府网站与政务新媒体检查问题整改通知</h1>
<p>{_e(notice.unit)}：</p>
<p class="indent">{_e(opening(result))}</p>
{_sites_table(notice)}
<p>检查期：{_e(check_period(result))}；整改期限：{_e(settings.deadline)}。</p>
<h2>发现的问题</h2>
<table><tr><th>序号</th><th>问题类别</th><th>问题描述</th><th>页面地址</th><th>发现时间</th><th>依据</th></tr>
{_problem_rows(notice)}</table>
{_advisories(notice)}
{"".join(f'<p class="indent">{_e(text)}</p>' for text in closing(settings))}
{annex_line}<p class="sign">{_e(settings.issuer)}</p><p class="sign">{_e(issue_day(result, settings))}</p>
{_annex(annexes)}
</main></body></html>
"""


def write_notices_html(result: RunResult, out_dir: Path, settings: DocumentSettings) -> list[Path]:
    """Write ``notices/整改通知-<unit>.html`` for every unit with problems; return the paths."""
    folder = out_dir / "notices"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for notice in unit_notices(result):
        path = folder / f"整改通知-{safe_file_name(notice.unit)}.html"
        path.write_text(render_notice_html(notice, result, settings), encoding="utf-8")
        paths.append(path)
    return paths
