"""Date extraction and year inference relative to the monitoring point ``as_of`` (pure, no clock).

Government pages print dates in many shapes: ``2020-10-19``, ``2020年10月19日``, ``2020/10/19``,
``2020.10.19``, with or without a time (``2007-08-20-23:59:59`` in gov.cn meta tags), list cells without
a year (``[10-19]``, ``10-19``, ``10月19日``), 成文日期 in Chinese numerals (``二〇二〇年十月十九日``) and
full-width digits. This module is the single place that reads them, so every check agrees on what a date
is. It is deliberately conservative: 文号 (``〔2020〕216号``), 索引号 (``000014348/2020-35147``), ICP/公安
numbers, phone numbers, version strings (``2052-10.8.2.7090``) and impossible days never produce a date.
List month-days (``10-19``) get their year from ``as_of`` (:func:`infer_year`); prose month-days
(``6月24日``) from the full date before them in the same text, if any. Nothing reads the wall clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

# One-to-one character map, so offsets in the normalised text are offsets in the original text.
_FULL_WIDTH = str.maketrans(
    "０１２３４５６７８９－／．：（）［］　",
    "0123456789-/.:()[] ",
)
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "0": 0, "一": 1, "二": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = "一二三四五六七八九"
# Months and days in Chinese numerals: 一 … 九, 十, 十一 … 十九, 二十, 二十一 … 三十一.
_CN_NUMBERS = {char: index for index, char in enumerate(_CN_UNITS, start=1)} | {
    f"{tens}十{unit}": value + index
    for value, tens in ((10, ""), (20, "二"), (30, "三"))
    for index, unit in enumerate(["", *_CN_UNITS])
    if value + index <= 31
}

# An optional time after a date: "2020-10-19 14:23", "…14:23:05", gov.cn meta "2007-08-20-23:59:59".
_TIME = r"(?:(?:\s*|T|-)(?P<hh>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)(?::(?P<ss>[0-5]\d))?(?![\d:]))?"
# A full date may not continue a longer number, an identifier (v2020.1.1), a dotted version string or a
# 索引号 (000014348/2020-…).
_BEFORE_FULL = r"(?<![\dA-Za-z./])"
# A month-day may not continue a number, a dash/slash/dot chain (0750-10-1923, 2020-13-45) or a 年.
_BEFORE_SHORT = r"(?<![\dA-Za-z.\-/:年])"
_AFTER_SHORT = r"(?![\d\-/.:年月日号期%])"


@dataclass(frozen=True)
class FoundDate:
    """One date found in a text: its value and where it was written (``text[start:end]``)."""

    value: date
    text: str
    start: int
    end: int
    has_year: bool
    has_time: bool


def _cn_number(text: str) -> int:
    """Value of a Chinese numeral month or day (一 … 三十一); 0 for anything else (then no date)."""
    return _CN_NUMBERS.get(text, 0)


def _cn_year(text: str) -> int:
    """Value of a year written digit by digit in Chinese numerals (二〇二〇)."""
    return int("".join(str(_CN_DIGITS[char]) for char in text))


def _safe_date(year: int, month: int, day: int) -> date | None:
    """The date, or None when the month or day does not exist (2020-13-45, Feb 30)."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def infer_year(month: int, day: int, as_of: date, slack_days: int = 1) -> date | None:
    """The date of a month-day written without a year, as seen on ``as_of``.

    Lists print ``10-19`` for the current year, so as_of's year is taken unless that puts the date more
    than ``slack_days`` after as_of; then it is last year's (on 2021-01-05, ``12-28`` is 2020-12-28).
    A month-day that does not exist in the chosen year (Feb 30, Feb 29 of a common year) gives None.
    """
    this_year = _safe_date(as_of.year, month, day)
    if this_year is not None and this_year <= as_of + timedelta(days=slack_days):
        return this_year
    if this_year is None and _safe_date(2000, month, day) is None:
        return None
    return _safe_date(as_of.year - 1, month, day)


# A resolver turns a match into (value or None when impossible, has_year). It gets as_of and the year of
# the last dated-with-year match before it in the same text (None when there was none).
Resolver = Callable[[re.Match[str], date, int | None], tuple[date | None, bool]]


def _numeric_full(match: re.Match[str], as_of: date, context_year: int | None) -> tuple[date | None, bool]:
    return _safe_date(int(match["y"]), int(match["m"]), int(match["d"])), True


def _chinese_full(match: re.Match[str], as_of: date, context_year: int | None) -> tuple[date | None, bool]:
    return _safe_date(_cn_year(match["y"]), _cn_number(match["m"]), _cn_number(match["d"])), True


def _list_short(match: re.Match[str], as_of: date, context_year: int | None) -> tuple[date | None, bool]:
    """A list cell's month-day (10-19, [10-19]): lists show recent items, so the year comes from as_of."""
    return infer_year(int(match["m"]), int(match["d"]), as_of), False


