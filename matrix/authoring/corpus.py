"""Starting and feeding a project: `init`, `add-source`, `import`, `schema` and `pin`, with their files.

The pure parts live beside it (`starter`, `importing`, `claims_schema`, `yamlwriter`, `pinning`); this
module reads and writes the files, every write atomic (`paths.atomic_output`), and checks
everything before the first write, so that a refused command leaves the project as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from matrix.authoring.importing import CellRef, ImportPlan, ImportProblem, Table, Target, csv_table, plan_import
from matrix.authoring.pinning import Pin, PinRefused, pinned_text
from matrix.authoring.starter import CODEBOOK_FILE as CODEBOOK
from matrix.authoring.starter import PROJECT_MARKERS, STARTER_FOLDERS, starter_files
from matrix.authoring.yamlwriter import claims_file_yaml
from matrix.checks.claims_schema import SCHEMA_FILE, schema_text
from matrix.checks.pipeline import MAX_FILE_BYTES, MAX_TEXT_BYTES, InvalidProject, check
from matrix.checks.provenance import sha256_of
from matrix.files.paths import OutputRefused, atomic_output, read_only, writable
from matrix.files.reading import Unreadable, read_limited
from matrix.model.location import Location
from matrix.model.problems import Problem, Report, sorted_problems
from matrix.model.values import Codebook, Project

SCHEMA_REFERENCE = Path(SCHEMA_FILE).name  # as a claims file names it: beside it in claims/
TEXT_SUFFIXES = (".txt", ".md", ".markdown")
# what checking a new source alone reports that says nothing about it
_NOT_ABOUT_A_NEW_SOURCE = frozenset({"source-without-claims", "unused-topic", "unused-perspective", "stale-schema"})


class Refused(Exception):
    """A command that writes nothing, and why (the CLI prints it and exits 1)."""


def write_file(path: Path, data: bytes, root: Path | None = None) -> None:
    """`data` written atomically to `path` of the project `root` (`paths.writable`: Refused
    when it is read-only, in a read-only folder, or a link leading out of the project)."""
    target = checked_target(path, root)
    with atomic_output(target) as handle:
        handle.write(data)


def checked_target(path: Path, root: Path | None) -> Path:
    """`path` as it will be written (`paths.writable`), or Refused saying why not."""
    try:
        return writable(path, root)
    except OutputRefused as refused:
        raise Refused(f"{refused}; nothing was written") from None


def existing_project(folder: Path) -> str | None:
    """What in `folder` says it already holds a project (`claims/codebook.yaml`, `claims/`, `seeds/`)."""
    return next((marker for marker in PROJECT_MARKERS if os.path.lexists(folder / marker)), None)


@dataclass(frozen=True)
class Started:
    """What `init` did: the files written and those kept because they were already there."""

    written: tuple[str, ...]
    kept: tuple[str, ...]


def init_project(folder: Path, perspectives: Sequence[str], actors: Sequence[str], existing: bool = False) -> Started:
    """Write a new project into `folder`: a new or empty folder, or, with `existing`, a folder
    whose files are all kept (a starter file already there is not written). Everything is
    checked first (Refused: nothing written); a write that fails undoes the others."""
    _check_init_folder(folder, existing)
    files = starter_files(perspectives, actors)
    kept = tuple(name for name in files if _taken(folder, name))
    wanted = {name: text for name, text in files.items() if name not in kept}
    made: list[Path] = []
    try:
        for name in (*STARTER_FOLDERS, *{str(Path(n).parent) for n in wanted if "/" in n}):
            made += _make_folders(folder / name)
        for name, text in wanted.items():
            write_file(folder / name, text.encode("utf-8"), folder)
            made.append(folder / name)
    except (OSError, Refused) as error:
        for path in reversed(made):  # the new project's own files and folders only
            with contextlib.suppress(OSError):
                if path.is_dir() and not path.is_symlink():
                    path.rmdir()
                else:
                    path.unlink()
        if isinstance(error, Refused):
            raise
        raise Refused(f"cannot write into '{folder}': {error.strerror or error}; nothing was written") from None
    return Started(tuple(wanted), kept)


def _taken(folder: Path, name: str) -> bool:
    """Whether a starter file `name` would replace or go under something already in `folder`."""
    path = folder / name
    return any(
        os.path.lexists(p) and (p == path or not p.is_dir()) for p in (path, *path.parents) if folder in p.parents
    )


def _check_init_folder(folder: Path, existing: bool) -> None:
    """Refused when `init` may not write into `folder` (see init_project)."""
    if os.path.lexists(folder):
        if not folder.is_dir():
            broken = folder.is_symlink() and not folder.exists()
            raise Refused(f"'{folder}' is {'a broken link' if broken else 'a file'}, not a folder; nothing was written")
        found = existing_project(folder)
        if found is not None:
            raise Refused(f"'{folder}' already holds a project ({found} exists); nothing was written")
        try:
            held = sorted(entry.name for entry in os.scandir(folder))
        except OSError as error:
            raise Refused(f"cannot read the folder '{folder}': {error.strerror}; nothing was written") from None
        if held and not existing:
            shown_names = ", ".join(held[:3]) + (", ..." if len(held) > 3 else "")
            raise Refused(
                f"'{folder}' is not empty (it holds {shown_names}); init writes only into a new or empty folder: "
                "give --existing to add a project to it, keeping every file already there; nothing was written"
            )
        if read_only(folder):
            raise Refused(f"'{folder}' is read-only (permission denied); nothing was written")
        return
    parent = next((p for p in folder.absolute().parents if os.path.lexists(p)), None)
    if parent is None or not parent.is_dir():
        raise Refused(f"'{folder}' cannot be made: '{parent}' is a file, not a folder; nothing was written")
    if read_only(parent):
        raise Refused(f"'{folder}' cannot be made: the folder '{parent}' is read-only (permission denied)")


def _make_folders(folder: Path) -> list[Path]:
    """Make `folder` and its missing parents; the ones made, outermost first."""
    missing = [p for p in (folder, *folder.parents) if not os.path.lexists(p)][::-1]
    made = []
    for path in missing:
        path.mkdir()
        made.append(path)
    return made


def schema_reference(root: Path) -> str | None:
    """What a claims file's first line names as its schema, when the project has one."""
    return SCHEMA_REFERENCE if (root / SCHEMA_FILE).is_file() else None


