"""Which passages of each source no claim has coded yet, ranked by how likely they state a position.

A sentence (see `matrix.files.sentences`) is covered when a claim's quote overlaps it. Uncovered
complete sentences (ending in '.', '!' or '?': no headings) of at least six words are scored with the codebook's cue lexicons (`cues:` lists
per stance and approach): the score is the number of distinct cues the sentence contains,
matched case-insensitively as whole words. The guessed stance (or approach) is the one
whose cues matched most; a tie or no match is no guess.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from matrix.checks.consistency import cue_pattern, cues_of
from matrix.files.quotes import NormalisedText
from matrix.files.sentences import covered_sentences, split_sentences
from matrix.files.workers import Background, shared_map
from matrix.model.problems import Report
from matrix.model.terms import APPROACHES, STANCES
from matrix.model.values import Project, Source

MIN_WORDS = 6


@dataclass(frozen=True, slots=True)
class SourceCoverage:
    source: str
    sentences: int
    covered: int
    words: int
    claims: int

    @property
    def share(self) -> float:
        return self.covered / self.sentences if self.sentences else 0.0

    @property
    def claims_per_1000_words(self) -> float:
        return 1000 * self.claims / self.words if self.words else 0.0


@dataclass(frozen=True, slots=True)
class Candidate:
    """An uncovered sentence that may state a position."""

    source: str
    path: str
    line: int
    column: int
    text: str
    score: int
    cues: tuple[str, ...]
    stance: str | None
    approach: str | None


@dataclass(frozen=True, slots=True)
class Coverage:
    sources: tuple[SourceCoverage, ...]
    candidates: tuple[Candidate, ...]  # best first
    found: int  # uncovered sentences that scored, `candidates` being the best of them

    def to_dict(self) -> dict[str, Any]:
        """Figures per source and every listed sentence, for JSON (`coverage --format json`)."""
        return {
            "sources": [
                asdict(s) | {"share": s.share, "claims_per_1000_words": s.claims_per_1000_words} for s in self.sources
            ],
            "uncovered": [asdict(c) for c in self.candidates],
        }


class CueMatcher:
    """Whole-word, case-insensitive matching of every cue list in one pass."""

    def __init__(self, cues: Mapping[str, Sequence[str]]) -> None:
        self.kinds: dict[str, list[tuple[str, str]]] = {}  # lower-cased cue -> [(kind, cue)]
        for kind, words in cues.items():
            for cue in words:
                self.kinds.setdefault(cue.lower(), []).append((kind, cue))
        alternatives = sorted(self.kinds, key=len, reverse=True)
        body = "|".join(re.escape(cue) for cue in alternatives) or "(?!)"
        self.pattern = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)

    def matches(self, sentence: str) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for match in self.pattern.finditer(sentence):
            for kind, cue in self.kinds[match.group().lower()]:
                if cue not in found.setdefault(kind, []):
                    found[kind].append(cue)
        return found


def _guess(found: Mapping[str, list[str]], kinds: Iterable[str]) -> str | None:
    counts = sorted(((len(found.get(k, [])), k) for k in kinds), reverse=True)
    if not counts or counts[0][0] == 0 or (len(counts) > 1 and counts[0][0] == counts[1][0]):
        return None
    return counts[0][1]


@functools.lru_cache(maxsize=8)
def _matcher(cues: tuple[tuple[str, tuple[str, ...]], ...]) -> CueMatcher:
    return CueMatcher(dict(cues))


def _source_coverage(item: tuple[Any, ...]) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    """One source's figures and scored uncovered sentences, as plain tuples (worker-safe)."""
    source_id, path, content, claims, spans, order, cues, min_score = item
    matcher = _matcher(cues)
    sentences = split_sentences(content)
    covered = covered_sentences(sentences, spans)
    row = (source_id, len(sentences), len(covered), len(content.split()), claims)
    found_here: list[tuple[Any, ...]] = []
    line_starts: list[int] | None = None
    for index, sentence in enumerate(sentences):
        if index in covered or sentence.words < MIN_WORDS or not sentence.complete:
            continue
        found = matcher.matches(sentence.text)
        matched = tuple(dict.fromkeys(cue for kind in (*STANCES, *APPROACHES) for cue in found.get(kind, [])))
        if len(matched) < min_score:
            continue
        if line_starts is None:
            line_starts = [0, *(i + 1 for i, c in enumerate(content) if c == "\n")]
        line = bisect.bisect_right(line_starts, sentence.start)
        column = sentence.start - line_starts[line - 1] + 1
        readable = NormalisedText.of(sentence.text).text  # markdown links and escapes read as text
        candidate = (
            source_id,
            path,
            line,
            column,
            readable,
            len(matched),
            matched,
            _guess(found, STANCES),
            _guess(found, APPROACHES),
        )
        found_here.append((-len(matched), order, sentence.start, candidate))
    return row, found_here


