"""The command that publishes the evidence for others to query: publish."""

from __future__ import annotations

from pathlib import Path

import click

from matrix.cli import Inputs, main, project_options
from matrix.files.paths import OutputRefused, check_output
from matrix.model.terms import VERSION
from matrix.model.values import Project

SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")


def _checked(path: Path, project: Project, suffixes: tuple[str, ...], option: str) -> Path:
    """`path` checked as an output: never an input, a symbolic link or a read-only file."""
    if path.is_symlink():
        raise click.BadParameter(f"'{path}' is a symbolic link; give the file itself", param_hint=option)
    if path.is_file() and not path.stat().st_mode & 0o222:
        raise click.BadParameter(f"'{path}' is read-only; nothing was written", param_hint=option)
    try:
        return check_output(path, [project.root / p for p in project.inputs], suffixes)
    except OutputRefused as refused:
        raise click.BadParameter(str(refused), param_hint=option) from None


def _package_folder(folder: Path, project: Project, names: list[str]) -> Path:
    """`folder` checked as the data package's folder: not a file, not among the project's
    inputs (the root, claims/, seeds/), its parent existing; each file it gets checked."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        what = "a symbolic link" if folder.is_symlink() else "a file"
        raise click.BadParameter(f"'{folder}' is {what}; give a folder", param_hint="--datapackage")
    resolved = folder.resolve()
    root = project.root.resolve()
    if resolved == root or any(resolved.is_relative_to(root / inner) for inner in ("claims", "seeds")):
        raise click.BadParameter(
            f"'{folder}' holds the project's inputs; give a folder of its own, e.g. output/evidence",
            param_hint="--datapackage",
        )
    if not resolved.parent.is_dir():
        raise click.BadParameter(
            f"the folder '{folder.parent}' does not exist; create it first", param_hint="--datapackage"
        )
    if resolved.is_dir():
        for name in names:
            _checked(resolved / name, project, (Path(name).suffix,), "--datapackage")
    return resolved


@main.command()
@project_options
@click.option("--sqlite", "database", type=click.Path(path_type=Path, dir_okay=False), default=None, metavar="FILE",
              help="Write an SQLite database (.db, .sqlite or .sqlite3) and Datasette's metadata.json beside it.")  # fmt: skip
@click.option("--datapackage", "package", type=click.Path(path_type=Path, file_okay=False), default=None,
              metavar="DIR", help="Write a Frictionless data package: a CSV file per table and datapackage.json.")  # fmt: skip
@click.option("--strict", is_flag=True, help="Treat warnings as failures: write nothing if there are any.")
def publish(
    root: Path, no_cache: bool, max_file_size: float, database: Path | None, package: Path | None, strict: bool
) -> None:
    """Publish the evidence as related tables: SQLite for Datasette, or a data package."""
    from matrix.authoring.publish import published
    from matrix.authoring.publish.package import package_files, write_package
    from matrix.authoring.publish.sqlite import METADATA_FILE, write_sqlite

    if database is None and package is None:
        raise click.UsageError("give --sqlite FILE, --datapackage DIR, or both")
    inputs = Inputs.of(root, no_cache, max_file_size)
    project, report = inputs.checked(strict)
    tables = published(project, report, VERSION)
    files = package_files(tables) if package is not None else {}
    targets: list[tuple[str, Path]] = []
    if database is not None:
        resolved = _checked(database, project, SQLITE_SUFFIXES, "--sqlite")
        _checked(resolved.with_name(METADATA_FILE), project, (".json",), "--sqlite")
        targets.append(("sqlite", resolved))
    if package is not None:
        folder = _package_folder(package, project, list(files))
        if any(folder == target or folder == target.parent for _, target in targets):
            raise click.BadParameter(
                f"'{package}' is where --sqlite writes; give another folder", param_hint="--datapackage"
            )
        targets.append(("package", folder))
    counts = ", ".join(f"{len(tables.table(name).rows)} {name.replace('_', ' ')}" for name in _COUNTED)
    for kind, target in targets:
        try:
            if kind == "sqlite":
                assert database is not None
                beside = write_sqlite(target, tables)
                shown = database.with_name(beside.name)
                click.echo(f"wrote {database} ({counts}) and {shown}")
            else:
                write_package(target, files)
                click.echo(f"wrote {package}/ ({len(files) - 1} tables as CSV and datapackage.json)")
        except OSError as error:  # a full disk, a vanished folder: what was there is untouched
            raise click.ClickException(f"cannot write '{target}': {error.strerror or error}") from None


_COUNTED = ("claims", "passages", "sources", "stance_cells")
