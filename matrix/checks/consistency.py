"""Coding-consistency checks: warnings a coder may accept on a claim, with a reason.

- `hedged-confidence`: a passage holds a hedge (the codebook's `cues: hedges:`) but the
  claim is coded above low confidence (medium, the default, or high);
- `actor-names-both`: a claim with an `actor` whose passage names both parties
  (`cues: both-parties:`);
- `near-duplicate-claims`: two claims of one source with the same topic, stance, approach
  and actor whose passages are near-duplicates (`quotes.near_duplicates`), reported on
  the later one;
- `hedged-stated`: a passage holds a hedge but the claim is coded `voice: stated` (a party's
  own position): a hedged passage is usually the writer's assessment or forecast;
- `split-topic`: a claim quotes a sentence that an earlier claim of the same source quotes
  under another topic (the sentence is split between topics: is that the coding meant?).

`accept: {code: reason}` on a claim silences that warning on that claim; an accept for a
warning that does not fire there is itself a warning (`unneeded-accept`). Cue lists match
whole words and phrases, in any case.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping

from matrix.files.quotes import comparable, similar
from matrix.model.location import Location
from matrix.model.problems import Problem, shown
from matrix.model.values import CONFIDENCE_WEIGHTS, Claim, ClaimsFile, Codebook

DEFAULT_HEDGES: tuple[str, ...] = (
    "may",
    "might",
    "could",
    "likely",
    "unlikely",
    "suggests",
    "suggested",
    "expected to",
    "would",
    "possibly",
    "perhaps",
    "potential",
    "potentially",
    "appears",
    "seems",
    "plans to",
    "proposes",
    "recommends",
    "should",
)
DEFAULT_BOTH_PARTIES: tuple[str, ...] = (
    "both",
    "the two countries",
    "the two sides",
    "the two governments",
    "the two nations",
    "each other",
    "jointly",
    "together",
    "mutual",
)
EMITS = (  # its problem codes
    "hedged-confidence",
    "actor-names-both",
    "near-duplicate-claims",
    "hedged-stated",
    "split-topic",
    "unneeded-accept",
)
LOW = CONFIDENCE_WEIGHTS["low"]


_FIRST_WORDS: dict[re.Pattern[str], tuple[str, ...]] = {}  # cue_pattern's ASCII patterns -> their cues' first words


@functools.lru_cache(maxsize=16)
def cue_pattern(cues: tuple[str, ...]) -> re.Pattern[str] | None:
    """Whole words or phrases of `cues`, any case, any white space between words; None: no cues."""
    words = [cue.split() for cue in cues if cue.strip()]
    if not words:
        return None
    body = "|".join(r"\s+".join(map(re.escape, w)) for w in sorted(words, key=lambda w: -len(" ".join(w))))
    pattern = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)
    if all(cue.isascii() for cue in cues):  # an ASCII text holds a cue only if it holds its first word
        _FIRST_WORDS[pattern] = tuple(dict.fromkeys(w[0].lower() for w in words))
    return pattern


def _cues(codebook: Codebook | None, kind: str, default: tuple[str, ...]) -> re.Pattern[str] | None:
    listed = codebook.cues.get(kind) if codebook is not None else None
    return cue_pattern(default if listed is None else tuple(listed))


def _first_cue(pattern: re.Pattern[str] | None, claim: Claim) -> tuple[int, str] | None:
    """(passage index, cue as written) of the first passage holding a cue."""
    if pattern is None:
        return None
    firsts = _FIRST_WORDS.get(pattern)
    for index, quote in enumerate(claim.quotes):
        if firsts is not None and quote.isascii():  # searched only when it can match: a regex is slow
            lowered = quote.lower()
            if not any(word in lowered for word in firsts):
                continue
        found = pattern.search(quote)
        if found is not None:
            return index, found.group()
    return None


# Each warning's wording: its message, a template over the `claim` warned, the `cue` found
# (shown) and the `earlier` claim it repeats or splits; and how to fix the coding or keep it
# (its hint then says to give the reason under `accept:`).
_WORDING: Mapping[str, tuple[str, str]] = {
    "hedged-confidence": (
        "the passage hedges ({cue}) but the claim is coded {claim.confidence} confidence",
        "code 'confidence: low' for a forecast, recommendation or hedged view, or keep it",
    ),
    "hedged-stated": (
        "the passage hedges ({cue}) but the claim is coded as a party's stated position",
        "code 'voice: assessment', 'forecast' or 'recommendation' when the hedge is the writer's, or keep it",
    ),
    "actor-names-both": (
        "the claim has actor '{claim.actor}' but its passage names both parties ({cue})",
        "leave 'actor' out when both sides' position is meant, or keep it",
    ),
    "split-topic": (
        (
            "the claim quotes a sentence that '{earlier.id}' (line {earlier.location.line}) codes under "
            "topic '{earlier.topic}', not '{claim.topic}'"
        ),
        "code both parts on one topic when the sentence states one position, or keep the split",
    ),
    "near-duplicate-claims": (
        (
            "the claim repeats '{earlier.id}' (line {earlier.location.line}): same topic, stance, approach "
            "and actor, and a near-duplicate passage"
        ),
        "merge the two into one claim, with every passage under 'quotes:'; or keep both",
    ),
}


def _warning(code: str, claim: Claim, at: Location, cue: str = "", earlier: Claim | None = None) -> Problem:
    """The warning `code` on `claim`, at `at`, worded as `_WORDING` says."""
    message, fix = _WORDING[code]
    hint = f"{fix} and say why under 'accept: {{{code}: <reason>}}'"
    return Problem(at, code, message.format(claim=claim, cue=cue, earlier=earlier), hint, claim.id or None)


def _hedge_read(claim: Claim) -> bool:
    """Whether a hedge in the claim's passages would be reported (`_hedged`, `_hedged_stated`)."""
    weight = CONFIDENCE_WEIGHTS.get(claim.confidence)
    return (weight is not None and weight > LOW) or claim.voice == "stated"


