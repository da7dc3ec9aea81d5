"""Per goal: the phased charts, the change in the gap, progress, icons and flags, computed from
a data hub `MeasureSeries` (suppression applied) with equity_stats. Nothing here touches the
database: selectors.py gathers the goal, the series, rebaselines and PDSA cycles and calls
`analyse_goal`.

Chart CSV semantics (issue 13): one row per series (focus, reference, gap) x period; phase is
`baseline` up to and including the goal's baseline period, `follow-up` after it, `phase-2`...
after each recorded rebaseline; a suppressed point has empty point numbers (numerator,
denominator, value and interval, its limits and whether it is outside them), while the phase's
run-chart figures and p-bar, which never include it, are still given.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from equity_stats import gap_change, phased_chart, progress
from equity_stats.progress import (
    GapChange,
    Progress,
    assurance,
    natural_limits,
    not_sustained,
    variation,
)
from equity_stats.spc import BASIS_BASELINE, MIN_BASELINE_POINTS, PhasedChart

AIM_RATE, AIM_DIFFERENCE, AIM_RATIO = "rate", "difference", "ratio"
SERIES = ("focus", "reference", "gap")
CSV_COLUMNS = [
    "goal",
    "series",
    "period_start",
    "period_label",
    "phase",
    "numerator",
    "denominator",
    "value",
    "value_lower",
    "value_upper",
    "suppressed",
    "median",
    "longest_run",
    "longest_run_limit",
    "crossings",
    "crossings_limit",
    "run_signal",
    "centre",
    "lower_limit",
    "upper_limit",
    "outside_limits",
]


@dataclass(frozen=True)
class GoalSpec:
    """What the analysis needs of a charter goal (built from Vision's goal by selectors)."""

    pk: int
    aim: str  # rate | difference | ratio
    target_value: float
    target_date: date
    baseline_period: date
    baseline: dict = field(default_factory=dict)  # the stored BaselineSnapshot.as_dict()


@dataclass(frozen=True)
class Annotation:
    date: date
    label: str
    text: str
    url: str = ""


def _num(value) -> float:
    return float("nan") if value is None else float(value)


def _opt(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _bool(value: bool) -> str:
    return "true" if value else "false"


@dataclass(frozen=True, eq=False)
class GoalAnalysis:
    spec: GoalSpec
    series: object  # data_hub.api.MeasureSeries
    focus: PhasedChart
    reference: PhasedChart
    gap: PhasedChart
    ratio: PhasedChart | None
    better: int
    gap_change: GapChange | None
    progress: Progress | None
    variation: str | None
    assurance: str | None
    not_met: bool
    not_sustained: bool
    latest_index: int | None
    annotations: tuple[Annotation, ...] = ()
    gap_latest_label: str = ""

    @property
    def points(self):
        return self.series.points

    @property
    def latest(self):
        return self.points[self.latest_index] if self.latest_index is not None else None

    @property
    def aim_chart(self) -> PhasedChart:
        return {AIM_RATE: self.focus, AIM_RATIO: self.ratio}.get(self.spec.aim) or self.gap

    def basis_note(self, chart: PhasedChart) -> str:
        if not chart.parts:
            return "No periods yet."
        first = chart.parts[0]
        if first.basis == BASIS_BASELINE:
            note = (
                f"Centre line and limits from the baseline phase ({first.basis_points} periods "
                "up to and including the goal's baseline period)."
            )
        else:
            note = (
                f"Centre line and limits from all {first.basis_points} periods: the baseline "
                f"phase has fewer than {MIN_BASELINE_POINTS} periods with data."
            )
        if len(chart.parts) > 1:
            note += (
                f" {len(chart.parts) - 1} recorded rebaseline(s): each new phase has its own "
                "centre line and limits, from its own periods."
            )
        return note

    def rows(self, series: str) -> list[dict]:
        """The chart CSV rows of one series, as typed values (None = empty)."""
        chart = {"focus": self.focus, "reference": self.reference, "gap": self.gap}[series]
        out = []
        for i, p in enumerate(self.points):
            if series == "focus":
                suppressed = bool(p.suppressed)
                num, den = p.numerator, p.denominator
                val, lo, hi = p.rate, p.rate_lower, p.rate_upper
            elif series == "reference":
                suppressed = bool(p.reference_suppressed)
                num, den = p.reference_numerator, p.reference_denominator
                val, lo, hi = p.reference_rate, p.reference_rate_lower, p.reference_rate_upper
            else:
                suppressed = p.difference is None
                num = den = None
                val, lo, hi = p.difference, p.difference_lower, p.difference_upper
            part = chart.part_at(i)
            runs = part.runs
            row = {
                "goal": self.spec.pk,
                "series": series,
                "period_start": p.period_start,
                "period_label": p.period_label,
                "phase": chart.phases[i],
                "numerator": None if suppressed else num,
                "denominator": None if suppressed else den,
                "value": None if suppressed else _opt(val),
                "value_lower": None if suppressed else _opt(lo),
                "value_upper": None if suppressed else _opt(hi),
                "suppressed": suppressed,
                "median": _opt(runs.centre),
                "longest_run": runs.longest_run if runs.n_useful else None,
                "longest_run_limit": runs.longest_run_limit,
                "crossings": runs.crossings if runs.n_useful else None,
                "crossings_limit": runs.crossings_limit,
                "run_signal": runs.signal,
                "centre": None,
                "lower_limit": None,
                "upper_limit": None,
                "outside_limits": None,
            }
            if chart.has_limits:
                row["centre"] = _opt(chart.centre[i])
                if not suppressed:
                    row["lower_limit"] = _opt(chart.lower[i])
                    row["upper_limit"] = _opt(chart.upper[i])
                    row["outside_limits"] = bool(chart.outside[i])
            out.append(row)
        return out

    def csv_rows(self):
        for series in SERIES:
            for row in self.rows(series):
                yield [_csv_cell(row[c]) for c in CSV_COLUMNS]


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return _bool(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)  # full precision
    return value


def _indices(points, dates) -> list[int]:
    starts = [p.period_start for p in points]
    out = []
    for d in dates:
        idx = next((i for i, s in enumerate(starts) if s >= d), None)
        if idx is not None:
            out.append(idx)
    return out


def better_direction(aim: str, direction: str) -> int:
    """+1 when higher values of the aim's series are better, -1 when lower are."""
    if aim == AIM_RATE:
        return 1 if direction in ("higher", "higher_is_better") else -1
    return -1  # a smaller gap (difference or ratio of adverse rates) is better


def analyse_goal(
    spec: GoalSpec,
    series,
    *,
    rebaseline_dates=(),
    annotations=(),
    today: date,
) -> GoalAnalysis:
    points = series.points
    baseline_points = sum(1 for p in points if p.period_start <= spec.baseline_period)
    rebaselines = _indices(points, sorted(rebaseline_dates))

    def pchart(num, den, hidden):
        x = [math.nan if h or a is None else a for a, h in zip(num, hidden, strict=True)]
        n = [math.nan if h or b is None else b for b, h in zip(den, hidden, strict=True)]
        return phased_chart(x=x, n=n, baseline_points=baseline_points, rebaselines=rebaselines)

    focus = pchart(
        [p.numerator for p in points],
        [p.denominator for p in points],
        [p.suppressed for p in points],
    )
    reference = pchart(
        [p.reference_numerator for p in points],
        [p.reference_denominator for p in points],
        [p.reference_suppressed for p in points],
    )
    gap = phased_chart(
        [_num(p.difference) for p in points],
        baseline_points=baseline_points,
        rebaselines=rebaselines,
    )
    ratio = None
    if spec.aim == AIM_RATIO:
        ratio = phased_chart(
            [_num(p.ratio) for p in points],
            baseline_points=baseline_points,
            rebaselines=rebaselines,
        )
    better = better_direction(spec.aim, series.direction)
    aim_chart = {AIM_RATE: focus, AIM_RATIO: ratio}.get(spec.aim) or gap
    values = aim_chart.values
    useful = np.flatnonzero(~np.isnan(values)) if values.size else np.array([], dtype=int)
    latest_index = int(useful[-1]) if useful.size else None

    base = spec.baseline or {}
    change = None
    latest_gap = next(
        (
            p
            for p in reversed(points)
            if p.difference is not None and p.difference_lower is not None
        ),
        None,
    )
    if latest_gap is not None and latest_gap.period_start > spec.baseline_period:
        change = gap_change(
            (base.get("difference"), base.get("difference_lower"), base.get("difference_upper")),
            (latest_gap.difference, latest_gap.difference_lower, latest_gap.difference_upper),
        )

    prog = None
    baseline_value = base.get({AIM_RATE: "rate", AIM_RATIO: "ratio"}.get(spec.aim, "difference"))
    if latest_index is not None and baseline_value is not None:
        prog = progress(
            baseline=float(baseline_value),
            target=float(spec.target_value),
            latest=float(values[latest_index]),
            baseline_date=spec.baseline_period,
            target_date=spec.target_date,
            latest_date=points[latest_index].period_start,
            better=better,
        )

    lower = upper = None
    if latest_index is not None:
        if aim_chart.has_limits:
            lower, upper = aim_chart.lower[latest_index], aim_chart.upper[latest_index]
        else:
            limits = natural_limits(aim_chart)
            if limits:
                _mean, lower, upper = limits
    icon_assurance = (
        assurance(target=float(spec.target_value), lower=lower, upper=upper, better=better)
        if lower is not None
        else None
    )
    return GoalAnalysis(
        spec=spec,
        series=series,
        focus=focus,
        reference=reference,
        gap=gap,
        ratio=ratio,
        better=better,
        gap_change=change,
        progress=prog,
        variation=variation(aim_chart, better) if latest_index is not None else None,
        assurance=icon_assurance,
        not_met=bool(prog is not None and today > spec.target_date and not prog.met),
        not_sustained=bool(
            latest_index is not None and not_sustained(aim_chart, float(spec.target_value), better)
        ),
        latest_index=latest_index,
        annotations=tuple(annotations),
        gap_latest_label=latest_gap.period_label if change is not None else "",
    )
