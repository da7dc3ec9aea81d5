"""Views of the Vision step: thin (authorize with @org_view, parse a form, call one service or
selector, render or redirect). Everyone may draft and create (CREATE_PLANS); leaders and
administrators approve (APPROVE), as DESIGN §3's table says."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from equity_portal.core import teams as core_teams
from equity_portal.core.exports import csv_download
from equity_portal.core.pages import error_text, filtered, page_of
from equity_portal.core.roles import Capability
from equity_portal.core.tenancy import get_for_org, org_view

from . import forms, selectors, services
from .models import (
    Charter,
    CharterGoal,
    CharterMeasure,
    CharterMilestone,
    CharterPartner,
    CommunityPartner,
    PriorityInequity,
    Team,
    VisionStatement,
)


def _go(request, name: str, **kwargs):
    return redirect(f"vision:{name}", org_slug=request.organization.slug, **kwargs)


def _form_page(request, form, title: str, *, cancel: str, intro: str = ""):
    context = {"form": form, "title": title, "cancel": cancel, "intro": intro}
    return render(request, "vision/form.html", context)


def _read_only(request, charter: Charter):
    """An edit page of a charter that is submitted, approved or superseded: say why, and how."""
    return render(request, "vision/charter_read_only.html", {"charter": charter})


# ---------------------------------------------------------------- landing page


@org_view(Capability.VIEW)
def index(request):
    organization = request.organization
    context = {
        "summary": selectors.vision_summary(organization=organization),
        "waiting": selectors.charters_waiting_for_approval(organization=organization)[:10],
    }
    return render(request, "vision/index.html", context)


# ---------------------------------------------------------------- vision statement


@org_view(Capability.VIEW)
def statement(request):
    organization = request.organization
    open_version = selectors.open_vision_statement(organization=organization)
    context = {
        "vision": selectors.approved_vision(organization),
        "open_version": open_version,
        "form": forms.VisionStatementForm(
            initial={"text": open_version.text} if open_version else None
        ),
        "decision_form": forms.DecisionForm(),
        "versions": selectors.vision_statement_list(organization=organization)[:50],
    }
    return render(request, "vision/statement.html", context)


@org_view(Capability.CREATE_PLANS)
@require_POST
def statement_save(request):
    """Save the open version's text, or start a new version when none is open."""
    form = forms.VisionStatementForm(request.POST)
    if form.is_valid():
        open_version = selectors.open_vision_statement(organization=request.organization)
        try:
            if open_version is None:
                services.vision_statement_create(
                    organization=request.organization,
                    actor=request.user,
                    text=form.cleaned_data["text"],
                )
            else:
                services.vision_statement_update(
                    statement=open_version, actor=request.user, text=form.cleaned_data["text"]
                )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "Vision statement saved as a draft.")
    else:
        messages.error(request, "Write the vision statement first.")
    return _go(request, "statement")


@org_view(Capability.CREATE_PLANS)
@require_POST
def statement_submit(request, pk: int):
    version = get_for_org(VisionStatement, pk=pk)
    try:
        services.vision_statement_submit(statement=version, actor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"Version {version.version} submitted for approval.")
    return _go(request, "statement")


@org_view(Capability.APPROVE)
@require_POST
def statement_decide(request, pk: int):
    version = get_for_org(VisionStatement, pk=pk)
    form = forms.DecisionForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        if request.POST.get("decision") == "approve":
            services.vision_statement_approve(
                statement=version, actor=request.user, comment=comment
            )
            messages.success(request, f"Version {version.version} approved.")
        else:
            services.vision_statement_return(statement=version, actor=request.user, comment=comment)
            messages.success(request, f"Version {version.version} returned with your comment.")
    except ValidationError as error:
        messages.error(request, error_text(error))
    return _go(request, "statement")


# ---------------------------------------------------------------- priorities


def _priorities(request):
    form = forms.PriorityFilterForm(request.GET or None)
    return filtered(request, form, selectors.priority_list, "status", "q")


