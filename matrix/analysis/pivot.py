"""One `Analysis`: every number the outputs show, computed once in plain Python from the
validated project. The workbook, the terminal, the brief and every JSON output read it;
`Analysis.to_dict()` is the JSON of `summary` (`to_dict(by_period=True)`, of `summary
--by-period`), `Analysis.to_frame()` gives pandas DataFrames (for notebooks; pandas is
imported only then). Pure.

net index = (conv - div) / (conv + div), in [-1, 1]; the weighted index uses the same
formula with each claim weighing its confidence (low 1, medium 2, high 3).
"""

from __future__ import annotations

import codecs
import csv
import functools
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from io import StringIO
from typing import TYPE_CHECKING, Any

from matrix.analysis.counting import STANCE_MEASURES, Tally, axes
from matrix.analysis.frames import (
    CLAIM_COLUMNS,
    HIDDEN_COLUMNS,
    PASSAGE_COLUMNS,
    ClaimRow,
    PassageRow,
    claim_rows,
    filtered,
    passage_rows,
)
from matrix.analysis.matrices import (
    ActorRow,
    ApproachCell,
    Contrast,
    SourceProfile,
    StanceCell,
    Total,
    actor_rows,
    approach_cells,
    contrasts,
    source_profiles,
    stance_cells,
    totals,
)
from matrix.analysis.options import AnalysisOptions
from matrix.analysis.voicing import VoiceCell, voice_cells
from matrix.model.problems import Report
from matrix.model.terms import APPROACHES, CSV_FORMULA_START, UNSPECIFIED, Unit
from matrix.model.values import Codebook, Filters, Project
from matrix.time.timeline import PeriodChoice, Selection, Timeline, TimeRange, project_claims, project_timeline, select

if TYPE_CHECKING:
    import pandas as pd

    from matrix.analysis.network import MatrixView

FRAMES = ("claims", "passages", "cells")  # what `Analysis.to_frame` gives


