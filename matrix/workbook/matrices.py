"""The matrix sheets (Stance, Approach, Contrasts): topics x perspectives, each count cell's
comment listing the claims behind it and its link holding exactly their rows on Claims."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.cell_range import CellRange

from matrix.analysis.findings import Findings, findings
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
    WRAP,
    Sheet,
    net_format,
    solid,
    stance_fill,
    wrapped_lines,
)
from matrix.workbook.comments import COMMENT_LINES, evidence_note
from matrix.workbook.layout import ClaimsLayout, claims_layout


def _evidence(title: str, items: Sequence[Evidence], layout: ClaimsLayout) -> dict[str, Any]:
    """A cell's comment and link for the claims behind it (nothing when there are none): the
    link holds exactly the Claims rows of `items`, the comment lists them (the first few of many)."""
    if not items:
        return {"comment": None, "link": None}
    items = sorted(items, key=lambda item: layout.rows[item[0]])  # as the block runs
    rows = [layout.rows[item[0]] for item in items]
    where = f"Claims rows {rows[0]}-{rows[-1]}" if rows[-1] - rows[0] + 1 == len(rows) else "the linked Claims rows"
    return {"comment": evidence_note(title, items, where), "link": layout.claims_block(item[0] for item in items)}


def block_evidence(
    title: str, analysis: Analysis, layout: ClaimsLayout, topic: str, perspective: str, stance: str | None = None
) -> dict[str, Any]:
    """`_evidence` of a cell's block on Claims (of one `stance` in it), read off the layout:
    the first claims of the block for the comment, the block's range for the link."""
    span = layout.spans.get((topic, perspective, stance))
    if span is None:
        return {"comment": None, "link": None}
    first, last = span
    shown = [
        (row, analysis.claims[row].id, analysis.claims[row].stance, analysis.claims[row].quotes)
        for row in layout.order[first - 2 : min(last - 1, first - 2 + COMMENT_LINES)]  # at most a line each
    ]
    note = evidence_note(title, shown, f"Claims rows {first}-{last}", total=last - first + 1)
    return {"comment": note, "link": layout.span_block(topic, perspective, stance)}


def _matrix_header(sheet: Sheet, analysis: Analysis, measures: Sequence[str]) -> None:
    """Row 1: each perspective's label alone (merged across its columns); row 2: what the sheet
    counts, and under each label the parties the perspective measures and whose voice it
    carries (`US - India, official sources`, merged and wrapped; empty when the codebook gives
    neither); row 3: what each column measures."""
    top: list[Any] = [sheet.cell("Topic", font=BOLD, fill=HEADER_FILL)]
    middle: list[Any] = [sheet.cell(f"counting {analysis.count}", fill=HEADER_FILL)]
    second: list[Any] = [sheet.cell(None, fill=HEADER_FILL)]
    lines = 1
    for group, perspective in enumerate(analysis.perspectives):
        label = analysis.codebook.label("perspectives", perspective)
        parties = analysis.codebook.parties_text(perspective)
        first = 2 + group * len(measures)
        for row in (sheet.rows + 1, sheet.rows + 2):
            sheet.ws.merged_cells.add(
                CellRange(min_col=first, min_row=row, max_col=first + len(measures) - 1, max_row=row)
            )
        if parties:
            lines = max(lines, wrapped_lines(parties, sum(sheet.widths[first - 1 : first - 1 + len(measures)])))
        for i, measure in enumerate(measures):
            edge = GROUP_EDGE if i == 0 else None
            top.append(sheet.cell(label if i == 0 else None, font=BOLD, fill=HEADER_FILL, border=edge))
            middle.append(
                sheet.cell(parties if i == 0 and parties else None, fill=HEADER_FILL, border=edge, align=WRAP)
            )
            second.append(sheet.cell(measure, font=BOLD, fill=HEADER_FILL, align=CENTER, border=edge))
    sheet.append(top)
    sheet.append(middle, lines=lines)
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
    wb: Workbook,
    analysis: Analysis,
    cells: dict[tuple[str, ...], list[Evidence]],
    memos: Memos | None = None,
    layout: ClaimsLayout | None = None,
) -> None:
    memos = memos or Memos()
    layout = layout or claims_layout(analysis)
    widths = [30] + [8, 8, 9, 10, 7] * len(analysis.perspectives)  # printed one page wide at 7 points or more
    sheet = Sheet(wb, "Stance", widths, freeze="B4")
    _matrix_header(sheet, analysis, ("Conv", "Div", "Net", "Weighted", "Writer"))
    for topic in analysis.topics:
        topic_label = analysis.codebook.label("topics", topic)
        row: list[Any] = [sheet.cell(topic_label, align=WRAP)]  # whole, on two lines when long
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
                sheet.cell(
                    cell.convergence,
                    fill=fill,
                    border=GROUP_EDGE,
                    **block_evidence(titles[0], analysis, layout, topic, perspective, "convergence"),
                ),
                sheet.cell(
                    cell.divergence,
                    fill=fill,
                    **block_evidence(titles[1], analysis, layout, topic, perspective, "divergence"),
                ),
                sheet.cell(
                    cell.net,
                    fill=fill,
                    fmt=net_format(units),
                    font=BOLD,
                    **block_evidence(net_title, analysis, layout, topic, perspective),
                ),
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


