"""claims-matrix: validate hand-curated policy claims and pivot them into comparison matrices.

The Python API, for analysts in notebooks (the README's "Python API" shows it at work):

- `check(root)`: load the project under `root` and validate it -> (Project, Report);
  `load_project(root)` and `validate(project)` are its two halves;
- `analyse(project, report, options)`: the Analysis every output reads, with the options
  (`AnalysisOptions`) the CLI's `--topic`/`--perspective`/`--source`/`--actor` (`Filters`),
  `--count` (`Unit`), `--since`/`--until` (`TimeRange.parse`) and `--period`/`--window`/
  `--step` (`PeriodChoice.parse`) give; its `timeline` counts the claims per period;
- `Analysis.to_frame("claims" | "passages" | "cells")`: pandas DataFrames (pandas is
  imported then, and only then); `Analysis.to_dict()`: the JSON of `summary`
  (`to_dict(by_period=True)`: of `summary --by-period`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from matrix.analysis.options import AnalysisOptions
from matrix.checks.pipeline import InvalidProject, check, load_project
from matrix.checks.validation import validate
from matrix.model.problems import CODES, Level, Problem, Report
from matrix.model.terms import VERSION, Unit
from matrix.model.values import Filters, Project
from matrix.time.dating import TimeRange
from matrix.time.timeline import PeriodChoice

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
    "AnalysisOptions",
    "Filters",
    "InvalidProject",
    "Level",
    "PeriodChoice",
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
