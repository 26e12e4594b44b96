"""The only rich import: reports and frames -> renderables. Never prints.

Every piece of user text goes in as `rich.text.Text` built from an escaped string, so
nothing a user typed is read as markup or reaches the terminal as an escape sequence.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TYPE_CHECKING

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from matrix.model.problems import Level, Problem, Report, escaped
from matrix.model.wording import counted
from matrix.terminal.width import identifier_column, prose_column, room_for, unbounded

if TYPE_CHECKING:  # the validate path must not import pandas
    from matrix.analysis.coverage import Coverage


LEVEL_STYLE = {Level.ERROR: "bold red", Level.WARNING: "yellow"}


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """Output piped into a reader that stopped (`| head`): end as the CLI ends for any
        closed pipe (exit 0), not with rich's own SystemExit(1)."""
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise BrokenPipeError


def console(file: IO[str] | None = None, width: int | None = None, color: bool | None = None) -> Console:
    """A console for `file` (stdout by default) as wide as the table-width rule says
    (`matrix.terminal.width.room_for`: `width` if given, else the terminal's, else COLUMNS, else
    no limit); colour only on a terminal without NO_COLOR."""
    stream = file or sys.stdout
    if color is None:
        color = stream.isatty() and "NO_COLOR" not in os.environ
    return _Console(
        file=stream,
        width=room_for(stream, width),
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


def problem_table(problems: Iterable[Problem], width: int | None = None) -> RenderableType:
    """Two columns: where (and which claim), never folded, and what is wrong, wrapped in the
    room left; with no width (`unbounded`: piped), each problem on one line, aligned."""
    problems = list(problems)
    if width is not None and unbounded(width):
        return _problem_lines(problems)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    identifier_column(table, "where")
    prose_column(table, "problem")
    for problem in problems:
        where = text(problem.location)
        if problem.subject:
            where.append("\n")
            where.append_text(text(problem.subject, "dim"))
        table.add_row(where, _problem_text(problem, "\n"))
    return table


def _problem_text(problem: Problem, between: str) -> Text:
    """'level code', the message and the hint, `between` each."""
    body = text(f"{problem.level.value} {problem.code}", LEVEL_STYLE[problem.level])
    body.append(between)
    body.append_text(text(problem.message))
    if problem.hint:
        body.append(between)
        body.append_text(text(f"hint: {problem.hint}", "dim"))
    return body


def _problem_lines(problems: list[Problem]) -> RenderableType:
    """A line per problem: where, 'level code' and the claim, each padded to the widest of its
    kind, then the message and the hint."""
    columns = [
        [text(p.location) for p in problems],
        [text(f"{p.level.value} {p.code}", LEVEL_STYLE[p.level]) for p in problems],
        [text(p.subject or "", "dim") for p in problems],
    ]
    widths = [max(cell.cell_len for cell in column) for column in columns]
    lines = []
    for i, problem in enumerate(problems):
        line = Text()
        for column, width in zip(columns, widths, strict=True):
            if width:
                line.append_text(Text.assemble(column[i], " " * (width - column[i].cell_len + 2)))
        line.append_text(text(problem.message))
        if problem.hint:
            line.append_text(text(f"  hint: {problem.hint}", "dim"))
        line.no_wrap = True
        lines.append(line)
    return Group(*lines)


def verdict(report: Report, strict: bool, claims: int, files: int) -> Text:
    """The one-line outcome of validation, with counts."""
    ok = report.passes(strict)
    errors, warnings = report.errors, report.warnings
    counts = f"{counted(claims, 'claim')} in {counted(files, 'file')}: {counted(errors, 'error')}, {counted(warnings, 'warning')}"
    if ok:
        return Text(f"valid: {counts}", style="bold green")
    why = " (--strict: warnings count as failures)" if strict and not errors else ""
    return Text(f"invalid: {counts}{why}", style="bold red")


def problems_view(
    report: Report, strict: bool, claims: int, files: int, limit: int | None = None, width: int | None = None
) -> RenderableType:
    """The problems (the first `limit`) in a table laid out for `width`, then the verdict."""
    shown = report.problems if limit is None else report.problems[:limit]
    parts: list[RenderableType] = []
    if shown:
        parts.append(problem_table(shown, width))
    if len(shown) < len(report.problems):
        parts.append(
            Text(
                f"… and {counted(len(report.problems) - len(shown), 'more problem')} (raise --max-problems to see them)",
                style="dim",
            )
        )
    parts.append(verdict(report, strict, claims, files))
    return Group(*parts)


def net_style(net: float) -> str:
    if net > 1 / 3:
        return "green"
    if net < -1 / 3:
        return "red"
    return "yellow"


def simple_table() -> Table:
    return Table(box=box.SIMPLE_HEAD, pad_edge=False)


def table_width(columns: Iterable[int]) -> int:
    """The width of a `simple_table()` whose columns are this wide: an edge each side, 3 between."""
    widths = list(columns)
    return sum(widths) + 2 + 3 * (len(widths) - 1)


def cell_width(shown: Text) -> int:
    """The width of `shown` on a terminal: its widest line, in cells."""
    return max((line.cell_len for line in shown.split("\n")), default=0)


def coverage_view(result: Coverage, limit: int) -> RenderableType:
    """Per-source coverage figures, then the best uncovered sentences with their cues."""
    per_source = simple_table()
    for name in ("source", "sentences", "covered", "share", "claims/1k words"):
        identifier_column(per_source, name, justify="left" if name == "source" else "right")
    for row in result.sources:
        share = Text(f"{row.share:.0%}", style="green" if row.share >= 0.5 else "yellow")
        per_source.add_row(
            text(row.source), str(row.sentences), str(row.covered), share, f"{row.claims_per_1000_words:.1f}"
        )
    parts: list[RenderableType] = [Text("Coverage: sentences a claim's quote overlaps", style="bold"), per_source]
    shown = result.candidates[:limit]
    heading = f"Uncovered sentences most likely to state a position: {len(shown)} of {result.found}"
    parts.append(Text(heading, style="bold"))
    if not shown:
        parts.append(Text("none: every sentence with position cues is coded", style="green"))
        return Group(*parts)
    for candidate in shown:
        head = Text(f"{candidate.score:>2}  ", style="bold")
        head.append_text(text(f"{candidate.path}:{candidate.line}:{candidate.column}"))
        head.append_text(text(f"  guess: {candidate.stance or '?'} / {candidate.approach or '?'}", "cyan"))
        head.append_text(text(f"  cues: {', '.join(candidate.cues)}", "dim"))
        head.overflow = "ellipsis"  # the location a word of its own: wrapped before, never folded
        parts += [head, Padding(text(candidate.text), (0, 0, 1, 4), expand=False)]
    return Group(*parts)


PROGRESS_MIN_ITEMS = 200  # below this much work a progress bar would only flash


@contextlib.contextmanager
def progress(label: str, total: int, stream: IO[str] | None = None, scale: int = 1) -> Iterator[Callable[[int], None]]:
    """A transient progress bar on stderr for long work (at least `scale` x
    PROGRESS_MIN_ITEMS items, `scale` for items quicker than a claims file); a no-op when
    not a terminal."""
    stream = stream or sys.stderr
    if total < scale * PROGRESS_MIN_ITEMS or not stream.isatty() or os.environ.get("TERM") == "dumb":
        yield lambda advance: None
        return
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console(stream),
        transient=True,
    )
    with bar:
        task = bar.add_task(escaped(label), total=total)
        yield lambda advance: bar.advance(task, advance)


