"""Wilson score interval: published worked examples and statsmodels as the reference."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

from equity_stats import Z, wilson_interval


@pytest.mark.parametrize(
    ("x", "n", "lower", "upper"),
    [
        (81, 263, 0.2553, 0.3662),  # Newcombe (1998) / Wilson worked example
        (0, 20, 0.0000, 0.1611),
        (20, 20, 0.8389, 1.0000),
    ],
)
def test_published_examples(x, n, lower, upper):
    lo, hi = wilson_interval(x, n)
    assert round(float(lo), 4) == lower
    assert round(float(hi), 4) == upper


def test_z_is_the_two_sided_95_percent_quantile():
    from scipy.stats import norm

    assert abs(norm.ppf(0.975) - Z) < 1e-15


def test_scalars_give_scalars_and_arrays_give_arrays():
    lo, hi = wilson_interval(5, 10)
    assert np.ndim(lo) == 0 and np.ndim(hi) == 0
    lo, hi = wilson_interval(np.array([1, 2, 3]), np.array([10, 10, 10]))
    assert lo.shape == (3,) and hi.shape == (3,)
    assert np.all(np.diff(lo) > 0)


def test_zero_denominator_and_invalid_counts_are_nan():
    lo, hi = wilson_interval(np.array([0, 5, -1]), np.array([0, 4, 10]))
    assert np.isnan(lo).all() and np.isnan(hi).all()


def test_interval_is_clipped_and_exact_at_the_edges():
    n = np.arange(1, 500)
    lo, hi = wilson_interval(np.zeros_like(n), n)
    assert np.all(lo == 0.0)
    lo, hi = wilson_interval(n, n)
    assert np.all(hi == 1.0)
    assert np.all((lo >= 0) & (lo <= 1))


@settings(deadline=None)
@given(st.integers(1, 100_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_matches_statsmodels(case):
    x, n = case
    expected = proportion_confint(x, n, alpha=0.05, method="wilson")
    lo, hi = wilson_interval(x, n)
    assert lo == pytest.approx(max(expected[0], 0.0), abs=1e-10)
    assert hi == pytest.approx(min(expected[1], 1.0), abs=1e-10)
    assert lo <= x / n <= hi


@settings(deadline=None)
@given(st.lists(st.integers(1, 5000), min_size=1, max_size=50), st.data())
def test_vectorized_equals_elementwise(ns, data):
    xs = [data.draw(st.integers(0, n)) for n in ns]
    lo, hi = wilson_interval(np.array(xs), np.array(ns))
    for i, (x, n) in enumerate(zip(xs, ns, strict=True)):
        e_lo, e_hi = wilson_interval(x, n)
        np.testing.assert_allclose([lo[i], hi[i]], [e_lo, e_hi], rtol=1e-12, atol=1e-15)
