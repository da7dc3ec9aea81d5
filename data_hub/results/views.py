"""Results explorer, disparities list and exports (issue 6). Thin views: parse the GET
filters (so every view can be bookmarked), authorize with @org_view, read through
selectors, record the audit event, render. A bounded number of queries per page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

import equity_stats
from data_hub.community import selectors as community_selectors
from data_hub.models import INTERSECTION_SEPARATOR, Extract, Measure
from equity_portal.core.roles import Capability
from equity_portal.core.tenancy import get_for_org, org_view

from . import charts, exports, selectors, services
from .selectors import RULE_LABELS, Provenance

PAGE_SIZE = 50
DEFAULT_DIMENSION = "race_ethnicity"


def _extract(request) -> Extract | None:
    return selectors.requested_extract(
        organization=request.organization, raw=request.GET.get("extract")
    )


def _rule(request) -> str | None:
    """The reference rule chosen in the URL; None: each measure's own setting."""
    rule = request.GET.get("rule")
    return rule if rule in equity_stats.REFERENCE_RULES else None


@dataclass
class Filters:
    extract: Extract
    measure: Measure
    dimension: str
    period: tuple[date, str, str]
    rule: str
    reference_group: str | None

    def query(self, **overrides) -> str:
        params = {
            "extract": self.extract.pk,
            "measure": self.measure.code,
            "dimension": self.dimension,
            "period": self.period[0].isoformat(),
            "rule": self.rule,
        }
        if self.rule == equity_stats.REF_NAMED and self.reference_group:
            params["ref"] = self.reference_group
        params.update(overrides)
        return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def explorer_url(organization, **params) -> str:
    base = reverse("results:explorer", kwargs={"org_slug": organization.slug})
    return f"{base}?{urlencode({k: v for k, v in params.items() if v is not None})}"


def _filters(request, extract: Extract, catalogue: selectors.Catalogue) -> Filters | None:
    code = request.GET.get("measure")
    if code:
        measure = catalogue.measure(code)
        if measure is None:
            # Another organization's measure is a 404; one of ours without data is empty.
            get_for_org(Measure, code=code)
            return None
    elif catalogue.measures:
        measure = catalogue.measures[0]
    else:
        return None
    dimensions = catalogue.dimensions.get(measure.pk, [])
    if not dimensions:
        return None
    dimension = request.GET.get("dimension")
    if dimension not in dimensions:
        dimension = DEFAULT_DIMENSION if DEFAULT_DIMENSION in dimensions else dimensions[0]
    periods = catalogue.periods[measure.pk]
    period = periods[-1]
    wanted = request.GET.get("period", "latest")
    if wanted != "latest":
        period = next((p for p in periods if p[0].isoformat() == wanted), period)
    rule = _rule(request)
    reference_group = request.GET.get("ref") or None
    if rule is None:  # the measure's own reference setting (DESIGN §5.4)
        rule, reference_group = measure.reference_rule, measure.reference_group or None
    if rule == equity_stats.REF_NAMED and (
        not reference_group or reference_group in equity_stats.NOT_COMPARED
    ):
        rule, reference_group = equity_stats.REF_LARGEST, None
    return Filters(extract, measure, dimension, period, rule, reference_group)


def _compute(request, f: Filters):
    """The measure x dimension over every period (one query), stratified."""
    counts = selectors.count_frame(
        organization=request.organization,
        extract=f.extract,
        measure_ids=[f.measure.pk],
        dimensions=selectors.with_margins(f.dimension),
    )
    frame = selectors.stratified(
        counts,
        organization=request.organization,
        extract=f.extract,
        measures={f.measure.pk: f.measure},
        k=selectors.export_k(request.organization),
        rule=f.rule,
        reference_group=f.reference_group,
    )
    frame = frame[frame["dimension"] == f.dimension].reset_index(drop=True)
    current = frame[(frame["period_start"] == f.period[0]) & (frame["granularity"] == f.period[1])]
    return frame, current.reset_index(drop=True)


