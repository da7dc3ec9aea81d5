"""Stratified rates, pairwise disparities against a reference, and summary measures.

Definitions (group j: denominator n_j, numerator x_j, rate p_j = x_j / n_j):

* Adverse count c_j = n_j - x_j and adverse rate a_j = 1 - p_j for higher-is-better
  measures; c_j = x_j and a_j = p_j for lower-is-better. Every disparity statistic uses
  adverse rates, so a positive difference or a ratio above 1 means the group fares worse.
* Compared groups: all but Unknown and Declined; of these, only cells that are not
  suppressed are eligible to be (or be compared with) the reference.
* Reference per table: the eligible group with the largest denominator (REF_LARGEST;
  ties: group name), the lowest adverse rate (REF_BEST; ties: larger denominator, then
  name), a named group (REF_NAMED; no reference in tables where it is absent or
  suppressed), or the pooled rate c_ref = sum(c), n_ref = sum(n) over eligible groups
  (REF_POOLED; reference_group = "Pooled" and no row is_reference).
* A table has a reference only when at least two compared groups can be shown
  (eligible): with fewer there is nothing to compare, so no reference and no gap.
* Difference d_j = a_j - a_ref with Newcombe's hybrid score interval (method 10);
  ratio a_j / a_ref with the Katz log interval; when the group has no adverse event
  (c_j = 0, c_ref > 0) the ratio is 0 with Koopman's score interval (which handles the
  zero); undefined when c_ref is 0. Significant when the difference interval excludes 0;
  excess adverse events (a_j - a_ref) * n_j.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .constants import (
    DEFAULT_K,
    DEFAULT_TABLE_KEYS,
    DIRECTIONS,
    HIGHER_IS_BETTER,
    NOT_COMPARED,
    POOLED,
    REF_BEST,
    REF_LARGEST,
    REF_NAMED,
    REF_POOLED,
    REFERENCE_RULES,
    SUMMARY_MIN_COVERAGE,
    Z,
)
from .rates import _wilson, katz_ratio, koopman_ratio, newcombe_difference
from .suppression import (
    check_k,
    check_unique,
    counts,
    first_per_table,
    name_ranks,
    primary_suppression,
    suppress,
    table_codes,
)

__all__ = [
    "stratify",
    "summary_measures",
    "compare_pair",
    "STRATIFY_COLUMNS",
    "SUMMARY_COLUMNS",
    "SUMMARY_MEASURES",
    "NO_GROUPS_REASON",
    "COVERAGE_REASON",
]

STRATIFY_COLUMNS = (
    "rate",
    "rate_lower",
    "rate_upper",
    "suppressed",
    "compared",
    "adverse_rate",
    "reference_group",
    "reference_adverse_rate",
    "is_reference",
    "difference",
    "difference_lower",
    "difference_upper",
    "ratio",
    "ratio_lower",
    "ratio_upper",
    "significant",
    "excess_adverse_events",
)

SUMMARY_COLUMNS = (
    "reference_group",
    "groups_compared",
    "range_difference",
    "range_ratio",
    "index_of_disparity",
    "between_group_variance",
    "theil_index",
    "mean_log_deviation",
    "blank_reason",
)
SUMMARY_MEASURES = SUMMARY_COLUMNS[2:-1]
"""The numeric summary measures (blank together, with `blank_reason`)."""
NO_GROUPS_REASON = "fewer than two compared groups can be shown"
COVERAGE_REASON = (
    f"the groups that can be shown hold under {SUMMARY_MIN_COVERAGE:.0%} of the compared population"
)


def _keys(table_keys) -> list[str]:
    return [table_keys] if isinstance(table_keys, str) else list(table_keys)


def stratify(
    df: pd.DataFrame,
    *,
    direction: str,
    k: int = DEFAULT_K,
    reference_rule: str = REF_LARGEST,
    reference_group: str | None = None,
    table_keys: Sequence[str] = DEFAULT_TABLE_KEYS,
    group_col: str = "group",
    numerator_col: str = "numerator",
    denominator_col: str = "denominator",
    suppressed=None,
    compared=None,
) -> pd.DataFrame:
    """Rates, suppression and disparities for one row per group per table.

    Input: columns ``table_keys`` + group, numerator, denominator (one row per group per
    table; extra columns are carried through). Output: the input rows in input order, with
    numerator/denominator as nullable Int64 and these columns added:

    rate, rate_lower, rate_upper     p_j and its Wilson 95% interval
    suppressed                       primary + complementary suppression at threshold k
    compared                         group is not Unknown/Declined
    adverse_rate                     a_j (1 - p_j if higher is better, else p_j)
    reference_group                  name, "Pooled", or None when the table has none
    reference_adverse_rate           a_ref
    is_reference                     this row is the reference
    difference(_lower/_upper)        a_j - a_ref, Newcombe method 10 interval
    ratio(_lower/_upper)             a_j / a_ref, Katz log interval; 0 with Koopman's score
                                     interval when c_j = 0 < c_ref; NaN when c_ref = 0
    significant                      difference interval excludes 0 (nullable boolean)
    excess_adverse_events            (a_j - a_ref) * n_j

    ``compared`` (boolean, one per row) replaces "not Unknown/Declined" (an intersection
    cell with Unknown on any axis). A table needs two eligible (compared, shown) rows to
    have a reference.

    The reference row has difference 0, ratio 1 (if a_ref > 0), excess 0 and NA intervals
    and significance. Pairwise columns are NA for Unknown/Declined rows and for tables
    without a reference. Suppressed rows keep their keys, group name and
    ``suppressed=True``; their numerator, denominator and every derived number are NA.
    ``suppressed`` (optional boolean array, one per row): decisions already taken for the
    whole publication (``disclosure.protect_publication``); they are used instead of this
    table-by-table rule, and must include the table-level primary cells.
    Raises ValueError when k < 11, on an unknown direction or reference rule, on
    implausible counts, or on a repeated group within a table.
    """
    k = check_k(k)
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
    if reference_rule not in REFERENCE_RULES:
        raise ValueError(f"reference_rule must be one of {REFERENCE_RULES}, got {reference_rule!r}")
    if reference_rule == REF_NAMED and (reference_group is None or reference_group in NOT_COMPARED):
        raise ValueError("REF_NAMED needs reference_group naming a compared group")
    table_keys = _keys(table_keys)
    x, n = counts(df, numerator_col, denominator_col)
    check_unique(df, table_keys, group_col)
    codes, n_tables = table_codes(df, table_keys)
    groups = df[group_col]
    ranks = name_ranks(groups)

    if suppressed is None:
        suppressed = suppress(x, n, codes, n_tables, ranks, k)
    else:
        suppressed = np.asarray(suppressed, dtype=bool).copy()
        if suppressed.shape != x.shape:
            raise ValueError("suppressed must have one value per row")
        if np.any(primary_suppression(x, n, k) & ~suppressed):
            raise ValueError("suppressed leaves a cell below k shown")
    if compared is None:
        compared = ~groups.isin(NOT_COMPARED).to_numpy()
    else:
        compared = np.asarray(compared, dtype=bool).copy()
        if compared.shape != (len(df),):
            raise ValueError("compared must hold one flag per row")
    eligible = compared & ~suppressed
    shown = ~suppressed
    enough_t = np.bincount(codes, weights=eligible, minlength=n_tables) >= 2

    c = n - x if direction == HIGHER_IS_BETTER else x
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = x / n
        adverse = c / n
    rate_lower, rate_upper = _wilson(x, n, Z)

    # Reference per table: adverse count and denominator, name, and reference row.
    ref_row = np.full(n_tables, -1, dtype=np.intp)
    if reference_rule == REF_POOLED:
        c_ref_t = np.bincount(codes, weights=np.where(eligible, c, 0.0), minlength=n_tables)
        n_ref_t = np.bincount(codes, weights=np.where(eligible, n, 0.0), minlength=n_tables)
        has_ref_t = (n_ref_t > 0) & enough_t
        names_t = np.where(has_ref_t, POOLED, None).astype(object)
    else:
        if reference_rule == REF_LARGEST:
            ref_row = first_per_table(codes, n_tables, eligible, (-n, ranks))
        elif reference_rule == REF_BEST:
            ref_row = first_per_table(codes, n_tables, eligible, (adverse, -n, ranks))
        else:  # REF_NAMED
            named = eligible & (groups == reference_group).to_numpy()
            ref_row = first_per_table(codes, n_tables, named, (ranks,))
        ref_row = np.where(enough_t, ref_row, -1)
        has_ref_t = ref_row >= 0
        safe = np.where(has_ref_t, ref_row, 0)
        c_ref_t = np.where(has_ref_t, c[safe] if len(c) else 0.0, np.nan)
        n_ref_t = np.where(has_ref_t, n[safe] if len(n) else 0.0, np.nan)
        names_t = np.full(n_tables, None, dtype=object)
        names_t[has_ref_t] = groups.to_numpy(dtype=object)[ref_row[has_ref_t]]

    has_ref = has_ref_t[codes]
    c_ref, n_ref = c_ref_t[codes], n_ref_t[codes]
    is_reference = np.zeros(len(df), dtype=bool)
    is_reference[ref_row[ref_row >= 0]] = True
    target = eligible & has_ref & ~is_reference

    with np.errstate(divide="ignore", invalid="ignore"):
        a_ref = np.where(has_ref & shown, c_ref / n_ref, np.nan)
    d, d_lo, d_hi = newcombe_difference(c, n, c_ref, n_ref)
    rr, rr_lo, rr_hi = compare_ratio(c, n, c_ref, n_ref, target)
    excess = (adverse - a_ref) * n

    def on(mask, values):
        return np.where(mask, values, np.nan)

    difference = np.where(is_reference, 0.0, on(target, d))
    ratio = np.where(is_reference & (c > 0), 1.0, on(target, rr))
    excess = np.where(is_reference, 0.0, on(target, excess))
    sig = (d_lo > 0) | (d_hi < 0)

    out = df.copy()
    out[numerator_col] = pd.arrays.IntegerArray(x.astype(np.int64), suppressed.copy())
    out[denominator_col] = pd.arrays.IntegerArray(n.astype(np.int64), suppressed.copy())
    out["rate"] = on(shown, rate)
    out["rate_lower"] = on(shown, rate_lower)
    out["rate_upper"] = on(shown, rate_upper)
    out["suppressed"] = suppressed
    out["compared"] = compared
    out["adverse_rate"] = on(shown, adverse)
    out["reference_group"] = pd.Series(names_t[codes], index=df.index, dtype=object)
    out["reference_adverse_rate"] = a_ref
    out["is_reference"] = is_reference
    out["difference"] = difference
    out["difference_lower"] = on(target, d_lo)
    out["difference_upper"] = on(target, d_hi)
    out["ratio"] = ratio
    out["ratio_lower"] = on(target, rr_lo)
    out["ratio_upper"] = on(target, rr_hi)
    out["significant"] = pd.arrays.BooleanArray(sig & target, ~target)
    out["excess_adverse_events"] = excess
    return out


def compare_ratio(c, n, c_ref, n_ref, where=None):
    """Ratio of adverse rates with its interval: Katz's log interval, or 0 with Koopman's
    score interval when c = 0 < c_ref (Katz cannot handle the zero); NaN when c_ref = 0.
    `where` (boolean) limits the Koopman search to the rows that need it."""
    c, n, c_ref, n_ref = (np.asarray(a, dtype=float) for a in (c, n, c_ref, n_ref))
    c, n, c_ref, n_ref = np.broadcast_arrays(c, n, c_ref, n_ref)
    rr, lo, hi = (np.array(a, dtype=float, copy=True) for a in katz_ratio(c, n, c_ref, n_ref))
    zero = (c == 0) & (c_ref > 0) & (n > 0) & (n_ref > 0)
    if where is not None:
        zero &= np.asarray(where, dtype=bool)
    if zero.any():
        k_rr, k_lo, k_hi = koopman_ratio(c[zero], n[zero], c_ref[zero], n_ref[zero])
        rr[zero], lo[zero], hi[zero] = k_rr, k_lo, k_hi
    return rr, lo, hi


def compare_pair(c, n, c_ref, n_ref) -> dict:
    """The pairwise statistics of adverse counts c of n against c_ref of n_ref (arrays or
    scalars): difference with Newcombe's interval, ratio (see `compare_ratio`),
    significance. The same formulas `stratify` uses, for callers that hold two cells."""
    c, n, c_ref, n_ref = (np.asarray(a, dtype=float) for a in (c, n, c_ref, n_ref))
    d, d_lo, d_hi = newcombe_difference(c, n, c_ref, n_ref)
    rr, rr_lo, rr_hi = compare_ratio(np.atleast_1d(c), np.atleast_1d(n), c_ref, n_ref)
    if np.ndim(c) == 0:
        rr, rr_lo, rr_hi = rr[0], rr_lo[0], rr_hi[0]
    return {
        "difference": d,
        "difference_lower": d_lo,
        "difference_upper": d_hi,
        "ratio": rr,
        "ratio_lower": rr_lo,
        "ratio_upper": rr_hi,
        "significant": (d_lo > 0) | (d_hi < 0),
    }


def summary_measures(
    stratified_df: pd.DataFrame,
    *,
    table_keys: Sequence[str] = DEFAULT_TABLE_KEYS,
    denominator_col: str = "denominator",
    population=None,
) -> pd.DataFrame:
    """One row per table of summary disparity measures, from ``stratify`` output.

    Over the compared groups whose cells are not suppressed (so no summary can reveal a
    suppressed cell), with population shares w_j = n_j / sum(n), pooled adverse rate
    mu = sum(w_j a_j) and r_j = a_j / mu:

    groups_compared         number of such groups
    range_difference        max(a) - min(a)
    range_ratio             max(a) / min(a)                  (NaN if min(a) = 0)
    index_of_disparity      100 * mean over non-reference groups of |a_j - a_ref| / a_ref
                            (NaN without a reference or when a_ref = 0)
    between_group_variance  sum(w_j (a_j - mu)^2)
    theil_index             sum(w_j r_j ln r_j), a zero rate contributing 0 (NaN if mu = 0)
    mean_log_deviation      sum(w_j (-ln r_j))                (NaN if any a_j = 0)
    blank_reason            why the measures are blank, else None

    Every measure is blank (NaN, with the reason) when fewer than two groups qualify, or
    when the groups that qualify hold less than 85% of the compared population (WHO HEAT's
    rule, so that a summary stays comparable across periods). The compared population
    needs the denominators of the suppressed cells too, which `stratify` does not return:
    pass them as ``population`` (one raw denominator per row of ``stratified_df``);
    without it the rule can only see the shown cells and never blanks a summary. The
    index of disparity compares each row with its own reference adverse rate (an
    intersection compares within strata). Tables appear in order of first appearance;
    reference_group is copied from the stratified rows.
    """
    table_keys = _keys(table_keys)
    df = stratified_df
    codes, n_tables = table_codes(df, table_keys)
    a = df["adverse_rate"].to_numpy(dtype=float, na_value=np.nan)
    n = df[denominator_col].to_numpy(dtype=float, na_value=np.nan)
    incl = (
        df["compared"].to_numpy(dtype=bool)
        & ~df["suppressed"].to_numpy(dtype=bool)
        & ~np.isnan(a)
        & ~np.isnan(n)
        & (np.nan_to_num(n) > 0)
    )
    is_ref = df["is_reference"].to_numpy(dtype=bool)

    def tsum(values, mask=incl):
        return np.bincount(codes, weights=np.where(mask, values, 0.0), minlength=n_tables)

    g = tsum(1.0)
    total = tsum(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        mu_t = tsum(n * a) / total
        w = n / total[codes]
        mu = mu_t[codes]
        r = a / mu
        a_masked = pd.Series(np.where(incl, a, np.nan))
        a_max = a_masked.groupby(codes).max().reindex(range(n_tables)).to_numpy()
        a_min = a_masked.groupby(codes).min().reindex(range(n_tables)).to_numpy()
        range_difference = a_max - a_min
        range_ratio = np.where(a_min > 0, a_max / a_min, np.nan)

        a_ref = df["reference_adverse_rate"].to_numpy(dtype=float, na_value=np.nan)
        non_ref = incl & ~is_ref & (a_ref > 0)
        idisp = 100.0 * tsum(np.abs(a - a_ref) / a_ref, non_ref) / tsum(1.0, non_ref)
        # Without a reference (or one with a zero adverse rate) in any row: no index.
        has_ref = tsum(1.0, incl & ~is_ref & ~np.isnan(a_ref)) > 0
        ref_zero = tsum(1.0, incl & (a_ref == 0)) > 0
        idisp = np.where(has_ref & ~ref_zero, idisp, np.nan)

        bgv = tsum(w * (a - mu) ** 2)
        r_log_r = np.where(r > 0, r * np.log(r), 0.0)
        theil = np.where(mu_t > 0, tsum(w * r_log_r), np.nan)
        any_zero = tsum((a == 0).astype(float)) > 0
        mld = np.where((mu_t > 0) & ~any_zero, tsum(w * -np.log(np.where(r > 0, r, 1.0))), np.nan)

    compared = df["compared"].to_numpy(dtype=bool)
    if population is not None:
        population = np.asarray(population, dtype=float)
        if population.shape != (len(df),):
            raise ValueError("population must hold one denominator per row")
        covered = np.bincount(
            codes, weights=np.where(compared, population, 0.0), minlength=n_tables
        )
    else:
        covered = tsum(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        coverage_ok = total >= SUMMARY_MIN_COVERAGE * covered - 1e-9
    enough = (g >= 2) & coverage_ok
    reason = np.where(g < 2, NO_GROUPS_REASON, np.where(coverage_ok, None, COVERAGE_REASON))

    def gate(values):
        return np.where(enough, values, np.nan)

    first = np.unique(codes, return_index=True)[1] if len(codes) else np.array([], dtype=int)
    out = df.iloc[first][table_keys].reset_index(drop=True)
    out["reference_group"] = pd.Series(
        df["reference_group"].to_numpy(dtype=object)[first], dtype=object
    )
    out["groups_compared"] = g.astype(np.int64)
    out["range_difference"] = gate(range_difference)
    out["range_ratio"] = gate(range_ratio)
    out["index_of_disparity"] = gate(idisp)
    out["between_group_variance"] = gate(bgv)
    out["theil_index"] = gate(theil)
    out["mean_log_deviation"] = gate(mld)
    out["blank_reason"] = pd.Series(reason, dtype=object)
    return out
