"""The matrix sheets (Stance, Approach, Contrasts): topics x perspectives, each cell's comment
listing the claims behind it and linking to the first one in Claims."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.cell_range import CellRange

from matrix.analysis.pivot import Analysis, Evidence, StanceCell
from matrix.analysis.voicing import VoiceCell
from matrix.model.terms import APPROACHES, UNSPECIFIED, Unit
from matrix.model.values import Memo, Memos
from matrix.model.wording import counted
from matrix.workbook.cells import (
    BOLD,
    CENTER,
    GROUP_EDGE,
    HEADER_FILL,
    NET_FORMAT,
    TOP,
    WRAP,
    Sheet,
    net_format,
    solid,
    stance_fill,
    wrapped_lines,
)

COMMENT_CLAIMS = 12  # claims listed in one cell comment; the rest are counted


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


def _matrix_header(sheet: Sheet, analysis: Analysis, measures: Sequence[str]) -> None:
    """Row 1: each perspective's label, with its parties and voice when the codebook gives them
    (merged across its columns and wrapped); row 2: what each column measures."""
    top: list[Any] = [sheet.cell("Topic", font=BOLD, fill=HEADER_FILL)]
    second: list[Any] = [sheet.cell(f"counting {analysis.count}", fill=HEADER_FILL)]
    lines = 1
    for group, perspective in enumerate(analysis.perspectives):
        label = analysis.codebook.label("perspectives", perspective)
        parties = analysis.codebook.parties_text(perspective)
        align = None
        if parties:
            label, align = f"{label} ({parties})", WRAP
            first = 2 + group * len(measures)
            sheet.ws.merged_cells.add(
                CellRange(
                    min_col=first, min_row=sheet.rows + 1, max_col=first + len(measures) - 1, max_row=sheet.rows + 1
                )
            )
            lines = max(lines, wrapped_lines(label, sum(sheet.widths[first - 1 : first - 1 + len(measures)])))
        for i, measure in enumerate(measures):
            edge = GROUP_EDGE if i == 0 else None
            top.append(sheet.cell(label if i == 0 else None, font=BOLD, fill=HEADER_FILL, border=edge, align=align))
            second.append(sheet.cell(measure, font=BOLD, fill=HEADER_FILL, align=CENTER, border=edge))
    sheet.append(top, lines=lines)
    sheet.append(second)


def _sources_text(count: int) -> str:
    return counted(count, "source")


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


def _with_memo(title: str, memo: Memo | None) -> str:
    """A Net comment's title, the analyst's summary of the cell after it."""
    if memo is None:
        return title
    cites = f" (rests on {', '.join(memo.claims)})" if memo.claims else ""
    return f"{title}\n\nSummary: {memo.text}{cites}"


def stance_sheet(
    wb: Workbook, analysis: Analysis, cells: dict[tuple[str, ...], list[Evidence]], memos: Memos | None = None
) -> None:
    memos = memos or Memos()
    widths = [44] + [9, 9, 9, 10, 9] * len(analysis.perspectives)
    sheet = Sheet(wb, "Stance", widths, freeze="B3")
    _matrix_header(sheet, analysis, ("Conv", "Div", "Net", "Weighted", "Writer"))
    for topic in analysis.topics:
        topic_label = analysis.codebook.label("topics", topic)
        row: list[Any] = [sheet.cell(topic_label, align=TOP)]
        for perspective in analysis.perspectives:
            cell = analysis.stance_cell(topic, perspective)
            if cell is None:
                row += [sheet.cell(None, border=GROUP_EDGE), None, None, None, None]
                continue
            units = cell.convergence + cell.divergence
            fill = stance_fill(cell.net, units)
            items = cells.get((topic, perspective), [])
            where = f"{analysis.codebook.label('perspectives', perspective)} \u00b7 {topic_label}"
            conv = [i for i in items if i[2] == "convergence"]
            div = [i for i in items if i[2] == "divergence"]
            titles = _stance_titles(where, cell, len(conv), len(div), analysis.unit is Unit.SOURCES)
            net_title = _with_memo(titles[2], memos.cell(topic, perspective))
            row += [
                sheet.cell(cell.convergence, fill=fill, border=GROUP_EDGE, **_evidence(titles[0], conv)),
                sheet.cell(cell.divergence, fill=fill, **_evidence(titles[1], div)),
                sheet.cell(cell.net, fill=fill, fmt=net_format(units), font=BOLD, **_evidence(net_title, items)),
                sheet.cell(cell.weighted, fill=fill, fmt=NET_FORMAT),
                _writer_cell(sheet, analysis.voice_cell(topic, perspective), where),
            ]
        sheet.append(row)


FORECAST_FILL = "F4CCCC"  # a cell that rests on forecasts


def _writer_cell(sheet: Sheet, voices: VoiceCell | None, where: str) -> Any:
    """How many of a cell's claims are in the writer's voice; marked `▲` and shaded when the
    cell rests on forecasts (its comment says why)."""
    if voices is None:
        return sheet.cell(None)
    lines = [
        (
            f"{where}: {voices.writer} of {counted(voices.claims, 'claim')} in the writer's voice "
            f"(assessment, forecast, recommendation), {voices.forecasts} of them forecasts or recommendations, "
            f"{voices.unspecified} with no voice coded"
        )
    ]
    if voices.rests_on_forecasts:
        lines.append(f"Rests on forecasts: {voices.reason()}.")
    return sheet.cell(
        voices.writer,
        fmt='0" ▲"' if voices.rests_on_forecasts else "0",
        fill=solid(FORECAST_FILL) if voices.rests_on_forecasts else None,
        comment="\n".join(lines),
    )


def _evidence(title: str, items: Sequence[Evidence]) -> dict[str, str | None]:
    """A cell's comment and link for the claims behind it (nothing when there are none)."""
    if not items:
        return {"comment": None, "link": None}
    return {"comment": _evidence_text(title, items), "link": _claims_link(items[0][0])}


