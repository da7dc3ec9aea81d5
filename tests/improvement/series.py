"""Data hub series for Improve's tests, built without an extract: data_hub.api's own
SeriesPoint and MeasureSeries, with Wilson and Newcombe numbers from equity_stats."""

import math
from datetime import date

from data_hub.api import MeasureSeries as Series
from data_hub.api import SeriesPoint as Point
from equity_stats import newcombe_difference, wilson_interval

K = 11


def _hidden(x, n):
    return n < K or 1 <= x <= K - 1 or 1 <= n - x <= K - 1


def quarter(i: int) -> tuple[date, str]:
    year, q = 2023 + i // 4, i % 4
    return date(year, 3 * q + 1, 1), f"{year}-Q{q + 1}"


def point(i, x, n, rx, rn, *, direction="lower") -> Point:
    start, label = quarter(i)
    hidden, rhidden = _hidden(x, n), _hidden(rx, rn)
    lo, hi = wilson_interval(x, n)
    rlo, rhi = wilson_interval(rx, rn)
    # adverse counts: lower-is-better measures count the events themselves
    ax, arx = (x, rx) if direction == "lower" else (n - x, rn - rx)
    d, dlo, dhi = newcombe_difference(ax, n, arx, rn)
    both = not hidden and not rhidden
    ratio = (ax / n) / (arx / rn) if both and arx else None
    return Point(
        period_start=start,
        period_label=label,
        granularity="quarter",
        extract_id=1,
        suppressed=hidden,
        numerator=None if hidden else x,
        denominator=None if hidden else n,
        rate=None if hidden else x / n,
        rate_lower=None if hidden else float(lo),
        rate_upper=None if hidden else float(hi),
        reference_suppressed=rhidden,
        reference_numerator=None if rhidden else rx,
        reference_denominator=None if rhidden else rn,
        reference_rate=None if rhidden else rx / rn,
        reference_rate_lower=None if rhidden else float(rlo),
        reference_rate_upper=None if rhidden else float(rhi),
        difference=float(d) if both else None,
        difference_lower=float(dlo) if both else None,
        difference_upper=float(dhi) if both else None,
        ratio=ratio,
        ratio_lower=None,
        ratio_upper=None,
        provenance=None,  # no extract behind these points
    )


def series(focus, reference, *, direction="lower") -> Series:
    points = tuple(
        point(i, x, n, rx, rn, direction=direction)
        for i, ((x, n), (rx, rn)) in enumerate(zip(focus, reference, strict=True))
    )
    return Series(
        "readmit", "30-day readmission", direction, "race", "Race", "Black", "White", points
    )


def nan_to_none(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else v
