"""The tables of `summary`: stance, approach, contrasts, totals."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from matrix.analysis.palette import THIN_BELOW, THIN_MARK
from matrix.model.terms import Unit
from matrix.model.wording import counted
from matrix.terminal import cell_width, net_style, simple_table, table_width, text
from matrix.time.timeline import left_out

if TYPE_CHECKING:  # the validate path must not import pandas
    from matrix.analysis.findings import Finding, Findings
    from matrix.analysis.matrices import Contrast
    from matrix.analysis.pivot import Analysis


TOPIC_WIDTH = 30  # the width `_topic` cuts a label to when given none (the tables give theirs)
TOPIC_MIN_WIDTH = 16  # a topic column narrower than this puts the values on two lines instead

# A table value in parts: "first second" on one line, or a line each when narrow.
Parts = tuple[Text, ...]


def _joined(parts: Parts, narrow: bool) -> Text:
    return Text("\n" if narrow else " ").join(parts)


def _topic(analysis: Analysis, topic: str, width: int = TOPIC_WIDTH) -> Text:
    """A topic's label on one line, shortened with an ellipsis to `width` cells (never wrapped)."""
    label = text(analysis.codebook.label("topics", topic))
    label.truncate(max(width, 1), overflow="ellipsis")
    return label


def _topic_width(width: int, columns: Iterable[int], widest: int) -> int:
    """What is left of `width` for the topic column beside `columns` (at most `widest`)."""
    return min(widest, width - table_width([0, *columns]))


def _widest_label(analysis: Analysis, topics: Iterable[str]) -> int:
    """The widest of the labels of `topics`, in cells: the topic column is never wider, and
    labels are cut only when the width leaves it less (the table-width rule)."""
    return max((text(analysis.codebook.label("topics", t)).cell_len for t in topics), default=1)


def _heading(name: str, narrow: bool) -> Text:
    """A column heading; narrow, broken after its hyphens (`India-` / `Russia`)."""
    return Text("\n").join(text(part) for part in name.replace("-", "-\n").split("\n")) if narrow else text(name)


EMPTY = "\u00b7"  # a middle dot marks a cell with no claims


def _matrix_rows(analysis: Analysis, render: Callable[[str, str], Parts | None], width: int) -> Table:
    """Topics x perspectives, each cell rendered by `render` (None: no claims, a dot). The
    values are never cut: where one line each leaves the topics too little room, they take
    two; the topic labels take what is left, shortened with an ellipsis."""
    found = {(t, p): render(t, p) for t in analysis.topics for p in analysis.perspectives}
    widest = max(_widest_label(analysis, analysis.topics), len("topic"))
    for narrow in (False, True):
        headings = [_heading(p, narrow) for p in analysis.perspectives]
        columns = [
            max([cell_width(heading)] + [cell_width(_joined(c, narrow)) for t in analysis.topics if (c := found[t, p])])
            for heading, p in zip(headings, analysis.perspectives, strict=True)
        ]
        topic_width = _topic_width(width, columns, widest)
        if topic_width >= min(TOPIC_MIN_WIDTH, widest):
            break
    table = simple_table()
    table.add_column("topic", no_wrap=True, overflow="ellipsis")
    for heading in headings:
        table.add_column(heading, justify="right", no_wrap=True)
    for topic in analysis.topics:
        cells = [found[topic, p] for p in analysis.perspectives]
        shown = [Text(EMPTY, style="dim") if c is None else _joined(c, narrow) for c in cells]
        table.add_row(_topic(analysis, topic, topic_width), *shown)
    return table


FORECAST_MARK = "\u25b2"  # a cell that rests on forecasts


def codes_voice(analysis: Analysis) -> bool:
    """Whether the shown claims code voice (then the stance cells say how many are the writer's)."""
    return analysis.codes_voice


