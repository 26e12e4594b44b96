"""Claims tables as typed cells, from a CSV file (here) or a workbook (`matrix.workbook.reading`),
and the problems of an import, named by their cell: `FILE:Sheet!C7`, or `FILE:LINE` in a CSV.

A cell keeps its type (text, number, date, boolean, or a formula's text marked as one), so
that `matrix.authoring.importing` can report what a spreadsheet would silently convert. The `'` that
`export --format csv` puts before text starting with = + - @, a tab or a carriage return (so
that a spreadsheet shows it as text) is taken off again here.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from typing import NamedTuple

from matrix.model.problems import Catalogued
from matrix.model.terms import CSV_FORMULA_START

EMITS = ("import-unreadable",)

CellValue = str | int | float | bool | datetime.datetime | datetime.date | datetime.time | datetime.timedelta | None


class Cell(NamedTuple):
    """One cell as typed: `formula` when it holds a formula (then `value` is its text)."""

    value: CellValue
    formula: bool = False


class CellRef(NamedTuple):
    """Where a cell is: `FILE:Sheet!C7` in a workbook, `FILE:LINE` (the record's first line) in a CSV."""

    file: str
    sheet: str | None
    row: int
    column: int

    def __str__(self) -> str:
        if self.sheet is None:
            return f"{self.file}:{self.row}"
        if self.column == 0:  # the whole row, as Excel names it
            return f"{self.file}:{self.sheet}!{self.row}:{self.row}"
        return f"{self.file}:{self.sheet}!{column_letter(self.column)}{self.row}"


def column_letter(column: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True, order=True, slots=True)
class ImportProblem(Catalogued):
    """A problem of an import, at a cell (or a file: row 0). Sorts by place, then code."""

    where: CellRef
    code: str
    message: str = field(compare=False)
    hint: str = field(default="", compare=False)

    def __str__(self) -> str:
        where = f"{self.where.file}" if self.where.row == 0 else str(self.where)
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}: {self.level.value} {self.code}: {self.message}{hint}"


class Row(NamedTuple):
    number: int  # the sheet's row, or the CSV line the record starts on
    cells: tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """A claims table: its header and rows, as typed cells, from one file (and sheet)."""

    file: str
    sheet: str | None
    header: tuple[Cell, ...]
    rows: tuple[Row, ...]
    header_row: int = 1


def unprefixed(text: str) -> str:
    """`text` without the `'` that `export --format csv` puts before formula-like text."""
    return text[1:] if text.startswith("'") and text[1:].startswith(CSV_FORMULA_START) else text


def csv_table(file: str, data: bytes) -> Table | ImportProblem:
    """A CSV file as a table of text cells (empty: no value; the export's `'` taken off)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return ImportProblem(
            CellRef(file, None, line, 1),
            "import-unreadable",
            f"byte 0x{data[error.start]:02X} is not valid UTF-8",
            "save the table as CSV UTF-8 (in Excel: File > Save As > CSV UTF-8)",
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[Row] = []
    start = 1
    try:
        for record in reader:
            cells = tuple(Cell(unprefixed(v.replace("\r\n", "\n")) if v else None) for v in record)
            rows.append(Row(start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        return ImportProblem(CellRef(file, None, start, 1), "import-unreadable", f"not a CSV table: {error}")
    if not rows:
        return ImportProblem(CellRef(file, None, 0, 0), "import-unreadable", "the file is empty")
    return Table(file, None, rows[0].cells, tuple(rows[1:]), rows[0].number)
