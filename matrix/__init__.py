"""claims-matrix: validate hand-curated policy claims and pivot them into comparison matrices.

The Python API, for analysts in notebooks (the README's "Python API" shows it at work):

- `check(root)`: load the project under `root` and validate it -> (Project, Report);
  `load_project(root)` and `validate(project)` are its two halves;
- `analyse(project, report, filters, count, time_range)`: the Analysis every output reads,
  restricted as the CLI's `--topic`/`--perspective`/`--source`/`--actor` (`Filters`),
  `--count` (`Unit`) and `--since`/`--until` (`TimeRange.parse`) restrict it;
- `Analysis.to_frame("claims" | "passages" | "cells")`: pandas DataFrames (pandas is
  imported then, and only then); `Analysis.to_dict()`: the JSON of `summary`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from matrix.checks.pipeline import InvalidProject, check, load_project
from matrix.checks.validation import validate
from matrix.model.problems import CODES, Level, Problem, Report
from matrix.model.terms import VERSION, Unit
from matrix.model.values import Filters, Project
from matrix.time.dating import TimeRange

if TYPE_CHECKING:
    from matrix.analysis.pivot import Analysis

__version__ = VERSION


def analyse(
    project: Project,
    report: Report,
    filters: Filters | None = None,
    count: str = Unit.CLAIMS,
    time_range: TimeRange | None = None,
) -> Analysis:
    """The Analysis of a valid `project` (see `matrix.analysis.pivot.analyse`)."""
    from matrix.analysis.pivot import analyse as analysed

    return analysed(project, report, filters, count, time_range)


__all__ = [
    "CODES",
    "Filters",
    "InvalidProject",
    "Level",
    "Problem",
    "Project",
    "Report",
    "TimeRange",
    "Unit",
    "__version__",
    "analyse",
    "check",
    "load_project",
    "validate",
]
