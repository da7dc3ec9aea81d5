"""Is the gap closing, and how far are we from the target (issue 13). Pure Python/numpy.

1. Change in the gap from baseline to the latest period: with the gap (adverse-rate difference)
   d0 at baseline with 95% interval (l0, u0) and d1 at the latest period with (l1, u1), the
   change is c = d1 - d0 with the MOVER interval (Zou & Donner 2008; Newcombe 1998), treating
   the two periods as independent samples:
       L = c - sqrt((d1 - l1)^2 + (u0 - d0)^2)
       U = c + sqrt((u1 - d1)^2 + (d0 - l0)^2)
   Verdict: when the baseline gap is >= 0 (the focus group fares worse or the same), the gap
   is "narrowing" when U < 0, "widening" when L > 0; when the baseline gap is negative (the
   focus group fares better), "narrowing" when L > 0 and "widening" when U < 0; otherwise
   "no detectable change".
2. Progress from baseline b to target t: percent of the way 100 (v - b) / (t - b) for the latest
   value v (None when t = b). The expected value at the latest period's date is on the straight
   line from (baseline date, b) to (target date, t), equal to t from the target date on; the goal
   is on track when v is at or beyond the expected value in the better direction (``better`` =
   +1 when higher values are better, -1 when lower are); met when v is at or beyond t.
3. "Making Data Count" icons (NHS England). Process limits: the p-chart's 3-sigma limits, or
   for a series without them (the gap) the natural process limits of an XmR chart, as Making
   Data Count draws them: mean -+ 2.66 x the mean moving range over the basis points of each
   part. Variation describes the latest point: "improving" when it is beyond the process
   limit on the better side or belongs to a run on the better side of the median longer than
   round(log2(n_useful) + 3) (Anhoej); "deteriorating" likewise on the worse side; otherwise
   "common cause". Assurance compares the target with the process limits at the latest point:
   "will meet" when both limits are at or beyond the target on the better side, "will not
   meet" when both are short of it, else "hit and miss".
4. Not sustained: the series reached the target at some period (the first such period m), and
   after m the chart shows a signal in the wrong direction: a point after m beyond the process
   limit on the worse side, or a run on the worse side of its part's median longer than
   round(log2(n_useful) + 3) that includes a point after m.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from .spc import BASIS_BASELINE, PhasedChart, run_segments

__all__ = [
    "GapChange",
    "Progress",
    "mover_difference",
    "gap_change",
    "progress",
    "variation",
    "assurance",
    "natural_limits",
    "process_limits",
    "first_met",
    "not_sustained",
    "NARROWING",
    "NO_CHANGE",
    "WIDENING",
    "IMPROVING",
    "DETERIORATING",
    "COMMON_CAUSE",
    "WILL_MEET",
    "WILL_NOT_MEET",
    "HIT_AND_MISS",
]

NARROWING = "narrowing"
NO_CHANGE = "no detectable change"
WIDENING = "widening"
IMPROVING = "improving"
DETERIORATING = "deteriorating"
COMMON_CAUSE = "common cause"
WILL_MEET = "will meet"
WILL_NOT_MEET = "will not meet"
HIT_AND_MISS = "hit and miss"
XMR_FACTOR = 2.66


def _finite(*values) -> bool:
    return all(v is not None and math.isfinite(v) for v in values)


def mover_difference(
    est1: float, lower1: float, upper1: float, est2: float, lower2: float, upper2: float
) -> tuple[float, float, float]:
    """est1 - est2 with the MOVER interval for two independent estimates (Zou & Donner 2008)."""
    change = est1 - est2
    lower = change - math.sqrt((est1 - lower1) ** 2 + (upper2 - est2) ** 2)
    upper = change + math.sqrt((upper1 - est1) ** 2 + (est2 - lower2) ** 2)
    return change, lower, upper


@dataclass(frozen=True)
class GapChange:
    baseline: float
    baseline_lower: float
    baseline_upper: float
    latest: float
    latest_lower: float
    latest_upper: float
    change: float
    lower: float
    upper: float
    verdict: str

    method_note = (
        "Change in the gap (adverse-rate difference) from the baseline period to the latest "
        "period, with a 95% interval combining the two periods' intervals by the MOVER method "
        "(Zou & Donner 2008); the two periods are treated as independent samples."
    )


def gap_change(baseline: tuple, latest: tuple) -> GapChange | None:
    """``baseline`` and ``latest`` are (difference, lower, upper); None when any is missing."""
    if not _finite(*baseline, *latest):
        return None
    d0, l0, u0 = (float(v) for v in baseline)
    d1, l1, u1 = (float(v) for v in latest)
    change, lower, upper = mover_difference(d1, l1, u1, d0, l0, u0)
    if d0 >= 0:
        verdict = NARROWING if upper < 0 else WIDENING if lower > 0 else NO_CHANGE
    else:
        verdict = NARROWING if lower > 0 else WIDENING if upper < 0 else NO_CHANGE
    return GapChange(d0, l0, u0, d1, l1, u1, change, lower, upper, verdict)


@dataclass(frozen=True)
class Progress:
    baseline: float
    target: float
    latest: float
    percent: float | None
    expected: float
    on_track: bool
    met: bool


def progress(
    *,
    baseline: float,
    target: float,
    latest: float,
    baseline_date: date,
    target_date: date,
    latest_date: date,
    better: int,
) -> Progress | None:
    """Percent of the way from baseline to target, the expected value at ``latest_date`` on the
    straight line from baseline to target, on track and met. None when a value is missing."""
    if better not in (1, -1):
        raise ValueError("better must be +1 or -1")
    if not _finite(baseline, target, latest):
        return None
    span = (target_date - baseline_date).days
    elapsed = (latest_date - baseline_date).days
    fraction = 1.0 if span <= 0 else min(max(elapsed / span, 0.0), 1.0)
    expected = baseline + (target - baseline) * fraction
    percent = None if target == baseline else 100.0 * (latest - baseline) / (target - baseline)
    return Progress(
        baseline=baseline,
        target=target,
        latest=latest,
        percent=percent,
        expected=expected,
        on_track=bool((latest - expected) * better >= 0),
        met=bool((latest - target) * better >= 0),
    )


def _latest_index(chart: PhasedChart) -> int | None:
    useful = np.flatnonzero(~np.isnan(chart.values))
    return int(useful[-1]) if useful.size else None


def _basis_values(chart: PhasedChart, part) -> np.ndarray:
    segment = chart.values[part.start : part.stop]
    if part.start == 0 and part.basis == BASIS_BASELINE:
        segment = segment[: chart.phases.count("baseline")]
    return segment[~np.isnan(segment)]


def process_limits(chart: PhasedChart) -> tuple[np.ndarray, np.ndarray]:
    """Per point (lower, upper): the p-chart's limits, or for a series without them (the gap)
    the XmR natural process limits of its part, mean -+ 2.66 x mean moving range over the
    part's basis points (NaN with fewer than two)."""
    if chart.has_limits:
        return chart.lower, chart.upper
    lower = np.full(chart.values.size, np.nan)
    upper = np.full(chart.values.size, np.nan)
    for part in chart.parts:
        basis = _basis_values(chart, part)
        if basis.size < 2:
            continue
        mean = float(basis.mean())
        spread = XMR_FACTOR * float(np.abs(np.diff(basis)).mean())
        lower[part.start : part.stop] = mean - spread
        upper[part.start : part.stop] = mean + spread
    return lower, upper


