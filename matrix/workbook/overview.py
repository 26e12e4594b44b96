"""The Overview's first screen (A1:J20): the key findings, generated from the numbers
(`matrix.analysis.findings`), each a row merged across A:J that links to its evidence; then the
linked sheet index, reader sheets (`tabs`) first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from openpyxl.styles import Font
from openpyxl.worksheet.cell_range import CellRange

from matrix.analysis.findings import HEADINGS, Finding, Findings
from matrix.analysis.pivot import Analysis
from matrix.workbook.cells import BOLD, LINE_HEIGHT, TITLE, WRAP, Sheet, wrapped_lines
from matrix.workbook.layout import stance_address
from matrix.workbook.tabs import READER_SHEETS, REFERENCE_SHEETS

FINDINGS_TITLE = "Key findings"
SCREEN_COLUMNS = 10  # A:J, what the first screen shows
SCREEN_ROWS = 20
DEFAULT_WIDTH = 8.43  # a column's width where the sheet gives none (characters)
CAVEAT_SHEETS = {  # where a caveat's figures come from
    "sources-per-perspective": "Sources",
    "undated-share": "Claims",
    "coverage-share": "Coverage",
    "writer-voice": "Stance",
}
SHEET_PURPOSES = {
    "Overview": "the key findings, totals, legend and inputs",
    "Stance": "topics x perspectives: convergence, divergence, net and weighted index",
    "Summaries": "the analyst's reading of each cell",
    "Contrasts": "pairs of perspectives that disagree, and that agree, strong first",
    "Approach": "unilateral, bilateral and multilateral claims per cell",
    "Timeline": "net index per period",
    "Network": "who agrees with whom",
    "Claims": "every claim, one a row",
    "Evidence": "every passage, one a row",
    "Sources": "each source's metadata and claims",
    "Coverage": "how much of each source is coded",
    "Codebook": "the vocabularies",
    "Problems": "what validation found",
}


def _merged_row(
    sheet: Sheet, value: str, *, font: Font | None = None, link: str | None = None, label: str = "evidence"
) -> None:
    """One row whose text is merged across A:I and wrapped, tall enough for it, and in J a link
    to its evidence (a cell of its own: a spreadsheet may not wrap a linked cell's text)."""
    last = SCREEN_COLUMNS - 1
    width = sum(sheet.widths[:last]) + DEFAULT_WIDTH * max(0, last - len(sheet.widths))
    row = sheet.rows + 1
    lines = wrapped_lines(value, width)
    if lines > 1:  # before the row is written (write-only); Sheet.append would size it by column A alone
        sheet.ws.row_dimensions[row].height = LINE_HEIGHT * lines
    cells = [sheet.cell(value, font=font, align=WRAP), *([None] * (last - 1))]
    if link:
        cells.append(sheet.cell(label, link=link))
    sheet.ws.append(cells)
    sheet.rows += 1
    sheet.ws.merged_cells.add(CellRange(min_col=1, min_row=row, max_col=last, max_row=row))


def _link(finding: Finding, analysis: Analysis, stance_rows: Mapping[str, int]) -> str | None:
    """The Stance cell of a finding's first side, or the sheet a caveat's figures come from."""
    cell = finding.cell
    if cell is not None and cell[0] in analysis.topics and cell[1] in analysis.perspectives:
        where = stance_address(analysis.topics.index(cell[0]), analysis.perspectives.index(cell[1]))
        return f"'Stance'!{where}"
    sheet = CAVEAT_SHEETS.get(finding.code)
    return None if sheet is None else f"'{sheet}'!A1"


def findings_block(sheet: Sheet, analysis: Analysis, found: Findings, stance_rows: Mapping[str, int]) -> None:
    """The key findings from A1: a title, then per kind a heading (with how many there are) and
    its first findings; the whole within SCREEN_ROWS rows."""
    sheet.append([sheet.cell(FINDINGS_TITLE, font=TITLE)])
    for kind, items, more in found.first_screen():
        heading = HEADINGS[kind] + (f": {len(items)} of {len(items) + more} shown, all on Contrasts" if more else "")
        sheet.append([sheet.cell(heading, font=BOLD)])
        for finding in items:
            label = "figures" if finding.kind == "caveat" else "evidence"
            _merged_row(sheet, finding.text, link=_link(finding, analysis, stance_rows), label=label)
    if sheet.rows == 1:
        sheet.append(["No two perspectives have evidence on one topic (with the current filters)."])


def sheet_index(sheet: Sheet, titles: Sequence[str]) -> None:
    """A linked index of the workbook's sheets: reader sheets, then reference sheets."""
    sheet.append([sheet.cell("Sheets", font=BOLD)])
    for title in titles:
        kind = "read" if title in READER_SHEETS else "reference"
        sheet.append([sheet.cell(title, link=f"'{title}'!A1"), kind, SHEET_PURPOSES.get(title, "")])


def sheet_order(titles: Sequence[str]) -> list[str]:
    """`titles` in the workbook's order: reader sheets first, then reference sheets."""
    order = {title: i for i, title in enumerate((*READER_SHEETS, *REFERENCE_SHEETS))}
    return sorted(titles, key=lambda title: order.get(title, len(order)))
