"""The only click import: arguments -> library call -> render -> exit code."""

from __future__ import annotations

import enum
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from matrix import __version__, check
from matrix.problems import as_dict, as_line
from matrix.terminal import console, problems_view, verdict


class Exit(enum.IntEnum):
    OK = 0
    INVALID = 1
    USAGE = 2
    INTERRUPTED = 130


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


def root_option(function: F) -> F:
    return click.option(
        "--root",
        default=".",
        show_default=True,
        callback=_root,
        help="Project folder holding claims/ and seeds/.",
    )(function)


def _finish(code: Exit) -> NoReturn:
    sys.exit(int(code))


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="claims-matrix")
@click.option("--debug", is_flag=True, help="Show a traceback for unexpected errors.")
def main(debug: bool) -> None:
    """Validate curated policy claims and pivot them into comparison matrices."""


@main.command()
@root_option
@click.option("--strict", is_flag=True, help="Treat warnings as failures.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "text", "json"]),
    default="table",
    show_default=True,
    help="table: a readable table; text: one 'file:line:col: level code: message' line each; json: for scripts.",
)
@click.option(
    "--max-problems",
    type=click.IntRange(min=1),
    default=200,
    show_default=True,
    help="Print at most this many problems (table and text); the rest are counted.",
)
def validate(root: Path, strict: bool, fmt: str, max_problems: int) -> None:
    """Check the claims against the codebook and their source texts."""
    project, report = check(root)
    ok = report.passes(strict)
    if fmt == "json":
        payload = {
            "valid": ok,
            "strict": strict,
            "errors": report.errors,
            "warnings": report.warnings,
            "claims": len(project.claims),
            "files": len(project.files),
            "problems": [as_dict(p) for p in report.problems],
        }
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    elif fmt == "text":
        for problem in report.problems[:max_problems]:
            click.echo(as_line(problem))
        hidden = len(report.problems) - max_problems
        if hidden > 0:
            click.echo(f"... and {hidden} more problems")
        click.echo(verdict(report, strict, len(project.claims), len(project.files)).plain)
    else:
        console().print(problems_view(report, strict, len(project.claims), len(project.files), max_problems))
    _finish(Exit.OK if ok else Exit.INVALID)


def run(args: Sequence[str] | None = None, prog_name: str = "claims-matrix") -> NoReturn:
    """Entry point: no traceback for any error unless --debug is given."""
    argv = list(sys.argv[1:] if args is None else args)
    try:
        main.main(argv, prog_name=prog_name, standalone_mode=False)
    except click.exceptions.Exit as done:
        _finish(Exit(done.exit_code) if done.exit_code in Exit._value2member_map_ else Exit.OK)
    except click.ClickException as error:
        error.show()
        _finish(Exit.USAGE if isinstance(error, click.UsageError) else Exit.INVALID)
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        _finish(Exit.INTERRUPTED)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        _finish(Exit.INTERRUPTED)
    except BrokenPipeError:
        _finish(Exit.OK)
    except Exception as error:
        if "--debug" in argv:
            raise
        click.echo(f"claims-matrix: internal error: {type(error).__name__}: {error}", err=True)
        click.echo("run again with --debug for the traceback, and report it", err=True)
        _finish(Exit.INVALID)
    _finish(Exit.OK)