def _hedged(claim: Claim, found: tuple[int, str] | None) -> Problem | None:
    """`found`: the claim's first hedge (`_first_cue`)."""
    weight = CONFIDENCE_WEIGHTS.get(claim.confidence)
    if weight is None or weight <= LOW or found is None:
        return None
    index, hedge = found
    return _warning("hedged-confidence", claim, claim.passage_at(index), cue=shown(hedge))


def _hedged_stated(claim: Claim, found: tuple[int, str] | None) -> Problem | None:
    """`found`: the claim's first hedge (`_first_cue`)."""
    if claim.voice != "stated" or found is None:
        return None
    return _warning("hedged-stated", claim, claim.at("voice"), cue=shown(found[1]))


def _split_topics(claims: tuple[Claim, ...], sentences: Mapping[int, frozenset[int]]) -> dict[int, Claim]:
    """Claim index -> the first earlier claim that quotes one of its sentences under another topic."""
    seen: dict[int, list[Claim]] = {}
    found: dict[int, Claim] = {}
    for index, claim in enumerate(claims):
        for sentence in sorted(sentences.get(index, ())):
            earlier = next((c for c in seen.get(sentence, ()) if c.topic != claim.topic), None)
            if earlier is not None and index not in found:
                found[index] = earlier
        for sentence in sentences.get(index, ()):
            seen.setdefault(sentence, []).append(claim)
    return found


def _split_problem(claim: Claim, earlier: Claim) -> Problem:
    return _warning("split-topic", claim, claim.at("topic"), earlier=earlier)


def _both_named(claim: Claim, both: re.Pattern[str] | None) -> Problem | None:
    if not claim.actor:
        return None
    found = _first_cue(both, claim)
    if found is None:
        return None
    return _warning("actor-names-both", claim, claim.at("actor"), cue=shown(found[1]))


def _near_duplicates(claims: Iterable[Claim]) -> Iterator[tuple[Claim, Claim]]:
    """(later, earlier) for each claim with a near-duplicate passage in an earlier claim
    coded alike (topic, stance, approach, actor); compared only within those groups."""
    groups: dict[tuple[str | None, ...], list[tuple[Claim, tuple[str, ...]]]] = {}
    for claim in claims:
        if not claim.quotes:
            continue
        group = groups.setdefault((claim.topic, claim.stance, claim.approach_value, *claim.actors), [])
        forms = tuple(comparable(quote) for quote in claim.quotes)  # once per passage, not per pair
        earlier = next(
            (other for other, seen in group if any(similar(a, b) for a in forms for b in seen)),
            None,
        )
        if earlier is not None:
            yield claim, earlier
        group.append((claim, forms))


def _duplicate_problem(claim: Claim, earlier: Claim) -> Problem:
    return _warning("near-duplicate-claims", claim, claim.at("id"), earlier=earlier)


def _accepted(claim: Claim, found: Mapping[str, Problem]) -> Iterator[Problem]:
    """The warnings found on `claim` that it does not accept, and its unneeded accepts."""
    for code, problem in found.items():
        if code not in claim.accept:
            yield problem
    for code in claim.accept:
        if code not in found:
            yield Problem(
                claim.at(f"accept.{code}"),
                "unneeded-accept",
                f"the claim accepts '{code}', which does not fire on it",
                "delete the line (the coding no longer needs the exception)",
                claim.id or None,
            )


Cues = tuple["re.Pattern[str] | None", "re.Pattern[str] | None"]
"""The hedges and the both-parties cues of a codebook, as patterns (`cues_of`)."""


def cues_of(codebook: Codebook | None) -> Cues:
    """The cue patterns of `codebook` (its own lists, else the defaults)."""
    return _cues(codebook, "hedges", DEFAULT_HEDGES), _cues(codebook, "both-parties", DEFAULT_BOTH_PARTIES)


def consistency_problems(
    claims_file: ClaimsFile, cues: Cues, sentences: Mapping[int, frozenset[int]] | None = None
) -> Iterator[Problem]:
    """Every consistency warning of one claims file, less what its claims accept; `sentences`
    maps a claim's index to the sentences of the text its passages overlap (for `split-topic`)."""
    hedges, both = cues
    repeats = {id(later): earlier for later, earlier in _near_duplicates(claims_file.claims)}
    splits = _split_topics(claims_file.claims, sentences or {})
    for index, claim in enumerate(claims_file.claims):
        found: dict[str, Problem] = {}
        hedge = _first_cue(hedges, claim) if _hedge_read(claim) else None  # searched once for both checks
        for problem in (_hedged(claim, hedge), _both_named(claim, both), _hedged_stated(claim, hedge)):
            if problem is not None:
                found[problem.code] = problem
        earlier = repeats.get(id(claim))
        if earlier is not None:
            found["near-duplicate-claims"] = _duplicate_problem(claim, earlier)
        split = splits.get(index)
        if split is not None:
            found["split-topic"] = _split_problem(claim, split)
        if found or claim.accept:
            yield from _accepted(claim, found)
