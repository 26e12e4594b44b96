"""Counts in plain English: "1 claim", "2 claims", "0 warnings".

Every message, heading and cell that puts a number before what it counts says it through
`counted` (tests/test_wording.py scans the code for any that does not), so that no output
reads "1 claims" or "3 claim".
"""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` and `noun`: the noun as given for exactly one, else `plural` (default: noun + "s").

    >>> counted(1, "claim"), counted(0, "warning"), counted(2, "claims file"), counted(3, "entry", "entries")
    ('1 claim', '0 warnings', '2 claims files', '3 entries')
    """
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


__all__ = ["counted"]
