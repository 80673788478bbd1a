"""The network boundary's pure rules (issue #16): what an address is, how a browser reads a host, and what
the policy lets govcheck connect to. No network: every address here is only judged, never contacted."""

from __future__ import annotations

import ipaddress

import pytest

from checker.netpolicy import (
    INTERNAL,
    AddressClass,
    InvalidHost,
    IPAddress,
    NetworkPolicy,
    UrlTarget,
    Verdict,
    classify_address,
    embedded_ipv4,
    host_address,
    parse_ipv4,
    url_target,
)

METADATA = ipaddress.IPv4Address("169.254.169.254")


def ip(text: str) -> IPAddress:
    """An address from its text (either family)."""
    return ipaddress.ip_address(text)


# --- classification ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("address", "kind"), [
    # IPv4
    ("8.8.8.8", AddressClass.PUBLIC),
    ("1.1.1.1", AddressClass.PUBLIC),
    ("172.15.255.255", AddressClass.PUBLIC),
    ("172.32.0.1", AddressClass.PUBLIC),
    ("192.169.0.1", AddressClass.PUBLIC),
    ("100.63.255.255", AddressClass.PUBLIC),
    ("100.128.0.0", AddressClass.PUBLIC),
    ("127.0.0.1", AddressClass.LOOPBACK),
    ("127.255.255.254", AddressClass.LOOPBACK),
    ("10.0.0.1", AddressClass.PRIVATE),
    ("172.16.0.1", AddressClass.PRIVATE),
    ("172.31.255.255", AddressClass.PRIVATE),
    ("192.168.1.1", AddressClass.PRIVATE),
    ("100.64.0.1", AddressClass.PRIVATE),  # CGNAT 100.64/10, both ends
    ("100.127.255.255", AddressClass.PRIVATE),
    ("198.18.0.1", AddressClass.PRIVATE),
    ("169.254.169.254", AddressClass.LINK_LOCAL),
    ("169.254.0.1", AddressClass.LINK_LOCAL),
    ("224.0.0.1", AddressClass.MULTICAST),
    ("239.255.255.250", AddressClass.MULTICAST),
    ("255.255.255.255", AddressClass.BROADCAST),
    ("0.0.0.0", AddressClass.UNSPECIFIED),
    ("0.1.2.3", AddressClass.UNSPECIFIED),  # all of 0.0.0.0/8
    ("0.255.255.255", AddressClass.UNSPECIFIED),
    ("240.0.0.1", AddressClass.RESERVED),
    ("192.0.0.8", AddressClass.RESERVED),
    # IPv6
    ("2001:4860:4860::8888", AddressClass.PUBLIC),
    ("::", AddressClass.UNSPECIFIED),
    ("::1", AddressClass.LOOPBACK),
    ("fe80::1", AddressClass.LINK_LOCAL),
    ("febf:ffff::1", AddressClass.LINK_LOCAL),  # the top of fe80::/10
    ("fc00::1", AddressClass.PRIVATE),  # fc00::/7, both halves
    ("fdff:ffff::1", AddressClass.PRIVATE),
    ("fec0::1", AddressClass.PRIVATE),
    ("ff02::1", AddressClass.MULTICAST),
    ("ff0e::fb", AddressClass.MULTICAST),
    # IPv4 inside IPv6: judged as the IPv4 address
    ("::ffff:169.254.169.254", AddressClass.LINK_LOCAL),  # mapped
    ("::ffff:a9fe:a9fe", AddressClass.LINK_LOCAL),
    ("::ffff:127.0.0.1", AddressClass.LOOPBACK),
    ("::ffff:10.1.2.3", AddressClass.PRIVATE),
    ("::ffff:8.8.8.8", AddressClass.PUBLIC),
    ("::ffff:0.0.0.0", AddressClass.UNSPECIFIED),
    ("64:ff9b::a9fe:a9fe", AddressClass.LINK_LOCAL),  # NAT64
    ("64:ff9b::10.0.0.1", AddressClass.PRIVATE),
    ("64:ff9b::808:808", AddressClass.PUBLIC),
    ("2002:a9fe:a9fe::1", AddressClass.LINK_LOCAL),  # 6to4
    ("2002:c0a8:0101::", AddressClass.PRIVATE),
    ("2002:0808:0808::1", AddressClass.PUBLIC),
    ("::169.254.169.254", AddressClass.LINK_LOCAL),  # IPv4-compatible
    ("::127.0.0.1", AddressClass.LOOPBACK),
    ("::10.0.0.1", AddressClass.PRIVATE),
])
def test_classify_address(address: str, kind: AddressClass) -> None:
    assert classify_address(ip(address)) is kind


