"""Three corrections (issue 11 item 3): a zero adverse count has ratio 0 with Koopman's score
interval (checked against statsmodels); fewer than two comparable groups means no reference
and no gap; a summary needs 85% of the compared population in shown groups."""

import math
import random

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    score_test_proportions_2indep,
)

from equity_stats import (
    COVERAGE_REASON,
    HIGHER_IS_BETTER,
    LOWER_IS_BETTER,
    NO_GROUPS_REASON,
    REF_NAMED,
    REF_POOLED,
    SUMMARY_MEASURES,
    UNKNOWN,
    compare_pair,
    koopman_ratio,
    stratify,
    summary_measures,
)

KEYS = ["measure", "period_start", "dimension"]


def table(cells):
    return pd.DataFrame(
        {
            "measure": "m1",
            "period_start": "2024-01-01",
            "dimension": "race",
            "group": [c[0] for c in cells],
            "numerator": [c[1] for c in cells],
            "denominator": [c[2] for c in cells],
        }
    )


def row(out, group):
    return out.set_index("group").loc[group]


def _cases():
    rng = random.Random(11)
    cases = [(0, 50, 10, 60), (0, 11, 1, 400), (5, 50, 10, 60), (1, 20, 30, 40), (0, 300, 45, 200)]
    for _ in range(200):
        n1, n2 = rng.randint(1, 600), rng.randint(2, 600)
        cases.append((rng.randint(0, n1 - 1), n1, rng.randint(1, n2 - 1), n2))
    return cases


@pytest.mark.parametrize("case", _cases()[:5])
def test_koopman_matches_statsmodels_score_interval(case):
    rr, lower, upper = koopman_ratio(*case)
    ref_lower, ref_upper = confint_proportions_2indep(
        *case, method="score", compare="ratio", correction=False
    )
    assert rr == pytest.approx(case[0] / case[1] / (case[2] / case[3]))
    assert lower == pytest.approx(float(ref_lower), rel=1e-7, abs=1e-9)
    assert upper == pytest.approx(float(ref_upper), rel=1e-7)


def test_koopman_matches_statsmodels_on_random_tables():
    cases = np.array(_cases(), dtype=float)
    rr, lower, upper = koopman_ratio(*cases.T)
    for i, case in enumerate(_cases()):
        ref_lower, ref_upper = confint_proportions_2indep(
            *case, method="score", compare="ratio", correction=False
        )
        assert lower[i] == pytest.approx(float(ref_lower), rel=1e-6, abs=1e-9), case
        assert upper[i] == pytest.approx(float(ref_upper), rel=1e-6), case


@pytest.mark.parametrize(
    "case", [(0, 24, 8, 8), (5, 5, 5, 5), (0, 1000, 999, 1000), (11, 11, 162, 209)]
)
def test_koopman_limits_are_where_the_score_test_p_value_is_5_percent(case):
    # At x = n statsmodels' interval search fails; its score test still defines the limits.
    _, lower, upper = koopman_ratio(*case)
    for limit in (lower, upper):
        if limit > 0:
            test = score_test_proportions_2indep(
                *case, value=limit, compare="ratio", correction=False
            )
            assert test.pvalue == pytest.approx(0.05, abs=1e-6)
    if case[0] == 0:
        assert lower == 0


def test_undefined_ratio_when_the_reference_has_no_adverse_event():
    rr, lower, upper = koopman_ratio(5, 50, 0, 60)
    assert math.isnan(rr) and math.isnan(lower) and math.isnan(upper)


