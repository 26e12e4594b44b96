"""Positions over time: claims dated, filtered by a time range, counted per period (pure).

A claim's date is its own `date:` (when the source reports an earlier statement), else its
source's `published`, else it is undated. A date may be a day, a month or a year; a partial
date is placed at the start of its period (`2024-06` on 1 June 2024). Counts are kept per
(period, perspective, topic), for calendar years, quarters or months or for overlapping windows
of N months (a claim counts in every window that holds its date), as Discourse Network
Analyzer's time windows do; nothing is smoothed. Undated claims are never dropped silently:
without a time range they form the Undated row, and a time range excludes them and counts them.

Dating claims and time ranges live in `matrix.time.dating` (re-exported here). Only the standard
library and the project's pure modules; the caller restricts the claims by the other filters
(sources, actors) and gives the topics and perspectives to show, in display order.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import TypeVar

from matrix.model.terms import COUNTS, STANCES, Unit
from matrix.model.values import Project
from matrix.model.wording import counted
from matrix.time.dating import (
    DatedClaim,
    Selection,
    TimeRange,
    dated_claim,
    end_of,
    left_out,
    parsed_date,
    project_claims,
    select,
)
from matrix.time.periods import (
    PERIOD_KINDS,
    PartialDate,
    Period,
    calendar_periods,
    choose_kind,
    parse_span,
    windows,
)

UNDATED = "Undated"  # the label of the row of claims with no date


@dataclass(frozen=True, slots=True)
class PeriodChoice:
    """How to cut time: calendar `kind` periods (None: chosen from the span of the dates), or
    windows of `window` months moved on by `step` months."""

    kind: str | None = None
    window: int | None = None
    step: int = 1

    @classmethod
    def parse(cls, period: str | None = None, window: str | None = None, step: str | None = None) -> PeriodChoice:
        """From the options' text (`--period quarter`, `--window 12M --step 3M`); ValueError
        naming the option for a bad value or a combination that makes no sense."""
        if period is not None and period not in PERIOD_KINDS:
            raise ValueError(f"--period {period!r} is not one of: {', '.join(PERIOD_KINDS)}")
        if period is not None and window is not None:
            raise ValueError("--period and --window exclude each other: give one")
        if step is not None and window is None:
            raise ValueError("--step needs --window (the windows it moves)")
        months = None if window is None else parse_span(window)
        if window is not None and months is None:
            raise ValueError(f"--window {window!r} is not a span: use months or years, e.g. 12M or 1Y")
        moves = 1 if step is None else parse_span(step)
        if moves is None:
            raise ValueError(f"--step {step!r} is not a span: use months or years, e.g. 3M")
        return cls(period, months, moves)

    @property
    def given(self) -> bool:
        return self.kind is not None or self.window is not None

    def periods(self, first: dt.date, last: dt.date) -> tuple[str, tuple[Period, ...]]:
        """(the kind of periods, the periods) covering the days from `first` to `last`."""
        if self.window is not None:
            return "window", windows(self.window, self.step, first, last)
        kind = self.kind or choose_kind(first, last)
        return kind, calendar_periods(kind, first, last)

    def describe(self) -> str:
        if self.window is not None:
            return f"windows of {counted(self.window, 'month')}, every {counted(self.step, 'month')}"
        return self.kind or "chosen from the dates"


@dataclass(frozen=True, slots=True)
class TimeCell:
    """One (period, perspective, topic) cell: counts in the analysis's unit, the net index
    (None when the cell is empty) and `partial`, how many of its claims have a date wider than
    the period (a month or a year) that was placed at the start of that date."""

    convergence: int = 0
    divergence: int = 0
    partial: int = 0

    @property
    def claims(self) -> int:
        return self.convergence + self.divergence

    @property
    def net(self) -> float | None:
        total = self.claims
        return None if total == 0 else (self.convergence - self.divergence) / total


@dataclass(frozen=True, slots=True)
class TimeRow:
    """A row of the tidy table: `period` is a period's label or UNDATED."""

    period: str
    perspective: str
    topic: str
    cell: TimeCell

    def to_dict(self) -> dict[str, object]:
        return {
            "period": self.period,
            "perspective": self.perspective,
            "topic": self.topic,
            "convergence": self.cell.convergence,
            "divergence": self.cell.divergence,
            "net": self.cell.net,
            "claims": self.cell.claims,
            "partial": self.cell.partial,
        }


Key = tuple[str, str, str]  # (period label or UNDATED, perspective, topic)


