"""The completeness trend chart (plotly JSON): percent known per period for race,
ethnicity and language across all sites, with the organization's target as a line."""

import json

import plotly.graph_objects as go

COLOURS = {"race": "#1d4e89", "ethnicity": "#b8430f", "language": "#2a7d3b"}


def completeness_trend_figure(rows: list[dict], *, target: float) -> dict | None:
    labels = list(dict.fromkeys(r["period_label"] for r in rows))
    if not labels or all(r["percent_known"] is None for r in rows):
        return None
    figure = go.Figure()
    for dimension, colour in COLOURS.items():
        values = {
            r["period_label"]: r["percent_known"] for r in rows if r["dimension"] == dimension
        }
        if not values:
            continue
        figure.add_trace(
            go.Scatter(
                x=labels,
                y=[values.get(label) for label in labels],
                mode="lines+markers",
                name=dimension.capitalize(),
                line={"color": colour},
                hovertemplate=f"{dimension}, %{{x}}: %{{y:.1f}}% known<extra></extra>",
            )
        )
    figure.add_hline(
        y=target, line_dash="dash", line_color="#595959", annotation_text=f"Target {target:g}%"
    )
    figure.update_layout(
        yaxis={"title": "Percent of patients with a known value", "range": [0, 100]},
        margin={"l": 10, "r": 10, "t": 30, "b": 40},
        plot_bgcolor="#fff",
        legend={"orientation": "h", "y": -0.2},
        height=360,
    )
    return json.loads(figure.to_json())
