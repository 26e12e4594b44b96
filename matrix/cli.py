"""The only click import: arguments -> library call -> render -> exit code."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from matrix import __version__
from matrix.claims_schema import SCHEMA_FILE
from matrix.github import annotated_lines
from matrix.model import FILTER_DIMENSIONS, Filters, Project
from matrix.paths import OutputRefused, atomic_output, check_output, lock_files
from matrix.periods import PERIOD_KINDS, parse_date, parse_span
from matrix.pipeline import (
    MAX_FILE_BYTES,
    InvalidProject,
    Layout,
    check,
    claims_file_count,
    coverage_in_background,
)
from matrix.problems import Report, as_line, did_you_mean, escaped
from matrix.process import Exit, exit_at_once, finish, keep, running
from matrix.terminal import (
    agreement_view,
    console,
    coverage_view,
    diff_view,
    period_view,
    problems_view,
    progress,
    summary_view,
    text,
    verdict,
)
from matrix.timeline import PeriodChoice, TimeRange, left_out

if TYPE_CHECKING:
    from matrix.diff import Side
    from matrix.revisions import Version

F = TypeVar("F", bound=Callable[..., Any])


def _root(ctx: click.Context, param: click.Parameter, value: str) -> Path:
    root = Path(value)
    if not root.is_dir():
        raise click.BadParameter(f"'{value}' is not a folder", ctx, param)
    if not (root / "claims").is_dir():
        raise click.BadParameter(
            f"'{value}' has no claims/ folder; run from the project folder or pass --root", ctx, param
        )
    return root


@dataclass(frozen=True)
class Inputs:
    """What every command reads, and how: the values of the shared options, built in one place."""

    root: Path
    cache: bool
    max_bytes: int
    filters: Filters

    @classmethod
    def of(cls, root: Path, no_cache: bool, max_file_size: float, filters: Filters | None = None) -> Inputs:
        """From the values of `project_options` (and, where the command has them, `filter_options`)."""
        return cls(root, not no_cache, int(max_file_size * 1024 * 1024), filters or Filters())

    def load(self, cache_root: Path | None = None, layout: Layout | None = None) -> tuple[Project, Report]:
        """check() with a progress bar on a terminal while the claims files are read; the cache
        of `cache_root` (default: the root's); the files where `layout` says."""
        layout = layout or Layout()
        with progress("reading claims", claims_file_count(self.root, layout)) as advance:
            loaded = check(
                self.root, self.cache, advance=advance, max_bytes=self.max_bytes, cache_root=cache_root, layout=layout
            )
        keep(loaded)  # freed by the process's exit, not object by object
        return loaded

    def checked(
        self,
        strict: bool = False,
        cache_root: Path | None = None,
        version: str | None = None,
        layout: Layout | None = None,
    ) -> tuple[Project, Report]:
        """Load and validate (InvalidProject, naming `version` if given, unless the report
        passes); check the filter ids."""
        project, report = self.load(cache_root, layout)
        if not report.passes(strict):
            raise InvalidProject(project, report, strict, version)
        assert project.codebook is not None
        known = {
            "perspective": project.codebook.ids("perspectives"),
            "topic": project.codebook.ids("topics"),
            "actor": project.codebook.ids("actors"),
            "source": tuple(s.id for s in project.sources),
        }
        for dimension, values in self.filters.items():
            for value in values:
                if value not in known[dimension]:
                    hint = did_you_mean(value, known[dimension])
                    raise click.BadParameter(f"unknown id '{value}'; {hint}", param_hint=f"--{dimension}")
        return project, report

    def output(self, path: Path, project: Project, suffix: str) -> Path:
        """`path` checked as an output (never an input); a usage error otherwise."""
        try:
            return check_output(path, [project.root / p for p in project.inputs], (suffix,))
        except OutputRefused as refused:
            raise click.BadParameter(str(refused), param_hint="--out") from None


def _stack(function: F, options: Sequence[Callable[[F], F]]) -> F:
    """`options` applied so that they list in --help in the order given."""
    for option in reversed(options):
        function = option(function)
    return function


def project_options(function: F) -> F:
    """--root, --no-cache and --max-file-size: handed to the command unchanged (see Inputs.of)."""
    return _stack(
        function,
        [
            click.option(
                "--root",
                default=".",
                metavar="DIR",
                show_default=True,
                callback=_root,
                help="Project folder holding claims/ and seeds/.",
            ),
            click.option("--no-cache", is_flag=True, help="Ignore and do not write the cache in DIR/.cache."),
            click.option(
                "--max-file-size",
                type=click.FloatRange(min=0, min_open=True),
                default=MAX_FILE_BYTES / 1024 / 1024,
                show_default=True,
                metavar="MB",
                help="Largest YAML file read, in MB; a larger one is reported, not read.",
            ),
        ],
    )


def filter_options(function: F) -> F:
    """One repeatable --DIMENSION option per filter dimension, passed on as `DIMENSIONs` (see Filters)."""
    return _stack(
        function,
        [
            click.option(
                f"--{dimension}",
                f"{dimension}s",
                multiple=True,
                metavar="ID",
                help=f"Only claims with this {dimension} id (repeatable).",
            )
            for dimension in FILTER_DIMENSIONS
        ],
    )


def format_option(choices: list[str], help: str, default: str | None = None) -> Callable[[F], F]:
    """--format (passed on as `fmt`): one of `choices`; required when there is no default."""
    shown = {"default": default, "show_default": True} if default is not None else {"required": True}
    return click.option("--format", "fmt", type=click.Choice(choices), help=help, **shown)


def out_option(help: str) -> Callable[[F], F]:
    """--out FILE: where to write (None: the command's default, which `help` names)."""
    return click.option("--out", type=click.Path(path_type=Path), default=None, metavar="FILE", help=help)


def number_option(name: str, minimum: int, default: int, help: str) -> Callable[[F], F]:
    """A whole-number option of at least `minimum`, its default shown in --help."""
    return click.option(name, type=click.IntRange(min=minimum), default=default, show_default=True, help=help)


def count_option(function: F) -> F:
    """--count claims|sources: the unit the matrices count."""
    return click.option(
        "--count",
        type=click.Choice(["claims", "sources"]),
        default="claims",
        show_default=True,
        help="What a matrix cell counts: claims, or sources (each at most once per stance and per approach).",
    )(function)


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A --since/--until value, checked and passed on as typed."""
    if value is not None and parse_date(value) is None:
        raise click.BadParameter(f"'{value}' is not a date: use YYYY-MM-DD, YYYY-MM or YYYY", ctx, param)
    return value


def _span(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A --window/--step value, checked and passed on as typed."""
    if value is not None and parse_span(value) is None:
        raise click.BadParameter(f"'{value}' is not a span of months: use e.g. 12M, 3M or 1Y", ctx, param)
    return value


def time_options(function: F) -> F:
    """--since and --until: only claims dated in that range (undated ones are left out, and counted)."""
    return _stack(
        function,
        [
            click.option(
                f"--{name}",
                metavar="DATE",
                default=None,
                callback=_date,
                help=f"Only claims dated {name} DATE, inclusive (YYYY-MM-DD, YYYY-MM or YYYY); leaves out undated claims.",
            )
            for name in ("since", "until")
        ],
    )


def period_options(function: F) -> F:
    """--period, or --window with --step: how time is cut into periods."""
    return _stack(
        function,
        [
            click.option(
                "--period",
                type=click.Choice(list(PERIOD_KINDS)),
                default=None,
                help="Calendar periods of the timeline  [default: chosen from the span of the dates]",
            ),
            click.option(
                "--window",
                metavar="SPAN",
                default=None,
                callback=_span,
                help="Overlapping windows of SPAN months instead (12M, 1Y); a claim counts in each holding its date.",
            ),
            click.option(
                "--step",
                metavar="SPAN",
                default=None,
                callback=_span,
                help="How far each window starts after the last (with --window)  [default: 1M]",
            ),
        ],
    )


def _time_range(since: str | None, until: str | None) -> TimeRange:
    try:
        return TimeRange.parse(since, until)
    except ValueError as error:
        raise click.UsageError(str(error)) from None


def _periods(period: str | None, window: str | None, step: str | None) -> PeriodChoice:
    try:
        return PeriodChoice.parse(period, window, step)
    except ValueError as error:
        raise click.UsageError(str(error)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="claims-matrix")
@click.option("--debug", is_flag=True, help="Show a traceback for unexpected errors.")
def main(debug: bool) -> None:
    """Validate curated policy claims and pivot them into comparison matrices."""


@main.command()
@project_options
@click.option("--strict", is_flag=True, help="Treat warnings as failures.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "text", "json", "github"]),
    default=None,
    help="table: a readable table; text: one 'file:line:col: level code: message' line each; json: for scripts;"
    " github: GitHub Actions annotations, then the text lines  [default: github when GITHUB_ACTIONS=true, else table]",
)
@number_option("--max-problems", 1, 200, "Print at most this many problems (table and text); the rest are counted.")
def validate(
    root: Path, no_cache: bool, max_file_size: float, strict: bool, fmt: str | None, max_problems: int
) -> None:
    """Check the claims against the codebook and their source texts."""
    project, report = Inputs.of(root, no_cache, max_file_size).load()
    ok = report.passes(strict)
    if fmt is None:  # as yamllint does: annotations where GitHub Actions shows them
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "table"
    if fmt == "json":
        payload = report.to_dict(strict, len(project.claims), len(project.files))
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    elif fmt in ("text", "github"):
        listed = report.problems[:max_problems]
        for line in annotated_lines(listed) if fmt == "github" else map(as_line, listed):
            click.echo(line)
        hidden = len(report.problems) - max_problems
        if hidden > 0:
            click.echo(f"... and {hidden} more problems")
        click.echo(verdict(report, strict, len(project.claims), len(project.files)).plain)
    else:
        console().print(problems_view(report, strict, len(project.claims), len(project.files), max_problems))
    finish(Exit.OK if ok else Exit.INVALID)


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
    count: str,
    since: str | None,
    until: str | None,
    period: str | None,
    window: str | None,
    step: str | None,
    **filters: tuple[str, ...],
) -> None:
    """Validate, then write the Excel workbook and print the summary."""
    from matrix.pivot import analyse
    from matrix.workbook import COVERAGE_ROWS, write_workbook

    time_range, periods = _time_range(since, until), _periods(period, window, step)
    inputs = Inputs.of(root, no_cache, max_file_size, Filters(**filters))
    target = inputs.root / "output" / "claims-matrix.xlsx" if out is None else out
    project, report = inputs.checked(strict)
    if out is None:
        target.parent.mkdir(parents=True, exist_ok=True)
    resolved = inputs.output(target, project, ".xlsx")
    for lock in lock_files(resolved):
        click.echo(
            f"warning: '{lock.name}' suggests '{target.name}' is open in a spreadsheet; close it to see the new version",
            err=True,
        )
    # the Coverage sheet's figures are worked out by a child process meanwhile
    covering = coverage_in_background(project, report, inputs.filters.sources, COVERAGE_ROWS)
    try:
        with covering:
            analysis = analyse(project, report, inputs.filters, count, time_range)
            rows = len(analysis.claims) + (len(analysis.passages) if analysis.passages is not None else 0)
            with progress("writing workbook", rows, scale=100) as advance:  # Claims and Evidence rows
                write_workbook(analysis, report, project, resolved, advance, covering.result, periods)
    except PermissionError as error:
        raise click.ClickException(
            f"cannot write '{target}': {error.strerror} (is it open in another program?)"
        ) from None
    except OSError as error:  # a full disk, a vanished folder: the old workbook is untouched
        raise click.ClickException(f"cannot write '{target}': {error.strerror or error}") from None
    out_console = console()
    if not quiet:
        out_console.print(summary_view(analysis, width=out_console.width))
    elif analysis.selection is not None:
        out_console.print(text(left_out(time_range, analysis.selection), "dim"), soft_wrap=True)
    message = text(f"wrote {target} ({len(analysis.claims)} claims, {report.warnings} warnings)", "bold green")
    out_console.print(message, soft_wrap=True)


