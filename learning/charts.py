"""Plotly figures of the Learn step as plain dicts (`equity_portal.core.charts`, drawn by
core/charts.js from a `json_script`); colours from the palette."""

from equity_portal.core import charts as core_charts
from equity_portal.core import palette

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
    bar = {
        "type": "bar",
        "x": [r["percent"] for r in rows],
        "y": [r["label"] for r in rows],
        "orientation": "h",
        "marker": {"color": palette.series_colour(0)},
        "text": [f"{r['percent']:.0f}% ({r['done']} of {r['assigned']})" for r in rows],
        "textposition": "auto",
        "hovertemplate": "%{y}: %{x:.1f}% done<extra></extra>",
    }
    return core_charts.figure(
        [bar],
        height=120 + 40 * len(rows),
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
        xaxis={"title": {"text": "Percent of assigned items done"}, "range": [0, 100]},
        yaxis={"automargin": True},
        showlegend=False,
    )
