"""The plain-tuple encodings shared by the cache and the child processes.

`marshal` moves tuples, dicts and strings between processes (and into the cache) many times
faster than pickle moves typed objects, and a NamedTuple built with `tuple.__new__` skips its
Python-level `__new__`: the loader makes one per value, hundreds of thousands per run. Every
such trick of the pipeline lives here, so that the values in `matrix.model.values` stay plain classes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from matrix.files.quotes import Match
from matrix.model.location import Location
from matrix.model.problems import Problem
from matrix.model.values import Claim, ClaimsFile, Source

new_tuple = tuple.__new__
NO_ACCEPT: Mapping[str, str] = MappingProxyType({})  # shared by every claim that accepts nothing
_SOURCE_VALUES = ("id", "title", "publisher", "perspective", "text", "author", "published", "url", "file")
_PROVENANCE_VALUES = ("sha256", "retrieved", "archive")  # keyword fields of Source, after `positions`


def location(file: str, line: int, column: int) -> Location:
    """Location(file, line, column) without the Python-level __new__ a NamedTuple has."""
    return new_tuple(Location, (file, line, column))


def flat_claims_file(parsed: ClaimsFile) -> tuple[Any, ...]:
    """A ClaimsFile as plain tuples, dicts and strings (`claims_file_of` rebuilds it)."""
    source = parsed.source
    flat_source = None
    if source is not None:
        flat_source = (
            *[getattr(source, f) for f in _SOURCE_VALUES],
            tuple(source.location),
            {k: tuple(v) for k, v in source.positions.items()},
            *[getattr(source, f) for f in _PROVENANCE_VALUES],
        )
    claims = [
        (
            *claim[:9],
            tuple(claim.location),
            dict(claim.positions),
            dict(claim.accept),
            claim.date,
            claim.voice,
            claim.approach_list,
            claim.sides,
        )
        for claim in parsed.claims
    ]
    return (parsed.file, flat_source, claims, flat_problems(parsed.problems))


def claims_file_of(flat: tuple[Any, ...]) -> ClaimsFile:
    """The ClaimsFile `flat_claims_file` made `flat` from."""
    file, flat_source, claims, problems = flat
    source = None
    if flat_source is not None:
        values, (where, positions), provenance = (
            flat_source[: len(_SOURCE_VALUES)],
            flat_source[len(_SOURCE_VALUES) : len(_SOURCE_VALUES) + 2],
            flat_source[len(_SOURCE_VALUES) + 2 :],
        )
        source = Source(  # type: ignore[misc]
            *values,
            location=location(*where),
            positions={k: location(*v) for k, v in positions.items()},
            **dict(zip(_PROVENANCE_VALUES, provenance, strict=True)),
        )
    return ClaimsFile(
        file,
        source,
        tuple(new_tuple(Claim, (*c[:9], location(*c[9]), c[10], c[11] or NO_ACCEPT, *c[12:])) for c in claims),
        problems_of(problems),
    )


def flat_problems(problems: Iterable[Problem]) -> list[tuple[Any, ...]]:
    """Problems as plain tuples (`problems_of` rebuilds them)."""
    return [(tuple(p.location), p.code, p.message, p.hint, p.subject) for p in problems]


def problems_of(flat: Iterable[tuple[Any, ...]]) -> tuple[Problem, ...]:
    """The problems `flat_problems` made `flat` from."""
    return tuple(Problem(location(*w), code, message, hint, subject) for w, code, message, hint, subject in flat)


Placed = tuple["tuple[Location, int, int] | None", ...]


def flat_places(places: Iterable[tuple[str, Placed]]) -> list[tuple[Any, ...]]:
    """(claim id, each passage's (location, start, end) or None) as plain tuples (`places_of`)."""
    return [(i, tuple(None if p is None else (tuple(p[0]), p[1], p[2]) for p in placed)) for i, placed in places]


def places_of(flat: Iterable[tuple[Any, ...]]) -> tuple[tuple[str, Placed], ...]:
    """The places `flat_places` made `flat` from."""
    return tuple((i, tuple(None if p is None else (location(*p[0]), p[1], p[2]) for p in placed)) for i, placed in flat)


def flat_matches(matches: tuple[Match | None, ...]) -> tuple[tuple[int, ...] | None, ...]:
    """Quote matches as plain tuples (`matches_of` rebuilds them)."""
    return tuple(None if match is None else tuple(match) for match in matches)


def matches_of(plain: tuple[tuple[int, ...] | None, ...]) -> tuple[Match | None, ...]:
    """The quote matches `flat_matches` made `plain` from."""
    return tuple(None if match is None else new_tuple(Match, match) for match in plain)
