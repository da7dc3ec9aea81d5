"""The data quality report (issue 6 §3): reads only the quality tables, the extract's report
fields and community data (a bounded number of queries)."""

from django.http import Http404, HttpResponse
from django.shortcuts import render

from data_hub import disclosure
from data_hub.community import selectors as community_selectors
from data_hub.provenance import Provenance
from data_hub.results import exports
from data_hub.results import selectors as results_selectors
from data_hub.results import services as results_services
from equity_portal.core.charts import with_provenance
from equity_portal.core.roles import Capability
from equity_portal.core.tenancy import org_view

from . import charts, selectors
from .models import ALL_SITES


def _extract(request):
    return results_selectors.requested_extract(
        organization=request.organization, raw=request.GET.get("extract"), published=False
    )


@org_view(Capability.VIEW)
def report(request):
    organization = request.organization
    extract = _extract(request)
    context = {"extract": extract, "section": "quality"}
    if extract is None:
        return render(request, "data_quality/report.html", context)
    k = results_selectors.export_k(organization)
    decisions = disclosure.decisions_for(organization=organization, extract=extract, k=k)
    counts = selectors.count_frame(organization=organization, extract=extract)
    frame = selectors.completeness(counts, decisions=decisions)
    rows = selectors.completeness_rows(frame)
    trend = selectors.trend_rows(frame)
    target = float(organization.completeness_target_percent)
    site = request.GET.get("site", ALL_SITES)
    sites = list(dict.fromkeys(r["site"] for r in rows))
    if site not in sites:
        site = ALL_SITES
    # Row counts of rare spellings can single out a few patients: exact only for roles
    # that manage data, otherwise protected like any published count (issue 10).
    membership = request.membership
    exact = membership is not None and membership.can(Capability.MANAGE_DATA)
    counts_shown = disclosure.operational_counts(extract=extract, exact=exact, k=k)
    unmapped = [
        {"family": family, "value": value, "rows": count}
        for family, values in counts_shown.unmapped.items()
        for value, count in values
    ]
    rejected = counts_shown.reasons
    context.update(
        snapshot=selectors.snapshot(organization=organization, extract=extract),
        provenance=Provenance.of(extract),
        extracts=list(
            results_selectors.processed_extracts(organization=organization, published=False)[:20]
        ),
        by_period=[r for r in rows if r["site"] == ALL_SITES],
        by_site=[r for r in rows if r["site"] != ALL_SITES],
        trend=trend,
        trend_figure=with_provenance(
            charts.completeness_trend_figure(trend, target=target), Provenance.of(extract)
        ),
        target=target,
        distribution=selectors.distribution(
            counts,
            decisions=decisions,
            community=community_selectors.population_shares(organization=organization),
        ),
        unmapped=unmapped[:200],
        unmapped_total=len(unmapped),
        rejected=rejected,
        counts=counts_shown,
        k=k,
    )
    results_services.results_view_record(
        organization=organization, actor=request.user, extract=extract, page="quality"
    )
    return render(request, "data_quality/report.html", context)


@org_view(Capability.VIEW)
def trend_csv(request):
    """The trend chart's data as CSV."""
    extract = _extract(request)
    if extract is None:
        raise Http404("No processed extract.")
    k = results_selectors.export_k(request.organization)
    decisions = disclosure.decisions_for(organization=request.organization, extract=extract, k=k)
    counts = selectors.count_frame(organization=request.organization, extract=extract)
    rows = selectors.trend_export_rows(selectors.completeness(counts, decisions=decisions))
    results_services.results_export_record(
        organization=request.organization,
        actor=request.user,
        extract=extract,
        what="chart_completeness",
        file_format="csv",
    )
    columns = selectors.TREND_EXPORT_COLUMNS
    response = HttpResponse(exports.write_csv(columns, rows), content_type="text/csv")
    response["Content-Disposition"] = (
        f'attachment; filename="completeness-trend-extract-{extract.pk}.csv"'
    )
    return response
