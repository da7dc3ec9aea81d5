"""Step 5, Improve: thin function views (authorize, validate, call a service or selector,
redirect or render). Every write is a POST that redirects."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from data_hub import api
from equity_portal.core.exports import csv_download
from equity_portal.core.pages import add_errors, page_of
from equity_portal.core.roles import Capability
from equity_portal.core.tenancy import get_for_org, org_view

from . import charts, selectors, services
from .forms import (
    CampaignFilterForm,
    CampaignForm,
    GoalResponseForm,
    PDSACycleForm,
    RebaselineForm,
)
from .goals import CSV_COLUMNS
from .models import Campaign, GoalResponse, PDSACycle


def _url(request, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"org_slug": request.organization.slug, **kwargs})


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
        "page": page_of(request, campaigns),
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
    goal_id = request.GET.get("goal")
    if goal_id and goal_id.isdigit():
        initial["goals"] = [int(goal_id)]
    form = CampaignForm(
        request.POST or None,
        organization=organization,
        goals=selectors.linkable_goals(organization=organization),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(
                organization=organization, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
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
        "goals": list(campaign.goals.all()),
    }
    form = CampaignForm(
        request.POST or None,
        organization=request.organization,
        goals=selectors.linkable_goals(organization=request.organization, include=initial["goals"]),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(campaign=campaign, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
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
    summaries = selectors.campaign_goal_summaries(campaign=campaign)
    context = {
        "campaign": campaign,
        "cycles": list(selectors.campaign_cycles(campaign=campaign)),
        "summaries": summaries,
        "rollup": selectors.rollup(summaries),
    }
    return render(request, "improvement/campaign_detail.html", context)


@org_view(Capability.VIEW)
def campaign_summary(request, pk: int):
    """The one-page printable summary: aim, the PDSA sequence, each goal's chart and the gap's
    change with its interval, lessons."""
    campaign = _campaign(pk)
    summaries = selectors.campaign_goal_summaries(campaign=campaign)
    for s in summaries:
        services.goal_chart_view_record(goal=s.goal, actor=request.user, page="campaign_summary")
    context = {
        "campaign": campaign,
        "cycles": list(selectors.campaign_cycles(campaign=campaign)),
        "summaries": [
            {
                "summary": s,
                "chart": charts.gap_chart(
                    s.analysis,
                    key=f"gap-{s.goal.pk}",
                    csv_url=_chart_csv_url(request, s.goal),
                ),
            }
            for s in summaries
        ],
        "rollup": selectors.rollup(summaries),
    }
    return render(request, "improvement/campaign_summary.html", context)


@org_view(Capability.VIEW)
def campaign_cycles_csv(request, pk: int):
    campaign = _campaign(pk)
    return csv_download(
        request,
        what="pdsa_cycle",
        filters={"campaign": campaign.pk},
        filename=f"pdsa-cycles-campaign-{campaign.pk}-{request.organization.slug}.csv",
        header=[
            "campaign",
            "number",
            "follows",
            "change_idea",
            "question",
            "prediction",
            "who",
            "when",
            "where",
            "data_to_collect",
            "start_date",
            "end_date",
            "what_happened",
            "problems",
            "study",
            "decision",
            "next_cycle_tests",
        ],
        rows=(
            [
                campaign.name,
                c.number,
                c.follows.number if c.follows else "",
                c.change_idea,
                c.question,
                c.prediction,
                c.plan_who,
                c.plan_when,
                c.plan_where,
                c.plan_data,
                c.start_date.isoformat(),
                c.end_date.isoformat() if c.end_date else "",
                c.what_happened,
                c.problems,
                c.study,
                c.decision,
                c.next_test,
            ]
            for c in selectors.campaign_cycles(campaign=campaign)
        ),
    )


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
            add_errors(form, error)
        else:
            messages.success(request, f"PDSA cycle {cycle.number} recorded.")
            return redirect(_url(request, "improvement:cycle_detail", pk=cycle.pk))
    return render(
        request,
        "improvement/cycle_form.html",
        {"form": form, "campaign": campaign, "cycle": None, "goals": _goals_of(campaign)},
        status=_form_status(request),
    )


def _goals_of(campaign: Campaign) -> list:
    return list(campaign.goals.only("pk", "title").order_by("pk"))


def _cycle(pk: int) -> PDSACycle:
    return get_for_org(
        PDSACycle.objects.select_related("campaign", "recorded_by", "follows"), pk=pk
    )


@org_view(Capability.VIEW)
def cycle_detail(request, pk: int):
    cycle = _cycle(pk)
    following = PDSACycle.objects.filter(follows=cycle).only("pk", "number").first()
    context = {"cycle": cycle, "following": following, "goals": _goals_of(cycle.campaign)}
    return render(request, "improvement/cycle_detail.html", context)


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
            add_errors(form, error)
        else:
            messages.success(request, f"PDSA cycle {cycle.number} saved.")
            return redirect(_url(request, "improvement:cycle_detail", pk=cycle.pk))
    return render(
        request,
        "improvement/cycle_form.html",
        {
            "form": form,
            "campaign": cycle.campaign,
            "cycle": cycle,
            "goals": _goals_of(cycle.campaign),
        },
        status=_form_status(request),
    )


# --- Goals ---------------------------------------------------------------------------------


@org_view(Capability.VIEW)
def goal_list(request):
    """Goals of the approved charters in force, with progress and icons, per charter."""
    goals = selectors.linkable_goals(organization=request.organization).select_related(
        "owner__user"
    )
    page = page_of(request, goals)
    rows = []
    for goal in page.object_list:
        analysis = selectors.goal_analysis(goal=goal)
        rows.append(
            {
                "goal": goal,
                "analysis": analysis,
                "flags": selectors.goal_flags(goal=goal, analysis=analysis),
            }
        )
    charters: dict = {}
    for row in rows:
        charters.setdefault(row["goal"].charter, []).append(row)
    charter_rows = [
        {
            "charter": charter,
            "rows": items,
            "rollup": selectors.rollup(
                [selectors.GoalSummary(r["goal"], r["analysis"], r["flags"]) for r in items]
            ),
        }
        for charter, items in charters.items()
    ]
    return render(
        request, "improvement/goal_list.html", {"page": page, "charter_rows": charter_rows}
    )


GOAL_CSV_HEADER = [
    "goal",
    "title",
    "charter",
    "measure",
    "dimension",
    "group",
    "reference_group",
    "aim",
    "target_value",
    "target_date",
    "baseline_period_label",
    "latest_period_label",
    "gap_change",
    "gap_change_lower",
    "gap_change_upper",
    "verdict",
    "percent_of_the_way",
    "on_track",
    "met",
    "variation",
    "assurance",
    "not_met",
    "not_sustained",
]


@org_view(Capability.VIEW)
def goal_list_csv(request):
    """One row per goal on this page's terms: the gap's change, progress, icons and flags."""
    goals = selectors.linkable_goals(organization=request.organization)

    def rows():
        for goal in goals.iterator(chunk_size=200):
            a = selectors.goal_analysis(goal=goal)
            g, p = a.gap_change, a.progress
            yield [
                goal.pk,
                goal.title,
                goal.charter.title,
                goal.measure,
                goal.dimension,
                goal.group,
                goal.reference_group,
                goal.aim,
                goal.target_value,
                goal.target_date.isoformat(),
                goal.baseline_period_label,
                a.latest.period_label if a.latest else "",
                g.change if g else None,
                g.lower if g else None,
                g.upper if g else None,
                g.verdict if g else "",
                p.percent if p else None,
                _bool(p.on_track) if p else "",
                _bool(p.met) if p else "",
                a.variation or "",
                a.assurance or "",
                _bool(a.not_met),
                _bool(a.not_sustained),
            ]

    return csv_download(
        request,
        what="improvement_goal",
        filename=f"improve-goals-{request.organization.slug}.csv",
        header=GOAL_CSV_HEADER,
        rows=rows(),
    )


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _goal(pk: int):
    return get_for_org(selectors.goal_queryset(), pk=pk)


def _chart_csv_url(request, goal) -> str:
    return _url(request, "improvement:goal_chart_csv", pk=goal.pk)


@org_view(Capability.VIEW)
def goal_detail(request, pk: int):
    goal = _goal(pk)
    analysis = selectors.goal_analysis(goal=goal)
    services.goal_chart_view_record(goal=goal, actor=request.user)
    flags = selectors.goal_flags(goal=goal, analysis=analysis)
    cycles = selectors.cycle_list(
        organization=request.organization,
        campaign_ids=selectors.goal_campaigns(goal=goal).values_list("pk", flat=True),
    )
    open_flags = [f for f in flags if f.open]
    context = {
        "goal": goal,
        "analysis": analysis,
        "charts": charts.goal_charts(
            analysis,
            csv_url=_chart_csv_url(request, goal),
            notes={
                "rates": analysis.basis_note(analysis.focus),
                "gap": analysis.basis_note(analysis.gap),
            },
        ),
        "flags": flags,
        "response_forms": [
            (f, GoalResponseForm(initial={"reason": f.reason}, cycles=cycles)) for f in open_flags
        ],
        "campaigns": list(selectors.goal_campaigns(goal=goal)),
        "rebaselines": list(selectors.goal_rebaselines(goal=goal)),
        "responses": list(selectors.goal_responses(goal=goal)[:20]),
        "rebaseline_form": _rebaseline_form(None, analysis),
        "explorer_url": api.explorer_url(
            request.organization, goal.measure, goal.dimension, goal.group
        ),
    }
    return render(request, "improvement/goal_detail.html", context)


@org_view(Capability.VIEW)
def goal_chart_csv(request, pk: int):
    goal = _goal(pk)
    analysis = selectors.goal_analysis(goal=goal)
    return csv_download(
        request,
        what="goal_chart",
        filters={"goal": goal.pk},
        filename=f"goal-{goal.pk}-chart-{request.organization.slug}.csv",
        header=CSV_COLUMNS,
        rows=analysis.csv_rows(),
    )


def _rebaseline_form(data, analysis):
    baseline = analysis.spec.baseline_period
    periods = [
        (p.period_start, p.period_label) for p in analysis.points if p.period_start > baseline
    ]
    return RebaselineForm(data, periods=periods)


@org_view(Capability.CREATE_PLANS)
@require_POST
def goal_rebaseline(request, pk: int):
    goal = _goal(pk)
    analysis = selectors.goal_analysis(goal=goal)
    form = _rebaseline_form(request.POST, analysis)
    if form.is_valid():
        try:
            services.rebaseline_record(goal=goal, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "New phase recorded: its centre line and limits are its own.")
    else:
        messages.error(request, "Choose the first period of the new phase and give a reason.")
    return redirect(_url(request, "improvement:goal_detail", pk=goal.pk))


@org_view(Capability.EDIT_STEPS)
@require_POST
def goal_respond(request, pk: int):
    goal = _goal(pk)
    analysis = selectors.goal_analysis(goal=goal)
    latest = analysis.latest
    flags = {f.reason: f for f in selectors.goal_flags(goal=goal, analysis=analysis) if f.open}
    cycles = selectors.cycle_list(
        organization=request.organization,
        campaign_ids=selectors.goal_campaigns(goal=goal).values_list("pk", flat=True),
    )
    form = GoalResponseForm(request.POST, cycles=cycles)
    if latest is None or not form.is_valid() or form.cleaned_data["reason"] not in flags:
        messages.error(
            request,
            " ".join(form.non_field_errors()) or "There is no open flag to respond to.",
        )
        return redirect(_url(request, "improvement:goal_detail", pk=goal.pk))
    try:
        services.goal_response_record(
            goal=goal,
            period_start=latest.period_start,
            actor=request.user,
            **form.cleaned_data,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        label = GoalResponse.Reason(form.cleaned_data["reason"]).label.lower()
        messages.success(request, f"Response recorded for the goal flagged {label}.")
    return redirect(_url(request, "improvement:goal_detail", pk=goal.pk))