@dataclass(frozen=True)
class Timeline:
    """Stance counts per period, perspective and topic, and of the undated claims.

    `periods` run from the one holding the earliest kept date to the one holding the latest,
    empty ones included (a chart shows a gap there); `cells` holds only non-empty cells.
    `kind` is "year", "quarter", "month" or "window". `selection` says what the time range
    left out. Counting by `count` "sources" counts each source at most once per stance in a
    cell, as the Stance sheet does."""

    kind: str
    periods: tuple[Period, ...]
    topics: tuple[str, ...]
    perspectives: tuple[str, ...]
    cells: Mapping[Key, TimeCell]
    time_range: TimeRange = field(default_factory=TimeRange)
    selection: Selection = field(default_factory=lambda: Selection((), 0, 0, 0))
    count: str = Unit.CLAIMS
    window: tuple[int, int] | None = None  # (months, step) for windows
    chosen: bool = False  # whether the kind of period was chosen from the span of the dates

    def cell(self, period: str, perspective: str, topic: str) -> TimeCell | None:
        """The cell, or None when no claim falls in it."""
        return self.cells.get((period, perspective, topic))

    def net(self, period: str, perspective: str, topic: str) -> float | None:
        found = self.cell(period, perspective, topic)
        return None if found is None else found.net

    @property
    def held_periods(self) -> tuple[Period, ...]:
        """The periods at least one claim falls in."""
        held = {key[0] for key in self.cells}
        return tuple(p for p in self.periods if p.label in held)

    @property
    def undated(self) -> int:
        """Claims with no date counted here (in the Undated row)."""
        return sum(c.claims for key, c in self.cells.items() if key[0] == UNDATED)

    @property
    def has_undated(self) -> bool:
        return any(key[0] == UNDATED for key in self.cells)

    def rows(self) -> list[TimeRow]:
        """The tidy table: one row per non-empty cell, by period (Undated last), then
        perspective, then topic, in display order."""
        labels = [p.label for p in self.periods] + [UNDATED]
        return [
            TimeRow(label, perspective, topic, found)
            for label in labels
            for perspective in self.perspectives
            for topic in self.topics
            if (found := self.cells.get((label, perspective, topic))) is not None
        ]

    def grid(self, perspective: str) -> list[tuple[str, list[float | None]]]:
        """(topic, net index per period) for one perspective, topics in display order."""
        return [(topic, [self.net(p.label, perspective, topic) for p in self.periods]) for topic in self.topics]

    def to_dict(self) -> dict[str, object]:
        return {
            "period": self.kind,
            "window": None if self.window is None else {"months": self.window[0], "step": self.window[1]},
            "chosen": self.chosen,
            "count": self.count,
            **self.time_range.to_dict(),
            "excluded": {k: v for k, v in self.selection.to_dict().items() if k != "kept"},
            "periods": [
                {"label": p.label, "start": p.start.isoformat(), "end": (p.end - dt.timedelta(days=1)).isoformat()}
                for p in self.periods
            ],
            "undated": self.undated,
            "rows": [row.to_dict() for row in self.rows()],
            "grid": {p: {topic: nets for topic, nets in self.grid(p)} for p in self.perspectives},
        }


def _wider_than(date: PartialDate, period: Period) -> bool:
    """Whether the days `date` covers reach past `period` (it was placed at its start)."""
    return end_of(date) >= period.end


def timeline(
    claims: Iterable[DatedClaim],
    topics: Sequence[str],
    perspectives: Sequence[str],
    choice: PeriodChoice = PeriodChoice(),
    time_range: TimeRange | None = None,
    count: str = Unit.CLAIMS,
) -> Timeline:
    """Count `claims` (those of the given topics and perspectives that `time_range` keeps) per
    period, perspective and topic; undated claims (kept only without a time range) form the
    Undated row. With no dated claim there are no periods."""
    if count not in COUNTS:
        raise ValueError(f"count must be one of {COUNTS}, not {count!r}")
    wanted_topics, wanted_perspectives = set(topics), set(perspectives)
    shown = [
        c for c in claims if c.topic in wanted_topics and c.perspective in wanted_perspectives and c.stance in STANCES
    ]
    time_range = time_range or TimeRange()
    selection = select(shown, time_range)
    units = _units(((c.date, c.perspective, c.topic, c.stance, c.source) for c in selection.kept), count)
    return _timeline(units, topics, perspectives, choice, time_range, selection, count)


