"""New-media QR codes and accounts on a flaky server: a failed look is looked at again, never a finding.

The pure judges: a QR code whose image or target did not answer makes neither 二维码失效 nor 未添加二维码; an
account page that did not load makes no freshness or interaction finding. Then a small loopback site whose
QR targets, account pages, one QR image and the home page's footer fail their first look(s): no false
finding, the real ones kept,
and what never answered is coverage (未能核查) with the number of attempts.
"""

from __future__ import annotations

import io
import socket
import struct
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
import segno

from checker.checks.availability import AvailabilityCheck
from checker.checks.newmedia_accounts import AccountSeen, AccountsObservation, NewMediaAccountsCheck
from checker.checks.newmedia_qr import FooterQrCheck, QrObservation, QrSeen, request_failure
from checker.engine import RunOptions
from checker.observation import absent, failed, seen
from checker.rules import RuleSet
from checker.scenario import NewMediaAccount, Suite
from tests.conftest import run_in_thread

AS_OF = date(2020, 11, 6)
T0 = datetime(2020, 11, 6, 2, 0, 0, tzinfo=UTC)
RULES = RuleSet()
QR = FooterQrCheck()
ACCOUNTS = NewMediaAccountsCheck()


def _code(caption: str, payload: str | None, status: int | None = None, slot: bool = True) -> QrSeen:
    return QrSeen(caption, f"/static/qr/{caption}.png", (payload,) if payload else (), slot, target_status=status)


def _indicators(findings: list) -> list[tuple[str, str]]:
    return [(f.indicator, f.target) for f in findings]


# -- pure judges ------------------------------------------------------------------------------------------------

def test_a_qr_target_that_did_not_answer_is_no_finding() -> None:
    reset = failed("页脚二维码“微信”", "指向的页面未能打开：连接被重置", at=T0,
                   value=_code("微信", "http://gov.test/wx/"))
    busy = failed("页脚二维码“微博”", "指向的页面未能打开：HTTP 503", at=T0,
                  value=_code("微博", "http://gov.test/wb/"))
    observation = QrObservation([reset, busy], T0, url="http://gov.test/")
    assert QR.judge(observation, RULES, AS_OF, T0) == []


def test_a_qr_image_that_did_not_load_is_neither_unreadable_nor_missing() -> None:
    image = failed("页脚二维码“客户端”", "图片未能加载：HTTP 503", at=T0, value=_code("客户端", None))
    declared = [NewMediaAccount(name="示例发布", platform="微信", url="http://gov.test/wx/")]
    observation = QrObservation([image], T0, url="http://gov.test/", declared=declared)
    assert QR.judge(observation, RULES, AS_OF, T0) == [], "the image that did not load may be the declared code"


def test_seen_invalid_codes_are_findings_and_say_when_a_retest_confirmed_them() -> None:
    gone = seen("页脚二维码“旧版”", _code("旧版", "http://gov.test/old/", 404), at=T0)
    gone = replace(gone, attempts=(T0, T0 + timedelta(seconds=5)))
    blank = seen("页脚二维码“客户端”", _code("客户端", None), at=T0)
    bad = seen("页脚二维码“网址”", _code("网址", "http:///x"), at=T0)
    fine = seen("页脚二维码“微信”", _code("微信", "http://gov.test/wx/", 200), at=T0)
    busy_then_fine = failed("页脚二维码“微博”", "指向的页面未能打开：HTTP 503", at=T0,
                            value=_code("微博", "http://gov.test/wb/", 503))
    bad = replace(bad, value=replace(bad.value, unusable="其内容不是有效的网址（缺少主机名）"))
    observation = QrObservation([gone, blank, bad, fine, busy_then_fine], T0, url="http://gov.test/")
    findings = QR.judge(observation, RULES, AS_OF, T0)
    assert _indicators(findings) == [("newmedia.qr_invalid", "旧版"), ("newmedia.qr_invalid", "客户端"),
                                     ("newmedia.qr_invalid", "网址")]
    assert "HTTP 404" in findings[0].detail and "尝试2次（10:00:00、10:00:05）" in findings[0].detail
    assert findings[0].seen_at == T0 + timedelta(seconds=5), "seen at the look that confirmed it"


