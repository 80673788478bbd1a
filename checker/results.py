"""The output contract: findings, evidence, per-site and per-run results, and results.json I/O.

results.json (``schema: 1``) is the product's stable interface; every reporter reads it and none re-runs
a check. Fields may be added in a compatible way; none is renamed or removed without a schema bump.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from checker.catalogue import CATALOGUE

SCHEMA_VERSION = 1


class Severity(StrEnum):
    """How a finding weighs on the verdict."""

    VETO = "veto"
    DEDUCTION = "deduction"
    ADVISORY = "advisory"


class Verdict(StrEnum):
    """合格 / 不合格."""

    PASS = "pass"
    FAIL = "fail"


class Evidence(BaseModel):
    """One evidence file under the output folder, with the hash that lets a notice be verified later."""

    model_config = ConfigDict(extra="forbid")
    kind: str = "screenshot"
    role: str = Field(default="page", description="page: the whole page; element: the concerned element boxed")
    path: str = Field(description="relative to the output folder, with forward slashes")
    sha256: str
    url: str = ""
    captured_at: datetime | None = None


class Finding(BaseModel):
    """One problem seen on one site: the flat shape every indicator shares."""

    model_config = ConfigDict(extra="forbid")
    indicator: str
    severity: Severity
    title: str
    detail: str
    url: str = ""
    target: str = ""
    seen_at: datetime | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    rule: str = Field(default="", description="the rule broken, with its threshold and weight (rulecite)")
    points: float | None = Field(default=None, ge=0, description="this finding's own deduction, when its "
                                 "indicator weighs findings differently (a broken link on the home page)")

    @field_validator("indicator")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in CATALOGUE:
            raise ValueError(f"未知指标编号: {value}")
        return value


class CheckStatus(StrEnum):
    """Whether a check looked at the site, so a report never implies what was not seen."""

    DONE = "done"
    SKIPPED = "skipped"
    ERROR = "error"


class Unverified(BaseModel):
    """A look that still failed after its re-tests (未能核查): coverage, never a finding."""

    model_config = ConfigDict(extra="forbid")
    what: str = Field(description="what was looked at: 留言表单, a QR code's target, a page")
    reason: str = Field(description="why the look failed, in Chinese: 连接被重置, HTTP 503, 20秒内未打开 …")
    url: str = ""
    attempts: list[datetime] = Field(default_factory=list, description="when each look was made")
    evidence: list[Evidence] = Field(default_factory=list)


class CheckRecord(BaseModel):
    """What one check family did on a site: done, skipped (and why) or failed with an error.

    ``unverified`` lists the looks that failed after every re-test (added later, defaults to empty).
    """

    model_config = ConfigDict(extra="forbid")
    check: str
    status: CheckStatus
    note: str = ""
    evidence: list[Evidence] = Field(default_factory=list)
    unverified: list[Unverified] = Field(default_factory=list)
    seconds: float | None = Field(default=None, description="wall time the family took on this site")


class ColumnRecord(BaseModel):
    """A column (栏目) the run found, at any depth: how a citizen reaches it, its class, item count, newest
    date and what the run concluded, for the report's 栏目清单 and the notices' annex.

    ``path``, ``verdict``, ``note`` and ``pages_read`` were added later with defaults, so a results.json
    written before them still loads (its records show verdict "" – not judged).
    """

    model_config = ConfigDict(extra="forbid")
    VERDICTS: ClassVar[tuple[str, ...]] = ("fresh", "stale", "undated", "empty", "static_ok", "unread")
    PROBLEMS: ClassVar[tuple[str, ...]] = ("stale", "undated", "empty")

    name: str
    url: str
    column_class: str
    source: str = "navigation"
    items: int = 0
    latest: date | None = None
    path: list[str] = Field(default_factory=list, description="the link texts clicked from the home page, "
                            "the column's own name last: 政务公开 › 政府信息公开目录 › 规划计划")
    verdict: str = Field(default="", description="fresh, stale, undated, empty, static_ok or unread; "
                         "'' in records written before verdicts were recorded")
    note: str = Field(default="", description="a short Chinese reason: 无法打开（HTTP 503）, 超出页面预算，未读取 …")
    pages_read: int = Field(default=1, ge=0, description="list pages read (pagination)")

    @property
    def problem(self) -> bool:
        """Whether the column is a problem to rectify: not updated in time, without dates, or blank."""
        return self.verdict in self.PROBLEMS


class SiteResult(BaseModel):
    """The verdict, score and findings of one site (a domain or a department channel)."""

    model_config = ConfigDict(extra="forbid")
    name: str
    unit: str
    kind: str
    url: str
    code: str | None = Field(default=None, description="网站标识码 from the scenario, when known")
    index: int | None = Field(default=None, description="the site's position in the suite (shards merge by it)")
    verdict: Verdict
    score: float | None
    veto_reasons: list[str] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    checks: list[CheckRecord] = Field(default_factory=list)
    columns: list[ColumnRecord] = Field(default_factory=list)
    qr_payloads: list[str] = Field(default_factory=list)


class UncheckedSite(BaseModel):
    """A site of the suite the run did not check (its time budget ran out first), and why."""

    model_config = ConfigDict(extra="forbid")
    name: str
    unit: str
    kind: str
    url: str
    reason: str


class RunResult(BaseModel):
    """A whole suite run: what results.json holds."""

    model_config = ConfigDict(extra="forbid")
    schema_: int = Field(default=SCHEMA_VERSION, alias="schema")
    tool: str = "govcheck"
    tool_version: str = ""
    suite: str
    as_of: date
    window_start: date | None = None
    window_end: date | None = None
    rule_set: str = ""
    started_at: datetime
    finished_at: datetime
    sites: list[SiteResult]
    unchecked: list[UncheckedSite] = Field(default_factory=list)
    shard: str | None = Field(default=None, description="K/N when this run checked one shard of the suite")

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def write_results(result: RunResult, out_dir: Path) -> Path:
    """Write ``results.json`` into ``out_dir`` (UTF-8, Chinese kept readable) and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "results.json"
    payload = result.model_dump(mode="json", by_alias=True)
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def read_results(path: Path) -> RunResult:
    """Read a results.json written by :func:`write_results` (a folder is taken to hold one)."""
    if path.is_dir():
        path = path / "results.json"
    return RunResult.model_validate_json(path.read_text(encoding="utf-8"))
