"""Positions over time: dating claims, time ranges, counts per period and per window."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from matrix.time.periods import parse_date
from matrix.time.timeline import (
    UNDATED,
    DatedClaim,
    PeriodChoice,
    Timeline,
    TimeRange,
    dated_claim,
    select,
    timeline,
)

TOPICS = ("trade", "space")
PERSPECTIVES = ("A", "B")

# A hand-made project over three years: (claim, source, perspective, topic, stance, own date,
# source's published date). Its dates run from 2023-03-10 to 2025-06-30.
PROJECT = [
    ("a1", "s1", "A", "trade", "convergence", None, "2023-03-10"),
    ("a2", "s1", "A", "trade", "divergence", "2023-11", "2023-03-10"),
    ("a3", "s1", "A", "space", "convergence", None, "2023-03-10"),
    ("a4", "s2", "A", "trade", "convergence", None, "2024"),
    ("a5", "s2", "A", "space", "divergence", "2024-07-04", "2024"),
    ("b1", "s3", "B", "trade", "divergence", None, "2025-02-14"),
    ("b2", "s3", "B", "trade", "divergence", None, "2025-02-14"),
    ("b3", "s3", "B", "space", "convergence", "2024-12", "2025-02-14"),
    ("b4", "s4", "B", "trade", "convergence", None, None),
    ("b5", "s4", "B", "space", "convergence", "2025-06-30", None),
]
CLAIMS = [dated_claim(*row) for row in PROJECT]


def counts(line: Timeline, period: str) -> dict[tuple[str, str], tuple[int, int, int, int]]:
    """(perspective, topic) -> (convergence, divergence, claims, partial) for one period."""
    return {
        (r.perspective, r.topic): (r.cell.convergence, r.cell.divergence, r.cell.claims, r.cell.partial)
        for r in line.rows()
        if r.period == period
    }


def test_a_claim_is_dated_by_its_own_date_else_its_source_else_undated() -> None:
    by_id = {c.id: c for c in CLAIMS}
    assert (str(by_id["a1"].date), by_id["a1"].origin) == ("2023-03-10", "source")
    assert (str(by_id["a2"].date), by_id["a2"].origin) == ("2023-11", "claim")
    assert (str(by_id["b5"].date), by_id["b5"].origin) == ("2025-06-30", "claim")
    assert (by_id["b4"].date, by_id["b4"].origin) == (None, "")
    unreadable = dated_claim("x", "s", "A", "trade", "convergence", "2024-13", "2024-02")
    assert (str(unreadable.date), unreadable.origin) == ("2024-02", "source")


def test_years_hold_exact_counts_and_the_undated_row() -> None:
    line = timeline(CLAIMS, TOPICS, PERSPECTIVES, PeriodChoice("year"))
    assert line.kind == "year"
    assert [p.label for p in line.periods] == ["2023", "2024", "2025"]
    assert counts(line, "2023") == {("A", "trade"): (1, 1, 2, 0), ("A", "space"): (1, 0, 1, 0)}
    assert counts(line, "2024") == {
        ("A", "trade"): (1, 0, 1, 0),
        ("A", "space"): (0, 1, 1, 0),
        ("B", "space"): (1, 0, 1, 0),
    }
    assert counts(line, "2025") == {("B", "trade"): (0, 2, 2, 0), ("B", "space"): (1, 0, 1, 0)}
    assert counts(line, UNDATED) == {("B", "trade"): (1, 0, 1, 0)}
    assert line.undated == 1 and sum(r.cell.claims for r in line.rows()) == len(CLAIMS)
    assert line.net("2023", "A", "trade") == 0.0 and line.net("2025", "B", "trade") == -1.0
    assert line.net("2023", "B", "trade") is None
    assert [p.label for p in line.held_periods] == ["2023", "2024", "2025"]
    assert line.grid("A") == [("trade", [0.0, 1.0, None]), ("space", [1.0, -1.0, None])]


def test_the_tidy_table_is_ordered_by_period_perspective_topic_with_undated_last() -> None:
    line = timeline(CLAIMS, TOPICS, PERSPECTIVES, PeriodChoice("year"))
    assert [(r.period, r.perspective, r.topic) for r in line.rows()] == [
        ("2023", "A", "trade"),
        ("2023", "A", "space"),
        ("2024", "A", "trade"),
        ("2024", "A", "space"),
        ("2024", "B", "space"),
        ("2025", "B", "trade"),
        ("2025", "B", "space"),
        (UNDATED, "B", "trade"),
    ]


def test_quarters_are_the_default_for_this_span_and_include_empty_ones() -> None:
    line = timeline(CLAIMS, TOPICS, PERSPECTIVES)
    assert line.kind == "quarter" and line.chosen
    assert [p.label for p in line.periods] == [
        "2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4", "2024-Q1",
        "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2",
    ]  # fmt: skip
    assert [p.label for p in line.held_periods] == [
        "2023-Q1", "2023-Q4", "2024-Q1", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2"
    ]  # fmt: skip
    assert counts(line, "2023-Q1") == {("A", "trade"): (1, 0, 1, 0), ("A", "space"): (1, 0, 1, 0)}
    assert counts(line, "2023-Q4") == {("A", "trade"): (0, 1, 1, 0)}
    # a4 is dated by its source's year only: placed on 1 January, flagged as partial
    assert counts(line, "2024-Q1") == {("A", "trade"): (1, 0, 1, 1)}
    assert counts(line, "2024-Q3") == {("A", "space"): (0, 1, 1, 0)}
    assert counts(line, "2024-Q4") == {("B", "space"): (1, 0, 1, 0)}
    assert counts(line, "2025-Q1") == {("B", "trade"): (0, 2, 2, 0)}
    assert counts(line, "2025-Q2") == {("B", "space"): (1, 0, 1, 0)}
    assert counts(line, "2023-Q2") == {}


def test_months_flag_a_month_date_only_when_the_period_is_narrower() -> None:
    months = timeline(CLAIMS, TOPICS, PERSPECTIVES, PeriodChoice("month"))
    assert len(months.periods) == 28 and months.periods[0].label == "2023-03"
    assert counts(months, "2023-11") == {("A", "trade"): (0, 1, 1, 0)}  # a month in its month
    assert counts(months, "2024-01") == {("A", "trade"): (1, 0, 1, 1)}  # a year in a month
    assert counts(months, "2024-12") == {("B", "space"): (1, 0, 1, 0)}


def test_overlapping_windows_count_a_claim_in_every_window_holding_its_date() -> None:
    line = timeline(CLAIMS, TOPICS, PERSPECTIVES, PeriodChoice.parse(window="12M", step="6M"))
    assert line.kind == "window" and line.window == (12, 6)
    assert [p.label for p in line.periods] == [
        "2023-03..2024-02",
        "2023-09..2024-08",
        "2024-03..2025-02",
        "2024-09..2025-08",
    ]
    first, second, third, fourth = (p.label for p in line.periods)
    assert counts(line, first) == {("A", "trade"): (2, 1, 3, 1), ("A", "space"): (1, 0, 1, 0)}
    assert counts(line, second) == {("A", "trade"): (1, 1, 2, 1), ("A", "space"): (0, 1, 1, 0)}
    assert counts(line, third) == {
        ("A", "space"): (0, 1, 1, 0),
        ("B", "trade"): (0, 2, 2, 0),
        ("B", "space"): (1, 0, 1, 0),
    }
    assert counts(line, fourth) == {("B", "trade"): (0, 2, 2, 0), ("B", "space"): (2, 0, 2, 0)}
    assert counts(line, UNDATED) == {("B", "trade"): (1, 0, 1, 0)}


def test_the_step_defaults_to_one_month() -> None:
    line = timeline(CLAIMS, TOPICS, PERSPECTIVES, PeriodChoice.parse(window="2Y"))
    assert line.window == (24, 1)
    assert [p.label for p in line.periods][:2] == ["2023-03..2025-02", "2023-04..2025-03"]
    assert line.periods[-1].label == "2023-07..2025-06"


@pytest.mark.parametrize(
    ("since", "until", "kept", "excluded"),
    [
        ("2024-01-01", "2024-12-31", ["a4", "a5", "b3"], (1, 3, 3)),
        ("2024", "2024", ["a4", "a5", "b3"], (1, 3, 3)),  # a year bound covers the whole year
        ("2024-07-04", None, ["a5", "b1", "b2", "b3", "b5"], (1, 4, 0)),  # inclusive
        ("2024-07-05", None, ["b1", "b2", "b3", "b5"], (1, 5, 0)),
        (None, "2024-07-04", ["a1", "a2", "a3", "a4", "a5"], (1, 0, 4)),
        ("2024-06", None, ["a5", "b1", "b2", "b3", "b5"], (1, 4, 0)),  # a4 (2024) starts before June
        (None, "2023-12-31", ["a1", "a2", "a3"], (1, 0, 6)),
        ("2026", None, [], (1, 9, 0)),
    ],
)
def test_a_time_range_keeps_exactly_the_claims_in_it_and_counts_the_rest(
    since: str | None, until: str | None, kept: list[str], excluded: tuple[int, int, int]
) -> None:
    selection = select(CLAIMS, TimeRange.parse(since, until))
    assert sorted(selection.ids()) == kept
    assert (selection.undated, selection.before, selection.after) == excluded
    assert selection.excluded + len(selection.kept) == len(CLAIMS)


def test_a_filtered_timeline_has_no_undated_row_and_says_what_it_left_out() -> None:
    line = timeline(CLAIMS, TOPICS, PERSPECTIVES, PeriodChoice("year"), TimeRange.parse("2024-01-01", "2024-12-31"))
    assert [p.label for p in line.periods] == ["2024"]
    assert counts(line, "2024") == {
        ("A", "trade"): (1, 0, 1, 0),
        ("A", "space"): (0, 1, 1, 0),
        ("B", "space"): (1, 0, 1, 0),
    }
    assert counts(line, UNDATED) == {} and not line.has_undated
    assert (line.selection.undated, line.selection.before, line.selection.after) == (1, 3, 3)
    assert len(line.held_periods) == 1


def test_without_a_time_range_nothing_is_left_out() -> None:
    selection = select(CLAIMS, TimeRange())
    assert len(selection.kept) == len(CLAIMS) and selection.excluded == 0


def test_topics_and_perspectives_restrict_and_order_the_counts() -> None:
    line = timeline(CLAIMS, ("space",), ("B",), PeriodChoice("year"))
    assert [(r.period, r.perspective, r.topic, r.cell.claims) for r in line.rows()] == [
        ("2024", "B", "space", 1),
        ("2025", "B", "space", 1),
    ]
    # the periods follow the claims shown: B's space claims run from 2024-12 to 2025-06
    assert timeline(CLAIMS, ("space",), ("B",)).kind == "month"


def test_counting_sources_counts_each_source_once_per_stance_in_a_cell() -> None:
    line = timeline(CLAIMS, TOPICS, PERSPECTIVES, PeriodChoice("year"), count="sources")
    assert counts(line, "2025")[("B", "trade")] == (0, 1, 1, 0)  # b1 and b2 share s3
    assert counts(line, "2023")[("A", "trade")] == (1, 1, 2, 0)
    with pytest.raises(ValueError, match="count"):
        timeline(CLAIMS, TOPICS, PERSPECTIVES, count="passages")


def test_only_undated_claims_give_no_periods() -> None:
    undated = [c for c in CLAIMS if c.date is None]
    line = timeline(undated, TOPICS, PERSPECTIVES)
    assert line.periods == () and line.held_periods == ()
    assert counts(line, UNDATED) == {("B", "trade"): (1, 0, 1, 0)}
    assert timeline([], TOPICS, PERSPECTIVES).rows() == []


def test_to_dict_is_json_with_the_same_numbers() -> None:
    line = timeline(CLAIMS, TOPICS, PERSPECTIVES, PeriodChoice("year"), TimeRange.parse(until="2024"))
    data = json.loads(json.dumps(line.to_dict()))
    assert data["period"] == "year" and data["window"] is None and data["count"] == "claims"
    assert data["chosen"] is False
    assert (data["since"], data["until"]) == (None, "2024")
    assert data["excluded"] == {"undated": 1, "before": 0, "after": 3}
    assert data["periods"] == [
        {"label": "2023", "start": "2023-01-01", "end": "2023-12-31"},
        {"label": "2024", "start": "2024-01-01", "end": "2024-12-31"},
    ]
    assert data["undated"] == 0
    assert data["rows"][0] == {
        "period": "2023",
        "perspective": "A",
        "topic": "trade",
        "convergence": 1,
        "divergence": 1,
        "net": 0.0,
        "claims": 2,
        "partial": 0,
    }
    assert [(r["period"], r["perspective"], r["topic"], r["net"]) for r in data["rows"][1:]] == [
        ("2023", "A", "space", 1.0),
        ("2024", "A", "trade", 1.0),
        ("2024", "A", "space", -1.0),
        ("2024", "B", "space", 1.0),
    ]
    assert data["grid"] == {
        "A": {"trade": [0.0, 1.0], "space": [1.0, -1.0]},
        "B": {"trade": [None, None], "space": [None, 1.0]},
    }
    windows = timeline(CLAIMS, TOPICS, PERSPECTIVES, PeriodChoice.parse(window="12M", step="3M")).to_dict()
    assert windows["window"] == {"months": 12, "step": 3}
    assert windows["periods"][0] == {"label": "2023-03..2024-02", "start": "2023-03-01", "end": "2024-02-29"}


@pytest.mark.parametrize(
    ("options", "option"),
    [
        ({"period": "week"}, "--period"),
        ({"period": "year", "window": "12M"}, "--period"),
        ({"window": "12"}, "--window"),
        ({"window": "0M"}, "--window"),
        ({"window": "12M", "step": "three"}, "--step"),
        ({"step": "3M"}, "--step"),
    ],
)
def test_bad_period_options_name_the_option(options: dict[str, str], option: str) -> None:
    with pytest.raises(ValueError, match=option):
        PeriodChoice.parse(**options)


@pytest.mark.parametrize(
    ("since", "until", "option"),
    [("2024-13", None, "--since"), (None, "24", "--until"), ("2025", "2024-12-31", "--since")],
)
def test_bad_time_ranges_name_the_option(since: str | None, until: str | None, option: str) -> None:
    with pytest.raises(ValueError, match=option):
        TimeRange.parse(since, until)


def test_a_range_within_one_year_is_not_empty() -> None:
    within = TimeRange.parse("2024-06", "2024")
    assert (within.first, within.last) == (dt.date(2024, 6, 1), dt.date(2024, 12, 31))
    assert within.describe() == "since 2024-06, until 2024"
    february = TimeRange.parse(until="2024-02")
    assert february.last == dt.date(2024, 2, 29)
    date = parse_date("2024-02-29")
    assert date is not None and february.holds(date)


def test_claims_with_a_stance_outside_the_two_are_not_counted() -> None:
    broken = DatedClaim("x", "s", "A", "trade", "", parse_date("2024"), "source")
    line = timeline([*CLAIMS, broken], TOPICS, PERSPECTIVES, PeriodChoice("year"))
    assert counts(line, "2024")[("A", "trade")] == (1, 0, 1, 0)


def test_counting_sources_counts_a_source_once_in_a_cell_even_with_two_dates() -> None:
    claims = [
        dated_claim("x1", "s", "A", "trade", "divergence", "2024-03", None),
        dated_claim("x2", "s", "A", "trade", "divergence", "2024-09-02", None),
        dated_claim("x3", "s", "A", "trade", "convergence", "2024", None),
        dated_claim("x4", "t", "A", "trade", "divergence", "2024-11", None),
    ]
    by_sources = timeline(claims, TOPICS, PERSPECTIVES, PeriodChoice("year"), count="sources")
    assert counts(by_sources, "2024") == {("A", "trade"): (1, 2, 3, 0)}
    by_claims = timeline(claims, TOPICS, PERSPECTIVES, PeriodChoice("year"))
    assert counts(by_claims, "2024") == {("A", "trade"): (1, 3, 4, 0)}
    by_quarter = timeline(claims, TOPICS, PERSPECTIVES, PeriodChoice("quarter"), count="sources")
    assert counts(by_quarter, "2024-Q1") == {("A", "trade"): (1, 1, 2, 1)}
    assert counts(by_quarter, "2024-Q3") == {("A", "trade"): (0, 1, 1, 0)}


def test_windows_hold_their_first_day_and_not_their_end() -> None:
    claims = [
        dated_claim("x1", "s", "A", "trade", "divergence", "2024-01-01", None),
        dated_claim("x2", "s", "A", "trade", "convergence", "2024-06-30", None),
        dated_claim("x3", "s", "A", "trade", "convergence", "2024-07-01", None),
    ]
    line = timeline(claims, TOPICS, PERSPECTIVES, PeriodChoice.parse(window="6M", step="2M"))
    # the last window is the first to hold the latest date
    assert [p.label for p in line.periods] == ["2024-01..2024-06", "2024-03..2024-08"]
    assert [(r.period, r.cell.convergence, r.cell.divergence) for r in line.rows()] == [
        ("2024-01..2024-06", 1, 1),
        ("2024-03..2024-08", 2, 0),
    ]
