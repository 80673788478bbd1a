"""Trends across runs (``govcheck history``): pass rate, problems per indicator, each site's score and what
was fixed, persisted or appeared between consecutive runs, as one self-contained HTML page.

A pure function of the runs' results (:func:`render_history`); nothing is re-checked. Like report.html the
page carries no script and the same strict Content-Security-Policy; every string from the results is
escaped. The charts are SVG drawn by pygal with its scripts turned off and embedded inline; the numbers
behind every chart are also given as a table, so nothing depends on hovering.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import pygal
from pygal.style import Style

from checker.catalogue import CATALOGUE, indicator
from checker.diff import DiffItem, RunDiff, compare
from checker.reports.html import CSP, STYLE, _day, _e, _percent, _score, _when
from checker.reports.notice_model import counted
from checker.results import RunResult, SiteResult
from checker.scoring import PassRate, pass_rate

HISTORY_NAME = "history.html"
MIN_RUNS = 2
CHART_WIDTH = 900
FONT_SIZE = 13
SITES_PER_CHART = 10  # more lines than this in one chart cannot be told apart
VETO_TEXT = "否决"
ABSENT_TEXT = "—"
FONT_FAMILY = '"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif'
PALETTE = ("#b5121b", "#1d4f91", "#1b7a36", "#9a5b00", "#6a3d9a", "#00838f", "#c2185b", "#5f5f5f",
           "#8d6e00", "#33691e")
DIFF_COLOURS = ("#1b7a36", "#9a5b00", "#b5121b")  # 已整改, 仍存在, 新增
DIFF_LABELS = (("fixed", "已整改"), ("persisting", "仍存在"), ("new", "新增"))

HISTORY_STYLE = """
.chart{margin:10px 0 4px;border:1px solid var(--rule);background:#fafaf8}
.chart svg{display:block;width:100%;height:auto}
.chart-note{font-size:13px;color:var(--muted);margin:2px 0 12px}
.veto-cell{color:var(--red);font-weight:700}
.pair{margin-top:22px}
td.up{color:var(--red)} td.down{color:var(--green)}
"""

_SCRIPT = re.compile(r"<script\b.*?(?:</script\s*>|$)", re.IGNORECASE | re.DOTALL)


class HistoryError(ValueError):
    """The runs given cannot make a history (fewer than two)."""


@dataclass
class SiteSeries:
    """One site followed across the runs: its score in each run (None: vetoed), or absent."""

    name: str
    unit: str
    url: str
    cells: dict[int, SiteResult] = field(default_factory=dict)

    def score_text(self, run: int) -> str:
        """The score in run ``run`` as shown in the table: a number, 否决, or — when not checked."""
        site = self.cells.get(run)
        if site is None:
            return ABSENT_TEXT
        return VETO_TEXT if site.score is None else _score(site.score)

    def values(self, runs: int) -> list[float | None]:
        """The chart's points: the score, or None (no point) when vetoed or not checked."""
        return [site.score if (site := self.cells.get(i)) is not None else None for i in range(runs)]


def order_runs(runs: Sequence[RunResult]) -> list[RunResult]:
    """The runs in time order: by monitoring date (as_of), then by when they finished."""
    return sorted(runs, key=lambda run: (run.as_of, run.finished_at.timestamp()))


def run_labels(runs: Sequence[RunResult]) -> list[str]:
    """Short labels for the ordered runs: the as_of date, with the finish time when two share a date."""
    days = [run.as_of.isoformat() for run in runs]
    labels = [
        f"{day} {_when(run.finished_at)[11:16]}" if days.count(day) > 1 else day
        for day, run in zip(days, runs, strict=True)
    ]
    seen: dict[str, int] = {}
    unique = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        unique.append(label if seen[label] == 1 else f"{label}（{seen[label]}）")
    return unique


def _url_key(url: str) -> str:
    """A site's address for matching: case of the host and a trailing slash do not matter."""
    return url.strip().lower().rstrip("/")


def follow_sites(runs: Sequence[RunResult]) -> list[SiteSeries]:
    """Each site across the ordered runs, matched by its address, else by its name (a site that moved)."""
    series: list[SiteSeries] = []
    by_url: dict[str, SiteSeries] = {}
    for number, run in enumerate(runs):
        for site in run.sites:
            match = by_url.get(_url_key(site.url)) if site.url else None
            if match is None or number in match.cells:
                match = next((s for s in series if s.name == site.name and number not in s.cells), None)
            if match is None:
                match = SiteSeries(site.name, site.unit, site.url)
                series.append(match)
            match.cells[number] = site
            match.name, match.unit, match.url = site.name, site.unit, site.url  # the latest wording
            by_url.setdefault(_url_key(site.url), match)
    return series


def problem_counts(run: RunResult) -> dict[str, int]:
    """Counted findings (vetoes and deductions, not advisories) per indicator id."""
    counts: dict[str, int] = {}
    for site in run.sites:
        for finding in site.findings:
            if counted(finding):
                counts[finding.indicator] = counts.get(finding.indicator, 0) + 1
    return counts


def _indicator_name(key: str) -> str:
    try:
        return indicator(key).name
    except KeyError:
        return key


def _ordered(keys: set[str]) -> list[str]:
    """Indicator ids in catalogue order, unknown ones last."""
    return [key for key in CATALOGUE if key in keys] + sorted(keys - set(CATALOGUE))


# --- charts -------------------------------------------------------------------------------------------


def _style(colours: Sequence[str] = PALETTE) -> Style:
    return Style(font_family=FONT_FAMILY, background="#fafaf8", plot_background="#ffffff",
                 foreground="#1f1f1f", foreground_strong="#1f1f1f", foreground_subtle="#d8d4cc",
                 colors=tuple(colours), label_font_size=FONT_SIZE, major_label_font_size=FONT_SIZE,
                 legend_font_size=FONT_SIZE,
                 value_font_size=12, tooltip_font_size=13, title_font_size=15)


def _clean_svg(title: str) -> Callable[[Any], Any]:
    """An xml filter for pygal: no script, no generator comments (they carry the date), our own title."""

    def unwanted(element: Any) -> bool:
        return not isinstance(element.tag, str) or _local(element.tag) == "script"

    def clean(root: Any) -> Any:
        for parent in list(root.iter()):
            for child in list(parent):
                if unwanted(child):
                    parent.remove(child)
        for child in root:
            if isinstance(child.tag, str) and _local(child.tag) == "title":
                child.text = title
        return root

    return clean


def _local(tag: str) -> str:
    """An element's name without its namespace."""
    return tag.rsplit("}", 1)[-1].lower()


def _svg(chart: Any, name: str, title: str) -> str:
    """Render a chart as inline SVG text: deterministic id, no XML declaration, no script at all."""
    chart.uuid = name
    chart.add_xml_filter(_clean_svg(title))
    text = chart.render(is_unicode=True)
    return _SCRIPT.sub("", text)


def _common(**extra: object) -> dict[str, object]:
    options: dict[str, object] = {
        "disable_xml_declaration": True, "js": [], "width": CHART_WIDTH, "height": 360, "explicit_size": False,
        "legend_at_bottom": True, "truncate_legend": 40, "truncate_label": 40,
        "show_y_guides": True, "margin": 16, "margin_bottom": 28, "no_data_text": "无数据",
    }
    options.update(extra)
    return options


def _pass_rate_chart(labels: list[str], rates: list[PassRate]) -> str:
    chart = pygal.Line(**_common(style=_style(), range=(0, 100), show_legend=False, print_values=True,
                                 value_formatter=lambda value: f"{_score(value)}%", dots_size=4, height=300,
                                 margin_right=60, x_label_rotation=_rotation(labels)))
    chart.x_labels = labels
    chart.add("合格率", [rate.percent if rate.total else None for rate in rates])
    return _svg(chart, "history-pass-rate", "合格率")


def _text_width(text: str, size: int = FONT_SIZE) -> float:
    """Roughly how wide a label is drawn: a Chinese character is as wide as the font is high."""
    return sum(size if ord(char) > 0x2E80 else size * 0.6 for char in text)


def _rotation(labels: Sequence[str], width: int = CHART_WIDTH) -> int:
    """Slant the x labels when they would not fit side by side."""
    return 30 if sum(_text_width(label) + 24 for label in labels) > width * 0.85 else 0


def _cjk_margin(labels: Sequence[str], size: int = FONT_SIZE) -> int:
    """What pygal's estimate (0.6 of the font size per character) leaves out for Chinese labels."""
    longest = max((_text_width(label, size) - 0.6 * size * len(label) for label in labels), default=0)
    return 16 + round(longest)


def _integer_ticks(top: int) -> list[int]:
    """Axis ticks for counts: whole numbers only, at most about ten of them."""
    step = max(1, -(-top // 10))
    return list(range(0, max(top, 1) + step, step))


def _indicator_chart(labels: list[str], keys: list[str], counts: list[dict[str, int]]) -> str:
    names = [_indicator_name(key) for key in reversed(keys)]  # pygal draws the first row at the bottom
    height = max(260, 90 + len(keys) * (16 * len(labels) + 14))
    top = max((count for run_counts in counts for count in run_counts.values()), default=0)
    chart = pygal.HorizontalBar(**_common(style=_style(), height=height, print_values=True, print_zeroes=False,
                                          value_formatter=lambda value: f"{value:g}", y_labels=_integer_ticks(top),
                                          margin_left=_cjk_margin(names),
                                          legend_at_bottom_columns=min(len(labels), 4)))
    chart.x_labels = names
    for label, run_counts in zip(labels, counts, strict=True):
        chart.add(label, [run_counts.get(key, 0) for key in reversed(keys)])
    return _svg(chart, "history-indicators", "各指标问题数")


def _score_chart(labels: list[str], series: Sequence[SiteSeries], number: int) -> str:
    rows = -(-len(series) // 2)
    chart = pygal.Line(**_common(style=_style(), range=(0, 100), allow_interruptions=True, dots_size=4,
                                 value_formatter=lambda value: f"{value:g}", legend_at_bottom_columns=2,
                                 height=340 + 22 * rows, margin_right=40, x_label_rotation=_rotation(labels)))
    chart.x_labels = labels
    for site in series:
        chart.add(site.name, site.values(len(labels)))
    return _svg(chart, f"history-scores-{number}", "各网站得分")


def _diff_chart(pair_labels: list[str], diffs: list[RunDiff]) -> str:
    top = max((sum(diff.totals()) for diff in diffs), default=0)
    chart = pygal.StackedBar(**_common(style=_style(DIFF_COLOURS), print_values=True, print_zeroes=False,
                                       value_formatter=lambda value: f"{value:g}", height=320,
                                       y_labels=_integer_ticks(top), legend_at_bottom_columns=3,
                                       x_label_rotation=_rotation(pair_labels)))
    chart.x_labels = pair_labels
    for key, label in DIFF_LABELS:
        chart.add(label, [sum(len(getattr(unit, key)) for unit in diff.units) for diff in diffs])
    return _svg(chart, "history-diff", "整改情况")


def _figure(svg: str, caption: str) -> str:
    return f'<figure class="chart" role="img" aria-label="{_e(caption)}">{svg}</figure>'


# --- page ---------------------------------------------------------------------------------------------


def render_history(runs: Sequence[RunResult]) -> str:
    """The whole trend page as one HTML document (the same runs, in any order, always give the same text).

    Raises :class:`HistoryError` when fewer than two runs are given.
    """
    if len(runs) < MIN_RUNS:
        raise HistoryError(f"趋势分析至少需要两次检查的结果，只提供了 {len(runs)} 次")
    ordered = order_runs(runs)
    labels = run_labels(ordered)
    body = [
        _masthead(ordered),
        _pass_rates(ordered, labels),
        _indicators(ordered, labels),
        _scores(ordered, labels),
        _changes(ordered, labels),
        _colophon(ordered),
    ]
    return "\n".join([_head(ordered), "<body>", "<main>", *body, "</main>", "</body>", "</html>", ""])


def _suites(runs: Sequence[RunResult]) -> list[str]:
    return list(dict.fromkeys(run.suite for run in runs))


def _head(runs: Sequence[RunResult]) -> str:
    suites = _suites(runs)
    title = suites[0] if len(suites) == 1 else "多次检查"
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(CSP)}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)} — 检查趋势</title>\n<style>{STYLE}{HISTORY_STYLE}</style>\n</head>"
    )


