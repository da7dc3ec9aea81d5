"""Per-goal chart data, gap change, progress and flags (improvement.goals) against independent
computations: equity_stats' run/p-chart on the baseline span, the MOVER formula by hand, and
the straight-line arithmetic of progress."""

import math
from datetime import date

import pytest

from equity_stats import p_chart, run_chart
from improvement.goals import CSV_COLUMNS, GoalSpec, analyse_goal

from .series import quarter, series

# 30-day readmissions (lower is better): Black patients 25% vs White 15% for six quarters,
# then Black readmissions fall to 15% while White stays at 15%.
FOCUS = [(50, 200), (52, 200), (48, 200), (51, 200), (49, 200), (50, 200)] + [
    (40, 200),
    (36, 200),
    (34, 200),
    (33, 200),
    (30, 200),
    (30, 200),
]
REFERENCE = [(150, 1000), (152, 1000), (148, 1000), (151, 1000), (149, 1000), (150, 1000)] * 2
TODAY = date(2026, 1, 15)


def _spec(s, *, aim="difference", target=0.05, target_date=date(2026, 6, 1), baseline_i=5):
    p = s.points[baseline_i]
    return GoalSpec(
        pk=7,
        aim=aim,
        target_value=target,
        target_date=target_date,
        baseline_period=p.period_start,
        baseline={
            "rate": p.rate,
            "difference": p.difference,
            "difference_lower": p.difference_lower,
            "difference_upper": p.difference_upper,
            "ratio": p.ratio,
        },
    )


def test_phases_and_focus_p_chart_from_the_baseline_phase():
    s = series(FOCUS, REFERENCE)
    a = analyse_goal(_spec(s), s, today=TODAY)
    rows = a.rows("focus")
    assert [r["phase"] for r in rows] == ["baseline"] * 6 + ["follow-up"] * 6
    x = [f[0] for f in FOCUS]
    n = [f[1] for f in FOCUS]
    ref = p_chart(x, n, baseline=6)
    runs = run_chart([xi / ni for xi, ni in zip(x, n, strict=True)], baseline=6)
    for i, r in enumerate(rows):
        assert r["value"] == pytest.approx(x[i] / n[i])
        assert r["centre"] == pytest.approx(ref.centre)
        assert r["lower_limit"] == pytest.approx(ref.lower[i])
        assert r["upper_limit"] == pytest.approx(ref.upper[i])
        assert r["outside_limits"] == bool(ref.outside[i])
        assert r["median"] == pytest.approx(runs.centre)
        assert (r["longest_run"], r["longest_run_limit"]) == (
            runs.longest_run,
            round(math.log2(runs.n_useful) + 3),
        )
        assert (r["crossings"], r["crossings_limit"]) == (runs.crossings, runs.crossings_limit)
        assert r["run_signal"] == runs.signal
    assert any(r["outside_limits"] for r in rows[6:])
    assert "baseline phase (6 periods" in a.basis_note(a.focus)


def test_short_baseline_uses_all_points_and_the_note_says_so():
    s = series(FOCUS, REFERENCE)
    a = analyse_goal(_spec(s, baseline_i=3), s, today=TODAY)
    assert [r["phase"] for r in a.rows("gap")][:5] == ["baseline"] * 4 + ["follow-up"]
    x, n = [f[0] for f in FOCUS], [f[1] for f in FOCUS]
    assert a.rows("focus")[0]["centre"] == pytest.approx(sum(x) / sum(n))
    assert "from all 12 periods" in a.basis_note(a.focus)


def test_gap_series_has_no_p_chart_columns_and_its_own_run_chart():
    s = series(FOCUS, REFERENCE)
    a = analyse_goal(_spec(s), s, today=TODAY)
    gaps = [p.difference for p in s.points]
    runs = run_chart(gaps, baseline=6)
    for r, g in zip(a.rows("gap"), gaps, strict=True):
        assert r["value"] == pytest.approx(g)
        assert r["numerator"] is None and r["centre"] is None and r["outside_limits"] is None
        assert r["median"] == pytest.approx(runs.centre)
        assert r["run_signal"] == runs.signal


def test_rebaseline_starts_phase_2_at_its_period():
    s = series(FOCUS, REFERENCE)
    a = analyse_goal(_spec(s), s, rebaseline_dates=[quarter(9)[0]], today=TODAY)
    phases = [r["phase"] for r in a.rows("reference")]
    assert phases == ["baseline"] * 6 + ["follow-up"] * 3 + ["phase-2"] * 3
    x, n = [f[0] for f in FOCUS], [f[1] for f in FOCUS]
    assert a.rows("focus")[10]["centre"] == pytest.approx(sum(x[9:]) / sum(n[9:]))


