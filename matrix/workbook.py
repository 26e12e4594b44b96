"""The only openpyxl import: frames -> an .xlsx workbook, written atomically and reproducibly.

Invariants:
- every text value is written as text: nothing becomes a formula, and a value that starts
  with '=', '+', '-' or '@' also carries Excel's quote prefix;
- the file is streamed (write-only mode) to a temporary file beside the target and moved
  into place only when complete; on any failure the temporary file is removed and the
  previous workbook is untouched;
- the same inputs give the same bytes: document properties and zip entry times come from
  SOURCE_DATE_EPOCH (default 1980-01-01), and nothing else varies between runs.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import math
import os
import re
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.writer.excel import ExcelWriter

from matrix.coverage import Coverage, coverage
from matrix.diff import Diff
from matrix.loading import Project
from matrix.model import APPROACHES, CONFIDENCE_WEIGHTS, STANCES
from matrix.paths import atomic_output, remove_stale_temporaries
from matrix.pivot import CLAIM_COLUMNS, PASSAGE_COLUMNS, Analysis, Evidence, StanceCell, evidence
from matrix.problems import Report
from matrix.workers import Background

SHEETS = (
    "Overview",
    "Stance",
    "Approach",
    "Contrasts",
    "Claims",
    "Evidence",
    "Sources",
    "Coverage",
    "Codebook",
    "Problems",
)
CLAIM_HEADERS = (
    "ID",
    "Source",
    "Source title",
    "Perspective",
    "Topic",
    "Topic label",
    "Stance",
    "Approach",
    "Actor",
    "Confidence",
    "Weight",
    "Quote",
    "Note",
    "Quote location",
    "Claim location",
)
CLAIM_WIDTHS = (30, 24, 36, 14, 20, 28, 13, 13, 9, 11, 8, 80, 40, 34, 34)
EVIDENCE_HEADERS = ("Claim", "Source", "Perspective", "Topic", "Stance", "Location", "Passage")
EVIDENCE_WIDTHS = (30, 24, 14, 20, 13, 34, 100)
NET_FORMAT = "+0.00;-0.00;0.00"
RED, NEUTRAL, GREEN = (0xF8, 0x69, 0x6B), (0xFF, 0xEB, 0x84), (0x63, 0xBE, 0x7B)
HEADER_FILL = PatternFill("solid", fgColor="DDE3EA")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
CENTER = Alignment(horizontal="center", vertical="top")
THIN = Side(style="thin", color="A0A0A0")
GROUP_EDGE = Border(left=THIN)
COVERAGE_ROWS = 1000  # uncovered sentences listed in the workbook; the CLI lists them all
ROW_BYTES = 800  # about the XML of one Claims row, to judge whether rendering them is worth a child process
COMMENT_CLAIMS = 12  # claims listed in one cell comment; the rest are counted
FORMULA_START = ("=", "+", "-", "@")
NO_CLAIMS = "No claims match the filters"


def net_colour(net: float) -> str:
    """Hex RGB on the diverging scale: -1 red, 0 neutral yellow, +1 green."""
    net = max(-1.0, min(1.0, net))
    low, high = (NEUTRAL, GREEN) if net >= 0 else (NEUTRAL, RED)
    t = abs(net)
    return "".join(f"{round(a + (b - a) * t):02X}" for a, b in zip(low, high, strict=True))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _plain(value: Any) -> Any:
    """A cell-ready Python value: None for missing, int/float for numbers."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


