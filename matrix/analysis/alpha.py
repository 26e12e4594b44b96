"""Krippendorff's alpha for one variable, with percent agreement and a seeded bootstrap interval.

The method is the coincidence-matrix one of K. Krippendorff, "Computing Krippendorff's
Alpha-Reliability" (2011, Departmental Papers (ASC), University of Pennsylvania):

- Reliability data are *units*, each a mapping coder -> value. A coder who did not code a
  unit has no entry. A unit with fewer than two values is not *pairable* and is dropped.
- Each pairable unit u with m_u values adds to the coincidence matrix, for every ordered pair
  of its values (c, k) taken from two different coders, 1 / (m_u - 1). So o[c][k] counts how
  often c and k were paired, each unit contributing m_u in all; o is symmetric.
- n_c = sum_k o[c][k] (how often c was used in pairable units), n = sum_c n_c.
- alpha = 1 - D_o / D_e = 1 - (n - 1) * sum_ck o[c][k] delta2(c, k) / sum_ck n_c n_k delta2(c, k).
- The difference functions delta2 (the paper's "metrics"):
  nominal: 0 when c == k, else 1;
  ordinal: (sum_{g from c to k} n_g - (n_c + n_k) / 2) ** 2 over the categories in their
  order, so it depends on how often the values between c and k were used, not on numbers;
  interval: (c - k) ** 2.

alpha is undefined (None here, with the reason) when no unit is pairable, or when every
pairable value is the same (D_e = 0): 0 / 0. It is not clamped: below 0 means the coders
disagree more than chance would make them.

The bootstrap resamples pairable units with replacement (Efron's percentile interval), a
simpler cousin of the resampling of pairs in Hayes & Krippendorff (2007). Units with the same
values (the same multiset) contribute the same coincidences, so units are grouped into such
*patterns* once, and a resample only draws how many units of each pattern it holds (an exact
multinomial draw, see `_multinomial` and `_Binomial`): cost per resample grows with the number
of patterns and only weakly with the number of units. Resamples where alpha is undefined are
skipped and counted. The same units, metric and seed give the same interval on every run.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

Metric = Literal["nominal", "ordinal", "interval"]
METRICS: tuple[Metric, ...] = ("nominal", "ordinal", "interval")

RELIABLE = 0.800
TENTATIVE = 0.667
RESAMPLES = 1000
SEED = 14
CONFIDENCE = 0.95
# The bootstrap splits draws among patterns by binomials while there are at least this many
# units per pattern (measured: each split costs about as much as drawing 30 units one by one),
# and draws a node's last few units one at a time.
UNITS_PER_PATTERN = 30
FEW_DRAWS = 4

# A pattern: the values of one pairable unit as sorted (value index, how many coders gave it).
Pattern = tuple[tuple[int, int], ...]
# Sparse coincidences: (row, column, count).
Cells = tuple[tuple[int, int, float], ...]


@dataclass(frozen=True, slots=True)
class ConfidenceInterval:
    """A percentile bootstrap interval for alpha.

    `low` <= `high`; `level` is the coverage (0.95); `resamples` were drawn and `used` of them
    had a defined alpha (the others are skipped, never counted as 0). Quantiles interpolate
    linearly between the sorted resampled alphas (position q * (used - 1)).
    """

    low: float
    high: float
    level: float
    resamples: int
    used: int
    seed: int


@dataclass(frozen=True, slots=True)
class Reliability:
    """How reliably one variable was coded.

    - `units`: the number of pairable units (two or more values); `values`: the value labels
      in a stable order (the given categories, else sorted); `coincidences[i][j]`: the
      coincidence count of values[i] with values[j] (floats; symmetric; sums to the number of
      pairable values).
    - `agreement`: percent agreement as a fraction in [0, 1], the mean over pairable units of
      the share of the unit's pairs of coders (unordered) who gave the same value; for two
      coders, the share of units they agree on. None when no unit is pairable.
    - `alpha`: Krippendorff's alpha, None when undefined; `reason` then says why (else None).
    - `ci`: the bootstrap interval, None when alpha is undefined, no resample was asked for,
      or no resample had a defined alpha.
    - `verdict`: "reliable" (alpha >= 0.800), "tentative" (>= 0.667), "unreliable" (below),
      "n/a" (alpha undefined).
    """

    metric: Metric
    units: int
    agreement: float | None
    alpha: float | None
    reason: str | None
    ci: ConfidenceInterval | None
    verdict: str
    values: tuple[Hashable, ...]
    coincidences: tuple[tuple[float, ...], ...]


def verdict(alpha: float | None) -> str:
    """Krippendorff's (2004) conventional thresholds: >= .800 reliable, >= .667 tentative.

    alpha is compared rounded to nine decimals, so that float noise (0.7999999999999999 for
    an exact .8) cannot move a value across a threshold.
    """
    if alpha is None:
        return "n/a"
    if round(alpha, 9) >= RELIABLE:
        return "reliable"
    return "tentative" if round(alpha, 9) >= TENTATIVE else "unreliable"


def reliability(
    units: Iterable[Mapping[Hashable, Hashable]],
    metric: Metric = "nominal",
    categories: Sequence[Hashable] | None = None,
    *,
    resamples: int = RESAMPLES,
    seed: int = SEED,
    level: float = CONFIDENCE,
) -> Reliability:
    """Alpha, percent agreement, coincidences and a bootstrap interval for one variable.

    `units` are mappings coder -> value (see the module docstring). `categories` fixes the
    order of the values (required for "ordinal", where it is the scale from low to high;
    optional otherwise, and then every value must be among them). "interval" values must be
    numbers. Misuse (an unknown metric, a value outside `categories`) raises ValueError;
    degenerate data (nothing pairable, one value only) never does.
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; expected one of {', '.join(METRICS)}")
    if not 0 < level < 1:
        raise ValueError(f"the confidence level must lie strictly between 0 and 1, not {level}")
    pairable = [values for values in (tuple(unit.values()) for unit in units) if len(values) >= 2]
    values = _value_order(pairable, metric, categories)
    index = {value: i for i, value in enumerate(values)}
    multisets = Counter(tuple(sorted(map(index.__getitem__, unit))) for unit in pairable)
    patterns = {tuple(sorted(Counter(multiset).items())): size for multiset, size in multisets.items()}
    ordered = sorted(patterns)
    sizes = [patterns[pattern] for pattern in ordered]
    cells = [_pattern_cells(pattern) for pattern in ordered]
    matrix = _coincidences(cells, sizes, len(values))
    alpha, reason = _alpha(matrix, metric, values)
    ci = None
    if alpha is not None and resamples > 0:
        ci = _bootstrap(cells, sizes, metric, values, resamples, seed, level)
    agreement = sum(_pattern_agreement(p) * size for p, size in zip(ordered, sizes, strict=True))
    return Reliability(
        metric=metric,
        units=len(pairable),
        agreement=agreement / len(pairable) if pairable else None,
        alpha=alpha,
        reason=reason,
        ci=ci,
        verdict=verdict(alpha),
        values=values,
        coincidences=tuple(tuple(row) for row in matrix),
    )


