"""The commands that write into a project: init, add-source, import, schema."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from matrix.checks.claims_schema import SCHEMA_FILE
from matrix.checks.pipeline import MAX_FILE_BYTES
from matrix.cli import Inputs, main, out_option, root_option
from matrix.model.problems import escaped
from matrix.model.wording import counted


def _entry_ids(kind: str) -> Callable[[click.Context, click.Parameter, tuple[str, ...]], tuple[str, ...]]:
    """A callback rejecting codebook ids that `validate` would reject (a usage error)."""

    def check(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
        from matrix.authoring.starter import id_problems

        problems = id_problems(kind, values)
        if problems:
            raise click.BadParameter("; ".join(problems), ctx, param)
        return values

    return check


@main.command(name="init")
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--perspective", "perspectives", multiple=True, metavar="ID", callback=_entry_ids("perspective"),
              help="A perspective (matrix column) of the new codebook (repeatable).")  # fmt: skip
@click.option("--actor", "actors", multiple=True, metavar="ID", callback=_entry_ids("actor"),
              help="An actor of the new codebook (repeatable).")  # fmt: skip
def init_command(folder: Path, perspectives: tuple[str, ...], actors: tuple[str, ...]) -> None:
    """Start a project in DIR: a commented codebook, claims/, seeds/, editor settings."""
    from matrix.authoring.corpus import Refused, init_project

    try:
        written = init_project(folder, perspectives, actors)
    except Refused as refused:
        raise click.ClickException(str(refused)) from None
    for name in written:
        click.echo(f"wrote {(folder / name).as_posix()}")


@main.command(name="add-source")
@click.argument("text_path", metavar="TEXT", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--id", "source_id", required=True, metavar="ID", help="The source's id: lowercase letters, digits, '-'.")
@click.option("--perspective", required=True, metavar="ID", help="Its perspective, from the codebook.")
@click.option("--title", required=True, help="Its title.")
@click.option("--publisher", required=True, help="Who published it.")
@click.option("--author", default=None, help="Its author(s).")
@click.option("--published", default=None, metavar="DATE", help="When it was published: YYYY-MM-DD (or YYYY-MM, YYYY).")
@click.option("--url", default=None, help="Where it is online: an http(s) address.")
@click.option(
    "--retrieved", default=None, metavar="DATE", help="When the text was obtained: YYYY-MM-DD (or YYYY-MM, YYYY)."
)
@click.option("--archive", default=None, metavar="URL", help="An archived copy of it: an http(s) address.")
@root_option
def add_source(
    text_path: Path,
    source_id: str,
    perspective: str,
    title: str,
    publisher: str,
    author: str | None,
    published: str | None,
    url: str | None,
    retrieved: str | None,
    archive: str | None,
    root: Path,
) -> None:
    """Copy a source text into seeds/ and write its claims file (the text pinned by its
    SHA-256), with no claims yet."""
    from matrix.authoring.corpus import Refused, new_source, write_new_source

    fields = {"id": source_id, "title": title, "publisher": publisher, "author": author}
    fields |= {"published": published, "perspective": perspective, "url": url}
    fields |= {"retrieved": retrieved, "archive": archive}
    try:
        new = new_source(root, text_path, fields)
    except Refused as refused:
        raise click.ClickException(str(refused)) from None
    write_new_source(root, new)
    copied = "was already there" if new.text_exists else "copied byte for byte"
    click.echo(f"wrote {new.claims_file} (no claims yet) and {new.text_file} ({copied})")


@main.command(name="import")
@click.argument("table_path", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@root_option
@click.option("--write", is_flag=True, help="Write the changed claims files (without it: say what would change).")
def import_command(table_path: Path, root: Path, write: bool) -> None:
    """Bring back claims edited in a spreadsheet: export's CSV or build's workbook."""
    from matrix.authoring.corpus import import_plan, read_table, write_plan
    from matrix.authoring.importing import ImportProblem, plan_lines

    if table_path.suffix.lower() not in (".csv", ".xlsx"):
        raise click.BadParameter(f"'{table_path}' is not a .csv or .xlsx file", param_hint="FILE")
    table = read_table(table_path, str(table_path))
    if isinstance(table, ImportProblem):
        raise click.ClickException(escaped(str(table)))
    project, _ = Inputs.of(root, False, MAX_FILE_BYTES / 1024 / 1024).load()
    plan = import_plan(root, table, project)
    for problem in plan.problems:
        click.echo(escaped(str(problem)))
    if plan.errors:
        raise click.ClickException(f"nothing was written: {counted(plan.errors, 'error')} in {table_path}")
    if write:
        write_plan(root, plan)
    for line in plan_lines(plan, written=write):
        click.echo(line)


@main.command(name="schema")
@root_option
@out_option(f"Where to write it  [default: DIR/{SCHEMA_FILE}]")
def schema_command(root: Path, out: Path | None) -> None:
    """Write the JSON Schema of claims files for the editor, from the codebook."""
    from matrix.authoring.corpus import codebook_of, write_schema

    inputs = Inputs.of(root, False, MAX_FILE_BYTES / 1024 / 1024)
    project, _ = inputs.load()
    codebook = codebook_of(project)
    target = root / SCHEMA_FILE if out is None else out
    write_schema(inputs.output(target, project, ".json"), codebook)
    counts = ", ".join(
        counted(len(getattr(codebook, kind)), kind[:-1]) for kind in ("topics", "perspectives", "actors")
    )
    click.echo(f"wrote {target} ({counts})")


@main.command(name="pin")
@click.argument("sources", nargs=-1, metavar="[SOURCE]...")
@root_option
def pin_command(sources: tuple[str, ...], root: Path) -> None:
    """Record each source text's SHA-256 in its claims file (`sha256:`), so that validate
    notices a changed text (all sources, or those named)."""
    from matrix.authoring.corpus import pin_sources
    from matrix.authoring.pinning import PinRefused, plan_pins
    from matrix.checks.provenance import SHORT
    from matrix.model.problems import did_you_mean

    project, _ = Inputs.of(root, False, MAX_FILE_BYTES / 1024 / 1024).load()
    known = [s.id for s in project.sources]
    for source in sources:
        if source not in known:
            raise click.BadParameter(f"no source '{source}'; {did_you_mean(source, known)}", param_hint="SOURCE")
    try:
        pins = plan_pins(project, sources)
        pin_sources(root, pins)
    except PinRefused as refused:
        raise click.ClickException(escaped(str(refused))) from None
    for pin in pins:
        digest = f"sha256 {pin.digest[:SHORT]}…"
        if not pin.changed:
            click.echo(f"{pin.file}: unchanged ({pin.text}, {digest})")
        elif pin.previous is None:
            click.echo(f"{pin.file}: pinned {pin.text} ({digest})")
        else:
            click.echo(f"{pin.file}: re-pinned {pin.text} ({digest}, was {pin.previous[:SHORT]}…)")
    changed = sum(pin.changed for pin in pins)
    click.echo(f"pinned {counted(len(pins), 'source')}: {changed} written")
