"""The demo server's fault mode: decisions drawn deterministically by seed, and what a client sees of each fault."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.client import RemoteDisconnected
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest

from checker.demo.faults import Fault, FaultPlan
from checker.demo.server import DemoServer

TARGETS = [f"/bm/jyj/zwgk/t{n}.html?page={n % 3}" for n in range(40)] + ["/robots.txt", "/", "/search?q=%E5%8C%BB"]


def _requests() -> list[tuple[str, str]]:
    """Every target requested three times by GET and once by HEAD, in a fixed order."""
    return [(method, target) for target in TARGETS for method in ("GET", "GET", "HEAD", "GET")]


def test_same_seed_gives_the_same_decisions_in_the_same_order() -> None:
    requests = _requests()
    first, second = FaultPlan.even(0.5, seed=7), FaultPlan.even(0.5, seed=7)
    decisions = [first.decide(*request) for request in requests]
    assert decisions == [second.decide(*request) for request in requests]
    assert first.log == second.log and {Fault.RESET, Fault.ERROR, Fault.STALL, Fault.NONE} <= set(decisions)
    other = FaultPlan.even(0.5, seed=8)
    assert decisions != [other.decide(*request) for request in requests]


def test_decisions_per_target_do_not_depend_on_the_order_of_requests() -> None:
    requests = _requests()
    shuffled = list(requests)
    random.Random(1).shuffle(shuffled)

    def per_target(order: list[tuple[str, str]]) -> dict[tuple[str, str], list[Fault]]:
        plan, seen = FaultPlan.even(0.5, seed=7), {}
        for request in order:
            seen.setdefault(request, []).append(plan.decide(*request))
        return seen

    assert per_target(requests) == per_target(shuffled)


def test_decisions_per_target_do_not_depend_on_thread_scheduling() -> None:
    requests = _requests() * 3
    expected: dict[tuple[str, str], Counter[Fault]] = {}
    plan = FaultPlan.even(0.5, seed=11)
    for request in requests:
        expected.setdefault(request, Counter())[plan.decide(*request)] += 1
    threaded, seen = FaultPlan.even(0.5, seed=11), {}
    with ThreadPoolExecutor(8) as pool:
        for request, fault in zip(requests, pool.map(lambda r: threaded.decide(*r), requests), strict=True):
            seen.setdefault(request, Counter())[fault] += 1
    assert seen == expected and Counter(threaded.log) == Counter(plan.log)


def test_a_retry_gets_a_fresh_deterministic_draw() -> None:
    plan = FaultPlan(reset_share=0.5, seed=3)
    draws = [plan.decide("GET", "/") for _ in range(64)]
    assert set(draws) == {Fault.RESET, Fault.NONE}
    assert draws == [plan.draw("GET", "/", n) for n in range(64)]
    assert plan.fresh().decide("GET", "/") == draws[0] and plan.fresh().log == []


def test_the_asking_page_counts_by_path_not_by_port() -> None:
    """The demo listens on a fresh port each run; a script's request must draw the same faults in every run."""
    plan = FaultPlan.even(0.5, seed=7)
    target = "/bm/jtj/api/list?col=jtdt&page=2"
    ports = {plan.fresh().decide("GET", target, f"http://127.0.0.1:{port}/bm/jtj/jtdt/")
             for port in range(40000, 40040)}
    assert len(ports) == 1
    pages = {plan.fresh().decide("GET", target, f"http://127.0.0.1:40000/bm/jtj/{name}/") for name in "abcdefghij"}
    assert len(pages) > 1  # a different asking page still draws afresh


def test_faults_seen_by_a_page_count_its_own_and_those_of_what_it_asked_for() -> None:
    plan = FaultPlan(reset_share=1.0, seed=1)
    plan.decide("GET", "/bm/jtj/jtdt/index_1.html")
    plan.decide("GET", "/static/jtj.js", "http://127.0.0.1:41000/bm/jtj/jtdt/index_1.html")
    plan.decide("GET", "/static/jtj.js", "http://127.0.0.1:41000/bm/jtj/")
    plan.decide("GET", "/bm/jtj/api/list?col=jtdt&page=2", "http://127.0.0.1:41000/bm/jtj/jtdt/index_1.html")
    assert plan.faults_seen_by("http://127.0.0.1:42000/bm/jtj/jtdt/index_1.html") == 3
    assert plan.faults_seen_by("/bm/jtj/") == 1 and plan.faults_seen_by("/static/other.js") == 0


def test_shares_are_roughly_right_over_ten_thousand_draws() -> None:
    plan = FaultPlan.even(0.2, seed=7)
    assert (plan.reset_share, plan.error_share, plan.stall_share) == pytest.approx((0.08, 0.08, 0.04))
    counts = Counter(plan.decide("GET", f"/p{n}.html") for n in range(10_000))
    assert abs(counts[Fault.RESET] - 800) < 120 and abs(counts[Fault.ERROR] - 800) < 120
    assert abs(counts[Fault.STALL] - 400) < 80
    assert plan.counts() == {"reset": counts[Fault.RESET], "error": counts[Fault.ERROR],
                             "stall": counts[Fault.STALL], "requests": 10_000}
    repeated = Counter(plan.decide("GET", "/same") for _ in range(10_000))
    assert abs(repeated[Fault.NONE] - 8000) < 160


