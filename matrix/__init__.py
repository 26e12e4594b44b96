"""claims-matrix: validate hand-curated policy claims and pivot them into comparison matrices.

The public API is the pipeline: `load_project` -> `validate` -> (pivot frames) -> outputs.
"""

from __future__ import annotations

__version__ = "0.1.0"  # first: matrix.cache keys its entries with it

from collections.abc import Callable
from pathlib import Path

from matrix.loading import MAX_FILE_BYTES, Project, load_project, parse_cache
from matrix.problems import CODES, Level, Problem, Report
from matrix.validation import locate_quotes, quotes_cache, validate

__all__ = ["CODES", "Level", "Problem", "Project", "Report", "__version__", "check", "load_project", "validate"]


def check(
    root: Path,
    cache: bool = False,
    advance: Callable[[int], None] | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    cache_root: Path | None = None,
) -> tuple[Project, Report]:
    """Load and validate the project under `root`; `cache` reuses (and stores) parse and
    quote-location results in the .cache folder of `cache_root` (default: `root`), which is
    keyed by content, so that another version of the project can share it."""
    at = (cache_root or root) if cache else None
    project = load_project(root, max_bytes, cache=parse_cache(at), advance=advance)
    located = locate_quotes(project, quotes_cache(at))
    return project, validate(project, located)
