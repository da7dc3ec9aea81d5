"""Suppression: each rule, the complementary tie-breaks, and a recoverability property."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from equity_stats import DECLINED, UNKNOWN, primary_suppression, suppression_mask

KEYS = ("measure", "period_start", "dimension")


def table(cells, measure="m1", period="2024-01-01", dimension="race"):
    """cells: list of (group, numerator, denominator)."""
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


def hidden(df, k=11, keys=KEYS):
    mask = suppression_mask(df, k=k, table_keys=keys)
    return set(df.loc[mask, "group"])


# ---- primary rule ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "n", "expected"),
    [
        (0, 10, True),  # n < k
        (0, 0, True),  # n < k, even when empty
        (0, 11, False),  # n = k, zero count is not revealing
        (1, 50, True),  # 1 <= x <= k-1
        (10, 50, True),
        (11, 50, False),
        (40, 50, True),  # complement n - x = 10
        (39, 50, False),  # complement 11
        (49, 50, True),  # complement 1
        (50, 50, False),  # complement 0
        (11, 22, False),
    ],
)
def test_primary_rule_at_k_11(x, n, expected):
    assert bool(primary_suppression(x, n, 11)) is expected


def test_primary_rule_uses_k():
    assert bool(primary_suppression(15, 100, 20))
    assert bool(primary_suppression(85, 100, 20))
    assert not bool(primary_suppression(20, 100, 20))
    assert bool(primary_suppression(0, 19, 20))


def test_k_below_11_is_refused():
    df = table([("A", 20, 100), ("B", 30, 100)])
    for k in (0, 5, 10):
        with pytest.raises(ValueError, match="at least 11"):
            suppression_mask(df, k=k, table_keys=KEYS)
    with pytest.raises(ValueError):
        suppression_mask(df, k=11.5, table_keys=KEYS)
    assert not suppression_mask(df, k=11, table_keys=KEYS).any()


def test_implausible_counts_and_duplicate_groups_are_refused():
    with pytest.raises(ValueError, match="implausible"):
        suppression_mask(table([("A", 120, 100)]), k=11, table_keys=KEYS)
    with pytest.raises(ValueError, match="implausible"):
        suppression_mask(table([("A", -1, 100)]), k=11, table_keys=KEYS)
    with pytest.raises(ValueError, match="more than one row"):
        suppression_mask(table([("A", 20, 100), ("A", 20, 100)]), k=11, table_keys=KEYS)


def test_each_primary_reason_in_a_table():
    df = table(
        [
            ("A", 50, 200),
            ("B", 50, 300),
            ("small_n", 0, 8),
            ("small_x", 4, 400),
            ("small_complement", 495, 500),
        ]
    )
    assert hidden(df) == {"small_n", "small_x", "small_complement"}


# ---- complementary rule ------------------------------------------------------------------


def test_no_complement_needed_when_nothing_or_two_are_suppressed():
    assert hidden(table([("A", 50, 200), ("B", 50, 300), ("C", 60, 100)])) == set()
    two = table([("A", 50, 200), ("B", 5, 300), ("C", 3, 100), ("D", 20, 40)])
    assert hidden(two) == {"B", "C"}


def test_single_suppressed_cell_takes_the_smallest_denominator_with_it():
    df = table([("A", 50, 200), ("B", 5, 300), ("C", 20, 40), ("D", 30, 60)])
    assert hidden(df) == {"B", "C"}


def test_complement_tie_on_denominator_goes_to_smaller_numerator():
    df = table([("A", 20, 40), ("B", 5, 300), ("C", 15, 40), ("D", 30, 60)])
    assert hidden(df) == {"B", "C"}


def test_complement_tie_on_denominator_and_numerator_goes_to_group_name():
    df = table([("Zulu", 20, 40), ("B", 5, 300), ("Alpha", 20, 40), ("Mike", 20, 40)])
    assert hidden(df) == {"B", "Alpha"}


@pytest.mark.parametrize("name", [UNKNOWN, DECLINED])
def test_unknown_and_declined_are_cells_like_any_other(name):
    # as the primary cell
    df = table([("A", 50, 200), ("B", 40, 100), (name, 3, 30)])
    assert hidden(df) == {name, "B"}
    # as the complementary cell
    df = table([("A", 50, 200), ("B", 4, 100), (name, 12, 30)])
    assert hidden(df) == {"B", name}


def test_tables_are_independent():
    df = pd.concat(
        [
            table([("A", 50, 200), ("B", 5, 300), ("C", 20, 40)], dimension="race"),
            table([("A", 50, 200), ("B", 50, 300), ("C", 20, 40)], dimension="language"),
            table([("A", 50, 200), ("B", 5, 300), ("C", 20, 40)], period="2024-02-01"),
        ],
        ignore_index=True,
    )
    mask = suppression_mask(df, k=11, table_keys=KEYS)
    assert mask.tolist() == [False, True, True, False, False, False, False, True, True]
    # keys that merge tables are caught, as the same group then appears twice
    with pytest.raises(ValueError, match="more than one row"):
        suppression_mask(df, k=11, table_keys=("measure",))


def test_mask_keeps_the_input_index_and_order():
    df = table([("A", 50, 200), ("B", 5, 300), ("C", 20, 40)])
    df.index = [30, 10, 20]
    mask = suppression_mask(df, k=11, table_keys=KEYS)
    assert mask.index.tolist() == [30, 10, 20]
    assert mask.tolist() == [False, True, True]


def test_a_single_cell_table_cannot_be_protected():
    # Documented limitation: nothing to pair with, so callers must not show its total.
    assert hidden(table([("A", 3, 30)])) == {"A"}


def test_non_default_column_names():
    df = table([("A", 50, 200), ("B", 5, 300), ("C", 20, 40)]).rename(
        columns={"group": "g", "numerator": "num", "denominator": "den"}
    )
    mask = suppression_mask(
        df, k=11, table_keys=KEYS, group_col="g", numerator_col="num", denominator_col="den"
    )
    assert mask.tolist() == [False, True, True]


# ---- recoverability property ---------------------------------------------------------------


def attacker(df, mask, keys=KEYS):
    """What someone who sees the shown cells and each table's totals can compute.

    Returns (table, group, quantity, value) for every hidden count (numerator, denominator
    or complement) that the shown cells, the totals and 0 <= x <= n pin to a single value.
    With h hidden cells and hidden sum S of a quantity, a hidden cell's value can be any
    integer in [0, S] unless h == 1 (it equals S) or S == 0 (every hidden value is 0).
    """
    found = []
    df = df.assign(complement=df["denominator"] - df["numerator"], hidden=mask.to_numpy())
    for key, t in df.groupby(list(keys), sort=False):
        h = t[t["hidden"]]
        if h.empty:
            continue
        for q in ("numerator", "denominator", "complement"):
            hidden_sum = t[q].sum() - t.loc[~t["hidden"], q].sum()
            if len(h) == 1 or hidden_sum == 0:
                found += [(key, g, q, v) for g, v in zip(h["group"], h[q], strict=True)]
    return found


GROUPS = ["A", "B", "C", "D", "E", "F", UNKNOWN, DECLINED]


@st.composite
def tables(draw, max_tables=4):
    rows = []
    for t in range(draw(st.integers(1, max_tables))):
        names = draw(st.lists(st.sampled_from(GROUPS), min_size=2, max_size=8, unique=True))
        for g in names:
            n = draw(st.one_of(st.integers(0, 30), st.integers(0, 400)))
            x = draw(st.one_of(st.integers(0, min(n, 15)), st.integers(max(0, n - 15), n)))
            rows.append(("m", f"2024-0{t + 1}-01", "race", g, x, n))
    return pd.DataFrame(rows, columns=[*KEYS, "group", "numerator", "denominator"])


@settings(max_examples=200, deadline=None)
@given(tables(), st.integers(11, 20))
def test_no_suppressed_nonzero_count_can_be_recovered(df, k):
    mask = suppression_mask(df, k=k, table_keys=KEYS)
    per_table = mask.groupby([df[c] for c in KEYS]).sum()
    assert not (per_table == 1).any(), "a table with exactly one hidden cell"
    leaks = [f for f in attacker(df, mask) if f[3] != 0]
    assert leaks == []
    # and every primary cell is hidden
    assert not (primary_suppression(df["numerator"], df["denominator"], k) & ~mask).any()


def test_the_attacker_catches_primary_only_suppression():
    # The property test can fail: without the complementary rule one cell is recoverable.
    df = table([("A", 50, 200), ("B", 5, 300), ("C", 20, 40)])
    primary_only = pd.Series(primary_suppression(df["numerator"], df["denominator"], 11))
    leaks = attacker(df, primary_only)
    assert ((("m1", "2024-01-01", "race"), "B", "numerator", 5)) in leaks
    assert attacker(df, suppression_mask(df, k=11, table_keys=KEYS)) == []


@settings(max_examples=50, deadline=None)
@given(tables())
def test_mask_does_not_depend_on_row_order(df):
    expected = suppression_mask(df, k=11, table_keys=KEYS)
    shuffled = df.sample(frac=1.0, random_state=1)
    got = suppression_mask(shuffled, k=11, table_keys=KEYS)
    assert got.sort_index().equals(expected.sort_index())
    assert np.array_equal(got.index, shuffled.index)
