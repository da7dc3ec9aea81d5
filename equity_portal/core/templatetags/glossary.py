"""Link a term to the organization's glossary from any page:

    {% load glossary %}
    {% glossary_link "PDSA" %}                  -> <a href=".../learn/glossary/pdsa/">PDSA</a>
    {% glossary_link "PDSA cycle" "PDSA cycles" %}  (an alias, with its own label)
    <a href="{% glossary_url 'REaL data' %}">…</a>

Terms and their other names match case-insensitively. A term the glossary does not define renders
as plain text, so pages never show broken links. The glossary is read once per request.
"""

from django import template
from django.utils.html import format_html
from django.utils.text import Truncator, slugify

from ..glossary import GlossaryEntry, glossary_index

register = template.Library()

_CACHE_ATTR = "_glossary_index"


def _lookup(context, term: str) -> GlossaryEntry | None:
    request = context.get("request")
    organization = context.get("organization") or getattr(request, "organization", None)
    if organization is None:
        return None
    index = getattr(request, _CACHE_ATTR, None) if request is not None else None
    if index is None:
        index = glossary_index(organization)
        if request is not None:
            setattr(request, _CACHE_ATTR, index)
    return index.get(slugify(str(term)))


@register.simple_tag(takes_context=True)
def glossary_link(context, term: str, label: str | None = None) -> str:
    entry = _lookup(context, term)
    text = label or term
    if entry is None:
        return format_html("{}", text)
    return format_html(
        '<a class="glossary-link" href="{}" title="{}">{}</a>',
        entry.url,
        f"{entry.term}: {Truncator(entry.definition).chars(140)}",
        text,
    )


@register.simple_tag(takes_context=True)
def glossary_url(context, term: str) -> str:
    entry = _lookup(context, term)
    return entry.url if entry is not None else ""