@org_view(Capability.VIEW)
def priority_list(request):
    form, rows = _priorities(request)
    page = page_of(request, rows)
    page.object_list = list(page.object_list)
    for p in page.object_list:
        p.explorer_url = selectors.explorer_link(
            request.organization, p.measure, p.dimension, p.group
        )
    context = {
        "form": form,
        "page": page,
        "today": selectors.today_gaps(request.organization, list(page.object_list)),
        "adopted": selectors.adopted_priority_count(organization=request.organization),
        "few": selectors.FEW_PRIORITIES,
    }
    return render(request, "vision/priority_list.html", context)


@org_view(Capability.VIEW)
def priority_list_csv(request):
    _form, rows = _priorities(request)
    return csv_download(
        request,
        what="vision_priorities",
        header=[
            "measure",
            "dimension",
            "group",
            "reference_group",
            "status",
            "chosen_period_label",
            "chosen_difference",
            "chosen_ratio",
            "chosen_extract",
            "chosen_by",
            "chosen_at",
            "rationale",
        ],
        rows=(
            [
                p.measure,
                p.dimension,
                p.group,
                p.reference_group,
                p.status,
                p.snapshot.get("period_label", ""),
                p.snapshot.get("difference"),
                p.snapshot.get("ratio"),
                p.snapshot.get("extract_id"),
                p.chosen_by.email if p.chosen_by else "",
                p.chosen_at.isoformat(),
                p.rationale,
            ]
            for p in rows
        ),
    )


@org_view(Capability.CREATE_PLANS)
def priority_create(request):
    """'Make this a priority' from a disparities row or the explorer: GET shows the disparity's
    numbers with a rationale box (the key comes as query parameters), POST chooses it."""
    data = request.POST if request.method == "POST" else request.GET
    form = forms.PriorityForm(
        request.POST if request.method == "POST" else None,
        initial={k: data.get(k, "") for k in ("measure", "dimension", "group", "reference")},
    )
    measure, dimension, group = (data.get(k, "") for k in ("measure", "dimension", "group"))
    if not (measure and dimension and group):
        context = {"form": form, "preview": None, "key": None}
        return render(request, "vision/priority_create.html", context)
    existing = selectors.find_live_priority(
        organization=request.organization, measure=measure, dimension=dimension, group=group
    )
    if existing is not None and request.method != "POST":
        messages.info(request, "This disparity is already a priority.")
        return _go(request, "priority_detail", pk=existing.pk)
    if request.method == "POST" and form.is_valid():
        try:
            priority = services.priority_create(
                organization=request.organization,
                actor=request.user,
                measure=form.cleaned_data["measure"],
                dimension=form.cleaned_data["dimension"],
                group=form.cleaned_data["group"],
                reference_group=form.cleaned_data["reference"],
                rationale=form.cleaned_data["rationale"],
                submission_id=form.cleaned_data["submission_id"],
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, f"“{priority}” is now a proposed priority.")
            return _go(request, "priority_detail", pk=priority.pk)
    preview = selectors.priority_preview(
        request.organization, measure, dimension, group, data.get("reference", "")
    )
    context = {
        "form": form,
        "preview": preview,
        "key": {"measure": measure, "dimension": dimension, "group": group},
        "explorer_url": selectors.explorer_link(request.organization, measure, dimension, group),
    }
    return render(request, "vision/priority_create.html", context)


@org_view(Capability.VIEW)
def priority_detail(request, pk: int):
    priority = get_for_org(PriorityInequity.objects.select_related("chosen_by"), pk=pk)
    context = {
        "priority": priority,
        "today": selectors.today_gaps(request.organization, [priority]).get(priority.pk),
        "explorer_url": selectors.explorer_link(
            request.organization, priority.measure, priority.dimension, priority.group
        ),
        "goals": selectors.goal_list(organization=request.organization).filter(priority=priority),
        "rationale_form": forms.PriorityRationaleForm(initial={"rationale": priority.rationale}),
    }
    return render(request, "vision/priority_detail.html", context)


@org_view(Capability.CREATE_PLANS)
@require_POST
def priority_edit(request, pk: int):
    priority = get_for_org(PriorityInequity, pk=pk)
    form = forms.PriorityRationaleForm(request.POST)
    if form.is_valid():
        services.priority_update(
            priority=priority, actor=request.user, rationale=form.cleaned_data["rationale"]
        )
        messages.success(request, "Rationale saved.")
    return _go(request, "priority_detail", pk=priority.pk)