def _prose_short(match: re.Match[str], as_of: date, context_year: int | None) -> tuple[date | None, bool]:
    """A month-day in prose (6月24日): the year of the text's preceding full date, else from as_of.

    In "2012年6月16日发射…北京时间6月24日" the second date is 2012-06-24, not this year's 24 June.
    """
    month, day = int(match["m"]), int(match["d"])
    if context_year is not None:
        return _safe_date(context_year, month, day), False
    return infer_year(month, day, as_of), False


_CN_ZERO_TO_NINE = "〇○零Ｏ0一二三四五六七八九"
_CN_MONTH_DAY = "一二三四五六七八九十"

# The table of date shapes, tried on the normalised text. Overlaps are resolved by position: the match
# that starts first wins, then the longer one, so "2020年10月19日" is never read again as "10月19日".
_PATTERNS: tuple[tuple[str, re.Pattern[str], Resolver], ...] = (
    ("Y-m-d, Y/m/d, Y.m.d [time]", re.compile(
        _BEFORE_FULL + r"(?P<y>(?:19|20)\d\d)(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
        r"(?!\.?\d)" + _TIME), _numeric_full),
    ("Y年m月d日 [time]", re.compile(
        _BEFORE_FULL + r"(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})(?!\d)(?:\s*[日号])?"
        + _TIME), _numeric_full),
    ("二〇二〇年十月十九日", re.compile(
        rf"(?P<y>[{_CN_ZERO_TO_NINE}]{{4}})\s*年\s*(?P<m>[{_CN_MONTH_DAY}]{{1,2}})\s*月"
        rf"\s*(?P<d>[{_CN_MONTH_DAY}]{{1,3}})\s*[日号]"), _chinese_full),
    ("[m-d], (m-d), [m/d] (1-2 digits)", re.compile(
        r"(?<=[\[(【〔])(?P<m>\d{1,2})[-/](?P<d>\d{1,2})(?=[\])】〕])"), _list_short),
    ("mm-dd, mm/dd [time] (zero-padded, as list cells print them)", re.compile(
        _BEFORE_SHORT + r"(?P<m>[01]\d)[-/](?P<d>[0-3]\d)" + _AFTER_SHORT + _TIME), _list_short),
    ("m月d日", re.compile(
        _BEFORE_SHORT + r"(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]"), _prose_short),
)


def _normalise(text: str) -> str:
    """Full-width digits and punctuation to ASCII, one character for one, keeping offsets."""
    return text.translate(_FULL_WIDTH)


def _matches(text: str) -> list[tuple[re.Match[str], Resolver]]:
    """Every pattern match that does not overlap an earlier (or, at the same start, longer) one."""
    found = [(match, resolve) for _name, pattern, resolve in _PATTERNS for match in pattern.finditer(text)]
    found.sort(key=lambda item: (item[0].start(), -item[0].end()))
    kept: list[tuple[re.Match[str], Resolver]] = []
    covered_until = 0
    for match, resolve in found:
        if match.start() >= covered_until:
            kept.append((match, resolve))
            covered_until = match.end()
    return kept


def find_dates(text: str, as_of: date) -> list[FoundDate]:
    """Every date in ``text``, in order of appearance.

    List month-days (``10-19``) take their year from ``as_of`` (:func:`infer_year`); prose month-days
    (``10月19日``) take the year of the preceding full date in the same text when there is one. A
    matched but impossible date (``2020-13-45``) yields nothing and still blocks a shorter reading of the
    same characters.
    """
    dates: list[FoundDate] = []
    context_year: int | None = None
    for match, resolve in _matches(_normalise(text)):
        value, has_year = resolve(match, as_of, context_year)
        if value is None:
            continue
        if has_year:
            context_year = value.year
        has_time = "hh" in match.re.groupindex and match["hh"] is not None
        dates.append(FoundDate(value, text[match.start():match.end()], match.start(), match.end(),
                               has_year, has_time))
    return dates


def parse_date(text: str, as_of: date) -> date | None:
    """The first date in a short string such as a list item's date cell, or None."""
    found = find_dates(text, as_of)
    return found[0].value if found else None


def latest_date(texts: Iterable[str], as_of: date, slack_days: int = 1) -> date | None:
    """The most recent date written in any of ``texts`` that is not in the future.

    Dates more than ``slack_days`` after ``as_of`` are ignored: a typo (2030) or an announced deadline
    must not make a stale column look updated. Pass date cells, not titles, where the page has them.
    """
    limit = as_of + timedelta(days=slack_days)
    values = [found.value for text in texts for found in find_dates(text, as_of) if found.value <= limit]
    return max(values, default=None)
