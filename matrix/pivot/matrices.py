"""The frames counted from the claims table: stance, approach, actors, contrasts, source profiles, totals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from matrix.model import APPROACHES, STANCES, Project

STANCE_MEASURES = ("convergence", "divergence", "net", "weighted")
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
    counts: tuple[int, int, int]  # in APPROACHES order
    dominant: str  # one approach, or several joined by ' = '


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


def once_per_source(claims: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """`claims` with one row per source and value of `keys` (the first in table order), each
    weighing the highest confidence among the claims it stands for: the `sources` unit."""
    group = ["source", *keys]
    first = claims.drop_duplicates(group)
    weight = claims.groupby(group, sort=False)["weight"].max()
    return first.assign(weight=weight.reindex(pd.MultiIndex.from_frame(first[group])).to_numpy())


def stance_matrix(
    claims: pd.DataFrame, topics: Sequence[str], perspectives: Sequence[str], count: str = "claims"
) -> pd.DataFrame:
    """Topics x (perspective, measure): convergence, divergence, net and weighted index;
    `count` 'sources' counts each source at most once per stance in a cell."""
    if count == "sources":
        claims = once_per_source(claims, ("topic", "stance"))
    conv = claims["stance"].eq("convergence")
    div = claims["stance"].eq("divergence")
    parts = pd.DataFrame(
        {
            "topic": claims["topic"],
            "perspective": claims["perspective"],
            "convergence": conv.astype("int64"),
            "divergence": div.astype("int64"),
            "wconv": claims["weight"].where(conv, 0),
            "wdiv": claims["weight"].where(div, 0),
        }
    )
    sums = parts.groupby(["topic", "perspective"]).sum()
    full = pd.MultiIndex.from_product([topics, perspectives], names=["topic", "perspective"])
    sums = sums.reindex(full)
    cells = pd.DataFrame(
        {
            "convergence": sums["convergence"].astype("Int64"),
            "divergence": sums["divergence"].astype("Int64"),
            "net": _net(sums["convergence"], sums["divergence"]),
            "weighted": _net(sums["wconv"], sums["wdiv"]),
        }
    )
    return _wide(cells, topics, perspectives, STANCE_MEASURES)


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


def _dominant(counts: pd.DataFrame) -> pd.Series:
    """The approach with the most claims; ties are named together ('bilateral = multilateral')."""
    values = counts.fillna(0).astype("int64")
    top = values.max(axis=1)
    names = []
    for (_, row), best in zip(values.iterrows(), top, strict=True):
        leaders = [a for a in APPROACHES if best > 0 and row[a] == best]
        names.append(" = ".join(leaders) if leaders else None)
    return pd.Series(names, index=counts.index, dtype="object")


def approach_matrix(
    claims: pd.DataFrame, topics: Sequence[str], perspectives: Sequence[str], count: str = "claims"
) -> pd.DataFrame:
    """Topics x (perspective, approach | 'dominant'): claims with an approach, counted
    (`count` 'sources': each source at most once per approach in a cell)."""
    coded = claims[claims["approach"].notna()]
    if count == "sources":
        coded = coded.drop_duplicates(["source", "topic", "approach"])
    counts = _count(coded, ["topic", "perspective"], coded["approach"])
    full = pd.MultiIndex.from_product([topics, perspectives], names=["topic", "perspective"])
    counts = counts.reindex(index=full, columns=list(APPROACHES)).fillna(0).astype("Int64")
    empty = counts.fillna(0).sum(axis=1).eq(0)
    counts[empty] = pd.NA
    counts["dominant"] = _dominant(counts)
    return _wide(counts, topics, perspectives, (*APPROACHES, "dominant"))


def actor_view(
    claims: pd.DataFrame, actors: Sequence[str], perspectives: Sequence[str], count: str = "claims"
) -> pd.DataFrame:
    """(perspective, actor) x approach counts, plus claims with no approach and the total
    (`count` 'sources': each source at most once per actor and approach)."""
    with_actor = claims[claims["actor"].notna()]
    if count == "sources":
        with_actor = with_actor.assign(approach=with_actor["approach"].fillna("unspecified"))
        with_actor = with_actor.drop_duplicates(["source", "actor", "approach"])
    approach = with_actor["approach"].fillna("unspecified")
    counts = _count(with_actor, ["perspective", "actor"], approach)
    full = pd.MultiIndex.from_product([perspectives, actors], names=["perspective", "actor"])
    columns = [*APPROACHES, "unspecified"]
    counts = counts.reindex(index=full, columns=columns).fillna(0).astype("Int64")
    counts["total"] = counts.sum(axis=1).astype("Int64")
    counts[counts["total"].eq(0)] = pd.NA
    return counts


def contrasts(stance: pd.DataFrame, topics: Sequence[str], perspectives: Sequence[str]) -> pd.DataFrame:
    """Pairs of perspectives whose net index differs on a topic, largest gap first.

    `opposite` marks the analytic payoff: one side net convergence, the other net
    divergence. Ties keep codebook order of topics, then of perspective pairs.
    """
    rows = []
    for topic in topics:
        cells: dict[str, Any] = {p: stance.loc[topic, p] for p in perspectives}
        present = [p for p in perspectives if not pd.isna(cells[p]["net"])]
        for i, first in enumerate(present):
            for second in present[i + 1 :]:
                a, b = cells[first], cells[second]
                net_a, net_b = float(a["net"]), float(b["net"])
                if net_a == net_b:
                    continue
                rows.append(
                    {
                        "topic": topic,
                        "perspective_a": first,
                        "net_a": net_a,
                        "claims_a": int(a["convergence"] + a["divergence"]),
                        "perspective_b": second,
                        "net_b": net_b,
                        "claims_b": int(b["convergence"] + b["divergence"]),
                        "gap": abs(net_a - net_b),
                        "opposite": net_a * net_b < 0,
                    }
                )
    columns = ["topic", "perspective_a", "net_a", "claims_a", "perspective_b", "net_b", "claims_b", "gap", "opposite"]
    frame = pd.DataFrame(rows, columns=columns)
    frame = frame.sort_values("gap", ascending=False, kind="stable")
    return frame.reset_index(drop=True)


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
