"""The demo: an approved vision, two adopted priorities from the demo data's disparities, a team,
an approved charter whose goal's baseline came from the data, a submitted charter waiting for the
leader; idempotent, and completed later when the extract is processed after seeding."""

import pytest

from data_hub import api
from equity_portal.core.models import Team
from equity_portal.core.roles import Role
from tests.data_hub_results.factories import fixture_extract
from tests.factories import MembershipFactory, OrganizationFactory
from vision import demo, selectors
from vision.models import Charter, CharterGoal, PriorityInequity, ReviewStatus, VisionStatement

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_org():
    organization = OrganizationFactory(slug="demo", name="Demo Health System")
    users = {
        role: MembershipFactory(organization=organization, role=role).user
        for role in (Role.CHAMPION, Role.ANALYST, Role.LEADER, Role.ADMIN)
    }
    return organization, users


def _state(organization):
    return (
        VisionStatement.objects.filter(organization=organization).count(),
        PriorityInequity.objects.filter(organization=organization).count(),
        Team.objects.filter(organization=organization).count(),
        Charter.objects.filter(organization=organization).count(),
        CharterGoal.objects.filter(organization=organization).count(),
    )


def test_demo_content_from_the_demo_data_and_idempotent(demo_org):
    organization, users = demo_org
    extract, _ = fixture_extract(organization, measures=2)
    demo.seed_demo_vision(sender=None, organization=organization, users=users)

    vision = selectors.approved_vision(organization)
    assert vision is not None and vision.status == ReviewStatus.APPROVED
    adopted = PriorityInequity.objects.filter(organization=organization, status="adopted")
    assert adopted.count() == 2
    keys = {str(d.key) for d in api.disparities(organization)}
    assert {p.key for p in adopted} <= keys
    team = Team.objects.get(organization=organization, name=demo.DEMO_TEAM)
    assert team.executive_sponsor.role == Role.LEADER and team.lead is not None

    approved = Charter.objects.get(organization=organization, title=demo.APPROVED_CHARTER)
    assert approved.status == ReviewStatus.APPROVED
    goal = approved.goals.get()
    assert goal.baseline_extract_id == extract.pk and goal.baseline_rate is not None
    row = api.group_results(organization, goal.measure, goal.dimension).row(goal.group)
    assert goal.baseline_rate == row.rate
    submitted = Charter.objects.get(organization=organization, title=demo.SUBMITTED_CHARTER)
    assert submitted.status == ReviewStatus.SUBMITTED and submitted.goals.count() == 1
    assert list(selectors.charters_waiting_for_approval(organization=organization)) == [submitted]

    first = _state(organization)
    demo.seed_demo_vision(sender=None, organization=organization, users=users)
    assert _state(organization) == first == (1, 2, 1, 2, 2)


def test_demo_waits_for_the_data_then_the_task_completes_it(
    demo_org, django_capture_on_commit_callbacks
):
    organization, users = demo_org
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        demo.seed_demo_vision(sender=None, organization=organization, users=users)
    assert len(callbacks) == 1  # the follow-up task is queued
    assert selectors.approved_vision(organization) is not None
    assert Team.objects.filter(organization=organization).count() == 1
    assert not Charter.objects.filter(organization=organization).exists()

    fixture_extract(organization, measures=1)  # the worker processed the extract
    from vision.tasks import complete_demo_vision

    complete_demo_vision.apply(args=[organization.pk])
    assert Charter.objects.filter(organization=organization).count() == 2
    assert PriorityInequity.objects.filter(organization=organization, status="adopted").count() == 2


def test_other_organizations_get_no_vision_demo(org, make_member):
    demo.seed_demo_vision(
        sender=None, organization=org, users={"leader": make_member(org, "leader").user}
    )
    assert not VisionStatement.objects.filter(organization=org).exists()
