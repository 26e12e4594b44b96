"""Whose voice a cell rests on: per topic x perspective cell, how many claims are in the
writer's voice (assessment, forecast, recommendation), how many have no voice, and whether the
cell *rests on forecasts*: left without its forecasts and recommendations, its net index changes
sign, moves by more than FORECAST_SHIFT, or it falls under FORECAST_MIN_CLAIMS (in the matrix's
unit). Counted in plain Python (`counting.tallies`). Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from matrix.analysis.counting import Tally, tallies

FORECAST_SHIFT = 0.25  # a move of the net index larger than this, without forecasts, flags the cell
FORECAST_MIN_CLAIMS = 2  # fewer claims (or sources) than this, without forecasts, flags the cell
FORESIGHT = ("forecast", "recommendation")  # what "without forecasts" leaves out
WRITER = ("assessment", "forecast", "recommendation")

VoicedCoding = tuple[str, "str | None", str, str, int, "str | None"]
"""One claim as a voice cell counts it: source, topic, perspective, stance, weight, voice."""


def _sign(value: float | None) -> int:
    return 0 if not value else (1 if value > 0 else -1)


@dataclass(frozen=True, slots=True)
class VoiceCell:
    """The voices of one cell's claims (in claims, whatever the matrix counts) and the forecast flag.

    `without` is the cell's Tally without forecasts and recommendations (None: nothing left);
    `rests_on_forecasts` is True when that Tally's net differs in sign from the whole cell's,
    or by more than FORECAST_SHIFT, or it holds fewer than FORECAST_MIN_CLAIMS."""

    claims: int
    writer: int  # assessment + forecast + recommendation
    forecasts: int  # forecast + recommendation
    unspecified: int  # no voice coded
    net: float | None
    without_net: float | None
    without_count: int
    rests_on_forecasts: bool

    def reason(self) -> str:
        """Why the cell rests on forecasts ("" when it does not)."""
        if not self.rests_on_forecasts:
            return ""
        if self.without_count < FORECAST_MIN_CLAIMS:
            return f"{self.without_count} left without forecasts and recommendations"
        if _sign(self.net) != _sign(self.without_net):
            return f"net {_signed(self.net)} becomes {_signed(self.without_net)} without forecasts and recommendations"
        return f"net {_signed(self.net)} moves to {_signed(self.without_net)} without forecasts and recommendations"


def _signed(value: float | None) -> str:
    return "·" if value is None else f"{value:+.2f}"


def voice_cells(codings: Iterable[VoicedCoding], count: str = "claims") -> dict[tuple[str | None, str], VoiceCell]:
    """(topic, perspective) -> its VoiceCell, for the cells with claims; the forecast flag
    compares the cell's tallies in the matrix's unit (`count`) with and without forecasts."""
    rows = list(codings)
    whole = tallies(((s, t, p, st, w) for s, t, p, st, w, _ in rows), count)
    kept = tallies(((s, t, p, st, w) for s, t, p, st, w, v in rows if v not in FORESIGHT), count)
    counts: dict[tuple[str | None, str], list[int]] = {}
    for _, topic, perspective, _, _, voice in rows:
        cell = counts.setdefault((topic, perspective), [0, 0, 0, 0])
        cell[0] += 1
        cell[1] += voice in WRITER
        cell[2] += voice in FORESIGHT
        cell[3] += voice is None
    out: dict[tuple[str | None, str], VoiceCell] = {}
    for key, (n, writer, forecasts, unspecified) in counts.items():
        tally = whole[key]
        left: Tally | None = kept.get(key)
        left_count = 0 if left is None else left.convergence + left.divergence
        left_net = None if left is None else left.net
        flag = bool(forecasts) and (
            left_count < FORECAST_MIN_CLAIMS
            or _sign(tally.net) != _sign(left_net)
            or abs((tally.net or 0.0) - (left_net or 0.0)) > FORECAST_SHIFT
        )
        out[key] = VoiceCell(n, writer, forecasts, unspecified, tally.net, left_net, left_count, flag)
    return out


def flagged(cells: Mapping[tuple[str | None, str], VoiceCell]) -> list[tuple[str | None, str]]:
    """The cells that rest on forecasts, in the order given."""
    return [key for key, cell in cells.items() if cell.rests_on_forecasts]
