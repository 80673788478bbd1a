"""链接不可用 on a flaky server (issue #13): a link is a finding only when seen broken; a link whose every
look failed for the moment (reset, timeout, 503) is 未能核查 with its looks, never a finding.

A loopback server fails the first requests of some URLs (a reset, a 503) and then answers 200; others
answer 404, 503 or 500 every time.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from checker.checks.availability import AvailabilityCheck
from checker.checks.links import LinksCheck
from checker.engine import RunOptions
from checker.links.crawl import CrawledPage
from checker.links.http_check import LinkChecker
from checker.links.judge import judge_links, link_probe, still_failing, unread_page_probe
from checker.links.model import FoundLink, LinkKind, LinkResult, LinkStatus
from checker.observation import ProbeStatus
from checker.rules import LinkRules
from checker.scenario import LinkSettings, RetestSettings, parse_suite
from tests.conftest import run_in_thread

T0 = datetime(2026, 11, 30, 2, 0, 0, tzinfo=UTC)  # 10:00:00 in Beijing
HOME = "http://x/"


def _place(url: str, text: str, kind: LinkKind = LinkKind.ATTACHMENT) -> FoundLink:
    return FoundLink(url, kind, HOME, text, url, "0|href", on_home=True)


def _looks(count: int) -> tuple[datetime, ...]:
    return tuple(T0 + timedelta(seconds=5 * n) for n in range(count))


# --- the pure judge -------------------------------------------------------------------------------------


def test_a_link_whose_every_look_failed_for_the_moment_is_never_a_finding() -> None:
    results = [
        LinkResult("http://x/a", LinkStatus.SUSPECT, 503, "服务器错误 HTTP 503（重试后仍失败）"),
        LinkResult("http://x/b", LinkStatus.SUSPECT, None, "连接被重置或服务器提前断开（重试后仍失败）"),
        LinkResult("http://x/c", LinkStatus.TIMEOUT, None, "超时（15 秒内无响应，重试后仍超时）"),
        LinkResult("http://x/d", LinkStatus.SUSPECT, 429, "请求过多 HTTP 429（重试后仍失败）"),
        LinkResult("http://x/e", LinkStatus.SUSPECT, 502, "服务器错误 HTTP 502（重试后仍失败）"),
        LinkResult("http://x/f", LinkStatus.SUSPECT, None, "检查出错（KeyError）"),
    ]
    occurrences = {r.url: [_place(r.url, f"附件{n}.docx")] for n, r in enumerate(results)}
    probes = [link_probe(r, occurrences[r.url], _looks(3)) for r in results]
    assert all(still_failing(r) for r in results)
    assert all(p.status is ProbeStatus.FAILED for p in probes)
    assert probes[0].key == "附件“附件0.docx”（http://x/a）" and "HTTP 503" in probes[0].reason
    assert len(probes[0].attempts) == 3
    assert judge_links(probes, occurrences, LinkRules(), T0) == []
    page = unread_page_probe("http://x/p/", "页面返回 HTTP 503，其中的链接未能读取", T0)
    assert page.failed and judge_links([page], {}, LinkRules(), T0) == []


def test_a_link_seen_broken_is_a_finding_that_says_its_looks() -> None:
    gone = LinkResult("http://x/gone.docx", LinkStatus.BROKEN, 404, "页面不存在（HTTP 404）")
    unresolved = LinkResult("http://nowhere.example/", LinkStatus.BROKEN, None, "域名无法解析（重试后仍失败）")
    erring = LinkResult("http://x/err.doc", LinkStatus.SUSPECT, 500, "服务器错误 HTTP 500（重试后仍失败）")
    occurrences = {r.url: [_place(r.url, name)] for r, name in
                   ((gone, "缺失.docx"), (unresolved, "外站"), (erring, "出错.doc"))}
    probes = [link_probe(gone, occurrences[gone.url], _looks(1)),
              link_probe(unresolved, occurrences[unresolved.url], _looks(3)),
              link_probe(erring, occurrences[erring.url], _looks(3))]
    assert all(p.status is ProbeStatus.SEEN for p in probes)
    findings = judge_links(probes, occurrences, LinkRules(), T0 + timedelta(hours=1))
    by_target = {f.target: f for f in findings}
    assert set(by_target) == {"附件“缺失.docx”", "附件“外站”", "附件“出错.doc”"}
    assert "尝试" not in by_target["附件“缺失.docx”"].detail  # one look, a definite answer
    assert by_target["附件“缺失.docx”"].seen_at == T0
    assert "尝试3次（10:00:00、10:00:05、10:00:10）" in by_target["附件“外站”"].detail
    assert by_target["附件“出错.doc”"].title == "链接不可用（疑似）"
    assert by_target["附件“出错.doc”"].seen_at == T0 + timedelta(seconds=10)  # the last look
    strict = judge_links(probes, occurrences, LinkRules(report_suspect=False), T0)
    assert {f.target for f in strict} == {"附件“缺失.docx”", "附件“外站”"}


def test_a_page_that_did_not_open_leaves_its_links_unread_not_judged() -> None:
    from checker.checks.links import unread_reason

    busy = unread_reason(CrawledPage("http://x/p/", 1, "http://x/p/", 503), 20)
    assert busy == "页面返回 HTTP 503，其中的链接未能读取"
    timed_out = unread_reason(CrawledPage("http://x/q/", 1, "http://x/q/", None, "Timeout 20000ms exceeded"), 20, 2)
    assert timed_out == "页面在20秒内未打开（超时），遍历时尝试2次，其中的链接未能读取"
    assert unread_reason(CrawledPage("http://x/r/", 1, "http://x/r/", 404), 20) is None  # an answer
    assert unread_reason(CrawledPage("http://x/s/", 1, "http://x/s/", 200, "", 3, 3), 20) is None


# --- a flaky loopback server ----------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FlakyServer

    def log_message(self, *_args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def _serve(self) -> None:
        path = self.path.split("?")[0]
        with self.server.lock:
            self.server.hits[path] += 1
            hit = self.server.hits[path]
            self.server.requests[path].append((self.command, time.monotonic()))
        if path == "/":
            self._answer(200, self.server.home)
            return
        name = path.rsplit("/", 1)[-1]
        if name.startswith("reset"):  # reset-2.docx: the first 2 requests are reset
            failures = int(name.split("-")[1].split(".")[0])
            if hit <= failures:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                return
        elif name.startswith("busy"):  # busy-1.pdf: the first request is answered 503
            failures = int(name.split("-")[1].split(".")[0])
            if hit <= failures:
                self._answer(503)
                return
        elif name.startswith("gone"):
            self._answer(404)
            return
        elif name.startswith("down"):
            self._answer(503)
            return
        elif name.startswith("err"):
            self._answer(500)
            return
        self._answer(200)

    def _answer(self, code: int, body: bytes = b"<html><body>ok</body></html>") -> None:
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class FlakyServer(ThreadingHTTPServer):
    """Counts requests per path; ``reset-N`` and ``busy-N`` files fail their first N requests."""

    daemon_threads = True

    def __init__(self, home: bytes = b"") -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.hits: Counter[str] = Counter()
        self.requests: dict[str, list[tuple[str, float]]] = defaultdict(list)
        self.home = home

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def flaky() -> Iterator[FlakyServer]:
    server = FlakyServer(HOME_PAGE)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _in_thread(coroutine: Any) -> Any:
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


FAST = LinkSettings(min_interval_seconds=0, per_host=16, retry_pause_seconds=0.05, timeout_seconds=3)
POLICY = RetestSettings(attempts=3, spread_seconds=0.6)


def _check(server: FlakyServer, names: list[str]) -> dict[str, tuple[LinkResult, tuple[datetime, ...]]]:
    async def main() -> dict[str, tuple[LinkResult, tuple[datetime, ...]]]:
        async with LinkChecker(FAST, retest=POLICY, loopback_only=True) as checker:
            urls = [f"{server.base}/files/{name}" for name in names]
            results = await asyncio.gather(*(checker.check(url) for url in urls))
            return {name: (result, checker.looks(url)) for name, url, result in zip(names, urls, results, strict=True)}
    return _in_thread(main())


def test_the_checker_looks_as_the_retest_policy_says(flaky: FlakyServer) -> None:
    checked = _check(flaky, ["reset-2.docx", "busy-2.pdf", "gone.docx", "down.xls", "err.doc", "fine.pdf"])
    result, looks = checked["busy-2.pdf"]  # 503, 503, then the third look answers
    assert result.status is LinkStatus.OK and len(looks) == 3
    assert looks[-1] - looks[0] >= timedelta(seconds=0.55)  # spread over the policy's 0.6 s: 2 × 0.3 s
    result, looks = checked["reset-2.docx"]  # the HTTP client may re-send a reset request once by itself
    assert result.status is LinkStatus.OK and len(looks) in (2, 3)
    gone, looks = checked["gone.docx"]
    assert gone.status is LinkStatus.BROKEN and len(looks) == 1  # a 404 is an answer: no re-test
    for name in ("down.xls", "err.doc"):
        result, looks = checked[name]
        assert result.status is LinkStatus.SUSPECT and len(looks) == 3 and "重试后仍失败" in result.reason
    assert flaky.hits["/files/down.xls"] == 3  # HEAD, then a GET at each later look
    assert flaky.hits["/files/err.doc"] == 4  # HEAD, a GET to confirm it, then a GET at each later look
    assert link_probe(checked["down.xls"][0], (), checked["down.xls"][1]).failed  # 503 every time: 未能核查
    assert not link_probe(checked["err.doc"][0], (), checked["err.doc"][1]).failed  # 500 every time: 疑似
    assert checked["fine.pdf"][0].status is LinkStatus.OK and len(checked["fine.pdf"][1]) == 1


def test_without_a_policy_a_failure_is_looked_at_once_more(flaky: FlakyServer) -> None:
    async def main() -> tuple[LinkResult, tuple[datetime, ...]]:
        async with LinkChecker(FAST, loopback_only=True) as checker:
            url = f"{flaky.base}/files/busy-2.pdf"
            return await checker.check(url), checker.looks(url)
    result, looks = _in_thread(main())
    assert result.status is LinkStatus.SUSPECT and len(looks) == 2


# --- the family on the flaky server, through a run ------------------------------------------------------

HOME_PAGE = ("<html><head><meta charset='utf-8'><title>链接复测</title></head><body>"
             "<div class='nav'><a href='/'>首页</a></div><ul class='list'>"
             "<li><a href='/files/reset-1.docx'>被重置一次的附件.docx</a><span>2020-11-05</span></li>"
             "<li><a href='/files/busy-1.pdf'>繁忙一次的附件.pdf</a><span>2020-11-05</span></li>"
             "<li><a href='/files/gone.docx'>缺失的附件.docx</a><span>2020-11-05</span></li>"
             "<li><a href='/files/down.xls'>一直繁忙的附件.xls</a><span>2020-11-05</span></li>"
             "<li><a href='/files/err.doc'>一直出错的附件.doc</a><span>2020-11-05</span></li>"
             "</ul><div class='footer'>网站标识码 4400000099</div></body></html>").encode()


@pytest.mark.browser
def test_the_family_reports_the_broken_link_only_and_the_busy_one_as_coverage(flaky: FlakyServer,
                                                                               tmp_path: Path) -> None:
    settings = ("settings: {retest: {attempts: 3, spread_seconds: 0.6}, "
                "links: {retry_pause_seconds: 0.05, min_interval_seconds: 0, per_host: 8, max_depth: 1}}\n")
    suite = parse_suite(f"suite: 链接复测\nas_of: 2020-11-06\n{settings}sites:\n"
                        f"  - {{name: 测试站, unit: 测试单位, url: '{flaky.base}/'}}\n")
    result = run_in_thread(suite, RunOptions(tmp_path, families=(AvailabilityCheck(), LinksCheck())))
    site = result.sites[0]
    broken = {f.target: f for f in site.findings if f.indicator == "link.broken"}
    assert set(broken) == {"附件“缺失的附件.docx”", "附件“一直出错的附件.doc”"}, site.findings
    assert broken["附件“一直出错的附件.doc”"].title == "链接不可用（疑似）"
    assert "尝试" in broken["附件“一直出错的附件.doc”"].detail  # rests on repeated looks: says when
    assert [e.role for e in broken["附件“缺失的附件.docx”"].evidence] == ["page", "element"]
    for name in ("reset-1.docx", "busy-1.pdf"):  # the checker's first look (HEAD) met the fault
        assert flaky.requests[f"/files/{name}"][0][0] == "HEAD"
    record = next(c for c in site.checks if c.check == "links")
    assert [u.what for u in record.unverified] == ["附件“一直繁忙的附件.xls”（" + flaky.base + "/files/down.xls）"]
    assert "HTTP 503" in record.unverified[0].reason and len(record.unverified[0].attempts) >= 2
    assert "未能核查" in record.note


def test_hidden_links_are_judged_only_from_a_home_page_that_was_read() -> None:
    from checker.checks.hidden_links import PROBE, HiddenLink, HiddenLinksCheck, HiddenLinksObservation
    from checker.observation import failed, seen
    from checker.rules import HiddenLinkRules, RuleSet

    links = [HiddenLink("http://casino.example.com/", "博彩", "display:none", "<a>", "1"),
             HiddenLink("http://x/inner", "内部", "display:none", "<a>", "2")]
    rules = RuleSet(hidden_links=HiddenLinkRules(indicator="content.typo", severity="veto"))
    check = HiddenLinksCheck()
    unread = HiddenLinksObservation([failed(PROBE, "页面返回 HTTP 503", url=HOME, at=T0)], T0, links, HOME, HOME)
    assert check.judge(unread, rules, T0.date(), T0) == [] and check.note(unread) == ""
    read = HiddenLinksObservation([seen(PROBE, 2, url=HOME, at=T0)], T0, [], HOME, HOME)
    again = HiddenLinksObservation([seen(PROBE, 2, url=HOME, at=T0 + timedelta(seconds=5))], T0, links, HOME, HOME)
    unread.merged(again)  # a re-test that read the page brings what it read
    findings = check.judge(unread, rules, T0.date(), T0)
    assert [f.target for f in findings] == ["http://casino.example.com/"]
    assert findings[0].seen_at == T0 + timedelta(seconds=5) and "疑似暗链1个" in check.note(unread)
    assert check.judge(read, rules, T0.date(), T0) == []


def test_map_pages_the_walk_could_not_read_are_coverage_with_the_walks_attempts() -> None:
    from checker.checks.links import unread_map_pages
    from checker.sitemap.model import LinkKind as Via
    from checker.sitemap.model import SiteMap, SitePage

    times = _looks(3)
    busy = SitePage("http://x/busy/", 1, ("忙",), Via.NAV, HOME, status=503, failure="页面返回 HTTP 503",
                    attempt_times=times)
    gone = SitePage("http://x/gone/", 1, ("无",), Via.NAV, HOME, status=404, attempt_times=times[:1])
    outside = SitePage("http://x/far/", 3, ("远",), Via.NAV, HOME, status=None, error="超时", attempt_times=times)
    site_map = SiteMap(HOME, HOME, {page.url: page for page in (busy, gone, outside)})
    probes = unread_map_pages(site_map, {busy.url, gone.url})  # the far page is beyond the link depth
    assert [(p.key, p.reason, p.attempts) for p in probes] == [
        ("页面 http://x/busy/ 中的链接", "页面返回 HTTP 503，其中的链接未能读取", times)]
    assert all(p.failed for p in probes)
