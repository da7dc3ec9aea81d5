"""Plotly figures of the results explorer, as plain JSON for `json_script` (plotly.js draws
them from static/vendor). Each chart has a `*_rows` function giving its data: the same rows
feed the figure, the accessible table under it and its CSV download. Suppressed cells are
rows with `suppressed=True` and no numbers: a gap in a line, no bar, never a value.
"""

from __future__ import annotations

import json

import plotly.graph_objects as go

from data_hub.models import INTERSECTION_SEPARATOR
from equity_portal.core.palette import group_colours

from .exports import results_rows

COLOURS = ["#1d4e89", "#b8430f", "#2a7d3b", "#7a3b8f", "#8a6d00", "#0d7377", "#a2284f", "#5c5c5c"]
CHARTS = ("rates", "trend", "gap", "heatmap")
CHART_COLUMNS = {
    "rates": ("group", "rate", "rate_lower", "rate_upper", "is_reference", "suppressed"),
    "trend": ("period_label", "group", "rate", "rate_lower", "rate_upper", "suppressed"),
    "gap": (
        "period_label",
        "group",
        "reference_group",
        "difference",
        "difference_lower",
        "difference_upper",
        "significant",
        "suppressed",
    ),
    "heatmap": ("row_group", "column_group", "rate", "suppressed"),
}


def _layout(figure: go.Figure, **extra) -> dict:
    figure.update_layout(
        margin={"l": 10, "r": 10, "t": 30, "b": 40},
        plot_bgcolor="#fff",
        legend={"orientation": "h", "y": -0.2},
        **extra,
    )
    return json.loads(figure.to_json())


def rates_rows(period_frame) -> list[dict]:
    return [{c: r[c] for c in CHART_COLUMNS["rates"]} for r in results_rows(period_frame)]


def reference_rate(period_frame) -> float | None:
    """The reference's rate (not adverse rate) in one table, for the reference line."""
    values = period_frame["reference_adverse_rate"].dropna()
    if values.empty:
        return None
    adverse = float(values.iloc[0])
    higher = period_frame["direction"].iloc[0] == "higher_is_better"
    return 1.0 - adverse if higher else adverse


def rates_figure(rows: list[dict], *, reference: float | None, reference_name: str) -> dict | None:
    shown = [r for r in rows if not r["suppressed"] and r["rate"] is not None]
    if not shown:
        return None
    figure = go.Figure(
        go.Bar(
            x=[r["group"] for r in shown],
            y=[r["rate"] for r in shown],
            marker_color=[COLOURS[1] if r["is_reference"] else COLOURS[0] for r in shown],
            error_y={
                "type": "data",
                "symmetric": False,
                "array": [r["rate_upper"] - r["rate"] for r in shown],
                "arrayminus": [r["rate"] - r["rate_lower"] for r in shown],
            },
            hovertemplate="%{x}: %{y:.1%}<extra></extra>",
            name="Rate with 95% CI",
        )
    )
    if reference is not None:
        figure.add_hline(
            y=reference,
            line_dash="dash",
            line_color=COLOURS[1],
            annotation_text=f"Reference: {reference_name}",
        )
    return _layout(
        figure,
        yaxis={"title": "Rate", "tickformat": ".0%", "rangemode": "tozero"},
        xaxis={"automargin": True},
        height=380,
    )


def trend_rows(frame) -> list[dict]:
    return [{c: r[c] for c in CHART_COLUMNS["trend"]} for r in results_rows(frame)]


def trend_figure(rows: list[dict]) -> dict | None:
    labels = list(dict.fromkeys(r["period_label"] for r in rows))
    if len(labels) < 2 or not any(r["rate"] is not None for r in rows):
        return None
    figure = go.Figure()
    groups = list(dict.fromkeys(r["group"] for r in rows))
    colours = group_colours(groups)  # the same colour per group on every chart
    for group in groups:
        by_label = {r["period_label"]: r["rate"] for r in rows if r["group"] == group}
        figure.add_trace(
            go.Scatter(
                x=labels,
                y=[by_label.get(label) for label in labels],
                mode="lines+markers",
                name=group,
                line={"color": colours[group]},
                hovertemplate=f"{group}, %{{x}}: %{{y:.1%}}<extra></extra>",
            )
        )
    return _layout(figure, yaxis={"title": "Rate", "tickformat": ".0%"}, height=380)


