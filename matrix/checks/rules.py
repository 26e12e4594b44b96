"""One small function per check over a loaded project, each yielding Problems.

`RULES` lists them in the order they run; `validation.validate` runs them all. A check
skips values that are empty: those were reported when the file was read.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar
from urllib.parse import urlsplit

from matrix.checks.consistency import EMITS as CONSISTENCY_CODES
from matrix.checks.consistency import Cues, consistency_problems, cues_of
from matrix.checks.provenance import EMITS as PROVENANCE_CODES
from matrix.checks.provenance import invalid_date, provenance_problems
from matrix.files.memos import cell_counts, staleness
from matrix.files.plain import Placed, location  # Placed: each passage's (location, start, end); None: not found
from matrix.files.quotes import Match, NormalisedText
from matrix.files.sentences import Sentence, covered_sentences, split_sentences
from matrix.model.location import Location
from matrix.model.problems import Problem, did_you_mean, shown
from matrix.model.terms import APPROACHES, STANCES, VOICES
from matrix.model.values import CONFIDENCE_WEIGHTS, Claim, ClaimsFile, Codebook, Project
from matrix.model.wording import counted
from matrix.time.periods import parse_date

T = TypeVar("T")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
CODEBOOK_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
MIN_QUOTE_WORDS = 6


Located = Mapping[str, tuple["Match | None", ...]]  # claims file -> per passage of its claims, where it is
Passages = tuple["Match | None", ...]


def locate_file(claims_file: ClaimsFile, text: NormalisedText) -> tuple[Match | None, ...]:
    """Where each passage of each claim occurs in `text`, claim by claim (None: not found)."""
    return tuple(text.locate(quote) if quote else None for c in claims_file.claims for quote in c.quotes)


def passage_count(claims_file: ClaimsFile) -> int:
    return sum(len(c.quotes) for c in claims_file.claims)


@dataclass(frozen=True)
class Context:
    """A project plus what several checks need, computed once.

    `located` may carry passage locations computed (or cached) beforehand, per claims file.
    """

    project: Project
    located: Located = field(default_factory=dict)

    @cached_property
    def codebook(self) -> Codebook | None:
        return self.project.codebook

    @cached_property
    def texts(self) -> dict[str, NormalisedText]:
        """Claims file -> its source text, normalised once per text file."""
        by_path: dict[str, NormalisedText] = {}
        out: dict[str, NormalisedText] = {}
        for file, text in self.project.texts.items():
            if text.path not in by_path:
                by_path[text.path] = NormalisedText.of(text.content)
            out[file] = by_path[text.path]
        return out

    def text(self, claims_file: ClaimsFile) -> NormalisedText | None:
        return self.texts.get(claims_file.file)

    @cached_property
    def vocabularies(self) -> tuple[tuple[str, frozenset[str], tuple[str, ...], str], ...]:
        """(field, its allowed values as a set and in order, the problem code) of each coded field."""
        codebook = self.codebook
        vocabularies = [
            ("stance", STANCES, "unknown-stance"),
            ("approach", APPROACHES, "unknown-approach"),
            ("confidence", tuple(CONFIDENCE_WEIGHTS), "unknown-confidence"),
            ("voice", VOICES, "unknown-voice"),
        ]
        if codebook:
            vocabularies += [
                ("topic", tuple(codebook.ids("topics")), "unknown-topic"),
                ("actor", tuple(codebook.ids("actors")), "unknown-actor"),
            ]
        return tuple((name, frozenset(allowed), allowed, code) for name, allowed, code in vocabularies)

    @cached_property
    def sentences(self) -> dict[str, list[Sentence]]:
        """Text path -> its sentences (`matrix.files.sentences`), split when first asked for."""
        return {}

    def sentences_of(self, path: str, content: str) -> list[Sentence]:
        found = self.sentences.get(path)
        if found is None:
            found = self.sentences[path] = split_sentences(content)
        return found

    @cached_property
    def cues(self) -> Cues:
        return cues_of(self.codebook)

    def matches(self, claims_file: ClaimsFile) -> dict[int, Passages]:
        """The claim's index in `claims_file` -> where each of its passages occurs; empty when
        the file's text could not be read."""
        if claims_file.file not in self.project.texts:
            return {}
        located = self.located.get(claims_file.file)
        if located is None or len(located) != passage_count(claims_file):
            text = self.text(claims_file)
            assert text is not None
            located = locate_file(claims_file, text)
        found: dict[int, Passages] = {}
        at = 0
        for index, claim in enumerate(claims_file.claims):
            if claim.quotes:
                found[index] = located[at : at + len(claim.quotes)]
                at += len(claim.quotes)
        return found


