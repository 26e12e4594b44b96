"""The only openpyxl import: frames -> an .xlsx workbook, written atomically and reproducibly.

Invariants:
- every text value is written as text: nothing becomes a formula, and a value that starts
  with '=', '+', '-' or '@' also carries Excel's quote prefix;
- the file is streamed (write-only mode) to a temporary file beside the target and moved
  into place only when complete; on any failure the temporary file is removed and the
  previous workbook is untouched;
- the same inputs give the same bytes: document properties and zip entry times come from
  SOURCE_DATE_EPOCH (default 1980-01-01), and nothing else varies between runs.

The modules: `cells` (styles and `Sheet`, which builds a sheet row by row), `matrices`
(Stance, Approach, Contrasts), `network` (who agrees with whom), `summaries` (the analyst's memos laid out as the matrix),
`timeline` (Timeline: counts per period, grid, charts), `rows` (the streamed Claims and
Evidence rows), `sheets`
(Overview, Sources, Coverage, Codebook, Problems) and `archive` (temporary file, zip, fixed
timestamps, atomic replace). A new sheet is a function `NAME_sheet(wb, ...)` in a module
of its own, called from `build_workbook`; a different workbook is a list of such calls
handed to `write_sheets(out, title, fill)`, which writes it with the same guarantees.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Sequence
from pathlib import Path

from openpyxl import Workbook

from matrix.analysis.context import finding_context
from matrix.analysis.coverage import Coverage, coverage
from matrix.analysis.findings import Findings, findings
from matrix.analysis.pivot import Analysis, evidence
from matrix.files.memos import cell_counts
from matrix.files.revisions import inputs_stamp
from matrix.files.workers import Background
from matrix.model.problems import Report
from matrix.model.values import Project
from matrix.workbook.agreement import write_agreement
from matrix.workbook.archive import Prerendered, write_sheets
from matrix.workbook.cells import Sheet, net_colour
from matrix.workbook.changes import write_changes
from matrix.workbook.layout import STANCE_FIRST_ROW, claims_layout
from matrix.workbook.matrices import approach_sheet, contrasts_sheet, stance_sheet
from matrix.workbook.network import network_sheet
from matrix.workbook.rows import CLAIM_HEADERS, claims_rows, evidence_rows
from matrix.workbook.sheets import codebook_sheet, coverage_sheet, overview_sheet, problems_sheet, sources_sheet
from matrix.workbook.summaries import summaries_sheet
from matrix.workbook.timeline import TIMELINE_HEADERS, TimelineTooWide, shows_timeline, timeline_sheet

__all__ = [
    "CLAIM_HEADERS",
    "COVERAGE_ROWS",
    "SHEETS",
    "TIMELINE_HEADERS",
    "Sheet",
    "TimelineTooWide",
    "build_workbook",
    "net_colour",
    "workbook_coverage",
    "write_agreement",
    "write_changes",
    "write_sheets",
    "write_workbook",
]


SHEETS = (  # reader sheets, then reference sheets (findings.READER_SHEETS, REFERENCE_SHEETS)
    "Overview",
    "Stance",
    "Summaries",
    "Contrasts",
    "Approach",
    "Timeline",  # only when at least two perspectives have dated claims in two periods or more
    "Network",
    "Claims",
    "Evidence",
    "Sources",
    "Coverage",
    "Codebook",
    "Problems",
)

VIEW_BYTES = 100  # about the bytes of one claim the Network sheet's views read: is a child worth it?
COVERAGE_ROWS = 1000  # uncovered sentences listed in the workbook; the CLI lists them all


def build_workbook(
    wb: Workbook,
    stack: contextlib.ExitStack,
    *,
    analysis: Analysis,
    report: Report,
    project: Project,
    covered: Callable[[], Coverage],
    found: Findings | None = None,
) -> dict[str, Prerendered]:
    """Fill a write-only workbook (saved once, streamed); the Claims rows are rendered
    by a child process that lives as long as `stack`, and returned by sheet title. A Timeline
    sheet (the analysis's `timeline`) follows Contrasts when the claims fall in two periods or
    more; then the Network sheet. `found`: the
    key findings the Overview opens on (default: worked out here, without a second coding)."""
    layout = claims_layout(analysis, {claim for memo in project.memos.entries for claim in memo.claims})
    # the longest work first: the Claims and Evidence rows, rendered by children from here on
    # while this process builds the other sheets (put in SHEETS' order at the end), and the
    # Network sheet's views
    streamed = {"Claims": Prerendered(claims_rows(wb, analysis, layout), stack)}
    streamed["Evidence"] = Prerendered(evidence_rows(wb, analysis, layout), stack)
    viewing = stack.enter_context(Background(lambda: analysis.network_views, VIEW_BYTES * len(analysis.claims)))
    cells = evidence(analysis.claims)
    stance_rows = {t: i + STANCE_FIRST_ROW for i, t in enumerate(analysis.topics)}
    covering = functools.cache(covered)
    if found is None:
        found = findings(analysis, finding_context(analysis, project, report, coverage=covering()))
    timeline = shows_timeline(analysis.timeline)
    titles = [t for t in SHEETS if t != "Timeline" or timeline]
    overview_sheet(wb, analysis, report, dict(project.inputs), found, stance_rows, titles)
    stance_sheet(wb, analysis, cells, project.memos, layout)
    summaries_sheet(wb, analysis, project.memos, layout, cells, cell_counts(project))
    contrasts_sheet(wb, analysis, stance_rows, found)
    approach_sheet(wb, analysis, layout)
    if timeline:
        timeline_sheet(wb, analysis.timeline, analysis.codebook)
    network_sheet(wb, viewing.result(), analysis.codebook, analysis.count)
    metadata = {
        s.id: (
            *(s.title, s.publisher, s.author, s.published, s.perspective, s.text, s.url),
            *(s.retrieved, s.archive, s.sha256),  # provenance
        )
        for s in project.sources
    }
    streamed["Sources"] = Prerendered(sources_sheet(wb, analysis, metadata), stack, counted=False)
    coverage_sheet(wb, covering())
    codebook_sheet(wb, analysis)
    problems = problems_sheet(wb, report)
    if problems is not None:  # not counted in `advance`, which counts Claims and Evidence rows
        streamed["Problems"] = Prerendered(problems, stack, counted=False)
    for index, title in enumerate(titles):
        wb.move_sheet(title, index - wb.sheetnames.index(title))
    return streamed


def workbook_coverage(project: Project, report: Report, sources: Sequence[str]) -> Coverage:
    """The coverage the Coverage sheet shows (its best COVERAGE_ROWS sentences)."""
    return coverage(project, report, sources, limit=COVERAGE_ROWS)


def write_workbook(
    analysis: Analysis,
    report: Report,
    project: Project,
    out: Path,
    advance: Callable[[int], None] = lambda n: None,
    covered: Callable[[], Coverage] | None = None,
    stamp: str | None = None,
    found: Findings | None = None,
) -> None:
    """Build the workbook and write it to `out` atomically; `advance(n)`: n more Claims or Evidence rows
    written. `covered()` gives the coverage (default: `workbook_coverage`, computed here);
    `stamp` names the inputs in every page's
    footer (default: the digest of their contents, `revisions.inputs_stamp`)."""
    if covered is None:
        covered = functools.partial(workbook_coverage, project, report, analysis.filters.sources)
    fill = functools.partial(
        build_workbook,
        analysis=analysis,
        report=report,
        project=project,
        covered=covered,
        found=found,
    )
    write_sheets(out, "Claims matrix", fill, advance, inputs_stamp(project.inputs) if stamp is None else stamp)
