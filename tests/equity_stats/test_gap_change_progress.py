"""Change in the gap (MOVER), progress to target, Making Data Count icons, not sustained.

Independent references: Newcombe's method 10 is MOVER applied to two Wilson intervals, so
MOVER must reproduce equity_stats' Newcombe difference (itself checked against a loop
reference); with symmetric (Wald) intervals MOVER reduces to d -+ z sqrt(se1^2 + se2^2);
the worked example is computed by hand below."""

import math
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from equity_stats import Z, gap_change, newcombe_difference, phased_chart, progress, wilson_interval
from equity_stats.progress import (
    COMMON_CAUSE,
    DETERIORATING,
    HIT_AND_MISS,
    IMPROVING,
    NARROWING,
    NO_CHANGE,
    WIDENING,
    WILL_MEET,
    WILL_NOT_MEET,
    assurance,
    mover_difference,
    natural_limits,
    not_sustained,
    variation,
)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 400), st.integers(0, 400), st.integers(1, 400), st.integers(0, 400))
def test_mover_of_wilson_intervals_is_newcombe_method_10(n1, x1, n2, x2):
    x1, x2 = min(x1, n1), min(x2, n2)
    l1, u1 = wilson_interval(x1, n1)
    l2, u2 = wilson_interval(x2, n2)
    d, lo, hi = mover_difference(x1 / n1, l1, u1, x2 / n2, l2, u2)
    nd, nlo, nhi = newcombe_difference(x1, n1, x2, n2)
    assert (d, lo, hi) == pytest.approx((nd, nlo, nhi), abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(st.floats(-0.5, 0.5), st.floats(0.001, 0.2), st.floats(-0.5, 0.5), st.floats(0.001, 0.2))
def test_mover_with_symmetric_intervals_is_the_wald_combination(d1, se1, d0, se0):
    change = gap_change((d0, d0 - Z * se0, d0 + Z * se0), (d1, d1 - Z * se1, d1 + Z * se1))
    half = Z * math.sqrt(se1**2 + se0**2)
    assert change.change == pytest.approx(d1 - d0)
    assert (change.lower, change.upper) == pytest.approx((d1 - d0 - half, d1 - d0 + half))


def test_worked_example_and_verdicts():
    # baseline gap 0.12 (0.08, 0.17); latest 0.04 (0.01, 0.08)
    c = gap_change((0.12, 0.08, 0.17), (0.04, 0.01, 0.08))
    assert c.change == pytest.approx(-0.08)
    assert c.lower == pytest.approx(-0.08 - math.sqrt(0.03**2 + 0.05**2))  # -0.13831
    assert c.upper == pytest.approx(-0.08 + math.sqrt(0.04**2 + 0.04**2))  # -0.02343
    assert c.verdict == NARROWING
    assert gap_change((0.04, 0.01, 0.08), (0.12, 0.08, 0.17)).verdict == WIDENING
    assert gap_change((0.12, 0.02, 0.22), (0.08, 0.0, 0.16)).verdict == NO_CHANGE
    # focus group better than the reference at baseline: moving up towards 0 narrows
    assert gap_change((-0.12, -0.17, -0.08), (-0.04, -0.08, -0.01)).verdict == NARROWING
    assert gap_change((-0.04, -0.08, -0.01), (-0.12, -0.17, -0.08)).verdict == WIDENING
    assert gap_change((0.1, None, 0.2), (0.1, 0.0, 0.2)) is None
    assert gap_change((0.1, 0.0, 0.2), (math.nan, 0.0, 0.2)) is None


def test_progress_percent_and_on_track():
    # baseline 0.20 on 2025-01-01, target 0.10 by 2026-01-01 (lower is better)
    args = dict(baseline=0.20, target=0.10, baseline_date=date(2025, 1, 1), better=-1)
    mid = date(2025, 7, 2)  # 182 of 365 days
    p = progress(**args, latest=0.16, target_date=date(2026, 1, 1), latest_date=mid)
    assert p.percent == pytest.approx(40.0)
    assert p.expected == pytest.approx(0.20 - 0.10 * 182 / 365)
    assert not p.on_track and not p.met  # 0.16 > 0.1501
    p = progress(**args, latest=0.15, target_date=date(2026, 1, 1), latest_date=mid)
    assert p.on_track and p.percent == pytest.approx(50.0)
    late = progress(**args, latest=0.11, target_date=date(2026, 1, 1), latest_date=date(2027, 1, 1))
    assert late.expected == pytest.approx(0.10) and not late.on_track and not late.met
    done = progress(**args, latest=0.09, target_date=date(2026, 1, 1), latest_date=mid)
    assert done.met and done.on_track and done.percent == pytest.approx(110.0)


def test_progress_higher_is_better_and_edge_cases():
    p = progress(
        baseline=0.5,
        target=0.7,
        latest=0.55,
        baseline_date=date(2025, 1, 1),
        target_date=date(2025, 1, 1),
        latest_date=date(2024, 1, 1),
        better=1,
    )
    assert p.expected == pytest.approx(0.7) and p.percent == pytest.approx(25.0)
    same = progress(
        baseline=0.5,
        target=0.5,
        latest=0.5,
        baseline_date=date(2025, 1, 1),
        target_date=date(2026, 1, 1),
        latest_date=date(2025, 6, 1),
        better=1,
    )
    assert same.percent is None and same.met
    with pytest.raises(ValueError):
        progress(
            baseline=0.5,
            target=0.6,
            latest=0.5,
            baseline_date=date(2025, 1, 1),
            target_date=date(2026, 1, 1),
            latest_date=date(2025, 6, 1),
            better=0,
        )


BASE_X = [20, 22, 19, 21, 20, 21]
N = [100] * 12


def test_variation_icons():
    better_up = phased_chart(x=BASE_X + [40, 20, 21, 20, 22, 45], n=N, baseline_points=6)
    assert variation(better_up, better=1) == IMPROVING  # last point above the upper limit
    assert variation(better_up, better=-1) == DETERIORATING
    flat = phased_chart(x=BASE_X + [20, 21, 19, 22, 20, 21], n=N, baseline_points=6)
    assert variation(flat, better=1) == COMMON_CAUSE
    # a shift below the median of 8 points (> limit 7 for 14 useful points), none outside limits
    n14 = [100] * 14
    shift = phased_chart(x=BASE_X + [17] * 8, n=n14, baseline_points=6)
    assert not shift.outside.any()
    assert variation(shift, better=1) == DETERIORATING
    assert variation(shift, better=-1) == IMPROVING
    gap = phased_chart([0.1, 0.11, 0.09, 0.1, 0.12, 0.1] + [0.05] * 8, baseline_points=6)
    assert variation(gap, better=-1) == IMPROVING
    assert variation(phased_chart([math.nan], baseline_points=1), better=1) is None


def test_assurance_against_limits():
    assert assurance(target=0.1, lower=0.12, upper=0.3, better=1) == WILL_MEET
    assert assurance(target=0.4, lower=0.12, upper=0.3, better=1) == WILL_NOT_MEET
    assert assurance(target=0.2, lower=0.12, upper=0.3, better=1) == HIT_AND_MISS
    assert assurance(target=0.4, lower=0.12, upper=0.3, better=-1) == WILL_MEET
    assert assurance(target=0.1, lower=0.12, upper=0.3, better=-1) == WILL_NOT_MEET
    assert assurance(target=0.2, lower=0.12, upper=0.3, better=-1) == HIT_AND_MISS
    assert assurance(target=0.2, lower=math.nan, upper=0.3, better=1) is None


def test_natural_limits_are_xmr_limits_of_the_basis():
    values = [0.10, 0.12, 0.09, 0.11, 0.10, 0.13, 0.05, 0.04]
    mean = sum(values[:6]) / 6
    mr = sum(abs(values[i] - values[i - 1]) for i in range(1, 6)) / 5
    centre, lo, hi = natural_limits(phased_chart(values, baseline_points=6))
    assert (centre, lo, hi) == pytest.approx((mean, mean - 2.66 * mr, mean + 2.66 * mr))
    allpts = natural_limits(phased_chart(values, baseline_points=2))
    assert allpts[0] == pytest.approx(sum(values) / 8)


def test_not_sustained_needs_met_then_a_wrong_way_signal():
    # lower is better, target 0.15: met at point 6, then a point far above the upper limit
    x = BASE_X + [14, 13, 14, 15, 14, 35]
    chart = phased_chart(x=x, n=N, baseline_points=6)
    assert not_sustained(chart, target=0.15, better=-1)
    held = phased_chart(x=BASE_X + [14, 13, 14, 15, 14, 13], n=N, baseline_points=6)
    assert not not_sustained(held, target=0.15, better=-1)
    # never met: never "not sustained" (it is "not met" instead)
    assert not not_sustained(chart, target=0.05, better=-1)
    # gap series (XmR limits 0.1033 -+ 0.0426), lower is better: met at 0.04, then a run of 8
    # at 0.12 (inside the limits, above the median 0.1, longer than 7) is a wrong-way signal
    base = [0.1, 0.11, 0.09, 0.1, 0.12, 0.1, 0.04]
    gap = base + [0.12] * 8
    assert not_sustained(phased_chart(gap, baseline_points=6), target=0.05, better=-1)
    assert not not_sustained(phased_chart(gap[:9], baseline_points=6), target=0.05, better=-1)
    # one point beyond the upper natural limit is enough
    jump = phased_chart([*base, 0.2], baseline_points=6)
    assert not_sustained(jump, target=0.05, better=-1)


def test_process_limits_of_a_series_without_a_p_chart_are_xmr_limits():
    from equity_stats.progress import process_limits

    values = [0.10, 0.12, 0.09, 0.11, 0.10, 0.13, 0.05, 0.04]
    mean = sum(values[:6]) / 6
    mr = sum(abs(values[i] - values[i - 1]) for i in range(1, 6)) / 5
    lower, upper = process_limits(phased_chart(values, baseline_points=6))
    assert lower.tolist() == pytest.approx([mean - 2.66 * mr] * 8)
    assert upper.tolist() == pytest.approx([mean + 2.66 * mr] * 8)
    c = phased_chart(x=[10, 12], n=[100, 100], baseline_points=2)
    assert process_limits(c)[1].tolist() == c.upper.tolist()
