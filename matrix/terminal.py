"""The only rich import: reports and frames -> renderables. Never prints.

Every piece of user text goes in as `rich.text.Text` built from an escaped string, so
nothing a user typed is read as markup or reaches the terminal as an escape sequence.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import IO

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from matrix.problems import Level, Problem, Report, escaped

LEVEL_STYLE = {Level.ERROR: "bold red", Level.WARNING: "yellow"}


def console(file: IO[str] | None = None, width: int | None = None, color: bool | None = None) -> Console:
    """A console for `file` (stdout by default): colour only on a terminal without NO_COLOR."""
    stream = file or sys.stdout
    if color is None:
        color = stream.isatty() and "NO_COLOR" not in os.environ
    return Console(
        file=stream,
        width=width,
        no_color=not color,
        color_system="auto" if color else None,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
    )


def text(value: object, style: str = "") -> Text:
    """User or computed text, escaped, never parsed as markup."""
    return Text(escaped(str(value)), style=style)


def problem_table(problems: Iterable[Problem]) -> Table:
    """Two columns that fit 80 characters: where (and which claim), and what is wrong."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("where", overflow="fold", max_width=34)
    table.add_column("problem", ratio=1, overflow="fold")
    for problem in problems:
        where = text(problem.location)
        if problem.subject:
            where.append("\n")
            where.append_text(text(problem.subject, "dim"))
        body = text(f"{problem.level.value} {problem.code}", LEVEL_STYLE[problem.level])
        body.append("\n")
        body.append_text(text(problem.message))
        if problem.hint:
            body.append("\n")
            body.append_text(text(f"hint: {problem.hint}", "dim"))
        table.add_row(where, body)
    return table


def verdict(report: Report, strict: bool, claims: int, files: int) -> Text:
    """The one-line outcome of validation, with counts."""
    ok = report.passes(strict)
    errors, warnings = report.errors, report.warnings
    counts = f"{claims} claim{'s' * (claims != 1)} in {files} file{'s' * (files != 1)}: {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    if ok:
        return Text(f"valid: {counts}", style="bold green")
    why = " (--strict: warnings count as failures)" if strict and not errors else ""
    return Text(f"invalid: {counts}{why}", style="bold red")


def problems_view(report: Report, strict: bool, claims: int, files: int, limit: int | None = None) -> RenderableType:
    shown = report.problems if limit is None else report.problems[:limit]
    parts: list[RenderableType] = []
    if shown:
        parts.append(problem_table(shown))
    if len(shown) < len(report.problems):
        parts.append(
            Text(
                f"… and {len(report.problems) - len(shown)} more problems (raise --max-problems to see them)",
                style="dim",
            )
        )
    parts.append(verdict(report, strict, claims, files))
    return Group(*parts)
