"""The only pandas import: an Analysis's tables as DataFrames, for analysts in notebooks
(`Analysis.to_frame`) and for the benchmark's naive pipeline. Nothing is counted here: each
frame lays out the values the Analysis holds. Not on the path of any command."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from matrix.analysis.frames import ClaimRow, PassageRow
from matrix.model.terms import APPROACHES

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


def claims_frame(rows: Sequence[ClaimRow]) -> pd.DataFrame:
    """One row per claim: every field of ClaimRow (`weight` as Int64, the rest as Python objects)."""
    return _table(ClaimRow._fields, list(rows), ("weight",))


def passages_frame(rows: Sequence[PassageRow]) -> pd.DataFrame:
    """One row per passage: the fields of PassageRow."""
    return _table(PassageRow._fields, list(rows))


def cells_frame(rows: Sequence[tuple[object, ...]]) -> pd.DataFrame:
    """One row per topic x perspective cell (CELL_COLUMNS); counts as Int64, indexes as float64."""
    frame = _table(CELL_COLUMNS, list(rows), ("convergence", "divergence", "sources", *APPROACHES))
    return frame.astype({"net": "float64", "weighted": "float64"})