class _Sheet:
    """Builds one write-only sheet row by row."""

    def __init__(self, wb: Workbook, title: str, widths: Sequence[float] = (), freeze: str | None = None) -> None:
        self.ws = wb.create_sheet(title)
        self.ws.freeze_panes = freeze  # before any row: write-only sheets write their view first
        for index, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        self.widths = tuple(widths)
        self.rows = 0

    def cell(
        self,
        value: Any,
        *,
        font: Font | None = None,
        fill: PatternFill | None = None,
        align: Alignment | None = None,
        fmt: str | None = None,
        comment: str | None = None,
        link: str | None = None,
        border: Border | None = None,
    ) -> WriteOnlyCell:
        value = _plain(value)
        cell = WriteOnlyCell(self.ws, value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever it starts with
            if value.startswith(FORMULA_START):
                cell.quotePrefix = True
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if align is not None:
            cell.alignment = align
        if fmt is not None:
            cell.number_format = fmt
        if border is not None:
            cell.border = border
        if comment:
            note = Comment(comment, "claims-matrix")
            note.width, note.height = 420, min(60 + 16 * comment.count("\n"), 420)
            cell.comment = note
        if link:
            cell.hyperlink = Hyperlink(ref="", location=link)
        return cell

    def text(self, value: Any) -> Any:
        """A bare value for a row: strings that Excel could misread get a text cell."""
        value = _plain(value)
        if isinstance(value, str) and value.startswith(FORMULA_START):
            return self.cell(value)
        return value

    def append(self, row: Iterable[Any] = ()) -> int:
        """Add a row, tall enough for its wrapped text (spreadsheets do not fit heights on open)."""
        values = list(row)
        lines = max(
            (
                wrapped_lines(cell.value, self.widths[i] if i < len(self.widths) else 10)
                for i, cell in enumerate(values)
                if isinstance(cell, Cell) and cell.alignment.wrap_text and isinstance(cell.value, str)
            ),
            default=1,
        )
        if lines > 1:
            self.ws.row_dimensions[self.rows + 1].height = LINE_HEIGHT * lines
        self.ws.append(values)
        self.rows += 1
        return self.rows

    def header(self, names: Iterable[str]) -> int:
        return self.append(self.cell(n, font=BOLD, fill=HEADER_FILL, align=WRAP) for n in names)


LINE_HEIGHT = 15  # points per line of 11-point text


def wrapped_lines(text: str, width: float) -> int:
    """About how many lines `text` takes wrapped in a column `width` characters wide."""
    chars = max(1, int(width * 1.1))
    return sum(max(1, math.ceil(len(part) / chars)) for part in text.split("\n"))


def _claims_link(row: int) -> str:
    return f"'Claims'!A{row + 2}"  # +1 for the header, +1 for 1-based rows


def _short(quote: str) -> str:
    return "\u201c" + (quote if len(quote) <= 90 else quote[:89].rstrip() + "…") + "\u201d"


def _evidence_text(title: str, items: Sequence[Evidence]) -> str:
    lines = [title, ""]
    for _, claim_id, stance, quotes in items[:COMMENT_CLAIMS]:
        first = quotes[0] if quotes else ""
        lines.append(f"{'+' if stance == 'convergence' else '-'} {claim_id}: {_short(first)}")
        lines.extend(f"    \u00b6 {_short(quote)}" for quote in quotes[1:])
    if len(items) > COMMENT_CLAIMS:
        lines.append(f"… and {len(items) - COMMENT_CLAIMS} more (filter the Claims sheet)")
    return "\n".join(lines)


def _overview(wb: Workbook, analysis: Analysis, report: Report, inputs: dict[str, str]) -> None:
    sheet = _Sheet(wb, "Overview", (34, 16, 16, 16, 16, 16))
    sheet.append([sheet.cell("claims-matrix: convergence and divergence across perspectives", font=TITLE)])
    sheet.append()
    for line in (
        "Each claim is a verbatim quote from one source, coded by topic, by stance and by approach.",
        "Convergence: the parties agree or act together. Divergence: their positions, priorities or norms differ.",
        "Stance and Approach pivot the claims into topics x perspectives; Contrasts ranks where perspectives disagree."
        if analysis.count == "claims"
        else "Stance and Approach count sources (each at most once per stance, or approach, in a cell); "
        "Contrasts ranks where perspectives disagree.",
        "Every matrix cell's comment lists the claims behind it; clicking the cell opens the first one in Claims.",
    ):
        sheet.append([line])
    if analysis.claims.empty:  # said here, not as a fake row in the Claims table
        sheet.append()
        sheet.append(
            [sheet.cell(f"{NO_CLAIMS} ({analysis.filters.describe()}): the Claims table is empty.", font=BOLD)]
        )
    sheet.append()
    sheet.header(["Perspective", "Sources", "Claims", "Convergence", "Divergence", "Net index"])
    first = sheet.rows + 1
    for total in analysis.total_rows():
        fill = None if total.net is None else PatternFill("solid", fgColor=net_colour(total.net))
        sheet.append(
            [
                sheet.cell(analysis.codebook.label("perspectives", total.perspective)),
                total.sources,
                total.claims,
                total.convergence,
                total.divergence,
                sheet.cell(total.net, fmt=NET_FORMAT, fill=fill),
            ]
        )
    last = sheet.rows
    sheet.append(["All perspectives", None, len(analysis.claims)])
    if last >= first:
        chart = BarChart()
        chart.type = "bar"
        chart.grouping = "stacked"
        chart.overlap = 100
        chart.title = "Convergence vs divergence per perspective (claims)"
        chart.y_axis.title = "claims"
        chart.height, chart.width = 8, 22
        data = Reference(sheet.ws, min_col=4, max_col=5, min_row=first - 1, max_row=last)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(sheet.ws, min_col=1, min_row=first, max_row=last))
        for series, colour in zip(chart.series, ("63BE7B", "F8696B"), strict=False):
            series.graphicalProperties.solidFill = colour
        sheet.ws.add_chart(chart, "H5")

    sheet.append()
    sheet.append([sheet.cell("Legend", font=BOLD)])
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
        sheet.append([sheet.cell(value, fmt=NET_FORMAT, fill=PatternFill("solid", fgColor=net_colour(value))), meaning])
    sheet.append(
        ["Comments", "hover a matrix cell for its claims and quotes; click it to open the first one in Claims"]
    )

    sheet.append()
    sheet.append([sheet.cell("Generated from", font=BOLD)])
    sheet.append(["Filters", analysis.filters.describe()])
    sheet.append(["Problems", f"{report.errors} errors, {report.warnings} warnings (see Problems)"])
    sheet.header(["Input file", "SHA-256"])
    for path, digest in inputs.items():
        sheet.append([sheet.text(path), digest])


