"""The one table-width rule of every terminal table: summary, diff, agree, coverage, validate.

How wide (`room_for`):
- an explicit `--width N`: N columns;
- else, on a terminal: its real width (asked of the terminal, not of a COLUMNS left over from
  before a resize);
- else (a pipe, a file, a CI log) COLUMNS, where the caller set it (as the README's examples do);
- else no width at all (UNBOUNDED): every table is as wide as its content and every row one line,
  so that `grep` finds `claims/x.yaml:95:13` whole and `validate` gives one problem per line.

Within a width (`identifier_column`, `prose_column`): identifiers, locations (`file:line:col`)
and numbers are never folded across lines; their columns are as wide as their widest value.
Prose (messages, hints, passages, what changed) takes the room left, wrapped between words.
What does not fit even so is cut with `…`, never folded. Topic labels are cut only when
the width leaves them too little room (summary).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import IO

from rich.console import JustifyMethod
from rich.table import Table
from rich.text import Text

UNBOUNDED = 10_000  # "no width": wider than any line a table makes


def room_for(stream: IO[str], width: int | None = None, environ: Mapping[str, str] | None = None) -> int:
    """The columns output to `stream` may take: `width` if given; a terminal's real width; else
    COLUMNS if set; else UNBOUNDED."""
    if width is not None:
        return width
    if stream.isatty():
        try:
            columns = os.get_terminal_size(stream.fileno()).columns
        except (OSError, ValueError):
            columns = 0
        if columns > 0:
            return columns
    given = (os.environ if environ is None else environ).get("COLUMNS", "")
    if given.isdigit() and int(given) > 0:
        return int(given)
    return UNBOUNDED


def unbounded(width: int) -> bool:
    """Whether `width` is no width at all: tables lay every row on one line."""
    return width >= UNBOUNDED


def identifier_column(table: Table, header: str | Text, justify: JustifyMethod = "left") -> None:
    """A column of identifiers, locations or numbers: never folded; cut with `…` only where the
    width cannot hold it whole."""
    table.add_column(header, justify=justify, no_wrap=True, overflow="ellipsis")


def prose_column(table: Table, header: str | Text) -> None:
    """A column of prose: wrapped between words in the room the other columns leave; a word
    longer than that room is cut with `…`, never folded."""
    table.add_column(header, overflow="ellipsis")


__all__ = ["UNBOUNDED", "identifier_column", "prose_column", "room_for", "unbounded"]
