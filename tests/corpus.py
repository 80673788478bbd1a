"""Access to the real government pages in ../shared/corpus (third-party material, never copied here)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, Route

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def corpus_file(relative: str) -> Path:
    """The path of a corpus page, skipping the test when the corpus is not beside the checkout."""
    path = CORPUS / relative
    if not path.exists():
        pytest.skip(f"corpus page not available: {relative}")
    return path


def corpus_html(relative: str) -> str:
    """A corpus page's text; JSP copies lose their IDE comment and page directive (lines 1-8)."""
    text = corpus_file(relative).read_text(encoding="utf-8")
    if relative.endswith(".jsp"):
        text = "\n".join(text.splitlines()[8:])
    return text


def show_alone(page: Page, html: str, url: str, wait_until: str = "domcontentloaded") -> None:
    """Load ``html`` in ``page`` as the document at ``url``, nothing else loaded (every other request is
    aborted, so no test ever reaches the page's real site)."""

    def serve(route: Route) -> None:
        request = route.request
        if request.is_navigation_request() and request.frame == page.main_frame:
            route.fulfill(status=200, body=html, content_type="text/html; charset=utf-8")
        else:
            route.abort()

    page.unroute("**/*")
    page.route("**/*", serve)
    page.goto(url, wait_until=wait_until)  # type: ignore[arg-type]
