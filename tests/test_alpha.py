from __future__ import annotations

import random
from collections.abc import Hashable, Sequence

import pytest

from matrix.analysis.alpha import UNITS_PER_PATTERN, Reliability, _Binomial, _multinomial, reliability, verdict

Units = list[dict[Hashable, Hashable]]


def units_from_rows(rows: Sequence[Sequence[Hashable | None]]) -> Units:
    """Reliability data as printed in the literature: one row per coder, None where missing."""
    return [
        {coder: row[unit] for coder, row in enumerate(rows) if row[unit] is not None} for unit in range(len(rows[0]))
    ]


# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four observers,
# twelve units, missing values. Published: nominal .743, ordinal .815, interval .849.
PAPER = units_from_rows(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
)
# The computational example of Wikipedia's "Krippendorff's alpha": three coders, fifteen units.
WIKIPEDIA = units_from_rows(
    [
        [None, None, None, None, None, 3, 4, 1, 2, 1, 1, 3, 3, None, 3],
        [1, None, 2, 1, 3, 3, 4, 3, None, None, None, None, None, None, None],
        [None, None, 2, 1, 3, 4, 4, None, 2, 1, 1, 3, 3, None, 4],
    ]
)


def test_published_example_nominal() -> None:
    result = reliability(PAPER)
    assert round(result.alpha or 0, 3) == 0.743
    assert result.units == 11  # unit 12 has one value only
    assert result.values == (1, 2, 3, 4, 5)
    third = 1 / 3
    paper_matrix = [  # the paper's coincidences; n_c = 9, 13, 10, 5, 3
        (7, 4 * third, third, third, 0),
        (4 * third, 10, 4 * third, third, 0),
        (third, 4 * third, 8, third, 0),
        (third, third, third, 4, 0),
        (0, 0, 0, 0, 3),
    ]
    assert [list(row) for row in result.coincidences] == [pytest.approx(row) for row in paper_matrix]
    assert result.verdict == "tentative"


def test_published_example_ordinal_and_interval() -> None:
    assert round(reliability(PAPER, "ordinal", [1, 2, 3, 4, 5]).alpha or 0, 3) == 0.815
    assert round(reliability(PAPER, "interval").alpha or 0, 3) == 0.849


def test_wikipedia_example() -> None:
    result = reliability(WIKIPEDIA)
    assert result.alpha == pytest.approx(0.691358, abs=1e-6)
    assert result.units == 12  # units 1, 2 and 14 have fewer than two values
    assert reliability(WIKIPEDIA, "interval").alpha == pytest.approx(0.810845, abs=1e-6)


def random_units(rng: random.Random) -> Units:
    coders = rng.randint(2, 5)
    labels = [f"v{i}" for i in range(rng.randint(2, 6))]
    skill = rng.random()
    units: Units = []
    for _ in range(rng.randint(1, 40)):
        truth = rng.choice(labels)
        unit: dict[Hashable, Hashable] = {}
        for coder in range(coders):
            if rng.random() < 0.25:
                continue  # missing
            unit[f"c{coder}"] = truth if rng.random() < skill else rng.choice(labels)
        units.append(unit)
    return units


def test_matches_nltk_on_random_data() -> None:
    agreement = pytest.importorskip("nltk.metrics.agreement")
    rng = random.Random(20261130)
    compared = 0
    for _ in range(300):
        units = random_units(rng)
        ours = reliability(units, resamples=0)
        pairable = [unit for unit in units if len(unit) >= 2]
        if ours.alpha is None:
            assert len({value for unit in pairable for value in unit.values()}) <= 1
            continue
        triples = [(coder, str(i), value) for i, unit in enumerate(pairable) for coder, value in unit.items()]
        assert ours.alpha == pytest.approx(agreement.AnnotationTask(data=triples).alpha(), abs=1e-9)
        compared += 1
    assert compared > 250


