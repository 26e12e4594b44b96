"""The only click import: arguments -> library call -> render -> exit code."""

from __future__ import annotations

import functools
import math
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, cast

import click

from matrix.checks.pipeline import MAX_FILE_BYTES, InvalidProject, ProjectFiles, Shared, check, claims_file_count
from matrix.cli.process import Exit, exit_at_once, finish, keep, running
from matrix.files.paths import OutputRefused, check_output, output_folder
from matrix.model.problems import Report, did_you_mean, escaped, shown
from matrix.model.terms import COUNTS, UNSPECIFIED, VOICES, Unit
from matrix.model.terms import VERSION as __version__
from matrix.model.values import FILTER_DIMENSIONS, Filters, Project
from matrix.terminal import console, problems_view, progress, text
from matrix.time.periods import PERIOD_KINDS, PartialDate, parse_date, parse_span
from matrix.time.timeline import PeriodChoice, TimeRange

if TYPE_CHECKING:
    from matrix.analysis.findings import Findings
    from matrix.analysis.pivot import Analysis

F = TypeVar("F", bound=Callable[..., Any])


def unusable_path(value: str) -> str | None:
    """Why the OS would refuse `value` as a path before looking (a NUL character, a name
    longer than a file system holds), or None."""
    if "\x00" in value:
        return "holds a NUL character"
    encoded = os.fsencode(value)
    if len(encoded) >= 4096 or any(len(part) > 255 for part in encoded.split(b"/")):
        return "is longer than a file system holds (255 bytes a name, 4,095 a path)"
    return None


class PathType(click.Path):
    """click.Path, refusing first what `unusable_path` refuses (a usage error, never an OSError)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and (why := unusable_path(value)) is not None:
            self.fail(f"{shown(value, 80)} {why}", param, ctx)
        return super().convert(value, param, ctx)


def _root(ctx: click.Context, param: click.Parameter, value: str) -> Path:
    why = unusable_path(value)
    if why is not None:
        raise click.BadParameter(f"{shown(value, 80)} {why}", ctx, param)
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

    @property
    def files(self) -> ProjectFiles:
        """Where the project's files are: under the root, read up to the size limit."""
        return ProjectFiles(self.root, max_bytes=self.max_bytes)

    def load(self, files: ProjectFiles | None = None, shared: Shared | None = None) -> tuple[Project, Report]:
        """check() with a progress bar on a terminal while the claims files are read: the
        project's files, or those `files` says (another version, another coder's coding);
        sharing with the other versions read in this run what `shared` holds."""
        files = files or self.files
        with progress("reading claims", claims_file_count(files)) as advance:
            loaded = check(files, self.cache, advance, shared)
        keep(loaded)  # freed by the process's exit, not object by object
        return loaded

    def checked(
        self,
        strict: bool = False,
        version: str | None = None,
        files: ProjectFiles | None = None,
        shared: Shared | None = None,
    ) -> tuple[Project, Report]:
        """Load and validate (InvalidProject, naming `version` if given, unless the report
        passes); check the filter ids."""
        project, report = self.load(files, shared)
        if not report.passes(strict):
            raise InvalidProject(project, report, strict, version)
        assert project.codebook is not None
        known = {
            "perspective": project.codebook.ids("perspectives"),
            "topic": project.codebook.ids("topics"),
            "actor": project.codebook.ids("actors"),
            "source": tuple(s.id for s in project.sources),
            "voice": (*VOICES, UNSPECIFIED),
        }
        for dimension, values in self.filters.items():
            for value in values:
                if value not in known[dimension]:
                    hint = did_you_mean(value, known[dimension])
                    raise click.BadParameter(f"unknown id {shown(value)}; {hint}", param_hint=f"--{dimension}")
        return project, report

    def findings(self, analysis: Analysis, project: Project, report: Report) -> Findings:
        """The key findings of `analysis`, its caveats reading the project's files and cache."""
        from matrix.analysis.context import finding_context
        from matrix.analysis.findings import findings

        return findings(analysis, finding_context(analysis, project, report, self.files, self.cache))

    def destination(self, out: Path | None, project: Project, default: str) -> tuple[Path, Path]:
        """Where a command writes: `out`, or output/`default` under the root (that folder made);
        as given, for messages, and as checked by `output` (with the default's suffix)."""
        target = self.root / "output" / default if out is None else out
        if out is None:
            try:
                output_folder(target.parent, self.root)
            except OutputRefused as refused:
                raise click.BadParameter(str(refused), param_hint="--out") from None
        return target, self.output(target, project, Path(default).suffix)

    def output(self, path: Path, project: Project, suffix: str) -> Path:
        """`path` checked as an output (never an input); a usage error otherwise."""
        try:
            return check_output(path, [project.root / p for p in project.inputs], (suffix,), self.root)
        except OutputRefused as refused:
            raise click.BadParameter(str(refused), param_hint="--out") from None