def places(ctx: Context, claims_file: ClaimsFile, matches: Mapping[int, Passages]) -> tuple[tuple[str, Placed], ...]:
    """(claim id, where each of its passages is in the text) for the claims of `claims_file`
    whose text could be read, in file order (`matches`: `ctx.matches(claims_file)`)."""
    text = ctx.project.texts.get(claims_file.file)
    if text is None:
        return ()
    out = []
    for index, claim in enumerate(claims_file.claims):
        found = matches.get(index)
        if found is not None:
            placed = tuple(
                None if m is None else (location(text.path, m.line, m.column), m.start, m.end) for m in found
            )
            out.append((claim.id, placed))
    return tuple(out)


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "claim-1"


def _malformed_id(value: str, where: Location, what: str, subject: str | None) -> Problem:
    return Problem(
        where,
        "malformed-id",
        f"{what} id {shown(value)} must be lowercase letters, digits and '-', starting with a letter or digit",
        f"try '{_slug(value)}'",
        subject,
    )


def _duplicates(
    items: Iterable[T],
    key: Callable[[T], str],
    where: Callable[[T], Location],
    what: str,
    fold: Callable[[str], str] = str,
) -> Iterator[Problem]:
    """A problem at every repeat of a key (compared as `fold` makes it), naming where it
    was first defined."""
    first: dict[str, T] = {}
    for item in items:
        value = key(item)
        folded = value if fold is str else fold(value)
        earlier = first.setdefault(folded, item)
        if earlier is item:
            continue
        shape = key(earlier)
        yield Problem(
            where(item),
            "duplicate-id",
            f"{what} id '{value}' is already defined at {where(earlier)}"
            if shape == value
            else f"{what} id '{value}' differs only in case from '{shape}', defined at {where(earlier)}",
            "give one of them another id" if shape == value else f"use '{shape}' for both, or give one another id",
            value,
        )


def codebook_entries(ctx: Context) -> Iterator[Problem]:
    if ctx.codebook is None:
        return
    for kind in ("perspectives", "actors", "topics"):
        entries = getattr(ctx.codebook, kind)
        for entry in entries:
            if not CODEBOOK_ID_RE.match(entry.id):
                yield Problem(
                    entry.location,
                    "malformed-id",
                    f"{kind[:-1]} id {shown(entry.id)} must be letters, digits and '-'",
                    f"try '{_slug(entry.id)}'",
                    entry.id,
                )
        # ids that differ only in case are one id to a reader and to a case-blind file system
        yield from _duplicates(entries, lambda e: e.id, lambda e: e.location, kind[:-1], str.lower)


def perspective_parties(ctx: Context) -> Iterator[Problem]:
    """A perspective's `parties:` that the codebook's actors do not define, at the perspective."""
    if ctx.codebook is None:
        return
    actors = ctx.codebook.ids("actors")
    for entry in ctx.codebook.perspectives:
        for party in entry.parties:
            if party not in actors:
                yield Problem(
                    entry.location,
                    "unknown-actor",
                    f"party {shown(party)} of perspective '{entry.id}' is not one of the codebook's actors",
                    did_you_mean(party, actors),
                    entry.id,
                )


def source_ids(ctx: Context) -> Iterator[Problem]:
    sources = [s for s in ctx.project.sources if s.id]
    for source in sources:
        if not ID_RE.match(source.id):
            yield _malformed_id(source.id, source.positions["id"], "source", source.id)
    yield from _duplicates(sources, lambda s: s.id, lambda s: s.positions["id"], "source")


