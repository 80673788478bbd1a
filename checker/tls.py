"""The TLS handshake a citizen's browser would make, checked on its own: an expired certificate, one for
another host, or one no public authority signed is a problem the browser shows as a full-page warning.

The browser itself is told to proceed past certificate errors, so the page can still be read and judged;
this probe is what records the error (with the certificate's own words) as a finding.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from checker.netguard import active_guard

# OpenSSL X509_V_ERR_* codes, as ssl.SSLCertVerificationError.verify_code reports them.
_EXPIRED, _NOT_YET_VALID = 10, 9
_HOSTNAME = {62, 63, 64}  # host name, e-mail, IP address mismatch
_UNTRUSTED = {18, 19, 20, 21, 27}


@dataclass(frozen=True)
class TlsProblem:
    """A certificate or handshake problem: a short kind and the Chinese reason shown in findings."""

    kind: str
    reason: str


def describe_verification(code: int, message: str) -> TlsProblem:
    """Name a certificate verification failure the way a supervision officer reads it."""
    if code == _EXPIRED:
        return TlsProblem("expired", f"TLS 证书已过期（{message}）")
    if code == _NOT_YET_VALID:
        return TlsProblem("not_yet_valid", f"TLS 证书尚未生效（{message}）")
    if code in _HOSTNAME:
        return TlsProblem("hostname", f"TLS 证书与域名不符（{message}）")
    if code in _UNTRUSTED:
        return TlsProblem("untrusted", f"TLS 证书不受信任（{message}）")
    return TlsProblem("invalid", f"TLS 证书无效（{message}）")


async def probe_tls(url: str, timeout_seconds: float, cafile: str | None = None) -> TlsProblem | None:
    """Handshake with the URL's host as a browser would; None when the URL is not HTTPS or all is well.

    Connection failures are not TLS problems (the availability probe reports those) and give None.
    """
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return None
    context = ssl.create_default_context(cafile=cafile)
    port = parts.port or 443
    address: str = parts.hostname
    guard = active_guard()
    try:
        if guard is not None:  # the network boundary judges the address connected to, like every request
            verdict, addresses = await guard.assess_host(parts.hostname, port)
            if not verdict.allowed or not addresses:
                return None
            address = str(addresses[0])
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(address, port, ssl=context, server_hostname=parts.hostname),
            timeout=timeout_seconds,
        )
    except ssl.SSLCertVerificationError as error:
        return describe_verification(error.verify_code, error.verify_message or str(error))
    except ssl.SSLError as error:
        return TlsProblem("handshake", f"TLS 握手失败（{error.reason or error}）")
    except (OSError, TimeoutError):
        return None
    writer.close()
    with contextlib.suppress(OSError, ssl.SSLError):
        await writer.wait_closed()
    return None
