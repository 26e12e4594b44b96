"""The published tables as a Frictionless data package: one CSV file per table and a
`datapackage.json` that describes them (Table Schema types, the vocabularies as `enum`
constraints, primary and foreign keys), with the input files' hashes and the tool's version.

Everything is made in memory first (`package_files`, pure) and then each file is written
atomically (`write_package`); the same inputs give the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from matrix.authoring.publish import Published, Table, Value
from matrix.files.paths import atomic_output

DESCRIPTOR = "datapackage.json"


def _cell(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def table_csv(table: Table) -> bytes:
    """The table as CSV (UTF-8, a header row, `\\n` line ends; an empty cell is no value)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.names)
    for row in table.rows:
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def _field(column: Any) -> dict[str, Any]:
    field: dict[str, Any] = {"name": column.name, "type": column.type, "description": column.description}
    if column.format:
        field["format"] = column.format
    constraints: dict[str, Any] = {}
    if column.required:
        constraints["required"] = True
    if column.enum:
        constraints["enum"] = list(column.enum)
    if column.pattern:  # Table Schema patterns match the whole value: no anchors
        constraints["pattern"] = column.pattern.removeprefix("^").removesuffix("$")
    if constraints:
        field["constraints"] = constraints
    return field


def _resource(table: Table) -> dict[str, Any]:
    """A resource: the CSV file of `table` and its Table Schema (no size or hash of the file: a
    package is meant to be edited and checked again; the inputs' hashes say what it was made from)."""
    return {
        "name": table.name,
        "path": f"{table.name}.csv",
        "title": table.title,
        "description": table.description,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {
            "fields": [_field(c) for c in table.columns],
            "primaryKey": list(table.primary_key),
            "foreignKeys": [
                {"fields": list(k.fields), "reference": {"resource": k.table, "fields": list(k.reference)}}
                for k in table.foreign_keys
            ],
            "missingValues": [""],
        },
    }


def descriptor(published: Published) -> dict[str, Any]:
    """`datapackage.json` for the CSV files of `published`."""
    return {
        "profile": "tabular-data-package",
        "name": "claims-matrix-evidence",
        "title": published.title,
        "description": "Hand-coded claims with their verbatim passages, the stance matrix and its contrasts.",
        "resources": [_resource(t) for t in published.tables],
        "claims_matrix": {
            "version": published.version,
            "inputs": [{"path": path, "sha256": digest} for path, digest in published.inputs.items()],
        },
    }


def package_files(published: Published) -> dict[str, bytes]:
    """File name -> bytes: each table's CSV, then the descriptor."""
    files = {f"{t.name}.csv": table_csv(t) for t in published.tables}
    text = json.dumps(descriptor(published), indent=2, ensure_ascii=False) + "\n"
    return {**files, DESCRIPTOR: text.encode("utf-8")}


def write_package(folder: Path, files: Mapping[str, bytes]) -> None:
    """Each file into `folder` (made if missing; its parent must exist), atomically."""
    folder.mkdir(exist_ok=True)
    for name, data in files.items():
        with atomic_output(folder / name) as handle:
            handle.write(data)
