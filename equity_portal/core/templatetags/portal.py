from datetime import timedelta

from django import template

from ..roles import role_can

register = template.Library()


@register.filter
def can(membership, capability: str) -> bool:
    """`{% if membership|can:"manage_data" %}`: the same matrix the views enforce."""
    return membership is not None and membership.is_active and role_can(membership.role, capability)


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def duration_words(value) -> str:
    """A timedelta in words for people ("15 minutes", "1 hour"), not ISO 8601 ("PT15M")."""
    if not isinstance(value, timedelta):
        return ""
    minutes = max(1, round(value.total_seconds() / 60))
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


@register.filter
def pairs(value) -> list:
    """`{% for k, v in event.details|pairs %}`: a dict's items even when it has a key "items"
    (the template's `details.items` would look that key up instead of calling the method)."""
    return list(value.items()) if isinstance(value, dict) else []


# Numbers read the same on every page (issue 14 §4): thousands separators, percentages with
# one decimal. A missing or suppressed value renders as an empty string; the page says why.
def _number(value):
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@register.filter
def thousands(value) -> str:
    """12345 -> "12,345" (integers; other numbers keep one decimal)."""
    number = _number(value)
    if number is None:
        return ""
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:,.1f}"


@register.filter
def percent(value) -> str:
    """A percentage (0..100) with one decimal: 87.25 -> "87.3%"."""
    number = _number(value)
    return "" if number is None else f"{number:,.1f}%"


@register.filter
def rate_percent(value) -> str:
    """A proportion (0..1) as a percentage with one decimal: 0.8725 -> "87.3%"."""
    number = _number(value)
    return "" if number is None else f"{100 * number:,.1f}%"


@register.filter
def points(value) -> str:
    """A difference of proportions in percentage points, signed: 0.052 -> "+5.2 pp"."""
    number = _number(value)
    return "" if number is None else f"{100 * number:+.1f} pp"


@register.inclusion_tag("partials/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, *parts):
    """`{% breadcrumbs "Board report" %}` or `{% breadcrumbs "Evidence" url "Requirements" %}`:
    alternating label and URL, the last label (without URL) being the current page. The trail
    starts at the overview, then the step the page belongs to (from the navigation)."""
    organization = context.get("organization")
    trail = []
    if organization is not None:
        from django.urls import reverse

        trail.append(
            ("Overview", reverse("overview:index", kwargs={"org_slug": organization.slug}))
        )
        for step in context.get("nav_steps") or []:
            if step.get("active"):
                trail.append((f"{step['title']}", step["url"]))
    items = list(parts)
    current = items.pop() if len(items) % 2 else None
    trail += [(items[i], items[i + 1]) for i in range(0, len(items), 2)]
    request = context.get("request")
    if current is None and trail and request is not None and trail[-1][1] == request.path:
        current = trail.pop()[0]  # the step's own landing page
    return {"trail": trail, "current": current}
