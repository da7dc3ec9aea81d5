"""Formatting of result numbers for people (the exports keep full precision). A missing
number (None) prints as an em dash; suppressed cells never reach these filters."""

from django import template

from data_hub.results.exports import csv_cell

register = template.Library()
DASH = "—"


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
