"""The frames counted from the claims table: stance, approach, actors, contrasts, source profiles, totals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from matrix.counting import CONTRAST_FIELDS, STANCE_MEASURES, Tally, contrast_rows, tallies
from matrix.model import APPROACHES, STANCES, UNSPECIFIED, Project

COUNTS = ("claims", "sources")  # what a matrix cell counts (`--count`)


@dataclass(frozen=True, slots=True)
class StanceCell:
    """Counts in the analysis's unit (claims, or sources once per stance) and how many
    sources the cell's claims come from."""

    convergence: int
    divergence: int
    net: float
    weighted: float
    sources: int = 0


@dataclass(frozen=True, slots=True)
class ApproachCell:
    """A cell's counts per approach (a claim listing two approaches counts under each), its
    claims without an approach, and the dominant approach: named only when the claims that
    specify one are the majority of the cell ("" otherwise)."""

    counts: tuple[int, int, int]  # in APPROACHES order
    dominant: str  # one approach, or several joined by ' = '; "" when specified claims are no majority
    unspecified: int = 0


@dataclass(frozen=True, slots=True)
class Contrast:
    topic: str
    perspective_a: str
    net_a: float
    claims_a: int
    perspective_b: str
    net_b: float
    claims_b: int
    gap: float
    opposite: bool


@dataclass(frozen=True, slots=True)
class Total:
    perspective: str
    sources: int
    claims: int
    convergence: int
    divergence: int
    net: float | None


def _count(claims: pd.DataFrame, rows: list[str], columns: pd.Series) -> pd.DataFrame:
    """Claims counted by `rows` x the values of `columns` (pd.crosstab's result, vectorised)."""
    keys = [claims[r] for r in rows] + [columns.rename("_column")]
    counts: pd.DataFrame = pd.Series(1, index=claims.index).groupby(keys).sum().unstack("_column", fill_value=0)
    counts.columns.name = None
    return counts


def _net(plus: pd.Series, minus: pd.Series) -> pd.Series:
    total = plus + minus
    return ((plus - minus) / total).where(total > 0)


def stance_cells(claims: pd.DataFrame, count: str = "claims") -> dict[tuple[str | None, str], Tally]:
    """(topic, perspective) -> the Tally of the claims of a claims table (`counting.tallies`)."""
    columns = ("source", "topic", "perspective", "stance", "weight")
    return tallies(zip(*(claims[c].tolist() for c in columns), strict=True), count)


def stance_matrix(
    cells: Mapping[tuple[str | None, str], Tally], topics: Sequence[str], perspectives: Sequence[str]
) -> pd.DataFrame:
    """Topics x (perspective, measure): convergence, divergence, net and weighted index of
    each cell (`stance_cells`); a cell without claims is empty."""
    full = pd.MultiIndex.from_product([topics, perspectives], names=["topic", "perspective"])
    found = [cells.get(key) for key in full]
    nan = float("nan")
    frame = pd.DataFrame(
        {
            "convergence": pd.array([None if c is None else c.convergence for c in found], dtype="Int64"),
            "divergence": pd.array([None if c is None else c.divergence for c in found], dtype="Int64"),
            "net": [nan if c is None or c.net is None else c.net for c in found],
            "weighted": [nan if c is None or c.weighted is None else c.weighted for c in found],
        },
        index=full,
    )
    return _wide(frame, topics, perspectives, STANCE_MEASURES)


def _wide(
    cells: pd.DataFrame, rows: Sequence[str], perspectives: Sequence[str], measures: Sequence[str]
) -> pd.DataFrame:
    """(row, perspective) x measure -> row x (perspective, measure), in the given orders."""
    wide: Any = cells.unstack("perspective")
    wide = wide.swaplevel(0, 1, axis=1)
    columns = pd.MultiIndex.from_product([perspectives, measures], names=["perspective", "measure"])
    wide = wide.reindex(index=list(rows), columns=columns)
    wide.index.name = cells.index.names[0]
    result: pd.DataFrame = wide
    return result


def _leaders(counts: Sequence[int]) -> str:
    """The approach with the most claims; ties are named together ('bilateral = multilateral')."""
    best = max(counts, default=0)
    return " = ".join(a for a, n in zip(APPROACHES, counts, strict=True) if best > 0 and n == best)


def approach_matrix(
    claims: pd.DataFrame, topics: Sequence[str], perspectives: Sequence[str], count: str = "claims"
) -> pd.DataFrame:
    """Topics x (perspective, approach | 'unspecified' | 'dominant'): the claims of each cell
    per approach they code (`means`: a claim with a list or sides counts under each of its
    approaches), those with none as unspecified (`count` 'sources': each source at most once
    per approach, and once as unspecified, in a cell). The dominant approach is named only
    when the claims (sources) that specify one are more than those that do not."""
    seen: set[tuple[str, str, str]] = set()
    cells: dict[tuple[str, str], list[Any]] = {}
    rows = zip(claims["source"], claims["topic"], claims["perspective"], claims["means"], strict=True)
    for source, topic, perspective, means in rows:
        cell = cells.setdefault((topic, perspective), [[0, 0, 0], 0, 0])
        keys = [a for a in means if a in APPROACHES] or [UNSPECIFIED]
        if count == "sources":
            keys = [k for k in keys if (source, topic, k) not in seen]
            seen.update((source, topic, k) for k in keys)
            if not keys:
                continue
        if keys == [UNSPECIFIED]:
            cell[2] += 1
            continue
        cell[1] += 1
        for k in keys:
            cell[0][APPROACHES.index(k)] += 1
    full = pd.MultiIndex.from_product([topics, perspectives], names=["topic", "perspective"])
    values: dict[str, list[Any]] = {name: [] for name in (*APPROACHES, UNSPECIFIED, "dominant")}
    for key in full:
        found = cells.get(key)
        if found is None:
            for column in values.values():
                column.append(None)
            continue
        per, specified, unspecified = found
        for name, n in zip(APPROACHES, per, strict=True):
            values[name].append(n)
        values[UNSPECIFIED].append(unspecified)
        values["dominant"].append(_leaders(per) if specified > unspecified else "")
    frame = pd.DataFrame(
        {
            **{name: pd.array(values[name], dtype="Int64") for name in (*APPROACHES, UNSPECIFIED)},
            "dominant": pd.Series(values["dominant"], dtype="object").to_numpy(),
        },
        index=full,
    )
    return _wide(frame, topics, perspectives, (*APPROACHES, UNSPECIFIED, "dominant"))


