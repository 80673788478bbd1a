"""链接不可用: extraction, crawl (rendered and fetched), checking, judging, scoring and the command."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from playwright.async_api import async_playwright

from checker.browser import launch_browser
from checker.checks.availability import AvailabilityCheck
from checker.checks.links import LinksCheck
from checker.engine import RunOptions
from checker.links.extract import RawLink, sort_links
from checker.links.http_check import LinkChecker
from checker.links.inspect import LinkReport, inspect_links
from checker.links.judge import failing_links, link_finding
from checker.links.model import FoundLink, LinkKind, LinkResult, LinkStatus
from checker.links.render_tab import LINKS_SCRIPT
from checker.links.static_links import static_links
from checker.results import Severity
from checker.rules import LinkRules, RuleSet
from checker.scenario import LinkSettings, parse_suite
from checker.scoring import score_findings
from tests.aio import run_async
from tests.conftest import run_in_thread
from tests.link_site import LinkSite, home

SITE = "http://127.0.0.1:9/"
T = TypeVar("T")


def raw(tag: str, attr: str, value: str, url: str, text: str = "", position: int = 0) -> RawLink:
    return RawLink(tag, attr, value, url, text, position)


def test_links_are_sorted_by_kind_and_what_is_not_a_link_is_skipped() -> None:
    records = [
        raw("a", "href", "/news/", SITE + "news/", "新闻"),
        raw("img", "data-src", "/a.png", SITE + "a.png", "图"),
        raw("iframe", "src", "/f.html", SITE + "f.html"),
        raw("a", "href", "/files/x.DOCX", SITE + "files/x.DOCX", "附件"),
        raw("a", "href", "https://www.gov.cn/", "https://www.gov.cn/", "中国政府网"),
        raw("a", "href", "mailto:a@b.cn", "mailto:a@b.cn"),
        raw("a", "href", "javascript:void(0)", "javascript:void(0)"),
        raw("a", "href", "TEL:123", "tel:123"),
        raw("a", "href", "#top", SITE + "#top"),
        raw("a", "href", "#here", SITE + "#here"),
        raw("a", "href", "#gone", SITE + "#gone", "不存在", 7),
        raw("a", "href", "/news/#part", SITE + "news/#part"),
    ]
    sorted_links = sort_links(records, SITE, SITE, ids=["here"], on_home=True)
    kinds = [(link.url, link.kind) for link in sorted_links.links]
    assert kinds == [
        (SITE + "news/", LinkKind.PAGE), (SITE + "a.png", LinkKind.IMAGE), (SITE + "f.html", LinkKind.FRAME),
        (SITE + "files/x.DOCX", LinkKind.ATTACHMENT), ("https://www.gov.cn/", LinkKind.EXTERNAL),
        (SITE + "news/", LinkKind.PAGE),  # another page's fragment is not checked, the page is
    ]
    assert all(link.on_home for link in sorted_links.links)
    assert [(a.fragment, a.position) for a in sorted_links.missing_anchors] == [("gone", 7)]
    assert sorted_links.skipped == 5


def _result(url: str, status: LinkStatus, **extra: object) -> LinkResult:
    return LinkResult(url, status, **extra)  # type: ignore[arg-type]


def _place(url: str, parent: str, on_home: bool, kind: LinkKind = LinkKind.PAGE, text: str = "链接") -> FoundLink:
    return FoundLink(url, kind, parent, text, url, "0|href", on_home)


def test_failing_links_put_home_page_ones_first_and_each_url_once() -> None:
    results = {
        "http://x/a": _result("http://x/a", LinkStatus.BROKEN, http_status=404),
        "http://x/b": _result("http://x/b", LinkStatus.SUSPECT, http_status=503, reason="服务器错误"),
        "http://x/c": _result("http://x/c", LinkStatus.OK, http_status=200),
        "http://x/d": _result("http://x/d", LinkStatus.TIMEOUT),
        "http://x/e": _result("http://x/e", LinkStatus.EXCLUDED),
    }
    occurrences = {
        "http://x/a": [_place("http://x/a", "http://x/p1", False), _place("http://x/a", "http://x/", True)],
        "http://x/b": [_place("http://x/b", "http://x/p2", False)],
        "http://x/c": [_place("http://x/c", "http://x/", True)],
        "http://x/d": [_place("http://x/d", "http://x/p3", False, LinkKind.IMAGE, "图")],
        "http://x/e": [_place("http://x/e", "http://x/", True)],
    }
    failing = failing_links(results, occurrences, LinkRules())
    assert [(f.result.url, f.on_home) for f in failing] == [
        ("http://x/a", True), ("http://x/b", False), ("http://x/d", False)]
    strict = failing_links(results, occurrences, LinkRules(report_suspect=False))
    assert [f.result.url for f in strict] == ["http://x/a"]

    findings = [link_finding(f, LinkRules()) for f in failing]
    assert [f.points for f in findings] == [1.0, 0.1, 0.1]
    assert findings[0].url == "http://x/" and "首页等2个页面" in findings[0].detail
    assert findings[0].title == "链接不可用" and findings[1].title == "链接不可用（疑似）"
    assert findings[2].target == "图片“图”"
    assert all(f.severity is Severity.DEDUCTION for f in findings)


def test_home_page_links_weigh_more_and_the_indicator_stays_capped() -> None:
    rules = RuleSet()
    home_link = link_finding(failing_links(
        {"u": _result("u", LinkStatus.BROKEN)}, {"u": [_place("u", "http://x/", True)]}, rules.links)[0], rules.links)
    other = link_finding(failing_links(
        {"v": _result("v", LinkStatus.BROKEN)}, {"v": [_place("v", "http://x/p", False)]}, rules.links)[0], rules.links)
    score = score_findings([home_link, other, other, other], rules)
    assert score.deductions == {"link.broken": 1.3}
    assert score_findings([home_link] * 50, rules).deductions == {"link.broken": 20}


def test_redirects_and_notes_reach_the_finding() -> None:
    result = _result("http://x/old", LinkStatus.BROKEN, http_status=404, reason="页面不存在（HTTP 404）",
                     redirects=("http://x/old", "http://x/new"), note="证书错误：已忽略证书继续检查")
    finding = link_finding(failing_links({"http://x/old": result},
                                         {"http://x/old": [_place("http://x/old", "http://x/", True)]},
                                         LinkRules())[0], LinkRules())
    assert "重定向：http://x/old → http://x/new" in finding.detail
    assert "证书错误" in finding.detail



@pytest.fixture(scope="module")
def link_site() -> Iterator[LinkSite]:
    with LinkSite() as site:
        yield site


async def _inspect(base: str, settings: LinkSettings, skip: tuple[str, ...] = (),
                   page_timeout: float = 10) -> LinkReport:
    async with async_playwright() as playwright:
        browser = await launch_browser(playwright)
        try:
            context = await browser.new_context()
            async with LinkChecker(settings) as checker:
                return await inspect_links(context, base, base, settings, page_timeout, checker.check,
                                           skip_scopes=skip)
        finally:
            await browser.close()


FAST = {"retry_pause_seconds": 0.05, "min_interval_seconds": 0, "per_host": 8, "timeout_seconds": 5, "max_depth": 2}


@pytest.mark.browser
def test_a_rendered_crawl_checks_every_kind_of_link(link_site: LinkSite) -> None:
    base = link_site.base_url
    report = run_async(_inspect(base, LinkSettings(**FAST), skip=(base + "channel/",)))
    status = {url: result.status for url, result in report.results.items()}
    assert status[base + "scripted/"] is LinkStatus.OK  # only a script adds this link
    assert status[base + "img/missing.png"] is LinkStatus.BROKEN  # lazy image address, from data-src
    expected = {
        "gone": LinkStatus.BROKEN, "files/gone.docx": LinkStatus.BROKEN, "forbidden": LinkStatus.BROKEN,
        "removed": LinkStatus.BROKEN, "loop": LinkStatus.BROKEN, "err500": LinkStatus.SUSPECT,
        "moved": LinkStatus.OK, "files/ok.pdf": LinkStatus.OK, "img/ok.png": LinkStatus.OK,
        "frame.html": LinkStatus.OK, "news/1.html": LinkStatus.OK, "#list": LinkStatus.BROKEN,
    }
    for path, wanted in expected.items():
        assert status[base + path] is wanted, path
    port = base.rsplit(":", 1)[1].strip("/")
    assert status[f"http://localhost:{port}/removed"] is LinkStatus.BROKEN
    assert report.occurrences[f"http://localhost:{port}/removed"][0].kind is LinkKind.EXTERNAL
    assert status["http://exa%20mple.gov.cn/"] is LinkStatus.UNSUPPORTED  # the browser's resolution of it
    assert status["http://xn--0zwm56d.example/"] is LinkStatus.EXCLUDED  # IDN; tests request only 127.0.0.1
    assert report.results[base + "moved"].redirects[-1] == base + "news/"
    opened = {page.url for page in report.crawl.pages}
    assert base + "channel/" not in opened and status[base + "channel/"] is LinkStatus.OK  # checked, not crawled
    assert not any(url.startswith("mailto:") or url.startswith("javascript:") for url in report.results)
    assert base + "deep/3/" not in opened and report.crawl.not_crawled > 0  # max_depth 2
    assert any("达到抓取上限" in note for note in report.crawl.notes)


@pytest.mark.browser
def test_the_fetch_mode_reads_html_only(link_site: LinkSite) -> None:
    base = link_site.base_url
    report = run_async(_inspect(base, LinkSettings(**FAST, crawl_mode="fetch")))
    assert base + "scripted/" not in report.results  # no scripts run: the documented price of speed
    assert report.results[base + "img/missing.png"].status is LinkStatus.BROKEN
    assert report.results[base + "files/gone.docx"].status is LinkStatus.BROKEN
    assert report.results[base + "#list"].status is LinkStatus.BROKEN


@pytest.mark.browser
def test_static_and_rendered_extraction_agree_on_a_page_without_scripts(link_site: LinkSite) -> None:
    html = home(1234).decode().split("<script>")[0] + "</body></html>"

    async def rendered() -> dict:
        async with async_playwright() as playwright:
            browser = await launch_browser(playwright)
            page = await browser.new_page()
            await page.route("**/*", lambda route: route.fulfill(body=html, content_type="text/html"))
            await page.goto("http://127.0.0.1:1234/")
            data = await page.evaluate(LINKS_SCRIPT, 5000)
            await browser.close()
            return data

    in_browser = run_async(rendered())
    static = static_links(html, "http://127.0.0.1:1234/", 5000)

    def key(item: dict) -> tuple:
        return item["tag"], item["attr"], item["raw"], item["position"], item["text"]

    assert [key(item) for item in static["links"]] == [key(item) for item in in_browser["links"]]
    assert static["total"] == in_browser["total"] and set(static["ids"]) == set(in_browser["ids"])


@pytest.mark.browser
def test_a_page_of_100000_links_is_capped_and_said(link_site: LinkSite) -> None:
    settings = LinkSettings(**{**FAST, "max_depth": 0}, max_links_per_page=300)
    started = time.monotonic()
    report = run_async(_inspect(link_site.base_url + "many/", settings, page_timeout=60))
    assert len(report.crawl.links) == 300 and len(report.results) == 300
    assert any("有100000个链接，只检查前300个" in note for note in report.crawl.notes)
    assert time.monotonic() - started < 60


@pytest.mark.browser
def test_the_family_reports_failing_links_with_the_link_boxed(link_site: LinkSite, tmp_path: Path) -> None:
    base = link_site.base_url
    settings = "settings: {links: {retry_pause_seconds: 0.05, min_interval_seconds: 0, per_host: 8, max_depth: 1}}\n"
    suite = parse_suite(f"suite: 链接测试\nas_of: 2020-11-06\n{settings}sites:\n"
                        f"  - {{name: 测试站, unit: 测试单位, url: '{base}'}}\n"
                        f"  - {{name: 测试栏目, unit: 测试部门, kind: channel, url: '{base}channel/'}}\n")
    result = run_in_thread(suite, RunOptions(tmp_path, families=(AvailabilityCheck(), LinksCheck())))
    portal = result.sites[0]
    broken = [f for f in portal.findings if f.indicator == "link.broken"]
    targets = {f.target for f in broken}
    assert {"页面链接“已删除的页面”", "附件“缺失的附件.docx”", "图片“懒加载图片”", "外部链接“外站已下线”",
            "页面链接“出错的页面”", "页面链接“不存在的锚点”", "页面链接“循环跳转”"} <= targets
    assert not any("正常" in t or "写信" in t or "返回顶部" in t for t in targets)
    deep = next(f for f in broken if f.target == "页面链接“坏链接1”")  # on /deep/1/, one level down
    assert deep.points == 0.1 and deep.url == base + "deep/1/"
    assert all(f.points == 1.0 and f.url == base for f in broken if f is not deep)  # the home page's
    gone = next(f for f in broken if f.target == "页面链接“已删除的页面”")
    assert [e.role for e in gone.evidence] == ["page", "element"]
    assert all((tmp_path / e.path).exists() for e in gone.evidence)
    assert next(f for f in broken if "出错的页面" in f.target).title == "链接不可用（疑似）"
    record = next(c for c in portal.checks if c.check == "links")
    assert "抓取" in record.note and "不可用" in record.note
    channel_record = next(c for c in result.sites[1].checks if c.check == "links")
    assert channel_record.status == "done"


def test_the_links_command_checks_a_list_and_says_so(link_site: LinkSite, tmp_path: Path) -> None:
    base = link_site.base_url
    listing = tmp_path / "urls.txt"
    listing.write_text(f"{base}news/\n{base}gone\n{base}news/\nnot a url\n", encoding="utf-8")
    out = tmp_path / "links.json"
    done = subprocess.run([sys.executable, "-m", "checker", "links", "--urls", str(listing), "--json", str(out),
                           "--min-interval", "0"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["unique_links"] == 3 and data["by_status"]["broken"] == 1 and data["by_status"]["unsupported"] == 1
    assert "不可用" in done.stderr and f"{base}gone" in done.stderr
    bad = subprocess.run([sys.executable, "-m", "checker", "links", "--urls", str(listing), "--per-host", "0"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 3 and "参数无效" in bad.stderr


@pytest.mark.browser
def test_a_site_too_big_for_the_budget_ends_with_what_was_checked(link_site: LinkSite, tmp_path: Path) -> None:
    """100,000 links on one host at the polite default pace (0.1 s) would take hours: the budget stops it."""
    suite = parse_suite("suite: 链接预算\nas_of: 2020-11-06\nsettings: {links: {budget_seconds: 20}}\nsites:\n"
                        f"  - {{name: 超多链接, unit: 测试单位, url: '{link_site.base_url}many/'}}\n")
    started = time.monotonic()
    result = run_in_thread(suite, RunOptions(tmp_path, families=(AvailabilityCheck(), LinksCheck())))
    # inside the site's own 300 s budget, so the links budget stopped it (the walk of 300 dead pages takes ~90 s)
    assert time.monotonic() - started < 240
    record = next(c for c in result.sites[0].checks if c.check == "links")
    assert record.status == "done", record.note
    assert "有100000个链接，只检查前5000个" in record.note
    assert "超出时间预算" in record.note and "个链接未检查" in record.note
    # /m/N answer 404: only those the crawl itself tried (at most its 200 pages) were checked, at once.
    broken = [f for f in result.sites[0].findings if f.indicator == "link.broken"]
    assert len(broken) <= 200 and all("/m/" in f.detail for f in broken)


def test_the_json_file_holds_one_line_per_url_and_reads_back_whole(tmp_path: Path) -> None:
    from checker.links.standalone import LinkRun, write_json

    run = LinkRun({"http://a.example/": LinkResult("http://a.example/", LinkStatus.OK, 200),
                   "http://b.example/旧页面": LinkResult("http://b.example/旧页面", LinkStatus.BROKEN, 404,
                                                      reason="页面不存在（HTTP 404）")}, pages=1, links_found=3)
    target = tmp_path / "links.json"
    write_json(run, target)
    text = target.read_text(encoding="utf-8")
    assert json.loads(text) == run.to_json()
    assert "旧页面" in text and sum('"url":' in line for line in text.splitlines()) == 2
    write_json(LinkRun({}), target)
    assert json.loads(target.read_text(encoding="utf-8")) == LinkRun({}).to_json()


def test_the_shortcut_for_root_relative_links_resolves_exactly_like_urljoin() -> None:
    import random
    import re
    from urllib.parse import urljoin

    from checker.links.static_links import origin_of, resolve

    bases = ["http://a.gov.cn/", "http://a.gov.cn/x/y.html?q=1#f", "https://127.0.0.1:8080/dir/",
             "http://[::1]:80/a", "http://user:pw@h.gov.cn/p;x?y", "file:///tmp/a.html"]
    pieces = ["/", "a", "b.html", ".", "..", "?", "#", "q=1", ";p", "//", "%2F", "中文", " ", "\t", "\n", "&", ":",
              "@", "\\"]
    rng = random.Random(7)
    raws = {"/" + "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6))) for _ in range(20000)}
    raws |= {"/", "/a?", "/a#", "/a?#f", "/./a", "/a/../b", "/a/.", "//other.cn/x", " /padded ", "/a\tb",
             "/.well-known"}
    corpus = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    for page in sorted(corpus.rglob("*.htm*"))[:200] if corpus.is_dir() else []:
        raws |= set(re.findall(r'href=["\']([^"\']*)["\']', page.read_text(encoding="utf-8", errors="ignore")))
    for base in bases:
        origin = origin_of(base)
        for raw in raws:
            try:
                expected = urljoin(base, raw.strip())
            except ValueError:
                expected = ""
            assert resolve(raw, base, origin) == expected, (base, raw)