@dataclass(frozen=True)
class Analysis:
    """Every number the outputs show, computed once from one filtered claims table.

    `stance` and `approach` hold only the cells with claims; the matrices show `topics` x
    `perspectives` (the codebook's, less what the filters leave out). `unit` is what the
    Stance, Approach and actor cells count; totals and source profiles always count claims.
    `timeline` counts the same claims per period, cut as `periods` says (the Timeline sheet,
    `summary --by-period`), from `project` when first asked for, once."""

    codebook: Codebook
    filters: Filters
    claims: tuple[ClaimRow, ...]
    topics: tuple[str, ...]
    perspectives: tuple[str, ...]
    stance: Mapping[tuple[str, str], StanceCell]
    approach: Mapping[tuple[str, str], ApproachCell]
    actors: tuple[ActorRow, ...]
    contrasts: tuple[Contrast, ...]
    sources: tuple[SourceProfile, ...]
    totals: tuple[Total, ...]
    project: Project = field(repr=False, compare=False)  # the validated project the numbers come from
    unit: Unit = Unit.CLAIMS
    tallies: Mapping[tuple[str | None, str], Tally] = field(default_factory=dict)  # every cell with claims
    time_range: TimeRange = field(default_factory=TimeRange)  # the claims are those dated in it (all when inactive)
    selection: Selection | None = None  # what the time range left out (None: no time range)
    voices: Mapping[tuple[str | None, str], VoiceCell] = field(default_factory=dict)  # per cell with claims
    periods: PeriodChoice = field(default_factory=PeriodChoice)  # how `timeline` cuts time

    @property
    def options(self) -> AnalysisOptions:
        """The options this Analysis was computed with."""
        return AnalysisOptions(self.filters, self.unit, self.time_range, self.periods)

    @functools.cached_property
    def passages(self) -> tuple[PassageRow, ...]:
        """One row per passage of the claims, in claim order; made when first asked for (the
        Evidence rows, made by the child that writes them; `export --per passage`; `to_frame`)."""
        return passage_rows(self.claims)

    @property
    def passage_count(self) -> int:
        """How many passages the claims have: `len(passages)`, without making them."""
        return sum(min(len(c.quotes), len(c.quotes_at)) for c in self.claims)

    @functools.cached_property
    def timeline(self) -> Timeline:
        """The claims counted per period, perspective and topic (as `periods` cuts time), with
        what the time range left out. Counted when first asked for (by the outputs that show
        periods; the others do not pay for it), then kept."""
        shown = {c.id for c in self.claims}
        line = project_timeline(self.project, shown, self.topics, self.perspectives, self.periods, self.count)
        if self.selection is None:
            return line
        return replace(line, time_range=self.time_range, selection=self.selection)

    @functools.cached_property
    def dated(self) -> int:
        """How many of the claims have a date (their own, or their source's published date)."""
        shown = {c.id for c in self.claims}
        return sum(1 for c in project_claims(self.project) if c.id in shown and c.date is not None)

    @functools.cached_property
    def network_views(self) -> tuple[MatrixView, ...]:
        """The signed matrices of actors, perspectives and sources over the same claims (the
        Network sheet, the brief's networks); worked out when first asked for, then kept."""
        from matrix.analysis.network import matrix_views

        return matrix_views(self.project, self.filters, self.time_range, self.count, self.topics)

    def voice_cell(self, topic: str, perspective: str) -> VoiceCell | None:
        """Whose voice one cell's claims are in, and whether it rests on forecasts; None: no claims."""
        return self.voices.get((topic, perspective))

    @property
    def codes_voice(self) -> bool:
        """Whether the shown claims code voice (the codebook requires it, or a claim has one):
        then the outputs say how many of a cell's claims are in the writer's voice."""
        return "voice" in self.codebook.require or any(c.voice for c in self.claims)

    @property
    def count(self) -> str:
        """The unit as text ('claims' or 'sources')."""
        return self.unit.value

    def stance_cell(self, topic: str, perspective: str) -> StanceCell | None:
        """The stance counts and indexes of one matrix cell; None when it has no claims."""
        return self.stance.get((topic, perspective))

    def approach_cell(self, topic: str, perspective: str) -> ApproachCell | None:
        """Approach counts of one cell; None when it has no claims."""
        return self.approach.get((topic, perspective))

    def contrast_rows(self) -> list[Contrast]:
        return list(self.contrasts)

    def total_rows(self) -> list[Total]:
        return list(self.totals)

    def actor_rows(self) -> list[tuple[str, str, tuple[int | None, ...]]]:
        """(perspective, actor, counts per APPROACHES + unspecified + total); None where empty."""
        return [(row.perspective, row.actor, row.counts) for row in self.actors]

    def source_rows(self) -> list[tuple[str, dict[str, Any]]]:
        """(source id, its profile row: title, perspective, claims, convergence, divergence, net, topics)."""
        return [(profile.source, profile.row()) for profile in self.sources]

    def to_dict(self, by_period: bool = False) -> dict[str, object]:
        """The numbers `summary --format json` shows (empty cells are null); `by_period`:
        those of `summary --by-period --format json`, the filters and the `timeline`."""
        if by_period:
            return {"filters": self.filters.describe(), **self.timeline.to_dict()}
        return summary_numbers(self)

    def cell_rows(self) -> list[tuple[object, ...]]:
        """One row per topic x perspective cell (`dataframes.CELL_COLUMNS`): topic, perspective,
        the stance counts and indexes (None and 0 sources where empty), the approach counts
        and the dominant approach (None where no claim has an approach)."""
        rows: list[tuple[object, ...]] = []
        for topic in self.topics:
            for perspective in self.perspectives:
                cell = self.stance_cell(topic, perspective)
                approach = self.approach_cell(topic, perspective)
                stance = (
                    (cell.convergence, cell.divergence, cell.net, cell.weighted, cell.sources)
                    if cell
                    else (None, None, None, None, 0)
                )
                counts = (*approach.counts, approach.dominant or None) if approach else (None,) * (len(APPROACHES) + 1)
                rows.append((topic, perspective, *stance, *counts))
        return rows

    def to_frame(self, table: str = "claims") -> pd.DataFrame:
        """A pandas DataFrame of the `table` (one of FRAMES): `claims` (one row per claim),
        `passages` (one per passage) or `cells` (one per topic x perspective cell)."""
        from matrix.analysis import dataframes

        if table == "claims":
            return dataframes.claims_frame(self.claims)
        if table == "passages":
            return dataframes.passages_frame(self.passages)
        if table == "cells":
            return dataframes.cells_frame(self.cell_rows())
        raise ValueError(f"no table {table!r}: one of {', '.join(FRAMES)}")


