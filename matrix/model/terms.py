"""The terms every part shares, each defined here once (tests/test_layout.py greps for stray copies).

No I/O and no imports: the version, the vocabularies the tool itself fixes, the counting unit,
and the limits and marks the outputs and readers must agree on.
"""

from __future__ import annotations

import enum

VERSION = "0.1.0"  # matrix.__version__; the cache keys its entries with it

STANCES: tuple[str, ...] = ("convergence", "divergence")
APPROACHES: tuple[str, ...] = ("unilateral", "bilateral", "multilateral")
VOICES: tuple[str, ...] = ("stated", "assessment", "forecast", "recommendation")
"""Whose voice a claim is in: a party's own position or act as reported (`stated`), or the
writer's reading of the parties (`assessment`), what may happen (`forecast`), what should
(`recommendation`)."""
WRITER_VOICES: tuple[str, ...] = ("assessment", "forecast", "recommendation")  # the writer's voice
UNSPECIFIED = "unspecified"  # a claim without a voice (or an approach), as outputs name it
REQUIREMENTS: tuple[str, ...] = ("voice",)  # the claim fields a codebook may require (`require:`)
LIST_SEPARATOR = "; "  # between the items of an approach list or of sides in one cell or CSV field

PASSAGE_SEPARATOR = " \u2026 \u00b6 "  # between a claim's passages in one cell or CSV field: ' … ¶ '
CELL_LIMIT = 32_767  # the most characters a spreadsheet cell holds
FORMULA_START = ("=", "+", "-", "@")  # text a spreadsheet would take for a formula: written with the quote prefix
CSV_FORMULA_START = (*FORMULA_START, "\t", "\r")  # the same in a CSV file (OWASP, CSV injection): prefixed with '


class Unit(enum.StrEnum):
    """What a matrix cell counts (`--count`): claims, or sources (each at most once per stance
    in a Stance cell, once per approach in an Approach cell)."""

    CLAIMS = "claims"
    SOURCES = "sources"

    @property
    def wording(self) -> str:
        """How the terminal's headings name the unit."""
        return "claims" if self is Unit.CLAIMS else "sources (each once per stance or approach in a cell)"

    @property
    def stance_wording(self) -> str:
        """How a count of stances alone (the Timeline) names the unit."""
        return "claims" if self is Unit.CLAIMS else "sources (each at most once per stance in a cell)"


COUNTS = tuple(unit.value for unit in Unit)  # the `--count` choices
