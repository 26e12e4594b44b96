"""How the work runs: load -> validate -> locate quotes, and the work done in the background.

The one place that decides when to use the cache (root/.cache, or another root's) and when
to share work with a forked child (`matrix.files.workers`): the modules below it are pure
(`schema`, `rules`, `validation`) or only read files (`loading`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from matrix.checks.claims_schema import SCHEMA_FILE, stale_schema
from matrix.checks.rules import Context, Located, passage_count
from matrix.checks.validation import FileFindings, file_findings, validate
from matrix.files.cache import Cache, key
from matrix.files.loading import (
    CODEBOOK,
    MAX_FILE_BYTES,
    MAX_TEXT_BYTES,
    MEMOS,
    Snapshot,
    TextRead,
    claim_file_paths,
    claims_input,
    parse_claims_file,
    parse_codebook,
    parse_memos_file,
    read_input,
    read_source_text,
    read_texts,
    relative_name,
)
from matrix.files.plain import (
    claims_file_of,
    flat_claims_file,
    flat_matches,
    flat_places,
    flat_problems,
    matches_of,
    places_of,
    problems_of,
)
from matrix.files.quotes import Match, NormalisedText
from matrix.files.where import ProjectFiles
from matrix.files.workers import shared_map
from matrix.model.problems import Problem, Report, sorted_problems
from matrix.model.values import ClaimsFile, Codebook, Memos, Project, SourceText
from matrix.model.wording import counted

__all__ = [  # MAX_FILE_BYTES, MAX_TEXT_BYTES: the loader's limits, from the loader, which only this module imports
    "MAX_FILE_BYTES",
    "MAX_TEXT_BYTES",
    "InvalidProject",
    "ProjectFiles",
    "Shared",
    "Snapshot",
    "check",
    "claims_file_count",
    "findings_cache",
    "load_project",
    "locate_quotes",
    "parse_cache",
    "quotes_cache",
]


class InvalidProject(Exception):
    """The project does not pass validation: a command stops, and the CLI prints the report."""

    def __init__(self, project: Project, report: Report, strict: bool, version: str | None = None) -> None:
        super().__init__(f"{counted(report.errors, 'error')}, {counted(report.warnings, 'warning')}")
        self.project = project
        self.report = report
        self.strict = strict
        self.version = version  # which version of the project, where a command reads several


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
    where: ProjectFiles | Path | str,
    cache: bool = False,
    advance: Callable[[int], None] | None = None,
    shared: Shared | None = None,
) -> tuple[Project, Report]:
    """Load and validate the project `where` says (a folder, or its `ProjectFiles`); `cache`
    reuses (and stores) parse and quote-location results in the cache of its `cache_root`, so
    that a copy of the project (another coder's coding, another version) can share the
    project's cache; `shared`, what another version read in this run found. `advance(n)` is
    told of every n claims files read (for a progress display)."""
    files = ProjectFiles.at(where)
    store = files.cache_of if cache else None
    shared = shared or Shared()
    project = load_project(files, parse_cache(store, shared.parses), advance)
    located = locate_quotes(project, quotes_cache(store, shared.quotes))
    report = validate(project, located, check_files(project, located, findings_cache(store, shared.findings)))
    return project, _with_schema_check(files, project, report)


def check_files(project: Project, located: Located, cache: Cache[FileFindings]) -> dict[str, FileFindings]:
    """Each claims file's findings (by file name): those in `cache` (by `_findings_key`) as
    they are, the others worked out, shared with a forked child when there is enough to
    share (`shared_map`), and put in `cache`."""
    keys = {f.file: _findings_key(project, f) for f in project.files}
    found: dict[str, FileFindings] = {}
    todo = []
    for claims_file in project.files:
        hit = cache.get(keys[claims_file.file])
        if hit is None:
            todo.append(claims_file)
        else:
            found[claims_file.file] = hit
    ctx = Context(project, located)

    def work(index: int) -> tuple[Any, ...]:
        made = file_findings(ctx, todo[index])
        return flat_problems(made.problems), flat_places(made.places), made.sentences

    weights = [sum(len(quote) for claim in f.claims for quote in claim.quotes) for f in todo]
    for index, plain in shared_map(work, range(len(todo)), weights):
        file = todo[index].file
        found[file] = _findings_of(plain)
        cache.put(keys[file], plain, found[file])
    cache.flush()
    return {file: found[file] for file in keys}


def _findings_of(plain: Any) -> FileFindings:
    """The FileFindings that `check_files`'s plain tuple (as made, or from the cache) holds."""
    problems, places, sentences = plain  # sentences: (covered, all) or None; marshal keeps tuples
    return FileFindings(problems_of(problems), places_of(places), sentences)


def findings_cache(root: Path | None, memory: dict[str, FileFindings] | None = None) -> Cache[FileFindings]:
    """The cache of each claims file's findings under root/.cache (None: no cache), and in `memory`."""
    return Cache(root, _findings_of, memory)


def _findings_key(project: Project, claims_file: ClaimsFile) -> str:
    """What a claims file's findings depend on: its name and bytes, its text's, the codebook's."""
    text = project.texts.get(claims_file.file)
    codebook = project.inputs.get(project.codebook.file, "") if project.codebook else ""
    digest = project.inputs.get(claims_file.file, "")
    return key("findings", claims_file.file, digest, text.path if text else "", text.digest if text else "", codebook)


def _with_schema_check(files: ProjectFiles, project: Project, report: Report) -> Report:
    """`report` and, when the project has an editor's schema file that another codebook wrote, a warning."""
    snapshot = files.snapshot
    path = files.root / SCHEMA_FILE
    data = snapshot.files.get(SCHEMA_FILE) if snapshot else None
    if project.codebook is None or (data is None if snapshot else not path.is_file()):
        return report
    try:
        written = path.read_text(encoding="utf-8") if data is None else data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        written = ""
    stale = stale_schema(project.codebook, written)
    return report if stale is None else replace(report, problems=sorted_problems((*report.problems, stale)))


def claims_file_count(where: ProjectFiles | Path | str) -> int:
    """How many claims files `load_project` reads (for a progress display)."""
    files = ProjectFiles.at(where)
    return len(claim_file_paths(files.root, files.claims, files.snapshot))


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
    where: ProjectFiles | Path | str,
    cache: Cache[ClaimsFile] | None = None,
    advance: Callable[[int], None] | None = None,
) -> Project:
    """Read the codebook, every claims file and every source text of the project `where`
    says (a folder, or its `ProjectFiles`: a git revision in memory, another coder's claims).

    `advance(n)` is told of every n claims files done (for a progress display)."""
    files = ProjectFiles.at(where)
    root, snapshot, max_bytes = files.root, files.snapshot, files.max_bytes
    problems: list[Problem] = []
    inputs: dict[str, str] = {}
    codebook: Codebook | None = None
    codebook_path = root / CODEBOOK if files.codebook is None else files.codebook
    codebook_name = relative_name(codebook_path, root)
    in_memory = snapshot if files.codebook is None else None  # a codebook named is on disk
    codebook_bytes, problem = read_input(codebook_path, codebook_name, max_bytes, in_memory)
    if problem is not None:
        problems.append(problem)
    elif codebook_bytes is not None:
        inputs[codebook_name] = hashlib.sha256(codebook_bytes).hexdigest()
        codebook, found = parse_codebook(codebook_name, codebook_bytes, max_bytes)
        problems.extend(found)

    parsed: dict[str, ClaimsFile] = {}
    todo: list[tuple[str, bytes, str]] = []
    names: list[str] = []
    for path in claim_file_paths(root, files.claims, snapshot):
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
    claims_files = [parsed[name] for name in names]
    texts, text_problems, digests = read_texts(root, claims_files, files.texts, snapshot, _read_shared)
    problems.extend(text_problems)
    inputs.update(digests)
    # another coder's claims folder read over this project (`agree`): this project's memos are not theirs
    memos = Memos() if files.claims is not None else _memos(root, codebook, max_bytes, problems, inputs, snapshot)
    return Project(root, codebook, tuple(claims_files), texts, tuple(problems), dict(sorted(inputs.items())), memos)


TEXT_WEIGHT = 16 * 1024  # about a source text's bytes, before it is read (a large project's are shared out)


def _read_text(job: TextRead) -> tuple[Any, ...]:
    """One source's text read (`read_source_text`), as plain tuples."""
    text, problems = read_source_text(*job)
    return (None if text is None else (text.path, text.content, text.digest)), flat_problems(problems)


def _read_shared(jobs: list[TextRead]) -> list[tuple[SourceText | None, list[Problem]]]:
    """The texts of `jobs`, in order, read here and by a forked child when there are many."""
    done: list[tuple[SourceText | None, list[Problem]]] = [(None, [])] * len(jobs)
    for index, (text, problems) in shared_map(_read_text, jobs, [TEXT_WEIGHT] * len(jobs)):
        done[index] = (None if text is None else SourceText(*text)), list(problems_of(problems))
    return done


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
