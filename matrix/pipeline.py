"""How the work runs: load -> validate -> locate quotes, and the work done in the background.

The one place that decides when to use the cache (root/.cache, or another root's) and when
to share work with a forked child (`matrix.workers`): the modules below it are pure
(`schema`, `rules`, `validation`) or only read files (`loading`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from matrix.cache import Cache, key
from matrix.claims_schema import SCHEMA_FILE, stale_schema
from matrix.coverage import Coverage, coverage
from matrix.loading import (
    CLAIMS_DIR,
    CODEBOOK,
    MAX_FILE_BYTES,
    MEMOS,
    Snapshot,
    claim_file_paths,
    claims_input,
    parse_claims_file,
    parse_codebook,
    parse_memos_file,
    read_input,
    read_texts,
    relative_name,
)
from matrix.model import ClaimsFile, Codebook, Memos, Project
from matrix.plain import (
    claims_file_of,
    flat_claims_file,
    flat_matches,
    flat_places,
    flat_problems,
    matches_of,
    places_of,
    problems_of,
)
from matrix.problems import Problem, Report, sorted_problems
from matrix.quotes import Match, NormalisedText
from matrix.rules import Context, Located, passage_count
from matrix.validation import FileFindings, file_findings, validate
from matrix.workers import Background, shared_map

__all__ = [  # MAX_FILE_BYTES: the CLI's default limit, from the loader, which only this module imports
    "MAX_FILE_BYTES",
    "InvalidProject",
    "Layout",
    "Shared",
    "Snapshot",
    "check",
    "claims_file_count",
    "coding_layout",
    "coverage_in_background",
    "load_project",
    "locate_quotes",
    "parse_cache",
    "quotes_cache",
]


class InvalidProject(Exception):
    """The project does not pass validation: a command stops, and the CLI prints the report."""

    def __init__(self, project: Project, report: Report, strict: bool, version: str | None = None) -> None:
        super().__init__(f"{report.errors} errors, {report.warnings} warnings")
        self.project = project
        self.report = report
        self.strict = strict
        self.version = version  # which version of the project, where a command reads several


@dataclass(frozen=True)
class Layout:
    """Where a project's files are when not in the usual places under its root: `claims`, the
    folder of claims files (default root/claims); `codebook` (default root/claims/codebook.yaml);
    `texts`, a second root for the source texts not found under the root (default none)."""

    claims: Path | None = None
    codebook: Path | None = None
    texts: Path | None = None


def coding_layout(folder: Path, root: Path) -> tuple[Path, Layout]:
    """Another coder's coding of the project under `root`, in `folder`, as (the root it is read
    from, its layout): a project folder (with claims/ inside) is read as a project, its texts
    looked for in it first and then under `root`; any other folder holds the claims files
    themselves, read as part of the project under `root` (their texts under `root`). Either
    way their codebook is theirs if they have one, else the project's."""
    own = root / CODEBOOK
    if (folder / CLAIMS_DIR).is_dir():
        theirs = folder / CODEBOOK
        return folder, Layout(codebook=None if theirs.is_file() else own, texts=root)
    with contextlib.suppress(ValueError, OSError):  # inside the root: named relative to it
        folder = root / folder.resolve().relative_to(root.resolve())
    theirs = folder / "codebook.yaml"
    return root, Layout(claims=folder, codebook=theirs if theirs.is_file() else own)


@dataclass(frozen=True)
class Shared:
    """What the versions of a project read in one run share in memory, by content: parsed
    claims files, located passages and each claims file's findings. A file two versions have
    in common is then parsed (or decoded from the cache), searched and checked once, and both
    versions hold the very same values (`diff` compares those in no time)."""

    parses: dict[str, ClaimsFile] = field(default_factory=dict)
    quotes: dict[str, tuple[Match | None, ...]] = field(default_factory=dict)
    findings: dict[str, FileFindings] = field(default_factory=dict)


