"""How far independent codings of one project agree, and where they part (`claims-matrix agree`).

Pure: takes codings already loaded and validated (`Coding`: a label, the Project and its
Report) and reads nothing from disk.

Sources. A source (by id) is compared when every coding has it and its text has the same
content in each (the SHA-256 of the text file); the others are listed as not compared, with
the reason. Positions below are character offsets in that text, as the Report records them.

Two kinds of unit, reported separately:

- *Sentences* (`matrix.sentences`, the coverage splitter): every sentence of a compared text
  is a unit, and each coder's value for it is `uncoded` (no passage of theirs overlaps it),
  `convergence` or `divergence` (every overlapping passage's claim has that stance) or
  `mixed` (both). Nominal alpha over them is the `coded` field: do the coders mark the same
  passages as positions, and read them the same way (ATLAS.ti's binary and coding alphas)?
  Sentences no coder marked count too: alpha corrects for the agreement chance gives.
- *Claims*, matched across coders one-to-one by the overlap of their passages (a claim's
  passages as a set of characters of the text). Two claims of different coders can be
  partners when the characters they share are at least half of the shorter claim's. Among
  candidates, pairs are taken greedily, best first: the larger share of the shorter claim,
  then more characters shared, then more fields coded alike, then the earlier claims (by
  coder, then by their order in the coder's files); a pair is taken when it joins no two
  claims of one coder and, with three coders or more, every two claims of the group it makes
  are candidates. Groups of two or more claims are the units; a claim left alone is
  *unmatched* and listed. Per field, alpha over the units: nominal for topic, stance,
  approach and actor (an absent approach or actor is its own value, None), ordinal for
  confidence (low < medium < high).

Each field carries `matrix.alpha.reliability`: units, percent agreement, alpha (None and a
reason when undefined), a seeded 95% bootstrap interval, the verdict and the coincidences
(over the values that occur, in codebook or scale order). The same codings give the same
result on every run.
"""

from __future__ import annotations

import bisect
import operator
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import astuple, dataclass
from pathlib import PurePath
from typing import Any, Literal

from matrix.alpha import RESAMPLES, SEED, ConfidenceInterval, Metric, Reliability, reliability
from matrix.model import APPROACHES, STANCES, Claim, Location, Project, SourceText
from matrix.problems import Report
from matrix.sentences import split_sentences
from matrix.workers import shared_map

Unit = Literal["sentence", "claim"]
CLAIM_FIELDS: tuple[str, ...] = ("topic", "stance", "approach", "actor", "confidence")
FIELDS: tuple[str, ...] = ("coded", *CLAIM_FIELDS)
UNCODED, MIXED = "uncoded", "mixed"
SENTENCE_VALUES: tuple[str, ...] = (UNCODED, *STANCES, MIXED)
CONFIDENCES: tuple[str, ...] = ("low", "medium", "high")
MIN_SHARE = 0.5  # of the shorter claim's characters, for two claims to be partners
PASSAGE_JOINER = " … ¶ "  # as on the Claims sheet and in exports
OURS = "this project"  # the name of the coding under --root
GIT_PREFIX = "git:"
_FIELD_INDEX = {name: i for i, name in enumerate(CLAIM_FIELDS)}
_claim_values = operator.attrgetter(*CLAIM_FIELDS)


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


def coder_names(specs: Sequence[str]) -> tuple[str, ...]:
    """A name for each other coding, distinct from OURS and from each other: a revision's
    `git:REV` as given, a folder's last name (`claims/second-coder` is `second-coder`); where
    two would be the same, the folder as given; then a number."""
    names = [
        spec if spec.startswith(GIT_PREFIX) else PurePath(spec.rstrip("/\\") or "/").name or spec for spec in specs
    ]
    taken = Counter([*names, OURS])
    names = [spec if taken[name] > 1 else name for name, spec in zip(names, specs, strict=True)]
    found: list[str] = []
    for name in names:
        unique, n = name, 2
        while unique in found or unique == OURS:
            unique, n = f"{name} ({n})", n + 1
        found.append(unique)
    return tuple(found)


