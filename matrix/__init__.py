"""claims-matrix: validate hand-curated policy claims and pivot them into comparison matrices.

The public API is the pipeline: `load_project` -> `validate` -> (pivot frames) -> outputs.
"""

from __future__ import annotations

from pathlib import Path

from matrix.loading import Project, load_project
from matrix.problems import CODES, Level, Problem, Report
from matrix.validation import validate

__version__ = "0.1.0"

__all__ = ["CODES", "Level", "Problem", "Project", "Report", "__version__", "check", "load_project", "validate"]


def check(root: Path) -> tuple[Project, Report]:
    """Load and validate the project under `root`."""
    project = load_project(root)
    return project, validate(project)
