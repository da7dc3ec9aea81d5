"""Step 5, Improve: thin function views (authorize, validate, call a service or selector,
redirect or render). Every write is a POST that redirects."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse

from equity_portal.core.exports import csv_download
from equity_portal.core.roles import Capability
from equity_portal.core.tenancy import get_for_org, org_view

from . import selectors, services
from .forms import CampaignFilterForm, CampaignForm, PDSACycleForm
from .models import Campaign, PDSACycle

PAGE_SIZE = 25


def _url(request, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"org_slug": request.organization.slug, **kwargs})


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _form_status(request) -> int:
    return 400 if request.method == "POST" else 200


# --- Campaigns -----------------------------------------------------------------------------


def _campaign_filters(request):
    form = CampaignFilterForm(request.GET or None, organization=request.organization)
    return form, form.filters()


@org_view(Capability.VIEW)
def index(request):
    form, filters = _campaign_filters(request)
    campaigns = selectors.campaign_list(organization=request.organization, **filters)
    context = {
        "filter_form": form,
        "page": _page(request, campaigns),
        "filtered": any(filters.values()),
    }
    return render(request, "improvement/campaign_list.html", context)


@org_view(Capability.VIEW)
def campaign_export(request):
    _form, filters = _campaign_filters(request)
    campaigns = selectors.campaign_list(organization=request.organization, **filters)
    return csv_download(
        request,
        what="campaign",
        filters=filters,
        filename=f"campaigns-{request.organization.slug}.csv",
        header=[
            "id",
            "name",
            "status",
            "owner",
            "owner_email",
            "start_date",
            "end_date",
            "pdsa_cycles",
            "last_cycle_start",
            "change_ideas",
        ],
        rows=(
            [
                c.pk,
                c.name,
                c.status,
                c.owner.user.display_name,
                c.owner.user.email,
                c.start_date.isoformat(),
                c.end_date.isoformat() if c.end_date else "",
                c.cycle_count,
                c.last_cycle.isoformat() if c.last_cycle else "",
                "; ".join(c.change_idea_list),
            ]
            for c in campaigns.iterator(chunk_size=2000)
        ),
    )


def _campaign(pk: int) -> Campaign:
    return get_for_org(Campaign.objects.select_related("owner__user", "created_by"), pk=pk)


@org_view(Capability.CREATE_PLANS)
def campaign_create(request):
    organization = request.organization
    initial = {"owner": request.membership.pk, "status": Campaign.Status.PLANNED}
    form = CampaignForm(request.POST or None, organization=organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(
                organization=organization, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Campaign created.")
            return redirect(_url(request, "improvement:campaign_detail", pk=campaign.pk))
    return render(
        request,
        "improvement/campaign_form.html",
        {"form": form, "campaign": None},
        status=_form_status(request),
    )


@org_view(Capability.CREATE_PLANS)
def campaign_edit(request, pk: int):
    campaign = _campaign(pk)
    initial = {
        "name": campaign.name,
        "aim": campaign.aim,
        "owner": campaign.owner_id,
        "status": campaign.status,
        "start_date": campaign.start_date,
        "end_date": campaign.end_date,
        "change_ideas": campaign.change_ideas,
        "lessons": campaign.lessons,
    }
    form = CampaignForm(request.POST or None, organization=request.organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(campaign=campaign, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Campaign saved.")
            return redirect(_url(request, "improvement:campaign_detail", pk=campaign.pk))
    return render(
        request,
        "improvement/campaign_form.html",
        {"form": form, "campaign": campaign},
        status=_form_status(request),
    )


@org_view(Capability.VIEW)
def campaign_detail(request, pk: int):
    campaign = _campaign(pk)
    context = {"campaign": campaign, "cycles": list(selectors.campaign_cycles(campaign=campaign))}
    return render(request, "improvement/campaign_detail.html", context)


# --- PDSA cycles ---------------------------------------------------------------------------


@org_view(Capability.EDIT_STEPS)
def cycle_create(request, pk: int):
    campaign = _campaign(pk)
    form = PDSACycleForm(request.POST or None, ideas=campaign.change_idea_list)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.pdsa_cycle_create(
                campaign=campaign, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"PDSA cycle {cycle.number} recorded.")
            return redirect(_url(request, "improvement:cycle_detail", pk=cycle.pk))
    return render(
        request,
        "improvement/cycle_form.html",
        {"form": form, "campaign": campaign, "cycle": None},
        status=_form_status(request),
    )


def _cycle(pk: int) -> PDSACycle:
    return get_for_org(
        PDSACycle.objects.select_related("campaign", "recorded_by", "follows"), pk=pk
    )


@org_view(Capability.VIEW)
def cycle_detail(request, pk: int):
    cycle = _cycle(pk)
    following = PDSACycle.objects.filter(follows=cycle).only("pk", "number").first()
    return render(
        request, "improvement/cycle_detail.html", {"cycle": cycle, "following": following}
    )


@org_view(Capability.EDIT_STEPS)
def cycle_edit(request, pk: int):
    cycle = _cycle(pk)
    form = PDSACycleForm(
        request.POST or None, instance=cycle, ideas=cycle.campaign.change_idea_list
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.pdsa_cycle_update(cycle=cycle, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"PDSA cycle {cycle.number} saved.")
            return redirect(_url(request, "improvement:cycle_detail", pk=cycle.pk))
    return render(
        request,
        "improvement/cycle_form.html",
        {"form": form, "campaign": cycle.campaign, "cycle": cycle},
        status=_form_status(request),
    )
