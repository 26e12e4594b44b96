"""The reference sheets: Overview, Sources, Coverage, Codebook and Problems."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from matrix.analysis.coverage import Coverage
from matrix.analysis.findings import Findings
from matrix.analysis.palette import PALETTE, THIN_BELOW, THIN_MARK
from matrix.analysis.pivot import Analysis
from matrix.model.problems import Report
from matrix.model.terms import APPROACHES, STANCES, Unit
from matrix.model.values import CONFIDENCE_WEIGHTS
from matrix.model.wording import counted
from matrix.time.timeline import left_out
from matrix.workbook.cells import (
    BOLD,
    NET_FORMAT,
    TITLE,
    TOP,
    WRAP,
    Sheet,
    net_colour,
    net_format,
    solid,
    stance_fill,
    style_id,
)
from matrix.workbook.charts import axis_labels, chart_title
from matrix.workbook.overview import findings_block, sheet_index
from matrix.workbook.rows import StreamedRows, streamed_sheet

NO_CLAIMS = "No claims match the filters"
OVERVIEW_CHART_TITLE = "Convergence vs divergence per perspective (claims)"
OVERVIEW_PRINTED = "L"  # the Overview's last printed column: the chart (from H) ends in it


def overview_sheet(
    wb: Workbook,
    analysis: Analysis,
    report: Report,
    inputs: dict[str, str],
    found: Findings | None = None,
    stance_rows: Mapping[str, int] | None = None,
    titles: Sequence[str] = (),
) -> None:
    """The key findings (A1:J20), the sheet index, what the workbook is, the totals and their
    chart, the legend, and last what it was generated from (the input files and their hashes)."""
    sheet = Sheet(wb, "Overview", (26, 11, 11, 11, 11, 11, 10))
    if found is not None:
        findings_block(sheet, analysis, found, stance_rows or {})
        sheet.append()
    if titles:
        sheet_index(sheet, titles)
        sheet.append()
    sheet.append([sheet.cell("claims-matrix: convergence and divergence across perspectives", font=TITLE)])
    sheet.append()
    for line in (
        "Each claim is a verbatim quote from one source, coded by topic, by stance and by approach.",
        "Convergence: the parties agree or act together. Divergence: their positions, priorities or norms differ.",
        "Stance and Approach pivot the claims into topics x perspectives; Contrasts ranks where perspectives disagree."
        if analysis.unit is Unit.CLAIMS
        else "Stance and Approach count sources (each at most once per stance, or approach, in a cell); "
        "Contrasts ranks where perspectives disagree.",
        "Every count cell's comment lists the claims behind it; clicking it selects exactly those rows in Claims;",
        "each claim's Cell (on Claims and Evidence) leads back to its Stance cell.",
    ):
        sheet.append([line])
    if not analysis.claims:  # said here, not as a fake row in the Claims table
        sheet.append()
        sheet.append(
            [sheet.cell(f"{NO_CLAIMS} ({analysis.filters.describe()}): the Claims table is empty.", font=BOLD)]
        )
    sheet.append()
    sheet.header(["Perspective", "Sources", "Claims", "Convergence", "Divergence", "Net index", "ID"])
    first = sheet.rows + 1
    for total in analysis.total_rows():
        fill = None if total.net is None else solid(net_colour(total.net))
        sheet.append(
            [
                sheet.cell(analysis.codebook.label("perspectives", total.perspective)),
                total.sources,
                total.claims,
                total.convergence,
                total.divergence,
                sheet.cell(total.net, fmt=NET_FORMAT, fill=fill),
                sheet.text(total.perspective),
            ]
        )
    last = sheet.rows
    sheet.append(["All perspectives", None, len(analysis.claims)])
    if last >= first:
        chart = BarChart()
        chart.type = "bar"
        chart.grouping = "stacked"
        chart.overlap = 100
        chart.height, chart.width = 8, 10
        chart.title = chart_title(OVERVIEW_CHART_TITLE, chart.width)
        axis_labels(chart.y_axis, "claims", points=10)  # printed at 7 points or more
        axis_labels(chart.x_axis, points=10)
        data = Reference(sheet.ws, min_col=4, max_col=5, min_row=first - 1, max_row=last)
        chart.add_data(data, titles_from_data=True)
        # the short ids as categories: a long label is cut where the axis has no room for it
        chart.set_categories(Reference(sheet.ws, min_col=7, min_row=first, max_row=last))
        for series, colour in zip(chart.series, (net_colour(1.0), net_colour(-1.0)), strict=False):
            series.graphicalProperties.solidFill = colour
        sheet.ws.add_chart(chart, f"H{first - 1}")

    sheet.append()
    sheet.append([sheet.cell("Legend", font=BOLD), f"colours: {PALETTE}"])
    sheet.append(
        ["Net index", "(convergence - divergence) / (convergence + divergence): -1 all divergence, +1 all convergence"]
    )
    sheet.append(["Weighted index", "the same with each claim weighted by its confidence: low 1, medium 2, high 3"])
    sheet.append(["Empty cell", "no claims on that topic from that perspective"])
    for value, meaning in (
        (-1.0, "all divergence"),
        (-0.5, "mostly divergence"),
        (0.0, "mixed"),
        (0.5, "mostly convergence"),
        (1.0, "all convergence"),
    ):
        sheet.append([sheet.cell(value, fmt=NET_FORMAT, fill=solid(net_colour(value))), meaning])
    unit = analysis.unit.value
    sheet.append(
        [
            sheet.cell(1.0, fmt=net_format(1), fill=stance_fill(1.0, 1)),
            f"thin evidence: fewer than {THIN_BELOW} {unit} behind the cell: hatched over its own colour, never lighter,",
        ]
    )
    sheet.append([None, f"and {THIN_MARK} after the net index (on Stance, Summaries and Contrasts, and in the brief)"])
    sheet.append(
        ["Summaries", "the analyst's reading of each cell (claims/memos.yaml), also in the Stance Net cell's comment"]
    )
    sheet.append(
        ["Comments", "hover a count cell for its claims and quotes; click it to select exactly those rows in Claims"]
    )
    sheet.append(
        [
            "Writer",
            (
                "Stance: the cell's claims in the writer's voice (assessment, forecast, recommendation); marked "
                "\u25b2 and shaded when the cell rests on forecasts: without its forecasts and recommendations "
                "its net index changes sign, moves by more than 0.25, or under 2 claims are left"
            ),
        ]
    )
    sheet.append(
        [
            "Approach",
            "a claim counts under each approach it codes; the dominant one is named only when most specify one",
        ]
    )

    sheet.append()
    sheet.append([sheet.cell("Generated from", font=BOLD)])
    sheet.append(["Filters", analysis.filters.describe()])
    if analysis.selection is not None:
        sheet.append(["Time range", left_out(analysis.time_range, analysis.selection).removeprefix("time range ")])
    sheet.append(
        ["Problems", f"{counted(report.errors, 'error')}, {counted(report.warnings, 'warning')} (see Problems)"]
    )
    sheet.header(["Input file", "SHA-256"])
    for path, digest in inputs.items():
        sheet.append([sheet.text(path), digest])
    sheet.ws.print_area = f"A1:{OVERVIEW_PRINTED}{sheet.rows}"  # the chart's right edge: long text is cut there


SOURCE_METADATA = (  # the Sources columns after the id: each source's own fields, wrapped
    "Title",
    "Publisher",
    "Author",
    "Published",
    "Perspective",
    "Text",
    "URL",
    "Retrieved",
    "Archive",
    "SHA-256",  # pinned: the text's bytes when it was coded (validate: seed-changed)
)


def sources_sheet(wb: Workbook, analysis: Analysis, metadata: dict[str, tuple[Any, ...]]) -> StreamedRows:
    """One row per source (its `metadata`, in SOURCE_METADATA's order), what it claims and its
    net index (coloured), then its claims per topic; streamed as the Claims rows are."""
    topics = list(analysis.topics)
    widths = [24, 40, 26, 20, 12, 14, 36, 30, 12, 30, 20, 8, 12, 11, 9]
    headers = [
        "Source",
        *SOURCE_METADATA,
        "Claims",
        "Convergence",
        "Divergence",
        "Net",
        *(analysis.codebook.label("topics", t) for t in topics),
    ]
    rows = analysis.source_rows()
    net_column = headers.index("Net")

    def columns() -> list[list[Any]]:
        table = [
            [
                source_id,
                *metadata[source_id],
                row["claims"],
                row["convergence"],
                row["divergence"],
                row["net"],
                *(row[t] or None for t in topics),
            ]
            for source_id, row in rows
        ]
        return [list(column) for column in zip(*table, strict=True)] if table else [[] for _ in headers]

    def net_styles(ws: Any) -> dict[int, list[tuple[int, int]]]:
        by_colour: dict[str | None, tuple[int, int]] = {}
        styles = []
        for _, row in rows:
            colour = None if row["net"] is None else net_colour(row["net"])
            if colour not in by_colour:
                fill = None if colour is None else solid(colour)
                plain = style_id(ws, TOP, fmt=NET_FORMAT, fill=fill)
                by_colour[colour] = (plain, plain)  # a number or empty: never a formula-like text
            styles.append(by_colour[colour])
        return {net_column: styles}

    return streamed_sheet(
        wb,
        "Sources",
        headers,
        widths + [12] * len(topics),
        SOURCE_METADATA,
        columns,
        len(rows),
        table=False,
        references=True,
        varying=net_styles,
    )


def coverage_sheet(wb: Workbook, result: Coverage) -> None:
    """Coverage per source, then the uncovered sentences: each sentence right after its source
    and score, the guesses, cues and location after it."""
    sheet = Sheet(wb, "Coverage", (22, 8, 64, 12, 13, 24, 30), freeze="B3", titles="2:2")
    sheet.append([sheet.cell("Coverage: sentences that a claim's quote overlaps", font=BOLD)])
    sheet.header(["Source", "Share", "Sentences covered", "Sentences", "Covered", "Claims per 1,000 words"])
    for row in result.sources:
        sheet.append(
            [
                sheet.text(row.source),
                sheet.cell(row.share, fmt="0%"),
                f"{row.covered:,} of {row.sentences:,}",
                row.sentences,
                row.covered,
                sheet.cell(row.claims_per_1000_words, fmt="0.0"),
            ]
        )
    sheet.append()
    sheet.append(
        [sheet.cell("Uncovered sentences most likely to state a position (score = distinct cues matched)", font=BOLD)]
    )
    sheet.header(["Source", "Score", "Sentence", "Stance guess", "Approach guess", "Cues", "Location"])
    for candidate in result.candidates:
        sheet.append(
            [
                sheet.text(candidate.source),
                candidate.score,
                sheet.cell(candidate.text, align=WRAP),
                candidate.stance,
                candidate.approach,
                sheet.cell(", ".join(candidate.cues), align=WRAP),
                sheet.text(f"{candidate.path}:{candidate.line}:{candidate.column}"),
            ]
        )
    if not result.candidates:
        sheet.append(["none: every sentence with position cues is coded"])
    elif result.found > len(result.candidates):
        more = result.found - len(result.candidates)
        sheet.append([f"… and {more:,} more with lower scores: run 'claims-matrix coverage --limit {result.found}'"])
    sheet.ws.print_area = f"A1:F{sheet.rows}"  # the locations (G) are for the screen


def codebook_sheet(wb: Workbook, analysis: Analysis) -> None:
    sheet = Sheet(wb, "Codebook", (22, 36, 90))
    codebook = analysis.codebook
    for title, entries in (
        ("Perspectives", codebook.perspectives),
        ("Actors", codebook.actors),
        ("Topics", codebook.topics),
    ):
        sheet.append([sheet.cell(title, font=BOLD)])
        sheet.header(["ID", "Label", "Description"])
        for entry in entries:
            sheet.append([sheet.text(entry.id), sheet.text(entry.label), sheet.cell(entry.description, align=WRAP)])
        sheet.append()
    sheet.append([sheet.cell("Fixed vocabularies", font=BOLD)])
    sheet.header(["Field", "Values", "Meaning"])
    sheet.append(
        [
            "stance",
            ", ".join(STANCES),
            "convergence: the parties agree or act together; divergence: positions, priorities or norms differ",
        ]
    )
    sheet.append(["approach", ", ".join(APPROACHES), "optional: how the position is pursued"])
    sheet.append(
        [
            "confidence",
            ", ".join(f"{k} ({v})" for k, v in CONFIDENCE_WEIGHTS.items()),
            "optional, default medium; the weight in the weighted index",
        ]
    )


PROBLEM_HEADERS = ("Level", "Code", "Location", "Claim or source", "Message", "Hint")
PROBLEM_WIDTHS = (9, 18, 26, 22, 40, 40)  # one page wide at 7 points or more


def problems_sheet(wb: Workbook, report: Report) -> StreamedRows | None:
    """Every problem, one a row (streamed, as the Claims rows are: a project can raise tens of
    thousands of warnings), Message and Hint wrapped; a sheet that says so when there are none."""
    if report.problems:

        def columns() -> list[list[Any]]:
            rows = [(p.level.value, p.code, str(p.location), p.subject, p.message, p.hint) for p in report.problems]
            return [list(column) for column in zip(*rows, strict=True)]

        return streamed_sheet(
            wb,
            "Problems",
            PROBLEM_HEADERS,
            PROBLEM_WIDTHS,
            ("Message", "Hint"),
            columns,
            len(report.problems),
            table=False,
            references=True,
        )
    sheet = Sheet(wb, "Problems", PROBLEM_WIDTHS, freeze="B2")
    sheet.header(PROBLEM_HEADERS)
    sheet.append(["none", "The claims validated without warnings."])
    return None
