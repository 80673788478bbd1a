"""The shape of a check family: observe, re-test what failed, then judge with a pure function.

:class:`ObservingFamily` makes the observe/judge split a property of the family's type. ``observe`` reads
the site map or drives the browser and returns an :class:`~checker.observation.Observation` whose probes
are ``seen``, ``absent`` or ``failed``. :func:`observe_with_retests` looks again at the failed ones (a
fresh look, after a pause, as the suite's ``settings.retest`` says) and ``judge`` — a pure function of
(observation, rules, as_of, seen_at) — turns what was seen into findings. What still failed is recorded as
coverage (未能核查), never judged.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Generic, TypeVar

from checker.context import SiteContext, SkipCheck
from checker.observation import Observation, Probe, attempts_text, unverified_note, unverified_records
from checker.results import Finding
from checker.rules import RuleSet
from checker.runlog import LOG
from checker.visit import TRANSIENT_STATUSES, failed_load, load_failure_reason, now

__all__ = [
    "TRANSIENT_STATUSES", "ObservingFamily", "failed_load", "load_failure_reason", "observe_with_retests",
    "record_unverified",
]

ObservationT = TypeVar("ObservationT", bound=Observation)

RETEST_RESERVE_SECONDS = 20.0
"""Site budget kept for the families after this one: a re-test that would eat into it is not made."""


class ObservingFamily(ABC, Generic[ObservationT]):
    """A family of indicators split by type: ``observe`` (I/O) → re-tests → ``judge`` (pure).

    Subclasses set ``name``, ``label`` and ``indicators`` and implement :meth:`observe` and :meth:`judge`;
    :meth:`observe_again` narrows a re-test to the failed probes when looking at everything again is
    costly, and :meth:`note` summarises the observation for the coverage record.
    """

    name: str
    label: str
    indicators: tuple[str, ...]

    @abstractmethod
    async def observe(self, context: SiteContext) -> ObservationT:
        """Look at the site (map or browser) and return what was seen, every probe with its status."""

    async def observe_again(self, context: SiteContext, earlier: ObservationT) -> Observation:
        """Look again at ``earlier``'s failed probes with a fresh page; by default the whole observation."""
        return await self.observe(context)

    @abstractmethod
    def judge(self, observation: ObservationT, rules: RuleSet, as_of: date, seen_at: datetime) -> list[Finding]:
        """The findings the observation shows: a pure function that reads neither clock nor browser.

        Only ``seen`` and ``absent`` probes may make a finding.
        """

    def note(self, observation: ObservationT) -> str:
        """A short Chinese summary of what was looked at, for the coverage record."""
        return ""

    retests: bool = True
    """Whether the family makes looks of its own that are re-tested. A family that only reads the site map
    sets it false: the walk already looked again at every page it could not read whole, and its probes carry
    those attempts' times."""

    async def photograph(self, context: SiteContext, observation: ObservationT,
                         findings: list[Finding]) -> list[Finding]:
        """The findings with their evidence (I/O after the pure judge); by default as judged."""
        return findings

    def blind(self, observation: ObservationT) -> str:
        """Why nothing could be judged because the family's main look failed every time ('' when it did not):
        the check is then recorded as skipped with this reason, its failed looks as coverage."""
        return ""

    async def run(self, context: SiteContext) -> str:
        """Observe (with re-tests), judge, photograph, and record coverage of what still failed."""
        observation = await (observe_with_retests(self, context) if self.retests else self.observe(context))
        seen_at = observation.seen_at or now()
        findings = self.judge(observation, context.rules, context.as_of, seen_at)
        context.add(await self.photograph(context, observation, findings))
        failures = observation.failures()
        record_unverified(context, self.name, failures)
        blind = self.blind(observation)
        if blind:
            raise SkipCheck(blind)
        return "；".join(part for part in (self.note(observation), unverified_note(failures)) if part)


def record_unverified(context: SiteContext, family: str, failures: Sequence[Probe]) -> None:
    """Record looks that still failed as the family's coverage (results.json, the report) and in run.log."""
    if not failures:
        return
    context.outcome.unverified[family] = unverified_records(failures)
    for probe in failures:
        LOG.warning("%s · %s: 未能核查 %s（%s）%s %s", context.site.name, family, probe.key, probe.reason,
                    attempts_text(probe), probe.url)


async def observe_with_retests(family: ObservingFamily[ObservationT], context: SiteContext) -> ObservationT:
    """``family.observe``, then up to ``retest.attempts - 1`` fresh looks at its failed probes.

    The looks are spread over at least ``retest.spread_seconds`` counted from the first failed look, so a
    server that stumbled for a moment has time to recover. A re-test that would overrun the site's time
    budget is not made (the failures stay coverage).
    """
    policy = context.settings.retest
    observation = await family.observe(context)
    pause = timedelta(seconds=policy.pause_seconds())
    for round_number in range(1, policy.attempts):
        failures = observation.retestable()
        if not failures:
            break
        first = min((probe.attempts[0] for probe in failures if probe.attempts), default=now())
        wait = max(0.0, (first + pause * round_number - now()).total_seconds())
        left = context.seconds_left(RETEST_RESERVE_SECONDS)
        if left is not None and left < wait:
            break
        context.step(f"{family.label}：复测{len(failures)}项（第{round_number + 1}次）")
        await asyncio.sleep(wait)
        observation.merged(await family.observe_again(context, observation))
    return observation

