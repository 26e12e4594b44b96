"""The commands that write or print the matrices: build, summary, export, report."""

from __future__ import annotations

import json
from pathlib import Path

import click

from matrix.analysis.coverage import coverage_in_background
from matrix.cli import (
    Inputs,
    count_option,
    filter_options,
    format_option,
    main,
    out_option,
    period_options,
    project_options,
    time_options,
    width_option,
)
from matrix.files.paths import atomic_output, lock_files
from matrix.files.revisions import inputs_revision, inputs_stamp
from matrix.model.terms import PASSAGE_SEPARATOR, Unit
from matrix.model.values import Filters
from matrix.model.wording import counted
from matrix.terminal import console, period_view, progress, summary_view, text
from matrix.time.timeline import PeriodChoice, TimeRange, left_out


@main.command()
@project_options
@filter_options
@out_option("Workbook to write  [default: DIR/output/claims-matrix.xlsx]")
@click.option("--strict", is_flag=True, help="Treat warnings as failures: write nothing if there are any.")
@click.option("--quiet", "-q", is_flag=True, help="Do not print the summary after writing.")
@count_option
@time_options
@period_options
def build(
    root: Path,
    no_cache: bool,
    max_file_size: float,
    out: Path | None,
    strict: bool,
    quiet: bool,
    count: Unit,
    time_range: TimeRange,
    periods: PeriodChoice,
    **filters: tuple[str, ...],
) -> None:
    """Validate, then write the Excel workbook and print the summary."""
    from matrix.analysis.pivot import AnalysisOptions, analyse
    from matrix.workbook import COVERAGE_ROWS, TimelineTooWide, write_workbook

    inputs = Inputs.of(root, no_cache, max_file_size, Filters(**filters))
    project, report = inputs.checked(strict)
    target, resolved = inputs.destination(out, project, "claims-matrix.xlsx")
    for lock in lock_files(resolved):
        click.echo(
            f"warning: '{lock.name}' suggests '{target.name}' is open in a spreadsheet; close it to see the new version",
            err=True,
        )
    # the Coverage sheet's figures are worked out by a child process meanwhile
    covering = coverage_in_background(project, report, inputs.filters.sources, COVERAGE_ROWS)
    try:
        with covering:
            analysis = analyse(project, report, AnalysisOptions(inputs.filters, count, time_range, periods))
            found = inputs.findings(analysis, project, report)
            rows = len(analysis.claims) + analysis.passage_count
            with progress("writing workbook", rows, scale=100) as advance:  # Claims and Evidence rows
                stamp = inputs_stamp(project.inputs, inputs_revision(project.root, project.inputs))
                write_workbook(analysis, report, project, resolved, advance, covering.result, stamp, found=found)
    except TimelineTooWide as error:
        raise click.UsageError(str(error)) from None
    except PermissionError as error:
        raise click.ClickException(
            f"cannot write '{target}': {error.strerror} (is it open in another program?)"
        ) from None
    except OSError as error:  # a full disk, a vanished folder: the old workbook is untouched
        raise click.ClickException(f"cannot write '{target}': {error.strerror or error}") from None
    out_console = console()
    if not quiet:
        out_console.print(summary_view(analysis, width=out_console.width, found=found))
    elif analysis.selection is not None:
        out_console.print(text(left_out(time_range, analysis.selection), "dim"), soft_wrap=True)
    counts = f"{counted(len(analysis.claims), 'claim')}, {counted(report.warnings, 'warning')}"
    message = text(f"wrote {target} ({counts})", "bold green")
    out_console.print(message, soft_wrap=True)


@main.command()
@project_options
@filter_options
@format_option(["table", "json"], "table: rich tables; json: the same numbers for scripts.", default="table")
@width_option
@count_option
@time_options
@click.option(
    "--by-period",
    is_flag=True,
    help="Print the net index of each topic per period instead (implied by --period and --window).",
)
@period_options
def summary(
    root: Path,
    no_cache: bool,
    max_file_size: float,
    fmt: str,
    width: int | None,
    count: Unit,
    time_range: TimeRange,
    by_period: bool,
    periods: PeriodChoice,
    **filters: tuple[str, ...],
) -> None:
    """Print the stance and approach matrices, top contrasts and totals (or, --by-period, the
    net index of each topic per period)."""
    from matrix.analysis.findings import findings_numbers
    from matrix.analysis.pivot import AnalysisOptions, analyse

    inputs = Inputs.of(root, no_cache, max_file_size, Filters(**filters))
    project, report = inputs.checked()
    analysis = analyse(project, report, AnalysisOptions(inputs.filters, count, time_range, periods))
    if by_period or periods.given:
        if fmt == "json":
            click.echo(json.dumps(analysis.to_dict(by_period=True), indent=2, ensure_ascii=False))
        else:
            out_console = console(width=width)
            out_console.print(period_view(analysis.timeline, analysis.codebook.label, width=out_console.width))
    else:
        found = inputs.findings(analysis, project, report)
        if fmt == "json":
            numbers = {**analysis.to_dict(), **findings_numbers(found)}
            click.echo(json.dumps(numbers, indent=2, ensure_ascii=False))
        else:
            out_console = console(width=width)
            out_console.print(summary_view(analysis, width=out_console.width, found=found))


