"""What changed between two versions of a coding, at the level analysts think in: claims
(matched by id) and matrix cells, not lines of YAML.

Pure: it takes the two projects (`side_of`, each restricted by the same filters, counted as
the matrices are by `counting`) and returns a `Diff` value; rendering is elsewhere.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from matrix.analysis.counting import STANCE_MEASURES, axes, contrast_rows, tallies
from matrix.checks.provenance import PROVENANCE_FIELDS
from matrix.files.quotes import normalise_quote
from matrix.model.terms import UNSPECIFIED, Unit
from matrix.model.values import Claim, Filters, Project, Source
from matrix.time.dating import Selection, TimeRange, project_claims, select

CODED_FIELDS = ("topic", "stance", "approach", "actor", "confidence", "date", "voice")
_CODED_VALUE = {"approach": "approach_text"}  # a field compared as the claim's property of this name
"""The coding of a claim, compared field by field ("recoded")."""
SOURCE_FIELDS = ("title", "publisher", "author", "published", "perspective", "text", "url", *PROVENANCE_FIELDS)

NEW, EMPTIED, FLIPPED, CHANGED = "new", "emptied", "sign flipped", "changed"
"""Cell flags, most telling first: a cell that was empty, one that emptied, one whose net index
changed sign (net convergence <-> net divergence), any other change of counts or net index."""


@dataclass(frozen=True)
class ClaimRef:
    """A claim added or removed: enough to find it and read it."""

    id: str
    source: str
    topic: str
    stance: str
    passages: tuple[str, ...]
    at: str  # file:line of the claim


@dataclass(frozen=True)
class ClaimChange:
    """A claim present on both sides (same id) that changed: each recoded field as
    (old, new); the passages when edited; where it was and is when it moved."""

    id: str
    at: str
    fields: Mapping[str, tuple[str | None, str | None]] = field(default_factory=dict)
    passages: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    moved: tuple[str, str] | None = None

    @property
    def marked(self) -> str:
        """The passages, old to new, with the changed words marked (`marked`); "" if unedited."""
        if self.passages is None:
            return ""
        return marked(" ¶ ".join(self.passages[0]), " ¶ ".join(self.passages[1]))


@dataclass(frozen=True)
class SourceChange:
    """A source whose metadata changed; `moves` counts the claims that change matrix column
    when its perspective changed."""

    id: str
    fields: Mapping[str, tuple[str | None, str | None]]
    moves: int = 0


Cell = tuple[int, int, float]  # convergence, divergence, net index


@dataclass(frozen=True)
class CellChange:
    topic: str
    perspective: str
    old: Cell | None
    new: Cell | None
    flag: str


@dataclass(frozen=True)
class Diff:
    """Everything that changed from `old` to `new` (labels of the two versions)."""

    old: str
    new: str
    added: tuple[ClaimRef, ...] = ()
    removed: tuple[ClaimRef, ...] = ()
    changed: tuple[ClaimChange, ...] = ()
    renamed: tuple[tuple[str, str], ...] = ()  # (removed id, added id) quoting the same passage
    sources: tuple[SourceChange, ...] = ()
    cells: tuple[CellChange, ...] = ()
    contrasts_appeared: tuple[Mapping[str, Any], ...] = ()
    contrasts_disappeared: tuple[Mapping[str, Any], ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.sources or self.cells)

    def to_dict(self) -> dict[str, Any]:
        """The JSON output (keys documented in the README)."""
        return {
            "old": self.old,
            "new": self.new,
            "changed": not self.empty,
            "claims": {
                "added": [_ref(r) for r in self.added],
                "removed": [_ref(r) for r in self.removed],
                "changed": [_change(c) for c in self.changed],
                "renamed": [{"old": old, "new": new} for old, new in self.renamed],
            },
            "sources": [{"id": s.id, "fields": _pairs(s.fields), "moves": s.moves} for s in self.sources],
            "cells": [
                {
                    "topic": c.topic,
                    "perspective": c.perspective,
                    "old": _cell(c.old),
                    "new": _cell(c.new),
                    "flag": c.flag,
                }
                for c in self.cells
            ],
            "contrasts": {
                "appeared": [dict(c) for c in self.contrasts_appeared],
                "disappeared": [dict(c) for c in self.contrasts_disappeared],
            },
        }


def _pairs(fields: Mapping[str, tuple[str | None, str | None]]) -> dict[str, list[str | None]]:
    return {name: [old, new] for name, (old, new) in fields.items()}


def _ref(ref: ClaimRef) -> dict[str, Any]:
    return {
        "id": ref.id,
        "source": ref.source,
        "topic": ref.topic,
        "stance": ref.stance,
        "passages": list(ref.passages),
        "at": ref.at,
    }


def _change(change: ClaimChange) -> dict[str, Any]:
    out: dict[str, Any] = {"id": change.id, "at": change.at, "fields": _pairs(change.fields)}
    if change.passages is not None:
        old, new = change.passages
        out["passages"] = {"old": list(old), "new": list(new), "marked": change.marked}
    if change.moved is not None:
        out["moved"] = list(change.moved)
    return out


def _cell(cell: Cell | None) -> dict[str, Any] | None:
    return None if cell is None else {"convergence": cell[0], "divergence": cell[1], "net": cell[2]}


def marked(old: str, new: str) -> str:
    """`new` with the words changed from `old` marked as git's word diff does:
    `[-removed-]{+added+}`."""
    a, b = old.split(), new.split()
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.extend(a[i1:i2])
            continue
        removed = "[-" + " ".join(a[i1:i2]) + "-]" if i2 > i1 else ""
        added = "{+" + " ".join(b[j1:j2]) + "+}" if j2 > j1 else ""
        out.append(removed + added)
    return " ".join(out)


@dataclass(frozen=True)
class Side:
    """One version: its label, sources and claims (each claim with its source's perspective
    and file), and its stance cells and contrasts (`numbers`: the rows of `summary --format
    json`'s `stance`, less `sources`, and its `contrasts`)."""

    label: str
    sources: Mapping[str, Source]
    claims: Mapping[str, tuple[Claim, str, str]]  # id -> (claim, perspective, file)
    numbers: Mapping[str, Any]


def side_of(
    label: str, project: Project, filters: Filters, count: str = Unit.CLAIMS, time_range: TimeRange | None = None
) -> tuple[Side, Selection | None]:
    """One version (a valid project) as `compare` takes it: its sources, the claims `filters`
    keep and, of those, the ones dated in `time_range` (by this version's dates), with what the
    range left out (None: no range), and the stance cells and contrasts they make, counting
    `count` as the matrices do."""
    assert project.codebook is not None, "a version to compare must be valid"
    sources: dict[str, Source] = {}
    claims: dict[str, tuple[Claim, str, str]] = {}
    wanted = [(dimension, set(ids)) for dimension, ids in filters.items() if ids]
    for claims_file in project.files:
        source = claims_file.source
        if source is None:
            continue
        sources[source.id] = source
        for claim in claims_file.claims:
            if not wanted or _kept(claim, source.perspective, wanted):
                claims[claim.id] = (claim, source.perspective, claims_file.file)
    selection = None
    if time_range is not None and time_range.active:
        selection = select((c for c in project_claims(project) if c.id in claims), time_range)
        kept = selection.ids()
        claims = {claim_id: found for claim_id, found in claims.items() if claim_id in kept}
    topics, perspectives, _ = axes(project.codebook, filters)
    codings = ((c.source, c.topic, perspective, c.stance, c.weight) for c, perspective, _ in claims.values())
    cells = tallies(codings, count)
    stance = []
    for topic in topics:
        for perspective in perspectives:
            cell = cells.get((topic, perspective))
            measures = (cell.convergence, cell.divergence, cell.net, cell.weighted) if cell else (None,) * 4
            stance.append(
                {"topic": topic, "perspective": perspective, **dict(zip(STANCE_MEASURES, measures, strict=True))}
            )
    numbers = {"stance": stance, "contrasts": contrast_rows(cells, topics, perspectives)}
    return Side(label, sources, claims, numbers), selection


def _kept(claim: Claim, perspective: str, wanted: list[tuple[str, set[str]]]) -> bool:
    values = {"perspective": perspective, "topic": claim.topic, "source": claim.source}
    for dimension, ids in wanted:
        if dimension == "actor":
            if not any(actor in ids for actor in claim.actors):
                return False
        elif dimension == "voice":
            if (claim.voice or UNSPECIFIED) not in ids:
                return False
        elif values[dimension] not in ids:
            return False
    return True


def _at(claim: Claim) -> str:
    return f"{claim.location.file}:{claim.location.line}"


def _reference(claim: Claim) -> ClaimRef:
    return ClaimRef(claim.id, claim.source, claim.topic, claim.stance, tuple(claim.quotes), _at(claim))


def _claim_change(old: tuple[Claim, str, str], new: tuple[Claim, str, str]) -> ClaimChange | None:
    (before, _, old_file), (after, _, new_file) = old, new
    fields = {
        name: (getattr(before, _CODED_VALUE.get(name, name)), getattr(after, _CODED_VALUE.get(name, name)))
        for name in CODED_FIELDS
        if getattr(before, _CODED_VALUE.get(name, name)) != getattr(after, _CODED_VALUE.get(name, name))
    }
    old_passages, new_passages = tuple(before.quotes), tuple(after.quotes)
    passages = None
    if old_passages != new_passages and [normalise_quote(q) for q in old_passages] != [
        normalise_quote(q) for q in new_passages
    ]:  # a passage re-wrapped or re-typed (curly quotes, dashes) is the same passage
        passages = (old_passages, new_passages)
    moved = None
    if (old_file, before.source) != (new_file, after.source):
        moved = (f"{old_file} ({before.source})", f"{new_file} ({after.source})")
    if not fields and passages is None and moved is None:
        return None
    return ClaimChange(after.id, _at(after), fields, passages, moved)


def _renamed(removed: list[ClaimRef], added: list[ClaimRef]) -> tuple[tuple[str, str], ...]:
    """(removed id, added id) pairs quoting a passage in common, each claim in one pair at most."""
    quoted: dict[str, str] = {}
    for ref in added:
        for passage in ref.passages:
            quoted.setdefault(normalise_quote(passage), ref.id)
    pairs, taken = [], set()
    for ref in removed:
        for passage in ref.passages:
            partner = quoted.get(normalise_quote(passage))
            if partner is not None and partner not in taken:
                pairs.append((ref.id, partner))
                taken.add(partner)
                break
    return tuple(pairs)


def _source_changes(old: Side, new: Side) -> tuple[SourceChange, ...]:
    changes = []
    for source_id in sorted(old.sources.keys() & new.sources.keys()):
        before, after = old.sources[source_id], new.sources[source_id]
        fields = {
            name: (getattr(before, name), getattr(after, name))
            for name in SOURCE_FIELDS
            if getattr(before, name) != getattr(after, name)
        }
        if fields:
            moves = sum(1 for claim, _, _ in new.claims.values() if claim.source == source_id)
            changes.append(SourceChange(source_id, fields, moves if "perspective" in fields else 0))
    return tuple(changes)


def _cells(numbers: Mapping[str, Any]) -> dict[tuple[str, str], Cell]:
    return {
        (row["topic"], row["perspective"]): (row["convergence"], row["divergence"], row["net"])
        for row in numbers["stance"]
        if row["convergence"] is not None
    }


def _flag(old: Cell | None, new: Cell | None) -> str:
    if old is None:
        return NEW
    if new is None:
        return EMPTIED
    if old[2] * new[2] < 0:
        return FLIPPED
    return CHANGED


def _cell_changes(old: Side, new: Side) -> tuple[CellChange, ...]:
    before, after = _cells(old.numbers), _cells(new.numbers)
    order = [(r["topic"], r["perspective"]) for r in new.numbers["stance"]]
    order += [key for key in ((r["topic"], r["perspective"]) for r in old.numbers["stance"]) if key not in set(order)]
    changes = []
    for key in order:
        was, now = before.get(key), after.get(key)
        if was != now:
            changes.append(CellChange(key[0], key[1], was, now, _flag(was, now)))
    return tuple(changes)


def _contrast_key(row: Mapping[str, Any]) -> tuple[str, str, str]:
    return (row["topic"], row["perspective_a"], row["perspective_b"])


def compare(old: Side, new: Side) -> Diff:
    """The changes from `old` to `new`."""
    removed = [_reference(old.claims[i][0]) for i in old.claims if i not in new.claims]
    added = [_reference(new.claims[i][0]) for i in new.claims if i not in old.claims]
    changed = [
        change
        for i, now in new.claims.items()
        if (was := old.claims.get(i)) is not None
        and was != now  # the same claim of a file both versions share: the very same values
        and (change := _claim_change(was, now)) is not None
    ]
    old_contrasts = {_contrast_key(c): c for c in old.numbers["contrasts"]}
    new_contrasts = {_contrast_key(c): c for c in new.numbers["contrasts"]}
    return Diff(
        old.label,
        new.label,
        added=tuple(added),
        removed=tuple(removed),
        changed=tuple(changed),
        renamed=_renamed(removed, added),
        sources=_source_changes(old, new),
        cells=_cell_changes(old, new),
        contrasts_appeared=tuple(c for k, c in new_contrasts.items() if k not in old_contrasts),
        contrasts_disappeared=tuple(c for k, c in old_contrasts.items() if k not in new_contrasts),
    )
