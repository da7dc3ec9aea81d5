"""Formatting of result numbers for people (the exports keep full precision). A missing
number (None) prints as an em dash; suppressed cells never reach these filters."""

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from data_hub.results.exports import csv_cell
from equity_portal.core.templatetags.core_charts import pct, pp

register = template.Library()
DASH = "—"
REFERENCE_BADGE = ' <span class="badge text-bg-secondary">reference</span>'


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


@register.simple_tag
def result_rows(rows, *, highlight="", priority_url="", measure="", dimension="", reference=""):
    """The <tr>s of the explorer's results table in one pass (an intersection has dozens of
    groups with a dozen formatted cells each; template loops per cell cost most of the
    page's time). A suppressed row shows that it exists and no number; with `priority_url`
    each compared, unsuppressed group gets Vision's "Make this a priority" form."""
    parts = []
    for r in rows:
        group = escape(r["group"])
        marked = ' class="table-warning"' if r["group"] == highlight else ""
        badge = REFERENCE_BADGE if r["is_reference"] else ""
        parts.append(f'<tr data-group="{group}"{marked}>')
        parts.append(f'<th scope="row" class="fw-normal">{group}{badge}</th>')
        if r["suppressed"]:
            parts.append('<td colspan="9" class="suppressed" data-suppressed>suppressed</td>')
        else:
            parts.extend(_result_cells(r))
        if priority_url:
            form = ""
            if r["difference"] is not None and not r["suppressed"] and not r["is_reference"]:
                form = _priority_form(r, priority_url, measure, dimension, reference)
            parts.append(f"<td>{form}</td>")
        parts.append("</tr>\n")
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above


def _result_cells(r: dict) -> list[str]:
    def cell(column, text):
        exact = escape(full(r[column]))
        return f'<td class="num" data-col="{column}" data-value="{exact}">{text}</td>'

    def interval(lower, upper, formatter):
        text = DASH if r[lower] is None else f"{formatter(r[lower])} to {formatter(r[upper])}"
        return f'<td class="num">{text}</td>'

    rate_ci = f"{pct(r['rate_lower'])} to {pct(r['rate_upper'])}"
    significant = '<span aria-hidden="true">★</span> yes' if r["significant"] else "no"
    flag = "true" if r["significant"] else "false"
    return [
        cell("numerator", escape(r["numerator"])),
        cell("denominator", escape(r["denominator"])),
        cell("rate", pct(r["rate"])),
        f'<td class="num" data-col="rate_ci">{rate_ci}</td>',
        cell("difference", pp(r["difference"])),
        interval("difference_lower", "difference_upper", pp),
        cell("ratio", ratio(r["ratio"])),
        interval("ratio_lower", "ratio_upper", ratio),
        f'<td data-col="significant" data-value="{flag}">{significant}</td>',
    ]


def _priority_form(r: dict, url: str, measure: str, dimension: str, reference: str) -> str:
    return format_html(
        '<form method="get" action="{}" class="m-0" data-make-priority>'
        '<input type="hidden" name="measure" value="{}">'
        '<input type="hidden" name="dimension" value="{}">'
        '<input type="hidden" name="group" value="{}">'
        '<input type="hidden" name="reference" value="{}">'
        '<button type="submit" class="btn btn-sm btn-outline-primary text-nowrap">'
        'Make this a priority<span class="visually-hidden">: {}</span></button></form>',
        url,
        measure,
        dimension,
        r["group"],
        r["reference_group"] or reference,
        r["group"],
    )
