"""validate(project) -> Report: every problem of a loaded project, in one pass, sorted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from matrix.checks.rules import FILE_RULES, RULES, Context, Located, places, sentence_share
from matrix.files.plain import Placed
from matrix.model.location import Location
from matrix.model.problems import Problem, Report, sorted_problems
from matrix.model.values import ClaimsFile, Project


@dataclass(frozen=True)
class FileFindings:
    """What the checks of one claims file on its own found (`rules.FILE_RULES`), and where
    each of its claims' passages is in the text."""

    problems: tuple[Problem, ...]
    places: tuple[tuple[str, Placed], ...]
    sentences: tuple[int, int] | None = None  # (covered, all) sentences of its text; None: no text


def file_findings(ctx: Context, claims_file: ClaimsFile) -> FileFindings:
    matches = ctx.matches(claims_file)
    found = [problem for rule in FILE_RULES for problem in rule(ctx, claims_file, matches)]
    return FileFindings(tuple(found), places(ctx, claims_file, matches), sentence_share(ctx, claims_file, matches))


def validate(
    project: Project, located: Located | None = None, known: Mapping[str, FileFindings] | None = None
) -> Report:
    """All load problems and all rule findings, sorted by file, line and column.

    Pure: reads nothing from disk. The report also records where each claim's quote
    starts in its source text, and how many of each text's sentences the claims quote. The findings of the claims files in `known` (by file name,
    worked out beforehand: by another process, for another version) are taken as they are.
    """
    ctx = Context(project, located or {})
    found = list(project.all_problems())
    for rule in RULES:
        found.extend(rule(ctx))
    starts: dict[str, Location] = {}
    spans: dict[str, tuple[int, int]] = {}
    passages: dict[str, Placed] = {}
    sentences: dict[str, tuple[int, int]] = {}
    for claims_file in project.files:
        file = (known or {}).get(claims_file.file) or file_findings(ctx, claims_file)
        found.extend(file.problems)
        if file.sentences is not None:
            sentences[claims_file.file] = file.sentences
        for claim_id, placed in file.places:
            if claim_id in passages:  # a repeated id (reported): the first claim's passages
                continue
            passages[claim_id] = placed
            first = placed[0] if placed else None  # most claims' first passage is found
            if first is None:
                first = next((p for p in placed if p is not None), None)
            if first is not None:
                starts[claim_id] = first[0]
                spans[claim_id] = (first[1], first[2])
    return Report(sorted_problems(found), starts, spans, passages, sentences)
