"""The 整改复查 section of the HTML report: findings new, fixed and persisting against an earlier run."""

from __future__ import annotations

import html

from checker.diff import DiffItem, RunDiff

_LABELS = (("new", "新增", "s-veto"), ("fixed", "已整改", "s-advisory"), ("persisting", "仍存在", "s-deduction"))


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _rows(items: list[DiffItem], label: str, css: str) -> str:
    return "".join(
        f'<tr><td><span class="sev {css}">{label}</span></td><td>{_e(item.name)}<br>'
        f'<code>{_e(item.indicator)}</code></td><td>{_e(item.target or "—")}</td><td>{_e(item.detail)}</td></tr>'
        for item in items
    )


def render_diff_section(diff: RunDiff) -> str:
    """A report section comparing this run with an earlier one, one table per site that changed or not."""
    new, fixed, persisting = diff.totals()
    parts = [
        '<section id="diff"><h2>整改复查：与上次检查对比</h2>',
        f'<p class="lead">上次检查：{_e(diff.old_suite)}（监测时间点 {_e(diff.old_as_of)}）。'
        f"本次新增问题 <b>{new}</b> 条，已整改 <b>{fixed}</b> 条，仍存在 <b>{persisting}</b> 条。</p>",
    ]
    for unit in diff.units:
        body = "".join(_rows(getattr(unit, key), label, css) for key, label, css in _LABELS)
        if not body:
            body = '<tr><td colspan="4">两次检查均未发现问题。</td></tr>'
        parts.append(
            f"<h3>{_e(unit.site)}<span class=\"count\">{_e(unit.unit)}：新增 {len(unit.new)}，"
            f"已整改 {len(unit.fixed)}，仍存在 {len(unit.persisting)}</span></h3>"
            "<table><thead><tr><th>状态</th><th>指标</th><th>检查对象</th><th>问题描述（最近一次）</th></tr></thead>"
            f"<tbody>{body}</tbody></table>"
        )
    parts.append("</section>")
    return "\n".join(parts)
