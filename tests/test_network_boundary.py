"""The network boundary through the real engine (issue #16): a hostile page cannot send govcheck inside.

A small government-looking site on 127.0.0.1 points at "internal" servers on 127.0.0.2 (standing in for the
cloud metadata service: link-local), 127.0.0.3 (standing in for the office intranet: private) and 127.0.0.4
(loopback, not a site of the suite), in every way a page can: a link, an image, a frame, a stylesheet, a
script's fetch, a 302 from an on-site URL, a meta refresh, a decimal IP host, a made-up name that resolves
inside, and three footer QR codes (by address, by name, by decimal IP). Every internal server counts each
connection and request it receives: the run must leave them at zero, read the site itself, finish with a
result, and say 未访问：地址指向内部网络 where it did not look, with no finding that blames the site for a
link it was not allowed to follow and no screenshot of an internal origin. With ``allow_private`` the
private one is reached, the link-local one never.

The run resolves names through the test's own resolver (``metadata.internal.test`` → 127.0.0.2, ``localhost``
→ 127.0.0.1, nothing else): loopback-only mode is switched off so that path is taken, and the process's
``socket.getaddrinfo`` refuses every other name, so no DNS query leaves the machine whatever the product does.
"""

from __future__ import annotations

import contextlib
import io
import ipaddress
import os
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import pytest
import segno

from checker.checks.availability import AvailabilityCheck
from checker.checks.columns import HomeFreshnessCheck
from checker.checks.footer_marks import FooterCheck
from checker.checks.links import LinksCheck, LinksObservation
from checker.checks.newmedia_qr import FooterQrCheck
from checker.checks.site_map import SiteMapCheck
from checker.context import SiteContext
from checker.engine import RunOptions
from checker.links.model import LinkStatus
from checker.netguard import IPAddress
from checker.netpolicy import INTERNAL, AddressClass
from checker.results import CheckRecord, CheckStatus, Evidence, RunResult, SiteResult
from checker.scenario import Suite
from checker.sitemap.model import SiteMap
from tests.conftest import run_in_thread

pytestmark = pytest.mark.browser

AS_OF = date(2020, 11, 6)
METADATA_NAME = "metadata.internal.test"
LINK_LOCAL, PRIVATE, LOOPBACK = "127.0.0.2", "127.0.0.3", "127.0.0.4"
INTERNAL_HOSTS = (LINK_LOCAL, PRIVATE, LOOPBACK)
CLASSES = {f"{LINK_LOCAL}/32": AddressClass.LINK_LOCAL, f"{PRIVATE}/32": AddressClass.PRIVATE}
DECIMAL_LINK_LOCAL = str(int(ipaddress.IPv4Address(LINK_LOCAL)))  # 2130706434, as a browser reads it


# --- counting servers ---------------------------------------------------------------------------------------


class _Counting(BaseHTTPRequestHandler):
    """Answers every request with a small page (or what ``pages`` says) and counts it."""

    pages: ClassVar[dict[str, tuple[int, dict[str, str], bytes]]] = {}
    requests: ClassVar[Counter[str]] = Counter()
    lock: ClassVar[threading.Lock] = threading.Lock()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def _answer(self, body: bool) -> None:
        path = self.path.split("?")[0]
        with self.lock:
            self.requests[f"{self.command} {path}"] += 1
        status, headers, content = self.pages.get(path, (200, {"Content-Type": "text/html; charset=utf-8"},
                                                         _html("内部服务", "<h1>内部服务</h1>")))
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if body:
                self.wfile.write(content)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self) -> None:
        """Count and answer."""
        self._answer(body=True)

    def do_HEAD(self) -> None:
        """Count and answer without a body."""
        self._answer(body=False)

    def do_POST(self) -> None:
        """Count and answer (nothing should post here, but a request is a request)."""
        self._answer(body=True)


