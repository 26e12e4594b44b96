"""The only rich import: reports and frames -> renderables. Never prints.

Every piece of user text goes in as `rich.text.Text` built from an escaped string, so
nothing a user typed is read as markup or reaches the terminal as an escape sequence.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from matrix.problems import Level, Problem, Report, escaped
from matrix.timeline import UNDATED, left_out

if TYPE_CHECKING:  # the validate path must not import pandas
    from matrix.agreement import Agreement, Disagreement
    from matrix.coverage import Coverage
    from matrix.diff import Diff
    from matrix.pivot import Analysis
    from matrix.timeline import Timeline

LEVEL_STYLE = {Level.ERROR: "bold red", Level.WARNING: "yellow"}


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """Output piped into a reader that stopped (`| head`): end as the CLI ends for any
        closed pipe (exit 0), not with rich's own SystemExit(1)."""
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise BrokenPipeError


def console(file: IO[str] | None = None, width: int | None = None, color: bool | None = None) -> Console:
    """A console for `file` (stdout by default): colour only on a terminal without NO_COLOR."""
    stream = file or sys.stdout
    if color is None:
        color = stream.isatty() and "NO_COLOR" not in os.environ
    return _Console(
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


def _net_style(net: float) -> str:
    if net > 1 / 3:
        return "green"
    if net < -1 / 3:
        return "red"
    return "yellow"


def _table() -> Table:
    return Table(box=box.SIMPLE_HEAD, pad_edge=False)


def _table_width(columns: Iterable[int]) -> int:
    """The width of a `_table()` whose columns are this wide: an edge each side, 3 between."""
    widths = list(columns)
    return sum(widths) + 2 + 3 * (len(widths) - 1)


def _cells(shown: Text) -> int:
    """The width of `shown` on a terminal: its widest line, in cells."""
    return max((line.cell_len for line in shown.split("\n")), default=0)


TOPIC_WIDTH = 30  # the widest a topic label is shown
TOPIC_MIN_WIDTH = 16  # a topic column narrower than this puts the values on two lines instead

# A table value in two parts: "first second" on one line, or on two lines when narrow.
Parts = tuple[Text, Text]


def _joined(parts: Parts, narrow: bool) -> Text:
    return Text("\n" if narrow else " ").join(parts)


def _topic(analysis: Analysis, topic: str, width: int = TOPIC_WIDTH) -> Text:
    """A topic's label on one line, shortened with an ellipsis to `width` cells (never wrapped)."""
    label = text(analysis.codebook.label("topics", topic))
    label.truncate(max(width, 1), overflow="ellipsis")
    return label


def _topic_width(width: int, columns: Iterable[int], widest: int) -> int:
    """What is left of `width` for the topic column beside `columns` (at most `widest`)."""
    return min(widest, width - _table_width([0, *columns]))


def _heading(name: str, narrow: bool) -> Text:
    """A column heading; narrow, broken after its hyphens (`India-` / `Russia`)."""
    return Text("\n").join(text(part) for part in name.replace("-", "-\n").split("\n")) if narrow else text(name)


EMPTY = "\u00b7"  # a middle dot marks a cell with no claims


def _matrix_rows(analysis: Analysis, render: Callable[[str, str], Parts | None], width: int) -> Table:
    """Topics x perspectives, each cell rendered by `render` (None: no claims, a dot). The
    values are never cut: where one line each leaves the topics too little room, they take
    two; the topic labels take what is left, shortened with an ellipsis."""
    found = {(t, p): render(t, p) for t in analysis.topics for p in analysis.perspectives}
    for narrow in (False, True):
        headings = [_heading(p, narrow) for p in analysis.perspectives]
        columns = [
            max([_cells(heading)] + [_cells(_joined(c, narrow)) for t in analysis.topics if (c := found[t, p])])
            for heading, p in zip(headings, analysis.perspectives, strict=True)
        ]
        topic_width = _topic_width(width, columns, TOPIC_WIDTH)
        if topic_width >= TOPIC_MIN_WIDTH:
            break
    table = _table()
    table.add_column("topic", no_wrap=True, overflow="ellipsis")
    for heading in headings:
        table.add_column(heading, justify="right", no_wrap=True)
    for topic in analysis.topics:
        cells = [found[topic, p] for p in analysis.perspectives]
        shown = [Text(EMPTY, style="dim") if c is None else _joined(c, narrow) for c in cells]
        table.add_row(_topic(analysis, topic, topic_width), *shown)
    return table


def stance_table(analysis: Analysis, width: int = 80) -> Table:
    """Topics x perspectives: '+conv/-div' and the net index, coloured by the index."""

    def render(topic: str, perspective: str) -> Parts | None:
        cell = analysis.stance_cell(topic, perspective)
        if cell is None:
            return None
        style = _net_style(cell.net)
        return Text(f"+{cell.convergence}/-{cell.divergence}", style=style), Text(f"{cell.net:+.2f}", style=style)

    return _matrix_rows(analysis, render, width)


SHORT_APPROACH = {"unilateral": "uni", "bilateral": "bi", "multilateral": "multi"}


def approach_table(analysis: Analysis, width: int = 80) -> Table:
    """Topics x perspectives: unilateral/bilateral/multilateral counts and the dominant one."""

    def render(topic: str, perspective: str) -> Parts | None:
        cell = analysis.approach_cell(topic, perspective)
        if cell is None:
            return None
        return Text("/".join(str(c) for c in cell.counts)), Text(SHORT_APPROACH.get(cell.dominant, "tie"), style="bold")

    return _matrix_rows(analysis, render, width)


def _net_text(prefix: str, net: float) -> Text:
    shown = text(prefix)
    shown.append(f"{net:+.2f}", style=_net_style(net))
    return shown


CONTRAST_TOPIC_WIDTH = 26


def contrasts_table(analysis: Analysis, top: int = 5, width: int = 80) -> Table:
    """The `top` contrasts: a column per side, or both sides in one column of two lines
    where that leaves the topics too little room."""
    rows = analysis.contrast_rows()[:top]
    sides = [(_net_text(f"{r.perspective_a} ", r.net_a), _net_text(f"{r.perspective_b} ", r.net_b)) for r in rows]
    gaps = [Text(f"{r.gap:.2f}", style="bold" if r.opposite else "") for r in rows]
    gap_width = max([3] + [g.cell_len for g in gaps])
    wide = [max([13] + [_cells(side[i]) for side in sides]) for i in (0, 1)]
    topic_width = _topic_width(width, [*wide, gap_width], CONTRAST_TOPIC_WIDTH)
    narrow = topic_width < TOPIC_MIN_WIDTH
    if narrow:
        both = max([12] + [_cells(_joined(side, True)) for side in sides])
        topic_width = _topic_width(width, [both, gap_width], CONTRAST_TOPIC_WIDTH)
    table = _table()
    table.add_column("topic", no_wrap=True, overflow="ellipsis")
    for heading in ["perspectives"] if narrow else ["perspective A", "perspective B"]:
        table.add_column(heading, no_wrap=True)
    table.add_column("gap", justify="right", no_wrap=True)
    for row, side, gap in zip(rows, sides, gaps, strict=True):
        shown = [_joined(side, True)] if narrow else list(side)
        table.add_row(_topic(analysis, row.topic, topic_width), *shown, gap)
    return table


TOTALS_HEADINGS = ("perspective", "sources", "claims", "conv", "div", "net")


def totals_table(analysis: Analysis, width: int = 80) -> RenderableType:
    """Per perspective: sources, claims, convergence, divergence, net index; a table, or
    where that does not fit `width`, a line per perspective (wrapped between words)."""
    rows = [
        (
            text(row.perspective),
            Text(str(row.sources)),
            Text(str(row.claims)),
            Text(str(row.convergence)),
            Text(str(row.divergence)),
            Text(EMPTY, style="dim") if row.net is None else Text(f"{row.net:+.2f}", style=_net_style(row.net)),
        )
        for row in analysis.total_rows()
    ]
    columns = [max([len(name)] + [row[i].cell_len for row in rows]) for i, name in enumerate(TOTALS_HEADINGS)]
    if _table_width(columns) > width:
        lines = []
        for perspective, sources, claims, conv, div, net in rows:
            counted = f" source{'s' * (sources.plain != '1')}, ", f" claim{'s' * (claims.plain != '1')}, +"
            line = Text.assemble(perspective, ": ", sources, counted[0], claims, counted[1], conv, "/-", div)
            lines.append(Text.assemble(line, ", net ", net))
        return Group(*lines)
    table = _table()
    for name in TOTALS_HEADINGS:
        table.add_column(name, justify="left" if name == "perspective" else "right")
    for row in rows:
        table.add_row(*row)
    return table


def summary_view(analysis: Analysis, top: int = 5, width: int = 80) -> RenderableType:
    """Stance, approach, top contrasts and totals, each under a one-line heading, laid out
    for `width` columns (at least 40): every value whole, topic labels shortened."""
    contrasts = analysis.contrast_rows()
    unit = "claims" if analysis.count == "claims" else "sources (each once per stance or approach in a cell)"
    sections: list[tuple[str, RenderableType]] = [
        (f"Stance: +convergence/-divergence {unit} and net index", stance_table(analysis, width)),
        (f"Approach: unilateral/bilateral/multilateral {unit} and the dominant one", approach_table(analysis, width)),
    ]
    if contrasts:
        heading = f"Top contrasts: {min(top, len(contrasts))} of {len(contrasts)} (bold gap: opposite sides)"
        sections.append((heading, contrasts_table(analysis, top, width)))
    sections.append(("Totals" if analysis.count == "claims" else "Totals (claims)", totals_table(analysis, width)))
    parts: list[RenderableType] = []
    for heading, table in sections:
        parts += [Text(heading, style="bold"), table]
    if analysis.filters.active:
        parts.append(text(f"filtered to {analysis.filters.describe()}", "dim"))
    if analysis.selection is not None:
        parts.append(text(left_out(analysis.time_range, analysis.selection), "dim"))
    return Group(*parts)


PERIOD_TOPIC_WIDTH = 24  # the widest a topic label is shown beside the periods
PERIOD_NAMES = {"year": "years", "quarter": "quarters", "month": "months", "window": "windows"}


def _period_heading(label: str) -> Text:
    """A period's label on two short lines: `2024` / `Q1`, `2024` / `03`, a window's first and
    last month; the undated column `un-` / `dated`."""
    if label == UNDATED:
        return Text("un-\ndated")
    if ".." in label:
        return Text("\n".join(label.split("..")))
    year, _, part = label.partition("-")
    return Text(f"{year}\n{part}" if part else year)


def _period_chunks(columns: list[str], room: int) -> list[list[str]]:
    """`columns` cut into runs that fit `room` cells (each column its width and one space)."""
    chunks: list[list[str]] = [[]]
    used = 0
    for column in columns:
        size = max(5, _cells(_period_heading(column))) + 1
        if chunks[-1] and used + size > room:
            chunks.append([])
            used = 0
        chunks[-1].append(column)
        used += size
    return chunks


def period_view(line: Timeline, label: Callable[[str, str], str], width: int = 80) -> RenderableType:
    """Per perspective, one row per topic with claims: its net index in each period that holds
    claims (a dot: none from this perspective), then Undated; periods wrapped to `width`."""
    held = [p.label for p in line.held_periods]
    columns = held + ([UNDATED] if line.has_undated else [])
    topic_width = min(PERIOD_TOPIC_WIDTH, max(12, width // 4))
    kind = PERIOD_NAMES[line.kind] + (", chosen from the dates" if line.chosen else "")
    parts: list[RenderableType] = [Text(f"Net index per period ({kind})", style="bold")]
    if not columns:
        parts.append(Text("no claims", style="dim"))
    for perspective in line.perspectives if columns else ():
        topics = [t for t in line.topics if any(line.cell(c, perspective, t) for c in columns)]
        parts.append(text(label("perspectives", perspective) + ("" if topics else ": no claims"), "bold"))
        for chunk in _period_chunks(columns, width - topic_width) if topics else ():
            table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=0)
            table.add_column("topic", no_wrap=True, overflow="ellipsis", width=topic_width)
            for column in chunk:
                heading = _period_heading(column)
                table.add_column(heading, justify="right", no_wrap=True, width=max(5, _cells(heading)))
            for topic in topics:
                nets = [line.net(column, perspective, topic) for column in chunk]
                shown = [
                    Text(EMPTY, style="dim") if n is None else Text(f"{n:+.2f}", style=_net_style(n)) for n in nets
                ]
                name = text(label("topics", topic))
                name.truncate(topic_width, overflow="ellipsis")
                table.add_row(name, *shown)
            parts.append(table)
    left = len(line.periods) - len(held)
    if left:
        parts.append(text(f"{left} of {len(line.periods)} periods hold no claims and are not shown", "dim"))
    if line.time_range.active:
        parts.append(text(left_out(line.time_range, line.selection), "dim"))
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


def _cell_text(cell: tuple[int, int, float] | None) -> Text:
    if cell is None:
        return Text(EMPTY, style="dim")
    return Text(f"+{cell[0]}/-{cell[1]} {cell[2]:+.2f}", style=_net_style(cell[2]))


def diff_view(diff: Diff) -> RenderableType:
    """Claims added, removed and recoded; matrix cells that moved; contrasts that came or went.
    One line, "no changes", when nothing changed."""
    title = f"{diff.old} → {diff.new}"
    if diff.empty:
        return text(f"no changes ({title})", "green")
    counts = f"{len(diff.added)} added, {len(diff.removed)} removed, {len(diff.changed)} changed" + (
        f", {len(diff.sources)} sources changed" if diff.sources else ""
    )
    parts: list[RenderableType] = [text(f"Changes: {counts} ({title})", "bold")]
    if diff.sources:
        table = _table()
        for name in ("source", "field", "old", "new"):
            table.add_column(name, overflow="fold")
        for source in diff.sources:
            for name, (old, new) in source.fields.items():
                note = f" ({source.moves} claims move)" if name == "perspective" and source.moves else ""
                table.add_row(text(source.id), text(name), text(old or EMPTY), text(f"{new or EMPTY}{note}"))
        parts += [Text("Sources", style="bold"), table]
    if diff.added or diff.removed:
        table = _table()
        for name in ("", "claim", "topic / stance", "at"):
            table.add_column(name, overflow="fold", no_wrap=name == "claim")
        renamed = {old: new for old, new in diff.renamed}
        for ref in diff.added:
            table.add_row(Text("+", style="green"), text(ref.id), text(f"{ref.topic} / {ref.stance}"), text(ref.at))
        for ref in diff.removed:
            what = text(ref.id)
            if ref.id in renamed:
                what.append_text(text(f" (renamed? {renamed[ref.id]} quotes the same passage)", "yellow"))
            table.add_row(Text("-", style="red"), what, text(f"{ref.topic} / {ref.stance}"), text(ref.at))
        parts += [Text("Claims added (+) and removed (-)", style="bold"), table]
    if diff.changed:
        table = _table()
        for name in ("claim", "what changed"):
            table.add_column(name, overflow="fold", no_wrap=name == "claim")
        for change in diff.changed:
            lines = [f"{name}: {old or EMPTY} → {new or EMPTY}" for name, (old, new) in change.fields.items()]
            if change.moved is not None:
                lines.append(f"moved: {change.moved[0]} → {change.moved[1]}")
            if change.passages is not None:
                lines.append("passages: " + change.marked)
            table.add_row(text(change.id), Text("\n").join(text(line) for line in lines))
        parts += [Text("Claims recoded, edited or moved", style="bold"), table]
    if diff.cells:
        table = _table()
        for name in ("topic", "perspective", "old", "new", "flag"):
            table.add_column(name, justify="right" if name in ("old", "new") else "left", overflow="fold")
        for cell in diff.cells:
            flag = text(cell.flag, "bold" if cell.flag != "changed" else "dim")
            table.add_row(text(cell.topic), text(cell.perspective), _cell_text(cell.old), _cell_text(cell.new), flag)
        parts += [Text("Matrix cells: +convergence/-divergence claims and net index", style="bold"), table]
    for heading, rows in (
        ("Contrasts appeared", diff.contrasts_appeared),
        ("Contrasts gone", diff.contrasts_disappeared),
    ):
        if rows:
            parts.append(Text(heading, style="bold"))
            parts += [
                text(
                    f"  {r['topic']}: {r['perspective_a']} {r['net_a']:+.2f} vs {r['perspective_b']} {r['net_b']:+.2f}"
                )
                for r in rows
            ]
    return Group(*parts)


VERDICT_STYLE = {"reliable": "green", "tentative": "yellow", "unreliable": "red", "n/a": "dim"}
NO_VALUE = "(none)"  # an absent approach or actor, as shown


def shown_value(value: object) -> str:
    """A coded value as shown: an absent optional field is '(none)'."""
    return NO_VALUE if value is None else str(value)


def agreement_view(result: Agreement) -> RenderableType:
    """The agreement per field, the sources compared, the confused values, the disagreements
    and the unmatched claims, each under a one-line heading."""
    compared = [s for s in result.sources if s.compared]
    heading = f"Agreement between {' and '.join(result.coders)}: {len(compared)} of {len(result.sources)} sources"
    parts: list[RenderableType] = [text(heading, "bold"), _fields_table(result)]
    parts += [text(f"{f.field}: n/a, {f.reliability.reason}", "dim") for f in result.fields if f.alpha is None]
    parts += [text(f"Sources (claims: {' / '.join(result.coders)})", "bold"), _sources_table(result)]
    parts += [text(f"not compared: {s.source} ({s.reason})", "dim") for s in result.sources if not s.compared]
    confusions = _confusions_table(result)
    if confusions is not None:
        parts += [Text("Values the coders confuse (coincidences off the diagonal)", style="bold"), confusions]
    count = len(result.disagreements)
    parts.append(
        Text(f"Where the coders part: {count} matched claim{'s' * (count != 1)} coded differently", style="bold")
    )
    parts += [_disagreement_text(d, result.coders) for d in result.disagreements]
    count = len(result.unmatched)
    parts.append(Text(f"Unmatched claims: {count} (no partner sharing half of the shorter passage)", style="bold"))
    for coded in result.unmatched:
        parts.append(text(f"{coded.at}  {result.coders[coded.coder]}"))
        line = text(f"{coded.claim.id}: ")
        line.append_text(_coding(coded.values, ()))
        parts.append(Padding(line, (0, 0, 0, 2)))
    return Group(*parts)


def _fields_table(result: Agreement) -> Table:
    table = _table()
    for name in ("field", "unit", "units", "agree", "alpha", "95% CI", "verdict"):
        table.add_column(name, justify="left" if name in {"field", "unit", "verdict"} else "right", no_wrap=True)
    for field in result.fields:
        r = field.reliability
        ci = r.ci
        table.add_row(
            text(field.field),
            text("sentences" if field.unit == "sentence" else "claims"),
            str(r.units),
            EMPTY if r.agreement is None else f"{r.agreement:.1%}",
            "n/a" if r.alpha is None else f"{r.alpha:.3f}",
            EMPTY if ci is None else f"[{ci.low:.3f}, {ci.high:.3f}]",
            Text(r.verdict, style=VERDICT_STYLE.get(r.verdict, "")),
        )
    return table


def _sources_table(result: Agreement) -> Table:
    table = _table()
    table.add_column("source", overflow="fold")
    for name in ("sentences", "claims", "matched"):
        table.add_column(name, justify="right", no_wrap=True)
    for source in result.sources:
        if source.compared:
            claims = " / ".join(str(n) for n in source.claims)
            table.add_row(text(source.source), str(source.sentences), claims, str(source.units))
    return table


def _confusions_table(result: Agreement) -> Table | None:
    rows = []
    for field in result.fields:
        r = field.reliability
        for i, counts in enumerate(r.coincidences):
            for j in range(i + 1, len(counts)):
                if counts[j]:
                    count = f"{counts[j]:g}" if counts[j] == int(counts[j]) else f"{counts[j]:.2f}"
                    values = f"{shown_value(r.values[i])} / {shown_value(r.values[j])}"
                    rows.append((text(field.field), text(values), count))
    if not rows:
        return None
    table = _table()
    table.add_column("field", no_wrap=True)
    table.add_column("values", overflow="fold")
    table.add_column("pairs", justify="right", no_wrap=True)
    for row in rows:
        table.add_row(*row)
    return table


_ABSENT = {"approach": "no approach", "actor": "no actor"}


def _coding(values: Sequence[object], differ: Sequence[str]) -> Text:
    """'topic, stance, approach, actor, confidence', the fields in `differ` in bold."""
    from matrix.agreement import CLAIM_FIELDS

    shown = Text()
    for i, (field, value) in enumerate(zip(CLAIM_FIELDS, values, strict=True)):
        if i:
            shown.append(", ")
        word = _ABSENT.get(field, NO_VALUE) if value is None else str(value)
        shown.append_text(text(word, "bold" if field in differ else ""))
    return shown


def _disagreement_text(disagreement: Disagreement, coders: Sequence[str]) -> RenderableType:
    head = text(f"{disagreement.at}  ")
    head.append_text(text(f"differ on {', '.join(disagreement.fields)}", "bold"))
    lines: list[RenderableType] = [head]
    for coder, coded in zip(coders, disagreement.claims, strict=True):
        if coded is None:
            lines.append(Padding(text(f"{coder}: no claim", "dim"), (0, 0, 0, 2)))
            continue
        line = text(f"{coder}: ")
        line.append_text(_coding(coded.values, disagreement.fields))
        lines.append(Padding(line, (0, 0, 0, 2)))
        lines.append(Padding(text(f"{coded.claim.id}: “{coded.passage}”", "dim"), (0, 0, 0, 4)))
    return Group(*lines)
