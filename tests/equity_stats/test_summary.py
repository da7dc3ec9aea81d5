"""Summary disparity measures against hand-computed small examples and a loop reference."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from equity_stats import (
    HIGHER_IS_BETTER,
    LOWER_IS_BETTER,
    REF_POOLED,
    SUMMARY_COLUMNS,
    SUMMARY_MEASURES,
    UNKNOWN,
    stratify,
    summary_measures,
)

KEYS = ["measure", "period_start", "dimension"]


def table(cells, dimension="race"):
    return pd.DataFrame(
        {
            "measure": "m1",
            "period_start": "2024-01-01",
            "dimension": dimension,
            "group": [c[0] for c in cells],
            "numerator": [c[1] for c in cells],
            "denominator": [c[2] for c in cells],
        }
    )


# Lower is better, so adverse rate = rate: A 0.2 (n 100), B 0.1 (n 300), C 0.4 (n 100).
# Unknown (n 50) is shown, never compared; D (3 of 8) is suppressed, which makes the
# smallest other cell (Unknown) its complement. Reference (largest) is B.
CELLS = [("A", 20, 100), ("B", 30, 300), ("C", 40, 100), (UNKNOWN, 25, 50), ("D", 3, 8)]


def summary(cells, **kw):
    direction = kw.pop("direction", LOWER_IS_BETTER)
    return summary_measures(stratify(table(cells), direction=direction, **kw)).iloc[0]


def test_hand_computed_example():
    s = summary(CELLS)
    # w = (100, 300, 100) / 500 = (0.2, 0.6, 0.2); mu = 0.2*0.2 + 0.6*0.1 + 0.2*0.4 = 0.18
    w, a, mu = [0.2, 0.6, 0.2], [0.2, 0.1, 0.4], 0.18
    assert s["reference_group"] == "B"
    assert s["groups_compared"] == 3
    assert s["range_difference"] == pytest.approx(0.4 - 0.1)  # 0.3
    assert s["range_ratio"] == pytest.approx(0.4 / 0.1)  # 4
    # IDisp = 100 * mean(|0.2-0.1|/0.1, |0.4-0.1|/0.1) = 100 * (1 + 3) / 2 = 200
    assert s["index_of_disparity"] == pytest.approx(200.0)
    # BGV = 0.2*0.02^2 + 0.6*0.08^2 + 0.2*0.22^2 = 0.00008 + 0.00384 + 0.00968 = 0.0136
    assert s["between_group_variance"] == pytest.approx(0.0136)
    # Theil = sum w r ln r with r = a / 0.18 = (1.1111, 0.5556, 2.2222)
    #       = 0.2*1.1111*0.10536 + 0.6*0.5556*(-0.58779) + 0.2*2.2222*0.79851 = 0.1824
    theil = sum(wj * (aj / mu) * math.log(aj / mu) for wj, aj in zip(w, a, strict=True))
    assert round(theil, 4) == 0.1824
    assert s["theil_index"] == pytest.approx(theil)
    # MLD = -(0.2 ln 1.1111 + 0.6 ln 0.5556 + 0.2 ln 2.2222)
    #     = -(0.02107 - 0.35267 + 0.15970) = 0.1719
    mld = -sum(wj * math.log(aj / mu) for wj, aj in zip(w, a, strict=True))
    assert round(mld, 4) == 0.1719
    assert s["mean_log_deviation"] == pytest.approx(mld)


def test_pooled_reference_index_of_disparity():
    s = summary(CELLS, reference_rule=REF_POOLED)
    # pooled adverse = (20 + 30 + 40) / 500 = 0.18 over A, B, C (all non-reference):
    # 100 * (0.02 + 0.08 + 0.22) / 0.18 / 3 = 59.259...
    assert s["reference_group"] == "Pooled"
    assert s["index_of_disparity"] == pytest.approx(100 * (0.02 + 0.08 + 0.22) / 0.18 / 3)
    assert s["between_group_variance"] == pytest.approx(0.0136)


def test_higher_is_better_uses_adverse_rates():
    # rates 0.8, 0.9, 0.6 are adverse 0.2, 0.1, 0.4: same summary as the example
    cells = [("A", 80, 100), ("B", 270, 300), ("C", 60, 100)]
    s = summary(cells, direction=HIGHER_IS_BETTER)
    assert s["range_ratio"] == pytest.approx(4.0)
    assert s["between_group_variance"] == pytest.approx(0.0136)


def test_a_zero_adverse_rate():
    # adverse 0 (n 100), 0.2 (n 100): mu = 0.1, r = (0, 2)
    s = summary([("A", 0, 100), ("B", 20, 100)])
    assert s["range_difference"] == pytest.approx(0.2)
    assert math.isnan(s["range_ratio"])
    assert s["theil_index"] == pytest.approx(0.5 * 2 * math.log(2))  # zero rate contributes 0
    assert math.isnan(s["mean_log_deviation"])
    # reference is A (largest tie -> name "A") with a_ref = 0: index of disparity empty
    assert s["reference_group"] == "A" and math.isnan(s["index_of_disparity"])


def test_fewer_than_two_groups_is_empty():
    s = summary([("A", 20, 100), (UNKNOWN, 30, 200)])
    assert s["groups_compared"] == 1
    for col in SUMMARY_MEASURES:
        assert math.isnan(s[col]), col


def test_one_row_per_table_in_order_of_appearance():
    df = pd.concat([table(CELLS, "race"), table(CELLS[:3], "language")], ignore_index=True)
    out = summary_measures(stratify(df, direction=LOWER_IS_BETTER))
    assert out["dimension"].tolist() == ["race", "language"]
    assert list(out.columns) == [*KEYS, *SUMMARY_COLUMNS]
    assert out["groups_compared"].tolist() == [3, 3]
    assert out.iloc[0]["theil_index"] == pytest.approx(out.iloc[1]["theil_index"])


# ---- reference implementation with plain loops ---------------------------------------------


def reference_summary(strat):
    rows = []
    for _, t in strat.groupby(KEYS, sort=False):
        t = t[t["compared"] & ~t["suppressed"]]
        a = [float(v) for v in t["adverse_rate"]]
        n = [float(v) for v in t["denominator"]]
        out = dict.fromkeys(SUMMARY_MEASURES, math.nan)
        if len(a) >= 2:
            total = sum(n)
            w = [v / total for v in n]
            mu = sum(wj * aj for wj, aj in zip(w, a, strict=True))
            out["range_difference"] = max(a) - min(a)
            out["range_ratio"] = max(a) / min(a) if min(a) > 0 else math.nan
            ref = t[t["is_reference"]]
            a_ref = float(ref["adverse_rate"].iloc[0]) if len(ref) else None
            if a_ref is None and t["reference_group"].eq("Pooled").any():
                a_ref = mu
            others = [float(v) for v in t.loc[~t["is_reference"], "adverse_rate"]]
            if a_ref:
                out["index_of_disparity"] = (
                    100 * sum(abs(v - a_ref) / a_ref for v in others) / len(others)
                )
            out["between_group_variance"] = sum(
                wj * (aj - mu) ** 2 for wj, aj in zip(w, a, strict=True)
            )
            if mu > 0:
                out["theil_index"] = sum(
                    wj * (aj / mu) * math.log(aj / mu)
                    for wj, aj in zip(w, a, strict=True)
                    if aj > 0
                )
                if min(a) > 0:
                    out["mean_log_deviation"] = -sum(
                        wj * math.log(aj / mu) for wj, aj in zip(w, a, strict=True)
                    )
        rows.append(out)
    return pd.DataFrame(rows)


@st.composite
def frames(draw):
    rows = []
    for t in range(draw(st.integers(1, 5))):
        groups = draw(st.lists(st.sampled_from("ABCDEFG"), min_size=1, max_size=7, unique=True))
        for g in [*groups, UNKNOWN]:
            n = draw(st.integers(0, 400))
            rows.append(("m", "2024-01-01", f"d{t}", g, draw(st.integers(0, n)), n))
    return pd.DataFrame(rows, columns=[*KEYS, "group", "numerator", "denominator"])


@settings(max_examples=100, deadline=None)
@given(frames(), st.sampled_from(["largest", "best", "pooled"]))
def test_matches_loop_reference(df, rule):
    strat = stratify(df, direction=LOWER_IS_BETTER, reference_rule=rule)
    got = summary_measures(strat)
    expected = reference_summary(strat)
    for col in SUMMARY_MEASURES:
        np.testing.assert_allclose(got[col], expected[col], rtol=1e-9, atol=1e-12, err_msg=col)


@settings(max_examples=50, deadline=None)
@given(frames())
def test_summary_ignores_the_values_behind_suppressed_cells(df):
    strat = stratify(df, direction=LOWER_IS_BETTER)
    before = summary_measures(strat)
    scrambled = strat.copy()
    sup = scrambled["suppressed"].to_numpy()
    scrambled.loc[sup, "adverse_rate"] = 0.99
    scrambled.loc[sup, "denominator"] = 10_000
    pd.testing.assert_frame_equal(summary_measures(scrambled), before)
