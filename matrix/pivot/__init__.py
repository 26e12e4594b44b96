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

from matrix.counting import STANCE_MEASURES, axes
from matrix.model import APPROACHES, STANCES, UNSPECIFIED, Codebook, Filters, Project
from matrix.pivot.frames import (
    CLAIM_COLUMNS,
    HIDDEN_COLUMNS,
    PASSAGE_COLUMNS,
    PASSAGE_SEPARATOR,
    claims_frame,
    filtered,
    passages_frame,
)
from matrix.pivot.matrices import (
    COUNTS,
    ApproachCell,
    Contrast,
    StanceCell,
    Total,
    actor_view,
    approach_matrix,
    cell_sources,
    contrasts,
    source_profile,
    stance_cells,
    stance_matrix,
    totals,
)
from matrix.problems import Report
from matrix.timeline import PeriodChoice, Selection, Timeline, TimeRange, project_claims, project_timeline, select
from matrix.voicing import VoiceCell, voice_cells


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
    voices: Mapping[tuple[str | None, str], VoiceCell] = field(default_factory=dict)  # per cell, with claims

    def voice_cell(self, topic: str, perspective: str) -> VoiceCell | None:
        """Whose voice one cell's claims are in, and whether it rests on forecasts; None: no claims."""
        return self.voices.get((topic, perspective))

    def stance_cell(self, topic: str, perspective: str) -> StanceCell | None:
        """The stance counts and indexes of one matrix cell; None when it has no claims."""
        return _stance_cell(self.stance, topic, perspective, (self.cell_sources or {}).get((topic, perspective), 0))

    def approach_cell(self, topic: str, perspective: str) -> ApproachCell | None:
        """Approach counts of one cell; None when it has no claims."""
        cell: Any = self.approach.loc[topic, perspective]
        if not isinstance(cell["dominant"], str):
            return None
        counts = tuple(int(cell[a]) for a in APPROACHES)
        return ApproachCell((counts[0], counts[1], counts[2]), cell["dominant"], int(cell[UNSPECIFIED]))

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


def _stance_cell(stance: pd.DataFrame, topic: str, perspective: str, sources: int = 0) -> StanceCell | None:
    cell: Any = stance.loc[topic, perspective]
    if pd.isna(cell["net"]):
        return None
    return StanceCell(
        int(cell["convergence"]), int(cell["divergence"]), float(cell["net"]), float(cell["weighted"]), sources
    )


