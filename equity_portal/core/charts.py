"""Plotly figures as plain JSON-ready dicts, for any app's charts (the data hub's results
and quality pages, Vision, Improve): no plotly.py objects per request (building and
validating them cost tens of milliseconds a figure). plotly.js draws them from
`static/core/charts.js`; the partial `partials/chart.html` shows a figure with its
accessible table and CSV link. Suppressed or missing values are None: a gap, never a value.
Every colour comes from `palette` (colour-blind safe, one colour per group product-wide).
"""

from __future__ import annotations

from . import palette

COLOURS = list(palette.SERIES)
MUTED = palette.LIMIT


def colour(index: int) -> str:
    return palette.series_colour(index)


def chart(
    key: str,
    title: str,
    figure: dict | None,
    *,
    columns,
    rows: list[dict],
    headers=None,
    formats: dict | None = None,
    note: str = "",
    csv_url: str = "",
) -> dict:
    """The context of one `partials/chart.html`: the figure, its table (`columns` of `rows`,
    headed by `headers` or the columns' labels; `formats` maps a column to "pct" or "pp"),
    an optional note and the CSV link."""
    return {
        "key": key,
        "title": title,
        "figure": figure,
        "json_id": f"chart-{key}-data",
        "columns": tuple(columns),
        "headers": tuple(headers) if headers else None,
        "rows": rows,
        "formats": formats or {},
        "note": note,
        "csv_url": csv_url,
    }


def figure(traces: list[dict], *, height: int = 380, **layout) -> dict:
    """A figure with the portal's layout defaults; `layout` keys override them."""
    base = {
        "margin": {"l": 10, "r": 10, "t": 30, "b": 40},
        "plot_bgcolor": palette.BACKGROUND,
        "legend": {"orientation": "h", "y": -0.2},
        "height": height,
    }
    base.update(layout)
    return {"data": traces, "layout": base}


def line(
    x: list,
    y: list,
    *,
    name: str,
    index: int = 0,
    hover: str | None = None,
    colour_: str | None = None,
    mode: str = "lines+markers",
    dash: str | None = None,
    width: float | None = None,
    **extra,
) -> dict:
    """A line; `extra` keys (marker, error_y, yaxis, showlegend...) go into the trace."""
    style = {"color": colour_ or colour(index)}
    if dash:
        style["dash"] = dash
    if width:
        style["width"] = width
    trace = {"type": "scatter", "mode": mode, "x": x, "y": y, "name": name, "line": style}
    trace.update(extra)
    if hover:
        trace["hovertemplate"] = hover
    return trace


def bar(x: list, y: list, *, name: str, colours: list[str], lower=None, upper=None) -> dict:
    """Bars; with `lower`/`upper` (same length as y) asymmetric error bars."""
    trace = {"type": "bar", "x": x, "y": y, "name": name, "marker": {"color": colours}}
    if lower is not None and upper is not None:
        trace["error_y"] = {
            "type": "data",
            "symmetric": False,
            "array": [u - v for u, v in zip(upper, y, strict=True)],
            "arrayminus": [v - lo for v, lo in zip(y, lower, strict=True)],
        }
    return trace


def heatmap(z: list, x: list, y: list, *, text: list, title: str, tickformat: str) -> dict:
    return {
        "type": "heatmap",
        "z": z,
        "x": x,
        "y": y,
        "text": text,
        "texttemplate": "%{text}",
        "colorscale": palette.SEQUENTIAL,
        "hovertemplate": "%{y} x %{x}: %{text}<extra></extra>",
        "colorbar": {"title": {"text": title}, "tickformat": tickformat},
    }


def add_hline(fig: dict, y: float, *, colour_: str = MUTED, dash: str = "solid", text=None):
    """A horizontal line across the plot at `y` (and a label at its right end)."""
    layout = fig["layout"]
    layout.setdefault("shapes", []).append(
        {
            "type": "line",
            "xref": "paper",
            "x0": 0,
            "x1": 1,
            "yref": "y",
            "y0": y,
            "y1": y,
            "line": {"color": colour_, "dash": dash},
        }
    )
    if text:
        layout.setdefault("annotations", []).append(
            {
                "text": text,
                "xref": "paper",
                "x": 1,
                "xanchor": "right",
                "yref": "y",
                "y": y,
                "yanchor": "bottom",
                "showarrow": False,
            }
        )
    return fig


def add_vline(fig: dict, x, *, colour_: str = MUTED, dash: str = "dot", width: float = 1):
    """A vertical line across the plot at `x` (a date on a date axis)."""
    fig["layout"].setdefault("shapes", []).append(
        {
            "type": "line",
            "xref": "x",
            "x0": x,
            "x1": x,
            "yref": "paper",
            "y0": 0,
            "y1": 1,
            "line": {"color": colour_, "dash": dash, "width": width},
        }
    )
    return fig


def with_provenance(fig: dict | None, provenance) -> dict | None:
    """Stamp a figure with where its numbers come from (also when saved as an image).
    `provenance` has extract_id, mapping, value_map_version, method_version, as_text()."""
    if fig is None:
        return None
    text = (
        f"Extract {provenance.extract_id} · mapping {provenance.mapping or '—'} · "
        f"value maps v{provenance.value_map_version or '—'} · {provenance.method_version}"
    )
    layout = fig.setdefault("layout", {})
    layout.setdefault("annotations", []).append(
        {"text": text, "xref": "paper", "yref": "paper", "x": 1, "y": 1.08, "xanchor": "right",
         "showarrow": False, "font": {"size": 10, "color": MUTED}}
    )  # fmt: skip
    layout["meta"] = {"provenance": provenance.as_text()}
    return fig