def _selected(
    rows: Sequence[ClaimRow], project: Project, filters: Filters, time_range: TimeRange
) -> tuple[tuple[ClaimRow, ...], Selection | None]:
    """The rows `filters` keep, and of those the ones dated in `time_range` (with what it
    left out; None when it is inactive)."""
    claims = filtered(rows, filters)
    if not time_range.active:
        return claims, None
    shown = {c.id for c in claims}
    selection = select((c for c in project_claims(project) if c.id in shown), time_range)
    kept = selection.ids()
    return tuple(c for c in claims if c.id in kept), selection


def analyse(project: Project, report: Report, options: AnalysisOptions | None = None) -> Analysis:
    """The Analysis of `project` (which must have a codebook), restricted by the options'
    filters and to the claims dated in their time range (an active one leaves the undated
    out, and counts them); the matrices count the options' unit (totals and source profiles
    count claims), the timeline cuts time as their periods say."""
    options = options or AnalysisOptions()
    unit, filters, time_range = options.unit, options.filters, options.time_range
    codebook = project.codebook
    assert codebook is not None, "analyse needs a valid project"
    topics, perspectives, actors = axes(codebook, filters)
    claims, selection = _selected(claim_rows(project, report), project, filters, time_range)
    found, cells = stance_cells(claims, topics, perspectives, unit)
    return Analysis(
        codebook=codebook,
        filters=filters,
        claims=claims,
        topics=topics,
        perspectives=perspectives,
        stance=cells,
        approach=approach_cells(claims, topics, perspectives, unit),
        actors=actor_rows(claims, actors, perspectives, unit),
        contrasts=contrasts(found, topics, perspectives),
        sources=source_profiles(claims, project, topics),
        totals=totals(claims, perspectives),
        project=project,
        unit=unit,
        tallies=found,
        time_range=time_range,
        selection=selection,
        voices=voice_cells(((c.source, c.topic, c.perspective, c.stance, c.weight, c.voice) for c in claims), unit),
        periods=options.periods,
    )


Evidence = tuple[int, str, str, tuple[str, ...]]  # row in the claims table, id, stance, passages


def evidence(
    claims: Sequence[ClaimRow], by: Sequence[str] = ("topic", "perspective")
) -> dict[tuple[str, ...], list[Evidence]]:
    """Values of the `by` fields -> [(row in the claims table, id, stance, passages)], in
    table order; claims with no value in one of those fields (say, no approach) are left out."""
    cells: dict[tuple[str, ...], list[Evidence]] = {}
    indexes = [ClaimRow._fields.index(name) for name in by]
    for row, claim in enumerate(claims):
        key: tuple[Any, ...] = tuple(claim[i] for i in indexes)
        if all(isinstance(value, str) for value in key):
            cells.setdefault(key, []).append((row, claim.id, claim.stance, claim.quotes))
    return cells


CellClaim = tuple[str, str, str, str, "str | None", "str | None", tuple[str, ...], tuple["str | None", ...], str]
"""A claim as a brief shows it: id, source, stance, confidence, approach, actor, passages,
where each passage starts (None: not found) and where the claim is written."""


