"""The self-contained HTML report a supervision officer opens from disk: summary, sites, findings, evidence.

A pure function of results.json (:func:`render_report`); nothing is re-checked. The page carries no
script at all and a strict Content-Security-Policy: every string from the results is escaped, links go
out only to http(s) addresses, and evidence paths (relative to the output folder, like the report
itself) are used as they are, segment by segment URL-quoted, never climbing out of the folder.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote, urlsplit

from checker.catalogue import CATALOGUE
from checker.diff import RunDiff, read_diff
from checker.reports.diff_html import render_diff_section
from checker.reports.notice_model import COLUMN_VERDICT_NAMES, column_class_name, column_path, column_verdict_name
from checker.results import (
    CheckStatus,
    ColumnRecord,
    Evidence,
    Finding,
    RunResult,
    Severity,
    SiteResult,
    Unverified,
    Verdict,
)
from checker.rulecite import rule_of
from checker.scenario import SITE_KIND_NAMES, SiteKind
from checker.scoring import PassRate, pass_rate

CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
)
BEIJING = timezone(timedelta(hours=8))  # China has one time zone and no daylight saving
REPORT_NAME = "report.html"
EXTERNAL_REL = "noopener noreferrer"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
KIND_ORDER = ("portal", "department", "channel")

VERDICT_NAMES = {Verdict.PASS: "合格", Verdict.FAIL: "不合格"}
SEVERITY_NAMES = {Severity.VETO: "单项否决", Severity.DEDUCTION: "扣分", Severity.ADVISORY: "提示"}
SEVERITY_RANK = {Severity.VETO: 0, Severity.DEDUCTION: 1, Severity.ADVISORY: 2}
ROLE_NAMES = {"element": "问题位置", "page": "整页截图"}
STATUS_NAMES = {CheckStatus.DONE: "已检查", CheckStatus.SKIPPED: "未检查", CheckStatus.ERROR: "出错"}
COLUMN_VERDICT_ORDER = {verdict: rank for rank, verdict in enumerate(COLUMN_VERDICT_NAMES)}
COLUMN_TALLY_NAMES = {
    "fresh": "正常", "stale": "超期未更新", "undated": "无日期", "empty": "空白", "static_ok": "静态页面",
    "unread": "未能读取", "": "未判定",
}
COLUMN_TALLY_ALWAYS = ("fresh", "stale", "empty", "unread")
COLUMNS_OPEN_MAX = 30  # a longer inventory starts folded (print unfolds it)
CHECK_NAMES = {
    "availability": "站点可访问性", "home": "首页更新", "columns": "栏目更新", "freshness": "首页与栏目更新",
    "footer": "网站标识", "links": "链接可用性", "newmedia": "政务新媒体", "newmedia_qr": "政务新媒体二维码",
    "interaction": "互动交流", "survey": "征集调查", "interview": "在线访谈", "policy": "政策文件与解读",
    "guide": "政府信息公开指南", "search": "站内搜索", "typo": "错别字与表述",
    "message_form": "留言表单", "replies": "留言答复", "surveys": "征集调查", "interviews": "在线访谈",
    "newmedia_accounts": "政务新媒体账号", "publishing": "政策文件与解读", "hidden_links": "暗链排查",
    "site": "站点运行",
}

STYLE = """
:root{--red:#b5121b;--green:#1b7a36;--amber:#9a5b00;--ink:#1f1f1f;--muted:#5f5f5f;--rule:#d8d4cc;--head:#f4efe6}
*{box-sizing:border-box}
body{margin:0;background:#eeebe4;color:var(--ink);
 font:15px/1.75 "Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif}
main{max-width:1120px;margin:24px auto;background:#fff;padding:36px 56px 48px;
 box-shadow:0 1px 6px rgba(0,0,0,.1)}
h1,h2,h3,h4{font-family:"Noto Serif CJK SC","Source Han Serif SC","Songti SC",SimSun,serif;line-height:1.45}
h2{font-size:20px;margin:36px 0 12px;padding-bottom:4px;border-bottom:1px solid var(--rule)}
h3{font-size:18px;margin:0 0 8px}
h4{font-size:16px;margin:18px 0 6px}
a{color:#1d4f91}
.masthead{text-align:center;border-bottom:3px solid var(--red);padding-bottom:14px;margin-bottom:8px}
.kicker{margin:0;color:var(--muted);letter-spacing:.3em;font-size:14px}
h1{margin:6px 0 14px;color:var(--red);font-size:30px;letter-spacing:.08em}
.meta{display:grid;grid-template-columns:max-content 1fr max-content 1fr;gap:2px 14px;text-align:left;
 font-size:14px;margin:0 auto;max-width:900px}
.meta dt{color:var(--muted)} .meta dd{margin:0}
.lead{font-size:16px} .rate{font-size:22px;font-weight:700;color:var(--red)}
table{border-collapse:collapse;width:100%;font-size:14px;margin:8px 0}
th,td{border:1px solid var(--rule);padding:5px 8px;text-align:left;vertical-align:top}
th{background:var(--head);font-weight:600;white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tfoot td{font-weight:700;background:#faf8f3}
.url{word-break:break-all;font-size:13px}
.verdict{display:inline-block;min-width:4em;text-align:center;padding:0 .5em;border-radius:3px;
 font-weight:700;font-size:13px;color:#fff;font-family:sans-serif}
.v-pass{background:var(--green)} .v-fail{background:var(--red)}
.t-pass{color:var(--green);font-weight:700} .t-fail{color:var(--red);font-weight:700}
.sev{display:inline-block;font:12px/1.6 sans-serif;border:1px solid;padding:0 .45em;border-radius:3px;
 margin-left:.6em;vertical-align:2px}
.s-veto{color:var(--red);border-color:var(--red)} .s-deduction{color:var(--amber);border-color:var(--amber)}
.s-advisory{color:var(--muted);border-color:#999}
.count{font:13px sans-serif;color:var(--muted);margin-left:.6em}
.site{border-top:2px solid var(--ink);margin-top:34px;padding-top:14px}
.site h3 .no{color:var(--muted);margin-right:.4em}
.site h3 .verdict{margin-left:.8em;vertical-align:3px}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:0 14px;margin:6px 0 10px;font-size:14px}
.facts dt{color:var(--muted)} .facts dd{margin:0}
.facts.wide{grid-template-columns:max-content minmax(0,1fr) max-content minmax(0,1fr)}
.veto{border:1px solid var(--red);background:#fdf2f2;padding:8px 14px;margin:10px 0}
.veto strong{color:var(--red)} .veto ul{margin:4px 0 0;padding-left:1.4em}
ol.findings{list-style:none;margin:0;padding:0;counter-reset:f}
.finding{border-left:3px solid var(--rule);padding:2px 0 6px 14px;margin:10px 0;break-inside:avoid}
.finding-title{font-weight:700;margin:0}
.finding-title::before{counter-increment:f;content:counter(f) ". ";color:var(--muted)}
.detail{margin:2px 0 4px}
.finding .facts{font-size:13px;margin:2px 0 6px}
.evidence{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}
figure.shot{margin:0;border:1px solid var(--rule);padding:4px;background:#fafaf8;break-inside:avoid}
figure.shot img{display:block;max-width:240px;max-height:280px;width:auto;height:auto}
figcaption{font-size:12px;color:var(--muted);margin-top:2px}
.none{color:var(--green)} .muted{color:var(--muted)}
.st-error{color:var(--red);font-weight:700} .st-skipped{color:var(--amber)}
details{margin:10px 0;border:1px solid var(--rule);border-radius:4px;padding:4px 12px;font-size:14px}
summary{cursor:pointer;font-weight:600} details.warn>summary{color:var(--amber)}
.back{text-align:right;font-size:13px;margin:6px 0 0}
.columns .tally{margin:2px 0 4px;font-size:14px}
.columns table{font-size:13px} .columns td .url{font-size:12px;color:var(--muted)}
.columns th.c-name{width:24%} .columns th.c-path{width:26%} .columns td.nw{white-space:nowrap}
tr.col-problem>td{background:#fdf2f2}
.cv-stale,.cv-undated,.cv-empty{color:var(--red);font-weight:700} .cv-unread{color:var(--amber);font-weight:700}
.cv-fresh,.cv-static_ok{color:var(--green)} .cv-other{color:var(--muted)}
.colophon{margin-top:40px;border-top:1px solid var(--rule);padding-top:8px;font-size:12px;color:var(--muted)}
@page{size:A4;margin:15mm 13mm}
@media print{body{background:#fff;font-size:12pt} main{box-shadow:none;margin:0;padding:0;max-width:none}
 .site{break-before:page} a{color:inherit;text-decoration:none} .back{display:none}
 details::details-content{content-visibility:visible;display:block} summary{list-style:none}}
"""


def render_report(result: RunResult, diff: RunDiff | None = None) -> str:
    """The whole report as one HTML document (pure: the same results always give the same text).

    ``diff`` (from ``govcheck diff``) adds a section comparing this run with an earlier one.
    """
    body = [_masthead(result), _summary(result), _indicator_summary(result.sites), _site_table(result.sites)]
    if diff is not None:
        body.append(render_diff_section(diff))
    body.append('<section id="details"><h2>四、各网站检查详情</h2>')
    body.extend(_site_section(site, number) for number, site in enumerate(result.sites, 1))
    body.append("</section>")
    body.append(_colophon(result))
    return "\n".join([_head(result), "<body>", "<main>", *body, "</main>", "</body>", "</html>", ""])


def write_report(result: RunResult, out_dir: Path) -> Path:
    """Write ``report.html`` into ``out_dir`` (beside the evidence folder it links to) and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / REPORT_NAME
    path.write_text(render_report(result, read_diff(out_dir)), encoding="utf-8")
    return path


# --- text helpers -------------------------------------------------------------------------------------


def _e(value: object) -> str:
    """Escape anything for HTML text or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def _when(value: datetime | None) -> str:
    """A time in Beijing time (an aware time is converted; a naive one is shown as given), or —."""
    if value is None:
        return "—"
    if value.tzinfo is not None:
        value = value.astimezone(BEIJING)
    return value.strftime("%Y-%m-%d %H:%M:%S")


def _day(value: date | None) -> str:
    """A date as YYYY-MM-DD, or —."""
    return value.isoformat() if value else "—"


def _score(score: float | None) -> str:
    """A score without trailing zeros (92.5, 100), or — when a veto item decided the verdict."""
    if score is None:
        return "—"
    return f"{score:.2f}".rstrip("0").rstrip(".")


def _percent(rate: PassRate) -> str:
    """A pass rate with two decimals (20 of 21 → 95.24%), or — when nothing was checked."""
    return f"{rate.percent:.2f}%" if rate.total else "—"


def _kind_name(kind: str) -> str:
    """政府门户网站 / 部门网站 / 部门栏目 for a site kind; an unknown kind is shown as it is."""
    try:
        return SITE_KIND_NAMES[SiteKind(kind)]
    except (ValueError, KeyError):
        return kind


def _external_href(url: str) -> str | None:
    """The address when it is a plain http(s) URL a browser may follow, else None (shown as text)."""
    candidate = (url or "").strip()
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in candidate):
        return None
    if not candidate.lower().startswith(("http://", "https://")):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    return candidate if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _link(url: str) -> str:
    """An external link (new tab, no referrer) when the URL is http(s); otherwise the escaped text."""
    href = _external_href(url)
    if href is None:
        return f'<span class="url">{_e(url) or "—"}</span>'
    return f'<a class="url" href="{_e(href)}" target="_blank" rel="{EXTERNAL_REL}">{_e(url)}</a>'


def _evidence_href(path: str) -> str | None:
    """A relative evidence path with each segment URL-quoted, or None when it is absolute or climbs out."""
    segments = (path or "").split("/")
    if not path or "\\" in path or path.startswith("/") or any(s in ("", ".", "..") for s in segments):
        return None
    return "/".join(quote(segment, safe="") for segment in segments)


def _verdict(verdict: Verdict, badge: bool = True) -> str:
    """合格 in green or 不合格 in red, as a badge or as coloured text."""
    css = ("v-" if badge else "t-") + verdict.value
    return f'<span class="{"verdict " if badge else ""}{css}">{VERDICT_NAMES[verdict]}</span>'


def _severity(severity: Severity) -> str:
    """The label 单项否决 / 扣分 / 提示."""
    return f'<span class="sev s-{severity.value}">{SEVERITY_NAMES[severity]}</span>'


def _facts(rows: Iterable[tuple[str, str]], css: str = "facts") -> str:
    """A definition list of label/value pairs; values are already HTML."""
    items = "".join(f"<dt>{_e(label)}</dt><dd>{value}</dd>" for label, value in rows)
    return f'<dl class="{css}">{items}</dl>'


# --- page parts ---------------------------------------------------------------------------------------


def _head(result: RunResult) -> str:
    """Doctype, CSP, title and the inline style sheet."""
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(CSP)}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(result.suite)} — 政府网站检查报告</title>\n<style>{STYLE}</style>\n</head>"
    )


def _masthead(result: RunResult) -> str:
    """Suite name and when and how the check ran."""
    rows = [("监测时间点", _day(result.as_of))]
    if result.window_start or result.window_end:
        rows.append(("检查期", f"{_day(result.window_start)} 至 {_day(result.window_end)}"))
    rows += [
        ("开始时间", _when(result.started_at)),
        ("结束时间", _when(result.finished_at)),
        ("规则集", _e(result.rule_set) or "默认规则"),
        ("检查工具", _e(f"{result.tool} {result.tool_version}".strip())),
    ]
    meta = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows)
    return (
        '<header class="masthead"><p class="kicker">政府网站与政务新媒体检查报告</p>'
        f'<h1>{_e(result.suite)}</h1><dl class="meta">{meta}</dl></header>'
    )


def _kinds(sites: Sequence[SiteResult]) -> list[str]:
    """The site kinds present, the three usual ones first in their usual order."""
    present = list(dict.fromkeys(site.kind for site in sites))
    return [kind for kind in KIND_ORDER if kind in present] + [k for k in present if k not in KIND_ORDER]


def _summary(result: RunResult) -> str:
    """一、总体情况: the sentence a 通报 opens with, and the pass rate by site kind."""
    total = pass_rate(result.sites)
    kinds = _kinds(result.sites)
    counts = "、".join(f"{_e(_kind_name(k))} {sum(s.kind == k for s in result.sites)} 个" for k in kinds)
    sentence = (
        f"本次共检查网站 {total.total} 个（{counts or '无'}），合格 {total.passed} 个，"
        f'不合格 {total.total - total.passed} 个，合格率 <span class="rate">{_percent(total)}</span>。'
    )
    rows = [
        _summary_row(_e(_kind_name(k)), pass_rate([s for s in result.sites if s.kind == k]))
        for k in kinds
    ]
    return (
        f'<section id="summary"><h2>一、总体情况</h2><p class="lead">{sentence}</p>'
        '<table><thead><tr><th>类别</th><th class="num">检查数</th><th class="num">合格</th>'
        '<th class="num">不合格</th><th class="num">合格率</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody><tfoot>{_summary_row('合计', total, 'td')}</tfoot></table>"
        f"{_unchecked(result)}</section>"
    )


def _unchecked(result: RunResult) -> str:
    """Sites of the suite the run did not check, with the reason (not counted in the pass rate)."""
    if not result.unchecked:
        return ""
    items = "".join(f"<li>{_e(site.name)}（{_e(site.url)}）：{_e(site.reason)}</li>" for site in result.unchecked)
    return f'<p class="lead">另有 {len(result.unchecked)} 个网站未检查，不计入合格率：</p><ul>{items}</ul>'



def _summary_row(label: str, rate: PassRate, cell: str = "th") -> str:
    """One line of the pass-rate table."""
    numbers = (rate.total, rate.passed, rate.total - rate.passed, _percent(rate))
    return f"<tr><{cell}>{label}</{cell}>" + "".join(f'<td class="num">{n}</td>' for n in numbers) + "</tr>"


def _indicator_summary(sites: Sequence[SiteResult]) -> str:
    """二、问题分类统计: per indicator, how many problems and which units, in catalogue order."""
    rows = []
    for key in _ordered_indicators(f.indicator for site in sites for f in site.findings):
        hit = [site for site in sites if any(f.indicator == key for f in site.findings)]
        problems = sum(f.indicator == key for site in hit for f in site.findings)
        units = "、".join(dict.fromkeys(_e(site.unit or site.name) for site in hit))
        rows.append(
            f"<tr><td>{_indicator_title(key)}</td><td class='num'>{problems}</td>"
            f"<td class='num'>{len(hit)}</td><td>{units}</td></tr>"
        )
    if not rows:
        return '<section id="indicators"><h2>二、问题分类统计</h2><p class="none">未发现问题。</p></section>'
    return (
        '<section id="indicators"><h2>二、问题分类统计</h2><table><thead><tr><th>问题类别</th>'
        '<th class="num">问题数</th><th class="num">涉及网站</th><th>涉及单位</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def _site_table(sites: Sequence[SiteResult]) -> str:
    """三、网站检查结果一览: one row per site, linking to its section."""
    rows = []
    for number, site in enumerate(sites, 1):
        rows.append(
            f'<tr><td class="num">{number}</td><td><a href="#site-{number}">{_e(site.name)}</a></td>'
            f"<td>{_e(site.unit)}</td><td>{_e(_kind_name(site.kind))}</td><td>{_link(site.url)}</td>"
            f'<td>{_verdict(site.verdict, badge=False)}</td><td class="num">{_score(site.score)}</td>'
            f'<td class="num">{len(site.findings)}</td></tr>'
        )
    return (
        '<section id="sites"><h2>三、网站检查结果一览</h2><table><thead><tr><th class="num">序号</th>'
        "<th>网站名称</th><th>主办单位</th><th>类别</th><th>网址</th><th>结论</th>"
        f'<th class="num">得分</th><th class="num">问题数</th></tr></thead><tbody>{"".join(rows)}</tbody>'
        "</table></section>"
    )


def _site_section(site: SiteResult, number: int) -> str:
    """One site: verdict, score, veto reasons, findings by indicator, coverage, columns and QR payloads."""
    score = _score(site.score) + ("（单项否决，不计分）" if site.score is None else "")
    facts = _facts([
        ("主办单位", _e(site.unit)),
        ("类别", _e(_kind_name(site.kind))),
        ("网址", _link(site.url)),
        ("检查结论", _verdict(site.verdict, badge=False)),
        ("得分", score),
        ("问题数", str(len(site.findings))),
    ], css="facts wide")
    parts = [
        f'<section class="site" id="site-{number}">',
        f'<h3><span class="no">{number}.</span>{_e(site.name)}{_verdict(site.verdict)}</h3>',
        facts, _veto_box(site.veto_reasons), _findings(site.findings),
        _coverage(site), _columns(site), _qr_payloads(site.qr_payloads),
        '<p class="back"><a href="#sites">返回网站一览</a></p></section>',
    ]
    return "\n".join(part for part in parts if part)


def _veto_box(reasons: Sequence[str]) -> str:
    """The veto reasons, when a veto item failed the site."""
    if not reasons:
        return ""
    items = "".join(f"<li>{_e(reason)}</li>" for reason in reasons)
    return f'<div class="veto"><strong>单项否决：</strong><ul>{items}</ul></div>'


def _ordered_indicators(ids: Iterable[str]) -> list[str]:
    """Indicator ids without repeats, in catalogue order (unknown ids last, as met)."""
    present = list(dict.fromkeys(ids))
    return [key for key in CATALOGUE if key in present] + [key for key in present if key not in CATALOGUE]


def _indicator_title(key: str) -> str:
    """栏目不更新（column.not_updated）: the catalogue's Chinese name and the id."""
    row = CATALOGUE.get(key)
    return f"{_e(row.name)}（{_e(key)}）" if row else _e(key)


def _findings(findings: Sequence[Finding]) -> str:
    """Findings grouped by indicator, each group headed by its name, id and severity."""
    if not findings:
        return '<p class="none">未发现问题。</p>'
    groups = []
    for key in _ordered_indicators(f.indicator for f in findings):
        members = [f for f in findings if f.indicator == key]
        strongest = min((f.severity for f in members), key=SEVERITY_RANK.__getitem__)
        mixed = len({f.severity for f in members}) > 1
        items = "".join(_finding(f, label_each=mixed) for f in members)
        groups.append(
            f'<section class="indicator"><h4>{_indicator_title(key)}{_severity(strongest)}'
            f'<span class="count">共 {len(members)} 条</span></h4><ol class="findings">{items}</ol></section>'
        )
    return "\n".join(groups)


def _finding(finding: Finding, label_each: bool) -> str:
    """One problem: what, where, when, and its evidence thumbnails."""
    label = _severity(finding.severity) if label_each else ""
    rows = [
        ("检查对象", _e(finding.target) or "—"),
        ("页面地址", _link(finding.url)),
        ("发现时间", _when(finding.seen_at)),
        ("依据", _e(rule_of(finding))),
    ]
    return (
        f'<li class="finding"><p class="finding-title">{_e(finding.title)}{label}</p>'
        f'<p class="detail">{_e(finding.detail)}</p>{_facts(rows)}{_evidence(finding.evidence)}</li>'
    )


def _evidence(items: Sequence[Evidence]) -> str:
    """Thumbnails, the element crop first; each opens the full image."""
    if not items:
        return '<p class="muted">（无截图证据）</p>'
    ordered = sorted(items, key=lambda item: {"element": 0, "page": 1}.get(item.role, 2))
    return '<div class="evidence">' + "".join(_figure(item) for item in ordered) + "</div>"


def _figure(item: Evidence) -> str:
    """One evidence file: a clickable thumbnail (or a plain link for a file that is not an image)."""
    label = ROLE_NAMES.get(item.role, item.role or item.kind)
    href = _evidence_href(item.path)
    caption = f"<figcaption>{_e(label)}<br>{_when(item.captured_at)}</figcaption>"
    if href is None:
        return f'<figure class="shot"><p class="muted">证据路径无效：{_e(item.path)}</p>{caption}</figure>'
    title = _e(f"SHA-256 {item.sha256[:16]}… {item.path}")
    inner = (
        f'<img src="{href}" alt="{_e(label)}截图">'
        if href.lower().endswith(IMAGE_SUFFIXES) else _e(f"打开{label}文件")
    )
    link = f'<a href="{href}" target="_blank" rel="noopener" title="{title}">{inner}</a>'
    return f'<figure class="shot">{link}{caption}</figure>'


def _coverage(site: SiteResult) -> str:
    """What each check did on the site (done, skipped and why, error), collapsed."""
    if not site.checks:
        return '<details><summary>检查覆盖情况</summary><p class="muted">未记录检查项。</p></details>'
    counts = {status: sum(c.status == status for c in site.checks) for status in STATUS_NAMES}
    shown = [status for status in STATUS_NAMES if counts[status] or status is CheckStatus.DONE]
    tally = "，".join(f"{STATUS_NAMES[status]} {counts[status]} 项" for status in shown)
    css = ' class="warn"' if counts[CheckStatus.ERROR] or counts[CheckStatus.SKIPPED] else ""
    rows = "".join(
        f"<tr><td>{_e(CHECK_NAMES.get(c.check, c.check))}</td>"
        f"<td class='st-{_e(c.status)}'>{STATUS_NAMES.get(c.status, _e(c.status))}</td>"
        f"<td>{_e(c.note) or '—'}{_evidence(c.evidence) if c.evidence else ''}{_unverified(c.unverified)}</td></tr>"
        for c in site.checks
    )
    return (
        f"<details{css}><summary>检查覆盖情况（{tally}）</summary><table><thead><tr><th>检查项</th><th>状态</th>"
        f"<th>说明</th></tr></thead><tbody>{rows}</tbody></table></details>"
    )


def _unverified(items: Sequence[Unverified]) -> str:
    """The looks that still failed after their re-tests: what, why, and when each attempt was made."""
    if not items:
        return ""
    rows = []
    for item in items:
        times = "、".join(_when(at) for at in item.attempts)
        tried = f"，尝试{len(item.attempts)}次：{times}" if item.attempts else ""
        where = f" {_link(item.url)}" if item.url else ""
        shots = _evidence(item.evidence) if item.evidence else ""
        rows.append(f"<li>未能核查：{_e(item.what)}（{_e(item.reason)}{tried}）{where}{shots}</li>")
    return '<ul class="unverified">' + "".join(rows) + "</ul>"


def _column_order(column: ColumnRecord) -> int:
    """Where a column's verdict sorts in the inventory: problems, then unread, then the fine and the unjudged."""
    return COLUMN_VERDICT_ORDER.get(column.verdict, len(COLUMN_VERDICT_ORDER))


def _column_tally(columns: Sequence[ColumnRecord]) -> str:
    """共发现栏目N个：正常a个，超期未更新b个，空白c个，未能读取d个 (other verdicts only when present)."""
    counts = {verdict: sum(c.verdict == verdict for c in columns) for verdict in COLUMN_TALLY_NAMES}
    other = len(columns) - sum(counts.values())
    parts = [
        f"{label}{counts[verdict]}个" for verdict, label in COLUMN_TALLY_NAMES.items()
        if counts[verdict] or verdict in COLUMN_TALLY_ALWAYS
    ]
    if other:
        parts.append(f"其他结论{other}个")
    return f"共发现栏目{len(columns)}个：" + "，".join(parts)


def _column_verdict(verdict: str) -> str:
    """正常 / 超期未更新 / … coloured by kind; an unknown verdict is shown as written."""
    css = f"cv-{verdict}" if verdict in COLUMN_VERDICT_NAMES and verdict else "cv-other"
    return f'<span class="{css}">{_e(column_verdict_name(verdict))}</span>'


def _column_row(column: ColumnRecord) -> str:
    """One line of the inventory: name linked to the column, path, class, items, newest date, verdict, note."""
    href = _external_href(column.url)
    name = _e(column.name) or "（无名称）"
    if href is not None:
        name = f'<a href="{_e(href)}" target="_blank" rel="{EXTERNAL_REL}">{name}</a>'
    note = _e(column.note)
    if column.pages_read > 1:
        note += ("；" if note else "") + f"翻阅列表{column.pages_read}页"
    unread = column.verdict == "unread"
    css = ' class="col-problem"' if column.problem else ""
    return (
        f'<tr{css}><td>{name}<br><span class="url">{_e(column.url) or "—"}</span></td>'
        f'<td>{_e(column_path(column))}</td><td>{_e(column_class_name(column.column_class))}</td>'
        f'<td class="num">{"—" if unread else column.items}</td><td class="nw">{_day(column.latest)}</td>'
        f'<td class="nw">{_column_verdict(column.verdict)}</td><td>{note or "—"}</td></tr>'
    )


def _columns(site: SiteResult) -> str:
    """栏目清单: every column found, problems first, with its path, class, items, newest date and verdict."""
    if not site.columns:
        return ""
    ordered = sorted(site.columns, key=_column_order)  # stable: the walk's order within a verdict
    rows = "".join(_column_row(column) for column in ordered)
    problems = sum(column.problem for column in site.columns)
    opened = " open" if len(site.columns) <= COLUMNS_OPEN_MAX else ""
    css = ' class="warn"' if problems else ""
    return (
        f'<section class="columns"><h4>栏目清单</h4><p class="tally">{_column_tally(site.columns)}。</p>'
        f"<details{css}{opened}><summary>栏目明细（{len(site.columns)} 个，其中存在问题 {problems} 个）</summary>"
        '<table><thead><tr><th class="c-name">栏目</th><th class="c-path">访问路径</th><th>类别</th>'
        '<th class="num">条目数</th><th>最新日期</th><th>结论</th><th>说明</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></details></section>"
    )


def _qr_payloads(payloads: Sequence[str]) -> str:
    """The contents of the footer QR codes that decoded, collapsed."""
    if not payloads:
        return ""
    items = "".join(f"<li>{_link(payload)}</li>" for payload in payloads)
    return f"<details><summary>页脚二维码内容（{len(payloads)} 个）</summary><ul>{items}</ul></details>"


def _colophon(result: RunResult) -> str:
    """How to read and verify the report."""
    return (
        '<footer class="colophon">本报告由 '
        f"{_e(result.tool)} {_e(result.tool_version)} 根据 results.json 生成；时间均为北京时间。"
        "截图证据保存在报告所在文件夹的 evidence 目录，文件名取自其 SHA-256 摘要的前 20 位，"
        "可用 sha256sum 等工具核验文件未被改动。链接检查结果仅反映检查当时的状态。</footer>"
    )
