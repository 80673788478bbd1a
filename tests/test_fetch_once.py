"""Each page of a site is fetched once per run: the site map's walk reads it, every family reads the map.

The demo server counts the requests it answers. The families that only read (columns, publishing, guide,
typos, links, footers) run on the demo sites; a page may be opened a second time only to photograph a
finding's evidence, and a page that failed may be requested again to confirm the failure (the link
checker's re-test). The interactive families (留言 form, search, QR codes) act on pages and are left out.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from checker.checks.availability import AvailabilityCheck
from checker.checks.columns import ColumnsCheck, HomeFreshnessCheck
from checker.checks.footer_marks import FooterCheck
from checker.checks.guide import GuideCheck
from checker.checks.links import LinksCheck
from checker.checks.publishing import PublishingCheck
from checker.checks.site_map import SiteMapCheck
from checker.checks.typo import TypoCheck
from checker.cli import DEMO_BASE, demo_suite
from checker.demo.server import DemoServer
from checker.engine import RunOptions
from tests.conftest import run_in_thread

pytestmark = pytest.mark.browser

READING_FAMILIES = (AvailabilityCheck(), SiteMapCheck(), HomeFreshnessCheck(), ColumnsCheck(), PublishingCheck(),
                    GuideCheck(), TypoCheck(), LinksCheck(), FooterCheck())
_NOT_PAGES = (".css", ".js", ".png", ".jpg", ".gif", ".ico", ".docx", ".json")


def test_every_page_is_fetched_once_apart_from_evidence(tmp_path: Path) -> None:
    with DemoServer(port=0) as server:
        suite = demo_suite().rebase(DEMO_BASE, server.base_url)
        reachable = [site for site in suite.sites if not site.url.rstrip("/").endswith("/bm/zjj")]
        suite = suite.model_copy(update={"sites": reachable})
        result = run_in_thread(suite, RunOptions(tmp_path, families=READING_FAMILIES))
        requests = list(server.site.requests)
        failing = {path for _, path in requests if server.site.get(path).status >= 400}
    pages = Counter(path.split("?")[0] for method, path in requests
                    if method == "GET" and not path.split("?")[0].endswith(_NOT_PAGES)
                    and not path.startswith(("/static/", "/bm/jtj/api/")))
    evidence = Counter(urlsplit(item.url).path for site in result.sites for finding in site.findings
                       for item in finding.evidence if item.role == "page")
    twice = {path: count for path, count in pages.items()
             if count - min(evidence[path], 1) > 1 and path not in failing}
    assert not twice, f"pages fetched more than once (beyond one evidence screenshot): {twice}"
    walked = sum(1 for record in (r for site in result.sites for r in site.checks) if record.check == "sitemap")
    assert walked == len(reachable)
    assert len(pages) > 150, "the walk read the demo sites"
