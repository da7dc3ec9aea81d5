"""Results explorer, disparities list and exports (issues 6 and 11). Thin views: one
selector call returns what the page shows (published rows, bounded SQL), the view records
the audit event and renders."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render

from data_hub.community import selectors as community_selectors
from equity_portal.core.roles import Capability
from equity_portal.core.tenancy import org_view

from . import charts, exports, selectors, services


@org_view(Capability.VIEW)
def explorer(request):
    organization = request.organization
    page = selectors.explorer_page(organization=organization, params=request.GET)
    context = {"page": page, "section": "explorer", "extract": page.extract}
    if page.extract is None:
        return render(request, "results/explorer.html", context)
    f = page.filters
    if f is not None:
        context["community"] = community_selectors.indicators_for_measure(
            organization=organization, measure=f.measure
        )
    context.update(
        catalogue=page.catalogue,
        filters=f,
        rows=page.rows,
        summary=page.summary,
        reference_name=page.reference_name,
        reference_note=page.reference_note,
        charts=page.charts,
        compared_groups=page.compared_groups,
        dimension_choices=page.dimension_choices,
        provenance=page.provenance,
        extracts=page.extracts,
        k=page.k,
        rules=selectors.RULE_LABELS,
        highlight=request.GET.get("highlight", ""),
        query=page.query,
    )
    services.results_view_record(
        organization=organization,
        actor=request.user,
        extract=page.extract,
        page="explorer",
        measure=f.measure.code if f else request.GET.get("measure", ""),
        dimension=f.dimension if f else "",
        period=f.period[0].isoformat() if f else "",
    )
    return render(request, "results/explorer.html", context)


@org_view(Capability.VIEW)
def chart_csv(request, chart: str):
    """The data of one explorer chart as CSV (same filters as the page)."""
    if chart not in charts.CHARTS:
        raise Http404("No such chart.")
    page, found = selectors.chart_data(
        organization=request.organization, params=request.GET, chart=chart
    )
    f = page.filters
    services.results_export_record(
        organization=request.organization,
        actor=request.user,
        extract=page.extract,
        what=f"chart_{chart}",
        file_format="csv",
        measure=f.measure.code,
        dimension=f.dimension,
    )
    content = exports.write_csv(found["columns"], found["rows"])
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    name = f"chart-{chart}-{f.measure.code}-extract-{page.extract.pk}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Provenance"] = page.provenance.as_text().encode("ascii", "replace").decode()
    return response


@org_view(Capability.VIEW)
def disparities(request):
    organization = request.organization
    page = selectors.disparities_page(organization=organization, params=request.GET)
    context = {
        "result": page,
        "section": "disparities",
        "extract": page.extract,
        "provenance": page.provenance,
        "extracts": page.extracts,
        "k": page.k,
        "page": page.page,
        "total": page.total,
        "sort": page.sort,
        "rule": page.rule,
        "rules": page.rules,
    }
    if page.extract is not None:
        services.results_view_record(
            organization=organization, actor=request.user, extract=page.extract, page="disparities"
        )
    return render(request, "results/disparities.html", context)


@org_view(Capability.VIEW)
def export(request, what: str, file_format: str):
    """Results, summary or a registered export (quality) of one extract as CSV or XLSX
    (audited)."""
    if what not in exports.EXPORTS or file_format not in exports.FORMATS:
        raise Http404("No such export.")
    extract = selectors.requested_extract(
        organization=request.organization, raw=request.GET.get("extract")
    )
    if extract is None:
        raise Http404("No processed extract.")
    content, filename, content_type = services.results_export(
        organization=request.organization,
        actor=request.user,
        extract=extract,
        what=what,
        file_format=file_format,
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    provenance = selectors.provenance_of(extract)
    response["X-Provenance"] = provenance.as_text().encode("ascii", "replace").decode()
    return response
