"""Dates of positions and the periods they fall in (pure, standard library only).

A date may be a day, a month or a year (`2025-06-05`, `2025-06`, `2025`): a partial date is
placed at the start of its period (`2025-06` is 1 June 2025) and keeps its precision, so that
outputs can say so. Periods are calendar years, quarters or months, or overlapping windows of
N months moved on by a step, as Discourse Network Analyzer's time windows are; nothing is
smoothed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

PERIOD_KINDS = ("year", "quarter", "month")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_SPAN = re.compile(r"([1-9]\d{0,2})([MY])")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A day, a month or a year; `start` is its first day. Ordered by start, then precision."""

    start: dt.date
    precision: str  # "day", "month" or "year"

    def __str__(self) -> str:
        if self.precision == "year":
            return f"{self.start.year:04d}"
        if self.precision == "month":
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return self.start.isoformat()

    @property
    def partial(self) -> bool:
        return self.precision != "day"


def parse_date(value: str) -> PartialDate | None:
    """`YYYY`, `YYYY-MM` or `YYYY-MM-DD` as a PartialDate; None for anything else (a day that
    does not exist, a month 13, another format)."""
    found = _DATE.fullmatch(value.strip())
    if found is None:
        return None
    year, month, day = found.groups()
    try:
        start = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    if int(year) < 1:
        return None
    return PartialDate(start, "day" if day else "month" if month else "year")


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, order=True)
class Period:
    """Days from `start` up to, not including, `end`; `label` names it for people."""

    start: dt.date
    end: dt.date
    label: str

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day < self.end


def _label(kind: str, start: dt.date) -> str:
    if kind == "year":
        return f"{start.year}"
    if kind == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def _first_of(kind: str, day: dt.date) -> dt.date:
    if kind == "year":
        return dt.date(day.year, 1, 1)
    if kind == "quarter":
        return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return dt.date(day.year, day.month, 1)


_MONTHS = {"year": 12, "quarter": 3, "month": 1}


def calendar_periods(kind: str, first: dt.date, last: dt.date) -> tuple[Period, ...]:
    """Every calendar year, quarter or month from the one holding `first` to the one holding
    `last`, empty ones included (a chart shows a gap, not a missing point)."""
    if kind not in _MONTHS:
        raise ValueError(f"unknown period '{kind}'; use one of {', '.join(PERIOD_KINDS)}")
    periods, start = [], _first_of(kind, first)
    while start <= last:
        end = _add_months(start, _MONTHS[kind])
        periods.append(Period(start, end, _label(kind, start)))
        start = end
    return tuple(periods)


def parse_span(value: str) -> int | None:
    """`12M` or `1Y` as a number of months; None for anything else."""
    found = _SPAN.fullmatch(value.strip().upper())
    if found is None:
        return None
    return int(found.group(1)) * (12 if found.group(2) == "Y" else 1)


def windows(months: int, step: int, first: dt.date, last: dt.date) -> tuple[Period, ...]:
    """Windows of `months` months, the first starting on the first of `first`'s month, each next
    one `step` months later, until a window holds `last`. Labelled `2024-01..2024-12`."""
    if months < 1 or step < 1:
        raise ValueError("a window and its step are at least one month")
    periods, start = [], _first_of("month", first)
    while True:
        end = _add_months(start, months)
        label = f"{_label('month', start)}..{_label('month', _add_months(end, -1))}"
        periods.append(Period(start, end, label))
        if end > last:
            return tuple(periods)
        start = _add_months(start, step)


def choose_kind(first: dt.date, last: dt.date) -> str:
    """The period that gives a chart a readable number of points (at most about 24): months for
    up to two years of dates, quarters for up to six, years beyond."""
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    if span <= 24:
        return "month"
    if span <= 72:
        return "quarter"
    return "year"
