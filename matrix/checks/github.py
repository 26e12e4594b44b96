"""Problems as GitHub Actions workflow commands, so that a pull request shows them inline.

`::error file=F,line=L,col=C,title=CODE::message` (or `::warning ...`), escaped as GitHub's
own toolkit (`@actions/core`) escapes them: `%`, CR and LF in the message; those and `:` and
`,` in the properties. GitHub shows only ten annotations of each level per step, so the
plain `file:line:col` lines are printed as well (`validate_lines`).
"""

from __future__ import annotations

from collections.abc import Iterable

from matrix.model.problems import Problem, as_line, escaped


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(problem: Problem) -> str:
    """One problem as one workflow command line."""
    where = problem.location
    properties = ",".join(
        f"{name}={escape_property(value)}"
        for name, value in (
            ("file", where.file),
            ("line", str(where.line)),
            ("col", str(where.column)),
            ("title", problem.code),
        )
    )
    message = problem.message + (f" ({problem.hint})" if problem.hint else "")
    return f"::{problem.level.value} {properties}::{escape_data(escaped(message))}"


def annotated_lines(problems: Iterable[Problem]) -> list[str]:
    """Every problem as an annotation, then every problem as a plain line."""
    listed = list(problems)
    return [annotation(p) for p in listed] + [as_line(p) for p in listed]