def check(
    root: Path,
    cache: bool = False,
    advance: Callable[[int], None] | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    cache_root: Path | None = None,
    layout: Layout = Layout(),
    shared: Shared | None = None,
    snapshot: Snapshot | None = None,
) -> tuple[Project, Report]:
    """Load and validate the project under `root` (its files where `layout` says); `cache`
    reuses (and stores) parse and quote-location results in the cache of `cache_root`
    (default: `root`), so that a copy of the project (a git revision written to a temporary
    folder, another coder's coding) can share the project's cache; `shared`, what another
    version read in this run found. The files of a `snapshot` (a git revision in memory),
    when given, are read from it instead of from `root`."""
    store = (cache_root or root) if cache else None
    shared = shared or Shared()
    project = load_project(root, max_bytes, parse_cache(store, shared.parses), advance, layout, snapshot)
    located = locate_quotes(project, quotes_cache(store, shared.quotes))
    report = validate(project, located, check_files(project, located, shared.findings))
    return project, _with_schema_check(root, project, report, snapshot)


def check_files(project: Project, located: Located, known: dict[str, FileFindings]) -> dict[str, FileFindings]:
    """Each claims file's findings (by file name): those in `known` (by `_findings_key`) as
    they are, the others worked out, shared with a forked child when there is enough to
    share (`shared_map`), and put in `known`."""
    keys = {f.file: _findings_key(project, f) for f in project.files}
    todo = [f for f in project.files if keys[f.file] not in known]
    ctx = Context(project, located)

    def work(index: int) -> tuple[Any, ...]:
        found = file_findings(ctx, todo[index])
        return flat_problems(found.problems), flat_places(found.places)

    weights = [sum(len(quote) for claim in f.claims for quote in claim.quotes) for f in todo]
    for index, (problems, places) in shared_map(work, range(len(todo)), weights):
        known[keys[todo[index].file]] = FileFindings(problems_of(problems), places_of(places))
    return {file: known[key] for file, key in keys.items()}


def _findings_key(project: Project, claims_file: ClaimsFile) -> str:
    """What a claims file's findings depend on: its name and bytes, its text's, the codebook's."""
    text = project.texts.get(claims_file.file)
    codebook = project.inputs.get(project.codebook.file, "") if project.codebook else ""
    digest = project.inputs.get(claims_file.file, "")
    return key("findings", claims_file.file, digest, text.path if text else "", text.digest if text else "", codebook)


def _with_schema_check(root: Path, project: Project, report: Report, snapshot: Snapshot | None = None) -> Report:
    """`report` and, when the project has an editor's schema file that another codebook wrote, a warning."""
    path = root / SCHEMA_FILE
    data = snapshot.files.get(SCHEMA_FILE) if snapshot else None
    if project.codebook is None or (data is None if snapshot else not path.is_file()):
        return report
    try:
        written = path.read_text(encoding="utf-8") if data is None else data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        written = ""
    stale = stale_schema(project.codebook, written)
    return report if stale is None else replace(report, problems=sorted_problems((*report.problems, stale)))


def claims_file_count(root: Path, layout: Layout = Layout(), snapshot: Snapshot | None = None) -> int:
    """How many claims files `load_project` reads (for a progress display)."""
    return len(claim_file_paths(root, layout.claims, snapshot))


def _parse_flat(item: tuple[str, bytes, int]) -> tuple[Any, ...]:
    name, data, max_bytes = item
    return flat_claims_file(parse_claims_file(name, data, max_bytes))


def parse_files(
    items: list[tuple[str, bytes, str]], max_bytes: int = MAX_FILE_BYTES, cache: Cache[ClaimsFile] | None = None
) -> Iterator[ClaimsFile]:
    """Parse claims files (name, bytes, their SHA-256), shared with a forked child when
    there is enough to share (`shared_map`), in no set order; the results go to `cache` once
    all are made."""
    work = [(name, data, max_bytes) for name, data, _ in items]
    for index, flat in shared_map(_parse_flat, work, [len(data) for _, data, _ in items]):
        name, _, digest = items[index]
        parsed = claims_file_of(flat)
        if cache is not None:
            cache.put(parse_key(name, digest, max_bytes), flat, parsed)
        yield parsed
    if cache is not None:
        cache.flush()


def parse_key(name: str, digest: str, max_bytes: int) -> str:
    """The cache key of a claims file's parse: its name, content digest and the size limit."""
    return key("parse", name, digest, str(max_bytes))


def parse_cache(root: Path | None, memory: dict[str, ClaimsFile] | None = None) -> Cache[ClaimsFile]:
    """The cache of parsed claims files under root/.cache (None: no cache), and in `memory`."""
    return Cache(root, claims_file_of, memory)


