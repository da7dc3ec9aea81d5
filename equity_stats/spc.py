"""Run charts (Anhoej rules, as in qicharts2) and p-charts (3-sigma limits per subgroup).

Run chart: centre = median of the points (or of the baseline span); points on the centre
and missing points are ignored, leaving n_useful points. A run is a maximal sequence of
useful points on one side of the centre.

    longest run signals   when longest_run > round(log2(n_useful) + 3)
    crossings signal      when crossings < the 5th percentile of Binomial(n_useful - 1, 0.5)
                          (the smallest c with P(X <= c) >= 0.05, R's qbinom(0.05, n - 1, 0.5))

p-chart: centre p-bar = sum(x) / sum(n) over the baseline points; limits
p-bar -+ 3 sqrt(p-bar (1 - p-bar) / n_i) clipped to [0, 1]; a rate strictly outside its
limits signals; the runs analysis uses p-bar as its centre.

``baseline`` is a slice of the points or an int (that many leading points); None means all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .suppression import check_k, primary_suppression

__all__ = ["RunChart", "PChart", "run_chart", "p_chart", "crossings_limit", "longest_run_limit"]


@dataclass(frozen=True)
class RunChart:
    centre: float
    n_useful: int
    longest_run: int
    longest_run_limit: int | None
    longest_run_signal: bool
    crossings: int
    crossings_limit: int | None
    crossings_signal: bool
    signal: bool


@dataclass(frozen=True, eq=False)
class PChart:
    centre: float
    lower: np.ndarray
    upper: np.ndarray
    rates: np.ndarray
    outside: np.ndarray
    runs: RunChart
    suppressed: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    @property
    def signal(self) -> bool:
        return bool(self.outside.any()) or self.runs.signal


def longest_run_limit(n_useful: int) -> int | None:
    """round(log2(n_useful) + 3); None when there are no useful points."""
    if n_useful < 1:
        return None
    return int(np.round(math.log2(n_useful) + 3))


@lru_cache(maxsize=4096)
def crossings_limit(n_useful: int) -> int | None:
    """Smallest c with P(Binomial(n_useful - 1, 1/2) <= c) >= 0.05, in exact integers.

    (20 * sum_{i<=c} C(m, i) >= 2^m never ties, since 2^m / 20 is not an integer.)
    """
    if n_useful < 1:
        return None
    m = n_useful - 1
    target = 2**m
    cumulative = 0
    term = 1  # C(m, 0)
    for c in range(m + 1):
        cumulative += term
        if 20 * cumulative >= target:
            return c
        term = term * (m - c) // (c + 1)
    return m


def _baseline(size: int, baseline) -> slice:
    if baseline is None:
        return slice(0, size)
    if isinstance(baseline, slice):
        return baseline
    if isinstance(baseline, int | np.integer) and not isinstance(baseline, bool):
        if baseline < 1:
            raise ValueError("baseline must cover at least one point")
        return slice(0, int(baseline))
    raise ValueError(f"baseline must be None, an int or a slice, got {baseline!r}")


def run_chart(values, *, baseline=None, centre: float | None = None) -> RunChart:
    """Anhoej runs analysis of ``values`` (NaN = missing point) around the median of the
    baseline points, or around ``centre`` when given (p-charts pass p-bar)."""
    y = np.asarray(values, dtype=float).ravel()
    if centre is None:
        base = y[_baseline(y.size, baseline)]
        base = base[~np.isnan(base)]
        centre = float(np.median(base)) if base.size else float("nan")
    side = np.sign(y - centre)
    side = side[~np.isnan(side) & (side != 0)]
    n_useful = int(side.size)
    if n_useful == 0:
        return RunChart(float(centre), 0, 0, None, False, 0, None, False, False)
    change = np.flatnonzero(side[1:] != side[:-1])
    crossings = int(change.size)
    longest = int(np.diff(np.r_[0, change + 1, n_useful]).max())
    lr_limit = longest_run_limit(n_useful)
    cr_limit = crossings_limit(n_useful)
    lr_signal = longest > lr_limit
    cr_signal = crossings < cr_limit
    return RunChart(
        centre=float(centre),
        n_useful=n_useful,
        longest_run=longest,
        longest_run_limit=lr_limit,
        longest_run_signal=bool(lr_signal),
        crossings=crossings,
        crossings_limit=cr_limit,
        crossings_signal=bool(cr_signal),
        signal=bool(lr_signal or cr_signal),
    )


def p_chart(x, n, *, baseline=None, k: int | None = None) -> PChart:
    """p-chart of x_i events out of n_i per period.

    centre p-bar = sum(x) / sum(n) over the baseline points; limits
    p-bar -+ 3 sqrt(p-bar (1 - p-bar) / n_i) clipped to [0, 1]; ``outside`` is True where
    the rate is strictly outside its limits; ``runs`` is the runs analysis around p-bar.
    Points with n_i = 0 have NaN rate and limits. With ``k`` (>= 11), points failing the
    primary suppression rule are dropped from everything (NaN rate and limits, excluded
    from p-bar and the runs analysis) and flagged in ``suppressed``.
    """
    x = np.asarray(x, dtype=float).ravel()
    n = np.asarray(n, dtype=float).ravel()
    if x.shape != n.shape:
        raise ValueError("x and n must have the same length")
    if np.any((n < 0) | (x < 0) | (x > n)) or np.isnan(x).any() or np.isnan(n).any():
        raise ValueError("counts must satisfy 0 <= x <= n")
    hidden = primary_suppression(x, n, check_k(k)) if k is not None else np.zeros(x.size, bool)
    usable = (n > 0) & ~hidden
    base = np.zeros(x.size, dtype=bool)
    base[_baseline(x.size, baseline)] = True
    base &= usable
    total = n[base].sum()
    pbar = float(x[base].sum() / total) if total > 0 else float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = np.where(usable, x / n, np.nan)
        sigma = np.sqrt(pbar * (1.0 - pbar) / n)
    lower = np.where(usable, np.clip(pbar - 3.0 * sigma, 0.0, 1.0), np.nan)
    upper = np.where(usable, np.clip(pbar + 3.0 * sigma, 0.0, 1.0), np.nan)
    outside = usable & ((rates > upper) | (rates < lower))
    runs = run_chart(rates, centre=pbar)
    return PChart(pbar, lower, upper, rates, outside, runs, hidden)