@main.command()
@project_options
@filter_options
@format_option(["table", "json"], "table: rich tables; json: the same numbers for scripts.", default="table")
@click.option(
    "--width", type=click.IntRange(min=40), default=None, help="Render for this many columns (default: the terminal's)."
)
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
    count: str,
    since: str | None,
    until: str | None,
    by_period: bool,
    period: str | None,
    window: str | None,
    step: str | None,
    **filters: tuple[str, ...],
) -> None:
    """Print the stance and approach matrices, top contrasts and totals (or, --by-period, the
    net index of each topic per period)."""
    from matrix.pivot import analyse, analysis_timeline, summary_numbers

    time_range, periods = _time_range(since, until), _periods(period, window, step)
    inputs = Inputs.of(root, no_cache, max_file_size, Filters(**filters))
    project, report = inputs.checked()
    analysis = analyse(project, report, inputs.filters, count, time_range)
    if by_period or periods.given:
        line = analysis_timeline(analysis, project, periods)
        if fmt == "json":
            click.echo(
                json.dumps({"filters": inputs.filters.describe(), **line.to_dict()}, indent=2, ensure_ascii=False)
            )
        else:
            out_console = console(width=width)
            out_console.print(period_view(line, analysis.codebook.label, width=out_console.width))
    elif fmt == "json":
        click.echo(json.dumps(summary_numbers(analysis), indent=2, ensure_ascii=False))
    else:
        out_console = console(width=width)
        out_console.print(summary_view(analysis, width=out_console.width))