def _matrix_header(sheet: _Sheet, analysis: Analysis, measures: Sequence[str]) -> None:
    top: list[Any] = [sheet.cell("Topic", font=BOLD, fill=HEADER_FILL)]
    second: list[Any] = [sheet.cell(f"counting {analysis.count}", fill=HEADER_FILL)]
    for perspective in analysis.perspectives:
        label = analysis.codebook.label("perspectives", perspective)
        for i, measure in enumerate(measures):
            edge = GROUP_EDGE if i == 0 else None
            top.append(sheet.cell(label if i == 0 else None, font=BOLD, fill=HEADER_FILL, border=edge))
            second.append(sheet.cell(measure, font=BOLD, fill=HEADER_FILL, align=CENTER, border=edge))
    sheet.append(top)
    sheet.append(second)


def _sources_text(count: int) -> str:
    return f"{count} source{'s' if count != 1 else ''}"


def _stance_titles(where: str, cell: StanceCell, conv: int, div: int, sources: bool) -> tuple[str, str, str]:
    """The comment titles of a Stance cell's Conv, Div and Net cells."""
    origin = _sources_text(cell.sources)
    if not sources:
        return (
            f"{where}: {conv} convergence",
            f"{where}: {div} divergence",
            f"{where}: net {cell.net:+.2f} ({conv} conv, {div} div) from {origin}",
        )
    return (
        f"{where}: {_sources_text(cell.convergence)} converge ({_n(conv)})",
        f"{where}: {_sources_text(cell.divergence)} diverge ({_n(div)})",
        f"{where}: net {cell.net:+.2f} ({cell.convergence} conv, {cell.divergence} div, counting sources) from {origin}, {_n(conv + div)}",
    )


def _stance(wb: Workbook, analysis: Analysis, cells: dict[tuple[str, ...], list[Evidence]]) -> None:
    widths = [44] + [9, 9, 9, 10] * len(analysis.perspectives)
    sheet = _Sheet(wb, "Stance", widths, freeze="B3")
    _matrix_header(sheet, analysis, ("Conv", "Div", "Net", "Weighted"))
    for topic in analysis.topics:
        topic_label = analysis.codebook.label("topics", topic)
        row: list[Any] = [sheet.cell(topic_label, align=TOP)]
        for perspective in analysis.perspectives:
            cell = analysis.stance_cell(topic, perspective)
            if cell is None:
                row += [sheet.cell(None, border=GROUP_EDGE), None, None, None]
                continue
            fill = PatternFill("solid", fgColor=net_colour(cell.net))
            items = cells.get((topic, perspective), [])
            where = f"{analysis.codebook.label('perspectives', perspective)} \u00b7 {topic_label}"
            conv = [i for i in items if i[2] == "convergence"]
            div = [i for i in items if i[2] == "divergence"]
            titles = _stance_titles(where, cell, len(conv), len(div), analysis.count == "sources")
            row += [
                sheet.cell(cell.convergence, fill=fill, border=GROUP_EDGE, **_evidence(titles[0], conv)),
                sheet.cell(cell.divergence, fill=fill, **_evidence(titles[1], div)),
                sheet.cell(cell.net, fill=fill, fmt=NET_FORMAT, font=BOLD, **_evidence(titles[2], items)),
                sheet.cell(cell.weighted, fill=fill, fmt=NET_FORMAT),
            ]
        sheet.append(row)


def _evidence(title: str, items: Sequence[Evidence]) -> dict[str, str | None]:
    """A cell's comment and link for the claims behind it (nothing when there are none)."""
    if not items:
        return {"comment": None, "link": None}
    return {"comment": _evidence_text(title, items), "link": _claims_link(items[0][0])}


def _approach(wb: Workbook, analysis: Analysis) -> None:
    widths = [44] + [11, 11, 12, 22] * len(analysis.perspectives)
    sheet = _Sheet(wb, "Approach", widths, freeze="B3")
    _matrix_header(sheet, analysis, ("Unilateral", "Bilateral", "Multilateral", "Dominant"))
    by_cell = evidence(analysis.claims, ("topic", "perspective", "approach"))
    for topic in analysis.topics:
        topic_label = analysis.codebook.label("topics", topic)
        row: list[Any] = [sheet.cell(topic_label, align=TOP)]
        for perspective in analysis.perspectives:
            cell = analysis.approach_cell(topic, perspective)
            leaders = cell.dominant.split(" = ") if cell else []
            for i, approach in enumerate(APPROACHES):
                items = by_cell.get((topic, perspective, approach), [])
                where = f"{analysis.codebook.label('perspectives', perspective)} \u00b7 {topic_label}"
                title = f"{where}: {len(items)} {approach}"
                if analysis.count == "sources" and cell is not None:
                    title = f"{where}: {_sources_text(cell.counts[i])} {approach} ({_n(len(items))})"
                row.append(
                    sheet.cell(
                        cell.counts[i] if cell else None,
                        border=GROUP_EDGE if i == 0 else None,
                        font=BOLD if approach in leaders else None,
                        fill=PatternFill("solid", fgColor="C9DAF8") if items else None,
                        **_evidence(title, items),
                    )
                )
            row.append(sheet.cell(cell.dominant if cell else None))
        sheet.append(row)

    sheet.append()
    sheet.append([sheet.cell("Actors x approaches: claims about one party's position, per perspective", font=BOLD)])
    sheet.header(["Perspective", "Actor", "Unilateral", "Bilateral", "Multilateral", "Unspecified", "Total"])
    for perspective, actor, counts in analysis.actor_rows():
        sheet.append(
            [
                sheet.cell(analysis.codebook.label("perspectives", perspective)),
                sheet.cell(analysis.codebook.label("actors", actor)),
                *counts,
            ]
        )


