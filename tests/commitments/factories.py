"""factory-boy factories for the Commit step. Organizations and members come from
tests/factories.py; the questionnaire is seeded by the service, as in production."""

import datetime

import factory
from django.utils import timezone

from commitments import services
from commitments.models import (
    Assessment,
    Champion,
    Commitment,
    CommitmentStatusChange,
    ListeningSession,
    ListeningTheme,
)
from tests.factories import MembershipFactory, OrganizationFactory


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    owner = factory.SubFactory(
        MembershipFactory, organization=factory.SelfAttribute("..organization")
    )
    statement = factory.Sequence(lambda n: f"Commitment number {n}")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    step = "commit"

    @factory.post_generation
    def history(obj, create, extracted, **kwargs):  # noqa: N805 - factory-boy hook signature
        if create:
            CommitmentStatusChange.objects.create(
                organization=obj.organization, commitment=obj, to_status=obj.status
            )


class ChampionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Champion

    organization = factory.SubFactory(OrganizationFactory)
    membership = factory.SubFactory(
        MembershipFactory, organization=factory.SelfAttribute("..organization")
    )
    department = "Primary care"
    focus_area = factory.Sequence(lambda n: f"Focus area {n}")


class ListeningSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ListeningSession

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Listening session {n}")
    held_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))
    audience = ListeningSession.Audience.PATIENTS
    method = ListeningSession.Method.SESSION
    participants = 20


class ListeningThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ListeningTheme

    session = factory.SubFactory(ListeningSessionFactory)
    organization = factory.SelfAttribute("session.organization")
    text = factory.Sequence(lambda n: f"Theme {n}")


def completed_assessment(organization, actor, value=2, overrides=None) -> Assessment:
    """A completed self-assessment answering every question `value` (or per key overrides)."""
    overrides = overrides or {}
    assessment, _ = services.assessment_start(organization=organization, actor=actor)
    answers = {
        q.pk: (overrides.get(q.key, value), f"Evidence for {q.key}")
        for q in assessment.questionnaire.questions.all()
    }
    return services.assessment_save_answers(
        assessment=assessment, answers=answers, complete=True, actor=actor
    )