@main.command()
@project_options
@filter_options
@format_option(["csv", "json"], "csv or json: one row/record per claim (or passage), every field, locations included.")
@click.option(
    "--per",
    type=click.Choice(["claim", "passage"]),
    default="claim",
    show_default=True,
    help="claim: one row per claim, its passages joined by ' … ¶ '; passage: one row per passage.",
)
@out_option("File to write  [default: standard output]")
@click.option(
    "--raw",
    is_flag=True,
    help="CSV: write text exactly as typed, for R or pandas (by default text that starts with"
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
    since: str | None,
    until: str | None,
    **filters: tuple[str, ...],
) -> None:
    """Write the flat claims table for R, pandas or a spreadsheet."""
    from matrix.pivot import analyse, claims_csv, claims_records

    time_range = _time_range(since, until)
    inputs = Inputs.of(root, no_cache, max_file_size, Filters(**filters))
    project, report = inputs.checked()
    analysis = analyse(project, report, inputs.filters, time_range=time_range)
    if analysis.selection is not None:
        click.echo(left_out(time_range, analysis.selection), err=True)
    claims = analysis.passages if per == "passage" and analysis.passages is not None else analysis.claims
    if fmt == "csv":
        body = claims_csv(claims, raw=raw)
    else:
        body = json.dumps(claims_records(claims), indent=2, ensure_ascii=False) + "\n"
    if out is None:
        click.echo(body, nl=False)
        return
    with atomic_output(inputs.output(out, project, f".{fmt}")) as handle:
        handle.write(body.encode("utf-8"))
    click.echo(f"wrote {out} ({len(claims)} {'passages' if per == 'passage' else 'claims'})", err=True)


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
    count: str,
    **filters: tuple[str, ...],
) -> None:
    """Write the brief: one self-contained HTML page to share (opens offline, on a phone too)."""
    from matrix.pivot import analyse
    from matrix.report import brief_of, render_brief

    inputs = Inputs.of(root, no_cache, max_file_size, Filters(**filters))
    target = inputs.root / "output" / "claims-matrix.html" if out is None else out
    project, report = inputs.checked(strict)
    if out is None:
        target.parent.mkdir(parents=True, exist_ok=True)
    resolved = inputs.output(target, project, ".html")
    analysis = analyse(project, report, inputs.filters, count)
    page = render_brief(brief_of(analysis, project)).encode("utf-8")
    try:
        with atomic_output(resolved) as handle:
            handle.write(page)
    except OSError as error:  # a full disk, a vanished folder: the old page is untouched
        raise click.ClickException(f"cannot write '{target}': {error.strerror or error}") from None
    message = f"wrote {target} ({len(analysis.claims)} claims, {len(project.memos.entries)} memos, {report.warnings} warnings)"
    console().print(text(message, "bold green"), soft_wrap=True)


