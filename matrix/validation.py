"""validate(project) -> Report: every problem of a loaded project, in one pass, sorted."""

from __future__ import annotations

from matrix.model import Project
from matrix.problems import Report, sorted_problems
from matrix.rules import RULES, Context, Located


def validate(project: Project, located: Located | None = None) -> Report:
    """All load problems and all rule findings, sorted by file, line and column.

    Pure: reads nothing from disk. The report also records where each claim's quote
    starts in its source text.
    """
    ctx = Context(project, located or {})
    found = list(project.all_problems())
    for rule in RULES:
        found.extend(rule(ctx))
    return Report(sorted_problems(found), *ctx.quote_places())
