"""The cells counted from the claims table, in plain Python: stance, approach, actors, contrasts,
source profiles, totals (typed, frozen). Pure.

Rows and columns come in codebook order (topics, perspectives, actors); a cell with no claims
behind it is absent (None), never zero.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from matrix.analysis.counting import Tally, contrast_rows, net_index, tallies
from matrix.analysis.frames import ClaimRow
from matrix.analysis.palette import is_thin
from matrix.model.terms import APPROACHES, UNSPECIFIED, Unit
from matrix.model.values import Project


@dataclass(frozen=True, slots=True)
class StanceCell:
    """One topic x perspective cell: convergence and divergence in the analysis's unit (claims,
    or sources once per stance), the net and weighted index, how many sources its claims come
    from, and their ids in table order. Only cells with claims exist (net is then defined)."""

    convergence: int
    divergence: int
    net: float
    weighted: float
    sources: int = 0
    claims: tuple[str, ...] = field(default=(), compare=False, repr=False)

    @property
    def units(self) -> int:
        """What the cell counts, in its unit."""
        return self.convergence + self.divergence

    @property
    def thin(self) -> bool:
        """Thin evidence: backed by fewer than `palette.THIN_BELOW` units."""
        return is_thin(self.units)


@dataclass(frozen=True, slots=True)
class ApproachCell:
    """A cell's counts per approach (a claim listing two approaches, or with sides, counts under
    each), its claims without an approach, and the dominant approach: named only when the claims
    that specify one are the majority of the cell ("" otherwise)."""

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


@dataclass(frozen=True, slots=True)
class ActorRow:
    """Claims (or sources) of one perspective's actor per approach, with no approach, and in all;
    None throughout when there are none."""

    perspective: str
    actor: str
    counts: tuple[int | None, ...]  # APPROACHES, unspecified, total


@dataclass(frozen=True, slots=True)
class SourceProfile:
    """One source's claims: their stance balance (claims counted) and how many per topic."""

    source: str
    title: str
    perspective: str
    claims: int  # convergence + divergence
    convergence: int
    divergence: int
    net: float | None
    topics: tuple[tuple[str, int], ...]  # (topic, claims) in codebook order

    def row(self) -> dict[str, object]:
        """title, perspective, claims, convergence, divergence, net, then each topic's claims."""
        head = {
            "title": self.title,
            "perspective": self.perspective,
            "claims": self.claims,
            "convergence": self.convergence,
            "divergence": self.divergence,
            "net": self.net,
        }
        return {**head, **dict(self.topics)}


Cells = Mapping[tuple[str, str], StanceCell]


def stance_cells(
    claims: Sequence[ClaimRow], topics: Sequence[str], perspectives: Sequence[str], unit: Unit = Unit.CLAIMS
) -> tuple[dict[tuple[str | None, str], Tally], dict[tuple[str, str], StanceCell]]:
    """The tallies of every cell with claims (`counting.tallies`), and the shown cells as StanceCells."""
    found = tallies(((c.source, c.topic, c.perspective, c.stance, c.weight) for c in claims), unit)
    sources: dict[tuple[str, str], set[str]] = {}
    ids: dict[tuple[str, str], list[str]] = {}
    for c in claims:
        sources.setdefault((c.topic, c.perspective), set()).add(c.source)
        ids.setdefault((c.topic, c.perspective), []).append(c.id)
    cells = {}
    for topic in topics:
        for perspective in perspectives:
            tally = found.get((topic, perspective))
            if tally is None or (net := tally.net) is None:
                continue
            weighted = tally.weighted
            cells[topic, perspective] = StanceCell(
                tally.convergence,
                tally.divergence,
                net,
                float("nan") if weighted is None else weighted,
                len(sources.get((topic, perspective), ())),
                tuple(ids.get((topic, perspective), ())),
            )
    return found, cells


def _dominant(counts: Sequence[int]) -> str:
    """The approach with the most claims; ties are named together ('bilateral = multilateral')."""
    best = max(counts, default=0)
    return " = ".join(a for a, n in zip(APPROACHES, counts, strict=True) if best > 0 and n == best)


