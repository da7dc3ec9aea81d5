"""A goal's charts through the core chart mechanism: plotly figures as plain dicts
(`equity_portal.core.charts`), shown by `partials/chart.html` with their accessible tables
and the goal's chart CSV, drawn by `static/core/charts.js`. The figures and the tables are
drawn from the same rows as the chart CSV (GoalAnalysis.rows); suppressed points are gaps,
never values. PDSA cycles are dated markers along the top whose hover text is the change idea;
baseline and target are lines; each phase has its own median, centre line and limits. Colours
come from the palette: each group its product-wide colour, the gap and cycles their own."""

from __future__ import annotations

from equity_portal.core import charts as core_charts
from equity_portal.core import palette

from .goals import AIM_DIFFERENCE, AIM_RATE, AIM_RATIO, GoalAnalysis

FOCUS_KEYS = ("focus", "reference")
# The accessible tables: the run chart's and the p-chart's rows are both groups' (one row per
# group and period); the gap chart's are the gap's.
RUN_COLUMNS = (
    "series_label",
    "period_label",
    "phase",
    "value",
    "value_lower",
    "value_upper",
    "median",
    "run_signal",
)
RUN_HEADERS = (
    "Group",
    "Period",
    "Phase",
    "Rate",
    "95% CI lower",
    "95% CI upper",
    "Median",
    "Run signal",
)
P_COLUMNS = (
    "series_label",
    "period_label",
    "phase",
    "numerator",
    "denominator",
    "value",
    "centre",
    "lower_limit",
    "upper_limit",
    "outside_limits",
)
P_HEADERS = (
    "Group",
    "Period",
    "Phase",
    "Numerator",
    "Denominator",
    "Rate",
    "Centre",
    "Lower limit",
    "Upper limit",
    "Outside limits",
)
GAP_COLUMNS = (
    "period_label",
    "phase",
    "value",
    "value_lower",
    "value_upper",
    "median",
    "run_signal",
)
GAP_HEADERS = ("Period", "Phase", "Gap", "95% CI lower", "95% CI upper", "Median", "Run signal")
RATE_FORMATS = dict.fromkeys(
    ("value", "value_lower", "value_upper", "median", "centre", "lower_limit", "upper_limit"),
    "pct",
)
GAP_FORMATS = dict.fromkeys(("value", "value_lower", "value_upper", "median"), "pp")


def colours(analysis: GoalAnalysis) -> dict[str, str]:
    """{"focus": colour, "reference": colour}: the two groups' product-wide colours."""
    series = analysis.series
    by_group = palette.group_colours([series.group, series.reference_group])
    return {"focus": by_group[series.group], "reference": by_group[series.reference_group]}


def _figure(traces: list[dict], *, percent: bool = True) -> dict:
    yaxis = {"tickformat": ".0%"} if percent else {}
    return core_charts.figure(traces, hovermode="closest", xaxis={"type": "date"}, yaxis=yaxis)


def _x(rows):
    return [r["period_start"].isoformat() for r in rows]


def _values(rows, key="value"):
    return [None if r["suppressed"] else r[key] for r in rows]


def _median_trace(rows, name, colour):
    # one line per phase: a break between phases
    x, y = [], []
    previous = None
    for r in rows:
        if (
            previous is not None
            and r["phase"] != previous
            and not (
                previous in ("baseline", "follow-up") and r["phase"] in ("baseline", "follow-up")
            )
        ):
            x.append(None)
            y.append(None)
        x.append(r["period_start"].isoformat())
        y.append(r["median"])
        previous = r["phase"]
    return core_charts.line(x, y, name=name, colour_=colour, mode="lines", dash="dot", width=1.5)


def _annotate(figure: dict, analysis: GoalAnalysis, *, y: float) -> None:
    """PDSA cycles: a dotted vertical line at the start date and a marker whose hover text is
    the change idea; the baseline and target values are horizontal lines added by the caller."""
    cycles = analysis.annotations
    for a in cycles:
        core_charts.add_vline(figure, a.date.isoformat(), colour_=palette.CYCLE)
    if cycles:
        figure["data"].append(
            core_charts.line(
                [a.date.isoformat() for a in cycles],
                [y] * len(cycles),
                name="PDSA cycles",
                colour_=palette.CYCLE,
                mode="markers+text",
                text=[a.label for a in cycles],
                textposition="top center",
                hovertext=[a.text for a in cycles],
                hovertemplate="%{x|%Y-%m-%d}: %{hovertext}<extra></extra>",
                marker={"symbol": "triangle-down", "size": 11, "color": palette.CYCLE},
            )
        )