@org_view(Capability.VIEW)
def explorer(request):
    organization = request.organization
    extract = _extract(request)
    context = {"extract": extract, "section": "explorer"}
    if extract is None:
        return render(request, "results/explorer.html", context)
    catalogue = selectors.catalogue(organization=organization, extract=extract)
    f = _filters(request, extract, catalogue)
    context.update(
        catalogue=catalogue,
        extracts=list(selectors.processed_extracts(organization=organization)[:20]),
        provenance=Provenance.of(extract),
        rules=RULE_LABELS,
        filters=f,
    )
    if f is None:
        services.results_view_record(
            organization=organization,
            actor=request.user,
            extract=extract,
            page="explorer",
            measure=request.GET.get("measure", ""),
        )
        return render(request, "results/explorer.html", context)
    frame, current = _compute(request, f)
    rows = exports.results_rows(current)
    summary = exports.summary_rows(selectors.summary(current))
    reference_name = summary[0]["reference_group"] if summary else ""
    is_intersection = INTERSECTION_SEPARATOR in f.dimension
    rates_rows = charts.rates_rows(current)
    trend_rows = charts.trend_rows(frame)
    gap_rows = charts.gap_rows(frame)
    heatmap_rows = charts.heatmap_rows(current) if is_intersection else []
    chart_list = [
        {
            "key": "rates",
            "title": f"Rates by group, {f.period[2]}, with 95% intervals and the reference",
            "figure": charts.rates_figure(
                rates_rows,
                reference=charts.reference_rate(current) if len(current) else None,
                reference_name=reference_name,
            ),
            "rows": rates_rows,
        },
        {
            "key": "trend",
            "title": "Rates by group over periods",
            "figure": charts.trend_figure(trend_rows),
            "rows": trend_rows,
        },
        {
            "key": "gap",
            "title": "Gap to the reference over time (adverse rate minus the reference's)",
            "figure": charts.gap_figure(gap_rows),
            "rows": gap_rows,
        },
    ]
    if is_intersection:
        chart_list.append(
            {
                "key": "heatmap",
                "title": f"Rates by {f.dimension}, {f.period[2]}",
                "figure": charts.heatmap_figure(heatmap_rows, dimension=f.dimension),
                "rows": heatmap_rows,
            }
        )
    provenance = Provenance.of(extract)
    for chart in chart_list:
        chart["columns"] = charts.CHART_COLUMNS[chart["key"]]
        chart["figure"] = charts.with_provenance(chart["figure"], provenance)
    context.update(
        rows=rows,
        summary=summary[0] if summary else None,
        reference_name=reference_name,
        charts=chart_list,
        community=community_selectors.indicators_for_measure(
            organization=organization, measure=f.measure
        ),
        compared_groups=[r["group"] for r in rows if r["group"] not in equity_stats.NOT_COMPARED],
        highlight=request.GET.get("highlight", ""),
        query=f.query(),
        latest_query=f.query(period="latest"),
        k=selectors.export_k(organization),
    )
    services.results_view_record(
        organization=organization,
        actor=request.user,
        extract=extract,
        page="explorer",
        measure=f.measure.code,
        dimension=f.dimension,
        period=f.period[0].isoformat(),
    )
    return render(request, "results/explorer.html", context)


@org_view(Capability.VIEW)
def chart_csv(request, chart: str):
    """The data of one explorer chart as CSV (same filters as the page)."""
    if chart not in charts.CHARTS:
        raise Http404("No such chart.")
    extract = _extract(request)
    if extract is None:
        raise Http404("No processed extract.")
    catalogue = selectors.catalogue(organization=request.organization, extract=extract)
    f = _filters(request, extract, catalogue)
    if f is None:
        raise Http404("No results for this measure.")
    frame, current = _compute(request, f)
    rows = {
        "rates": lambda: charts.rates_rows(current),
        "trend": lambda: charts.trend_rows(frame),
        "gap": lambda: charts.gap_rows(frame),
        "heatmap": lambda: charts.heatmap_rows(current),
    }[chart]()
    services.results_export_record(
        organization=request.organization,
        actor=request.user,
        extract=extract,
        what=f"chart_{chart}",
        file_format="csv",
        measure=f.measure.code,
        dimension=f.dimension,
    )
    content = exports.write_csv(charts.CHART_COLUMNS[chart], rows)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    name = f"chart-{chart}-{f.measure.code}-extract-{extract.pk}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Provenance"] = Provenance.of(extract).as_text().encode("ascii", "replace").decode()
    return response


@org_view(Capability.VIEW)
def disparities(request):
    organization = request.organization
    extract = _extract(request)
    context = {"extract": extract, "section": "disparities"}
    if extract is None:
        return render(request, "results/disparities.html", context)
    rule = _rule(request)
    if rule == equity_stats.REF_NAMED:  # a named group differs by dimension: use each measure's
        rule = None
    sort = "excess" if request.GET.get("sort") == "excess" else "difference"
    found, measures = selectors.disparities(organization=organization, extract=extract, rule=rule)
    by_code = {m.code: m for m in measures.values()}
    items = []
    for r in found.to_dict("records"):
        items.append(
            {
                "measure": by_code[r["measure_code"]],
                "dimension": r["dimension"],
                "group": r["group"],
                "period_label": r["period_label"],
                "rate": r["rate"],
                "reference_group": r["reference_group"],
                "difference": r["difference"],
                "difference_lower": r["difference_lower"],
                "difference_upper": r["difference_upper"],
                "ratio": None if r["ratio"] != r["ratio"] else r["ratio"],
                "excess": r["excess_adverse_events"],
                "identity": f"{r['measure_code']}|{r['dimension']}|{r['group']}",
                "url": explorer_url(
                    organization,
                    extract=extract.pk,
                    measure=r["measure_code"],
                    dimension=r["dimension"],
                    period=r["period_start"].isoformat(),
                    rule=rule,
                    highlight=r["group"],
                ),
            }
        )
    key = "excess" if sort == "excess" else "difference"
    items.sort(key=lambda i: (-i[key], i["identity"]))
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context.update(
        page=page,
        total=len(items),
        sort=sort,
        rule=rule or "",
        rules={
            "": "Each measure's own setting",
            **{k: v for k, v in RULE_LABELS.items() if k != equity_stats.REF_NAMED},
        },
        provenance=Provenance.of(extract),
        extracts=list(selectors.processed_extracts(organization=organization)[:20]),
        k=selectors.export_k(organization),
    )
    services.results_view_record(
        organization=organization, actor=request.user, extract=extract, page="disparities"
    )
    return render(request, "results/disparities.html", context)


@org_view(Capability.VIEW)
def export(request, what: str, file_format: str):
    """Results, summary or quality of one extract as CSV or XLSX (audited)."""
    if what not in exports.WHATS or file_format not in exports.FORMATS:
        raise Http404("No such export.")
    extract = _extract(request)
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
    response["X-Provenance"] = Provenance.of(extract).as_text().encode("ascii", "replace").decode()
    return response
