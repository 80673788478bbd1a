"""The network boundary of one run, from the suite: its settings, the user's switches, its own sites."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from checker.links.http_support import loopback_only_from_env
from checker.netguard import NetworkGuard, Resolver, system_resolve
from checker.netpolicy import AddressClass, IPAddress, NetworkPolicy, host_address
from checker.runlog import LOG
from checker.scenario import Suite


async def guard_for_suite(suite: Suite, *, allow_private: bool = False,
                          classes: Mapping[str, AddressClass] | None = None,
                          resolver: Resolver | None = None) -> NetworkGuard:
    """The run's network boundary: the suite's ``settings.network``, ``--allow-private``, and the addresses
    the suite's own sites (and the new-media accounts it names) resolve to now: their loopback or private
    addresses are allowed, nothing else internal is. ``classes`` and ``resolver`` are for tests (loopback
    addresses standing in for internal ones; names of the test's own making)."""
    network = suite.settings.network
    policy = NetworkPolicy.build(
        allow_private=network.allow_private or allow_private, allow_networks=network.allow_networks,
        block_networks=network.block_networks, loopback_only=loopback_only_from_env(), reclassified=classes)
    urls = [url for site in suite.sites
            for url in (site.url, *(account.url for account in site.hints.newmedia if account.url))]
    return await guard_for_urls(urls, policy, resolver)


async def guard_for_urls(urls: list[str], policy: NetworkPolicy | None = None,
                         resolver: Resolver | None = None) -> NetworkGuard:
    """A guard whose policy (by default: nothing opened, loopback-only in the test suite) also allows the
    addresses of ``urls``, the sites the user asked to check."""
    policy = policy or NetworkPolicy.build(loopback_only=loopback_only_from_env())
    guard = NetworkGuard(policy, resolver or system_resolve)
    addresses: set[IPAddress] = set()
    for url in urls:
        addresses |= await _own_addresses(guard, url)
    guard.policy = policy.with_sites(addresses)
    return guard


async def _own_addresses(guard: NetworkGuard, url: str) -> set[IPAddress]:
    """Where one of the suite's own URLs points (nothing for a name that does not resolve, or that the
    loopback-only test mode would not look up)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        literal = host_address(host)
        if literal is not None:
            return {literal}
        if guard.policy.judge_name(host) is not None:
            return set()
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return set(await guard.resolve(host, port))
    except (OSError, ValueError):
        LOG.info("站点地址无法解析：%s", url, exc_info=True)
        return set()