def test_no_code_at_all_is_missing_but_an_image_that_proved_to_be_no_code_is_not_one() -> None:
    logo = absent("页脚二维码“党政机关”", reason="不是二维码", at=T0)
    declared = [NewMediaAccount(name="示例发布", platform="微信")]
    findings = QR.judge(QrObservation([logo], T0, url="http://gov.test/", declared=declared), RULES, AS_OF, T0)
    assert _indicators(findings) == [("newmedia.qr_missing", "页脚"), ("newmedia.qr_missing", "示例发布")]
    assert all(f.seen_at == T0 for f in findings)


def test_an_account_page_that_did_not_load_makes_no_finding() -> None:
    targets = [("新媒体账号“微信”", "微信", "http://gov.test/wx/"), ("新媒体账号“微博”", "微博", "http://gov.test/wb/")]
    old = AccountSeen("微博", "http://gov.test/wb/", True, date(2020, 9, 1), "")
    observation = AccountsObservation(
        [failed("新媒体账号“微信”", "页面未能打开：连接被重置", at=T0), seen("新媒体账号“微博”", old, at=T0)],
        T0, targets=targets)
    findings = ACCOUNTS.judge(observation, RULES, AS_OF, T0)
    assert _indicators(findings) == [("newmedia.not_updated", "微博"), ("newmedia.no_interaction", "微博")]
    assert all(f.seen_at == T0 for f in findings), "seen_at comes from the look, not the clock"
    assert ACCOUNTS.note(observation) == "微博（最新2020-09-01）"


@pytest.mark.parametrize(("error", "reason"), [
    ("apiRequestContext.get: read ECONNRESET", "连接被重置"),
    ("apiRequestContext.get: socket hang up", "连接被重置"),
    ("apiRequestContext.get: Request timed out after 20000ms", "20秒内无应答（超时）"),
    ("apiRequestContext.get: connect ECONNREFUSED 127.0.0.1:9", "连接被拒绝"),
])
def test_request_failures_in_chinese(error: str, reason: str) -> None:
    assert request_failure(error, 20) == reason


# -- a flaky loopback site ---------------------------------------------------------------------------------------

CAPTIONS = {"wx": "示例发布 微信公众号", "wb": "示例 政务微博", "closed": "示例 旧版微博", "down": "示例 抖音号",
            "app": "示例 移动客户端"}
PAYLOAD_PATHS = {"wx": "/xmt/wx/", "wb": "/xmt/wb/", "closed": "/xmt/closed/", "down": "/xmt/down/",
                 "app": "/xmt/app/"}
# For each path: the (1-based) requests that fail, and how. The QR check asks first, the accounts check second:
# /xmt/wx/ fails the QR check's first look and the accounts check's first look; /xmt/down/ never answers.
# The home page is first served with its footer cut short (no QR codes): the QR check reads it again before it
# may say 未添加二维码.
FAILS: dict[str, dict[int, str]] = {
    "/": {1: "short"},
    "/xmt/wx/": {1: "reset", 3: "reset"},
    "/xmt/wb/": {1: "503"},
    "/xmt/closed/": {1: "503"},
}


def _page(body: str, footer: str = "") -> bytes:
    return (f"<html><head><meta charset='utf-8'><title>测试市人民政府</title></head><body>{body}"
            f"<div class='footer'><p>主办单位：测试市人民政府　网站标识码4400000099</p>{footer}</div>"
            "</body></html>").encode()


def _home(short: bool = False) -> bytes:
    if short:
        return _page("<h1>测试市人民政府</h1>")
    cells = "".join(f"<div class='qr-item'><img src='/static/qr/{k}.png' alt='{c} 二维码' width='120' height='120'>"
                    f"<p>{c}</p></div>" for k, c in CAPTIONS.items())
    body = ("<h1>测试市人民政府</h1><ul class='list'><li><a href='/a1.html'>测试市召开秋季防火会议</a>"
            "<span>2020-11-05</span></li></ul>")
    return _page(body, f"<div class='footer-qr'>{cells}</div>")


def _account(name: str, day: str, interaction: bool) -> bytes:
    entry = "<div class='side'><ul><li><a href='ly.html'>我要留言</a></li></ul></div>" if interaction else ""
    rows = "".join(f"<li><a href='p{i}.html'>{name}发布第{i}条</a><span>{day}</span></li>" for i in range(3))
    return _page(f"<h1>{name}</h1><div class='main'><ul class='list'>{rows}</ul></div>{entry}")