# The views of summary, its timeline and the comparisons, from their modules.
from matrix.terminal.periods import PERIOD_NAMES, PERIOD_TOPIC_WIDTH, period_view
from matrix.terminal.summary import (
    CONTRAST_TOPIC_WIDTH,
    EMPTY,
    SHORT_APPROACH,
    TOPIC_MIN_WIDTH,
    TOPIC_WIDTH,
    TOTALS_HEADINGS,
    Parts,
    approach_table,
    contrasts_table,
    stance_table,
    summary_view,
    totals_table,
)
from matrix.terminal.versions import NO_VALUE, VERDICT_STYLE, agreement_view, diff_view, shown_value

__all__ = [
    "CONTRAST_TOPIC_WIDTH",
    "EMPTY",
    "LEVEL_STYLE",
    "NO_VALUE",
    "PERIOD_NAMES",
    "PERIOD_TOPIC_WIDTH",
    "PROGRESS_MIN_ITEMS",
    "SHORT_APPROACH",
    "TOPIC_MIN_WIDTH",
    "TOPIC_WIDTH",
    "TOTALS_HEADINGS",
    "VERDICT_STYLE",
    "Parts",
    "agreement_view",
    "approach_table",
    "console",
    "contrasts_table",
    "coverage_view",
    "diff_view",
    "period_view",
    "problem_table",
    "problems_view",
    "progress",
    "shown_value",
    "stance_table",
    "summary_view",
    "text",
    "totals_table",
    "verdict",
]