@org_view(Capability.APPROVE)
@require_POST
def priority_status(request, pk: int):
    priority = get_for_org(PriorityInequity, pk=pk)
    try:
        services.priority_set_status(
            priority=priority, actor=request.user, status=request.POST.get("status", "")
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"Priority {priority.get_status_display().lower()}.")
    return _go(request, "priority_detail", pk=priority.pk)


# ---------------------------------------------------------------- teams


def _teams(request):
    form = forms.SearchForm(request.GET or None)
    return filtered(request, form, selectors.team_list, "q")


@org_view(Capability.VIEW)
def team_list(request):
    form, rows = _teams(request)
    return render(request, "vision/team_list.html", {"form": form, "page": page_of(request, rows)})


@org_view(Capability.VIEW)
def team_list_csv(request):
    _form, rows = _teams(request)
    return csv_download(
        request,
        what="vision_teams",
        header=["team", "executive_sponsor", "lead", "active_members", "charters"],
        rows=(
            [
                t.name,
                t.executive_sponsor.user.email if t.executive_sponsor else "",
                t.lead.user.email if t.lead else "",
                t.member_count,
                t.charter_count,
            ]
            for t in rows
        ),
    )


@org_view(Capability.VIEW)
def team_detail(request, pk: int):
    team = get_for_org(Team.objects.select_related("executive_sponsor__user", "lead__user"), pk=pk)
    context = {
        "team": team,
        "members": team.members.filter(is_active=True).select_related("user"),
        "charters": selectors.charter_list(organization=request.organization, team=team),
    }
    return render(request, "vision/team_detail.html", context)


def _team_fields(data: dict) -> dict:
    return {k: data[k] for k in ("name", "members", "executive_sponsor", "lead")}


