"""Plotly figures of the results explorer, as plain JSON for `json_script` (plotly.js draws
them from static/vendor). Built from published rows (dicts, see `selectors.ROW_FIELDS`),
never from statistics computed per request. Each chart has a `*_rows` function giving its
data: the same rows feed the figure, the accessible table under it and its CSV download.
Suppressed cells are rows with `suppressed=True` and no numbers: a gap in a line, no bar,
never a value.
"""

from __future__ import annotations

from data_hub.models import INTERSECTION_SEPARATOR, dimension_label
from equity_portal.core import charts as core_charts
from equity_portal.core.charts import with_provenance
from equity_portal.core.palette import REFERENCE, ZERO, group_colours

__all__ = ["with_provenance"]

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


def rates_rows(rows: list[dict]) -> list[dict]:
    return [{c: r[c] for c in CHART_COLUMNS["rates"]} for r in rows]


def reference_rate(rows: list[dict]) -> float | None:
    """The reference's rate (not adverse rate) in one plain table, for the reference line
    (None for an intersection: each level has its own reference)."""
    if any(INTERSECTION_SEPARATOR in r["dimension"] for r in rows):
        return None
    return next((r["reference_rate"] for r in rows if r["reference_rate"] is not None), None)


def rates_figure(rows: list[dict], *, reference: float | None, reference_name: str) -> dict | None:
    shown = [r for r in rows if not r["suppressed"] and r["rate"] is not None]
    if not shown:
        return None
    by_group = group_colours([r["group"] for r in shown])  # the same colour on every chart
    trace = core_charts.bar(
        [r["group"] for r in shown],
        [r["rate"] for r in shown],
        name="Rate with 95% CI",
        colours=[by_group[r["group"]] for r in shown],
        lower=[r["rate_lower"] for r in shown],
        upper=[r["rate_upper"] for r in shown],
    )
    trace["hovertemplate"] = "%{x}: %{y:.1%}<extra></extra>"
    figure = core_charts.figure(
        [trace],
        yaxis={"title": {"text": "Rate"}, "tickformat": ".0%", "rangemode": "tozero"},
        xaxis={"automargin": True},
    )
    if reference is not None:
        core_charts.add_hline(
            figure, reference, colour_=REFERENCE, dash="dash", text=f"Reference: {reference_name}"
        )
    return figure


def trend_rows(rows: list[dict]) -> list[dict]:
    return [{c: r[c] for c in CHART_COLUMNS["trend"]} for r in rows]


def _lines(rows: list[dict], value: str, hover: str) -> tuple[list[str], list[dict]]:
    labels = list(dict.fromkeys(r["period_label"] for r in rows))
    groups = list(dict.fromkeys(r["group"] for r in rows))
    colours = group_colours(groups)  # the same colour per group on every chart
    by_group: dict[str, dict] = {g: {} for g in groups}
    for r in rows:
        by_group[r["group"]][r["period_label"]] = r[value]
    traces = [
        core_charts.line(
            labels,
            [by_group[group].get(label) for label in labels],
            name=group,
            index=i,
            colour_=colours[group],
            hover=f"{group}, %{{x}}: %{{y:{hover}}}<extra></extra>",
        )
        for i, group in enumerate(groups)
    ]
    return labels, traces


def trend_figure(rows: list[dict]) -> dict | None:
    labels = list(dict.fromkeys(r["period_label"] for r in rows))
    if len(labels) < 2 or not any(r["rate"] is not None for r in rows):
        return None
    _, traces = _lines(rows, "rate", ".1%")
    return core_charts.figure(traces, yaxis={"title": {"text": "Rate"}, "tickformat": ".0%"})


def gap_rows(rows: list[dict]) -> list[dict]:
    return [
        {c: r[c] for c in CHART_COLUMNS["gap"]}
        for r in rows
        if r["difference"] is not None or r["suppressed"]
    ]


def gap_figure(rows: list[dict]) -> dict | None:
    labels = list(dict.fromkeys(r["period_label"] for r in rows))
    if not labels or not any(r["difference"] for r in rows):
        return None
    _, traces = _lines(rows, "difference", "+.1%")
    figure = core_charts.figure(
        traces,
        yaxis={"title": {"text": "Adverse rate minus the reference's"}, "tickformat": "+.0%"},
    )
    return core_charts.add_hline(figure, 0, colour_=ZERO)


def heatmap_rows(period_rows: list[dict]) -> list[dict]:
    rows = []
    for r in period_rows:
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
    y_name, _, x_name = dimension_label(dimension).partition(INTERSECTION_SEPARATOR)
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
    return core_charts.figure(
        [core_charts.heatmap(z, xs, ys, text=text, title="Rate", tickformat=".0%")],
        height=160 + 40 * len(ys),
        xaxis={"title": {"text": x_name}, "automargin": True},
        yaxis={"title": {"text": y_name}, "automargin": True},
    )


def explorer_charts(*, current: list[dict], every_period: list[dict], filters, provenance):
    """The explorer's charts of one measure x dimension: rates of the chosen period, the
    trend and the gap over periods, and for an intersection the heatmap."""
    is_intersection = INTERSECTION_SEPARATOR in filters.dimension
    label = filters.period[2]
    reference_name = next((r["reference_group"] for r in current if r["reference_group"]), "")
    rates = rates_rows(current)
    chart_list = [
        {
            "key": "rates",
            "title": f"Rates by group, {label}, with 95% intervals and the reference",
            "figure": rates_figure(
                rates, reference=reference_rate(current), reference_name=reference_name
            ),
            "rows": rates,
        },
        {
            "key": "trend",
            "title": "Rates by group over periods",
            "figure": None,
            "rows": trend_rows(every_period),
        },
        {
            "key": "gap",
            "title": "Gap to the reference over time (adverse rate minus the reference's)",
            "figure": None,
            "rows": gap_rows(every_period),
        },
    ]
    chart_list[1]["figure"] = trend_figure(chart_list[1]["rows"])
    chart_list[2]["figure"] = gap_figure(chart_list[2]["rows"])
    if is_intersection:
        heat = heatmap_rows(current)
        chart_list.append(
            {
                "key": "heatmap",
                "title": f"Rates by {dimension_label(filters.dimension)}, {label}",
                "figure": heatmap_figure(heat, dimension=filters.dimension),
                "rows": heat,
            }
        )
    for chart in chart_list:
        chart["columns"] = CHART_COLUMNS[chart["key"]]
        chart["json_id"] = f"chart-{chart['key']}-data"
        chart["figure"] = with_provenance(chart["figure"], provenance)
    return chart_list
