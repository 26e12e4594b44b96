"""Dates of positions and the periods they fall in."""

from __future__ import annotations

import datetime as dt

import pytest

from matrix.time.periods import calendar_periods, choose_kind, parse_date, parse_span, windows


@pytest.mark.parametrize(
    ("value", "start", "precision"),
    [
        ("2025-06-05", dt.date(2025, 6, 5), "day"),
        ("2025-06", dt.date(2025, 6, 1), "month"),
        ("2025", dt.date(2025, 1, 1), "year"),
        (" 2024-02-29 ", dt.date(2024, 2, 29), "day"),
    ],
)
def test_dates_of_each_precision_start_their_period(value: str, start: dt.date, precision: str) -> None:
    date = parse_date(value)
    assert date is not None and (date.start, date.precision) == (start, precision)
    assert str(date) == value.strip()
    assert date.partial == (precision != "day")


@pytest.mark.parametrize("value", ["2025-13", "2025-02-30", "2023-02-29", "25", "2025/06", "June 2025", "0000", ""])
def test_invalid_dates(value: str) -> None:
    assert parse_date(value) is None


def test_calendar_periods_include_empty_ones_and_end_after_the_last_date() -> None:
    quarters = calendar_periods("quarter", dt.date(2024, 2, 10), dt.date(2024, 11, 30))
    assert [p.label for p in quarters] == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
    assert dt.date(2024, 3, 31) in quarters[0] and dt.date(2024, 4, 1) not in quarters[0]
    years = calendar_periods("year", dt.date(2023, 12, 31), dt.date(2025, 1, 1))
    assert [(p.label, p.start, p.end) for p in years] == [
        ("2023", dt.date(2023, 1, 1), dt.date(2024, 1, 1)),
        ("2024", dt.date(2024, 1, 1), dt.date(2025, 1, 1)),
        ("2025", dt.date(2025, 1, 1), dt.date(2026, 1, 1)),
    ]
    months = calendar_periods("month", dt.date(2024, 11, 5), dt.date(2025, 2, 1))
    assert [p.label for p in months] == ["2024-11", "2024-12", "2025-01", "2025-02"]


def test_overlapping_windows_as_dna_has_them() -> None:
    periods = windows(12, 3, dt.date(2023, 1, 15), dt.date(2024, 6, 1))
    assert [p.label for p in periods] == [
        "2023-01..2023-12",
        "2023-04..2024-03",
        "2023-07..2024-06",
    ]
    assert all(p.end == dt.date(p.start.year + 1, p.start.month, 1) for p in periods)
    assert parse_span("12M") == 12 and parse_span("1y") == 12 and parse_span("3M") == 3
    assert parse_span("0M") is None and parse_span("12") is None and parse_span("M") is None


@pytest.mark.parametrize(
    ("first", "last", "kind"),
    [
        (dt.date(2025, 1, 1), dt.date(2025, 6, 1), "month"),
        (dt.date(2024, 1, 1), dt.date(2025, 12, 31), "month"),
        (dt.date(2022, 1, 1), dt.date(2025, 12, 31), "quarter"),
        (dt.date(2010, 1, 1), dt.date(2025, 12, 31), "year"),
    ],
)
def test_default_period_keeps_a_chart_readable(first: dt.date, last: dt.date, kind: str) -> None:
    assert choose_kind(first, last) == kind
    assert len(calendar_periods(kind, first, last)) <= 24
