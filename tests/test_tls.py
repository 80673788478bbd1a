"""The TLS probe names expired, wrong-host and untrusted certificates; a good one passes."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from checker.tls import describe_verification, probe_tls
from tests.certs import make_certificates
from tests.hostile import HostileServer


def probe(url: str, timeout: float, cafile: str | None = None):
    """Run the probe on its own thread: pytest-playwright's sync API keeps an event loop on this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, probe_tls(url, timeout, cafile=cafile)).result()


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return make_certificates(tmp_path_factory.mktemp("certs"))


@pytest.mark.parametrize(
    ("stem", "kind"),
    [("good", None), ("expired", "expired"), ("wrong_host", "hostname"), ("self_signed", "untrusted")],
)
def test_probe_names_the_certificate_problem(certificates: dict, stem: str, kind: str | None) -> None:
    files = certificates[stem]
    with HostileServer(chain=(files.cert, files.key)) as server:
        problem = probe(server.base_url, 5, cafile=certificates["ca"].cert)
    assert (problem.kind if problem else None) == kind
    if problem:
        assert problem.reason.startswith("TLS 证书")


def test_plain_http_and_closed_ports_are_not_tls_problems(unused_port: int) -> None:
    assert probe("http://127.0.0.1:1/", 2) is None
    assert probe(f"https://127.0.0.1:{unused_port}/", 2) is None


def test_describe_verification_wording() -> None:
    assert describe_verification(10, "certificate has expired").reason == "TLS 证书已过期（certificate has expired）"
    assert describe_verification(99, "x").kind == "invalid"


@pytest.fixture
def unused_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
