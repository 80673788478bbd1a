"""Runs the check families over one site in order, recording what each did.

A family that cannot look raises :class:`~checker.context.SkipCheck` (recorded as skipped with its
reason); one that fails is recorded as an error and the next family still runs, so one broken check never
hides the others' findings.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from checker.checks.site_map import with_site_map
from checker.context import CheckFamily, SiteContext, SiteUnreachable, SkipCheck
from checker.results import CheckStatus
from checker.runlog import LOG


def _since(started: float) -> float:
    return round(time.monotonic() - started, 3)


async def run_families(context: SiteContext, families: Sequence[CheckFamily]) -> None:
    """Run each family on the site; findings land on ``context.outcome`` as soon as they are judged."""
    unreachable: str | None = None
    for family in with_site_map(families):
        if unreachable:
            context.outcome.record(family.name, CheckStatus.SKIPPED, unreachable)
            continue
        context.step(family.label)
        started = time.monotonic()

        try:
            note = await family.run(context)
        except SiteUnreachable as stop:
            context.outcome.record(family.name, CheckStatus.DONE, stop.note, _since(started))
            unreachable = str(stop)
        except SkipCheck as reason:
            context.outcome.record(family.name, CheckStatus.SKIPPED, str(reason), _since(started))
        except Exception as error:
            LOG.error("%s · %s: 检查出错", context.site.name, family.name, exc_info=True)
            context.outcome.record(family.name, CheckStatus.ERROR, f"{type(error).__name__}: {error}"[:300],
                                   _since(started))
        else:
            context.outcome.record(family.name, CheckStatus.DONE, note, _since(started))