def agreement(
    codings: Sequence[Coding],
    sources: Iterable[str] = (),
    *,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> Agreement:
    """Agreement between two or more codings on the sources they share (all of them, or the
    ids in `sources`); see the module docstring for the units and the matching."""
    labels = tuple(c.label for c in codings)
    if len(codings) < 2 or len(set(labels)) != len(labels):
        raise ValueError(f"agreement needs two or more codings with distinct labels, not {labels}")
    tables = [_sources_of(coding) for coding in codings]
    comparisons: list[SourceComparison] = []
    sentence_units: list[dict[Hashable, Hashable]] = []
    groups: list[tuple[str, list[Coded]]] = []
    for source in sorted(set(sources) or {source for table in tables for source in table}):
        present = [table.get(source) for table in tables]
        counts = tuple(0 if p is None else len(p[1]) for p in present)
        reason = _not_compared(present, labels)
        entries = [p for p in present if p is not None]
        if reason is not None:
            comparisons.append(SourceComparison(source, False, reason, 0, counts, 0))
            continue
        placed = [_placed(i, codings[i], claims) for i, (_, claims) in enumerate(entries)]
        sentences = _sentence_units(entries[0][0].content, placed)
        matched = _match(placed)
        sentence_units += sentences
        groups += [(source, group) for group in matched]
        units = sum(len(group) > 1 for group in matched)
        comparisons.append(SourceComparison(source, True, None, len(sentences), counts, units))
    paired = [(source, group) for source, group in groups if len(group) > 1]
    return Agreement(
        coders=labels,
        fields=_fields(sentence_units, [group for _, group in paired], codings, resamples, seed),
        disagreements=tuple(d for source, group in paired if (d := _disagreement(source, group, len(codings)))),
        unmatched=tuple(group[0] for _, group in groups if len(group) == 1),
        sources=tuple(comparisons),
    )


def _fields(
    sentence_units: Sequence[Mapping[Hashable, Hashable]],
    paired: Sequence[Sequence[Coded]],
    codings: Sequence[Coding],
    resamples: int,
    seed: int,
) -> tuple[FieldAgreement, ...]:
    """`coded` over the sentences, then each claim field over the matched claims. Large
    bootstraps are shared with a forked child (`shared_map`), the costliest first."""
    jobs: list[_Job] = [(list(sentence_units), "nominal", _used(sentence_units, SENTENCE_VALUES), resamples, seed)]
    for i, name in enumerate(CLAIM_FIELDS):
        units: list[Mapping[Hashable, Hashable]] = [{c.coder: c.values[i] for c in group} for group in paired]
        metric, scale = _scale(name, codings)
        jobs.append((units, metric, _used(units, scale), resamples, seed))
    costs = [_bootstrap_cost(units, resamples) for units, *_ in jobs]
    order = sorted(range(len(jobs)), key=lambda i: -costs[i])
    results: list[Reliability | None] = [None] * len(jobs)
    for index, plain in shared_map(_plain_reliability, [jobs[i] for i in order], [costs[i] for i in order]):
        results[order[index]] = _reliability_of(plain)
    return tuple(
        FieldAgreement(name, "sentence" if name == "coded" else "claim", result)
        for name, result in zip(FIELDS, results, strict=True)
        if result is not None
    )


# units, metric, categories, resamples, seed
_Job = tuple[list[Mapping[Hashable, Hashable]], Metric, tuple[Hashable, ...], int, int]
# About how many bytes of `shared_map` weight one microsecond of bootstrap is worth: a child
# pays off from about 0.1 s of work (workers.PARALLEL_WEIGHT is 4 MB).
_WEIGHT_PER_MICROSECOND = 40


def _bootstrap_cost(units: Sequence[Mapping[Hashable, Hashable]], resamples: int) -> int:
    """A rough cost of a bootstrap in `shared_map` weight. Measured per resample of alpha.py:
    about 50 microseconds to compute alpha, plus, with at least 30 units per pattern of values,
    5 per pattern and 0.02 per unit (binomial splits), else 0.5 per unit (drawn one by one)."""
    patterns = len({tuple(sorted(map(repr, unit.values()))) for unit in units})
    drawing = 5 * patterns + len(units) // 50 if len(units) >= 30 * patterns else len(units) // 2
    return resamples * (50 + drawing) * _WEIGHT_PER_MICROSECOND


def _plain_reliability(job: _Job) -> tuple[Any, ...]:
    """`reliability` of one job, as plain tuples (what `shared_map` sends back)."""
    units, metric, categories, resamples, seed = job
    return astuple(reliability(units, metric, categories, resamples=resamples, seed=seed))


def _reliability_of(plain: tuple[Any, ...]) -> Reliability:
    metric, units, share, alpha, reason, ci, verdict, values, coincidences = plain
    return Reliability(
        metric=metric,
        units=units,
        agreement=share,
        alpha=alpha,
        reason=reason,
        ci=None if ci is None else ConfidenceInterval(*ci),
        verdict=verdict,
        values=tuple(values),
        coincidences=tuple(tuple(row) for row in coincidences),
    )


def _sources_of(coding: Coding) -> dict[str, tuple[SourceText, tuple[Claim, ...]]]:
    """Source id -> (its text, its claims), for every claims file whose source and text loaded
    (the first file of an id, should it repeat)."""
    found: dict[str, tuple[SourceText, tuple[Claim, ...]]] = {}
    for claims_file in coding.project.files:
        text = coding.project.texts.get(claims_file.file)
        if claims_file.source is not None and text is not None:
            found.setdefault(claims_file.source.id, (text, claims_file.claims))
    return found


def _not_compared(present: Sequence[tuple[SourceText, tuple[Claim, ...]] | None], labels: Sequence[str]) -> str | None:
    """Why `source` cannot be compared, or None when every coding has it with the same text."""
    missing = [label for label, p in zip(labels, present, strict=True) if p is None]
    if len(missing) == len(labels):
        return "no coding has this source"
    if missing:
        return f"not in the coding of {', '.join(missing)}"
    texts = [p[0] for p in present if p is not None]
    differ = [label for label, text in zip(labels, texts, strict=True) if not _same_text(texts[0], text)]
    if differ:
        return f"its text differs in the coding of {', '.join(differ)}"
    return None


def _same_text(a: SourceText, b: SourceText) -> bool:
    return a.digest == b.digest if a.digest and b.digest else a.content == b.content


def _placed(coder: int, coding: Coding, claims: Sequence[Claim]) -> list[Coded]:
    """The claims of one source, each with the characters its passages cover (from the Report)."""
    out = []
    passages = coding.report.passages
    for order, claim in enumerate(claims):
        found = passages.get(claim.id, ())
        if len(found) == 1 and found[0] is not None:  # the common case: one passage
            at, start, end = found[0]
            spans: tuple[tuple[int, int], ...] = ((start, end),)
        else:
            placed = [p for p in found if p is not None]
            spans = _merged((start, end) for _, start, end in placed)
            at = min(placed, key=lambda p: p[1])[0] if placed else claim.location
        size = sum(end - start for start, end in spans)
        out.append(Coded(coder, claim, spans, size, at, order, _claim_values(claim)))
    return out


def _merged(spans: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def _shared(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]) -> int:
    """How many characters two sorted, disjoint span lists have in common."""
    i = j = total = 0
    while i < len(a) and j < len(b):
        low, high = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if high > low:
            total += high - low
        if a[i][1] <= b[j][1]:
            i += 1
        else:
            j += 1
    return total


def _sentence_units(content: str, placed: Sequence[Sequence[Coded]]) -> list[dict[Hashable, Hashable]]:
    """Per sentence of the text, each coder's value: uncoded, convergence, divergence or mixed."""
    sentences = split_sentences(content)
    ends = [s.end for s in sentences]
    stances: list[list[set[str]]] = [[set() for _ in sentences] for _ in placed]
    for coder, claims in enumerate(placed):
        for coded in claims:
            for start, end in coded.spans:
                i = bisect.bisect_right(ends, start)
                while i < len(sentences) and sentences[i].start < end:
                    stances[coder][i].add(coded.claim.stance)
                    i += 1
    return [{coder: _sentence_value(stances[coder][i]) for coder in range(len(placed))} for i in range(len(sentences))]


def _sentence_value(stances: set[str]) -> str:
    if not stances:
        return UNCODED
    return MIXED if len(stances) > 1 else next(iter(stances))


def _match(placed: Sequence[Sequence[Coded]]) -> list[list[Coded]]:
    """The claims of one source grouped across coders (see the module docstring), in order of
    where each group starts in the text."""
    claims = [c for coder in placed for c in coder]
    candidates = _candidates(claims)
    allowed = {(a, b) for _, a, b in candidates} | {(b, a) for _, a, b in candidates}
    group_of = list(range(len(claims)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(claims))}
    for _, a, b in sorted(candidates):
        ga, gb = group_of[a], group_of[b]
        if ga == gb:
            continue
        if {claims[i].coder for i in members[ga]} & {claims[i].coder for i in members[gb]}:
            continue
        if any((i, j) not in allowed for i in members[ga] for j in members[gb]):
            continue
        for i in members[gb]:
            group_of[i] = ga
        members[ga] += members.pop(gb)
    groups = [sorted((claims[i] for i in group), key=lambda c: c.coder) for group in members.values()]
    return sorted(groups, key=lambda g: (min(c.start for c in g), [(c.coder, c.order) for c in g]))


def _candidates(claims: Sequence[Coded]) -> list[tuple[tuple[Any, ...], int, int]]:
    """(sort key, index, index) for every two claims of different coders that can be partners:
    a sweep over the claims ordered by where their passages start."""
    by_start = sorted((i for i, c in enumerate(claims) if c.spans), key=lambda i: claims[i].start)
    active: list[int] = []
    found: list[tuple[tuple[Any, ...], int, int]] = []
    for i in by_start:
        claim = claims[i]
        active = [j for j in active if claims[j].spans[-1][1] > claim.start]
        for j in active:
            other = claims[j]
            if other.coder == claim.coder:
                continue
            shared = _shared(claim.spans, other.spans)
            share = shared / min(claim.size, other.size)
            if share >= MIN_SHARE:
                first, second = sorted((claim, other), key=lambda c: (c.coder, c.order))
                alike = sum(map(operator.eq, first.values, second.values))
                key = (-share, -shared, -alike, first.coder, first.order, second.coder, second.order)
                found.append((key, min(i, j), max(i, j)))
        active.append(i)
    return found


def _scale(field: str, codings: Sequence[Coding]) -> tuple[Metric, tuple[Hashable, ...]]:
    """The metric of a claim field and the order of its values (codebook order, then scale)."""
    if field == "confidence":
        return "ordinal", CONFIDENCES
    if field == "stance":
        return "nominal", STANCES
    if field == "approach":
        return "nominal", (*APPROACHES, None)
    kind = {"topic": "topics", "actor": "actors"}[field]
    ids = [i for c in codings if c.project.codebook is not None for i in c.project.codebook.ids(kind)]
    return "nominal", (*dict.fromkeys(ids), *((None,) if field == "actor" else ()))


def _used(units: Sequence[Mapping[Hashable, Hashable]], order: Sequence[Hashable]) -> tuple[Hashable, ...]:
    """The values that occur, in `order`, then any others (sorted by their text)."""
    used = {value for unit in units for value in unit.values()}
    return (*(v for v in order if v in used), *sorted(used.difference(order), key=repr))


def _disagreement(source: str, group: Sequence[Coded], coders: int) -> Disagreement | None:
    if all(c.values == group[0].values for c in group):
        return None
    differ = tuple(f for i, f in enumerate(CLAIM_FIELDS) if len({c.values[i] for c in group}) > 1)
    by_coder: list[Coded | None] = [None] * coders
    for coded in group:
        by_coder[coded.coder] = coded
    first = min((c for c in group if c.spans), key=lambda c: c.start)
    return Disagreement(source, first.at, differ, tuple(by_coder))