def _contrasts(wb: Workbook, analysis: Analysis, stance_rows: dict[str, int]) -> None:
    sheet = _Sheet(wb, "Contrasts", (6, 28, 26, 9, 8, 26, 9, 8, 8, 10, 70), freeze="A2")
    unit = analysis.count
    sheet.header(
        [
            "Rank",
            "Topic",
            "Perspective A",
            "Net A",
            f"{unit.capitalize()} A",
            "Perspective B",
            "Net B",
            f"{unit.capitalize()} B",
            "Gap",
            "Opposite",
            "Reading",
        ]
    )
    label = analysis.codebook.label
    rows = analysis.contrast_rows()
    for rank, row in enumerate(rows, start=1):
        a, b = label("perspectives", row.perspective_a), label("perspectives", row.perspective_b)
        reading = f"{a}: {_side(row.net_a)} ({row.net_a:+.2f}, {_n(row.claims_a, unit)}) vs {b}: {_side(row.net_b)} ({row.net_b:+.2f}, {_n(row.claims_b, unit)})"
        sheet.append(
            [
                rank,
                sheet.cell(label("topics", row.topic), link=f"'Stance'!A{stance_rows[row.topic]}"),
                sheet.cell(a),
                sheet.cell(row.net_a, fmt=NET_FORMAT, fill=PatternFill("solid", fgColor=net_colour(row.net_a))),
                row.claims_a,
                sheet.cell(b),
                sheet.cell(row.net_b, fmt=NET_FORMAT, fill=PatternFill("solid", fgColor=net_colour(row.net_b))),
                row.claims_b,
                sheet.cell(row.gap, fmt="0.00"),
                "yes" if row.opposite else "no",
                sheet.cell(reading, align=WRAP),
            ]
        )
    if not rows:
        sheet.append([None, "No two perspectives differ in net index on any topic (with the current filters)."])


def _side(net: float) -> str:
    return "net convergence" if net > 0 else "net divergence" if net < 0 else "balanced"


def _n(count: int, unit: str = "claims") -> str:
    return f"{count} {unit if count != 1 else unit[:-1]}"


def _escape(text: str) -> str:
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


# a value boundary in a column's values joined by NUL (scanned for as a literal) where the
# next value starts with white space or a formula character, or the last one ends in white space
_CAREFUL_BOUNDARY = re.compile(rf"\x00(?:[\s{re.escape(''.join(FORMULA_START))}]|(?<=\s\x00))")


def _plain_text(joined: str) -> bool:
    """Whether values joined by NUL are all text that needs no escape, no quote prefix and
    no preserved white space."""
    return not (
        "&" in joined
        or "<" in joined
        or ">" in joined
        or _CAREFUL_BOUNDARY.search(joined)
        or joined.startswith(FORMULA_START)
        or joined[:1].isspace()
        or joined[-1:].isspace()
    )


def _cells(values: Sequence[Any], style: int | None, prefixed: int) -> list[str]:
    """One column's cells as XML, without their reference: a cell with no `r` attribute
    takes the next column, so a column's cells do not depend on their row."""
    plain = f'<c s="{style}"' if style is not None else "<c"
    marked = f'<c s="{prefixed}"'
    try:
        joined = "\x00".join(values)  # fails unless every value is text
    except TypeError:
        joined = None
    if joined is not None and _plain_text(joined):  # the common case: text as it is
        return [f'{plain} t="inlineStr"><is><t>{value}</t></is></c>' for value in values]
    return _careful_cells(values, plain, marked)


def _careful_cells(values: Sequence[Any], plain: str, marked: str) -> list[str]:
    """`_cells`, one value at a time: escapes, quote prefixes, preserved white space, numbers."""
    out: list[str] = []
    append = out.append
    for value in values:
        if value.__class__ is str:
            space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
            start = marked if value.startswith(FORMULA_START) else plain
            append(f'{start} t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>')
        elif _blank(value):
            append("<c/>")
        else:
            append(f"{plain}><v>{_plain(value)!r}</v></c>")
    return out


