"""The commands that compare codings: diff (two versions), agree (coders)."""

from __future__ import annotations

import contextlib
import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from matrix.checks.pipeline import Shared, claims_file_count
from matrix.cli import (
    FiniteRange,
    Inputs,
    count_option,
    filter_options,
    format_option,
    main,
    out_option,
    project_options,
    time_options,
    width_option,
)
from matrix.cli.process import Exit, finish
from matrix.model.terms import Unit
from matrix.model.values import Filters, Project
from matrix.terminal import agreement_view, console, diff_view
from matrix.time.timeline import TimeRange, left_out

if TYPE_CHECKING:
    from matrix.analysis.agreement import Agreement
    from matrix.analysis.diff import Diff, Side
    from matrix.files.revisions import Version


@main.command(name="diff")
@click.argument("old", default="git:HEAD", metavar="[OLD]")
@click.argument("new", required=False, metavar="[NEW]")
@project_options
@filter_options
@count_option
@format_option(["table", "json"], "table: rich tables; json: the changes for scripts.", default="table")
@out_option("Also write a Changes workbook (.xlsx).")
@click.option("--exit-code", is_flag=True, help="Exit 1 when anything changed, as git diff --exit-code does.")
@time_options
@width_option
def diff_command(
    root: Path,
    no_cache: bool,
    max_file_size: float,
    old: str,
    new: str | None,
    count: Unit,
    fmt: str,
    out: Path | None,
    exit_code: bool,
    time_range: TimeRange,
    width: int | None,
    **filters: tuple[str, ...],
) -> None:
    """What changed between two versions of the coding: claims and matrix cells.

    OLD and NEW are project folders or git:REV (any revision git knows: git:HEAD~3, git:v1.2, a
    branch); OLD defaults to git:HEAD, NEW to the working tree of --root."""
    from matrix.analysis.diff import compare
    from matrix.files.revisions import RevisionError, Version, checkout

    inputs = Inputs.of(root, no_cache, max_file_size, Filters(**filters))
    # the files both versions have are read (blobs by object id), checked and compared once
    shared, blobs = Shared(), dict[str, bytes]()
    try:
        with contextlib.ExitStack() as stack:
            before = stack.enter_context(checkout(old, root, blobs))
            after = stack.enter_context(checkout(new, root, blobs)) if new else Version("working tree", root)
            for version in (before, after):
                if version.snapshot is None and not (version.root / "claims").is_dir():
                    raise RevisionError(f"'{version.label}' has no claims/ folder: give a project folder or git:REV")
            sides = [_diff_side(version, inputs, count, time_range, shared) for version in (before, after)]
            (old_side, _), (new_side, project) = sides
            target = None if out is None else inputs.output(out, project, ".xlsx")
    except RevisionError as error:
        raise click.UsageError(str(error)) from None
    result = compare(old_side, new_side)
    _show(result, fmt, target, width)
    finish(Exit.INVALID if exit_code and not result.empty else Exit.OK)


def _diff_side(
    version: Version, inputs: Inputs, count: Unit, time_range: TimeRange, shared: Shared
) -> tuple[Side, Project]:
    """One version loaded (sharing the project's cache, and what the other version read),
    validated and pivoted; its problems shown with the version named, and exit 1, when it does
    not validate. A time range keeps the claims dated in it on this side (by this side's
    dates), and says what it left out."""
    from matrix.analysis.diff import side_of

    files = replace(inputs.files, root=version.root, snapshot=version.snapshot, cache_root=inputs.root)
    project, _ = inputs.checked(version=version.label, files=files, shared=shared)
    compared, selection = side_of(version.label, project, inputs.filters, count, time_range)
    if selection is not None:
        click.echo(f"{version.label}: {left_out(time_range, selection)}", err=True)
    return compared, project


@main.command(name="agree")
@click.argument("others", nargs=-1, required=True, metavar="OTHER...")
@project_options
@click.option("--source", "sources", multiple=True, metavar="ID", help="Only this source (repeatable).")
@format_option(
    ["table", "json"], "table: rich tables; json: every figure, disagreement and unmatched claim.", default="table"
)
@out_option("Also write an agreement workbook (.xlsx): sheets Agreement, Coincidences, Disagreements.")
@click.option(
    "--min-alpha",
    type=FiniteRange(min=-1, max=1),
    default=None,
    metavar="X",
    help="Exit 1 when a field's alpha is defined and below X (for CI).",
)
@width_option
def agree_command(
    root: Path,
    no_cache: bool,
    max_file_size: float,
    others: tuple[str, ...],
    sources: tuple[str, ...],
    fmt: str,
    out: Path | None,
    min_alpha: float | None,
    width: int | None,
) -> None:
    """How far other coders' codings of the project agree with this one, and where they part.

    OTHER is another coder's coding: a project folder (with claims/), a folder of claims files
    (their text: paths resolve against --root), or git:REV. Their codebook if they have one,
    else the project's."""
    from matrix.analysis.agreement import OURS, Coding, agreement, coder_names
    from matrix.files.revisions import RevisionError, checkout

    inputs = Inputs.of(root, no_cache, max_file_size, Filters(sources=sources))
    codings = [Coding(OURS, *inputs.checked(version=OURS))]
    try:
        with contextlib.ExitStack() as stack:
            for spec, name in zip(others, coder_names(others), strict=True):
                version = stack.enter_context(checkout(spec, root))
                files = inputs.files.coding(version.root, version.snapshot)
                if not claims_file_count(files):
                    raise click.UsageError(
                        f"'{spec}' holds no claims files: give a project folder, a claims folder or git:REV"
                    )
                side = replace(inputs, filters=Filters())
                codings.append(Coding(name, *side.checked(version=name, files=files)))
    except RevisionError as error:
        raise click.UsageError(str(error)) from None
    target = None if out is None else inputs.output(out, codings[0].project, ".xlsx")
    result = agreement(codings, sources)
    _show(result, fmt, target, width)
    below = result.below(min_alpha) if min_alpha is not None else ()
    if below:
        shown = ", ".join(f"{f.field} {f.alpha:.3f}" for f in below)
        click.echo(f"alpha below {min_alpha:g}: {shown}", err=True)
        finish(Exit.INVALID)


def _show(result: Diff | Agreement, fmt: str, target: Path | None, width: int | None) -> None:
    """A comparison written to the workbook `target` (if any), then printed: JSON or tables."""
    from matrix.analysis.diff import Diff

    if target is not None:
        from matrix.workbook import write_agreement, write_changes

        write_changes(result, target) if isinstance(result, Diff) else write_agreement(result, target)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        console(width=width).print(diff_view(result) if isinstance(result, Diff) else agreement_view(result))