def _masthead(runs: Sequence[RunResult]) -> str:
    suites = _suites(runs)
    heading = suites[0] if len(suites) == 1 else "多次检查趋势"
    rows = [
        ("检查次数", f"{len(runs)} 次"),
        ("时间范围", f"{_day(runs[0].as_of)} 至 {_day(runs[-1].as_of)}"),
    ]
    if len(suites) > 1:
        rows.append(("检查名称", "；".join(_e(s) for s in suites)))
    meta = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows)
    return (
        '<header class="masthead"><p class="kicker">政府网站与政务新媒体检查趋势</p>'
        f'<h1>{_e(heading)}</h1><dl class="meta">{meta}</dl></header>'
    )


def _run_cell(run: RunResult, label: str) -> str:
    return f"{_e(label)}<br><span class=\"muted\">{_e(run.suite)}</span>"


def _pass_rates(runs: Sequence[RunResult], labels: list[str]) -> str:
    """一、合格率: the rate of each run as a line, and the numbers."""
    rates = [pass_rate(run.sites) for run in runs]
    rows = "".join(
        f"<tr><td>{_run_cell(run, label)}</td><td class='num'>{rate.total}</td><td class='num'>{rate.passed}</td>"
        f"<td class='num'>{rate.total - rate.passed}</td><td class='num'>{_percent(rate)}</td>"
        f"<td class='num'>{len(run.unchecked)}</td></tr>"
        for run, label, rate in zip(runs, labels, rates, strict=True)
    )
    return (
        '<section id="pass-rate"><h2>一、合格率</h2>'
        f"{_figure(_pass_rate_chart(labels, rates), '各次检查的合格率')}"
        '<table><thead><tr><th>检查（监测时间点）</th><th class="num">检查数</th><th class="num">合格</th>'
        '<th class="num">不合格</th><th class="num">合格率</th><th class="num">未检查</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></section>"
    )


