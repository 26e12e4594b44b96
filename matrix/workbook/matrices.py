"""The matrix sheets (Stance, Approach, Contrasts): topics x perspectives, each cell's comment
listing the claims behind it and linking to the first one in Claims."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from matrix.analysis.findings import Findings, findings
from matrix.analysis.pivot import Analysis, Evidence, StanceCell, evidence
from matrix.model.terms import APPROACHES, Unit
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
    widths = [44] + [9, 9, 9, 10] * len(analysis.perspectives)
    sheet = Sheet(wb, "Stance", widths, freeze="B3")
    _matrix_header(sheet, analysis, ("Conv", "Div", "Net", "Weighted"))
    for topic in analysis.topics:
        topic_label = analysis.codebook.label("topics", topic)
        row: list[Any] = [sheet.cell(topic_label, align=TOP)]
        for perspective in analysis.perspectives:
            cell = analysis.stance_cell(topic, perspective)
            if cell is None:
                row += [sheet.cell(None, border=GROUP_EDGE), None, None, None]
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
            ]
        sheet.append(row)


def _evidence(title: str, items: Sequence[Evidence]) -> dict[str, str | None]:
    """A cell's comment and link for the claims behind it (nothing when there are none)."""
    if not items:
        return {"comment": None, "link": None}
    return {"comment": _evidence_text(title, items), "link": _claims_link(items[0][0])}


def approach_sheet(wb: Workbook, analysis: Analysis) -> None:
    widths = [44] + [11, 11, 12, 22] * len(analysis.perspectives)
    sheet = Sheet(wb, "Approach", widths, freeze="B3")
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
    sheet = Sheet(wb, "Contrasts", (6, 28, 22, 9, 8, 8, 22, 9, 8, 8, 8, 9, 9, 70), freeze="C3")
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


def _side(net: float) -> str:
    return "net convergence" if net > 0 else "net divergence" if net < 0 else "balanced"


def _n(count: int, unit: str = "claims") -> str:
    return counted(count, unit.removesuffix("s"))
