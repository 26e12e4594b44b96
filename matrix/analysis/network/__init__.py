"""Discourse networks, as the Discourse Network Analyzer (DNA) builds them, from the claims (pure).

A *node* is a source, a perspective or an actor (`Options.nodes`). A node's *position* on a
topic is the stance counts of its claims there (in the analysis's unit: claims, or each source
once per stance) and their net index (conv - div) / (conv + div). An actor's claims are those
whose `actor` it is or that code a side for it (`sides`, where the claim model has it).

One-mode (default): two nodes are *congruent* on a topic when both hold a position on it and
their net indexes have the same sign (both > 0 or both < 0), *conflicting* when the signs are
opposite, neither when either net is 0. An edge's weight is, by `qualifier`, the number of
congruent topics, of conflicting topics, or their difference (`subtract`), divided by the
`normalize` term of the pair (DNA's normalisations, on the topics each node takes a side on;
see `norm`); edges of weight 0 are left out. Edges are built from a topic -> nodes index, so a
pair of nodes that shares no topic costs nothing.

Two-mode: nodes x topics, an edge where a node has claims on a topic; its weight the net index,
with the convergence and divergence counts and a sign as DNA's `combine` qualifier gives it:
positive (only convergence), negative (only divergence), mixed (both).

Every edge carries its evidence: the congruent and conflicting topics, and the claims behind it.
`signed_groups` orders nodes so that groups that agree sit together (the Network sheet and the
brief). Only the standard library and the project's pure modules; networkx lives in
`matrix.analysis.network.formats`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from matrix.analysis.counting import Tally, axes, tallies
from matrix.model.terms import COUNTS
from matrix.model.values import Codebook, Filters, Project, Source
from matrix.time.dating import Selection, TimeRange, dated_claim, select
from matrix.time.periods import PartialDate, Period
from matrix.time.timeline import PeriodChoice

NODE_KINDS = ("source", "perspective", "actor")
MODES = ("onemode", "twomode")
QUALIFIERS = ("congruence", "conflict", "subtract")
NORMALIZATIONS = ("none", "average", "jaccard", "cosine")
SIGNS = ("positive", "negative", "mixed")
JOIN = ";"  # between topic ids and claim ids in an edge attribute

SOURCE_FIELDS = ("title", "publisher", "author", "published", "url", "file")
NODE_FIELDS = ("kind", "label", "description", "perspective", *SOURCE_FIELDS)
"""The text attributes every node carries ("" where a field does not apply or is not given)."""
NODE_COUNTS = ("claims", "convergence", "divergence", "topics")
"""The whole-number attributes of every node: its claims, those converging and diverging, and
the topics on which its net index is not 0 (its activity, in the normalisations)."""
ONEMODE_EDGE = ("weight", "congruent_topics", "conflicting_topics", "claims", "congruent", "conflicting")
TWOMODE_EDGE = ("weight", "congruent_topics", "conflicting_topics", "claims", "convergence", "divergence", "sign")


class NetClaim(NamedTuple):
    """What a network needs of one claim: its id, source, the source's perspective, topic,
    stance, the actors it speaks for (its `actor` and the actors of its `sides`) and its date."""

    id: str
    source: str
    perspective: str
    topic: str
    stance: str
    actors: tuple[str, ...]
    date: PartialDate | None


@dataclass(frozen=True, slots=True)
class Options:
    """How to build a network. `min_claims`: nodes with fewer claims are left out (before edges
    are made); `count`: the unit of the positions' counts, claims or sources."""

    nodes: str = "source"
    mode: str = "onemode"
    qualifier: str = "subtract"
    normalize: str = "none"
    min_claims: int = 1
    count: str = "claims"

    def __post_init__(self) -> None:
        for name, allowed in (
            ("nodes", NODE_KINDS),
            ("mode", MODES),
            ("qualifier", QUALIFIERS),
            ("normalize", NORMALIZATIONS),
            ("count", COUNTS),
        ):
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {getattr(self, name)!r}")
        if self.mode == "twomode" and (self.qualifier != "subtract" or self.normalize != "none"):
            raise ValueError("a two-mode network's weight is the net index: --qualifier and --normalize are one-mode")
        if self.min_claims < 1:
            raise ValueError("min_claims must be at least 1")

    def to_dict(self) -> dict[str, object]:
        return {
            "nodes": self.nodes,
            "mode": self.mode,
            "qualifier": self.qualifier,
            "normalize": self.normalize,
            "min_claims": self.min_claims,
            "count": self.count,
        }


