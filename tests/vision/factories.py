"""Factories of the Vision step. The data comes from the results fixture extract (rows created
directly), and priorities and goals are made through the services so their snapshots are the
read API's."""

import factory

from equity_portal.core.models import Team
from tests.factories import MembershipFactory, OrganizationFactory
from vision import services
from vision.models import Charter, CommunityPartner, VisionStatement

BLACK, WHITE, HISPANIC = "Black or African American", "White", "Hispanic or Latino"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"QI team {n}")


class CharterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Charter

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Charter {n}")
    team = factory.LazyAttribute(lambda o: TeamFactory(organization=o.organization))
    problem_statement = "A gap in screening."


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityPartner

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Partner {n}")
    kind = "cbo"


class VisionStatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisionStatement

    organization = factory.SubFactory(OrganizationFactory)
    version = factory.Sequence(lambda n: n + 1)
    text = "Equal care for everyone."


def leader_of(organization):
    return MembershipFactory(organization=organization, role="leader").user


def make_priority(organization, group=BLACK, *, measure="screen", dimension="race_ethnicity"):
    return services.priority_create(
        organization=organization,
        actor=None,
        measure=measure,
        dimension=dimension,
        group=group,
        rationale="Large and actionable.",
    )


def make_goal(charter, priority, *, aim="difference", target_value=0.1, **kwargs):
    from datetime import date

    return services.goal_create(
        charter=charter,
        actor=None,
        priority=priority,
        title=kwargs.pop("title", "Close the gap"),
        aim=aim,
        target_value=target_value,
        target_date=kwargs.pop("target_date", date(2027, 12, 31)),
        **kwargs,
    )
