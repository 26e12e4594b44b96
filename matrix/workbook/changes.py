"""The Changes workbook of `claims-matrix diff`: Claims (each change of a claim, old and new side
by side), Cells (every matrix cell that moved, flagged) and Sources, changes coloured."""

from __future__ import annotations

import contextlib
import functools
from pathlib import Path

from openpyxl import Workbook

from matrix.analysis.diff import Diff
from matrix.model.terms import PASSAGE_SEPARATOR
from matrix.workbook.archive import Prerendered, write_sheets
from matrix.workbook.cells import NET_FORMAT, TOP, WRAP, Sheet, solid

PASSAGES = PASSAGE_SEPARATOR
CHANGE_FILLS = {
    "added": "C6EFCE",
    "removed": "FFC7CE",
    "recoded": "FFEB9C",
    "edited": "FFEB9C",
    "moved": "DDEBF7",
    "renamed?": "DDEBF7",
}
FLAG_FILLS = {"new": "C6EFCE", "emptied": "FFC7CE", "sign flipped": "F4B084", "changed": "FFEB9C"}
ChangeRow = tuple[str, str, str, str | None, str | None, str]


def change_rows(diff: Diff) -> list[ChangeRow]:
    """(claim, change, field, old, new, at) for every change of a claim, in the Diff's order."""
    rows: list[ChangeRow] = []
    renamed = dict(diff.renamed)
    for ref in diff.added:
        rows.append((ref.id, "added", "passages", None, PASSAGES.join(ref.passages), ref.at))
    for ref in diff.removed:
        partner = renamed.get(ref.id)
        change = "removed" if partner is None else "renamed?"
        rows.append((ref.id, change, "passages", PASSAGES.join(ref.passages), partner, ref.at))
    for claim in diff.changed:
        for name, (old, new) in claim.fields.items():
            rows.append((claim.id, "recoded", name, old, new, claim.at))
        if claim.passages is not None:
            before, after = (PASSAGES.join(p) for p in claim.passages)
            rows.append((claim.id, "edited", "passages", before, after, claim.at))
        if claim.moved is not None:
            rows.append((claim.id, "moved", "file (source)", claim.moved[0], claim.moved[1], claim.at))
    return rows


def _sheets(wb: Workbook, stack: contextlib.ExitStack, *, diff: Diff) -> dict[str, Prerendered]:
    claims = Sheet(wb, "Claims", (30, 12, 14, 50, 50, 34), freeze="B2")
    claims.header(("claim", "change", "field", "old", "new", "at"))
    for claim, change, field, old, new, at in change_rows(diff):
        fill = solid(CHANGE_FILLS[change])
        claims.append(
            [
                claims.cell(claim, align=TOP),
                claims.cell(change, fill=fill, align=TOP),
                claims.cell(field, align=TOP),
                claims.cell(old, align=WRAP),
                claims.cell(new, align=WRAP, fill=fill),
                claims.cell(at, align=TOP),
            ]
        )
    cells = Sheet(wb, "Cells", (30, 16, 10, 10, 10, 10, 10, 10, 14), freeze="C2")
    cells.header(("topic", "perspective", "old conv", "old div", "old net", "new conv", "new div", "new net", "flag"))
    for cell in diff.cells:
        before, after = cell.old or (None, None, None), cell.new or (None, None, None)
        cells.append(
            [
                cells.text(cell.topic),
                cells.text(cell.perspective),
                before[0],
                before[1],
                cells.cell(before[2], fmt=NET_FORMAT),
                after[0],
                after[1],
                cells.cell(after[2], fmt=NET_FORMAT),
                cells.cell(cell.flag, fill=solid(FLAG_FILLS[cell.flag])),
            ]
        )
    sources = Sheet(wb, "Sources", (30, 16, 40, 40, 12), freeze="B2")
    sources.header(("source", "field", "old", "new", "claims moved"))
    for source in diff.sources:
        for name, (was, now) in source.fields.items():
            moves = source.moves if name == "perspective" else None
            sources.append([sources.text(source.id), name, sources.text(was), sources.text(now), moves])
    return {}


def write_changes(diff: Diff, out: Path) -> None:
    """The Changes workbook of `diff`, written atomically and reproducibly to `out`."""
    write_sheets(out, f"Changes {diff.old} -> {diff.new}", functools.partial(_sheets, diff=diff))