def test_a_group_without_adverse_events_gets_ratio_0_with_koopmans_interval():
    # Higher is better: A (reference, largest) has 40 adverse of 400; B none of 60.
    cells = [("A", 360, 400), ("B", 60, 60), ("C", 80, 100)]
    out = stratify(table(cells), direction=HIGHER_IS_BETTER)
    b = row(out, "B")
    assert b["ratio"] == 0
    expected = confint_proportions_2indep(
        0, 60, 40, 400, method="score", compare="ratio", correction=False
    )
    assert b["ratio_lower"] == 0
    assert b["ratio_upper"] == pytest.approx(float(expected[1]), rel=1e-7)
    # Others keep the Katz interval.
    c = row(out, "C")
    assert c["ratio"] == pytest.approx((20 / 100) / (40 / 400))
    assert c["ratio_lower"] == pytest.approx(
        math.exp(math.log(2) - 1.959963984540054 * math.sqrt(1 / 20 - 1 / 100 + 1 / 40 - 1 / 400))
    )
    pair = compare_pair(0, 60, 40, 400)
    assert pair["ratio"] == 0 and pair["ratio_upper"] == pytest.approx(b["ratio_upper"])


@pytest.mark.parametrize("rule", ["largest", "best", "pooled"])
def test_one_comparable_group_has_no_reference_and_no_gap(rule):
    # B is suppressed (3 of 8) and Unknown is never compared: only A can be shown compared.
    cells = [("A", 200, 300), ("B", 3, 8), (UNKNOWN, 40, 100), ("C", 60, 100)]
    out = stratify(table(cells[:3]), direction=LOWER_IS_BETTER, reference_rule=rule)
    assert out["reference_group"].isna().all()
    assert not out["is_reference"].any()
    assert out["difference"].isna().all() and out["ratio"].isna().all()
    assert out["significant"].isna().all()
    # With a second comparable group there is one again.
    out = stratify(table(cells), direction=LOWER_IS_BETTER, reference_rule=rule)
    assert out["reference_group"].notna().all()


def test_named_reference_needs_a_second_group_too():
    out = stratify(
        table([("A", 200, 300), ("B", 3, 8), ("C", 1, 5)]),
        direction=LOWER_IS_BETTER,
        reference_rule=REF_NAMED,
        reference_group="A",
    )
    assert out["reference_group"].isna().all() and out["difference"].isna().all()


def test_summary_is_blank_with_a_reason_below_85_percent_coverage():
    # Compared population 100 + 100 + 30 + 9 = 239; D (30, suppressed by its complement)
    # and E (9) hidden: 200 / 239 = 84% shown, under 85%.
    cells = [("A", 20, 100), ("B", 30, 100), ("D", 25, 30), ("E", 3, 9), (UNKNOWN, 5, 500)]
    df = table(cells)
    strat = stratify(df, direction=LOWER_IS_BETTER)
    assert strat["suppressed"].tolist() == [False, False, True, True, True]
    blank = summary_measures(strat, population=df["denominator"]).iloc[0]
    assert blank["blank_reason"] == COVERAGE_REASON
    assert blank["groups_compared"] == 2
    for column in SUMMARY_MEASURES:
        assert math.isnan(blank[column]), column
    # Unknown's large population does not count: it is never compared.
    shown = summary_measures(strat, population=df["denominator"].where(df["group"] != "D", 20))
    assert shown.iloc[0]["blank_reason"] is None  # 200 / 229 = 87%
    assert shown.iloc[0]["range_difference"] == pytest.approx(0.1)


def test_summary_is_blank_with_a_reason_below_two_groups():
    df = table([("A", 20, 100), (UNKNOWN, 5, 50)])
    s = summary_measures(stratify(df, direction=LOWER_IS_BETTER), population=df["denominator"])
    assert s.iloc[0]["blank_reason"] == NO_GROUPS_REASON


def test_summary_at_exactly_85_percent_is_published():
    # 170 of 200 compared patients shown: exactly 85%.
    cells = [("A", 40, 100), ("B", 30, 70), ("C", 25, 30), ("D", 3, 9)]
    df = table(cells)
    strat = stratify(df, direction=LOWER_IS_BETTER, reference_rule=REF_POOLED)
    population = np.array([100, 70, 21, 9], dtype=float)
    assert strat["suppressed"].tolist() == [False, False, True, True]
    s = summary_measures(strat, population=population).iloc[0]
    assert s["blank_reason"] is None and not math.isnan(s["theil_index"])