@dataclass(frozen=True, slots=True)
class Node:
    """One node: its id in the graph (two-mode: `kind:id`), its text fields (NODE_FIELDS) and
    its counts (NODE_COUNTS)."""

    id: str
    fields: Mapping[str, str]
    counts: Mapping[str, int]

    def attributes(self) -> dict[str, str | int]:
        return {**{name: self.fields[name] for name in NODE_FIELDS}, **{n: self.counts[n] for n in NODE_COUNTS}}


@dataclass(frozen=True, slots=True)
class Edge:
    """One edge (one-mode: `source` before `target` in node order). `congruent` and
    `conflicting` are topic ids in codebook order; `claims` the claim ids behind the edge, in
    the order of the project's files. Two-mode edges have no congruent or conflicting topics
    and carry the node's `convergence`, `divergence` and `sign` on the topic instead."""

    source: str
    target: str
    weight: float
    congruent: tuple[str, ...] = ()
    conflicting: tuple[str, ...] = ()
    claims: tuple[str, ...] = ()
    convergence: int = 0
    divergence: int = 0
    sign: str = ""

    @property
    def signed_index(self) -> float | None:
        """(congruent - conflicting) / (congruent + conflicting), None with neither."""
        total = len(self.congruent) + len(self.conflicting)
        return (len(self.congruent) - len(self.conflicting)) / total if total else None

    def attributes(self, mode: str) -> dict[str, str | int | float]:
        common: dict[str, str | int | float] = {
            "weight": self.weight,
            "congruent_topics": JOIN.join(self.congruent),
            "conflicting_topics": JOIN.join(self.conflicting),
            "claims": JOIN.join(self.claims),
        }
        if mode == "onemode":
            return {**common, "congruent": len(self.congruent), "conflicting": len(self.conflicting)}
        return {**common, "convergence": self.convergence, "divergence": self.divergence, "sign": self.sign}


