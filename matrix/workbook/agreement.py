"""The workbook of `claims-matrix agree --out`: the sheets Agreement (the table per field,
verdicts coloured, and the sources), Coincidences (a matrix per field) and Disagreements (the
matched claims coded differently, side by side, then the unmatched claims), written by the
same atomic, reproducible writer as the main workbook (`archive.write_sheets`)."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Hashable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import PatternFill

from matrix.analysis.agreement import CLAIM_FIELDS, Agreement, Coded
from matrix.model.wording import counted
from matrix.workbook.archive import Prerendered, write_sheets
from matrix.workbook.cells import BOLD, TITLE, WRAP, Sheet

VERDICT_FILLS = {  # the spreadsheet's own good / neutral / bad fills
    "reliable": PatternFill("solid", fgColor="C6EFCE"),
    "tentative": PatternFill("solid", fgColor="FFEB9C"),
    "unreliable": PatternFill("solid", fgColor="FFC7CE"),
    "n/a": PatternFill("solid", fgColor="EDEDED"),
}
NO_VALUE = "(none)"  # an absent approach or actor
FIELD_HEADERS = ("Topic", "Stance", "Approach", "Actor", "Confidence")


def write_agreement(result: Agreement, out: Path) -> None:
    """Write the three sheets to `out` (atomically: a failure leaves the old file as it was)."""
    write_sheets(out, "claims-matrix agreement", functools.partial(_fill, result))


def _fill(result: Agreement, wb: Workbook, stack: contextlib.ExitStack) -> dict[str, Prerendered]:
    _agreement_sheet(wb, result)
    _coincidences_sheet(wb, result)
    _disagreements_sheet(wb, result)
    return {}


def _shown(value: Hashable) -> str:
    return NO_VALUE if value is None else str(value)


def _agreement_sheet(wb: Workbook, result: Agreement) -> None:
    sheet = Sheet(wb, "Agreement", (14, 11, 8, 11, 9, 9, 9, 12, 70), freeze="A3")
    sheet.append([sheet.cell(f"Agreement between {' and '.join(result.coders)}", font=TITLE)])
    sheet.header(["Field", "Unit", "Units", "Agreement", "Alpha", "CI low", "CI high", "Verdict", "Note"])
    for field in result.fields:
        r = field.reliability
        sheet.append(
            [
                field.field,
                "sentences" if field.unit == "sentence" else "claims",
                r.units,
                sheet.cell(r.agreement, fmt="0.0%"),
                sheet.cell(r.alpha, fmt="0.000"),
                sheet.cell(None if r.ci is None else r.ci.low, fmt="0.000"),
                sheet.cell(None if r.ci is None else r.ci.high, fmt="0.000"),
                sheet.cell(r.verdict, fill=VERDICT_FILLS[r.verdict], font=BOLD),
                sheet.cell(r.reason or f"{r.metric} alpha; 95% bootstrap interval, {_resamples(field)}", align=WRAP),
            ]
        )
    sheet.append()
    sheet.append(["Verdicts: reliable alpha ≥ 0.800, tentative ≥ 0.667, unreliable below; n/a: alpha undefined."])
    sheet.append()
    sheet.append([sheet.cell("Sources", font=BOLD)])
    sheet.header(["Source", "Compared", "Sentences", *(f"Claims: {c}" for c in result.coders), "Matched", "Note"])
    for source in result.sources:
        sheet.append(
            [
                sheet.text(source.source),
                "yes" if source.compared else "no",
                source.sentences if source.compared else None,
                *source.claims,
                source.units if source.compared else None,
                sheet.text(source.reason),
            ]
        )


def _resamples(field: Any) -> str:
    ci = field.reliability.ci
    return "" if ci is None else f"{counted(ci.resamples, 'resample')}, seed {ci.seed}"


def _coincidences_sheet(wb: Workbook, result: Agreement) -> None:
    widest = max((len(f.reliability.values) for f in result.fields), default=0)
    sheet = Sheet(wb, "Coincidences", (26, *([14] * widest)))
    sheet.append(
        [sheet.cell("Coincidences: how often two coders gave value (row) and value (column) to one unit", font=TITLE)]
    )
    for field in result.fields:
        r = field.reliability
        sheet.append()
        unit = "sentences" if field.unit == "sentence" else "matched claims"
        sheet.append([sheet.cell(f"{field.field} ({r.metric}, {r.units} {unit})", font=BOLD)])
        if not r.values:
            sheet.append(["no unit was coded by two coders"])
            continue
        sheet.header(["", *(_shown(v) for v in r.values)])
        for value, row in zip(r.values, r.coincidences, strict=True):
            sheet.append([sheet.cell(_shown(value), font=BOLD), *(sheet.cell(n, fmt="0.##") for n in row)])


def _coding(coded: Coded | None) -> list[Any]:
    if coded is None:
        return [None] * (len(CLAIM_FIELDS) + 2)
    return [coded.claim.id, *(_shown(v) for v in coded.values), coded.passage]


def _disagreements_sheet(wb: Workbook, result: Agreement) -> None:
    per_coder = [18, *([13] * len(CLAIM_FIELDS)), 50]
    sheet = Sheet(wb, "Disagreements", (24, 32, 18, *(per_coder * len(result.coders))), freeze="D3")
    sheet.append([sheet.cell("Matched claims coded differently, each coder's coding side by side", font=TITLE)])
    headers = ["Source", "Location", "Differs on"]
    for coder in result.coders:
        headers += [f"{coder}: claim", *(f"{coder}: {h.lower()}" for h in FIELD_HEADERS), f"{coder}: passage"]
    sheet.header(headers)
    for d in result.disagreements:
        cells = [sheet.text(d.source), sheet.text(str(d.at)), ", ".join(d.fields)]
        for coded in d.claims:
            *coding, passage = _coding(coded)
            cells += [sheet.text(v) for v in coding] + [sheet.cell(passage, align=WRAP)]
        sheet.append(cells)
    if not result.disagreements:
        sheet.append(["none: every matched claim is coded alike"])
    sheet.append()
    sheet.append(
        [sheet.cell("Unmatched claims: no claim of another coder shares half of the shorter passage", font=BOLD)]
    )
    sheet.header(["Source", "Location", "Coder", "Claim", *FIELD_HEADERS, "Passage"])
    for coded in result.unmatched:
        claim_id, *values, passage = _coding(coded)
        sheet.append(
            [
                sheet.text(coded.claim.source),
                sheet.text(str(coded.at)),
                sheet.text(result.coders[coded.coder]),
                sheet.text(claim_id),
                *(sheet.text(v) for v in values),
                sheet.cell(passage, align=WRAP),
            ]
        )