def _selected(
    frame: pd.DataFrame, project: Project, filters: Filters, time_range: TimeRange
) -> tuple[pd.DataFrame, Selection | None]:
    """The rows of a claims frame `filters` keep, and of those the ones dated in `time_range`
    (with what it left out; None when it is inactive)."""
    claims = filtered(frame, filters).reset_index(drop=True)
    if not time_range.active:
        return claims, None
    shown = set(claims["id"])
    selection = select((c for c in project_claims(project) if c.id in shown), time_range)
    return claims[claims["id"].isin(selection.ids())].reset_index(drop=True), selection


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
    topics, perspectives, actors = axes(codebook, filters)
    time_range = time_range or TimeRange()
    claims, selection = _selected(claims_frame(project, report), project, filters, time_range)
    cells = stance_cells(claims, count)
    stance = stance_matrix(cells, topics, perspectives)
    return Analysis(
        codebook=codebook,
        filters=filters,
        claims=claims,
        topics=topics,
        perspectives=perspectives,
        stance=stance,
        approach=approach_matrix(claims, topics, perspectives, count),
        actors=actor_view(claims, actors, perspectives, count),
        contrasts=contrasts(cells, topics, perspectives),
        sources=source_profile(claims, project, topics),
        totals=totals(claims, perspectives),
        count=count,
        passages=passages_frame(claims),
        cell_sources=cell_sources(claims),
        time_range=time_range,
        selection=selection,
        voices=voice_cells(
            zip(
                *(claims[c].tolist() for c in ("source", "topic", "perspective", "stance", "weight", "voice")),
                strict=True,
            ),
            count,
        ),
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
    columns = ("id", "source", "stance", "confidence", "approach", "sides", "actor", "quotes", "quotes_at", "claim_at")
    rows = zip(claims["topic"], claims["perspective"], *(claims[c].tolist() for c in columns), strict=True)
    for topic, perspective, claim_id, source, stance, confidence, approach, sides, actor, quotes, at, claim_at in rows:
        cells.setdefault((topic, perspective), []).append(
            (claim_id, source, stance, confidence, _text(sides) or _text(approach), _text(actor), quotes, at, claim_at)
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
    `quotes` and `quotes_at` as lists; an approach list as a list, sides as an object)."""
    clean = claims.astype(object).where(claims.notna(), None)
    records: list[Mapping[str, object]] = []
    for row in clean.itertuples(index=False, name=None):
        record: dict[str, object] = {
            k: list(v) if isinstance(v, tuple) else v for k, v in zip(clean.columns, row, strict=True)
        }
        if "means" in record:
            listed, sides = record["approach_list"], record["side_map"]
            if listed is not None:
                record["approach"] = listed
            record["sides"] = sides
            for hidden in HIDDEN_COLUMNS[2:]:
                del record[hidden]
        records.append(record)
    return records


__all__ = [  # with the names of frames and matrices, re-exported
    "CLAIM_COLUMNS",
    "COUNTS",
    "PASSAGE_COLUMNS",
    "PASSAGE_SEPARATOR",
    "STANCES",
    "STANCE_MEASURES",
    "Analysis",
    "ApproachCell",
    "Contrast",
    "StanceCell",
    "Total",
    "actor_view",
    "analyse",
    "approach_matrix",
    "cell_sources",
    "claims_csv",
    "claims_frame",
    "claims_records",
    "contrasts",
    "evidence",
    "filtered",
    "passages_frame",
    "source_profile",
    "stance_cells",
    "stance_matrix",
    "totals",
]


def summary_numbers(analysis: Analysis) -> dict[str, object]:
    """The numbers `summary` shows, as JSON-ready data (empty cells are null)."""
    stance: list[dict[str, object]] = []
    approach: list[dict[str, object]] = []
    voices: list[dict[str, object]] = []
    for t in analysis.topics:
        for p in analysis.perspectives:
            cell = analysis.stance_cell(t, p)
            empty = {**dict.fromkeys(STANCE_MEASURES), "sources": 0}
            stance.append({"topic": t, "perspective": p, **(asdict(cell) if cell else empty)})
            cell_voices = analysis.voice_cell(t, p)
            if cell_voices is not None:
                voices.append(
                    {
                        "topic": t,
                        "perspective": p,
                        "claims": cell_voices.claims,
                        "writer_voice": cell_voices.writer,
                        "forecasts": cell_voices.forecasts,
                        "unspecified_voice": cell_voices.unspecified,
                        "net_without_forecasts": cell_voices.without_net,
                        "rests_on_forecasts": cell_voices.rests_on_forecasts,
                    }
                )
            counts = analysis.approach_cell(t, p)
            approach.append(
                {
                    "topic": t,
                    "perspective": p,
                    **dict(zip(APPROACHES, counts.counts if counts else (None,) * 3, strict=True)),
                    UNSPECIFIED: counts.unspecified if counts else None,
                    "dominant": (counts.dominant or None) if counts else None,
                }
            )
    time = {}
    if analysis.selection is not None:
        excluded = {k: v for k, v in analysis.selection.to_dict().items() if k != "kept"}
        time = {"time_range": {**analysis.time_range.to_dict(), "excluded": excluded}}
    parties = [
        {"perspective": p, "parties": list(e.parties), "voice": e.voice}
        for p in analysis.perspectives
        if (e := analysis.codebook.perspective(p)) is not None
    ]
    return {
        "filters": analysis.filters.describe(),
        "perspectives": parties,
        **time,
        "count": analysis.count,
        "claims": len(analysis.claims),
        "stance": stance,
        "approach": approach,
        "voices": voices,
        "contrasts": [asdict(c) for c in analysis.contrast_rows()],
        "totals": [asdict(t) for t in analysis.total_rows()],
    }