def _value_order(
    pairable: list[tuple[Hashable, ...]], metric: Metric, categories: Sequence[Hashable] | None
) -> tuple[Hashable, ...]:
    """The given categories (every pairable value must be one), else the used values sorted."""
    used = set(itertools.chain.from_iterable(pairable))
    if metric == "interval":
        wrong = [v for v in (*used, *(categories or ())) if isinstance(v, bool) or not isinstance(v, int | float)]
        if wrong:
            raise ValueError(f"interval values must be numbers: {sorted(map(repr, wrong))}")
    if categories is not None:
        outside = used.difference(categories)
        if outside:
            raise ValueError(f"values outside the categories: {sorted(map(repr, outside))}")
        return tuple(dict.fromkeys(categories))
    if metric == "ordinal":
        raise ValueError("the ordinal metric needs the categories in their order")
    try:
        return tuple(sorted(used))  # type: ignore[type-var]
    except TypeError:  # mixed types (e.g. None beside strings): a stable order all the same
        return tuple(sorted(used, key=lambda v: (type(v).__name__, repr(v))))


def _pattern_cells(pattern: Pattern) -> Cells:
    """The coincidences one unit adds: m_c * m_k / (m - 1) for c != k, m_c (m_c - 1) / (m - 1) on c."""
    m = sum(count for _, count in pattern)
    return tuple(
        (c, k, (mc * (mc - 1) if c == k else mc * mk) / (m - 1))
        for c, mc in pattern
        for k, mk in pattern
        if c != k or mc > 1
    )


