"""The stance colours and the thin-evidence mark, shared by the workbook, the HTML brief and
the terminal.

No I/O and no third-party imports. One scale everywhere: the net index from -1 (all
divergence) through 0 (mixed) to +1 (all convergence) on ColorBrewer's diverging RdBu scheme
(3 classes: `EF8A62`, `F7F7F7`, `67A9CF`), which ColorBrewer rates colour-blind safe: its two
ends stay apart under deuteranopia, protanopia and tritanopia (tests/test_palette.py simulates
them), where the red-green scale it replaced does not. A cell backed by fewer than `THIN_BELOW`
units (claims, or sources with `--count sources`) is *thin evidence*: it keeps the hue its net
index gives (never lighter: a thin -1.00 must not read milder than a solid -0.71), is hatched
(`HATCH`, drawn over the hue) and carries `THIN_MARK` after its number.
"""

from __future__ import annotations

PALETTE = "ColorBrewer RdBu, colour-blind safe"  # what the legends call it
DIVERGENCE, NEUTRAL, CONVERGENCE = (0xEF, 0x8A, 0x62), (0xF7, 0xF7, 0xF7), (0x67, 0xA9, 0xCF)
HATCH = "595959"  # the brief's hatch lines over a thin cell's hue (a dark grey, 70% opaque)
HATCH_SHADE = 0.45  # the workbook's hatch lines: the cell's own hue, this much towards black
THIN_BELOW = 3
THIN_MARK = "\u00b0"  # '°'
TERMINAL_STYLES = ("#ef8a62", "default", "#67a9cf")  # text styles for net < -1/3, between, > +1/3


def _mix(low: tuple[int, int, int], high: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    r, g, b = (round(a + (b - a) * t) for a, b in zip(low, high, strict=True))
    return r, g, b


def _hex(rgb: tuple[int, int, int]) -> str:
    return "".join(f"{c:02X}" for c in rgb)


def _scale(net: float) -> tuple[int, int, int]:
    net = max(-1.0, min(1.0, net))
    return _mix(NEUTRAL, CONVERGENCE if net >= 0 else DIVERGENCE, abs(net))


def net_colour(net: float) -> str:
    """Hex RGB (`EF8A62`) on the diverging scale: -1 divergence (orange-red), 0 neutral, +1
    convergence (blue)."""
    return _hex(_scale(net))


def cell_colour(net: float, units: int) -> str:
    """The fill colour of a matrix cell whose net index is `net`, backed by `units` claims or
    sources: the hue of its net index, thin or not (a thin cell is hatched, see `is_thin`)."""
    del units  # the evidence's weight never changes the colour
    return net_colour(net)


def hatch_colour(colour: str) -> str:
    """The workbook's hatch lines over a thin cell of `colour` (RRGGBB): a darker shade of the same
    hue. A spreadsheet that cannot draw patterns (LibreOffice blends the two colours) then shows
    the cell's own hue, a little darker, never a lighter, milder-looking one."""
    rgb = (int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16))
    return _hex(_mix(rgb, (0, 0, 0), HATCH_SHADE))


def terminal_style(net: float) -> str:
    """The rich text style of a net index in the terminal: the palette's ends beyond +-1/3."""
    if net > 1 / 3:
        return TERMINAL_STYLES[2]
    if net < -1 / 3:
        return TERMINAL_STYLES[0]
    return TERMINAL_STYLES[1]


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
