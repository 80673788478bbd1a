"""A page the site walk reads from its HTML is parsed once: the text, links and headings the checks read
(``ParsedPage``) come from the same lxml tree as the walk's read, and that tree must hold what a browser
holds."""

from __future__ import annotations

import pytest

from checker.htmlpage import Link, decode_html, parse_html
from checker.links.static_links import parse_document, static_links
from tests.corpus import CORPUS, corpus_file

URL = "http://www.example.gov.cn/xxgk/index.html"
PAGES = sorted(str(path.relative_to(CORPUS)) for path in CORPUS.rglob("*.htm*")) if CORPUS.is_dir() else []


@pytest.mark.parametrize("relative", PAGES or ["(corpus absent)"])
def test_a_page_read_from_its_tree_says_what_the_tokenizer_reads(relative: str) -> None:
    html = decode_html(corpus_file(relative).read_bytes())
    tokens, tree = parse_html(html, URL), parse_html(html, URL, parse_document(html))
    assert (tree.title, tree.heading, tree.lines, tree.media, tree.meta) == \
        (tokens.title, tokens.heading, tokens.lines, tokens.media, tokens.meta)
    # a link inside a link is split in two, as a browser splits it; otherwise the same links in the same order
    assert set(tokens.links) <= set(tree.links) and len(tree.links) - len(tokens.links) <= html.count("</a></a>")


def test_a_stray_end_of_document_does_not_end_what_is_read() -> None:
    """Browsers read on past a ``</html>`` left mid-page by a header template; lxml alone stops there."""
    html = ("<html><body><div class='head'>示例县人民政府</div></html><!--end header-->"
            "<div class='list'><a href='/a/1.html'>关于开展工作的通知</a></div></body></html>")
    page = parse_html(html, URL, parse_document(html))
    assert "关于开展工作的通知" in page.lines
    assert static_links(html, URL, 100)["links"][-1]["url"] == "http://www.example.gov.cn/a/1.html"


def test_a_link_inside_a_link_is_two_links_as_in_a_browser() -> None:
    html = "<p><a href='/outer.html' title='外层'><a href='/inner.html'>内层</a></a></p>"
    assert parse_html(html, URL, parse_document(html)).links == (
        Link("外层", "http://www.example.gov.cn/outer.html"), Link("内层", "http://www.example.gov.cn/inner.html"))
