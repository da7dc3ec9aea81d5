"""Rates and their intervals: Wilson, Newcombe hybrid score (method 10), Katz log ratio.

All functions broadcast over numpy arrays (scalars work too and give numpy scalars).
Invalid inputs (n <= 0, x < 0, x > n) give NaN rather than raising.
"""

from __future__ import annotations

import numpy as np

from .constants import Z

__all__ = ["wilson_interval", "newcombe_difference", "katz_ratio"]


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
