"""Newcombe method 10 difference and Katz log ratio: worked examples, statsmodels reference."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import confint_proportions_2indep

from equity_stats import Z, katz_ratio, newcombe_difference, wilson_interval


def counts(min_x=0, max_n=5000):
    return st.integers(max(1, min_x), max_n).flatmap(
        lambda n: st.tuples(st.integers(min_x, n), st.just(n))
    )


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "lower", "upper"),
    [
        (56, 70, 48, 80, 0.0524, 0.3339),  # Newcombe (1998) table II
        (10, 10, 0, 20, 0.6791, 1.0000),
    ],
)
def test_newcombe_published_examples(x1, n1, x2, n2, lower, upper):
    d, lo, hi = newcombe_difference(x1, n1, x2, n2)
    assert d == pytest.approx(x1 / n1 - x2 / n2)
    assert round(float(lo), 4) == lower
    assert round(float(hi), 4) == upper


def test_newcombe_is_built_from_the_two_wilson_intervals():
    l1, u1 = wilson_interval(56, 70)
    l2, u2 = wilson_interval(48, 80)
    p1, p2 = 56 / 70, 48 / 80
    d, lo, hi = newcombe_difference(56, 70, 48, 80)
    assert lo == pytest.approx(p1 - p2 - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2))
    assert hi == pytest.approx(p1 - p2 + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))


def test_katz_published_example():
    rr, lo, hi = katz_ratio(7, 34, 1, 34)
    assert rr == pytest.approx(7.0)
    assert round(float(lo), 4) == 0.9096
    assert round(float(hi), 4) == 53.8695


def test_katz_formula_by_hand():
    se = math.sqrt(1 / 7 - 1 / 34 + 1 / 1 - 1 / 34)
    rr, lo, hi = katz_ratio(7, 34, 1, 34)
    assert lo == pytest.approx(math.exp(math.log(7) - Z * se))
    assert hi == pytest.approx(math.exp(math.log(7) + Z * se))


@pytest.mark.parametrize(("x1", "x2"), [(0, 5), (5, 0), (0, 0)])
def test_katz_is_empty_when_a_count_is_zero(x1, x2):
    assert all(math.isnan(v) for v in katz_ratio(x1, 20, x2, 20))


def test_zero_denominators_give_nan():
    assert all(math.isnan(v) for v in newcombe_difference(1, 0, 1, 5))
    assert all(math.isnan(v) for v in katz_ratio(1, 5, 1, 0))


@settings(deadline=None)
@given(counts(), counts())
def test_newcombe_matches_statsmodels(a, b):
    (x1, n1), (x2, n2) = a, b
    expected = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff")
    d, lo, hi = newcombe_difference(x1, n1, x2, n2)
    assert lo == pytest.approx(expected[0], abs=1e-10)
    assert hi == pytest.approx(expected[1], abs=1e-10)
    assert -1.0 <= lo <= d <= hi <= 1.0


@settings(deadline=None)
@given(counts(min_x=1), counts(min_x=1))
def test_katz_matches_statsmodels_log_ratio(a, b):
    (x1, n1), (x2, n2) = a, b
    expected = confint_proportions_2indep(x1, n1, x2, n2, method="log", compare="ratio")
    rr, lo, hi = katz_ratio(x1, n1, x2, n2)
    assert rr == pytest.approx((x1 / n1) / (x2 / n2), rel=1e-12)
    assert lo == pytest.approx(expected[0], rel=1e-9)
    assert hi == pytest.approx(expected[1], rel=1e-9)


@settings(deadline=None)
@given(st.lists(st.tuples(counts(min_x=1), counts(min_x=1)), min_size=1, max_size=30))
def test_vectorized_equals_elementwise(pairs):
    x1, n1, x2, n2 = (np.array(v) for v in zip(*[(*a, *b) for a, b in pairs], strict=True))
    vec_d = newcombe_difference(x1, n1, x2, n2)
    vec_r = katz_ratio(x1, n1, x2, n2)
    for i in range(len(pairs)):
        one_d = newcombe_difference(x1[i], n1[i], x2[i], n2[i])
        one_r = katz_ratio(x1[i], n1[i], x2[i], n2[i])
        # equal up to rounding: numpy's array and scalar paths may differ in the last bit
        np.testing.assert_allclose([v[i] for v in vec_d], one_d, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose([v[i] for v in vec_r], one_r, rtol=1e-12, atol=1e-15)