@dataclass(frozen=True)
class Network:
    """A network: its nodes in display order (codebook order; sources in file order; two-mode,
    the topics after them), its edges in node order, what was asked (`options`), the period it
    covers (None: all the kept claims); and what lies behind it: the positions ((node, topic) ->
    Tally, node ids as in `options.nodes`), the claims of each position in file order, and every
    pair of nodes with a congruent or conflicting topic ((a, b) in node order -> (congruent,
    conflicting) topics; a qualifier may leave some of them out of `edges`)."""

    options: Options
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    period: Period | None = None
    positions: Mapping[tuple[str, str], Tally] = field(default_factory=dict)
    held: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    pairs: Mapping[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        mode = self.options.mode
        return {
            "nodes": [{"id": n.id, **n.attributes()} for n in self.nodes],
            "edges": [{"source": e.source, "target": e.target, **e.attributes(mode)} for e in self.edges],
        }


@dataclass(frozen=True)
class Networks:
    """What `networks` builds: the network of all kept claims, and with periods one network per
    period (`by_period`, in time order; the undated claims are in none of them and are counted
    in `undated`). `selection` says what a time range left out (None: no time range)."""

    whole: Network
    by_period: tuple[Network, ...] = ()
    kind: str | None = None  # year, quarter, month or window when there are periods
    undated: int = 0
    selection: Selection | None = None
    filters: Filters = field(default_factory=Filters)
    time_range: TimeRange = field(default_factory=TimeRange)

    def to_dict(self) -> dict[str, object]:
        found: dict[str, object] = {
            "options": self.whole.options.to_dict(),
            "filters": self.filters.describe(),
            **self.time_range.to_dict(),
        }
        if self.selection is not None:
            found["excluded"] = {k: v for k, v in self.selection.to_dict().items() if k != "kept"}
        found.update(self.whole.to_dict())
        if self.kind is not None:
            found["period"] = self.kind
            found["undated"] = self.undated
            found["periods"] = [
                {
                    "label": n.period.label,
                    "start": n.period.start.isoformat(),
                    "end": _last_day(n.period),
                    **n.to_dict(),
                }
                for n in self.by_period
                if n.period is not None
            ]
        return found


def _last_day(period: Period) -> str:
    return period.end.fromordinal(period.end.toordinal() - 1).isoformat()


def claim_actors(claim: Any) -> tuple[str, ...]:
    """The actors a claim speaks for: its `actor`, then the actors of its `sides` (an actor ->
    approach mapping, or (actor, approach) pairs, where the claim model has them), each once."""
    actors = [claim.actor] if claim.actor else []
    sides = getattr(claim, "sides", None) or ()
    named = sides.keys() if isinstance(sides, Mapping) else (side[0] for side in sides)  # or (actor, approach) pairs
    actors += [a for a in named if a not in actors]
    return tuple(actors)


def _kept(claim: Any, perspective: str, actors: tuple[str, ...], wanted: Sequence[tuple[str, set[str]]]) -> bool:
    """Whether a claim passes the active filters `wanted` ((dimension, ids)). The actor filter
    keeps a claim that speaks for the actor (its actor or one of its sides); perspective is its
    source's; every other dimension is the claim's field of that name (so a filter added to
    FILTER_DIMENSIONS, such as `voice`, applies here as soon as the claim model has that field)."""
    for dimension, ids in wanted:
        if dimension == "actor":
            if not any(a in ids for a in actors):
                return False
        elif dimension == "perspective":
            if perspective not in ids:
                return False
        elif getattr(claim, dimension, None) not in ids:
            return False
    return True


def network_claims(
    project: Project, filters: Filters | None = None, time_range: TimeRange | None = None
) -> tuple[tuple[NetClaim, ...], Selection | None]:
    """The claims of `project` that `filters` keep and, of those, the ones dated in `time_range`
    (with what it left out; None when it is inactive), in file order."""
    wanted = [(dimension, set(ids)) for dimension, ids in (filters or Filters()).items() if ids]
    kept: list[NetClaim] = []
    dated = []
    for claims_file in project.files:
        source = claims_file.source
        if source is None:
            continue
        perspective, published = source.perspective, source.published
        for claim in claims_file.claims:
            actors = claim_actors(claim)
            if wanted and not _kept(claim, perspective, actors, wanted):
                continue
            when = dated_claim(claim.id, claim.source, perspective, claim.topic, claim.stance, claim.date, published)
            dated.append(when)
            kept.append(NetClaim(claim.id, claim.source, perspective, claim.topic, claim.stance, actors, when.date))
    time_range = time_range or TimeRange()
    if not time_range.active:
        return tuple(kept), None
    selection = select(dated, time_range)
    ids = selection.ids()
    return tuple(c for c in kept if c.id in ids), selection


def _node_ids(claim: NetClaim, kind: str) -> tuple[str, ...]:
    if kind == "source":
        return (claim.source,)
    if kind == "perspective":
        return (claim.perspective,)
    return claim.actors


def norm(normalize: str, activity_a: int, activity_b: int, congruent: int) -> float:
    """What an edge's weight is divided by. DNA's normalisations, on each node's *activity*, the
    number of topics on which its net index is not 0 (a tie here counts topics, as DNA's counts
    statements):
    - none: 1;
    - average: the pair's average activity, (a + b) / 2;
    - jaccard: the topics either takes a side on, counting a topic both take the same side on
      once, a + b - congruent (so that congruence / jaccard is the Jaccard similarity of the
      two nodes' signed topic profiles);
    - cosine: sqrt(a * b), the product of the profiles' norms (congruence / cosine is their
      cosine similarity)."""
    if normalize == "average":
        return (activity_a + activity_b) / 2
    if normalize == "jaccard":
        return float(activity_a + activity_b - congruent)
    if normalize == "cosine":
        return math.sqrt(activity_a * activity_b)
    return 1.0


def _sign(net: float | None) -> int:
    return 0 if net is None or net == 0 else (1 if net > 0 else -1)


def build_network(
    claims: Sequence[NetClaim],
    project: Project,
    options: Options | None = None,
    period: Period | None = None,
    topics: Sequence[str] | None = None,
) -> Network:
    """The network of `claims` (already filtered) by `options`; `topics` (default: the
    codebook's) in display order; claims on other topics are left out."""
    options = options or Options()
    codebook = project.codebook
    assert codebook is not None, "a network needs a valid project"
    topic_order = tuple(topics if topics is not None else codebook.ids("topics"))
    wanted_topics = set(topic_order)
    claims = [c for c in claims if c.topic in wanted_topics]
    kind = options.nodes

    members: dict[str, list[NetClaim]] = {}  # node -> its claims, in file order
    for claim in claims:
        for node in _node_ids(claim, kind):
            members.setdefault(node, []).append(claim)
    shown = [n for n in _node_order(kind, codebook, project, members) if len(members[n]) >= options.min_claims]
    held: dict[tuple[str, str], list[str]] = {}
    codings = []
    for node in shown:
        for claim in members[node]:
            held.setdefault((node, claim.topic), []).append(claim.id)
            # the unit is the claim, or the source, *for this node*: a claim with sides speaks for
            # each side's actor, and counting once per unit must not merge the sides into one
            unit = f"{claim.id if options.count == 'claims' else claim.source}\x1f{node}"
            codings.append((unit, claim.topic, node, claim.stance, 1))
    positions = {(node, str(topic)): tally for (topic, node), tally in tallies(codings, "sources").items()}
    evidence = {key: tuple(ids) for key, ids in held.items()}
    sources = {s.id: s for s in project.sources}
    activity = _activity(positions, 0)
    nodes = [_node(node, kind, codebook, sources, members[node], activity) for node in shown]
    if options.mode == "twomode":
        return _twomode(options, nodes, shown, positions, evidence, codebook, claims, topic_order, period)
    pairs = _pairs(shown, positions, topic_order)
    edges = _edges(options, shown, pairs, positions, evidence, topic_order)
    return Network(options, tuple(nodes), edges, period, positions, evidence, pairs)


def _node_order(kind: str, codebook: Codebook, project: Project, members: Mapping[str, object]) -> list[str]:
    """Nodes in display order: sources in file order, perspectives and actors in codebook order
    (an id the codebook lacks, after them, sorted)."""
    if kind == "source":
        order = [s.id for s in project.sources]
    else:
        order = list(codebook.ids("perspectives" if kind == "perspective" else "actors"))
    listed = set(order)
    return [n for n in order if n in members] + sorted(n for n in members if n not in listed)


def _node(
    node: str,
    kind: str,
    codebook: Codebook,
    sources: Mapping[str, Source],
    claims: Sequence[NetClaim],
    activity: Mapping[str, int],
    graph_id: str | None = None,
) -> Node:
    fields = dict.fromkeys(NODE_FIELDS, "")
    fields["kind"] = kind
    if kind == "source":
        found = sources.get(node)
        if found is not None:
            fields.update(
                label=found.title,
                perspective=found.perspective,
                title=found.title,
                publisher=found.publisher,
                author=found.author or "",
                published=found.published or "",
                url=found.url or "",
                file=found.file,
            )
    else:
        entries = getattr(codebook, {"perspective": "perspectives", "actor": "actors", "topic": "topics"}[kind])
        entry = next((e for e in entries if e.id == node), None)
        fields["label"] = entry.label if entry is not None else node
        fields["description"] = (entry.description or "") if entry is not None else ""
        if kind == "perspective":
            fields["perspective"] = node
    counts = {
        "claims": len(claims),
        "convergence": sum(1 for c in claims if c.stance == "convergence"),
        "divergence": sum(1 for c in claims if c.stance == "divergence"),
        "topics": activity.get(node, 0),
    }
    return Node(graph_id or node, fields, counts)


Pairs = dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]]