def stance_table(analysis: Analysis, width: int = 80) -> Table:
    """Topics x perspectives: '+conv/-div' and the net index, coloured by the index; where the
    claims code voice, then 'w2' (claims in the writer's voice), marked when the cell rests on forecasts."""
    voiced = codes_voice(analysis)

    def render(topic: str, perspective: str) -> Parts | None:
        cell = analysis.stance_cell(topic, perspective)
        if cell is None:
            return None
        style = net_style(cell.net)
        mark = THIN_MARK if cell.thin else " "  # a space: the numbers stay aligned
        shown = (
            Text(f"+{cell.convergence}/-{cell.divergence}", style=style),
            Text(f"{cell.net:+.2f}{mark}", style=style),
        )
        voices = analysis.voice_cell(topic, perspective)
        if voiced and voices is not None:
            mark = FORECAST_MARK if voices.rests_on_forecasts else ""
            return (*shown, Text(f"w{voices.writer}{mark}", style="bold" if mark else "dim"))
        return shown

    return _matrix_rows(analysis, render, width)


SHORT_APPROACH = {"unilateral": "uni", "bilateral": "bi", "multilateral": "multi"}
NO_DOMINANT = "\u2014"  # no dominant approach: most claims of the cell specify none


def approach_table(analysis: Analysis, width: int = 80) -> Table:
    """Topics x perspectives: unilateral/bilateral/multilateral counts and the dominant one."""

    def render(topic: str, perspective: str) -> Parts | None:
        cell = analysis.approach_cell(topic, perspective)
        if cell is None:
            return None
        dominant = SHORT_APPROACH.get(cell.dominant, "tie") if cell.dominant else NO_DOMINANT
        counts = "/".join(str(c) for c in cell.counts)
        return Text(counts), Text(f"?{cell.unspecified}"), Text(dominant, style="bold" if cell.dominant else "dim")

    return _matrix_rows(analysis, render, width)


def _net_text(prefix: str, net: float) -> Text:
    shown = text(prefix)
    shown.append(f"{net:+.2f}", style=net_style(net))
    return shown


CONTRAST_TOPIC_WIDTH = 26  # no longer a cap: the contrasts' labels take the room there is


def ranked_contrasts(analysis: Analysis, found: Findings | None = None) -> list[tuple[Contrast, bool]]:
    """The contrasts with whether each is strong (neither side thin; `found`'s pairs, else
    the cells' counts): strong first, then by gap, as the Contrasts sheet ranks them."""
    strength = {} if found is None else {(p.topic, p.a.perspective, p.b.perspective): p.strong for p in found.pairs}

    def strong(row: Contrast) -> bool:
        known = strength.get((row.topic, row.perspective_a, row.perspective_b))
        if known is not None:
            return known
        cells = (analysis.stance_cell(row.topic, row.perspective_a), analysis.stance_cell(row.topic, row.perspective_b))
        return not any(cell is None or cell.thin for cell in cells)

    rows = [(row, strong(row)) for row in analysis.contrast_rows()]
    return sorted(rows, key=lambda item: not item[1])  # stable: by gap within each


def contrasts_table(analysis: Analysis, top: int = 5, width: int = 80, found: Findings | None = None) -> Table:
    """The `top` contrasts, strong first (a thin one's gap marked): a column per side, or both
    sides in one column of two lines where that leaves the topics too little room."""
    ranked = ranked_contrasts(analysis, found)[:top]
    rows = [row for row, _ in ranked]
    sides = [(_net_text(f"{r.perspective_a} ", r.net_a), _net_text(f"{r.perspective_b} ", r.net_b)) for r in rows]
    gaps = [
        Text(f"{r.gap:.2f}{' ' if strong else THIN_MARK}", style="bold" if r.opposite else "") for r, strong in ranked
    ]
    gap_width = max([3] + [g.cell_len for g in gaps])
    wide = [max([13] + [cell_width(side[i]) for side in sides]) for i in (0, 1)]
    widest = max(_widest_label(analysis, [r.topic for r in rows]), len("topic"))
    topic_width = _topic_width(width, [*wide, gap_width], widest)
    narrow = topic_width < min(TOPIC_MIN_WIDTH, widest)
    if narrow:
        both = max([12] + [cell_width(_joined(side, True)) for side in sides])
        topic_width = _topic_width(width, [both, gap_width], widest)
    table = simple_table()
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
            Text(EMPTY, style="dim") if row.net is None else Text(f"{row.net:+.2f}", style=net_style(row.net)),
        )
        for row in analysis.total_rows()
    ]
    columns = [max([len(name)] + [row[i].cell_len for row in rows]) for i, name in enumerate(TOTALS_HEADINGS)]
    if table_width(columns) > width:
        lines = []
        for perspective, sources, claims, conv, div, net in rows:
            line = Text.assemble(perspective, ": ", counted(int(sources.plain), "source"), ", ")
            line.append_text(Text.assemble(counted(int(claims.plain), "claim"), ", +", conv, "/-", div))
            lines.append(Text.assemble(line, ", net ", net))
        return Group(*lines)
    table = simple_table()
    for name in TOTALS_HEADINGS:
        table.add_column(name, justify="left" if name == "perspective" else "right")
    for row in rows:
        table.add_row(*row)
    return table


