"""claims-matrix: validate hand-curated policy claims and pivot them into comparison matrices.

The public API is the pipeline: `load_project` -> `validate` -> (pivot frames) -> outputs.
"""

from __future__ import annotations

__version__ = "0.1.0"  # first: matrix.cache keys its entries with it

from collections.abc import Callable
from pathlib import Path

from matrix.loading import MAX_FILE_BYTES, load_project, parse_cache
from matrix.model import Project
from matrix.problems import CODES, Level, Problem, Report
from matrix.validation import locate_quotes, quotes_cache, validate

__all__ = ["CODES", "Level", "Problem", "Project", "Report", "__version__", "check", "load_project", "validate"]


def check(
    root: Path,
    cache: bool = False,
    advance: Callable[[int], None] | None = None,
    max_bytes: int = MAX_FILE_BYTES,
) -> tuple[Project, Report]:
    """Load and validate the project under `root`; `cache` reuses (and stores) parse and
    quote-location results in root/.cache."""
    project = load_project(root, max_bytes, cache=parse_cache(root if cache else None), advance=advance)
    located = locate_quotes(project, quotes_cache(root if cache else None))
    return project, validate(project, located)
