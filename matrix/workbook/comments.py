"""Cell comments that fit: the claims behind a matrix cell, each by its id with its full first
passage, wrapped, and a box sized by its wrapped lines so that nothing is hidden.

Pure (no openpyxl). A comment lists claims until `COMMENT_LINES` lines are used (at least one
claim, in full); the rest are counted, with where the linked block is. A claim's further passages
are marked by a line `¶ and N more passages (Evidence)`: the comment shows each claim's first.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from matrix.analysis.pivot import Evidence
from matrix.model.wording import counted

COMMENT_CHARS = 64  # characters per wrapped line
COMMENT_LINES = 40  # lines a comment fills before it counts the rest
CHAR_PX = 7  # the width of one character of the comment's 9-point font, generously
LINE_PX = 13  # the height of one line of it
PADDING_PX = 24  # the box's margins, and room for the author line


@dataclass(frozen=True)
class Note:
    """A comment's text (lines already wrapped), the claims it lists, and its box in pixels."""

    text: str
    listed: tuple[str, ...]
    width: int
    height: int


def _wrapped(text: str, indent: str = "") -> list[str]:
    lines: list[str] = []
    for part in text.split("\n"):
        lines += textwrap.wrap(
            part, COMMENT_CHARS, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
        ) or [indent]
    return lines


def _claim_lines(claim_id: str, stance: str, quotes: Sequence[str]) -> list[str]:
    """`+ id: “first passage”`, wrapped with its further lines indented; a line for the rest."""
    sign = "+" if stance == "convergence" else "-"
    first = f"\u201c{quotes[0]}\u201d" if quotes else "(no passage)"
    lines = textwrap.wrap(
        f"{sign} {claim_id}: {first}", COMMENT_CHARS, subsequent_indent="    ", break_on_hyphens=False
    )
    if len(quotes) > 1:
        more = len(quotes) - 1
        lines.append(f"    \u00b6 and {counted(more, 'more passage')} (see Evidence)")
    return lines


def evidence_note(
    title: str, items: Sequence[Evidence], where: str = "the linked Claims rows", total: int | None = None
) -> Note:
    """The comment of a cell whose claims are `items` (the first of its `total` claims, or all):
    `title`, then each claim (see the module); `where` names the block the cell links to, for
    the claims not listed."""
    total = len(items) if total is None else total
    lines = [*_wrapped(title), ""]
    listed: list[str] = []
    for index, (_, claim_id, stance, quotes) in enumerate(items):
        block = _claim_lines(claim_id, stance, quotes)
        if listed and len(lines) + len(block) > COMMENT_LINES:
            rest = total - index
            lines += _wrapped(f"\u2026 and {counted(rest, 'more claim')}: click the cell for {where}")
            break
        lines += block
        listed.append(claim_id)
    else:
        if total > len(listed):
            rest = total - len(listed)
            lines += _wrapped(f"\u2026 and {counted(rest, 'more claim')}: click the cell for {where}")
    return _note(lines, tuple(listed))


def text_note(text: str) -> Note:
    """A comment of plain text, wrapped and sized."""
    return _note(_wrapped(text), ())


def _note(lines: list[str], listed: tuple[str, ...]) -> Note:
    widest = max((len(line) for line in lines), default=1)
    width = PADDING_PX + CHAR_PX * max(widest, 24)
    height = PADDING_PX + LINE_PX * len(lines)
    return Note("\n".join(lines), listed, width, math.ceil(height))
