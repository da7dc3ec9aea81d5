"""Demo content for `manage.py seed_demo`: a completed self-assessment (two, so the progress
chart has a line), commitments, champions and a listening session. Idempotent: each item is
added only if it is not there yet."""

from datetime import timedelta

from django.utils import timezone

from equity_portal.core.models import Membership
from equity_portal.core.roles import Role

from . import services
from .models import Assessment, Champion, Commitment, ListeningSession

# (question key -> answer) for the earlier and the later assessment.
EARLIER = {"asked-staff": 1, "named-champions": 1, "leadership-commitment": 2}
LATER = {"access-by-real": 2, "asked-patients": 1, "named-champions": 3, "real-self-reported": 3}

COMMITMENTS = [
    # (statement, owner role, due in days, step, status)
    (
        "Report access and screening measures by race, ethnicity and language every quarter",
        Role.ANALYST,
        60,
        "data",
        Commitment.Status.IN_PROGRESS,
    ),
    (
        "Hold a patient listening session on experiences of racism in care",
        Role.CHAMPION,
        -10,
        "commit",
        Commitment.Status.PLANNED,
    ),
    (
        "Give every manager the health equity basics learning plan",
        Role.LEADER,
        90,
        "learn",
        Commitment.Status.PLANNED,
    ),
    (
        "Publish the board's equity commitment on the intranet",
        Role.LEADER,
        -30,
        "commit",
        Commitment.Status.DONE,
    ),
    (
        "Make interpreters available for same-day and short visits",
        Role.CHAMPION,
        120,
        "improve",
        Commitment.Status.IN_PROGRESS,
    ),
]


def _answers(assessment: Assessment, overrides: dict[str, int], default: int):
    return {
        q.pk: (overrides.get(q.key, default), "Demo answer.")
        for q in assessment.questionnaire.questions.all()
    }


def seed_demo_content(sender, *, organization, users, stdout=None, **kwargs):
    actor = users.get(Role.ADMIN) or next(iter(users.values()))
    memberships = {
        role: Membership.objects.get(organization=organization, user=user)
        for role, user in users.items()
    }

    def member(role):
        return memberships.get(role) or memberships[Role.ADMIN]

    services.questionnaire_ensure(organization=organization, actor=actor)
    if not Assessment.objects.filter(
        organization=organization, status=Assessment.Status.COMPLETED
    ).exists():
        for overrides, default, days_ago in ((EARLIER, 0, 180), (LATER, 2, 0)):
            assessment, _ = services.assessment_start(organization=organization, actor=actor)
            services.assessment_save_answers(
                assessment=assessment,
                answers=_answers(assessment, overrides, default),
                complete=True,
                actor=actor,
            )
            if days_ago:
                # Backdate the earlier one so the chart shows progress over time.
                Assessment.objects.filter(pk=assessment.pk).update(
                    completed_at=timezone.now() - timedelta(days=days_ago),
                    started_at=timezone.now() - timedelta(days=days_ago),
                )

    today = timezone.localdate()
    created = {}
    for statement, role, due_in, step, status in COMMITMENTS:
        owner = member(role)
        commitment = Commitment.objects.filter(
            organization=organization, owner=owner, statement=statement
        ).first()
        if commitment is None:
            commitment = services.commitment_create(
                organization=organization,
                statement=statement,
                owner=owner,
                due_date=today + timedelta(days=due_in),
                step=step,
                actor=actor,
            )
            if status != commitment.status:
                services.commitment_change_status(commitment=commitment, status=status, actor=actor)
        created[statement] = commitment

    champions = (
        (Role.CHAMPION, "Language access and interpreter services"),
        (Role.LEADER, "Leadership accountability and resources"),
    )
    for role, focus in champions:
        owner = memberships.get(role)
        if (
            owner
            and not Champion.objects.filter(organization=organization, membership=owner).exists()
        ):
            services.champion_create(
                organization=organization,
                membership=owner,
                department="Primary care" if role == Role.CHAMPION else "Executive office",
                focus_area=focus,
                actor=actor,
            )

    title = "Community listening session at the health centre"
    if not ListeningSession.objects.filter(organization=organization, title=title).exists():
        session = services.listening_session_create(
            organization=organization,
            title=title,
            held_on=today - timedelta(days=45),
            audience=ListeningSession.Audience.PATIENTS,
            method=ListeningSession.Method.SESSION,
            participants=34,
            themes=[
                "Interpreters are hard to get for short visits",
                "Patients feel dismissed when reporting pain",
                "Appointment times clash with shift work",
            ],
            actions_taken="Shared the themes with the equity committee; two commitments logged.",
            actor=actor,
        )
        first_theme = session.themes.order_by("position").first()
        services.listening_theme_link(
            theme=first_theme,
            commitments=[created[COMMITMENTS[4][0]]],
            actor=actor,
        )
    if stdout is not None:
        stdout.write("  Commit: demo self-assessments, commitments, champions and listening.")
