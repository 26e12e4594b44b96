"""The network command: discourse networks as GraphML, GEXF, CSV or JSON."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from matrix.cli import (
    Inputs,
    count_option,
    filter_options,
    format_option,
    main,
    number_option,
    out_option,
    period_options,
    project_options,
    time_options,
)
from matrix.files.paths import atomic_output
from matrix.model.terms import Unit
from matrix.model.values import Filters
from matrix.model.wording import counted
from matrix.terminal import console, text
from matrix.time.timeline import PeriodChoice, TimeRange, left_out


@main.command()
@project_options
@filter_options
@click.option(
    "--nodes",
    type=click.Choice(["source", "perspective", "actor"]),
    default="source",
    show_default=True,
    help="What a node is; an actor's claims are those whose actor it is or that code a side for it.",
)
@click.option(
    "--mode",
    type=click.Choice(["onemode", "twomode"]),
    default="onemode",
    show_default=True,
    help="onemode: nodes tied by the topics they agree or disagree on; twomode: nodes x topics.",
)
@click.option(
    "--qualifier",
    type=click.Choice(["congruence", "conflict", "subtract"]),
    default=None,
    help="One-mode edge weight: congruent topics, conflicting topics, or their difference  [default: subtract]",
)
@click.option(
    "--normalize",
    type=click.Choice(["none", "average", "jaccard", "cosine"]),
    default=None,
    help="One-mode weight divided by the pair's average activity, Jaccard or cosine term (as DNA)  [default: none]",
)
@number_option("--min-claims", 1, 1, "Leave out nodes with fewer claims than this.")
@format_option(["graphml", "gexf", "csv", "json"], "File format (csv: NAME.nodes.csv and NAME.edges.csv).", "graphml")
@out_option("File to write  [default: DIR/output/network.FORMAT]")
@count_option
@time_options
@period_options
def network(
    root: Path,
    no_cache: bool,
    max_file_size: float,
    nodes: str,
    mode: str,
    qualifier: str | None,
    normalize: str | None,
    min_claims: int,
    fmt: str,
    out: Path | None,
    count: Unit,
    time_range: TimeRange,
    periods: PeriodChoice,
    **filters: tuple[str, ...],
) -> None:
    """Write the discourse network: sources, perspectives or actors tied by the topics on which
    they agree (congruence) or disagree (conflict), every edge naming its topics and claims."""
    from matrix.analysis.network import Options, networks
    from matrix.analysis.network.formats import files

    if mode == "twomode" and (qualifier is not None or normalize is not None):
        raise click.UsageError("--qualifier and --normalize weigh one-mode edges; a two-mode edge is a net index")
    options = Options(nodes, mode, qualifier or "subtract", normalize or "none", min_claims, count.value)
    inputs = Inputs.of(root, no_cache, max_file_size, Filters(**filters))
    project, _ = inputs.checked()
    target, resolved = inputs.destination(out, project, f"network.{fmt}")
    built = networks(project, options, inputs.filters, time_range, periods)
    written = files(built, fmt, target.name)
    targets = {name: inputs.output(target.with_name(name), project, f".{fmt}") for name in written}
    del resolved  # each file checked on its own, the one named by --out among them
    try:
        with contextlib.ExitStack() as stack:  # every file replaced only when all are written
            for name, body in written.items():
                stack.enter_context(atomic_output(targets[name])).write(body)
    except OSError as error:  # a full disk, a vanished folder: the old files are untouched
        raise click.ClickException(f"cannot write '{target}': {error.strerror or error}") from None
    if built.selection is not None:
        click.echo(left_out(time_range, built.selection), err=True)
    if built.kind is not None and built.undated:
        verb = "is" if built.undated == 1 else "are"
        click.echo(f"{counted(built.undated, 'undated claim')} {verb} in no period", err=True)
    out_console = console()
    shown = built.by_period if built.kind is not None else (built.whole,)
    size = ", ".join(
        f"{n.period.label + ': ' if n.period else ''}{counted(len(n.nodes), 'node')}, {counted(len(n.edges), 'edge')}"
        for n in shown
    )
    for name in written:
        out_console.print(text(f"wrote {target.with_name(name)}", "bold green"), soft_wrap=True)
    out_console.print(
        text(f"{options.nodes} {options.mode} network: {size}" if shown else "no dated claims", "dim"), soft_wrap=True
    )
