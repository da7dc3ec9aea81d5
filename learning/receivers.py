"""Signal receivers: starter content for new organizations, and demo content for seed_demo."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from equity_portal.core import teams
from equity_portal.core.models import Membership, Organization
from equity_portal.core.roles import Role

from . import services
from .models import LearningPlan, LearningSession, Resource, Team

DEMO_TEAM = "Equity learning circle"
DEMO_PLAN = "Getting started with health equity"
DEMO_SESSION = "Shared language: equity, social needs and the social determinants"


def seed_new_organization(sender, instance: Organization, created: bool, raw=False, **kwargs):
    """Every new organization starts with the starter library and glossary."""
    if created and not raw:
        services.learning_seed_defaults(organization=instance)


@transaction.atomic
def add_demo_content(sender, organization: Organization, users: dict, stdout=None, **kwargs):
    """A team, a learning plan for the demo champion and a past learning session. Idempotent:
    each piece is looked up by its name before it is created."""
    with scope(organization=organization):
        services.learning_seed_defaults(organization=organization)
        members = {
            m.role: m
            for m in Membership.objects.filter(
                organization=organization, user__in=list(users.values()), is_active=True
            ).select_related("user")
        }
        if not members:
            return
        actor = (members.get(Role.ADMIN) or next(iter(members.values()))).user
        learner = members.get(Role.CHAMPION) or next(iter(members.values()))
        by_key = {
            r.seed_key: r
            for r in Resource.objects.filter(organization=organization).exclude(seed_key="")
        }

        team = Team.objects.filter(organization=organization, name=DEMO_TEAM).first()
        if team is None:
            team = teams.team_create(
                organization=organization, actor=actor, name=DEMO_TEAM, members=members.values()
            )

        if not LearningPlan.objects.filter(organization=organization, title=DEMO_PLAN).exists():
            today = timezone.localdate()
            keys = ["basics-health-equity", "language-guide", "implicit-association"]
            services.learning_plan_create(
                organization=organization,
                actor=actor,
                title=DEMO_PLAN,
                description="Three short items to build shared language before the data work.",
                assignee=learner,
                items=[
                    (by_key[key], today + timedelta(days=14 * (n + 1)))
                    for n, key in enumerate(keys)
                    if key in by_key
                ],
            )

        if not LearningSession.objects.filter(
            organization=organization, topic=DEMO_SESSION
        ).exists():
            services.learning_session_create(
                organization=organization,
                actor=actor,
                session_date=timezone.localdate() - timedelta(days=7),
                topic=DEMO_SESSION,
                notes="Lunch-and-learn: we read the glossary together and shared examples.",
                resources=[by_key[k] for k in ("basics-health-equity",) if k in by_key],
                attendees=members.values(),
            )
        if stdout is not None:
            stdout.write(f"  Learn: team, plan for {learner.user.email}, a session")