@pytest.mark.parametrize(("address", "inner"), [
    ("::ffff:169.254.169.254", "169.254.169.254"),
    ("64:ff9b::a9fe:a9fe", "169.254.169.254"),
    ("2002:a9fe:a9fe::", "169.254.169.254"),
    ("::a9fe:a9fe", "169.254.169.254"),
    ("::1", None),  # loopback, not the compatible form of 0.0.0.1
    ("::", None),
    ("2001:db8::1", None),
    ("10.0.0.1", None),
])
def test_embedded_ipv4(address: str, inner: str | None) -> None:
    found = embedded_ipv4(ip(address))
    assert (str(found) if found is not None else None) == inner


# --- hosts as a browser reads them -------------------------------------------------------------------------------

@pytest.mark.parametrize(("host", "address"), [
    ("169.254.169.254", "169.254.169.254"),
    ("2852039166", "169.254.169.254"),  # one decimal number
    ("0xa9fea9fe", "169.254.169.254"),  # one hex number
    ("0XA9FEA9FE", "169.254.169.254"),
    ("0251.0376.0251.0376", "169.254.169.254"),  # octal parts
    ("0xa9.0xfe.0xa9.0xfe", "169.254.169.254"),
    ("169.254.43518", "169.254.169.254"),  # short: the last part fills the rest
    ("0xa9.0xfe.43518", "169.254.169.254"),
    ("169.16689662", "169.254.169.254"),
    ("0251.254.0xa9.254", "169.254.169.254"),  # mixed bases
    ("127.1", "127.0.0.1"),
    ("127.0.1", "127.0.0.1"),
    ("0", "0.0.0.0"),
    ("0x", "0.0.0.0"),  # an empty hex number is zero, as in a browser
    ("169.254.169.254.", "169.254.169.254"),  # one trailing dot
    ("2852039166.", "169.254.169.254"),
    ("4294967295", "255.255.255.255"),
    ("010.0.0.1", "8.0.0.1"),  # a leading zero is octal, not decimal
])
def test_parse_ipv4_browser_forms(host: str, address: str) -> None:
    assert parse_ipv4(host) == ipaddress.IPv4Address(address)


@pytest.mark.parametrize("host", ["example.gov.cn", "localhost", "www", "1.2.3.example", "0xg", "1e3", "a.b.",
                                  "127.0.0.1..", "abc.0xzz"])
def test_parse_ipv4_names_are_not_addresses(host: str) -> None:
    assert parse_ipv4(host) is None


@pytest.mark.parametrize("host", [
    "256.1.1.1",  # a part over 255
    "1.2.3.4.5",  # five parts
    "1.2.3.09",  # ends in a number a browser reads (09 is no octal): refused, not resolved as a name
    "1.2.3.256",  # the last part over its room
    "1.2.65536",
    "1.16777216",
    "4294967296",  # over 2**32
    "0x100000000",
    "1..2",  # an empty part
    "example.123",  # ends in a number, but a part is not one
])
def test_parse_ipv4_refuses_invalid_numeric_hosts(host: str) -> None:
    with pytest.raises(InvalidHost):
        parse_ipv4(host)


@pytest.mark.parametrize(("host", "address"), [
    ("[::1]", "::1"),
    ("[fe80::1%eth0]", "fe80::1"),  # a zone is not part of the address
    ("fe80::1%25eth0", "fe80::1"),
    ("[::ffff:169.254.169.254]", "::ffff:169.254.169.254"),
    ("[2001:DB8::1]", "2001:db8::1"),
    (" 127.1 ", "127.0.0.1"),
    ("2852039166", "169.254.169.254"),
])
def test_host_address_literals(host: str, address: str) -> None:
    assert host_address(host) == ip(address)


def test_host_address_names_and_bad_ipv6() -> None:
    assert host_address("www.example.gov.cn") is None
    with pytest.raises(InvalidHost):
        host_address("[fe80::zz]")
    with pytest.raises(InvalidHost):
        host_address("1.2.3.4.5")


