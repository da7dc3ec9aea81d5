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
