"""The claims and passages tables (one row per claim, one per passage) and their filters, as
plain rows: a claims table of 100,000 rows is a tuple of 100,000 NamedTuples. Pure.

`matrix.analysis.dataframes` turns them into pandas DataFrames for notebooks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from matrix.files.plain import new_tuple
from matrix.model.location import Location
from matrix.model.problems import Report
from matrix.model.terms import PASSAGE_SEPARATOR, UNSPECIFIED
from matrix.model.values import CONFIDENCE_WEIGHTS, DEFAULT_CONFIDENCE, Filters, Project


class ClaimRow(NamedTuple):
    """One claim as the claims table holds it: every field, locations as `file:line:col`.

    `quote` holds every passage, joined by PASSAGE_SEPARATOR, and `quote_at` where the first
    starts; `approach` an approach or a list as text (`bilateral; multilateral`), `sides` the
    sides as text (`US: unilateral; India: multilateral`). After CLAIM_COLUMNS: `quotes` and
    `quotes_at` hold each passage and where it starts; `means` the approaches the claim counts
    under (`Claim.approaches`), `actors` its actor or each side's, `approach_list` its list (or
    None) and `side_map` its sides as a dict (or None), for JSON."""

    id: str
    source: str
    source_title: str
    perspective: str
    topic: str
    topic_label: str
    stance: str
    approach: str | None
    actor: str | None
    confidence: str
    weight: int
    quote: str
    voice: str | None
    sides: str | None
    note: str | None
    quote_at: str | None
    claim_at: str
    quotes: tuple[str, ...]
    quotes_at: tuple[str | None, ...]
    means: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    approach_list: tuple[str, ...] | None = None
    side_map: dict[str, str] | None = None


class PassageRow(NamedTuple):
    """One passage of a claim: its claim, source, perspective, topic, stance, where it starts, its text."""

    claim: str
    source: str
    perspective: str
    topic: str
    stance: str
    location: str | None
    passage: str


CLAIM_COLUMNS = ClaimRow._fields[: ClaimRow._fields.index("claim_at") + 1]
"""The columns of the flat claims table (`export`, the Claims sheet): up to `claim_at`."""
HIDDEN_COLUMNS = ClaimRow._fields[len(CLAIM_COLUMNS) :]
PASSAGE_COLUMNS = PassageRow._fields


def claim_rows(project: Project, report: Report) -> tuple[ClaimRow, ...]:
    """One row per claim, every field, in file order (100,000 rows in a fraction of a second:
    the tuples are made without the NamedTuple constructor, as `files.plain` makes them)."""
    codebook = project.codebook
    topic_labels = {t.id: t.label for t in codebook.topics} if codebook else {}
    starts = report.quote_starts
    placed = report.passages
    weights = CONFIDENCE_WEIGHTS
    medium = weights[DEFAULT_CONFIDENCE]
    rows: list[ClaimRow] = []
    append = rows.append
    for claims_file in project.files:
        source = claims_file.source
        title, perspective = (source.title, source.perspective) if source else ("", "")
        for claim in claims_file.claims:
            anchor = starts.get(claim.id)
            at = f"{anchor[0]}:{anchor[1]}:{anchor[2]}" if anchor else None
            quotes = claim.quotes
            where = claim.location
            sides = claim.sides
            confidence = claim.confidence
            if sides:  # the approach as written, once: in Sides when the claim has sides, else in Approach
                approach, written = None, claim.approach_text
            else:
                approach, written = claim.approach_text, None
            append(
                new_tuple(
                    ClaimRow,
                    (
                        claim.id,
                        claim.source,
                        title,
                        perspective,
                        claim.topic,
                        topic_labels.get(claim.topic, claim.topic),
                        claim.stance,
                        approach,
                        claim.actor,
                        confidence,
                        weights.get(confidence, medium),
                        (quotes[0] if quotes else "") if len(quotes) <= 1 else PASSAGE_SEPARATOR.join(quotes),
                        claim.voice,
                        written,
                        claim.note,
                        at,
                        f"{where[0]}:{where[1]}:{where[2]}",
                        quotes,
                        (at,) if len(quotes) == 1 else _passage_locations(quotes, placed.get(claim.id)),
                        claim.approaches,
                        claim.actors,
                        claim.approach_list or None,
                        dict(sides) if sides else None,
                    ),
                )
            )
    return tuple(rows)


def _passage_locations(
    quotes: tuple[str, ...], placed: tuple[tuple[Location, int, int] | None, ...] | None
) -> tuple[str | None, ...]:
    if placed is None:
        return (None,) * len(quotes)
    return tuple(None if p is None else str(p[0]) for p in placed)


def passage_rows(claims: Iterable[ClaimRow]) -> tuple[PassageRow, ...]:
    """One row per passage of `claims`, in claim order."""
    return tuple(
        new_tuple(PassageRow, (c[0], c[1], c[3], c[4], c[6], at, passage))  # id, source, perspective, topic, stance
        for c in claims
        for passage, at in zip(c.quotes, c.quotes_at, strict=False)
    )


def filtered(claims: Sequence[ClaimRow], filters: Filters) -> tuple[ClaimRow, ...]:
    """The rows `filters` keep (each dimension with wanted ids keeps the rows with one of them;
    `actor` keeps a claim whose actor is one wanted or that has a side for one; `voice`
    UNSPECIFIED keeps the claims without a voice)."""
    wanted = [(column, set(ids)) for column, ids in filters.items() if ids]
    if not wanted:
        return tuple(claims)
    return tuple(row for row in claims if all(_keeps(row, column, ids) for column, ids in wanted))


def _keeps(row: ClaimRow, column: str, ids: set[str]) -> bool:
    if column == "actor":
        return any(actor in ids for actor in row.actors)
    if column == "voice":
        return (row.voice or UNSPECIFIED) in ids
    value: object = getattr(row, column)
    return value in ids


def column_values(
    rows: Sequence[tuple[object, ...]], names: Sequence[str], fields: Sequence[str]
) -> list[list[object]]:
    """The values of the `names` columns of `rows` (whose fields are `fields`), column by column."""
    if not rows:
        return [[] for _ in names]
    every = list(zip(*rows, strict=True))
    return [list(every[fields.index(name)]) for name in names]
