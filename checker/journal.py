"""The run journal: each site's result is written the moment it is final, so a run killed at any point
keeps what it finished and ``govcheck run --resume DIR`` completes only the rest.

``DIR/run.json`` holds what the run was (the suite's digest, as_of, start time); ``DIR/sites.jsonl`` one
line per finished site. A line cut short by a kill is ignored: that site runs again.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from pydantic import ValidationError

from checker.results import SiteResult
from checker.scenario import Suite

HEADER_NAME = "run.json"
JOURNAL_NAME = "sites.jsonl"


class ResumeError(Exception):
    """The folder cannot be resumed (no journal, or a journal of another suite or monitoring point)."""


def suite_digest(suite: Suite, as_of: date) -> str:
    """A fingerprint of what a run checks and against which day; resuming requires the same one."""
    text = suite.model_dump_json(by_alias=True) + as_of.isoformat()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RunHeader:
    """What a journal belongs to."""

    digest: str
    as_of: date
    started_at: datetime


class Journal:
    """Appends finished sites to ``sites.jsonl`` durably and reads them back for a resume."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.header_path = out_dir / HEADER_NAME
        self.lines_path = out_dir / JOURNAL_NAME

    def start(self, header: RunHeader) -> None:
        """Begin a fresh journal (an earlier one in the folder is replaced)."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        payload = {"digest": header.digest, "as_of": header.as_of.isoformat(),
                   "started_at": header.started_at.isoformat()}
        self.header_path.write_text(json.dumps(payload) + "\n", encoding="utf-8")
        self.lines_path.write_text("", encoding="utf-8")

    def append(self, index: int, site: SiteResult) -> None:
        """Record one finished site; flushed to disk before returning."""
        line = json.dumps({"index": index, "site": site.model_dump(mode="json")}, ensure_ascii=False)
        with self.lines_path.open("a", encoding="utf-8") as stream:
            stream.write(line + "\n")
            stream.flush()
            os.fsync(stream.fileno())

    def load(self, expected_digest: str) -> tuple[RunHeader, dict[int, SiteResult]]:
        """The header and the finished sites of an interrupted run of the same suite and as_of."""
        try:
            raw = json.loads(self.header_path.read_text(encoding="utf-8"))
            header = RunHeader(raw["digest"], date.fromisoformat(raw["as_of"]),
                               datetime.fromisoformat(raw["started_at"]))
        except (OSError, ValueError, KeyError) as error:
            raise ResumeError(f"{self.out_dir}: 没有可续跑的运行记录（{HEADER_NAME}）：{error}") from None
        if header.digest != expected_digest:
            raise ResumeError(f"{self.out_dir}: 该目录的运行记录属于另一个场景或监测时间点，不能续跑")
        return header, self._finished_sites()

    def _finished_sites(self) -> dict[int, SiteResult]:
        done: dict[int, SiteResult] = {}
        if not self.lines_path.exists():
            return done
        for line in self.lines_path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
                done[int(record["index"])] = SiteResult.model_validate(record["site"])
            except (ValueError, KeyError, TypeError, ValidationError):
                continue  # the last line of a killed run may be cut short
        return done
