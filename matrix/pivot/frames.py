"""The claims and passages tables (one row per claim, one per passage) and their filters."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from matrix.counting import weight
from matrix.model import UNSPECIFIED, Filters, Location, Project
from matrix.problems import Report

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
    "voice",
    "sides",
    "note",
    "quote_at",
    "claim_at",
)
HIDDEN_COLUMNS = ("quotes", "quotes_at", "means", "actors", "approach_list", "side_map")
"""The claims frame's columns after CLAIM_COLUMNS: the passages and their locations (tuples),
the approaches a claim counts under (`Claim.approaches`), its actors (its actor or each
side's), its approach list (a tuple, or None) and its sides (a dict, or None), for JSON."""


PASSAGE_SEPARATOR = " \u2026 \u00b6 "  # between a claim's passages in one cell or CSV field: ' … ¶ '
PASSAGE_COLUMNS = ("claim", "source", "perspective", "topic", "stance", "location", "passage")


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
                    None if claim.sides else claim.approach_text,
                    claim.actor,
                    claim.confidence,
                    weight(claim.confidence),
                    claim.quote if len(claim.quotes) == 1 else PASSAGE_SEPARATOR.join(claim.quotes),
                    claim.voice,
                    claim.approach_text if claim.sides else None,
                    claim.note,
                    at,
                    str(claim.location),
                    claim.quotes,
                    (at,)
                    if len(claim.quotes) == 1
                    else _passage_locations(claim.quotes, report.passages.get(claim.id)),
                    claim.approaches,
                    claim.actors,
                    claim.approach_list or None,
                    dict(claim.sides) if claim.sides else None,
                )
            )
    return _frame((*CLAIM_COLUMNS, *HIDDEN_COLUMNS), rows)


def _frame(names: tuple[str, ...], rows: Sequence[tuple[object, ...]]) -> pd.DataFrame:
    """A frame of `rows` under `names`; object columns hold the loader's own strings (no
    copies into pandas' string storage), `weight` is int64."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(names)
    return pd.DataFrame(
        {
            name: pd.Series(values, dtype="int64" if name == "weight" else object)
            for name, values in zip(names, columns, strict=True)
        }
    )


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
    return _frame(PASSAGE_COLUMNS, rows)


def filtered(claims: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The claims `filters` keep: `actor` keeps a claim whose actor is one wanted or that has a
    side for one; `voice` UNSPECIFIED keeps the claims without a voice."""
    keep = pd.Series(True, index=claims.index)
    for column, wanted in filters.items():
        if not wanted:
            continue
        if column == "actor":
            keep &= pd.Series([any(a in wanted for a in actors) for actors in claims["actors"]], index=claims.index)
        elif column == "voice":
            keep &= pd.Series([(v or UNSPECIFIED) in wanted for v in claims["voice"]], index=claims.index, dtype=bool)
        else:
            keep &= claims[column].isin(wanted)
    return claims[keep]
