"""Observations: what a check family saw, every probe of it ``seen``, ``absent`` or ``failed``.

A government server that resets a connection, answers 503 or stalls has not shown that something is
missing: it has failed to show anything. So every probe of an observation says which of the three it is:

- ``seen``: the thing was looked at and is there (its value is what was read);
- ``absent``: the page opened and the thing is not on it (a form without fields, a column without entries);
- ``failed``: the look itself failed (timeout, reset, 5xx, a script that errored, a QR target that did not
  open); the reason says how.

Only ``seen`` and ``absent`` may become findings. A ``failed`` probe is looked at again (see
:func:`checker.family.observe_with_retests`) and, if it still fails, is coverage (未能核查) with its evidence,
never a finding. The one exception is the availability rule, which is about failures.

This module is pure: no browser, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from checker.results import Evidence, Unverified

T = TypeVar("T")


class ProbeStatus(StrEnum):
    """The closed set of what one look can give."""

    SEEN = "seen"
    ABSENT = "absent"
    FAILED = "failed"


@dataclass(frozen=True)
class Probe(Generic[T]):
    """One thing a family looked at, keyed so a re-test replaces it: a form, a QR target, a page.

    ``attempts`` holds when each look was made (the first look and every re-test), so a report can say
    how often and when a failure was confirmed.
    """

    key: str
    status: ProbeStatus
    value: T | None = None
    reason: str = ""
    url: str = ""
    attempts: tuple[datetime, ...] = ()
    evidence: tuple[Evidence, ...] = ()

    @property
    def failed(self) -> bool:
        """Whether the look itself failed (nothing may be judged from this probe)."""
        return self.status is ProbeStatus.FAILED

    @property
    def judgeable(self) -> bool:
        """Whether a judge may use this probe: it was seen, or seen to be absent."""
        return self.status is not ProbeStatus.FAILED


def seen(key: str, value: T, *, url: str = "", at: datetime | None = None,
         evidence: Iterable[Evidence] = ()) -> Probe[T]:
    """A probe that looked and found ``value``."""
    return Probe(key, ProbeStatus.SEEN, value, "", url, (at,) if at else (), tuple(evidence))


def absent(key: str, *, reason: str = "", url: str = "", at: datetime | None = None,
           evidence: Iterable[Evidence] = (), value: T | None = None) -> Probe[T]:
    """A probe whose page opened and did not hold the thing (``reason`` says what was missing)."""
    return Probe(key, ProbeStatus.ABSENT, value, reason, url, (at,) if at else (), tuple(evidence))


def failed(key: str, reason: str, *, url: str = "", at: datetime | None = None,
           evidence: Iterable[Evidence] = (), value: T | None = None) -> Probe[T]:
    """A probe whose look failed: ``reason`` in Chinese (页面在20秒内未打开、连接被重置、HTTP 503 …)."""
    return Probe(key, ProbeStatus.FAILED, value, reason, url, (at,) if at else (), tuple(evidence))


def retested(earlier: Probe[T], again: Probe[T]) -> Probe[T]:
    """The re-test's probe, carrying every earlier look's time (and the earlier evidence when it has none)."""
    evidence = again.evidence or earlier.evidence
    return replace(again, attempts=earlier.attempts + again.attempts, evidence=evidence)


@dataclass
class Observation:
    """What a family saw on a site: its probes, and when the observation was made.

    Families subclass it to carry what their judge needs besides the probes (a column list, a home
    snapshot's facts); the probes are what the runner re-tests and reports as coverage.
    """

    probes: list[Probe] = field(default_factory=list)
    seen_at: datetime | None = None

    def failures(self) -> list[Probe]:
        """The probes whose look failed."""
        return [probe for probe in self.probes if probe.failed]

    def retestable(self) -> list[Probe]:
        """The failed probes a fresh look could change: not those the network boundary refused (未访问…),
        which a re-test would only refuse again."""
        return [probe for probe in self.failures() if not probe.reason.startswith("未访问")]

    def probe(self, key: str) -> Probe | None:
        """The probe with this key, if any."""
        return next((probe for probe in self.probes if probe.key == key), None)

    def merged(self, again: Observation) -> None:
        """Take a re-test's probes in place of the failed ones with the same key (in place, keeping order).

        A probe the re-test did not look at again keeps its earlier state; a new key the re-test found is
        added at the end.
        """
        fresh = {probe.key: probe for probe in again.probes}
        merged: list[Probe] = []
        for probe in self.probes:
            if probe.failed and probe.key in fresh:
                merged.append(retested(probe, fresh.pop(probe.key)))
            else:
                fresh.pop(probe.key, None)
                merged.append(probe)
        self.probes = merged + list(fresh.values())


_BEIJING = ZoneInfo("Asia/Shanghai")


def attempts_text(probe: Probe) -> str:
    """How many looks were made and when (Beijing wall-clock seconds): 尝试3次（10:01:02、10:01:07、10:01:14）."""
    if not probe.attempts:
        return ""
    times = "、".join(at.astimezone(_BEIJING).strftime("%H:%M:%S") for at in probe.attempts)
    return f"尝试{len(probe.attempts)}次（{times}）"


def unverified_note(failures: Sequence[Probe], limit: int = 5) -> str:
    """The coverage line for looks that still failed after the re-tests: 未能核查：留言表单（连接被重置，尝试3次…）."""
    if not failures:
        return ""
    parts = []
    for probe in failures[:limit]:
        said = "，".join(part for part in (probe.reason, attempts_text(probe)) if part)
        parts.append(f"{probe.key}（{said}）" if said else probe.key)
    more = f"等{len(failures)}项" if len(failures) > limit else ""
    return "未能核查：" + "；".join(parts) + more


def unverified_records(failures: Iterable[Probe]) -> list[Unverified]:
    """The still-failed probes as results.json records (shown in the report's coverage)."""
    return [Unverified(what=probe.key, reason=probe.reason, url=probe.url, attempts=list(probe.attempts),
                       evidence=list(probe.evidence)) for probe in failures]