@dataclass(frozen=True)
class _StreamedRows:
    """Rows written straight into a sheet's XML (see `_FixedTimeZip.write`).

    The Claims sheet can hold 100,000 rows; writing them column by column as inline
    strings costs a fraction of an openpyxl cell per value, with the same guarantees:
    every string is a string (never a formula), formula-like strings carry the quote prefix.
    """

    columns: Sequence[Sequence[Any]]
    first_row: int
    styles: Sequence[int | None]  # per column: the xf index of the cell style, or None
    prefixed: Sequence[int]  # per column: the xf index with the quote prefix added
    tall: int | None = None  # a wrapped column whose text sets each row's height
    tall_width: float = 80

    @property
    def count(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    def render(self, file: IO[bytes], chunk: int = 5000, done: Callable[[int], None] = lambda n: None) -> int:
        """Write the rows' XML to `file` (flushed); the number of rows. `done(n)`: n more
        rows written."""
        rows = 0
        batch: list[str] = []
        for row in self.xml(chunk):
            batch.append(row)
            if len(batch) == 2000:
                file.write("".join(batch).encode())
                rows += len(batch)
                done(len(batch))
                batch.clear()
        file.write("".join(batch).encode())
        file.flush()
        done(len(batch))
        return rows + len(batch)

    def xml(self, chunk: int = 5000) -> Iterator[str]:
        """The rows' XML, built a chunk of rows at a time (memory stays bounded)."""
        for first in range(0, self.count, chunk):
            cells = [
                _cells(values[first : first + chunk], style, mark)
                for values, style, mark in zip(self.columns, self.styles, self.prefixed, strict=True)
            ]
            heights = [""] * len(cells[0])
            if self.tall is not None:
                one_line = int(self.tall_width * 1.1)  # as wrapped_lines: shorter text needs no height
                heights = [
                    f' ht="{LINE_HEIGHT * lines}" customHeight="1"'
                    if isinstance(v, str)
                    and (len(v) > one_line or "\n" in v)
                    and (lines := wrapped_lines(v, self.tall_width)) > 1
                    else ""
                    for v in self.columns[self.tall][first : first + chunk]
                ]
            for r, (height, row) in enumerate(
                zip(heights, zip(*cells, strict=True), strict=True), start=self.first_row + first
            ):
                yield f'<row r="{r}"{height}>{"".join(row)}</row>'


def _style_id(ws: Any, align: Alignment | None = None, prefix: bool = False) -> int:
    """The workbook's xf index for a cell style, registered if new."""
    cell = WriteOnlyCell(ws, None)
    if align is not None:
        cell.alignment = align
    cell.quotePrefix = prefix
    return int(cell.style_id)


def _claims(wb: Workbook, analysis: Analysis) -> _StreamedRows:
    sheet = _Sheet(wb, "Claims", CLAIM_WIDTHS, freeze="B2")
    sheet.header(CLAIM_HEADERS)
    quote = CLAIM_HEADERS.index("Quote")
    styles: list[int | None] = [None] * len(CLAIM_HEADERS)
    styles[quote] = _style_id(sheet.ws, WRAP)
    prefixed = [_style_id(sheet.ws, prefix=True)] * len(CLAIM_HEADERS)
    prefixed[quote] = _style_id(sheet.ws, WRAP, prefix=True)
    columns: list[list[Any]] = [analysis.claims[name].astype(object).tolist() for name in CLAIM_COLUMNS]
    # no claims: the header row alone (a table still spans one empty row, as Excel's do)
    ref = f"A1:{get_column_letter(len(CLAIM_HEADERS))}{max(len(analysis.claims), 1) + 1}"
    table = Table(displayName="Claims", ref=ref, autoFilter=AutoFilter(ref=ref))
    table.tableColumns = [TableColumn(id=i, name=name) for i, name in enumerate(CLAIM_HEADERS, start=1)]
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    with warnings.catch_warnings():  # "add table columns manually": done above
        warnings.simplefilter("ignore", UserWarning)
        sheet.ws.add_table(table)
    return _StreamedRows(columns, 2, styles, prefixed, tall=quote, tall_width=CLAIM_WIDTHS[quote])


def _evidence_sheet(wb: Workbook, analysis: Analysis) -> _StreamedRows:
    """One row per passage: its claim, source, perspective, topic, stance, location, text."""
    sheet = _Sheet(wb, "Evidence", EVIDENCE_WIDTHS, freeze="B2")
    sheet.header(EVIDENCE_HEADERS)
    passage = EVIDENCE_HEADERS.index("Passage")
    styles: list[int | None] = [None] * len(EVIDENCE_HEADERS)
    styles[passage] = _style_id(sheet.ws, WRAP)
    prefixed = [_style_id(sheet.ws, prefix=True)] * len(EVIDENCE_HEADERS)
    prefixed[passage] = _style_id(sheet.ws, WRAP, prefix=True)
    frame = analysis.passages
    columns: list[list[Any]] = [
        frame[name].astype(object).tolist() if frame is not None else [] for name in PASSAGE_COLUMNS
    ]
    # no passages: the header row alone (a table still spans one empty row, as Excel's do)
    ref = f"A1:{get_column_letter(len(EVIDENCE_HEADERS))}{max(len(columns[0]), 1) + 1}"
    table = Table(displayName="Evidence", ref=ref, autoFilter=AutoFilter(ref=ref))
    table.tableColumns = [TableColumn(id=i, name=name) for i, name in enumerate(EVIDENCE_HEADERS, start=1)]
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    with warnings.catch_warnings():  # "add table columns manually": done above
        warnings.simplefilter("ignore", UserWarning)
        sheet.ws.add_table(table)
    return _StreamedRows(columns, 2, styles, prefixed, tall=passage, tall_width=EVIDENCE_WIDTHS[passage])


def _sources(wb: Workbook, analysis: Analysis, metadata: dict[str, tuple[Any, ...]]) -> None:
    topics = list(analysis.topics)
    sheet = _Sheet(wb, "Sources", [30, 50, 30, 24, 12, 14, 36, 30, 8, 12, 11, 9] + [12] * len(topics), freeze="B2")
    sheet.header(
        [
            "Source",
            "Title",
            "Publisher",
            "Author",
            "Published",
            "Perspective",
            "Text",
            "URL",
            "Claims",
            "Convergence",
            "Divergence",
            "Net",
            *(analysis.codebook.label("topics", t) for t in topics),
        ]
    )
    for source_id, row in analysis.source_rows():
        net = row["net"]
        sheet.append(
            [
                sheet.text(source_id),
                *(sheet.cell(v, align=WRAP) for v in metadata[source_id]),
                row["claims"],
                row["convergence"],
                row["divergence"],
                sheet.cell(
                    net, fmt=NET_FORMAT, fill=None if net is None else PatternFill("solid", fgColor=net_colour(net))
                ),
                *(row[t] or None for t in topics),
            ]
        )


def _coverage(wb: Workbook, result: Coverage) -> None:
    sheet = _Sheet(wb, "Coverage", (30, 44, 12, 12, 10, 16, 16, 40, 90), freeze="A3")
    sheet.append([sheet.cell("Coverage: sentences that a claim's quote overlaps", font=BOLD)])
    sheet.header(["Source", "", "Sentences", "Covered", "Share", "Claims per 1,000 words"])
    for row in result.sources:
        sheet.append(
            [
                sheet.text(row.source),
                None,
                row.sentences,
                row.covered,
                sheet.cell(row.share, fmt="0%"),
                sheet.cell(row.claims_per_1000_words, fmt="0.0"),
            ]
        )
    sheet.append()
    sheet.append(
        [sheet.cell("Uncovered sentences most likely to state a position (score = distinct cues matched)", font=BOLD)]
    )
    sheet.header(["Source", "Location", "Score", "Stance guess", "", "Approach guess", "", "Cues", "Sentence"])
    for candidate in result.candidates:
        sheet.append(
            [
                sheet.text(candidate.source),
                sheet.text(f"{candidate.path}:{candidate.line}:{candidate.column}"),
                candidate.score,
                candidate.stance,
                None,
                candidate.approach,
                None,
                sheet.cell(", ".join(candidate.cues), align=WRAP),
                sheet.cell(candidate.text, align=WRAP),
            ]
        )
    if not result.candidates:
        sheet.append(["none: every sentence with position cues is coded"])
    elif result.found > len(result.candidates):
        more = result.found - len(result.candidates)
        sheet.append([f"… and {more:,} more with lower scores: run 'claims-matrix coverage --limit {result.found}'"])


def _codebook(wb: Workbook, analysis: Analysis) -> None:
    sheet = _Sheet(wb, "Codebook", (22, 36, 90))
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


def _problems(wb: Workbook, report: Report) -> None:
    sheet = _Sheet(wb, "Problems", (10, 22, 36, 30, 60, 60), freeze="A2")
    sheet.header(["Level", "Code", "Location", "Claim or source", "Message", "Hint"])
    for problem in report.problems:
        sheet.append(
            [
                problem.level.value,
                problem.code,
                sheet.text(str(problem.location)),
                sheet.text(problem.subject),
                sheet.cell(problem.message, align=WRAP),
                sheet.cell(problem.hint, align=WRAP),
            ]
        )
    if not report.problems:
        sheet.append(["none", "The claims validated without warnings."])


def stamp(wb: Workbook, title: str, when: datetime.datetime) -> None:
    """Document properties that depend on nothing but `title` and `when` (reproducible bytes)."""
    wb.properties.creator = "claims-matrix"
    wb.properties.lastModifiedBy = "claims-matrix"
    wb.properties.title = title
    wb.properties.created = wb.properties.modified = when.replace(tzinfo=None)


def build_workbook(
    wb: Workbook,
    analysis: Analysis,
    report: Report,
    project: Project,
    when: datetime.datetime,
    covered: Callable[[], Coverage],
    stack: contextlib.ExitStack,
) -> dict[str, _Prerendered]:
    """Fill a write-only workbook (saved once, streamed); the Claims rows are rendered
    by a child process that lives as long as `stack`, and returned by sheet title."""
    stamp(wb, "Claims matrix", when)
    cells = evidence(analysis.claims)
    _overview(wb, analysis, report, dict(project.inputs))
    _stance(wb, analysis, cells)
    _approach(wb, analysis)
    _contrasts(wb, analysis, {t: i + 3 for i, t in enumerate(analysis.topics)})
    streamed = {"Claims": _Prerendered(_claims(wb, analysis), stack)}
    streamed["Evidence"] = _Prerendered(_evidence_sheet(wb, analysis), stack)
    _sources(
        wb,
        analysis,
        {s.id: (s.title, s.publisher, s.author, s.published, s.perspective, s.text, s.url) for s in project.sources},
    )
    _coverage(wb, covered())
    _codebook(wb, analysis)
    _problems(wb, report)
    return streamed


def build_time() -> datetime.datetime:
    """SOURCE_DATE_EPOCH if set (and valid), else 1980-01-01: never the clock."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "")
    try:
        seconds = max(int(raw), 315532800)
    except ValueError:
        seconds = 315532800
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)


class _Prerendered:
    """A sheet's streamed rows, rendered to an anonymous temporary file by a forked child
    while this process builds the rest of the workbook (the file is shared by descriptor).

    Progress (`copy`'s `advance`) counts the rows twice over, as half-steps: once rendered,
    once deflated into the archive; it adds up to exactly the number of rows."""

    def __init__(self, rows: _StreamedRows, stack: contextlib.ExitStack) -> None:
        self.count = rows.count
        self.file = stack.enter_context(tempfile.TemporaryFile())  # noqa: SIM115 - closed by `stack`
        self.on_rendered: Callable[[int], None] = lambda n: None  # rendering here: told as it goes
        work = functools.partial(rows.render, self.file, done=lambda n: self.on_rendered(n))
        self.job = stack.enter_context(Background(work, ROW_BYTES * rows.count))
        self.half_steps = 0  # rows rendered + rows deflated
        self.advance: Callable[[int], None] = lambda n: None

    def _step(self, half_steps: int) -> None:
        before = self.half_steps // 2
        self.half_steps = min(self.half_steps + half_steps, 2 * self.count)
        self.advance(self.half_steps // 2 - before)

    def _watch_child(self) -> None:
        """Until the child is done, count the rows it has rendered so far in the shared file
        (complete `</row>` tags, read with pread: the file offset it writes at is shared)."""
        scanned = 0
        while not self.job.ready(0.1):
            data = os.pread(self.file.fileno(), 1 << 22, scanned)
            last = data.rfind(b"</row>")
            if last >= 0:
                self._step(data.count(b"</row>", 0, last + 6))
                scanned += last + 6

    def copy(self, target: IO[bytes], advance: Callable[[int], None]) -> None:
        self.advance = advance
        self.on_rendered = self._step
        self._watch_child()
        rows = self.job.result()
        self._step(self.count - self.half_steps)  # rendered: the first half complete
        size = self.file.seek(0, os.SEEK_END)
        self.file.seek(0)
        done = 0
        while chunk := self.file.read(1 << 22):
            target.write(chunk)
            done, before = done + len(chunk), done
            self._step(rows * done // size - rows * before // size)
        self._step(2 * self.count - self.half_steps)  # and no row left to count


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose every entry has the same timestamp and permissions."""

    def __init__(
        self,
        file: IO[bytes],
        when: datetime.datetime,
        streamed: dict[str, _Prerendered],
        advance: Callable[[int], None],
    ) -> None:
        # level 1: a third of the time of the default level, for a file a fifth larger
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=1)
        self.stamp = when.timetuple()[:6]
        self.streamed = streamed  # archive name -> rows to add to that sheet
        self.advance = advance

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self.stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        for attribute in ("compress_level", "_compresslevel"):  # Python 3.13+, and before
            with contextlib.suppress(AttributeError):
                setattr(info, attribute, 1)
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname: Any, data: Any, compress_type: Any = None, compresslevel: Any = None) -> None:
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename: Any, arcname: Any = None, compress_type: Any = None, compresslevel: Any = None) -> None:
        name = arcname or os.path.basename(filename)
        with open(filename, "rb") as source, self.open(self._info(name), "w") as target:
            streamed = self.streamed.get(name)
            if streamed is None:
                while chunk := source.read(1 << 20):
                    target.write(chunk)
                return
            # openpyxl wrote the header row only: add the streamed rows before </sheetData>
            head, tail = source.read().split(b"</sheetData>", 1)
            target.write(head)
            streamed.copy(target, self.advance)
            target.write(b"</sheetData>" + tail)