def source_fields(ctx: Context) -> Iterator[Problem]:
    perspectives = ctx.codebook.ids("perspectives") if ctx.codebook else None
    for source in ctx.project.sources:
        if perspectives is not None and source.perspective and source.perspective not in perspectives:
            yield Problem(
                source.positions["perspective"],
                "unknown-perspective",
                f"perspective {shown(source.perspective)} is not in the codebook",
                did_you_mean(source.perspective, perspectives),
                source.id,
            )
        published = "write e.g. 'published: 2025-06-05' (or 2025-06, or 2025 when only that is known), or leave it out"
        if (problem := invalid_date(source, "published", published)) is not None:
            yield problem
        if source.url is not None:
            parts = urlsplit(source.url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                yield Problem(
                    source.positions["url"],
                    "invalid-url",
                    f"url {shown(source.url)} is not an http(s) address",
                    "write the full address, starting with https://",
                    source.id,
                )


def claim_dates(ctx: Context, claims_file: ClaimsFile, matches: Mapping[int, Passages]) -> Iterator[Problem]:
    for claim in claims_file.claims:
        if claim.date is not None and parse_date(claim.date) is None:
            yield Problem(
                claim.at("date"),
                "invalid-claim-date",
                f"date {shown(claim.date)} is not a date: YYYY-MM-DD, YYYY-MM or YYYY",
                "write when the position was stated, e.g. 'date: 2024-03' for March 2024, or leave it out"
                " (the claim then takes its source's published date)",
                claim.id or None,
            )


def claim_ids(ctx: Context) -> Iterator[Problem]:
    claims = [c for c in ctx.project.claims if c.id]
    for claim in claims:
        if not ID_RE.match(claim.id):
            yield _malformed_id(claim.id, claim.at("id"), "claim", claim.id)
    yield from _duplicates(claims, lambda c: c.id, lambda c: c.at("id"), "claim")


def _unknown(claim: Claim, name: str, value: str, options: tuple[str, ...], code: str) -> Problem:
    return Problem(
        claim.at(name),
        code,
        f"{name} {shown(value)} is not one of: {', '.join(options)}",
        did_you_mean(value, options),
        claim.id or None,
    )


def claim_values(ctx: Context, claims_file: ClaimsFile, matches: Mapping[int, Passages]) -> Iterator[Problem]:
    checks = ctx.vocabularies
    for claim in claims_file.claims:
        for name, known, allowed, code in checks:
            value = getattr(claim, name)
            if value and value not in known:
                yield _unknown(claim, name, value, allowed, code)
        if claim.approach_list or claim.sides:
            yield from _means_values(ctx, claim)


def _means_values(ctx: Context, claim: Claim) -> Iterator[Problem]:
    """Unknown approaches of an approach list or of sides, and unknown side actors, each at its place."""
    approaches = [(f"approach.{i}", a) for i, a in enumerate(claim.approach_list)]
    approaches += [(f"sides.{actor}", a) for actor, a in claim.sides]
    for place, value in approaches:
        if value not in APPROACHES:
            yield Problem(
                claim.at(place),
                "unknown-approach",
                f"approach {shown(value)} is not one of: {', '.join(APPROACHES)}",
                did_you_mean(value, APPROACHES),
                claim.id or None,
            )
    actors = ctx.codebook.ids("actors") if ctx.codebook else ()
    for actor, _ in claim.sides if ctx.codebook else ():
        if actor not in actors:
            yield Problem(
                claim.at(f"sides.{actor}"),
                "unknown-actor",
                f"side {shown(actor)} is not one of the codebook's actors: {', '.join(actors)}",
                did_you_mean(actor, actors),
                claim.id or None,
            )


def claim_sides(ctx: Context, claims_file: ClaimsFile, matches: Mapping[int, Passages]) -> Iterator[Problem]:
    """A side whose actor the source's perspective does not name among its `parties:` (only
    where the perspective names its parties)."""
    source, codebook = claims_file.source, ctx.codebook
    entry = codebook.perspective(source.perspective) if codebook and source else None
    if entry is None or not entry.parties or codebook is None:
        return
    actors = set(codebook.ids("actors"))
    for claim in claims_file.claims:
        for actor, _ in claim.sides:
            if actor in actors and actor not in entry.parties:
                yield Problem(
                    claim.at(f"sides.{actor}"),
                    "side-not-party",
                    f"side {shown(actor)} is not a party of perspective '{entry.id}' ({', '.join(entry.parties)})",
                    f"code the sides among {', '.join(entry.parties)}, or add '{actor}' to the perspective's "
                    "'parties:' in the codebook",
                    claim.id or None,
                )


def claim_voices(ctx: Context, claims_file: ClaimsFile, matches: Mapping[int, Passages]) -> Iterator[Problem]:
    """A claim without a voice, when the codebook requires one (`require: [voice]`)."""
    if ctx.codebook is None or "voice" not in ctx.codebook.require:
        return
    for claim in claims_file.claims:
        if claim.voice is None:
            yield Problem(
                claim.location,
                "missing-voice",
                "the claim has no 'voice' (the codebook requires one)",
                f"add 'voice: stated' (a party's own position or act) or {', '.join(VOICES[1:])} (the writer's)",
                claim.id or None,
            )


def quotes(ctx: Context, claims_file: ClaimsFile, matches: Mapping[int, Passages]) -> Iterator[Problem]:
    if claims_file.file not in ctx.project.texts:
        return
    path = ctx.project.texts[claims_file.file].path
    for at, claim in enumerate(claims_file.claims):
        for index, match in enumerate(matches.get(at, ())):
            yield from _passage_problems(ctx, claims_file, claim, index, match, path)


def _passage_problems(
    ctx: Context, claims_file: ClaimsFile, claim: Claim, index: int, match: Match | None, path: str
) -> Iterator[Problem]:
    where = claim.passage_at(index)
    if match is None:
        text = ctx.text(claims_file)
        assert text is not None
        yield _quote_not_found(claim, claim.quotes[index], where, text, path)
        return
    if match.occurrences > 1:
        yield Problem(
            where,
            "ambiguous-quote",
            f"the quote occurs more than once in {path} (first at line {match.line})",
            "lengthen the quote until it names one passage",
            claim.id or None,
        )
    words = match.words
    if words < MIN_QUOTE_WORDS:
        yield Problem(
            where,
            "short-quote",
            f"the quote has {counted(words, 'word')}; a self-explanatory quote has at least {MIN_QUOTE_WORDS}",
            "quote the whole clause or sentence that states the position",
            claim.id or None,
        )


def _quote_not_found(claim: Claim, quote: str, where: Location, text: NormalisedText, path: str) -> Problem:
    closest = text.closest(quote)
    if closest is None:
        hint = "copy the quote exactly from the source text (matching is case-sensitive)"
    else:
        line, column, passage, score = closest
        hint = f"closest passage ({path}:{line}:{column}, {score:.0f}% alike): {shown(passage, 160)}"
    return Problem(
        where,
        "quote-not-found",
        f"the quote does not occur in {path}",
        hint,
        claim.id or None,
    )


def empty_sources(ctx: Context) -> Iterator[Problem]:
    for claims_file in ctx.project.files:
        source = claims_file.source
        if source is not None and not claims_file.claims and not claims_file.problems:
            yield Problem(
                source.location,
                "source-without-claims",
                f"source '{source.id}' has no claims",
                "add claims under 'claims:', or remove the file",
                source.id or None,
            )


def unused_vocabulary(ctx: Context) -> Iterator[Problem]:
    """Codebook entries nothing uses; silent while a broken file or a typo hides a use."""
    codebook = ctx.codebook
    if codebook is None or not ctx.project.files or any(f.problems for f in ctx.project.files):
        return
    used = {
        "topics": ({c.topic for c in ctx.project.claims}, "unused-topic", "no claim uses topic", "code a claim on it"),
        "perspectives": (
            {s.perspective for s in ctx.project.sources},
            "unused-perspective",
            "no source has perspective",
            "add a source with it",
        ),
    }
    for kind, (ids, code, message, fix) in used.items():
        if not ids <= set(codebook.ids(kind)):
            continue  # an unknown id (reported) may be a typo for an entry that looks unused
        for entry in getattr(codebook, kind):
            if entry.id not in ids:
                yield Problem(
                    entry.location, code, f"{message} '{entry.id}'", f"{fix}, or remove it from the codebook", entry.id
                )


def consistency(ctx: Context, claims_file: ClaimsFile, matches: Mapping[int, Passages]) -> Iterator[Problem]:
    """Coding-consistency warnings (see `matrix.consistency`), less what claims accept."""
    return consistency_problems(claims_file, ctx.cues, _claim_sentences(ctx, claims_file, matches))


def _claim_sentences(
    ctx: Context, claims_file: ClaimsFile, matches: Mapping[int, Passages]
) -> dict[int, frozenset[int]]:
    """A claim's index -> the sentences of its text that its passages overlap."""
    text = ctx.project.texts.get(claims_file.file)
    if text is None or not matches:
        return {}
    sentences = ctx.sentences_of(text.path, text.content)
    ends = [s.end for s in sentences]
    out: dict[int, frozenset[int]] = {}
    for index, found in matches.items():
        covered: set[int] = set()
        for match in found:
            if match is None:
                continue
            i = bisect.bisect_right(ends, match.start)
            while i < len(sentences) and sentences[i].start < match.end:
                covered.add(i)
                i += 1
        out[index] = frozenset(covered)
    return out


def sentence_share(ctx: Context, claims_file: ClaimsFile, matches: Mapping[int, Passages]) -> tuple[int, int] | None:
    """(sentences some passage of the file's claims overlaps, sentences) of the file's text,
    as the Coverage sheet and the findings count them; None when the text could not be read."""
    text = ctx.project.texts.get(claims_file.file)
    if text is None:
        return None
    sentences = ctx.sentences_of(text.path, text.content)
    spans = [(match.start, match.end) for found in matches.values() for match in found if match is not None]
    return len(covered_sentences(sentences, spans)), len(sentences)


@dataclass(frozen=True)
class Rule:
    """A check over the whole project and every problem code it can emit (as a yamllint
    rule declares its ID)."""

    check: Callable[[Context], Iterator[Problem]]
    codes: tuple[str, ...]

    def __call__(self, ctx: Context) -> Iterator[Problem]:
        return self.check(ctx)


@dataclass(frozen=True)
class FileRule:
    """A check of one claims file on its own (with the codebook and the file's text), and
    every problem code it can emit: its findings on a file depend on nothing else, so that
    a file two versions of a project share is checked once (`validation`)."""

    check: Callable[[Context, ClaimsFile, Mapping[int, Passages]], Iterator[Problem]]
    codes: tuple[str, ...]

    def __call__(self, ctx: Context, claims_file: ClaimsFile, matches: Mapping[int, Passages]) -> Iterator[Problem]:
        return self.check(ctx, claims_file, matches)


IDS = ("malformed-id", "duplicate-id")


def memo_claims(ctx: Context) -> Iterator[Problem]:
    """A warning at every claim id a memo cites that no claim has (removed or renamed since)."""
    memos = ctx.project.memos
    if not memos.entries:
        return
    ids = {claim.id for claim in ctx.project.claims}
    for memo in memos.entries:
        for claim, at in zip(memo.claims, memo.claim_positions, strict=True):
            if claim not in ids:
                yield Problem(
                    at,
                    "unknown-memo-claim",
                    f"the memo cites claim {shown(claim)}, which no claims file defines",
                    f"{did_you_mean(claim, sorted(ids))} (was the claim removed or renamed?)",
                    claim,
                )


def stale_memos(ctx: Context) -> Iterator[Problem]:
    """A warning at a memo's `cell:` when the cell's counts have changed since it was written."""
    memos = ctx.project.memos
    if not any(m.cell is not None for m in memos.entries):
        return
    counts = cell_counts(ctx.project)
    for memo in memos.entries:
        stale = staleness(memo, counts)
        if stale is not None:
            where = (
                f"'{memo.topic}' x '{memo.perspective}'" if memo.perspective else f"'{memo.topic}' across perspectives"
            )
            yield Problem(
                memo.cell_at or memo.location,
                "stale-memo",
                f"the memo of {where} was {stale}",
                "re-read the memo against its cell, then update its text and 'cell:'",
                memo.topic,
            )


RULES: tuple[Rule, ...] = (
    Rule(codebook_entries, IDS),
    Rule(perspective_parties, ("unknown-actor",)),
    Rule(source_ids, IDS),
    Rule(source_fields, ("unknown-perspective", "invalid-date", "invalid-url")),
    Rule(claim_ids, IDS),
    Rule(empty_sources, ("source-without-claims",)),
    Rule(unused_vocabulary, ("unused-topic", "unused-perspective")),
    Rule(memo_claims, ("unknown-memo-claim",)),
    Rule(stale_memos, ("stale-memo",)),
    Rule(lambda ctx: provenance_problems(ctx.project), PROVENANCE_CODES),
)
FILE_RULES: tuple[FileRule, ...] = (
    FileRule(
        claim_values,
        ("unknown-stance", "unknown-approach", "unknown-confidence", "unknown-voice", "unknown-topic", "unknown-actor"),
    ),
    FileRule(claim_sides, ("side-not-party",)),
    FileRule(claim_voices, ("missing-voice",)),
    FileRule(claim_dates, ("invalid-claim-date",)),
    FileRule(quotes, ("quote-not-found", "ambiguous-quote", "short-quote")),
    FileRule(consistency, CONSISTENCY_CODES),
)
