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
    from matrix.analysis.pivot import Analysis, analyse

__version__ = VERSION


def __getattr__(name: str) -> object:
    """`analyse` and `Analysis`, imported when first used: the commands that do not analyse
    never load the analysis."""
    if name in ("Analysis", "analyse"):
        from matrix.analysis import pivot

        return getattr(pivot, name)
    raise AttributeError(f"module 'matrix' has no attribute {name!r}")


__all__ = [
    "CODES",
    "Analysis",
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
