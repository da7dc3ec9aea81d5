"""Views of the Learn step: thin (authorize with @org_view, parse a form, call one service or
selector, render or redirect). Everyone with EDIT_STEPS edits (DESIGN §3)."""

from collections.abc import Iterable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from equity_portal.core import teams
from equity_portal.core.exports import csv_download
from equity_portal.core.pages import error_text, filtered, filters_of, page_of
from equity_portal.core.roles import Capability
from equity_portal.core.tenancy import get_for_org, org_view

from . import charts, forms, selectors, services
from .models import GlossaryTerm, LearningPlan, LearningSession, PlanItem, Resource, Team


def _csv(request, what: str, header: list[str], rows: Iterable[Iterable]) -> HttpResponse:
    return csv_download(request, what=what, header=header, rows=rows)


def _go(request, name: str, **kwargs):
    return redirect(f"learning:{name}", org_slug=request.organization.slug, **kwargs)


# ---------------------------------------------------------------- landing page


@org_view(Capability.VIEW)
def index(request):
    organization = request.organization
    summary = selectors.completion_summary(organization=organization)
    mine = selectors.assigned_items_for(organization=organization, membership=request.membership)
    context = {
        "summary": summary,
        "my_items": [a for a in mine if not a.done][:10],
        "my_done": sum(a.done for a in mine),
        "my_total": len(mine),
        "resource_count": selectors.resource_list(organization=organization).count(),
        "term_count": selectors.glossary_term_list(organization=organization).count(),
        "plan_count": selectors.plan_list(organization=organization).count(),
        "team_count": selectors.team_list(organization=organization).count(),
        "recent_sessions": selectors.session_list(organization=organization)[:3],
    }
    return render(request, "learning/index.html", context)


# ---------------------------------------------------------------- library


def _resources(request):
    form = forms.ResourceFilterForm(request.GET or None, organization=request.organization)
    return filtered(request, form, selectors.resource_list, "q", "kind", "step", "tag")


@org_view(Capability.VIEW)
def resource_list(request):
    form, rows = _resources(request)
    return render(
        request, "learning/resource_list.html", {"form": form, "page": page_of(request, rows)}
    )


@org_view(Capability.VIEW)
def resource_list_csv(request):
    _form, rows = _resources(request)
    return _csv(
        request,
        "learning_library",
        ["title", "kind", "step", "tags", "link", "summary"],
        (
            [r.title, r.get_kind_display(), r.get_step_display(), r.tags, r.url, r.summary]
            for r in rows
        ),
    )


@org_view(Capability.VIEW)
def resource_detail(request, pk: int):
    resource = get_for_org(Resource, pk=pk)
    return render(request, "learning/resource_detail.html", {"resource": resource})


def _resource_fields(data: dict) -> dict:
    return {k: data[k] for k in ("title", "kind", "url", "summary", "tags", "step")}


@org_view(Capability.EDIT_STEPS)
def resource_create(request):
    form = forms.ResourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            resource = services.resource_create(
                organization=request.organization,
                actor=request.user,
                submission_id=form.cleaned_data["submission_id"],
                **_resource_fields(form.cleaned_data),
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, f"“{resource.title}” added to the library.")
            return _go(request, "resource_detail", pk=resource.pk)
    return render(request, "learning/form.html", {"form": form, "title": "Add to the library"})


@org_view(Capability.EDIT_STEPS)
def resource_edit(request, pk: int):
    resource = get_for_org(Resource, pk=pk)
    initial = {**_resource_fields(resource.__dict__), "tags": ", ".join(resource.tag_list)}
    form = forms.ResourceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.resource_update(
                resource=resource, actor=request.user, **_resource_fields(form.cleaned_data)
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, "Resource saved.")
            return _go(request, "resource_detail", pk=resource.pk)
    return render(
        request,
        "learning/form.html",
        {
            "form": form,
            "title": f"Edit “{resource.title}”",
            "delete_url": "learning:resource_delete",
            "object": resource,
        },
    )


