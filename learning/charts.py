"""Plotly figures of the Learn step, as plain JSON for `json_script` (plotly.js draws them)."""

import json

import plotly.graph_objects as go

from .selectors import CompletionSummary, Progress


def _rows(summary: CompletionSummary) -> list[Progress]:
    return [summary.organization, *[t for t in summary.teams if t.assigned]]


def progress_chart_rows(summary: CompletionSummary) -> list[dict]:
    """The chart's data, also rendered as its accessible table and its CSV."""
    return [
        {
            "label": row.label if row is not summary.organization else f"{row.label} (all)",
            "assigned": row.assigned,
            "done": row.done,
            "overdue": row.overdue,
            "percent": row.percent,
        }
        for row in _rows(summary)
    ]


def progress_figure(summary: CompletionSummary) -> dict | None:
    """Horizontal bars: percent of assigned items done, for the organization and each team."""
    rows = [r for r in progress_chart_rows(summary) if r["assigned"]]
    if not rows:
        return None
    rows.reverse()  # plotly draws the first bar at the bottom; keep the organization on top
    figure = go.Figure(
        go.Bar(
            x=[r["percent"] for r in rows],
            y=[r["label"] for r in rows],
            orientation="h",
            marker_color="#1d4e89",
            text=[f"{r['percent']:.0f}% ({r['done']} of {r['assigned']})" for r in rows],
            textposition="auto",
            hovertemplate="%{y}: %{x:.1f}% done<extra></extra>",
        )
    )
    figure.update_layout(
        xaxis={"title": "Percent of assigned items done", "range": [0, 100]},
        yaxis={"automargin": True},
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
        height=120 + 40 * len(rows),
        plot_bgcolor="#fff",
    )
    return json.loads(figure.to_json())
