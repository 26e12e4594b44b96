"""The stance matrix's numbers, counted in plain Python: each topic x perspective cell's
convergence and divergence (claims, or sources once per stance), its net and weighted index,
and the contrasts between perspectives. The Analysis (`matrices`, `pivot`) counts with them,
and `diff` counts each of two versions with them. Pure.

net index = (conv - div) / (conv + div), in [-1, 1]; the weighted index uses the same formula
with each claim weighing its confidence (low 1, medium 2, high 3).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from matrix.model.terms import Unit
from matrix.model.values import Codebook, Filters

Coding = tuple[str, "str | None", str, str, int]
"""One claim as the stance matrix counts it: source, topic, perspective, stance, weight."""

STANCE_MEASURES = ("convergence", "divergence", "net", "weighted")
"""What a stance cell holds: counts in the matrix's unit, the net and the weighted index."""
CONTRAST_FIELDS = (
    "topic",
    "perspective_a",
    "net_a",
    "claims_a",
    "perspective_b",
    "net_b",
    "claims_b",
    "gap",
    "opposite",
)


def net_index(plus: int, minus: int) -> float | None:
    total = plus + minus
    return (plus - minus) / total if total > 0 else None


@dataclass(frozen=True, slots=True)
class Tally:
    """One cell's counts in the matrix's unit, and their weights."""

    convergence: int
    divergence: int
    weighted_convergence: int
    weighted_divergence: int

    @property
    def net(self) -> float | None:
        return net_index(self.convergence, self.divergence)

    @property
    def weighted(self) -> float | None:
        return net_index(self.weighted_convergence, self.weighted_divergence)


def axes(codebook: Codebook, filters: Filters) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The topics, perspectives and actors the matrices show: the codebook's, less those `filters` leave out."""
    topics = tuple(t for t in codebook.ids("topics") if not filters.topics or t in filters.topics)
    perspectives = tuple(
        p for p in codebook.ids("perspectives") if not filters.perspectives or p in filters.perspectives
    )
    actors = tuple(a for a in codebook.ids("actors") if not filters.actors or a in filters.actors)
    return topics, perspectives, actors


def tallies(codings: Iterable[Coding], count: str = Unit.CLAIMS) -> dict[tuple[str | None, str], Tally]:
    """(topic, perspective) -> its Tally, for the cells with claims. `count` "sources" counts
    each source at most once per topic and stance (where its first claim of them is), weighing
    the highest confidence among the claims it stands for."""
    if count == Unit.SOURCES:
        first: dict[tuple[str, str | None, str], list[Any]] = {}
        for source, topic, perspective, stance, weighs in codings:
            seen = first.get((source, topic, stance))
            if seen is None:
                first[source, topic, stance] = [source, topic, perspective, stance, weighs]
            elif weighs > seen[4]:
                seen[4] = weighs
        codings = [(s, t, p, st, w) for s, t, p, st, w in first.values()]
    sums: dict[tuple[str | None, str], list[int]] = {}
    for _, topic, perspective, stance, weighs in codings:
        cell = sums.get((topic, perspective))
        if cell is None:
            cell = sums[topic, perspective] = [0, 0, 0, 0]
        if stance == "convergence":
            cell[0] += 1
            cell[2] += weighs
        elif stance == "divergence":
            cell[1] += 1
            cell[3] += weighs
    return {key: Tally(*cell) for key, cell in sums.items()}


def contrast_rows(
    cells: Mapping[tuple[str | None, str], Tally], topics: Sequence[str], perspectives: Sequence[str]
) -> list[dict[str, Any]]:
    """Pairs of perspectives whose net index differs on a topic, largest gap first (each with
    CONTRAST_FIELDS). `opposite` marks the analytic payoff: one side net convergence, the other
    net divergence. Ties keep codebook order of topics, then of perspective pairs."""
    rows = []
    for topic in topics:
        present = [
            (p, cell) for p in perspectives if (cell := cells.get((topic, p))) is not None and cell.net is not None
        ]
        for i, (first, a) in enumerate(present):
            for second, b in present[i + 1 :]:
                net_a, net_b = a.net, b.net
                assert net_a is not None and net_b is not None
                if net_a == net_b:
                    continue
                values = (
                    topic,
                    first,
                    net_a,
                    a.convergence + a.divergence,
                    second,
                    net_b,
                    b.convergence + b.divergence,
                )
                rows.append(dict(zip(CONTRAST_FIELDS, (*values, abs(net_a - net_b), net_a * net_b < 0), strict=True)))
    return sorted(rows, key=lambda row: row["gap"], reverse=True)  # stable: ties keep their order
