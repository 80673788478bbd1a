"""The HTTP link checker against real servers on 127.0.0.1: statuses, HEAD→GET, redirects, retries,
Retry-After, politeness (interval and in-flight caps), memoisation, hostile answers and bad input."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import socket
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

import pytest

from checker.links.http_check import EXTERNAL_OFF, LOOPBACK_ONLY, LinkChecker
from checker.links.http_support import HostGate, ascii_host, prepare_url, retry_after_seconds
from checker.links.model import LinkResult, LinkStatus
from checker.scenario import LinkSettings
from tests.certs import make_certificates
from tests.hostile import HostileServer

HUGE = 50 * 1024 * 1024


def in_thread(coroutine: Any) -> Any:
    """Run a coroutine on its own thread: pytest-playwright keeps an event loop on the main one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def settings(**overrides: Any) -> LinkSettings:
    """Fast settings for tests: no politeness delays, short pauses, unless a test asks otherwise."""
    values: dict[str, Any] = {"min_interval_seconds": 0, "per_host": 16, "retry_pause_seconds": 0.05,
                              "timeout_seconds": 2}
    values.update(overrides)
    return LinkSettings(**values)


def check_all(urls: list[str], link_settings: LinkSettings, **kwargs: Any) -> tuple[list[LinkResult], float]:
    """Check URLs concurrently with one checker; the results in order and the wall time taken."""
    async def main() -> tuple[list[LinkResult], float]:
        async with LinkChecker(link_settings, loopback_only=True, **kwargs) as checker:
            started = time.monotonic()
            results = await asyncio.gather(*(checker.check(url) for url in urls))
            return list(results), time.monotonic() - started
    return in_thread(main())