@main.command(name="coverage")
@project_options
@click.option("--source", "sources", multiple=True, metavar="ID", help="Only this source (repeatable).")
@number_option("--min-score", 0, 1, "Only sentences with at least this many distinct cues.")
@number_option("--limit", 1, 20, "List at most this many uncovered sentences (table).")
@click.option("--stubs", is_flag=True, help="Print ready-to-paste YAML claim stubs for the listed sentences instead.")
@format_option(
    ["table", "json"],
    "table: figures and the best sentences; json: figures and every scored sentence.",
    default="table",
)
def coverage_command(
    root: Path,
    no_cache: bool,
    max_file_size: float,
    sources: tuple[str, ...],
    min_score: int,
    limit: int,
    stubs: bool,
    fmt: str,
) -> None:
    """Find the passages of each source that no claim has coded yet."""
    from matrix.coverage import coverage, stubs_yaml

    project, report = Inputs.of(root, no_cache, max_file_size, Filters(sources=sources)).checked()
    result = coverage(project, report, sources, min_score, limit=None if fmt == "json" and not stubs else limit)
    if stubs:
        click.echo(stubs_yaml(result.candidates, project), nl=False)
    elif fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        console().print(coverage_view(result, limit))


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
def diff_command(
    root: Path,
    no_cache: bool,
    max_file_size: float,
    old: str,
    new: str | None,
    count: str,
    fmt: str,
    out: Path | None,
    exit_code: bool,
    since: str | None,
    until: str | None,
    **filters: tuple[str, ...],
) -> None:
    """What changed between two versions of the coding: claims and matrix cells.

    OLD and NEW are project folders or git:REV (any revision git knows: git:HEAD~3, git:v1.2, a
    branch); OLD defaults to git:HEAD, NEW to the working tree of --root."""
    from matrix.diff import compare
    from matrix.revisions import RevisionError, Version, checkout

    time_range = _time_range(since, until)
    inputs = Inputs.of(root, no_cache, max_file_size, Filters(**filters))
    try:
        with contextlib.ExitStack() as stack:
            before = stack.enter_context(checkout(old, root))
            after = stack.enter_context(checkout(new, root)) if new else Version("working tree", root)
            sides = [_diff_side(version, inputs, count, time_range) for version in (before, after)]
            (old_side, _), (new_side, project) = sides
            target = None if out is None else inputs.output(out, project, ".xlsx")
    except RevisionError as error:
        raise click.UsageError(str(error)) from None
    result = compare(old_side, new_side)
    if target is not None:
        from matrix.workbook import write_changes

        write_changes(result, target)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        console().print(diff_view(result))
    finish(Exit.INVALID if exit_code and not result.empty else Exit.OK)


