"""validate(project) -> Report: every problem of a loaded project, in one pass, sorted."""

from __future__ import annotations

from pathlib import Path

from matrix.cache import Cache, key
from matrix.model import Project
from matrix.plain import matches_of
from matrix.problems import Report, sorted_problems
from matrix.quotes import Match, NormalisedText
from matrix.rules import RULES, Context, Located, passage_count
from matrix.workers import shared_map


def _locate(item: tuple[tuple[str, ...], str]) -> tuple[tuple[int, ...] | None, ...]:
    """Where one file's passages (of all its claims, in order) occur in its text, as plain tuples."""
    quotes, content = item
    text = NormalisedText.of(content)
    return tuple(tuple(match) if quote and (match := text.locate(quote)) else None for quote in quotes)


def quotes_cache(root: Path | None) -> Cache[tuple[Match | None, ...]]:
    """The cache of quote locations under root/.cache (None: no cache)."""
    return Cache(root, matches_of)


def locate_quotes(project: Project, cache: Cache[tuple[Match | None, ...]]) -> Located:
    """Where every passage occurs, per claims file; reuses cached results for unchanged pairs
    of claims file and source text (keyed by both files' contents) and stores new ones.
    Large projects share the searching with a forked child (`shared_map`)."""
    located: dict[str, tuple[Match | None, ...]] = {}
    todo: list[tuple[str, str, tuple[str, ...], str]] = []  # file, cache key, quotes, text
    for claims_file in project.files:
        text = project.texts.get(claims_file.file)
        digest = project.inputs.get(claims_file.file)
        if text is None or digest is None:
            continue
        name = key("quotes", claims_file.file, digest, text.path, text.digest)
        found = cache.get(name)
        if found is not None and len(found) == passage_count(claims_file):
            located[claims_file.file] = found
        else:
            passages = tuple(quote for c in claims_file.claims for quote in c.quotes)
            todo.append((claims_file.file, name, passages, text.content))
    work = [(quotes, content) for _, _, quotes, content in todo]
    for index, plain in shared_map(_locate, work, [len(content) for *_, content in todo]):
        file, name, *_ = todo[index]
        cache.put(name, plain)
        located[file] = matches_of(plain)
    cache.flush()
    return located


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
