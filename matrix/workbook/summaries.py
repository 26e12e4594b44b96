"""The Summaries sheet: the analyst's memos (claims/memos.yaml) laid out as the Stance matrix,
topics x perspectives, each memo beside the counts of its cell, and a column for each topic
across perspectives."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook

from matrix.analysis.findings import measures
from matrix.analysis.palette import THIN_MARK, is_thin, signed
from matrix.analysis.pivot import Analysis, Evidence, evidence
from matrix.files.memos import CellCounts, staleness
from matrix.model.values import Memo, Memos
from matrix.model.wording import counted
from matrix.workbook.cells import BOLD, GROUP_EDGE, HEADER_FILL, WRAP, Sheet, stance_fill
from matrix.workbook.layout import ClaimsLayout, claims_layout
from matrix.workbook.matrices import block_evidence

SUMMARY_WIDTH = 26  # three perspectives and the across column print one page wide at 7 points or more
COUNTS_WIDTH = 10


def memo_text(memo: Memo | None, counts: CellCounts | None = None) -> str | None:
    """A memo as a cell shows it: its text, then the claims it rests on, and a flag when its
    cell has changed since it was written (`counts`: `memos.cell_counts` of the project)."""
    if memo is None:
        return None
    stale = staleness(memo, counts) if counts is not None else None
    flag = f"STALE ({stale}): re-read against the cell\n" if stale else ""
    return flag + memo.text + (f"\n(rests on {', '.join(memo.claims)})" if memo.claims else "")


def summaries_sheet(
    wb: Workbook,
    analysis: Analysis,
    memos: Memos,
    layout: ClaimsLayout | None = None,
    cells: Mapping[tuple[str, ...], Sequence[Evidence]] | None = None,
    counts: CellCounts | None = None,
) -> None:
    """The memos as the matrix (a memo whose cell has changed since it was written flagged
    STALE; `counts`: `memos.cell_counts` of the project); each memo links to the claims it
    cites, each counts cell to its claims' block on Claims (its comment lists them)."""
    layout = layout or claims_layout(analysis)
    cells = evidence(analysis.claims) if cells is None else cells
    perspectives = analysis.perspectives
    widths = [20] + [SUMMARY_WIDTH, COUNTS_WIDTH] * len(perspectives) + [SUMMARY_WIDTH]
    sheet = Sheet(wb, "Summaries", widths, freeze="B3")
    label = analysis.codebook.label
    top: list[Any] = [sheet.cell("Topic", font=BOLD, fill=HEADER_FILL)]
    second: list[Any] = [sheet.cell(f"counting {analysis.count}", fill=HEADER_FILL)]
    for perspective in perspectives:
        top += [sheet.cell(label("perspectives", perspective), font=BOLD, fill=HEADER_FILL, border=GROUP_EDGE), None]
        measured = measures(analysis.codebook, perspective)  # its parties and voice
        second += [
            sheet.cell(
                f"Summary: {measured}" if measured else "Summary", font=BOLD, fill=HEADER_FILL, border=GROUP_EDGE
            ),
            sheet.cell("Counts", font=BOLD, fill=HEADER_FILL),
        ]
    top.append(sheet.cell("Across perspectives", font=BOLD, fill=HEADER_FILL, border=GROUP_EDGE))
    second.append(sheet.cell("Summary", font=BOLD, fill=HEADER_FILL, border=GROUP_EDGE))
    sheet.append(top)
    sheet.append(second)
    for topic in analysis.topics:
        row: list[Any] = [sheet.cell(label("topics", topic), font=BOLD)]
        for perspective in perspectives:
            row.append(_memo(sheet, memos.cell(topic, perspective), layout, counts))
            row.append(_counts(sheet, analysis, topic, perspective, layout, cells.get((topic, perspective), ())))
        row.append(_memo(sheet, memos.across(topic), layout, counts))
        sheet.append(row)
    if not memos.entries:
        sheet.append()
        sheet.append(["No summaries yet: write them in claims/memos.yaml (see README.md)."])


def _memo(sheet: Sheet, memo: Memo | None, layout: ClaimsLayout, counts: CellCounts | None) -> Any:
    """A memo's cell (flagged when stale), linked to the Claims rows of the claims it cites (those shown)."""
    link = layout.cited_block(memo.claims) if memo is not None else None
    return sheet.cell(memo_text(memo, counts), align=WRAP, border=GROUP_EDGE, link=link)


def _counts(
    sheet: Sheet, analysis: Analysis, topic: str, perspective: str, layout: ClaimsLayout, items: Sequence[Evidence]
) -> Any:
    """The cell's counts and net index, coloured as on Stance (thin: hatched and marked), linked
    to its claims' block on Claims."""
    cell = analysis.stance_cell(topic, perspective)
    if cell is None:
        return None
    units = cell.convergence + cell.divergence
    mark = THIN_MARK if is_thin(units) else ""
    text = f"+{cell.convergence} / -{cell.divergence}\nnet {signed(cell.net)}{mark}"
    where = f"{analysis.codebook.label('perspectives', perspective)} \u00b7 {analysis.codebook.label('topics', topic)}"
    evidence = block_evidence(f"{where}: {counted(len(items), 'claim')}", analysis, layout, topic, perspective)
    return sheet.cell(text, align=WRAP, fill=stance_fill(cell.net, units), **evidence)
