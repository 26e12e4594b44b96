"""The options of one analysis as one frozen value: which claims it keeps, what its matrices
count and how its Timeline cuts time. Light (only the model and time values), so that the
CLI and `import matrix` can make one without loading the analysis."""

from __future__ import annotations

from dataclasses import dataclass, field

from matrix.model.terms import Unit
from matrix.model.values import Filters
from matrix.time.dating import TimeRange
from matrix.time.timeline import PeriodChoice


@dataclass(frozen=True)
class AnalysisOptions:
    """What `analyse` is asked for, as the CLI's options ask it: `filters` (`--perspective`,
    `--topic`, `--source`, `--actor`, `--voice`), `unit` (`--count`; a Unit, or its text),
    `time_range` (`--since`, `--until`: `TimeRange.parse`) and `periods` (`--period`,
    `--window`, `--step`: `PeriodChoice.parse`; by default chosen from the span of the dates)."""

    filters: Filters = field(default_factory=Filters)
    unit: Unit = Unit.CLAIMS
    time_range: TimeRange = field(default_factory=TimeRange)
    periods: PeriodChoice = field(default_factory=PeriodChoice)

    def __post_init__(self) -> None:
        if self.unit not in tuple(Unit):
            raise ValueError(f"count must be one of {tuple(u.value for u in Unit)}, not {self.unit!r}")
        object.__setattr__(self, "unit", Unit(self.unit))  # "sources" -> Unit.SOURCES


__all__ = ["AnalysisOptions"]
