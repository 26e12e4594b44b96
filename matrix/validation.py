"""validate(project) -> Report: every problem of a loaded project, in one pass, sorted."""

from __future__ import annotations

from matrix.cache import Cache, key
from matrix.loading import Project
from matrix.problems import Report, sorted_problems
from matrix.quotes import NormalisedText
from matrix.rules import RULES, Context, Located, locate_file


def locate_quotes(project: Project, cache: Cache) -> Located:
    """Where every quote occurs, per claims file; reuses cached results for unchanged pairs
    of claims file and source text (keyed by both files' contents)."""
    located: dict[str, tuple[object, ...]] = {}
    normalised: dict[str, NormalisedText] = {}
    for claims_file in project.files:
        text = project.texts.get(claims_file.file)
        digest = project.inputs.get(claims_file.file)
        if text is None or text.content is None or digest is None:
            continue
        name = key("quotes", claims_file.file, digest, text.path, text.digest)
        found = cache.get(name)
        if found is None or len(found) != len(claims_file.claims):
            if text.path not in normalised:
                normalised[text.path] = NormalisedText.of(text.content)
            found = locate_file(claims_file, normalised[text.path])
            cache.put(name, found)
        located[claims_file.file] = found
    return located  # type: ignore[return-value]


def validate(project: Project, located: Located | None = None) -> Report:
    """All load problems and all rule findings, sorted by file, line and column.

    Pure: reads nothing from disk. The report also records where each claim's quote
    starts in its source text.
    """
    ctx = Context(project, located or {})
    found = list(project.all_problems())
    for rule in RULES:
        found.extend(rule(ctx))
    return Report(sorted_problems(found), *ctx.anchors())
