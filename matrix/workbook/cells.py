"""Cells and styles: the shared fonts, fills and alignments, and `Sheet`, which builds one
write-only sheet row by row (every text a text cell, formula-like text with the quote prefix)."""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Iterable, Sequence
from copy import copy
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from matrix.analysis.palette import THIN_MARK, cell_colour, hatch_colour, is_thin, net_colour
from matrix.model.terms import FORMULA_START
from matrix.workbook.comments import Note, text_note
from matrix.workbook.printing import print_fit
from matrix.workbook.tabs import tab_colour

__all__ = ["net_colour"]  # the scale lives in matrix.analysis.palette, shared with the HTML brief

NET_FORMAT = "+0.00;-0.00;0.00"

THIN_NET_FORMAT = f'+0.00"{THIN_MARK}";-0.00"{THIN_MARK}";0.00"{THIN_MARK}"'  # a thin cell's net index, marked

HEADER_FILL = PatternFill("solid", fgColor="DDE3EA")

BOLD = Font(bold=True)

TITLE = Font(bold=True, size=14)

WRAP = Alignment(wrap_text=True, vertical="top")

TOP = Alignment(vertical="top")

CENTER = Alignment(horizontal="center", vertical="top")

THIN = Side(style="thin", color="A0A0A0")

GROUP_EDGE = Border(left=THIN)


@functools.cache
def solid(colour: str) -> PatternFill:
    """A solid fill of `colour` (RRGGBB), one object per colour: cells that share it share one style."""
    return PatternFill("solid", fgColor=colour)


THIN_PATTERN = "lightUp"  # thin diagonal lines: the hatch of a thin cell


@functools.cache
def hatched(colour: str) -> PatternFill:
    """`colour` (RRGGBB) under thin diagonal lines of a darker shade of it: a pattern fill's
    background is its bgColor, the lines its fgColor."""
    return PatternFill(THIN_PATTERN, fgColor=hatch_colour(colour), bgColor=colour)


def stance_fill(net: float, units: int) -> PatternFill:
    """A matrix cell's fill on the diverging scale, the hue of its net index; hatched (never
    lighter) when `units` is thin evidence."""
    colour = cell_colour(net, units)
    return hatched(colour) if is_thin(units) else solid(colour)


def net_format(units: int) -> str:
    """The number format of a net index backed by `units`: marked when thin."""
    return THIN_NET_FORMAT if is_thin(units) else NET_FORMAT


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def cell_value(value: Any) -> Any:
    """A cell-ready Python value: None for missing, int/float for numbers."""
    if blank(value):
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