def _hline(figure, value, text, colour, dash="dash"):
    if value is not None:
        core_charts.add_hline(figure, value, colour_=colour, dash=dash, text=text)


def _top(values) -> float:
    finite = [v for v in values if v is not None]
    return max(finite) * 1.08 if finite else 1.0


def _names(analysis: GoalAnalysis) -> dict[str, str]:
    return {
        "focus": analysis.series.group,
        "reference": f"{analysis.series.reference_group} (reference)",
    }


def rates_figure(analysis: GoalAnalysis) -> dict | None:
    """Run chart of the focus and reference groups side by side, with their medians."""
    focus, reference = analysis.rows("focus"), analysis.rows("reference")
    if not any(_values(focus)) and not any(_values(reference)):
        return None
    colour, names = colours(analysis), _names(analysis)
    traces = []
    for key, rows in (("focus", focus), ("reference", reference)):
        name = names[key]
        traces.append(
            core_charts.line(
                _x(rows),
                _values(rows),
                name=name,
                colour_=colour[key],
                hover="%{x|%Y-%m-%d}: %{y:.1%}<extra>" + name + "</extra>",
            )
        )
        traces.append(_median_trace(rows, f"Median, {name}", colour[key]))
    figure = _figure(traces)
    if analysis.spec.aim == AIM_RATE:
        _hline(figure, analysis.spec.target_value, "Target", palette.TARGET)
        _hline(figure, analysis.spec.baseline.get("rate"), "Baseline", palette.LIMIT, "dot")
    extra = [analysis.spec.target_value] if analysis.spec.aim == AIM_RATE else []
    _annotate(figure, analysis, y=_top(_values(focus) + _values(reference) + extra))
    return figure


def p_chart_figure(analysis: GoalAnalysis) -> dict | None:
    """p-chart of the focus group and of the reference group: centre line and 3-sigma limits
    per point's denominator (per phase)."""
    colour, names = colours(analysis), _names(analysis)
    traces = []
    for key in FOCUS_KEYS:
        rows, name = analysis.rows(key), names[key]
        if not any(_values(rows)):
            continue
        x = _x(rows)
        outside = [r["outside_limits"] for r in rows]
        traces.append(
            core_charts.line(
                x,
                _values(rows),
                name=name,
                colour_=colour[key],
                hover="%{x|%Y-%m-%d}: %{y:.1%}<extra>" + name + "</extra>",
                marker={
                    "size": [11 if o else 6 for o in outside],
                    "symbol": ["diamond" if o else "circle" for o in outside],
                },
            )
        )
        traces.append(
            core_charts.line(
                x,
                [r["centre"] for r in rows],
                name=f"Centre, {name}",
                colour_=colour[key],
                mode="lines",
                width=1,
            )
        )
        for limit in ("upper_limit", "lower_limit"):
            trace = core_charts.line(
                x,
                [r[limit] for r in rows],
                name=f"Limits, {name}",
                colour_=colour[key],
                mode="lines",
                dash="dash",
                width=1,
                showlegend=limit == "upper_limit",
                legendgroup=f"limits-{key}",
            )
            trace["line"]["shape"] = "hvh"
            traces.append(trace)
    if not traces:
        return None
    figure = _figure(traces)
    if analysis.spec.aim == AIM_RATE:
        _hline(figure, analysis.spec.target_value, "Target", palette.TARGET)
    _annotate(figure, analysis, y=_top([r["upper_limit"] for r in analysis.rows("focus")]))
    return figure


