"""The completeness tables' rows, rendered in one pass (a report has rows per dimension x
site x period, and template loops per cell cost most of the page's time). Each dimension
shows its label; a suppressed number shows "suppressed", never a value."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from data_hub.results.templatetags.data_results import percent

register = template.Library()
SUPPRESSED = '<span class="suppressed">suppressed</span>'


@register.simple_tag
def completeness_rows(rows: list[dict], *, with_site: bool, target: float):
    parts = []
    for r in rows:
        parts.append(f"<tr><td>{escape(r['period_label'])}</td>")
        if with_site:
            parts.append(f"<td>{escape(r['site'])}</td>")
        parts.append(f"<td>{escape(r['dimension_label'])}</td>")
        if r["suppressed"]:
            parts.append('<td colspan="7" class="suppressed">suppressed</td></tr>')
            continue
        parts.append(f'<td class="num">{r["patients"]}</td>')
        for c in ("known", "unknown", "declined"):
            parts.append(f'<td class="num">{SUPPRESSED if r[c] is None else r[c]}</td>')
        for c in ("known", "unknown", "declined"):
            value = r[f"percent_{c}"]
            below = c == "known" and value is not None and value < target
            parts.append('<td class="num text-danger">' if below else '<td class="num">')
            parts.append(SUPPRESSED if r[c] is None else percent(value))
            parts.append("</td>")
        parts.append("</tr>")
    return mark_safe("".join(parts))  # noqa: S308 - every text value escaped above
