"""Intersections follow DESIGN §5.3: a cell with Unknown or Declined on any axis is never
compared; a cell is compared with the first dimension's reference group within the same
level of the other dimension; suppression is decided over the whole table."""

import math

import pandas as pd
import pytest

from equity_stats import (
    DECLINED,
    HIGHER_IS_BETTER,
    LOWER_IS_BETTER,
    REF_NAMED,
    REF_POOLED,
    UNKNOWN,
    newcombe_difference,
    stratify_intersections,
    suppression_mask,
)

KEYS = ["measure", "period_start", "dimension"]
CELLS = {
    "White x 35-49": (300, 400),
    "Black x 35-49": (120, 200),
    "Asian x 35-49": (60, 80),
    "White x 75+": (100, 150),
    "Black x 75+": (40, 100),
    f"{DECLINED} x 75+": (30, 90),
    f"Black x {UNKNOWN}": (50, 100),
    f"White x {UNKNOWN}": (70, 100),
}


def frame(cells=CELLS):
    return pd.DataFrame(
        {
            "measure": "m",
            "period_start": "2025-01-01",
            "dimension": "race x age",
            "group": list(cells),
            "numerator": [x for x, _ in cells.values()],
            "denominator": [n for _, n in cells.values()],
        }
    )


def rows(out):
    return out.set_index("group")


def test_each_cell_is_compared_with_the_reference_of_its_own_stratum():
    out = rows(stratify_intersections(frame(), direction=HIGHER_IS_BETTER, table_keys=KEYS))
    # White is the largest race overall (650 > 400), so the reference in each age level.
    assert out.loc["Black x 35-49", "reference_group"] == "White x 35-49"
    assert out.loc["Black x 75+", "reference_group"] == "White x 75+"
    assert out.loc["White x 35-49", "is_reference"] and out.loc["White x 75+", "is_reference"]
    # Black x 75+ against White x 75+ (adverse 60/100 vs 50/150), never White x 35-49.
    d, lo, hi = newcombe_difference(60, 100, 50, 150)
    assert out.loc["Black x 75+", "difference"] == pytest.approx(d)
    assert out.loc["Black x 75+", "difference_lower"] == pytest.approx(lo)
    d, _, _ = newcombe_difference(80, 200, 100, 400)
    assert out.loc["Black x 35-49", "difference"] == pytest.approx(d)
    assert out.loc["Black x 75+", "ratio"] == pytest.approx((60 / 100) / (50 / 150))


def test_unknown_or_declined_on_any_axis_is_shown_never_compared():
    out = rows(stratify_intersections(frame(), direction=HIGHER_IS_BETTER, table_keys=KEYS))
    for group in (f"{DECLINED} x 75+", f"Black x {UNKNOWN}", f"White x {UNKNOWN}"):
        assert not out.loc[group, "compared"], group
        assert not out.loc[group, "is_reference"]
        assert math.isnan(out.loc[group, "difference"]) and math.isnan(out.loc[group, "ratio"])
        assert pd.isna(out.loc[group, "significant"])
        assert out.loc[group, "rate"] == pytest.approx(CELLS[group][0] / CELLS[group][1])


def test_suppression_is_decided_over_the_whole_table():
    cells = {**CELLS, "Asian x 75+": (5, 8)}
    df = frame(cells)
    out = stratify_intersections(df, direction=HIGHER_IS_BETTER, table_keys=KEYS)
    expected = suppression_mask(df, k=11, table_keys=KEYS)
    assert out["suppressed"].tolist() == expected.tolist()
    assert out["group"].tolist() == list(cells)  # input order kept


def test_a_suppressed_reference_cell_leaves_its_stratum_without_a_reference():
    cells = {**CELLS, "White x 75+": (5, 9)}  # primary suppression
    out = rows(stratify_intersections(frame(cells), direction=HIGHER_IS_BETTER, table_keys=KEYS))
    assert out.loc["White x 75+", "suppressed"]
    assert pd.isna(out.loc["Black x 75+", "reference_group"])
    assert math.isnan(out.loc["Black x 75+", "difference"])
    assert out.loc["Black x 35-49", "reference_group"] == "White x 35-49"


def test_named_and_pooled_references():
    named = rows(
        stratify_intersections(
            frame(),
            direction=LOWER_IS_BETTER,
            table_keys=KEYS,
            reference_rule=REF_NAMED,
            reference_group="Black",
        )
    )
    assert named.loc["White x 35-49", "reference_group"] == "Black x 35-49"
    assert named.loc["Black x 75+", "is_reference"]
    pooled = rows(
        stratify_intersections(
            frame(), direction=LOWER_IS_BETTER, table_keys=KEYS, reference_rule=REF_POOLED
        )
    )
    # Pooled within 35-49: (300 + 120 + 60) / (400 + 200 + 80).
    assert pooled.loc["Black x 35-49", "reference_adverse_rate"] == pytest.approx(480 / 680)
    # Within 75+ the Declined cell is not pooled: (100 + 40) / 250.
    assert pooled.loc["Black x 75+", "reference_adverse_rate"] == pytest.approx(140 / 250)
    assert pooled.loc[f"{DECLINED} x 75+", "reference_group"] == "Pooled"
    assert not pooled.loc[f"{DECLINED} x 75+", "compared"]
