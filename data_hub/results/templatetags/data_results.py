"""Formatting of result numbers for people (the exports keep full precision). A missing
number (None) prints as an em dash; suppressed cells never reach these filters."""

from django import template

from data_hub.results.exports import csv_cell
from equity_portal.core.templatetags.core_charts import pct, pp

register = template.Library()
DASH = "—"


register.filter("pct", pct)
register.filter("pp", pp)


@register.filter
def ratio(value):
    if value is None:
        return DASH
    return f"{float(value):.2f}"


@register.filter
def percent(value):
    """A percentage already in [0, 100]: 95.25 -> "95.3%"."""
    if value is None:
        return DASH
    return f"{float(value):.1f}%"


@register.filter
def full(value):
    """The exact value as the CSV writes it (for data-value attributes)."""
    return csv_cell(value)


@register.filter
def get(mapping, key):
    try:
        return mapping[key]
    except (KeyError, TypeError, IndexError):
        return None
