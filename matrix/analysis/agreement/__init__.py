"""How far independent codings of one project agree, and where they part (`claims-matrix agree`).

Pure: takes codings already loaded and validated (`Coding`: a label, the Project and its
Report) and reads nothing from disk.

Sources. A source (by id) is compared when every coding has it and its text has the same
content in each (the SHA-256 of the text file); the others are listed as not compared, with
the reason. Positions below are character offsets in that text, as the Report records them.

Two kinds of unit, reported separately:

- *Sentences* (`matrix.files.sentences`, the coverage splitter): every sentence of a compared text
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

Each field carries `matrix.analysis.alpha.reliability`: units, percent agreement, alpha (None and a
reason when undefined), a seeded 95% bootstrap interval, the verdict and the coincidences
(over the values that occur, in codebook or scale order). The same codings give the same
result on every run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import astuple
from pathlib import PurePath
from typing import Any

from matrix.analysis.agreement.units import (
    disagreement_of,
    field_scale,
    matched_claims,
    not_compared,
    placed_claims,
    sources_of,
    units_of_sentences,
    used_values,
)
from matrix.analysis.agreement.values import (
    CLAIM_FIELDS,
    CONFIDENCES,
    FIELDS,
    GIT_PREFIX,
    MIN_SHARE,
    MIXED,
    OURS,
    PASSAGE_JOINER,
    SENTENCE_VALUES,
    UNCODED,
    Agreement,
    Coded,
    Coding,
    Disagreement,
    FieldAgreement,
    SourceComparison,
    Unit,
)
from matrix.analysis.alpha import RESAMPLES, SEED, ConfidenceInterval, Metric, Reliability, reliability
from matrix.files.workers import shared_map


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
    tables = [sources_of(coding) for coding in codings]
    comparisons: list[SourceComparison] = []
    sentence_units: list[dict[Hashable, Hashable]] = []
    groups: list[tuple[str, list[Coded]]] = []
    for source in sorted(set(sources) or {source for table in tables for source in table}):
        present = [table.get(source) for table in tables]
        counts = tuple(0 if p is None else len(p[1]) for p in present)
        reason = not_compared(present, labels)
        entries = [p for p in present if p is not None]
        if reason is not None:
            comparisons.append(SourceComparison(source, False, reason, 0, counts, 0))
            continue
        placed = [placed_claims(i, codings[i], claims) for i, (_, claims) in enumerate(entries)]
        sentences = units_of_sentences(entries[0][0].content, placed)
        matched = matched_claims(placed)
        sentence_units += sentences
        groups += [(source, group) for group in matched]
        units = sum(len(group) > 1 for group in matched)
        comparisons.append(SourceComparison(source, True, None, len(sentences), counts, units))
    paired = [(source, group) for source, group in groups if len(group) > 1]
    return Agreement(
        coders=labels,
        fields=_fields(sentence_units, [group for _, group in paired], codings, resamples, seed),
        disagreements=tuple(d for source, group in paired if (d := disagreement_of(source, group, len(codings)))),
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
    jobs: list[_Job] = [
        (list(sentence_units), "nominal", used_values(sentence_units, SENTENCE_VALUES), resamples, seed)
    ]
    for i, name in enumerate(CLAIM_FIELDS):
        units: list[Mapping[Hashable, Hashable]] = [{c.coder: c.values[i] for c in group} for group in paired]
        metric, scale = field_scale(name, codings)
        jobs.append((units, metric, used_values(units, scale), resamples, seed))
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


__all__ = [
    "CLAIM_FIELDS",
    "CONFIDENCES",
    "FIELDS",
    "GIT_PREFIX",
    "MIN_SHARE",
    "MIXED",
    "OURS",
    "PASSAGE_JOINER",
    "SENTENCE_VALUES",
    "UNCODED",
    "Agreement",
    "Coded",
    "Coding",
    "Disagreement",
    "FieldAgreement",
    "SourceComparison",
    "Unit",
    "agreement",
    "coder_names",
]
