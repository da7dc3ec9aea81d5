"""The data quality report (issue 6 §3): reads only the quality tables, the extract's report
fields and community data (a bounded number of queries)."""

from django.http import Http404, HttpResponse
from django.shortcuts import render

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
    counts = selectors.count_frame(organization=organization, extract=extract)
    frame = selectors.completeness(counts, k=k)
    rows = selectors.completeness_rows(frame)
    trend = selectors.trend_rows(frame)
    target = float(organization.completeness_target_percent)
    site = request.GET.get("site", ALL_SITES)
    sites = list(dict.fromkeys(r["site"] for r in rows))
    if site not in sites:
        site = ALL_SITES
    # Row counts of rare spellings can single out a few patients: shown only from k on.
    unmapped = [
        {"family": family, "value": value, "rows": count if count >= k else None}
        for family, values in sorted((extract.unmapped_values or {}).items())
        for value, count in sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    rejected = sorted(
        (extract.rejected_reasons or {}).items(), key=lambda kv: (-_as_int(kv[1]), kv[0])
    )
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
            k=k,
            community=community_selectors.population_shares(organization=organization),
        ),
        unmapped=unmapped[:200],
        unmapped_total=len(unmapped),
        rejected=rejected,
        k=k,
    )
    results_services.results_view_record(
        organization=organization, actor=request.user, extract=extract, page="quality"
    )
    return render(request, "data_quality/report.html", context)


def _as_int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@org_view(Capability.VIEW)
def trend_csv(request):
    """The trend chart's data as CSV."""
    extract = _extract(request)
    if extract is None:
        raise Http404("No processed extract.")
    k = results_selectors.export_k(request.organization)
    counts = selectors.count_frame(organization=request.organization, extract=extract)
    rows = selectors.trend_rows(selectors.completeness(counts, k=k))
    results_services.results_export_record(
        organization=request.organization,
        actor=request.user,
        extract=extract,
        what="chart_completeness",
        file_format="csv",
    )
    columns = ("period_label", "dimension", "percent_known", "suppressed")
    response = HttpResponse(exports.write_csv(columns, rows), content_type="text/csv")
    response["Content-Disposition"] = (
        f'attachment; filename="completeness-trend-extract-{extract.pk}.csv"'
    )
    return response
