"""Step 1, Commit: thin function views (authorize, validate a form, call a service or selector,
redirect or render). Every write is a POST that redirects (POST-redirect-GET)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from equity_portal.core.exports import csv_download
from equity_portal.core.pages import add_errors, page_of
from equity_portal.core.roles import Capability
from equity_portal.core.tenancy import get_for_org, org_view

from . import charts, scoring, selectors, services
from .forms import (
    AssessmentForm,
    ChampionFilterForm,
    ChampionForm,
    CommitmentFilterForm,
    CommitmentForm,
    CommitmentStatusForm,
    ListeningFilterForm,
    ListeningSessionForm,
    PublishForm,
    QuestionFormSet,
    ThemeLinkForm,
)
from .models import (
    SCALE,
    ActionTarget,
    Assessment,
    Champion,
    Commitment,
    Domain,
    ListeningSession,
    ListeningTheme,
)

# Next actions that lead to another step go to that step's landing page (by URL name, so this
# app imports nothing from the others); until a step exists, to its card on the home page.
STEP_APPS = {
    ActionTarget.DATA: ("data_hub:index", "data"),
    ActionTarget.LEARN: ("learning:index", "learn"),
    ActionTarget.VISION: ("vision:index", "vision"),
    ActionTarget.IMPROVE: ("improvement:index", "improve"),
}
OWN_PAGES = {
    ActionTarget.COMMITMENTS: "commitments:commitment_create",
    ActionTarget.CHAMPIONS: "commitments:champion_create",
    ActionTarget.LISTENING: "commitments:listening_create",
}


def _url(request, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"org_slug": request.organization.slug, **kwargs})


def _redirect(request, name: str, **kwargs):
    return redirect(_url(request, name, **kwargs))


def _action_url(request, target: str) -> str | None:
    if target in OWN_PAGES:
        return _url(request, OWN_PAGES[target])
    if target in STEP_APPS:
        name, key = STEP_APPS[target]
        try:
            return _url(request, name)
        except NoReverseMatch:
            return _url(request, "overview:index") + f"#step-{key}"
    return None


def _csv_response(request, *, what: str, filters: dict, header: list[str], rows) -> HttpResponse:
    return csv_download(
        request,
        what=what,
        header=header,
        rows=rows,
        filename=f"{what.replace('_', '-')}s-{request.organization.slug}.csv",
        filters=filters,
    )


# --- Landing page --------------------------------------------------------------------------


@org_view(Capability.VIEW)
def index(request):
    summary = selectors.commit_summary(organization=request.organization)
    return render(request, "commitments/index.html", {"summary": summary, "domains": Domain})


# --- Self-assessment -----------------------------------------------------------------------


def _progress_context(request, assessments) -> dict:
    rows = charts.assessment_progress_rows(assessments)
    return {
        "progress_rows": rows,
        # A dict, so json_script escapes it safely into the page for plotly.js.
        "progress_figure": charts.assessment_progress_figure(rows) if rows else None,
        "domain_labels": Domain.labels,
    }


@org_view(Capability.VIEW)
def assessment_list(request):
    organization = request.organization
    completed = selectors.assessment_completed_list(organization=organization)
    page = page_of(request, completed)
    context = {
        "page": page,
        "draft": selectors.assessment_draft(organization=organization),
        # The chart shows the whole history; a long history is still one row per assessment.
        **_progress_context(request, list(completed)),
    }
    return render(request, "commitments/assessment_list.html", context)


@org_view(Capability.VIEW)
def assessment_export(request):
    completed = selectors.assessment_completed_list(organization=request.organization)
    rows = charts.assessment_progress_rows(list(completed))
    return _csv_response(
        request,
        what="assessment",
        filters={},
        header=["completed_on", "questionnaire_version", "overall_percent", *Domain.labels],
        rows=(
            [row["date"].isoformat(), row["version"], row["overall"], *row["domains"]]
            for row in rows
        ),
    )


@org_view(Capability.EDIT_STEPS)
@require_POST
def assessment_start(request):
    assessment, created = services.assessment_start(
        organization=request.organization, actor=request.user
    )
    if not created:
        messages.info(request, "A self-assessment is already in progress: carry on with it.")
    return _redirect(request, "commitments:assessment_detail", pk=assessment.pk)


@org_view(Capability.VIEW)
def assessment_detail(request, pk: int):
    assessment = get_for_org(
        Assessment.objects.select_related("questionnaire", "started_by", "completed_by"), pk=pk
    )
    pairs = selectors.assessment_answers(assessment=assessment)
    if assessment.is_completed:
        answers = [answer for _question, answer in pairs if answer is not None]
        actions = [
            {"action": action, "url": _action_url(request, action.target)}
            for action in scoring.next_actions(answers)
        ]
        domain_rows = [
            (label, assessment.domain_scores.get(value))
            for value, label in Domain.choices
            if value in assessment.domain_scores
        ]
        context = {
            "assessment": assessment,
            "pairs": pairs,
            "next_actions": actions,
            "domain_rows": domain_rows,
            "scale": dict(SCALE),
        }
        return render(request, "commitments/assessment_result.html", context)

    can_edit = request.membership.can(Capability.EDIT_STEPS)
    form = AssessmentForm(request.POST or None, pairs=pairs)
    if request.method == "POST" and can_edit and form.is_valid():
        complete = request.POST.get("action") == "complete"
        try:
            services.assessment_save_answers(
                assessment=assessment, answers=form.answers(), complete=complete, actor=request.user
            )
        except ValidationError as error:
            if complete:
                # Nothing typed is lost: the answers and evidence notes are kept as a draft,
                # and the page shows what is missing next to each question.
                form.mark_missing()
                try:
                    services.assessment_save_answers(
                        assessment=assessment, answers=form.answers(), actor=request.user
                    )
                except ValidationError:
                    pass
                else:
                    error = ValidationError(
                        [*error.messages, "Your answers and evidence notes are saved as a draft."]
                    )
            add_errors(form, error)
        else:
            if complete:
                messages.success(request, "Self-assessment completed. Here are your scores.")
            else:
                messages.success(request, "Answers saved. You can come back to finish later.")
            return _redirect(request, "commitments:assessment_detail", pk=assessment.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "commitments/assessment_form.html",
        {"assessment": assessment, "form": form, "can_edit": can_edit},
        status=status,
    )


@org_view(Capability.VIEW)
def assessment_answers_export(request, pk: int):
    assessment = get_for_org(Assessment.objects.select_related("questionnaire"), pk=pk)
    scale = dict(SCALE)
    return _csv_response(
        request,
        what="assessment_answer",
        filters={"assessment": assessment.pk},
        header=["domain", "question", "answer_value", "answer", "evidence"],
        rows=(
            [
                question.get_domain_display(),
                question.text,
                answer.value if answer else "",
                scale.get(answer.value, "") if answer else "",
                answer.evidence if answer else "",
            ]
            for question, answer in selectors.assessment_answers(assessment=assessment)
        ),
    )


@org_view(Capability.VIEW)
def questionnaire(request):
    organization = request.organization
    current = selectors.questionnaire_current(organization=organization)
    context = {
        "current": current,
        "questions": selectors.question_list(questionnaire=current) if current else [],
        "versions": selectors.questionnaire_versions(organization=organization),
    }
    return render(request, "commitments/questionnaire.html", context)


@org_view(Capability.MANAGE_USERS)
def questionnaire_edit(request):
    organization = request.organization
    # Viewing the editor writes nothing: before the first version exists (publishing seeds
    # it), the form starts from the default questions.
    current = selectors.questionnaire_current(organization=organization)
    if current is not None:
        questions = [
            {field: getattr(q, field) for field in services.QUESTION_FIELDS}
            for q in selectors.question_list(questionnaire=current)
        ]
    else:
        questions = [
            {field: q.get(field, "") for field in services.QUESTION_FIELDS}
            for q in services.DEFAULT_QUESTIONS
        ]
    initial = questions
    formset = QuestionFormSet(request.POST or None, initial=initial, prefix="questions")
    publish_form = PublishForm(request.POST or None)
    if request.method == "POST" and formset.is_valid() and publish_form.is_valid():
        try:
            new = services.questionnaire_publish(
                organization=organization,
                questions=formset.questions(),
                note=publish_form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as error:
            publish_form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Version {new.version} published. Earlier assessments keep the version "
                "they answered.",
            )
            return _redirect(request, "commitments:questionnaire")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "commitments/questionnaire_edit.html",
        {"current": current, "formset": formset, "publish_form": publish_form},
        status=status,
    )


# --- Commitments ---------------------------------------------------------------------------


def _commitment_filters(request):
    form = CommitmentFilterForm(request.GET or None, organization=request.organization)
    return form, form.filters()


@org_view(Capability.VIEW)
def commitment_list(request):
    form, filters = _commitment_filters(request)
    commitments = selectors.commitment_list(organization=request.organization, **filters)
    context = {
        "filter_form": form,
        "page": page_of(request, commitments),
        "filtered": any(filters.values()),
    }
    return render(request, "commitments/commitment_list.html", context)


@org_view(Capability.VIEW)
def commitment_export(request):
    _form, filters = _commitment_filters(request)
    commitments = selectors.commitment_list(organization=request.organization, **filters)
    return _csv_response(
        request,
        what="commitment",
        filters=filters,
        header=[
            "id",
            "statement",
            "owner",
            "owner_email",
            "due_date",
            "status",
            "overdue",
            "dropped_reason",
            "step",
            "charter",
        ],
        rows=(
            [
                c.pk,
                c.statement,
                c.owner.user.display_name,
                c.owner.user.email,
                c.due_date.isoformat() if c.due_date else "",
                c.get_status_display(),
                "yes" if c.is_overdue else "no",
                c.dropped_reason,
                c.get_step_display(),
                c.charter_reference,
            ]
            for c in commitments.iterator(chunk_size=2000)
        ),
    )


@org_view(Capability.EDIT_STEPS)
def commitment_create(request):
    organization = request.organization
    initial = {"owner": request.membership.pk, "step": request.GET.get("step") or "commit"}
    form = CommitmentForm(request.POST or None, organization=organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            commitment = services.commitment_create(
                organization=organization, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Commitment logged.")
            return _redirect(request, "commitments:commitment_detail", pk=commitment.pk)
    return render(
        request,
        "commitments/commitment_form.html",
        {"form": form, "commitment": None},
        status=400 if request.method == "POST" else 200,
    )


def _commitment(request, pk: int) -> Commitment:
    return get_for_org(Commitment.objects.select_related("owner__user", "created_by"), pk=pk)


def _commitment_detail_context(request, commitment, status_form=None) -> dict:
    return {
        "commitment": commitment,
        "history": selectors.commitment_history(commitment=commitment),
        "themes": selectors.commitment_themes(commitment=commitment),
        "status_form": status_form
        or CommitmentStatusForm(
            initial={
                "status": Commitment.Status.IN_PROGRESS
                if commitment.status == Commitment.Status.PLANNED
                else commitment.status
            }
        ),
    }


@org_view(Capability.VIEW)
def commitment_detail(request, pk: int):
    commitment = _commitment(request, pk)
    return render(
        request,
        "commitments/commitment_detail.html",
        _commitment_detail_context(request, commitment),
    )


@org_view(Capability.EDIT_STEPS)
def commitment_edit(request, pk: int):
    commitment = _commitment(request, pk)
    initial = {
        "statement": commitment.statement,
        "owner": commitment.owner_id,
        "due_date": commitment.due_date,
        "step": commitment.step,
        "charter_reference": commitment.charter_reference,
    }
    form = CommitmentForm(request.POST or None, organization=request.organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.commitment_update(
                commitment=commitment, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Commitment saved.")
            return _redirect(request, "commitments:commitment_detail", pk=commitment.pk)
    return render(
        request,
        "commitments/commitment_form.html",
        {"form": form, "commitment": commitment},
        status=400 if request.method == "POST" else 200,
    )


@org_view(Capability.EDIT_STEPS)
@require_POST
def commitment_status(request, pk: int):
    commitment = _commitment(request, pk)
    form = CommitmentStatusForm(request.POST)
    if form.is_valid():
        try:
            change = services.commitment_change_status(
                commitment=commitment,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            label = Commitment.Status(form.cleaned_data["status"]).label
            if change is None:
                messages.info(request, f"The commitment is already {label.lower()}.")
            else:
                messages.success(request, f"Status changed to {label.lower()}.")
            return _redirect(request, "commitments:commitment_detail", pk=commitment.pk)
    return render(
        request,
        "commitments/commitment_detail.html",
        _commitment_detail_context(request, commitment, status_form=form),
        status=400,
    )


# --- Champions -----------------------------------------------------------------------------


def _champion_filters(request):
    departments = selectors.champion_departments(organization=request.organization)
    form = ChampionFilterForm(request.GET or None, departments=departments)
    return form, form.filters()


@org_view(Capability.VIEW)
def champion_list(request):
    form, filters = _champion_filters(request)
    champions = selectors.champion_list(organization=request.organization, **filters)
    context = {
        "filter_form": form,
        "page": page_of(request, champions),
        "filtered": any(filters.values()),
    }
    return render(request, "commitments/champion_list.html", context)


@org_view(Capability.VIEW)
def champion_export(request):
    _form, filters = _champion_filters(request)
    champions = selectors.champion_list(organization=request.organization, **filters)
    return _csv_response(
        request,
        what="champion",
        filters=filters,
        header=["name", "email", "department", "focus_area", "named_on"],
        rows=(
            [
                c.membership.user.full_name,
                c.membership.user.email,
                c.department,
                c.focus_area,
                c.named_on.isoformat(),
            ]
            for c in champions.iterator(chunk_size=2000)
        ),
    )


@org_view(Capability.EDIT_STEPS)
def champion_create(request):
    form = ChampionForm(request.POST or None, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        try:
            champion = services.champion_create(
                organization=request.organization, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, f"{champion.membership.user.display_name} is now an equity champion."
            )
            return _redirect(request, "commitments:champion_list")
    return render(
        request,
        "commitments/champion_form.html",
        {"form": form, "champion": None},
        status=400 if request.method == "POST" else 200,
    )


def _champion(request, pk: int) -> Champion:
    return get_for_org(Champion.objects.select_related("membership__user"), pk=pk)


@org_view(Capability.EDIT_STEPS)
def champion_edit(request, pk: int):
    champion = _champion(request, pk)
    form = ChampionForm(
        request.POST or None,
        organization=request.organization,
        editing=True,
        initial={"department": champion.department, "focus_area": champion.focus_area},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.champion_update(champion=champion, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Champion saved.")
            return _redirect(request, "commitments:champion_list")
    return render(
        request,
        "commitments/champion_form.html",
        {"form": form, "champion": champion},
        status=400 if request.method == "POST" else 200,
    )


@org_view(Capability.EDIT_STEPS)
@require_POST
def champion_remove(request, pk: int):
    champion = _champion(request, pk)
    name = champion.membership.user.display_name
    services.champion_remove(champion=champion, actor=request.user)
    messages.success(request, f"{name} is no longer listed as an equity champion.")
    return _redirect(request, "commitments:champion_list")


# --- Listening -----------------------------------------------------------------------------


def _listening_filters(request):
    form = ListeningFilterForm(request.GET or None)
    return form, form.filters()


@org_view(Capability.VIEW)
def listening_list(request):
    form, filters = _listening_filters(request)
    sessions = selectors.listening_session_list(organization=request.organization, **filters)
    context = {
        "filter_form": form,
        "page": page_of(request, sessions),
        "filtered": any(filters.values()),
    }
    return render(request, "commitments/listening_list.html", context)


@org_view(Capability.VIEW)
def listening_export(request):
    _form, filters = _listening_filters(request)
    sessions = selectors.listening_session_list(organization=request.organization, **filters)
    return _csv_response(
        request,
        what="listening_session",
        filters=filters,
        header=[
            "date",
            "name",
            "audience",
            "method",
            "participants",
            "themes",
            "linked_commitments",
            "actions_taken",
        ],
        rows=(
            [
                s.held_on.isoformat(),
                s.title,
                s.get_audience_display(),
                s.get_method_display(),
                s.participants if s.participants is not None else "",
                "; ".join(t.text for t in s.themes.all()),
                "; ".join(
                    sorted({c.statement for t in s.themes.all() for c in t.commitments.all()})
                ),
                s.actions_taken,
            ]
            # Chunked iteration keeps the prefetches (Django 5: chunk_size with prefetch).
            for s in sessions.iterator(chunk_size=500)
        ),
    )


def _session_form_data(form) -> dict:
    data = {k: v for k, v in form.cleaned_data.items() if k != "themes"}
    data["themes"] = form.theme_list()
    return data


@org_view(Capability.EDIT_STEPS)
def listening_create(request):
    form = ListeningSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.listening_session_create(
                organization=request.organization, actor=request.user, **_session_form_data(form)
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Listening session recorded. Link its themes to commitments.")
            return _redirect(request, "commitments:listening_detail", pk=session.pk)
    return render(
        request,
        "commitments/listening_form.html",
        {"form": form, "session": None},
        status=400 if request.method == "POST" else 200,
    )


def _session(request, pk: int) -> ListeningSession:
    return get_for_org(ListeningSession.objects.select_related("created_by"), pk=pk)


@org_view(Capability.VIEW)
def listening_detail(request, pk: int):
    session = _session(request, pk)
    themes = list(
        session.themes.filter(organization=request.organization).prefetch_related("commitments")
    )
    # One list of choices for every theme's checkboxes (a form per theme would query per theme).
    choices = list(
        selectors.commitment_list(organization=request.organization).select_related(None)
    )
    theme_rows = []
    for theme in themes:
        linked = {c.pk for c in theme.commitments.all()}
        theme_rows.append(
            {
                "theme": theme,
                "linked": [c for c in choices if c.pk in linked],
                "choices": [(c, c.pk in linked) for c in choices],
                # The name ThemeLinkForm(prefix=f"theme{pk}") reads back on POST.
                "field_name": f"theme{theme.pk}-commitments",
            }
        )
    context = {"session": session, "theme_rows": theme_rows, "has_commitments": bool(choices)}
    return render(request, "commitments/listening_detail.html", context)


@org_view(Capability.EDIT_STEPS)
def listening_edit(request, pk: int):
    session = _session(request, pk)
    initial = {
        "title": session.title,
        "held_on": session.held_on,
        "audience": session.audience,
        "method": session.method,
        "participants": session.participants,
        "themes": "\n".join(t.text for t in session.themes.all()),
        "actions_taken": session.actions_taken,
    }
    form = ListeningSessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.listening_session_update(
                session=session, actor=request.user, **_session_form_data(form)
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Listening session saved.")
            return _redirect(request, "commitments:listening_detail", pk=session.pk)
    return render(
        request,
        "commitments/listening_form.html",
        {"form": form, "session": session},
        status=400 if request.method == "POST" else 200,
    )


@org_view(Capability.EDIT_STEPS)
@require_POST
def listening_delete(request, pk: int):
    session = _session(request, pk)
    services.listening_session_delete(session=session, actor=request.user)
    messages.success(request, f"“{session.title}” deleted.")
    return _redirect(request, "commitments:listening_list")


@org_view(Capability.EDIT_STEPS)
@require_POST
def listening_theme_link(request, pk: int, theme_pk: int):
    session = _session(request, pk)
    theme = get_for_org(ListeningTheme.objects.filter(session=session), pk=theme_pk)
    choices = selectors.commitment_list(organization=request.organization)
    form = ThemeLinkForm(request.POST, commitments=choices, prefix=f"theme{theme.pk}")
    if form.is_valid():
        services.listening_theme_link(
            theme=theme, commitments=form.cleaned_data["commitments"], actor=request.user
        )
        messages.success(request, f"Commitments linked to the theme “{theme.text}”.")
    else:
        messages.error(request, "Choose commitments from the list.")
    return _redirect(request, "commitments:listening_detail", pk=session.pk)
