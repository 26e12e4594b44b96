"""The only pandas import: an Analysis's tables as DataFrames, for analysts in notebooks
(`Analysis.to_frame`) and for the benchmark's naive pipeline. Nothing is counted here: each
frame lays out the values the Analysis holds. Not on the path of any command."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from matrix.analysis.frames import ClaimRow, PassageRow
from matrix.model.terms import APPROACHES

if TYPE_CHECKING:
    from matrix.analysis.pivot import Analysis

CELL_COLUMNS = (
    "topic",
    "perspective",
    "convergence",
    "divergence",
    "net",
    "weighted",
    "sources",
    *APPROACHES,
    "dominant",
)
"""One row per topic x perspective cell: the stance counts and indexes, then the approach counts;
empty where the cell has no claims (no claims with an approach)."""


def _table(names: tuple[str, ...], rows: list[tuple[object, ...]], ints: tuple[str, ...] = ()) -> pd.DataFrame:
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(names)
    return pd.DataFrame(
        {
            name: pd.Series(values, dtype="Int64" if name in ints else object)
            for name, values in zip(names, columns, strict=True)
        }
    )


def frame_of(analysis: Analysis, table: str) -> pd.DataFrame:
    """The `table` of `analysis` ('claims', 'passages' or 'cells') as a DataFrame."""
    if table == "claims":
        return _table(ClaimRow._fields, list(analysis.claims), ("weight",))
    if table == "passages":
        return _table(PassageRow._fields, list(analysis.passages))
    if table == "cells":
        rows: list[tuple[object, ...]] = []
        for topic in analysis.topics:
            for perspective in analysis.perspectives:
                cell = analysis.stance_cell(topic, perspective)
                approach = analysis.approach_cell(topic, perspective)
                stance = (
                    (cell.convergence, cell.divergence, cell.net, cell.weighted, cell.sources)
                    if cell
                    else (None, None, None, None, 0)
                )
                counts = (*approach.counts, approach.dominant) if approach else (None, None, None, None)
                rows.append((topic, perspective, *stance, *counts))
        frame = _table(CELL_COLUMNS, rows, ("convergence", "divergence", "sources", *APPROACHES))
        return frame.astype({"net": "float64", "weighted": "float64"})
    raise ValueError(f"no table {table!r}: one of claims, passages, cells")
