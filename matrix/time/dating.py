"""When each claim's position was stated, and which claims a time range keeps (pure).

A claim's date is its own `date:` (when the source reports an earlier statement), else its
source's `published`, else it is undated. A date may be a day, a month or a year
(`matrix.time.periods.PartialDate`); a partial date is compared by its first day. A time range
leaves the undated claims out and counts them, with those dated before and after it:
nothing is dropped silently. `matrix.time.timeline` counts the claims per period.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from matrix.model.values import Project
from matrix.model.wording import counted
from matrix.time.periods import PartialDate, parse_date

ORIGINS = ("claim", "source", "")  # where a claim's date comes from: its own date:, its source, none


class DatedClaim(NamedTuple):
    """The coding of one claim that counting needs, and its date (None: undated).

    `origin` says where the date comes from: "claim" (its own `date:`), "source" (the source's
    `published`) or "" (undated). A date that cannot be read counts as no date (the validator
    reports it). A NamedTuple: a project can hold 100,000 claims."""

    id: str
    source: str
    perspective: str
    topic: str
    stance: str
    date: PartialDate | None
    origin: str


parsed_date = functools.lru_cache(maxsize=4096)(parse_date)
"""parse_date, memoised: a project repeats few dates many times."""


def dated_claim(
    claim_id: str, source: str, perspective: str, topic: str, stance: str, own: str | None, published: str | None
) -> DatedClaim:
    """A claim dated by its own date, else its source's published date, else undated."""
    if own and (date := parsed_date(own)) is not None:
        return DatedClaim(claim_id, source, perspective, topic, stance, date, "claim")
    if published and (date := parsed_date(published)) is not None:
        return DatedClaim(claim_id, source, perspective, topic, stance, date, "source")
    return DatedClaim(claim_id, source, perspective, topic, stance, None, "")


def project_claims(project: Project) -> tuple[DatedClaim, ...]:
    """Every claim of `project` (of a file whose source block could be read), dated."""
    return tuple(
        dated_claim(c.id, c.source, source.perspective, c.topic, c.stance, c.date, source.published)
        for f in project.files
        if (source := f.source) is not None
        for c in f.claims
    )


def end_of(date: PartialDate) -> dt.date:
    """The last day a (possibly partial) date covers: 2024 -> 31 Dec 2024, 2024-02 -> 29 Feb."""
    start = date.start
    if date.precision == "year":
        return dt.date(start.year, 12, 31)
    if date.precision == "month":
        following = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return start


@dataclass(frozen=True, slots=True)
class TimeRange:
    """Keep claims dated from `since` to `until`, both included (None: unbounded).

    A claim's partial date is compared by its start (`2024-06` is 1 June 2024). A bound given
    as a month or a year covers all of it: `since 2024` starts on 1 January 2024, `until 2024`
    ends on 31 December 2024. An active range excludes undated claims (and they are counted)."""

    since: PartialDate | None = None
    until: PartialDate | None = None

    @classmethod
    def parse(cls, since: str | None = None, until: str | None = None) -> TimeRange:
        """A range from the options' text; ValueError naming the option for a bad date or an
        empty range."""
        bounds = []
        for name, value in (("--since", since), ("--until", until)):
            date = None if value is None else parse_date(value)
            if value is not None and date is None:
                raise ValueError(f"{name} {value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
            bounds.append(date)
        return cls.of(bounds[0], bounds[1])

    @classmethod
    def of(cls, since: PartialDate | None = None, until: PartialDate | None = None) -> TimeRange:
        """The range between two dates already parsed; ValueError naming the options for an empty range."""
        found = cls(since, until)
        if found.first is not None and found.last is not None and found.first > found.last:
            raise ValueError(f"--since {since} is after --until {until}")
        return found

    @property
    def active(self) -> bool:
        return self.since is not None or self.until is not None

    @property
    def first(self) -> dt.date | None:
        """The first day kept (None: no lower bound)."""
        return None if self.since is None else self.since.start

    @property
    def last(self) -> dt.date | None:
        """The last day kept (None: no upper bound)."""
        return None if self.until is None else end_of(self.until)

    def holds(self, date: PartialDate) -> bool:
        first, last = self.first, self.last
        return (first is None or first <= date.start) and (last is None or date.start <= last)

    def describe(self) -> str:
        """'since 2024-01, until 2025' or '' when inactive."""
        parts = [f"{name} {value}" for name, value in (("since", self.since), ("until", self.until)) if value]
        return ", ".join(parts)

    def to_dict(self) -> dict[str, str | None]:
        return {
            "since": None if self.since is None else str(self.since),
            "until": None if self.until is None else str(self.until),
        }


@dataclass(frozen=True, slots=True)
class Selection:
    """What a time range keeps of some claims, and how many it left out and why."""

    kept: tuple[DatedClaim, ...]
    undated: int  # undated claims left out by an active range
    before: int  # claims dated before `since`
    after: int  # claims dated after `until`

    @property
    def excluded(self) -> int:
        return self.undated + self.before + self.after

    def ids(self) -> frozenset[str]:
        return frozenset(claim.id for claim in self.kept)

    def to_dict(self) -> dict[str, int]:
        return {"kept": len(self.kept), "undated": self.undated, "before": self.before, "after": self.after}


def left_out(time_range: TimeRange, selection: Selection) -> str:
    """'time range since 2024, until 2024-06: left out 3 undated claims, 2 dated before it, 0 after'."""
    undated = counted(selection.undated, "undated claim")
    excluded = f"{selection.before} dated before it, {selection.after} after"
    return f"time range {time_range.describe()}: left out {undated}, {excluded}"


def select(claims: Iterable[DatedClaim], time_range: TimeRange) -> Selection:
    """The claims `time_range` keeps (all of them when it is inactive), in the given order."""
    claims = tuple(claims)
    if not time_range.active:
        return Selection(claims, 0, 0, 0)
    kept, undated, before, after = [], 0, 0, 0
    first, last = time_range.first, time_range.last
    for claim in claims:
        if claim.date is None:
            undated += 1
        elif first is not None and claim.date.start < first:
            before += 1
        elif last is not None and claim.date.start > last:
            after += 1
        else:
            kept.append(claim)
    return Selection(tuple(kept), undated, before, after)


__all__ = [
    "ORIGINS",
    "DatedClaim",
    "Selection",
    "TimeRange",
    "dated_claim",
    "end_of",
    "left_out",
    "parsed_date",
    "project_claims",
    "select",
]