def _diff_side(version: Version, inputs: Inputs, count: str, time_range: TimeRange) -> tuple[Side, Project]:
    """One version loaded (sharing the project's cache), validated and pivoted; its problems
    shown with the version named, and exit 1, when it does not validate. A time range keeps
    the claims dated in it on this side (by this side's dates), and says what it left out."""
    from matrix.diff import Side
    from matrix.pivot import analyse, summary_numbers

    side = replace(inputs, root=version.root)
    project, report = side.checked(cache_root=inputs.root, version=version.label)
    analysis = analyse(project, report, inputs.filters, count, time_range)
    numbers = summary_numbers(analysis)
    files = [(f.file, f.source, f.claims) for f in project.files]
    if analysis.selection is not None:
        kept = analysis.selection.ids()
        files = [(file, source, tuple(c for c in claims if c.id in kept)) for file, source, claims in files]
        click.echo(f"{version.label}: {left_out(time_range, analysis.selection)}", err=True)
    return Side.of(version.label, files, numbers, inputs.filters), project


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
    type=click.FloatRange(min=-1, max=1),
    default=None,
    metavar="X",
    help="Exit 1 when a field's alpha is defined and below X (for CI).",
)
def agree_command(
    root: Path,
    no_cache: bool,
    max_file_size: float,
    others: tuple[str, ...],
    sources: tuple[str, ...],
    fmt: str,
    out: Path | None,
    min_alpha: float | None,
) -> None:
    """How far other coders' codings of the project agree with this one, and where they part.

    OTHER is another coder's coding: a project folder (with claims/), a folder of claims files
    (their text: paths resolve against --root), or git:REV. Their codebook if they have one,
    else the project's."""
    from matrix.agreement import OURS, Coding, agreement, coder_names
    from matrix.pipeline import coding_layout
    from matrix.revisions import RevisionError, checkout

    inputs = Inputs.of(root, no_cache, max_file_size, Filters(sources=sources))
    codings = [Coding(OURS, *inputs.checked(version=OURS))]
    try:
        with contextlib.ExitStack() as stack:
            for spec, name in zip(others, coder_names(others), strict=True):
                version = stack.enter_context(checkout(spec, root))
                side_root, layout = coding_layout(version.root, root)
                if not claims_file_count(side_root, layout):
                    raise click.UsageError(
                        f"'{spec}' holds no claims files: give a project folder, a claims folder or git:REV"
                    )
                side = replace(inputs, root=side_root, filters=Filters())
                codings.append(Coding(name, *side.checked(cache_root=root, version=name, layout=layout)))
    except RevisionError as error:
        raise click.UsageError(str(error)) from None
    target = None if out is None else inputs.output(out, codings[0].project, ".xlsx")
    result = agreement(codings, sources)
    if target is not None:
        from matrix.workbook import write_agreement

        write_agreement(result, target)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        console().print(agreement_view(result))
    below = result.below(min_alpha) if min_alpha is not None else ()
    if below:
        shown = ", ".join(f"{f.field} {f.alpha:.3f}" for f in below)
        click.echo(f"alpha below {min_alpha:g}: {shown}", err=True)
        finish(Exit.INVALID)