def _activity(positions: Mapping[tuple[str, str], Tally], side: int) -> dict[str, int]:
    """Node (side 0) or topic (side 1) -> the positions of it whose net index is not 0."""
    found: dict[str, int] = {}
    for key, tally in positions.items():
        if _sign(tally.net):
            found[key[side]] = found.get(key[side], 0) + 1
    return found


def _pairs(shown: Sequence[str], positions: Mapping[tuple[str, str], Tally], topics: Sequence[str]) -> Pairs:
    """Every pair of nodes (in node order) with a congruent or conflicting topic: (congruent,
    conflicting) topics in display order. From a topic -> nodes index: pairs that share no
    topic are never looked at (the work is the sum over topics of the pairs on each)."""
    rank = {n: i for i, n in enumerate(shown)}
    size = len(shown)
    sides: dict[str, tuple[list[int], list[int]]] = {}  # topic -> ranks of nodes net > 0, net < 0
    for (node, topic), tally in positions.items():
        sign = _sign(tally.net)
        if sign and node in rank:
            sides.setdefault(topic, ([], []))[0 if sign > 0 else 1].append(rank[node])
    congruent: dict[int, list[str]] = {}  # a * size + b -> topics, for ranks a < b
    conflicting: dict[int, list[str]] = {}
    for topic in topics:  # display order: each pair's lists come out in it
        if topic not in sides:
            continue
        plus, minus = (sorted(ranks) for ranks in sides[topic])
        for same in (plus, minus):
            for i, a in enumerate(same):
                base = a * size
                for b in same[i + 1 :]:
                    congruent.setdefault(base + b, []).append(topic)
        for a in plus:
            for b in minus:
                key = a * size + b if a < b else b * size + a
                conflicting.setdefault(key, []).append(topic)
    found: Pairs = {}
    for key in sorted(congruent.keys() | conflicting.keys()):
        a, b = divmod(key, size)
        found[shown[a], shown[b]] = (tuple(congruent.get(key, ())), tuple(conflicting.get(key, ())))
    return found