def save(
    wb: Workbook,
    out: Path,
    when: datetime.datetime,
    streamed: dict[str, _Prerendered],
    advance: Callable[[int], None] = lambda n: None,
) -> None:
    """Write `wb` to `out` atomically and reproducibly, adding `streamed` rows by sheet title."""
    by_part = {f"xl/worksheets/sheet{wb.sheetnames.index(title) + 1}.xml": rows for title, rows in streamed.items()}
    if out.parent.is_dir():
        remove_stale_temporaries(out.parent)
    with atomic_output(out) as handle, _FixedTimeZip(handle, when, by_part, advance) as archive:
        ExcelWriter(wb, archive).write_data()


def _discard(wb: Workbook) -> None:
    """Close the streams of a half-written write-only workbook quietly (else they complain at exit)."""
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        for stream in (getattr(ws, "_rows", None), getattr(writer, "xf", None)):
            if stream is not None:
                with contextlib.suppress(Exception):
                    stream.close()


def workbook_coverage(project: Project, report: Report, sources: Sequence[str]) -> Coverage:
    """The coverage the Coverage sheet shows (its best COVERAGE_ROWS sentences)."""
    return coverage(project, report, sources, limit=COVERAGE_ROWS)


def coverage_weight(project: Project) -> int:
    """The bytes of source text that coverage reads (see `Background`)."""
    return sum(len(text.content) for text in project.texts.values())