@org_view(Capability.EDIT_STEPS)
@require_POST
def resource_delete(request, pk: int):
    resource = get_for_org(Resource, pk=pk)
    try:
        services.resource_delete(resource=resource, actor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return _go(request, "resource_detail", pk=pk)
    messages.success(request, f"“{resource.title}” removed from the library.")
    return _go(request, "resource_list")


@org_view(Capability.EDIT_STEPS)
@require_POST
def seed_defaults(request):
    counts = services.learning_seed_defaults(organization=request.organization, actor=request.user)
    if counts["resources"] or counts["terms"]:
        messages.success(
            request,
            f"Added {counts['resources']} starter resources and {counts['terms']} glossary terms.",
        )
    else:
        messages.info(request, "The starter library and glossary were already added.")
    return _go(request, "index")


# ---------------------------------------------------------------- glossary


def _terms(request):
    form = forms.SearchFilterForm(request.GET or None)
    return filtered(request, form, selectors.glossary_term_list, "q")


@org_view(Capability.VIEW)
def glossary(request):
    form, rows = _terms(request)
    return render(request, "learning/glossary.html", {"form": form, "page": page_of(request, rows)})


@org_view(Capability.VIEW)
def glossary_csv(request):
    _form, rows = _terms(request)
    return _csv(
        request,
        "glossary",
        ["term", "other names", "definition"],
        ([t.term, t.aliases, t.definition] for t in rows),
    )


@org_view(Capability.VIEW)
def glossary_term(request, slug: str):
    entry = get_for_org(GlossaryTerm, slug=slug)
    return render(request, "learning/glossary_term.html", {"entry": entry})


@org_view(Capability.EDIT_STEPS)
def glossary_term_create(request):
    form = forms.GlossaryTermForm(request.POST or None, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.glossary_term_create(
                organization=request.organization,
                actor=request.user,
                term=data["term"],
                aliases=data["aliases"],
                definition=data["definition"],
                submission_id=data["submission_id"],
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, f"“{entry.term}” added to the glossary.")
            return _go(request, "glossary_term", slug=entry.slug)
    return render(request, "learning/form.html", {"form": form, "title": "Add a glossary term"})


@org_view(Capability.EDIT_STEPS)
def glossary_term_edit(request, slug: str):
    entry = get_for_org(GlossaryTerm, slug=slug)
    initial = {"term": entry.term, "aliases": entry.aliases, "definition": entry.definition}
    form = forms.GlossaryTermForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.glossary_term_update(
                entry=entry,
                actor=request.user,
                term=data["term"],
                aliases=data["aliases"],
                definition=data["definition"],
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, "Glossary entry saved.")
            return _go(request, "glossary_term", slug=entry.slug)
    return render(
        request,
        "learning/form.html",
        {
            "form": form,
            "title": f"Edit “{entry.term}”",
            "delete_url": "learning:glossary_term_delete",
            "object": entry,
            "object_key": entry.slug,
        },
    )


@org_view(Capability.EDIT_STEPS)
@require_POST
def glossary_term_delete(request, slug: str):
    entry = get_for_org(GlossaryTerm, slug=slug)
    services.glossary_term_delete(entry=entry, actor=request.user)
    messages.success(request, f"“{entry.term}” removed from the glossary.")
    return _go(request, "glossary")


# ---------------------------------------------------------------- teams


def _teams(request):
    form = forms.SearchFilterForm(request.GET or None)
    return filtered(request, form, selectors.team_list, "q")


@org_view(Capability.VIEW)
def team_list(request):
    form, rows = _teams(request)
    return render(
        request, "learning/team_list.html", {"form": form, "page": page_of(request, rows)}
    )


@org_view(Capability.VIEW)
def team_list_csv(request):
    _form, rows = _teams(request)
    rows = rows.prefetch_related("members__user")
    return _csv(
        request,
        "learning_teams",
        ["team", "active members", "members"],
        (
            [
                t.name,
                t.member_count,
                "; ".join(m.user.email for m in t.members.all() if m.is_active),
            ]
            for t in rows
        ),
    )


@org_view(Capability.VIEW)
def team_detail(request, pk: int):
    team = get_for_org(Team, pk=pk)
    summary = selectors.completion_summary(organization=request.organization)
    context = {
        "team": team,
        "members": selectors.team_members(team=team),
        "plans": selectors.plan_list(organization=request.organization, team=team),
        "progress": next((t for t in summary.teams if t.pk == team.pk), None),
        "plan_progress": summary.plans,
    }
    return render(request, "learning/team_detail.html", context)


@org_view(Capability.EDIT_STEPS)
def team_create(request):
    form = forms.TeamForm(request.POST or None, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        try:
            team = teams.team_create(
                organization=request.organization,
                actor=request.user,
                name=form.cleaned_data["name"],
                members=form.cleaned_data["members"],
                submission_id=form.cleaned_data["submission_id"],
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, f"Team “{team.name}” created.")
            return _go(request, "team_detail", pk=team.pk)
    return render(request, "learning/form.html", {"form": form, "title": "New team"})


@org_view(Capability.EDIT_STEPS)
def team_edit(request, pk: int):
    team = get_for_org(Team, pk=pk)
    initial = {"name": team.name, "members": list(team.members.filter(is_active=True))}
    form = forms.TeamForm(request.POST or None, initial=initial, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        try:
            teams.team_update(
                team=team,
                actor=request.user,
                name=form.cleaned_data["name"],
                members=form.cleaned_data["members"],
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, "Team saved.")
            return _go(request, "team_detail", pk=team.pk)
    return render(request, "learning/form.html", {"form": form, "title": f"Edit {team.name}"})


# ---------------------------------------------------------------- plans


def _plans(request):
    form = forms.PlanFilterForm(request.GET or None, organization=request.organization)
    filters = filters_of(form)
    rows = selectors.plan_list(
        organization=request.organization,
        q=filters.get("q"),
        assignee=filters.get("assignee"),
        team=filters.get("team"),
        for_member=request.membership if filters.get("mine") else None,
    )
    return form, rows


@org_view(Capability.VIEW)
def plan_list(request):
    form, rows = _plans(request)
    summary = selectors.completion_summary(organization=request.organization)
    page = page_of(request, rows)
    page.object_list = list(page.object_list)
    for plan in page.object_list:
        plan.progress = summary.plans.get(plan.pk)
    return render(request, "learning/plan_list.html", {"form": form, "page": page})


@org_view(Capability.VIEW)
def plan_list_csv(request):
    _form, rows = _plans(request)
    summary = selectors.completion_summary(organization=request.organization)
    empty = selectors.Progress(label="")

    def line(plan):
        progress = summary.plans.get(plan.pk, empty)
        return [
            plan.title,
            plan.assigned_to_label,
            plan.item_count,
            progress.assigned,
            progress.done,
            progress.overdue,
            "" if progress.percent is None else progress.percent,
        ]

    return _csv(
        request,
        "learning_plans",
        ["plan", "assigned to", "items", "assignments", "done", "overdue", "percent done"],
        (line(plan) for plan in rows),
    )


@org_view(Capability.VIEW)
def plan_detail(request, pk: int):
    plan = get_for_org(LearningPlan.objects.select_related("assignee__user", "team"), pk=pk)
    membership = request.membership
    items = list(selectors.plan_item_list(plan=plan))
    completions = list(
        selectors.completion_list(organization=request.organization, viewer=membership, plan=plan)
    )
    by_item: dict[int, list] = {}
    for completion in completions:
        by_item.setdefault(completion.item_id, []).append(completion)
    summary = selectors.completion_summary(organization=request.organization)
    mine = {c.item_id: c for c in completions if c.membership_id == membership.pk}
    today = timezone.localdate()
    rows = [
        {
            "item": item,
            "completions": by_item.get(item.pk, []),
            "mine": mine.get(item.pk),
            "progress": summary.items.get(item.pk),
            "overdue": item.due_date < today,
        }
        for item in items
    ]
    context = {
        "plan": plan,
        "rows": rows,
        "progress": summary.plans.get(plan.pk),
        "is_assignee": services.plan_assigned_to(plan, membership),
        "item_form": forms.PlanItemForm(organization=request.organization),
        "team_members": selectors.team_members(team=plan.team) if plan.team_id else None,
    }
    return render(request, "learning/plan_detail.html", context)


def _plan_form_values(data: dict) -> dict:
    return {
        "title": data["title"],
        "description": data["description"],
        "assignee": data["assignee"],
        "team": data["team"],
    }


@org_view(Capability.EDIT_STEPS)
def plan_create(request):
    initial = {}
    if "team" in request.GET:
        initial["team"] = request.GET["team"]
    form = forms.LearningPlanForm(
        request.POST or None, initial=initial, organization=request.organization
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.learning_plan_create(
                organization=request.organization,
                actor=request.user,
                submission_id=form.cleaned_data["submission_id"],
                **_plan_form_values(form.cleaned_data),
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, f"Plan “{plan.title}” created: now add library items.")
            return _go(request, "plan_detail", pk=plan.pk)
    return render(request, "learning/form.html", {"form": form, "title": "New learning plan"})


@org_view(Capability.EDIT_STEPS)
def plan_edit(request, pk: int):
    plan = get_for_org(LearningPlan, pk=pk)
    initial = {
        "title": plan.title,
        "description": plan.description,
        "assignee": plan.assignee_id,
        "team": plan.team_id,
    }
    form = forms.LearningPlanForm(
        request.POST or None, initial=initial, organization=request.organization
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.learning_plan_update(
                plan=plan, actor=request.user, **_plan_form_values(form.cleaned_data)
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, "Plan saved.")
            return _go(request, "plan_detail", pk=plan.pk)
    return render(request, "learning/form.html", {"form": form, "title": f"Edit {plan.title}"})


@org_view(Capability.EDIT_STEPS)
@require_POST
def plan_item_add(request, pk: int):
    plan = get_for_org(LearningPlan, pk=pk)
    form = forms.PlanItemForm(request.POST, organization=request.organization)
    if not form.is_valid():
        messages.error(request, "Choose a library item and a due date.")
        return _go(request, "plan_detail", pk=plan.pk)
    try:
        item = services.plan_item_add(
            plan=plan,
            actor=request.user,
            resource=form.cleaned_data["resource"],
            due_date=form.cleaned_data["due_date"],
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"“{item.resource.title}” is in the plan, due {item.due_date}.")
    return _go(request, "plan_detail", pk=plan.pk)


def _plan_item(plan_pk: int, pk: int) -> PlanItem:
    return get_for_org(PlanItem.objects.select_related("plan", "resource"), pk=pk, plan_id=plan_pk)


@org_view(Capability.EDIT_STEPS)
@require_POST
def plan_item_remove(request, plan_pk: int, pk: int):
    item = _plan_item(plan_pk, pk)
    services.plan_item_remove(item=item, actor=request.user)
    messages.success(request, f"“{item.resource.title}” removed from the plan.")
    return _go(request, "plan_detail", pk=plan_pk)


@org_view(Capability.EDIT_STEPS)
def plan_item_done(request, plan_pk: int, pk: int):
    """Mark an item done for the requesting member, with an optional reflection."""
    item = _plan_item(plan_pk, pk)
    existing = (
        selectors.completion_list(
            organization=request.organization,
            viewer=request.membership,
            membership=request.membership,
        )
        .filter(item=item)
        .first()
    )
    initial = {"reflection": existing.visible_reflection} if existing else {}
    form = forms.CompletionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_item_mark_done(
                item=item,
                membership=request.membership,
                actor=request.user,
                reflection=form.cleaned_data["reflection"],
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, f"“{item.resource.title}” marked done.")
            return _go(request, "plan_detail", pk=plan_pk)
    return render(
        request,
        "learning/plan_item_done.html",
        {"form": form, "item": item, "existing": existing},
    )


@org_view(Capability.EDIT_STEPS)
@require_POST
def plan_item_undone(request, plan_pk: int, pk: int):
    item = _plan_item(plan_pk, pk)
    services.plan_item_mark_undone(item=item, membership=request.membership, actor=request.user)
    messages.success(request, f"“{item.resource.title}” is open again.")
    return _go(request, "plan_detail", pk=plan_pk)


# ---------------------------------------------------------------- progress


def _progress(request):
    organization = request.organization
    form = forms.ProgressFilterForm(request.GET or None, organization=organization)
    filters = filters_of(form)
    summary = selectors.completion_summary(organization=organization)
    people = summary.people
    if filters.get("team"):
        ids = set(filters["team"].members.values_list("pk", flat=True))
        people = [p for p in people if p.pk in ids]
    if filters.get("q"):
        people = [p for p in people if filters["q"].lower() in p.label.lower()]
    return form, summary, people


@org_view(Capability.VIEW)
def progress(request):
    form, summary, people = _progress(request)
    context = {
        "form": form,
        "summary": summary,
        "page": page_of(request, people),
        "chart": charts.progress_figure(summary),
        "chart_rows": charts.progress_chart_rows(summary),
    }
    return render(request, "learning/progress.html", context)


@org_view(Capability.VIEW)
def progress_csv(request):
    _form, summary, people = _progress(request)

    def line(kind, row):
        percent = "" if row.percent is None else row.percent
        return [kind, row.label, row.assigned, row.done, row.overdue, percent]

    rows = [line("organization", summary.organization)]
    rows += [line("team", t) for t in summary.teams]
    rows += [line("person", p) for p in people]
    return _csv(
        request,
        "learning_progress",
        ["level", "name", "assigned", "done", "overdue", "percent done"],
        rows,
    )


# ---------------------------------------------------------------- sessions


def _sessions(request):
    form = forms.SessionFilterForm(request.GET or None, organization=request.organization)
    return filtered(request, form, selectors.session_list, "q", "date_from", "date_to", "attendee")


@org_view(Capability.VIEW)
def session_list(request):
    form, rows = _sessions(request)
    return render(
        request, "learning/session_list.html", {"form": form, "page": page_of(request, rows)}
    )


@org_view(Capability.VIEW)
def session_list_csv(request):
    _form, rows = _sessions(request)
    rows = rows.prefetch_related("attendees__user", "resources")
    return _csv(
        request,
        "learning_sessions",
        ["date", "topic", "attendees", "attendee emails", "resources", "notes"],
        (
            [
                s.date.isoformat(),
                s.topic,
                s.attendee_count,
                "; ".join(m.user.email for m in s.attendees.all()),
                "; ".join(r.title for r in s.resources.all()),
                s.notes,
            ]
            for s in rows
        ),
    )


@org_view(Capability.VIEW)
def session_detail(request, pk: int):
    session = get_for_org(LearningSession, pk=pk)
    reflections = list(
        selectors.session_reflection_list(session=session, viewer=request.membership)
    )
    mine = next((r for r in reflections if r.author_id == request.membership.pk), None)
    context = {
        "session": session,
        "attendees": session.attendees.select_related("user").order_by("user__email"),
        "resources": session.resources.order_by("title"),
        "reflections": reflections,
        "reflection_form": forms.ReflectionForm(
            initial={"text": mine.visible_reflection} if mine else None
        ),
        "my_reflection": mine,
    }
    return render(request, "learning/session_detail.html", context)


def _session_values(data: dict) -> dict:
    return {
        "session_date": data["date"],
        "topic": data["topic"],
        "notes": data["notes"],
        "resources": data["resources"],
        "attendees": data["attendees"],
    }


@org_view(Capability.EDIT_STEPS)
def session_create(request):
    form = forms.LearningSessionForm(request.POST or None, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.learning_session_create(
                organization=request.organization,
                actor=request.user,
                submission_id=form.cleaned_data["submission_id"],
                **_session_values(form.cleaned_data),
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, f"Session “{session.topic}” recorded.")
            return _go(request, "session_detail", pk=session.pk)
    return render(request, "learning/form.html", {"form": form, "title": "Record a session"})


@org_view(Capability.EDIT_STEPS)
def session_edit(request, pk: int):
    session = get_for_org(LearningSession, pk=pk)
    initial = {
        "date": session.date,
        "topic": session.topic,
        "notes": session.notes,
        "resources": list(session.resources.all()),
        "attendees": list(session.attendees.all()),
    }
    form = forms.LearningSessionForm(
        request.POST or None, initial=initial, organization=request.organization
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.learning_session_update(
                session=session, actor=request.user, **_session_values(form.cleaned_data)
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, "Session saved.")
            return _go(request, "session_detail", pk=session.pk)
    return render(request, "learning/form.html", {"form": form, "title": f"Edit {session}"})


@org_view(Capability.EDIT_STEPS)
@require_POST
def session_reflect(request, pk: int):
    session = get_for_org(LearningSession, pk=pk)
    form = forms.ReflectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write a reflection before saving it.")
    else:
        try:
            services.session_reflection_save(
                session=session,
                author=request.membership,
                actor=request.user,
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "Your reflection is saved.")
    return _go(request, "session_detail", pk=session.pk)