def test_perfect_agreement_is_one() -> None:
    units: Units = [{"a": v, "b": v, "c": v} for v in "xyzxyzxx"]
    result = reliability(units)
    assert result.alpha == 1.0
    assert result.agreement == 1.0
    assert result.verdict == "reliable"
    assert reliability(units, "ordinal", ["x", "y", "z"]).alpha == 1.0


def test_relabelling_and_reordering_change_nothing() -> None:
    rng = random.Random(7)
    for _ in range(50):
        units = random_units(rng)
        base = reliability(units, resamples=0)
        relabel = {f"v{i}": (i * 37) % 11 for i in range(6)}  # a bijection onto other values
        relabelled = reliability([{c: relabel[str(v)] for c, v in unit.items()} for unit in units], resamples=0)
        reordered = reliability([dict(reversed(list(unit.items()))) for unit in reversed(units)], resamples=0)
        for other in (relabelled, reordered):
            assert (other.alpha is None) == (base.alpha is None)
            if base.alpha is not None:
                assert other.alpha == pytest.approx(base.alpha, abs=1e-12)
            assert other.agreement == pytest.approx(base.agreement)
            assert other.units == base.units


def test_bootstrap_is_deterministic_and_contains_alpha() -> None:
    rng = random.Random(3)
    units: Units = []
    for _ in range(200):
        truth = rng.choice("abcd")
        units.append({"one": truth, "two": truth if rng.random() < 0.8 else rng.choice("abcd")})
    first, second = reliability(units, seed=5), reliability(units, seed=5)
    assert first == second
    assert first.ci is not None and first.alpha is not None
    assert first.ci.low < first.alpha < first.ci.high
    assert first.ci.used == first.ci.resamples == 1000
    assert reliability(units, seed=6).ci != first.ci


def test_bootstrap_with_many_value_patterns_draws_units_one_by_one() -> None:
    rng = random.Random(11)
    labels = range(12)
    units: Units = []
    for _ in range(60):
        truth = rng.choice(labels)
        units.append({coder: truth if rng.random() < 0.7 else rng.choice(labels) for coder in "abcde"})
    patterns = {tuple(sorted(unit.values())) for unit in units}  # type: ignore[type-var]
    assert len(patterns) * UNITS_PER_PATTERN > len(units)  # the one-by-one path
    result = reliability(units, seed=2)
    assert result == reliability(units, seed=2)
    assert result.ci is not None and result.alpha is not None
    assert result.ci.low < result.alpha < result.ci.high


def test_pattern_counts_follow_the_multinomial_law() -> None:
    """Each pattern's count over many resamples has the multinomial mean N p and variance N p (1 - p)."""
    sizes = [50, 3, 7, 1, 20, 19]
    cumulative = [0]
    for size in sizes:
        cumulative.append(cumulative[-1] + size)
    total, draws = sum(sizes), 20000
    binomial = _Binomial(random.Random(2), total)
    sums, squares = [0] * len(sizes), [0] * len(sizes)
    for _ in range(draws):
        counts = [0] * len(sizes)
        _multinomial(binomial, total, cumulative, 0, len(sizes), counts)
        assert sum(counts) == total
        for i, count in enumerate(counts):
            sums[i] += count
            squares[i] += count * count
    for i, size in enumerate(sizes):
        mean, variance = sums[i] / draws, squares[i] / draws - (sums[i] / draws) ** 2
        expected_variance = size * (1 - size / total)
        assert mean == pytest.approx(size, abs=4 * (expected_variance / draws) ** 0.5 + 1e-9)
        assert variance == pytest.approx(expected_variance, rel=0.05)


def test_bootstrap_skips_resamples_where_alpha_is_undefined() -> None:
    units: Units = [{"a": "x", "b": "x"} for _ in range(5)]
    units.append({"a": "x", "b": "y"})
    result = reliability(units, seed=1)
    assert result.ci is not None
    assert 0 < result.ci.used < result.ci.resamples  # resamples without the one "y" unit have D_e = 0
    assert -1 <= result.ci.low <= result.ci.high <= 1