def _indicators(runs: Sequence[RunResult], labels: list[str]) -> str:
    """二、各指标问题数: counted problems per indicator per run (vetoes and deductions, not advisories)."""
    counts = [problem_counts(run) for run in runs]
    keys = _ordered({key for run_counts in counts for key in run_counts})
    head = "".join(f'<th class="num">{_e(label)}</th>' for label in labels)
    if not keys:
        return (
            '<section id="indicators"><h2>二、各指标问题数</h2>'
            '<p class="none">各次检查均未发现需整改的问题。</p></section>'
        )
    rows = []
    for key in keys:
        cells = "".join(f"<td class='num'>{run_counts.get(key, 0)}</td>" for run_counts in counts)
        rows.append(f"<tr><td>{_e(_indicator_name(key))}<br><code>{_e(key)}</code></td>{cells}</tr>")
    totals = "".join(f"<td class='num'>{sum(run_counts.values())}</td>" for run_counts in counts)
    return (
        '<section id="indicators"><h2>二、各指标问题数</h2>'
        f"{_figure(_indicator_chart(labels, keys, counts), '各指标在各次检查中的问题数')}"
        '<p class="chart-note">问题数只计单项否决与扣分项，不含提示。</p>'
        f"<table><thead><tr><th>问题类别</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody>"
        f"<tfoot><tr><td>合计</td>{totals}</tr></tfoot></table></section>"
    )