# --- add-source --------------------------------------------------------------------------


@dataclass(frozen=True)
class NewSource:
    """What `add-source` writes: the text's copy and the claims file (paths relative to the root)."""

    text_file: str
    claims_file: str
    claims_text: str
    data: bytes
    text_exists: bool  # the same bytes are already there


NAME_MAX = 255  # the longest file name (in bytes) the usual file systems hold


def new_source(root: Path, text: Path, fields: dict[str, str | None]) -> NewSource:
    """The files for a new source, checked as `validate` would check them (InvalidProject if
    not, Refused if the text cannot be read, or they would overwrite something different or
    cannot be written); nothing is written here."""
    try:
        data = read_limited(text, MAX_TEXT_BYTES, "source text")
    except Unreadable as unreadable:
        raise Refused(f"{unreadable}; nothing was written") from None
    source_id = fields["id"] or ""
    safe = source_id if _plain_name(source_id) else "new-source"
    suffix = text.suffix.lower() if text.suffix.lower() in TEXT_SUFFIXES else ".txt"
    text_file, claims_file = f"seeds/{safe}{suffix}", f"claims/{safe}.yaml"
    longest = max(len(os.fsencode(Path(name).name)) for name in (text_file, claims_file))
    if longest > NAME_MAX:
        raise Refused(
            f"the id is {len(source_id):,} characters long: its files' names would be longer than the "
            f"{NAME_MAX} bytes a file name holds; choose a shorter id (nothing was written)"
        )
    source = {**{k: v for k, v in fields.items() if v is not None}, "text": text_file, "sha256": sha256_of(data)}
    claims_text = claims_file_yaml(source, [], schema_reference(root))
    if os.path.lexists(root / claims_file):
        raise Refused(f"{claims_file} already exists; nothing was written")
    same = _same_text(root / text_file, data, text_file)
    _check_new_source_targets(root, text_file, claims_file, same)
    problems = _staged_problems(root, claims_file, claims_text, text_file, data)
    project, _ = check(root)
    problems += _id_taken(project, source_id, claims_file, claims_text)
    if any(p.level.value == "error" for p in problems):
        raise InvalidProject(project, Report(sorted_problems(problems)), False)
    return NewSource(text_file, claims_file, claims_text, data, same)


