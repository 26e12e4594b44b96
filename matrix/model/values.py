"""Typed, frozen values the pipeline passes around. No I/O and no third-party imports.

Invariants: every `Location` is 1-based; file paths are POSIX paths relative to the
project root; a value the user did not give is `None` (optional fields) or `""` (a
required field that was missing or malformed, already reported as a problem).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from matrix.model.location import Location
from matrix.model.problems import Problem
from matrix.model.terms import LIST_SEPARATOR, WRITER_VOICES

CONFIDENCE_WEIGHTS: Mapping[str, int] = {"low": 1, "medium": 2, "high": 3}
DEFAULT_CONFIDENCE = "medium"


@dataclass(frozen=True, slots=True)
class Entry:
    """One codebook vocabulary entry (a perspective, actor or topic)."""

    id: str
    label: str
    description: str | None
    location: Location
    parties: tuple[str, ...] = ()  # a perspective's: the actors whose relation it measures
    voice: str | None = None  # a perspective's: whose voice its sources carry ("official sources")


@dataclass(frozen=True, slots=True)
class Codebook:
    """Vocabularies in display order; ids are unique within each list."""

    perspectives: tuple[Entry, ...]
    actors: tuple[Entry, ...]
    topics: tuple[Entry, ...]
    cues: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    file: str = "claims/codebook.yaml"
    require: tuple[str, ...] = ()  # claim fields every claim must give (REQUIREMENTS)

    def ids(self, kind: str) -> tuple[str, ...]:
        entries: tuple[Entry, ...] = getattr(self, kind)
        return tuple(e.id for e in entries)

    def label(self, kind: str, entry_id: str) -> str:
        for entry in getattr(self, kind):
            if entry.id == entry_id:
                return str(entry.label)
        return entry_id

    def perspective(self, perspective_id: str) -> Entry | None:
        return next((e for e in self.perspectives if e.id == perspective_id), None)

    def parties_text(self, perspective_id: str) -> str:
        """What a perspective's columns measure: 'US - India, official sources' (its parties,
        then whose voice it carries; "" when the codebook gives neither)."""
        entry = self.perspective(perspective_id)
        if entry is None:
            return ""
        return ", ".join(part for part in (" - ".join(entry.parties), entry.voice or "") if part)


@dataclass(frozen=True, slots=True)
class Source:
    """One source document: the `source:` block of a claims file.

    `positions` maps each field the user wrote to the location of its value. The provenance
    fields are optional: `sha256` pins the text file's bytes (hex, as written), `retrieved` is
    when the text was obtained (a date as written), `archive` an http(s) address of an archived
    copy (see `matrix.checks.provenance`).
    """

    id: str
    title: str
    publisher: str
    perspective: str
    text: str
    author: str | None
    published: str | None
    url: str | None
    file: str
    location: Location
    positions: Mapping[str, Location] = field(default_factory=dict, compare=False)
    sha256: str | None = None
    retrieved: str | None = None
    archive: str | None = None


class Claim(NamedTuple):
    """One coded claim: one or more verbatim passages of one position from its source,
    with its coding.

    `quotes` holds the passages in the order written: one for `quote:`, each item of
    `quotes:` otherwise (empty when none could be read, already reported). `accept` maps a
    consistency-warning code the coder accepts to the reason given. `positions` maps each field
    the user wrote to the (line, column) of its value in the claim's own file (`at` gives it
    as a Location; `quotes.N` is passage N of a `quotes:` list, `accept.CODE` the accepted
    code); `location` is where the claim's mapping starts. `date` is the claim's own `date:`
    as written (YYYY, YYYY-MM or YYYY-MM-DD; see `matrix.time.timeline` for a claim's effective
    date). A NamedTuple of plain values, not
    a dataclass: a project can hold 100,000 claims, and such tuples are created and
    unpickled (from the cache) far faster.
    """

    id: str
    source: str
    topic: str
    stance: str
    quotes: tuple[str, ...]
    approach: str | None
    actor: str | None
    confidence: str
    note: str | None
    location: Location
    positions: Mapping[str, tuple[int, int]] = MappingProxyType({})
    accept: Mapping[str, str] = MappingProxyType({})
    date: str | None = None  # when the position was stated, if not when its source was published
    voice: str | None = None  # one of VOICES; None: unspecified
    approach_list: tuple[str, ...] = ()  # `approach: [a, b]` as written (then `approach` is None)
    sides: tuple[tuple[str, str], ...] = ()  # `sides: {actor: approach}` as written

    @property
    def approaches(self) -> tuple[str, ...]:
        """Every approach the claim codes, once each in the order written (its approach, its
        list, or its sides' approaches)."""
        if self.approach:
            return (self.approach,)
        if self.sides:
            return tuple(dict.fromkeys(a for _, a in self.sides))
        return self.approach_list

    @property
    def actors(self) -> tuple[str, ...]:
        """Whose position the claim is: its actor, or each side's actor."""
        if self.sides:
            return tuple(actor for actor, _ in self.sides)
        return (self.actor,) if self.actor else ()

    @property
    def approach_text(self) -> str | None:
        """The approach as one text, as written: 'bilateral', 'bilateral; multilateral',
        'US: unilateral; India: multilateral' (None: none coded)."""
        if self.sides:
            return LIST_SEPARATOR.join(f"{a}: {b}" for a, b in self.sides)
        if self.approach_list:
            return LIST_SEPARATOR.join(self.approach_list)
        return self.approach

    @property
    def approach_value(self) -> str | None:
        """The approach as one comparable value: the approach, the sorted list or the sorted sides."""
        if self.sides:
            return LIST_SEPARATOR.join(f"{a}: {b}" for a, b in sorted(self.sides))
        if self.approach_list:
            return LIST_SEPARATOR.join(sorted(self.approach_list))
        return self.approach

    @property
    def in_writers_voice(self) -> bool:
        return self.voice in WRITER_VOICES

    @property
    def quote(self) -> str:
        """The first passage ("" when there is none)."""
        return self.quotes[0] if self.quotes else ""

    def passage_at(self, index: int) -> Location:
        """Where passage `index` is written (`quote:`, or item `index` of `quotes:`)."""
        return self.at("quote" if "quote" in self.positions else f"quotes.{index}")

    @property
    def weight(self) -> int:
        return CONFIDENCE_WEIGHTS.get(self.confidence, CONFIDENCE_WEIGHTS[DEFAULT_CONFIDENCE])

    def at(self, name: str) -> Location:
        """Where field `name` is written, or the claim itself when it is absent."""
        span = self.positions.get(name)
        return self.location if span is None else Location(self.location.file, span[0], span[1])


@dataclass(frozen=True, slots=True)
class SourceText:
    """A source's text file, read as strict UTF-8 (one that cannot be read is a problem, not a SourceText)."""

    path: str
    content: str
    digest: str = ""  # SHA-256 of the file's bytes


@dataclass(frozen=True, slots=True)
class ClaimsFile:
    """What one claims file holds; `source` is None when its block is unusable."""

    file: str
    source: Source | None
    claims: tuple[Claim, ...]
    problems: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class Memo:
    """One analyst summary (`claims/memos.yaml`). `perspective` is None for a topic across
    perspectives; `claims` are the cited ids in the order written, each written at the same
    index of `claim_positions`."""

    topic: str
    perspective: str | None
    text: str
    claims: tuple[str, ...]
    location: Location
    claim_positions: tuple[Location, ...] = ()
    cell: tuple[int, int] | None = None  # `cell: +C/-D`, the counts the memo was written against
    cell_at: Location | None = None


MEMOS_FILE = "claims/memos.yaml"


@dataclass(frozen=True, slots=True)
class Memos:
    """The memos of one file in file order; at most one per (topic, perspective)."""

    entries: tuple[Memo, ...] = ()
    file: str = MEMOS_FILE

    def cell(self, topic: str, perspective: str) -> Memo | None:
        """The memo of one topic x perspective cell."""
        return next((m for m in self.entries if m.topic == topic and m.perspective == perspective), None)

    def across(self, topic: str) -> Memo | None:
        """The memo of one topic across all perspectives."""
        return next((m for m in self.entries if m.topic == topic and m.perspective is None), None)

    def cited(self) -> tuple[str, ...]:
        """Every claim id cited, once each, in file order."""
        return tuple(dict.fromkeys(c for m in self.entries for c in m.claims))


@dataclass(frozen=True, slots=True)
class Project:
    """Everything read from a project root, and what went wrong reading it."""

    root: Path
    codebook: Codebook | None
    files: tuple[ClaimsFile, ...]
    texts: Mapping[str, SourceText]  # claims file -> its source's text
    problems: tuple[Problem, ...] = field(default=())
    inputs: Mapping[str, str] = field(default_factory=dict)  # file read -> its SHA-256
    memos: Memos = field(default_factory=Memos)  # the analyst's summaries (claims/memos.yaml)

    @property
    def sources(self) -> tuple[Source, ...]:
        return tuple(f.source for f in self.files if f.source is not None)

    @property
    def claims(self) -> tuple[Claim, ...]:
        return tuple(c for f in self.files for c in f.claims)

    def all_problems(self) -> tuple[Problem, ...]:
        return self.problems + tuple(p for f in self.files for p in f.problems)


FILTER_DIMENSIONS = ("perspective", "topic", "source", "actor", "voice")
"""The claim fields a command can filter on; `Filters` has one field per dimension, plural."""


@dataclass(frozen=True, slots=True)
class Filters:
    """Row filters shared by every command; an empty tuple means "all".

    One field per entry of FILTER_DIMENSIONS, named in the plural (`perspectives` filters the
    `perspective` field), so that `Filters(**options)` takes the CLI's options as they come.
    """

    perspectives: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    voices: tuple[str, ...] = ()  # VOICES, or UNSPECIFIED for claims without one

    def items(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(dimension, wanted ids) for every filter dimension, in FILTER_DIMENSIONS order."""
        return tuple((dimension, tuple(getattr(self, f"{dimension}s"))) for dimension in FILTER_DIMENSIONS)

    @property
    def active(self) -> bool:
        return any(values for _, values in self.items())

    def describe(self) -> str:
        """'perspective: CFR; topic: space, trade' or 'none (all claims)'."""
        parts = [f"{name}: {', '.join(values)}" for name, values in self.items() if values]
        return "; ".join(parts) if parts else "none (all claims)"