def _pattern_agreement(pattern: Pattern) -> float:
    """The share of the unit's unordered coder pairs that gave the same value."""
    m = sum(count for _, count in pattern)
    return sum(mc * (mc - 1) for _, mc in pattern) / (m * (m - 1))


def _coincidences(cells: Sequence[Cells], sizes: Sequence[int], width: int) -> list[list[float]]:
    """sum over patterns of (units of the pattern) * (its coincidences), as a dense matrix."""
    matrix = [[0.0] * width for _ in range(width)]
    for pattern_cells, size in zip(cells, sizes, strict=True):
        if size:
            for c, k, count in pattern_cells:
                matrix[c][k] += size * count
    return matrix


def _alpha(matrix: list[list[float]], metric: Metric, values: Sequence[Hashable]) -> tuple[float | None, str | None]:
    """1 - (n - 1) * sum o_ck delta2_ck / sum n_c n_k delta2_ck, or None and the reason."""
    marginals = [sum(row) for row in matrix]
    n = sum(marginals)
    if n == 0:
        return None, "no unit was coded by two or more coders"
    used = [c for c, n_c in enumerate(marginals) if n_c]
    if metric == "nominal":  # delta2 is 1 off the diagonal: sums of everything minus the diagonal
        observed = n - sum(matrix[c][c] for c in used)
        expected = n * n - sum(marginals[c] ** 2 for c in used)
    else:
        delta = _differences(metric, values, marginals)
        observed = sum(matrix[c][k] * delta[c][k] for c in used for k in used)
        expected = sum(marginals[c] * marginals[k] * delta[c][k] for c in used for k in used)
    if expected == 0:
        only = values[used[0]]
        return None, f"every pairable value is {only!r}: no disagreement is expected (D_e = 0), so alpha is 0/0"
    return 1 - (n - 1) * observed / expected, None


def _differences(
    metric: Literal["ordinal", "interval"], values: Sequence[Hashable], marginals: Sequence[float]
) -> list[list[float]]:
    """delta2(c, k) for every pair of value indices (the paper's metric differences)."""
    width = len(values)
    if metric == "interval":
        numbers = [float(v) for v in values]  # type: ignore[arg-type]
        return [[(a - b) ** 2 for b in numbers] for a in numbers]
    before = [0.0]  # before[i] = n_0 + ... + n_(i-1)
    for n_g in marginals:
        before.append(before[-1] + n_g)
    return [
        [(before[max(c, k) + 1] - before[min(c, k)] - (marginals[c] + marginals[k]) / 2) ** 2 for k in range(width)]
        for c in range(width)
    ]