class Sheet:
    """Builds one write-only sheet row by row."""

    def __init__(
        self,
        wb: Workbook,
        title: str,
        widths: Sequence[float] = (),
        freeze: str | None = None,
        titles: str | None = None,
    ) -> None:
        """`freeze`: the top-left cell that scrolls (headers above it and the columns left of it
        stay); `titles`: the rows printed atop every page ("1:2"; default: the frozen rows)."""
        self.ws = wb.create_sheet(title)
        self.ws.sheet_properties.tabColor = tab_colour(title)  # before any row, as the view below
        self.ws.freeze_panes = freeze  # before any row: write-only sheets write their view first
        print_fit(self.ws, titles or _frozen_rows(freeze))
        for index, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        self.widths = tuple(widths)
        self.rows = 0
        # style -> the cell style it makes, worked out once: registering a style with the workbook
        # hashes every attribute of it, for each cell (the style objects are kept, so their ids stay theirs)
        self._styles: dict[tuple[Any, ...], tuple[Any, tuple[Any, ...]]] = {}

    def cell(
        self,
        value: Any,
        *,
        font: Font | None = None,
        fill: PatternFill | None = None,
        align: Alignment | None = None,
        fmt: str | None = None,
        comment: str | Note | None = None,
        link: str | None = None,
        border: Border | None = None,
    ) -> WriteOnlyCell:
        value = cell_value(value)
        cell = WriteOnlyCell(self.ws, value)
        prefix = False
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever it starts with
            prefix = value.startswith(FORMULA_START)
        key = (id(font), id(fill), id(align), fmt, id(border), prefix)
        known = self._styles.get(key)
        if known is not None:
            cell._style = copy(known[0])
        else:
            cell.quotePrefix = prefix
            if font is not None:
                cell.font = font
            if fill is not None:
                cell.fill = fill
            cell.alignment = TOP if align is None else align  # every cell top-aligned: rows read from the top
            if fmt is not None:
                cell.number_format = fmt
            if border is not None:
                cell.border = border
            self._styles[key] = (copy(cell._style), (font, fill, align, border))
        if comment:
            # sized by its wrapped lines, so that nothing is hidden (comments.Note)
            fitted = text_note(comment) if isinstance(comment, str) else comment
            note = Comment(fitted.text, "claims-matrix")
            note.width, note.height = fitted.width, fitted.height
            cell.comment = note
        if link:
            cell.hyperlink = Hyperlink(ref="", location=link)
        return cell

    def text(self, value: Any) -> Any:
        """A bare value for a row: strings that Excel could misread get a text cell."""
        value = cell_value(value)
        if isinstance(value, str) and value.startswith(FORMULA_START):
            return self.cell(value)
        return value

    def append(self, row: Iterable[Any] = (), lines: int | None = None) -> int:
        """Add a row, tall enough for its wrapped text (spreadsheets do not fit heights on open),
        or `lines` tall when given (cells merged across columns); bare values become top-aligned cells."""
        values = [v if isinstance(v, Cell) else self.cell(v) for v in row]
        if lines is None:
            lines = max(
                (
                    wrapped_lines(cell.value, self.widths[i] if i < len(self.widths) else 10)
                    for i, cell in enumerate(values)
                    if isinstance(cell, Cell) and cell.alignment.wrap_text and isinstance(cell.value, str)
                ),
                default=1,
            )
        if lines > 1:
            self.ws.row_dimensions[self.rows + 1].height = LINE_HEIGHT * lines
        self.ws.append(values)
        self.rows += 1
        return self.rows

    def header(self, names: Iterable[str]) -> int:
        return self.append(self.cell(n, font=BOLD, fill=HEADER_FILL, align=WRAP) for n in names)


def _frozen_rows(freeze: str | None) -> str | None:
    """The rows above a freeze cell ("B3" -> "1:2"), or None."""
    row = int("".join(c for c in freeze or "" if c.isdigit()) or 1)
    return f"1:{row - 1}" if row > 1 else None


LINE_HEIGHT = 15  # points per line of 11-point text


def wrapped_lines(text: str, width: float) -> int:
    """About how many lines `text` takes wrapped in a column `width` characters wide."""
    chars = max(1, int(width * 1.1))
    return sum(max(1, math.ceil(len(part) / chars)) for part in text.split("\n"))


def style_id(
    ws: Any,
    align: Alignment | None = None,
    prefix: bool = False,
    fmt: str | None = None,
    fill: PatternFill | None = None,
) -> int:
    """The workbook's xf index for a cell style, registered if new."""
    cell = WriteOnlyCell(ws, None)
    if align is not None:
        cell.alignment = align
    cell.quotePrefix = prefix
    if fmt is not None:
        cell.number_format = fmt
    if fill is not None:
        cell.fill = fill
    return int(cell.style_id)


def excel_table(sheet: Sheet, name: str, headers: Sequence[str], header_row: int, rows: int) -> None:
    """An Excel table (autofilter, striped rows) named `name` over `headers` in column A on,
    from `header_row` down over `rows` rows (none: one empty row, as Excel's tables span)."""
    ref = f"A{header_row}:{get_column_letter(len(headers))}{header_row + max(rows, 1)}"
    table = Table(displayName=name, ref=ref, autoFilter=AutoFilter(ref=ref))
    table.tableColumns = [TableColumn(id=i, name=header) for i, header in enumerate(headers, start=1)]
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    with warnings.catch_warnings():  # "add table columns manually": done above
        warnings.simplefilter("ignore", UserWarning)
        sheet.ws.add_table(table)