def cell_claims(claims: Sequence[ClaimRow]) -> dict[tuple[str, str], list[CellClaim]]:
    """(topic, perspective) -> the claims behind that cell, as plain tuples in table order."""
    cells: dict[tuple[str, str], list[CellClaim]] = {}
    for c in claims:
        cells.setdefault((c.topic, c.perspective), []).append(
            (c.id, c.source, c.stance, c.confidence, c.sides or c.approach, c.actor, c.quotes, c.quotes_at, c.claim_at)
        )
    return cells


def _spreadsheet_safe(value: object) -> object:
    """`value`, with a single quote before it if it is text that starts like a formula."""
    return f"'{value}" if isinstance(value, str) and value.startswith(CSV_FORMULA_START) else value


def claims_csv(
    rows: Sequence[ClaimRow] | Sequence[PassageRow], raw: bool = False, names: Sequence[str] = CLAIM_COLUMNS
) -> str:
    """The `names` columns of a claims table (CLAIM_COLUMNS) or a passages table
    (PASSAGE_COLUMNS) as CSV, missing values empty. Unless `raw`, text cells that start with
    = + - @, a tab or a carriage return get a leading single quote, so that a spreadsheet shows
    them as text instead of running them as formulas (OWASP's advice on CSV injection)."""
    buffer = StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    width = len(names)
    for row in rows:
        values = row[:width]
        writer.writerow(
            ["" if v is None else v for v in values]
            if raw
            else ["" if v is None else _spreadsheet_safe(v) for v in values]
        )
    return buffer.getvalue()


def claims_csv_bytes(
    rows: Sequence[ClaimRow] | Sequence[PassageRow], raw: bool = False, names: Sequence[str] = CLAIM_COLUMNS
) -> bytes:
    """`claims_csv` as `export` writes it, to a file and to standard output alike: UTF-8, and
    unless `raw` after the UTF-8 byte-order mark, by which Excel (opening the file by a double
    click) and LibreOffice know it is UTF-8 rather than the system's legacy code page; for R,
    pandas and other programs (`raw`) none."""
    return (b"" if raw else codecs.BOM_UTF8) + claims_csv(rows, raw, names).encode("utf-8")


def claims_records(claims: Sequence[ClaimRow] | Sequence[PassageRow]) -> list[Mapping[str, object]]:
    """The claims (or passages) table as JSON-ready records (`quotes` and `quotes_at` as lists;
    an approach list as a list, sides as an object)."""
    records: list[Mapping[str, object]] = []
    for row in claims:
        record: dict[str, object] = {
            k: list(v) if isinstance(v, tuple) else v for k, v in zip(row._fields, row, strict=True)
        }
        if isinstance(row, ClaimRow):
            if row.approach_list is not None:
                record["approach"] = list(row.approach_list)
            record["sides"] = row.side_map
            for hidden in HIDDEN_COLUMNS[2:]:
                del record[hidden]
        records.append(record)
    return records


__all__ = [
    "CLAIM_COLUMNS",
    "FRAMES",
    "PASSAGE_COLUMNS",
    "STANCE_MEASURES",
    "Analysis",
    "AnalysisOptions",
    "ApproachCell",
    "CellClaim",
    "ClaimRow",
    "Contrast",
    "Evidence",
    "PassageRow",
    "StanceCell",
    "Total",
    "analyse",
    "cell_claims",
    "claims_csv",
    "claims_csv_bytes",
    "claims_records",
    "evidence",
    "summary_numbers",
]


def summary_numbers(analysis: Analysis) -> dict[str, object]:
    """The numbers `summary` shows, as JSON-ready data (empty cells are null)."""
    stance: list[dict[str, object]] = []
    approach: list[dict[str, object]] = []
    voices: list[dict[str, object]] = []
    for t in analysis.topics:
        for p in analysis.perspectives:
            cell = analysis.stance_cell(t, p)
            measures = (cell.convergence, cell.divergence, cell.net, cell.weighted) if cell else (None,) * 4
            numbers = dict(zip(STANCE_MEASURES, measures, strict=True))
            stance.append({"topic": t, "perspective": p, **numbers, "sources": cell.sources if cell else 0})
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
