"""What the key findings' caveats read besides the Analysis (whose `dated` says how many of
its claims have a date), each cheap enough for `summary`: the share of each source's sentences
that a claim's passage covers (as validation counted them) and the stance alpha of the
project's second coding, without its bootstrap.

A project declares its second coding by the folder `claims/second-coder/` (another coder's
claims files over the same sources); `agree` compares them in full, with intervals.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from matrix.analysis.agreement import OURS, Coding, agreement
from matrix.analysis.coverage import Coverage
from matrix.analysis.findings import Context
from matrix.analysis.pivot import Analysis
from matrix.checks.pipeline import check
from matrix.files.cache import Cache, key
from matrix.files.loading import claim_file_paths
from matrix.files.reading import read_limited
from matrix.files.where import ProjectFiles
from matrix.model.problems import Report
from matrix.model.values import Project

SECOND_CODER = "claims/second-coder"  # the folder of a project's blind second coding
SECOND_CODER_LABEL = "second coder"


def coverage_shares(project: Project, report: Report) -> tuple[tuple[str, int, int], ...]:
    """(source, sentences covered, sentences) of each source the analysis can read, in file
    order, as validation counted them (`Report.sentences`)."""
    return tuple(
        (claims_file.source.id, *report.sentences[claims_file.file])
        for claims_file in project.files
        if claims_file.source is not None and claims_file.file in report.sentences
    )


def second_coding_alpha(
    files: ProjectFiles, project: Project, report: Report, cached: bool = True
) -> tuple[float | None, int, str] | None:
    """The stance alpha (no bootstrap) between this coding and the second coder's, the matched
    claims it rests on, and where the second coding is; None when the project has none or it
    does not validate."""
    folder = files.root / SECOND_CODER
    if files.snapshot is not None or not folder.is_dir() or folder.is_symlink():
        return None
    cache: Cache[tuple[bool, float | None, int]] = Cache(files.cache_of if cached else None, _alpha_of)
    name = _alpha_key(project, folder, files.max_bytes)
    found = cache.get(name) if name else None
    if found is None:
        alpha = _stance_alpha(files, folder, project, report, cached)
        found = (False, None, 0) if alpha is None else (True, *alpha)
        if name:
            cache.put(name, list(found), found)
            cache.flush()
    ok, value, units = found
    return (value, units, f"{SECOND_CODER}/") if ok else None


def _alpha_of(plain: Any) -> tuple[bool, float | None, int]:
    return bool(plain[0]), None if plain[1] is None else float(plain[1]), int(plain[2])


def _alpha_key(project: Project, folder: Path, max_bytes: int) -> str:
    """The cache key of the second coding's alpha: this project's inputs, the second coder's
    files and the agreement code ("" when a file cannot be read: then it is not kept)."""
    parts = [f"{path}={digest}" for path, digest in sorted(project.inputs.items())]
    try:
        for path in claim_file_paths(folder.parent.parent, folder):
            parts.append(f"{path.name}={hashlib.sha256(read_limited(path, max_bytes)).hexdigest()}")
    except (OSError, ValueError):
        return ""
    code = Path(__file__).parent
    for source in sorted([*code.glob("agreement/*.py"), code / "alpha.py", Path(__file__)]):
        parts.append(hashlib.sha256(source.read_bytes()).hexdigest())
    return key("second-coding-alpha", *parts)


def _stance_alpha(
    files: ProjectFiles, folder: Path, project: Project, report: Report, cached: bool
) -> tuple[float | None, int] | None:
    other, other_report = check(files.coding(folder), cached)
    if not other_report.passes(False):
        return None
    result = agreement([Coding(OURS, project, report), Coding(SECOND_CODER_LABEL, other, other_report)], resamples=0)
    stance = next((f for f in result.fields if f.field == "stance"), None)
    return None if stance is None else (stance.alpha, stance.reliability.units)


def finding_context(
    analysis: Analysis,
    project: Project,
    report: Report,
    files: ProjectFiles | None = None,
    cached: bool = True,
    coverage: Coverage | None = None,
) -> Context:
    """The Context of `analysis`'s caveats: dated claims, each source's coverage (`coverage`'s
    figures when given, else validation's) and, when `files` says where the project is, its
    second coding's alpha."""
    shares = (
        coverage_shares(project, report)
        if coverage is None
        else tuple((row.source, row.covered, row.sentences) for row in coverage.sources)
    )
    return Context(
        dated=analysis.dated,
        coverage=shares,
        alpha=None if files is None else second_coding_alpha(files, project, report, cached),
    )