def _finding_lines(items: list[Finding]) -> Table:
    """A bullet a finding, its text wrapped between words under its first word (a thin one dim)."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for finding in items:
        grid.add_row("-", text(finding.text, "" if finding.strong else "dim"))
    return grid


def findings_view(found: Findings, width: int = 80) -> RenderableType:
    """The key findings, a heading per kind and a line each (wrapped between words); of each
    kind but the caveats the first few, with how many more."""
    from matrix.analysis.findings import HEADINGS

    parts: list[RenderableType] = [Text("Key findings", style="bold underline")]
    for kind, items, more in found.first_screen():
        parts.append(Text(HEADINGS[kind], style="bold"))
        parts.append(_finding_lines(items))
        if more:
            parts.append(Text(f"  and {more} more (summary --format json lists them all)", style="dim"))
    if len(parts) == 1:
        parts.append(Text("no two perspectives with evidence on one topic"))
    parts.append(Text(""))
    return Group(*parts)


def _forecast_lines(analysis: Analysis) -> list[Text]:
    """One line per cell that rests on forecasts: where, and why."""
    lines = []
    for topic in analysis.topics:
        for perspective in analysis.perspectives:
            voices = analysis.voice_cell(topic, perspective)
            if voices is not None and voices.rests_on_forecasts:
                label = analysis.codebook.label("topics", topic)
                lines.append(text(f"{FORECAST_MARK} {perspective} \u00b7 {label}: {voices.reason()}"))
    return lines


def summary_view(analysis: Analysis, top: int = 5, width: int = 80, found: Findings | None = None) -> RenderableType:
    """The key findings (`found`, if given), then stance, approach, top contrasts and totals,
    each under a one-line heading, laid out for `width` columns (at least 40): every value
    whole, topic labels shortened."""
    contrasts = analysis.contrast_rows()
    unit = analysis.unit.wording
    sections: list[tuple[str, RenderableType]] = [
        (
            f"Stance: +convergence/-divergence {unit} and net index ({THIN_MARK}: thin, fewer than {THIN_BELOW})",
            stance_table(analysis, width),
        ),
    ]
    if codes_voice(analysis):
        note = f"w: writer's voice (assessment, forecast, recommendation); {FORECAST_MARK}: rests on forecasts"
        sections.append(("", text(note, "dim")))
    sections.append(
        (f"Approach: uni/bi/multilateral {unit}, ?unspecified, and the dominant one", approach_table(analysis, width))
    )
    sections.append(("", text(f"{NO_DOMINANT}: no dominant approach, most claims of the cell specify none", "dim")))
    if contrasts:
        heading = (
            f"Top contrasts: {min(top, len(contrasts))} of {len(contrasts)}, strong first"
            f" (bold gap: opposite sides; {THIN_MARK}: thin evidence)"
        )
        sections.append((heading, contrasts_table(analysis, top, width, found)))
    sections.append(("Totals" if analysis.unit is Unit.CLAIMS else "Totals (claims)", totals_table(analysis, width)))
    parts: list[RenderableType] = [] if found is None else [findings_view(found, width)]
    described = [
        text(f"{p}: {analysis.codebook.parties_text(p)}")
        for p in analysis.perspectives
        if analysis.codebook.parties_text(p)
    ]
    for heading, table in sections:
        parts += [Text(heading, style="bold"), table] if heading else [table, Text("")]
    flagged = _forecast_lines(analysis)
    if flagged:
        parts += [Text("Cells that rest on forecasts", style="bold"), *flagged]
    if described:
        parts += [*([Text("")] if flagged else []), Text("Perspectives: parties, voice", style="bold"), *described]
    if analysis.filters.active:
        parts.append(text(f"filtered to {analysis.filters.describe()}", "dim"))
    if analysis.selection is not None:
        parts.append(text(left_out(analysis.time_range, analysis.selection), "dim"))
    return Group(*parts)
