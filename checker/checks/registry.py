"""The check families a site goes through, in order. A later indicator family plugs in here.

The availability family comes first (it opens the home page; when that fails the rest are skipped with
the reason) and the footer family last (it judges the footers of every page the others opened).
"""

from __future__ import annotations

from checker.checks.availability import AvailabilityCheck
from checker.checks.columns import ColumnsCheck, HomeFreshnessCheck
from checker.checks.footer_marks import FooterCheck
from checker.checks.guide import GuideCheck
from checker.checks.hidden_links import HiddenLinksCheck
from checker.checks.links import LinksCheck
from checker.checks.message_form import MessageFormCheck
from checker.checks.newmedia_accounts import NewMediaAccountsCheck
from checker.checks.newmedia_qr import FooterQrCheck
from checker.checks.participation import InterviewCheck, SurveyCheck
from checker.checks.publishing import PublishingCheck
from checker.checks.replies import RepliesCheck
from checker.checks.search import SearchCheck
from checker.checks.site_map import SiteMapCheck
from checker.checks.typo import TypoCheck
from checker.context import CheckFamily

FAMILIES: tuple[CheckFamily, ...] = (
    AvailabilityCheck(),
    SiteMapCheck(),
    HomeFreshnessCheck(),
    FooterQrCheck(),
    HiddenLinksCheck(),
    SearchCheck(),
    ColumnsCheck(),
    MessageFormCheck(),
    RepliesCheck(),
    SurveyCheck(),
    InterviewCheck(),
    NewMediaAccountsCheck(),
    PublishingCheck(),
    GuideCheck(),
    TypoCheck(),
    LinksCheck(),
    FooterCheck(),
)

IMPLEMENTED: frozenset[str] = frozenset(indicator for family in FAMILIES for indicator in family.indicators)
"""The indicator ids some family judges; the others are in the catalogue but not checked yet."""
