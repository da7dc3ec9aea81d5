"""Rates and their intervals: Wilson, Newcombe hybrid score (method 10), Katz log ratio.

All functions broadcast over numpy arrays (scalars work too and give numpy scalars).
Invalid inputs (n <= 0, x < 0, x > n) give NaN rather than raising.
"""

from __future__ import annotations

import numpy as np

from .constants import Z

__all__ = ["wilson_interval", "newcombe_difference", "katz_ratio", "koopman_ratio"]


def _as_float(*arrays):
    return [np.asarray(a, dtype=float) for a in arrays]


def _unwrap(scalar: bool, *arrays):
    if scalar:
        return tuple(a[()] for a in arrays)
    return arrays


def _rate(x, n):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((n > 0) & (x >= 0) & (x <= n), x / n, np.nan)


def _wilson(x, n, z):
    valid = (n > 0) & (x >= 0) & (x <= n)
    z2 = z * z
    with np.errstate(divide="ignore", invalid="ignore"):
        denom = n + z2
        centre = (x + z2 / 2.0) / denom
        half = (z / denom) * np.sqrt(np.maximum(x * (n - x) / n, 0.0) + z2 / 4.0)
    lower = np.where(x == 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    upper = np.where(x == n, 1.0, np.clip(centre + half, 0.0, 1.0))
    return np.where(valid, lower, np.nan), np.where(valid, upper, np.nan)


def wilson_interval(x, n, z: float = Z):
    """Wilson score interval for the proportion p = x / n, clipped to [0, 1].

        centre = (x + z^2/2) / (n + z^2)
        half   = z / (n + z^2) * sqrt(x (n - x) / n + z^2 / 4)
        (L, U) = (centre - half, centre + half), clipped to [0, 1]

    L is exactly 0 when x = 0 and U exactly 1 when x = n. n = 0 (or x outside
    [0, n]) gives (NaN, NaN). Returns ``(lower, upper)`` as arrays broadcast from
    the inputs (numpy scalars when both inputs are scalars).
    """
    scalar = np.ndim(x) == 0 and np.ndim(n) == 0
    x, n = _as_float(x, n)
    return _unwrap(scalar, *_wilson(x, n, z))


def newcombe_difference(x1, n1, x2, n2, z: float = Z):
    """Difference d = p1 - p2 with Newcombe's hybrid score interval (1998, method 10).

    With p_i = x_i / n_i and (l_i, u_i) the Wilson interval of p_i:

        L = d - sqrt((p1 - l1)^2 + (u2 - p2)^2)
        U = d + sqrt((u1 - p1)^2 + (p2 - l2)^2)

    Works on the proportions as given (callers pass adverse counts to compare
    adverse rates). Returns ``(d, lower, upper)``; NaN where either n is 0.
    """
    scalar = all(np.ndim(a) == 0 for a in (x1, n1, x2, n2))
    x1, n1, x2, n2 = _as_float(x1, n1, x2, n2)
    p1, p2 = _rate(x1, n1), _rate(x2, n2)
    l1, u1 = _wilson(x1, n1, z)
    l2, u2 = _wilson(x2, n2, z)
    d = p1 - p2
    lower = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    upper = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return _unwrap(scalar, d, lower, upper)


def katz_ratio(x1, n1, x2, n2, z: float = Z):
    """Ratio RR = p1 / p2 with the Katz log interval.

        (L, U) = exp(ln RR -+ z * sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2))

    Undefined (NaN for RR and both limits) when either count x1 or x2 is 0,
    or either n is 0. Returns ``(rr, lower, upper)``.
    """
    scalar = all(np.ndim(a) == 0 for a in (x1, n1, x2, n2))
    x1, n1, x2, n2 = _as_float(x1, n1, x2, n2)
    valid = (x1 > 0) & (x2 > 0) & (n1 >= x1) & (n2 >= x2)
    with np.errstate(divide="ignore", invalid="ignore"):
        rr = (x1 / n1) / (x2 / n2)
        se = np.sqrt(1.0 / x1 - 1.0 / n1 + 1.0 / x2 - 1.0 / n2)
        log_rr = np.log(rr)
        lower = np.exp(log_rr - z * se)
        upper = np.exp(log_rr + z * se)
    nan = np.nan
    rr, lower, upper = (np.where(valid, a, nan) for a in (rr, lower, upper))
    return _unwrap(scalar, rr, lower, upper)


def _koopman_statistic(theta, x1, n1, x2, n2):
    """Koopman's (1984) score statistic for H0: p1 / p2 = theta,

        U = (p1 - theta p2)^2 / (q1 (1 - q1) / n1 + theta^2 q2 (1 - q2) / n2),

    with (q1, q2) the maximum likelihood estimates restricted to q1 = theta q2:
    q2 the smaller root of N theta q^2 - (theta (n1 + x2) + x1 + n2) q + (x1 + x2) = 0."""
    a = (n1 + n2) * theta
    b = -(theta * (n1 + x2) + x1 + n2)
    c = x1 + x2
    q2 = (-b - np.sqrt(np.maximum(b * b - 4.0 * a * c, 0.0))) / (2.0 * a)
    q1 = theta * q2
    variance = q1 * (1.0 - q1) / n1 + theta * theta * q2 * (1.0 - q2) / n2
    gap = (x1 / n1 - theta * x2 / n2) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(variance > 0, gap / variance, np.where(gap > 0, np.inf, 0.0))


def koopman_ratio(x1, n1, x2, n2, z: float = Z):
    """Ratio RR = p1 / p2 with Koopman's (1984) score interval, which handles zero counts.

    The interval is {theta : U(theta) <= z^2}, U Koopman's chi-square at the estimates
    restricted to p1 = theta p2 (see `_koopman_statistic`); the limits are found by
    bisection on log(theta) (to about 1e-12 relative). x1 = 0 gives RR = 0 and lower
    limit 0; x1 = n1 and x2 = n2 both full are handled the same way. Undefined (NaN)
    when x2 is 0 (RR infinite or 0/0), or either n is 0. Returns ``(rr, lower, upper)``.
    """
    scalar = all(np.ndim(a) == 0 for a in (x1, n1, x2, n2))
    x1, n1, x2, n2 = np.broadcast_arrays(*_as_float(x1, n1, x2, n2))
    valid = (n1 > 0) & (n2 > 0) & (x1 >= 0) & (x2 > 0) & (x1 <= n1) & (x2 <= n2)
    safe = [np.where(valid, a, 1.0) for a in (x1, n1, x2, n2)]
    sx1, sn1, sx2, sn2 = safe
    with np.errstate(divide="ignore", invalid="ignore"):
        rr = (sx1 / sn1) / (sx2 / sn2)
    z2 = z * z

    def outside(log_theta):
        return _koopman_statistic(np.exp(log_theta), sx1, sn1, sx2, sn2) > z2

    # The statistic is 0 at theta = RR and grows on either side: bisect each side in logs
    # between the estimate and a far bound (1e-12 .. 1e12 covers every count).
    centre = np.log(np.where(rr > 0, rr, 1e-300))
    lo_hi = centre.copy()
    lo_lo = np.full_like(centre, np.log(1e-12))
    up_lo = np.where(rr > 0, centre, np.log(1e-12))
    up_hi = np.full_like(centre, np.log(1e12))
    for _ in range(200):
        mid = (lo_lo + lo_hi) / 2.0
        out = outside(mid)
        lo_lo = np.where(out, mid, lo_lo)
        lo_hi = np.where(out, lo_hi, mid)
        mid = (up_lo + up_hi) / 2.0
        out = outside(mid)
        up_hi = np.where(out, mid, up_hi)
        up_lo = np.where(out, up_lo, mid)
    lower = np.where(sx1 == 0, 0.0, np.exp((lo_lo + lo_hi) / 2.0))
    upper = np.exp((up_lo + up_hi) / 2.0)
    nan = np.nan
    rr, lower, upper = (np.where(valid, a, nan) for a in (rr, lower, upper))
    return _unwrap(scalar, rr, lower, upper)
