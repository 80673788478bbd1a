"""The availability sample store: ``govcheck probe`` adds one sample per site each time cron runs it, and
``govcheck run`` judges 站点无法访问 on the last 7 days of samples. SQLite: one file, nothing to install.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS probe (
    site_url TEXT NOT NULL,
    at TEXT NOT NULL,
    ok INTEGER NOT NULL,
    seconds REAL NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    evidence TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS probe_site_at ON probe (site_url, at);
"""

WINDOW_DAYS = 7


@dataclass(frozen=True)
class Sample:
    """One home-page probe of a site: when, whether it opened in time, and why not."""

    site_url: str
    at: datetime
    ok: bool
    seconds: float
    reason: str = ""
    evidence: str = ""


class ProbeStore:
    """Samples in a SQLite file (created on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as connection:
            connection.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def add(self, samples: Iterable[Sample]) -> None:
        """Store samples (one transaction)."""
        rows = [(s.site_url, s.at.astimezone(UTC).isoformat(), int(s.ok), s.seconds, s.reason, s.evidence)
                for s in samples]
        with self._connect() as connection:
            connection.executemany("INSERT INTO probe VALUES (?, ?, ?, ?, ?, ?)", rows)

    def window(self, site_url: str, as_of: date, days: int = WINDOW_DAYS) -> list[Sample]:
        """The site's samples in the ``days`` days that end with as_of (as_of itself included, UTC+8 days)."""
        end = datetime.combine(as_of + timedelta(days=1), time(), tzinfo=UTC) - timedelta(hours=8)
        start = end - timedelta(days=days)
        with self._connect() as connection:
            rows = connection.execute(
                "SELECT site_url, at, ok, seconds, reason, evidence FROM probe "
                "WHERE site_url = ? AND at >= ? AND at < ? ORDER BY at",
                (site_url, start.isoformat(), end.isoformat()),
            ).fetchall()
        return [Sample(url, datetime.fromisoformat(at), bool(ok), seconds, reason, evidence)
                for url, at, ok, seconds, reason, evidence in rows]