def approach_cells(
    claims: Sequence[ClaimRow], topics: Sequence[str], perspectives: Sequence[str], unit: Unit = Unit.CLAIMS
) -> dict[tuple[str, str], ApproachCell]:
    """(topic, perspective) -> the cell's claims per approach they code (`means`: a claim with a
    list or sides counts under each of its approaches), those with none as unspecified (`unit`
    sources: each source at most once per approach, and once as unspecified, in a cell); cells
    without claims are absent. The dominant approach is named only when the claims (sources)
    that specify one are more than those that do not."""
    seen: set[tuple[str, str, str]] = set()
    found: dict[tuple[str, str], list[int]] = {}  # the counts per approach, specified, unspecified
    for c in claims:
        cell = found.setdefault((c.topic, c.perspective), [0, 0, 0, 0, 0])
        keys = [a for a in c.means if a in APPROACHES] or [UNSPECIFIED]
        if unit is Unit.SOURCES:
            keys = [k for k in keys if (c.source, c.topic, k) not in seen]
            seen.update((c.source, c.topic, k) for k in keys)
            if not keys:
                continue
        if keys == [UNSPECIFIED]:
            cell[4] += 1
            continue
        cell[3] += 1
        for k in keys:
            cell[APPROACHES.index(k)] += 1
    cells = {}
    for topic in topics:
        for perspective in perspectives:
            counted = found.get((topic, perspective))
            if counted is None:
                continue
            u, b, m, specified, unspecified = counted
            dominant = _dominant((u, b, m)) if specified > unspecified else ""
            cells[topic, perspective] = ApproachCell((u, b, m), dominant, unspecified)
    return cells


def actor_rows(
    claims: Sequence[ClaimRow], actors: Sequence[str], perspectives: Sequence[str], unit: Unit = Unit.CLAIMS
) -> tuple[ActorRow, ...]:
    """Each (perspective, actor): approach counts, claims with no approach and the total: which
    party prefers which means. A claim counts under its actor (each of its approaches), and a
    claim with sides counts each side under that side's actor (`unit` sources: each source at
    most once per actor and approach)."""
    counted: Counter[tuple[str, str, str]] = Counter()
    seen: set[tuple[str, str, str]] = set()
    for c in claims:
        if c.side_map is not None:
            pairs = [(who, [approach]) for who, approach in c.side_map.items()]
        elif c.actor is not None:
            pairs = [(c.actor, [a for a in c.means if a in APPROACHES] or [UNSPECIFIED])]
        else:
            continue
        for who, approaches in pairs:
            for approach in approaches:
                if unit is Unit.SOURCES:
                    if (c.source, who, approach) in seen:
                        continue
                    seen.add((c.source, who, approach))
                counted[c.perspective, who, approach if approach in APPROACHES else UNSPECIFIED] += 1
    rows = []
    for perspective in perspectives:
        for actor in actors:
            counts = [counted[perspective, actor, a] for a in (*APPROACHES, UNSPECIFIED)]
            total = sum(counts)
            values = (*counts, total) if total else (None,) * (len(counts) + 1)
            rows.append(ActorRow(perspective, actor, values))
    return tuple(rows)


def contrasts(
    cells: Mapping[tuple[str | None, str], Tally], topics: Sequence[str], perspectives: Sequence[str]
) -> tuple[Contrast, ...]:
    """`counting.contrast_rows` as Contrasts, largest gap first."""
    return tuple(Contrast(**row) for row in contrast_rows(cells, topics, perspectives))


def source_profiles(claims: Sequence[ClaimRow], project: Project, topics: Sequence[str]) -> tuple[SourceProfile, ...]:
    """Each source of the project: its claims per topic, and their stance balance."""
    by_topic: Counter[tuple[str, str]] = Counter((c.source, c.topic) for c in claims)
    stances: Counter[tuple[str, str]] = Counter((c.source, c.stance) for c in claims)
    profiles = []
    for s in project.sources:
        conv, div = stances[s.id, "convergence"], stances[s.id, "divergence"]
        per_topic = tuple((t, by_topic[s.id, t]) for t in topics)
        profiles.append(
            SourceProfile(s.id, s.title, s.perspective, conv + div, conv, div, net_index(conv, div), per_topic)
        )
    return tuple(profiles)


def totals(claims: Sequence[ClaimRow], perspectives: Sequence[str]) -> tuple[Total, ...]:
    """Per perspective: sources, claims, convergence, divergence, net index (claims counted)."""
    stances: Counter[tuple[str, str]] = Counter((c.perspective, c.stance) for c in claims)
    sources: dict[str, set[str]] = {}
    for c in claims:
        sources.setdefault(c.perspective, set()).add(c.source)
    rows = []
    for p in perspectives:
        conv, div = stances[p, "convergence"], stances[p, "divergence"]
        rows.append(Total(p, len(sources.get(p, ())), conv + div, conv, div, net_index(conv, div)))
    return tuple(rows)
