"""Where govcheck may send a request: the network boundary, as pure functions (issue #16).

A page under check can point anywhere: at a cloud machine's metadata service (169.254.169.254), at the
office's own intranet, at the machine govcheck runs on. One policy decides, for an *address* (never a name:
names are resolved first, at connect time, by :mod:`checker.netguard`), whether govcheck may connect:

- only ``http`` and ``https`` URLs are requested;
- link-local (169.254.0.0/16, fe80::/10, the cloud metadata address), multicast, broadcast and unspecified
  addresses never;
- private (10/8, 172.16/12, 192.168/16, 100.64/10, 198.18/15, fc00::/7) and loopback addresses only where the
  suite's own sites are, or when the user opens them (``--allow-private``, ``settings.network``);
- public addresses always, except in the test suite's loopback-only mode.

IPv4 hosts are read the way a browser reads them (WHATWG URL): ``http://2852039166/``, ``http://0xa9fea9fe/``
and ``http://0251.0376.0251.0376/`` are all 169.254.169.254. IPv4 addresses inside IPv6 ones (mapped,
compatible, NAT64, 6to4) are judged as the IPv4 address they carry.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

ALLOWED_SCHEMES = frozenset({"http", "https"})
INTERNAL = "未访问：地址指向内部网络"
"""The coverage wording for a target the policy refused (the issue's and the reports' words)."""


class AddressClass(StrEnum):
    """What kind of place an address is, as far as the boundary cares."""

    PUBLIC = "public"
    LOOPBACK = "loopback"
    PRIVATE = "private"
    LINK_LOCAL = "link_local"
    MULTICAST = "multicast"
    BROADCAST = "broadcast"
    UNSPECIFIED = "unspecified"
    RESERVED = "reserved"


CLASS_NAMES: Mapping[AddressClass, str] = {
    AddressClass.PUBLIC: "公网地址",
    AddressClass.LOOPBACK: "本机回环地址",
    AddressClass.PRIVATE: "内网地址",
    AddressClass.LINK_LOCAL: "链路本地地址（含云主机元数据服务）",
    AddressClass.MULTICAST: "组播地址",
    AddressClass.BROADCAST: "广播地址",
    AddressClass.UNSPECIFIED: "未指定地址",
    AddressClass.RESERVED: "保留地址",
}

NEVER: frozenset[AddressClass] = frozenset({AddressClass.LINK_LOCAL, AddressClass.MULTICAST,
                                            AddressClass.BROADCAST, AddressClass.UNSPECIFIED})
"""Classes no setting opens: nothing a citizen's browser should reach through a public web page."""
OPENABLE: frozenset[AddressClass] = frozenset({AddressClass.LOOPBACK, AddressClass.PRIVATE, AddressClass.RESERVED})
"""Classes the user may open for intranet portals (``allow_private`` or ``allow_networks``)."""

_NETWORKS: tuple[tuple[str, AddressClass], ...] = (
    ("0.0.0.0/8", AddressClass.UNSPECIFIED),  # "this network": Linux connects 0.x.x.x to the machine itself
    ("255.255.255.255/32", AddressClass.BROADCAST),
    ("127.0.0.0/8", AddressClass.LOOPBACK),
    ("169.254.0.0/16", AddressClass.LINK_LOCAL),
    ("224.0.0.0/4", AddressClass.MULTICAST),
    ("10.0.0.0/8", AddressClass.PRIVATE),
    ("172.16.0.0/12", AddressClass.PRIVATE),
    ("192.168.0.0/16", AddressClass.PRIVATE),
    ("100.64.0.0/10", AddressClass.PRIVATE),  # carrier-grade NAT: inside someone's network
    ("198.18.0.0/15", AddressClass.PRIVATE),  # benchmarking; proxies' fake-IP DNS answers from here too
    ("192.0.0.0/24", AddressClass.RESERVED),
    ("240.0.0.0/4", AddressClass.RESERVED),
    ("::/128", AddressClass.UNSPECIFIED),
    ("::1/128", AddressClass.LOOPBACK),
    ("fe80::/10", AddressClass.LINK_LOCAL),
    ("ff00::/8", AddressClass.MULTICAST),
    ("fc00::/7", AddressClass.PRIVATE),
    ("fec0::/10", AddressClass.PRIVATE),  # the old site-local range
)
_CLASSIFIED = tuple((ipaddress.ip_network(text), kind) for text, kind in _NETWORKS)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_COMPATIBLE = ipaddress.ip_network("::/96")


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, compatible, NAT64, 6to4), or None."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or (address in _COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def classify_address(address: IPAddress) -> AddressClass:
    """The class of one address; an IPv6 address carrying an IPv4 one is judged as that IPv4 address."""
    inner = embedded_ipv4(address)
    if inner is not None:
        return classify_address(inner)
    for network, kind in _CLASSIFIED:
        if address.version == network.version and address in network:
            return kind
    return AddressClass.PUBLIC


