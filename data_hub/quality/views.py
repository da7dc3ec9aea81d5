"""The data quality report (issue 6 §3): reads only the quality tables, the extract's report
fields and community data (a bounded number of queries). Thin views: one selector call
returns what the page shows."""

from django.http import Http404, HttpResponse
from django.shortcuts import render

from data_hub.results import services as results_services
from equity_portal.core import exports
from equity_portal.core.roles import Capability
from equity_portal.core.tenancy import org_view

from . import selectors


@org_view(Capability.VIEW)
def report(request):
    organization = request.organization
    page = selectors.report_page(
        organization=organization, params=request.GET, membership=request.membership
    )
    context = {"extract": page.extract, "section": "quality"}
    if page.extract is None:
        return render(request, "data_quality/report.html", context)
    context.update(
        snapshot=page.snapshot,
        provenance=page.provenance,
        extracts=page.extracts,
        by_period=page.by_period,
        by_site=page.by_site,
        trend=page.trend,
        trend_figure=page.trend_figure,
        target=page.target,
        distribution=page.distribution,
        unmapped=page.unmapped,
        unmapped_total=page.unmapped_total,
        rejected=page.rejected,
        counts=page.counts,
        k=page.k,
    )
    results_services.results_view_record(
        organization=organization, actor=request.user, extract=page.extract, page="quality"
    )
    return render(request, "data_quality/report.html", context)


@org_view(Capability.VIEW)
def trend_csv(request):
    """The trend chart's data as CSV."""
    extract, rows = selectors.trend_csv_rows(organization=request.organization, params=request.GET)
    if extract is None:
        raise Http404("No processed extract.")
    results_services.results_export_record(
        organization=request.organization,
        actor=request.user,
        extract=extract,
        what="chart_completeness",
        file_format="csv",
    )
    content = exports.write_csv(selectors.TREND_EXPORT_COLUMNS, rows)
    response = HttpResponse(content, content_type="text/csv")
    response["Content-Disposition"] = (
        f'attachment; filename="completeness-trend-extract-{extract.pk}.csv"'
    )
    return response
