"""Findings in the catalogue's words: the helpers every judge (check families, link judging) builds them with."""

from __future__ import annotations

from datetime import date, datetime

from checker.catalogue import indicator
from checker.results import Evidence, Finding, Severity


def make_finding(
    indicator_id: str,
    severity: Severity,
    detail: str,
    *,
    url: str,
    target: str,
    seen_at: datetime | None,
    evidence: list[Evidence] | None = None,
    title: str | None = None,
) -> Finding:
    """A finding titled with the catalogue's Chinese name unless a more specific title is given."""
    return Finding(
        indicator=indicator_id,
        severity=severity,
        title=title or indicator(indicator_id).name,
        detail=detail,
        url=url,
        target=target,
        seen_at=seen_at,
        evidence=list(evidence or []),
    )


def iso(day: date | None) -> str:
    """A date as YYYY-MM-DD, or 无 when there is none."""
    return day.isoformat() if day else "无"
