"""The Timeline sheet: stance counts per period as a tidy table, beside it a topic x period
grid of net indexes per perspective (coloured like the Stance sheet), and below the grid a
small line chart per topic (net index -1 to +1, a line per perspective, gaps for periods
with no claims)."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference, Series
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.utils import get_column_letter

from matrix.model.terms import Unit
from matrix.model.values import Codebook
from matrix.model.wording import counted
from matrix.time.timeline import UNDATED, Timeline
from matrix.workbook.cells import BOLD, HEADER_FILL, NET_FORMAT, TITLE, WRAP, Sheet, excel_table, net_colour, solid
from matrix.workbook.charts import axis_labels, chart_title

TIMELINE_HEADERS = ("Period", "Perspective", "Topic", "Convergence", "Divergence", "Net index", "Claims")
TIDY_WIDTHS = (17, 14, 26, 12, 11, 10, 8)
GRID_COLUMN = len(TIDY_WIDTHS) + 2  # the grid's first column: after the table and an empty one
GRID_TOPIC_WIDTH = 40
FIRST_ROW = 7  # the table's header row, and the first grid block's
LINE_COLOURS = ("4472C4", "ED7D31", "7F7F7F", "FFC000", "5B9BD5", "70AD47", "9E480E", "264478")
CHART_WIDTH, CHART_HEIGHT = 12.0, 6.5  # cm
CHART_COLUMNS, CHART_ROWS = 8, 14  # the cells a chart and its margin cover
KIND_NAMES = {"year": "years", "quarter": "quarters", "month": "months"}


def shows_timeline(line: Timeline) -> bool:
    """A Timeline sheet is worth adding when claims fall in at least two periods."""
    return len(line.held_periods) >= 2


def _claims(number: int) -> str:
    return counted(number, "claim")


def _periods_line(line: Timeline) -> str:
    first, last = line.periods[0].label, line.periods[-1].label
    if line.window is not None:
        months, step = line.window
        return (
            f"Periods: {counted(len(line.periods), 'window')} of {counted(months, 'month')}, each {counted(step, 'month')}"
            f" after the last, {first} to {last}; a claim counts in every window holding its date."
        )
    chosen = " (chosen from the span of the dates; --period or --window to change)" if line.chosen else ""
    return f"Periods: {KIND_NAMES[line.kind]}, {first} to {last}{chosen}."


def _notes(line: Timeline) -> list[str]:
    unit = Unit(line.count).stance_wording
    notes = [
        _periods_line(line) + f" Counting {unit}.",
        (
            "A claim is dated by its own date:, else by its source's published date; a month or a year is"
            " placed on its first day (a comment on the Claims cell counts such dates wider than the period)."
        ),
    ]
    selection = line.selection
    if line.time_range.active:
        notes.append(
            f"Time range {line.time_range.describe()}: left out {_claims(selection.undated)} with no date, "
            f"{selection.before} before and {selection.after} after the range."
        )
    else:
        notes.append(
            f"Undated (no date of their own, none on their source): {_claims(line.undated)}, in the Undated rows."
        )
    return notes


def timeline_sheet(wb: Workbook, line: Timeline, codebook: Codebook) -> None:
    """Add the Timeline sheet for `line` (which must have periods)."""
    columns = [p.label for p in line.periods] + ([UNDATED] if line.has_undated else [])
    grid_widths = [GRID_TOPIC_WIDTH] + [max(9.0, len(label) + 1.0) for label in columns]
    sheet = Sheet(wb, "Timeline", [*TIDY_WIDTHS, 3, *grid_widths])
    sheet.append([sheet.cell("Positions over time: convergence and divergence per period", font=TITLE)])
    for note in _notes(line):
        sheet.append([note])
    while sheet.rows < FIRST_ROW - 1:
        sheet.append()
    left = _tidy_rows(sheet, line)
    right, grid_rows = _grid_rows(sheet, line, codebook, columns)
    gap = [None] * (GRID_COLUMN - 1 - len(TIMELINE_HEADERS))
    for index in range(max(len(left), len(right))):
        first = left[index] if index < len(left) else [None] * len(TIMELINE_HEADERS)
        sheet.append([*first, *gap, *(right[index] if index < len(right) else [])])
    excel_table(sheet, "Timeline", TIMELINE_HEADERS, FIRST_ROW, len(left) - 1)
    _charts(sheet, line, codebook, grid_rows, FIRST_ROW + len(right) + 1)


def _net_cell(sheet: Sheet, net: float | None) -> Any:
    if net is None:
        return None
    return sheet.cell(net, fmt=NET_FORMAT, fill=solid(net_colour(net)))


def _tidy_rows(sheet: Sheet, line: Timeline) -> list[list[Any]]:
    """The header, then a row per period, perspective and topic with claims (Undated last)."""
    rows: list[list[Any]] = [[sheet.cell(name, font=BOLD, fill=HEADER_FILL, align=WRAP) for name in TIMELINE_HEADERS]]
    for row in line.rows():
        cell = row.cell
        partial = None
        if cell.partial:
            partial = (
                f"{_claims(cell.partial)} dated by a month or a year wider than {row.period}, placed on its first day"
            )
        rows.append(
            [
                sheet.text(row.period),
                sheet.text(row.perspective),
                sheet.text(row.topic),
                cell.convergence,
                cell.divergence,
                _net_cell(sheet, cell.net),
                sheet.cell(cell.claims, comment=partial),
            ]
        )
    return rows


def _grid_rows(
    sheet: Sheet, line: Timeline, codebook: Codebook, columns: list[str]
) -> tuple[list[list[Any]], dict[tuple[str, str], int]]:
    """Per perspective, a header row (its label, the periods, Undated) and a row of net indexes
    per topic, then an empty row; and the sheet row of each (perspective, topic)."""
    rows: list[list[Any]] = []
    where: dict[tuple[str, str], int] = {}
    for perspective in line.perspectives:
        label = f"Net index: {codebook.label('perspectives', perspective)}"
        header = [sheet.cell(label, font=BOLD, fill=HEADER_FILL)]
        rows.append(header + [sheet.cell(column, font=BOLD, fill=HEADER_FILL, align=WRAP) for column in columns])
        for topic in line.topics:
            where[perspective, topic] = FIRST_ROW + len(rows)
            nets = [_net_cell(sheet, line.net(column, perspective, topic)) for column in columns]
            rows.append([sheet.cell(codebook.label("topics", topic)), *nets])
        rows.append([])
    return rows, where


def _charts(sheet: Sheet, line: Timeline, codebook: Codebook, where: dict[tuple[str, str], int], top: int) -> None:
    """A line chart per topic with dated claims, two abreast below the grid from row `top`."""
    first = GRID_COLUMN + 1
    last = first + len(line.periods) - 1
    categories = where[line.perspectives[0], line.topics[0]] - 1  # the first block's period labels
    dated = {(key[1], key[2]) for key in line.cells if key[0] != UNDATED}
    shown = 0
    for topic in line.topics:
        perspectives = [p for p in line.perspectives if (p, topic) in dated]
        if not perspectives:
            continue
        chart = _line_chart(codebook.label("topics", topic))
        for perspective in perspectives:
            row = where[perspective, topic]
            values = Reference(sheet.ws, min_col=first, max_col=last, min_row=row, max_row=row)
            series = Series(values, title=codebook.label("perspectives", perspective))
            colour = LINE_COLOURS[line.perspectives.index(perspective) % len(LINE_COLOURS)]
            series.graphicalProperties.line.solidFill = colour
            series.marker.symbol = "circle"  # a period between two gaps is a point, not a line
            series.marker.graphicalProperties.solidFill = colour
            series.marker.graphicalProperties.line.solidFill = colour
            series.smooth = False
            chart.series.append(series)
        labels = Reference(sheet.ws, min_col=first, max_col=last, min_row=categories, max_row=categories)
        for series in chart.series:  # the period labels are text: a string reference, not numbers
            series.cat = AxDataSource(strRef=StrRef(f=str(labels)))
        column = get_column_letter(GRID_COLUMN + (shown % 2) * CHART_COLUMNS)
        sheet.ws.add_chart(chart, f"{column}{top + (shown // 2) * CHART_ROWS}")
        shown += 1


def _line_chart(title: str) -> LineChart:
    """An empty line chart: net index from -1 to +1, empty cells as gaps (not zeros)."""
    chart = LineChart()
    chart.title = chart_title(title, CHART_WIDTH, largest=11)  # a small chart: at most 11 points
    chart.width, chart.height = CHART_WIDTH, CHART_HEIGHT
    chart.display_blanks = "gap"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = -1, 1
    chart.y_axis.majorUnit = 0.5
    chart.y_axis.number_format = "+0.0;-0.0;0"
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.x_axis.tickLblPos = "low"  # period labels below the chart, not across its zero line
    chart.legend.position = "b"
    axis_labels(chart.x_axis, points=8)
    axis_labels(chart.y_axis, points=8)
    return chart
