"""The completeness trend chart (plotly JSON): percent known per period for race,
ethnicity and language across all sites, with the organization's target as a line."""

from data_hub.models import dimension_label
from equity_portal.core import charts as core_charts

DIMENSIONS = ("race", "ethnicity", "language")


def completeness_trend_figure(rows: list[dict], *, target: float) -> dict | None:
    labels = list(dict.fromkeys(r["period_label"] for r in rows))
    if not labels or all(r["percent_known"] is None for r in rows):
        return None
    traces = []
    for index, dimension in enumerate(DIMENSIONS):
        values = {
            r["period_label"]: r["percent_known"] for r in rows if r["dimension"] == dimension
        }
        if not values:
            continue
        name = dimension_label(dimension)  # people read labels, never codes
        traces.append(
            core_charts.line(
                labels,
                [values.get(label) for label in labels],
                name=name,
                index=index,
                hover=f"{name}, %{{x}}: %{{y:.1f}}% known<extra></extra>",
            )
        )
    figure = core_charts.figure(
        traces,
        height=360,
        yaxis={"title": {"text": "Percent of patients with a known value"}, "range": [0, 100]},
    )
    return core_charts.add_hline(figure, target, dash="dash", text=f"Target {target:g}%")