class _CountingHttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: str, handler: type[_Counting]) -> None:
        super().__init__((address, 0), handler)
        self.connections = 0

    def verify_request(self, request: Any, client_address: Any) -> bool:
        """Count every accepted connection, whether or not a request follows on it."""
        self.connections += 1
        return True


@dataclass
class CountingServer:
    """An HTTP server on one loopback address that counts every connection and request it receives."""

    address: str
    handler: type[_Counting] = field(init=False)
    server: _CountingHttpServer = field(init=False)

    def __post_init__(self) -> None:
        self.handler = type("Counting", (_Counting,), {"pages": {}, "requests": Counter(),
                                                        "lock": threading.Lock()})
        self.server = _CountingHttpServer(self.address, self.handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        """The port it listens on."""
        return int(self.server.server_address[1])

    def url(self, path: str = "/", host: str | None = None) -> str:
        """A URL of this server (``host`` to name it another way: a decimal IP, a made-up name)."""
        return f"http://{host or self.address}:{self.port}{path}"

    @property
    def requests(self) -> Counter[str]:
        """``METHOD /path`` → how many times it was asked."""
        with self.handler.lock:
            return Counter(self.handler.requests)

    @property
    def connections(self) -> int:
        """Connections accepted so far."""
        return self.server.connections

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()


# --- the hostile site ---------------------------------------------------------------------------------------

MARKS = ("网站标识码 4400000099 示ICP备12345678号 示公网安备 44000002000001号")
NAV = ("<div class='nav'><a href='/'>首页</a><a href='/tzgg/'>通知公告</a><a href='/zwgk/'>政务公开</a>"
       "<a href='/go'>办事服务</a><a href='/refresh.html'>互动交流</a></div>")
QR_CAPTIONS = {"wx": "示例发布 微信公众号", "wb": "示例 政务微博", "app": "示例 移动客户端"}


def _html(title: str, body: str, footer: str = "", head: str = "") -> bytes:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title>{head}</head><body>{NAV}"
            f"<div class='main'>{body}</div><div class='footer'><p>主办单位：示例县人民政府　{MARKS}</p>{footer}"
            "</div></body></html>").encode()


def _rows(prefix: str, count: int) -> str:
    return "".join(f"<li><a href='/{prefix}/{n}.html'>示例县关于做好第{n}批重点工作的通知</a>"
                   f"<span>2020-11-0{n}</span></li>" for n in range(1, count + 1))