def coverage(
    project: Project, report: Report, sources: Sequence[str] = (), min_score: int = 1, limit: int | None = None
) -> Coverage:
    """Coverage per source and the ranked uncovered sentences (the best `limit` of them)."""
    all_cues = project.codebook.cues if project.codebook else {}
    cues = tuple((kind, tuple(words)) for kind, words in all_cues.items() if kind in (*STANCES, *APPROACHES))
    items = []
    for order, claims_file in enumerate(project.files):
        source = claims_file.source
        text = project.texts.get(claims_file.file)
        if source is None or text is None or (sources and source.id not in sources):
            continue
        spans = tuple(
            (found[1], found[2]) for c in claims_file.claims for found in report.passages.get(c.id, ()) if found
        )
        items.append((source.id, text.path, text.content, len(claims_file.claims), spans, order, cues, min_score))
    rows: list[SourceCoverage | None] = [None] * len(items)
    ranked: list[tuple[Any, ...]] = []
    for index, (row, found) in shared_map(_source_coverage, items, [len(item[2]) for item in items]):
        rows[index] = SourceCoverage(*row)
        ranked += found
    best = (
        heapq.nsmallest(limit, ranked, key=lambda c: c[:3])
        if limit is not None
        else sorted(ranked, key=lambda c: c[:3])
    )
    return Coverage(tuple(r for r in rows if r), tuple(Candidate(*c[3]) for c in best), len(ranked))


def _suggest_id(candidate: Candidate, taken: set[str]) -> str:
    words = [w for w in re.findall(r"[a-z0-9]+", candidate.text.lower()) if len(w) > 3][:4]
    base = f"{candidate.source}-{'-'.join(words) or 'claim'}"
    suggestion, n = base, 2
    while suggestion in taken:
        suggestion, n = f"{base}-{n}", n + 1
    taken.add(suggestion)
    return suggestion


RECOMMENDING = ("should", "must", "need to", "needs to", "ought to", "recommends", "proposes", "requires")


def voice_guess(text: str, hedges: re.Pattern[str] | None) -> tuple[str, str]:
    """(voice, the cue it is guessed from): a recommending word, else a hedge (forecast), else
    stated (no cue); a guess for the coder to confirm (claims/README.md decides)."""
    recommending = cue_pattern(RECOMMENDING)
    found = recommending.search(text) if recommending else None
    if found is not None:
        return "recommendation", found.group()
    found = hedges.search(text) if hedges else None
    if found is not None:
        return "forecast", found.group()
    return "stated", ""


def codes_voice(project: Project) -> bool:
    """Whether the project codes voice: its codebook requires it, or a claim has one."""
    required = project.codebook is not None and "voice" in project.codebook.require
    return required or any(c.voice for c in project.claims)


def stubs_yaml(candidates: Sequence[Candidate], project: Project) -> str:
    """Ready-to-paste YAML claim stubs, grouped by source file, guesses marked as guesses;
    with a guessed voice line when the project codes voice."""
    voiced = codes_voice(project)
    hedges = cues_of(project.codebook)[0]
    taken = {c.id for c in project.claims}
    by_source: dict[str, Source] = {s.id: s for s in project.sources}
    out: list[str] = []
    current = None
    for candidate in candidates:
        source = by_source[candidate.source]
        if source.file != current:
            current = source.file
            out.append(f"# paste under 'claims:' in {source.file}")
        guesses = f"guessed from cues: {', '.join(candidate.cues)}"
        out += [
            f"  - id: {_suggest_id(candidate, taken)}",
            "    topic: TODO  # a topic id from claims/codebook.yaml",
            f"    stance: {candidate.stance or 'TODO'}  # {guesses}; convergence | divergence",
        ]
        if voiced:
            voice, cue = voice_guess(candidate.text, hedges)
            why = f"guessed from '{cue}'" if cue else "guess: no hedge"
            out.append(f"    voice: {voice}  # {why}; stated | assessment | forecast | recommendation")
        if candidate.approach:
            out.append(f"    approach: {candidate.approach}  # guess: confirm or delete the line")
        out.append(
            f"    quote: {json.dumps(candidate.text, ensure_ascii=False)}  # {candidate.path}:{candidate.line}:{candidate.column}"
        )
        out.append("")
    return "\n".join(out)


def coverage_in_background(
    project: Project, report: Report, sources: Sequence[str], limit: int | None
) -> Background[Coverage]:
    """The coverage (its best `limit` sentences), worked out by a forked child meanwhile when
    the source texts are large enough to be worth one (see `Background`)."""
    weight = sum(len(text.content) for text in project.texts.values())  # the bytes of text coverage reads
    return Background(functools.partial(coverage, project, report, sources, limit=limit), weight)
