"""The stance palette: colour-blind safe, and a thin cell keeps its hue."""

from __future__ import annotations

import math

import pytest

from matrix.analysis.palette import cell_colour, hatch_colour, is_thin, net_colour, terminal_style

# Machado, Oliveira and Fernandes (2009), "A Physiologically-based Model for Simulation of Color
# Vision Deficiency", IEEE TVCG 15(6): the simulation matrices at severity 1.0, applied to
# linear RGB. Deuteranopia is the commonest (about 1 man in 16 has a deutan deficiency).
MACHADO_2009 = {
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _lab(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of a linear sRGB colour."""
    r, g, b = rgb
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def seen(colour: str, deficiency: str | None = None) -> tuple[float, float, float]:
    """How a colour (RRGGBB) looks, as L*a*b*, to normal vision or under `deficiency`."""
    rgb = [_linear(int(colour[i : i + 2], 16)) for i in (0, 2, 4)]
    if deficiency is not None:
        matrix = MACHADO_2009[deficiency]
        rgb = [min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb, strict=True)))) for row in matrix]
    return _lab((rgb[0], rgb[1], rgb[2]))


def difference(a: str, b: str, deficiency: str | None = None) -> float:
    """CIE76 colour difference: about 2.3 is just noticeable, 20 and more clearly different."""
    return math.dist(seen(a, deficiency), seen(b, deficiency))


@pytest.mark.parametrize("deficiency", [None, *MACHADO_2009])
def test_the_two_ends_stay_distinct_under_simulated_colour_blindness(deficiency: str | None) -> None:
    assert difference(net_colour(-1), net_colour(1), deficiency) > 40
    for end in (net_colour(-1), net_colour(1)):  # and each end from the neutral middle
        assert difference(end, net_colour(0), deficiency) > 25


def test_the_simulation_tells_the_old_red_green_scale_apart_poorly() -> None:
    """The check has teeth: the red-yellow-green ends the palette replaced (F8696B, 63BE7B)
    differ by about 10 under deuteranopia, a quarter of what is asked above."""
    assert difference("F8696B", "63BE7B") > 40
    assert difference("F8696B", "63BE7B", "deuteranopia") < 15


@pytest.mark.parametrize("net", [-1.0, -0.6, 0.0, 0.5, 1.0])
def test_a_thin_cell_keeps_the_hue_of_its_net_index(net: float) -> None:
    assert is_thin(1) and is_thin(2) and not is_thin(3) and not is_thin(0)
    assert cell_colour(net, 1) == cell_colour(net, 5) == net_colour(net)
    hue, hatch = seen(net_colour(net)), seen(hatch_colour(net_colour(net)))  # the hatch: a darker shade
    assert hatch[0] < hue[0] - 20
    if math.hypot(hue[1], hue[2]) > 5:  # a chromatic colour: the same hue angle
        assert math.atan2(hatch[2], hatch[1]) == pytest.approx(math.atan2(hue[2], hue[1]), abs=0.15)


def test_the_terminal_uses_the_same_ends() -> None:
    assert terminal_style(-1.0) == f"#{net_colour(-1).lower()}"
    assert terminal_style(1.0) == f"#{net_colour(1).lower()}"
    assert terminal_style(0.0) == "default"