def check_one(url: str, link_settings: LinkSettings | None = None) -> LinkResult:
    """Check one URL with a fresh checker."""
    return check_all([url], link_settings or settings())[0][0]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: LinkServer

    def log_message(self, *_args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_GET(self) -> None:
        self._serve("GET")

    def _serve(self, method: str) -> None:
        stats = self.server
        with stats.lock:
            stats.hits[(method, self.path)] += 1
            stats.agent = self.headers.get("User-Agent", "")
            hit = sum(count for (_, path), count in stats.hits.items() if path == self.path)
            stats.starts.append(time.monotonic())
            stats.inflight += 1
            stats.max_inflight = max(stats.max_inflight, stats.inflight)
        try:
            self._route(method, hit)
        finally:
            with stats.lock:
                stats.inflight -= 1

    def _route(self, method: str, hit: int) -> None:
        parts = self.path.split("?")[0].strip("/").split("/")
        if parts[0] == "status":
            self._answer(int(parts[1]))
        elif parts[0] == "nohead":
            self._answer(405 if method == "HEAD" else 200)
        elif parts[0] == "headlies":
            self._answer(404 if method == "HEAD" else 200)
        elif parts[0] == "redir":
            step = int(parts[1])
            self._answer(200) if step == 0 else self._answer(302, {"Location": f"/redir/{step - 1}"})
        elif parts[0] == "loop":
            self._answer(302, {"Location": "/loop/b" if parts[-1] == "a" else "/loop/a"})
        elif parts[0] == "away":
            self._answer(302, {"Location": "http://www.example.gov.cn/"})
        elif parts[0] == "flaky":
            self._answer(int(parts[1]) if hit == 1 else 200)
        elif parts[0] == "retry-after":
            self._answer(503, {"Retry-After": unquote(parts[1])}) if hit == 1 else self._answer(200)
        elif parts[0] == "slow":
            time.sleep(int(parts[1]) / 1000)
            self._answer(200)
        elif parts[0] == "huge":
            self._huge(method)
        else:
            self._answer(200)

    def _answer(self, code: int, headers: dict[str, str] | None = None) -> None:
        body = b"<html><body>ok</body></html>"
        self.send_response(code)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _huge(self, method: str) -> None:
        if method == "HEAD":
            self._answer(405)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(HUGE))
        self.end_headers()
        chunk = b"x" * 65536
        try:
            for _ in range(HUGE // len(chunk)):
                self.wfile.write(chunk)
                with self.server.lock:
                    self.server.bytes_sent += len(chunk)
        except OSError:
            self.close_connection = True


class LinkServer(ThreadingHTTPServer):
    """A keep-alive HTTP/1.1 server that counts hits, request starts, bytes sent and requests in flight."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.hits: Counter[tuple[str, str]] = Counter()
        self.starts: list[float] = []
        self.inflight = 0
        self.max_inflight = 0
        self.bytes_sent = 0
        self.agent = ""

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def server() -> Iterator[LinkServer]:
    link_server = LinkServer()
    thread = threading.Thread(target=link_server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield link_server
    link_server.shutdown()
    link_server.server_close()


def test_a_live_url_is_ok_with_one_head(server: LinkServer) -> None:
    result = check_one(f"{server.base}/page")
    assert (result.status, result.http_status, result.attempts) == (LinkStatus.OK, 200, 1)
    assert server.hits == Counter({("HEAD", "/page"): 1})
    assert result.redirects == () and result.reason == "" and result.elapsed_seconds > 0
    assert "govcheck/" in server.agent


@pytest.mark.parametrize(("code", "words"), [(404, "页面不存在"), (403, "禁止访问"), (410, "页面已删除")])
def test_definite_statuses_are_broken_without_retry(server: LinkServer, code: int, words: str) -> None:
    started = time.monotonic()
    result = check_one(f"{server.base}/status/{code}", settings(retry_pause_seconds=5))
    assert result.status is LinkStatus.BROKEN and result.http_status == code
    assert words in result.reason and str(code) in result.reason
    assert result.attempts == 2  # HEAD, then GET confirms; no retry pause
    assert time.monotonic() - started < 2


def test_head_refused_falls_back_to_get_and_the_host_is_remembered(server: LinkServer) -> None:
    async def main() -> tuple[LinkResult, LinkResult]:
        async with LinkChecker(settings(), loopback_only=True) as checker:
            return await checker.check(f"{server.base}/nohead/1"), await checker.check(f"{server.base}/nohead/2")

    first, second = in_thread(main())
    assert (first.status, first.http_status, first.attempts) == (LinkStatus.OK, 200, 2)
    assert (second.status, second.attempts) == (LinkStatus.OK, 1)
    assert server.hits[("HEAD", "/nohead/2")] == 0 and server.hits[("GET", "/nohead/2")] == 1


def test_a_failing_head_is_confirmed_with_get_before_calling_it_broken(server: LinkServer) -> None:
    result = check_one(f"{server.base}/headlies")
    assert result.status is LinkStatus.OK
    assert server.hits[("GET", "/headlies")] == 1


def test_redirects_are_followed_and_recorded(server: LinkServer) -> None:
    url = f"{server.base}/redir/3"
    result = check_one(url)
    assert result.status is LinkStatus.OK and result.http_status == 200
    assert result.redirects == (url, f"{server.base}/redir/2", f"{server.base}/redir/1", f"{server.base}/redir/0")


def test_redirect_loops_and_endless_chains_are_broken(server: LinkServer) -> None:
    loop = check_one(f"{server.base}/loop/a")
    assert loop.status is LinkStatus.BROKEN and loop.reason == "重定向循环"
    assert loop.redirects[-1] == f"{server.base}/loop/a"
    endless = check_one(f"{server.base}/redir/15")
    assert endless.status is LinkStatus.BROKEN and "重定向次数过多" in endless.reason


def test_a_redirect_off_the_machine_is_not_followed_in_tests(server: LinkServer) -> None:
    result = check_one(f"{server.base}/away")
    assert result.status is LinkStatus.EXCLUDED and LOOPBACK_ONLY in result.reason


def test_a_transient_5xx_is_retried_once_and_then_ok(server: LinkServer) -> None:
    result = check_one(f"{server.base}/flaky/502", settings(retry_pause_seconds=0.3))
    assert (result.status, result.http_status, result.attempts) == (LinkStatus.OK, 200, 2)
    assert result.elapsed_seconds >= 0.3


def test_a_persistent_5xx_is_suspect_after_the_retry(server: LinkServer) -> None:
    result = check_one(f"{server.base}/status/500", settings(retry_pause_seconds=0.2))
    assert result.status is LinkStatus.SUSPECT and result.http_status == 500
    assert result.reason == "服务器错误 HTTP 500（重试后仍失败）"
    assert server.hits[("GET", "/status/500")] == 2 and result.elapsed_seconds >= 0.2


def test_retry_after_is_honoured_for_the_url_and_its_host(server: LinkServer) -> None:
    async def main() -> tuple[LinkResult, float, float]:
        async with LinkChecker(settings(retry_pause_seconds=0), loopback_only=True) as checker:
            started = time.monotonic()
            throttled = asyncio.ensure_future(checker.check(f"{server.base}/retry-after/1"))
            while not server.hits[("HEAD", "/retry-after/1")]:
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.1)  # the 503 reaches the checker
            other = await checker.check(f"{server.base}/other")
            other_done = time.monotonic() - started
            assert other.status is LinkStatus.OK
            return await throttled, time.monotonic() - started, other_done

    result, total, other_done = in_thread(main())
    assert (result.status, result.attempts) == (LinkStatus.OK, 2)
    assert 0.95 <= total < 2.5
    assert other_done >= 0.95  # the host's other URL waited for the pause too


def test_retry_after_is_capped_and_read_as_an_http_date(server: LinkServer) -> None:
    result = check_one(f"{server.base}/retry-after/3600", settings(retry_pause_seconds=0, max_retry_after_seconds=0.3))
    assert result.status is LinkStatus.OK and 0.28 <= result.elapsed_seconds < 2
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    assert 110 <= (retry_after_seconds(when) or 0) <= 121
    assert retry_after_seconds("7") == 7 and retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_a_server_that_never_answers_times_out_after_the_retry() -> None:
    with HostileServer() as hostile:
        started = time.monotonic()
        result = check_one(hostile.base_url + "hang", settings(timeout_seconds=0.3, retry_pause_seconds=0.05))
    assert result.status is LinkStatus.TIMEOUT and result.attempts == 3  # HEAD refused (501), GET, GET again
    assert "重试后仍超时" in result.reason
    assert 0.6 <= time.monotonic() - started < 3


def test_a_reset_connection_is_suspect_after_the_retry() -> None:
    with HostileServer() as hostile:
        result = check_one(hostile.base_url + "reset")
    assert result.status is LinkStatus.SUSPECT and "重试后仍失败" in result.reason
    assert result.http_status is None


def test_a_refused_connection_is_retried_then_suspect() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = check_one(f"http://127.0.0.1:{port}/")
    assert result.status is LinkStatus.SUSPECT and result.attempts == 2
    assert result.reason == "连接被拒绝（重试后仍失败）"


def test_a_huge_body_is_not_downloaded(server: LinkServer) -> None:
    started = time.monotonic()
    result = check_one(f"{server.base}/huge")
    assert result.status is LinkStatus.OK and result.http_status == 200
    time.sleep(0.2)
    assert server.bytes_sent < 20 * 1024 * 1024
    assert time.monotonic() - started < 3


def test_requests_to_one_host_keep_the_minimum_interval(server: LinkServer,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    released: list[float] = []
    original_turn = HostGate.turn

    @contextlib.asynccontextmanager
    async def recorded_turn(gate: HostGate, name: str, *, urgent: bool = False) -> AsyncIterator[None]:
        async with original_turn(gate, name, urgent=urgent):
            released.append(time.monotonic())
            yield

    monkeypatch.setattr(HostGate, "turn", recorded_turn)
    urls = [f"{server.base}/p{i}" for i in range(10)]
    results, elapsed = check_all(urls, settings(min_interval_seconds=0.1, per_host=4))
    assert all(result.status is LinkStatus.OK for result in results)
    # The gate's own clock: every start at least the interval after the one before.
    client_gaps = [later - earlier for earlier, later in itertools.pairwise(sorted(released))]
    assert len(released) == 10 and min(client_gaps) >= 0.099
    # At the server the pacing shows too, though arrivals carry connection-setup jitter (the first four each
    # open a connection, so the span may be a little short of 0.9 s); unpaced requests arrive ms apart.
    arrivals = sorted(server.starts)
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    assert min(gaps) >= 0.03 and sorted(gaps)[len(gaps) // 2] >= 0.095
    assert arrivals[-1] - arrivals[0] >= 0.75
    assert 0.9 <= elapsed <= 1.2


def test_per_host_and_overall_caps_bound_requests_in_flight(server: LinkServer) -> None:
    results, elapsed = check_all([f"{server.base}/slow/150?{i}" for i in range(8)], settings(per_host=2))
    assert all(result.status is LinkStatus.OK for result in results)
    assert server.max_inflight == 2 and elapsed >= 0.55
    server.max_inflight = 0
    check_all([f"{server.base}/slow/100?x{i}" for i in range(9)], settings(per_host=64, concurrency=3))
    assert server.max_inflight == 3


def test_the_same_url_is_checked_once_for_all_callers(server: LinkServer) -> None:
    async def main() -> tuple[list[LinkResult], dict[str, LinkResult]]:
        async with LinkChecker(settings(), loopback_only=True) as checker:
            urls = [f"{server.base}/slow/100"] * 20 + [f"{server.base}/slow/100#part"]
            first = await asyncio.gather(*(checker.check(url) for url in urls))
            again = await checker.check(f"{server.base}/slow/100")
            return [*first, again], checker.results()

    results, recorded = in_thread(main())
    assert server.hits == Counter({("HEAD", "/slow/100"): 1})
    assert all(result.status is LinkStatus.OK for result in results)
    assert set(recorded) == {f"{server.base}/slow/100", f"{server.base}/slow/100#part"}
    assert recorded[f"{server.base}/slow/100#part"].url == f"{server.base}/slow/100#part"


@pytest.mark.parametrize("url", [
    "http://exa mple.gov.cn/", "http://:80/", "http://127.0.0.1:99999/", "http://[::1/", "mailto:xxgk@example.gov.cn",
    "javascript:void(0)", "ftp://127.0.0.1/a.doc", "/relative/path", "", "http://127.0.0.1:8o/", "http:///x",
])
def test_invalid_and_non_http_urls_are_unsupported(url: str) -> None:
    result = check_one(url)
    assert result.status is LinkStatus.UNSUPPORTED and result.attempts == 0
    assert result.reason and not result.reason.isascii()


def test_idn_hosts_are_sent_as_punycode_and_kept_as_given() -> None:
    assert ascii_host("政府.中国") == "xn--mxtq1m.xn--fiqs8s"
    assert ascii_host("WWW.Example.GOV.cn") == "www.example.gov.cn"
    target = prepare_url("http://测试.政府.cn:8080/路径?a=1#frag")
    assert target.request_url == "http://xn--0zwm56d.xn--mxtq1m.cn:8080/路径?a=1"
    assert target.host == "xn--0zwm56d.xn--mxtq1m.cn"
    url = "http://测试.政府.cn/"
    async def main() -> tuple[LinkResult, dict[str, LinkResult]]:
        async with LinkChecker(settings(), loopback_only=True) as checker:
            return await checker.check(url), checker.results()
    result, recorded = in_thread(main())
    assert result.status is LinkStatus.EXCLUDED and result.reason == LOOPBACK_ONLY and result.attempts == 0
    assert recorded[url] == result


def test_loopback_only_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVCHECK_LOOPBACK_ONLY", "1")
    assert LinkChecker(settings()).loopback_only
    monkeypatch.setenv("GOVCHECK_LOOPBACK_ONLY", "0")
    assert not LinkChecker(settings()).loopback_only


def test_external_links_and_patterns_are_excluded_by_settings(server: LinkServer) -> None:
    async def main() -> list[LinkResult]:
        async with LinkChecker(settings(external=False, exclude=[r"/skip/"]), loopback_only=True) as checker:
            return [await checker.check(f"{server.base}/ext", external=True),
                    await checker.check(f"{server.base}/skip/1"),
                    await checker.check(f"{server.base}/ext")]

    external, pattern, internal = in_thread(main())
    assert external.status is LinkStatus.EXCLUDED and external.reason == EXTERNAL_OFF
    assert pattern.status is LinkStatus.EXCLUDED and "/skip/" in pattern.reason
    assert internal.status is LinkStatus.OK  # the same URL is checked where it is internal
    assert server.hits == Counter({("HEAD", "/ext"): 1})


@pytest.mark.parametrize("stem", ["self_signed", "expired"])
def test_a_certificate_error_is_noted_and_the_check_goes_on(tmp_path: Any, stem: str) -> None:
    files = make_certificates(tmp_path)[stem]
    with HostileServer(chain=(files.cert, files.key)) as hostile:
        results, _ = check_all([hostile.base_url, hostile.base_url + "loop", hostile.base_url + "other"],
                               settings())
    page, loop, other = results
    assert page.status is LinkStatus.OK and page.http_status == 200
    assert page.note.startswith("证书错误：") and "已忽略证书继续检查" in page.note
    assert loop.status is LinkStatus.BROKEN and loop.note == page.note
    assert other.status is LinkStatus.OK and other.note == page.note


def test_odd_urls_never_raise_and_get_a_status_from_the_closed_set() -> None:
    odd = ["http://[zz]/", "https://%zz/", "http://\u200b.cn/", "\x00http://x/", "http://a.com:-1/", "https:",
           "http:/x", "http://例子.测试:abc/", "http://" + "a" * 300 + ".cn/", "http://127.0.0.1:1/" + "路" * 3000]
    results, _ = check_all(odd, settings(retry_pause_seconds=0))
    assert [result.url for result in results] == odd
    assert {result.status for result in results} <= {LinkStatus.UNSUPPORTED, LinkStatus.EXCLUDED, LinkStatus.SUSPECT}
    assert all(result.reason for result in results)
