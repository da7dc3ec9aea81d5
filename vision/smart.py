"""The Achievable part of an equity-focused SMART goal, as plain arithmetic (no Django).

Warnings, never refusals: a team may keep an ambitious goal, but it should know when the target
is smaller than what the data can detect at this group size, when it asks the focus group to do
better than the best group does today, or when the group is too small to follow per period.

Conventions (the data hub's): rates are proportions; the difference and the ratio compare
ADVERSE rates (1 - rate when higher is better, the rate otherwise) of the focus group with the
reference group, so a positive difference or a ratio above 1 means the focus group fares worse.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_PATIENTS_PER_PERIOD = 25


@dataclass(frozen=True)
class SmartWarning:
    code: str
    message: str


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def _pp(value: float) -> str:
    return f"{value * 100:.1f} percentage points"


def _adverse(rate: float, direction: str) -> float:
    return 1 - rate if direction == "higher" else rate


def _rate_from_adverse(adverse: float, direction: str) -> float:
    return 1 - adverse if direction == "higher" else adverse


def _better(a: float, b: float, direction: str) -> bool:
    """True when rate a is strictly better than rate b."""
    return a > b if direction == "higher" else a < b


def implied_focus_rate(
    *, aim: str, target_value: float, direction: str, reference_rate: float | None
) -> float | None:
    """The focus group's rate the target implies (for a gap aim: at today's reference rate)."""
    if aim == "rate":
        return target_value
    if reference_rate is None:
        return None
    reference_adverse = _adverse(reference_rate, direction)
    if aim == "difference":
        adverse = reference_adverse + target_value
    elif aim == "ratio":
        adverse = reference_adverse * target_value
    else:
        return None
    return _rate_from_adverse(adverse, direction)


def smart_warnings(
    *,
    aim: str,
    target_value: float,
    direction: str,
    baseline: dict | None,
    best_rate: float | None = None,
    best_group: str = "",
) -> list[SmartWarning]:
    """Warnings for a goal. `baseline` holds the snapshot's numbers (rate, rate_lower,
    rate_upper, denominator, reference_rate, difference(_lower/_upper), ratio(_lower/_upper),
    suppressed); `best_rate` is the best compared group's rate in the baseline period."""
    if not baseline:
        return [
            SmartWarning(
                "no_baseline",
                "There is no baseline yet: the data hub has no published result for this group. "
                "Without one the goal is not measurable.",
            )
        ]
    warnings: list[SmartWarning] = []
    if baseline.get("suppressed"):
        warnings.append(
            SmartWarning(
                "suppressed",
                "The baseline is suppressed (small numbers), so its numbers cannot be shown and "
                "progress may not be measurable per period in this group.",
            )
        )
    denominator = baseline.get("denominator")
    if denominator is not None and denominator < MIN_PATIENTS_PER_PERIOD:
        warnings.append(
            SmartWarning(
                "small_group",
                f"Only {denominator} patients per period in the focus group (fewer than "
                f"{MIN_PATIENTS_PER_PERIOD}): rates will swing from period to period; consider a "
                "longer period or a broader group.",
            )
        )

    if aim == "rate":
        base, lower, upper = (baseline.get(k) for k in ("rate", "rate_lower", "rate_upper"))
        if base is not None:
            change = target_value - base
            if not _better(target_value, base, direction):
                warnings.append(
                    SmartWarning(
                        "not_an_improvement",
                        f"The target rate {_pct(target_value)} is not better than the baseline "
                        f"{_pct(base)}.",
                    )
                )
            elif lower is not None and upper is not None and abs(change) < (upper - lower) / 2:
                warnings.append(
                    SmartWarning(
                        "undetectable",
                        f"The target change ({_pp(abs(change))}) is smaller than the baseline "
                        f"interval's half-width ({_pp((upper - lower) / 2)}): at this group size "
                        "it could not be told apart from chance.",
                    )
                )
    elif aim in ("difference", "ratio"):
        base = baseline.get(aim)
        lower, upper = baseline.get(f"{aim}_lower"), baseline.get(f"{aim}_upper")
        if base is not None:
            shown = _pp if aim == "difference" else (lambda v: f"{v:.2f}")
            change = base - target_value
            if change <= 0:
                warnings.append(
                    SmartWarning(
                        "not_an_improvement",
                        f"The target gap ({shown(target_value)}) is not smaller than the "
                        f"baseline gap ({shown(base)}).",
                    )
                )
            elif lower is not None and upper is not None and change < (upper - lower) / 2:
                warnings.append(
                    SmartWarning(
                        "undetectable",
                        f"The target change of the gap ({shown(change)}) is smaller than the "
                        f"baseline interval's half-width ({shown((upper - lower) / 2)}): at this "
                        "group size it could not be told apart from chance.",
                    )
                )

    implied = implied_focus_rate(
        aim=aim,
        target_value=target_value,
        direction=direction,
        reference_rate=baseline.get("reference_rate"),
    )
    if implied is not None and best_rate is not None and _better(implied, best_rate, direction):
        warnings.append(
            SmartWarning(
                "beyond_best",
                f"The target implies a rate of {_pct(implied)} for the focus group, better than "
                f"the best group's rate today ({_pct(best_rate)}"
                f"{', ' + best_group if best_group else ''}).",
            )
        )
    if implied is not None and not 0 <= implied <= 1:
        warnings.append(
            SmartWarning(
                "impossible",
                f"The target implies a rate of {_pct(implied)}, outside 0% to 100%.",
            )
        )
    return warnings
