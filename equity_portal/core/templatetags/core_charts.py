"""The chart partial's table cells, and the formatting of proportions for people (the
exports keep full precision). A missing number (None) prints as an em dash."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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


@register.simple_tag
def chart_cell(row: dict, column: str):
    """One <td> of a chart's data table: "suppressed" for a suppressed cell's numbers."""
    value = row.get(column)
    if row.get("suppressed") and value is None:
        return mark_safe('<td class="suppressed">suppressed</td>')  # noqa: S308 - constant
    if value is True:
        text = "yes"
    elif value is False:
        text = "no"
    elif value is None:
        text = DASH
    elif column in RATE_COLUMNS:
        text = pct(value)
    elif column in GAP_COLUMNS:
        text = pp(value)
    else:
        text = value
    return format_html("<td>{}</td>", text)
