"""Sources compared, sentence units, and claims matched one-to-one across coders by passage overlap."""

from __future__ import annotations

import bisect
import operator
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

from matrix.analysis.agreement.values import (
    CLAIM_FIELDS,
    CONFIDENCES,
    MIN_SHARE,
    MIXED,
    UNCODED,
    Coded,
    Coding,
    Disagreement,
    claim_values,
)
from matrix.analysis.alpha import Metric
from matrix.files.sentences import split_sentences
from matrix.model.terms import APPROACHES, STANCES, VOICES
from matrix.model.values import Claim, SourceText


def sources_of(coding: Coding) -> dict[str, tuple[SourceText, tuple[Claim, ...]]]:
    """Source id -> (its text, its claims), for every claims file whose source and text loaded
    (the first file of an id, should it repeat)."""
    found: dict[str, tuple[SourceText, tuple[Claim, ...]]] = {}
    for claims_file in coding.project.files:
        text = coding.project.texts.get(claims_file.file)
        if claims_file.source is not None and text is not None:
            found.setdefault(claims_file.source.id, (text, claims_file.claims))
    return found


def not_compared(present: Sequence[tuple[SourceText, tuple[Claim, ...]] | None], labels: Sequence[str]) -> str | None:
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


def placed_claims(coder: int, coding: Coding, claims: Sequence[Claim]) -> list[Coded]:
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
        out.append(Coded(coder, claim, spans, size, at, order, claim_values(claim)))
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


def units_of_sentences(content: str, placed: Sequence[Sequence[Coded]]) -> list[dict[Hashable, Hashable]]:
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


def matched_claims(placed: Sequence[Sequence[Coded]]) -> list[list[Coded]]:
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


def field_scale(field: str, codings: Sequence[Coding]) -> tuple[Metric, tuple[Hashable, ...]]:
    """The metric of a claim field and the order of its values (codebook order, then scale)."""
    if field == "confidence":
        return "ordinal", CONFIDENCES
    if field == "stance":
        return "nominal", STANCES
    if field == "approach":
        return "nominal", (*APPROACHES, None)
    if field == "voice":
        return "nominal", (*VOICES, None)
    kind = {"topic": "topics", "actor": "actors"}[field]
    ids = [i for c in codings if c.project.codebook is not None for i in c.project.codebook.ids(kind)]
    return "nominal", (*dict.fromkeys(ids), *((None,) if field == "actor" else ()))


def used_values(units: Sequence[Mapping[Hashable, Hashable]], order: Sequence[Hashable]) -> tuple[Hashable, ...]:
    """The values that occur, in `order`, then any others (sorted by their text)."""
    used = {value for unit in units for value in unit.values()}
    return (*(v for v in order if v in used), *sorted(used.difference(order), key=repr))


def disagreement_of(source: str, group: Sequence[Coded], coders: int) -> Disagreement | None:
    if all(c.values == group[0].values for c in group):
        return None
    differ = tuple(f for i, f in enumerate(CLAIM_FIELDS) if len({c.values[i] for c in group}) > 1)
    by_coder: list[Coded | None] = [None] * coders
    for coded in group:
        by_coder[coded.coder] = coded
    first = min((c for c in group if c.spans), key=lambda c: c.start)
    return Disagreement(source, first.at, differ, tuple(by_coder))
