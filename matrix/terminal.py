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

from matrix.problems import Level, Problem, Report, escaped

if TYPE_CHECKING:  # the validate path must not import pandas
    from matrix.coverage import Coverage
    from matrix.pivot import Analysis

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


def notice(message: str, style: str = "") -> Text:
    """A one-line message to the user, escaped."""
    return text(message, style)


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


def _net_style(net: float) -> str:
    if net > 1 / 3:
        return "green"
    if net < -1 / 3:
        return "red"
    return "yellow"


def _abbreviate(label: str, width: int) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def _table() -> Table:
    return Table(box=box.SIMPLE_HEAD, pad_edge=False)


def _matrix(analysis: Analysis) -> Table:
    table = _table()
    table.add_column("topic", overflow="fold", max_width=30)
    for perspective in analysis.perspectives:
        table.add_column(text(perspective), justify="right", no_wrap=True)
    return table


def _topic(analysis: Analysis, topic: str, width: int = 30) -> Text:
    return text(_abbreviate(analysis.codebook.label("topics", topic), width))


EMPTY = "\u00b7"  # a middle dot marks a cell with no claims


def _matrix_rows(analysis: Analysis, render: Callable[[str, str], Text | None]) -> Table:
    """Topics x perspectives, each cell rendered by `render` (None: no claims, a dot)."""
    table = _matrix(analysis)
    for topic in analysis.topics:
        cells = [render(topic, perspective) or Text(EMPTY, style="dim") for perspective in analysis.perspectives]
        table.add_row(_topic(analysis, topic), *cells)
    return table


def stance_table(analysis: Analysis) -> Table:
    """Topics x perspectives: '+conv/-div' and the net index, coloured by the index."""

    def render(topic: str, perspective: str) -> Text | None:
        cell = analysis.stance_cell(topic, perspective)
        if cell is None:
            return None
        return Text(f"+{cell.convergence}/-{cell.divergence} {cell.net:+.2f}", style=_net_style(cell.net))

    return _matrix_rows(analysis, render)


SHORT_APPROACH = {"unilateral": "uni", "bilateral": "bi", "multilateral": "multi"}


def approach_table(analysis: Analysis) -> Table:
    """Topics x perspectives: unilateral/bilateral/multilateral counts and the dominant one."""

    def render(topic: str, perspective: str) -> Text | None:
        cell = analysis.approach_cell(topic, perspective)
        if cell is None:
            return None
        shown = Text("/".join(str(c) for c in cell.counts) + " ")
        shown.append(SHORT_APPROACH.get(cell.dominant, "tie"), style="bold")
        return shown

    return _matrix_rows(analysis, render)


def _net_text(prefix: str, net: float) -> Text:
    shown = text(prefix)
    shown.append(f"{net:+.2f}", style=_net_style(net))
    return shown


def contrasts_table(analysis: Analysis, top: int = 5) -> Table:
    rows = analysis.contrast_rows()
    table = _table()
    table.add_column("topic", overflow="fold", max_width=26)
    table.add_column("perspective A", no_wrap=True)
    table.add_column("perspective B", no_wrap=True)
    table.add_column("gap", justify="right")
    for row in rows[:top]:
        table.add_row(
            _topic(analysis, row.topic, 26),
            _net_text(f"{row.perspective_a} ", row.net_a),
            _net_text(f"{row.perspective_b} ", row.net_b),
            Text(f"{row.gap:.2f}", style="bold" if row.opposite else ""),
        )
    return table


def totals_table(analysis: Analysis) -> Table:
    table = _table()
    for name in ("perspective", "sources", "claims", "conv", "div", "net"):
        table.add_column(name, justify="left" if name == "perspective" else "right")
    for row in analysis.total_rows():
        net = Text(EMPTY, style="dim") if row.net is None else Text(f"{row.net:+.2f}", style=_net_style(row.net))
        table.add_row(
            text(row.perspective), str(row.sources), str(row.claims), str(row.convergence), str(row.divergence), net
        )
    return table


def summary_view(analysis: Analysis, top: int = 5) -> RenderableType:
    """Stance, approach, top contrasts and totals, each under a one-line heading."""
    contrasts = analysis.contrast_rows()
    unit = "claims" if analysis.count == "claims" else "sources (each once per stance or approach in a cell)"
    sections: list[tuple[str, Table]] = [
        (f"Stance: +convergence/-divergence {unit} and net index", stance_table(analysis)),
        (f"Approach: unilateral/bilateral/multilateral {unit} and the dominant one", approach_table(analysis)),
    ]
    if contrasts:
        heading = f"Top contrasts: {min(top, len(contrasts))} of {len(contrasts)} (bold gap: opposite sides)"
        sections.append((heading, contrasts_table(analysis, top)))
    sections.append(("Totals" if analysis.count == "claims" else "Totals (claims)", totals_table(analysis)))
    parts: list[RenderableType] = []
    for heading, table in sections:
        parts += [Text(heading, style="bold"), table]
    if analysis.filters.active:
        parts.append(text(f"filtered to {analysis.filters.describe()}", "dim"))
    return Group(*parts)


def coverage_view(result: Coverage, limit: int) -> RenderableType:
    """Per-source coverage figures, then the best uncovered sentences with their cues."""
    per_source = _table()
    for name in ("source", "sentences", "covered", "share", "claims/1k words"):
        per_source.add_column(name, justify="left" if name == "source" else "right", overflow="fold")
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
        parts += [head, Padding(text(candidate.text), (0, 0, 1, 4))]
    return Group(*parts)


PROGRESS_MIN_ITEMS = 200  # below this much work a progress bar would only flash


@contextlib.contextmanager
def progress(label: str, total: int, stream: IO[str] | None = None) -> Iterator[Callable[[int], None]]:
    """A transient progress bar on stderr for long work; a no-op when not a terminal."""
    stream = stream or sys.stderr
    if total < PROGRESS_MIN_ITEMS or not stream.isatty() or os.environ.get("TERM") == "dumb":
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