def approach_sheet(wb: Workbook, analysis: Analysis) -> None:
    widths = [44] + [11, 11, 12, 12, 22] * len(analysis.perspectives)
    sheet = Sheet(wb, "Approach", widths, freeze="B3")
    _matrix_header(sheet, analysis, ("Unilateral", "Bilateral", "Multilateral", "Unspecified", "Dominant"))
    by_cell: dict[tuple[str, str, str], list[Evidence]] = {}
    for index, c in enumerate(analysis.claims):
        for approach in c.means or (UNSPECIFIED,):
            by_cell.setdefault((c.topic, c.perspective, approach), []).append((index, c.id, c.stance, c.quotes))
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
                if analysis.unit is Unit.SOURCES and cell is not None:
                    title = f"{where}: {_sources_text(cell.counts[i])} {approach} ({_n(len(items))})"
                row.append(
                    sheet.cell(
                        cell.counts[i] if cell else None,
                        border=GROUP_EDGE if i == 0 else None,
                        font=BOLD if approach in leaders else None,
                        fill=solid("C9DAF8") if items else None,
                        **_evidence(title, items),
                    )
                )
            unspecified = by_cell.get((topic, perspective, UNSPECIFIED), [])
            where = f"{analysis.codebook.label('perspectives', perspective)} \u00b7 {topic_label}"
            row.append(
                sheet.cell(
                    cell.unspecified if cell else None,
                    **_evidence(f"{where}: {len(unspecified)} with no approach coded", unspecified),
                )
            )
            dominant = (cell.dominant or "\u2014 (most claims specify none)") if cell else None
            row.append(sheet.cell(dominant))
        sheet.append(row)

    sheet.append()
    sheet.append(
        [
            sheet.cell(
                "Actors x approaches: which party prefers which means, per perspective "
                "(a claim with sides counts each side under its actor)",
                font=BOLD,
            )
        ]
    )
    sheet.header(["Perspective", "Actor", "Unilateral", "Bilateral", "Multilateral", "Unspecified", "Total"])
    for perspective, actor, counts in analysis.actor_rows():
        sheet.append(
            [
                sheet.cell(analysis.codebook.label("perspectives", perspective)),
                sheet.cell(analysis.codebook.label("actors", actor)),
                *counts,
            ]
        )


def contrasts_sheet(wb: Workbook, analysis: Analysis, stance_rows: dict[str, int]) -> None:
    sheet = Sheet(wb, "Contrasts", (6, 28, 26, 9, 8, 26, 9, 8, 8, 10, 70), freeze="C2")
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
                sheet.cell(row.net_a, fmt=net_format(row.claims_a), fill=stance_fill(row.net_a, row.claims_a)),
                row.claims_a,
                sheet.cell(b),
                sheet.cell(row.net_b, fmt=net_format(row.claims_b), fill=stance_fill(row.net_b, row.claims_b)),
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
    return counted(count, unit.removesuffix("s"))
