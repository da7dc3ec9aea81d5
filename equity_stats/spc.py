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

Phased charts (issue 13), ``phased_chart``: a series of periods split into parts. The first
part runs from the first period to the first rebaseline; its periods up to and including the
goal's baseline period are phase ``baseline``, the rest ``follow-up``. Its centre (median, and
p-bar with its limits) comes from the baseline phase when that has at least 6 points (not
missing), else from all the points of the part (``basis`` says which). Each rebaseline, recorded
by a person, starts a new part (phases ``phase-2``, ``phase-3``...) whose centre and limits come
from all of its own points. The runs analysis and the limits are computed per part.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .suppression import check_k, primary_suppression

__all__ = [
    "RunChart",
    "PChart",
    "run_chart",
    "p_chart",
    "crossings_limit",
    "longest_run_limit",
    "ChartPart",
    "PhasedChart",
    "phased_chart",
    "run_segments",
    "BASELINE",
    "FOLLOW_UP",
    "BASIS_BASELINE",
    "BASIS_ALL",
    "MIN_BASELINE_POINTS",
]

BASELINE = "baseline"
FOLLOW_UP = "follow-up"
BASIS_BASELINE = "baseline"
"""The centre line and limits come from the baseline phase (>= MIN_BASELINE_POINTS points)."""
BASIS_ALL = "all"
"""The centre line and limits come from all the points of the part."""
MIN_BASELINE_POINTS = 6


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


def run_segments(values, centre: float) -> list[tuple[int, tuple[int, ...]]]:
    """The runs of ``values`` around ``centre``: (side, indices) per run, side +1 above and
    -1 below; missing points and points on the centre belong to no run (and do not break one).
    """
    y = np.asarray(values, dtype=float).ravel()
    runs: list[tuple[int, list[int]]] = []
    for i, v in enumerate(y):
        if np.isnan(v) or v == centre or np.isnan(centre):
            continue
        side = 1 if v > centre else -1
        if runs and runs[-1][0] == side:
            runs[-1][1].append(i)
        else:
            runs.append((side, [i]))
    return [(side, tuple(idx)) for side, idx in runs]


@dataclass(frozen=True, eq=False)
class ChartPart:
    """One part of a phased chart: points ``start:stop`` of the series."""

    start: int
    stop: int
    basis: str
    basis_points: int
    runs: RunChart
    pchart: PChart | None

    @property
    def median(self) -> float:
        return self.runs.centre


@dataclass(frozen=True, eq=False)
class PhasedChart:
    """Per point: its phase, value, part, the part's median (run chart centre) and, for a
    p-chart, the part's p-bar, the point's limits and whether it is outside them."""

    phases: tuple[str, ...]
    values: np.ndarray
    part_of: np.ndarray
    parts: tuple[ChartPart, ...]
    median: np.ndarray
    centre: np.ndarray | None
    lower: np.ndarray | None
    upper: np.ndarray | None
    outside: np.ndarray | None

    @property
    def has_limits(self) -> bool:
        return self.centre is not None

    def part_at(self, i: int) -> ChartPart:
        return self.parts[int(self.part_of[i])]


def _part_bounds(size: int, rebaselines) -> list[tuple[int, int]]:
    starts = sorted({int(r) for r in rebaselines if 0 < int(r) < size})
    edges = [0, *starts, size]
    return [(edges[i], edges[i + 1]) for i in range(len(edges) - 1)] if size else []


def phased_chart(
    values=None, *, x=None, n=None, baseline_points: int = 0, rebaselines=()
) -> PhasedChart:
    """Run chart (and p-chart when ``x`` and ``n`` are given) of a series split into phases.

    ``values``: the series (NaN = missing or suppressed) for a run chart only; or ``x`` and
    ``n`` (NaN = suppressed) for a p-chart whose values are the rates x / n.
    ``baseline_points``: how many leading points are in the baseline phase (those up to and
    including the goal's baseline period). ``rebaselines``: indices of the points where a
    recorded rebaseline starts a new part.
    """
    with_limits = x is not None or n is not None
    if with_limits:
        if x is None or n is None:
            raise ValueError("a p-chart needs both x and n")
        x = np.asarray(x, dtype=float).ravel()
        n = np.asarray(n, dtype=float).ravel()
        if x.shape != n.shape:
            raise ValueError("x and n must have the same length")
        missing = np.isnan(x) | np.isnan(n) | (n <= 0)
        x = np.where(missing, 0.0, x)
        n = np.where(missing, 0.0, n)
        with np.errstate(divide="ignore", invalid="ignore"):
            y = np.where(missing, np.nan, x / np.where(missing, 1.0, n))
    else:
        y = np.asarray(values, dtype=float).ravel()
    size = y.size
    baseline_points = max(0, min(int(baseline_points), size))
    phases: list[str] = []
    part_of = np.zeros(size, dtype=int)
    median = np.full(size, np.nan)
    centre = lower = upper = outside = None
    if with_limits:
        centre, lower, upper = (np.full(size, np.nan) for _ in range(3))
        outside = np.zeros(size, dtype=bool)
    parts: list[ChartPart] = []
    for k, (start, stop) in enumerate(_part_bounds(size, rebaselines)):
        seg = y[start:stop]
        if k == 0:
            base_stop = min(baseline_points, stop)
            phases.extend(BASELINE if i < base_stop else FOLLOW_UP for i in range(start, stop))
            useful = int(np.count_nonzero(~np.isnan(seg[:base_stop])))
            if useful >= MIN_BASELINE_POINTS:
                basis, base = BASIS_BASELINE, slice(0, base_stop)
            else:
                basis, base = BASIS_ALL, None
        else:
            phases.extend([f"phase-{k + 1}"] * (stop - start))
            basis, base = BASIS_ALL, None
        basis_values = seg if base is None else seg[base]
        basis_points = int(np.count_nonzero(~np.isnan(basis_values)))
        if basis_points:
            runs = run_chart(seg, baseline=base)
        else:
            runs = RunChart(float("nan"), 0, 0, None, False, 0, None, False, False)
        chart = None
        if with_limits:
            chart = p_chart(x[start:stop], n[start:stop], baseline=base)
            centre[start:stop] = chart.centre
            lower[start:stop] = chart.lower
            upper[start:stop] = chart.upper
            outside[start:stop] = chart.outside
        part_of[start:stop] = k
        median[start:stop] = runs.centre
        parts.append(ChartPart(start, stop, basis, basis_points, runs, chart))
    return PhasedChart(
        phases=tuple(phases),
        values=y,
        part_of=part_of,
        parts=tuple(parts),
        median=median,
        centre=centre,
        lower=lower,
        upper=upper,
        outside=outside,
    )