def project_timeline(
    project: Project,
    ids: AbstractSet[str],
    topics: Sequence[str],
    perspectives: Sequence[str],
    choice: PeriodChoice = PeriodChoice(),
    count: str = Unit.CLAIMS,
) -> Timeline:
    """`timeline` of the claims of `project` whose ids are in `ids` (already restricted by the
    filters and any time range), read straight from the project: no DatedClaim per claim, each
    source's date parsed once (a build of 100,000 claims pays little for its Timeline). Its
    `selection` is empty: the caller knows what a time range left out."""
    if count not in COUNTS:
        raise ValueError(f"count must be one of {COUNTS}, not {count!r}")
    wanted_topics, wanted_perspectives = set(topics), set(perspectives)
    # tallied by the date as written (a string hashes far faster than a PartialDate), then parsed
    codings: list[tuple[str | None, str, str, str, str]] = []
    for claims_file in project.files:
        source = claims_file.source
        if source is None or source.perspective not in wanted_perspectives:
            continue
        published = source.published if source.published and parsed_date(source.published) else None
        perspective = source.perspective
        codings += [
            (c.date if c.date and parsed_date(c.date) else published, perspective, c.topic, c.stance, c.source)
            for c in claims_file.claims
            if c.id in ids and c.topic in wanted_topics and c.stance in STANCES
        ]
    units: dict[Counted, int] = {}
    for (written, perspective, topic, stance, unit_source), number in _units(codings, count).items():
        unit = (None if written is None else parsed_date(written), perspective, topic, stance, unit_source)
        units[unit] = units.get(unit, 0) + number
    return _timeline(units, topics, perspectives, choice, TimeRange(), Selection((), 0, 0, 0), count)


Counted = tuple[PartialDate | None, str, str, str, str]  # date, perspective, topic, stance, source ("" for claims)
D = TypeVar("D")  # a date, parsed or as written


def _units(codings: Iterable[tuple[D, str, str, str, str]], count: str) -> dict[tuple[D, str, str, str, str], int]:
    """How many claims have each distinct (date, perspective, topic, stance, source); the
    source is "" when counting claims."""
    units: dict[tuple[D, str, str, str, str], int] = {}
    for date, perspective, topic, stance, source in codings:
        unit = (date, perspective, topic, stance, source if count == Unit.SOURCES else "")
        units[unit] = units.get(unit, 0) + 1
    return units


def _timeline(
    units: dict[Counted, int],
    topics: Sequence[str],
    perspectives: Sequence[str],
    choice: PeriodChoice,
    time_range: TimeRange,
    selection: Selection,
    count: str,
) -> Timeline:
    dates = [unit[0].start for unit in units if unit[0] is not None]
    kind, periods = choice.periods(min(dates), max(dates)) if dates else (choice.kind or "year", ())
    cells = _count(units, periods, count)
    window = None if choice.window is None else (choice.window, choice.step)
    chosen = not choice.given and bool(periods)
    return Timeline(
        kind, periods, tuple(topics), tuple(perspectives), cells, time_range, selection, count, window, chosen
    )


def _count(units: Mapping[Counted, int], periods: Sequence[Period], count: str) -> dict[Key, TimeCell]:
    """Cells of the periods (and the Undated row), from the claims counted per distinct date
    and coding: each distinct date is placed in its periods once."""
    starts = [p.start for p in periods]
    tallies: dict[Key, list[int]] = {}
    seen: set[tuple[str, str, str, str, str]] = set()  # counting sources: each once per stance in a cell
    for (date, perspective, topic, stance, source), number in units.items():
        for label, partial in _places(date, periods, starts):
            if count == Unit.SOURCES:
                if (label, perspective, topic, stance, source) in seen:
                    continue
                seen.add((label, perspective, topic, stance, source))
                number = 1
            tally = tallies.setdefault((label, perspective, topic), [0, 0, 0])
            tally[STANCES.index(stance)] += number
            tally[2] += number if partial else 0
    return {key: TimeCell(*tally) for key, tally in tallies.items()}


def _places(date: PartialDate | None, periods: Sequence[Period], starts: list[dt.date]) -> Iterable[tuple[str, bool]]:
    """(label, whether the date is wider than it) of each period holding `date`; UNDATED for
    no date. Periods are in order of start, and those holding a day are consecutive."""
    if date is None:
        yield UNDATED, False
        return
    index = bisect.bisect_right(starts, date.start) - 1
    while index >= 0 and date.start in periods[index]:
        index -= 1
    for period in periods[index + 1 :]:
        if date.start not in period:
            break
        yield period.label, _wider_than(date, period)


__all__ = [
    "UNDATED",
    "DatedClaim",
    "PeriodChoice",
    "Selection",
    "TimeCell",
    "TimeRange",
    "TimeRow",
    "Timeline",
    "dated_claim",
    "left_out",
    "project_claims",
    "project_timeline",
    "select",
    "timeline",
]
