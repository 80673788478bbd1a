"""Run to run: which findings are new, fixed or persisting between two runs (how a 整改 is re-checked).

Findings are matched by site (unit and name), indicator and target; a pure function of two
results.json files, rendered as text, JSON or an HTML section of the report.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, Field

from checker.catalogue import indicator
from checker.results import Finding, RunResult, SiteResult

DIFF_NAME = "diff.json"


class DiffItem(BaseModel):
    """One finding on one side of the comparison (the newer one when it persists)."""

    indicator: str
    name: str
    target: str
    title: str
    detail: str
    url: str = ""


class UnitDiff(BaseModel):
    """The comparison for one site of one unit."""

    unit: str
    site: str
    new: list[DiffItem] = Field(default_factory=list)
    fixed: list[DiffItem] = Field(default_factory=list)
    persisting: list[DiffItem] = Field(default_factory=list)
    old_verdict: str | None = None
    new_verdict: str | None = None


class RunDiff(BaseModel):
    """Two runs compared, site by site."""

    old_suite: str
    new_suite: str
    old_as_of: str
    new_as_of: str
    units: list[UnitDiff]

    def totals(self) -> tuple[int, int, int]:
        """Counts of new, fixed and persisting findings over all sites."""
        return (sum(len(u.new) for u in self.units), sum(len(u.fixed) for u in self.units),
                sum(len(u.persisting) for u in self.units))


def _site_key(site: SiteResult) -> tuple[str, str]:
    """Sites are matched by unit and name: a re-check may reach the same site on another host or port."""
    return site.unit, site.name


def _key(finding: Finding) -> tuple[str, str]:
    """A target that is an address is compared by its path, for the same reason."""
    target = finding.target
    if target.startswith(("http://", "https://")):
        parts = urlsplit(target)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
    return finding.indicator, target


def _item(finding: Finding) -> DiffItem:
    return DiffItem(indicator=finding.indicator, name=indicator(finding.indicator).name, target=finding.target,
                    title=finding.title, detail=finding.detail, url=finding.url)


def _compare_site(old: SiteResult | None, new: SiteResult | None) -> UnitDiff:
    """Match findings by (indicator, target); duplicates pair off one to one."""
    base = new or old
    assert base is not None
    old_findings = list(old.findings) if old else []
    new_findings = list(new.findings) if new else []
    remaining = [_key(f) for f in old_findings]
    diff = UnitDiff(unit=base.unit, site=base.name, old_verdict=old.verdict.value if old else None,
                    new_verdict=new.verdict.value if new else None)
    matched_old: list[int] = []
    for finding in new_findings:
        key = _key(finding)
        index = next((i for i, k in enumerate(remaining) if k == key and i not in matched_old), None)
        if index is None:
            diff.new.append(_item(finding))
        else:
            matched_old.append(index)
            diff.persisting.append(_item(finding))
    diff.fixed = [_item(f) for i, f in enumerate(old_findings) if i not in matched_old]
    return diff


def compare(old: RunResult, new: RunResult) -> RunDiff:
    """Compare two runs; sites only in one run appear with everything new or everything fixed."""
    old_sites = {_site_key(site): site for site in old.sites}
    new_keys = [_site_key(site) for site in new.sites]
    units = [_compare_site(old_sites.get(_site_key(site)), site) for site in new.sites]
    units += [_compare_site(site, None) for key, site in old_sites.items() if key not in new_keys]
    return RunDiff(old_suite=old.suite, new_suite=new.suite, old_as_of=old.as_of.isoformat(),
                   new_as_of=new.as_of.isoformat(), units=units)


def _lines(label: str, items: Iterable[DiffItem]) -> list[str]:
    return [f"    {label} {item.name}（{item.indicator}）：{item.target or item.title}" for item in items]


def render_text(diff: RunDiff) -> str:
    """Plain-text comparison for the terminal, unit by unit."""
    new, fixed, persisting = diff.totals()
    lines = [f"对比：{diff.old_suite}（{diff.old_as_of}） → {diff.new_suite}（{diff.new_as_of}）",
             f"新增问题 {new} 条，已整改 {fixed} 条，仍存在 {persisting} 条"]
    for unit in diff.units:
        lines.append(f"  {unit.site}（{unit.unit}）：新增 {len(unit.new)}，已整改 {len(unit.fixed)}，"
                     f"仍存在 {len(unit.persisting)}")
        lines += _lines("[新增]", unit.new) + _lines("[已整改]", unit.fixed) + _lines("[仍存在]", unit.persisting)
    return "\n".join(lines)


def render_json(diff: RunDiff) -> str:
    """The comparison as JSON (UTF-8, Chinese kept readable)."""
    return json.dumps(diff.model_dump(mode="json"), ensure_ascii=False, indent=2)


def write_diff(diff: RunDiff, out_dir: Path) -> Path:
    """Save the comparison beside the newer run's results, where the HTML report picks it up."""
    path = out_dir / DIFF_NAME
    path.write_text(render_json(diff) + "\n", encoding="utf-8")
    return path


def read_diff(out_dir: Path) -> RunDiff | None:
    """The comparison saved in ``out_dir``, if any."""
    path = out_dir / DIFF_NAME
    return RunDiff.model_validate_json(path.read_text(encoding="utf-8")) if path.is_file() else None
