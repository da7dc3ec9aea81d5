"""factory-boy factories of the Learn step. Rows of one object graph share one organization."""

from datetime import timedelta

import factory
from django.utils import timezone

from learning.models import (
    GlossaryTerm,
    ItemCompletion,
    LearningPlan,
    LearningSession,
    PlanItem,
    Resource,
    SessionReflection,
    Team,
)
from tests.factories import MembershipFactory, OrganizationFactory


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Resource {n}")
    kind = "article"
    summary = "What it covers, in our words."
    tags = "equity"
    step = "learn"


class GlossaryTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GlossaryTerm

    organization = factory.SubFactory(OrganizationFactory)
    term = factory.Sequence(lambda n: f"Term {n}")
    slug = factory.LazyAttribute(lambda o: o.term.lower().replace(" ", "-"))
    definition = "A definition in our own words."


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):  # noqa: N805 - factory-boy hook signature
        if create and extracted:
            obj.members.set(extracted)


class LearningPlanFactory(factory.django.DjangoModelFactory):
    """Assigned to a new member of the plan's organization unless `team` is given."""

    class Meta:
        model = LearningPlan

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Plan {n}")
    team = None
    assignee = factory.Maybe(
        "team",
        yes_declaration=None,
        no_declaration=factory.SubFactory(
            MembershipFactory, organization=factory.SelfAttribute("..organization")
        ),
    )


class PlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanItem

    plan = factory.SubFactory(LearningPlanFactory)
    organization = factory.SelfAttribute("plan.organization")
    resource = factory.SubFactory(
        ResourceFactory, organization=factory.SelfAttribute("..organization")
    )
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))


class ItemCompletionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItemCompletion

    item = factory.SubFactory(PlanItemFactory)
    organization = factory.SelfAttribute("item.organization")
    membership = factory.SelfAttribute("item.plan.assignee")
    reflection = ""


class LearningSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningSession

    organization = factory.SubFactory(OrganizationFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))
    topic = factory.Sequence(lambda n: f"Session {n}")


class SessionReflectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionReflection

    session = factory.SubFactory(LearningSessionFactory)
    organization = factory.SelfAttribute("session.organization")
    author = factory.SubFactory(
        MembershipFactory, organization=factory.SelfAttribute("..organization")
    )
    text = "What I took away."