def _edges(
    options: Options,
    shown: Sequence[str],
    pairs: Pairs,
    positions: Mapping[tuple[str, str], Tally],
    held: Mapping[tuple[str, str], tuple[str, ...]],
    topics: Sequence[str],
) -> tuple[Edge, ...]:
    activity = _activity(positions, 0)
    order = {t: i for i, t in enumerate(topics)}
    qualifier, normalize = options.qualifier, options.normalize
    edges = []
    for (a, b), (congruent, conflicting) in pairs.items():
        if qualifier == "congruence":
            raw = len(congruent)
        elif qualifier == "conflict":
            raw = len(conflicting)
        else:
            raw = len(congruent) - len(conflicting)
        if raw == 0:
            continue
        weight = raw if normalize == "none" else raw / norm(normalize, activity[a], activity[b], len(congruent))
        behind = (
            sorted((*congruent, *conflicting), key=order.__getitem__)
            if congruent and conflicting
            else congruent or conflicting
        )
        ids = [c for t in behind for n in (a, b) for c in held.get((n, t), ())]
        edges.append(Edge(a, b, float(weight), congruent, conflicting, tuple(dict.fromkeys(ids))))
    return tuple(edges)


def _twomode(
    options: Options,
    nodes: list[Node],
    shown: Sequence[str],
    positions: Mapping[tuple[str, str], Tally],
    held: Mapping[tuple[str, str], tuple[str, ...]],
    codebook: Codebook,
    claims: Sequence[NetClaim],
    topics: Sequence[str],
    period: Period | None,
) -> Network:
    """Nodes x topics: node ids become `kind:id`, topics `topic:id` (a source and a topic may
    share an id); an edge per position, its weight the net index."""
    kind = options.nodes
    renamed = [Node(f"{kind}:{n.id}", n.fields, n.counts) for n in nodes]
    edges = []
    for node in shown:
        for topic in topics:
            tally = positions.get((node, topic))
            if tally is None or tally.net is None:
                continue
            sign = (
                "mixed" if tally.convergence and tally.divergence else "positive" if tally.convergence else "negative"
            )
            edges.append(
                Edge(
                    f"{kind}:{node}",
                    f"topic:{topic}",
                    tally.net,
                    claims=held[node, topic],
                    convergence=tally.convergence,
                    divergence=tally.divergence,
                    sign=sign,
                )
            )
    wanted = set(shown)
    on_topic: dict[str, list[NetClaim]] = {}  # the claims of the shown nodes, per topic
    for claim in claims:
        if wanted.intersection(_node_ids(claim, kind)):
            on_topic.setdefault(claim.topic, []).append(claim)
    topic_activity = _activity(positions, 1)
    topic_nodes = [
        _node(topic, "topic", codebook, {}, on_topic[topic], topic_activity, f"topic:{topic}")
        for topic in topics
        if topic in on_topic
    ]
    return Network(options, (*renamed, *topic_nodes), tuple(edges), period, positions, held)