def test_spared_requests_are_never_faulted_nor_counted() -> None:
    plan = FaultPlan(reset_share=1.0, spare_paths=("/static/", "/robots.txt"),
                     spare=lambda method, target: method == "POST")
    assert plan.decide("GET", "/static/site.css?v=2") is Fault.NONE
    assert plan.decide("GET", "/robots.txt") is Fault.NONE
    assert plan.decide("POST", "/hdjl/wyly/submit") is Fault.NONE
    assert plan.decide("GET", "/robots.txt.bak") is Fault.RESET
    assert plan.decide("GET", "/static") is Fault.RESET
    assert plan.counts()["requests"] == 2


def test_a_plan_without_faults_never_faults_and_bad_shares_are_refused() -> None:
    plan = FaultPlan.even(0.0, seed=1)
    assert {plan.decide("GET", f"/{n}") for n in range(200)} == {Fault.NONE} and plan.log == []
    with pytest.raises(ValueError, match="故障比例"):
        FaultPlan(reset_share=0.6, error_share=0.6)
    with pytest.raises(ValueError):
        FaultPlan(stall_share=-0.1)
    with pytest.raises(ValueError):
        FaultPlan.even(1.5)


@pytest.fixture
def served() -> Iterator[dict[str, DemoServer]]:
    """Demo servers started by a test, stopped at its end."""
    servers: dict[str, DemoServer] = {}
    yield servers
    for server in servers.values():
        server.stop()


def _start(served: dict[str, DemoServer], plan: FaultPlan) -> DemoServer:
    server = DemoServer(port=0, faults=plan).start()
    served[str(len(served))] = server
    return server


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
def test_a_reset_closes_the_connection_without_an_answer(served: dict[str, DemoServer], method: str) -> None:
    plan = FaultPlan(reset_share=1.0)
    server = _start(served, plan)
    request = Request(server.base_url + "robots.txt", method=method, data=b"a=1" if method == "POST" else None)
    with pytest.raises((ConnectionResetError, RemoteDisconnected)):
        urlopen(request, timeout=10)
    assert plan.log == [(Fault.RESET, method, "/robots.txt")]


def test_an_error_answers_503_without_retry_after(served: dict[str, DemoServer]) -> None:
    plan = FaultPlan(error_share=1.0)
    server = _start(served, plan)
    with pytest.raises(HTTPError) as answer:
        urlopen(server.base_url, timeout=10)
    assert answer.value.code == 503 and answer.value.headers.get("Retry-After") is None
    assert "服务器繁忙" in answer.value.read().decode("utf-8")
    with pytest.raises(HTTPError) as head:
        urlopen(Request(server.base_url + "bm/jyj/", method="HEAD"), timeout=10)
    assert head.value.code == 503
    assert server.site is not None and server.site.requests == [("GET", "/"), ("HEAD", "/bm/jyj/")]
    assert plan.counts() == {"reset": 0, "error": 2, "stall": 0, "requests": 2}


def test_a_stall_is_slow_but_answers(served: dict[str, DemoServer]) -> None:
    plan = FaultPlan(stall_share=1.0, stall_seconds=0.3)
    server = _start(served, plan)
    started = time.monotonic()
    with urlopen(server.base_url, timeout=10) as response:
        assert response.status == 200 and "示例市" in response.read().decode("utf-8")
    assert time.monotonic() - started >= 0.3
    assert plan.log == [(Fault.STALL, "GET", "/")]


def test_a_retried_url_gets_its_next_draw_on_the_live_server(served: dict[str, DemoServer]) -> None:
    plan = FaultPlan(error_share=0.5, seed=5)
    target = next(f"/?n={n}" for n in range(200)
                  if plan.draw("GET", f"/?n={n}", 0) is Fault.ERROR and plan.draw("GET", f"/?n={n}", 1) is Fault.NONE)
    server = _start(served, plan)
    with pytest.raises(HTTPError):
        urlopen(server.base_url.rstrip("/") + target, timeout=10)
    with urlopen(server.base_url.rstrip("/") + target, timeout=10) as response:
        assert response.status == 200


def test_without_a_plan_the_seeded_503_keeps_its_retry_after(served: dict[str, DemoServer]) -> None:
    server = DemoServer(port=0).start()
    served["plain"] = server
    with pytest.raises(HTTPError) as answer:
        urlopen(server.base_url + "bm/zjj/", timeout=10)
    assert answer.value.code == 503 and answer.value.headers.get("Retry-After") == "3600"
    with urlopen(server.base_url, timeout=10) as response:
        assert response.status == 200
