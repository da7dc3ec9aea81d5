"""Formatting of goal and priority numbers for people (exports keep full precision). A missing
number (None) prints as an em dash."""

from django import template

register = template.Library()
DASH = "—"


@register.filter
def pct(value, digits=1):
    """A proportion as a percentage: 0.1234 -> "12.3%"."""
    if value is None or value == "":
        return DASH
    return f"{100 * float(value):.{int(digits)}f}%"


@register.filter
def pp(value):
    """A difference of proportions in percentage points: 0.052 -> "+5.2 pp"."""
    if value is None or value == "":
        return DASH
    return f"{100 * float(value):+.1f} pp"


@register.filter
def ratio(value):
    if value is None or value == "":
        return DASH
    return f"{float(value):.2f}"


@register.filter
def target(goal):
    """A goal's target in its aim's unit."""
    if goal.aim == "rate":
        return f"a rate of {100 * goal.target_value:.1f}%"
    if goal.aim == "difference":
        return f"a gap of at most {100 * goal.target_value:.1f} percentage points"
    return f"a ratio of at most {goal.target_value:.2f}"


@register.filter
def get_item(mapping, key):
    try:
        return mapping[key]
    except (KeyError, TypeError, IndexError):
        return None