def networks(
    project: Project,
    options: Options | None = None,
    filters: Filters | None = None,
    time_range: TimeRange | None = None,
    periods: PeriodChoice | None = None,
) -> Networks:
    """The network of the claims `filters` and `time_range` keep (its topics: the codebook's
    that the topic filter keeps) and, when `periods` are given, one network per period
    (calendar periods or windows, cut as the Timeline cuts them; a claim counts in each period
    holding its date)."""
    options = options or Options()
    filters = filters or Filters()
    time_range = time_range or TimeRange()
    codebook = project.codebook
    assert codebook is not None, "a network needs a valid project"
    topics = axes(codebook, filters)[0]
    claims, selection = network_claims(project, filters, time_range)
    whole = build_network(claims, project, options, None, topics)
    if periods is None or not periods.given:
        return Networks(whole, selection=selection, filters=filters, time_range=time_range)
    dated = [(c.date.start, c) for c in claims if c.date is not None]
    undated = len(claims) - len(dated)
    if not dated:
        return Networks(whole, (), periods.kind or "window", undated, selection, filters, time_range)
    kind, cut = periods.periods(min(d for d, _ in dated), max(d for d, _ in dated))
    by_period = tuple(
        build_network([c for day, c in dated if day in period], project, options, period, topics) for period in cut
    )
    return Networks(whole, by_period, kind, undated, selection, filters, time_range)


def signed_groups(nodes: Sequence[str], weights: Mapping[tuple[str, str], int]) -> list[list[str]]:
    """Nodes in groups that agree, by greedy agglomerative correlation clustering: every node
    starts in a group of its own; the two groups whose summed signed weight between them
    (congruent minus conflicting topics, over every pair across them) is largest and positive
    merge, ties going to the groups that come first; until no two groups have a positive sum.
    The groups then come largest first (ties: the one whose first node comes first), each in node
    order. Deterministic; O(n^3) for n nodes, meant for the tens of nodes a sheet shows."""
    order = {n: i for i, n in enumerate(nodes)}
    groups: dict[int, list[str]] = {i: [n] for i, n in enumerate(nodes)}
    between: dict[tuple[int, int], int] = {}
    for (a, b), w in weights.items():
        if a in order and b in order and a != b:
            key = (min(order[a], order[b]), max(order[a], order[b]))
            between[key] = between.get(key, 0) + w
    while True:
        best = max(((w, -i, -j) for (i, j), w in between.items() if w > 0), default=None)
        if best is None:
            break
        keep, gone = -best[1], -best[2]
        groups[keep] += groups.pop(gone)
        merged: dict[tuple[int, int], int] = {}
        for (x, y), w in between.items():
            x, y = keep if x == gone else x, keep if y == gone else y
            if x != y:
                key = (min(x, y), max(x, y))
                merged[key] = merged.get(key, 0) + w
        between = merged
    ordered = [sorted(g, key=order.__getitem__) for g in groups.values()]
    return sorted(ordered, key=lambda g: (-len(g), order[g[0]]))