# --- URLs --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "scheme", "host", "port", "address"), [
    ("http://2852039166/", "http", "2852039166", 80, "169.254.169.254"),
    ("http://0xa9fea9fe/latest/meta-data/", "http", "0xa9fea9fe", 80, "169.254.169.254"),
    ("http://0251.0376.0251.0376/", "http", "0251.0376.0251.0376", 80, "169.254.169.254"),
    ("http://169.254.43518/", "http", "169.254.43518", 80, "169.254.169.254"),
    ("https://127.1:8443/a", "https", "127.1", 8443, "127.0.0.1"),
    ("http://169.254.169.254./", "http", "169.254.169.254.", 80, "169.254.169.254"),
    ("http://[fe80::1%25eth0]:8080/", "http", "fe80::1%25eth0", 8080, "fe80::1"),
    ("http://[::ffff:a9fe:a9fe]/", "http", "::ffff:a9fe:a9fe", 80, "::ffff:169.254.169.254"),
    ("HTTPS://WWW.Example.GOV.cn/x", "https", "www.example.gov.cn", 443, None),
    ("http://user:pw@www.example.gov.cn:8080/", "http", "www.example.gov.cn", 8080, None),
])
def test_url_target(url: str, scheme: str, host: str, port: int, address: str | None) -> None:
    target = url_target(url)
    assert isinstance(target, UrlTarget)
    assert (target.scheme, target.host, target.port) == (scheme, host, port)
    assert target.address == (ip(address) if address else None)


@pytest.mark.parametrize(("url", "words"), [
    ("file:///etc/passwd", "只访问 http/https 地址（file）"),
    ("javascript:alert(1)", "只访问 http/https 地址（javascript）"),
    ("data:text/html,<b>x</b>", "只访问 http/https 地址（data）"),
    ("ftp://ftp.example.gov.cn/", "只访问 http/https 地址（ftp）"),
    ("gopher://127.0.0.1:6379/_INFO", "只访问 http/https 地址（gopher）"),
    ("//www.example.gov.cn/", "只访问 http/https 地址（无协议）"),
    ("http:///path", "地址缺少主机名"),
    ("http://:80/", "地址缺少主机名"),
    ("http://www.example.gov.cn:99999/", "地址无效"),
    ("http://www.example.gov.cn:port/", "地址无效"),
    ("http://[::1/", "地址无效"),
    ("http://256.1.1.1/", "主机地址无效（256.1.1.1）"),
    ("http://1.2.3.4.5/", "主机地址无效（1.2.3.4.5）"),
])
def test_url_target_refuses(url: str, words: str) -> None:
    verdict = url_target(url)
    assert isinstance(verdict, Verdict)
    assert not verdict.allowed
    assert verdict.reason.startswith("未访问：") and words in verdict.reason


# --- the policy ---------------------------------------------------------------------------------------------------

def _verdict(policy: NetworkPolicy, address: str) -> bool:
    return policy.judge_address(ip(address)).allowed


SITE = NetworkPolicy.build(site_addresses=[ip("127.0.0.1"), ip("10.1.2.3")])


@pytest.mark.parametrize(("address", "allowed"), [
    ("127.0.0.1", True),  # a site's own address
    ("10.1.2.3", True),
    ("127.0.0.2", False),  # its neighbours are not
    ("10.1.2.4", False),
    ("::1", False),
    ("192.168.0.1", False),
    ("100.64.0.1", False),
    ("240.0.0.1", False),
    ("8.8.8.8", True),
    ("2001:4860:4860::8888", True),
    ("169.254.169.254", False),
])
def test_site_addresses_open_only_themselves(address: str, allowed: bool) -> None:
    assert _verdict(SITE, address) is allowed


def test_a_site_on_a_never_address_stays_closed() -> None:
    policy = NetworkPolicy.build(site_addresses=[METADATA, ip("224.0.0.1"), ip("0.0.0.0")])
    for address in ("169.254.169.254", "224.0.0.1", "0.0.0.0"):
        assert not _verdict(policy, address)


def test_with_sites_adds_addresses() -> None:
    policy = NetworkPolicy.build().with_sites([ip("192.168.5.5")])
    assert _verdict(policy, "192.168.5.5") and not _verdict(policy, "192.168.5.6")
    assert _verdict(policy.with_sites([ip("192.168.5.6")]), "192.168.5.6")