@org_view(Capability.CREATE_PLANS)
def team_create(request):
    form = forms.TeamForm(request.POST or None, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        try:
            team = core_teams.team_create(
                organization=request.organization,
                actor=request.user,
                submission_id=form.cleaned_data["submission_id"],
                **_team_fields(form.cleaned_data),
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, f"Team “{team.name}” created.")
            return _go(request, "team_detail", pk=team.pk)
    cancel = "vision:team_list"
    return _form_page(request, form, "New team", cancel=cancel)


@org_view(Capability.CREATE_PLANS)
def team_edit(request, pk: int):
    team = get_for_org(Team, pk=pk)
    initial = {
        "name": team.name,
        "members": list(team.members.filter(is_active=True)),
        "executive_sponsor": team.executive_sponsor_id,
        "lead": team.lead_id,
    }
    form = forms.TeamForm(request.POST or None, initial=initial, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        try:
            core_teams.team_update(team=team, actor=request.user, **_team_fields(form.cleaned_data))
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, "Team saved.")
            return _go(request, "team_detail", pk=team.pk)
    return _form_page(request, form, f"Edit {team.name}", cancel="vision:team_list")


# ---------------------------------------------------------------- charters


def _charters(request):
    form = forms.CharterFilterForm(request.GET or None, organization=request.organization)
    return filtered(request, form, selectors.charter_list, "status", "team", "q")


@org_view(Capability.VIEW)
def charter_list(request):
    form, rows = _charters(request)
    return render(
        request, "vision/charter_list.html", {"form": form, "page": page_of(request, rows)}
    )


@org_view(Capability.VIEW)
def charter_list_csv(request):
    _form, rows = _charters(request)
    return csv_download(
        request,
        what="vision_charters",
        header=[
            "charter",
            "revision",
            "status",
            "team",
            "sponsor",
            "lead",
            "goals",
            "submitted_at",
            "decided_at",
        ],
        rows=(
            [
                c.title,
                c.revision,
                c.status,
                c.team.name,
                c.sponsor.user.email if c.sponsor else "",
                c.lead.user.email if c.lead else "",
                c.goal_count,
                c.submitted_at.isoformat() if c.submitted_at else "",
                c.decided_at.isoformat() if c.decided_at else "",
            ]
            for c in rows
        ),
    )


def _charter(pk: int) -> Charter:
    return get_for_org(
        Charter.objects.select_related(
            "team",
            "sponsor__user",
            "lead__user",
            "improvement_advisor__user",
            "created_by",
            "submitted_by",
            "decided_by",
            "parent",
        ),
        pk=pk,
    )


@org_view(Capability.VIEW)
def charter_detail(request, pk: int):
    charter = _charter(pk)
    context = {
        "charter": charter,
        "decision_form": forms.DecisionForm(),
        "measure_form": forms.CharterMeasureForm(),
        "milestone_form": forms.CharterMilestoneForm(),
        "partner_form": forms.CharterPartnerForm(organization=request.organization),
        **selectors.charter_detail(charter=charter),
    }
    return render(request, "vision/charter_detail.html", context)


CHARTER_FIELDS = (
    "title",
    "problem_statement",
    "background",
    "global_aim",
    "scope_in",
    "scope_out",
    "population_of_focus",
    "sponsor",
    "lead",
    "improvement_advisor",
    "patient_family_voice",
    "change_ideas",
    "risks",
)


@org_view(Capability.CREATE_PLANS)
def charter_create(request):
    initial = {}
    if request.GET.get("team"):
        initial["team"] = request.GET["team"]
    form = forms.CharterForm(
        request.POST or None, initial=initial, organization=request.organization
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            charter = services.charter_create(
                organization=request.organization,
                actor=request.user,
                team=data["team"],
                submission_id=data["submission_id"],
                **{f: data[f] for f in CHARTER_FIELDS},
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, "Charter created as a draft. Add its SMART goals next.")
            return _go(request, "charter_detail", pk=charter.pk)
    return _form_page(
        request,
        form,
        "New charter",
        cancel="vision:charter_list",
        intro="A project charter launches a team's improvement work. Start with the title, the "
        "team and the problem; add SMART goals, measures, milestones and partners on the "
        "charter's page.",
    )


@org_view(Capability.CREATE_PLANS)
def charter_edit(request, pk: int):
    charter = _charter(pk)
    if not charter.is_editable:
        return _read_only(request, charter)
    initial = {f: getattr(charter, f) for f in CHARTER_FIELDS} | {"team": charter.team}
    form = forms.CharterForm(
        request.POST or None, initial=initial, organization=request.organization
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.charter_update(
                charter=charter,
                actor=request.user,
                team=data["team"],
                **{f: data[f] for f in CHARTER_FIELDS},
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, "Charter saved.")
            return _go(request, "charter_detail", pk=charter.pk)
    return _form_page(request, form, f"Edit {charter.title}", cancel="vision:charter_list")


@org_view(Capability.CREATE_PLANS)
@require_POST
def charter_submit(request, pk: int):
    charter = _charter(pk)
    try:
        services.charter_submit(charter=charter, actor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Charter submitted: a leader will approve it or return it.")
    return _go(request, "charter_detail", pk=charter.pk)


@org_view(Capability.APPROVE)
@require_POST
def charter_decide(request, pk: int):
    charter = _charter(pk)
    form = forms.DecisionForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        if request.POST.get("decision") == "approve":
            services.charter_approve(charter=charter, actor=request.user, comment=comment)
            messages.success(request, "Charter approved.")
        else:
            services.charter_return(charter=charter, actor=request.user, comment=comment)
            messages.success(request, "Charter returned with your comment.")
    except ValidationError as error:
        messages.error(request, error_text(error))
    return _go(request, "charter_detail", pk=charter.pk)


@org_view(Capability.CREATE_PLANS)
@require_POST
def charter_revise(request, pk: int):
    charter = _charter(pk)
    try:
        new = services.charter_revise(charter=charter, actor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return _go(request, "charter_detail", pk=charter.pk)
    messages.success(
        request,
        f"Revision {new.revision} started as a draft; revision {charter.revision} stays in force "
        "until it is approved.",
    )
    return _go(request, "charter_detail", pk=new.pk)


def _part_add(request, pk: int, form, add, *, added: str, invalid: str):
    """Add a part (measure, milestone, partner role) to a charter from its detail page."""
    charter = _charter(pk)
    if form.is_valid():
        try:
            add(charter=charter, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, added)
    else:
        messages.error(request, invalid)
    return _go(request, "charter_detail", pk=charter.pk)


def _part_remove(request, queryset, pk: int, remove, argument: str):
    part = get_for_org(queryset, pk=pk)
    try:
        remove(**{argument: part}, actor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    return _go(request, "charter_detail", pk=part.charter_id)


@org_view(Capability.CREATE_PLANS)
@require_POST
def charter_measure_add(request, pk: int):
    return _part_add(
        request,
        pk,
        forms.CharterMeasureForm(request.POST),
        services.charter_measure_add,
        added="Measure added.",
        invalid="A measure needs a kind and a name.",
    )


@org_view(Capability.CREATE_PLANS)
@require_POST
def charter_measure_remove(request, charter_pk: int, pk: int):
    queryset = CharterMeasure.objects.select_related("charter")
    return _part_remove(request, queryset, pk, services.charter_measure_remove, "measure")


@org_view(Capability.CREATE_PLANS)
@require_POST
def charter_milestone_add(request, pk: int):
    return _part_add(
        request,
        pk,
        forms.CharterMilestoneForm(request.POST),
        services.charter_milestone_add,
        added="Milestone added.",
        invalid="A milestone needs a title and a date.",
    )


@org_view(Capability.CREATE_PLANS)
@require_POST
def charter_milestone_remove(request, charter_pk: int, pk: int):
    queryset = CharterMilestone.objects.select_related("charter")
    return _part_remove(request, queryset, pk, services.charter_milestone_remove, "milestone")


@org_view(Capability.CREATE_PLANS)
@require_POST
def charter_partner_add(request, pk: int):
    return _part_add(
        request,
        pk,
        forms.CharterPartnerForm(request.POST, organization=request.organization),
        services.charter_partner_set,
        added="Partner's role saved.",
        invalid="Choose a partner and describe their role.",
    )


@org_view(Capability.CREATE_PLANS)
@require_POST
def charter_partner_remove(request, charter_pk: int, pk: int):
    queryset = CharterPartner.objects.select_related("charter", "partner")
    return _part_remove(request, queryset, pk, services.charter_partner_remove, "link")


# ---------------------------------------------------------------- SMART goals


@org_view(Capability.CREATE_PLANS)
def goal_create(request, pk: int):
    charter = _charter(pk)
    if not charter.is_editable:
        return _read_only(request, charter)
    initial = {"priority": request.GET.get("priority")} if request.GET.get("priority") else {}
    form = forms.GoalForm(request.POST or None, initial=initial, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            goal = services.goal_create(
                charter=charter,
                actor=request.user,
                priority=data["priority"],
                title=data["title"],
                aim=data["aim"],
                target_value=form.target_value,
                target_date=data["target_date"],
                granularity=data["granularity"],
                owner=data["owner"],
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(
                request,
                "Goal added; its baseline was filled in from the data hub."
                if goal.has_baseline
                else "Goal added, but the data hub has no baseline for it yet.",
            )
            return _go(request, "goal_detail", pk=goal.pk)
    context = {
        "form": form,
        "charter": charter,
        "priorities_exist": selectors.priority_choices(organization=request.organization).exists(),
    }
    return render(request, "vision/goal_form.html", context)


def _goal(pk: int) -> CharterGoal:
    return get_for_org(
        CharterGoal.objects.select_related("charter", "priority", "owner__user"), pk=pk
    )


@org_view(Capability.VIEW)
def goal_detail(request, pk: int):
    goal = _goal(pk)
    context = {
        "goal": goal,
        "charter": goal.charter,
        "warnings": selectors.goal_warnings(goal),
        "target_shown": forms.GoalForm.target_for_display(goal.aim, goal.target_value),
        "explorer_url": selectors.explorer_link(
            request.organization, goal.measure, goal.dimension, goal.group
        ),
    }
    return render(request, "vision/goal_detail.html", context)


@org_view(Capability.CREATE_PLANS)
def goal_edit(request, pk: int):
    goal = _goal(pk)
    if not goal.charter.is_editable:
        return _read_only(request, goal.charter)
    initial = {
        "title": goal.title,
        "aim": goal.aim,
        "target": forms.GoalForm.target_for_display(goal.aim, goal.target_value),
        "target_date": goal.target_date,
        "granularity": goal.granularity,
        "owner": goal.owner_id,
    }
    form = forms.GoalForm(
        request.POST or None, initial=initial, organization=request.organization, editing=True
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.goal_update(
                goal=goal,
                actor=request.user,
                title=data["title"],
                aim=data["aim"],
                target_value=form.target_value,
                target_date=data["target_date"],
                granularity=data["granularity"],
                owner=data["owner"],
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, "Goal saved.")
            return _go(request, "goal_detail", pk=goal.pk)
    context = {"form": form, "charter": goal.charter, "goal": goal}
    return render(request, "vision/goal_form.html", context)


@org_view(Capability.CREATE_PLANS)
@require_POST
def goal_delete(request, pk: int):
    goal = _goal(pk)
    try:
        services.goal_delete(goal=goal, actor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return _go(request, "goal_detail", pk=goal.pk)
    messages.success(request, "Goal removed.")
    return _go(request, "charter_detail", pk=goal.charter_id)


@org_view(Capability.CREATE_PLANS)
def goal_baseline(request, pk: int):
    """GET: the stored baseline beside today's numbers (the change); POST: take today's."""
    goal = _goal(pk)
    if request.method == "POST":
        try:
            services.goal_baseline_refresh(goal=goal, actor=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "Baseline refreshed from the data hub.")
        return _go(request, "goal_detail", pk=goal.pk)
    context = {
        "goal": goal,
        "charter": goal.charter,
        "fresh": services.goal_baseline_preview(goal=goal),
    }
    return render(request, "vision/goal_baseline.html", context)


@org_view(Capability.VIEW)
def goals_csv(request):
    return csv_download(
        request,
        what="vision_goals",
        header=selectors.GOAL_CSV_COLUMNS,
        rows=selectors.goal_csv_rows(organization=request.organization),
        filename=f"goals-{request.organization.slug}.csv",
    )


# ---------------------------------------------------------------- community partners


def _partners(request):
    form = forms.PartnerFilterForm(request.GET or None)
    return filtered(request, form, selectors.partner_list, "kind", "q")


@org_view(Capability.VIEW)
def partner_list(request):
    form, rows = _partners(request)
    return render(
        request, "vision/partner_list.html", {"form": form, "page": page_of(request, rows)}
    )


@org_view(Capability.VIEW)
def partner_list_csv(request):
    _form, rows = _partners(request)
    return csv_download(
        request,
        what="vision_partners",
        header=["partner", "kind", "contact", "email", "phone", "charters", "description"],
        rows=(
            [
                p.name,
                p.get_kind_display(),
                p.contact_name,
                p.contact_email,
                p.contact_phone,
                p.charter_count,
                p.description,
            ]
            for p in rows
        ),
    )


@org_view(Capability.VIEW)
def partner_detail(request, pk: int):
    partner = get_for_org(CommunityPartner, pk=pk)
    context = {"partner": partner, "roles": selectors.partner_charters(partner=partner)}
    return render(request, "vision/partner_detail.html", context)


PARTNER_FIELDS = (
    "name",
    "kind",
    "contact_name",
    "contact_email",
    "contact_phone",
    "description",
    "community_data_url",
)


@org_view(Capability.CREATE_PLANS)
def partner_create(request):
    form = forms.PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_create(
                organization=request.organization,
                actor=request.user,
                submission_id=form.cleaned_data["submission_id"],
                **{f: form.cleaned_data[f] for f in PARTNER_FIELDS},
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, f"“{partner.name}” added.")
            return _go(request, "partner_detail", pk=partner.pk)
    return _form_page(request, form, "New community partner", cancel="vision:partner_list")


@org_view(Capability.CREATE_PLANS)
def partner_edit(request, pk: int):
    partner = get_for_org(CommunityPartner, pk=pk)
    initial = {f: getattr(partner, f) for f in PARTNER_FIELDS}
    form = forms.PartnerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_update(
                partner=partner,
                actor=request.user,
                **{f: form.cleaned_data[f] for f in PARTNER_FIELDS},
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, "Partner saved.")
            return _go(request, "partner_detail", pk=partner.pk)
    return _form_page(request, form, f"Edit {partner.name}", cancel="vision:partner_list")