def variation(chart: PhasedChart, better: int) -> str | None:
    """The "Making Data Count" variation of the latest point; None without any point."""
    i = _latest_index(chart)
    if i is None:
        return None
    part = chart.part_at(i)
    value = chart.values[i]
    lower, upper = process_limits(chart)
    if value > upper[i]:
        return IMPROVING if better > 0 else DETERIORATING
    if value < lower[i]:
        return DETERIORATING if better > 0 else IMPROVING
    limit = part.runs.longest_run_limit
    if limit is not None:
        segment = chart.values[part.start : part.stop]
        for side, idx in run_segments(segment, part.median):
            if i - part.start in idx and len(idx) > limit:
                return IMPROVING if side == better else DETERIORATING
    return COMMON_CAUSE


def natural_limits(chart: PhasedChart) -> tuple[float, float, float] | None:
    """XmR natural process limits of the latest point's part: (mean, lower, upper) over its basis
    points; None with fewer than two."""
    i = _latest_index(chart)
    if i is None:
        return None
    basis = _basis_values(chart, chart.part_at(i))
    if basis.size < 2:
        return None
    mean = float(basis.mean())
    spread = XMR_FACTOR * float(np.abs(np.diff(basis)).mean())
    return mean, mean - spread, mean + spread


def assurance(*, target: float, lower: float, upper: float, better: int) -> str | None:
    """The "Making Data Count" assurance of a target against process limits (lower, upper)."""
    if not _finite(target, lower, upper):
        return None
    if better > 0:
        if lower >= target:
            return WILL_MEET
        return WILL_NOT_MEET if upper < target else HIT_AND_MISS
    if upper <= target:
        return WILL_MEET
    return WILL_NOT_MEET if lower > target else HIT_AND_MISS


def first_met(values, target: float, better: int) -> int | None:
    """Index of the first point at or beyond ``target`` in the better direction."""
    y = np.asarray(values, dtype=float)
    met = np.flatnonzero(~np.isnan(y) & ((y - target) * better >= 0))
    return int(met[0]) if met.size else None


def not_sustained(chart: PhasedChart, target: float, better: int) -> bool:
    """Met at some period, then a special-cause signal in the wrong direction after it."""
    m = first_met(chart.values, target, better)
    if m is None:
        return False
    lower, upper = process_limits(chart)
    worse = lower if better > 0 else upper
    for i in range(m + 1, chart.values.size):
        v = chart.values[i]
        if not np.isnan(v) and not np.isnan(worse[i]) and (v - worse[i]) * better < 0:
            return True
    for part in chart.parts:
        limit = part.runs.longest_run_limit
        if limit is None or part.stop <= m + 1:
            continue
        segment = chart.values[part.start : part.stop]
        for side, idx in run_segments(segment, part.median):
            if side == -better and len(idx) > limit and part.start + idx[-1] > m:
                return True
    return False
