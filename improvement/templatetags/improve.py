"""Number formats of Improve's pages: rates as percentages, gaps in percentage points, and the
value of a goal's aim (a rate or difference as %, a ratio as a ratio)."""

from django import template

register = template.Library()
DASH = "—"


@register.filter
def pct(value, digits=1):
    if value is None or value != value:
        return DASH
    return f"{100 * float(value):.{int(digits)}f}%"


@register.filter
def pp(value):
    if value is None or value != value:
        return DASH
    return f"{100 * float(value):+.1f} pp"


@register.filter
def aim_value(value, aim):
    """A goal value: a ratio as 1.23, a rate as 12.3%, a difference as 4.5 pp."""
    if value is None or value != value:
        return DASH
    if aim == "ratio":
        return f"{float(value):.2f}"
    if aim == "difference":
        return f"{100 * float(value):.1f} pp"
    return f"{100 * float(value):.1f}%"


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def yesno_blank(value):
    if value is None:
        return DASH
    return "yes" if value else "no"
