"""The stance colours and the thin-evidence mark, shared by the workbook and the HTML brief.

No I/O and no third-party imports. One scale everywhere: the net index from -1 (all
divergence, red) through 0 (mixed, yellow) to +1 (all convergence, green). A cell backed by
fewer than `THIN_BELOW` units (claims, or sources with `--count sources`) is *thin evidence*:
the same hue, lighter (`THIN_BLEND` of the way to white), and `THIN_MARK` beside its number.
"""

from __future__ import annotations

RED, NEUTRAL, GREEN = (0xF8, 0x69, 0x6B), (0xFF, 0xEB, 0x84), (0x63, 0xBE, 0x7B)
WHITE = (0xFF, 0xFF, 0xFF)
THIN_BELOW = 3
THIN_BLEND = 0.55
THIN_MARK = "\u00b0"  # '°'


def _mix(low: tuple[int, int, int], high: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    r, g, b = (round(a + (b - a) * t) for a, b in zip(low, high, strict=True))
    return r, g, b


def _hex(rgb: tuple[int, int, int]) -> str:
    return "".join(f"{c:02X}" for c in rgb)


def _scale(net: float) -> tuple[int, int, int]:
    net = max(-1.0, min(1.0, net))
    return _mix(NEUTRAL, GREEN if net >= 0 else RED, abs(net))


def net_colour(net: float) -> str:
    """Hex RGB (`F8696B`) on the diverging scale: -1 red, 0 neutral yellow, +1 green."""
    return _hex(_scale(net))


def thin_colour(net: float) -> str:
    """`net_colour(net)` lightened towards white: the same hue for a thin cell."""
    return _hex(_mix(_scale(net), WHITE, THIN_BLEND))


def cell_colour(net: float, units: int) -> str:
    """The fill of a matrix cell whose net index is `net`, backed by `units` claims or sources."""
    return thin_colour(net) if is_thin(units) else net_colour(net)


def is_thin(units: int) -> bool:
    """Whether a cell backed by `units` claims (or sources) is thin evidence; an empty cell is not."""
    return 0 < units < THIN_BELOW


def signed(value: float) -> str:
    """A net index as the workbook's number format `+0.00;-0.00;0.00` shows it."""
    if value > 0:
        return f"+{value:.2f}"
    if value < 0:
        return f"-{-value:.2f}"
    return "0.00"