def actor_view(
    claims: pd.DataFrame, actors: Sequence[str], perspectives: Sequence[str], count: str = "claims"
) -> pd.DataFrame:
    """(perspective, actor) x approach counts, plus claims with no approach and the total:
    which party prefers which means, per perspective. A claim counts under its actor (each of
    its approaches), and a claim with sides counts each side under that side's actor (`count`
    'sources': each source at most once per actor and approach)."""
    seen: set[tuple[str, str, str]] = set()
    counts: dict[tuple[str, str], list[int]] = {}
    columns = ("source", "perspective", "actor", "means", "side_map")
    for source, perspective, actor, means, sides in zip(*(claims[c] for c in columns), strict=True):
        if isinstance(sides, dict):
            pairs = [(a, [b]) for a, b in sides.items()]
        elif isinstance(actor, str):
            pairs = [(actor, [m for m in means if m in APPROACHES] or [UNSPECIFIED])]
        else:
            continue
        for who, approaches in pairs:
            row = counts.setdefault((perspective, who), [0] * (len(APPROACHES) + 1))
            for approach in approaches:
                if count == "sources":
                    if (source, who, approach) in seen:
                        continue
                    seen.add((source, who, approach))
                row[APPROACHES.index(approach) if approach in APPROACHES else len(APPROACHES)] += 1
    full = pd.MultiIndex.from_product([perspectives, actors], names=["perspective", "actor"])
    names = [*APPROACHES, UNSPECIFIED]
    table = [counts.get(key) for key in full]
    frame = pd.DataFrame(
        {
            **{
                name: pd.array([None if r is None or not sum(r) else r[i] for r in table], dtype="Int64")
                for i, name in enumerate(names)
            },
            "total": pd.array([None if r is None or not sum(r) else sum(r) for r in table], dtype="Int64"),
        },
        index=full,
    )
    return frame


def contrasts(
    cells: Mapping[tuple[str | None, str], Tally], topics: Sequence[str], perspectives: Sequence[str]
) -> pd.DataFrame:
    """`counting.contrast_rows` as a frame (CONTRAST_FIELDS), largest gap first."""
    return pd.DataFrame(contrast_rows(cells, topics, perspectives), columns=list(CONTRAST_FIELDS))


def source_profile(claims: pd.DataFrame, project: Project, topics: Sequence[str]) -> pd.DataFrame:
    """Sources x topics claim counts, with each source's stance balance."""
    ids = [s.id for s in project.sources]
    counts = (
        _count(claims, ["source"], claims["topic"]).reindex(index=ids, columns=list(topics)).fillna(0).astype("int64")
    )
    conv = claims[claims["stance"] == "convergence"].groupby("source").size().reindex(ids).fillna(0).astype("int64")
    div = claims[claims["stance"] == "divergence"].groupby("source").size().reindex(ids).fillna(0).astype("int64")
    meta = pd.DataFrame(
        {
            "title": [s.title for s in project.sources],
            "perspective": [s.perspective for s in project.sources],
            "claims": (conv + div).to_numpy(),
            "convergence": conv.to_numpy(),
            "divergence": div.to_numpy(),
            "net": _net(conv, div).to_numpy(),
        },
        index=pd.Index(ids, name="source"),
    )
    return pd.concat([meta, counts], axis=1)


def totals(claims: pd.DataFrame, perspectives: Sequence[str]) -> pd.DataFrame:
    """Per perspective: sources, claims, convergence, divergence, net index."""
    order = list(perspectives)
    counts = _count(claims, ["perspective"], claims["stance"])
    counts = counts.reindex(index=order, columns=list(STANCES)).fillna(0).astype("int64")
    sources = claims.groupby("perspective")["source"].nunique().reindex(order).fillna(0).astype("int64")
    conv, div = counts["convergence"], counts["divergence"]
    return pd.DataFrame(
        {"sources": sources, "claims": conv + div, "convergence": conv, "divergence": div, "net": _net(conv, div)},
        index=pd.Index(order, name="perspective"),
    )


def cell_sources(claims: pd.DataFrame) -> dict[tuple[str, str], int]:
    """(topic, perspective) -> how many sources its claims come from."""
    counts: dict[Any, Any] = claims.groupby(["topic", "perspective"])["source"].nunique().to_dict()
    return {(str(key[0]), str(key[1])): int(n) for key, n in counts.items()}
