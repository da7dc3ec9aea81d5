"""Plotly figures of a goal's charts, as plain JSON for `json_script` (plotly.js draws them from
static/vendor). The figures are drawn from the same rows as the accessible tables and the
chart CSV (GoalAnalysis.rows); suppressed points are gaps, never values. PDSA cycles are dated
markers along the top whose hover text is the change idea; baseline and target are lines."""

from __future__ import annotations

import json

import plotly.graph_objects as go

from .goals import AIM_DIFFERENCE, AIM_RATE, AIM_RATIO, GoalAnalysis

FOCUS_COLOUR, REFERENCE_COLOUR, GAP_COLOUR = "#1d4e89", "#b8430f", "#2a7d3b"
LIMIT_COLOUR, TARGET_COLOUR, CYCLE_COLOUR = "#5c5c5c", "#a2284f", "#7a3b8f"


def _json(figure: go.Figure, *, percent: bool = True) -> dict:
    figure.update_layout(
        margin={"l": 10, "r": 10, "t": 30, "b": 40},
        plot_bgcolor="#fff",
        legend={"orientation": "h", "y": -0.2},
        hovermode="closest",
    )
    if percent:
        figure.update_yaxes(tickformat=".0%")
    figure.update_xaxes(type="date")
    return json.loads(figure.to_json())


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
    return go.Scatter(
        x=x, y=y, mode="lines", name=name, line={"color": colour, "dash": "dot", "width": 1.5}
    )


def _annotate(figure: go.Figure, analysis: GoalAnalysis, *, y: float) -> None:
    """PDSA cycles: a dotted vertical line at the start date and a marker whose hover text is
    the change idea; the baseline period as a vertical line; the baseline and target values
    are horizontal lines added by the caller."""
    cycles = analysis.annotations
    for a in cycles:
        figure.add_vline(
            x=a.date.isoformat(), line={"color": CYCLE_COLOUR, "dash": "dot", "width": 1}
        )
    if cycles:
        figure.add_trace(
            go.Scatter(
                x=[a.date.isoformat() for a in cycles],
                y=[y] * len(cycles),
                mode="markers+text",
                text=[a.label for a in cycles],
                textposition="top center",
                hovertext=[a.text for a in cycles],
                hovertemplate="%{x|%Y-%m-%d}: %{hovertext}<extra></extra>",
                marker={"symbol": "triangle-down", "size": 11, "color": CYCLE_COLOUR},
                name="PDSA cycles",
            )
        )


def _hline(figure, value, text, colour, dash="dash"):
    if value is None:
        return
    figure.add_hline(
        y=value,
        line={"color": colour, "dash": dash, "width": 1.5},
        annotation_text=text,
        annotation_position="top left",
    )


def _top(values) -> float:
    finite = [v for v in values if v is not None]
    return max(finite) * 1.08 if finite else 1.0


def rates_figure(analysis: GoalAnalysis) -> dict | None:
    """Run chart of the focus and reference groups side by side, with their medians."""
    focus, reference = analysis.rows("focus"), analysis.rows("reference")
    if not any(_values(focus)) and not any(_values(reference)):
        return None
    series = analysis.series
    figure = go.Figure()
    for rows, name, colour in (
        (focus, series.group, FOCUS_COLOUR),
        (reference, f"{series.reference_group} (reference)", REFERENCE_COLOUR),
    ):
        figure.add_trace(
            go.Scatter(
                x=_x(rows),
                y=_values(rows),
                mode="lines+markers",
                name=name,
                line={"color": colour},
                hovertemplate="%{x|%Y-%m-%d}: %{y:.1%}<extra>" + name + "</extra>",
            )
        )
        figure.add_trace(_median_trace(rows, f"Median, {name}", colour))
    if analysis.spec.aim == AIM_RATE:
        _hline(figure, analysis.spec.target_value, "Target", TARGET_COLOUR)
        _hline(figure, analysis.spec.baseline.get("rate"), "Baseline", LIMIT_COLOUR, "dot")
    extra = [analysis.spec.target_value] if analysis.spec.aim == AIM_RATE else []
    top = _top(_values(focus) + _values(reference) + extra)
    _annotate(figure, analysis, y=top)
    return _json(figure)