OPEN = NetworkPolicy.build(allow_private=True)


@pytest.mark.parametrize(("address", "allowed"), [
    ("127.0.0.2", True),
    ("::1", True),
    ("10.0.0.1", True),
    ("172.20.0.1", True),
    ("192.168.0.1", True),
    ("100.64.0.1", True),
    ("fd00::1", True),
    ("240.0.0.1", True),  # reserved
    ("8.8.8.8", True),
    ("169.254.169.254", False),  # never
    ("::ffff:169.254.169.254", False),
    ("fe80::1", False),
    ("224.0.0.1", False),
    ("ff02::1", False),
    ("255.255.255.255", False),
    ("0.0.0.0", False),
    ("0.1.2.3", False),
    ("::", False),
])
def test_allow_private_opens_private_but_never_link_local(address: str, allowed: bool) -> None:
    assert _verdict(OPEN, address) is allowed


@pytest.mark.parametrize(("address", "allowed"), [
    ("10.20.0.1", True),
    ("10.20.255.255", True),
    ("10.21.0.1", False),
    ("192.168.0.1", False),
    ("169.254.169.254", False),  # an opened range cannot open a never-class address
])
def test_allow_networks_opens_a_chosen_range(address: str, allowed: bool) -> None:
    policy = NetworkPolicy.build(allow_networks=["10.20.0.0/16", "169.254.0.0/16"])
    assert _verdict(policy, address) is allowed


def test_block_networks_close_public_and_opened_ranges() -> None:
    policy = NetworkPolicy.build(allow_private=True, block_networks=["203.0.113.0/24", "10.9.0.0/16",
                                                                     "2001:db8::/32"])
    assert not _verdict(policy, "203.0.113.7")
    assert not _verdict(policy, "10.9.1.1")
    assert not _verdict(policy, "2001:db8::5")
    assert _verdict(policy, "203.0.114.1") and _verdict(policy, "10.8.1.1")
    verdict = policy.judge_address(ip("203.0.113.7"))
    assert verdict.reason.startswith(INTERNAL) and "按设置禁止访问的网段" in verdict.reason
    assert verdict.address == "203.0.113.7" and verdict.kind is AddressClass.PUBLIC


@pytest.mark.parametrize("address", ["::ffff:203.0.113.7", "64:ff9b::cb00:7107", "2002:cb00:7107::1"])
def test_block_networks_also_close_the_ipv6_forms(address: str) -> None:
    policy = NetworkPolicy.build(block_networks=["203.0.113.0/24"])
    assert not _verdict(policy, address)


LOOPBACK_ONLY = NetworkPolicy.build(loopback_only=True)


@pytest.mark.parametrize(("address", "allowed"), [
    ("127.0.0.1", True),
    ("127.0.0.2", True),
    ("::1", True),
    ("::ffff:127.0.0.1", True),
    ("8.8.8.8", False),
    ("2001:4860:4860::8888", False),
    ("10.0.0.1", False),
    ("169.254.169.254", False),
])
def test_loopback_only_refuses_everything_but_this_machine(address: str, allowed: bool) -> None:
    assert _verdict(LOOPBACK_ONLY, address) is allowed


@pytest.mark.parametrize(("host", "refused"), [
    ("localhost", False),
    ("LOCALHOST", False),
    ("localhost.", False),
    ("www.example.gov.cn", True),
    ("intranet.test", True),
    ("localhost.example.com", True),
])
def test_loopback_only_refuses_names_unresolved(host: str, refused: bool) -> None:
    verdict = LOOPBACK_ONLY.judge_name(host)
    if refused:
        assert verdict is not None and not verdict.allowed and host in verdict.reason
    else:
        assert verdict is None
    assert NetworkPolicy.build().judge_name(host) is None  # outside loopback-only mode names are resolved


@pytest.mark.parametrize(("url", "allowed"), [
    ("http://127.0.0.1:8765/", True),
    ("http://8.8.8.8/", False),
    ("http://[::1]/", True),
    ("http://www.example.gov.cn/", False),
    ("http://localhost:8765/", None),  # the only name left to resolve
    ("file:///etc/passwd", False),
])
def test_judge_url_literal_in_loopback_only_mode(url: str, allowed: bool | None) -> None:
    verdict = LOOPBACK_ONLY.judge_url_literal(url)
    assert (verdict.allowed if verdict is not None else None) == allowed


