"""Starting and feeding a project: `init`, `add-source`, `import`, `schema` and `pin`, with their files.

The pure parts live beside it (`starter`, `importing`, `claims_schema`, `yamlwriter`, `pinning`); this
module reads and writes the files, every write atomic (`paths.atomic_output`), and checks
everything before the first write, so that a refused command leaves the project as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from matrix.authoring.importing import ImportPlan, ImportProblem, Table, Target, csv_table, plan_import
from matrix.authoring.pinning import Pin, PinRefused, pinned_text
from matrix.authoring.starter import CODEBOOK_FILE as CODEBOOK
from matrix.authoring.starter import PROJECT_MARKERS, STARTER_FOLDERS, starter_files
from matrix.authoring.yamlwriter import claims_file_yaml
from matrix.checks.claims_schema import SCHEMA_FILE, schema_text
from matrix.checks.pipeline import InvalidProject, check
from matrix.checks.provenance import sha256_of
from matrix.files.paths import atomic_output
from matrix.model.location import Location
from matrix.model.problems import Problem, Report, sorted_problems
from matrix.model.values import Codebook, Project

SCHEMA_REFERENCE = Path(SCHEMA_FILE).name  # as a claims file names it: beside it in claims/
TEXT_SUFFIXES = (".txt", ".md", ".markdown")
# what checking a new source alone reports that says nothing about it
_NOT_ABOUT_A_NEW_SOURCE = frozenset({"source-without-claims", "unused-topic", "unused-perspective", "stale-schema"})


class Refused(Exception):
    """A command that writes nothing, and why (the CLI prints it and exits 1)."""


def write_file(path: Path, data: bytes) -> None:
    with atomic_output(path) as handle:
        handle.write(data)


def existing_project(folder: Path) -> str | None:
    """What in `folder` says it already holds a project (`claims/codebook.yaml`, `claims/`, `seeds/`)."""
    return next((marker for marker in PROJECT_MARKERS if (folder / marker).exists()), None)


def init_project(folder: Path, perspectives: Sequence[str], actors: Sequence[str]) -> list[str]:
    """Write a new project into `folder` (created if needed); the files written, in order."""
    found = existing_project(folder)
    if found is not None:
        raise Refused(f"'{folder}' already holds a project ({found} exists); nothing was written")
    files = starter_files(perspectives, actors)
    for name in STARTER_FOLDERS:
        (folder / name).mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        write_file(folder / name, text.encode("utf-8"))
    return list(files)


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


def new_source(root: Path, text: Path, fields: dict[str, str | None]) -> NewSource:
    """The files for a new source, checked as `validate` would check them (InvalidProject if
    not, Refused if they would overwrite something different); nothing is written here."""
    data = text.read_bytes()
    source_id = fields["id"] or ""
    safe = source_id if _plain_name(source_id) else "new-source"
    suffix = text.suffix.lower() if text.suffix.lower() in TEXT_SUFFIXES else ".txt"
    text_file, claims_file = f"seeds/{safe}{suffix}", f"claims/{safe}.yaml"
    source = {**{k: v for k, v in fields.items() if v is not None}, "text": text_file, "sha256": sha256_of(data)}
    claims_text = claims_file_yaml(source, [], schema_reference(root))
    if (root / claims_file).exists():
        raise Refused(f"{claims_file} already exists; nothing was written")
    target = root / text_file
    same = target.is_file() and target.read_bytes() == data
    if target.exists() and not same:
        raise Refused(f"{text_file} already exists with other content; nothing was written")
    problems = _staged_problems(root, claims_file, claims_text, text_file, data)
    project, _ = check(root)
    problems += _id_taken(project, source_id, claims_file, claims_text)
    if any(p.level.value == "error" for p in problems):
        raise InvalidProject(project, Report(sorted_problems(problems)), False)
    return NewSource(text_file, claims_file, claims_text, data, same)


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
    if not new.text_exists:
        write_file(root / new.text_file, new.data)
    write_file(root / new.claims_file, new.claims_text.encode("utf-8"))


# --- import ----------------------------------------------------------------------------


def read_table(path: Path, name: str) -> Table | ImportProblem:
    """The claims table in a CSV file or an Excel workbook (its Claims sheet)."""
    if path.suffix.lower() == ".csv":
        return csv_table(name, path.read_bytes())
    from matrix.workbook.reading import claims_sheet_table  # openpyxl: only when needed

    return claims_sheet_table(path, name)


def import_plan(root: Path, table: Table, project: Project) -> ImportPlan:
    """What importing `table` into the project under `root` changes (InvalidProject when a
    claims file it could rewrite has problems of its own: they must be fixed first)."""
    loaded = [p for f in project.files for p in f.problems] + list(project.problems)
    if project.codebook is None or loaded:
        raise InvalidProject(project, Report(sorted_problems(loaded)), False)
    targets = [_target(root, f.file, project) for f in project.files if f.source is not None]
    return plan_import(table, project.codebook, targets, schema=schema_reference(root))


def _target(root: Path, file: str, project: Project) -> Target:
    claims_file = next(f for f in project.files if f.file == file)
    assert claims_file.source is not None
    text = (root / file).read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    return Target(file, text, claims_file.source, claims_file.claims)


def write_plan(root: Path, plan: ImportPlan) -> None:
    for change in plan.changes:
        write_file(root / change.file, change.text.encode("utf-8"))


# --- schema ----------------------------------------------------------------------------


def codebook_of(project: Project) -> Codebook:
    """The project's codebook (InvalidProject when it has problems of its own)."""
    problems = [p for p in project.problems if p.location.file == CODEBOOK]
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