def gap_figure(analysis: GoalAnalysis) -> dict | None:
    """The gap (adverse-rate difference) per period with its 95% interval and its run chart;
    for a ratio aim, the ratio too, on a second axis."""
    rows = analysis.rows("gap")
    shown = [r for r in rows if not r["suppressed"] and r["value"] is not None]
    if not shown:
        return None
    traces = [
        core_charts.line(
            _x(shown),
            [r["value"] for r in shown],
            name="Gap (difference in adverse rates) with 95% CI",
            colour_=palette.GAP,
            hover="%{x|%Y-%m-%d}: %{y:.1%}<extra>gap</extra>",
            error_y={
                "type": "data",
                "symmetric": False,
                "array": [r["value_upper"] - r["value"] for r in shown],
                "arrayminus": [r["value"] - r["value_lower"] for r in shown],
            },
        ),
        _median_trace(rows, "Median of the gap", palette.GAP),
    ]
    figure = _figure(traces)
    core_charts.add_hline(figure, 0, colour_=palette.ZERO)
    if analysis.spec.aim == AIM_DIFFERENCE:
        _hline(figure, analysis.spec.target_value, "Target", palette.TARGET)
        _hline(figure, analysis.spec.baseline.get("difference"), "Baseline", palette.LIMIT, "dot")
    if analysis.spec.aim == AIM_RATIO and analysis.ratio is not None:
        ratios = [None if v != v else float(v) for v in analysis.ratio.values]
        figure["data"].append(
            core_charts.line(
                [p.period_start.isoformat() for p in analysis.points],
                ratios,
                name="Ratio of adverse rates",
                colour_=palette.TARGET,
                dash="dashdot",
                yaxis="y2",
                hover="%{x|%Y-%m-%d}: %{y:.2f}<extra>ratio</extra>",
            )
        )
        figure["layout"]["yaxis2"] = {
            "overlaying": "y",
            "side": "right",
            "title": {"text": "Ratio"},
            "tickformat": ".2f",
        }
        ends = [analysis.points[0].period_start, analysis.points[-1].period_start]
        figure["data"].append(
            core_charts.line(
                [d.isoformat() for d in ends],
                [analysis.spec.target_value] * 2,
                name="Target ratio",
                colour_=palette.TARGET,
                mode="lines",
                dash="dash",
                width=1.5,
                yaxis="y2",
            )
        )
    extra = [analysis.spec.target_value] if analysis.spec.aim == AIM_DIFFERENCE else []
    _annotate(figure, analysis, y=_top([r["value_upper"] for r in shown] + extra))
    return figure


def _group_rows(analysis: GoalAnalysis) -> list[dict]:
    names = _names(analysis)
    return [{**row, "series_label": names[key]} for key in FOCUS_KEYS for row in analysis.rows(key)]


def goal_charts(analysis: GoalAnalysis, *, csv_url: str, notes: dict | None = None) -> list:
    """The goal page's three charts as `partials/chart.html` contexts."""
    notes = notes or {}
    series = analysis.series
    group_rows = _group_rows(analysis)
    return [
        core_charts.chart(
            "rates", f"Run chart: {series.group} and {series.reference_group}",
            rates_figure(analysis), columns=RUN_COLUMNS, headers=RUN_HEADERS, rows=group_rows,
            formats=RATE_FORMATS, note=notes.get("rates", ""), csv_url=csv_url,
        ),
        core_charts.chart(
            "pchart", "Control chart (p-chart) of both groups", p_chart_figure(analysis),
            columns=P_COLUMNS, headers=P_HEADERS, rows=group_rows, formats=RATE_FORMATS,
            csv_url=csv_url,
        ),
        core_charts.chart(
            "gap", "The gap over time, with its run chart", gap_figure(analysis),
            columns=GAP_COLUMNS, headers=GAP_HEADERS, rows=analysis.rows("gap"),
            formats=GAP_FORMATS, note=notes.get("gap", ""), csv_url=csv_url,
        ),
    ]  # fmt: skip


def gap_chart(analysis: GoalAnalysis, *, key: str, csv_url: str) -> dict:
    """The campaign summary's chart of one goal: the gap with PDSA cycles."""
    return core_charts.chart(
        key,
        "The gap over time, with PDSA cycles",
        gap_figure(analysis),
        columns=GAP_COLUMNS,
        headers=GAP_HEADERS,
        rows=analysis.rows("gap"),
        formats=GAP_FORMATS,
        csv_url=csv_url,
    )