@dataclass(frozen=True)
class SignedMatrix:
    """A one-mode network as the Network sheet and the brief show it: node ids ordered by
    `signed_groups` (`group` gives each node's group, 1 first), and each pair's signed index
    (congruent - conflicting) / (congruent + conflicting) with the topics and claims behind it."""

    order: tuple[str, ...]
    group: Mapping[str, int]
    labels: Mapping[str, str]
    cells: Mapping[tuple[str, str], tuple[float, tuple[str, ...], tuple[str, ...], tuple[str, ...]]]

    def cell(self, a: str, b: str) -> tuple[float, tuple[str, ...], tuple[str, ...], tuple[str, ...]] | None:
        """(signed index, congruent topics, conflicting topics, claims) of a pair; None when
        the two share no topic they take sides on (and on the diagonal)."""
        return self.cells.get((a, b))


def signed_matrix(network: Network) -> SignedMatrix:
    """The signed index of every pair of a one-mode network, nodes grouped (see SignedMatrix)."""
    ids = [n.id for n in network.nodes]
    weights = {pair: len(c) - len(d) for pair, (c, d) in network.pairs.items()}
    groups = signed_groups(ids, weights)
    order = {t: i for i, t in enumerate(dict.fromkeys(t for _, t in network.positions))}
    cells = {}
    for (a, b), (congruent, conflicting) in network.pairs.items():
        behind = sorted((*congruent, *conflicting), key=lambda t: order.get(t, 0))
        claims = tuple(dict.fromkeys(c for t in behind for n in (a, b) for c in network.held.get((n, t), ())))
        index = (len(congruent) - len(conflicting)) / (len(congruent) + len(conflicting))
        cells[a, b] = cells[b, a] = (index, congruent, conflicting, claims)
    return SignedMatrix(
        tuple(n for g in groups for n in g),
        {n: i for i, g in enumerate(groups, start=1) for n in g},
        {n.id: n.fields["label"] for n in network.nodes},
        cells,
    )


SHEET_LIMIT = 60
"""The most nodes a matrix of the Network sheet and the brief shows (beyond: `claims-matrix network`)."""
SHEET_KINDS = ("actor", "perspective", "source")
"""The node kinds the Network sheet and the brief show, in this order."""


@dataclass(frozen=True)
class MatrixView:
    """One node kind's signed matrix as the sheet and the brief show it: `matrix` is None when
    there are fewer than two nodes or more than SHEET_LIMIT (`nodes` says how many)."""

    kind: str
    nodes: int
    matrix: SignedMatrix | None


def matrix_views(
    project: Project,
    filters: Filters | None = None,
    time_range: TimeRange | None = None,
    count: str = "claims",
    topics: Sequence[str] | None = None,
) -> tuple[MatrixView, ...]:
    """The signed matrix of actors, perspectives and sources over the claims the filters and
    time range keep (as the workbook's other sheets count them)."""
    claims, _ = network_claims(project, filters, time_range)
    wanted = set(topics if topics is not None else (project.codebook.ids("topics") if project.codebook else ()))
    claims = tuple(c for c in claims if c.topic in wanted)
    views = []
    for kind in SHEET_KINDS:
        size = len({node for claim in claims for node in _node_ids(claim, kind)})  # counted before any pair is
        if not 2 <= size <= SHEET_LIMIT:
            views.append(MatrixView(kind, size, None))
            continue
        network = build_network(claims, project, Options(nodes=kind, count=count), topics=topics)
        views.append(MatrixView(kind, size, signed_matrix(network)))
    return tuple(views)


__all__ = [
    "JOIN",
    "MODES",
    "NODE_COUNTS",
    "NODE_FIELDS",
    "NODE_KINDS",
    "NORMALIZATIONS",
    "ONEMODE_EDGE",
    "QUALIFIERS",
    "SHEET_KINDS",
    "SHEET_LIMIT",
    "SIGNS",
    "TWOMODE_EDGE",
    "Edge",
    "MatrixView",
    "NetClaim",
    "Network",
    "Networks",
    "Node",
    "Options",
    "SignedMatrix",
    "build_network",
    "claim_actors",
    "matrix_views",
    "network_claims",
    "networks",
    "norm",
    "signed_groups",
    "signed_matrix",
]
