"""Data quality: completeness of race, ethnicity and language, and category distribution.

percent_known    = 100 * (total - Unknown - Declined) / total
percent_unknown  = 100 * Unknown / total
percent_declined = 100 * Declined / total

where counts are sums of ``count_col`` per ``by`` keys (NaN percentages when total is 0).
These are raw counts: apply ``suppression_mask`` before exporting them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .constants import DECLINED, UNKNOWN

__all__ = ["data_quality", "category_distribution"]

DEFAULT_QUALITY_BY = ("dimension", "site", "period_start")


def _grouper(df: pd.DataFrame, by: Sequence[str]):
    by = [by] if isinstance(by, str) else list(by)
    if by:
        return by, df.groupby(by, sort=True, dropna=False, observed=True)
    return by, df.groupby(np.zeros(len(df), dtype=int))


def data_quality(
    df: pd.DataFrame,
    *,
    group_col: str = "group",
    count_col: str = "denominator",
    by: Sequence[str] = DEFAULT_QUALITY_BY,
) -> pd.DataFrame:
    """Per ``by`` keys: total, known, unknown, declined (sums of ``count_col``) and
    percent_known, percent_unknown, percent_declined (of total; NaN when total is 0)."""
    count = pd.to_numeric(df[count_col]).to_numpy(dtype=float, na_value=0.0)
    group = df[group_col]
    unknown = (group == UNKNOWN).to_numpy()
    declined = (group == DECLINED).to_numpy()
    work = df[[c for c in ([by] if isinstance(by, str) else by)]].copy()
    work["total"] = count
    work["known"] = np.where(unknown | declined, 0.0, count)
    work["unknown"] = np.where(unknown, count, 0.0)
    work["declined"] = np.where(declined, count, 0.0)
    by, grouped = _grouper(work, by)
    out = grouped[["total", "known", "unknown", "declined"]].sum()
    out = out.reset_index(drop=not by)
    total = out["total"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        for name in ("known", "unknown", "declined"):
            out[f"percent_{name}"] = np.where(total > 0, 100.0 * out[name] / total, np.nan)
    return out


def category_distribution(
    df: pd.DataFrame,
    *,
    group_col: str = "group",
    count_col: str = "denominator",
    by: Sequence[str] = DEFAULT_QUALITY_BY,
) -> pd.DataFrame:
    """Per ``by`` keys and group: count (sum of ``count_col``) and percent of the keys'
    total (Unknown and Declined included, as categories)."""
    by = [by] if isinstance(by, str) else list(by)
    work = df[[*by, group_col]].copy()
    work["count"] = pd.to_numeric(df[count_col]).to_numpy(dtype=float, na_value=0.0)
    out = (
        work.groupby([*by, group_col], sort=True, dropna=False, observed=True)["count"]
        .sum()
        .reset_index()
    )
    if by:
        total = out.groupby(by, sort=False, dropna=False, observed=True)["count"].transform("sum")
    else:
        total = pd.Series(out["count"].sum(), index=out.index)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["percent"] = np.where(total > 0, 100.0 * out["count"] / total, np.nan)
    return out
