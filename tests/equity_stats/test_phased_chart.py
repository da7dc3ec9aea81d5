"""Phased run and p-charts per goal (issue 13): phases, the 6-point baseline rule, rebaselines.

The references below are written from the formulas (median, Anhoej limits from scipy's
binomial quantile, p-bar and 3-sigma limits), not from equity_stats."""

import math
import statistics

import numpy as np
import pytest
from scipy.stats import binom

from equity_stats import phased_chart
from equity_stats.spc import BASIS_ALL, BASIS_BASELINE, run_segments


def ref_runs(values, centre):
    useful = [v for v in values if not math.isnan(v) and v != centre]
    longest = current = crossings = 0
    for i, v in enumerate(useful):
        if i and (v > centre) != (useful[i - 1] > centre):
            crossings += 1
            current = 0
        current += 1
        longest = max(longest, current)
    n = len(useful)
    return {
        "n": n,
        "longest": longest,
        "longest_limit": round(math.log2(n) + 3),
        "crossings": crossings,
        "crossings_limit": int(binom.ppf(0.05, n - 1, 0.5)),
    }


X = [12, 15, 11, 14, 13, 12, 20, 22, 24, 25, 27, 26]
N = [100, 120, 90, 110, 100, 95, 105, 100, 110, 100, 98, 102]


def test_baseline_with_six_points_sets_the_centre_and_limits():
    c = phased_chart(x=X, n=N, baseline_points=6)
    assert c.phases == ("baseline",) * 6 + ("follow-up",) * 6
    part = c.parts[0]
    assert part.basis == BASIS_BASELINE and part.basis_points == 6
    rates = [x / n for x, n in zip(X, N, strict=True)]
    med = statistics.median(rates[:6])
    assert c.median.tolist() == pytest.approx([med] * 12)
    pbar = sum(X[:6]) / sum(N[:6])
    assert c.centre.tolist() == pytest.approx([pbar] * 12)
    for i in range(12):
        half = 3 * math.sqrt(pbar * (1 - pbar) / N[i])
        assert c.lower[i] == pytest.approx(max(0.0, pbar - half))
        assert c.upper[i] == pytest.approx(min(1.0, pbar + half))
        assert c.outside[i] == (rates[i] > pbar + half or rates[i] < pbar - half)
    ref = ref_runs(rates, med)
    r = part.runs
    assert (r.n_useful, r.longest_run, r.crossings) == (ref["n"], ref["longest"], ref["crossings"])
    limits = (ref["longest_limit"], ref["crossings_limit"])
    assert (r.longest_run_limit, r.crossings_limit) == limits
    assert r.longest_run_signal == (ref["longest"] > ref["longest_limit"])
    assert r.signal  # six after a baseline of six: a shift


def test_short_baseline_uses_all_points_and_says_so():
    c = phased_chart(x=X, n=N, baseline_points=5)
    assert c.parts[0].basis == BASIS_ALL and c.parts[0].basis_points == 12
    assert c.phases[:5] == ("baseline",) * 5 and c.phases[5] == "follow-up"
    rates = [x / n for x, n in zip(X, N, strict=True)]
    assert c.median[0] == pytest.approx(statistics.median(rates))
    assert c.centre[0] == pytest.approx(sum(X) / sum(N))


def test_suppressed_baseline_points_do_not_count_towards_six():
    x = [math.nan, *X[1:]]
    n = [math.nan, *N[1:]]
    c = phased_chart(x=x, n=n, baseline_points=6)
    assert c.parts[0].basis == BASIS_ALL
    assert math.isnan(c.values[0]) and math.isnan(c.upper[0]) and not c.outside[0]
    assert c.centre[1] == pytest.approx(sum(X[1:]) / sum(N[1:]))


def test_rebaseline_starts_a_new_phase_with_its_own_centre():
    c = phased_chart(x=X, n=N, baseline_points=6, rebaselines=[9])
    assert c.phases == ("baseline",) * 6 + ("follow-up",) * 3 + ("phase-2",) * 3
    assert len(c.parts) == 2
    rates = [x / n for x, n in zip(X, N, strict=True)]
    # first part: baseline centre, runs over points 0..8 only
    assert c.parts[0].runs.n_useful == 9
    assert c.median[0] == pytest.approx(statistics.median(rates[:6]))
    # second part: all its own points
    assert c.median[9] == pytest.approx(statistics.median(rates[9:]))
    assert c.centre[9] == pytest.approx(sum(X[9:]) / sum(N[9:]))
    assert (
        c.parts[1].basis == BASIS_ALL and c.parts[1].runs.n_useful == 2
    )  # one point on the median
    three = phased_chart(x=X, n=N, baseline_points=6, rebaselines=[9, 7, 0, 12, 9])
    assert three.phases[6:] == ("follow-up", "phase-2", "phase-2", "phase-3", "phase-3", "phase-3")


def test_run_chart_of_values_without_limits():
    gap = [0.1, 0.12, 0.09, 0.11, 0.1, 0.13, 0.05, 0.04, math.nan, 0.03]
    c = phased_chart(gap, baseline_points=6)
    assert not c.has_limits and c.centre is None
    assert c.median[0] == pytest.approx(statistics.median(gap[:6]))
    ref = ref_runs(gap, statistics.median(gap[:6]))
    assert c.parts[0].runs.longest_run == ref["longest"] == 3


def test_empty_and_all_missing_series():
    assert phased_chart([], baseline_points=0).parts == ()
    c = phased_chart(x=[math.nan] * 3, n=[math.nan] * 3, baseline_points=1)
    assert c.parts[0].runs.n_useful == 0 and not c.outside.any()


def test_run_segments_skip_the_centre_and_missing_points():
    assert run_segments([1, 3, 2, np.nan, 3, 1, 1], 2) == [
        (-1, (0,)),
        (1, (1, 4)),
        (-1, (5, 6)),
    ]
