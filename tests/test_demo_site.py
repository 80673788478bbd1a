"""The bundled demo site: it serves, every internal link works (except the seeded ones), its QR codes
decode to what the ground truth says, and its scenario and ground truth are valid. No browser needed."""

from __future__ import annotations

import io
import re
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
import zxingcpp
from PIL import Image

from checker.catalogue import CATALOGUE
from checker.demo import DemoServer
from checker.scenario import load_suite

DEMO = Path(__file__).resolve().parent.parent / "checker" / "demo"
GROUND_TRUTH = yaml.safe_load((DEMO / "ground_truth.yaml").read_text(encoding="utf-8"))
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
HOMES = ["/", "/bm/jyj/", "/bm/wjw/"]


@pytest.fixture(scope="module")
def server():
    with DemoServer() as running:
        yield running


def fetch(url: str, data: bytes | None = None) -> tuple[int, str, bytes]:
    """Status, content type and body, for error statuses too."""
    try:
        with OPENER.open(url, data=data, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


class LinkParser(HTMLParser):
    """Collects every href and src, and the images with their alt text."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.images: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        for key in ("href", "src", "action"):
            if key in values and not (tag == "form" and values.get("method", "get").lower() == "post"):
                self.links.append(values[key])
        if tag == "img":
            self.images.append(values)


def parse(html: str) -> LinkParser:
    parser = LinkParser()
    parser.feed(html)
    return parser


def broken_paths() -> dict[str, int]:
    return {item["path"]: item["status"] for item in GROUND_TRUTH["intentionally_broken"]}


def expected_status(path: str) -> int:
    for prefix, status in broken_paths().items():
        if path == prefix or (prefix.endswith("/") and path.startswith(prefix)):
            return status
    return 200


def test_server_serves_homes_with_utf8(server):
    for path in HOMES:
        status, kind, body = fetch(server.base_url + path.lstrip("/"))
        assert status == 200, path
        assert "charset=utf-8" in kind
        assert b'<meta charset="utf-8">' in body
    assert server.base_url.startswith("http://127.0.0.1:") and server.base_url.endswith("/")


def test_unknown_path_is_a_chinese_404(server):
    status, _, body = fetch(server.base_url + "no/such/page.html")
    assert status == 404
    assert "页面不存在" in body.decode("utf-8")


def test_unreachable_channel_answers_503(server):
    for path in ("bm/zjj/", "bm/zjj/index.html", "bm/zjj/xwdt/"):
        status, _, body = fetch(server.base_url + path)
        assert status == 503
        assert "服务暂不可用" in body.decode("utf-8")


def test_every_internal_link_resolves(server):
    base = server.base_url
    host = urllib.parse.urlsplit(base).netloc
    seen: dict[str, int] = {}
    queue = deque(base + path.lstrip("/") for path in HOMES)
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        status, kind, body = fetch(url)
        seen[url] = status
        if status == 200 and kind.startswith("text/html"):
            for link in parse(body.decode("utf-8")).links:
                absolute = urllib.parse.urljoin(url, link).split("#")[0]
                parts = urllib.parse.urlsplit(absolute)
                if parts.netloc == host and parts.path != "/search" and absolute not in seen:
                    queue.append(absolute)
    wrong = {url: status for url, status in seen.items() if status != expected_status(urllib.parse.urlsplit(url).path)}
    assert not wrong
    assert len(seen) > 250
    assert not any("/bm/zjj/" in url or "/xmt/weibo/closed/" in url for url in seen)


def _footer_images(server, path: str) -> list[dict[str, str]]:
    _, kind, body = fetch(server.base_url + path.lstrip("/"))
    html = body.decode("gb18030" if "gb2312" in kind else "utf-8")  # 示例县 sends GB18030 declared gb2312
    start = max(html.find(mark) for mark in ('<div class="footer">', '<div class="g-ft">', 'id="tb9"'))
    return parse(html[start:]).images


@pytest.mark.parametrize("site", GROUND_TRUTH["sites"], ids=lambda s: s["path"])
def test_footer_qr_codes_decode_as_ground_truth_says(server, site):
    if site["path"].startswith("/bm/zjj/"):
        return
    images = _footer_images(server, site["path"])
    for slot in site["qr_codes"]:
        image = next(i for i in images if i["src"] == slot["image"])
        assert slot["caption"] in image["alt"]
        status, kind, data = fetch(server.base_url + slot["image"].lstrip("/"))
        assert status == 200 and kind == "image/png"
        payloads = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(data)))]
        if slot["payload"] is None:
            assert payloads == []
            continue
        assert payloads == [server.base_url + slot["payload"].lstrip("/")]
        assert fetch(payloads[0])[0] == slot["status"]
    qr_images = [i for i in images if i["src"].startswith("/static/qr/")]
    assert len(qr_images) == len(site["qr_codes"])


def test_footer_identifiers_present_or_seeded_missing(server):
    for path in HOMES:
        _, _, body = fetch(server.base_url + path.lstrip("/"))
        footer = body.decode("utf-8").split('<div class="footer">', 1)[1]
        assert "网站标识码" in footer and "ICP备" in footer and 'alt="党政机关"' in footer
        assert ("公网安备" in footer) == (path != "/bm/wjw/")


def _dates(html: str) -> list[str]:
    return re.findall(r"20\d\d[-/.年]\d\d[-/.月]\d\d", html)


def test_seeded_dates_are_in_place(server):
    def text(path: str) -> str:
        return fetch(server.base_url + path.lstrip("/"))[2].decode("utf-8")

    portal = text("/")
    assert "2020-11-05" in portal and "[11-04]" in portal and "2020年11月03日" in portal
    assert max(d.replace("/", "-") for d in _dates(text("/bm/jyj/"))) == "2020-10-09"
    assert _dates(text("/zwgk/ghjh/"))[0] == "2019-05-20"
    assert _dates(text("/tzgg/"))[0] == "2020-06-20"
    assert _dates(text("/bm/jyj/jydt/"))[0] == "2020-09-30"
    assert "暂无信息" in text("/bm/jyj/zxgz/")
    guide = text("/zwgk/xxgkzn/")
    for element in ("受理机构", "地址", "电话", "办公时间", "申请方式", "处理流程", "答复时限", "2019年修订"):
        assert element in guide


def test_message_form_posts_and_checks_required_fields(server):
    _, _, body = fetch(server.base_url + "hdjl/wyly/")
    form = body.decode("utf-8")
    for field in ("name", "phone", "title", "content"):
        assert re.search(rf'name="{field}"[^>]*required', form)
    fields = {"name": "张三", "phone": "13800000000", "kind": "咨询", "title": "测试留言", "content": "内容"}
    status, _, reply = fetch(server.base_url + "hdjl/wyly/submit", urllib.parse.urlencode(fields).encode())
    assert status == 200 and "留言提交成功，查询码：" in reply.decode("utf-8")
    del fields["title"]
    status, _, reply = fetch(server.base_url + "hdjl/wyly/submit", urllib.parse.urlencode(fields).encode())
    assert status == 400 and "标题" in reply.decode("utf-8")


def test_search_finds_a_recent_title(server):
    query = urllib.parse.quote("经济形势分析会")
    _, _, body = fetch(server.base_url + f"search?q={query}")
    assert "示例市召开2020年第三季度经济形势分析会" in body.decode("utf-8")


def test_suite_validates_and_matches_ground_truth():
    suite = load_suite(DEMO / "suite.yaml")
    assert suite.suite == GROUND_TRUTH["suite"]
    assert str(suite.as_of) == "2020-11-06" == str(GROUND_TRUTH["as_of"])
    assert [s.name for s in suite.sites] == [s["name"] for s in GROUND_TRUTH["sites"]]
    rebased = suite.rebase("http://127.0.0.1:8765/", "http://127.0.0.1:9999/")
    assert all(site.url.startswith("http://127.0.0.1:9999/") for site in rebased.sites)


def test_ground_truth_uses_catalogue_ids():
    for site in GROUND_TRUTH["sites"]:
        assert site["verdict"] in ("pass", "fail")
        for group in ("findings", "later", "decoys"):
            for item in site[group]:
                assert item["indicator"] in CATALOGUE, item
                assert item["target"]


def test_requests_are_not_logged(capfd):
    with DemoServer() as running:
        fetch(running.base_url)
        fetch(running.base_url + "missing")
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""
