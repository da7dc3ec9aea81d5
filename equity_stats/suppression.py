"""Small-cell suppression (primary and complementary), plus the table helpers it shares.

Primary: with threshold k (never below 11), a cell (x events out of n) is suppressed when

    n < k,  or  1 <= x <= k - 1,  or  1 <= n - x <= k - 1

(the complement n - x is as revealing as the count itself).

Complementary: within one table (the rows sharing ``table_keys``; by default one
measure x period x dimension), when exactly one cell is primarily suppressed, the
unsuppressed cell with the smallest denominator is suppressed too (ties: smaller
numerator, then group name), so that no value can be recovered by subtracting the
shown cells from the table total. Unknown and Declined are cells like any other.

A table with a single cell cannot be protected by a complement: callers must not
show a total for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .constants import MIN_K

if TYPE_CHECKING:  # pandas loads with the first frame, not with `check_k` (spc, the pages)
    import pandas as pd

__all__ = ["suppression_mask", "primary_suppression", "flag_implausible"]


def check_k(k) -> int:
    """Return k as an int, or raise ValueError when it is below the floor of 11."""
    if isinstance(k, bool) or not isinstance(k, int | np.integer):
        raise ValueError(f"k must be an integer, got {k!r}")
    if k < MIN_K:
        raise ValueError(f"k must be at least {MIN_K}, got {k}")
    return int(k)


def table_codes(df: pd.DataFrame, table_keys: Sequence[str]) -> tuple[np.ndarray, int]:
    """Integer table id per row (in order of first appearance) and the number of tables."""
    keys = [table_keys] if isinstance(table_keys, str) else list(table_keys)
    if not keys or len(df) == 0:
        return np.zeros(len(df), dtype=np.intp), int(len(df) > 0)
    codes = df.groupby(keys, sort=False, dropna=False, observed=True).ngroup().to_numpy()
    return codes.astype(np.intp, copy=False), int(codes.max()) + 1


def first_per_table(
    codes: np.ndarray, n_tables: int, eligible: np.ndarray, order_keys: Sequence[np.ndarray]
) -> np.ndarray:
    """Row position of the first eligible row per table when sorted by ``order_keys``
    (ascending, first key most significant); -1 for tables with no eligible row."""
    chosen = np.full(n_tables, -1, dtype=np.intp)
    idx = np.flatnonzero(eligible)
    if idx.size == 0:
        return chosen
    c = codes[idx]
    order = np.lexsort(tuple(k[idx] for k in reversed(order_keys)) + (c,))
    c_sorted = c[order]
    first = np.r_[True, c_sorted[1:] != c_sorted[:-1]]
    chosen[c_sorted[first]] = idx[order][first]
    return chosen


def flag_implausible(
    df: pd.DataFrame, *, numerator_col: str = "numerator", denominator_col: str = "denominator"
) -> pd.Series:
    """Reason a row's counts are implausible, or None: missing, negative, not a whole
    number, or numerator above denominator."""
    import pandas as pd

    x = pd.to_numeric(df[numerator_col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    n = pd.to_numeric(df[denominator_col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    reasons = np.select(
        [
            np.isnan(x) | np.isnan(n),
            (x < 0) | (n < 0),
            (x != np.floor(x)) | (n != np.floor(n)),
            x > n,
        ],
        ["missing count", "negative count", "count not a whole number", "numerator > denominator"],
        default="",
    )
    out = pd.Series(reasons, index=df.index, dtype=object, name="implausible")
    return out.where(out != "", None)


def counts(df: pd.DataFrame, numerator_col: str, denominator_col: str):
    """Validated (x, n) as float arrays; ValueError naming the first implausible rows."""
    import pandas as pd

    flags = flag_implausible(df, numerator_col=numerator_col, denominator_col=denominator_col)
    bad = flags.notna().to_numpy()
    if bad.any():
        sample = flags[bad].head(3).to_dict()
        raise ValueError(f"{int(bad.sum())} row(s) with implausible counts, e.g. {sample}")
    x = pd.to_numeric(df[numerator_col]).to_numpy(dtype=float)
    n = pd.to_numeric(df[denominator_col]).to_numpy(dtype=float)
    return x, n


def name_ranks(groups: pd.Series) -> np.ndarray:
    """Rank of each group name in sorted order (for deterministic tie-breaks)."""
    import pandas as pd

    if groups.isna().any():
        raise ValueError("group names must not be missing")
    return pd.factorize(groups.astype(str), sort=True)[0]


def check_unique(df: pd.DataFrame, table_keys: Sequence[str], group_col: str) -> None:
    keys = [*([table_keys] if isinstance(table_keys, str) else table_keys), group_col]
    if df.duplicated(keys).any():
        raise ValueError(f"more than one row per group within a table (keys {keys})")


def primary_suppression(x, n, k: int) -> np.ndarray:
    """n < k, or 1 <= x <= k-1, or 1 <= n-x <= k-1 (vectorized)."""
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    comp = n - x
    return (n < k) | ((x >= 1) & (x <= k - 1)) | ((comp >= 1) & (comp <= k - 1))


def suppress(x, n, codes, n_tables, ranks, k) -> np.ndarray:
    """Primary plus complementary suppression on prepared arrays."""
    primary = primary_suppression(x, n, k)
    per_table = np.bincount(codes, weights=primary, minlength=n_tables)
    candidates = (per_table[codes] == 1) & ~primary
    chosen = first_per_table(codes, n_tables, candidates, (n, x, ranks))
    mask = primary.copy()
    mask[chosen[chosen >= 0]] = True
    return mask


def suppression_mask(
    df: pd.DataFrame,
    *,
    k: int,
    table_keys: Sequence[str],
    group_col: str = "group",
    numerator_col: str = "numerator",
    denominator_col: str = "denominator",
) -> pd.Series:
    """Boolean Series (index of ``df``): True for cells that must not be shown.

    Applies the primary rule (n < k, or 1 <= x <= k-1, or 1 <= n-x <= k-1) and then,
    per table (rows sharing ``table_keys``), the complementary rule: when exactly one
    cell is primarily suppressed, also suppress the unsuppressed cell with the smallest
    denominator (ties: smaller numerator, then group name). Raises ValueError when
    k < 11, counts are implausible, or a group appears twice in one table.
    """
    import pandas as pd

    k = check_k(k)
    x, n = counts(df, numerator_col, denominator_col)
    check_unique(df, table_keys, group_col)
    codes, n_tables = table_codes(df, table_keys)
    mask = suppress(x, n, codes, n_tables, name_ranks(df[group_col]), k)
    return pd.Series(mask, index=df.index, name="suppressed")
