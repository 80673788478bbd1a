"""The ground truth's ``columns`` lists (checker/demo/ground_truth.yaml) against the demo pages themselves,
read through ``DemoSite`` without a server or a browser: every listed column answers 200, ends its 当前位置
breadcrumb with its listed name and is reached by following links from its site's home page without leaving
the site (hrefs, and the links a script writes from a data array, as the 交通运输局 信息公开 tree)."""

from __future__ import annotations

import json
import re
from collections import deque
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml

from checker.demo.server import DemoSite, Response

BASE = "http://127.0.0.1:8765/"
GROUND_TRUTH = yaml.safe_load(
    (Path(__file__).resolve().parent.parent / "checker" / "demo" / "ground_truth.yaml").read_text(encoding="utf-8"))
SITES = GROUND_TRUTH["sites"]
PREFIXES = [site["path"] for site in SITES]
HREF = re.compile(r"""\shref\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
SCRIPT_DATA = re.compile(r"var\s+\w+\s*=\s*(\[.*?\]);", re.DOTALL)
SKIPPED = ("/static/", "/bm/jtj/api/")
CRUMB = re.compile(r"当前位置：(.*?)</(?:div|td)>", re.DOTALL)
TAG = re.compile(r"<[^>]+>")


@pytest.fixture(scope="module")
def demo() -> DemoSite:
    """Every demo page, built for the suite's base URL (no server needed)."""
    return DemoSite(BASE)


def text_of(response: Response) -> str:
    """The body as text, in the charset its header declares (gb2312 means GB18030 bytes)."""
    return response.body.decode("gb18030" if "gb2312" in response.content_type else "utf-8")


def owner(path: str) -> str:
    """The site a path belongs to: the longest site path it starts with (channels under the portal are theirs)."""
    return max((prefix for prefix in PREFIXES if path.startswith(prefix)), key=len)


def crumb_name(html: str) -> str:
    """The last step of the page's 当前位置 breadcrumb (the name the page shows for itself)."""
    match = CRUMB.search(html)
    return unescape(TAG.sub("", match.group(1))).split(">")[-1].strip() if match else ""


def script_urls(html: str) -> list[str]:
    """The ``url`` values of the arrays an inline script builds a directory from (``var TREE = [...]``)."""
    urls: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("url"), str):
                urls.append(node["url"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for match in SCRIPT_DATA.finditer(html):
        try:
            walk(json.loads(match.group(1)))
        except json.JSONDecodeError:
            continue
    return urls


def links(page: str, html: str) -> set[str]:
    """The paths a citizen can click from a page: its hrefs and the links its scripts write from data."""
    found = set()
    for target in [*(unescape(href) for href in HREF.findall(html)), *script_urls(html)]:
        absolute = urlsplit(urljoin(BASE.rstrip("/") + page, target))
        if absolute.scheme in ("http", "https") and absolute.netloc == urlsplit(BASE).netloc:
            found.add(absolute.path)
    return found


def reachable(demo: DemoSite, home: str) -> set[str]:
    """Every page of the site reached by clicking from ``home`` without leaving the site."""
    seen, queue = {home}, deque([home])
    while queue:
        page = queue.popleft()
        response = demo.get(page)
        if response.status != 200 or not response.content_type.startswith("text/html"):
            continue
        for path in links(page, text_of(response)):
            if path not in seen and owner(path) == home and not path.startswith(SKIPPED):
                seen.add(path)
                queue.append(path)
    return seen


def test_every_site_lists_its_columns() -> None:
    for site in SITES:
        assert "columns" in site, site["name"]
        assert all(set(column) >= {"name", "path"} for column in site["columns"]), site["name"]
        paths = [column["path"] for column in site["columns"]]
        assert len(paths) == len(set(paths)), site["name"]
        assert all(owner(path) == site["path"] for path in paths), site["name"]
    unavailable = next(site for site in SITES if site["path"] == "/bm/zjj/")
    assert unavailable["columns"] == []


@pytest.mark.parametrize("site", SITES, ids=[site["path"] for site in SITES])
def test_columns_answer_show_their_name_and_are_reached_by_clicking(demo: DemoSite, site: dict) -> None:
    reached = reachable(demo, site["path"])
    for column in site["columns"]:
        response = demo.get(column["path"])
        assert response.status == 200, column
        assert crumb_name(text_of(response)) == column["name"], column
        assert column["path"] in reached, f"{column} is not linked from any page of {site['name']}"
    for hub in site.get("hubs") or []:
        assert demo.get(hub["path"]).status == 200, hub