def p_chart_figure(analysis: GoalAnalysis) -> dict | None:
    """p-chart of the focus group and of the reference group: centre line and 3-sigma limits
    per point's denominator (per phase)."""
    figure = go.Figure()
    drawn = False
    for key, name, colour in (
        ("focus", analysis.series.group, FOCUS_COLOUR),
        ("reference", f"{analysis.series.reference_group} (reference)", REFERENCE_COLOUR),
    ):
        rows = analysis.rows(key)
        if not any(_values(rows)):
            continue
        drawn = True
        x = _x(rows)
        outside = [r["outside_limits"] for r in rows]
        figure.add_trace(
            go.Scatter(
                x=x,
                y=_values(rows),
                mode="lines+markers",
                name=name,
                line={"color": colour},
                marker={
                    "size": [11 if o else 6 for o in outside],
                    "symbol": ["diamond" if o else "circle" for o in outside],
                },
                hovertemplate="%{x|%Y-%m-%d}: %{y:.1%}<extra>" + name + "</extra>",
            )
        )
        figure.add_trace(
            go.Scatter(
                x=x,
                y=[r["centre"] for r in rows],
                mode="lines",
                name=f"Centre, {name}",
                line={"color": colour, "width": 1},
            )
        )
        for limit in ("upper_limit", "lower_limit"):
            figure.add_trace(
                go.Scatter(
                    x=x,
                    y=[r[limit] for r in rows],
                    mode="lines",
                    name=f"Limits, {name}",
                    showlegend=limit == "upper_limit",
                    legendgroup=f"limits-{key}",
                    line={"color": colour, "dash": "dash", "width": 1, "shape": "hvh"},
                )
            )
    if not drawn:
        return None
    if analysis.spec.aim == AIM_RATE:
        _hline(figure, analysis.spec.target_value, "Target", TARGET_COLOUR)
    _annotate(figure, analysis, y=_top([r["upper_limit"] for r in analysis.rows("focus")]))
    return _json(figure)


def gap_figure(analysis: GoalAnalysis) -> dict | None:
    """The gap (adverse-rate difference) per period with its 95% interval and its run chart;
    for a ratio aim, the ratio too, on a second axis."""
    rows = analysis.rows("gap")
    shown = [r for r in rows if not r["suppressed"] and r["value"] is not None]
    if not shown:
        return None
    figure = go.Figure(
        go.Scatter(
            x=_x(shown),
            y=[r["value"] for r in shown],
            error_y={
                "type": "data",
                "symmetric": False,
                "array": [r["value_upper"] - r["value"] for r in shown],
                "arrayminus": [r["value"] - r["value_lower"] for r in shown],
            },
            mode="lines+markers",
            name="Gap (difference in adverse rates) with 95% CI",
            line={"color": GAP_COLOUR},
            hovertemplate="%{x|%Y-%m-%d}: %{y:.1%}<extra>gap</extra>",
        )
    )
    figure.add_trace(_median_trace(rows, "Median of the gap", GAP_COLOUR))
    figure.add_hline(y=0, line={"color": "#999", "width": 1})
    if analysis.spec.aim == AIM_DIFFERENCE:
        _hline(figure, analysis.spec.target_value, "Target", TARGET_COLOUR)
        _hline(figure, analysis.spec.baseline.get("difference"), "Baseline", LIMIT_COLOUR, "dot")
    if analysis.spec.aim == AIM_RATIO and analysis.ratio is not None:
        ratios = [None if v != v else float(v) for v in analysis.ratio.values]
        figure.add_trace(
            go.Scatter(
                x=[p.period_start.isoformat() for p in analysis.points],
                y=ratios,
                mode="lines+markers",
                name="Ratio of adverse rates",
                yaxis="y2",
                line={"color": TARGET_COLOUR, "dash": "dashdot"},
                hovertemplate="%{x|%Y-%m-%d}: %{y:.2f}<extra>ratio</extra>",
            )
        )
        figure.update_layout(
            yaxis2={"overlaying": "y", "side": "right", "title": "Ratio", "tickformat": ".2f"}
        )
        ends = [analysis.points[0].period_start, analysis.points[-1].period_start]
        figure.add_trace(
            go.Scatter(
                x=[d.isoformat() for d in ends],
                y=[analysis.spec.target_value] * 2,
                mode="lines",
                name="Target ratio",
                yaxis="y2",
                line={"color": TARGET_COLOUR, "dash": "dash", "width": 1.5},
            )
        )
    extra = [analysis.spec.target_value] if analysis.spec.aim == AIM_DIFFERENCE else []
    top = _top([r["value_upper"] for r in shown] + extra)
    _annotate(figure, analysis, y=top)
    return _json(figure)


def goal_figures(analysis: GoalAnalysis) -> dict:
    return {
        "rates": rates_figure(analysis),
        "pchart": p_chart_figure(analysis),
        "gap": gap_figure(analysis),
    }