def test_gap_change_is_the_mover_interval_from_baseline_to_latest():
    s = series(FOCUS, REFERENCE)
    a = analyse_goal(_spec(s), s, today=TODAY)
    b, last = s.points[5], s.points[-1]
    change = last.difference - b.difference
    lower = change - math.sqrt(
        (last.difference - last.difference_lower) ** 2 + (b.difference_upper - b.difference) ** 2
    )
    upper = change + math.sqrt(
        (last.difference_upper - last.difference) ** 2 + (b.difference - b.difference_lower) ** 2
    )
    g = a.gap_change
    assert (g.change, g.lower, g.upper) == pytest.approx((change, lower, upper))
    assert g.verdict == "narrowing" and upper < 0


def test_no_follow_up_means_no_gap_change():
    s = series(FOCUS[:6], REFERENCE[:6])
    a = analyse_goal(_spec(s), s, today=TODAY)
    assert a.gap_change is None


def test_progress_and_on_track_arithmetic():
    s = series(FOCUS, REFERENCE)
    spec = _spec(s, aim="difference", target=0.05, target_date=date(2026, 6, 1))
    a = analyse_goal(spec, s, today=TODAY)
    b, last = s.points[5].difference, s.points[-1].difference
    assert a.progress.percent == pytest.approx(100 * (last - b) / (0.05 - b))
    t0, t1, t = s.points[5].period_start, date(2026, 6, 1), s.points[-1].period_start
    expected = b + (0.05 - b) * (t - t0).days / (t1 - t0).days
    assert a.progress.expected == pytest.approx(expected)
    assert a.progress.on_track == (last <= expected)
    assert a.variation == "improving" and not a.not_met


def test_rate_aim_progress_and_assurance_use_the_focus_p_chart():
    s = series(FOCUS, REFERENCE)
    a = analyse_goal(_spec(s, aim="rate", target=0.2), s, today=TODAY)
    assert a.better == -1
    assert a.progress.latest == pytest.approx(30 / 200) and a.progress.met
    # latest limits around the baseline p-bar 0.25 are 0.158..0.342: a 0.2 target is hit and miss
    assert a.assurance == "hit and miss"


def test_not_met_after_the_target_date():
    s = series(FOCUS[:11] + [(34, 200)], REFERENCE)  # latest gap 2 points: target 0 not met
    a = analyse_goal(_spec(s, target=0.0, target_date=date(2025, 6, 1)), s, today=TODAY)
    assert a.not_met and not a.progress.met
    before = analyse_goal(_spec(s, target=0.0, target_date=date(2026, 6, 1)), s, today=TODAY)
    assert not before.not_met


def test_not_sustained_when_a_met_goal_slips_back():
    relapse = FOCUS[:9] + [(56, 200), (60, 200), (76, 200)]
    s = series(relapse, REFERENCE)
    a = analyse_goal(_spec(s, aim="rate", target=0.175), s, today=TODAY)
    assert a.not_sustained  # met at 0.17 (quarter 8), then 0.38 > upper limit 0.342
    held = analyse_goal(
        _spec(series(FOCUS, REFERENCE), aim="rate", target=0.175),
        series(FOCUS, REFERENCE),
        today=TODAY,
    )
    assert not held.not_sustained


def test_suppressed_points_have_empty_numbers_in_the_csv():
    focus = list(FOCUS)
    focus[7] = (5, 200)  # 1..10 events: suppressed
    s = series(focus, REFERENCE)
    a = analyse_goal(_spec(s), s, today=TODAY)
    rows = list(a.csv_rows())
    assert len(rows) == 36 and all(len(r) == len(CSV_COLUMNS) for r in rows)
    col = {c: i for i, c in enumerate(CSV_COLUMNS)}
    focus_row, gap_row = rows[7], rows[24 + 7]
    for r in (focus_row, gap_row):
        assert r[col["suppressed"]] == "true"
        for c in ("numerator", "denominator", "value", "value_lower", "value_upper"):
            assert r[col[c]] == ""
    for c in ("lower_limit", "upper_limit", "outside_limits"):
        assert focus_row[col[c]] == ""
    assert rows[0][col["suppressed"]] == "false"
    assert rows[0][col["value"]] == repr(50 / 200)
    assert rows[0][col["period_start"]] == "2023-01-01"
