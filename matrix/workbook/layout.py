"""Where things are in the workbook, worked out before any sheet is written (no openpyxl):
the Claims sheet's rows in matrix order, the block of rows behind each matrix cell, and the
Stance cell each claim belongs to.

Invariants:
- Claims rows run in matrix order: topic and perspective in the analysis' (codebook) order,
  then stance (convergence, divergence), then source id, then the claims table's order; so the
  claims of one topic x perspective cell are one contiguous block, and within it those of one
  stance are too;
- `block(rows)` is a cell reference that holds exactly the Claims rows of `rows`: one range
  (`'Claims'!A12:A23`) when they are contiguous, else the union of their runs (comma-separated
  areas), never a row that is not one of them;
- a claim's Stance cell is the Net cell of its topic x perspective on the Stance sheet.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter  # a pure function: column number -> letters

from matrix.analysis.pivot import Analysis
from matrix.model.terms import STANCES

STANCE_FIRST_ROW = 4  # the Stance sheet's first topic row (three header rows above it)
STANCE_COLUMNS = 5  # per perspective on Stance: Conv, Div, Net, Weighted, Writer
STANCE_NET = 2  # the Net column's offset within a perspective's columns


def stance_address(topic: int, perspective: int) -> str:
    """The Net cell of the `topic`-th topic x `perspective`-th perspective on Stance (`D3`)."""
    column = 2 + STANCE_COLUMNS * perspective + STANCE_NET
    return f"{get_column_letter(column)}{STANCE_FIRST_ROW + topic}"


def _area(sheet: str, column: str, first: int, last: int) -> str:
    return f"'{sheet}'!{column}{first}" if first == last else f"'{sheet}'!{column}{first}:{column}{last}"


def runs(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, last) runs of consecutive rows."""
    out: list[tuple[int, int]] = []
    for row in sorted(set(rows)):
        if out and row == out[-1][1] + 1:
            out[-1] = (out[-1][0], row)
        else:
            out.append((row, row))
    return out


def block(rows: Iterable[int], sheet: str = "Claims", column: str = "A") -> str | None:
    """A reference holding exactly `rows` of `sheet` (None: no rows)."""
    areas = [_area(sheet, column, first, last) for first, last in runs(rows)]
    return ",".join(areas) if areas else None


@dataclass(frozen=True)
class ClaimsLayout:
    """The Claims sheet's rows. `order[i]` is the claims-table row shown on sheet row i + 2
    (row 1 holds the headers); `rows[t]` the sheet row of claims-table row t; `cells[t]` its
    Stance cell (`J5`; None when its topic or perspective is not in the matrix); `spans` the
    first and last sheet rows of each cell's block, by (topic, perspective, stance), and of the
    whole cell by (topic, perspective, None)."""

    order: tuple[int, ...]
    rows: tuple[int, ...]
    cells: tuple[str | None, ...]
    ids: Mapping[str, int]  # claim id -> sheet row
    spans: Mapping[tuple[str, str, str | None], tuple[int, int]] = field(default_factory=dict)

    def span_block(self, topic: str, perspective: str, stance: str | None = None) -> str | None:
        """The Claims rows of a cell (of one stance in it), as one range; None when it has none."""
        span = self.spans.get((topic, perspective, stance))
        return None if span is None else _area("Claims", "A", *span)

    def claims_block(self, table_rows: Iterable[int]) -> str | None:
        """The Claims rows of these claims-table rows, as one reference (see `block`)."""
        return block(self.rows[t] for t in table_rows)

    def cited_block(self, claim_ids: Iterable[str]) -> str | None:
        """The Claims rows of the claims with these ids that are shown (None: none is)."""
        return block(self.ids[i] for i in claim_ids if i in self.ids)


def claims_layout(analysis: Analysis, cited: Collection[str] | None = None) -> ClaimsLayout:
    """The Claims sheet of `analysis` in matrix order (see the module's invariants); `ids`
    holds the claims of `cited` (default: every claim)."""
    claims = analysis.claims
    topics, perspectives = len(analysis.topics), len(analysis.perspectives)
    # one integer key per claim (sorting 100,000 of them is far quicker than tuples of strings);
    # a topic or perspective outside the matrix sorts last
    topic_at = {t: i for i, t in enumerate(analysis.topics)}
    perspective_at = {p: i for i, p in enumerate(analysis.perspectives)}
    stance_at = {s: i for i, s in enumerate(STANCES)}
    source_at = {s: i for i, s in enumerate(sorted({c.source for c in claims}))}
    stances, sources = len(STANCES) + 1, len(source_at)
    places = [(topic_at.get(c.topic, topics), perspective_at.get(c.perspective, perspectives)) for c in claims]
    keys = [
        ((t * (perspectives + 1) + p) * stances + stance_at.get(c.stance, stances - 1)) * sources + source_at[c.source]
        for (t, p), c in zip(places, claims, strict=True)
    ]
    order = tuple(sorted(range(len(claims)), key=keys.__getitem__))  # stable: file order last
    rows = [0] * len(order)
    for position, row in enumerate(order):
        rows[row] = position + 2
    addresses = {(t, p): stance_address(t, p) for t in range(topics) for p in range(perspectives)}
    cells = tuple(addresses.get(place) for place in places)
    ids = {c.id: row for c, row in zip(claims, rows, strict=True) if cited is None or c.id in cited}
    spans: dict[tuple[str, str, str | None], tuple[int, int]] = {}
    for size in (sources, sources * stances) if order else ():  # one stance in a cell, then whole cells
        blocks = [keys[row] // size for row in order]  # sorted: each block's rows are consecutive
        starts = [0, *(i for i in range(1, len(blocks)) if blocks[i] != blocks[i - 1])]
        for first, end in zip(starts, [*starts[1:], len(blocks)], strict=True):
            claim = claims[order[first]]
            stance = claim.stance if size == sources else None
            spans[claim.topic, claim.perspective, stance] = (first + 2, end + 1)
    return ClaimsLayout(order, tuple(rows), cells, ids, spans)


def passage_order(claim_order: Sequence[int], passages_per_claim: Sequence[int]) -> list[int]:
    """The passages table's rows in the order of their claims on the Claims sheet (a claim's
    passages stay together, in their order)."""
    starts = [0] * len(passages_per_claim)
    total = 0
    for claim, count in enumerate(passages_per_claim):
        starts[claim], total = total, total + count
    return [starts[claim] + i for claim in claim_order for i in range(passages_per_claim[claim])]
