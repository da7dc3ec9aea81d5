"""Run charts (Anhoej rules as in qicharts2) and p-charts."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binom

from equity_stats import crossings_limit, longest_run_limit, p_chart, run_chart


def test_crossings_limit_is_the_binomial_5th_percentile():
    # qicharts2: qbinom(0.05, n_useful - 1, 0.5), for every chart length up to 1000
    n = np.arange(1, 1001)
    expected = binom.ppf(0.05, n - 1, 0.5).astype(int).tolist()
    assert [crossings_limit(int(i)) for i in n] == expected


@settings(deadline=None)
@given(st.integers(1, 5000))
def test_limits_match_scipy_and_qicharts2(n):
    assert crossings_limit(n) == int(binom.ppf(0.05, n - 1, 0.5))
    assert longest_run_limit(n) == round(math.log2(n) + 3)


@pytest.mark.parametrize(("n", "run", "cross"), [(10, 6, 2), (20, 7, 6), (30, 8, 10)])
def test_anhoej_table_values(n, run, cross):
    assert (longest_run_limit(n), crossings_limit(n)) == (run, cross)


def test_no_useful_points():
    r = run_chart([3, 3, 3])
    assert r.n_useful == 0 and not r.signal and r.longest_run_limit is None
    assert math.isnan(run_chart([]).centre)


def test_hand_example_shift():
    # 12 points, median 6.5: six below then six above -> 1 crossing, longest run 6
    r = run_chart(range(1, 13))
    assert r.centre == 6.5 and r.n_useful == 12
    assert (r.longest_run, r.longest_run_limit) == (6, 7) and not r.longest_run_signal
    assert (r.crossings, r.crossings_limit) == (1, 3) and r.crossings_signal
    assert r.signal


def test_points_on_the_centre_and_missing_points_are_ignored():
    values = [1, 5, 9, 5, 1, 9, np.nan, 5, 1, 9]
    r = run_chart(values)
    assert r.centre == 5 and r.n_useful == 6
    assert r.crossings == 5 and r.longest_run == 1 and not r.signal


def test_baseline_as_count_and_slice():
    values = [1, 2, 3, 4, 10, 11, 12, 13, 14, 15, 16, 17]
    r = run_chart(values, baseline=4)
    assert r.centre == 2.5
    assert r.longest_run == 10 and r.longest_run_limit == 7 and r.longest_run_signal
    assert run_chart(values, baseline=slice(4, None)).centre == 13.5
    with pytest.raises(ValueError):
        run_chart(values, baseline=0)
    with pytest.raises(ValueError):
        run_chart(values, baseline="first")


def reference_runs(values, centre):
    useful = [v for v in values if not math.isnan(v) and v != centre]
    sides = [v > centre for v in useful]
    longest, current, crossings = 0, 0, 0
    for i, s in enumerate(sides):
        if i and s != sides[i - 1]:
            crossings += 1
            current = 0
        current += 1
        longest = max(longest, current)
    return len(useful), longest, crossings


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 6).map(float), st.just(math.nan)), max_size=60))
def test_run_chart_matches_a_loop_reference(values):
    r = run_chart(values)
    finite = [v for v in values if not math.isnan(v)]
    centre = float(np.median(finite)) if finite else math.nan
    n_useful, longest, crossings = reference_runs(values, centre)
    assert (r.n_useful, r.longest_run, r.crossings) == (n_useful, longest, crossings)
    if n_useful:
        assert r.longest_run_signal == (longest > round(math.log2(n_useful) + 3))
        assert r.crossings_signal == (crossings < binom.ppf(0.05, n_useful - 1, 0.5))
        assert r.signal == (r.longest_run_signal or r.crossings_signal)


def test_p_chart_hand_example():
    # p-bar = 48 / 400 = 0.12; limits 0.12 -+ 3 sqrt(0.12 * 0.88 / 100) = 0.12 -+ 0.0975
    c = p_chart([5, 6, 7, 30], [100, 100, 100, 100])
    assert c.centre == pytest.approx(0.12)
    assert c.lower == pytest.approx([0.12 - 3 * math.sqrt(0.12 * 0.88 / 100)] * 4)
    assert round(float(c.upper[0]), 4) == 0.2175
    assert c.outside.tolist() == [False, False, False, True]
    assert c.rates.tolist() == [0.05, 0.06, 0.07, 0.30]
    assert c.runs.centre == pytest.approx(0.12) and c.signal


def test_p_chart_limits_vary_with_n_and_are_clipped():
    c = p_chart([1, 50, 0], [5, 1000, 0])
    pbar = 51 / 1005
    assert c.centre == pytest.approx(pbar)
    assert c.lower[0] == 0.0  # clipped
    assert c.upper[0] == pytest.approx(pbar + 3 * math.sqrt(pbar * (1 - pbar) / 5))
    assert c.upper[1] < c.upper[0]
    assert math.isnan(c.rates[2]) and math.isnan(c.upper[2]) and not c.outside[2]


def test_p_chart_baseline():
    c = p_chart([10, 10, 40, 40], [100, 100, 100, 100], baseline=2)
    assert c.centre == pytest.approx(0.1)
    assert c.outside.tolist() == [False, False, True, True]


def test_p_chart_with_suppression():
    c = p_chart([5, 20, 30], [100, 100, 100], k=11)
    assert c.suppressed.tolist() == [True, False, False]
    assert math.isnan(c.rates[0]) and math.isnan(c.lower[0])
    assert c.centre == pytest.approx(50 / 200)
    with pytest.raises(ValueError):
        p_chart([5], [100], k=5)
    with pytest.raises(ValueError):
        p_chart([5, 200], [100, 100])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(1, 2000), min_size=1, max_size=40).flatmap(
        lambda ns: st.tuples(st.tuples(*[st.integers(0, n) for n in ns]), st.just(ns))
    )
)
def test_p_chart_properties(case):
    x, n = (np.array(v, dtype=float) for v in case)
    c = p_chart(x, n)
    pbar = x.sum() / n.sum()
    assert c.centre == pytest.approx(pbar)
    half = 3 * np.sqrt(pbar * (1 - pbar) / n)
    np.testing.assert_allclose(c.lower, np.clip(pbar - half, 0, 1))
    np.testing.assert_allclose(c.upper, np.clip(pbar + half, 0, 1))
    rates = x / n
    assert c.outside.tolist() == ((rates > c.upper) | (rates < c.lower)).tolist()
