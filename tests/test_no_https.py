"""未使用HTTPS (security.no_https, advisory): a home page over plain HTTP, or an HTTPS address that redirects
down to HTTP, is reported; a home page that stays on HTTPS is not."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from checker.checks.availability import judge_transport
from checker.engine import RunOptions
from checker.results import Severity
from checker.rulecite import cite_rule
from checker.rules import RuleSet
from checker.scenario import parse_suite
from tests.conftest import run_in_thread
from tests.hostile import HostileServer, self_signed_certificate

T0 = datetime(2020, 11, 6, 2, 0, tzinfo=UTC)


def test_plain_http_home_page_is_advisory() -> None:
    finding = judge_transport("http://www.a.gov.cn/", "http://www.a.gov.cn/index.html", RuleSet(), seen_at=T0)
    assert finding is not None
    assert (finding.indicator, finding.severity) == ("security.no_https", Severity.ADVISORY)
    assert finding.target == "http://www.a.gov.cn/" and finding.url == "http://www.a.gov.cn/index.html"
    assert "HTTP 明文" in finding.detail and finding.seen_at == T0


def test_https_redirected_down_to_http_says_so() -> None:
    finding = judge_transport("https://www.a.gov.cn/", "http://www.a.gov.cn/", RuleSet())
    assert finding is not None and finding.title == "HTTPS 被降级为 HTTP"
    assert "https://www.a.gov.cn/" in finding.detail and "重定向" in finding.detail


@pytest.mark.parametrize(("requested", "landed"), [
    ("https://www.a.gov.cn/", "https://www.a.gov.cn/index.html"),
    ("http://www.a.gov.cn/", "https://www.a.gov.cn/"),  # upgraded by the site: fine
])
def test_a_home_page_on_https_is_not_reported(requested: str, landed: str) -> None:
    assert judge_transport(requested, landed, RuleSet()) is None


def test_a_scheme_can_leave_it_out_and_the_citation_says_advisory() -> None:
    assert judge_transport("http://a.gov.cn/", "http://a.gov.cn/", RuleSet(disabled=["security.no_https"])) is None
    citation = cite_rule("security.no_https", Severity.ADVISORY, RuleSet())
    assert "“未使用HTTPS”（security.no_https）" in citation and "不扣分" in citation


@contextmanager
def _downgrading_server(folder: Path, target: str) -> Iterator[str]:
    """An HTTPS server (self-signed) whose every path redirects to ``target`` over plain HTTP."""

    class Redirect(BaseHTTPRequestHandler):
        def log_message(self, *_args: object) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*self_signed_certificate(folder))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
def test_a_run_reports_plain_http_and_a_downgrade_with_evidence(tmp_path: Path) -> None:
    try:
        with HostileServer() as plain, _downgrading_server(tmp_path, plain.base_url + "darklinks") as secure:
            sites = (f"  - {{name: 明文站, unit: 测试单位, url: '{plain.base_url}darklinks'}}\n"
                     f"  - {{name: 降级站, unit: 测试单位, url: '{secure}'}}\n")
            suite = parse_suite(f"suite: HTTPS测试\nas_of: 2020-11-06\nsites:\n{sites}")
            result = run_in_thread(suite, RunOptions(tmp_path / "out"))
    except FileNotFoundError:
        pytest.skip("openssl is not installed")
    by_name = {site.name: site for site in result.sites}
    for name, title in (("明文站", "首页未使用HTTPS"), ("降级站", "HTTPS 被降级为 HTTP")):
        [finding] = [f for f in by_name[name].findings if f.indicator == "security.no_https"]
        assert finding.severity is Severity.ADVISORY and finding.title == title, name
        assert {e.role for e in finding.evidence} == {"page", "element"}, name
        assert all((tmp_path / "out" / e.path).exists() for e in finding.evidence), name
