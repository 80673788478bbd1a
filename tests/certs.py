"""Throw-away certificates for TLS tests: a private CA, and leaves that are good, expired or for another host."""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class CertFiles:
    """PEM files of one certificate and its key."""

    cert: str
    key: str


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write(folder: Path, stem: str, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> CertFiles:
    cert_path, key_path = folder / f"{stem}.pem", folder / f"{stem}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return CertFiles(str(cert_path), str(key_path))


def make_certificates(folder: Path) -> dict[str, CertFiles]:
    """ca, good (127.0.0.1), expired (127.0.0.1), wrong_host (www.example.gov.cn), self_signed."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder().subject_name(_name("govcheck test CA")).issuer_name(_name("govcheck test CA"))
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=30)).not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    files = {"ca": _write(folder, "ca", ca, ca_key)}

    def leaf(stem: str, host: str, start: dt.datetime, end: dt.datetime, signer: bool = True) -> None:
        key = ec.generate_private_key(ec.SECP256R1())
        try:
            names: list[x509.GeneralName] = [x509.IPAddress(ipaddress.ip_address(host))]
        except ValueError:
            names = [x509.DNSName(host)]
        builder = (
            x509.CertificateBuilder().subject_name(_name(host))
            .issuer_name(ca.subject if signer else _name(host)).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
        )
        files[stem] = _write(folder, stem, builder.sign(ca_key if signer else key, hashes.SHA256()), key)

    leaf("good", "127.0.0.1", now - dt.timedelta(days=1), now + dt.timedelta(days=10))
    leaf("expired", "127.0.0.1", now - dt.timedelta(days=20), now - dt.timedelta(days=2))
    leaf("wrong_host", "www.example.gov.cn", now - dt.timedelta(days=1), now + dt.timedelta(days=10))
    leaf("self_signed", "127.0.0.1", now - dt.timedelta(days=1), now + dt.timedelta(days=10), signer=False)
    return files
