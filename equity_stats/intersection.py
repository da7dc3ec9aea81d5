"""Intersection tables (DESIGN §5.3): compare within the levels of the other dimensions.

A group of an intersection table is its levels joined by the separator, first dimension
first ("Black x 35-49"). Definitions, per table:

* A cell with Unknown or Declined on any axis is shown (and suppressed like any cell) but
  never compared, and never a reference.
* Stratum: the levels of the other dimensions ("35-49"). Each cell is compared with the
  reference group of the first dimension *within its stratum* (Black x 35-49 against
  White x 35-49, never against White x 75+).
* The first dimension's reference group: the rule applied to the first dimension's totals
  over the table (the sum of its cells over every stratum, i.e. its margin), among the
  compared levels whose totals pass the primary suppression rule: the largest total
  (REF_LARGEST; ties: name), the lowest adverse rate (REF_BEST; ties: larger total, then
  name), or the named group (REF_NAMED). REF_POOLED compares with the pooled rate of the
  compared, shown cells of the same stratum.
* Within a stratum the usual rules of `stratify` apply (two eligible cells at least, else
  no reference and no gap; the reference cell suppressed: no reference there).
* Suppression is decided for the whole table (or given by the caller), never per stratum.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .constants import (
    DEFAULT_K,
    DEFAULT_TABLE_KEYS,
    HIGHER_IS_BETTER,
    NOT_COMPARED,
    POOLED,
    REF_BEST,
    REF_LARGEST,
    REF_NAMED,
    REF_POOLED,
    REFERENCE_RULES,
)
from .disparity import stratify
from .suppression import check_k, check_unique, counts, primary_suppression, suppression_mask

__all__ = ["stratify_intersections", "SEPARATOR"]

SEPARATOR = " x "
_NO_REFERENCE = "\x00no reference"
_STRATUM = "\x00stratum"
_FIRST = "\x00first"


def _keys(table_keys) -> list[str]:
    return [table_keys] if isinstance(table_keys, str) else list(table_keys)


def _first_references(
    frame: pd.DataFrame,
    *,
    keys: list[str],
    x: np.ndarray,
    n: np.ndarray,
    compared_first: np.ndarray,
    direction: str,
    k: int,
    rule: str,
    reference_group: str | None,
) -> pd.Series:
    """The first dimension's reference level per row's table (None when it has none)."""
    margins = frame[keys].copy()
    margins[_FIRST] = frame[_FIRST].to_numpy()
    margins["_x"], margins["_n"] = x, n
    margins["_ok"] = compared_first
    totals = margins.groupby([*keys, _FIRST], sort=False, dropna=False, observed=True).agg(
        _x=("_x", "sum"), _n=("_n", "sum"), _ok=("_ok", "all")
    )
    totals = totals.reset_index()
    totals = totals[totals["_ok"] & ~primary_suppression(totals["_x"], totals["_n"], k)]
    if rule == REF_NAMED:
        totals = totals[totals[_FIRST] == reference_group]
        order, ascending = [_FIRST], [True]
    elif rule == REF_BEST:
        adverse = totals["_n"] - totals["_x"] if direction == HIGHER_IS_BETTER else totals["_x"]
        totals = totals.assign(_a=adverse / totals["_n"])
        order, ascending = ["_a", "_n", _FIRST], [True, False, True]
    else:
        order, ascending = ["_n", _FIRST], [False, True]
    chosen = totals.sort_values(order, ascending=ascending, kind="mergesort")
    chosen = chosen.drop_duplicates(keys, keep="first")[[*keys, _FIRST]]
    chosen = chosen.rename(columns={_FIRST: "_reference"})
    merged = frame[keys].merge(chosen, on=keys, how="left")
    return pd.Series(merged["_reference"].to_numpy(dtype=object), index=frame.index)


def stratify_intersections(
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
    separator: str = SEPARATOR,
    suppressed=None,
) -> pd.DataFrame:
    """`stratify` for intersection tables (see the module docstring): the same output
    columns, in input order; `reference_group` of a row names the full reference cell
    ("White x 35-49") or "Pooled". `reference_group` (the argument) names a level of the
    first dimension for REF_NAMED. `suppressed` (one decision per row) replaces the
    suppression decided here over each whole table."""
    k = check_k(k)
    if reference_rule not in REFERENCE_RULES:
        raise ValueError(f"reference_rule must be one of {REFERENCE_RULES}, got {reference_rule!r}")
    if reference_rule == REF_NAMED and (reference_group is None or reference_group in NOT_COMPARED):
        raise ValueError("REF_NAMED needs reference_group naming a compared group")
    keys = _keys(table_keys)
    x, n = counts(df, numerator_col, denominator_col)
    check_unique(df, keys, group_col)
    if suppressed is None:
        suppressed = suppression_mask(
            df,
            k=k,
            table_keys=keys,
            group_col=group_col,
            numerator_col=numerator_col,
            denominator_col=denominator_col,
        ).to_numpy()
    suppressed = np.asarray(suppressed, dtype=bool)
    if suppressed.shape != (len(df),):
        raise ValueError("suppressed must hold one decision per row")

    frame = df.reset_index(drop=True).copy()
    axes = frame[group_col].astype(str).str.split(separator, regex=False)
    frame[_FIRST] = axes.str[0]
    frame[_STRATUM] = axes.map(lambda parts: separator.join(parts[1:]))
    compared = ~axes.map(lambda parts: any(p in NOT_COMPARED for p in parts)).to_numpy(dtype=bool)
    compared_first = ~frame[_FIRST].isin(NOT_COMPARED).to_numpy()

    if reference_rule == REF_POOLED:
        references = pd.Series(POOLED, index=frame.index, dtype=object)
    else:
        references = _first_references(
            frame,
            keys=keys,
            x=x,
            n=n,
            compared_first=compared_first,
            direction=direction,
            k=k,
            rule=reference_rule,
            reference_group=reference_group,
        ).fillna(_NO_REFERENCE)

    parts = []
    for name, rows in frame.groupby(references.to_numpy(), sort=True).groups.items():
        positions = np.sort(np.asarray(rows))
        part = frame.iloc[positions].drop(columns=group_col).rename(columns={_FIRST: group_col})
        out = stratify(
            part.reset_index(drop=True),
            direction=direction,
            k=k,
            reference_rule=REF_POOLED if name == POOLED else REF_NAMED,
            reference_group=None if name == POOLED else name,
            table_keys=[*keys, _STRATUM],
            group_col=group_col,
            numerator_col=numerator_col,
            denominator_col=denominator_col,
            suppressed=suppressed[positions],
            compared=compared[positions],
        )
        out.index = positions
        parts.append(out)
    if not parts:
        out = stratify(
            df,
            direction=direction,
            k=k,
            table_keys=keys,
            group_col=group_col,
            numerator_col=numerator_col,
            denominator_col=denominator_col,
            suppressed=suppressed,
        )
        return out
    out = pd.concat(parts).sort_index()
    out[group_col] = frame[group_col].to_numpy()
    reference = out["reference_group"].to_numpy(dtype=object)
    strata = frame[_STRATUM].to_numpy(dtype=object)
    full = [
        None if r is None or r is pd.NA else r if r == POOLED or not s else f"{r}{separator}{s}"
        for r, s in zip(reference, strata, strict=True)
    ]
    out["reference_group"] = pd.Series(full, index=out.index, dtype=object)
    out = out.drop(columns=[_STRATUM])
    out.index = df.index
    return out[[*df.columns, *[c for c in out.columns if c not in df.columns]]]
