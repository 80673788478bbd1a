"""A guide link that fails to load is tried again; only a definite answer (the page, or a 4xx) is judged.

One site's guide answers 503 every time: no guide finding, the guide check says it could not check. Another
site's guide answers 404: the guide is missing. A third answers 503 once and then opens: it is judged.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from checker.checks.availability import AvailabilityCheck
from checker.checks.guide import GuideCheck
from checker.engine import RunOptions
from checker.results import CheckStatus
from checker.scenario import Suite
from tests.conftest import run_in_thread

pytestmark = pytest.mark.browser

HOME = ("<html><head><meta charset='utf-8'><title>测试县人民政府</title></head><body>"
        "<div class='nav'><a href='/{site}/zn/'>政府信息公开指南</a></div>"
        "<ul><li><a href='/{site}/zn/'>政府信息公开指南</a> 2020-11-05</li>"
        "<li><a href='/{site}/zn/'>政府信息公开指南</a> 2020-11-04</li></ul>"
        "<div class='footer'>网站标识码4400000099</div></body></html>")
GUIDE = ("<html><head><meta charset='utf-8'></head><body><h1>政府信息公开指南</h1>"
         "<p>受理机构：县政府办公室。地址：人民路1号。电话：0750-1234567。办公时间：工作日。申请方式：当面、邮寄、网上提出申请。处理流程：收到申请后20个工作日内答复。"
         "依据国务院令第711号。</p></body></html>")


class _Handler(BaseHTTPRequestHandler):
    seen: ClassVar[dict[str, int]] = {}

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        count = _Handler.seen[self.path] = _Handler.seen.get(self.path, 0) + 1
        site, _, rest = self.path.strip("/").partition("/")
        if rest == "":
            status, body = 200, HOME.format(site=site)
        elif rest == "zn":
            status, body = {"down": (503, "忙"), "gone": (404, "无此页"),
                            "flaky": (503, "忙") if count == 1 else (200, GUIDE)}[site]
        else:
            status, body = 404, "无此页"
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture()
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def test_a_guide_that_fails_to_load_is_retried_and_never_judged_on_a_failure(server: str, tmp_path: Path) -> None:
    suite = Suite.model_validate({
        "suite": "指南加载失败", "as_of": "2020-11-06",
        "rules": {"disabled": ["security.no_https"]},  # the test server is plain HTTP: not this test's concern
        "sites": [{"name": name, "unit": "测试单位", "kind": "channel", "url": f"{server}{name}/"}
                  for name in ("down", "gone", "flaky")],
    })
    result = run_in_thread(suite, RunOptions(tmp_path, families=(AvailabilityCheck(), GuideCheck())))
    sites = {site.name: site for site in result.sites}
    guide = {name: next(r for r in site.checks if r.check == "guide") for name, site in sites.items()}
    assert not sites["down"].findings
    assert guide["down"].status is CheckStatus.SKIPPED and "未能核查" in guide["down"].note
    assert [f.indicator for f in sites["gone"].findings] == ["guide.missing"]
    flaky = sites["flaky"].findings
    assert not flaky, [(f.detail, f.url) for f in flaky]  # opened on the walk's second try
    assert guide["flaky"].status is CheckStatus.DONE
