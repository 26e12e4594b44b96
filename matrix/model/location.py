"""Where something is: a 1-based line and column in a file of the project. No imports."""

from __future__ import annotations

from typing import NamedTuple


class Location(NamedTuple):
    """A 1-based line and column in a file named relative to the project root.

    A NamedTuple rather than a dataclass: the loader makes one per YAML node, and tuples
    are several times cheaper to create; they are immutable and order by file, line, column.
    """

    file: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"
