"""The timeline of `summary --by-period`: net index per topic and period."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from matrix.model.wording import counted
from matrix.terminal import cell_width, net_style, text
from matrix.terminal.summary import EMPTY
from matrix.time.timeline import UNDATED, left_out

if TYPE_CHECKING:  # the validate path must not import pandas
    from matrix.time.timeline import Timeline


PERIOD_TOPIC_WIDTH = 24  # the room a topic label keeps beside periods that fill the width
PERIOD_NAMES = {"year": "years", "quarter": "quarters", "month": "months", "window": "windows"}


def _period_heading(label: str) -> Text:
    """A period's label on two short lines: `2024` / `Q1`, `2024` / `03`, a window's first and
    last month; the undated column `un-` / `dated`."""
    if label == UNDATED:
        return Text("un-\ndated")
    if ".." in label:
        return Text("\n".join(label.split("..")))
    year, _, part = label.partition("-")
    return Text(f"{year}\n{part}" if part else year)


def _period_chunks(columns: list[str], room: int) -> list[list[str]]:
    """`columns` cut into runs that fit `room` cells (each column its width and one space)."""
    chunks: list[list[str]] = [[]]
    used = 0
    for column in columns:
        size = max(5, cell_width(_period_heading(column))) + 1
        if chunks[-1] and used + size > room:
            chunks.append([])
            used = 0
        chunks[-1].append(column)
        used += size
    return chunks


def period_view(line: Timeline, label: Callable[[str, str], str], width: int = 80) -> RenderableType:
    """Per perspective, one row per topic with claims: its net index in each period that holds
    claims (a dot: none from this perspective), then Undated; periods wrapped to `width`."""
    held = [p.label for p in line.held_periods]
    columns = held + ([UNDATED] if line.has_undated else [])
    # the labels whole where the periods leave room for them, else at least what they always had
    widest = max((text(label("topics", t)).cell_len for t in line.topics), default=1)
    periods = sum(max(5, cell_width(_period_heading(c))) + 1 for c in columns)
    topic_width = min(widest, max(min(PERIOD_TOPIC_WIDTH, max(12, width // 4)), width - periods))
    kind = PERIOD_NAMES[line.kind] + (", chosen from the dates" if line.chosen else "")
    parts: list[RenderableType] = [Text(f"Net index per period ({kind})", style="bold")]
    if not columns:
        parts.append(Text("no claims", style="dim"))
    for perspective in line.perspectives if columns else ():
        topics = [t for t in line.topics if any(line.cell(c, perspective, t) for c in columns)]
        parts.append(text(label("perspectives", perspective) + ("" if topics else ": no claims"), "bold"))
        for chunk in _period_chunks(columns, width - topic_width) if topics else ():
            table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=0)
            table.add_column("topic", no_wrap=True, overflow="ellipsis", width=topic_width)
            for column in chunk:
                heading = _period_heading(column)
                table.add_column(heading, justify="right", no_wrap=True, width=max(5, cell_width(heading)))
            for topic in topics:
                nets = [line.net(column, perspective, topic) for column in chunk]
                shown = [Text(EMPTY, style="dim") if n is None else Text(f"{n:+.2f}", style=net_style(n)) for n in nets]
                name = text(label("topics", topic))
                name.truncate(topic_width, overflow="ellipsis")
                table.add_row(name, *shown)
            parts.append(table)
    left = len(line.periods) - len(held)
    if left:
        held_none = "holds no claims and is" if left == 1 else "hold no claims and are"
        parts.append(text(f"{left} of {counted(len(line.periods), 'period')} {held_none} not shown", "dim"))
    if line.time_range.active:
        parts.append(text(left_out(line.time_range, line.selection), "dim"))
    return Group(*parts)