def root_option(function: F) -> F:
    """--root alone, for the commands that write into a project rather than read it."""
    return click.option(
        "--root",
        default=".",
        metavar="DIR",
        show_default=True,
        callback=_root,
        help="Project folder holding claims/ and seeds/.",
    )(function)


def _entry_ids(kind: str) -> Callable[[click.Context, click.Parameter, tuple[str, ...]], tuple[str, ...]]:
    """A callback rejecting codebook ids that `validate` would reject (a usage error)."""

    def check(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
        from matrix.starter import id_problems

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
    from matrix.corpus import Refused, init_project

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
    root: Path,
) -> None:
    """Copy a source text into seeds/ and write its claims file, with no claims yet."""
    from matrix.corpus import Refused, new_source, write_new_source

    fields = {"id": source_id, "title": title, "publisher": publisher, "author": author}
    fields |= {"published": published, "perspective": perspective, "url": url}
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
    from matrix.corpus import import_plan, read_table, write_plan
    from matrix.importing import ImportProblem, plan_lines

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
        raise click.ClickException(f"nothing was written: {plan.errors} errors in {table_path}")
    if write:
        write_plan(root, plan)
    for line in plan_lines(plan, written=write):
        click.echo(line)


@main.command(name="schema")
@root_option
@out_option(f"Where to write it  [default: DIR/{SCHEMA_FILE}]")
def schema_command(root: Path, out: Path | None) -> None:
    """Write the JSON Schema of claims files for the editor, from the codebook."""
    from matrix.corpus import codebook_of, write_schema

    inputs = Inputs.of(root, False, MAX_FILE_BYTES / 1024 / 1024)
    project, _ = inputs.load()
    codebook = codebook_of(project)
    target = root / SCHEMA_FILE if out is None else out
    write_schema(inputs.output(target, project, ".json"), codebook)
    counts = ", ".join(f"{len(getattr(codebook, kind))} {kind}" for kind in ("topics", "perspectives", "actors"))
    click.echo(f"wrote {target} ({counts})")


def run(args: Sequence[str] | None = None, prog_name: str = "claims-matrix") -> NoReturn:
    """Entry point: no traceback for any error unless --debug is given."""
    if args is None:  # a real process: leave without tearing down every object one by one
        exit_at_once()
        try:
            _run(sys.argv[1:], prog_name)
        except SystemExit as done:
            finish(done.code if isinstance(done.code, int) else Exit.INVALID)
    _run(list(args), prog_name)


def _invalid(invalid: InvalidProject) -> None:
    """The problems that stopped a command, on standard error."""
    project, report = invalid.project, invalid.report
    err = console(sys.stderr)
    if invalid.version is not None:
        err.print(text(f"{invalid.version} does not validate:", "bold"))
    err.print(problems_view(report, invalid.strict, len(project.claims), len(project.files), 50))
    err.print(text("nothing was written: fix the problems above (claims-matrix validate lists them all)", "bold"))


def _run(argv: list[str], prog_name: str) -> NoReturn:
    with running():
        try:
            main.main(argv, prog_name=prog_name, standalone_mode=False)
        except InvalidProject as invalid:
            _invalid(invalid)
            finish(Exit.INVALID)
        except click.exceptions.Exit as done:
            finish(Exit(done.exit_code) if done.exit_code in Exit._value2member_map_ else Exit.OK)
        except click.ClickException as error:
            error.show()
            finish(Exit.USAGE if isinstance(error, click.UsageError) else Exit.INVALID)
        except click.exceptions.Abort:
            click.echo("interrupted", err=True)
            finish(Exit.INTERRUPTED)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            finish(Exit.INTERRUPTED)
        except BrokenPipeError:
            finish(Exit.OK)
        except Exception as error:
            if "--debug" in argv:
                raise
            click.echo(f"claims-matrix: internal error: {type(error).__name__}: {escaped(str(error))}", err=True)
            click.echo("run again with --debug for the traceback, and report it", err=True)
            finish(Exit.INVALID)
    finish(Exit.OK)
