"""The chart partial's table cells, and the formatting of proportions for people (the
exports keep full precision). A missing number (None) prints as an em dash."""

import html

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from equity_portal.core import palette

register = template.Library()
DASH = "—"
RATE_COLUMNS = {"rate", "rate_lower", "rate_upper", "reference_rate", "percent_known"}
GAP_COLUMNS = {"difference", "difference_lower", "difference_upper"}


@register.filter
def pct(value, digits=1):
    """A proportion in [0, 1] as a percentage: 0.1234 -> "12.3%"."""
    if value is None:
        return DASH
    return f"{100 * float(value):.{int(digits)}f}%"


@register.filter
def pp(value):
    """A difference of proportions in percentage points: 0.052 -> "+5.2 pp"."""
    if value is None:
        return DASH
    return f"{100 * float(value):+.1f} pp"


FORMATTERS = {"pct": pct, "pp": pp}
# People read labels, never column codes (a chart may name its own `headers`).
COLUMN_LABELS = {
    "group": "Group",
    "rate": "Rate",
    "rate_lower": "95% CI lower",
    "rate_upper": "95% CI upper",
    "is_reference": "Reference group",
    "suppressed": "Suppressed",
    "period_label": "Period",
    "reference_group": "Reference group",
    "difference": "Difference",
    "difference_lower": "95% CI lower",
    "difference_upper": "95% CI upper",
    "significant": "Significant",
    "row_group": "Row group",
    "column_group": "Column group",
    "percent_known": "Percent known",
    "dimension": "Dimension",
}


def column_label(column: str) -> str:
    return COLUMN_LABELS.get(column) or column.replace("_", " ").capitalize()


@register.simple_tag
def chart_head(chart: dict):
    """The <th>s of a chart's data table: its `headers`, or its columns' labels."""
    headers = chart.get("headers") or [column_label(c) for c in chart["columns"]]
    return format_html_join("", '<th scope="col">{}</th>', ((h,) for h in headers))


def _column_formatter(column: str, formats: dict | None):
    """How one column's numbers print, chosen once per table (not per cell)."""
    if formats and column in formats:
        return FORMATTERS[formats[column]]
    if column in RATE_COLUMNS:
        return pct
    if column in GAP_COLUMNS:
        return pp
    return lambda value: html.escape(str(value))


@register.simple_tag
def chart_rows(chart: dict):
    """The <tr>s of a chart's data table in one pass (a table can have thousands of
    cells: template loops per cell cost most of a page's time). A missing number prints
    "suppressed" in a suppressed row, else a dash."""
    formats = chart.get("formats")
    columns = [(c, _column_formatter(c, formats)) for c in chart["columns"]]
    blank, hidden = f"<td>{DASH}</td>", '<td class="suppressed">suppressed</td>'
    parts = []
    append = parts.append
    for row in chart["rows"]:
        append("<tr>")
        suppressed = row.get("suppressed")
        for column, formatter in columns:
            value = row.get(column)
            if value is None:
                append(hidden if suppressed else blank)
            elif value is True:
                append("<td>yes</td>")
            elif value is False:
                append("<td>no</td>")
            else:
                append(f"<td>{formatter(value)}</td>")
        append("</tr>")
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above


@register.simple_tag
def palette_colour(role: str) -> str:
    """A colour of `palette` by role ("improving", "concern", "no_signal"...), for SVG drawn
    in a template (icons, sparklines)."""
    return palette.ROLES[role]


@register.filter
def group_colour(group: str) -> str:
    """The product-wide colour of a group shown alone (a sparkline)."""
    return palette.group_colour(group)
