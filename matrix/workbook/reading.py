"""Reading a workbook back for `import`: the Claims sheet (or a sheet's first table) as typed cells.

Cells come as openpyxl reads them without evaluating anything (`data_only=False`): a formula
is marked as one (never its cached result), numbers, dates and booleans keep their types, and
an empty cell is None, so that `matrix.authoring.importing` can tell each apart and report it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from matrix.files.tables import Cell, CellRef, ImportProblem, Row, Table

CLAIMS_SHEET = "Claims"


def claims_sheet_table(path: Path, name: str) -> Table | ImportProblem:
    """The workbook's Claims sheet (or, when it has none, its first sheet) as a table;
    `name` is how the file is named in problems."""
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except (OSError, zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as error:
        return ImportProblem(
            CellRef(name, None, 0, 0),
            "import-unreadable",
            f"not an Excel workbook (.xlsx) that can be read: {error}",
            "save it from the spreadsheet as an Excel workbook (.xlsx), or export the sheet as CSV",
        )
    try:
        sheet_name = CLAIMS_SHEET if CLAIMS_SHEET in workbook.sheetnames else workbook.sheetnames[0]
        sheet = workbook[sheet_name]
        rows = [Row(number, tuple(_cell(c) for c in cells)) for number, cells in enumerate(sheet.iter_rows(), start=1)]
    finally:
        workbook.close()
    if not rows:
        return ImportProblem(CellRef(name, sheet_name, 0, 0), "import-unreadable", f"sheet '{sheet_name}' is empty")
    return Table(name, sheet_name, rows[0].cells, tuple(rows[1:]), 1)


def _cell(cell: Any) -> Cell:
    """A cell as typed; a formula as its text (an array formula's too), marked as a formula."""
    if getattr(cell, "data_type", None) == "f":
        value = cell.value
        return Cell(value if isinstance(value, str) else str(getattr(value, "text", value)), True)
    return Cell(cell.value)