def _qr_png(payload: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(payload, micro=False).save(buffer, kind="png", scale=4, border=4)
    return buffer.getvalue()


@dataclass(frozen=True)
class Targets:
    """The internal URLs the hostile pages point at."""

    link_local: CountingServer
    private: CountingServer
    loopback: CountingServer

    @property
    def qr_payloads(self) -> dict[str, str]:
        """The footer QR codes' payloads: the metadata path by address, by the made-up name, and by the decimal
        form of the address (a payload is requested as written: no browser has canonicalised it)."""
        return {"wx": self.link_local.url("/latest/meta-data/"),
                "wb": self.link_local.url("/", host=METADATA_NAME),
                "app": self.link_local.url("/latest/meta-data/", host=DECIMAL_LINK_LOCAL)}


def hostile_pages(targets: Targets) -> dict[str, tuple[int, dict[str, str], bytes]]:
    """Path → (status, headers, body) of the site on 127.0.0.1."""
    ll, pv, lo = targets.link_local, targets.private, targets.loopback
    html = {"Content-Type": "text/html; charset=utf-8"}
    qr = "".join(f"<div class='qr-item'><img src='/static/qr/{key}.png' alt='{caption} 二维码' width='120' "
                 f"height='120'><p>{caption}</p></div>" for key, caption in QR_CAPTIONS.items())
    home = (
        "<h2>要闻</h2><ul class='list'>" + _rows("tzgg", 3) + "</ul>"
        "<h2>相关链接</h2><ul class='links'>"
        f"<li><a href='{ll.url('/latest/meta-data/iam/security-credentials/')}'>元数据服务</a></li>"
        f"<li><a href='{pv.url('/admin/')}'>内网办公系统</a></li>"
        f"<li><a href='{ll.url('/decimal/', host=DECIMAL_LINK_LOCAL)}'>数字地址链接</a></li>"
        f"<li><a href='{ll.url('/by-name/', host=METADATA_NAME)}'>内部域名链接</a></li>"
        "</ul>"
        f"<img src='{ll.url('/pixel')}' alt='统计' width='1' height='1'>"
        f"<iframe src='{pv.url('/frame')}' width='300' height='60'></iframe>"
    )
    second = (
        "<h2>政务公开</h2><ul class='list'>" + _rows("zwgk", 2) + "</ul>"
        f"<p><a href='{lo.url('/local-admin/')}'>本机管理页面</a>"
        f"<a href='{ll.url('/pixel.png', host=METADATA_NAME)}'>元数据图片</a></p>"
        f"<iframe src='{ll.url('/frame-by-name', host=METADATA_NAME)}' width='300' height='60'></iframe>"
        f"<script>fetch('{lo.url('/beacon')}').catch(() => null)</script>"
    )
    refresh_head = f"<meta http-equiv='refresh' content='0;url={lo.url('/refreshed/')}'>"
    article = ("<h1>示例县关于做好第{n}批重点工作的通知</h1><p>发布日期：2020-11-0{n}</p>"
               "<p>为进一步做好示例县重点工作，现将有关事项通知如下。各乡镇要提高认识，认真抓好落实。</p>")
    pages: dict[str, tuple[int, dict[str, str], bytes]] = {
        "/": (200, html, _html("示例县人民政府", home, f"<div class='footer-qr'>{qr}</div>")),
        "/zwgk/": (200, html, _html("政务公开", second, head=f"<link rel='stylesheet' href='{pv.url('/a.css')}'>")),
        "/tzgg/": (200, html, _html("通知公告", "<ul class='list'>" + _rows("tzgg", 3) + "</ul>")),
        "/go": (302, {"Location": ll.url("/latest/meta-data/")}, b""),
        "/refresh.html": (200, html, _html("互动交流", "<p>正在跳转……</p>", head=refresh_head)),
        "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"),
    }
    for prefix in ("tzgg", "zwgk"):
        for n in (1, 2, 3):
            pages[f"/{prefix}/{n}.html"] = (200, html, _html(f"通知{n}", article.format(n=n)))
    for key, payload in targets.qr_payloads.items():
        pages[f"/static/qr/{key}.png"] = (200, {"Content-Type": "image/png"}, _qr_png(payload))
    return pages


# --- names and DNS ----------------------------------------------------------------------------------------------

async def test_resolver(host: str, port: int) -> list[IPAddress]:
    """The run's names: the made-up metadata name inside, localhost here, nothing else (no DNS query)."""
    name = host.strip(".").lower()
    if name == METADATA_NAME:
        return [ipaddress.IPv4Address(LINK_LOCAL)]
    if name == "localhost":
        return [ipaddress.IPv4Address("127.0.0.1")]
    raise socket.gaierror(socket.EAI_NONAME, f"测试解析器不认识 {host}")


test_resolver.__test__ = False  # type: ignore[attr-defined]  # a resolver, not a pytest test


def _numeric_or_local(host: object) -> bool:
    if host is None:
        return True
    text = host.decode() if isinstance(host, bytes) else str(host)
    if text.strip(".").lower() == "localhost":
        return True
    try:
        ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    return True


