"""claims-matrix: validate hand-curated policy claims and pivot them into comparison matrices.

The public API is the pipeline: `load_project` -> `validate` -> (pivot frames) -> outputs.
"""

from __future__ import annotations

__version__ = "0.1.0"  # first: matrix.cache keys its entries with it

from collections.abc import Callable
from pathlib import Path

from matrix.loading import MAX_FILE_BYTES, Project, load_project
from matrix.problems import CODES, Level, Problem, Report
from matrix.validation import locate_quotes, validate

__all__ = ["CODES", "Level", "Problem", "Project", "Report", "__version__", "check", "load_project", "validate"]


def check(
    root: Path,
    cache: bool = False,
    background: bool = False,
    advance: Callable[[int], None] | None = None,
    max_bytes: int = MAX_FILE_BYTES,
) -> tuple[Project, Report]:
    """Load and validate the project under `root`.

    `cache` reuses (and stores) parse and quote results in root/.cache; `background`
    stores them from a child process (call `matrix.cache.wait_for_writers` before exiting).
    """
    from matrix.cache import Cache
    from matrix.loading import ClaimsFile

    parsed, quotes = Cache(root if cache else None, ClaimsFile), Cache(root if cache else None, tuple)
    project = load_project(root, max_bytes, cache=parsed, advance=advance)
    located = locate_quotes(project, quotes)
    parsed.pending += quotes.pending
    parsed.flush(background)
    return project, validate(project, located)
