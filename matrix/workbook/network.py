"""The Network sheet: for actors, perspectives and sources, the node x node matrix of the signed
index (congruent - conflicting) / (congruent + conflicting) topics, nodes ordered so that groups
that agree sit together (`matrix.analysis.network.signed_groups`), coloured as the Stance sheet; each
cell's comment names the topics and the claims behind it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from matrix.analysis.network import SHEET_LIMIT, MatrixView, SignedMatrix
from matrix.model.values import Codebook
from matrix.model.wording import counted
from matrix.workbook.cells import BOLD, CENTER, HEADER_FILL, TITLE, WRAP, Sheet, net_format, solid, stance_fill

COMMENT_CLAIMS = 20  # claim ids listed in one cell comment; the rest are counted
DIAGONAL = solid("EEEEEE")
KIND_TITLES = {"actor": "Actors", "perspective": "Perspectives", "source": "Sources"}


def cell_comment(matrix: SignedMatrix, a: str, b: str, codebook: Codebook) -> str | None:
    """What a cell's comment says: the pair, the index, the topics each way and the claims."""
    found = matrix.cell(a, b)
    if found is None:
        return None
    index, congruent, conflicting, claims = found
    pair = f"{matrix.labels[a]} \u00b7 {matrix.labels[b]}"
    lines = [
        f"{pair}: {index:+.2f} ({len(congruent)} congruent, {len(conflicting)} conflicting topics)",
        "",
        f"Congruent: {', '.join(codebook.label('topics', t) for t in congruent) or 'none'}",
        f"Conflicting: {', '.join(codebook.label('topics', t) for t in conflicting) or 'none'}",
        "",
        f"Claims: {', '.join(claims[:COMMENT_CLAIMS])}",
    ]
    if len(claims) > COMMENT_CLAIMS:
        lines[-1] += f" \u2026 and {len(claims) - COMMENT_CLAIMS} more"
    return "\n".join(lines)


def _section(sheet: Sheet, view: MatrixView, codebook: Codebook) -> None:
    title = KIND_TITLES[view.kind]
    sheet.append([sheet.cell(title, font=BOLD)])
    matrix = view.matrix
    if matrix is None:
        reason = (
            f"{counted(view.nodes, view.kind)}: more than {SHEET_LIMIT}; `claims-matrix network --nodes {view.kind}` writes them all"
            if view.nodes > SHEET_LIMIT
            else f"{counted(view.nodes, view.kind)} with claims: no pair to compare"
        )
        sheet.append([sheet.cell(reason)])
        sheet.append()
        return
    header: list[Any] = [
        sheet.cell("Group", font=BOLD, fill=HEADER_FILL),
        sheet.cell(title[:-1], font=BOLD, fill=HEADER_FILL),
    ]
    header += [sheet.cell(matrix.labels[n], font=BOLD, fill=HEADER_FILL, align=WRAP) for n in matrix.order]
    sheet.append(header)
    for a in matrix.order:
        row: list[Any] = [matrix.group[a], sheet.cell(matrix.labels[a], font=BOLD)]
        for b in matrix.order:
            found = matrix.cell(a, b)
            if a == b:
                row.append(sheet.cell("\u2014", fill=DIAGONAL, align=CENTER))
            elif found is None:
                row.append(None)
            else:
                topics = len(found[1]) + len(found[2])
                row.append(
                    sheet.cell(
                        found[0],
                        fill=stance_fill(found[0], topics),
                        fmt=net_format(topics),
                        align=CENTER,
                        comment=cell_comment(matrix, a, b, codebook),
                    )
                )
        sheet.append(row)
    sheet.append()


def network_sheet(wb: Workbook, views: Sequence[MatrixView], codebook: Codebook, count: str) -> None:
    widths = [7, 34] + [14] * max((v.nodes for v in views if v.matrix is not None), default=0)
    sheet = Sheet(wb, "Network", widths)
    sheet.append([sheet.cell("Who agrees with whom", font=TITLE)])
    sheet.append(
        [
            sheet.cell(
                "Each cell: (congruent - conflicting) / (congruent + conflicting) topics of the pair; a topic is "
                "congruent when both net indexes have the same sign, conflicting when opposite (counting "
                f"{count}). Rows in groups that agree (signed community detection, README: Networks); a cell "
                "on fewer than 3 topics is lighter and marked \u00b0; hover a cell for its topics and claims.",
                align=WRAP,
            )
        ]
    )
    sheet.append()
    for view in views:
        _section(sheet, view, codebook)
