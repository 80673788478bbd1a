"""Observations (seen / absent / failed), their merge after a re-test, and the re-test loop."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from checker.family import ObservingFamily, observe_with_retests
from checker.observation import (
    Observation,
    ProbeStatus,
    absent,
    attempts_text,
    failed,
    seen,
    unverified_note,
    unverified_records,
)
from checker.results import Finding
from checker.rules import RuleSet
from checker.scenario import Settings
from tests.aio import run_async

T0 = datetime(2026, 11, 30, 2, 0, 0, tzinfo=UTC)  # 10:00:00 in Beijing


def test_only_seen_and_absent_are_judgeable() -> None:
    assert seen("表单", 1).judgeable and absent("表单").judgeable
    probe = failed("表单", "连接被重置")
    assert probe.status is ProbeStatus.FAILED and probe.failed and not probe.judgeable


def test_a_retest_replaces_the_failed_probe_and_keeps_every_attempt_time() -> None:
    first = Observation([failed("A", "HTTP 503", at=T0), seen("B", 2, at=T0)])
    again = Observation([seen("A", 1, at=T0 + timedelta(seconds=5)), failed("B", "超时", at=T0)])
    first.merged(again)
    a, b = first.probes
    assert a.status is ProbeStatus.SEEN and a.value == 1
    assert a.attempts == (T0, T0 + timedelta(seconds=5))
    assert b.status is ProbeStatus.SEEN, "a probe that was seen is never replaced by a later failure"


def test_a_probe_that_still_fails_says_how_often_and_when() -> None:
    first = Observation([failed("留言表单", "连接被重置", at=T0)])
    first.merged(Observation([failed("留言表单", "HTTP 503", at=T0 + timedelta(seconds=5))]))
    probe = first.failures()[0]
    assert probe.reason == "HTTP 503"
    assert attempts_text(probe) == "尝试2次（10:00:00、10:00:05）"
    assert unverified_note(first.failures()) == "未能核查：留言表单（HTTP 503，尝试2次（10:00:00、10:00:05））"
    record = unverified_records(first.failures())[0]
    assert record.what == "留言表单" and len(record.attempts) == 2


@dataclass
class _Seen(Observation):
    looks: int = 0


@dataclass
class _FlakyFamily(ObservingFamily[_Seen]):
    """Fails its probe for the first ``failures`` looks, then sees it."""

    failures: int
    name: str = "flaky"
    label: str = "测试"
    indicators: tuple[str, ...] = ()
    looks: list[datetime] = field(default_factory=list)

    async def observe(self, context: object) -> _Seen:  # type: ignore[override]
        at = datetime.now(UTC)
        self.looks.append(at)
        if len(self.looks) <= self.failures:
            return _Seen([failed("首页", "连接被重置", at=at)], at, len(self.looks))
        return _Seen([absent("首页", at=at)], at, len(self.looks))

    def judge(self, observation: _Seen, rules: RuleSet, as_of: date, seen_at: datetime) -> list[Finding]:
        return []


@dataclass
class _Context:
    settings: Settings
    steps: list[str] = field(default_factory=list)

    def seconds_left(self, reserve: float = 0.0) -> float | None:
        return None

    def step(self, text: str) -> None:
        self.steps.append(text)


def _settings(attempts: int, spread: float) -> Settings:
    return Settings.model_validate({"retest": {"attempts": attempts, "spread_seconds": spread}})


def test_failed_probes_are_looked_at_again_spread_over_the_window() -> None:
    family = _FlakyFamily(failures=2)
    context = _Context(_settings(3, 0.4))
    observation = run_async(observe_with_retests(family, context))  # type: ignore[arg-type]
    assert observation.probes[0].status is ProbeStatus.ABSENT
    assert len(observation.probes[0].attempts) == 3
    assert len(family.looks) == 3
    assert (family.looks[2] - family.looks[0]).total_seconds() >= 0.39
    assert context.steps and "复测" in context.steps[0]


def test_a_failure_that_persists_stays_failed_after_the_last_attempt() -> None:
    family = _FlakyFamily(failures=5)
    observation = run_async(observe_with_retests(family, _Context(_settings(3, 0))))  # type: ignore[arg-type]
    assert len(family.looks) == 3
    assert observation.failures() and len(observation.failures()[0].attempts) == 3


def test_nothing_is_looked_at_again_when_nothing_failed() -> None:
    family = _FlakyFamily(failures=0)
    run_async(observe_with_retests(family, _Context(_settings(3, 10))))  # type: ignore[arg-type]
    assert len(family.looks) == 1


def test_a_look_the_network_boundary_refused_is_not_re_tested() -> None:
    at = datetime(2024, 5, 6, 2, 0, tzinfo=UTC)
    refused = failed("页脚二维码“微信”", "未访问：地址指向内部网络（169.254.169.254，链路本地地址）", at=at)
    stumbled = failed("页脚二维码“微博”", "指向的页面未能打开：连接被重置", at=at)
    observation = Observation([refused, stumbled, seen("首页", "ok", at=at)], at)
    assert observation.failures() == [refused, stumbled]  # both stay coverage (未能核查)
    assert observation.retestable() == [stumbled]  # only the one a fresh look could change