def load_project(
    root: Path,
    max_bytes: int = MAX_FILE_BYTES,
    cache: Cache[ClaimsFile] | None = None,
    advance: Callable[[int], None] | None = None,
    layout: Layout = Layout(),
    snapshot: Snapshot | None = None,
) -> Project:
    """Read the codebook, every claims file and every source text under `root` (or where
    `layout` says; or, when given, in `snapshot`, the files of `root` as they were).

    `advance(n)` is told of every n claims files done (for a progress display)."""
    problems: list[Problem] = []
    inputs: dict[str, str] = {}
    codebook: Codebook | None = None
    codebook_path = root / CODEBOOK if layout.codebook is None else layout.codebook
    codebook_name = relative_name(codebook_path, root)
    codebook_bytes, problem = read_input(codebook_path, codebook_name, max_bytes, snapshot)
    if problem is not None:
        problems.append(problem)
    elif codebook_bytes is not None:
        inputs[codebook_name] = hashlib.sha256(codebook_bytes).hexdigest()
        codebook, found = parse_codebook(codebook_name, codebook_bytes, max_bytes)
        problems.extend(found)

    parsed: dict[str, ClaimsFile] = {}
    todo: list[tuple[str, bytes, str]] = []
    names: list[str] = []
    for path in claim_file_paths(root, layout.claims, snapshot):
        name, data, problem = claims_input(path, root, max_bytes, snapshot)
        names.append(name)
        if data is None:
            parsed[name] = ClaimsFile(name, None, (), (problem,) if problem else ())
            continue
        inputs[name] = digest = hashlib.sha256(data).hexdigest()
        hit = cache.get(parse_key(name, digest, max_bytes)) if cache else None
        if hit is not None:
            parsed[name] = hit
            if advance:
                advance(1)
        else:
            todo.append((name, data, digest))
    for result in parse_files(todo, max_bytes, cache):
        parsed[result.file] = result
        if advance:
            advance(1)
    files = [parsed[name] for name in names]
    texts, text_problems, digests = read_texts(root, files, layout.texts, snapshot)
    problems.extend(text_problems)
    inputs.update(digests)
    # another coder's claims folder read over this project (`agree`): this project's memos are not theirs
    memos = Memos() if layout.claims is not None else _memos(root, codebook, max_bytes, problems, inputs, snapshot)
    return Project(root, codebook, tuple(files), texts, tuple(problems), dict(sorted(inputs.items())), memos)


def _memos(
    root: Path,
    codebook: Codebook | None,
    max_bytes: int,
    problems: list[Problem],
    inputs: dict[str, str],
    snapshot: Snapshot | None = None,
) -> Memos:
    """The analyst's memos (claims/memos.yaml; none when it is absent or the codebook unusable);
    their problems go to `problems`, the file's SHA-256 to `inputs`."""
    path = root / MEMOS
    there = MEMOS in snapshot.files or MEMOS in snapshot.folders if snapshot else path.exists() or path.is_symlink()
    if codebook is None or not there:
        return Memos()
    data, problem = read_input(path, MEMOS, max_bytes, snapshot)
    if data is None:
        problems.extend([problem] if problem else [])
        return Memos()
    inputs[MEMOS] = hashlib.sha256(data).hexdigest()
    memos, found = parse_memos_file(MEMOS, data, codebook, max_bytes)
    problems.extend(found)
    return memos


def _locate(item: tuple[tuple[str, ...], str]) -> tuple[tuple[int, ...] | None, ...]:
    """Where one file's passages (of all its claims, in order) occur in its text, as plain tuples."""
    quotes, content = item
    text = NormalisedText.of(content)
    return flat_matches(tuple(text.locate(quote) if quote else None for quote in quotes))


def quotes_cache(
    root: Path | None, memory: dict[str, tuple[Match | None, ...]] | None = None
) -> Cache[tuple[Match | None, ...]]:
    """The cache of quote locations under root/.cache (None: no cache), and in `memory`."""
    return Cache(root, matches_of, memory)


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
        located[file] = matches_of(plain)
        cache.put(name, plain, located[file])
    cache.flush()
    return located


def coverage_in_background(
    project: Project, report: Report, sources: Sequence[str], limit: int | None
) -> Background[Coverage]:
    """The coverage (its best `limit` sentences), worked out by a forked child meanwhile when
    the source texts are large enough to be worth one (see `Background`)."""
    weight = sum(len(text.content) for text in project.texts.values())  # the bytes of text coverage reads
    return Background(functools.partial(coverage, project, report, sources, limit=limit), weight)
