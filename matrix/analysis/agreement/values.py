"""The agreement report as values: codings, coded claims, alpha per field, disagreements, sources compared (`Agreement.to_dict()` is the JSON of `agree`)."""

from __future__ import annotations

import operator
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from matrix.analysis.alpha import Reliability
from matrix.model.location import Location
from matrix.model.problems import Report
from matrix.model.terms import PASSAGE_SEPARATOR, STANCES
from matrix.model.values import Claim, Project

Unit = Literal["sentence", "claim"]
CLAIM_FIELDS: tuple[str, ...] = ("topic", "stance", "approach", "actor", "confidence", "voice")
FIELDS: tuple[str, ...] = ("coded", *CLAIM_FIELDS)
UNCODED, MIXED = "uncoded", "mixed"
SENTENCE_VALUES: tuple[str, ...] = (UNCODED, *STANCES, MIXED)
CONFIDENCES: tuple[str, ...] = ("low", "medium", "high")
MIN_SHARE = 0.5  # of the shorter claim's characters, for two claims to be partners
PASSAGE_JOINER = PASSAGE_SEPARATOR  # as on the Claims sheet and in exports
OURS = "this project"  # the name of the coding under --root
GIT_PREFIX = "git:"
_FIELD_INDEX = {name: i for i, name in enumerate(CLAIM_FIELDS)}
# a claim's approach is compared as one value: its approach, its sorted list or its sorted sides
claim_values = operator.attrgetter(*(("approach_value" if f == "approach" else f) for f in CLAIM_FIELDS))


@dataclass(frozen=True, slots=True)
class Coding:
    """One coder's coding of the project: `label` names the coder (unique among the codings)."""

    label: str
    project: Project
    report: Report


@dataclass(frozen=True, slots=True)
class Coded:
    """One coder's claim placed in its source's text.

    `spans`: the characters its passages cover, as sorted, disjoint (start, end) offsets
    (empty when none was found); `size`: how many characters that is; `at`: where its earliest
    passage starts in the text (the claim's own location when none was found); `order`: its
    position among the coder's claims, for tie-breaking.
    """

    coder: int
    claim: Claim
    spans: tuple[tuple[int, int], ...]
    size: int
    at: Location
    order: int
    values: tuple[Hashable, ...]  # the claim's CLAIM_FIELDS, in that order

    @property
    def start(self) -> int:
        return self.spans[0][0] if self.spans else -1

    def value(self, field: str) -> Hashable:
        return self.values[_FIELD_INDEX[field]]

    @property
    def passage(self) -> str:
        return PASSAGE_JOINER.join(self.claim.quotes)


@dataclass(frozen=True, slots=True)
class FieldAgreement:
    """The agreement on one field: `unit` says what was compared (sentences or matched claims)."""

    field: str
    unit: Unit
    reliability: Reliability

    @property
    def alpha(self) -> float | None:
        return self.reliability.alpha

    @property
    def verdict(self) -> str:
        return self.reliability.verdict


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A unit of matched claims whose codings differ on `fields`; `claims` has one entry per
    coder (None: that coder's group has no claim of theirs), `at` is where the unit starts in
    the text."""

    source: str
    at: Location
    fields: tuple[str, ...]
    claims: tuple[Coded | None, ...]


@dataclass(frozen=True, slots=True)
class SourceComparison:
    """One source: compared or not (`reason` says why not); its sentences, each coder's claims
    (0 where the coder lacks the source) and the matched units."""

    source: str
    compared: bool
    reason: str | None
    sentences: int
    claims: tuple[int, ...]
    units: int


@dataclass(frozen=True, slots=True)
class Agreement:
    """The result of `agreement`: `fields` in FIELDS order; disagreements and unmatched claims
    in source order, then by where they start in the text."""

    coders: tuple[str, ...]
    fields: tuple[FieldAgreement, ...]
    disagreements: tuple[Disagreement, ...]
    unmatched: tuple[Coded, ...]
    sources: tuple[SourceComparison, ...]

    def below(self, minimum: float) -> tuple[FieldAgreement, ...]:
        """The fields whose alpha is defined and below `minimum`."""
        return tuple(f for f in self.fields if f.alpha is not None and f.alpha < minimum)

    def to_dict(self) -> dict[str, Any]:
        """The JSON of `agree --format json`."""
        return {
            "coders": list(self.coders),
            "fields": [_field_dict(f) for f in self.fields],
            "disagreements": [
                {
                    "source": d.source,
                    "location": str(d.at),
                    "fields": list(d.fields),
                    "codings": [None if c is None else _coded_dict(c, self.coders) for c in d.claims],
                }
                for d in self.disagreements
            ],
            "unmatched": [_coded_dict(c, self.coders) for c in self.unmatched],
            "sources": [
                {
                    "source": s.source,
                    "compared": s.compared,
                    "reason": s.reason,
                    "sentences": s.sentences,
                    "claims": dict(zip(self.coders, s.claims, strict=True)),
                    "units": s.units,
                }
                for s in self.sources
            ],
        }


def _field_dict(field: FieldAgreement) -> dict[str, Any]:
    r = field.reliability
    ci = r.ci
    return {
        "field": field.field,
        "unit": field.unit,
        "metric": r.metric,
        "units": r.units,
        "agreement": r.agreement,
        "alpha": r.alpha,
        "ci": None
        if ci is None
        else {"low": ci.low, "high": ci.high, "level": ci.level, "resamples": ci.resamples, "seed": ci.seed},
        "verdict": r.verdict,
        "reason": r.reason,
        "values": list(r.values),
        "coincidences": [list(row) for row in r.coincidences],
    }


def _coded_dict(coded: Coded, coders: Sequence[str]) -> dict[str, Any]:
    claim = coded.claim
    return {
        "coder": coders[coded.coder],
        "claim": claim.id,
        "source": claim.source,
        "file": str(claim.location),
        "location": str(coded.at),
        **{name: coded.value(name) for name in CLAIM_FIELDS},
        "passage": coded.passage,
    }