@main.command()
@project_options
@filter_options
@format_option(["csv", "json"], "csv or json: one row/record per claim (or passage), every field, locations included.")
@click.option(
    "--per",
    type=click.Choice(["claim", "passage"]),
    default="claim",
    show_default=True,
    help=f"claim: one row per claim, its passages joined by {PASSAGE_SEPARATOR!r}; passage: one row per passage.",
)
@out_option("File to write  [default: standard output]")
@click.option(
    "--raw",
    is_flag=True,
    help="CSV: write text exactly as typed and no byte-order mark, for R or pandas (by default the"
    " CSV starts with the UTF-8 byte-order mark, for spreadsheets, and text that starts with"
    " = + - @, a tab or a carriage return gets a leading ' so that no spreadsheet runs it as a"
    " formula). JSON is always verbatim.",
)
@time_options
def export(
    root: Path,
    no_cache: bool,
    max_file_size: float,
    fmt: str,
    out: Path | None,
    per: str,
    raw: bool,
    time_range: TimeRange,
    **filters: tuple[str, ...],
) -> None:
    """Write the flat claims table for R, pandas or a spreadsheet."""
    from matrix.analysis.pivot import (
        CLAIM_COLUMNS,
        PASSAGE_COLUMNS,
        AnalysisOptions,
        analyse,
        claims_csv_bytes,
        claims_records,
    )

    inputs = Inputs.of(root, no_cache, max_file_size, Filters(**filters))
    project, report = inputs.checked()
    analysis = analyse(project, report, AnalysisOptions(inputs.filters, time_range=time_range))
    if analysis.selection is not None:
        click.echo(left_out(time_range, analysis.selection), err=True)
    passages = per == "passage"
    claims = analysis.passages if passages else analysis.claims
    if fmt == "csv":
        body = claims_csv_bytes(claims, raw=raw, names=PASSAGE_COLUMNS if passages else CLAIM_COLUMNS)
    else:
        body = (json.dumps(claims_records(claims), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if out is None:  # the same bytes as the file, whatever the encoding of standard output
        click.echo(body, nl=False)
        return
    with atomic_output(inputs.output(out, project, f".{fmt}")) as handle:
        handle.write(body)
    click.echo(f"wrote {out} ({counted(len(claims), per)})", err=True)


@main.command(name="report")
@project_options
@filter_options
@out_option("HTML file to write  [default: DIR/output/claims-matrix.html]")
@click.option("--strict", is_flag=True, help="Treat warnings as failures: write nothing if there are any.")
@count_option
def report_command(
    root: Path,
    no_cache: bool,
    max_file_size: float,
    out: Path | None,
    strict: bool,
    count: Unit,
    **filters: tuple[str, ...],
) -> None:
    """Write the brief: one self-contained HTML page to share (opens offline, on a phone too)."""
    from matrix.analysis.pivot import AnalysisOptions, analyse
    from matrix.brief import brief_of, render_brief

    inputs = Inputs.of(root, no_cache, max_file_size, Filters(**filters))
    project, report = inputs.checked(strict)
    target, resolved = inputs.destination(out, project, "claims-matrix.html")
    analysis = analyse(project, report, AnalysisOptions(inputs.filters, count))
    found = inputs.findings(analysis, project, report)
    stamp = inputs_stamp(project.inputs, inputs_revision(project.root, project.inputs))
    page = render_brief(brief_of(analysis, project, stamp, found)).encode("utf-8")
    try:
        with atomic_output(resolved) as handle:
            handle.write(page)
    except OSError as error:  # a full disk, a vanished folder: the old page is untouched
        raise click.ClickException(f"cannot write '{target}': {error.strerror or error}") from None
    counts = [counted(len(analysis.claims), "claim"), counted(len(project.memos.entries), "memo")]
    message = f"wrote {target} ({', '.join(counts)}, {counted(report.warnings, 'warning')})"
    console().print(text(message, "bold green"), soft_wrap=True)