ACCOUNT_PAGES = {
    "/xmt/wx/": ("示例发布", "2020-10-01", False),  # 36 days old and no 留言: two real findings
    "/xmt/wb/": ("示例政务微博", "2020-11-05", True),
    "/xmt/app/": ("示例客户端", "2020-11-04", True),
}


class _Handler(BaseHTTPRequestHandler):
    base: ClassVar[str] = ""
    counts: ClassVar[Counter[str]] = Counter()
    api_image_fetches: ClassVar[Counter[str]] = Counter()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def _reset(self) -> None:
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def _send(self, status: int, body: bytes, kind: str = "text/html; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        count = _Handler.counts[path] = _Handler.counts[path] + 1
        fault = FAILS.get(path, {}).get(count)
        if path == "/xmt/down/" or fault == "reset":
            return self._reset()
        if fault == "503":
            return self._send(503, _page("<h1>服务器繁忙</h1>"))
        if path == "/":
            return self._send(200, _home(short=fault == "short"))
        if path.startswith("/static/qr/"):
            return self._qr(path.rsplit("/", 1)[1].removesuffix(".png"))
        if path in ACCOUNT_PAGES:
            return self._send(200, _account(*ACCOUNT_PAGES[path]))
        return self._send(404, _page("<h1>您访问的页面不存在</h1>"))

    def _qr(self, key: str) -> None:
        if key == "app":
            # The browser never gets this image (the page shows it broken); the check's first fetch gets a 503.
            if self.headers.get("Sec-Fetch-Dest") == "image":
                return self._send(503, b"busy", "text/plain")
            fetch = _Handler.api_image_fetches[key] = _Handler.api_image_fetches[key] + 1
            if fetch == 1:
                return self._send(503, b"busy", "text/plain")
        buffer = io.BytesIO()
        segno.make(_Handler.base + PAYLOAD_PATHS[key], micro=False).save(buffer, kind="png", scale=4, border=4)
        return self._send(200, buffer.getvalue(), "image/png")


@pytest.fixture()
def flaky_site() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    _Handler.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    _Handler.counts.clear()
    _Handler.api_image_fetches.clear()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield _Handler.base + "/"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.browser
def test_flaky_qr_targets_and_account_pages_are_looked_at_again(flaky_site: str, tmp_path: Path) -> None:
    suite = Suite.model_validate({
        "suite": "新媒体复测", "as_of": AS_OF.isoformat(),
        "rules": {"disabled": ["security.no_https"]},  # the test site is plain HTTP: not these tests' concern
        "settings": {"retest": {"attempts": 3, "spread_seconds": 1}},
        "sites": [{"name": "测试市人民政府", "unit": "测试市", "kind": "portal", "url": flaky_site}],
    })
    result = run_in_thread(suite, RunOptions(tmp_path, families=(AvailabilityCheck(), QR, ACCOUNTS)))
    site = result.sites[0]
    found = sorted(_indicators(site.findings))
    assert found == sorted([
        ("newmedia.qr_invalid", CAPTIONS["closed"]),  # 503, then a real 404
        ("newmedia.not_updated", CAPTIONS["wx"]),  # its page opened on the second try
        ("newmedia.no_interaction", CAPTIONS["wx"]),
    ]), [(f.indicator, f.target, f.detail) for f in site.findings]
    closed = next(f for f in site.findings if f.indicator == "newmedia.qr_invalid")
    assert "HTTP 404" in closed.detail and "尝试2次" in closed.detail
    records = {record.check: record for record in site.checks}
    qr, accounts = records["newmedia_qr"], records["newmedia_accounts"]
    assert [u.what for u in qr.unverified] == [f"页脚二维码“{CAPTIONS['down']}”"]
    assert qr.unverified[0].reason == "指向的页面未能打开：连接被重置"
    assert len(qr.unverified[0].attempts) == 3 and "未能核查" in qr.note and "尝试3次" in qr.note
    assert "页脚二维码5个" in qr.note
    assert [u.what for u in accounts.unverified] == [f"新媒体账号“{CAPTIONS['down']}”"]
    assert len(accounts.unverified[0].attempts) == 3
    assert _Handler.api_image_fetches["app"] == 2, "the QR image that did not load was fetched again"
    assert _Handler.counts["/xmt/wx/"] == 4
    assert _Handler.counts["/"] == 2, "the footer without QR codes was read again on a fresh home page"
