"""claims-matrix: validate hand-curated policy claims and pivot them into comparison matrices.

The public API is the pipeline: `check(root)` (= `load_project` -> `validate`) -> (pivot frames) -> outputs.
"""

from __future__ import annotations

__version__ = "0.1.0"  # first: matrix.files.cache keys its entries with it

from matrix.checks.pipeline import InvalidProject, check, load_project
from matrix.checks.validation import validate
from matrix.model.problems import CODES, Level, Problem, Report
from matrix.model.values import Project

__all__ = [
    "CODES",
    "InvalidProject",
    "Level",
    "Problem",
    "Project",
    "Report",
    "__version__",
    "check",
    "load_project",
    "validate",
]