def _ipv4_number(part: str) -> int | None:
    """One dotted part as a browser reads it: 0x… hex, 0… octal, else decimal; None if not a number."""
    if not part:
        return None
    base, digits = 10, part
    if part[:2].lower() == "0x":
        base, digits = 16, part[2:]
    elif len(part) > 1 and part[0] == "0":
        base, digits = 8, part[1:]
    if not digits:
        return 0
    try:
        return int(digits, base) if digits.isascii() and digits.isalnum() else None
    except ValueError:
        return None


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)


class InvalidHost(ValueError):
    """A host that ends like a number but is not an IPv4 address a browser would accept."""


def parse_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """An IPv4 host in any form a browser accepts (``2852039166``, ``0xa9.0xfe.43518``, ``0251.0376.0251.0376``).

    None when the host is a name; :class:`InvalidHost` when it ends in a number but is not a valid address
    (a browser refuses such a URL, and so does govcheck).
    """
    parts = host.split(".")
    if parts and parts[-1] == "" and len(parts) > 1:
        parts = parts[:-1]
    if _ipv4_number(parts[-1]) is None:
        last = parts[-1].lower()
        if last.isascii() and (last.isdigit() or (last.startswith("0x") and _is_hex(last[2:]))):
            raise InvalidHost(host)  # it ends in a number a browser would read, and cannot (1.2.3.09)
        return None
    numbers = [_ipv4_number(part) for part in parts]
    if len(numbers) > 4 or any(n is None for n in numbers):
        raise InvalidHost(host)
    values = [n for n in numbers if n is not None]
    if any(n > 255 for n in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        raise InvalidHost(host)
    total = values[-1]
    for index, value in enumerate(values[:-1]):
        total += value << (8 * (3 - index))
    return ipaddress.IPv4Address(total)


def host_address(host: str) -> IPAddress | None:
    """The address a URL's host names literally (IPv6 in brackets or bare, IPv4 in any browser form), or None
    for a name. Raises :class:`InvalidHost` for a malformed numeric host."""
    bare = host.strip().lower()
    if bare.startswith("[") and bare.endswith("]"):
        bare = bare[1:-1]
    if ":" in bare:
        try:
            return ipaddress.IPv6Address(bare.split("%", 1)[0])
        except ValueError:
            raise InvalidHost(host) from None
    return parse_ipv4(bare)


@dataclass(frozen=True)
class Verdict:
    """The policy's word on one target: allowed or not, and why (Chinese, for coverage and run.log)."""

    allowed: bool
    reason: str = ""
    address: str = ""
    kind: AddressClass | None = None


ALLOWED = Verdict(True)


@dataclass(frozen=True)
class UrlTarget:
    """What a URL asks to connect to: scheme, host as written, port, and the literal address if any."""

    scheme: str
    host: str
    port: int
    address: IPAddress | None


def url_target(url: str) -> UrlTarget | Verdict:
    """Where ``url`` would connect, or the refusing verdict when it is not an http(s) URL govcheck requests."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return Verdict(False, "未访问：地址无效")
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        return Verdict(False, f"未访问：只访问 http/https 地址（{scheme or '无协议'}）")
    host = parts.hostname or ""
    if not host:
        return Verdict(False, "未访问：地址缺少主机名")
    try:
        address = host_address(host)
    except InvalidHost:
        return Verdict(False, f"未访问：主机地址无效（{host}）")
    return UrlTarget(scheme, host, port or (443 if scheme == "https" else 80), address)


def _networks(texts: Iterable[str]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(text, strict=False) for text in texts)


@dataclass(frozen=True)
class NetworkPolicy:
    """The run's boundary. Pure: it judges addresses it is given, it never resolves or connects.

    ``site_addresses``: where the suite's own sites resolved at the start of the run (their loopback or
    private addresses are allowed). ``allow_private`` opens every loopback, private and reserved address;
    ``allow_networks`` opens chosen ones (``10.20.0.0/16``); ``block_networks`` closes more. Link-local,
    multicast, broadcast and unspecified addresses are never opened. ``loopback_only`` (the test suite)
    refuses everything but this machine, without resolving any other name. ``reclassified`` lets a test
    stand loopback addresses in for link-local or private ones.
    """

    site_addresses: frozenset[IPAddress] = frozenset()
    allow_private: bool = False
    allow_networks: tuple[IPNetwork, ...] = ()
    block_networks: tuple[IPNetwork, ...] = ()
    loopback_only: bool = False
    reclassified: tuple[tuple[IPNetwork, AddressClass], ...] = field(default=())

    @classmethod
    def build(cls, *, site_addresses: Iterable[IPAddress] = (), allow_private: bool = False,
              allow_networks: Iterable[str] = (), block_networks: Iterable[str] = (), loopback_only: bool = False,
              reclassified: Mapping[str, AddressClass] | None = None) -> NetworkPolicy:
        """A policy from settings' texts (CIDR strings); raises ValueError for a malformed network."""
        return cls(frozenset(site_addresses), allow_private, _networks(allow_networks), _networks(block_networks),
                   loopback_only, tuple((ipaddress.ip_network(text, strict=False), kind)
                                        for text, kind in (reclassified or {}).items()))

    def with_sites(self, addresses: Iterable[IPAddress]) -> NetworkPolicy:
        """The same policy with more site addresses allowed."""
        return NetworkPolicy(self.site_addresses | frozenset(addresses), self.allow_private, self.allow_networks,
                             self.block_networks, self.loopback_only, self.reclassified)

    def classify(self, address: IPAddress) -> AddressClass:
        """The address's class, after any test reclassification."""
        for network, kind in self.reclassified:
            if address.version == network.version and address in network:
                return kind
        return classify_address(address)

    def judge_address(self, address: IPAddress) -> Verdict:
        """Whether govcheck may connect to ``address`` (an IPv6 address carrying an IPv4 one is judged, and
        matched against the settings' networks, as that IPv4 address)."""
        text = str(address)
        address = embedded_ipv4(address) or address
        kind = self.classify(address)
        if any(address.version == n.version and address in n for n in self.block_networks):
            return Verdict(False, f"{INTERNAL}（{text}，按设置禁止访问的网段）", text, kind)
        if self.loopback_only and kind is not AddressClass.LOOPBACK:
            return Verdict(False, f"未访问：测试环境只访问本机（{text}）", text, kind)
        if kind is AddressClass.PUBLIC:
            return Verdict(True, "", text, kind)
        if kind in OPENABLE and (address in self.site_addresses or self.allow_private
                                 or any(address.version == n.version and address in n for n in self.allow_networks)):
            return Verdict(True, "", text, kind)
        if kind is AddressClass.LOOPBACK and self.loopback_only:
            return Verdict(True, "", text, kind)
        return Verdict(False, f"{INTERNAL}（{text}，{CLASS_NAMES[kind]}）", text, kind)

    def judge_name(self, host: str) -> Verdict | None:
        """A verdict on a host *name* before it is resolved, when one is due: in loopback-only mode every name
        but ``localhost`` is refused unresolved (no DNS query leaves the machine). None: resolve and judge."""
        if self.loopback_only and host.strip(".").lower() != "localhost":
            return Verdict(False, f"未访问：测试环境只访问本机（{host}）")
        return None

    def judge_addresses(self, addresses: Iterable[IPAddress]) -> Verdict:
        """A name's verdict from every address it resolved to: refused if any one is refused (a name that
        answers with a public and an internal address must not be a way in)."""
        verdicts = [self.judge_address(address) for address in addresses]
        if not verdicts:
            return Verdict(False, "域名无法解析")
        return next((v for v in verdicts if not v.allowed), verdicts[0])

    def judge_url_literal(self, url: str) -> Verdict | None:
        """The verdict on a URL that needs no resolving (bad scheme, literal address, loopback-only name);
        None when its host name must be resolved first."""
        target = url_target(url)
        if isinstance(target, Verdict):
            return target
        if target.address is not None:
            return self.judge_address(target.address)
        return self.judge_name(target.host)
