"""The only pandas import: claims -> frames (matrices, contrasts, profiles).

Conventions every frame follows:
- rows and columns come in codebook order (topics, perspectives, actors);
- a cell with no claims behind it is empty (`<NA>` / NaN), never zero;
- net index = (conv - div) / (conv + div), in [-1, 1]; the weighted index uses the same
  formula with each claim weighing its confidence (low 1, medium 2, high 3).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from io import StringIO
from typing import Any

import pandas as pd

from matrix.model import APPROACHES, CONFIDENCE_WEIGHTS, STANCES, Codebook, Filters, Location, Project
from matrix.problems import Report
from matrix.timeline import PeriodChoice, Selection, Timeline, TimeRange, project_claims, project_timeline, select

CLAIM_COLUMNS = (
    "id",
    "source",
    "source_title",
    "perspective",
    "topic",
    "topic_label",
    "stance",
    "approach",
    "actor",
    "confidence",
    "weight",
    "quote",
    "note",
    "quote_at",
    "claim_at",
)
STANCE_MEASURES = ("convergence", "divergence", "net", "weighted")
COUNTS = ("claims", "sources")  # what a matrix cell counts (`--count`)
PASSAGE_SEPARATOR = " \u2026 \u00b6 "  # between a claim's passages in one cell or CSV field: ' … ¶ '
PASSAGE_COLUMNS = ("claim", "source", "perspective", "topic", "stance", "location", "passage")


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


@dataclass(frozen=True)
class Analysis:
    """Every frame the outputs show, computed once from one filtered claims table."""

    codebook: Codebook
    filters: Filters
    claims: pd.DataFrame
    topics: tuple[str, ...]
    perspectives: tuple[str, ...]
    stance: pd.DataFrame
    approach: pd.DataFrame
    actors: pd.DataFrame
    contrasts: pd.DataFrame
    sources: pd.DataFrame
    totals: pd.DataFrame
    count: str = "claims"  # the unit the Stance, Approach and actor matrices count: one of COUNTS
    passages: pd.DataFrame | None = None  # one row per passage of the claims (PASSAGE_COLUMNS)
    cell_sources: Mapping[tuple[str, str], int] | None = None  # (topic, perspective) -> sources of its claims
    time_range: TimeRange = field(
        default_factory=TimeRange
    )  # the claims are those dated in it (all when it is inactive)
    selection: Selection | None = None  # what the time range left out (None: no time range)

    def stance_cell(self, topic: str, perspective: str) -> StanceCell | None:
        """The stance counts and indexes of one matrix cell; None when it has no claims."""
        cell: Any = self.stance.loc[topic, perspective]
        if pd.isna(cell["net"]):
            return None
        sources = (self.cell_sources or {}).get((topic, perspective), 0)
        return StanceCell(
            int(cell["convergence"]), int(cell["divergence"]), float(cell["net"]), float(cell["weighted"]), sources
        )

    def approach_cell(self, topic: str, perspective: str) -> ApproachCell | None:
        """Approach counts of one cell; None when no claim there has an approach."""
        cell: Any = self.approach.loc[topic, perspective]
        if not isinstance(cell["dominant"], str):
            return None
        counts = tuple(int(cell[a]) for a in APPROACHES)
        return ApproachCell((counts[0], counts[1], counts[2]), cell["dominant"])

    def contrast_rows(self) -> list[Contrast]:
        return [Contrast(**{str(k): v for k, v in row.items()}) for row in self.contrasts.to_dict("records")]

    def total_rows(self) -> list[Total]:
        rows: list[Total] = []
        for perspective, row in self.totals.to_dict("index").items():
            net: Any = row["net"]
            rows.append(
                Total(
                    str(perspective),
                    int(row["sources"]),
                    int(row["claims"]),
                    int(row["convergence"]),
                    int(row["divergence"]),
                    None if pd.isna(net) else float(net),
                )
            )
        return rows

    def actor_rows(self) -> list[tuple[str, str, tuple[int | None, ...]]]:
        """(perspective, actor, counts per APPROACHES + unspecified + total); None where empty."""
        out = []
        for key, row in self.actors.to_dict("index").items():
            pair: Any = key
            perspective, actor = pair
            values: Any = row.values()
            out.append((str(perspective), str(actor), tuple(None if pd.isna(v) else int(v) for v in values)))
        return out

    def source_rows(self) -> list[tuple[str, dict[str, Any]]]:
        """(source id, its profile row), with NaN as None."""
        rows = []
        for source, row in self.sources.to_dict("index").items():
            rows.append(
                (str(source), {str(k): (None if isinstance(v, float) and pd.isna(v) else v) for k, v in row.items()})
            )
        return rows


def claims_frame(project: Project, report: Report) -> pd.DataFrame:
    """One row per claim, every field, in file order; locations as `file:line:col`.

    `quote` holds every passage, joined by PASSAGE_SEPARATOR, and `quote_at` where the
    first starts; the columns after CLAIM_COLUMNS, `quotes` and `quotes_at`, hold the
    passages and their locations as tuples (for JSON)."""
    codebook = project.codebook
    topic_labels = {t.id: t.label for t in codebook.topics} if codebook else {}
    rows = []
    for claims_file in project.files:
        source = claims_file.source
        for claim in claims_file.claims:
            anchor = report.quote_starts.get(claim.id)
            at = str(anchor) if anchor else None
            rows.append(
                (
                    claim.id,
                    claim.source,
                    source.title if source else "",
                    source.perspective if source else "",
                    claim.topic,
                    topic_labels.get(claim.topic, claim.topic),
                    claim.stance,
                    claim.approach,
                    claim.actor,
                    claim.confidence,
                    CONFIDENCE_WEIGHTS.get(claim.confidence, 2),
                    claim.quote if len(claim.quotes) == 1 else PASSAGE_SEPARATOR.join(claim.quotes),
                    claim.note,
                    at,
                    str(claim.location),
                    claim.quotes,
                    (at,)
                    if len(claim.quotes) == 1
                    else _passage_locations(claim.quotes, report.passages.get(claim.id)),
                )
            )
    # object columns hold the loader's own strings: no copies into pandas' string storage
    names = (*CLAIM_COLUMNS, "quotes", "quotes_at")
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(names)
    frame = pd.DataFrame(
        {
            name: pd.Series(values, dtype="int64" if name == "weight" else object)
            for name, values in zip(names, columns, strict=True)
        }
    )
    return frame


def _passage_locations(
    quotes: tuple[str, ...], placed: tuple[tuple[Location, int, int] | None, ...] | None
) -> tuple[str | None, ...]:
    if placed is None:
        return (None,) * len(quotes)
    return tuple(None if p is None else str(p[0]) for p in placed)


def passages_frame(claims: pd.DataFrame) -> pd.DataFrame:
    """One row per passage of `claims` (a claims frame), in claim order (PASSAGE_COLUMNS)."""
    rows = [
        (claim_id, source, perspective, topic, stance, at, passage)
        for claim_id, source, perspective, topic, stance, passages, places in zip(
            claims["id"],
            claims["source"],
            claims["perspective"],
            claims["topic"],
            claims["stance"],
            claims["quotes"],
            claims["quotes_at"],
            strict=True,
        )
        for passage, at in zip(passages, places, strict=False)
    ]
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(PASSAGE_COLUMNS)
    return pd.DataFrame({n: pd.Series(v, dtype=object) for n, v in zip(PASSAGE_COLUMNS, columns, strict=True)})


def filtered(claims: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    keep = pd.Series(True, index=claims.index)
    for column, wanted in filters.items():
        if wanted:
            keep &= claims[column].isin(wanted)
    return claims[keep]


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


def analyse(
    project: Project,
    report: Report,
    filters: Filters | None = None,
    count: str = "claims",
    time_range: TimeRange | None = None,
) -> Analysis:
    """All frames for `project` (which must have a codebook), restricted by `filters` and to
    the claims dated in `time_range` (an active one leaves the undated out, and counts them);
    the matrices count `count` (one of COUNTS; totals and source profiles count claims)."""
    if count not in COUNTS:
        raise ValueError(f"count must be one of {COUNTS}, not {count!r}")
    codebook = project.codebook
    assert codebook is not None, "analyse needs a valid project"
    filters = filters or Filters()
    topics = tuple(t for t in codebook.ids("topics") if not filters.topics or t in filters.topics)
    perspectives = tuple(
        p for p in codebook.ids("perspectives") if not filters.perspectives or p in filters.perspectives
    )
    actors = tuple(a for a in codebook.ids("actors") if not filters.actors or a in filters.actors)
    claims = filtered(claims_frame(project, report), filters).reset_index(drop=True)
    time_range = time_range or TimeRange()
    selection = None
    if time_range.active:
        shown = set(claims["id"])
        selection = select((c for c in project_claims(project) if c.id in shown), time_range)
        claims = claims[claims["id"].isin(selection.ids())].reset_index(drop=True)
    stance = stance_matrix(claims, topics, perspectives, count)
    return Analysis(
        codebook=codebook,
        filters=filters,
        claims=claims,
        topics=topics,
        perspectives=perspectives,
        stance=stance,
        approach=approach_matrix(claims, topics, perspectives, count),
        actors=actor_view(claims, actors, perspectives, count),
        contrasts=contrasts(stance, topics, perspectives),
        sources=source_profile(claims, project, topics),
        totals=totals(claims, perspectives),
        count=count,
        passages=passages_frame(claims),
        cell_sources=cell_sources(claims),
        time_range=time_range,
        selection=selection,
    )


def analysis_timeline(analysis: Analysis, project: Project, choice: PeriodChoice | None = None) -> Timeline:
    """The claims of `analysis` counted per period (`choice`: default, chosen from the span
    of their dates), with what its time range left out."""
    shown = set(analysis.claims["id"])
    periods = choice or PeriodChoice()
    line = project_timeline(project, shown, analysis.topics, analysis.perspectives, periods, analysis.count)
    if analysis.selection is None:
        return line
    return replace(line, time_range=analysis.time_range, selection=analysis.selection)


Evidence = tuple[int, str, str, tuple[str, ...]]  # row in the claims table, id, stance, passages


def evidence(
    claims: pd.DataFrame, by: Sequence[str] = ("topic", "perspective")
) -> dict[tuple[str, ...], list[Evidence]]:
    """Values of the `by` columns -> [(row in the claims table, id, stance, passages)], in
    table order; claims with no value in one of those columns (say, no approach) are left out."""
    cells: dict[tuple[str, ...], list[Evidence]] = {}
    keys = zip(*(claims[column] for column in by), strict=True)
    rows = zip(claims["id"], claims["stance"], claims["quotes"], keys, strict=True)
    for row, (claim_id, stance, quotes, key) in enumerate(rows):
        if all(isinstance(value, str) for value in key):
            cells.setdefault(key, []).append((row, claim_id, stance, quotes))
    return cells


CellClaim = tuple[str, str, str, str, "str | None", "str | None", tuple[str, ...], tuple["str | None", ...], str]
"""A claim as a brief shows it: id, source, stance, confidence, approach, actor, passages,
where each passage starts (None: not found) and where the claim is written."""


def cell_claims(claims: pd.DataFrame) -> dict[tuple[str, str], list[CellClaim]]:
    """(topic, perspective) -> the claims behind that cell, as plain tuples in table order."""
    cells: dict[tuple[str, str], list[CellClaim]] = {}
    columns = ("id", "source", "stance", "confidence", "approach", "actor", "quotes", "quotes_at", "claim_at")
    rows = zip(claims["topic"], claims["perspective"], *(claims[c].tolist() for c in columns), strict=True)
    for topic, perspective, claim_id, source, stance, confidence, approach, actor, quotes, at, claim_at in rows:
        cells.setdefault((topic, perspective), []).append(
            (claim_id, source, stance, confidence, _text(approach), _text(actor), quotes, at, claim_at)
        )
    return cells


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


# Text a spreadsheet could take for a formula when it opens a CSV file (OWASP, CSV injection)
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _spreadsheet_safe(value: object) -> object:
    """`value`, with a single quote before it if it is text that starts like a formula."""
    return f"'{value}" if isinstance(value, str) and value.startswith(CSV_FORMULA_START) else value


def claims_csv(claims: pd.DataFrame, raw: bool = False) -> str:
    """The claims table (CLAIM_COLUMNS; a passages table as it is) as CSV. Unless `raw`, text
    cells that start with = + - @, a tab or a carriage return get a leading single quote, so
    that a spreadsheet shows them as text instead of running them as formulas (OWASP's advice
    on CSV injection)."""
    buffer = StringIO()
    table = claims[list(CLAIM_COLUMNS)] if "quotes" in claims.columns else claims
    if not raw:
        table = table.assign(**{c: table[c].map(_spreadsheet_safe) for c in table.columns})
    table.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def claims_records(claims: pd.DataFrame) -> list[Mapping[str, object]]:
    """The claims (or passages) table as JSON-ready records (missing values are None;
    `quotes` and `quotes_at` as lists)."""
    clean = claims.astype(object).where(claims.notna(), None)
    return [
        {k: list(v) if isinstance(v, tuple) else v for k, v in zip(clean.columns, row, strict=True)}
        for row in clean.itertuples(index=False, name=None)
    ]


__all__ = ["COUNTS", "STANCES", "Analysis", "analyse", "claims_csv", "claims_records", "evidence"]


def summary_numbers(analysis: Analysis) -> dict[str, object]:
    """The numbers `summary` shows, as JSON-ready data (empty cells are null)."""
    stance: list[dict[str, object]] = []
    approach: list[dict[str, object]] = []
    for t in analysis.topics:
        for p in analysis.perspectives:
            cell = analysis.stance_cell(t, p)
            empty = {**dict.fromkeys(STANCE_MEASURES), "sources": 0}
            stance.append({"topic": t, "perspective": p, **(asdict(cell) if cell else empty)})
            counts = analysis.approach_cell(t, p)
            approach.append(
                {
                    "topic": t,
                    "perspective": p,
                    **dict(zip(APPROACHES, counts.counts if counts else (None,) * 3, strict=True)),
                    "dominant": counts.dominant if counts else None,
                }
            )
    time = {}
    if analysis.selection is not None:
        excluded = {k: v for k, v in analysis.selection.to_dict().items() if k != "kept"}
        time = {"time_range": {**analysis.time_range.to_dict(), "excluded": excluded}}
    return {
        "filters": analysis.filters.describe(),
        **time,
        "count": analysis.count,
        "claims": len(analysis.claims),
        "stance": stance,
        "approach": approach,
        "contrasts": [asdict(c) for c in analysis.contrast_rows()],
        "totals": [asdict(t) for t in analysis.total_rows()],
    }