def _bootstrap(
    cells: Sequence[Cells],
    sizes: Sequence[int],
    metric: Metric,
    values: Sequence[Hashable],
    resamples: int,
    seed: int,
    level: float,
) -> ConfidenceInterval | None:
    """Percentile interval of alpha over `resamples` resamples of the pairable units."""
    rng = random.Random(seed)
    total = sum(sizes)
    cumulative = [0]
    for size in sizes:
        cumulative.append(cumulative[-1] + size)
    few_patterns = len(sizes) * UNITS_PER_PATTERN <= total
    binomial = _Binomial(rng, total if few_patterns else 0)
    unit_patterns = [] if few_patterns else [i for i, size in enumerate(sizes) for _ in range(size)]
    alphas: list[float] = []
    for _ in range(resamples):
        drawn = [0] * len(sizes)
        if few_patterns:
            _multinomial(binomial, total, cumulative, 0, len(sizes), drawn)
        else:  # about one pattern per unit or more: drawing the units one by one is cheaper
            for pattern, count in Counter(rng.choices(unit_patterns, k=total)).items():
                drawn[pattern] = count
        alpha, _ = _alpha(_coincidences(cells, drawn, len(values)), metric, values)
        if alpha is not None:
            alphas.append(alpha)
    if not alphas:
        return None
    alphas.sort()
    tail = (1 - level) / 2
    return ConfidenceInterval(
        low=_quantile(alphas, tail),
        high=_quantile(alphas, 1 - tail),
        level=level,
        resamples=resamples,
        used=len(alphas),
        seed=seed,
    )


def _quantile(ordered: Sequence[float], q: float) -> float:
    position = q * (len(ordered) - 1)
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def _multinomial(binomial: _Binomial, draws: int, cumulative: Sequence[int], lo: int, hi: int, out: list[int]) -> None:
    """Share `draws` units drawn uniformly with replacement among patterns lo..hi-1.

    Pattern i holds cumulative[i + 1] - cumulative[i] units. The range is split in two (about
    half the units each side) and the left receives Binomial(draws, left units / all units):
    the same law as drawing each unit, at the cost of one `_Binomial` draw per split.
    """
    while draws:
        if hi - lo == 1:
            out[lo] += draws
            return
        if draws <= FEW_DRAWS:  # a draw at a time: a uniform unit, then its pattern
            for _ in range(draws):
                unit = cumulative[lo] + binomial.rng.randrange(cumulative[hi] - cumulative[lo])
                out[bisect.bisect_right(cumulative, unit, lo, hi) - 1] += 1
            return
        mid = bisect.bisect_left(cumulative, (cumulative[lo] + cumulative[hi]) // 2, lo + 1, hi - 1)  # halve the units
        left = cumulative[mid] - cumulative[lo]
        to_left = binomial(draws, left, cumulative[hi] - cumulative[lo])
        _multinomial(binomial, to_left, cumulative, lo, mid, out)
        draws -= to_left
        lo = mid


class _Binomial:
    """Exact Binomial(trials, numerator / denominator) draws for up to `most` trials.

    Each trial succeeds when a uniform U < p. U is read one random base-128 digit at a time
    against p's digits: a digit below p's is a success, above a failure, equal a tie that the
    next digit decides. The digits of all trials sit in 8-bit lanes of one big integer
    (`getrandbits`), compared lane-wise with big-integer arithmetic (the high bit of each lane
    absorbs the borrow), so a draw costs a few C-level operations whatever the number of trials;
    ties shrink 128-fold per digit.
    """

    def __init__(self, rng: random.Random, most: int) -> None:
        self.rng = rng
        self.most = most
        self.all_ones = ((1 << (8 * most)) - 1) // 255  # 0x01 in each of `most` lanes

    def __call__(self, trials: int, numerator: int, denominator: int) -> int:
        if numerator >= denominator:
            return trials
        successes = 0
        while trials and numerator:
            digit, numerator = divmod(numerator * 128, denominator)
            ones = self.all_ones >> (8 * (self.most - trials))
            high = ones << 7
            lanes = self.rng.getrandbits(8 * trials) & (high - ones)  # seven random bits per lane
            at_least = ((lanes | high) - digit * ones) & high  # lanes >= digit keep their high bit
            successes += trials - at_least.bit_count()
            differ = (((lanes ^ (digit * ones)) | high) - ones) & high  # lanes != digit keep it
            trials -= differ.bit_count()
        return successes
