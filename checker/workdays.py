"""Working days under the Chinese holiday calendar (法定节假日 and 调休 make-up working days).

The calendar comes from the maintained ``chinese_calendar`` library; a year it does not know yet is
counted Monday to Friday, and the caller is told so through :func:`calendar_known`.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar


def calendar_known(day: date) -> bool:
    """Whether the holiday library covers this day (else weekends are the only days off)."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def is_working_day(day: date) -> bool:
    """A working day: not a statutory holiday or weekend, or a weekend made a working day (调休)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (asked Friday, answered Monday → 1)."""
    count = 0
    day = start + timedelta(days=1)
    while day <= end:
        count += is_working_day(day)
        day += timedelta(days=1)
    return count
