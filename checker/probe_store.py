"""The availability sample store: ``govcheck probe`` adds one sample per site each time cron runs it, and
``govcheck run`` judges 站点无法访问 on the last 7 days of samples.

SQLite by default (one file, nothing to install); PostgreSQL when the store is a ``postgresql://`` URL
(through psycopg 3). Both run the same SQL through the same :class:`ProbeStore`; only a small
:class:`Dialect` (how to connect, how parameters are written, which errors mean "cannot use the store")
differs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# One schema for both databases: DOUBLE PRECISION has REAL affinity in SQLite and is float8 in PostgreSQL;
# ``at`` is an ISO 8601 UTC text, which sorts like the instant it names.
_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS probe (
    site_url TEXT NOT NULL,
    at TEXT NOT NULL,
    ok INTEGER NOT NULL,
    seconds DOUBLE PRECISION NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    evidence TEXT NOT NULL DEFAULT ''
)""",
    "CREATE INDEX IF NOT EXISTS probe_site_at ON probe (site_url, at)",
)
_INSERT = "INSERT INTO probe (site_url, at, ok, seconds, reason, evidence) VALUES (?, ?, ?, ?, ?, ?)"
_WINDOW = ("SELECT site_url, at, ok, seconds, reason, evidence FROM probe "
           "WHERE site_url = ? AND at >= ? AND at < ? ORDER BY at")

WINDOW_DAYS = 7
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
CONNECT_TIMEOUT_SECONDS = 10


class ProbeStoreError(Exception):
    """The sample store cannot be opened or used (bad URL, unreachable server, unwritable file); the message
    is Chinese, names the store without its password, and the CLI reports it with exit code 3."""


@dataclass(frozen=True)
class Sample:
    """One home-page probe of a site: when, whether it opened in time, and why not."""

    site_url: str
    at: datetime
    ok: bool
    seconds: float
    reason: str = ""
    evidence: str = ""


@dataclass(frozen=True)
class Dialect:
    """What differs between the two databases: a connection factory (DB-API 2), the parameter marker that
    replaces ``?`` in the shared SQL, the errors that mean the store is unusable, and a printable name."""

    connect: Callable[[], Any]
    placeholder: str
    errors: tuple[type[Exception], ...]
    where: str
    kind: str

    def sql(self, statement: str) -> str:
        """The shared statement with this database's parameter marker."""
        return statement.replace("?", self.placeholder)


def is_postgres_url(location: str | Path) -> bool:
    """Whether a store value names a PostgreSQL database rather than a SQLite file."""
    return isinstance(location, str) and location.startswith(POSTGRES_SCHEMES)


def _secrets(url: str) -> list[str]:
    """The passwords a URL carries, in its user part or as a ``password=`` query parameter."""
    try:
        parts = urlsplit(url)
        found = [parts.password or ""]
    except ValueError:
        return []
    found += [value for key, value in parse_qsl(parts.query) if key == "password"]
    return [secret for secret in found if secret]


def redact_url(url: str) -> str:
    """The URL with its passwords replaced by ``***`` (for messages and logs)."""
    try:
        parts = urlsplit(url)
        if parts.password is not None:
            parts = parts._replace(netloc=f"{parts.username or ''}:***@{parts.netloc.rpartition('@')[2]}")
        query = [(key, "***" if key == "password" else value) for key, value in parse_qsl(parts.query)]
        return urlunsplit(parts._replace(query=urlencode(query, safe="*"))) if query else urlunsplit(parts)
    except ValueError:
        return url.split("://", 1)[0] + "://***"


def sqlite_dialect(path: Path) -> Dialect:
    """A SQLite file (its folder is created on first use)."""
    def connect() -> sqlite3.Connection:
        path.parent.mkdir(parents=True, exist_ok=True)
        return sqlite3.connect(path, timeout=30)

    return Dialect(connect, "?", (sqlite3.Error, OSError), str(path), "SQLite 样本库")


def postgres_dialect(url: str) -> Dialect:
    """A PostgreSQL database named by a ``postgresql://`` URL (psycopg 3); a 10-second connect timeout
    unless the URL sets ``connect_timeout``."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    where = redact_url(url)
    try:
        params = conninfo_to_dict(url)
    except psycopg.Error as error:
        raise ProbeStoreError(f"PostgreSQL 样本库地址无效：{where}（{_scrub(str(error), url)}）") from None
    params.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)

    def connect() -> psycopg.Connection:
        return psycopg.connect(**params)

    return Dialect(connect, "%s", (psycopg.Error,), where, "PostgreSQL 样本库")


def _scrub(text: str, url: str) -> str:
    """Error text on one line, without the URL's passwords."""
    text = " ".join(text.split())
    for secret in _secrets(url):
        text = text.replace(secret, "***")
    return text


class ProbeStore:
    """Samples in a SQLite file or a PostgreSQL database (the table is created on first use).

    ``location``: a ``postgresql://`` / ``postgres://`` URL, or a SQLite file path.
    """

    def __init__(self, location: str | Path) -> None:
        self.location = location
        self.dialect = postgres_dialect(location) if is_postgres_url(location) else sqlite_dialect(Path(location))
        with self._transaction() as cursor:
            for statement in _SCHEMA:
                cursor.execute(statement)

    @property
    def where(self) -> str:
        """The store for messages: the file path or the URL without its password."""
        return self.dialect.where

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        """A cursor in one transaction: committed on success, rolled back on error, connection closed;
        database errors become :class:`ProbeStoreError`."""
        try:
            connection = self.dialect.connect()
        except self.dialect.errors as error:
            raise self._error("无法打开", error) from None
        try:
            cursor = connection.cursor()
            yield cursor
            connection.commit()
        except self.dialect.errors as error:
            connection.rollback()
            raise self._error("无法读写", error) from None
        finally:
            connection.close()

    def _error(self, action: str, error: Exception) -> ProbeStoreError:
        detail = str(error)
        if isinstance(self.location, str) and is_postgres_url(self.location):
            detail = _scrub(detail, self.location)
        return ProbeStoreError(f"{action} {self.dialect.kind} {self.where}：{detail}")

    def add(self, samples: Iterable[Sample]) -> None:
        """Store samples (one transaction)."""
        rows = [(s.site_url, s.at.astimezone(UTC).isoformat(), int(s.ok), s.seconds, s.reason, s.evidence)
                for s in samples]
        if not rows:
            return
        with self._transaction() as cursor:
            cursor.executemany(self.dialect.sql(_INSERT), rows)

    def window(self, site_url: str, as_of: date, days: int = WINDOW_DAYS) -> list[Sample]:
        """The site's samples in the ``days`` days that end with as_of (as_of itself included, UTC+8 days)."""
        end = datetime.combine(as_of + timedelta(days=1), time(), tzinfo=UTC) - timedelta(hours=8)
        start = end - timedelta(days=days)
        with self._transaction() as cursor:
            cursor.execute(self.dialect.sql(_WINDOW), (site_url, start.isoformat(), end.isoformat()))
            rows = cursor.fetchall()
        return [Sample(url, datetime.fromisoformat(at), bool(ok), float(seconds), reason, evidence)
                for url, at, ok, seconds, reason, evidence in rows]