def _same_text(target: Path, data: bytes, name: str) -> bool:
    """Whether `target` already holds `data` (False when there is nothing); Refused when it
    holds something else (a different text, a folder, a named pipe)."""
    if not os.path.lexists(target):
        return False
    try:
        same = read_limited(target, len(data), "file") == data
    except Unreadable:
        same = False
    if not same:
        raise Refused(f"{name} already exists with other content; nothing was written")
    return True


def _check_new_source_targets(root: Path, text_file: str, claims_file: str, same: bool) -> None:
    """Refused when the claims file, or the text's copy (unless it is there already), cannot
    be written: `seeds` a file, a read-only folder, a link out of the project."""
    seeds = root / Path(text_file).parent
    if os.path.lexists(seeds) and not seeds.is_dir():
        raise Refused(f"'{seeds}' is not a folder; move it away so that the texts can go there (nothing was written)")
    if not same:
        if os.path.lexists(seeds):
            checked_target(root / text_file, root)
        elif read_only(root):
            raise Refused(f"'{seeds}' cannot be made: '{root}' is read-only (permission denied); nothing was written")
    checked_target(root / claims_file, root)


def _plain_name(name: str) -> bool:
    return name != "" and all(c.isascii() and (c.isalnum() or c == "-") for c in name) and not name.startswith("-")


def _staged_problems(root: Path, claims_file: str, claims_text: str, text_file: str, data: bytes) -> list[Problem]:
    """What `validate` reports about the new source in a project of its own with the codebook."""
    with tempfile.TemporaryDirectory(prefix="claims-matrix-") as folder:
        staged = Path(folder)
        (staged / "claims").mkdir()
        (staged / "seeds").mkdir()
        if (root / CODEBOOK).is_file():
            shutil.copyfile(root / CODEBOOK, staged / CODEBOOK)
        (staged / claims_file).write_text(claims_text, encoding="utf-8")
        (staged / text_file).write_bytes(data)
        _, report = check(staged)
    return [p for p in report.problems if p.code not in _NOT_ABOUT_A_NEW_SOURCE]


def _id_taken(project: Project, source_id: str, claims_file: str, claims_text: str) -> list[Problem]:
    """`duplicate-id` when another claims file has the source id, as `validate` reports it."""
    taken = next((s for s in project.sources if s.id.lower() == source_id.lower()), None)
    if taken is None:
        return []
    line = next(n for n, text in enumerate(claims_text.split("\n"), start=1) if text.startswith("  id: "))
    earlier = taken.positions.get("id", taken.location)
    return [
        Problem(
            Location(claims_file, line, 7),
            "duplicate-id",
            f"source id '{source_id}' is already defined at {earlier}",
            "give one of them another id",
            source_id,
        )
    ]


def write_new_source(root: Path, new: NewSource) -> None:
    """Copy the text, then write the claims file; when that fails, the copy is removed again."""
    seeds = (root / new.text_file).parent
    made_seeds = not os.path.lexists(seeds)
    if not new.text_exists:
        seeds.mkdir(exist_ok=True)
        write_file(root / new.text_file, new.data, root)
    try:
        write_file(root / new.claims_file, new.claims_text.encode("utf-8"), root)
    except BaseException:
        if not new.text_exists:
            with contextlib.suppress(OSError):
                (root / new.text_file).unlink()
                if made_seeds:
                    seeds.rmdir()
        raise


# --- import ----------------------------------------------------------------------------


MAX_TABLE_BYTES = 256 * 1024 * 1024  # a table to import, as a file (a workbook's parts: workbook.reading)


