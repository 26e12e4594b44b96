"""Reading a workbook back for `import`: the Claims sheet (or a sheet's first table) as typed cells.

Cells come as openpyxl reads them without evaluating anything (`data_only=False`): a formula
is marked as one (never its cached result), numbers, dates and booleans keep their types, and
an empty cell is None, so that `matrix.authoring.importing` can tell each apart and report it.

A workbook is a zip of XML parts, and it is judged before openpyxl reads it: the sizes its zip
directory declares (in all, and how far each part unpacks: a zip bomb), how many parts it has,
whether a part starts with an XML document type (entity declarations), and each sheet's
declared dimension; then, while the rows are read, how many rows and columns there really are
(a dimension may be missing or lie). openpyxl parses the sheets with defusedxml (a runtime
dependency: it uses it when installed) and the other parts without resolving entities; a part
that is damaged, truncated or not XML is a problem, whatever openpyxl raises.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

from matrix.files.tables import Cell, CellRef, ImportProblem, Row, Table

CLAIMS_SHEET = "Claims"
MAX_UNPACKED = 512 * 1024 * 1024  # all the parts of a workbook, unpacked
MAX_RATIO = 100  # how many times a part may unpack (Apache POI's limit, 1%; a sheet of claims: some 10)
RATIO_FROM = 4 * 1024 * 1024  # ... once it is this large (small parts such as comment drawings pack better)
MAX_PARTS = 10_000
MAX_ROWS = 1_048_576  # a sheet's rows (Excel's limit)
MAX_COLUMNS = 256  # a claims table's columns (it has about 16)
_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=[\"']\$?([A-Za-z]{1,3})\$?([0-9]{1,7})(?::\$?([A-Za-z]{1,3})\$?([0-9]{1,7}))?"
)
_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_HINT = "save it from the spreadsheet as an Excel workbook (.xlsx), or export the sheet as CSV"


class _TooLarge(Exception):
    """A sheet read past MAX_ROWS or MAX_COLUMNS."""


def claims_sheet_table(data: bytes, name: str) -> Table | ImportProblem:
    """The workbook `data`'s Claims sheet (or, when it has none, its first sheet) as a table;
    `name` is how the file is named in problems. Nothing is loaded that `archive_problem` refuses."""
    refused = archive_problem(data, name)
    if refused is not None:
        return refused
    sheet_name = CLAIMS_SHEET
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            sheet_name = CLAIMS_SHEET if CLAIMS_SHEET in workbook.sheetnames else workbook.sheetnames[0]
            rows = list(_rows(workbook[sheet_name]))
        finally:
            workbook.close()
    except _TooLarge as error:
        return ImportProblem(CellRef(name, sheet_name, 0, 0), "import-unreadable", str(error), _HINT)
    except MemoryError:
        raise
    except Exception as error:  # noqa: BLE001 - openpyxl on a damaged or hostile file raises almost anything
        return ImportProblem(
            CellRef(name, None, 0, 0),
            "import-unreadable",
            f"not an Excel workbook (.xlsx) that can be read: {type(error).__name__}: {error}",
            _HINT,
        )
    if not rows:
        return ImportProblem(CellRef(name, sheet_name, 0, 0), "import-unreadable", f"sheet '{sheet_name}' is empty")
    return Table(name, sheet_name, rows[0].cells, tuple(rows[1:]), 1)


def _rows(sheet: Any) -> Iterator[Row]:
    """The sheet's rows that hold a cell (and the first), each without its empty cells at the
    end; _TooLarge past MAX_ROWS rows or MAX_COLUMNS columns, whatever its dimension says."""
    sheet.reset_dimensions()  # rows as wide as their last cell, a missing row empty: nothing padded
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        if number > MAX_ROWS:
            raise _TooLarge(f"the sheet goes past row {MAX_ROWS:,}")
        if len(cells) > MAX_COLUMNS:
            raise _TooLarge(
                f"row {number} has cells past column {MAX_COLUMNS} (to column {len(cells):,}); "
                "a claims table has about 16 columns"
            )
        values = [_cell(c) for c in cells]
        while values and values[-1] == Cell(None):
            values.pop()
        if values or number == 1:
            yield Row(number, tuple(values))


def archive_problem(data: bytes, name: str) -> ImportProblem | None:
    """Why the workbook `data` is not loaded, from its zip directory and the first bytes of
    its parts: too large unpacked, a part that unpacks too far, too many parts, a document
    type, a sheet dimension past MAX_ROWS or MAX_COLUMNS; None when it may be loaded."""

    def problem(message: str) -> ImportProblem:
        return ImportProblem(CellRef(name, None, 0, 0), "import-unreadable", message, _HINT)

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_PARTS:
                return problem(f"the workbook has {len(parts):,} parts; the limit is {MAX_PARTS:,}")
            unpacked = sum(part.file_size for part in parts)
            if unpacked > MAX_UNPACKED:
                return problem(f"the workbook unpacks to {unpacked:,} bytes; the limit is {MAX_UNPACKED:,}")
            for part in parts:
                if part.file_size > RATIO_FROM and part.file_size > MAX_RATIO * max(part.compress_size, 1):
                    return problem(
                        f"the part {part.filename!r} unpacks {part.file_size // max(part.compress_size, 1):,} times "
                        f"its size (at most {MAX_RATIO} for a workbook): a zip bomb?"
                    )
            for part in parts:
                if part.filename.endswith((".xml", ".rels", ".vml")) and part.file_size:
                    with archive.open(part) as member:
                        head = member.read(64 * 1024)
                    if _DOCTYPE.search(head):
                        return problem(
                            f"the part {part.filename!r} declares a document type or entities, which a workbook never does"
                        )
                    wide = _too_wide(head)
                    if wide:
                        return problem(f"the sheet {part.filename!r} {wide}")
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError) as error:
        return problem(f"not an Excel workbook (.xlsx) that can be read: {error}")
    except Exception as error:  # noqa: BLE001 - zlib and zipfile on a hostile file
        return problem(f"not an Excel workbook (.xlsx) that can be read: {type(error).__name__}: {error}")
    return None


def _too_wide(head: bytes) -> str:
    """What is wrong with the dimension a sheet's first bytes declare ('' when nothing is)."""
    found = _DIMENSION.search(head)
    if found is None:
        return ""
    last_column, last_row = (found.group(3), found.group(4)) if found.group(3) else (found.group(1), found.group(2))
    columns, rows = column_index_from_string(last_column.decode().upper()), int(last_row)
    if rows > MAX_ROWS:
        return f"declares cells down to row {rows:,} ({last_column.decode()}{rows}); a sheet has at most {MAX_ROWS:,}"
    if columns > MAX_COLUMNS:
        return (
            f"declares cells to column {last_column.decode()} ({columns:,} columns, to "
            f"{last_column.decode()}{rows}); a claims table has at most {MAX_COLUMNS}"
        )
    return ""


def _cell(cell: Any) -> Cell:
    """A cell as typed; a formula as its text (an array formula's too), marked as a formula."""
    if getattr(cell, "data_type", None) == "f":
        value = cell.value
        return Cell(value if isinstance(value, str) else str(getattr(value, "text", value)), True)
    return Cell(cell.value)