def test_judge_url_literal_leaves_names_to_resolve() -> None:
    policy = NetworkPolicy.build()
    assert policy.judge_url_literal("https://www.example.gov.cn/") is None
    metadata = policy.judge_url_literal("http://0xa9fea9fe/latest/meta-data/")
    assert metadata is not None and not metadata.allowed and metadata.kind is AddressClass.LINK_LOCAL
    public = policy.judge_url_literal("http://8.8.8.8/")
    assert public is not None and public.allowed


def test_reclassified_lets_loopback_stand_in() -> None:
    policy = NetworkPolicy.build(site_addresses=[ip("127.0.0.1")],
                                 reclassified={"127.0.0.2/32": AddressClass.LINK_LOCAL,
                                               "127.0.0.3/32": AddressClass.PRIVATE})
    assert policy.classify(ip("127.0.0.2")) is AddressClass.LINK_LOCAL
    assert policy.classify(ip("127.0.0.3")) is AddressClass.PRIVATE
    assert policy.classify(ip("127.0.0.1")) is AddressClass.LOOPBACK
    assert policy.classify(ip("::1")) is AddressClass.LOOPBACK  # a v4 network never matches a v6 address
    assert _verdict(policy, "127.0.0.1")
    linked = policy.judge_address(ip("127.0.0.2"))
    assert not linked.allowed and linked.kind is AddressClass.LINK_LOCAL and "链路本地地址" in linked.reason
    assert not _verdict(policy, "127.0.0.3")
    # reclassified link-local stays closed even when private addresses are opened; private opens
    opened = NetworkPolicy.build(allow_private=True, reclassified={"127.0.0.2/32": AddressClass.LINK_LOCAL,
                                                                   "127.0.0.3/32": AddressClass.PRIVATE})
    assert not _verdict(opened, "127.0.0.2") and _verdict(opened, "127.0.0.3")


def test_build_refuses_a_malformed_network() -> None:
    with pytest.raises(ValueError):
        NetworkPolicy.build(allow_networks=["10.0.0.0/33"])
    with pytest.raises(ValueError):
        NetworkPolicy.build(block_networks=["not-a-network"])


def test_judge_addresses_refuses_a_name_if_any_address_is_refused() -> None:
    policy = NetworkPolicy.build(site_addresses=[ip("127.0.0.1")])
    mixed = policy.judge_addresses([ip("8.8.8.8"), ip("127.0.0.1"), ip("169.254.169.254")])
    assert not mixed.allowed and mixed.address == "169.254.169.254" and mixed.kind is AddressClass.LINK_LOCAL
    assert not policy.judge_addresses([ip("127.0.0.1"), ip("127.0.0.2")]).allowed
    assert not policy.judge_addresses([ip("2001:4860:4860::8888"), ip("fd00::1")]).allowed
    assert policy.judge_addresses([ip("8.8.8.8"), ip("127.0.0.1")]).allowed
    assert policy.judge_addresses(iter([ip("8.8.8.8")])).allowed  # any iterable, read once


def test_judge_addresses_empty_is_unresolvable_not_internal() -> None:
    verdict = NetworkPolicy.build(allow_private=True).judge_addresses([])
    assert not verdict.allowed and verdict.reason == "域名无法解析"
    assert not verdict.reason.startswith("未访问")


@pytest.mark.parametrize(("address", "kind_words"), [
    ("169.254.169.254", "链路本地地址（含云主机元数据服务）"),
    ("::ffff:169.254.169.254", "链路本地地址"),
    ("10.0.0.1", "内网地址"),
    ("127.0.0.2", "本机回环地址"),
    ("224.0.0.1", "组播地址"),
    ("255.255.255.255", "广播地址"),
    ("0.0.0.0", "未指定地址"),
    ("240.0.0.1", "保留地址"),
])
def test_internal_reason_wording(address: str, kind_words: str) -> None:
    verdict = NetworkPolicy.build().judge_address(ip(address))
    assert not verdict.allowed
    assert verdict.reason.startswith("未访问：地址指向内部网络")
    assert f"（{ip(address)}，{kind_words}" in verdict.reason
    assert verdict.address == str(ip(address))
