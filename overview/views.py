"""The organization's home page (the leaders' overview), the board report and the
accreditation evidence pack. Thin views: selectors read, services write."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from equity_portal.core.home import home_panels
from equity_portal.core.models import Job
from equity_portal.core.pages import filters_of
from equity_portal.core.roles import Capability
from equity_portal.core.tenancy import get_for_org, org_view

from . import exports, pdf, selectors, services
from .forms import ReportPeriodForm, RequirementForm
from .models import BoardReport, EvidenceRequirement
from .report import report_content

PDF_TYPE = "application/pdf"


@org_view(Capability.VIEW)
def index(request):
    summary = selectors.overview(request.organization, request.membership)
    # Panels the step apps register with the core (the approved vision statement).
    panels = home_panels(request)
    return render(request, "overview/index.html", {"overview": summary, "home_panels": panels})


def _period(request) -> tuple[ReportPeriodForm, dict]:
    form = ReportPeriodForm(request.GET or None)
    period = filters_of(form)
    return form, {k: v for k, v in period.items() if v}


@org_view(Capability.VIEW)
def report(request):
    """The board report as a printable page (the same content as the PDF)."""
    form, period = _period(request)
    content = report_content(request.organization, **period)
    charts = [(chart, pdf.chart_svg(chart)) for chart in content.priorities]
    services.board_report_record_download(
        organization=request.organization, actor=request.user, report=None, file_format="html"
    )
    return render(
        request, "overview/report.html", {"content": content, "charts": charts, "form": form}
    )


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=PDF_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@org_view(Capability.VIEW)
def report_pdf(request):
    """A prepared report (?report=<id>, built by the job) or, without one, built now."""
    organization = request.organization
    filename = f"board-report-{organization.slug}.pdf"
    raw = request.GET.get("report")
    if raw:
        if not raw.isdigit():
            raise Http404("No such report.")
        saved = get_for_org(
            BoardReport.objects.select_related("job").filter(job__status=Job.Status.SUCCEEDED),
            pk=int(raw),
        )
        data, report_obj = bytes(saved.pdf), saved
    else:
        _form, period = _period(request)
        data, report_obj = pdf.board_report_pdf(report_content(organization, **period)), None
    services.board_report_record_download(
        organization=organization, actor=request.user, report=report_obj, file_format="pdf"
    )
    return _pdf_response(data, filename)


@org_view(Capability.VIEW)
@require_POST
def report_prepare(request):
    form = ReportPeriodForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.non_field_errors()) or "Check the dates.")
        return redirect("overview:report", org_slug=request.organization.slug)
    prepared = services.board_report_request(
        organization=request.organization,
        actor=request.user,
        period_from=form.cleaned_data.get("period_from"),
        period_to=form.cleaned_data.get("period_to"),
    )
    return redirect("overview:report_status", org_slug=request.organization.slug, pk=prepared.pk)


@org_view(Capability.VIEW)
def report_status(request, pk: int):
    prepared = get_for_org(BoardReport.objects.select_related("job", "organization"), pk=pk)
    return render(request, "overview/report_status.html", {"prepared": prepared})


# --------------------------------------------------------------------------- evidence


@org_view(Capability.VIEW)
def evidence(request):
    pack = selectors.evidence_pack(request.organization)
    return render(request, "overview/evidence.html", {"pack": pack})


@org_view(Capability.VIEW)
def evidence_xlsx(request):
    organization = request.organization
    pack = selectors.evidence_pack(organization)
    content = exports.evidence_workbook(
        organization, pack, base_url=request.build_absolute_uri("/").rstrip("/")
    )
    return exports.xlsx_download(
        request,
        what="evidence_pack",
        content=content,
        filename=f"evidence-pack-{organization.slug}.xlsx",
        details={"format": "xlsx", "requirements": len(pack)},
    )


@org_view(Capability.VIEW)
def evidence_pdf(request):
    organization = request.organization
    pack = selectors.evidence_pack(organization)
    services.evidence_pack_record_export(
        organization=organization, actor=request.user, file_format="pdf", requirements=len(pack)
    )
    return _pdf_response(
        pdf.evidence_pack_pdf(organization, pack), f"evidence-pack-{organization.slug}.pdf"
    )


@org_view(Capability.MANAGE_USERS)
def requirement_list(request):
    requirements = selectors.requirement_list(request.organization, active_only=False)
    return render(request, "overview/requirement_list.html", {"requirements": requirements})


@org_view(Capability.MANAGE_USERS)
def requirement_edit(request, pk: int | None = None):
    requirement = get_for_org(EvidenceRequirement, pk=pk) if pk else None
    initial = {"is_active": True}
    if requirement is not None:
        initial = {
            "framework": requirement.framework,
            "code": requirement.code,
            "title": requirement.title,
            "description": requirement.description,
            "evidence_kinds": requirement.evidence_kinds,
            "is_active": requirement.is_active,
        }
    form = RequirementForm(
        request.POST or None,
        initial=initial,
        kept_kinds=requirement.evidence_kinds if requirement else (),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.requirement_save(
                organization=request.organization,
                actor=request.user,
                requirement=requirement,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, "Requirement saved.")
            return redirect("overview:requirement_list", org_slug=request.organization.slug)
    return render(
        request,
        "overview/requirement_form.html",
        {"form": form, "requirement": requirement},
        status=400 if request.method == "POST" else 200,
    )