def gap_rows(frame) -> list[dict]:
    return [
        {c: r[c] for c in CHART_COLUMNS["gap"]}
        for r in results_rows(frame)
        if r["difference"] is not None or r["suppressed"]
    ]


def gap_figure(rows: list[dict]) -> dict | None:
    labels = list(dict.fromkeys(r["period_label"] for r in rows))
    if not labels or not any(r["difference"] for r in rows):
        return None
    figure = go.Figure()
    groups = list(dict.fromkeys(r["group"] for r in rows))
    colours = group_colours(groups)
    for group in groups:
        by_label = {r["period_label"]: r["difference"] for r in rows if r["group"] == group}
        figure.add_trace(
            go.Scatter(
                x=labels,
                y=[by_label.get(label) for label in labels],
                mode="lines+markers",
                name=group,
                line={"color": colours[group]},
                hovertemplate=f"{group}, %{{x}}: %{{y:+.1%}}<extra></extra>",
            )
        )
    figure.add_hline(y=0, line_color="#333")
    return _layout(
        figure,
        yaxis={"title": "Adverse rate minus the reference's", "tickformat": "+.0%"},
        height=380,
    )


def heatmap_rows(period_frame) -> list[dict]:
    rows = []
    for r in results_rows(period_frame):
        row_group, _, column_group = r["group"].partition(INTERSECTION_SEPARATOR)
        rows.append(
            {
                "row_group": row_group,
                "column_group": column_group,
                "rate": r["rate"],
                "suppressed": r["suppressed"],
            }
        )
    return rows


def heatmap_figure(rows: list[dict], *, dimension: str) -> dict | None:
    if not rows or not any(r["rate"] is not None for r in rows):
        return None
    y_name, _, x_name = dimension.partition(INTERSECTION_SEPARATOR)
    ys = list(dict.fromkeys(r["row_group"] for r in rows))
    xs = list(dict.fromkeys(r["column_group"] for r in rows))
    cell = {(r["row_group"], r["column_group"]): r for r in rows}
    z, text = [], []
    for y in ys:
        z_row, t_row = [], []
        for x in xs:
            r = cell.get((y, x))
            if r is None:
                z_row.append(None)
                t_row.append("")
            elif r["suppressed"]:
                z_row.append(None)
                t_row.append("suppressed")
            else:
                z_row.append(r["rate"])
                t_row.append(f"{r['rate']:.1%}")
        z.append(z_row)
        text.append(t_row)
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=xs,
            y=ys,
            text=text,
            texttemplate="%{text}",
            colorscale="Blues",
            hovertemplate="%{y} x %{x}: %{text}<extra></extra>",
            colorbar={"title": "Rate", "tickformat": ".0%"},
        )
    )
    return _layout(
        figure,
        xaxis={"title": x_name, "automargin": True},
        yaxis={"title": y_name, "automargin": True},
        height=160 + 40 * len(ys),
    )


def with_provenance(figure: dict | None, provenance) -> dict | None:
    """Stamp a figure with where its numbers come from (also when saved as an image)."""
    if figure is None:
        return None
    text = (
        f"Extract {provenance.extract_id} · mapping {provenance.mapping or '—'} · "
        f"value maps v{provenance.value_map_version or '—'} · {provenance.method_version}"
    )
    layout = figure.setdefault("layout", {})
    layout.setdefault("annotations", []).append(
        {"text": text, "xref": "paper", "yref": "paper", "x": 1, "y": 1.08, "xanchor": "right",
         "showarrow": False, "font": {"size": 10, "color": "#595959"}}
    )  # fmt: skip
    layout["meta"] = {"provenance": provenance.as_text()}
    return figure
