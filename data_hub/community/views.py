"""Community data pages: list with filters and pagination, CSV export (VIEW); add, edit,
delete and upload (MANAGE_DATA)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from data_hub.results.exports import write_csv
from equity_portal.core.pages import filters_of
from equity_portal.core.roles import Capability
from equity_portal.core.tenancy import get_for_org, org_view

from . import forms, selectors, services
from .models import CommunityIndicator

PAGE_SIZE = 25
CSV_COLUMNS = (
    "indicator",
    "geography",
    "dimension",
    "group",
    "value",
    "unit",
    "source",
    "year",
    "measure",
)


def _filtered(request):
    form = forms.IndicatorFilterForm(request.GET or None)
    filters = filters_of(form)
    rows = selectors.indicator_list(
        organization=request.organization,
        q=filters.get("q") or "",
        source=filters.get("source") or "",
        year=filters.get("year"),
    )
    return form, rows


@org_view(Capability.VIEW)
def index(request):
    form, rows = _filtered(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "community/index.html", {"form": form, "page": page})


@org_view(Capability.VIEW)
def export_csv(request):
    _, rows = _filtered(request)
    data = [
        {
            **{c: getattr(r, c) for c in CSV_COLUMNS if c != "measure"},
            "value": str(r.value),
            "measure": r.measure.code if r.measure else "",
        }
        for r in rows
    ]
    services.indicators_export_record(
        organization=request.organization, actor=request.user, rows=len(data)
    )
    response = HttpResponse(write_csv(CSV_COLUMNS, data), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="community-data.csv"'
    return response


@org_view(Capability.MANAGE_DATA)
def edit(request, pk=None):
    organization = request.organization
    indicator = get_for_org(CommunityIndicator, pk=pk) if pk is not None else None
    form = forms.IndicatorForm(request.POST or None, instance=indicator, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_save(
                organization=organization,
                actor=request.user,
                indicator=indicator,
                data=form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Indicator saved.")
            return redirect("community:index", org_slug=organization.slug)
    return render(request, "community/form.html", {"form": form, "indicator": indicator})


@org_view(Capability.MANAGE_DATA)
@require_POST
def delete(request, pk):
    indicator = get_for_org(CommunityIndicator, pk=pk)
    services.indicator_delete(indicator=indicator, actor=request.user)
    messages.success(request, "Indicator deleted.")
    return redirect("community:index", org_slug=request.organization.slug)


@org_view(Capability.MANAGE_DATA)
def upload(request):
    form = forms.IndicatorUploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            stored = services.indicators_import(
                organization=request.organization,
                actor=request.user,
                uploaded_file=form.cleaned_data["file"],
            )
        except services.IndicatorImportError as error:
            errors = error.errors
        else:
            messages.success(request, f"{stored} indicators stored.")
            return redirect("community:index", org_slug=request.organization.slug)
    status = 400 if errors else 200
    return render(request, "community/upload.html", {"form": form, "errors": errors}, status=status)