def approach_sheet(wb: Workbook, analysis: Analysis, layout: ClaimsLayout | None = None) -> None:
    layout = layout or claims_layout(analysis)
    widths = [22] + [8, 8, 9, 10, 8] * len(analysis.perspectives)  # printed one page wide at 7 points or more
    sheet = Sheet(wb, "Approach", widths, freeze="B4")
    _matrix_header(sheet, analysis, ("Unilateral", "Bilateral", "Multilateral", "Unspecified", "Dominant"))
    by_cell: dict[tuple[str, str, str], list[Evidence]] = {}
    for index, c in enumerate(analysis.claims):
        for approach in c.means or (UNSPECIFIED,):
            by_cell.setdefault((c.topic, c.perspective, approach), []).append((index, c.id, c.stance, c.quotes))
    for topic in analysis.topics:
        topic_label = analysis.codebook.label("topics", topic)
        row: list[Any] = [sheet.cell(topic_label, align=WRAP)]
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
                        **_evidence(title, items, layout),
                    )
                )
            unspecified = by_cell.get((topic, perspective, UNSPECIFIED), [])
            where = f"{analysis.codebook.label('perspectives', perspective)} \u00b7 {topic_label}"
            row.append(
                sheet.cell(
                    cell.unspecified if cell else None,
                    **_evidence(f"{where}: {len(unspecified)} with no approach coded", unspecified, layout),
                )
            )
            dominant = (cell.dominant or "\u2014 (most claims specify none)") if cell else None
            row.append(sheet.cell(dominant, align=WRAP))  # a tie wraps in its cell
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


CONTRAST_SECTIONS = (
    ("disagree", "Disagree: opposite signs (same parties: a disagreement; different pairs: triangulation)"),
    ("agree", "Agree: the same sign"),
    ("mixed", "Mixed: one side balanced at 0.00"),
)


def contrasts_sheet(
    wb: Workbook, analysis: Analysis, stance_rows: dict[str, int], found: Findings | None = None
) -> None:
    """Every pair of perspectives with evidence on a topic, in a Disagree, an Agree and a Mixed
    section, each strong first, then by gap (a thin side marked with why)."""
    sheet = Sheet(wb, "Contrasts", (6, 20, 16, 8, 7, 7, 16, 8, 7, 7, 7, 8, 8, 30), freeze="C3")
    unit = analysis.count
    pairs = (found or findings(analysis)).pairs
    label = analysis.codebook.label
    for relation, title in CONTRAST_SECTIONS:
        shown = [p for p in pairs if p.relation == relation or (relation == "disagree" and p.relation == "triangulate")]
        if relation == "mixed" and not shown:
            continue
        if sheet.rows:
            sheet.append()
        sheet.append([None, sheet.cell(f"{title}; strong first, then by gap", font=BOLD)])
        sheet.header(
            [
                "Rank",
                "Topic",
                "Perspective A",
                "Net A",
                "Claims A",
                "Sources A",
                "Perspective B",
                "Net B",
                "Claims B",
                "Sources B",
                "Gap",
                "Same parties",
                "Strength",
                "Reading",
            ]
        )
        for rank, pair in enumerate(shown, start=1):
            a, b = pair.a, pair.b
            la, lb = label("perspectives", a.perspective), label("perspectives", b.perspective)
            reading = f"{la}: {_side(a.net)} ({a.net:+.2f}, {_n(a.units, unit)}) vs {lb}: {_side(b.net)} ({b.net:+.2f}, {_n(b.units, unit)})"
            thin = "; ".join(f"{s.perspective} {s.why}" for s in (a, b) if s.thin)
            sheet.append(
                [
                    rank,
                    sheet.cell(label("topics", pair.topic), link=f"'Stance'!A{stance_rows[pair.topic]}"),
                    sheet.cell(la),
                    sheet.cell(a.net, fmt=net_format(a.units), fill=stance_fill(a.net, a.units)),
                    a.claims,
                    a.sources,
                    sheet.cell(lb),
                    sheet.cell(b.net, fmt=net_format(b.units), fill=stance_fill(b.net, b.units)),
                    b.claims,
                    b.sources,
                    sheet.cell(pair.gap, fmt="0.00"),
                    "yes" if pair.same_parties else "no",
                    "strong" if pair.strong else "thin",
                    sheet.cell(reading + (f" (thin: {thin})" if thin else ""), align=WRAP),
                ]
            )
        if not shown:
            sheet.append([None, "none (with the current filters)"])
    sheet.ws.print_area = f"A1:N{sheet.rows}"  # the section titles' overflow is for the screen


def _side(net: float) -> str:
    return "net convergence" if net > 0 else "net divergence" if net < 0 else "balanced"


def _n(count: int, unit: str = "claims") -> str:
    return counted(count, unit.removesuffix("s"))