def _scores(runs: Sequence[RunResult], labels: list[str]) -> str:
    """三、各网站得分: each site's score over time; a veto shows as 否决 (no point), not as 0."""
    series = follow_sites(runs)
    groups = [series[i:i + SITES_PER_CHART] for i in range(0, len(series), SITES_PER_CHART)]
    figures = "".join(
        _figure(_score_chart(labels, group, number),
                f"各网站得分（第 {number} 组，共 {len(groups)} 组）" if len(groups) > 1 else "各网站得分")
        for number, group in enumerate(groups, 1)
    )
    head = "".join(f'<th class="num">{_e(label)}</th>' for label in labels)
    rows = []
    for site in series:
        cells = []
        for number in range(len(runs)):
            text = site.score_text(number)
            css = "num veto-cell" if text == VETO_TEXT else "num"
            cells.append(f'<td class="{css}">{_e(text)}</td>')
        rows.append(f"<tr><td>{_e(site.name)}<br><span class=\"muted\">{_e(site.unit)}</span></td>"
                    f"{''.join(cells)}</tr>")
    if not series:
        return '<section id="scores"><h2>三、各网站得分</h2><p class="muted">各次检查均无网站结果。</p></section>'
    return (
        f'<section id="scores"><h2>三、各网站得分</h2>{figures}'
        f'<p class="chart-note">单项否决的网站不计分，图中该次检查不画点（连线在此中断），表中记为“{VETO_TEXT}”；'
        f"“{ABSENT_TEXT}”表示该次检查未包含该网站。</p>"
        f"<table><thead><tr><th>网站</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def _changes(runs: Sequence[RunResult], labels: list[str]) -> str:
    """四、整改情况: each consecutive pair compared by ``govcheck diff`` (fixed, persisting, new)."""
    diffs = [compare(old, new) for old, new in pairwise(runs)]
    pair_labels = [f"{old} → {new}" for old, new in pairwise(labels)]
    rows = []
    for pair, diff in zip(pair_labels, diffs, strict=True):
        new, fixed, persisting = diff.totals()
        rows.append(f"<tr><td>{_e(pair)}</td><td class='num'>{fixed}</td><td class='num'>{persisting}</td>"
                    f"<td class='num'>{new}</td></tr>")
    details = "".join(
        _pair_details(pair, diff, opened=number == len(diffs)) for number, (pair, diff) in
        enumerate(zip(pair_labels, diffs, strict=True), 1)
    )
    return (
        '<section id="changes"><h2>四、整改情况（相邻两次检查对比）</h2>'
        f"{_figure(_diff_chart(pair_labels, diffs), '相邻两次检查之间已整改、仍存在和新增的问题数')}"
        '<p class="chart-note">按站点、指标和检查对象匹配（与 govcheck diff 相同），含提示类问题。</p>'
        '<table><thead><tr><th>对比</th><th class="num">已整改</th><th class="num">仍存在</th>'
        f'<th class="num">新增</th></tr></thead><tbody>{"".join(rows)}</tbody></table>{details}</section>'
    )


def _pair_details(pair: str, diff: RunDiff, opened: bool) -> str:
    new, fixed, persisting = diff.totals()
    rows = []
    for unit in diff.units:
        for key, label in DIFF_LABELS:
            items: list[DiffItem] = getattr(unit, key)
            rows.extend(
                f'<tr><td><span class="sev {_SEV_CSS[key]}">{label}</span></td><td>{_e(unit.site)}</td>'
                f"<td>{_e(item.name)}<br><code>{_e(item.indicator)}</code></td><td>{_e(item.target or '—')}</td></tr>"
                for item in items
            )
    table = (
        "<table><thead><tr><th>状态</th><th>网站</th><th>指标</th><th>检查对象</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>" if rows else '<p class="none">两次检查均未发现问题。</p>'
    )
    return (
        f'<details class="pair"{" open" if opened else ""}><summary>{_e(pair)}：已整改 {fixed} 条，'
        f"仍存在 {persisting} 条，新增 {new} 条</summary>{table}</details>"
    )


_SEV_CSS = {"fixed": "s-advisory", "persisting": "s-deduction", "new": "s-veto"}


def _colophon(runs: Sequence[RunResult]) -> str:
    tools = "、".join(dict.fromkeys(_e(f"{run.tool} {run.tool_version}".strip()) for run in runs))
    return (
        f'<footer class="colophon">本页由 govcheck history 根据 {len(runs)} 次检查的 results.json 生成'
        f"（检查工具：{tools}）；各次检查按监测时间点排序。得分与合格率取自各次检查的结果，未重新检查。"
        "</footer>"
    )
