"""Reads of step 1 (Commit), shared by views, exports and the overview. Every selector takes
the organization explicitly and filters by it (on top of the request's scope)."""

from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from equity_portal.core.models import Membership, Organization

from .models import (
    Answer,
    Assessment,
    Champion,
    Commitment,
    CommitmentStatusChange,
    ListeningSession,
    ListeningTheme,
    Question,
    Questionnaire,
)


def member_choices(*, organization: Organization) -> QuerySet[Membership]:
    """Active members, the people who can own a commitment or be named a champion."""
    return (
        Membership.objects.filter(organization=organization, is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


# --- Self-assessment -----------------------------------------------------------------------


def questionnaire_current(*, organization: Organization) -> Questionnaire | None:
    return Questionnaire.objects.filter(organization=organization).order_by("-version").first()


def questionnaire_versions(*, organization: Organization) -> QuerySet[Questionnaire]:
    return (
        Questionnaire.objects.filter(organization=organization)
        .select_related("created_by")
        .annotate(
            question_count=Count("questions", distinct=True),
            assessment_count=Count(
                "assessments",
                filter=Q(assessments__status=Assessment.Status.COMPLETED),
                distinct=True,
            ),
        )
        .order_by("-version")
    )


def question_list(*, questionnaire: Questionnaire) -> QuerySet[Question]:
    return Question.objects.filter(
        organization=questionnaire.organization, questionnaire=questionnaire
    ).order_by("position", "pk")


def assessment_draft(*, organization: Organization) -> Assessment | None:
    return (
        Assessment.objects.filter(organization=organization, status=Assessment.Status.DRAFT)
        .select_related("questionnaire", "started_by")
        .first()
    )


def assessment_completed_list(*, organization: Organization) -> QuerySet[Assessment]:
    """Completed assessments, newest first."""
    return (
        Assessment.objects.filter(organization=organization, status=Assessment.Status.COMPLETED)
        .select_related("questionnaire", "completed_by")
        .order_by("-completed_at", "-pk")
    )


def assessment_latest(*, organization: Organization) -> Assessment | None:
    return assessment_completed_list(organization=organization).first()


def assessment_answers(*, assessment: Assessment) -> list[tuple[Question, Answer | None]]:
    """Each question of the assessment's questionnaire version with its answer (or None)."""
    answers = {
        a.question_id: a
        for a in Answer.objects.filter(organization=assessment.organization, assessment=assessment)
    }
    return [(q, answers.get(q.pk)) for q in question_list(questionnaire=assessment.questionnaire)]


# --- Commitments ---------------------------------------------------------------------------


def commitment_list(
    *,
    organization: Organization,
    owner_id: int | None = None,
    status: str | None = None,
    step: str | None = None,
    overdue: bool = False,
) -> QuerySet[Commitment]:
    commitments = Commitment.objects.filter(organization=organization).select_related("owner__user")
    if owner_id:
        commitments = commitments.filter(owner_id=owner_id)
    if status:
        commitments = commitments.filter(status=status)
    if step:
        commitments = commitments.filter(step=step)
    if overdue:
        commitments = commitments.filter(
            status__in=Commitment.OPEN_STATUSES, due_date__lt=timezone.localdate()
        )
    # Dated commitments first, soonest due first; then undated ones.
    return commitments.order_by("due_date", "pk")


def commitment_history(*, commitment: Commitment) -> QuerySet[CommitmentStatusChange]:
    return CommitmentStatusChange.objects.filter(
        organization=commitment.organization, commitment=commitment
    ).select_related("changed_by")


def commitment_themes(*, commitment: Commitment) -> QuerySet[ListeningTheme]:
    return ListeningTheme.objects.filter(
        organization=commitment.organization, commitments=commitment
    ).select_related("session")


# --- Champions -----------------------------------------------------------------------------


def champion_list(
    *, organization: Organization, search: str | None = None, department: str | None = None
) -> QuerySet[Champion]:
    champions = Champion.objects.filter(organization=organization).select_related(
        "membership__user"
    )
    if search:
        champions = champions.filter(
            Q(membership__user__full_name__icontains=search)
            | Q(membership__user__email__icontains=search)
            | Q(focus_area__icontains=search)
        )
    if department:
        champions = champions.filter(department=department)
    return champions.order_by("department", "membership__user__full_name", "pk")


def champion_departments(*, organization: Organization) -> list[str]:
    return list(
        Champion.objects.filter(organization=organization)
        .exclude(department="")
        .values_list("department", flat=True)
        .distinct()
        .order_by("department")
    )


# --- Listening -----------------------------------------------------------------------------


def listening_session_list(
    *,
    organization: Organization,
    audience: str | None = None,
    method: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    search: str | None = None,
) -> QuerySet[ListeningSession]:
    sessions = ListeningSession.objects.filter(organization=organization).prefetch_related(
        Prefetch(
            "themes",
            queryset=ListeningTheme.objects.filter(organization=organization).prefetch_related(
                Prefetch(
                    "commitments",
                    queryset=Commitment.objects.filter(organization=organization).only(
                        "pk", "statement", "organization_id"
                    ),
                )
            ),
        )
    )
    if audience:
        sessions = sessions.filter(audience=audience)
    if method:
        sessions = sessions.filter(method=method)
    if date_from:
        sessions = sessions.filter(held_on__gte=date_from)
    if date_to:
        sessions = sessions.filter(held_on__lte=date_to)
    if search:
        sessions = sessions.filter(
            Q(title__icontains=search) | Q(themes__text__icontains=search)
        ).distinct()
    return sessions.order_by("-held_on", "-pk")


# --- Landing page and overview -------------------------------------------------------------


def commit_summary(*, organization: Organization) -> dict:
    """What the Commit landing page (and the overview) shows, in a fixed number of queries."""
    today = timezone.localdate()
    counts = Commitment.objects.filter(organization=organization).aggregate(
        total=Count("pk"),
        planned=Count("pk", filter=Q(status=Commitment.Status.PLANNED)),
        in_progress=Count("pk", filter=Q(status=Commitment.Status.IN_PROGRESS)),
        done=Count("pk", filter=Q(status=Commitment.Status.DONE)),
        dropped=Count("pk", filter=Q(status=Commitment.Status.DROPPED)),
        overdue=Count("pk", filter=Q(status__in=Commitment.OPEN_STATUSES, due_date__lt=today)),
    )
    upcoming = list(
        commitment_list(organization=organization)
        .filter(status__in=Commitment.OPEN_STATUSES)
        .order_by("due_date", "pk")[:5]
    )
    champions = list(champion_list(organization=organization)[:5])
    sessions = ListeningSession.objects.filter(organization=organization)
    return {
        "latest_assessment": assessment_latest(organization=organization),
        "draft_assessment": assessment_draft(organization=organization),
        "assessment_count": assessment_completed_list(organization=organization).count(),
        "commitment_counts": counts,
        "upcoming_commitments": upcoming,
        "champion_count": Champion.objects.filter(organization=organization).count(),
        "champions": champions,
        "session_count": sessions.count(),
        "latest_session": sessions.order_by("-held_on", "-pk").first(),
    }