@contextlib.contextmanager
def dns_off() -> Iterator[list[str]]:
    """Loopback-only mode off (names go through the run's resolver), no proxy from the environment, and the
    process's ``socket.getaddrinfo`` refusing every name but localhost and numeric hosts. Yields the names
    something tried to look up that way (none should: the guard's resolver is the only one)."""
    asked: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _numeric_or_local(host):
            asked.append(str(host))
            raise socket.gaierror(socket.EAI_NONAME, f"DNS is off in this test ({host})")
        return real(host, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("GOVCHECK_LOOPBACK_ONLY", raising=False)
        for variable in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
            patch.delenv(variable, raising=False)
        patch.setattr(socket, "getaddrinfo", getaddrinfo)
        yield asked


def test_the_dns_guard_refuses_names_and_keeps_numbers() -> None:
    real = socket.getaddrinfo
    with dns_off() as asked:
        assert socket.getaddrinfo is not real and "GOVCHECK_LOOPBACK_ONLY" not in os.environ
        assert socket.getaddrinfo("127.0.0.1", 80) and socket.getaddrinfo("localhost", 80)
        with pytest.raises(socket.gaierror):
            socket.getaddrinfo("example.com", 80)  # refused here, before any lookup
    assert asked == ["example.com"]
    assert socket.getaddrinfo is real and os.environ.get("GOVCHECK_LOOPBACK_ONLY") == "1"


# --- the runs ---------------------------------------------------------------------------------------------------


@dataclass
class Boundary:
    """One run against the hostile site: its result, what the walk and the link check saw, the servers."""

    result: RunResult
    site: SiteResult
    site_map: SiteMap
    links: LinksObservation
    hostile: CountingServer
    targets: Targets
    run_log: str
    names_asked: list[str]

    def served(self, server: CountingServer) -> str:
        """What a server was asked, for assertion messages."""
        return f"{server.address}: {server.connections} connections, {dict(server.requests)}"

    def record(self, check: str) -> CheckRecord:
        """The site's record of one check family."""
        return next(record for record in self.site.checks if record.check == check)


def _run(out_dir: Path, *, allow_private: bool) -> Boundary:
    servers = [CountingServer(address) for address in ("127.0.0.1", *INTERNAL_HOSTS)]
    hostile, link_local, private, loopback = servers
    targets = Targets(link_local, private, loopback)
    hostile.handler.pages = hostile_pages(targets)
    walked: list[SiteMap] = []
    checked: list[LinksObservation] = []

    class Walk(SiteMapCheck):
        async def run(self, context: SiteContext) -> str:
            note = await super().run(context)
            if context.site_map is not None:
                walked.append(context.site_map)
            return note

    class Links(LinksCheck):
        async def observe(self, context: SiteContext) -> LinksObservation:
            observation = await super().observe(context)
            checked.append(observation)
            return observation

    suite = Suite.model_validate({
        "suite": "网络边界", "as_of": AS_OF.isoformat(),
        "rules": {"availability": {"timeout_seconds": 10, "attempts_after_failure": 0}},
        "settings": {
            "page_timeout_seconds": 10, "site_timeout_seconds": 150,
            "retest": {"attempts": 2, "spread_seconds": 1},
            "site_map": {"max_pages": 20, "settle_seconds": 2, "tabs": 2},
            "links": {"min_interval_seconds": 0, "timeout_seconds": 5, "retry_pause_seconds": 0.5},
        },
        "sites": [{"name": "示例县人民政府", "unit": "示例县人民政府", "kind": "portal", "url": hostile.url("/")}],
    })
    families = (AvailabilityCheck(), Walk(), HomeFreshnessCheck(), FooterQrCheck(), Links(), FooterCheck())
    options = RunOptions(out_dir, families=families, allow_private=allow_private, network_classes=CLASSES,
                         resolver=test_resolver)
    try:
        with dns_off() as asked:
            result = run_in_thread(suite, options)
    finally:
        for server in servers:
            server.close()
    assert len(result.sites) == 1, result
    assert len(walked) == 1 and len(checked) == 1, "the walk and the link check ran"
    log = out_dir / "run.log"
    return Boundary(result, result.sites[0], walked[0], checked[0], hostile, targets,
                    log.read_text(encoding="utf-8") if log.is_file() else "", asked)


@pytest.fixture(scope="module")
def closed(tmp_path_factory: pytest.TempPathFactory) -> Boundary:
    """The hostile site checked with the default boundary (nothing internal opened)."""
    return _run(tmp_path_factory.mktemp("boundary-closed"), allow_private=False)


@pytest.fixture(scope="module")
def intranet(tmp_path_factory: pytest.TempPathFactory) -> Boundary:
    """The hostile site checked with ``allow_private`` (--allow-private)."""
    return _run(tmp_path_factory.mktemp("boundary-private"), allow_private=True)


def _all_evidence(site: SiteResult) -> list[Evidence]:
    evidence = [e for finding in site.findings for e in finding.evidence]
    for record in site.checks:
        evidence += record.evidence
        evidence += [e for item in record.unverified for e in item.evidence]
    return evidence


def _internal(url: str) -> bool:
    return (urlsplit(url).hostname or "") in (*INTERNAL_HOSTS, METADATA_NAME, DECIMAL_LINK_LOCAL)


# --- the default boundary -----------------------------------------------------------------------------------


def test_no_connection_reaches_an_internal_server(closed: Boundary) -> None:
    """Not the browser (links, image, frame, stylesheet, fetch, redirect, meta refresh), not Playwright's
    requests (QR targets), not the link checker; and no name was looked up but through the run's resolver."""
    for server in (closed.targets.link_local, closed.targets.private, closed.targets.loopback):
        assert server.connections == 0 and not server.requests, closed.served(server)
    assert closed.names_asked == [], "a name was looked up outside the run's resolver"


def test_the_site_is_read_and_the_run_finishes(closed: Boundary) -> None:
    site = closed.site
    for path in ("/", "/zwgk/", "/go", "/refresh.html", *(f"/static/qr/{key}.png" for key in QR_CAPTIONS)):
        assert closed.hostile.requests[f"GET {path}"] >= 1, (path, closed.served(closed.hostile))
    errors = [(record.check, record.note) for record in site.checks if record.status is CheckStatus.ERROR]
    assert not errors, errors
    assert {"availability", "sitemap", "home", "newmedia_qr", "links", "footer"} <= {r.check for r in site.checks}
    assert "availability.unreachable" not in {f.indicator for f in site.findings}
    assert closed.record("home").note.startswith("首页列表信息"), closed.record("home").note


def test_qr_targets_inside_are_coverage_not_invalid_codes(closed: Boundary) -> None:
    qr = closed.record("newmedia_qr")
    assert f"页脚二维码{len(QR_CAPTIONS)}个" in qr.note and INTERNAL in qr.note, qr.note
    reasons = {item.what: item.reason for item in qr.unverified}
    assert set(reasons) == {f"页脚二维码“{caption}”" for caption in QR_CAPTIONS.values()}, qr.unverified
    for what, reason in reasons.items():
        assert INTERNAL in reason and LINK_LOCAL in reason, (what, reason)  # the name is judged by its address
    assert "newmedia.qr_invalid" not in {f.indicator for f in closed.site.findings}
    assert "newmedia.qr_missing" not in {f.indicator for f in closed.site.findings}


def test_internal_links_are_excluded_for_the_boundary_not_broken(closed: Boundary) -> None:
    results = closed.links.results
    targets = closed.targets
    expected = {targets.link_local.url("/latest/meta-data/iam/security-credentials/"),
                targets.link_local.url("/decimal/"), targets.link_local.url("/pixel"),
                targets.link_local.url("/by-name/", host=METADATA_NAME),
                targets.link_local.url("/pixel.png", host=METADATA_NAME),
                targets.private.url("/admin/"), targets.private.url("/frame"),
                targets.loopback.url("/local-admin/")}
    internal = {url: result for url, result in results.items() if _internal(url)}
    assert expected <= set(internal), sorted(results)
    for url, result in internal.items():
        assert result.status is LinkStatus.EXCLUDED and INTERNAL in result.reason, (url, result)
    redirect = results.get(closed.hostile.url("/go"))  # on-site, answered 302 to the metadata address
    assert redirect is not None and redirect.status is LinkStatus.EXCLUDED and INTERNAL in redirect.reason, redirect
    assert "link.broken" not in {f.indicator for f in closed.site.findings}, [
        (f.target, f.detail) for f in closed.site.findings if f.indicator == "link.broken"]
    assert "未检查" in closed.record("links").note


def test_a_redirect_inside_is_coverage_with_the_boundarys_reason(closed: Boundary) -> None:
    go = closed.site_map.page(closed.hostile.url("/go"))
    assert go is not None and go.unverified and INTERNAL in go.reason, (go, sorted(closed.site_map.pages))
    walk = closed.record("sitemap")
    assert any(INTERNAL in item.reason for item in walk.unverified), walk.unverified
    assert not [url for url in closed.site_map.pages if _internal(url)], sorted(closed.site_map.pages)


def test_no_screenshot_of_an_internal_origin_and_refusals_are_logged(closed: Boundary) -> None:
    shots = _all_evidence(closed.site)
    assert shots, "the run photographed something (the footer's missing 党政机关 mark at least)"
    assert all(urlsplit(e.url).hostname == "127.0.0.1" for e in shots), [e.url for e in shots]
    for host in (f"{LINK_LOCAL}:{closed.targets.link_local.port}", f"{PRIVATE}:{closed.targets.private.port}",
                 f"{LOOPBACK}:{closed.targets.loopback.port}", f"{METADATA_NAME}:{closed.targets.link_local.port}"):
        assert f"网络边界：拒绝连接 {host}" in closed.run_log, host


def test_a_refused_meta_refresh_is_not_judged_as_the_sites_page(closed: Boundary) -> None:
    """/refresh.html carries every footer mark but 党政机关 (as all the site's pages do) and refreshes to an
    internal address. The browser's error page for the refused refresh is not the site's page: it must not be
    read as /refresh.html, nor make 页脚未显示网站标识码 findings against it."""
    footer = {(f.target, f.url) for f in closed.site.findings if f.indicator == "footer.identifier_missing"}
    assert {target for target, _ in footer} == {"党政机关网站标识"}, sorted(footer)
    read_elsewhere = {page.url: page.snapshot.url for page in closed.site_map.pages.values()
                      if page.snapshot is not None and urlsplit(page.snapshot.url).hostname != "127.0.0.1"}
    assert not read_elsewhere, read_elsewhere


# --- --allow-private ----------------------------------------------------------------------------------------


def test_allow_private_opens_the_intranet_but_never_the_metadata_service(intranet: Boundary) -> None:
    targets = intranet.targets
    assert targets.private.requests, intranet.served(targets.private)  # the intranet is opened
    assert targets.loopback.requests, intranet.served(targets.loopback)  # so is this machine
    assert targets.link_local.connections == 0 and not targets.link_local.requests, intranet.served(
        targets.link_local)
    assert intranet.names_asked == []
    assert intranet.hostile.requests["GET /"] >= 1
    qr = intranet.record("newmedia_qr")
    assert len(qr.unverified) == len(QR_CAPTIONS), qr.unverified
    assert all(INTERNAL in item.reason for item in qr.unverified), qr.unverified
    results = intranet.links.results
    link_local = {url: r for url, r in results.items()
                  if (urlsplit(url).hostname or "") in (LINK_LOCAL, METADATA_NAME)}
    assert len(link_local) >= 5 and all(r.status is LinkStatus.EXCLUDED and INTERNAL in r.reason
                                        for r in link_local.values()), link_local
    private = results.get(targets.private.url("/admin/"))
    assert private is not None and private.status is LinkStatus.OK, private
    assert "link.broken" not in {f.indicator for f in intranet.site.findings}
