"""claims-matrix: validate hand-curated policy claims and pivot them into comparison matrices.

The public API is the pipeline: `check(root)` (= `load_project` -> `validate`) -> (pivot frames) -> outputs.
"""

from __future__ import annotations

__version__ = "0.1.0"  # first: matrix.cache keys its entries with it

from matrix.model import Project
from matrix.pipeline import InvalidProject, check, load_project
from matrix.problems import CODES, Level, Problem, Report
from matrix.validation import validate

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
