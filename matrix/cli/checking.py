"""The commands that check a project: validate, coverage."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from matrix.checks.github import annotated_lines
from matrix.cli import Inputs, format_option, main, number_option, project_options, width_option
from matrix.cli.process import Exit, finish
from matrix.model.problems import as_line
from matrix.model.values import Filters
from matrix.model.wording import counted
from matrix.terminal import console, coverage_view, problems_view, verdict


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
@width_option
def validate(
    root: Path,
    no_cache: bool,
    max_file_size: float,
    strict: bool,
    fmt: str | None,
    max_problems: int,
    width: int | None,
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
            click.echo(f"... and {counted(hidden, 'more problem')}")
        click.echo(verdict(report, strict, len(project.claims), len(project.files)).plain)
    else:
        out = console(width=width)
        out.print(problems_view(report, strict, len(project.claims), len(project.files), max_problems, out.width))
    finish(Exit.OK if ok else Exit.INVALID)


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
@width_option
def coverage_command(
    root: Path,
    no_cache: bool,
    max_file_size: float,
    sources: tuple[str, ...],
    min_score: int,
    limit: int,
    stubs: bool,
    fmt: str,
    width: int | None,
) -> None:
    """Find the passages of each source that no claim has coded yet."""
    from matrix.analysis.coverage import coverage, stubs_yaml

    project, report = Inputs.of(root, no_cache, max_file_size, Filters(sources=sources)).checked()
    result = coverage(project, report, sources, min_score, limit=None if fmt == "json" and not stubs else limit)
    if stubs:
        click.echo(stubs_yaml(result.candidates, project), nl=False)
    elif fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        console(width=width).print(coverage_view(result, limit))
