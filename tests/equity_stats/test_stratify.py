"""stratify: adverse rates, reference rules, pairwise statistics, suppressed rows."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from equity_stats import (
    DECLINED,
    HIGHER_IS_BETTER,
    LOWER_IS_BETTER,
    REF_BEST,
    REF_LARGEST,
    REF_NAMED,
    REF_POOLED,
    STRATIFY_COLUMNS,
    UNKNOWN,
    katz_ratio,
    newcombe_difference,
    stratify,
    suppression_mask,
    wilson_interval,
)

KEYS = ("measure", "period_start", "dimension")
NUMERIC = [c for c in STRATIFY_COLUMNS if c not in ("suppressed", "compared", "is_reference")]
NUMERIC = [c for c in NUMERIC if c != "reference_group"] + ["numerator", "denominator"]


def table(cells, measure="m1", period="2024-01-01", dimension="race"):
    return pd.DataFrame(
        {
            "measure": measure,
            "period_start": period,
            "dimension": dimension,
            "group": [c[0] for c in cells],
            "numerator": [c[1] for c in cells],
            "denominator": [c[2] for c in cells],
        }
    )


BASE = [("White", 160, 200), ("Black", 60, 100), ("Asian", 100, 150), (UNKNOWN, 30, 50)]


def row(out, group):
    return out.set_index("group").loc[group]


def test_columns_and_types():
    out = stratify(table(BASE), direction=HIGHER_IS_BETTER)
    assert list(out.columns) == [*table(BASE).columns, *STRATIFY_COLUMNS]
    assert out["numerator"].dtype == "Int64" and out["denominator"].dtype == "Int64"
    assert out["significant"].dtype == "boolean"
    assert out["suppressed"].dtype == bool and out["is_reference"].dtype == bool
    assert out["reference_group"].dtype == object


def test_rates_and_adverse_rates_follow_the_direction():
    hi = stratify(table(BASE), direction=HIGHER_IS_BETTER)
    lo = stratify(table(BASE), direction=LOWER_IS_BETTER)
    black_hi, black_lo = row(hi, "Black"), row(lo, "Black")
    assert black_hi["rate"] == black_lo["rate"] == pytest.approx(0.6)
    assert (black_hi["rate_lower"], black_hi["rate_upper"]) == wilson_interval(60, 100)
    assert black_hi["adverse_rate"] == pytest.approx(0.4)
    assert black_lo["adverse_rate"] == pytest.approx(0.6)


def test_largest_reference_and_pairwise_statistics_on_adverse_counts():
    out = stratify(table(BASE), direction=HIGHER_IS_BETTER)
    assert (out["reference_group"] == "White").all()
    assert out["is_reference"].tolist() == [True, False, False, False]
    black = row(out, "Black")
    # adverse: Black 40/100 vs White 40/200
    d, dl, du = newcombe_difference(40, 100, 40, 200)
    rr, rl, ru = katz_ratio(40, 100, 40, 200)
    assert black["difference"] == pytest.approx(0.4 - 0.2)
    assert (black["difference_lower"], black["difference_upper"]) == pytest.approx((dl, du))
    assert (black["ratio"], black["ratio_lower"], black["ratio_upper"]) == pytest.approx(
        (2.0, rl, ru)
    )
    assert black["significant"] == bool(dl > 0)
    assert black["excess_adverse_events"] == pytest.approx((0.4 - 0.2) * 100)
    assert black["reference_adverse_rate"] == pytest.approx(0.2)


def test_reference_row_and_unknown_row():
    out = stratify(table(BASE), direction=HIGHER_IS_BETTER)
    white = row(out, "White")
    assert white["difference"] == 0 and white["ratio"] == 1 and white["excess_adverse_events"] == 0
    assert math.isnan(white["difference_lower"]) and pd.isna(white["significant"])
    unknown = row(out, UNKNOWN)
    assert not unknown["compared"] and not unknown["suppressed"]
    assert unknown["rate"] == pytest.approx(0.6)
    assert unknown["reference_group"] == "White"
    for col in ("difference", "ratio", "excess_adverse_events", "difference_lower"):
        assert math.isnan(unknown[col])
    assert pd.isna(unknown["significant"])


def test_lower_is_better_signs():
    cells = [("A", 20, 200), ("B", 30, 100)]  # B has the higher (worse) adverse rate
    out = stratify(table(cells), direction=LOWER_IS_BETTER)
    b = row(out, "B")
    assert b["difference"] == pytest.approx(0.2) and b["ratio"] == pytest.approx(3.0)
    assert b["excess_adverse_events"] == pytest.approx(20.0)
    out = stratify(table(cells), direction=HIGHER_IS_BETTER)
    b = row(out, "B")  # now B (30%) is better than A (10%): negative difference, ratio < 1
    assert b["difference"] == pytest.approx(-0.2) and b["ratio"] < 1
    assert b["excess_adverse_events"] == pytest.approx(-20.0)


def test_best_reference():
    out = stratify(table(BASE), direction=HIGHER_IS_BETTER, reference_rule=REF_BEST)
    assert (out["reference_group"] == "White").all()  # 80%; Unknown is never the reference
    out = stratify(table(BASE), direction=LOWER_IS_BETTER, reference_rule=REF_BEST)
    assert (out["reference_group"] == "Black").all()  # 60% is lowest when lower is better
    assert row(out, "White")["difference"] == pytest.approx(0.2)


def test_named_reference_and_missing_named_group():
    out = stratify(
        table(BASE), direction=HIGHER_IS_BETTER, reference_rule=REF_NAMED, reference_group="Asian"
    )
    assert (out["reference_group"] == "Asian").all()
    assert row(out, "Asian")["is_reference"]
    out = stratify(
        table(BASE), direction=HIGHER_IS_BETTER, reference_rule=REF_NAMED, reference_group="Other"
    )
    assert (
        out["reference_group"].isna().all()
        and out["reference_group"].map(type).eq(type(None)).all()
    )
    assert out["difference"].isna().all() and out["significant"].isna().all()
    assert not out["is_reference"].any()
    assert out["rate"].notna().all()
    with pytest.raises(ValueError):
        stratify(table(BASE), direction=HIGHER_IS_BETTER, reference_rule=REF_NAMED)
    with pytest.raises(ValueError):
        stratify(
            table(BASE),
            direction=HIGHER_IS_BETTER,
            reference_rule=REF_NAMED,
            reference_group=UNKNOWN,
        )


def test_pooled_reference():
    out = stratify(table(BASE), direction=HIGHER_IS_BETTER, reference_rule=REF_POOLED)
    assert (out["reference_group"] == "Pooled").all() and not out["is_reference"].any()
    # pooled adverse over compared groups: (40 + 40 + 50) / (200 + 100 + 150)
    pooled = 130 / 450
    white = row(out, "White")
    assert white["reference_adverse_rate"] == pytest.approx(pooled)
    assert white["difference"] == pytest.approx(0.2 - pooled)
    d, dl, du = newcombe_difference(40, 200, 130, 450)
    assert (white["difference_lower"], white["difference_upper"]) == pytest.approx((dl, du))
    assert white["ratio"] == pytest.approx(0.2 / pooled)


def test_largest_tie_goes_to_group_name_and_input_order_is_kept():
    cells = [("Zeta", 50, 100), ("Alpha", 40, 100), ("Mid", 20, 60)]
    df = table(cells)
    df.index = [7, 3, 5]
    out = stratify(df, direction=HIGHER_IS_BETTER)
    assert (out["reference_group"] == "Alpha").all()
    assert out.index.tolist() == [7, 3, 5] and out["group"].tolist() == ["Zeta", "Alpha", "Mid"]


def test_suppressed_rows_show_nothing_derived_and_are_never_the_reference():
    cells = [
        ("Big", 995, 1000),  # complement 5: suppressed although it is the largest group
        ("White", 160, 200),
        ("Black", 60, 100),
        ("Small", 2, 9),
        (DECLINED, 5, 40),
    ]
    out = stratify(table(cells), direction=HIGHER_IS_BETTER)
    assert out["suppressed"].tolist() == [True, False, False, True, True]
    assert (out["reference_group"] == "White").all()
    sup = out[out["suppressed"]]
    assert sup["group"].tolist() == ["Big", "Small", DECLINED]
    for col in NUMERIC:
        assert sup[col].isna().all(), col
    assert sup["significant"].isna().all()


def test_complementary_cell_is_suppressed_in_stratify_too():
    cells = [("White", 160, 200), ("Black", 60, 100), ("Asian", 100, 150), ("Small", 3, 30)]
    out = stratify(table(cells), direction=HIGHER_IS_BETTER)
    assert out.loc[out["suppressed"], "group"].tolist() == ["Black", "Small"]


def test_ratio_is_empty_when_an_adverse_count_is_zero():
    cells = [("A", 200, 200), ("B", 80, 100), ("C", 50, 50)]  # higher is better: A, C adverse 0
    out = stratify(table(cells), direction=HIGHER_IS_BETTER)
    assert (out["reference_group"] == "A").all()
    assert math.isnan(row(out, "A")["ratio"])  # reference ratio 0/0
    assert math.isnan(row(out, "B")["ratio"]) and math.isnan(row(out, "C")["ratio"])
    assert row(out, "B")["difference"] == pytest.approx(0.2)
    assert row(out, "B")["significant"]
    assert row(out, "C")["difference"] == 0 and not row(out, "C")["significant"]


def test_validation():
    with pytest.raises(ValueError, match="at least 11"):
        stratify(table(BASE), direction=HIGHER_IS_BETTER, k=10)
    with pytest.raises(ValueError, match="direction"):
        stratify(table(BASE), direction="up")
    with pytest.raises(ValueError, match="reference_rule"):
        stratify(table(BASE), direction=HIGHER_IS_BETTER, reference_rule="median")
    with pytest.raises(ValueError, match="implausible"):
        stratify(table([("A", 300, 200)]), direction=HIGHER_IS_BETTER)


def test_k_is_applied():
    cells = [("A", 150, 200), ("B", 15, 100), ("C", 100, 150)]
    assert not stratify(table(cells), direction=HIGHER_IS_BETTER)["suppressed"].any()
    out = stratify(table(cells), direction=HIGHER_IS_BETTER, k=20)
    assert out["suppressed"].tolist() == [False, True, True]


def test_empty_input():
    out = stratify(table([]), direction=HIGHER_IS_BETTER)
    assert out.empty and set(STRATIFY_COLUMNS) <= set(out.columns)


# ---- properties over random tables ---------------------------------------------------------

GROUPS = ["A", "B", "C", "D", "E", UNKNOWN, DECLINED]


@st.composite
def frames(draw):
    rows = []
    for t in range(draw(st.integers(1, 4))):
        for g in draw(st.lists(st.sampled_from(GROUPS), min_size=1, max_size=7, unique=True)):
            n = draw(st.integers(0, 500))
            x = draw(st.integers(0, n))
            rows.append(("m", "2024-01-01", f"d{t}", g, x, n))
    return pd.DataFrame(rows, columns=[*KEYS, "group", "numerator", "denominator"])


@settings(max_examples=100, deadline=None)
@given(
    frames(),
    st.sampled_from([HIGHER_IS_BETTER, LOWER_IS_BETTER]),
    st.sampled_from([REF_LARGEST, REF_BEST, REF_POOLED, REF_NAMED]),
)
def test_invariants(df, direction, rule):
    named = "B" if rule == REF_NAMED else None
    out = stratify(df, direction=direction, reference_rule=rule, reference_group=named)
    assert out["group"].tolist() == df["group"].tolist()
    assert out["suppressed"].equals(suppression_mask(df, k=11, table_keys=KEYS))
    sup = out["suppressed"]
    for col in NUMERIC:
        assert out.loc[sup, col].isna().all(), col
    assert out.loc[sup, "significant"].isna().all()
    refs = out[out["is_reference"]]
    assert not refs["suppressed"].any() and refs["compared"].all()
    assert not refs.duplicated(list(KEYS)).any()
    if rule == REF_POOLED:
        assert refs.empty
    if rule == REF_NAMED:
        assert (refs["group"] == "B").all()
    pair = out["compared"] & ~sup & out["reference_group"].notna() & ~out["is_reference"]
    assert out.loc[~pair & ~out["is_reference"], "difference"].isna().all()
    lo = out.loc[pair, "difference_lower"].to_numpy()
    hi = out.loc[pair, "difference_upper"].to_numpy()
    expected = (lo > 0) | (hi < 0)
    assert out.loc[pair, "significant"].to_numpy(dtype=bool).tolist() == expected.tolist()
    d = out.loc[pair, "difference"].to_numpy()
    assert np.all((lo <= d + 1e-12) & (d <= hi + 1e-12))
    excess = out.loc[pair, "difference"] * out.loc[pair, "denominator"].astype(float)
    assert np.allclose(out.loc[pair, "excess_adverse_events"], excess)
    for _, t in out.groupby(list(KEYS)):
        eligible = int((t["compared"] & ~t["suppressed"]).sum())
        # Fewer than two groups to compare: no reference, no gap.
        assert t["reference_group"].notna().any() == (
            eligible >= 2 and (rule != REF_NAMED or t["is_reference"].any())
        )
    if rule == REF_BEST:
        for _, t in out[out["compared"] & ~sup & out["reference_group"].notna()].groupby(
            list(KEYS)
        ):
            assert (t["difference"] >= -1e-12).all()