class FiniteRange(click.FloatRange):
    """The type of every number option that takes a fraction: a finite number within the range
    (nan, inf and text that overflows a float, such as 1e999, are usage errors; nan would pass
    every comparison, inf every limit)."""

    name = "finite number"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


MAX_FILE_SIZE_MB = 1_048_576  # --max-file-size at most 1 TB (a larger number would overflow the byte count)


def _stack(function: F, options: Sequence[Callable[[F], F]]) -> F:
    """`options` applied so that they list in --help in the order given."""
    for option in reversed(options):
        function = option(function)
    return function


def root_option(function: F) -> F:
    """--root: the project folder (alone, for the commands that write into a project)."""
    return click.option(
        "--root",
        default=".",
        metavar="DIR",
        show_default=True,
        callback=_root,
        help="Project folder holding claims/ and seeds/.",
    )(function)


def project_options(function: F) -> F:
    """--root, --no-cache and --max-file-size: handed to the command unchanged (see Inputs.of)."""
    return _stack(
        function,
        [
            root_option,
            click.option("--no-cache", is_flag=True, help="Ignore and do not write the cache in DIR/.cache."),
            click.option(
                "--max-file-size",
                type=FiniteRange(min=0, min_open=True, max=MAX_FILE_SIZE_MB),
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
                metavar="VOICE" if dimension == "voice" else "ID",
                help=(
                    f"Only claims in this voice: {', '.join(VOICES)} or {UNSPECIFIED} (repeatable)."
                    if dimension == "voice"
                    else f"Only claims with this {dimension} id (repeatable)."
                    + (" A claim with sides is kept for each side's actor." if dimension == "actor" else "")
                ),
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
    return click.option("--out", type=PathType(path_type=Path), default=None, metavar="FILE", help=help)


def number_option(name: str, minimum: int, default: int, help: str) -> Callable[[F], F]:
    """A whole-number option of at least `minimum`, its default shown in --help."""
    return click.option(name, type=click.IntRange(min=minimum), default=default, show_default=True, help=help)


def width_option(function: F) -> F:
    """--width N: lay tables out for N columns (None: the table-width rule decides)."""
    return click.option(
        "--width",
        type=click.IntRange(min=40, max=10_000),
        default=None,
        metavar="N",
        help="Lay tables out for N columns; what does not fit is cut with '…'  [default: the terminal's"
        " width; piped, COLUMNS if set, else as wide as the content: nothing folded or cut]",
    )(function)


def count_option(function: F) -> F:
    """--count claims|sources: the unit the matrices count."""
    return click.option(
        "--count",
        type=click.Choice(COUNTS),
        default=Unit.CLAIMS.value,
        callback=lambda ctx, param, value: Unit(value),
        show_default=True,
        help="What a matrix cell counts: claims, or sources (each at most once per stance and per approach).",
    )(function)


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> PartialDate | None:
    """A --since/--until value, parsed (once: the command gets the date)."""
    date = None if value is None else parse_date(value)
    if value is not None and date is None:
        raise click.BadParameter(f"{shown(value)} is not a date: use YYYY-MM-DD, YYYY-MM or YYYY", ctx, param)
    return date


def _span(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A --window/--step value, checked and passed on as typed."""
    if value is not None and parse_span(value) is None:
        raise click.BadParameter(f"{shown(value)} is not a span of months: use e.g. 12M, 3M or 1Y", ctx, param)
    return value


def time_options(function: F) -> F:
    """--since and --until: only claims dated in that range (undated ones are left out, and
    counted); the command gets them as one `time_range` (parsed_time_range)."""

    @functools.wraps(function)
    def command(**values: Any) -> Any:
        since, until = values.pop("since"), values.pop("until")
        return function(**values, time_range=parsed_time_range(since, until))

    return _stack(
        cast(F, command),
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
    """--period, or --window with --step: how time is cut into periods; the command gets them
    as one `periods` (parsed_periods)."""

    @functools.wraps(function)
    def command(**values: Any) -> Any:
        period, window, step = values.pop("period"), values.pop("window"), values.pop("step")
        return function(**values, periods=parsed_periods(period, window, step))

    return _stack(
        cast(F, command),
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


def parsed_time_range(since: PartialDate | None, until: PartialDate | None) -> TimeRange:
    """The time range of --since and --until (already parsed by their option); a usage error when it is empty."""
    try:
        return TimeRange.of(since, until)
    except ValueError as error:
        raise click.UsageError(str(error)) from None


def parsed_periods(period: str | None, window: str | None, step: str | None) -> PeriodChoice:
    try:
        return PeriodChoice.parse(period, window, step)
    except ValueError as error:
        raise click.UsageError(str(error)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="claims-matrix")
@click.option("--debug", is_flag=True, help="Show a traceback for unexpected errors.")
def main(debug: bool) -> None:
    """Validate curated policy claims and pivot them into comparison matrices."""


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
    err.print(problems_view(report, invalid.strict, len(project.claims), len(project.files), 50, err.width))
    err.print(text("nothing was written: fix the problems above (claims-matrix validate lists them all)", "bold"))


def _interrupted() -> NoReturn:
    click.echo("interrupted", err=True)
    finish(Exit.INTERRUPTED)


def _while_interrupted(error: BaseException) -> bool:
    """Whether `error` was raised while a Ctrl-C or SIGTERM unwound the command (a clean-up that
    failed half-way, such as a zip file closed with a member still open): the interrupt is
    what happened, not the error that hid it."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return True
        seen.add(id(cause))
        cause = cause.__context__
    return False


def _unencodable_escaped() -> None:
    """Standard output and error write what they cannot encode (a file name that is not UTF-8,
    given on the command line) as an escape, instead of failing."""
    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", None) == "strict" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def _run(argv: list[str], prog_name: str) -> NoReturn:
    _unencodable_escaped()
    with running():
        try:
            main.main(argv, prog_name=prog_name, standalone_mode=False)
        except InvalidProject as invalid:
            _invalid(invalid)
            finish(Exit.INVALID)
        except click.exceptions.Exit as done:
            finish(Exit(done.exit_code) if done.exit_code in Exit._value2member_map_ else Exit.OK)
        except (click.exceptions.Abort, KeyboardInterrupt):
            _interrupted()
        except click.ClickException as error:
            if _while_interrupted(error):
                _interrupted()
            error.show()
            finish(Exit.USAGE if isinstance(error, click.UsageError) else Exit.INVALID)
        except BrokenPipeError:
            finish(Exit.OK)
        except Exception as error:
            if _while_interrupted(error):
                _interrupted()
            if "--debug" in argv:
                raise
            click.echo(f"claims-matrix: internal error: {type(error).__name__}: {escaped(str(error))}", err=True)
            click.echo("run again with --debug for the traceback, and report it", err=True)
            finish(Exit.INVALID)
    finish(Exit.OK)


# The commands register on `main` as their modules are imported.
from matrix.cli import checking, network, outputs, projects, publishing, versions

__all__ = ["checking", "main", "network", "outputs", "projects", "publishing", "run", "versions"]
