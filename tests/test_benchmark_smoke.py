"""The publishing benchmark's generator and entry point work (on a few files; the real run is by hand)."""

from __future__ import annotations

import threading
from urllib.request import urlopen

import pytest

from benchmarks.bench_publishing import run
from benchmarks.policy_site import PolicySiteServer, generate_site


def test_generator_seeds_missing_numbers_and_expired_files() -> None:
    site = generate_site(250)
    assert len([p for p in site if p.startswith("/zcwj/t")]) == 250
    assert "/zcwj/index_2.html" in site and "/zcwj/index_3.html" not in site
    assert "下一页" in site["/zcwj/index_1.html"].decode() and "下一页" not in site["/zcwj/index_2.html"].decode()
    assert "<td></td>" in site["/zcwj/t9.html"].decode()
    assert "2016年01月01日至2019年12月31日" in site["/zcwj/t24.html"].decode()


def test_server_answers_the_generated_pages() -> None:
    with PolicySiteServer(20) as server, urlopen(server.detail_urls()[3]) as response:
        assert "基府办〔2020〕4号" in response.read().decode("utf-8")


@pytest.mark.browser
def test_benchmark_entry_point_on_a_small_site() -> None:
    out: dict[str, dict] = {}
    thread = threading.Thread(target=lambda: out.update(report=run(26, 4, 4)))
    thread.start()
    thread.join()
    report = out["report"]
    assert report["fetched_pages"] == 26 and report["rendered_pages"] == 4
    assert report["fetched_pages_per_second"] > 0 and report["rendered_pages_per_second"] > 0
    end_to_end = report["end_to_end"]
    assert end_to_end["findings"] == end_to_end["expected"]
    assert "读取详情页26件/共26件" in end_to_end["note"]
