"""Plotly figures as plain JSON-ready dicts, for any app's charts (the data hub's results
and quality pages, Vision, Improve): no plotly.py objects per request (building and
validating them cost tens of milliseconds a figure). plotly.js draws them from
`static/core/charts.js`; the partial `partials/chart.html` shows a figure with its
accessible table and CSV link. Suppressed or missing values are None: a gap, never a value.
"""

from __future__ import annotations

COLOURS = ["#1d4e89", "#b8430f", "#2a7d3b", "#7a3b8f", "#8a6d00", "#0d7377", "#a2284f", "#5c5c5c"]
MUTED = "#595959"


def colour(index: int) -> str:
    return COLOURS[index % len(COLOURS)]


def figure(traces: list[dict], *, height: int = 380, **layout) -> dict:
    """A figure with the portal's layout defaults; `layout` keys override them."""
    base = {
        "margin": {"l": 10, "r": 10, "t": 30, "b": 40},
        "plot_bgcolor": "#fff",
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
) -> dict:
    trace = {
        "type": "scatter",
        "mode": "lines+markers",
        "x": x,
        "y": y,
        "name": name,
        "line": {"color": colour_ or colour(index)},
    }
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
        "colorscale": "Blues",
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