def write_workbook(
    analysis: Analysis,
    report: Report,
    project: Project,
    out: Path,
    advance: Callable[[int], None] = lambda n: None,
    covered: Callable[[], Coverage] | None = None,
) -> None:
    """Build the workbook and write it to `out` atomically; `advance(n)`: n more Claims or Evidence rows
    written. `covered()` gives the coverage (default: `workbook_coverage`, computed here)."""
    when = build_time()
    if covered is None:
        covered = functools.partial(workbook_coverage, project, report, analysis.filters.sources)
    wb = Workbook(write_only=True)
    try:
        with contextlib.ExitStack() as stack:
            streamed = build_workbook(wb, analysis, report, project, when, covered, stack)
            save(wb, out, when, streamed, advance)
    except BaseException:
        _discard(wb)
        raise


CHANGE_FILLS = {
    "added": "C6EFCE",
    "removed": "FFC7CE",
    "recoded": "FFEB9C",
    "edited": "FFEB9C",
    "moved": "DDEBF7",
    "renamed?": "DDEBF7",
}
FLAG_FILLS = {"new": "C6EFCE", "emptied": "FFC7CE", "sign flipped": "F4B084", "changed": "FFEB9C"}


def _change_rows(diff: Diff) -> list[tuple[str, str, str, str | None, str | None, str]]:
    """(claim, change, field, old, new, at) for every change of a claim, in the Diff's order."""
    rows: list[tuple[str, str, str, str | None, str | None, str]] = []
    renamed = dict(diff.renamed)
    for ref in diff.added:
        rows.append((ref.id, "added", "passages", None, " … ¶ ".join(ref.passages), ref.at))
    for ref in diff.removed:
        change = "renamed?" if ref.id in renamed else "removed"
        new = f"renamed? {renamed[ref.id]}" if ref.id in renamed else None
        rows.append((ref.id, change, "passages", " … ¶ ".join(ref.passages), new, ref.at))
    for claim in diff.changed:
        for name, (old, new) in claim.fields.items():
            rows.append((claim.id, "recoded", name, old, new, claim.at))
        if claim.passages is not None:
            old_text, new_text = (" … ¶ ".join(p) for p in claim.passages)
            rows.append((claim.id, "edited", "passages", old_text, new_text, claim.at))
        if claim.moved is not None:
            rows.append((claim.id, "moved", "file (source)", claim.moved[0], claim.moved[1], claim.at))
    return rows


