"""The check families a site goes through, in order. A later indicator family plugs in here.

The availability family comes first (it opens the home page; when that fails the rest are skipped with
the reason) and the footer family last (it judges the footers of every page the others opened).
"""

from __future__ import annotations

from checker.checks.availability import AvailabilityCheck
from checker.checks.columns import ColumnsCheck, HomeFreshnessCheck
from checker.checks.footer_marks import FooterCheck
from checker.checks.newmedia_qr import FooterQrCheck
from checker.context import CheckFamily

FAMILIES: tuple[CheckFamily, ...] = (
    AvailabilityCheck(),
    HomeFreshnessCheck(),
    FooterQrCheck(),
    ColumnsCheck(),
    FooterCheck(),
)

IMPLEMENTED: frozenset[str] = frozenset(indicator for family in FAMILIES for indicator in family.indicators)
"""The indicator ids some family judges; the others are in the catalogue but not checked yet."""