def read_table(path: Path, name: str) -> Table | ImportProblem:
    """The claims table in a CSV file or an Excel workbook (its Claims sheet); read as
    `files.read_limited` reads (a regular file, at most MAX_TABLE_BYTES)."""
    try:
        data = read_limited(path, MAX_TABLE_BYTES, "table")
    except Unreadable as unreadable:
        return ImportProblem(CellRef(name, None, 0, 0), "import-unreadable", str(unreadable))
    if path.suffix.lower() == ".csv":
        return csv_table(name, data)
    from matrix.workbook.reading import claims_sheet_table  # openpyxl: only when needed

    return claims_sheet_table(data, name)


def import_plan(root: Path, table: Table, project: Project, max_bytes: int = MAX_FILE_BYTES) -> ImportPlan:
    """What importing `table` into the project under `root` changes (InvalidProject when a
    claims file it could rewrite has problems of its own: they must be fixed first)."""
    loaded = [p for f in project.files for p in f.problems] + list(project.problems)
    if project.codebook is None or loaded:
        raise InvalidProject(project, Report(sorted_problems(loaded)), False)
    targets = [_target(root, f.file, project) for f in project.files if f.source is not None]
    return plan_import(table, project.codebook, targets, schema=schema_reference(root), max_bytes=max_bytes)


def _target(root: Path, file: str, project: Project) -> Target:
    claims_file = next(f for f in project.files if f.file == file)
    assert claims_file.source is not None
    text = (root / file).read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    return Target(file, text, claims_file.source, claims_file.claims)


def write_plan(root: Path, plan: ImportPlan) -> None:
    """Write the changed claims files, each checked first (Refused: nothing written); when a
    write fails, the files written before it get their old bytes back."""
    targets = [(checked_target(root / change.file, root), change) for change in plan.changes]
    try:
        saved = [(target, read_limited(target, MAX_FILE_BYTES, "claims file")) for target, _ in targets]
    except Unreadable as unreadable:
        raise Refused(f"{unreadable}; nothing was written") from None
    done: list[tuple[Path, bytes]] = []
    try:
        for (target, change), previous in zip(targets, saved, strict=True):
            write_file(target, change.text.encode("utf-8"))
            done.append(previous)
    except BaseException:
        for target, data in reversed(done):
            with contextlib.suppress(OSError):
                write_file(target, data)
        raise


# --- schema ----------------------------------------------------------------------------


def codebook_of(project: Project, report: Report | None = None) -> Codebook:
    """The project's codebook (InvalidProject when it has problems of its own: those of
    reading it, and the errors `validate` reports in it, given its `report`)."""
    problems = [p for p in project.problems if p.location.file == CODEBOOK]
    if report is not None:
        problems += [p for p in report.problems if p.location.file == CODEBOOK and p.level.value == "error"]
        problems = list(sorted_problems(problems))
    if project.codebook is None or problems:
        raise InvalidProject(project, Report(sorted_problems(problems)), False)
    return project.codebook


def write_schema(out: Path, codebook: Codebook) -> None:
    write_file(out, schema_text(codebook).encode("utf-8"))


# --- pin -------------------------------------------------------------------------------


def pin_sources(root: Path, pins: Sequence[Pin]) -> None:
    """Write each changed pin into its claims file. Every new text is made (and checked)
    before the first is written; each file is replaced atomically and keeps its permissions;
    a claims file that is a symbolic link or read-only is refused, and then nothing is written."""
    planned: list[tuple[Path, bytes]] = []
    for pin in pins:
        if not pin.changed:
            continue
        path = root / pin.file
        if path.is_symlink():
            raise PinRefused(f"{pin.file} is a symbolic link; pin rewrites only regular files")
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK) or not path.stat().st_mode & 0o222:
            raise PinRefused(f"{pin.file} cannot be written (read-only); nothing was written")
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise PinRefused(f"{pin.file} is not UTF-8; fix it first (claims-matrix validate)") from None
        planned.append((path, pinned_text(pin.file, text, pin.digest).encode("utf-8")))
    for path, data in planned:
        write_file(path, data)
