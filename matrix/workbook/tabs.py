"""Which sheets a reader reads and which they look things up in, told apart by tab colour."""

from __future__ import annotations

READER_SHEETS = ("Overview", "Stance", "Summaries", "Contrasts", "Approach", "Timeline", "Network")
REFERENCE_SHEETS = ("Claims", "Evidence", "Sources", "Coverage", "Codebook", "Problems")
READER_TAB, REFERENCE_TAB = "1F6E43", "8C8C8C"  # green: read these; grey: look things up here


def tab_colour(title: str) -> str:
    """A sheet's tab colour: green for a reader sheet, grey for any other."""
    return READER_TAB if title in READER_SHEETS else REFERENCE_TAB