def write_changes(diff: Diff, out: Path) -> None:
    """The Changes workbook of `diff`: Claims (each change, old and new side by side), Cells
    (every matrix cell that moved, flagged) and Sources; atomic and reproducible like the
    main workbook."""
    wb = Workbook(write_only=True)
    when = build_time()
    stamp(wb, f"Changes {diff.old} -> {diff.new}", when)
    try:
        claims = _Sheet(wb, "Claims", (30, 12, 14, 50, 50, 34), freeze="B2")
        claims.header(("claim", "change", "field", "old", "new", "at"))
        for row in _change_rows(diff):
            fill = PatternFill("solid", fgColor=CHANGE_FILLS[row[1]])
            claims.append(
                [
                    claims.cell(row[0], align=TOP),
                    claims.cell(row[1], fill=fill, align=TOP),
                    claims.cell(row[2], align=TOP),
                    claims.cell(row[3], align=WRAP),
                    claims.cell(row[4], align=WRAP, fill=fill),
                    claims.cell(row[5], align=TOP),
                ]
            )
        cells = _Sheet(wb, "Cells", (30, 16, 10, 10, 10, 10, 10, 10, 14), freeze="C2")
        cells.header(
            ("topic", "perspective", "old conv", "old div", "old net", "new conv", "new div", "new net", "flag")
        )
        for cell in diff.cells:
            old, new = cell.old or (None, None, None), cell.new or (None, None, None)
            flag_fill = PatternFill("solid", fgColor=FLAG_FILLS[cell.flag])
            cells.append(
                [
                    cells.text(cell.topic),
                    cells.text(cell.perspective),
                    old[0],
                    old[1],
                    cells.cell(old[2], fmt=NET_FORMAT),
                    new[0],
                    new[1],
                    cells.cell(new[2], fmt=NET_FORMAT),
                    cells.cell(cell.flag, fill=flag_fill),
                ]
            )
        sources = _Sheet(wb, "Sources", (30, 16, 40, 40, 12), freeze="B2")
        sources.header(("source", "field", "old", "new", "claims moved"))
        for source in diff.sources:
            for name, (was, now) in source.fields.items():
                moves = source.moves if name == "perspective" else None
                sources.append([sources.text(source.id), name, sources.text(was), sources.text(now), moves])
        save(wb, out, when, {})
    except BaseException:
        _discard(wb)
        raise