@pytest.mark.parametrize("units", [[], [{"a": "x"}, {"b": "y"}], [{}]])
def test_nothing_pairable_is_not_applicable(units: Units) -> None:
    result = reliability(units)
    assert (result.units, result.alpha, result.agreement, result.ci, result.verdict) == (0, None, None, None, "n/a")
    assert result.reason
    assert result.coincidences == tuple(tuple(0.0 for _ in result.values) for _ in result.values)


def test_one_category_only_is_not_applicable() -> None:
    result = reliability([{"a": "yes", "b": "yes"}, {"a": "yes", "b": "yes", "c": "yes"}, {"a": "yes"}])
    assert (result.units, result.alpha, result.agreement, result.ci, result.verdict) == (2, None, 1.0, None, "n/a")
    assert result.reason is not None and "'yes'" in result.reason
    assert result.coincidences == ((5.0,),)


@pytest.mark.parametrize(
    "pairs, expected",
    [
        # alpha = 1 - (n - 1) * sum o_ck (c != k) / (n^2 - sum n_c^2), n = 6 values.
        ([("a", "a"), ("b", "b"), ("a", "b")], 1 - 5 * 2 / (36 - 9 - 9)),  # 4/9
        ([("a", "a"), ("a", "a"), ("a", "b")], 1 - 5 * 2 / (36 - 25 - 1)),  # exactly 0 by the formula
        ([("a", "b"), ("b", "a"), ("a", "a")], 1 - 5 * 4 / (36 - 16 - 4)),  # -0.25: worse than chance
    ],
)
def test_one_disagreement_in_three_units_is_the_formula_not_a_clamp(
    pairs: list[tuple[str, str]], expected: float
) -> None:
    result = reliability([{"one": a, "two": b} for a, b in pairs])
    assert result.alpha == pytest.approx(expected)
    assert result.verdict == "unreliable"


def test_percent_agreement_is_per_unit_share_of_agreeing_pairs() -> None:
    units: Units = [{"a": 1, "b": 1, "c": 2}, {"a": 1, "b": 1}, {"a": 1, "b": 2}, {"a": 3}]
    assert reliability(units).agreement == pytest.approx((1 / 3 + 1 + 0) / 3)


def test_ordinal_needs_its_scale_and_values_on_it() -> None:
    with pytest.raises(ValueError):
        reliability(PAPER, "ordinal")
    with pytest.raises(ValueError):
        reliability(PAPER, "ordinal", [1, 2, 3])
    with pytest.raises(ValueError):
        reliability([{"a": "x", "b": "y"}], "interval")
    with pytest.raises(ValueError):
        reliability([{"a": 1, "b": 2}], "interval", [1, 2, "three"])
    with pytest.raises(ValueError):
        reliability(PAPER, "ratio")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        reliability(PAPER, level=95)


def test_ordinal_scale_orders_the_matrix_and_keeps_unused_categories() -> None:
    result = reliability([{"a": "high", "b": "low"}, {"a": "low", "b": "low"}], "ordinal", ["low", "mid", "high"])
    assert result.values == ("low", "mid", "high")
    assert result.coincidences[1] == (0.0, 0.0, 0.0)


def test_mixed_value_types_get_a_stable_order() -> None:
    result = reliability([{"a": None, "b": "x"}, {"a": "x", "b": "x"}])
    assert result.values == (None, "x")


@pytest.mark.parametrize(
    "alpha, expected",
    [
        (None, "n/a"),
        (1.0, "reliable"),
        (0.8, "reliable"),
        (0.7999999999999999, "reliable"),  # float noise around .8, not a lower value
        (0.7999, "tentative"),
        (0.667, "tentative"),
        (0.5, "unreliable"),
    ],
)
def test_verdict(alpha: float | None, expected: str) -> None:
    assert verdict(alpha) == expected


def test_result_is_frozen() -> None:
    result: Reliability = reliability(WIKIPEDIA)
    with pytest.raises(AttributeError):
        result.alpha = 0.0  # type: ignore[misc]
